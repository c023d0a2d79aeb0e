#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# pvx hook tests, run in the guest by make check:
#
#   hooks-test.sh MODE STRESS [SECONDS] [NATIVE_HOOKS]
#
# MODE says what the guest must report:
#   native  every hook native ("native backend"), counters stay at zero
#   kvm     every hook KVM offers (read from /sys/kernel/pvx/features,
#           by the rules of arch/x86/paravirt/select.c) is pv, the others
#           native; NATIVE_HOOKS (comma separated) were switched off with
#           pvx.disable and must be native for that reason
#   xen     the Xen PV operations (tlb, exit_mmap, halt, ipi, steal,
#           preempt) are pv, and the clock where pvclock provides Xen's
#           time (the pvclock clocksource is there); the others native
# then runs STRESS (pvx-stress) for SECONDS and checks that the counters
# of every pv hook moved and those of native hooks did not (SECONDS 0:
# no stress, only that native hooks count nothing).
# Prints "PVX-T: ok NAME" or "PVX-T: not ok NAME (why)" lines.
mode=$1 stress=$2 secs=${3:-20} off=${4:-}
H=/sys/kernel/pvx/hooks
HOOKS="eoi ipi tlb exit_mmap yield preempt steal clock halt"

ok() { echo "PVX-T: ok $*"; }
nok() { echo "PVX-T: not ok $1 ($2)"; }
has() { case ",$1," in *",$2,"*) return 0;; esac; return 1; }

[ -d $H ] || { nok "hooks: /sys/kernel/pvx/hooks exists" "missing"; exit 1; }

# The hooks this platform must run paravirtualized.
want_pv=
case $mode in
native) ;;
xen)
	want_pv="tlb,exit_mmap,halt,ipi,steal,preempt"
	grep -qw pvclock /sys/devices/system/clocksource/clocksource0/available_clocksource &&
		want_pv=$want_pv,clock
	;;
kvm)
	f=$(($(cat /sys/kernel/pvx/features)))
	bit() { [ $(((f >> $1) & 1)) = 1 ]; }
	cpus=$(grep -c ^processor /proc/cpuinfo)
	mwait=0
	grep -qw monitor /proc/cpuinfo && mwait=1
	bit 6 && want_pv=$want_pv,eoi					# PV_EOI
	bit 11 && [ "$cpus" -gt 1 ] && want_pv=$want_pv,ipi		# PV_SEND_IPI
	bit 5 && bit 9 && [ "$cpus" -gt 1 ] && [ $mwait = 0 ] &&
		want_pv=$want_pv,tlb					# PV_TLB_FLUSH
	bit 5 && bit 13 && [ "$cpus" -gt 1 ] && [ $mwait = 0 ] &&
		want_pv=$want_pv,yield					# PV_SCHED_YIELD
	bit 5 && want_pv=$want_pv,preempt,steal				# STEAL_TIME
	bit 12 && want_pv=$want_pv,halt					# POLL_CONTROL
	{ bit 3 || bit 0; } && grep -qw pvclock \
		/sys/devices/system/clocksource/clocksource0/available_clocksource &&
		want_pv=$want_pv,clock					# CLOCKSOURCE(2)
	want_pv=${want_pv#,}
	echo "pvx hooks test: features $(cat /sys/kernel/pvx/features), $cpus cpus, mwait $mwait: offered $want_pv"
	;;
*) nok "hooks: mode" "unknown mode $mode"; exit 1 ;;
esac

for h in $HOOKS; do
	impl=$(cat $H/$h/impl) reason=$(cat $H/$h/reason)
	if has "$off" $h; then
		want=native why="pvx.disable"
	elif has "$want_pv" $h; then
		want=pv why=
	else
		want=native why=
		[ $mode = native ] && why="native backend"
	fi
	if [ "$impl" = $want ] && { [ -z "$why" ] || [ "$reason" = "$why" ]; }; then
		ok "hooks: $h is $want ($reason)"
	else
		nok "hooks: $h is $want${why:+ ($why)}" "got $impl ($reason)"
	fi
done

snap() { # file
	for h in $HOOKS; do
		echo "$h $(cat $H/$h/calls) $(cat $H/$h/hypercalls) $(cat $H/$h/avoided)"
	done > "$1"
}

snap /tmp/hooks.before
if [ "$secs" = 0 ]; then
	echo "pvx hooks test: no stress run"
elif "$stress" "$secs" > /tmp/stress.out 2>&1; then
	ok "stress: mmap/mprotect/munmap, IPIs, membarrier and timers across CPUs run clean ($(cat /tmp/stress.out | tail -n 1))"
else
	nok "stress: mmap/mprotect/munmap, IPIs, membarrier and timers across CPUs run clean" \
		"$(tail -n 2 /tmp/stress.out | tr '\n' ' ')"
fi
snap /tmp/hooks.after

for h in $HOOKS; do
	set -- $(grep "^$h " /tmp/hooks.before)
	c0=$2 y0=$3 a0=$4
	set -- $(grep "^$h " /tmp/hooks.after)
	dc=$(($2 - c0)) dy=$(($3 - y0)) da=$(($4 - a0))
	echo "pvx hooks test: $h calls +$dc hypercalls +$dy avoided +$da"
	if [ "$(cat $H/$h/impl)" = native ]; then
		if [ $(($2 + $3 + $4)) = 0 ]; then
			ok "counters: native $h counts nothing (no pvx code on its path)"
		else
			nok "counters: native $h counts nothing" "calls $2 hypercalls $3 avoided $4"
		fi
		continue
	fi
	[ "$secs" = 0 ] && continue
	if [ $dc -gt 0 ]; then
		ok "counters: pv $h calls move under load (+$dc)"
	else
		nok "counters: pv $h calls move under load" "+$dc"
	fi
	# Hooks whose every call is a hypercall on this platform.
	case $mode:$h in
	kvm:ipi|xen:ipi|xen:tlb|xen:halt|xen:exit_mmap)
		if [ $dy -gt 0 ]; then
			ok "counters: pv $h issues hypercalls (+$dy)"
		else
			nok "counters: pv $h issues hypercalls" "+$dy"
		fi ;;
	kvm:eoi)
		if [ $da -gt 0 ]; then
			ok "counters: pv eoi takes EOIs without an exit (+$da)"
		else
			nok "counters: pv eoi takes EOIs without an exit" "+$da"
		fi ;;
	esac
done
exit 0
