#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# posix_timers' "check signal distribution" alone (ctd-repro.c, built by
# the caller), looped N times in a guest under clock-test.sh's own trace
# (sig_trace: the events and filters its ctd_cause reads), plus the
# waker's stack of each wakeup of the test's threads; each failed run's
# trace goes to the console, prefixed "ctdtrace-RUN: ", for ctd_cause to
# read on this machine. E.g.:
#   gcc -O2 -pthread -o /root/ctd scripts/suites/clock/ctd-repro.c
#   make run PLATFORM=kvm BED_L1_SMP=2 \
#     CMD='sh /path/to/scripts/suites/clock/ctd-repro.sh /root/ctd 120'
# KTAP_HELPERS: as for clock-test.sh (ktap-lib.sh wants it); by default
# the one of the series' tree in /root/.cache/pvx (the guest sees the
# machine's root; its HOME is /): with another PVX_CACHE, put
# KTAP_HELPERS=$PVX_CACHE/tree/tools/testing/selftests/kselftest/ktap_helpers.sh
# in front of sh in CMD.
bin=$1 n=${2:-100}
: "${KTAP_HELPERS:=/root/.cache/pvx/tree/tools/testing/selftests/kselftest/ktap_helpers.sh}"
export KTAP_HELPERS
CLOCK_TEST_FUNCS=1
# shellcheck source=scripts/suites/clock/clock-test.sh
. "$(dirname "$0")/clock-test.sh"
comm=$(basename "$bin" | cut -c1-15)
w=$trc/events/sched/sched_waking
sig_trace 1 "$comm"
echo 0 > "$trc/tracing_on"
[ "$sig_traced" = 1 ] || { echo "ctd: cannot trace (tracefs or its events missing)"; exit 1; }
echo 8192 > "$trc/buffer_size_kb"
echo "stacktrace if comm == \"$comm\"" > "$w/trigger"
fails=0
i=0
while [ $i -lt "$n" ]; do
	i=$((i + 1))
	: > "$trc/trace"
	echo 1 > "$trc/tracing_on"
	"$bin"
	rc=$?
	echo 0 > "$trc/tracing_on"
	[ $rc = 0 ] && continue
	fails=$((fails + 1))
	grep -v '^#' "$trc/trace" | sed "s/^/ctdtrace-$i: /"
	echo "ctd: run $i failed rc=$rc"
done
echo "!stacktrace if comm == \"$comm\"" > "$w/trigger"
sig_trace 0
echo "ctd: $fails of $n failed"
