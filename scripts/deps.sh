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
	sparse busybox-static fio e2fsprogs util-linux procps strace
	"$PVX_KPKG"
	qemu-system-x86 qemu-utils
	# L0's QEMU for the kvm platform, built from Debian's source with
	# pvx's fixes (scripts/bed/qemu.sh)
	dpkg-dev patch meson ninja-build pkg-config libglib2.0-dev libpixman-1-dev
	libcap-ng-dev libattr1-dev libfdt-dev zlib1g-dev
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

# L1 kernel for the kvm platform: Debian's own generic kernel, with
# kvm-amd and the 9p stack as modules: 6.12 (also the benchmarks' stock
# guest), and 6.1 (bookworm's own) when the bed variant BED_L1_KERNEL=6.1
# asks for it. Unpacked in the cache, never installed on this machine.
debian_kernel() { # dir meta-package version-prefix
	local dir=$1 want=$2 series=$3 meta pkg
	[ -f "$dir/.done" ] && return 0
	dep() {
		apt-cache depends "$want" 2>/dev/null |
			sed -n "s/.*Depends: \(linux-image-${series//./\\.}[.-][^ ]*\)\$/\1/p" | head -n 1
	}
	meta=$(dep)
	if [ -z "$meta" ]; then
		apt-get update -q >/dev/null
		meta=$(dep)
	fi
	[ -n "$meta" ] || die "cannot find Debian's $series kernel ($want)"
	pkg=${meta%-amd64}-amd64-unsigned
	stage "deps: fetching $pkg for the nested KVM L1"
	rm -rf "$dir"
	mkdir -p "$dir/deb"
	(cd "$dir/deb" && apt-get download -q "$pkg" >/dev/null) ||
		die "apt-get download $pkg failed"
	dpkg-deb -x "$dir"/deb/*.deb "$dir/root"
	printf '%s\n' "${meta#linux-image-}" > "$dir/kver"
	touch "$dir/.done"
}
debian_kernel "$PVX_CACHE/l1" linux-image-6.12-amd64 6.12
l1=$(pvx_l1_dir)
[ "${BED_L1_KERNEL:-6.12}" = 6.1 ] && debian_kernel "$l1" linux-image-amd64 6.1
stage "deps: all present (L1 kernel $(cat "$l1/kver"))"
