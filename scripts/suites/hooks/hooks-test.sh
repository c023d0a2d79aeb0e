#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# pvx hook tests, run in the guest by make check:
#
#   hooks-test.sh MODE STRESS [SECONDS] [NATIVE_HOOKS]
#
# MODE says what the guest must report:
#   native  every hook native ("native backend"), counters stay at zero
#   kvm     every hook KVM offers (its feature bits, the EAX of CPUID
#           0x40000001, read by the program $PVX_CPUID rather than taken
#           from pvx; by the rules of arch/x86/paravirt/select.c) is pv,
#           the others native; NATIVE_HOOKS (comma separated) were
#           switched off with pvx.disable and must be native for that
#           reason
#   xen     the Xen PV operations (tlb, exit_mmap, halt, ipi, steal,
#           preempt) are pv, and the clock (pvclock is a PV guest's time
#           provider in the test kernel); the others native
# then runs STRESS (pvx-stress) for SECONDS (default 20) and checks that
# the counters of every pv hook moved and those of native hooks did not
# (SECONDS 0: no stress run, the pv hooks' counter tests are skipped, only
# that native hooks count nothing).
#
# Environment: KTAP_HELPERS, the kernel's
# tools/testing/selftests/kselftest/ktap_helpers.sh; PVX_CPUID (kvm), the
# program built from scripts/suites/hooks/cpuid.c.
#
# Prints KTAP with ktap_helpers.sh. The plan: for each hook its
# implementation, then the stress run, then for each hook its counters.
# A failure's reason is the "# " line right before its result.
mode=${1:-} stress=${2:-} secs=${3:-20} off=${4:-}
H=/sys/kernel/pvx/hooks
HOOKS="eoi ipi tlb exit_mmap yield preempt steal clock halt"

ktap_lib=$(dirname "$0")/../ktap-lib.sh
# shellcheck source=scripts/suites/ktap-lib.sh
. "$ktap_lib"

has() { case ",$1," in *",$2,"*) return 0;; esac; return 1; }

# The hooks this platform must run paravirtualized. unknown: why that
# cannot be told (then every implementation test fails).
want_pv='' unknown=''
kvm_features() {
	[ -n "${PVX_CPUID:-}" ] || nok "PVX_CPUID is not set" || return
	f=$("$PVX_CPUID" 2>&1) || nok "$PVX_CPUID: $f" || return
	case ${f#0x} in
	"$f" | "" | *[!0-9a-fA-F]*) nok "$PVX_CPUID printed '$f'"; return ;;
	esac
	f=$((f))
}
expect_pv() {
	case $mode in
	native) ;;
	xen)
		want_pv="tlb,exit_mmap,halt,ipi,steal,preempt"
		# A PV guest's clock is pvclock (CONFIG_PVX_CLOCK_XEN, on in
		# the fragment), never native.
		want_pv=$want_pv,clock
		;;
	kvm)
		kvm_features || {
			unknown="KVM's feature bits are unknown"
			return
		}
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
		{ bit 3 || bit 0; } && want_pv=$want_pv,clock			# CLOCKSOURCE(2)
		want_pv=${want_pv#,}
		ktap_print_msg "KVM features $(printf '0x%x' "$f") ($PVX_CPUID)," \
			"$cpus cpus, mwait $mwait: offered $want_pv"
		;;
	*)
		return 1
		;;
	esac
}

# What HOOK must run: want (pv or native) and why, the reason it must
# give (empty: any).
expect() { # HOOK
	if has "$off" "$1"; then
		want=native why=pvx.disable
	elif has "$want_pv" "$1"; then
		want=pv why=
	else
		want=native why=
		if [ "$mode" = native ]; then
			why="native backend"
		fi
	fi
}

t_impl() { # HOOK WANT [WHY]
	[ -d "$H/$1" ] || nok "no $H/$1" || return
	impl=$(cat "$H/$1/impl") reason=$(cat "$H/$1/reason")
	[ -z "$unknown" ] || nok "$unknown; $1 is $impl ($reason)" || return
	if [ "$impl" = "$2" ] && { [ -z "$3" ] || [ "$reason" = "$3" ]; }; then
		ktap_print_msg "$1 is $impl ($reason)"
	else
		nok "got $impl ($reason)"
	fi
}

# The counters of every hook: "HOOK CALLS HYPERCALLS AVOIDED", "-" for
# one that cannot be read.
num() { # FILE
	v=$(cat "$1" 2>/dev/null)
	case $v in
	"" | *[!0-9]*) echo - ;;
	*) echo "$v" ;;
	esac
}
snap() { # FILE
	for hook in $HOOKS; do
		echo "$hook $(num "$H/$hook/calls") $(num "$H/$hook/hypercalls")" \
			"$(num "$H/$hook/avoided")"
	done > "$1"
}

t_stress() {
	snap /tmp/hooks.before
	if [ "$secs" = 0 ]; then
		snap /tmp/hooks.after
		ktap_print_msg "no stress run (SECONDS 0)"
		return "$KSFT_SKIP"
	fi
	"$stress" "$secs" > /tmp/stress.out 2>&1
	rc=$?
	snap /tmp/hooks.after
	tail -n 2 /tmp/stress.out | sed 's/^/# /'
	[ $rc = 0 ] || nok "$stress $secs: rc=$rc"
}

# The pv hooks whose counters must show more than calls on this
# platform: hypercalls (every call is one) or avoided (EOIs taken
# without an exit).
strict() { # HOOK
	case $mode:$1 in
	kvm:ipi | xen:ipi | xen:tlb | xen:halt | xen:exit_mmap) echo hypercalls ;;
	kvm:eoi) echo avoided ;;
	esac
}

impl_of() { # HOOK: what it runs, what it must where that cannot be read
	cat "$H/$1/impl" 2>/dev/null || { expect "$1"; echo "$want"; }
}

counters_desc() { # HOOK
	if [ "$(impl_of "$1")" = native ]; then
		echo "counters: native $1 counts nothing"
		return
	fi
	case $(strict "$1") in
	hypercalls) echo "counters: pv $1 calls move under load and issue hypercalls" ;;
	avoided) echo "counters: pv $1 calls move under load and take EOIs without an exit" ;;
	*) echo "counters: pv $1 calls move under load" ;;
	esac
}

t_counters() { # HOOK
	# shellcheck disable=SC2046 # the fields of the hook's line
	set -- "$1" $(grep "^$1 " /tmp/hooks.before) $(grep "^$1 " /tmp/hooks.after)
	[ $# = 9 ] || nok "no counters for $1 in /tmp/hooks.before and .after" || return
	c0=$3 y0=$4 a0=$5 c1=$7 y1=$8 a1=$9
	case "$c0$y0$a0$c1$y1$a1" in
	*-*) nok "the counters of $1 cannot be read" || return ;;
	esac
	dc=$((c1 - c0)) dy=$((y1 - y0)) da=$((a1 - a0))
	ktap_print_msg "$1 calls +$dc hypercalls +$dy avoided +$da"
	if [ "$(impl_of "$1")" = native ]; then
		[ $((c1 + y1 + a1)) = 0 ] || nok "calls $c1 hypercalls $y1 avoided $a1"
		return
	fi
	if [ "$secs" = 0 ]; then
		ktap_print_msg "no stress run (SECONDS 0): nothing moves the counters"
		return "$KSFT_SKIP"
	fi
	[ $dc -gt 0 ] || nok "calls +$dc" || return
	case $(strict "$1") in
	hypercalls) [ $dy -gt 0 ] || nok "hypercalls +$dy" ;;
	avoided) [ $da -gt 0 ] || nok "avoided +$da" ;;
	esac
}

# The tests, in order: "$1 DESCRIPTION FUNCTION [ARGUMENT...]" for each.
# The plan counts them (count), then run runs them: one result per entry,
# whatever the outcome.
suite() { # count|run
	for h in $HOOKS; do
		expect "$h"
		$1 "hooks: $h is $want${why:+ ($why)}" t_impl "$h" "$want" "$why"
	done
	$1 "stress: mmap/mprotect/munmap, IPIs, membarrier and timers across CPUs run clean" \
		t_stress
	for h in $HOOKS; do
		$1 "$(counters_desc "$h")" t_counters "$h"
	done
}
ktap_print_header
suite count
ktap_set_plan "$plan"
expect_pv || ktap_exit_fail_msg "unknown mode '$mode':" \
	"usage: hooks-test.sh native|kvm|xen STRESS [SECONDS] [NATIVE_HOOKS]"
[ -d $H ] || ktap_print_msg "no $H: is pvx in this kernel?"
[ -z "$unknown" ] || ktap_print_msg "$unknown: every hook fails its implementation test"
suite run
ktap_finished
