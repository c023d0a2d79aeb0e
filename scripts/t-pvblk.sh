# SPDX-License-Identifier: GPL-2.0
# pvblk tests of make check, sourced by check.sh (uses its result()).
#
#   pvblk_suite PLATFORM [qmp]
#
# Boots PLATFORM with four virtio-blk disks (2 queues each) made for the
# test: vda scratch, vdb fio data, vdc discard (on kvm passed through L1
# as a block device, so that discards reach the image), vdd read-only. Runs
# scripts/guest/pvblk-test.sh in the guest, checks on this machine that
# holes were punched in the discard image, then boots again on the fio
# image and verifies its data. "qmp" adds block_resize and device_del
# through QEMU's monitor (on kvm, L2's monitor, served inside L1).

# Report the guest's "PVX-T: ok NAME" / "PVX-T: not ok NAME (why)" lines
# of FILE under NAME; the count goes to guest_tests.
guest_results() { # name file
	local st rest
	guest_tests=0
	while read -r st rest; do
		guest_tests=$((guest_tests + 1))
		if [ "$st" = ok ]; then
			result ok "$1: $rest"
		else
			result fail "$1: ${rest#ok }"
		fi
	done < <(sed -n 's/^PVX-T: //p' "$2" 2>/dev/null)
}

# Boot PLATFORM as NAME running pvblk-test.sh MODE (disks and kernel
# arguments from the caller's environment), then report the boot, every
# in-guest result, and that all WANT of them (the KIND tests) came back.
guest_workload() { # platform name mode want boot-label kind
	local rc=0
	# exec: after the suspend at the end of "all" the 9p root is gone, and
	# no process may be left to page in from it (see pvblk-test.sh).
	CMD="export BLK_SUSPEND=$(pvx_guest_tool blk-suspend -static); exec sh $PVX_ROOT/scripts/guest/pvblk-test.sh $3" \
		bash "$PVX_ROOT/scripts/boot.sh" "$1" "$2" \
		> "$RESULTS/$2.out" 2>&1 || rc=$?
	if [ "$rc" = 0 ]; then
		result ok "$2: $5"
	else
		result fail "$2: $5" \
			"rc=$rc; $(grep -A6 'boot FAILED' "$RESULTS/$2.out" | tr '\n' ' ' | cut -c1-400)"
	fi
	guest_results "$2" "$RESULTS/$2.cmd.log"
	if [ "$guest_tests" = "$4" ]; then
		result ok "$2: all $4 in-guest $6 tests reported"
	else
		result fail "$2: all $4 in-guest $6 tests reported" "$guest_tests reported"
	fi
}

pvblk_suite() {
	local p=$1 qmp=${2:-} name=pvblk-$1 rc=0 img

	local want=22
	[ "$qmp" = qmp ] && want=25
	DISK=64M,64M,16M:l1,8M:ro guest_workload "$p" "$name" "all $qmp" \
		"$want" "boots clean with pvblk disks, workload done" pvblk

	img=$RESULTS/$name-disk2.img
	if python3 "$PVX_ROOT/scripts/holes.py" "$img" hole 0 8 >> "$RESULTS/check.log" 2>&1 &&
		python3 "$PVX_ROOT/scripts/holes.py" "$img" data 8 9 >> "$RESULTS/check.log" 2>&1; then
		result ok "$name: discard and write-zeroes punched holes in the image"
	else
		result fail "$name: discard and write-zeroes punched holes in the image"
	fi

	rc=0
	DISK="16M,$RESULTS/$name-disk1.img" \
		CMD="sh $PVX_ROOT/scripts/guest/pvblk-test.sh verify" \
		bash "$PVX_ROOT/scripts/boot.sh" "$p" "$name-reboot" \
		> "$RESULTS/$name-reboot.out" 2>&1 || rc=$?
	if [ "$rc" = 0 ] && grep -q '^PVX-T: ok fio data verifies' "$RESULTS/$name-reboot.cmd.log"; then
		result ok "$name: fio data verifies after a reboot"
	else
		result fail "$name: fio data verifies after a reboot" \
			"rc=$rc; $(grep 'PVX-T' "$RESULTS/$name-reboot.cmd.log" 2>/dev/null | head -c 300)"
	fi
	rm -f "$RESULTS/$name"-disk*.img
}

# Polled queues: pvblk.poll_queues=1 on a 3-queue disk, io_uring IOPOLL.
pvblk_poll_suite() {
	local p=$1 name=pvblk-poll-$1
	APPEND=pvblk.poll_queues=1 DISK=32M DISK_QUEUES=3 \
		guest_workload "$p" "$name" poll 4 "boots clean, workload done" poll
	rm -f "$RESULTS/$name"-disk*.img
}
