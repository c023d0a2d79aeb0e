#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# How often the nested KVM test bed fails, per bed variant and workload:
# boots the test kernel on kvm N times for each pair, one attempt each
# (KVM_ATTEMPTS=1), and counts the boots that did not end cleanly, with
# their causes as boot.sh names them.
#
#   bed-trial.sh [N]     N boots per variant and workload (default 10)
#
# VARIANTS (default "default"): any of
#   default      the bed as make check runs most kvm boots (kvm_amd npt=0
#                in L1; L1 with one vCPU, which L2's vCPUs share, and
#                which polls when idle)
#   l1-2cpu      L1 with two vCPUs, halting when idle, which patches its
#                code on one CPU (the default before 2026-12-01; make
#                check's clock-kvm boot)
#   npt1         kvm_amd npt=1 in L1 (L2 on nested paging, which L0's
#                TCG emulates)
#   tcg-single   L0's TCG on one thread (-accel tcg,thread=single)
#   l1-1cpu      L1 with one vCPU that halts when idle (as measured on
#                2026-11-30)
#   l1-smp-patch L1 with two vCPUs, patching its code with both online
#                (the default before 2026-11-30: BED_L1_ONE_CPU_PATCH=0)
#   l1-epyc      L1's CPU model EPYC-v4 instead of max
#   qemu-debian  L0 is Debian's own QEMU 7.2, without pvx's fixes
#                (scripts/bed/qemu.sh)
#   qemu10       L0 is QEMU 10.0 from bookworm-backports (unpacked under
#                PVX_CACHE, see pvx_qemu_bpo) instead of Debian's 7.2
#   qemu10-npt1  both
#   l1-6.1       L1 runs bookworm's own 6.1 kernel instead of 6.12
#   l1-notscdl   L1 with two vCPUs, halting, never using the TSC deadline
#                mode of its local APIC timer (lapic=notscdeadline): an
#                L1 was seen with both vCPUs halted and no timer
#                interrupt for 5 minutes
#   l1-idle-poll L1 with two vCPUs that never halt (idle=poll; both of
#                this machine's CPUs stay busy)
# Variants other than these L1 ones run on the default L1 (one polling
# vCPU since 2026-12-01; two halting vCPUs before).
# WORKLOADS (default "idle fio stress"): idle (20 s of sleep), fio (60 s
# of 4k random read/write, iodepth 32, on a scratch disk), stress
# (pvx-stress for 30 s on every CPU), suspend (pvblk-test.sh suspend:
# the guest suspended with pm_test "core" while writers keep a pvblk disk
# busy, KUnit left out; the verdict is the boot's, not the suite's).
# Writes RESULTS/bed-trial.csv (variant,workload,boot,verdict) and a
# Markdown table, RESULTS/bed-trial.md.
set -uo pipefail
. "$(dirname "$0")/../lib.sh"

n=${1:-10}
[[ "$n" =~ ^[1-9][0-9]*$ ]] || die "N=$n: want a number of boots"
pvx_results bed-trial
csv=$RESULTS/bed-trial.csv
echo "variant,workload,boot,verdict" > "$csv"
stress=$(pvx_guest_tool pvx-stress)

variant_env() { # variant
	case "$1" in
	default) echo "" ;;
	tcg-single) echo "BED_TCG=single" ;;
	npt1) echo "BED_NPT=1" ;;
	l1-1cpu) echo "BED_L1_SMP=1 BED_L1_IDLE=halt" ;;
	l1-2cpu) echo "BED_L1_SMP=2" ;;
	l1-smp-patch) echo "BED_L1_SMP=2 BED_L1_ONE_CPU_PATCH=0" ;;
	l1-epyc) echo "BED_L1_CPU=EPYC-v4,-pku,-xsave" ;;
	qemu-debian) echo "BED_QEMU=qemu-system-x86_64" ;;
	qemu10) echo "BED_QEMU=$(pvx_qemu_bpo)" ;;
	qemu10-npt1) echo "BED_QEMU=$(pvx_qemu_bpo) BED_NPT=1" ;;
	l1-notscdl) echo "BED_L1_SMP=2 BED_L1_APPEND=lapic=notscdeadline" ;;
	l1-idle-poll) echo "BED_L1_SMP=2 BED_L1_IDLE=poll" ;;
	l1-6.1)
		BED_L1_KERNEL=6.1 bash "$PVX_ROOT/scripts/deps.sh" >&2 || die "deps for $1"
		echo "BED_L1_KERNEL=6.1" ;;
	*) die "unknown variant '$1'" ;;
	esac
}

for v in ${VARIANTS:-default}; do
	venv=$(variant_env "$v") || exit 1
	for w in ${WORKLOADS:-idle fio stress}; do
		case "$w" in
		idle) wenv=(CMD="sleep 20") ;;
		fio) wenv=(DISK=64M CMD="fio --name=bed --filename=/dev/vda --rw=randrw --bs=4k --iodepth=32 --ioengine=libaio --direct=1 --time_based --runtime=60 > /dev/null; echo fio rc=\$?") ;;
		stress) wenv=(CMD="$stress 30 | tail -n 1") ;;
		suspend)
			wenv=(DISK=64M,64M APPEND="kunit.enable=0"
				CMD="export KTAP_HELPERS=$PVX_CACHE/tree/tools/testing/selftests/kselftest/ktap_helpers.sh BLK_SUSPEND=$(pvx_guest_tool blk-suspend -static); exec sh $PVX_ROOT/scripts/suites/pvblk/pvblk-test.sh suspend") ;;
		*) die "unknown workload '$w'" ;;
		esac
		for ((i = 1; i <= n; i++)); do
			name=$v-$w-$i
			# shellcheck disable=SC2086
			env $venv "${wenv[@]}" KVM_ATTEMPTS=1 \
				bash "$PVX_ROOT/scripts/bed/boot.sh" kvm "$name" > "$RESULTS/$name.out" 2>&1
			verdict=$(cut -d: -f2- "$RESULTS/$name.attempts" 2>/dev/null | sed 's/^ //' | head -n 1)
			# A clean end with a kernel complaint in the log.
			[ -z "$verdict" ] && grep -q 'kernel reported problems' "$RESULTS/$name.verdict" 2>/dev/null &&
				verdict="kernel complaint"
			verdict=${verdict:-clean end}
			echo "$v,$w,$i,\"$verdict\"" >> "$csv"
			stage "bed-trial: $name: $verdict"
			rm -f "$RESULTS/$name"-disk*.img
		done
	done
done

{
	echo "| variant | workload | boots | failed | causes |"
	echo "|---|---|---|---|---|"
	python3 - "$csv" <<'PY'
import csv, sys, collections, re
rows = list(csv.DictReader(open(sys.argv[1])))
groups = collections.OrderedDict()
for r in rows:
    groups.setdefault((r["variant"], r["workload"]), []).append(r["verdict"])
for (v, w), verdicts in groups.items():
    bad = [x for x in verdicts if x != "clean end"]
    # One cause per kind: without the diagnosis, the detail and the time stamp.
    causes = collections.Counter(re.sub(r"\[ *[0-9.]+\] ", "", re.split(r"; L[01] saw:", b)[0].split(" (")[0])
                                 for b in bad)
    print("| %s | %s | %d | %d | %s |" % (v, w, len(verdicts), len(bad),
          "; ".join("%s: %d" % kv for kv in causes.items()) or "-"))
PY
} > "$RESULTS/bed-trial.md"
cat "$RESULTS/bed-trial.md"
