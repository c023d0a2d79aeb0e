#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# L0's QEMU for the nested KVM platform: the source of Debian's
# qemu-system-x86 (the version installed here) with pvx's fixes to its TCG
# (scripts/bed/qemu/*.patch: an interrupt L1 injects into L2 was
# delivered a second time, with L2's interrupts off; an interrupt of L1's
# local APIC was lost when L1 entered L2 asking for an interrupt window
# at the same time), built for
# x86_64-softmmu with TCG and VirtFS (and what VirtFS needs) only, every
# other feature off, so that what is built does not depend on what else
# this machine has. Kept in PVX_CACHE/qemu/VERSION-HASH (HASH: of the
# patches and the configure options), built once; prints the binary's
# path. Its firmware is Debian's (Debian's firmware path). Concurrent
# callers wait for one build; builds of other versions stay (a boot may
# be running one).
set -euo pipefail
. "$(dirname "$0")/../lib.sh"

ver=$(dpkg-query -W -f='${source:Version}' qemu-system-x86 2>/dev/null) ||
	die "qemu-system-x86 is not installed: run 'make deps'"
patches=("$PVX_ROOT"/scripts/bed/qemu/*.patch)
config=(--prefix=/usr
	--firmwarepath=/usr/share/qemu:/usr/share/seabios:/usr/lib/ipxe/qemu
	--target-list=x86_64-softmmu --without-default-features
	--enable-virtfs --enable-attr --enable-cap-ng --enable-fdt=system
	--disable-docs --disable-werror)
hash=$( { cat "${patches[@]}"; printf '%s\n' "${config[@]}"; } | sha256sum | cut -c1-12)
top=$PVX_CACHE/qemu
dir=$top/${ver#*:}-$hash
bin=$dir/qemu-system-x86_64
mkdir -p "$top"
exec 9> "$top/.lock"
flock 9
if [ -x "$bin" ]; then
	printf '%s\n' "$bin"
	exit 0
fi

log=$top/build.log
stage "qemu: building L0's QEMU from Debian's source $ver with ${#patches[@]} fix(es) (log $log)" >&2
work=$top/build
rm -rf "$work"
mkdir -p "$work/apt/lists/partial" "$work/apt/cache/archives/partial"
# The build's output to its log; a failure says where it is.
exec 4>&1 3>&2 > "$log" 2>&1
trap 'echo "pvx: error: building L0'"'"'s QEMU failed: see $log" >&3' ERR
# The source package from the archives this machine installs from (deb-src
# lines of its own deb lines), in an apt state of its own: the machine's
# apt configuration, lists and caches are left as they are.
mkdir "$work/apt/sources.list.d"
for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
	if [ -f "$f" ]; then
		sed -n 's/^deb \(.*\)/deb-src \1/p' "$f"
	fi
done > "$work/apt/sources.list"
for f in /etc/apt/sources.list.d/*.sources; do
	if [ -f "$f" ]; then
		sed 's/^Types:.*/Types: deb-src/' "$f" > "$work/apt/sources.list.d/${f##*/}"
	fi
done
apt=(apt-get -q -o "Dir::Etc::SourceList=$work/apt/sources.list"
     -o "Dir::Etc::SourceParts=$work/apt/sources.list.d"
     -o "Dir::State::Lists=$work/apt/lists" -o "Dir::Cache=$work/apt/cache"
     -o APT::Sandbox::User=root)
"${apt[@]}" update
cd "$work"
# The archive keeps only a suite's newest version: where the installed
# one is gone, say so (the fix is for that binary's source).
uris=$("${apt[@]}" source --print-uris "qemu=$ver" 2>&1) || true
if [[ "$uris" != *"qemu_${ver#*:}.dsc"* ]]; then
	echo "pvx: error: the source of the installed qemu-system-x86 $ver is not in the archive (or the archive cannot be reached): upgrade it (apt-get install --only-upgrade qemu-system-x86 qemu-system-data) and run again" >&3
	exit 1
fi
"${apt[@]}" source --download-only "qemu=$ver"
dsc=$work/qemu_${ver#*:}.dsc
dpkg-source -x "$dsc" "$work/src"
for p in "${patches[@]}"; do
	patch -d "$work/src" -p1 --forward --fuzz=0 < "$p"
done
mkdir "$work/b"
cd "$work/b"
../src/configure "${config[@]}"
ninja qemu-system-x86_64
mkdir -p "$dir"
# Its firmware path is Debian's, which a binary outside its bindir looks
# for under its own dir's qemu-bundle/ (QEMU's get_relocated_path()).
for d in /usr/share/qemu /usr/share/seabios /usr/lib/ipxe/qemu; do
	mkdir -p "$dir/qemu-bundle${d%/*}"
	ln -sfn "$d" "$dir/qemu-bundle$d"
done
cp qemu-system-x86_64 "$bin.tmp"
mv "$bin.tmp" "$bin"
printf '%s\n' "Debian's source ${dsc##*/} with:" "${patches[@]##*/}" \
	"configure ${config[*]}" > "$dir/README"
trap - ERR
exec 1>&4 2>&3 4>&- 3>&-
cd "$top"
rm -rf "$work"
"$bin" -version | head -n 1 >&2
printf '%s\n' "$bin"
