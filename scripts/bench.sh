#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# make bench: timings, never pass/fail. Writes RESULTS/report.md and
# CSV files; figures are only comparable within one run.
#
# build: a clean build of the test kernel with ccache off, into a scratch
#        build dir (BENCH_CLEAN=0 skips it: about 15 minutes), and an
#        incremental rebuild after touching one pvx source file.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

RESULTS=${RESULTS:-$PVX_RESULTS/bench-$(date +%Y%m%d-%H%M%S)}
mkdir -p "$RESULTS"
csv=$RESULTS/build.csv
echo "what,seconds,cores,ccache" > "$csv"
tree=$(bash "$PVX_ROOT/scripts/patches.sh" apply)
jobs=$(nproc)

timed() { # label ccache command...
	local label=$1 cc=$2 t0 t1
	shift 2
	t0=$(date +%s.%N)
	"$@" > "$RESULTS/$label.log" 2>&1 || die "$label failed ($RESULTS/$label.log)"
	t1=$(date +%s.%N)
	printf '%s,%.1f,%s,%s\n' "$label" "$(echo "$t1 - $t0" | bc)" "$jobs" "$cc" >> "$csv"
	stage "bench: $label $(tail -n 1 "$csv" | cut -d, -f2)s"
}

# Make sure the test build is current, so the rebuild measures one file.
bash "$PVX_ROOT/scripts/build.sh" test > /dev/null
touch "$tree/arch/x86/paravirt/core.c"
timed incremental-one-pvx-file on bash "$PVX_ROOT/scripts/build.sh" test

if [ "${BENCH_CLEAN:-1}" = 1 ]; then
	out=$PVX_CACHE/build/bench-clean
	rm -rf "$out"
	mkdir -p "$out"
	cp "$PVX_CACHE/build/test/.config" "$out/.config"
	timed clean-test-kernel off env CCACHE_DISABLE=1 \
		make -C "$tree" O="$out" -j"$jobs" olddefconfig bzImage modules
	rm -rf "$out"
fi

{
	echo "# pvx bench: $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores"
	echo
	echo "## Build (test kernel: guest base + Kconfig.fragment + KUnit, lockdep, UBSAN, KFENCE)"
	echo
	echo "| what | seconds | target |"
	echo "|---|---|---|"
	while IFS=, read -r what secs _ _; do
		case "$what" in
		what) continue ;;
		clean-*) target="<= 900" ;;
		incremental-*) target="<= 120" ;;
		*) target="" ;;
		esac
		echo "| $what | $secs | $target |"
	done < "$csv"
} > "$RESULTS/report.md"
cat "$RESULTS/report.md"
echo "results: $RESULTS"
