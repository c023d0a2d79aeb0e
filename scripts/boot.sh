#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Boot the kernel under test on one platform and judge the boot.
#
#   boot.sh PLATFORM [NAME]
#
# PLATFORM  native  QEMU TCG, no hypervisor CPUID bit or leaves
#           kvm     real KVM, nested: Debian's 6.12 kernel as L1 under
#                   QEMU TCG (emulated SVM) runs the kernel as L2
#           xen     Xen 4.17 under QEMU TCG, the kernel as PV dom0
# NAME      log name in the results dir (default: PLATFORM)
#
# Environment: KERNEL (bzImage; default the test build), SMP (2), MEM
# (guest MiB, 512), APPEND (extra kernel arguments), CMD or SCRIPT (a
# workload run in the guest, chrooted into this machine's root shared
# read-only over virtio-9p), TIMEOUT (s), RESULTS (dir), DISK (disks:
# <size> for a scratch image, <path> for an image, ":ro" for read-only,
# ":l1" on kvm to pass it through L1 as a block device rather than a file
# on L1's 9p share, comma-separated; vda, vdb, ... in the guest),
# DISK_MODEL (virtio, ahci),
# DISK_QUEUES (virtio queues per disk, 2), HOOK (a host command run beside
# the guest with PVX_LOG and PVX_QMP, the QEMU monitor, in its env),
# KVM_ATTEMPTS (kvm: boots tried when the test bed dies, 8), KVM_QUIET
# (kvm: seconds without guest output that count as a stuck test bed, 300;
# 0 for never, for a workload that is quiet longer).
#
# Writes RESULTS/NAME.log (the guest's console; on xen with Xen's own
# lines). Exit status: the workload's if there is one, else 0; 90 if
# the boot itself failed (no init, timeout, panic, oops, WARN, BUG,
# lockdep, UBSAN, KFENCE or KASAN report), with the lines quoted.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

platform=${1:-}
name=${2:-$platform}
case "$platform" in
native | kvm | xen) ;;
"") die "no PLATFORM given (native, kvm or xen)" ;;
*) die "unknown PLATFORM '$platform' (native, kvm or xen)" ;;
esac

SMP=${SMP:-2}
MEM=${MEM:-512}
APPEND=${APPEND:-}
# GUEST=stock boots Debian's own 6.12 kernel instead: the baseline.
case "${GUEST:-pvx}" in
pvx) KERNEL=${KERNEL:-$PVX_CACHE/build/test/arch/x86/boot/bzImage} ;;
stock) KERNEL=${KERNEL:-$PVX_CACHE/l1/root/boot/vmlinuz-$(cat "$PVX_CACHE/l1/kver" 2>/dev/null)} ;;
*) die "GUEST=$GUEST: want pvx or stock" ;;
esac
RESULTS=${RESULTS:-$PVX_RESULTS/run-$(date +%Y%m%d-%H%M%S)}
case "$platform" in
native) TIMEOUT=${TIMEOUT:-600} ;;
*) TIMEOUT=${TIMEOUT:-900} ;;
esac

[[ "$SMP" =~ ^[1-9][0-9]?$ ]] || die "SMP=$SMP: want a vCPU count, 1-99"
[[ "$MEM" =~ ^[1-9][0-9]*$ ]] && [ "$MEM" -ge 128 ] && [ "$MEM" -le 16384 ] ||
	die "MEM=$MEM: want guest memory in MiB, 128-16384"
[[ "$TIMEOUT" =~ ^[1-9][0-9]*$ ]] || die "TIMEOUT=$TIMEOUT: want seconds"
[ -f "$KERNEL" ] || die "no kernel at $KERNEL (make build)"
[ -z "${CMD:-}" ] || [ -z "${SCRIPT:-}" ] || die "give CMD or SCRIPT, not both"
[ -z "${SCRIPT:-}" ] || [ -f "$SCRIPT" ] || die "SCRIPT=$SCRIPT: no such file"
command -v qemu-system-x86_64 >/dev/null ||
	die "qemu-system-x86_64 missing: run 'make deps'"
if [ "$platform" = xen ]; then
	[ -f /boot/xen-4.17-amd64.gz ] ||
		die "Xen 4.17 missing (/boot/xen-4.17-amd64.gz): run 'make deps'"
	# QEMU splits multiboot module strings on commas.
	case "$APPEND" in *,*) die "APPEND must not contain commas on xen (QEMU's multiboot splits on them)" ;; esac
fi

mkdir -p "$RESULTS"
log=$RESULTS/$name.log
work=$(mktemp -d "$PVX_CACHE/run.XXXXXX")
trap 'rm -rf "$work"' EXIT

bash "$PVX_ROOT/scripts/initramfs.sh" >&2
[ "$platform" = kvm ] && bash "$PVX_ROOT/scripts/initramfs.sh" l1 >&2
initrd=$work/initrd.gz
if [ -n "${BASE_INITRD:-}" ]; then
	[ -f "$BASE_INITRD" ] || die "BASE_INITRD=$BASE_INITRD: no such file"
	cp "$BASE_INITRD" "$initrd"
elif [ "${GUEST:-pvx}" = stock ]; then
	bash "$PVX_ROOT/scripts/initramfs.sh" stock >&2
	cp "$PVX_CACHE/initramfs/stock.cpio.gz" "$initrd"
else
	cp "$PVX_CACHE/initramfs/guest.cpio.gz" "$initrd"
fi
if [ -n "${CMD:-}${SCRIPT:-}" ]; then
	mkdir -p "$work/user/pvx"
	if [ -n "${CMD:-}" ]; then
		printf '%s\n' "$CMD" > "$work/user/pvx/user.sh"
	else
		cp "$SCRIPT" "$work/user/pvx/user.sh"
	fi
	(cd "$work/user" && find . | cpio -o -H newc --quiet -R 0:0 | gzip -1 -n) >> "$initrd"
fi

# Disks: DISK=<size>|<path>[:ro],... appear in order as vda, vdb, ...
diskargs=()
l1disks=()
scratch=()	# image size image size ...: made anew for every attempt
if [ -n "${DISK:-}" ]; then
	case "${DISK_MODEL:-virtio}" in
	virtio | ahci) ;;
	*) die "DISK_MODEL=${DISK_MODEL}: want virtio or ahci" ;;
	esac
	[[ "${DISK_QUEUES:-2}" =~ ^([1-9]|1[0-6])$ ]] ||
		die "DISK_QUEUES=$DISK_QUEUES: want 1-16 virtio queues per disk"
	if [ "${DISK_MODEL:-virtio}" = ahci ]; then
		diskargs+=(-device ahci,id=ahci0)
		[ "${GUEST:-pvx}" = stock ] ||
			stage "note: pvx's small guest config has no AHCI driver; GUEST=stock has" >&2
	fi
	n=0
	IFS=, read -r -a disks <<< "$DISK"
	for d in "${disks[@]}"; do
		ro=off
		viaL1=
		case "$d" in *:ro) ro=on; d=${d%:ro} ;; esac
		case "$d" in *:l1) viaL1=1; d=${d%:l1} ;; esac
		case "$d" in *:ro) ro=on; d=${d%:ro} ;; esac
		if [[ "$d" =~ ^[0-9]+[KMGT]?$ ]]; then
			img=$RESULTS/$name-disk$n.img
			scratch+=("$img" "$d")
		else
			[ -f "$d" ] || die "DISK: '$d' is neither a size (64M, 1G) nor an existing image"
			img=$(realpath "$d")
			# L1 sees only the results dir writable: other images
			# reach L2 as L1 block devices.
			case "$img" in "$(realpath "$RESULTS")"/*) ;; *) viaL1=1 ;; esac
		fi
		if [ "$platform" = kvm ] && [ -n "$viaL1" ]; then
			# ":l1": L0 gives the image to L1 as a virtio disk, L1's
			# QEMU gives that block device to the guest, so the
			# guest's DISCARD and WRITE_ZEROES reach the image on
			# this machine (over L1's 9p share they cannot). Heavy
			# I/O this way starves L1 under TCG (RCU stalls), so it
			# is for the disks that need it. l2.sh finds the L1 disk
			# by its serial.
			l1disks+=(-drive "file=$img,format=raw,if=none,id=l1disk$n,readonly=$ro,discard=unmap"
				  -device "virtio-blk-pci,drive=l1disk$n,serial=pvx-l1disk$n")
			img="\$(l1dev pvx-l1disk$n)"
		fi
		diskargs+=(-drive "file=$img,format=raw,if=none,id=disk$n,readonly=$ro,discard=unmap")
		if [ "${DISK_MODEL:-virtio}" = virtio ]; then
			diskargs+=(-device "virtio-blk-pci,drive=disk$n,num-queues=${DISK_QUEUES:-2},serial=pvx-disk$n,id=vdisk$n")
		else
			diskargs+=(-device "ide-hd,drive=disk$n,bus=ahci0.$n,serial=pvx-disk$n,id=vdisk$n")
		fi
		n=$((n + 1))
	done
fi
qmp=$RESULTS/$name.qmp

virtfs="-virtfs local,path=/,mount_tag=hostroot,security_model=none,readonly=on"
# On kvm L2's console is a virtio console: the 8250 UART costs L1 several
# exits per character, and the nested test bed dies the more often the
# more exits it serves (the boot log and KUnit are thousands of lines).
# Debian's kernel (GUEST=stock) has virtio_console as a module only.
console=ttyS0 l2con="-serial stdio"
if [ "$platform" = kvm ] && [ "${GUEST:-pvx}" = pvx ]; then
	console=hvc0
	l2con="-serial none -device virtio-serial-pci -chardev stdio,id=con0 -device virtconsole,chardev=con0"
fi
cmdline="console=$console panic=-1 $APPEND"
: > "$log"
case "$platform" in
native)
	# -hypervisor: the CPU says bare metal, as real hardware does.
	qemu=(qemu-system-x86_64 -accel tcg -cpu max,-hypervisor -smp "$SMP"
	      -m "$MEM" -display none -monitor none -no-reboot
	      -serial "file:$log" -kernel "$KERNEL" -initrd "$initrd"
	      -append "$cmdline" $virtfs -qmp "unix:$qmp,server=on,wait=off"
	      "${diskargs[@]}")
	;;
kvm)
	l1=$PVX_CACHE/l1
	[ -f "$l1/.done" ] || die "L1 kernel missing: run 'make deps'"
	# L1 copies of the kernel and initrd, reachable through 9p.
	# L2's console passes through L1's kvm-sampler.sh, which snapshots
	# L1's KVM counters for L2 at each "PVX-PHASE:" line the guest
	# prints, into NAME.kvm.csv, carries out its "PVX-QMP:" requests on
	# L2's monitor, and copies everything to ttyS1.
	cat > "$work/l2.sh" <<-EOF
	l1dev() {
		for b in /sys/block/vd*; do
			[ "\$(cat \$b/serial 2>/dev/null)" = "\$1" ] && echo /dev/\${b##*/}
		done
	}
	qemu-system-x86_64 -enable-kvm -cpu host -smp $SMP -m $MEM \\
	  -display none -monitor none -no-reboot $l2con \\
	  -d cpu_reset,guest_errors -D $RESULTS/$name.l2-qemu.log \\
	  -qmp unix:/run/pvx-l2.qmp,server=on,wait=off \\
	  -kernel $KERNEL -initrd $initrd -append '$cmdline' $virtfs \\
	  ${diskargs[*]} 2>&1 < /dev/null |
	  bash $PVX_ROOT/scripts/guest/kvm-sampler.sh $RESULTS/$name.kvm.csv > /dev/ttyS1
	echo "L1: L2 QEMU exit status \${PIPESTATUS[0]}"
	EOF
	mkdir -p "$work/l1"
	cp "$work/l2.sh" "$work/l1/l2.sh"
	cp "$PVX_CACHE/initramfs/l1.cpio.gz" "$work/l1.gz"
	(cd "$work/l1" && echo l2.sh | cpio -o -H newc --quiet -R 0:0 | gzip -1 -n) >> "$work/l1.gz"
	# L1 needs its own memory on top of L2's.
	qemu=(qemu-system-x86_64 -accel tcg -cpu max,-pku,-xsave -smp "$SMP"
	      -m $((MEM + 1536)) -display none -monitor none -no-reboot
	      -serial "file:$RESULTS/$name.l1.log" -serial "file:$log"
	      -kernel "$l1/root/boot/vmlinuz-$(cat "$l1/kver")"
	      -initrd "$work/l1.gz"
	      -append "console=ttyS0 panic=-1 loglevel=4 transparent_hugepage=never pvx.results=$RESULTS"
	      $virtfs -virtfs "local,path=$RESULTS,mount_tag=results,security_model=none"
	      "${l1disks[@]}")
	;;
xen)
	xen=$PVX_CACHE/xen-4.17
	if [ ! -s "$xen" ] || [ /boot/xen-4.17-amd64.gz -nt "$xen" ]; then
		zcat /boot/xen-4.17-amd64.gz > "$xen.tmp" && mv "$xen.tmp" "$xen"
	fi
	# SMAP/SMEP/PKU/LA57 under TCG kill a PV dom0 with an unhandled #PF.
	qemu=(qemu-system-x86_64 -accel tcg -cpu max,-smap,-smep,-pku,-la57
	      -smp "$SMP" -m $((MEM + 1024)) -display none -monitor none
	      -no-reboot -serial "file:$log" -kernel "$xen"
	      -append "console=com1 com1=115200 dom0_mem=${MEM}M,max:${MEM}M dom0_max_vcpus=$SMP"
	      -initrd "$KERNEL console=hvc0 earlyprintk=xen panic=-1 $APPEND,$initrd"
	      $virtfs -qmp "unix:$qmp,server=on,wait=off" "${diskargs[@]}")
	;;
esac

stage "boot $name: $platform, $SMP vCPUs, ${MEM} MiB, log $log" >&2
run_once() {
	start=$(date +%s)
	"${qemu[@]}" < /dev/null > "$work/qemu.out" 2>&1 &
	qpid=$!
	# HOOK: a host-side command run beside the guest (e.g. QMP actions when
	# the guest asks for them), with PVX_LOG and PVX_QMP set; its output goes
	# to NAME.hook.log.
	hpid=
	if [ -n "${HOOK:-}" ]; then
		PVX_LOG=$log PVX_QMP=$qmp bash -c "$HOOK" > "$RESULTS/$name.hook.log" 2>&1 &
		hpid=$!
	fi
	# The guest's "PVX-QMP:" requests; on kvm the L1 serves them.
	if [ "$platform" != kvm ]; then
		PVX_LOG=$log PVX_QMP=$qmp bash "$PVX_ROOT/scripts/qmp-hook.sh" \
			> "$RESULTS/$name.qmp.log" 2>&1 &
		hpid="$hpid $!"
	fi

	# Watch the log: done, dead, or out of time. On kvm a guest that has
	# printed nothing for KVM_QUIET seconds (default 300; the longest quiet
	# test, raw_skew, takes 2 minutes) is a stuck test bed: L2 hangs in
	# early boot now and then, with L1 spinning.
	verdict=
	end_at=0
	log_size=-1
	quiet_since=$start
	while kill -0 "$qpid" 2>/dev/null; do
		now=$(date +%s)
		if [ "$end_at" = 0 ] && [ "$platform" = kvm ] &&
			grep -aqE 'rcu.*(stall|starved)|soft lockup' "$RESULTS/$name.l1.log" 2>/dev/null; then
			verdict="the nested test bed (L1) stalled"
			break
		fi
		if [ "$end_at" = 0 ] && [ "$platform" = kvm ] &&
			[ "${KVM_QUIET:-300}" != 0 ]; then
			size=$(stat -c %s "$log" 2>/dev/null || echo 0)
			if [ "$size" != "$log_size" ]; then
				log_size=$size
				quiet_since=$now
			elif [ $((now - quiet_since)) -ge "${KVM_QUIET:-300}" ]; then
				verdict="no output from the guest for ${KVM_QUIET:-300}s"
				break
			fi
		fi
		if [ "$end_at" = 0 ]; then
			if grep -aq '^PVX-DONE' "$log"; then
				verdict=done
				end_at=$((now + 30))
			elif grep -aq 'Kernel panic - not syncing' "$log"; then
				verdict="kernel panic"
				end_at=$((now + 10))
			elif [ $((now - start)) -ge "$TIMEOUT" ]; then
				verdict="timeout after ${TIMEOUT}s"
				break
			fi
		elif [ "$now" -ge "$end_at" ]; then
			break
		fi
		sleep 1
	done
	if [ -z "$verdict" ]; then
		# QEMU may power off between two looks at the log.
		if grep -aq '^PVX-DONE' "$log"; then
			verdict=done
		elif grep -aq 'Kernel panic - not syncing' "$log"; then
			verdict="kernel panic"
		else
			verdict="QEMU exited before the guest was done"
		fi
	fi
	kill "$qpid" 2>/dev/null && sleep 1
	kill -9 "$qpid" 2>/dev/null || true
	wait "$qpid" 2>/dev/null || true
	if [ -n "$hpid" ]; then
		# shellcheck disable=SC2086
		kill $hpid 2>/dev/null || true
		# shellcheck disable=SC2086
		wait $hpid 2>/dev/null || true
	fi
}

SPLATS='Kernel panic|Oops|unchecked MSR access|\bBUG:|WARNING:|UBSAN:|KFENCE:|KASAN:|possible recursive locking|possible circular locking|inconsistent lock state|suspicious RCU usage|INFO: task .* blocked|soft lockup|hard LOCKUP|general protection fault|kernel BUG at|DEBUG_LOCKS_WARN_ON|Call Trace:|RCU stall|self-detected stall|Unable to handle kernel'

# The nested test bed is unreliable under TCG: the L1 kernel (a stock
# Debian kernel) dies now and then (an int3 patching race in its boot,
# RCU stalls), and under heavy I/O the L2 guest is sometimes reset
# without a word, with Debian's own kernel and in-tree virtio_blk as
# much as with pvx's (seen in 1 of 2 runs of 3 fio jobs; with the pvx
# hooks and clock, 4 boots in a row once died early under load on the
# 2-core machine, and the same boots passed twice on their own). Those
# are the test bed failing: when the guest's log has no complaint of its
# own, try again, KVM_ATTEMPTS times in all (default 8), on fresh scratch
# disks, and say so. A real bug that resets the guest fails them all.
# The logs of a failed attempt are kept as NAME.attemptN.*.
for ((attempt = 1; attempt <= ${KVM_ATTEMPTS:-8}; attempt++)); do
	# Both logs start empty: the stall check reads L1's before QEMU has
	# reopened it.
	: > "$log"
	if [ "$platform" = kvm ]; then
		: > "$RESULTS/$name.l1.log"
		rm -f "$RESULTS/$name.l2-qemu.log"
	fi
	for ((i = 0; i < ${#scratch[@]}; i += 2)); do
		rm -f "${scratch[i]}"
		qemu-img create -q -f raw "${scratch[i]}" "${scratch[i + 1]}" ||
			die "cannot create a ${scratch[i + 1]} disk image"
	done
	run_once
	# Retry only when the guest's own log has nothing to say about it.
	[ "$platform" = kvm ] && [ "$verdict" != done ] &&
		! grep -aqE "$SPLATS" "$log" || break
	cp "$RESULTS/$name.l1.log" "$RESULTS/$name.attempt$attempt.l1.log"
	cp "$log" "$RESULTS/$name.attempt$attempt.log"
	# None when L1 died before it started L2.
	if [ -f "$RESULTS/$name.l2-qemu.log" ]; then
		cp "$RESULTS/$name.l2-qemu.log" "$RESULTS/$name.attempt$attempt.l2-qemu.log"
	fi
	stage "boot $name: the nested test bed died under the guest ($verdict); retrying" >&2
	kill -9 "$qpid" 2>/dev/null || true
done
elapsed=$(( $(date +%s) - start ))
if [ -s "$work/qemu.out" ]; then
	cp "$work/qemu.out" "$RESULTS/$name.qemu.log"
fi

# Kernel lines only: not Xen's own, not the workload's output.
klog=$RESULTS/$name.kernel.log
tr -d '\r' < "$log" | grep -av '^(XEN)' |
	sed '/^PVX-CMD-BEGIN/,/^PVX-CMD-END/d' > "$klog" || true

fail=()
grep -aq '^PVX-INIT' "$klog" || fail+=("the guest never reached init")
[ "$verdict" = done ] || fail+=("no clean end: $verdict (${elapsed}s)")
if grep -aqE "$SPLATS" "$klog"; then
	fail+=("kernel reported problems:")
	mapfile -t lines < <(grep -anE "$SPLATS" "$klog" | head -n 12)
	fail+=("${lines[@]/#/    }")
fi

rc=0
if [ -n "${CMD:-}${SCRIPT:-}" ]; then
	# The workload's output and status go back to the caller.
	tr -d '\r' < "$log" | sed -n '/^PVX-CMD-BEGIN/,/^PVX-CMD-END/p' |
		sed '1d;$d' > "$RESULTS/$name.cmd.log"
	cat "$RESULTS/$name.cmd.log"
	rc=$(tr -d '\r' < "$log" | sed -n 's/^PVX-CMD-END: rc=\([0-9]*\)$/\1/p' | tail -n 1)
	[ -n "$rc" ] || { fail+=("the workload did not finish"); rc=90; }
fi

if [ ${#fail[@]} -gt 0 ]; then
	printf 'pvx: %s: boot FAILED (%s)\n' "$name" "$log" >&2
	printf '  %s\n' "${fail[@]}" >&2
	exit 90
fi
stage "boot $name: clean, ${elapsed}s" >&2
exit "$rc"
