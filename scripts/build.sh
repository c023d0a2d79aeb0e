#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Build the patched kernel.
#
#   build.sh [VARIANT]   VARIANT: test (default), bench (no debug options,
#                        for timings), vblk (bench with the in-tree
#                        virtio_blk instead of pvblk), nopvx, modules, kasan
#   build.sh lint        W=1 and sparse (C=1) over the pvx sources
#
# The config is the small guest base config + Kconfig.fragment + the
# variant's fragments, merged with the kernel's own merge_config.sh on
# allnoconfig. Every value a fragment asks for must survive the merge.
# Output goes to $PVX_CACHE/build/VARIANT; bzImage path printed last.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

variant=${1:-test}
CFG=$PVX_ROOT/scripts/config
case "$variant" in
test)	frags=("$CFG/guest.config" "$PVX_ROOT/Kconfig.fragment" "$CFG/test.config") ;;
bench)	frags=("$CFG/guest.config" "$PVX_ROOT/Kconfig.fragment") ;;
vblk)	frags=("$CFG/guest.config" "$PVX_ROOT/Kconfig.fragment" "$CFG/vblk.config") ;;
kasan)	frags=("$CFG/guest.config" "$PVX_ROOT/Kconfig.fragment" "$CFG/test.config" "$CFG/kasan.config") ;;
nopvx)	frags=("$CFG/guest.config" "$CFG/test.config" "$CFG/nopvx.config") ;;
modules) frags=("$CFG/guest.config" "$PVX_ROOT/Kconfig.fragment" "$CFG/test.config" "$CFG/modules.config") ;;
lint)	frags=() ;;
*)	die "unknown build variant '$variant' (test, bench, vblk, nopvx, modules, kasan, lint)" ;;
esac

command -v ccache >/dev/null || die "ccache missing: run 'make deps'"
tree=$(bash "$PVX_ROOT/scripts/series/patches.sh" apply)
jobs=${JOBS:-$(nproc)}
kmake() {
	make -C "$tree" O="$out" -j"$jobs" CC="ccache gcc" HOSTCC="ccache gcc" \
		KBUILD_BUILD_USER=pvx KBUILD_BUILD_HOST=pvx "$@"
}

if [ "$variant" = lint ]; then
	# Lint in the test build dir: same config, only our objects rebuilt.
	out=$PVX_CACHE/build/test
	[ -f "$out/.config" ] || die "build the test kernel first (make build)"
	log=$out/lint.log
	dirs=(arch/x86/paravirt/ drivers/pvblk/ drivers/pvclock/)
	stage "lint: W=1 C=1 on ${dirs[*]}"
	for d in "${dirs[@]}"; do
		touch "$tree/$d"*.c
	done
	kmake W=1 C=1 "${dirs[@]}" > "$log" 2>&1 ||
		{ tail -n 30 "$log"; die "lint build failed ($log)"; }
	if grep -E '(warning|error):' "$log" | grep -E 'paravirt/|pvblk/|pvclock/|asm/pvx'; then
		die "W=1/sparse warnings in pvx sources ($log)"
	fi
	stage "lint: no W=1 or sparse warnings in pvx sources"
	exit 0
fi

out=$PVX_CACHE/build/$variant
# nopvx and modules differ from the test kernel in a few config symbols,
# vblk from the bench kernel: their first build (no .config of their own
# yet) starts from a copy of that kernel's build dir, and kbuild's
# incremental rebuild after a
# config change (fixdep's include/config records, per object, the
# symbols it was built with) builds what a clean build would, in a
# fraction of the time. A real copy: kbuild writes objects in place.
# objtool's own build (tools/) records absolute paths in its .cmd files:
# they must name the copy, or objtool is rebuilt and with it every
# object (each depends on the objtool binary).
case "$variant" in
nopvx | modules) seed=$PVX_CACHE/build/test ;;
vblk) seed=$PVX_CACHE/build/bench ;;
*) seed= ;;
esac
case "$variant" in
nopvx | modules | vblk)
	if [ ! -f "$out/.config" ] && [ -f "$seed/vmlinux" ] && [ -f "$seed/.pvx-frags" ]; then
		stage "build ($variant): starting from a copy of $seed"
		# A copy cut short earlier (make check's deadline) goes first.
		rm -rf "$out" "$out.tmp"
		s=$(realpath "$seed") o=$(realpath -m "$out")
		cp -a "$seed" "$out.tmp" && rm -f "$out.tmp/.pvx-frags" "$out.tmp"/*.log &&
			rm -rf "$out.tmp/mod" &&
			find "$out.tmp/tools" -name '.*.cmd' -exec sed -i "s|$s/|$o/|g" {} + &&
			mv "$out.tmp" "$out" ||
			{ rm -rf "$out.tmp" "$out"; die "cannot copy $seed"; }
	fi ;;
esac
mkdir -p "$out"
log=$out/build.log

# Regenerate .config only when a fragment changed.
sum=$(cat "${frags[@]}" | md5sum | cut -d' ' -f1)
if [ ! -f "$out/.config" ] || [ "$(cat "$out/.pvx-frags" 2>/dev/null)" != "$sum" ]; then
	stage "config ($variant): merge_config.sh -n on allnoconfig"
	(cd "$tree" && ./scripts/kconfig/merge_config.sh -n -O "$out" "${frags[@]}") \
		> "$out/config.log" 2>&1 ||
		{ tail -n 20 "$out/config.log"; die "merge_config.sh failed"; }
	# Every requested value must be in the result (last fragment wins).
	bad=$(cat "${frags[@]}" | sed -n 's/^\(CONFIG_[A-Za-z0-9_]*\)=\(.*\)$/\1 \2/p' |
		awk '{ want[$1] = $2 } END { for (k in want) print k, want[k] }' |
		while read -r sym val; do
			if [ "$val" = n ]; then
				grep -q "^$sym=" "$out/.config" && echo "$sym=n"
			else
				grep -qx "$sym=$val" "$out/.config" || echo "$sym=$val"
			fi
		done) || true
	if [ -n "$bad" ]; then
		rm -f "$out/.pvx-frags"
		die "config values lost in the merge (missing dependency?): $(echo $bad)"
	fi
	echo "$sum" > "$out/.pvx-frags"
fi

stage "build ($variant): bzImage modules, -j$jobs, ccache"
t0=$(date +%s)
if ! kmake bzImage modules > "$log" 2>&1; then
	grep -E 'error|Error' "$log" | head -n 20
	tail -n 20 "$log"
	die "kernel build failed ($log)"
fi
rm -rf "$out/mod"
kmake INSTALL_MOD_PATH="$out/mod" INSTALL_MOD_STRIP=1 modules_install \
	>> "$log" 2>&1 || die "modules_install failed ($log)"
stage "build ($variant): done in $(( $(date +%s) - t0 ))s: $(make -s -C "$tree" O="$out" kernelrelease)"
printf '%s\n' "$out/arch/x86/boot/bzImage"
