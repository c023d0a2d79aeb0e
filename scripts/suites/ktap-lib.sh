# SPDX-License-Identifier: GPL-2.0
# What the in-guest suites share; sourced (POSIX sh) by a script that sets
# ktap_lib to its path first. Results are KTAP
# printed by the kernel's own helpers, $KTAP_HELPERS
# (tools/testing/selftests/kselftest/ktap_helpers.sh), one per test
# whatever path the test takes, against a plan counted up front:
#
#   suite count [...]           each entry counts one test (plan)
#   run DESC FUNCTION [ARG...]  FUNCTION returns 0 (pass), $KSFT_SKIP or
#                               anything else (fail)
#   nok WHY...                  the reason a test fails, on a "# " line;
#                               returns 1
#   defer DESC FUNCTION         a test to run later from a new shell
#                               (after a suspend, from tmpfs)
#   ktap_fail_deferred WHY      where that cannot be: each fails here
#   ktap_carry DIR              copies this library and the helpers to
#                               DIR and prints the lines that make a new
#                               shell go on with the same counters
#   ktap_run_deferred DIR       in that shell: run the deferred tests
#                               (each FUNCTION gets its DESC)
if [ -z "${KTAP_HELPERS:-}" ] || [ ! -f "$KTAP_HELPERS" ]; then
	echo "Bail out! KTAP_HELPERS='${KTAP_HELPERS:-}': no ktap_helpers.sh"
	exit 1
fi
# shellcheck source=/dev/null
. "$KTAP_HELPERS"
# ktap_helpers.sh expands the texts it prints unquoted: no pathname
# expansion.
set -f

plan=0
deferred=

nok() { # WHY...
	ktap_print_msg "$@"
	return 1
}

run() { # DESCRIPTION FUNCTION [ARGUMENT...]
	_desc=$1
	shift
	"$@"
	case $? in
	0) ktap_test_pass "$_desc" ;;
	"$KSFT_SKIP") ktap_test_skip "$_desc" ;;
	*) ktap_test_fail "$_desc" ;;
	esac
}

count() { plan=$((plan + 1)); }

defer() { # DESCRIPTION FUNCTION
	deferred="$deferred$2 $1
"
}

ktap_fail_deferred() { # WHY
	while read -r _f _desc <&3; do
		[ -n "$_f" ] || continue
		ktap_print_msg "$1"
		ktap_test_fail "$_desc"
	done 3<<EOF
$deferred
EOF
}

ktap_carry() { # DIR
	cp "$KTAP_HELPERS" "$1/ktap_helpers.sh" &&
		cp "$ktap_lib" "$1/ktap-lib.sh" &&
		printf '%s' "$deferred" > "$1/deferred" || return
	echo "KTAP_HELPERS=$1/ktap_helpers.sh"
	echo ". $1/ktap-lib.sh"
	echo "KTAP_TESTNO=$KTAP_TESTNO KTAP_CNT_PASS=$KTAP_CNT_PASS" \
		"KTAP_CNT_FAIL=$KTAP_CNT_FAIL KTAP_CNT_SKIP=$KTAP_CNT_SKIP" \
		"KSFT_NUM_TESTS=$KSFT_NUM_TESTS"
}

ktap_run_deferred() { # DIR
	while read -r _f _desc <&3; do
		[ -n "$_f" ] && run "$_desc" "$_f" "$_desc"
	done 3< "$1/deferred"
}
