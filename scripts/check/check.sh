#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# make check: the static checks of the series first (seconds), then the
# test kernel's build, the clock boots (beside the series' other builds),
# the harness's tests of itself, the boot matrix with KUnit on every
# platform, the other in-guest suites and the command-line checks. Prints
# one "ok"/"not ok" line per test (also in RESULTS/summary.txt) and ends
# with "N passed, N failed" alone on a line.
#
# CHECK_ONLY=static, harness, matrix, pvx-off (the matrix's pvx=off boot
# on kvm, which matrix includes), clock, kexec, pvblk, nested (pvblk
# on kvm), cli or patches (static + builds) runs one part; several,
# comma-separated, run those.
# A full run runs its kexec, nested and pvx-off parts in a second lane, a check.sh
# of their own started after the clock boots, beside the harness and
# matrix boots: a nested kvm boot keeps one of this machine's two CPUs
# busy (L1's one polling vCPU) and leaves the other mostly idle. Its
# results come after the first lane's (CHECK_LANE, internal: the lane's
# name; it shares RESULTS, adds its KUnit cases to the list, reports in
# RESULTS/lane-NAME.txt and does no static checks, builds or report).
# CHECK_DEADLINE (s, default 4800): no boot runs past it, counted from
# the start of make; what has not run by then fails as not run.
set -uo pipefail
. "$(dirname "$0")/../lib.sh"

lane=${CHECK_LANE:-}
pvx_results check
if [ -n "$lane" ]; then
	TAP=$RESULTS/lane-$lane.txt
else
	TAP=$RESULTS/summary.txt
	: > "$RESULTS/kunit-all.txt"
fi
: > "$TAP"
pass=0
fail=0

CHECK_DEADLINE=${CHECK_DEADLINE:-4800}
[[ "$CHECK_DEADLINE" =~ ^[1-9][0-9]*$ ]] || die "CHECK_DEADLINE=$CHECK_DEADLINE: want seconds"
# Boots end two minutes before the deadline, to leave time for the report.
PVX_DEADLINE=$((PVX_T0 + CHECK_DEADLINE - 120))
export PVX_DEADLINE

result() { # status name [detail]
	if [ "$1" = ok ]; then
		pass=$((pass + 1))
		printf 'ok - %s%s\n' "$2" "${3:+ ($3)}" | tee -a "$TAP"
	else
		fail=$((fail + 1))
		printf 'not ok - %s%s\n' "$2" "${3:+ ($3)}" | tee -a "$TAP"
	fi
}

check() { # name command...
	local name=$1
	shift
	if "$@" >> "$RESULTS/check.log" 2>&1; then
		result ok "$name"
	else
		result fail "$name" "see $RESULTS/check.log"
	fi
}

finish() {
	if [ -n "$lane" ]; then
		echo "$pass $fail" > "$RESULTS/lane-$lane.count"
		exit
	fi
	# The KUnit report, where a part that runs KUnit was chosen.
	if part matrix pvx-off clock kexec pvblk nested patches; then
		kunit_report
	fi
	stage "check: results in $RESULTS"
	# What the run cost and on what: make check's time target is
	# measured from a fresh machine, where the test kernel's build from
	# an empty ccache is most of it, and machines of one kind differ.
	stage "check: $(($(date +%s) - PVX_T0)) s in all; the test kernel's build: ${test_build:-not run};" \
		"$(nproc) CPUs, $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)," \
		"$(awk '/^bogomips/ { print $3; exit }' /proc/cpuinfo) BogoMIPS"
	echo "$pass passed, $fail failed"
	[ "$fail" -eq 0 ]
	exit
}

only=${CHECK_ONLY:-all}
# The test kernel's build: its time ("N s"), failed, or empty (not run).
test_build=
for p in ${only//,/ }; do
	case "$p" in
	all | static | harness | matrix | pvx-off | clock | kexec | pvblk | nested | cli | patches) ;;
	*) die "CHECK_ONLY=$only: want static, harness, matrix, pvx-off, clock, kexec, pvblk, nested, cli or patches (or several, comma-separated)" ;;
	esac
done
# Process group PGID stopped while console log LOG shows a posix_timers
# run begun ("# --- selftest posix_timers", its run again too) and not
# ended (its KTAP result), continued once it ends; until the group's
# leader is gone, or this is killed (then the caller continues it).
# posix_timers' CPU-time timers want the guest's CPUs to themselves: on
# xen its first run failed in 2 of 7 fresh runs with the builds beside
# it at idle priority (ITIMER_PROF: 2.6 and 2.8 s of wall time for 2 s
# of CPU time), and in no run without them.
hush_group() { # pgid log
	local stopped=0 b e
	while kill -0 "$1" 2>/dev/null; do
		b=$(grep -ac '^# --- selftest posix_timers' "$2" 2>/dev/null)
		e=$(grep -acE '^(not )?ok [0-9]+ timers selftest posix_timers' "$2" 2>/dev/null)
		if [ "${b:-0}" -gt 0 ] && [ "${e:-0}" = 0 ]; then
			[ $stopped = 1 ] || { kill -STOP -- -"$1" 2>/dev/null; stopped=1; }
		elif [ $stopped = 1 ]; then
			kill -CONT -- -"$1" 2>/dev/null
			stopped=0
		fi
		sleep 1
	done
}

# The second lane's parts (see above).
lane2=kexec,nested,pvx-off
part() { # name...
	local p
	for p; do
		if [ "$only" = all ]; then
			case ",$lane2," in *",$p,"*) ;; *) return 0 ;; esac
		else
			case ",$only," in *",$p,"*) return 0 ;; esac
			# The matrix's pvx=off boot is a part of its own only to
			# run in the second lane.
			[ "$p" = pvx-off ] && case ",$only," in *,matrix,*) return 0 ;; esac
		fi
	done
	return 1
}
stage "check: results in $RESULTS"

tree=$PVX_CACHE/tree
# The KUnit suites built into the test kernel: every matrix boot runs them.
# Suites marked slow (pvblk_fvdev, 20 s of a nested boot) test nothing of
# the platform or of pvx's boot options: they run on native, kvm and the
# pvblk boots. The other boots leave them out (KUNIT_FAST_APPEND) and
# must run the rest (KUNIT_FAST).
KUNIT_FAST="pvx_detect pvx_hooks pvx_patch pvclock_core pvblk_limits pvblk_request pvblk_core pvblk_virtio"
KUNIT_BUILTIN="$KUNIT_FAST pvblk_fvdev"
KUNIT_FAST_APPEND="kunit.filter=speed>slow"
. "$PVX_ROOT/scripts/check/t-guest.sh"
. "$PVX_ROOT/scripts/check/t-pvblk.sh"

# Static checks of the series: seconds, before any build.
if part static patches; then
	check "patches: patches/ in sync with the sources" \
		bash "$PVX_ROOT/scripts/series/patches.sh" sync
	check "patches: series applies with git am to pristine $PVX_KPKG" \
		bash "$PVX_ROOT/scripts/series/patches.sh" apply
	check "patches: series applies with quilt push -a, same tree" \
		bash "$PVX_ROOT/scripts/series/patches.sh" quilt
	check "patches: checkpatch.pl --strict clean" \
		bash "$PVX_ROOT/scripts/series/patches.sh" checkpatch
	check "patches: no in-tree header the series changes names a pvx config symbol in a comment" \
		bash "$PVX_ROOT/scripts/series/patches.sh" headers
fi
if part static; then
	# The KTAP reader on a made-up log: a kernel document, and a guest
	# document with a pass, a failure and a planned test that never
	# reported, whose failure and absence must both come out.
	printf '%s\n' '[    1.000000] KTAP version 1' '[    1.000001] 1..1' \
		'[    1.000002]     KTAP version 1' '[    1.000003]     # Subtest: s' \
		'[    1.000004]     1..1' '[    1.000005]     ok 1 c' '[    1.000006] ok 1 s' \
		'PVX-CMD-BEGIN' 'TAP version 13' '1..3' 'ok 1 a' '# why' 'not ok 2 b' \
		'PVX-CMD-END: rc=1' > "$RESULTS/ktap-selftest.log"
	got=$(python3 "$PVX_ROOT/scripts/check/ktap.py" "$tree" "$RESULTS/ktap-selftest.log" \
		"$RESULTS/ktap-selftest.json" 2>&1 | tr '\n' '|')
	if [ "$got" = 'PASS kunit s.c|PASS guest a|FAIL guest b|ERROR guest <missing>|' ]; then
		result ok "harness: the KTAP reader reports a failed and a never reported test"
	else
		result fail "harness: the KTAP reader reports a failed and a never reported test" "got '$got'"
	fi
	# The complaint scanner: a WARN only on the early console, Xen's own
	# WARN, a BUG mid-line and a kernel BUG count; what a workload
	# echoes, Xen's banner and a name that ends in BUG: do not.
	printf '%s\n' '[    0.500000] WARNING: CPU: 0 PID: 0 at arch/x86/foo.c:1 bar+0x1/0x2' \
		'early, fine' > "$RESULTS/splat-selftest.early.log"
	printf '%s\n' 'PVX-INIT' 'WARNING: echoed by the workload' '[    2.000000] fine' \
		'(XEN) Xen WARN at common/foo.c:12' '(XEN) Xen version 4.17' \
		'(XEN) Panic on CPU 1:' \
		'x[    3.000000] BUG: spinlock recursion' '[    3.100000] DEBUG_BUG: fine' \
		'[    3.200000] kernel BUG at mm/foo.c:1!' > "$RESULTS/splat-selftest.log"
	got=$(pvx_splats "$RESULTS/splat-selftest.early.log" "$RESULTS/splat-selftest.log" |
		cut -c1-24 | tr '\n' '|')
	if [ "$got" = '[    0.500000] WARNING: |(XEN) Xen WARN at common|(XEN) Panic on CPU 1:|x[    3.000000] BUG: spi|[    3.200000] kernel BU|' ]; then
		result ok "harness: the complaint scanner finds the kernel's and Xen's, early console included"
	else
		result fail "harness: the complaint scanner finds the kernel's and Xen's, early console included" "got '$got'"
	fi
	# The bed's tally (scripts/bed/bed-tally.py) on made-up kvm boots: a
	# clean one, a death L1 proved then a clean retry, harness-panic's
	# expected panic, a clean end with a kernel complaint, and a clean one
	# that does not say its bed (as before NAME.bed): its run's.
	# Not under RESULTS, where the tally would count them later.
	tally=$(mktemp -d)
	t0=$(date +%s) i=0
	for n in k1 k2 harness-panic k3; do
		echo 'L1: running L2' > "$tally/$n.l1.log"
		echo 'npt=0 one_cpu_patch=1' > "$tally/$n.bed"
		: > "$tally/$n.attempts"
		echo clean > "$tally/$n.verdict"
	done
	printf '%s\n' 'attempt 1 of 3: the test bed failed: L1 says x; L0 saw: L1 cpu 0 at 0x1 ?, hlt 0' \
		'attempt 2 of 3: clean end' \
		> "$tally/k2.attempts"
	echo 'attempt 1 of 3: the guest kernel panicked (reported through pvpanic)' \
		> "$tally/harness-panic.attempts"
	printf '%s\n' failed x > "$tally/harness-panic.verdict"
	printf '%s\n' failed 'kernel reported problems (1 lines):' > "$tally/k3.verdict"
	echo 'L1: running L2' > "$tally/k4.l1.log"
	: > "$tally/k4.attempts"
	echo clean > "$tally/k4.verdict"
	for n in k1 k2 harness-panic k3 k4; do
		i=$((i + 1))
		touch -d "@$((t0 - 100 + i))" "$tally/$n.verdict"
	done
	got=$(python3 "$PVX_ROOT/scripts/bed/bed-tally.py" "$tally" 2>&1 | sed -n 2,4p | tr -s ' \n' '  ')
	if [ "$got" = ' 6 attempts since '"$(date -d "@$((t0 - 99))" '+%F %H:%M')"', 1 died (1 of them L1 itself), 1 clean with a kernel complaint without a death: the last 4 in a row (3 of them ran a workload to its end), at most 4 in a row died 1: the test bed failed: L1 says x ' ]; then
		result ok "harness: the bed tally counts a death before a retry, not a harness test's own panic"
	else
		result fail "harness: the bed tally counts a death before a retry, not a harness test's own panic" "got '$got'"
	fi
	rm -rf "$tally"
	# A timer test that passed only when run again counts only where,
	# for every run of it that failed, L1's log shows the bed paused in
	# that run's window (or the trace explains it, below), and every
	# run again is reported. The guest's side is clock-test.sh's own
	# t_selftest, on stub selftests: "flaky" fails once, "bad" always,
	# "good" never, "inconsistency-check" once but is never run again;
	# its CMOS clock reads 1000 (posix_timers' ctd-stub moves it on).
	# Made-up boots: r1, L1
	# paused 1001-1005 (a pause that began after the window, within the
	# margin); r2, L1 paused 20 s later; r3, no L1 log (xen); r4, a
	# PVX-RETRY line a console line was printed into; r24, the same
	# inside its tag.
	retry=$(mktemp -d)
	mkdir "$retry/st"
	printf '#!/bin/sh\n[ -e %s/ran ] && exit 0; : > %s/ran; echo "not ok 1 late"; exit 1\n' \
		"$retry" "$retry" > "$retry/st/flaky"
	printf '#!/bin/sh\necho "not ok 1 late"; exit 1\n' > "$retry/st/bad"
	printf '#!/bin/sh\nexit 0\n' > "$retry/st/good"
	printf '#!/bin/sh\n[ -e %s/ran-ic ] && exit 0; : > %s/ran-ic; echo "not ok 1 back"; exit 1\n' \
		"$retry" "$retry" > "$retry/st/inconsistency-check"
	# posix_timers with its 3 excused failures: its plan whole (r2), or
	# with a case missing (the others), a failure.
	printf '#!/bin/sh\n[ -e %s/pt-ctd ] && exec %s/st/ctd-stub %s\nif [ -e %s/pt-whole ]; then printf "1..4\\n"; else printf "1..5\\n"; fi\nprintf "ok 1 a\\nnot ok 2 check_sig_ign SIGEV_SIGNAL\\nnot ok 3 check_rearm\\nnot ok 4 check_delete\\n"; exit 1\n' \
		"$retry" "$retry" "$retry" "$retry" > "$retry/st/posix_timers"
	# Where pt-ctd names a trace (r5-r23), posix_timers' first run fails
	# "check signal distribution" too and leaves a trace of it in the
	# stub tracefs (the kernel's format; S the spinning thread, L the
	# main one, after S's signal at 99.999900): a, the timer fired in S
	# before its handler returned, L took it; c, S's handler had returned
	# (at 100.000100: read as text, 99.9 > 100.0); nosys, no handler's
	# return in the trace; b, L woken as in a (the kernel's sched_waking
	# in S, then S's signal_generate), S took that signal, L ran when the
	# timer fired next; bremote, the same with the wakeup done on L's
	# idle CPU from an interrupt and written there ahead of S's
	# signal_generate; bother, L woken from an interrupt, by nobody of
	# the test; bslept, L asleep again in between; blone, L ran, not
	# woken so; fresh, L ran
	# having created S (clone3) and not slept nor called futex since;
	# freshfutex, the same but for a futex call of L's (its sleep not in
	# the trace); freshslept, the same but for a sleep of L's (D); birq,
	# b with the waking done by an interrupt in S; bunblocked, L woken by
	# S after S's handler returned, S's signal then not blocked; lost, a
	# trace that lost events; afirst, a on S's first signal, its
	# handler's return after L took the next; afirstnoret, the same with
	# no return of S's in the trace; bfirst, b on S's first signal. Run
	# K fails so where line K of pt-ctd names a trace, and passes where
	# none: r19, a then b (passes on run 3);
	# r20, a then c; r21, a, b and b (fails all 3 runs); r22, c then a;
	# r23, a then c, with L1 paused in run 2's window (1010-1020), not in
	# run 1's (1000-1010).
	cat > "$retry/st/ctd-stub" <<-'EOF'
	#!/bin/sh
	r=$1 s=$(($$ + 1))
	k=$(($(cat "$r/pt-n" 2>/dev/null || echo 0) + 1))
	echo $k > "$r/pt-n"
	# Run K's window on the CMOS clock: 1000 + 10 (K - 1) to 1000 + 10 K.
	echo $((1000 + 10 * k)) > "$r/rtc"
	m=$(sed -n "${k}p" "$r/pt-ctd")
	if [ -z "$m" ]; then
		printf '1..5\nok 1 a\nnot ok 2 check_sig_ign SIGEV_SIGNAL\nnot ok 3 check_rearm\nnot ok 4 check_delete\nok 5 check signal distribution\n'
		exit 1
	fi
	ev() { # TID TIME EVENT
		echo "    posix_timers-$1     [001] d..2.   $2: $3"
	}
	g="signal_generate: sig=14 errno=0 code=-2 comm=posix_timers"
	d="signal_deliver: sig=14 errno=0 code=-2 sa_handler=401950 sa_flags=14000000"
	ret="sys_enter: NR 15 (1, 7ffdfb263f60, 0, 5706, 7fe10cb8d080, 7fe10cb8d090)"
	{
		echo "# tracer: nop"
		echo "# entries-in-buffer/entries-written: 9/9   #P:2"
		[ "$m" != lost ] || echo "CPU:1 [LOST 12 EVENTS]"
		case $m in fresh*) ev $$ 99.980000 "sys_enter: NR 435 (7ffdfb263f60, 58, 0, 0, 0, 0)" ;; esac
		[ "$m" != freshfutex ] || ev $$ 99.980050 "sys_enter: NR 202 (7fe10cb8d910, 109, 155, 0, 0, ffffffff)"
		[ "$m" != freshslept ] ||
			ev $$ 99.980050 "sched_switch: prev_comm=posix_timers prev_pid=$$ prev_prio=120 prev_state=D ==> next_comm=swapper/1 next_pid=0 next_prio=120"
		case $m in
		afirst* | bfirst) ;;
		*)
			ev $s 99.990000 "$g pid=$s grp=1 res=0"
			ev $s 99.990100 "$d"
			[ "$m" = nosys ] || ev $s 99.990200 "$ret"
			;;
		esac
		ev $s 99.999000 "$g pid=$s grp=1 res=0"
		ev $s 99.999900 "$d"
		case $m in
		c|blone|fresh*) ev $s 100.000100 "$ret" ;;
		b|bslept|bremote|bother|birq|bunblocked|bfirst)
			[ "$m" != bunblocked ] || ev $s 100.000100 "$ret"
			case $m in
			bother) ;;
			birq) echo "    posix_timers-$s     [001] d.h6.   100.000150: sched_waking: comm=posix_timers pid=$$ prio=120 target_cpu=000" ;;
			*) ev $s 100.000150 "sched_waking: comm=posix_timers pid=$$ prio=120 target_cpu=000" ;;
			esac
			[ "$m" = b ] || [ "$m" = bslept ] ||
				echo "          <idle>-0       [000] dNh3.   100.000180: sched_wakeup: comm=posix_timers pid=$$ prio=120 target_cpu=000"
			[ "$m" != bother ] ||
				echo "          <idle>-0       [000] d.h3.   100.000170: sched_waking: comm=posix_timers pid=$$ prio=120 target_cpu=000"
			ev $s 100.000200 "$g pid=$s grp=1 res=0"
			ev $s 100.000250 "$ret"
			ev $s 100.000300 "$d"
			ev $s 100.000350 "$ret"
			[ "$m" != bslept ] ||
				ev $$ 100.000400 "sched_switch: prev_comm=posix_timers prev_pid=$$ prev_prio=120 prev_state=S ==> next_comm=swapper/0 next_pid=0 next_prio=120"
			;;
		esac
		case $m in
		b|bslept|bremote|bother|birq|bunblocked|bfirst|blone|fresh*) ev $$ 100.000500 "$g pid=$$ grp=1 res=0" ;;
		*) ev $s 100.000500 "$g pid=$s grp=1 res=0" ;;
		esac
		ev $$ 100.000900 "$d"
		[ "$m" != afirst ] || ev $s 100.001000 "$ret"
		# The test's later cases (blone): more than the 60 lines an
		# unexplained trace prints before the signal it names.
		if [ "$m" = blone ]; then
			i=100
			while [ $i -lt 180 ]; do
				ev $s 101.000$i "$ret"
				i=$((i + 1))
			done
		fi
	} >> "$PVX_TRACEFS/trace"
	printf '1..5\nok 1 a\nnot ok 2 check_sig_ign SIGEV_SIGNAL\nnot ok 3 check_rearm\nnot ok 4 check_delete\nnot ok 5 check signal distribution\n'
	exit 1
	EOF
	mkdir -p "$retry/tr/events/signal/signal_generate" "$retry/tr/events/signal/signal_deliver" \
		"$retry/tr/events/raw_syscalls/sys_enter" "$retry/tr/events/sched/sched_waking" \
		"$retry/tr/events/sched/sched_switch"
	: > "$retry/tr/events/signal/signal_generate/enable"
	chmod +x "$retry/st/"*
	# The made-up boots, each made and then read below.
	rboots="r1 r2 r3 r4 r5 r6 r7 r8 r9 r10 r11 r12 r13 r14 r15 r16 r17 r18 r19 r20 r21 r22 r23 r24 r25 r26 r27"
	for n in $rboots; do
		rm -f "$retry/ran" "$retry/ran-ic" "$retry/pt-whole" "$retry/pt-n" "$retry/pt-ctd"
		echo 1000 > "$retry/rtc"
		[ "$n" != r2 ] || : > "$retry/pt-whole"
		case $n in
		r5) echo a ;; r6) echo c ;; r7) echo nosys ;; r8) echo b ;;
		r9) echo blone ;; r10) echo lost ;; r11) echo bslept ;; r12) echo bremote ;;
		r13) echo fresh ;; r14) echo freshfutex ;; r15) echo bother ;;
		r16) echo freshslept ;; r17) echo birq ;; r18) echo bunblocked ;;
		r19) printf 'a\nb\n' ;; r20) printf 'a\nc\n' ;; r21) printf 'a\nb\nb\n' ;;
		r22) printf 'c\na\n' ;; r23) printf 'a\nc\n' ;;
		r25) echo afirst ;; r26) echo afirstnoret ;; r27) echo bfirst ;;
		*) false ;;
		esac > "$retry/pt-ctd" || rm -f "$retry/pt-ctd"
		# shellcheck disable=SC2016
		KTAP_HELPERS=$KTAP_HELPERS PVX_RTC=$retry/rtc PVX_TRACEFS=$retry/tr PVX_TMP=$retry CLOCK_TEST_FUNCS=1 sh -c '
			. "$0"
			ktap_print_header
			ktap_set_plan 5
			run "timers selftest flaky" t_selftest flaky
			run "timers selftest bad" t_selftest bad
			run "timers selftest good" t_selftest good
			run "timers selftest inconsistency-check" t_selftest inconsistency-check
			run "timers selftest posix_timers" t_selftest posix_timers
			ktap_finished' "$PVX_ROOT/scripts/suites/clock/clock-test.sh" "$retry/st" \
			> "$retry/$n.log" 2>&1
		cp "$retry/$n.log" "$retry/$n.cmd.log"
	done
	echo 'L1: late: 4.00 s asleep 1, to uptime 235.28, wall 1005' > "$retry/r1.l1.log"
	echo 'L1: late: 2.20 s asleep 1, to uptime 255.28, wall 1025' > "$retry/r2.l1.log"
	cp "$retry/r1.l1.log" "$retry/r4.l1.log"
	echo 'L1: late: 3.00 s asleep 1, to uptime 275.28, wall 1018' > "$retry/r23.l1.log"
	sed -i 's/^\(# PVX-RETRY: 1000\) \(.*flaky\)$/\1 [  12.3] clocksource: Long\n\2/' "$retry/r4.cmd.log"
	cp "$retry/r1.l1.log" "$retry/r24.l1.log"
	sed -i 's/^# PVX-RE\(TRY: 1000 .*flaky\)$/# PVX-RE[  12.3] clocksource: Long\n\1/' "$retry/r24.cmd.log"
	got=$(
		RESULTS=$retry KUNIT_ALL=$retry/kunit-all.txt
		result() { printf '%s %s (%s)\n' "$1" "$2" "${3:-}"; }
		for n in $rboots; do ktap_results "$n" kvm; done 2>&1
	)
	ok=0
	# One fact: a line of got matches the pattern.
	fact() { printf '%s\n' "$got" | grep -q "$1" && ok=$((ok + 1)); }
	fact '^ok r1: timers selftest flaky (passed when run again; .*(4.00 s at 1005, L1.s log))$'
	fact '^fail r1: timers selftest bad (FAIL: failed twice; the second time: rc=1: not ok 1 late)$'
	fact '^ok r1: timers selftest good ()$'
	fact '^fail r2: timers selftest flaky (passed only when run again, '
	fact '^fail r3: timers selftest flaky (passed only when run again, '
	fact '^fail r4: every test run again is reported '
	# An unexplained trace prints the lines up to the signal it names.
	grep -q '^# sig.trace: .* 100.000500: signal_generate: sig=14 .* pid=[0-9]* ' "$retry/r9.cmd.log" && ok=$((ok + 1))
	fact '^fail r24: every test run again is reported (3 PVX-RETRY lines and 4 runs again in '
	[ "$(printf '%s\n' "$got" | grep -c '^fail .* every test run again')" = 2 ] && ok=$((ok + 1))
	fact '^fail r1: timers selftest inconsistency-check (FAIL: rc=1: not ok 1 back)$'
	fact '^fail r1: timers selftest posix_timers (FAIL: failed 3 times; the last time: rc=1, 1 cases pass or skip, 4 of 5 reported)$'
	fact '^ok r2: timers selftest posix_timers ()$'
	fact '^ok r5: timers selftest posix_timers (passed when run again; the first run failed (rc=1, 1 cases pass or skip, 5 of 5 reported: not ok 5 check signal distribution) as its timing assumption failed: the timer fired at 100.000500 while thread [0-9]* ran, 0.6 ms after it took the signal before, whose handler had not returned (no rt_sigreturn): the main thread ([0-9]*) was woken to take it (the guest kernel.s trace))$'
	fact '^ok r8: timers selftest posix_timers (passed when run again; .*: the main thread ([0-9]*) was running when the timer fired at 100.000500, woken by one that fired while thread [0-9]* had not returned from its handler, and not asleep since (the guest kernel.s trace))$'
	fact '^ok r12: timers selftest posix_timers (passed when run again; .*: the main thread ([0-9]*) was running when the timer fired at 100.000500, woken by one that fired while thread [0-9]* had not returned from its handler, and not asleep since (the guest kernel.s trace))$'
	fact '^fail r11: timers selftest posix_timers (passed only when run again, .*; signal trace: the timer fired at 100.000500 while the main thread ([0-9]*) ran, not woken so))$'
	fact '^fail r6: timers selftest posix_timers (passed only when run again, .*; signal trace: the timer fired at 100.000500 while [0-9]* ran, its handler returned))$'
	fact '^ok r25: timers selftest posix_timers (passed when run again; the first run failed (rc=1, 1 cases pass or skip, 5 of 5 reported: not ok 5 check signal distribution) as its timing assumption failed: the timer fired at 100.000500 while thread [0-9]* ran, 0.6 ms after it took the signal before, whose handler had not returned (no rt_sigreturn): the main thread ([0-9]*) was woken to take it (the guest kernel.s trace))$'
	fact '^ok r27: timers selftest posix_timers (passed when run again; .*: the main thread ([0-9]*) was running when the timer fired at 100.000500, woken by one that fired while thread [0-9]* had not returned from its handler, and not asleep since (the guest kernel.s trace))$'
	fact '^fail r26: timers selftest posix_timers (passed only when run again, .*; signal trace: the timer fired at 100.000500 while [0-9]* ran: no handler of it returned in the trace))$'
	fact '^fail r7: timers selftest posix_timers (passed only when run again, .*; signal trace: the timer fired at 100.000500 while [0-9]* ran: no handler of it returned in the trace))$'
	fact '^fail r9: timers selftest posix_timers (passed only when run again, .*; signal trace: the timer fired at 100.000500 while the main thread ([0-9]*) ran, not woken so))$'
	fact '^fail r10: timers selftest posix_timers (passed only when run again, .*; signal trace: the trace lost events))$'
	fact '^ok r13: timers selftest posix_timers (passed when run again; .*: the main thread ([0-9]*) was running when the timer fired at 100.000500, 20.5 ms after it created thread [0-9]* (clone3), not yet asleep in pthread_join (no futex call) (the guest kernel.s trace))$'
	fact '^fail r14: timers selftest posix_timers (passed only when run again, .*; signal trace: the timer fired at 100.000500 while the main thread ([0-9]*) ran, not woken so))$'
	fact '^fail r15: timers selftest posix_timers (passed only when run again, .*; signal trace: the timer fired at 100.000500 while the main thread ([0-9]*) ran, not woken so))$'
	for n in r16 r17 r18; do
		fact "^fail $n: timers selftest posix_timers (passed only when run again, .*; signal trace: the timer fired at 100.000500 while the main thread ([0-9]*) ran, not woken so))\$"
	done
	fact '^ok r19: timers selftest posix_timers (passed on run 3; run 1 failed (rc=1, [^)]*) as its timing assumption failed: the timer fired at 100.000500 while thread [0-9]* ran, .*; run 2 failed (rc=1, [^)]*) as its timing assumption failed: the main thread ([0-9]*) was running when .* (the guest kernel.s trace))$'
	fact '^fail r20: timers selftest posix_timers (passed only on run 3, and nothing (no pause of L1, no trace of its cause) explains run 2 (rc=1, [^;]*; signal trace: the timer fired at 100.000500 while [0-9]* ran, its handler returned); explained: run 1 failed (rc=1, [^)]*) as its timing assumption failed: the timer fired at 100.000500 while thread [0-9]* ran, .* (the guest kernel.s trace))$'
	fact '^fail r22: timers selftest posix_timers (passed only on run 3, and nothing (no pause of L1, no trace of its cause) explains run 1 (rc=1, [^;]*; signal trace: the timer fired at 100.000500 while [0-9]* ran, its handler returned); explained: run 2 failed (rc=1, [^)]*) as its timing assumption failed: '
	fact '^ok r23: timers selftest posix_timers (passed on run 3; run 1 failed (rc=1, [^)]*) as its timing assumption failed: the timer fired at 100.000500 while thread [0-9]* ran, .* (the guest kernel.s trace); run 2 failed (rc=1, [^)]*) while the test bed paused (3.00 s at 1018, L1.s log))$'
	fact '^fail r21: timers selftest posix_timers (FAIL: failed 3 times; the last time: rc=1, 1 cases pass or skip, 5 of 5 reported: not ok 5 check signal distribution)$'
	if [ "$ok" = 34 ]; then
		result ok "harness: a test that passed when run again counts only with L1's pause in its window or the guest kernel's trace of its cause"
	else
		result fail "harness: a test that passed when run again counts only with L1's pause in its window or the guest kernel's trace of its cause" \
			"$ok of 34 facts; got: $(printf '%s\n' "$got" | tr '\n' '|' | cut -c1-600)"
	fi
	rm -rf "$retry"
	# hush_group on a made-up console log and a sleeping process group:
	# running, stopped once posix_timers began, running once its result
	# came (a CRLF line, as a serial console writes it).
	hl=$(mktemp)
	setsid sleep 60 &
	hp=$!
	hush_group "$hp" "$hl" &
	hh=$!
	sleep 2
	hs=$(ps -o stat= -p "$hp" | cut -c1)
	echo '# --- selftest posix_timers' >> "$hl"
	sleep 3
	hs=$hs$(ps -o stat= -p "$hp" | cut -c1)
	printf 'ok 8 timers selftest posix_timers\r\n' >> "$hl"
	sleep 3
	hs=$hs$(ps -o stat= -p "$hp" | cut -c1)
	kill "$hh" 2>/dev/null
	kill -- -"$hp" 2>/dev/null
	kill -CONT -- -"$hp" 2>/dev/null
	wait "$hh" "$hp" 2>/dev/null
	rm -f "$hl"
	if [ "$hs" = STS ]; then
		result ok "harness: the builds stop while a clock boot's posix_timers runs, and go on after"
	else
		result fail "harness: the builds stop while a clock boot's posix_timers runs, and go on after" \
			"states '$hs', want 'STS' (sleeping, stopped, sleeping)"
	fi
	# Why a kvm boot ended and whether it is tried again
	# (scripts/bed/verdict.sh, boot.sh's own functions), on made-up
	# attempts: NAME VERDICT ATTEMPT (of 3), L1's log, the guest's
	# console, L2 QEMU's log, L0 QEMU's log. Tried again only on L1's
	# proof, attempts left, and no complaint or failed test of the guest
	# first; a WARN in L1's KVM is not proof.
	vd=$(mktemp -d)
	exited="QEMU exited before the guest was done"
	soft='[   12.345678] watchdog: BUG: soft lockup - CPU#0 stuck for 26s! [qemu-system-x86:300]'
	got=$(
		. "$PVX_ROOT/scripts/bed/verdict.sh"
		RESULTS=$vd work=$vd platform=kvm KERNEL=$vd/none
		attempt_() { # name verdict attempt l1 console l2q l0q [filler lines]
			name=$1 verdict=$2 log=$vd/$1.log
			printf '%s\n' "$4" > "$vd/$1.l1.log"
			printf '%s\n' PVX-INIT "$5" > "$log"
			# A console larger than a pipe's buffer after it.
			[ -z "${8:-}" ] || awk -v n="$8" \
				'BEGIN { for (i = 0; i < n; i++) print "a line of the console after the failed test" }' >> "$log"
			printf '%s\n' "$6" > "$vd/$1.l2-qemu.log"
			printf '%s\n' "$7" > "$vd/$1.l0-qemu.log"
			classify
			if may_retry "$3" 3; then r=again; else r=final; fi
			printf '%s %s %s: %s\n' "$1" "$r" "${bed:-0}" "$cause"
		}
		attempt_ soft "$exited" 1 "$soft" "" "" ""
		attempt_ last "$exited" 3 "$soft" "" "" ""
		attempt_ pvpanic "$exited" 1 '[    5.000000] Oops: int3: 0000 [#1] SMP' "" \
			'qemu-system-x86_64: Guest crashed' ""
		attempt_ notok "$exited" 1 "$soft" 'not ok 2 hooks: x' "" ""
		attempt_ bignotok "$exited" 1 "$soft" 'not ok 2' "" "" 30000
		attempt_ kunit "$exited" 1 "$soft" '[    2.000000]     not ok 3 pvclock_read_basic' "" ""
		attempt_ splat "$exited" 1 '[   30.000000] rcu: INFO: rcu_sched detected stalls on CPUs/tasks:' \
			'[    3.000000] WARNING: CPU: 0 PID: 1 at kernel/foo.c:1 bar+0x1/0x2' "" ""
		attempt_ kvmwarn "$exited" 1 \
			'[    5.000000] WARNING: CPU: 1 PID: 300 at arch/x86/kvm/svm/svm.c:100 svm_vcpu_run+0x1/0x2 [kvm_amd]' \
			"" "" ""
		attempt_ triple "$exited" 1 'L1: running L2' "" "" 'Triple fault'
		attempt_ silent "$exited" 1 'L1: L2 QEMU exit status 0' "" "" ""
		attempt_ clean "done" 1 "$soft" "" "" ""
	)
	want='soft again 1|last final 1|pvpanic final 0|notok final 1|bignotok final 1|kunit final 1|splat final 1|kvmwarn final 0|triple again 1|silent final 0|clean final 0|'
	if [ "$(printf '%s\n' "$got" | cut -d: -f1 | tr '\n' '|')" = "$want" ] &&
		printf '%s\n' "$got" | grep -q "^kvmwarn final 0: L1's KVM warned" &&
		printf '%s\n' "$got" | grep -q '^soft again 1: the test bed failed: L1 says .*soft lockup'; then
		result ok "harness: a kvm boot is tried again only on L1's proof, never after the guest failed first"
	else
		result fail "harness: a kvm boot is tried again only on L1's proof, never after the guest failed first" \
			"want '$want', got: $(printf '%s\n' "$got" | tr '\n' '|' | cut -c1-700)"
	fi
	rm -rf "$vd"
fi
[ "$only" = static ] && finish

# The test kernel, from patches/ as they stand: what users apply. A
# second lane boots what its first lane built. Beside it, at idle
# priority (the CPU time the kernel's build leaves, then the xen clock
# boot's), L0's QEMU for the kvm boots: Debian's, rebuilt with pvx's
# fixes to its SVM emulation (scripts/bed/qemu.sh; about 3 minutes of
# both CPUs, once per cache). l0_qemu waits for it before the first kvm
# boot.
qemu_pid=
builds_pid=
builds_note=
lane2_pid=
# L0's QEMU build, the builds and the second lane below (each a process
# group of its own) do not outlive make check.
stop_builds() {
	local p
	for p in $builds_pid $lane2_pid $qemu_pid; do
		# A group hush_group stopped takes its TERM once continued.
		kill -0 "$p" 2>/dev/null && kill -- -"$p" 2>/dev/null &&
			kill -CONT -- -"$p" 2>/dev/null
	done
	return 0
}
trap stop_builds EXIT
if [ -z "$lane" ]; then
	# BED_QEMU names another L0 QEMU (bed-trial.sh's qemu-debian): no
	# build.
	if [ -z "${BED_QEMU:-}" ] && part harness matrix pvx-off clock kexec pvblk nested; then
		setsid chrt -i 0 bash "$PVX_ROOT/scripts/bed/qemu.sh" > "$RESULTS/qemu-l0.out" 2>&1 &
		qemu_pid=$!
	fi
	stage "check: building the test kernel"
	test_build=failed
	tb0=$(date +%s)
	if bash "$PVX_ROOT/scripts/build.sh" test >> "$RESULTS/check.log" 2>&1 &&
		test_build="$(($(date +%s) - tb0)) s" &&
		bash "$PVX_ROOT/scripts/bed/initramfs.sh" >> "$RESULTS/check.log" 2>&1; then
		result ok "build: the test kernel builds from patches/"
	else
		result fail "build: the test kernel builds from patches/" "see $RESULTS/check.log"
		finish
	fi
fi
# Wait for a background job (a process group of its own) until make
# check's deadline, and stop it there: idle-priority builds can starve.
# Returns the job's exit status, 124 where it was stopped.
wait_deadline() { # pid
	while kill -0 "$1" 2>/dev/null && [ "$(date +%s)" -lt "$PVX_DEADLINE" ]; do
		sleep 2
	done
	if kill -0 "$1" 2>/dev/null; then
		kill -- -"$1" 2>/dev/null
		wait "$1"
		return 124
	fi
	wait "$1"
}

# The boots use the build above (both lanes: exported), or fail at once
# where it failed. Once.
l0_qemu() {
	local rc

	[ -n "$qemu_pid" ] || return 0
	wait_deadline "$qemu_pid"
	rc=$?
	if [ "$rc" = 124 ]; then
		PVX_L0_QEMU=failed
		result fail "bed: L0's QEMU builds from Debian's source with pvx's fixes" \
			"not done by make check's deadline (log: $PVX_CACHE/qemu/build.log)"
	elif [ "$rc" = 0 ]; then
		PVX_L0_QEMU=$(tail -n 1 "$RESULTS/qemu-l0.out")
		result ok "bed: L0's QEMU builds from Debian's source with pvx's fixes"
	else
		PVX_L0_QEMU=failed
		cp "$PVX_CACHE/qemu/build.log" "$RESULTS/qemu-l0-build.log" 2>/dev/null || true
		result fail "bed: L0's QEMU builds from Debian's source with pvx's fixes" \
			"$(grep -a 'pvx: error' "$RESULTS/qemu-l0.out" | tail -n 1 | grep . ||
				tail -n 1 "$RESULTS/qemu-l0.out") (log: $RESULTS/qemu-l0-build.log)"
	fi
	export PVX_L0_QEMU
	qemu_pid=
}

# Whether builds.sh's build NAME passed in this run (or its pass is cached).
build_passed() { # name
	grep -qx 'cached\|0' "$RESULTS/$1.vrc" 2>/dev/null
}

# A build's verdict from builds.sh (RESULTS/NAME.vrc, NAME.build.log).
build_result() { # name label
	local v=$1 log=$RESULTS/$1.build.log
	case "$(cat "$RESULTS/$v.vrc" 2>/dev/null)" in
	cached)
		set -- "$2" "$PVX_CACHE/verdicts/$v".*
		result ok "$1" "verdict cached for these inputs ($(date -r "$2" '+%F %T'))" ;;
	0) result ok "$2" ;;
	'') result fail "$2" "not run${builds_note:+: $builds_note}" ;;
	*)
		# The command's own last error.
		result fail "$2" "$(grep -E 'pvx: error|error:' "$log" | tail -n 1 |
			cut -c1-200) (see $log)" ;;
	esac
}

if part patches; then
	check "patches: pvx sources clean with W=1 and sparse (C=1)" \
		bash "$PVX_ROOT/scripts/build.sh" lint
fi
# The series' other builds (every prefix, CONFIG_PVX=n, the modules
# kernel: about 7 minutes on a fresh machine, nothing when their verdicts
# are cached) run beside the boots at idle priority: they take only the
# CPU time the boots leave (the clock boots, which come first, mostly
# sleep; a nested kvm boot keeps both CPUs busy much of the time) and are
# reported after the boots. They apply the series again (the same commit
# as the lint step's: no file of the tree the boots read changes) and
# build in their own work trees and build dirs; no step between here and
# their report applies or builds.
if [ "$only" = all ]; then
	setsid chrt -i 0 ionice -c 3 bash "$PVX_ROOT/scripts/check/builds.sh" \
		>> "$RESULTS/check.log" 2>&1 &
	builds_pid=$!
fi

# pvclock on kvm and xen: the clocksource, the vDSO, CPU hotplug, suspend
# and the kernel's own timer selftests, built from the same tree. Whether
# the host offers a stable clock is the bed's known setup: KVM on L1 does
# (its TSC is stable), Xen under TCG does not.
clock_suite() { # platform stable
	local hush=
	# The builds stop while posix_timers runs (hush_group).
	if [ -n "$builds_pid" ] && kill -0 "$builds_pid" 2>/dev/null; then
		rm -f "$RESULTS/clock-$1.log"
		hush_group "$builds_pid" "$RESULTS/clock-$1.log" &
		hush=$!
	fi
	# exec: after the suspend at its end the 9p root is gone, and no
	# process may be left to page in from it (see clock-test.sh).
	APPEND=$KUNIT_FAST_APPEND TIMEOUT=1500 guest_workload "$1" "clock-$1" "boots clean, timer selftests run" \
		"export CLOCK_STABLE=$2; exec sh $PVX_ROOT/scripts/suites/clock/clock-test.sh $timers $timers/clock-bench 3 $(date +%s)" \
		$KUNIT_FAST
	if [ -n "$hush" ]; then
		kill "$hush" 2>/dev/null
		wait "$hush" 2>/dev/null
		kill -CONT -- -"$builds_pid" 2>/dev/null
	fi
	return 0
}

if part clock kexec; then
	timers=$(pvx_timer_tests)
fi
# The clock boots first: they mostly sleep (the timer selftests), and the
# builds above take the CPU time they leave. One clock boot at a time:
# posix_timers' "check signal distribution" gives the main thread 10 ms
# to block before a CPU timer of the process fires, and failed when both
# clock boots ran side by side. The builds run at idle priority: the
# scheduler runs a boot's QEMU first, though they still share this
# machine's caches and memory with it. clock-kvm's L1 has two vCPUs, one
# for each of L2's (the bed's default is one, which L2's vCPUs share):
# the CPU-time timers of posix_timers fall behind the wall clock on a
# guest whose vCPUs wait for each other. xen's first, while L0's QEMU
# for the kvm boots is still being built.
if part clock; then
	clock_suite xen 0
	l0_qemu
	BED_L1_SMP=2 clock_suite kvm 1
fi
l0_qemu

# The second lane, once the clock boots are done (their timer tests
# want this machine to themselves).
if [ "$only" = all ]; then
	stage "check: second lane: $lane2, beside the harness and matrix boots"
	CHECK_LANE=2 CHECK_ONLY=$lane2 setsid bash "$PVX_ROOT/scripts/check/check.sh" > "$RESULTS/lane-2.out" 2>&1 &
	lane2_pid=$!
fi

# The harness tests itself: a guest that raises a WARN while its workload
# runs (with the console lowered, so that only the kernel log the guest
# prints at its end shows it), one that panics on kvm and one that hangs on kvm must each fail
# with the right cause, never be tried again; and a checkout, cache or
# results dir under /tmp (which the guest mounts afresh) must reach the
# guest's workload.
# The failure is never tried again: every attempt but the last ended on
# a failure of the bed that L1 proved (boot.sh tries those again and
# reports them), none of them on the failure expected.
expect_failure() { # rc name label cause-regex
	local rc=$1 name=$2 label=$3 cause=$4 n=0 bed=0 early=0 note=
	local v=$RESULTS/$2.verdict a=$RESULTS/$2.attempts
	if [ -s "$a" ]; then
		n=$(grep -c . "$a")
		bed=$(head -n -1 "$a" | grep -c ': the test bed failed') || true
		early=$(head -n -1 "$a" | grep -cE -- "$cause") || true
	fi
	[ "$bed" -gt 0 ] && note=" (after $bed bed failure(s) L1 proved, tried again)"
	if [ "$(head -n 1 "$v" 2>/dev/null)" = failed ] && grep -qE -- "$cause" "$v" &&
		[ "$n" -le $((bed + 1)) ] && [ "$early" = 0 ]; then
		result ok "harness: $label$note"
	else
		result fail "harness: $label" "rc=$rc, attempts $n: $(tr -s ' \n' '  ' < "$v" 2>/dev/null | cut -c1-300)"
	fi
}
if part harness; then
	if in_time harness-warn; then
		tmpd=$(mktemp -d /tmp/pvx-harness.XXXXXX)
		echo "pvx-path-$$" > "$tmpd/marker"
		rc=0
		# The workload hides the kernel's warnings from the console: only
		# the kernel log the guest prints before it ends shows this one.
		RESULTS=$tmpd CMD="cat $tmpd/marker; dmesg -n 1; echo WARNING > /sys/kernel/debug/provoke-crash/DIRECT; echo after-warn" \
			bash "$PVX_ROOT/scripts/bed/boot.sh" native harness-warn > "$RESULTS/harness-warn.out" 2>&1 || rc=$?
		cp "$tmpd"/harness-warn.* "$RESULTS/" 2>/dev/null
		if grep -qx "pvx-path-$$" "$RESULTS/harness-warn.cmd.log" 2>/dev/null; then
			result ok "harness: a results dir under /tmp reaches the guest's workload"
		else
			result fail "harness: a results dir under /tmp reaches the guest's workload" \
				"$(head -c 200 "$RESULTS/harness-warn.cmd.log" 2>/dev/null)"
		fi
		expect_failure "$rc" harness-warn "a WARN raised during the workload fails the boot" \
			'kernel reported problems'
		if grep -q 'WARNING: CPU: .* lkdtm' "$RESULTS/harness-warn.verdict"; then
			result ok "harness: the failed boot quotes the WARN"
		else
			result fail "harness: the failed boot quotes the WARN" \
				"no 'WARNING: CPU: ... lkdtm' in $RESULTS/harness-warn.verdict"
		fi
		# The guest's print of its whole log's warnings (before the
		# workload's own log) has it too.
		n=$(sed -n '/^PVX-KMSG-BEGIN/,/^PVX-KMSG-WORKLOAD/p' "$RESULTS/harness-warn.log" 2>/dev/null |
			grep -ac 'WARNING: CPU: .* lkdtm') || true
		if [ "${n:-0}" != 0 ]; then
			result ok "harness: the guest's print of its log's warnings has the WARN"
		else
			result fail "harness: the guest's print of its log's warnings has the WARN" \
				"not between PVX-KMSG-BEGIN and PVX-KMSG-WORKLOAD in $RESULTS/harness-warn.log"
		fi
		rm -rf "$tmpd"
	fi
	if in_time harness-panic; then
		rc=0
		APPEND=$KUNIT_FAST_APPEND CMD="echo PANIC > /sys/kernel/debug/provoke-crash/DIRECT" \
			bash "$PVX_ROOT/scripts/bed/boot.sh" kvm harness-panic > "$RESULTS/harness-panic.out" 2>&1 || rc=$?
		expect_failure "$rc" harness-panic "a guest panic on kvm is reported through pvpanic, not tried again" \
			'the guest kernel panicked \(reported through pvpanic\)'
	fi
	if in_time harness-hang; then
		rc=0
		APPEND=$KUNIT_FAST_APPEND KVM_QUIET=30 SMP=2 CMD="sleep 100000" \
			bash "$PVX_ROOT/scripts/bed/boot.sh" kvm harness-hang > "$RESULTS/harness-hang.out" 2>&1 || rc=$?
		expect_failure "$rc" harness-hang "a hung guest on kvm is reported as one, not tried again" \
			'the guest hung'
		# What hung is the workload, not the boot before it.
		if grep -aq '^PVX-CMD-BEGIN' "$RESULTS/harness-hang.log" 2>/dev/null; then
			result ok "harness: the hung guest had begun its workload"
		else
			result fail "harness: the hung guest had begun its workload" \
				"no PVX-CMD-BEGIN in $RESULTS/harness-hang.log"
		fi
		# The guest sleeps: L1's diagnosis must place every vCPU in the
		# kernel under test (System.map) and say whether it halts.
		n=0
		for i in 0 1; do
			grep -qE "vcpu $i: rip 0xffffffff[0-9a-f]{8} [A-Za-z0-9_.]+\+0x[0-9a-f]+ rfl [0-9a-f]+ hlt [01]" \
				"$RESULTS/harness-hang.verdict" && n=$((n + 1))
		done
		if [ "$n" = 2 ]; then
			result ok "harness: a hung guest's report says where each of its 2 vCPUs was"
		else
			result fail "harness: a hung guest's report says where each of its 2 vCPUs was" \
				"$n placed: $(grep -o 'L1 saw: .*' "$RESULTS/harness-hang.verdict" | cut -c1-300)"
		fi
		# And L0's, just before L1's (what it gives when L1 itself
		# fails): where each of L1's vCPUs (as many as boot.sh gave L1,
		# NAME.bed) was, in L1's code, in L2's (running L2) or in user
		# space.
		l1n=$(sed -n 's/.* l1_cpus=0-\([0-9]*\).*/\1/p' "$RESULTS/harness-hang.bed" 2>/dev/null)
		l1n=$((${l1n:-0} + 1))
		m=$(grep -cE '^L0: sample 2: L1 cpu [0-9]+ rip 0x[0-9a-f]+ (user|(L1|L2) [A-Za-z0-9_.]+\+0x[0-9a-f]+( \[[a-z0-9_]+\])?( or L2 .*)?) rfl ' \
			"$RESULTS/harness-hang.l0-diag" 2>/dev/null)
		# Without L1's symbols any RIP would still match L2's map.
		grep -q '^L0: no L1 symbols' "$RESULTS/harness-hang.l0-diag" 2>/dev/null && m=0
		if [ "$m" = "$l1n" ]; then
			result ok "harness: L0's diagnosis says where every vCPU of L1 was ($l1n)"
		else
			result fail "harness: L0's diagnosis says where every vCPU of L1 was ($l1n)" \
				"${m:-0} placed: $(grep -a '^summary' "$RESULTS/harness-hang.l0-diag" 2>/dev/null | cut -c1-300)"
		fi
		# And each L1 vCPU's local APIC, its pending and in-service
		# interrupts (a timer interrupt L1 never got shows there).
		m=$(grep -cE '^L0: lapic cpu [0-9]+: IRR\b' "$RESULTS/harness-hang.l0-diag" 2>/dev/null)
		if [ "$m" = "$l1n" ]; then
			result ok "harness: L0's diagnosis shows the local APIC of every vCPU of L1 ($l1n)"
		else
			result fail "harness: L0's diagnosis shows the local APIC of every vCPU of L1 ($l1n)" \
				"${m:-0} shown: $(grep -a '^L0: lapic' "$RESULTS/harness-hang.l0-diag" 2>/dev/null | head -n 3 | tr '\n' '|' | cut -c1-300)"
		fi
		# L1's symbols (5 MB) served the diagnosis of a failure expected.
		rm -f "$RESULTS"/harness-*.l1-kallsyms
	fi
fi

# A workload and a kernel argument that reach the guest only if every
# layer passes them byte for byte: $, both kinds of quotes, backslashes,
# several lines (make run on native; boot.sh on kvm and xen).
tricky='x=5; echo "v=$x"; printf '"'"'%s\n'"'"' '"'"'q=$? $(id -u)'"'"' "bs=a\\b"
echo "two lines" $$ | sed "s/ [0-9]*$/ pid/"'
tricky="$tricky
tr ' ' '\n' < /proc/cmdline | grep '^pvxtest='"
tricky_append='pvxtest=$x\y'
tricky_want=$(printf '%s\n' 'v=5' 'q=$? $(id -u)' 'bs=a\b' 'two lines pid' 'pvxtest=$x\y')

# One boot of the matrix and everything asserted on it.
#   matrix NAME PLATFORM "APPEND" backend hypervisor disabled_by
# HOOKS=MODE[:DISABLED]: the pv-ops hook suite runs as the workload.
matrix() {
	local name=$1 platform=$2 append=$3 backend=$4 hv=$5 off=$6
	local log=$RESULTS/$1.log rc=0 want got cmd=${CMD:-}
	last_rc="not run"
	in_time "$name" || return 0
	if [ -n "${HOOKS:-}" ]; then
		cmd="export KTAP_HELPERS=$KTAP_HELPERS PVX_CPUID=$cpuid; sh $PVX_ROOT/scripts/suites/hooks/hooks-test.sh ${HOOKS%%:*} $stress ${HOOKS_SECS:-15}"
		[ "${HOOKS#*:}" = "$HOOKS" ] || cmd="$cmd ${HOOKS#*:}"
	fi
	# BYTES=1: the tricky workload and argument ride along, first.
	if [ -n "${BYTES:-}" ]; then
		cmd="($tricky
); $cmd"
		append="$append $tricky_append"
	fi
	CMD=$cmd APPEND=$append bash "$PVX_ROOT/scripts/bed/boot.sh" "$platform" "$name" \
		> "$RESULTS/$name.out" 2>&1 || rc=$?
	last_rc=$rc
	boot_result "$name" "boots clean to init and powers off" "$rc"

	sysfs() { tr -d '\r' < "$log" | sed -n "s/^PVX-SYSFS: $1=//p" | head -n 1; }
	for want in "backend=$backend" "hypervisor=$hv" "disabled_by=$off"; do
		got=$(sysfs "${want%%=*}")
		if [ "$got" = "${want#*=}" ]; then
			result ok "$name: /sys/kernel/pvx/$want"
		else
			result fail "$name: /sys/kernel/pvx/$want" "got '${got}'"
		fi
	done
	if grep -aq "pvx: backend $backend " "$RESULTS/$name.kernel.log"; then
		result ok "$name: boot log says 'pvx: backend $backend'"
	else
		result fail "$name: boot log says 'pvx: backend $backend'" \
			"$(grep -a 'pvx: backend' "$RESULTS/$name.kernel.log" | head -n 1)"
	fi
	got=$(tr -d '\r' < "$log" | sed -n 's/^PVX-CPUS: //p')
	if [ "$got" = "${SMP:-2}" ]; then
		result ok "$name: ${SMP:-2} vCPUs online"
	else
		result fail "$name: ${SMP:-2} vCPUs online" "got '$got'"
	fi
	if [ -n "${BYTES:-}" ]; then
		# The console also shows the kernel's warnings during the
		# workload: only the workload's own lines count here.
		got=$(grep -av '^\[ *[0-9]*\.[0-9]*\]' "$RESULTS/$name.cmd.log" 2>/dev/null | head -n 5)
		if [ "$got" = "$tricky_want" ]; then
			result ok "$name: CMD and APPEND reach the guest byte for byte"
		else
			result fail "$name: CMD and APPEND reach the guest byte for byte" \
				"got: $(printf '%s' "$got" | tr '\n' '|' | cut -c1-200)"
		fi
	fi
	# The suites the boot ran: all but the slow ones where its APPEND
	# left them out.
	case " $append " in
	*" $KUNIT_FAST_APPEND "*) ktap_results "$name" "$platform" $KUNIT_FAST ;;
	*) ktap_results "$name" "$platform" $KUNIT_BUILTIN ;;
	esac
	[ -z "${HOOKS:-}" ] || [ "$guest_tests" -gt 0 ] ||
		result fail "$name: the hook suite printed its KTAP" "none in $RESULTS/$name.cmd.log"
}

if part matrix pvx-off; then
	stress=$(pvx_guest_tool pvx-stress)
	tsc_khz=$(pvx_bed_tsc_khz) || tsc_khz=""
	cpuid=$(pvx_guest_tool cpuid -static)
fi
if part matrix; then
	# native also carries a user workload: the machine's own tools run
	# in the guest, and output and exit status come back. It prints the
	# marker the guest's init ends with, then works on for longer than
	# the harness waits for a power-off after that marker: only the
	# init's own (with this boot's id) may end the boot.
	CMD='echo PVX-DONE; sleep 35; echo "pvx-cmd $(cat /sys/kernel/pvx/backend) $(python3 -c "print(6*7)")"; exit 7' \
		matrix native native "" native none none
	if [ "$last_rc" = 7 ] && grep -qx 'pvx-cmd native 42' "$RESULTS/native.cmd.log" 2>/dev/null; then
		result ok "native: CMD runs the machine's tools in the guest, output and exit status come back, a workload's PVX-DONE does not end the boot"
	else
		result fail "native: CMD runs the machine's tools in the guest, output and exit status come back, a workload's PVX-DONE does not end the boot" \
			"rc=$last_rc, output: $(head -c 200 "$RESULTS/native.cmd.log" 2>/dev/null)"
	fi

	HOOKS=native matrix native-hooks native "" native none none
	HOOKS=kvm matrix kvm kvm "" kvm kvm none
	HOOKS=kvm:eoi,steal,halt matrix kvm-disable kvm \
		"pvx.disable=eoi,steal,bogus,halt $KUNIT_FAST_APPEND" kvm kvm none
	# The boot option's own report, before KUnit (whose pvx_hooks suite
	# parses the same name and prints the same words on every boot).
	b=$(grep -an "pvx.disable: unknown hook 'bogus' ignored" "$RESULTS/kvm-disable.kernel.log" | head -n 1 | cut -d: -f1)
	k=$(grep -an 'KTAP version' "$RESULTS/kvm-disable.kernel.log" | head -n 1 | cut -d: -f1)
	if [ -n "$b" ] && [ -n "$k" ] && [ "$b" -lt "$k" ]; then
		result ok "kvm-disable: an unknown pvx.disable name is reported at boot, the boot goes on"
	else
		result fail "kvm-disable: an unknown pvx.disable name is reported at boot, the boot goes on" \
			"line ${b:-none}, KUnit from line ${k:-none}"
	fi
	# The fake virtio device of pvblk_fvdev cannot run in a Xen domain
	# (the virtio core must use Xen's DMA API there, which it cannot
	# serve): the slow suites are left out, as on the other boots.
	BYTES=1 HOOKS=xen matrix xen xen "$KUNIT_FAST_APPEND" xen-pv xen none
fi
# pvx=off on kvm (in the second lane of a full run): no pvclock, and the
# TSC cannot be calibrated against the emulated PIT or HPET under TCG:
# the bed gives it the TSC rate it knows (this machine's), as a host with
# CPUID 0x15 would. Without pvx's halt polling the guest idles in HLT:
# on the old bed (an L1 that halted) such a guest lost a wakeup for good,
# and the boot ran with idle=poll; on an L1 with one vCPU that polls,
# the guest's own polling starved L1 (no heartbeat for 91 s while its
# vCPU ran L2's cpu_idle_poll, 2026-12-01), so it halts again. The hooks
# are checked without the stress run.
if part pvx-off; then
	# An L1 that halts (BED_L1_SMP above 1, or BED_L1_IDLE=halt) keeps
	# the old bed's lost wakeups: the guest polls there as before.
	l1halts=
	if [ "${BED_L1_IDLE:-}" = halt ] || { [ -z "${BED_L1_IDLE:-}" ] && [ "${BED_L1_SMP:-1}" != 1 ]; }; then
		l1halts=" idle=poll"
	fi
	if [ -n "$tsc_khz" ]; then
		BYTES=1 HOOKS=native HOOKS_SECS=0 matrix kvm-pvx-off kvm \
			"pvx=off tsc_early_khz=$tsc_khz$l1halts $KUNIT_FAST_APPEND" native kvm pvx=off
	else
		result fail "kvm-pvx-off: not run" "this machine's TSC rate is not known (dmesg, /proc/cpuinfo)"
	fi
fi

# kexec on kvm: the running kernel takes its clock and steal-time areas
# back from the host (its reboot notifiers) and boots a second kernel in
# place (kexec_file_load), which must come up clean, register its own and
# run its clock on them. The second kernel's initrd carries its workload;
# the first prints what its init would have before its power-off (its
# log's warnings and worse, its workload's whole log) and ends its
# workload section itself ("PVX-CMD-END: kexec"), as it never returns.
kexec_suite() { # platform
	local name=kexec-$1 rc=0 tmp initrd=$RESULTS/kexec-$1-initrd.gz n
	in_time "$name" || return 0
	tmp=$(mktemp -d)
	mkdir -p "$tmp/pvx"
	cat > "$tmp/pvx/user.sh" <<-EOF
	cs=\$(cat /sys/devices/system/clocksource/clocksource0/current_clocksource)
	echo "PVX-KEXEC: second kernel, clocksource \$cs"
	dmesg | grep -E 'pvclock: kvm: MSRs|pvx: hooks pv' | sed 's/^/PVX-KEXEC: /'
	$timers/clock-bench 100000
	EOF
	# Its workload's tools may lie under /tmp too (a cache there).
	pvx_guest_paths > "$tmp/pvx/paths"
	cp "$PVX_CACHE/initramfs/guest.cpio.gz" "$initrd"
	(cd "$tmp" && find pvx | cpio -o -H newc --quiet -R 0:0 | gzip -1 -n) >> "$initrd"
	rm -rf "$tmp"
	# The second kernel gets the first one's command line: its consoles,
	# and the boot id that lets its init end the boot.
	CMD="dmesg -r -s 16777216 | sed -n 's/^<[0-4]>//p'; dmesg | sed -n '/pvx-init: workload begins/,\$p'; echo 'PVX-CMD-END: kexec'; exec $(pvx_guest_tool kexec-boot) $PVX_CACHE/build/test/arch/x86/boot/bzImage $initrd \"\$(cat /proc/cmdline)\"" \
		APPEND=$KUNIT_FAST_APPEND bash "$PVX_ROOT/scripts/bed/boot.sh" "$1" "$name" > "$RESULTS/$name.out" 2>&1 || rc=$?
	boot_result "$name" "kexec into a second kernel, both boot clean, no splat" "$rc"
	n=$(grep -ac '^PVX-INIT' "$RESULTS/$name.kernel.log")
	if [ "$n" = 2 ] &&
		grep -q '^PVX-KEXEC: second kernel, clocksource pvclock$' "$RESULTS/$name.cmd.log" &&
		grep -q 'PVX-KEXEC: .*pvclock: kvm: MSRs' "$RESULTS/$name.cmd.log" &&
		grep -q '^calls 100000 ' "$RESULTS/$name.cmd.log"; then
		result ok "$name: the second kernel registers its own pvclock areas and reads them, never back"
	else
		result fail "$name: the second kernel registers its own pvclock areas and reads them" \
			"$n kernels reached init; $(grep -E 'PVX-KEXEC|calls|kexec-boot' "$RESULTS/$name.cmd.log" | head -n 3 | tr '\n' ' ')"
	fi
	ktap_results "$name" "$1" $KUNIT_FAST
	# Both kernels ran every built-in KUnit case: each one twice.
	n=$(awk -F '\t' -v b="$name" '$1 == b { runs[$4]++ } END {
		for (c in runs) if (runs[c] != 2) print c ": " runs[c] }' "$KUNIT_ALL" | head -n 3)
	if [ -z "$n" ] && grep -q "^$name	" "$KUNIT_ALL"; then
		result ok "$name: both kernels ran every built-in KUnit case"
	else
		result fail "$name: both kernels ran every built-in KUnit case" \
			"runs other than 2: $(echo "${n:-none at all}" | tr '\n' ' ')"
	fi
}

if part kexec; then
	kexec_suite kvm
fi

if part pvblk; then
	pvblk_suite native qmp
	pvblk_poll_suite native
fi

# pvblk on the nested KVM test bed (L1 under TCG).
if part nested; then
	pvblk_suite kvm qmp
fi

# The series' other builds, reported once the boots are done: what they
# have not finished by the deadline fails as not run.
if part patches; then
	if [ -n "$builds_pid" ]; then
		wait_deadline "$builds_pid"
		rc=$?
		case $rc in
		0) ;;
		124) builds_note="stopped at make check's deadline" ;;
		*) builds_note="builds.sh exited $rc (see $RESULTS/check.log)" ;;
		esac
		builds_pid=
	else
		bash "$PVX_ROOT/scripts/check/builds.sh" >> "$RESULTS/check.log" 2>&1 ||
			builds_note="builds.sh exited $? (see $RESULTS/check.log)"
	fi
	build_result prefixes "patches: every prefix of the series builds its pvx directories (W=1)"
	build_result nopvx "patches: kernel builds with CONFIG_PVX=n"
	if build_passed nopvx &&
		! grep -q '^CONFIG_PVX=y' "$PVX_CACHE/build/nopvx/.config" &&
		[ -f "$PVX_CACHE/build/nopvx/System.map" ] &&
		! grep -q 'x86_hyper_pvx' "$PVX_CACHE/build/nopvx/System.map"; then
		result ok "patches: CONFIG_PVX=n leaves no pvx code in the kernel"
	else
		result fail "patches: CONFIG_PVX=n leaves no pvx code in the kernel"
	fi
	build_result modules "patches: kernel builds with pvx tests as modules"
	if build_passed modules; then
		for ko in pvx_detect_kunit pvclock_kunit pvblk pvblk_virtio pvblk_kunit; do
			if find "$PVX_CACHE/build/modules/mod" -name "$ko.ko" | grep -q .; then
				result ok "patches: $ko.ko built as a module"
			else
				result fail "patches: $ko.ko built as a module"
			fi
		done
		# The modules kernel, booted: pvblk loads as a module and drives
		# a disk, and the KUnit suites run as their modules load.
		rc=0
		if in_time modules; then
			bash "$PVX_ROOT/scripts/bed/initramfs.sh" modules >> "$RESULTS/check.log" 2>&1 &&
			KERNEL=$PVX_CACHE/build/modules/arch/x86/boot/bzImage \
				BASE_INITRD=$PVX_CACHE/initramfs/modules.cpio.gz DISK=16M \
				CMD='readlink /sys/block/vda/device/driver; cat /sys/module/pvblk/initstate; dd if=/dev/vda of=/dev/null bs=1M count=16 iflag=direct status=none && echo read-ok' \
				bash "$PVX_ROOT/scripts/bed/boot.sh" native modules > "$RESULTS/modules.out" 2>&1 || rc=$?
			boot_result modules "the modules kernel boots clean" "$rc"
			if grep -q 'drivers/pvblk-virtio$' "$RESULTS/modules.cmd.log" &&
				grep -qx live "$RESULTS/modules.cmd.log" && grep -qx read-ok "$RESULTS/modules.cmd.log"; then
				result ok "modules: pvblk.ko and pvblk_virtio.ko load and drive a disk"
			else
				result fail "modules: pvblk.ko and pvblk_virtio.ko load and drive a disk" \
					"$(head -c 300 "$RESULTS/modules.cmd.log" 2>/dev/null)"
			fi
			# Their KUnit cases count with the others; these suites
			# must have run from their modules.
			ktap_results modules native pvx_detect pvclock_core pvblk_limits pvblk_request pvblk_core pvblk_virtio
		fi
	fi
fi

if part cli; then
	# Bad input: a clear message and a non-zero exit.
	refuses() { # name "expected message" command...
		local name=$1 msg=$2 out rc=0
		shift 2
		out=$("$@" 2>&1) || rc=$?
		printf '%s\n' "$out" >> "$RESULTS/check.log"
		if [ "$rc" -ne 0 ] && grep -q -- "$msg" <<< "$out"; then
			result ok "cli: $name"
		else
			result fail "cli: $name" "rc=$rc: $(tail -n 1 <<< "$out")"
		fi
	}
	refuses "unknown PLATFORM is refused" "unknown PLATFORM 'vmware'" \
		make -s -C "$PVX_ROOT" run PLATFORM=vmware
	refuses "missing KSRC is refused" "no such directory" \
		env KSRC=/nonexistent/linux bash "$PVX_ROOT/scripts/ksrc.sh"
	fake=$(mktemp -d)
	mkdir -p "$fake/arch/x86"
	printf 'VERSION = 5\nPATCHLEVEL = 10\nSUBLEVEL = 0\nkernelversion:\n\t@echo 5.10.0\n' > "$fake/Makefile"
	refuses "KSRC that is not 6.12.y is refused" "pvx is made against 6.12.y" \
		env KSRC="$fake" bash "$PVX_ROOT/scripts/ksrc.sh"
	rm -rf "$fake"
	refuses "APPEND with commas is refused on xen" "must not contain commas" \
		env APPEND=a,b bash "$PVX_ROOT/scripts/bed/boot.sh" xen
	# make run checks its arguments before it builds anything.
	refuses "SMP above the guest's NR_CPUS is refused before a build" "the guest's NR_CPUS" \
		env PVX_CACHE=/nonexistent/pvx-cache make -s -C "$PVX_ROOT" run SMP=64
	refuses "a DISK that is neither a size nor an image is refused" "neither a size" \
		make -s -C "$PVX_ROOT" run-args DISK=64M,/nonexistent.img
	refuses "KVM_ATTEMPTS above 3 is refused" "want 1-3" \
		make -s -C "$PVX_ROOT" run-args KVM_ATTEMPTS=8
	# The global deadline: past it, nothing boots and each boot fails
	# by name as not run (a lane of its own: no build, matrix only).
	dl=$(mktemp -d)
	CHECK_LANE=deadline CHECK_ONLY=matrix CHECK_DEADLINE=1 RESULTS=$dl \
		bash "$PVX_ROOT/scripts/check/check.sh" > "$dl/out" 2>&1
	n=$(grep -cE "^not ok - (native|kvm|xen): not run \(make check's deadline" "$dl/lane-deadline.txt" 2>/dev/null)
	if [ "${n:-0}" = 3 ] && [ "$(cut -d' ' -f1 "$dl/lane-deadline.count" 2>/dev/null)" = 0 ] &&
		! ls "$dl"/native.log "$dl"/kvm.log "$dl"/xen.log > /dev/null 2>&1; then
		result ok "cli: past make check's deadline every boot fails by name, none runs"
	else
		result fail "cli: past make check's deadline every boot fails by name, none runs" \
			"${n:-0} of native, kvm, xen; $(tr '\n' '|' < "$dl/lane-deadline.txt" 2>/dev/null | cut -c1-300)"
	fi
	rm -rf "$dl"
	refuses "a PVX_CACHE under /run is refused on kvm, whose L1 mounts /run afresh" "cannot lie under /run" \
		env PVX_CACHE=/run/pvx-cache-test make -s -C "$PVX_ROOT" run-args PLATFORM=kvm
	refuses "a PVX_CACHE with a space is refused before anything runs" 'PVX_CACHE "/nonexistent/pvx cache" holds a space' \
		env PVX_CACHE="/nonexistent/pvx cache" make -s -C "$PVX_ROOT" run-args
	if in_time no-init; then
		refuses "a guest that never reaches init fails the boot" "never reached init" \
			env APPEND=rdinit=/nonexistent TIMEOUT=120 bash "$PVX_ROOT/scripts/bed/boot.sh" native no-init
	fi
	# The user's workload and kernel arguments reach the guest byte for
	# byte through make: $, both kinds of quotes, backslashes, lines.
	if in_time make-run; then
		rc=0
		# -o: the kernel built above, patches/ as committed.
		RESULTS=$RESULTS/make-run make -s -C "$PVX_ROOT" -o deps -o patches -o build \
			run PLATFORM=native CMD="$tricky" \
			APPEND="$tricky_append" > "$RESULTS/make-run.out" 2>&1 || rc=$?
		got=$(cat "$RESULTS/make-run/native.cmd.log" 2>/dev/null)
		if [ "$rc" = 0 ] && [ "$got" = "$tricky_want" ]; then
			result ok "cli: make run passes CMD and APPEND to the guest byte for byte"
		else
			result fail "cli: make run passes CMD and APPEND to the guest byte for byte" \
				"rc=$rc, got: $(printf '%s' "$got" | tr '\n' '|' | cut -c1-200)"
		fi
	fi
fi

# The second lane's results, after the first's: what it printed, and its
# counts; a lane that ended without them fails.
if [ -n "$lane2_pid" ]; then
	wait "$lane2_pid"
	rc=$?
	cat "$RESULTS/lane-2.txt" 2>/dev/null | tee -a "$TAP"
	read -r p2 f2 < "$RESULTS/lane-2.count" 2>/dev/null
	if [[ "${p2:-}" =~ ^[0-9]+$ ]] && [[ "${f2:-}" =~ ^[0-9]+$ ]]; then
		pass=$((pass + p2))
		fail=$((fail + f2))
	else
		result fail "check: the second lane ($lane2) reports" \
			"exit $rc, no counts (see $RESULTS/lane-2.out)"
	fi
fi
[ -z "$lane" ] || finish

# The bed: L1 patched none of its own code once its CPUs came online
# (what its one-CPU start is for, see scripts/bed/guest/l1-init: a patch
# with two vCPUs running can leave one of them a stale int3), in every
# kvm boot; each one that ended clean must have said how often.
l1n=0
l1bad=
for f in "$RESULTS"/*.l1.log; do
	[ -f "$f" ] || continue
	n=$(basename "$f" .l1.log)
	c=$(sed -n 's/^L1: code patched with all CPUs online: \([0-9]*\) times.*/\1/p' "$f" | tail -n 1)
	# Also while CPU 1 came online: it was already running.
	o=$(sed -n 's/^L1: code patched while CPUs came online: \([0-9]*\) trace entries.*/\1/p' "$f" | tail -n 1)
	[ -n "$c" ] && c=$((c + ${o:-0}))
	if [ -z "$c" ]; then
		[ "$(head -n 1 "$RESULTS/$n.verdict" 2>/dev/null)" = clean ] &&
			l1bad+="${l1bad:+, }$n: no count"
		continue
	fi
	l1n=$((l1n + 1))
	[ "$c" = 0 ] || l1bad+="${l1bad:+, }$n: $c"
done
if [ "$l1n" -gt 0 ] || [ -n "$l1bad" ]; then
	if [ -z "$l1bad" ]; then
		result ok "bed: L1 patched none of its code with all CPUs online" "$l1n kvm boots"
	else
		result fail "bed: L1 patched none of its code with all CPUs online" "$l1bad"
	fi
fi

finish
