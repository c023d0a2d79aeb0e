#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# posix_timers' "check signal distribution" alone (ctd-repro.c, built by
# the caller), looped N times in a guest with the events clock-test.sh's
# ctd_cause reads, plus the waker's stack of each wakeup of the test's
# threads; each failed run's trace goes to the console, prefixed
# "ctdtrace-RUN: ", for ctd_cause to read on this machine. E.g.:
#   gcc -O2 -pthread -o /root/ctd scripts/suites/clock/ctd-repro.c
#   make run PLATFORM=kvm BED_L1_SMP=2 \
#     CMD='sh /path/to/scripts/suites/clock/ctd-repro.sh /root/ctd 120'
bin=$1 n=${2:-100}
comm=$(basename "$bin" | cut -c1-15)
t=/sys/kernel/tracing
[ -d $t/events ] || mount -t tracefs tracefs $t
e=$t/events
echo 0 > $t/tracing_on
echo global > $t/trace_clock
echo 8192 > $t/buffer_size_kb
echo 'sig == 14' > $e/signal/signal_generate/filter
echo 'sig == 14' > $e/signal/signal_deliver/filter
echo 'id == 15 || id == 56 || id == 202 || id == 435' > $e/raw_syscalls/sys_enter/filter
echo "comm == \"$comm\"" > $e/sched/sched_waking/filter
echo "stacktrace if comm == \"$comm\"" > $e/sched/sched_waking/trigger
echo "prev_comm == \"$comm\" || next_comm == \"$comm\"" > $e/sched/sched_switch/filter
for ev in sched/sched_waking signal/signal_generate signal/signal_deliver \
		raw_syscalls/sys_enter sched/sched_switch; do
	echo 1 > $e/$ev/enable
done
fails=0
i=0
while [ $i -lt "$n" ]; do
	i=$((i + 1))
	: > $t/trace
	echo 1 > $t/tracing_on
	"$bin"
	rc=$?
	echo 0 > $t/tracing_on
	[ $rc = 0 ] && continue
	fails=$((fails + 1))
	grep -v '^#' $t/trace | sed "s/^/ctdtrace-$i: /"
	echo "ctd: run $i failed rc=$rc"
done
echo "ctd: $fails of $n failed"
