# SPDX-License-Identifier: GPL-2.0
# Boot verdicts and results of make check, sourced by check.sh (uses its
# result(), RESULTS and tree).

# The kernel's KTAP helpers, for the in-guest suites.
KTAP_HELPERS=$tree/tools/testing/selftests/kselftest/ktap_helpers.sh
# KUnit cases of every boot, one "BOOT PLATFORM STATUS CASE" a line
# (tab-separated): each case is reported once, at the end, with the
# platforms it ran on.
KUNIT_ALL=$RESULTS/kunit-all.txt

# Past the deadline nothing new starts: NAME is reported as not run.
in_time() { # name
	if [ "$(date +%s)" -ge "$PVX_DEADLINE" ]; then
		result fail "$1: not run" "make check's deadline ($((CHECK_DEADLINE / 60)) min) passed"
		return 1
	fi
}

# The attempts a kvm boot took, when it took more than one.
attempts_note() { # name
	local f=$RESULTS/$1.attempts n
	n=$(grep -c . "$f" 2>/dev/null) || true
	[ "${n:-0}" -gt 1 ] || return 0
	printf '%s' "$(tail -n 1 "$f" | cut -d: -f1); $(head -n $((n - 1)) "$f" | tr '\n' ';' | sed 's/;$//')"
}

# The boot's own verdict, which boot.sh writes last (NAME.verdict), with
# its cause and its attempts; boot.sh ending without one (RC its exit
# status) is a failure of the harness.
boot_result() { # name label rc
	local v=$RESULTS/$1.verdict
	if [ "$(head -n 1 "$v" 2>/dev/null)" = clean ]; then
		result ok "$1: $2" "$(attempts_note "$1")"
	elif [ -f "$v" ]; then
		result fail "$1: $2" "$(sed 1d "$v" | tr -s ' \n' '  ' | cut -c1-700)"
	else
		result fail "$1: $2" "boot.sh ended without a verdict (exit $3): $(tail -n 2 \
			"$RESULTS/$1.out" 2>/dev/null | tr '\n' ' ' | cut -c1-300)"
	fi
}

# Every KTAP document in boot NAME's log, parsed with kunit.py: the
# kernel's KUnit cases go to KUNIT_ALL, the in-guest suite's tests are
# reported now as "NAME: TEST" (a planned test that never reported is a
# failure); guest_tests is their count. The KUnit SUITES given must have
# run on this boot.
ktap_results() { # name platform [suite...]
	local name=$1 platform=$2 st kind case all=$RESULTS/$1.all.log missing=0 why n again
	shift 2
	guest_tests=0 retries=0
	cat "$RESULTS/$name.early.log" "$RESULTS/$name.log" > "$all" 2>/dev/null
	python3 "$PVX_ROOT/scripts/check/ktap.py" "$tree" "$all" "$RESULTS/$name.ktap.json" \
		> "$RESULTS/$name.ktap.txt" 2>> "$RESULTS/check.log"
	rm -f "$all"
	while read -r st kind case; do
		if [ "$kind" = kunit ]; then
			printf '%s\t%s\t%s\t%s\n' "$name" "$platform" "$st" "$case" >> "$KUNIT_ALL"
			continue
		fi
		guest_tests=$((guest_tests + 1))
		case "$st:$case" in
		*:"<missing>") missing=$((missing + 1)) ;;
		PASS:*) retried_result "$name" "$case" ;;
		SKIP:*) result ok "$name: $case" skipped ;;
		*)
			why=$(case_reason "$name" "$case")
			n=$(retry_runs "$name" "$case" | wc -l)
			retries=$((retries + n))
			if [ "$n" = 1 ]; then
				why="failed twice; the second time: $why"
			elif [ "$n" -gt 1 ]; then
				why="failed $((n + 1)) times; the last time: $why"
			fi
			result fail "$name: $case" "$st${why:+: $why}" ;;
		esac
	done < "$RESULTS/$name.ktap.txt"
	[ "$missing" = 0 ] ||
		result fail "$name: every planned in-guest test reported" "$missing never did"
	# Every run again is reported: a PVX-RETRY line that is not whole
	# (a console line printed into it) or names no test that reported.
	# Counted twice, by its tag and by the line that starts the run
	# again (clock-test.sh's t_selftest): a console line printed into
	# the tag itself leaves the other whole.
	n=$(grep -ac 'PVX-RETRY' "$RESULTS/$name.cmd.log" 2>/dev/null) || true
	again=$(grep -acE '^# --- selftest .*, again \(run [0-9]+ of at most [0-9]+\)'$'\r''?$' \
		"$RESULTS/$name.cmd.log" 2>/dev/null) || true
	[ "${n:-0}" = "$retries" ] && [ "${again:-0}" = "$retries" ] ||
		result fail "$name: every test run again is reported" \
			"${n:-0} PVX-RETRY lines and ${again:-0} runs again in $RESULTS/$name.cmd.log, $retries of them whole and for a test that reported"
	for suite in "$@"; do
		grep -qP "^\Q$name\E\t[^\t]*\t[A-Z]*\t\Q$suite\E\." "$KUNIT_ALL" 2>/dev/null ||
			result fail "$name: KUnit suite $suite ran" "no KTAP for it in the log"
	done
}

# The test bed's pauses that overlap the window FROM-TO (wall clock,
# seconds), from boot NAME's L1 log (scripts/bed/guest/l1-init's "L1:
# late" lines: the pause ended at wall W and lasted D s), give or take
# 2 s for the two clocks; one line each, "D s at W".
bed_pauses() { # name from to
	[ -f "$RESULTS/$1.l1.log" ] || return 0
	tr -d '\r' < "$RESULTS/$1.l1.log" | awk -v from="$2" -v to="$3" '
		/^L1: late: [0-9.]+ s asleep 1, to uptime [0-9.]+, wall [0-9]+$/ {
			d = $3; w = $NF
			if (w >= from - 2 && w - d <= to + 2)
				printf "%s s at %s\n", d, w
		}'
}

# What boot NAME's in-guest suite said last before its result for CASE
# (the reason of a failure: ktap-lib's nok), without the "# ".
case_reason() { # name case
	C=$2 awk '
		{ sub(/\r$/, "") }
		/^(not )?ok [0-9]+ / {
			d = $0; sub(/^(not )?ok [0-9]+ /, "", d); sub(/ # .*$/, "", d)
			if (d == ENVIRON["C"]) { sub(/^# /, "", prev); print prev; exit }
		}
		{ prev = $0 }' "$RESULTS/$1.cmd.log" 2>/dev/null | cut -c1-200
}

# Each time boot NAME's in-guest test CASE was run again ("# PVX-RETRY:
# FROM TO CASE" in NAME.cmd.log), in order, one line "FROM TO<US>WHY<US>
# EVIDENCE" (US: the unit separator, \037, which no field holds and
# which read does not merge as it does tabs): the failed run's window,
# its reason (the line before, without the "# ") and what the guest
# kernel's trace says of it (the line after, from clock-test.sh's
# ctd_evidence: "PVX-BED: CASE: CAUSE" where it shows the test's timing
# assumption failed, not the kernel, "signal trace: WHY" where it does
# not; empty otherwise). Nothing where it never was.
retry_runs() { # name case
	C=$2 awk '
		{ sub(/\r$/, ""); gsub(/\037/, " ") }
		pend != "" {
			ev = ""
			if (index($0, "# PVX-BED: " ENVIRON["C"] ": ") == 1 || index($0, "# signal trace: ") == 1)
				ev = substr($0, 3, 300)
			print pend "\037" ev
			pend = ""
		}
		/^# PVX-RETRY: [0-9]+ [0-9]+ / {
			d = $0; sub(/^# PVX-RETRY: [0-9]+ [0-9]+ /, "", d)
			if (d == ENVIRON["C"]) {
				w = prev; sub(/^# /, "", w)
				if (w == "") w = "no reason printed"
				pend = $3 " " $4 "\037" substr(w, 1, 200)
			}
		}
		{ prev = $0 }
		END { if (pend != "") print pend "\037" }' "$RESULTS/$1.cmd.log" 2>/dev/null
}

# A PASS of boot NAME's in-guest test CASE: ok, unless it passed only
# when run again (retry_runs): then ok only when, for every run that
# failed, the test bed paused in its window (bed_pauses) or the guest
# kernel's trace shows the failure was the test's timing assumption
# failing; reported either way; retries counts the runs again.
retried_result() { # name case
	local runs w why ev pauses k=0 n good='' bad='' run
	runs=$(retry_runs "$1" "$2")
	if [ -z "$runs" ]; then
		result ok "$1: $2"
		return
	fi
	n=$(printf '%s\n' "$runs" | wc -l)
	retries=$((retries + n))
	while IFS=$'\037' read -r w why ev; do
		k=$((k + 1))
		run="run $k"
		[ "$n" != 1 ] || run="the first run"
		# shellcheck disable=SC2086
		pauses=$(bed_pauses "$1" $w | tr '\n' ';' | sed 's/;$//')
		if [ -n "$pauses" ]; then
			good="$good${good:+; }$run failed ($why) while the test bed paused ($pauses, L1's log)"
		elif [ -n "${ev#PVX-BED: "$2": }" ] && [ "${ev#PVX-BED: "$2": }" != "$ev" ]; then
			good="$good${good:+; }$run failed ($why) as its timing assumption failed: ${ev#PVX-BED: "$2": } (the guest kernel's trace)"
		else
			bad="$bad${bad:+; }$run ($why${ev:+; $ev})"
		fi
	done <<< "$runs"
	if [ -z "$bad" ] && [ "$n" = 1 ]; then
		result ok "$1: $2" "passed when run again; $good"
	elif [ -z "$bad" ]; then
		result ok "$1: $2" "passed on run $((n + 1)); $good"
	elif [ "$n" = 1 ]; then
		result fail "$1: $2" "passed only when run again, and nothing (no pause of L1, no trace of its cause) explains $bad"
	else
		result fail "$1: $2" "passed only on run $((n + 1)), and nothing (no pause of L1, no trace of its cause) explains $bad${good:+; explained: $good}"
	fi
}

# Each KUnit case once: ok when it passed every time it ran (a kexec boot
# runs it twice), with the platforms; failed with the boots where it did
# not pass (skipped counts as not passed).
kunit_report() {
	[ -s "$KUNIT_ALL" ] || { result fail "kunit: KUnit ran on some boot" "no KTAP found"; return; }
	awk -F '\t' '{
		c = $4
		if (!(c in seen)) { seen[c] = 1; order[++n] = c }
		if (index("," plat[c] ",", "," $2 ",") == 0)
			plat[c] = plat[c] (plat[c] == "" ? "" : ",") $2
		boots[c]++
		if ($3 != "PASS") bad[c] = bad[c] (bad[c] == "" ? "" : " ") $1 ":" $3
	} END {
		for (i = 1; i <= n; i++) {
			c = order[i]
			printf "%s\t%s\t%s\t%d\t%s\n", (c in bad) ? "fail" : "ok", c, plat[c], boots[c], bad[c]
		}
	}' "$KUNIT_ALL" > "$RESULTS/kunit-report.txt"
	while IFS=$'\t' read -r st case plat nboots bad; do
		if [ "$st" = ok ]; then
			result ok "kunit $case" "$plat, $nboots runs"
		else
			result fail "kunit $case" "not passed on: $bad"
		fi
	done < "$RESULTS/kunit-report.txt"
}

# Boot PLATFORM as NAME running the workload CMD (an in-guest suite that
# prints KTAP; disks, kernel arguments and time limit from the caller's
# environment), then report the boot and every test of the suite.
guest_workload() { # platform name boot-label cmd [kunit-suite...]
	local p=$1 name=$2 label=$3 cmd=$4 rc=0
	shift 4
	in_time "$name" || return 0
	CMD="export KTAP_HELPERS=$KTAP_HELPERS; $cmd" bash "$PVX_ROOT/scripts/bed/boot.sh" "$p" "$name" \
		> "$RESULTS/$name.out" 2>&1 || rc=$?
	boot_result "$name" "$label" "$rc"
	ktap_results "$name" "$p" "$@"
	[ "$guest_tests" -gt 0 ] ||
		result fail "$name: the in-guest suite printed its KTAP" "none in $RESULTS/$name.cmd.log"
}
