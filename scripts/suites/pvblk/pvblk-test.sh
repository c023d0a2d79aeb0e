#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# pvblk tests inside the guest, chrooted into the machine's root (fio,
# e2fsprogs, util-linux, python3 from its Debian packages).
#
#   pvblk-test.sh all [qmp]  vda scratch (mkfs, cache mode, resize and
#                            unplug with qmp), vdb fio data, vdc discard,
#                            vdd read-only. QMP requests are printed as
#                            "PVX-QMP: COMMAND ARGS" lines: the harness
#                            (or on kvm the L1) carries them out.
#   pvblk-test.sh verify     vdb: the fio data of "all", after a reboot
#   pvblk-test.sh poll       vda: polled queues (pvblk.poll_queues=1)
#   pvblk-test.sh suspend    vdb: only the suspend and resume that ends
#                            "all"
#
# "all" ends with a suspend and resume with writers on vdb (pm_test
# "core": devices frozen, non-boot CPUs off, syscore suspend; no wake
# source needed; needs CONFIG_PM_DEBUG), run by $BLK_SUSPEND.
#
# Environment: KTAP_HELPERS, the kernel's
# tools/testing/selftests/kselftest/ktap_helpers.sh; BLK_SUSPEND ("all",
# "suspend"),
# blk-suspend, static.
#
# Prints KTAP with ktap_helpers.sh, one result per entry of the mode's
# suite below; a failure's reason is the "# " line right before its
# result.
FIO_DISK=/dev/vdb
FIO_JOB="--name=pvblk --filename=$FIO_DISK --rw=randwrite --bs=4k --size=2M
--numjobs=4 --offset_increment=4M --ioengine=libaio --iodepth=4 --direct=1
--verify=crc32c --randseed=42 --group_reporting"
DISCARD_DISK=/dev/vdc
# The random data written to DISCARD_DISK, to compare with.
DISCARD_DATA=/tmp/pvblk-discard.data
td=/tmp/suspend

ktap_lib=$(dirname "$0")/../ktap-lib.sh
# shellcheck source=scripts/suites/ktap-lib.sh
. "$ktap_lib"

t_drivers() {
	for d in vda vdb vdc vdd; do
		drv=$(basename "$(readlink "/sys/block/$d/device/driver")" 2>/dev/null)
		[ "$drv" = pvblk-virtio ] || nok "$d: '$drv'" || return
	done
}

t_queues() {
	# shellcheck disable=SC2012 # sysfs names
	n=$(ls /sys/block/vdb/mq | wc -l)
	[ "$n" -ge 2 ] || nok "$n queues"
}

t_serial() {
	s=$(cat /sys/block/vdb/serial)
	[ "$s" = pvx-disk1 ] || nok "'$s'"
}

t_stats() {
	r=$(cat /sys/block/vdb/pvblk/requests)
	e=$(cat /sys/block/vdb/pvblk/bad_completions)
	{ [ "$r" -gt 1000 ] && [ "$e" = 0 ]; } || nok "requests=$r bad=$e"
}

t_fs() {
	mkfs.ext4 -q -F /dev/vda > /tmp/mkfs.out 2>&1 ||
		nok "mkfs.ext4: $(tail -n 2 /tmp/mkfs.out)" || return
	{ mount /dev/vda /mnt &&
		dd if=/dev/urandom of=/mnt/data bs=1M count=8 status=none &&
		sum=$(md5sum < /mnt/data) && umount /mnt; } ||
		nok "mount, write or unmount failed" || return
	{ mount /dev/vda /mnt && [ "$(md5sum < /mnt/data)" = "$sum" ] &&
		umount /mnt; } || nok "the data read back differs"
}

t_fsck() {
	out=$(fsck.ext4 -f -n /dev/vda 2>&1) || nok "$(echo "$out" | tail -n 1)"
}

t_cache() {
	a=/sys/block/vda/cache_type
	{ [ "$(cat $a)" = "write back" ] && echo "write through" > $a &&
		[ "$(cat /sys/block/vda/queue/write_cache)" = "write through" ] &&
		echo "write back" > $a &&
		[ "$(cat /sys/block/vda/queue/write_cache)" = "write back" ]; } ||
		nok "cache_type $(cat $a), queue/write_cache $(cat /sys/block/vda/queue/write_cache)"
}

t_fio_write() {
	# shellcheck disable=SC2086 # FIO_JOB: one argument a word
	out=$(fio $FIO_JOB --do_verify=1 2>&1) ||
		nok "$(echo "$out" | grep -E 'err=|verify' | head -n 2)"
}

# Each virtqueue has its own interrupt: all of them must have fired.
t_fio_queues() {
	vdev=$(basename "$(readlink /sys/block/vdb/device)")
	busy=$(grep -E "$vdev-req\.[0-9]+" /proc/interrupts |
		awk '{ n = 0; for (i = 2; i <= NF; i++) if ($i ~ /^[0-9]+$/) n += $i; if (n) b++ } END { print b + 0 }')
	[ "$busy" -ge 2 ] || nok "$busy queues with interrupts"
}

# The flush requests vdb completed: field 16 of its stat (17 fields).
flushes() {
	# shellcheck disable=SC2046 # the fields
	set -- $(cat /sys/block/vdb/stat)
	[ $# = 17 ] || { echo "$# fields in /sys/block/vdb/stat, not 17"; return 1; }
	echo "${16}"
}

# vdb offers a write-back cache: a write and an fsync of the device make
# the block layer send the device a flush. The block written, at 3M, is
# none of fio's (2M at 0, 4M, 8M and 12M).
# QEMU's own count of the flushes the device got, before and after, is
# asked for on its monitor (PVX-QMP: the harness serves the request and
# compares flush_operations of vdb's drive, disk1, in NAME.qmp.log); the
# sleeps let it answer before the guest goes on (on kvm L1, emulated,
# starts the client: longer). Answered late, the first count would
# include the flush and the check would fail, never pass wrongly.
t_flush() {
	qmp_wait=3
	[ "$(cat /sys/kernel/pvx/backend 2>/dev/null)" = kvm ] && qmp_wait=15
	f0=$(flushes) || nok "$f0" || return
	cache=$(cat /sys/block/vdb/cache_type)
	echo 'PVX-QMP: query-blockstats'
	sleep $qmp_wait
	out=$(dd if=/dev/zero of=$FIO_DISK bs=4k count=1 seek=768 oflag=direct \
		conv=fsync status=none 2>&1) || nok "dd: $out" || return
	echo 'PVX-QMP: query-blockstats'
	sleep $qmp_wait
	f1=$(flushes) || nok "$f1" || return
	ktap_print_msg "cache_type $cache, flushes completed $f0 before, $f1 after"
	[ "$f1" -gt "$f0" ] || nok "no flush reached the device"
}

# vdc: 10M of random data (kept in DISCARD_DATA), then a discard of
# 0..4M, write-zeroes with unmap of 4M..8M and without of 9M..10M.
t_discard() {
	rm -f $DISCARD_DATA
	{ dd if=/dev/urandom of=$DISCARD_DATA bs=1M count=10 status=none &&
		dd if=$DISCARD_DATA of=$DISCARD_DISK bs=1M oflag=direct status=none; } ||
		nok "cannot write random data to $DISCARD_DISK" || return
	out=$(blkdiscard -o 0 -l 4M $DISCARD_DISK 2>&1) || nok "$out"
}

t_punch_hole() {
	out=$(fallocate --punch-hole -o 4M -l 4M $DISCARD_DISK 2>&1) || nok "$out"
}

t_zeroes() {
	out=$(blkdiscard -z -o 9M -l 1M $DISCARD_DISK 2>&1) || nok "$out"
}

t_zeroes_read() {
	echo 3 > /proc/sys/vm/drop_caches
	out=$(cmp -n $((8 << 20)) $DISCARD_DISK /dev/zero 2>&1) ||
		nok "0..8M: $out" || return
	out=$(cmp -i $((9 << 20)):0 -n $((1 << 20)) $DISCARD_DISK /dev/zero 2>&1) ||
		nok "9M..10M: $out"
}

# Byte for byte: a read error fails too.
t_kept() {
	echo 3 > /proc/sys/vm/drop_caches
	out=$(cmp -i $((8 << 20)):$((8 << 20)) -n $((1 << 20)) \
		$DISCARD_DISK $DISCARD_DATA 2>&1) || nok "8M..9M: $out"
}

t_ro() {
	ro=$(blockdev --getro /dev/vdd)
	[ "$ro" = 1 ] || nok "blockdev --getro: '$ro'"
}

t_ro_write() {
	if dd if=/dev/zero of=/dev/vdd bs=4k count=1 oflag=direct status=none 2>/dev/null; then
		nok "a write went through"
	fi
}

t_resize() {
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
	uevent=$!
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
	[ "$new" = 262144 ] || nok "$old -> $new"
}

# The listener t_resize started.
t_resize_uevent() {
	wait "$uevent" || nok "no uevent with DEVNAME=vda and RESIZE=1"
}

# Opens /dev/$1 (O_DIRECT) and holds the fd until the disk is gone (100 s
# at most); then HDIO_GETGEO on that fd must fail with ENXIO and a read
# must not return data. The disk (gendisk) outlives its device while the
# fd is open: what it reaches must still be there. Started in the
# background; held_fd_check DISK waits for its verdict.
held_fd_start() { # disk
	rm -f "/tmp/held-$1.ready"
	python3 - "$1" > "/tmp/held-$1.out" 2>&1 <<'EOF' &
import errno, fcntl, mmap, os, sys, time
dev = sys.argv[1]
fd = os.open("/dev/" + dev, os.O_RDONLY | os.O_DIRECT)
open("/tmp/held-%s.ready" % dev, "w").close()
end = time.time() + 100
while os.path.exists("/sys/block/" + dev) and time.time() < end:
    time.sleep(0.2)
if os.path.exists("/sys/block/" + dev):
    print("the disk is still there")
    sys.exit(1)
rc = 0
try:
    fcntl.ioctl(fd, 0x0301, bytes(16))  # HDIO_GETGEO
    print("HDIO_GETGEO on the held fd succeeded")
    rc = 1
except OSError as e:
    print("HDIO_GETGEO on the held fd:", errno.errorcode.get(e.errno, e.errno))
    rc = 0 if e.errno == errno.ENXIO else 1
try:
    n = os.preadv(fd, [mmap.mmap(-1, 4096)], 0)
    print("a read on the held fd returned", n)
    rc = rc or int(n > 0)
except OSError as e:
    print("a read on the held fd:", errno.errorcode.get(e.errno, e.errno))
os.close(fd)
sys.exit(rc)
EOF
	held=$!
	i=0
	while [ ! -e "/tmp/held-$1.ready" ] && kill -0 "$held" 2>/dev/null && [ $i -lt 60 ]; do
		sleep 0.5
		i=$((i + 1))
	done
	[ -e "/tmp/held-$1.ready" ]
}

held_fd_check() { # disk
	wait "$held"
	rc=$?
	sed 's/^/# /' "/tmp/held-$1.out"
	[ $rc = 0 ] || nok "$(tail -n 1 "/tmp/held-$1.out")"
}

# fio on /dev/$1 in the background, until the disk goes away: the caller
# removes it, then fio_wait_gone waits (100 s at most).
fio_until_gone() { # disk rw
	fio --name=unplug --filename="/dev/$1" --rw="$2" --bs=4k --ioengine=libaio \
		--iodepth=16 --direct=1 --time_based --runtime=120 > "/tmp/fio-$1" 2>&1 &
	fio_pid=$!
	sleep 3
}

# A process that is there, not a zombie.
alive() { # pid
	[ -r "/proc/$1/stat" ] && [ "$(cut -d' ' -f3 "/proc/$1/stat")" != Z ]
}

# fio on the removed DISK ends with an error, or runs on at the dead
# disk's end (fio_eof); then the removal itself must end: the PCI
# function PCI gone and, where the guest removes it, its remover
# REMOVER (a process) done, within 60 s.
fio_wait_gone() { # disk pci [remover]
	i=0 gone=
	while alive "$fio_pid" && [ $i -lt 100 ]; do
		# fio still running 10 s after the disk went: see what its
		# reads get (fio_eof).
		if [ ! -e "/sys/block/$1" ]; then
			gone=${gone:-$i}
			[ $((i - gone)) -lt 10 ] || break
		fi
		sleep 1
		i=$((i + 1))
	done
	if alive "$fio_pid"; then
		fio_eof "$1" $i || return
	else
		wait "$fio_pid"
		rc=$?
		{ [ $rc != 0 ] && [ ! -e "/sys/block/$1" ]; } ||
			nok "fio rc=$rc after ${i}s" || return
	fi
	i=0
	while { [ -e "/sys/bus/pci/devices/$2" ] || { [ -n "${3:-}" ] && alive "$3"; }; } &&
			[ $i -lt 60 ]; do
		sleep 1
		i=$((i + 1))
	done
	[ ! -e "/sys/bus/pci/devices/$2" ] ||
		nok "PCI function $2 still there 60 s after fio ended" || return
	[ -z "${3:-}" ] || ! alive "$3" ||
		nok "the remover still runs 60 s after fio ended, in $(cat "/proc/$3/wchan" 2>/dev/null)"
}

# fio still running I seconds after the removal of DISK began: a disk
# marked dead has capacity 0 (the block core's __blk_mark_disk_dead(),
# virtio_blk's disks alike), so a read that starts after that finds the
# end of the device and completes with 0 bytes, which fio counts as a
# short read before it issues the next, until its runtime ends; only
# reads that raced the removal fail (a write there gets ENOSPC and ends
# fio). That is no hang where the disk is gone, every completion fio
# reaps (io_getevents, traced 2 s) carries res=0, and every fio process
# is gone 5 s after a SIGKILL (exit_aio() waits, in D, for every read in
# flight: a request the driver lost keeps it). A disk still there, a job
# in D, a read that returns data or a job that does not exit fails.
fio_eof() { # disk seconds
	jobs=$(pgrep -P "$fio_pid" fio)
	st=
	for p in $jobs; do
		st=$st$(cut -d' ' -f3 "/proc/$p/stat" 2>/dev/null)
	done
	tr=$(for p in $jobs; do timeout 2 strace -qq -e trace=io_getevents -p "$p" 2>&1; done)
	kill -9 $jobs "$fio_pid" 2>/dev/null
	wait "$fio_pid" 2>/dev/null
	k=0
	for p in $jobs; do
		while alive "$p" && [ $k -lt 5 ]; do
			sleep 1
			k=$((k + 1))
		done
	done
	left=
	for p in $jobs; do
		! alive "$p" || left="$left $p in $(cat "/proc/$p/wchan" 2>/dev/null)"
	done
	got=$(echo "$tr" | grep -c 'res=0,')
	data=$(echo "$tr" | grep -E 'res=[1-9]' | head -n 1)
	if [ -e "/sys/block/$1" ]; then
		nok "fio still running after ${2}s, /dev/$1 still there"
	elif [ -z "$jobs" ] || [ "${st#*D}" != "$st" ]; then
		nok "fio still running after ${2}s, its job '${jobs:-none}' in state '$st'"
	elif [ -n "$data" ] || [ "$got" = 0 ]; then
		nok "fio still running after ${2}s, its reads not at the end of a dead disk: $(echo "$tr" | tail -n 1 | cut -c1-160)"
	elif [ -n "$left" ]; then
		nok "fio's job did not exit 5 s after SIGKILL:$left"
	else
		ktap_print_msg "fio ran on ${2}s after the removal began: $got io_getevents in 2 s, every read reaped with 0 bytes (the dead disk's end), none with data; killed, gone"
	fi
}

t_unplug() {
	held_fd_start vda || nok "cannot hold /dev/vda open" || return
	fio_until_gone vda randrw
	pci=$(basename "$(readlink -f /sys/block/vda/device/..)")
	echo 'PVX-QMP: device_del {"id": "vdisk0"}'
	fio_wait_gone vda "$pci"
}

t_unplug_fd() {
	held_fd_check vda
}

# Removal from the guest's side: the PCI function goes and the driver
# unbinds while fio runs and an fd is held.
t_guest_remove() {
	pci=$(basename "$(readlink -f /sys/block/vdd/device/..)")
	[ -e "/sys/bus/pci/devices/$pci/remove" ] ||
		nok "no PCI device for vdd: '$pci'" || return
	held_fd_start vdd || nok "cannot hold /dev/vdd open" || return
	fio_until_gone vdd randread
	echo 1 > "/sys/bus/pci/devices/$pci/remove" &
	fio_wait_gone vdd "$pci" $!
}

t_guest_remove_fd() {
	held_fd_check vdd
}

t_verify() {
	# shellcheck disable=SC2086 # FIO_JOB: one argument a word
	out=$(fio $FIO_JOB --verify_only 2>&1) ||
		nok "$(echo "$out" | grep -E 'err=|verify' | head -n 2)"
}

t_io_poll() {
	p=$(cat /sys/block/vda/queue/io_poll)
	[ "$p" = 1 ] || nok "queue/io_poll '$p'"
}

poll_vdev() { basename "$(readlink /sys/block/vda/device)"; }

irqsum() {
	grep -E "$(poll_vdev)-req\.[0-9]+" /proc/interrupts |
		awk '{ for (i = 2; i <= NF; i++) if ($i ~ /^[0-9]+$/) n += $i } END { print n + 0 }'
}

t_poll_queues() {
	# shellcheck disable=SC2012 # sysfs names
	n=$(ls /sys/block/vda/mq | wc -l)
	irqs=$(grep -cE "$(poll_vdev)-req\.[0-9]+" /proc/interrupts)
	{ [ "$n" = 3 ] && [ "$irqs" = 2 ]; } || nok "$n queues, $irqs with interrupts"
}

t_poll_fio() {
	i0=$(irqsum)
	r0=$(cat /sys/block/vda/pvblk/requests)
	out=$(fio --name=poll --filename=/dev/vda --rw=randrw --bs=4k --size=8M \
		--ioengine=io_uring --hipri=1 --iodepth=8 --direct=1 \
		--verify=crc32c 2>&1)
	rc=$?
	r1=$(cat /sys/block/vda/pvblk/requests)
	i1=$(irqsum)
	[ $rc = 0 ] || nok "$(echo "$out" | grep -E 'err=|verify' | head -n 2)"
}

# Completed by polling (t_poll_fio): hardly an interrupt for thousands of
# I/Os.
t_poll_irqs() {
	{ [ $((r1 - r0)) -ge 2048 ] && [ $(((i1 - i0) * 10)) -lt $((r1 - r0)) ]; } ||
		nok "$((r1 - r0)) requests, $((i1 - i0)) interrupts"
}

# The tests of each mode, in order: "$1 DESCRIPTION FUNCTION [ARGUMENT...]"
# for each run now, "$2 DESCRIPTION FUNCTION" for each run from tmpfs
# after the resume (the last ones, see run_deferred). The plan counts
# them all (count); then run runs the first ones and defer keeps the
# others for run_deferred: one result per entry, whatever the outcome.
suite_all() { # count|run count|defer
	$1 "disks are driven by pvblk" t_drivers
	$1 "one hardware queue per virtqueue" t_queues
	$1 "GET_ID gives the serial in sysfs" t_serial
	$1 "mkfs.ext4, write, unmount, read back" t_fs
	$1 "fsck -f is clean" t_fsck
	$1 "cache_type switches write back and write through" t_cache
	$1 "fio randwrite verify=crc32c, 4 jobs" t_fio_write
	$1 "I/O completed on more than one queue" t_fio_queues
	$1 "flush: a write and fsync on the write-back disk complete a flush request" t_flush
	$1 "the core counts requests, no bad completions" t_stats
	$1 "blkdiscard: DISCARD is accepted" t_discard
	$1 "fallocate --punch-hole: WRITE_ZEROES with unmap is accepted" t_punch_hole
	$1 "blkdiscard -z: WRITE_ZEROES without unmap is accepted" t_zeroes
	$1 "discarded and zeroed ranges read back as zeroes" t_zeroes_read
	$1 "the range in between keeps its data" t_kept
	$1 "the readonly=on disk is read-only" t_ro
	$1 "writes to the read-only disk are rejected" t_ro_write
	$1 "PCI remove from the guest during fio: no hang, fio fails or reads the dead disk's end" t_guest_remove
	$1 "an fd held across that removal: HDIO_GETGEO fails with ENXIO, no read returns data" t_guest_remove_fd
	if [ "$qmp" = qmp ]; then
		$1 "QMP block_resize is seen as the new size" t_resize
		$1 "the new size reaches user space as a uevent with RESIZE=1" t_resize_uevent
		$1 "device_del during fio: no hang, fio fails or reads the dead disk's end" t_unplug
		$1 "an fd held across device_del: HDIO_GETGEO fails with ENXIO, no read returns data" t_unplug_fd
	fi
	suite_suspend "$1" "$2"
}

# blk-suspend's own tests (its "PVX-T:" lines), then pvblk's PM callbacks;
# the end of "all", and alone to chase a suspend problem.
suite_suspend() { # count|run count|defer
	$2 "suspend and resume (pm_test core) with writers on the disk" t_blk_suspend
	$2 "writes go on after the resume, none fails" t_blk_suspend
	$2 "page cache left dirty across the suspend is written after it" t_blk_suspend
	$2 "every block written reads back as last written" t_blk_suspend
	$2 "suspend and resume: pvblk's PM callbacks return 0" t_pm_callbacks
}

suite_verify() { # count|run count|defer
	$1 "fio data verifies after a reboot" t_verify
}

suite_poll() { # count|run count|defer
	$1 "the disk offers polled I/O (queue/io_poll)" t_io_poll
	$1 "a poll queue without interrupt beside two with" t_poll_queues
	$1 "fio io_uring IOPOLL (--hipri) with verify" t_poll_fio
	$1 "polled requests complete without interrupts" t_poll_irqs
}


# Suspend and resume with writers on vdb: pvblk's freeze waits for what
# the device holds and quiesces the queues across the device reset,
# restore brings the queues back; nothing written may be lost. Runs last:
# the root is the machine's over virtio-9p, whose driver cannot be frozen,
# so after the resume it is gone and what follows runs from tmpfs
# (blk-suspend, static, busybox and ktap_helpers.sh): $td/run.sh, which
# reports the deferred tests. Where that cannot be, they fail here.
run_deferred() {
	why=
	if [ ! -w /sys/power/pm_test ] || ! grep -qw mem /sys/power/state; then
		why="no pm_test or no mem state: $(cat /sys/power/state)"
	elif ! { mkdir -p $td/bin && cp "$BLK_SUSPEND" /bin/busybox $td/ &&
		$td/busybox --install -s $td/bin; }; then
		why="cannot copy the tools to tmpfs ($td)"
	fi
	if [ -n "$why" ]; then
		ktap_fail_deferred "$why"
		return
	fi
	grep -qw deep /sys/power/mem_sleep 2>/dev/null && echo deep > /sys/power/mem_sleep
	pci=$(basename "$(readlink -f /sys/block/vdb/device/..)")
	echo 1 > /sys/power/pm_print_times
	# A new shell: the results go on from where this one is.
	{
		cat <<-EOF
		td=$td pci=$pci
		EOF
		ktap_carry $td
		cat <<-'EOF'
		export PATH=$td/bin
		# The 9p root's cached files let go while 9p still answers:
		# their release after the resume would wait on it for good.
		echo 2 > /proc/sys/vm/drop_caches
		# Its progress (stderr) straight to the console.
		$td/blk-suspend /dev/vdb 24 16 > $td/blk-suspend.out
		rc=$?
		echo 0 > /sys/power/pm_print_times
		sed 's/^/# /' $td/blk-suspend.out

		# DESCRIPTION: blk-suspend's result for it, from its
		# "PVX-T: ok NAME" / "PVX-T: not ok NAME (why)" lines.
		t_blk_suspend() {
			grep -qxF "PVX-T: ok $1" $td/blk-suspend.out && return
			line=$(grep -F "PVX-T: not ok $1 (" $td/blk-suspend.out | head -n 1)
			if [ -n "$line" ]; then
				nok "${line#"PVX-T: not ok $1 "}"
			else
				nok "blk-suspend (rc=$rc) reported nothing for it"
			fi
		}

		t_pm_callbacks() {
			log=$(dmesg | grep -E "$pci: .*pci_pm_(suspend|resume)[+0-9a-fx/]* returned")
			[ -z "$log" ] || echo "$log" | sed 's/^/# /'
			{ echo "$log" | grep -q 'pci_pm_suspend returned 0 ' &&
				echo "$log" | grep -q 'pci_pm_resume returned 0 '; } ||
				nok "$pci: $(echo "$log" | grep -c .) callbacks logged"
		}

		ktap_run_deferred $td
		ktap_finished
		EOF
	} > $td/run.sh
	exec $td/busybox sh $td/run.sh
}

mode=${1:-} qmp=${2:-}
ktap_print_header
case $mode:$qmp in
all: | all:qmp | verify: | poll: | suspend:) ;;
*) ktap_exit_fail_msg "usage: pvblk-test.sh all [qmp] | verify | poll | suspend" ;;
esac
"suite_$mode" count count
ktap_set_plan "$plan"
"suite_$mode" run defer
[ -z "$deferred" ] || run_deferred
ktap_finished
