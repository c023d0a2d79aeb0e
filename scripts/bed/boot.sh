#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Boot the kernel under test on one platform and judge the boot.
#
#   boot.sh PLATFORM [NAME]
#
# PLATFORM  native  QEMU TCG, no hypervisor CPUID bit or leaves
#           kvm     real KVM, nested: Debian's kernel (6.12, or 6.1 with
#                   BED_L1_KERNEL=6.1, see below) as L1 under
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
# KVM_ATTEMPTS (kvm: boots tried in all, 1-3, default 3; a boot is tried
# again only when L1's own log shows that the test bed failed), KVM_QUIET
# (kvm: seconds without guest output after which the guest counts as
# hung, 300; 0 for never, for a workload that is quiet longer).
#
# Writes RESULTS/NAME.log (the guest's console; on xen with Xen's own
# lines; on kvm the early boot before L2's console is up is in
# NAME.early.log) and RESULTS/NAME.attempts (one line per boot tried on
# kvm: its number and why it ended). Exit status: the workload's if there
# is one, else 0; 90 if the boot itself failed (no init, timeout, hang,
# panic, oops, WARN, BUG, lockdep, UBSAN, KFENCE, KASAN, RCU stall or
# hung task report anywhere in the kernel's log, workload included), with
# the cause and the lines quoted.
set -euo pipefail
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/verdict.sh"

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
# L1 reads the machine's root over 9p with a tmpfs of its own on /run
# (L2's monitor socket): what L2 needs from this machine cannot be there.
if [ "$platform" = kvm ]; then
	for p in "$PVX_ROOT" "$PVX_CACHE" "$RESULTS" "$KERNEL"; do
		case "$(realpath -m "$p")" in
		/run | /run/*) die "on kvm, $p cannot lie under /run, which L1 mounts afresh: put the checkout, PVX_CACHE, RESULTS and KERNEL elsewhere" ;;
		esac
	done
fi
case "$platform" in
native) TIMEOUT=${TIMEOUT:-600} ;;
*) TIMEOUT=${TIMEOUT:-900} ;;
esac

# The guest kernel's NR_CPUS.
max_smp=$(sed -n 's/^CONFIG_NR_CPUS=//p' "$PVX_ROOT/scripts/config/guest.config")
[[ "$SMP" =~ ^[1-9][0-9]?$ ]] && [ "$SMP" -le "$max_smp" ] ||
	die "SMP=$SMP: want a vCPU count, 1-$max_smp (the guest's NR_CPUS)"
ATTEMPTS=${KVM_ATTEMPTS:-3}
[[ "$ATTEMPTS" =~ ^[1-3]$ ]] || die "KVM_ATTEMPTS=$ATTEMPTS: want 1-3"
# The kvm bed's L1: its vCPUs (BED_L1_SMP, default 1: L2's vCPUs share
# it) and how it idles (BED_L1_IDLE: poll, the default with one vCPU, or
# halt, with more; see run_once's list of bed variants).
L1_SMP=${BED_L1_SMP:-1}
[[ "$L1_SMP" =~ ^[1-9]$ ]] || die "BED_L1_SMP=$L1_SMP: want 1-9 vCPUs for L1"
L1_IDLE=${BED_L1_IDLE:-$([ "$L1_SMP" = 1 ] && echo poll || echo halt)}
[[ "$L1_IDLE" =~ ^(poll|halt)$ ]] || die "BED_L1_IDLE=$L1_IDLE: want poll or halt"
[[ "$MEM" =~ ^[1-9][0-9]*$ ]] && [ "$MEM" -ge 128 ] && [ "$MEM" -le 16384 ] ||
	die "MEM=$MEM: want guest memory in MiB, 128-16384"
[[ "$TIMEOUT" =~ ^[1-9][0-9]*$ ]] || die "TIMEOUT=$TIMEOUT: want seconds"
[[ "${KVM_QUIET:-300}" =~ ^[0-9]+$ ]] || die "KVM_QUIET=$KVM_QUIET: want seconds (0: never)"
[ -z "${CMD:-}" ] || [ -z "${SCRIPT:-}" ] || die "give CMD or SCRIPT, not both"
[ -z "${SCRIPT:-}" ] || [ -f "$SCRIPT" ] || die "SCRIPT=$SCRIPT: no such file"
case "$APPEND" in
*pvx.harness_boot=*) die "APPEND must not set pvx.harness_boot (the harness's own boot id)" ;;
esac
# QEMU splits multiboot module strings on commas.
[ "$platform" != xen ] || case "$APPEND" in
	*,*) die "APPEND must not contain commas on xen (QEMU's multiboot splits on them)" ;;
	esac
if [ -n "${DISK:-}" ]; then
	case "${DISK_MODEL:-virtio}" in
	virtio | ahci) ;;
	*) die "DISK_MODEL=${DISK_MODEL}: want virtio or ahci" ;;
	esac
	[[ "${DISK_QUEUES:-2}" =~ ^([1-9]|1[0-6])$ ]] ||
		die "DISK_QUEUES=$DISK_QUEUES: want 1-16 virtio queues per disk"
	IFS=, read -r -a disks <<< "$DISK"
	for d in "${disks[@]}"; do
		while [[ "$d" =~ :(ro|l1)$ ]]; do d=${d%:*}; done
		[[ "$d" =~ ^[0-9]+[KMGT]?$ ]] || [ -f "$d" ] ||
			die "DISK: '$d' is neither a size (64M, 1G) nor an existing image"
	done
fi
# CHECK_ARGS=1: the arguments alone, before anything is built.
[ -z "${CHECK_ARGS:-}" ] || exit 0

[ -f "$KERNEL" ] || die "no kernel at $KERNEL (make build)"
command -v qemu-system-x86_64 >/dev/null ||
	die "qemu-system-x86_64 missing: run 'make deps'"
[ "$platform" != xen ] || [ -f /boot/xen-4.17-amd64.gz ] ||
	die "Xen 4.17 missing (/boot/xen-4.17-amd64.gz): run 'make deps'"

mkdir -p "$RESULTS"
log=$RESULTS/$name.log
# The boot's verdict, written last: "clean", or "failed" and why.
rm -f "$RESULTS/$name.verdict"
work=$(mktemp -d "$PVX_CACHE/run.XXXXXX")
# QEMU's monitor sockets: a socket's path has at most 107 bytes, which a
# cache or results dir deep enough would pass.
sock=$(mktemp -d /tmp/pvx-s.XXXXXX)
trap 'rm -rf "$work" "$sock" "$RESULTS/$name.l1-diag"' EXIT

bash "$PVX_ROOT/scripts/bed/initramfs.sh" >&2
[ "$platform" = kvm ] && bash "$PVX_ROOT/scripts/bed/initramfs.sh" l1 >&2
initrd=$work/initrd.gz
if [ -n "${BASE_INITRD:-}" ]; then
	[ -f "$BASE_INITRD" ] || die "BASE_INITRD=$BASE_INITRD: no such file"
	cp "$BASE_INITRD" "$initrd"
elif [ "${GUEST:-pvx}" = stock ]; then
	bash "$PVX_ROOT/scripts/bed/initramfs.sh" stock >&2
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
	pvx_guest_paths > "$work/user/pvx/paths"
	(cd "$work/user" && find . | cpio -o -H newc --quiet -R 0:0 | gzip -1 -n) >> "$initrd"
fi

# Disks: DISK=<size>|<path>[:ro],... appear in order as vda, vdb, ...
diskargs=()
l1disks=()
l1idx=()	# the disks among them that L1 passes on
scratch=()	# image size image size ...: made anew for every attempt
if [ -n "${DISK:-}" ]; then
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
		while :; do
			case "$d" in
			*:ro) ro=on; d=${d%:ro} ;;
			*:l1) viaL1=1; d=${d%:l1} ;;
			*) break ;;
			esac
		done
		if [[ "$d" =~ ^[0-9]+[KMGT]?$ ]]; then
			img=$RESULTS/$name-disk$n.img
			scratch+=("$img" "$d")
		else
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
			img="@l1disk$n@"
			l1idx+=("$n")
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
qmp=$sock/qmp

# multidevs=remap: the guests cache the root (cache=loose) and know its
# files by QEMU's qid, which is the inode number alone without it: the
# roots of proc, sysfs, tmpfs... (inode 1 each) would be one directory to
# the guest, and /proc would lead to whatever is mounted on /sys.
virtfs="-virtfs local,path=/,mount_tag=hostroot,security_model=none,readonly=on,multidevs=remap"
# On kvm L2's console is a virtio console: the 8250 UART costs L1 several
# exits per character, and the nested test bed dies the more often the
# more exits it serves (the boot log and KUnit are thousands of lines).
# Debian's kernel (GUEST=stock) has virtio_console as a module only.
# Until the virtio console is up (seconds into the boot, after detection
# and the pv-ops patching) the kernel writes to the UART (earlycon), which
# L2's QEMU writes to NAME.early.log.
# A log buffer that holds a whole boot and workload: the guest prints the
# workload's kernel log at its end.
console=ttyS0 l2con=(-serial stdio) early=
if [ "$platform" = kvm ] && [ "${GUEST:-pvx}" = pvx ]; then
	console=hvc0
	early="earlycon=uart8250,io,0x3f8,115200"
	l2con=(-serial "file:$RESULTS/$name.early.log" -device virtio-serial-pci
	       -chardev stdio,id=con0 -device virtconsole,chardev=con0)
fi
# The guest's init ends with "PVX-DONE <this boot's id>" (from its
# command line): a workload that prints PVX-DONE, or cats an old log,
# does not end the boot.
bootid=$(od -An -N6 -tx1 /dev/urandom | tr -d ' \n')
cmdline="console=$console $early log_buf_len=8M panic=-1 pvx.harness_boot=$bootid $APPEND"
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
	l1=$(pvx_l1_dir)
	[ -f "$l1/.done" ] || die "L1 kernel missing: run 'make deps'${BED_L1_KERNEL:+ with BED_L1_KERNEL=$BED_L1_KERNEL}"
	# L1 copies of the kernel and initrd, reachable through 9p.
	# L2's console passes through L1's kvm-sampler.sh, which snapshots
	# L1's KVM counters for L2 at each "PVX-PHASE:" line the guest
	# prints, into NAME.kvm.csv, carries out its "PVX-QMP:" requests on
	# L2's monitor, and copies everything to ttyS1.
	# L2's QEMU command line, each argument quoted for bash (%q): the
	# kernel arguments reach L2 byte for byte. Disks passed through L1
	# are found by their serial when the script runs (@l1diskN@).
	l2args=(qemu-system-x86_64 -enable-kvm -cpu host -smp "$SMP" -m "$MEM"
		-display none -monitor none -no-reboot "${l2con[@]}"
		-device pvpanic-pci -action panic=exit-failure
		-d cpu_reset,guest_errors -D "$RESULTS/$name.l2-qemu.log"
		-qmp unix:/run/pvx-l2.qmp,server=on,wait=off
		-kernel "$KERNEL" -initrd "$initrd" -append "$cmdline" $virtfs
		"${diskargs[@]}")
	{
		cat <<-'EOF'
		l1dev() {
			for b in /sys/block/vd*; do
				[ "$(cat "$b/serial" 2>/dev/null)" = "$1" ] && echo "/dev/${b##*/}"
			done
		}
		EOF
		printf 'args=('
		printf '%q ' "${l2args[@]}"
		printf ')\n'
		for i in "${l1idx[@]}"; do
			printf 'args=("${args[@]//@l1disk%d@/$(l1dev pvx-l1disk%d)}")\n' "$i" "$i"
		done
		printf '"${args[@]}" 2>&1 < /dev/null |\n'
		printf '\tbash %q %q > /dev/ttyS1\n' "$PVX_ROOT/scripts/bed/guest/kvm-sampler.sh" \
			"$RESULTS/$name.kvm.csv"
		# shellcheck disable=SC2016
		printf 'echo "L1: L2 QEMU exit status ${PIPESTATUS[0]}"\n'
	} > "$work/l2.sh"
	mkdir -p "$work/l1"
	cp "$work/l2.sh" "$work/l1/l2.sh"
	# What L1 runs when the harness asks it why L2 is silent.
	printf 'exec bash %q %q\n' "$PVX_ROOT/scripts/bed/guest/l2-diag.sh" "$SMP" > "$work/l1/diag.sh"
	cp "$PVX_CACHE/initramfs/${l1##*/}.cpio.gz" "$work/l1.gz"
	(cd "$work/l1" && printf '%s\n' l2.sh diag.sh |
		cpio -o -H newc --quiet -R 0:0 | gzip -1 -n) >> "$work/l1.gz"
	# L1 needs its own memory on top of L2's.
	# Test bed variants: BED_NPT (L1's kvm_amd npt: 0, the default, runs
	# L2 on L1's shadow page tables: with TCG's emulated nested paging
	# (1) L2 died in most boots, see README), BED_TCG (multi, single:
	# L0's TCG threads), BED_L1_CPU (L1's CPU model), BED_L1_SMP (L1's
	# vCPUs: 1 by default, which L2's vCPUs share; with two, L1 died on
	# its own in 11 of 62 boots, see README), BED_L1_IDLE (poll: L1 runs
	# idle=poll and never halts, the default with one vCPU, which then
	# keeps one of this machine's CPUs busy; a halted L1 was seen to miss
	# its timer interrupt for minutes; halt: the default with more
	# vCPUs), BED_L1_ONE_CPU_PATCH (1, the default: L1 boots on one CPU
	# and onlines the others only once nothing is left for it to patch in
	# its own code, see guest/l1-init; 0: all at boot),
	# BED_L1_APPEND (more L1 kernel arguments), BED_L1_KERNEL (6.12
	# or 6.1: Debian's L1 kernel, see pvx_l1_dir). L1's RCU stall
	# timeout is 60 s, not 21: under nested fio its vCPUs, emulated on
	# this machine's 2 cores, fell behind that long now and then (an L1
	# stall ends the attempt as a bed failure; the guest's own kernel
	# keeps the default). L0's QEMU: Debian's, rebuilt with pvx's
	# fixes to its SVM emulation (scripts/bed/qemu.sh: Debian's own
	# delivered an interrupt L1 injected into L2 a second time, with
	# L2's interrupts off); BED_QEMU: another (qemu-system-x86_64 for
	# Debian's own, see bed-trial.sh).
	l1_args=
	# no_ipi_broadcast=1: L1 would enable its IPI shorthand key (a patch)
	# as the last CPU comes online.
	[ "${BED_L1_ONE_CPU_PATCH:-1}" = 0 ] || l1_args="maxcpus=1 no_ipi_broadcast=1"
	[ "$L1_IDLE" = halt ] || l1_args+=" idle=poll"
	# PVX_L0_QEMU: the one make check built (scripts/check/check.sh),
	# "failed" where that build failed.
	l0qemu=${BED_QEMU:-${PVX_L0_QEMU:-}}
	[ "$l0qemu" != failed ] ||
		die "L0's QEMU did not build (make check's 'bed:' result; $PVX_CACHE/qemu/build.log)"
	if [ -z "$l0qemu" ]; then
		l0qemu=$(bash "$PVX_ROOT/scripts/bed/qemu.sh") || die "no L0 QEMU for the kvm platform"
	fi
	qemu=("$l0qemu" -accel "tcg,thread=${BED_TCG:-multi}"
	      -cpu "${BED_L1_CPU:-max,-pku,-xsave}"
	      -smp "$L1_SMP"
	      -m $((MEM + 1536)) -display none -monitor none -no-reboot
	      -name pvx-l1,debug-threads=on -nic none
	      -serial "file:$RESULTS/$name.l1.log" -serial "file:$log"
	      -d cpu_reset -D "$RESULTS/$name.l0-qemu.log"
	      -kernel "$l1/root/boot/vmlinuz-$(cat "$l1/kver")"
	      -initrd "$work/l1.gz"
	      -append "console=ttyS0 panic=-1 loglevel=5 transparent_hugepage=never pvx.results=$RESULTS pvx.diag=$RESULTS/$name.l1-diag pvx.kallsyms=$RESULTS/$name.l1-kallsyms pvx.kvm_amd=npt=${BED_NPT:-0} rcupdate.rcu_cpu_stall_timeout=60 $l1_args ${BED_L1_APPEND:-}"
	      $virtfs -virtfs "local,path=$RESULTS,mount_tag=results,security_model=none"
	      "${l1disks[@]}")
	# L0's monitor, for l0_diag.
	qemu+=(-qmp "unix:$sock/l0.qmp,server=on,wait=off")
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
	      -initrd "$KERNEL console=hvc0 earlyprintk=xen log_buf_len=8M panic=-1 pvx.harness_boot=$bootid $APPEND,$initrd"
	      $virtfs -qmp "unix:$qmp,server=on,wait=off" "${diskargs[@]}")
	;;
esac

stage "boot $name: $platform, $SMP vCPUs, ${MEM} MiB, log $log" >&2
# Asks L1 what the silent L2 is doing (scripts/bed/guest/l2-diag.sh, through
# the file pvx.diag names) and waits up to 90 s for its answer in L1's log.
l1_diag() {
	local i
	: > "$RESULTS/$name.l1-diag"
	for ((i = 0; i < 90; i++)); do
		grep -aq '^L1: diag end' "$RESULTS/$name.l1.log" 2>/dev/null && break
		kill -0 "$qpid" 2>/dev/null || break
		sleep 1
	done
	rm -f "$RESULTS/$name.l1-diag"
}

# Asks L0's QEMU where L1's vCPUs are and what its own threads do
# (scripts/bed/l0-diag.py, about 4 s), while it still runs: when L1
# complained or stalled, or L2 fell silent. Into NAME.l0-diag.
l0_diag() {
	[ "$platform" = kvm ] && kill -0 "$qpid" 2>/dev/null || return 0
	timeout 40 python3 "$PVX_ROOT/scripts/bed/l0-diag.py" "$qpid" "$sock/l0.qmp" \
		"$RESULTS/$name.l1-kallsyms" "$(dirname "$KERNEL")/../../../System.map" \
		> "$RESULTS/$name.l0-diag" 2>&1 || true
}

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
		PVX_LOG=$log PVX_QMP=$qmp bash "$PVX_ROOT/scripts/bed/qmp-hook.sh" \
			> "$RESULTS/$name.qmp.log" 2>&1 &
		hpid="$hpid $!"
	fi

	# Watch the log: done, dead, or out of time. On kvm a guest that has
	# printed nothing for KVM_QUIET seconds (default 300; a test may sleep
	# for minutes, raw_skew for 2) has hung, and L1 complaining stops the
	# boot at once.
	verdict=
	end_at=0
	log_size=-1
	quiet_since=$start
	while kill -0 "$qpid" 2>/dev/null; do
		now=$(date +%s)
		# Not for a WARN in L1's KVM, which may be the guest's doing:
		# the guest runs on, and a clean end fails on it below.
		l1bad=0
		if [ "$end_at" = 0 ] && [ "$platform" = kvm ]; then
			l1bad=$(grep -aE "$L1_FAILED" "$RESULTS/$name.l1.log" 2>/dev/null |
				grep -acvE "$L1_KVM_WARN") || true
		fi
		if [ "${l1bad:-0}" != 0 ]; then
			verdict="the test bed failed"
			l0_diag
			break
		fi
		if [ "$end_at" = 0 ] && [ "$platform" = kvm ] &&
			[ "${KVM_QUIET:-300}" != 0 ]; then
			size=$(stat -c %s "$log" "$RESULTS/$name.early.log" 2>/dev/null | tr "\n" " ") || true
			# The guest's quiet starts when L1 starts it.
			if [ "$size" != "$log_size" ] ||
				! grep -aq '^L1: running L2' "$RESULTS/$name.l1.log" 2>/dev/null; then
				log_size=$size
				quiet_since=$now
			else
				# L1 beats every 20 s on its console: an L1 that missed
				# four beats while L2 has been quiet for a minute has
				# stalled, and L2 with it (no need to wait KVM_QUIET).
				beat=$(( now - $(stat -c %Y "$RESULTS/$name.l1.log" 2>/dev/null || echo 0) ))
				if [ "$beat" -gt 90 ] && [ $((now - quiet_since)) -ge 60 ]; then
					verdict="L1 stalled: no heartbeat for ${beat}s"
					l0_diag
					break
				elif [ $((now - quiet_since)) -ge "${KVM_QUIET:-300}" ]; then
					verdict="the guest hung: no output for ${KVM_QUIET:-300}s, L1 alive"
					l0_diag
					l1_diag
					break
				fi
			fi
		fi
		if [ "$end_at" = 0 ] && [ -n "${PVX_DEADLINE:-}" ] && [ "$now" -ge "$PVX_DEADLINE" ]; then
			verdict="stopped at the deadline of make check"
			break
		fi
		if [ "$end_at" = 0 ]; then
			if grep -aq "^PVX-DONE $bootid" "$log"; then
				verdict=done
				# L1 then reports (its patch count, L2 QEMU's exit
				# status) and powers off: slower with a busy L1.
				end_at=$((now + $([ "$platform" = kvm ] && echo 90 || echo 30)))
			elif grep -aq 'Kernel panic - not syncing' "$log"; then
				verdict="kernel panic"
				end_at=$((now + 10))
			elif [ $((now - start)) -ge "$TIMEOUT" ]; then
				verdict="timeout after ${TIMEOUT}s"
				# A guest that printed something within KVM_QUIET
				# may still have hung since: ask where it is.
				if [ "$platform" = kvm ]; then
					l0_diag
					l1_diag
				fi
				break
			fi
		elif [ "$now" -ge "$end_at" ]; then
			break
		fi
		sleep 1
	done
	if [ -z "$verdict" ]; then
		# QEMU may power off between two looks at the log.
		if grep -aq "^PVX-DONE $bootid" "$log"; then
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

: > "$RESULTS/$name.attempts"
# The bed this boot ran on (kvm), for scripts/bed/bed-tally.py: what its
# deaths count against.
if [ "$platform" = kvm ]; then
	ocp=$([ "${BED_L1_ONE_CPU_PATCH:-1}" = 0 ] && echo 0 || echo 1)
	# pvx's L0 QEMU by the hash of its fixes (the end of its build
	# directory's name): every set of fixes is a bed of its own.
	if [ -n "${BED_QEMU:-}" ]; then
		l0name=$BED_QEMU
	else
		l0name=${l0qemu%/*}
		l0name=pvx-fixed-${l0name##*-}
	fi
	printf 'npt=%s one_cpu_patch=%s no_ipi_broadcast=%s l1_cpus=%s%s%s%s%s%s%s\n' \
		"${BED_NPT:-0}" "$ocp" "$ocp" "$([ "$L1_SMP" = 1 ] && echo 0 || echo "0-$((L1_SMP - 1))")" \
		"$([ "$L1_IDLE" = halt ] || echo " l1_idle=poll")" \
		"${BED_TCG:+ tcg=$BED_TCG}" "${BED_L1_CPU:+ l1_cpu=$BED_L1_CPU}" \
		"${BED_L1_KERNEL:+ l1_kernel=$BED_L1_KERNEL}" " qemu=$l0name" \
		"${BED_L1_APPEND:+ l1_append=$BED_L1_APPEND}" > "$RESULTS/$name.bed"
fi
max=1
[ "$platform" = kvm ] && max=$ATTEMPTS
for ((attempt = 1; attempt <= max; attempt++)); do
	# Both logs start empty: the L1 check reads L1's before QEMU has
	# reopened it.
	: > "$log"
	if [ "$platform" = kvm ]; then
		: > "$RESULTS/$name.l1.log"
		rm -f "$RESULTS/$name.l2-qemu.log" "$RESULTS/$name.early.log" \
			"$RESULTS/$name.qmp.log" "$RESULTS/$name.l0-qemu.log" \
			"$RESULTS/$name.l1-diag" "$RESULTS/$name.l0-diag" \
			"$RESULTS/$name.l1-kallsyms"
	fi
	for ((i = 0; i < ${#scratch[@]}; i += 2)); do
		rm -f "${scratch[i]}"
		qemu-img create -q -f raw "${scratch[i]}" "${scratch[i + 1]}" ||
			die "cannot create a ${scratch[i + 1]} disk image"
	done
	run_once
	classify
	[ "$verdict" = done ] && [ "$attempt" = 1 ] && break
	printf 'attempt %d of %d: %s\n' "$attempt" "$max" "$cause" >> "$RESULTS/$name.attempts"
	# Tried again only when L1 proves that the test bed failed, and never
	# when the guest complained or failed a test first (verdict.sh).
	may_retry "$attempt" "$max" || break
	for f in l1.log log l2-qemu.log early.log l0-qemu.log l0-diag l1-kallsyms; do
		[ -f "$RESULTS/$name.$f" ] && cp "$RESULTS/$name.$f" "$RESULTS/$name.attempt$attempt.$f"
	done
	stage "boot $name: attempt $attempt of $max: $cause; trying again" >&2
	kill -9 "$qpid" 2>/dev/null || true
done
elapsed=$(( $(date +%s) - start ))
if [ -s "$work/qemu.out" ]; then
	cp "$work/qemu.out" "$RESULTS/$name.qemu.log"
fi

# The kernel's console lines, early console first: not Xen's own, not the
# workload's output.
klog=$RESULTS/$name.kernel.log
console_lines |
	sed '/^PVX-CMD-BEGIN/,/^PVX-CMD-END/d' > "$klog" || true

fail=()
grep -aq '^PVX-INIT' "$klog" || fail+=("the guest never reached init")
grep -aq '^PVX-HOSTROOT: broken' "$klog" &&
	fail+=("the guest's view of this machine's root was wrong: $(grep -a -m 1 '^PVX-HOSTROOT: broken' "$klog" | tr -d '\r')")
[ "$verdict" = done ] || fail+=("no clean end: $cause (${elapsed}s)")
grep -aq '^PVX-KMSG-LOST' "$log" &&
	fail+=("the kernel log is incomplete (its buffer wrapped): $(grep -a -m 1 '^PVX-KMSG-LOST' "$log" | tr -d '\r')")
if [ "$platform" = kvm ] && [ "$verdict" = done ]; then
	w=$(grep -aE "$L1_FAILED" "$RESULTS/$name.l1.log" 2>/dev/null | grep -aE "$L1_KVM_WARN" |
		head -n 1 | tr -d '\r' | cut -c1-200) || true
	[ -z "$w" ] || fail+=("L1's KVM warned while the guest ran, perhaps at the guest's doing: $w")
fi
# The guest's init prints its kernel log's complaints before it ends the
# boot (scripts/bed/guest/init): a clean end without them was not checked.
if [ "$verdict" = done ] && ! grep -aq '^PVX-KMSG-END' "$log"; then
	fail+=("the guest ended without printing its kernel log (no PVX-KMSG-END): its complaints were not checked")
fi
if scan_splats; then
	fail+=("kernel reported problems ($(grep -c . "$work/splats") lines):")
	mapfile -t lines < <(head -n 12 "$work/splats")
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
	# A failure after retries: every attempt and its cause.
	if [ "$attempt" -gt 1 ]; then
		while read -r l; do fail+=("    $l"); done < "$RESULTS/$name.attempts"
	fi
	printf 'pvx: %s: boot FAILED (%s)\n' "$name" "$log" >&2
	printf '  %s\n' "${fail[@]}" >&2
	{ echo failed; printf '%s\n' "${fail[@]}"; } > "$RESULTS/$name.verdict"
	exit 90
fi
# L1's symbols serve only a failure's diagnosis (3 MB).
rm -f "$RESULTS/$name.l1-kallsyms"
echo clean > "$RESULTS/$name.verdict"
if [ "$attempt" -gt 1 ]; then
	stage "boot $name: clean on attempt $attempt of $max ($(head -n 1 "$RESULTS/$name.attempts"))" >&2
fi
stage "boot $name: clean, ${elapsed}s" >&2
exit "$rc"
