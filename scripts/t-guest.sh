# SPDX-License-Identifier: GPL-2.0
# Guest workloads of make check, sourced by check.sh (uses its result()).

# Report the guest's "PVX-T: ok NAME" / "PVX-T: not ok NAME (why)" lines
# of FILE under NAME; the count goes to guest_tests.
guest_results() { # name file
	local st rest
	guest_tests=0
	while read -r st rest; do
		guest_tests=$((guest_tests + 1))
		if [ "$st" = ok ]; then
			result ok "$1: $rest"
		else
			result fail "$1: ${rest#ok }"
		fi
	done < <(sed -n 's/^PVX-T: //p' "$2" 2>/dev/null)
}

# Boot PLATFORM as NAME running the workload CMD (disks, kernel arguments
# and time limit from the caller's environment), then report the boot,
# every in-guest result, and that all WANT of them (the KIND tests) came
# back.
guest_workload() { # platform name want boot-label kind cmd
	local rc=0
	CMD=$6 bash "$PVX_ROOT/scripts/boot.sh" "$1" "$2" \
		> "$RESULTS/$2.out" 2>&1 || rc=$?
	if [ "$rc" = 0 ]; then
		result ok "$2: $4"
	else
		result fail "$2: $4" \
			"rc=$rc; $(grep -A6 'boot FAILED' "$RESULTS/$2.out" | tr '\n' ' ' | cut -c1-400)"
	fi
	guest_results "$2" "$RESULTS/$2.cmd.log"
	if [ "$guest_tests" = "$3" ]; then
		result ok "$2: all $3 in-guest $5 tests reported"
	else
		result fail "$2: all $3 in-guest $5 tests reported" "$guest_tests reported"
	fi
}
