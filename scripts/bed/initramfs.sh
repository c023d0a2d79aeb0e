#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Build the initramfs images (gzip'ed newc cpio) into $PVX_CACHE/initramfs:
#   guest.cpio.gz  busybox-static + scripts/bed/guest/init, for the kernel
#                  under test on every platform
#   l1.cpio.gz     busybox-static + kvm-amd, 9p, virtio_blk modules of the Debian
#                  L1 kernel + scripts/bed/guest/l1-init, for nested KVM
#   stock.cpio.gz  the guest init + 9p, virtio_blk and AHCI modules, for
#                  Debian's own kernel as a benchmark baseline
# A run appends a small archive of its own (the kernel unpacks them in
# order), so the user's workload never needs a rebuild of these.
set -euo pipefail
. "$(dirname "$0")/../lib.sh"

out=$PVX_CACHE/initramfs
mkdir -p "$out"
BUSYBOX=/bin/busybox
[ -x "$BUSYBOX" ] && file -L "$BUSYBOX" 2>/dev/null | grep -q static ||
	[ -f /usr/share/doc/busybox-static/copyright ] ||
	die "busybox-static missing: run 'make deps'"

mkcpio() { # dir output
	(cd "$1" && find . | LC_ALL=C sort | cpio -o -H newc --quiet -R 0:0 | gzip -1 -n) > "$2.tmp"
	mv "$2.tmp" "$2"
}

skel() { # dir
	rm -rf "$1"
	mkdir -p "$1"/{bin,dev,proc,sys,tmp,host,mods}
	cp "$BUSYBOX" "$1/bin/busybox"
}

# guest
if [ ! -s "$out/guest.cpio.gz" ] || [ "$PVX_ROOT/scripts/bed/guest/init" -nt "$out/guest.cpio.gz" ] ||
	[ "$BUSYBOX" -nt "$out/guest.cpio.gz" ]; then
	d=$out/guest.d
	skel "$d"
	install -m 755 "$PVX_ROOT/scripts/bed/guest/init" "$d/init"
	mkcpio "$d" "$out/guest.cpio.gz"
	rm -rf "$d"
	stage "initramfs: $out/guest.cpio.gz"
fi

# Modules of the Debian kernel, with their dependencies, decompressed
# (busybox insmod reads no .ko.xz) into DIR/mods, load order in
# DIR/modules.order: a module's dependencies, deepest first, then it.
debian_modules() { # dir module...
	[ -f "$l1/.done" ] || die "Debian kernel missing: run 'make deps'"
	[ -f "$mdir/modules.dep" ] || depmod -b "$l1/root" "$kver"
	add_modules "$mdir" "$@"
}

add_modules() { # moddir dir module...
	local mdir=$1 d=$2 want line deps m name
	shift 2
	: > "$d/modules.order"
	for want in "$@"; do
		line=$(grep -E "/$want\.ko(\.xz)?:" "$mdir/modules.dep") ||
			die "module $want not in $kver"
		deps=$(echo "${line#*:}" | tr ' ' '\n' | tac)
		for m in $deps ${line%%:*}; do
			name=$(basename "$m"); name=${name%.xz}; name=${name%.ko}
			grep -qx "$name" "$d/modules.order" && continue
			case "$m" in
			*.xz) xz -dc "$mdir/$m" > "$d/mods/$name.ko" ;;
			*) cp "$mdir/$m" "$d/mods/$name.ko" ;;
			esac
			echo "$name" >> "$d/modules.order"
		done
	done
}

l1=$PVX_CACHE/l1
kver=$(cat "$l1/kver" 2>/dev/null || true)
mdir=$l1/root/lib/modules/$kver

# l1: the nested KVM platform's L1 (Debian kernel fetched by deps.sh,
# see pvx_l1_dir): l1.cpio.gz, l1-6.1.cpio.gz for BED_L1_KERNEL=6.1.
# Built again when its init, this script or the kernel is newer.
l1cpio=$out/$(basename "$(pvx_l1_dir)").cpio.gz
if [ "${1:-}" = l1 ] && { [ ! -s "$l1cpio" ] ||
	[ "$PVX_ROOT/scripts/bed/guest/l1-init" -nt "$l1cpio" ] ||
	[ "$0" -nt "$l1cpio" ] || [ "$(pvx_l1_dir)/kver" -nt "$l1cpio" ]; }; then
	l1=$(pvx_l1_dir)
	kver=$(cat "$l1/kver" 2>/dev/null || true)
	mdir=$l1/root/lib/modules/$kver
	d=${l1cpio%.cpio.gz}.d
	skel "$d"
	install -m 755 "$PVX_ROOT/scripts/bed/guest/l1-init" "$d/init"
	# virtio_pci is built in on 6.12 and a module on 6.1.
	pci=
	[ -f "$mdir/modules.dep" ] || depmod -b "$l1/root" "$kver"
	grep -q '/virtio_pci\.ko' "$mdir/modules.dep" 2>/dev/null && pci=virtio_pci
	# shellcheck disable=SC2086 # none or one
	debian_modules "$d" $pci kvm-amd 9pnet_virtio 9p virtio_blk
	mkcpio "$d" "$l1cpio"
	rm -rf "$d"
	stage "initramfs: $l1cpio"
fi

# stock: the guest init for Debian's own kernel, the baseline of the
# benchmarks (in-tree virtio_blk, AHCI), with the modules it needs.
if [ "${1:-}" = stock ] && { [ ! -s "$out/stock.cpio.gz" ] ||
	[ "$PVX_ROOT/scripts/bed/guest/init" -nt "$out/stock.cpio.gz" ]; }; then
	d=$out/stock.d
	skel "$d"
	install -m 755 "$PVX_ROOT/scripts/bed/guest/init" "$d/init"
	debian_modules "$d" 9pnet_virtio 9p virtio_blk ahci sd_mod
	mkcpio "$d" "$out/stock.cpio.gz"
	rm -rf "$d"
	stage "initramfs: $out/stock.cpio.gz"
fi

# modules: the guest init + the pvx modules of the "modules" build
# variant, loaded at boot: pvblk drives the disks as a module and the
# KUnit suites run as they load.
if [ "${1:-}" = modules ]; then
	mb=$PVX_CACHE/build/modules/mod/lib/modules
	mkv=$(ls "$mb" 2>/dev/null | head -n 1)
	[ -n "$mkv" ] || die "no modules build: run 'scripts/build.sh modules'"
	d=$out/modules.d
	skel "$d"
	install -m 755 "$PVX_ROOT/scripts/bed/guest/init" "$d/init"
	add_modules "$mb/$mkv" "$d" pvblk_virtio pvblk_kunit pvx_detect_kunit pvclock_kunit
	mkcpio "$d" "$out/modules.cpio.gz"
	rm -rf "$d"
	stage "initramfs: $out/modules.cpio.gz"
fi
