#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# pvblk tests inside the guest, chrooted into the machine's root (fio,
# e2fsprogs, util-linux, python3 from its Debian packages). One line per
# test: "PVX-T: ok NAME" or "PVX-T: not ok NAME (why)".
#
#   pvblk-test.sh all [qmp]  vda scratch (mkfs, cache mode, resize and
#                            unplug with qmp), vdb fio data, vdc discard,
#                            vdd read-only. QMP requests are printed as
#                            "PVX-QMP: COMMAND ARGS" lines: the harness
#                            (or on kvm the L1) carries them out.
#   pvblk-test.sh verify     vdb: the fio data of "all", after a reboot
#   pvblk-test.sh poll       vda: polled queues (pvblk.poll_queues=1)
#
# "all" ends with a suspend and resume with writers on vdb (pm_test
# "core": devices frozen, non-boot CPUs off, syscore suspend; no wake
# source needed; needs CONFIG_PM_DEBUG), run by $BLK_SUSPEND.
FIO_DISK=/dev/vdb
FIO_JOB="--name=pvblk --filename=$FIO_DISK --rw=randwrite --bs=4k --size=2M
--numjobs=4 --offset_increment=4M --ioengine=libaio --iodepth=4 --direct=1
--verify=crc32c --randseed=42 --group_reporting"

t() { # status name [why]
	if [ "$1" = 0 ]; then
		echo "PVX-T: ok $2"
	else
		echo "PVX-T: not ok $2${3:+ ($3)}"
	fi
}

drivers() {
	for d in vda vdb vdc vdd; do
		drv=$(basename "$(readlink "/sys/block/$d/device/driver")" 2>/dev/null)
		[ "$drv" = pvblk-virtio ] || { t 1 "disks are driven by pvblk" "$d: '$drv'"; return; }
	done
	t 0 "disks are driven by pvblk"
	n=$(ls /sys/block/vdb/mq | wc -l)
	[ "$n" -ge 2 ]; t $? "one hardware queue per virtqueue" "$n queues"
	s=$(cat /sys/block/vdb/serial)
	[ "$s" = pvx-disk1 ]; t $? "GET_ID gives the serial in sysfs" "'$s'"
}

stats() {
	r=$(cat /sys/block/vdb/pvblk/requests)
	e=$(cat /sys/block/vdb/pvblk/bad_completions)
	[ "$r" -gt 1000 ] && [ "$e" = 0 ]
	t $? "the core counts requests, no bad completions" "requests=$r bad=$e"
}

fs() {
	mkfs.ext4 -q -F /dev/vda >/dev/null 2>&1 &&
		mount /dev/vda /mnt &&
		dd if=/dev/urandom of=/mnt/data bs=1M count=8 status=none &&
		sum=$(md5sum < /mnt/data) && umount /mnt &&
		mount /dev/vda /mnt && [ "$(md5sum < /mnt/data)" = "$sum" ] &&
		umount /mnt
	t $? "mkfs.ext4, write, unmount, read back"
	out=$(fsck.ext4 -f -n /dev/vda 2>&1)
	t $? "fsck -f is clean" "$(echo "$out" | tail -n 1)"
}

cache() {
	a=/sys/block/vda/cache_type
	[ "$(cat $a)" = "write back" ] && echo "write through" > $a &&
		[ "$(cat /sys/block/vda/queue/write_cache)" = "write through" ] &&
		echo "write back" > $a &&
		[ "$(cat /sys/block/vda/queue/write_cache)" = "write back" ]
	t $? "cache_type switches write back and write through"
}

fio_write() {
	out=$(fio $FIO_JOB --do_verify=1 2>&1)
	rc=$?
	t $rc "fio randwrite verify=crc32c, 4 jobs" "$(echo "$out" | grep -E 'err=|verify' | head -n 2)"
	# Each virtqueue has its own interrupt: all of them must have fired.
	vdev=$(basename "$(readlink /sys/block/vdb/device)")
	busy=$(grep -E "$vdev-req\.[0-9]+" /proc/interrupts |
		awk '{ n = 0; for (i = 2; i <= NF; i++) if ($i ~ /^[0-9]+$/) n += $i; if (n) b++ } END { print b + 0 }')
	[ "$busy" -ge 2 ]; t $? "I/O completed on more than one queue" "$busy queues with interrupts"
	sync
	blockdev --flushbufs $FIO_DISK
	t $? "flush"
}

# Suspend and resume with writers on vdb: pvblk's freeze waits for what
# the device holds and quiesces the queues across the device reset,
# restore brings the queues back; nothing written may be lost. Runs last:
# the root is the machine's over virtio-9p, whose driver cannot be frozen,
# so after the resume it is gone and what follows runs from tmpfs
# (blk-suspend, static, and busybox).
suspend() {
	name="suspend and resume: pvblk's PM callbacks return 0"
	if [ ! -w /sys/power/pm_test ] || ! grep -qw mem /sys/power/state; then
		t 1 "$name" "no pm_test or no mem state: $(cat /sys/power/state)"
		return
	fi
	grep -qw deep /sys/power/mem_sleep 2>/dev/null && echo deep > /sys/power/mem_sleep
	d=/tmp/suspend
	mkdir -p $d/bin && cp "$BLK_SUSPEND" /bin/busybox $d/ &&
		$d/busybox --install -s $d/bin || { t 1 "$name" "cannot copy the tools to tmpfs"; return; }
	pci=$(basename "$(readlink -f /sys/block/vdb/device/..)")
	echo 1 > /sys/power/pm_print_times
	cat > $d/run.sh <<-EOF
	export PATH=$d/bin
	$d/blk-suspend /dev/vdb 24 16
	echo 0 > /sys/power/pm_print_times
	log=\$(dmesg | grep -E "$pci: .*pci_pm_(suspend|resume)[+0-9a-fx/]* returned")
	echo "\$log"
	if echo "\$log" | grep -q 'pci_pm_suspend returned 0 ' &&
	   echo "\$log" | grep -q 'pci_pm_resume returned 0 '; then
		echo "PVX-T: ok $name"
	else
		echo "PVX-T: not ok $name ($pci: \$(echo "\$log" | grep -c .) callbacks logged)"
	fi
	EOF
	exec $d/busybox sh $d/run.sh
}

discard() {
	d=/dev/vdc
	dd if=/dev/urandom of=$d bs=1M count=10 oflag=direct status=none
	blkdiscard -o 0 -l 4M $d
	t $? "blkdiscard: DISCARD is accepted"
	fallocate --punch-hole -o 4M -l 4M $d
	t $? "fallocate --punch-hole: WRITE_ZEROES with unmap is accepted"
	blkdiscard -z -o 9M -l 1M $d
	t $? "blkdiscard -z: WRITE_ZEROES without unmap is accepted"
	echo 3 > /proc/sys/vm/drop_caches
	cmp -n $((8 << 20)) $d /dev/zero >/dev/null 2>&1 &&
		dd if=$d bs=1M skip=9 count=1 status=none | cmp -n $((1 << 20)) - /dev/zero >/dev/null 2>&1
	t $? "discarded and zeroed ranges read back as zeroes"
	! dd if=$d bs=1M skip=8 count=1 status=none | cmp -n $((1 << 20)) - /dev/zero >/dev/null 2>&1
	t $? "the range in between keeps its data"
}

readonly_disk() {
	[ "$(blockdev --getro /dev/vdd)" = 1 ]
	t $? "the readonly=on disk is read-only"
	if dd if=/dev/zero of=/dev/vdd bs=4k count=1 oflag=direct status=none 2>/dev/null; then
		t 1 "writes to the read-only disk are rejected"
	else
		t 0 "writes to the read-only disk are rejected"
	fi
}

resize() {
	old=$(cat /sys/block/vda/size)
	rm -f /tmp/uevent-ready
	python3 - <<'EOF' &
import socket, sys, time
s = socket.socket(socket.AF_NETLINK, socket.SOCK_DGRAM, 15)
s.bind((0, 1))
s.settimeout(90)
open("/tmp/uevent-ready", "w").close()
end = time.time() + 90
while time.time() < end:
    msg = s.recv(8192).split(b"\0")
    if b"DEVNAME=vda" in msg and b"RESIZE=1" in msg:
        sys.exit(0)
sys.exit(1)
EOF
	py=$!
	i=0
	while [ ! -e /tmp/uevent-ready ] && [ $i -lt 30 ]; do
		sleep 1
		i=$((i + 1))
	done
	echo 'PVX-QMP: block_resize {"device": "disk0", "size": 134217728}'
	i=0
	while [ "$(cat /sys/block/vda/size)" = "$old" ] && [ $i -lt 90 ]; do
		sleep 1
		i=$((i + 1))
	done
	new=$(cat /sys/block/vda/size)
	[ "$new" = 262144 ]; t $? "QMP block_resize is seen as the new size" "$old -> $new"
	wait $py
	t $? "the new size reaches user space as a uevent with RESIZE=1"
}

unplug() {
	fio --name=unplug --filename=/dev/vda --rw=randrw --bs=4k --ioengine=libaio \
		--iodepth=16 --direct=1 --time_based --runtime=120 > /tmp/fio-unplug 2>&1 &
	fio=$!
	sleep 3
	echo 'PVX-QMP: device_del {"id": "vdisk0"}'
	i=0
	while kill -0 $fio 2>/dev/null && [ $i -lt 100 ]; do
		sleep 1
		i=$((i + 1))
	done
	if kill -0 $fio 2>/dev/null; then
		t 1 "device_del during fio ends fio with errors, not a hang" "fio still running"
		kill -9 $fio
		return
	fi
	wait $fio
	rc=$?
	[ $rc != 0 ] && [ ! -e /sys/block/vda ]
	t $? "device_del during fio ends fio with errors, not a hang" "fio rc=$rc after ${i}s"
}

poll() {
	[ "$(cat /sys/block/vda/queue/io_poll)" = 1 ]
	t $? "the disk offers polled I/O (queue/io_poll)"
	n=$(ls /sys/block/vda/mq | wc -l)
	vdev=$(basename "$(readlink /sys/block/vda/device)")
	irqs=$(grep -cE "$vdev-req\.[0-9]+" /proc/interrupts)
	[ "$n" = 3 ] && [ "$irqs" = 2 ]
	t $? "a poll queue without interrupt beside two with" "$n queues, $irqs with interrupts"
	irqsum() {
		grep -E "$vdev-req\.[0-9]+" /proc/interrupts |
			awk '{ for (i = 2; i <= NF; i++) if ($i ~ /^[0-9]+$/) n += $i } END { print n + 0 }'
	}
	i0=$(irqsum)
	r0=$(cat /sys/block/vda/pvblk/requests)
	out=$(fio --name=poll --filename=/dev/vda --rw=randrw --bs=4k --size=8M \
		--ioengine=io_uring --hipri=1 --iodepth=8 --direct=1 \
		--verify=crc32c 2>&1)
	t $? "fio io_uring IOPOLL (--hipri) with verify" "$(echo "$out" | grep -E 'err=|verify' | head -n 2)"
	r1=$(cat /sys/block/vda/pvblk/requests)
	i1=$(irqsum)
	# Completed by polling: hardly an interrupt for thousands of I/Os.
	[ $((r1 - r0)) -ge 2048 ] && [ $(((i1 - i0) * 10)) -lt $((r1 - r0)) ]
	t $? "polled requests complete without interrupts" "$((r1 - r0)) requests, $((i1 - i0)) interrupts"
}

case "$1" in
poll)
	poll
	;;
all)
	drivers
	fs
	cache
	fio_write
	stats
	discard
	readonly_disk
	if [ "$2" = qmp ]; then
		resize
		unplug
	fi
	suspend
	;;
verify)
	out=$(fio $FIO_JOB --verify_only 2>&1)
	t $? "fio data verifies after a reboot" "$(echo "$out" | grep -E 'err=|verify' | head -n 2)"
	;;
*)
	echo "usage: $0 all [qmp] | verify | poll" >&2
	exit 2
	;;
esac
exit 0
