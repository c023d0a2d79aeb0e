#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# blk-before.sh REV: the bench kernel with drivers/pvblk/ as it was at
# git revision REV of this repository, for make bench's "before" rows
# (BENCH_BLK_BEFORE=REV); prints its bzImage. The rest of the tree is
# the series as it stands and the config is the bench kernel's, so the
# rows differ in the driver alone.
#
# The driver's files are swapped into the shared kernel tree for the
# build and put back after, also on failure (the tree is a git worktree:
# the next `patches.sh apply` puts back what an interrupted run left).
# Nothing else may build from the tree meanwhile; make bench runs its
# builds one after the other.
set -euo pipefail
. "$(dirname "$0")/../lib.sh"

rev=${1:?usage: blk-before.sh REV}
sha=$(git -C "$PVX_ROOT" rev-parse -q --verify "$rev^{commit}") ||
	die "blk-before: no revision '$rev' in $PVX_ROOT"
git -C "$PVX_ROOT" cat-file -e "$sha:drivers/pvblk/Makefile" 2>/dev/null ||
	die "blk-before: $rev has no drivers/pvblk"
sha=${sha:0:12}

bash "$PVX_ROOT/scripts/build.sh" bench > /dev/null
tree=$(bash "$PVX_ROOT/scripts/series/patches.sh" apply)
seed=$PVX_CACHE/build/bench
out=$PVX_CACHE/build/blk-before-$sha
# The rest of the kernel is the tree and config the bench build has now:
# a copy built against another one is built again.
head=$(git -C "$tree" rev-parse HEAD)
config=$(md5sum < "$seed/.config")
key="tree $head config $config"
if [ -f "$out/.pvx-done" ] && [ "$(cat "$out/.pvx-key" 2>/dev/null)" = "$key" ]; then
	printf '%s\n' "$out/arch/x86/boot/bzImage"
	exit 0
fi

# From a copy of the bench build: only the driver's objects and the
# link are redone. objtool's .cmd files name their build dir (build.sh).
stage "blk-before: the bench kernel with drivers/pvblk/ of $sha"
rm -rf "$out" "$out.tmp"
s=$(realpath "$seed")
o=$(realpath -m "$out")
cp -a "$seed" "$out.tmp" && rm -rf "$out.tmp/mod" "$out.tmp"/*.log &&
	find "$out.tmp/tools" -name '.*.cmd' -exec sed -i "s|$s/|$o/|g" {} + &&
	mv "$out.tmp" "$out" || { rm -rf "$out.tmp" "$out"; die "cannot copy $seed"; }

put_back() {
	git -C "$tree" checkout -q -f HEAD -- drivers/pvblk
	git -C "$tree" clean -q -f -d -- drivers/pvblk
}
trap put_back EXIT
rm -rf "$tree/drivers/pvblk" "$out/drivers/pvblk"
# Files of today's mtime (-m), and none of the bench build's objects of
# the driver: all of it is compiled again.
git -C "$PVX_ROOT" archive "$sha" drivers/pvblk | tar -x -m -C "$tree"

log=$out/build.log
t0=$(date +%s)
if ! make -C "$tree" O="$out" -j"$(nproc)" CC="ccache gcc" HOSTCC="ccache gcc" \
	KBUILD_BUILD_USER=pvx KBUILD_BUILD_HOST=pvx olddefconfig bzImage > "$log" 2>&1; then
	tail -n 20 "$log" >&2
	die "blk-before: build failed ($log)"
fi
# The driver the kernel was built with, for the report.
git -C "$PVX_ROOT" log -1 --format='%h %s' "$sha" > "$out/.pvx-done"
printf '%s\n' "$key" > "$out/.pvx-key"
stage "blk-before: done in $(( $(date +%s) - t0 ))s"
printf '%s\n' "$out/arch/x86/boot/bzImage"
