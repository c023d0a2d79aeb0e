#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The series' other builds for make check, each verdict kept in the cache
# by a hash of all its inputs (the same inputs give the same verdict; only
# a pass is kept, and a build variant's only while its kernel is there):
#
#   prefixes   every prefix of the series compiles its pvx directories
#   nopvx      the kernel builds with CONFIG_PVX=n
#   modules    the kernel builds with pvx and its tests as modules
#
#   builds.sh [NAME...]      (default: all three, in that order)
#
# For each NAME writes RESULTS/NAME.vrc ("cached", 0, or the failed
# command's status) and RESULTS/NAME.build.log; check.sh reports them.
# It needs the test kernel built and nothing else of check.sh, so that
# check.sh can run it beside its boots; nothing may build the test kernel
# meanwhile (the first nopvx and modules builds copy its build dir).
set -uo pipefail
. "$(dirname "$0")/../lib.sh"

[ -n "${RESULTS:-}" ] || die "RESULTS: not set"

build_hash() { # name
	case "$1" in
	prefixes)
		cat "$PVX_ROOT"/patches/*.patch "$PVX_CACHE/build/test/.config" \
			"$PVX_ROOT/scripts/series/patches.sh" ;;
	*)
		cat "$PVX_ROOT"/patches/*.patch "$PVX_ROOT"/scripts/config/*.config \
			"$PVX_ROOT/Kconfig.fragment" "$PVX_ROOT/scripts/build.sh" \
			"$(bash "$PVX_ROOT/scripts/ksrc.sh")/.git/pvx-origin" ;;
	esac | md5sum | cut -c1-16
}

verdict() { # name
	local v=$1 h dir=$PVX_CACHE/verdicts rc=0
	local log=$RESULTS/$1.build.log
	h=$(build_hash "$v")
	case "$v" in
	prefixes) set -- bash "$PVX_ROOT/scripts/series/patches.sh" prefixes ;;
	nopvx | modules)
		[ -f "$PVX_CACHE/build/$v/arch/x86/boot/bzImage" ] || rm -f "$dir/$v".*
		set -- bash "$PVX_ROOT/scripts/build.sh" "$v" ;;
	*) die "unknown build '$v' (prefixes, nopvx, modules)" ;;
	esac
	if [ -f "$dir/$v.$h" ]; then
		echo cached > "$RESULTS/$v.vrc"
		return 0
	fi
	mkdir -p "$dir"
	rm -f "$dir/$v".*
	"$@" > "$log" 2>&1 || rc=$?
	[ "$rc" = 0 ] && touch "$dir/$v.$h"
	echo "$rc" > "$RESULTS/$v.vrc"
}

[ $# -gt 0 ] || set -- prefixes nopvx modules
# No verdict of an earlier run in RESULTS is taken for this one's.
for v; do
	rm -f "$RESULTS/$v.vrc"
done
for v; do
	verdict "$v"
done
