#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Clock benchmark inside the guest: for every clocksource the guest has
# among pvclock, kvm-clock, tsc, hpet and acpi_pm, switch to it and print
#   PVX-BENCH: clock NAME ns_per_call=X syscalls_per_1m=Y
# from clock-bench (N calls, timed) and strace -c (the system calls of a
# shorter run, scaled to 1M calls). Restores the clocksource it found.
# Usage: clock-bench.sh CLOCK_BENCH [N]
bench=$1 n=${2:-200000}
cs=/sys/devices/system/clocksource/clocksource0
orig=$(cat $cs/current_clocksource)
echo "PVX-BENCH: clocksources $(cat $cs/available_clocksource) (current $orig)"
for c in pvclock kvm-clock tsc hpet acpi_pm; do
	grep -qw "$c" $cs/available_clocksource || continue
	echo "$c" > $cs/current_clocksource
	sleep 1
	[ "$(cat $cs/current_clocksource)" = "$c" ] || {
		echo "PVX-BENCH: clock $c refused"; continue; }
	# Emulated timers cost microseconds per read: fewer calls for them.
	m=$n
	case $c in hpet|acpi_pm) m=$((n / 10)) ;; esac
	per=$("$bench" "$m" | sed -n 's/^calls [0-9]* ns_per_call \([0-9.]*\)$/\1/p')
	k=$((m / 10))
	sys=$(strace -f -qq -c -e trace=clock_gettime "$bench" "$k" 2>&1 |
		awk '$NF == "clock_gettime" { print $4 }')
	sys=${sys:-0}
	echo "PVX-BENCH: clock $c ns_per_call=${per:-?} syscalls_per_1m=$((sys * 1000000 / k))"
done
echo "$orig" > $cs/current_clocksource
