#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Build the initramfs images (gzip'ed newc cpio) into $PVX_CACHE/initramfs:
#   guest.cpio.gz  busybox-static + scripts/guest/init, for the kernel
#                  under test on every platform
#   l1.cpio.gz     busybox-static + kvm-amd and 9p modules of the Debian
#                  L1 kernel + scripts/guest/l1-init, for nested KVM
# A run appends a small archive of its own (the kernel unpacks them in
# order), so the user's workload never needs a rebuild of these.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

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
if [ ! -s "$out/guest.cpio.gz" ] || [ "$PVX_ROOT/scripts/guest/init" -nt "$out/guest.cpio.gz" ] ||
	[ "$BUSYBOX" -nt "$out/guest.cpio.gz" ]; then
	d=$out/guest.d
	skel "$d"
	install -m 755 "$PVX_ROOT/scripts/guest/init" "$d/init"
	mkcpio "$d" "$out/guest.cpio.gz"
	rm -rf "$d"
	stage "initramfs: $out/guest.cpio.gz"
fi

# l1 (needs the Debian kernel fetched by deps.sh)
l1=$PVX_CACHE/l1
if [ "${1:-}" = l1 ] && { [ ! -s "$out/l1.cpio.gz" ] ||
	[ "$PVX_ROOT/scripts/guest/l1-init" -nt "$out/l1.cpio.gz" ]; }; then
	[ -f "$l1/.done" ] || die "L1 kernel missing: run 'make deps'"
	kver=$(cat "$l1/kver")
	mdir=$l1/root/lib/modules/$kver
	[ -f "$mdir/modules.dep" ] || depmod -b "$l1/root" "$kver"
	d=$out/l1.d
	skel "$d"
	install -m 755 "$PVX_ROOT/scripts/guest/l1-init" "$d/init"
	# Load order from modules.dep: a module's dependencies, deepest
	# first, then the module.
	: > "$d/modules.order"
	for want in kvm-amd 9pnet_virtio 9p; do
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
	mkcpio "$d" "$out/l1.cpio.gz"
	rm -rf "$d"
	stage "initramfs: $out/l1.cpio.gz"
fi
