#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# pv-ops benchmark inside the guest: phases bracketed by
# "PVX-PHASE: NAME begin|end" for L1's KVM exit sampler, each followed by
# "PVX-UNITS: NAME UNITS SECONDS":
#   idle      BENCH_RUNTIME seconds of nothing (units: seconds)
#   ipi       N pipe ping-pong round trips between two CPUs (reschedule
#             IPIs, wakeups from idle)
#   tlb       N mmap/fill/mprotect/munmap rounds per thread, threads on
#             every CPU (remote TLB flushes)
#   callfunc  N membarrier(PRIVATE_EXPEDITED) calls (function-call IPIs)
#   timer     N 100 us sleeps (timer interrupts, halts)
# Usage: hooks-bench.sh STRESS [N]
stress=$1 n=${2:-2000}
runtime=${BENCH_RUNTIME:-10}

echo "PVX-BENCH: hooks $(for h in /sys/kernel/pvx/hooks/*; do
	printf '%s=%s ' "${h##*/}" "$(cat $h/impl)"; done)"

echo "PVX-PHASE: idle begin"
sleep "$runtime"
echo "PVX-PHASE: idle end"
echo "PVX-UNITS: idle $runtime $runtime"

for p in ipi:pingpong tlb:mm callfunc:barrier timer:sleeper; do
	name=${p%%:*}
	echo "PVX-PHASE: $name begin"
	out=$("$stress" 300 "$n" "${p#*:}" 2>&1)
	rc=$?
	echo "PVX-PHASE: $name end"
	set -- $(echo "$out" | sed -n 's/^units \([0-9]*\) seconds \([0-9.]*\)$/\1 \2/p')
	if [ $rc = 0 ] && [ -n "${1:-}" ]; then
		echo "PVX-UNITS: $name $1 $2"
	else
		echo "PVX-BENCH: $name failed: $(echo "$out" | tail -n 1)"
	fi
done
for h in /sys/kernel/pvx/hooks/*; do
	echo "PVX-BENCH: hook ${h##*/} $(cat $h/impl) calls=$(cat $h/calls) hypercalls=$(cat $h/hypercalls) avoided=$(cat $h/avoided)"
done
