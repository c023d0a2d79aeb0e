#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Prepare the pristine kernel tree the pvx series applies to: a git
# repository in the cache whose commit tagged pvx-base is exactly the
# Debian linux-source-6.12 tarball (or the user's KSRC tree).
#
# Prints the path of the tree.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

src=$(pvx_srcdir)

check_version() {
	local v
	v=$(make -s -C "$1" kernelversion 2>/dev/null) ||
		die "$1 is not a kernel tree (make kernelversion failed)"
	case "$v" in
	6.12.*) ;;
	*) die "$1 is Linux $v; pvx is made against 6.12.y" ;;
	esac
	printf '%s\n' "$v"
}

if [ -n "${KSRC:-}" ]; then
	[ -d "$KSRC" ] || die "KSRC=$KSRC: no such directory"
	[ -f "$KSRC/Makefile" ] && [ -d "$KSRC/arch/x86" ] ||
		die "KSRC=$KSRC: not a Linux source tree"
	ver=$(check_version "$KSRC")
	origin="KSRC $(realpath "$KSRC") ($ver)"
else
	[ -f "$PVX_KTARBALL" ] ||
		die "$PVX_KTARBALL missing: install $PVX_KPKG (make deps)"
	ver=$(dpkg-query -W -f='${Version}' "$PVX_KPKG")
	origin="Debian $PVX_KPKG $ver"
fi

if [ -f "$src/.git/pvx-origin" ] && [ "$(cat "$src/.git/pvx-origin")" = "$origin" ] &&
	git -C "$src" rev-parse -q --verify pvx-base >/dev/null; then
	printf '%s\n' "$src"
	exit 0
fi

stage "preparing pristine kernel tree from $origin" >&2
rm -rf "$src" "$src.tmp"
mkdir -p "$src.tmp"
if [ -n "${KSRC:-}" ]; then
	rsync -a --exclude=.git --exclude='*.o' --exclude='*.cmd' \
		--exclude=.config "$KSRC/" "$src.tmp/"
	[ ! -e "$src.tmp/include/config" ] ||
		die "KSRC=$KSRC has build output in it; run 'make mrproper' there"
else
	tar -C "$src.tmp" --strip-components=1 -xJf "$PVX_KTARBALL"
fi
check_version "$src.tmp" >/dev/null
(
	cd "$src.tmp"
	kgit init -q -b pvx
	# Debian's tarball ignores everything at the top level (/*): force.
	kgit add -A -f .
	kgit commit -q -m "Linux $ver ($origin)"
	kgit tag pvx-base
)
printf '%s\n' "$origin" > "$src.tmp/.git/pvx-origin"
mv "$src.tmp" "$src"
stage "pristine tree ready: $src" >&2
printf '%s\n' "$src"
