#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# L0's QEMU for the nested KVM platform: the source of Debian's
# qemu-system-x86, the version installed here, with pvx's fixes to its
# TCG (scripts/bed/qemu/*.patch: an interrupt L1 injects into L2 was
# delivered a second time, with L2's interrupts off), built for
# x86_64-softmmu only. Kept in PVX_CACHE/qemu/VERSION-HASH (HASH: of the
# patches and this script), built once; prints the binary's path. Its
# firmware is Debian's (Debian's firmware path).
# Concurrent callers (make check's lanes) wait for one build.
set -euo pipefail
. "$(dirname "$0")/../lib.sh"

ver=$(dpkg-query -W -f='${source:Version}' qemu-system-x86 2>/dev/null) ||
	die "qemu-system-x86 is not installed: run 'make deps'"
patches=("$PVX_ROOT"/scripts/bed/qemu/*.patch)
hash=$(cat "${patches[@]}" "$0" | sha256sum | cut -c1-12)
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

stage "qemu: building L0's QEMU $ver with ${#patches[@]} fix(es) (log $top/build.log)" >&2
work=$top/build
rm -rf "$work"
mkdir -p "$work/apt/lists/partial" "$work/apt/sources.list.d"
# The build's output to its log; a failure says where it is.
exec 4>&1 3>&2 > "$top/build.log" 2>&1
trap 'echo "pvx: error: building L0'"'"'s QEMU failed: see $top/build.log" >&3' ERR
# The source package from the archives this machine installs from (deb-src
# lines of its own deb lines), in a private apt state: the machine's apt
# configuration is left as it is.
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
     -o "Dir::State::Lists=$work/apt/lists" -o APT::Sandbox::User=root)
"${apt[@]}" update
(cd "$work" && "${apt[@]}" source --download-only "qemu=$ver")
dpkg-source -x "$work"/qemu_"${ver#*:}".dsc "$work/src"
for p in "${patches[@]}"; do
	patch -d "$work/src" -p1 --forward < "$p"
done
mkdir "$work/b"
cd "$work/b"
../src/configure --prefix=/usr \
	--firmwarepath=/usr/share/qemu:/usr/share/seabios:/usr/lib/ipxe/qemu \
	--target-list=x86_64-softmmu --disable-docs --disable-tools \
	--disable-guest-agent --disable-user --enable-virtfs --disable-werror
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
printf '%s\n' "Debian's qemu $ver with:" "${patches[@]##*/}" > "$dir/README"
trap - ERR
exec 1>&4 2>&3 4>&- 3>&-
cd "$top"
rm -rf "$work"
# Builds of other versions or patches.
find "$top" -mindepth 1 -maxdepth 1 -type d ! -name "${dir##*/}" -exec rm -rf {} +
"$bin" -version | head -n 1 >&2
printf '%s\n' "$bin"
