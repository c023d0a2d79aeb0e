#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# make bench: timings, never pass/fail. Writes RESULTS/report.md and
# CSV files; figures are only comparable within one run.
#
# BENCH=build,blk,hooks,clock picks the parts (default all four).
# build: a clean build of the test kernel with ccache off, into a scratch
#        build dir (BENCH_CLEAN=0 skips it: about 15 minutes), and an
#        incremental rebuild after touching one pvx source file.
# blk:   fio 4k random read at iodepth 1 and 32, 128k sequential read and
#        write, on one disk image, in one run: pvblk (the bench kernel) vs
#        the in-tree virtio_blk of the same tree and config (build.sh
#        vblk), and virtio_blk and emulated AHCI in Debian's own 6.12
#        kernel, on native and kvm, BENCH_REPS times (default 3;
#        BENCH_BLK="pvx:pvblk pvx-vblk:virtio_blk" picks kernel:driver
#        pairs among those four; BENCH_BLK_BEFORE=REV adds pvx-before:
#        the bench kernel with drivers/pvblk/ as at git revision REV,
#        scripts/bench/blk-before.sh); on kvm
#        also L1 KVM exits per I/O and per second idle, read from L1's
#        debugfs while the guest runs.
# hooks: on kvm, the same bench kernel with pvx on and with pvx=off: L1 KVM
#        exits (total and by reason) per second idle and per unit of fixed
#        workloads (IPIs, TLB shootdowns, function-call IPIs, timers).
# clock: on kvm, ns per clock_gettime(CLOCK_MONOTONIC) and system calls per
#        1M calls with every clocksource the guest has (pvclock, tsc, hpet,
#        acpi_pm), in one boot, and with a stock Debian 6.12 kernel's
#        kvm-clock on the same KVM.
set -euo pipefail
. "$(dirname "$0")/../lib.sh"

# Every kernel:driver pair BENCH_BLK names is one there is (the driver
# is the one that kernel drives the disk with), before anything runs.
for cfg in ${BENCH_BLK:-}; do
	case $cfg in
	pvx:pvblk | pvx-vblk:virtio_blk | stock:virtio_blk | stock:ahci) ;;
	pvx-before:pvblk) [ -n "${BENCH_BLK_BEFORE:-}" ] ||
		die "BENCH_BLK: pvx-before needs BENCH_BLK_BEFORE=REV" ;;
	*) die "BENCH_BLK: no '$cfg' (pvx:pvblk, pvx-vblk:virtio_blk, pvx-before:pvblk, stock:virtio_blk, stock:ahci)" ;;
	esac
done

pvx_results bench
csv=$RESULTS/build.csv
echo "what,seconds,cores,ccache" > "$csv"
tree=$(bash "$PVX_ROOT/scripts/series/patches.sh" apply)
jobs=$(nproc)

timed() { # label ccache command...
	local label=$1 cc=$2 t0 t1
	shift 2
	t0=$(date +%s.%N)
	"$@" > "$RESULTS/$label.log" 2>&1 || die "$label failed ($RESULTS/$label.log)"
	t1=$(date +%s.%N)
	printf '%s,%.1f,%s,%s\n' "$label" "$(echo "$t1 - $t0" | bc)" "$jobs" "$cc" >> "$csv"
	stage "bench: $label $(tail -n 1 "$csv" | cut -d, -f2)s"
}

# One bench boot: stage line, boot.sh with the given environment, its
# output in RESULTS/NAME.out; a failed boot is reported and the bench
# goes on (its rows are missing from the tables).
bench_boot() { # part platform name label VAR=value...
	local part=$1 platform=$2 name=$3
	stage "bench: $part: $4"
	shift 4
	env "$@" bash "$PVX_ROOT/scripts/bed/boot.sh" "$platform" "$name" \
		> "$RESULTS/$name.out" 2>&1 ||
		stage "bench: $part: $name failed (see $RESULTS/$name.out)"
}

# The kvm bed's L1 gets a vCPU for each of the guest's (make check's
# default bed has one, which the guest's vCPUs share): timings of a guest
# whose vCPUs wait for each other would measure that.
export BED_L1_SMP=${BED_L1_SMP:-${SMP:-2}}

parts=${BENCH:-build,blk,hooks,clock}
case ",$parts," in *,build,*) ;; *) build_part=skip ;; esac

if [ "${build_part:-}" != skip ]; then
	# Make sure the test build is current, so the rebuild measures one file.
	bash "$PVX_ROOT/scripts/build.sh" test > /dev/null
	touch "$tree/arch/x86/paravirt/core.c"
	timed incremental-one-pvx-file on bash "$PVX_ROOT/scripts/build.sh" test

	if [ "${BENCH_CLEAN:-1}" = 1 ]; then
		out=$PVX_CACHE/build/bench-clean
		rm -rf "$out"
		mkdir -p "$out"
		cp "$PVX_CACHE/build/test/.config" "$out/.config"
		timed clean-test-kernel off env CCACHE_DISABLE=1 \
			make -C "$tree" O="$out" -j"$jobs" olddefconfig bzImage modules
		rm -rf "$out"
	fi

fi

blk_csv=$RESULTS/blk.csv
kvm_csv=$RESULTS/blk-kvm-exits.csv
if [[ ",$parts," = *,blk,* ]]; then
	echo "platform,kernel,driver,rep,job,iops,bw_kib,ios" > "$blk_csv"
	echo "platform,kernel,driver,rep,phase,exits,io_exits,mmio_exits,irq_exits,halt_exits,ios,exits_per_io,exits_per_s" > "$kvm_csv"
	# pvx's kernel without the test kernel's debug options (lockdep,
	# UBSAN, KFENCE), and the same with the in-tree virtio_blk in
	# pvblk's place: the reference, which isolates the driver.
	bench_kernel=$(bash "$PVX_ROOT/scripts/build.sh" bench)
	vblk_kernel=$(bash "$PVX_ROOT/scripts/build.sh" vblk)
	# pvblk as it was at a git revision (before a change), same tree.
	blk_kernels="pvx:pvblk pvx-vblk:virtio_blk stock:virtio_blk stock:ahci"
	if [ -n "${BENCH_BLK_BEFORE:-}" ]; then
		before_kernel=$(bash "$PVX_ROOT/scripts/bench/blk-before.sh" "$BENCH_BLK_BEFORE")
		before_desc=$(cat "${before_kernel%/arch/x86/boot/bzImage}/.pvx-done")
		blk_kernels="pvx-before:pvblk $blk_kernels"
	fi
	img=$RESULTS/bench-disk.img
	stage "bench: blk: 256 MiB disk image"
	dd if=/dev/urandom of="$img" bs=1M count=256 status=none
	# Each repetition boots every kernel once, one after the other:
	# side by side, so that a slow spell of this machine hits them all.
	reps=${BENCH_REPS:-3}
	for rep in $(seq "$reps"); do
		for platform in ${BENCH_PLATFORMS:-native kvm}; do
			for cfg in ${BENCH_BLK:-$blk_kernels}; do
				kname=${cfg%:*}
				drv=${cfg#*:}
				model=virtio
				[ "$drv" = ahci ] && model=ahci
				guest=pvx
				case $kname in
				pvx) kernel=$bench_kernel ;;
				pvx-vblk) kernel=$vblk_kernel ;;
				pvx-before) kernel=$before_kernel ;;
				stock) kernel= guest=stock ;;
				esac
				name=blk-$platform-$kname-$drv-$rep
				# On kvm, make check's bed (one L1 vCPU that polls): an
				# L1 whose vCPUs halt lost every attempt of a fio boot
				# to a wakeup lost in L0 (README, the nested test bed).
				bench_boot blk "$platform" "$name" "$platform, $kname kernel, $drv ($rep of $reps)" \
					BED_L1_SMP="${BENCH_BLK_L1_SMP:-1}" \
					KERNEL="$kernel" GUEST="$guest" DISK="$img" DISK_MODEL="$model" \
					CMD="sh $PVX_ROOT/scripts/bench/blk-bench.sh"
				sed -n 's/^PVX-BENCH: \([^ ]*\) iops=\([0-9]*\) bw_kib=\([0-9]*\) ios=\([0-9]*\)$/\1,\2,\3,\4/p' \
					"$RESULTS/$name.cmd.log" 2>/dev/null |
					sed "s/^/$platform,$kname,$drv,$rep,/" >> "$blk_csv"
				[ -f "$RESULTS/$name.kvm.csv" ] &&
					python3 "$PVX_ROOT/scripts/bench/kvm-exits.py" "$RESULTS/$name.kvm.csv" \
						"$RESULTS/$name.cmd.log" "$platform,$kname,$drv,$rep" >> "$kvm_csv"
			done
		done
	done
	rm -f "$img"
	python3 "$PVX_ROOT/scripts/bench/plot.py" "$blk_csv" "$RESULTS/blk.svg"
fi

hooks_csv=$RESULTS/hooks-kvm-exits.csv
if [[ ",$parts," = *,hooks,* ]]; then
	bench_kernel=$(bash "$PVX_ROOT/scripts/build.sh" bench)
	stress=$(pvx_guest_tool pvx-stress)
	python3 "$PVX_ROOT/scripts/bench/kvm-exits.py" --units-header pvx > "$hooks_csv"
	for mode in on off; do
		name=hooks-kvm-$mode
		append=
		[ $mode = off ] && append=pvx=off
		bench_boot hooks kvm "$name" "kvm, pvx $mode" \
			KERNEL="$bench_kernel" APPEND="$append" \
			CMD="sh $PVX_ROOT/scripts/bench/hooks-bench.sh $stress ${BENCH_UNITS:-2000}"
		[ -f "$RESULTS/$name.kvm.csv" ] &&
			python3 "$PVX_ROOT/scripts/bench/kvm-exits.py" --units \
				"$RESULTS/$name.kvm.csv" "$RESULTS/$name.cmd.log" \
				"$mode" >> "$hooks_csv"
	done
fi

clock_csv=$RESULTS/clock.csv
if [[ ",$parts," = *,clock,* ]]; then
	bench_kernel=$(bash "$PVX_ROOT/scripts/build.sh" bench)
	timers=$(pvx_timer_tests)
	echo "guest,clocksource,ns_per_call,syscalls_per_1m" > "$clock_csv"
	for guest in pvx stock; do
		name=clock-kvm-$guest
		kernel=
		[ $guest = pvx ] && kernel=$bench_kernel
		bench_boot clock kvm "$name" "kvm, $guest kernel" \
			KERNEL="$kernel" GUEST="$guest" \
			CMD="sh $PVX_ROOT/scripts/bench/clock-bench.sh $timers/clock-bench ${BENCH_CALLS:-200000}"
		sed -n 's/^PVX-BENCH: clock \([^ ]*\) ns_per_call=\([0-9.?]*\) syscalls_per_1m=\([0-9]*\)$/\1,\2,\3/p' \
			"$RESULTS/$name.cmd.log" 2>/dev/null | sed "s/^/$guest,/" >> "$clock_csv" ||
			true
	done
fi

{
	echo "# pvx bench: $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores"
	echo
	echo "## Build (test kernel: guest base + Kconfig.fragment + KUnit, lockdep, UBSAN, KFENCE)"
	echo
	echo "| what | seconds | target |"
	echo "|---|---|---|"
	while IFS=, read -r what secs _ _; do
		case "$what" in
		what) continue ;;
		clean-*) target="<= 900" ;;
		incremental-*) target="<= 120" ;;
		*) target="" ;;
		esac
		echo "| $what | $secs | $target |"
	done < "$csv"
	if [ -f "$blk_csv" ]; then
		echo
		echo "## Block: fio on one disk image, same QEMU device, one run"
		echo
		echo "Kernels: pvx (the bench build, pvblk), pvx-vblk (the same tree and"
		echo "config with the in-tree virtio_blk instead: the reference), stock"
		echo "(Debian's 6.12). IOPS are the median of the repetitions (each"
		echo "repetition boots every kernel once, side by side), with their range;"
		echo "ratios are medians against pvx-vblk's on the same platform and job."
		[ -z "${before_desc:-}" ] ||
			echo "pvx-before: the bench build with drivers/pvblk/ of $before_desc."
		echo
		python3 "$PVX_ROOT/scripts/bench/blk-table.py" "$blk_csv"
		echo
		echo "![block](blk.svg)"
		echo
		echo "## L1 KVM exits (kvm platform)"
		echo
		python3 "$PVX_ROOT/scripts/bench/blk-table.py" --exits "$kvm_csv"
	fi
	if [ -f "$hooks_csv" ]; then
		echo
		echo "## pv-ops hooks: L1 KVM exits, pvx on vs pvx=off (kvm, same binary, one run)"
		echo
		python3 "$PVX_ROOT/scripts/bench/hooks-table.py" "$hooks_csv"
		echo
		echo "Hooks and their counters after each run: hooks-kvm-on.cmd.log, hooks-kvm-off.cmd.log."
	fi
	if [ -f "$clock_csv" ]; then
		echo
		echo "## Clock: clock_gettime(CLOCK_MONOTONIC) on kvm, one run per kernel"
		echo
		echo "| kernel | clocksource | ns per call | system calls per 1M calls | vs pvclock |"
		echo "|---|---|---|---|---|"
		base=$(awk -F, '$1 == "pvx" && $2 == "pvclock" { print $3 }' "$clock_csv")
		awk -F, -v base="${base:-0}" 'NR > 1 {
			r = (base > 0 && $3 + 0 > 0) ? sprintf("%.2fx", $3 / base) : "-"
			k = $1 == "pvx" ? "pvx (bench build)" : "Debian 6.12 stock"
			printf "| %s | %s | %s | %s | %s |\n", k, $2, $3, $4, r
		}' "$clock_csv"
	fi
} > "$RESULTS/report.md"
cat "$RESULTS/report.md"
echo "results: $RESULTS"
