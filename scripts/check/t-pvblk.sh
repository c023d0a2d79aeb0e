# SPDX-License-Identifier: GPL-2.0
# pvblk tests of make check, sourced by check.sh (uses its result() and
# t-guest.sh).
#
#   pvblk_suite PLATFORM [qmp]
#
# Boots PLATFORM with four virtio-blk disks (2 queues each) made for the
# test: vda scratch, vdb fio data, vdc discard (on kvm passed through L1
# as a block device, so that discards reach the image), vdd read-only. Runs
# scripts/suites/pvblk/pvblk-test.sh in the guest, checks on this machine that
# holes were punched in the discard image, then boots native on the fio
# image and verifies its data. "qmp" adds block_resize and device_del
# through QEMU's monitor (on kvm, L2's monitor, served inside L1).

# The pvblk workload in the guest. exec: after the suspend at the end of
# "all" the 9p root is gone, and no process may be left to page in from it
# (see pvblk-test.sh).
pvblk_cmd() { # mode
	printf 'export BLK_SUSPEND=%s; exec sh %s/scripts/suites/pvblk/pvblk-test.sh %s\n' \
		"$(pvx_guest_tool blk-suspend -static)" "$PVX_ROOT" "$1"
}

pvblk_suite() {
	local p=$1 qmp=${2:-} name=pvblk-$1 img

	# On native the console (a UART) stays on across the suspend at the
	# end: what the kernel warns of there is printed as it comes. Not
	# on kvm, whose console is hvc0, a virtio device: its own freeze
	# deletes the virtqueues it would print through. On kvm the
	# workload took 494 to more than 900 s (beside the first lane's
	# boots, on a slow evening): a hang is found by its silence
	# (KVM_QUIET), not by this limit.
	local limit=${TIMEOUT:-} append=no_console_suspend
	[ "$p" = kvm ] && limit=1500 append=
	TIMEOUT=$limit APPEND=$append DISK=64M,64M,16M:l1,8M:ro \
		guest_workload "$p" "$name" \
		"boots clean with pvblk disks, workload done" \
		"$(pvblk_cmd "all $qmp")" $KUNIT_BUILTIN

	# Nothing more where the boot did not run (the deadline).
	[ -f "$RESULTS/$name.verdict" ] || return 0
	# The flush test's two questions to QEMU: its count of flushes on
	# vdb's drive must have grown (the device's own account, not the
	# guest's).
	local flushes
	if flushes=$(python3 - "$RESULTS/$name.qmp.log" 2>&1 <<'EOF'
import json, sys
counts = []
for line in open(sys.argv[1], errors="replace"):
    if not line.startswith("{"):
        continue
    try:
        reply = json.loads(line).get("return")
    except ValueError:
        continue
    if isinstance(reply, list):
        counts += [d["stats"]["flush_operations"] for d in reply
                   if d.get("device") == "disk1"]
print("QEMU flush_operations on disk1:", counts)
sys.exit(0 if len(counts) >= 2 and max(counts) > min(counts) else 1)
EOF
	); then
		result ok "$name: the flush test's flush reached the device (QEMU's flush count of its drive grew)"
	else
		result fail "$name: the flush test's flush reached the device (QEMU's flush count of its drive grew)" \
			"$(printf '%s' "$flushes" | tail -n 1)"
	fi
	printf '%s: %s\n' "$name" "$flushes" >> "$RESULTS/check.log"
	img=$RESULTS/$name-disk2.img
	if python3 "$PVX_ROOT/scripts/check/holes.py" "$img" hole 0 8 >> "$RESULTS/check.log" 2>&1 &&
		python3 "$PVX_ROOT/scripts/check/holes.py" "$img" data 8 9 >> "$RESULTS/check.log" 2>&1; then
		result ok "$name: discard and write-zeroes punched holes in the image"
	else
		result fail "$name: discard and write-zeroes punched holes in the image"
	fi

	# The fio data of the first boot, verified by a second one, on
	# native whatever the first's platform: the question is what reached
	# the image (a file here, which L1 hands to L2 as it is), and a
	# nested boot takes three minutes more to answer it.
	DISK="16M,$RESULTS/$name-disk1.img" guest_workload native "$name-reboot" \
		"boots clean on the first boot's fio disk" \
		"sh $PVX_ROOT/scripts/suites/pvblk/pvblk-test.sh verify" $KUNIT_BUILTIN
	rm -f "$RESULTS/$name"-disk*.img "$RESULTS/$name"-reboot-disk*.img
}

# Polled queues: pvblk.poll_queues=1 on a 3-queue disk, io_uring IOPOLL.
pvblk_poll_suite() {
	local p=$1 name=pvblk-poll-$1
	APPEND=pvblk.poll_queues=1 DISK=32M DISK_QUEUES=3 \
		guest_workload "$p" "$name" "boots clean, workload done" "$(pvblk_cmd poll)" \
		$KUNIT_BUILTIN
	rm -f "$RESULTS/$name"-disk*.img
}
