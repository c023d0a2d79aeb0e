#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Install what pvx needs from Debian 12's archive; a no-op when all of it
# is there. Also fetches (without installing) the stock Debian 6.12
# kernel that runs as L1 on the nested KVM platform.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

PKGS=(
	build-essential bc bison flex libelf-dev libssl-dev dwarves
	ccache cpio xz-utils zstd kmod rsync git quilt python3 python3-ply python3-git
	sparse busybox-static fio e2fsprogs util-linux strace
	"$PVX_KPKG"
	qemu-system-x86 qemu-utils
	xen-hypervisor-4.17-amd64
)

missing=()
for p in "${PKGS[@]}"; do
	dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed$' ||
		missing+=("$p")
done

if [ ${#missing[@]} -gt 0 ]; then
	[ "$(id -u)" = 0 ] || die "need root to install: ${missing[*]}"
	stage "deps: apt-get install ${missing[*]}"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -q >/dev/null
	apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null ||
		die "apt-get install failed for: ${missing[*]}"
fi

# L1 kernel for the kvm platform: Debian's own 6.12 generic kernel, with
# kvm-amd and the 9p stack as modules. Unpacked in the cache, never
# installed on this machine.
l1=$PVX_CACHE/l1
if [ ! -f "$l1/.done" ]; then
	l1dep() {
		apt-cache depends linux-image-6.12-amd64 2>/dev/null |
			sed -n 's/.*Depends: \(linux-image-6\.12\.[^ ]*\)$/\1/p' | head -n 1
	}
	meta=$(l1dep)
	if [ -z "$meta" ]; then
		apt-get update -q >/dev/null
		meta=$(l1dep)
	fi
	[ -n "$meta" ] || die "cannot find Debian's 6.12 kernel (linux-image-6.12-amd64)"
	pkg=${meta%-amd64}-amd64-unsigned
	stage "deps: fetching $pkg for the nested KVM L1"
	rm -rf "$l1"
	mkdir -p "$l1/deb"
	(cd "$l1/deb" && apt-get download -q "$pkg" >/dev/null) ||
		die "apt-get download $pkg failed"
	dpkg-deb -x "$l1"/deb/*.deb "$l1/root"
	printf '%s\n' "${meta#linux-image-}" > "$l1/kver"
	touch "$l1/.done"
fi
stage "deps: all present (L1 kernel $(cat "$l1/kver"))"
