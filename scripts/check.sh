#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# make check: the boot matrix with KUnit on every platform, the boot
# assertions, and the patch series checks. Prints one "ok"/"not ok" line
# per test and ends with "N passed, N failed" alone on a line.
#
# CHECK_ONLY=matrix, clock, kexec, pvblk, nested (pvblk on kvm), cli or
# patches runs one part.
set -uo pipefail
. "$(dirname "$0")/lib.sh"

RESULTS=${RESULTS:-$PVX_RESULTS/check-$(date +%Y%m%d-%H%M%S)}
export RESULTS
mkdir -p "$RESULTS"
TAP=$RESULTS/summary.txt
: > "$TAP"
pass=0
fail=0

result() { # status name [detail]
	if [ "$1" = ok ]; then
		pass=$((pass + 1))
		printf 'ok - %s\n' "$2" | tee -a "$TAP"
	else
		fail=$((fail + 1))
		printf 'not ok - %s%s\n' "$2" "${3:+ ($3)}" | tee -a "$TAP"
	fi
}

check() { # name command...
	local name=$1
	shift
	if "$@" >> "$RESULTS/check.log" 2>&1; then
		result ok "$name"
	else
		result fail "$name" "see $RESULTS/check.log"
	fi
}

tree=$PVX_CACHE/tree
. "$PVX_ROOT/scripts/t-guest.sh"
. "$PVX_ROOT/scripts/t-pvblk.sh"
stress=$(pvx_guest_tool pvx-stress)

# One boot of the matrix and everything asserted on it.
#   matrix NAME PLATFORM "APPEND" backend hypervisor disabled_by
matrix() {
	local name=$1 platform=$2 append=$3 backend=$4 hv=$5 off=$6
	local log=$RESULTS/$name.log rc=0 want got status case ncases=0
	shift 6

	# HOOKS=MODE[:DISABLED]: the pv-ops hook tests run as the workload.
	local cmd=${CMD:-}
	if [ -n "${HOOKS:-}" ]; then
		cmd="sh $PVX_ROOT/scripts/guest/hooks-test.sh ${HOOKS%%:*} $stress ${HOOKS_SECS:-15}"
		[ "${HOOKS#*:}" = "$HOOKS" ] || cmd="$cmd ${HOOKS#*:}"
	fi
	CMD=$cmd APPEND=$append bash "$PVX_ROOT/scripts/boot.sh" "$platform" "$name" \
		> "$RESULTS/$name.out" 2>&1 || rc=$?
	last_rc=$rc
	if [ "$rc" -ne "${WANT_RC:-0}" ]; then
		result fail "$name: boots clean to init and powers off" \
			"$(grep -A8 'boot FAILED' "$RESULTS/$name.out" | tr '\n' ' ' | cut -c1-600)"
	else
		result ok "$name: boots clean to init and powers off"
	fi

	sysfs() { tr -d '\r' < "$log" | sed -n "s/^PVX-SYSFS: $1=//p" | head -n 1; }
	for want in "backend=$backend" "hypervisor=$hv" "disabled_by=$off"; do
		got=$(sysfs "${want%%=*}")
		if [ "$got" = "${want#*=}" ]; then
			result ok "$name: /sys/kernel/pvx/$want"
		else
			result fail "$name: /sys/kernel/pvx/$want" "got '${got}'"
		fi
	done
	if grep -aq "pvx: backend $backend " "$log"; then
		result ok "$name: boot log says 'pvx: backend $backend'"
	else
		result fail "$name: boot log says 'pvx: backend $backend'" \
			"$(grep -a 'pvx: backend' "$log" | head -n 1)"
	fi
	got=$(tr -d '\r' < "$log" | sed -n 's/^PVX-CPUS: //p')
	if [ "$got" = "${SMP:-2}" ]; then
		result ok "$name: ${SMP:-2} vCPUs online"
	else
		result fail "$name: ${SMP:-2} vCPUs online" "got '$got'"
	fi

	# KUnit, parsed by the kernel's own kunit.py.
	if python3 "$PVX_ROOT/scripts/ktap.py" "$tree" "$log" \
		"$RESULTS/$name.kunit.json" > "$RESULTS/$name.kunit.txt" \
		2>> "$RESULTS/check.log"; then
		while read -r status case; do
			ncases=$((ncases + 1))
			if [ "$status" = PASS ]; then
				result ok "$name: kunit $case"
			else
				result fail "$name: kunit $case" "$status"
			fi
		done < "$RESULTS/$name.kunit.txt"
	fi
	for suite in pvx_detect pvx_hooks pvx_patch; do
		if grep -q " $suite\." "$RESULTS/$name.kunit.txt" 2>/dev/null; then
			result ok "$name: kunit suite $suite ran"
		else
			result fail "$name: kunit suite $suite ran" "no KTAP for it"
		fi
	done

	if [ -n "${HOOKS:-}" ]; then
		guest_results "$name" "$RESULTS/$name.cmd.log"
		# 9 hooks reported, the stress run, 9 counter checks at least.
		local want=19
		[ "${HOOKS_SECS:-15}" = 0 ] && want=18
		if [ "$guest_tests" -ge $want ]; then
			result ok "$name: in-guest hook tests reported ($guest_tests)"
		else
			result fail "$name: in-guest hook tests reported" "$guest_tests of $want or more"
		fi
	fi
}

only=${CHECK_ONLY:-all}
stage "check: results in $RESULTS"

if [ "$only" = all ] || [ "$only" = matrix ]; then
	# native also carries a user workload: the machine's own tools run
	# in the guest, and output and exit status come back.
	CMD='echo "pvx-cmd $(cat /sys/kernel/pvx/backend) $(python3 -c "print(6*7)")"; exit 7' \
		WANT_RC=7 matrix native native "" native none none
	if [ "$last_rc" = 7 ] && grep -qx 'pvx-cmd native 42' "$RESULTS/native.cmd.log" 2>/dev/null; then
		result ok "native: CMD runs the machine's tools in the guest, output and exit status come back"
	else
		result fail "native: CMD runs the machine's tools in the guest, output and exit status come back" \
			"rc=$last_rc, output: $(head -c 200 "$RESULTS/native.cmd.log" 2>/dev/null)"
	fi

	HOOKS=native matrix native-hooks native "" native none none
	HOOKS=kvm matrix kvm kvm "" kvm kvm none
	HOOKS=kvm:eoi,steal,halt matrix kvm-disable kvm \
		"pvx.disable=eoi,steal,bogus,halt" kvm kvm none
	if grep -aq "pvx.disable: unknown hook 'bogus' ignored" "$RESULTS/kvm-disable.log"; then
		result ok "kvm-disable: an unknown pvx.disable name is reported, the boot goes on"
	else
		result fail "kvm-disable: an unknown pvx.disable name is reported, the boot goes on"
	fi
	# pvx=off: no pvclock, and the TSC cannot be calibrated under TCG, so
	# the guest times everything with the emulated HPET and crawls: the
	# hooks are checked without the stress run.
	# The exits of the emulated HPET kill the nested bed the most often
	# (up to 7 attempts seen): more attempts for this boot.
	KVM_ATTEMPTS=${KVM_ATTEMPTS:-12} HOOKS=native HOOKS_SECS=0 \
		matrix kvm-pvx-off kvm "pvx=off" native kvm pvx=off
	HOOKS=xen matrix xen xen "" xen-pv xen none
fi

# pvclock on kvm and xen: the clocksource, the vDSO, CPU hotplug, suspend
# and the kernel's own timer selftests, built from the same tree.
clock_suite() { # platform
	# exec: after the suspend at its end the 9p root is gone, and no
	# process may be left to page in from it (see clock-test.sh).
	TIMEOUT=1500 guest_workload "$1" "clock-$1" 10 \
		"boots clean, timer selftests run" clock \
		"exec sh $PVX_ROOT/scripts/guest/clock-test.sh $timers $timers/clock-bench 3 $(date +%s)"
}

# kexec on kvm: the running kernel takes its clock and steal-time areas
# back from the host (its reboot notifiers) and boots a second kernel in
# place (kexec_file_load), which must come up clean, register its own and
# run its clock on them. The second kernel's initrd carries its workload;
# the first ends its workload section itself ("PVX-CMD-END: kexec"), as it
# never returns, so that the second kernel's boot log is checked for splats.
kexec_suite() { # platform
	local name=kexec-$1 rc=0 tmp initrd=$RESULTS/kexec-$1-initrd.gz n
	tmp=$(mktemp -d)
	mkdir -p "$tmp/pvx"
	cat > "$tmp/pvx/user.sh" <<-EOF
	cs=\$(cat /sys/devices/system/clocksource/clocksource0/current_clocksource)
	echo "PVX-KEXEC: second kernel, clocksource \$cs"
	dmesg | grep -E 'pvclock: kvm: MSRs|pvx: hooks pv' | sed 's/^/PVX-KEXEC: /'
	$timers/clock-bench 100000
	EOF
	cp "$PVX_CACHE/initramfs/guest.cpio.gz" "$initrd"
	(cd "$tmp" && find pvx | cpio -o -H newc --quiet -R 0:0 | gzip -1 -n) >> "$initrd"
	rm -rf "$tmp"
	# The second kernel gets the first one's console.
	CMD="echo 'PVX-CMD-END: kexec'; exec $(pvx_guest_tool kexec-boot) $PVX_CACHE/build/test/arch/x86/boot/bzImage $initrd \"\$(grep -o 'console=[a-zA-Z0-9]*' /proc/cmdline) panic=-1\"" \
		bash "$PVX_ROOT/scripts/boot.sh" "$1" "$name" > "$RESULTS/$name.out" 2>&1 || rc=$?
	if [ "$rc" = 0 ]; then
		result ok "$name: kexec into a second kernel, both boot clean, no splat"
	else
		result fail "$name: kexec into a second kernel, both boot clean, no splat" \
			"rc=$rc; $(grep -A6 'boot FAILED' "$RESULTS/$name.out" | tr '\n' ' ' | cut -c1-400)"
	fi
	n=$(grep -ac '^PVX-INIT' "$RESULTS/$name.kernel.log")
	if [ "$n" = 2 ] &&
		grep -q '^PVX-KEXEC: second kernel, clocksource pvclock$' "$RESULTS/$name.cmd.log" &&
		grep -q 'PVX-KEXEC: .*pvclock: kvm: MSRs' "$RESULTS/$name.cmd.log" &&
		grep -q '^calls 100000 ' "$RESULTS/$name.cmd.log"; then
		result ok "$name: the second kernel registers its own pvclock areas and reads them, never back"
	else
		result fail "$name: the second kernel registers its own pvclock areas and reads them" \
			"$n kernels reached init; $(grep -E 'PVX-KEXEC|calls|kexec-boot' "$RESULTS/$name.cmd.log" | head -n 3 | tr '\n' ' ')"
	fi
}

if [ "$only" = all ] || [ "$only" = clock ]; then
	timers=$(pvx_timer_tests)
	clock_suite kvm
	clock_suite xen
fi
if [ "$only" = all ] || [ "$only" = clock ] || [ "$only" = kexec ]; then
	timers=$(pvx_timer_tests)
	kexec_suite kvm
fi

if [ "$only" = all ] || [ "$only" = pvblk ]; then
	pvblk_suite native qmp
	pvblk_poll_suite native
fi

# pvblk on the nested KVM test bed (L1 under TCG), which dies now and then
# under disk I/O: boot.sh tries a boot up to KVM_ATTEMPTS times when the
# guest itself has nothing to say about it.
if [ "$only" = all ] || [ "$only" = nested ]; then
	pvblk_suite kvm qmp
fi

if [ "$only" = all ] || [ "$only" = cli ]; then
	# Bad input: a clear message and a non-zero exit.
	refuses() { # name "expected message" command...
		local name=$1 msg=$2 out rc=0
		shift 2
		out=$("$@" 2>&1) || rc=$?
		printf '%s\n' "$out" >> "$RESULTS/check.log"
		if [ "$rc" -ne 0 ] && grep -q -- "$msg" <<< "$out"; then
			result ok "cli: $name"
		else
			result fail "cli: $name" "rc=$rc: $(tail -n 1 <<< "$out")"
		fi
	}
	refuses "unknown PLATFORM is refused" "unknown PLATFORM 'vmware'" \
		make -s -C "$PVX_ROOT" run PLATFORM=vmware
	refuses "missing KSRC is refused" "no such directory" \
		env KSRC=/nonexistent/linux bash "$PVX_ROOT/scripts/ksrc.sh"
	fake=$(mktemp -d)
	mkdir -p "$fake/arch/x86"
	printf 'VERSION = 5\nPATCHLEVEL = 10\nSUBLEVEL = 0\nkernelversion:\n\t@echo 5.10.0\n' > "$fake/Makefile"
	refuses "KSRC that is not 6.12.y is refused" "pvx is made against 6.12.y" \
		env KSRC="$fake" bash "$PVX_ROOT/scripts/ksrc.sh"
	rm -rf "$fake"
	refuses "APPEND with commas is refused on xen" "must not contain commas" \
		env APPEND=a,b bash "$PVX_ROOT/scripts/boot.sh" xen
	refuses "a guest that never reaches init fails the boot" "never reached init" \
		env APPEND=rdinit=/nonexistent TIMEOUT=120 bash "$PVX_ROOT/scripts/boot.sh" native no-init
fi

if [ "$only" = all ] || [ "$only" = patches ]; then
	check "patches: patches/ in sync with the sources" \
		bash "$PVX_ROOT/scripts/patches.sh" sync
	check "patches: series applies with git am to pristine $PVX_KPKG" \
		bash "$PVX_ROOT/scripts/patches.sh" apply
	check "patches: series applies with quilt push -a, same tree" \
		bash "$PVX_ROOT/scripts/patches.sh" quilt
	check "patches: checkpatch.pl --strict clean" \
		bash "$PVX_ROOT/scripts/patches.sh" checkpatch
	check "patches: pvx sources clean with W=1 and sparse (C=1)" \
		bash "$PVX_ROOT/scripts/build.sh" lint
	check "patches: kernel builds with CONFIG_PVX=n" \
		bash "$PVX_ROOT/scripts/build.sh" nopvx
	check "patches: kernel builds with pvx tests as modules" \
		bash "$PVX_ROOT/scripts/build.sh" modules
	for ko in pvx_detect_kunit pvblk pvblk_virtio pvblk_kunit; do
		if find "$PVX_CACHE/build/modules/mod" -name "$ko.ko" | grep -q .; then
			result ok "patches: $ko.ko built as a module"
		else
			result fail "patches: $ko.ko built as a module"
		fi
	done
	# The modules kernel, booted: pvblk loads as a module and drives a
	# disk, and the KUnit suites run as their modules load.
	rc=0
	bash "$PVX_ROOT/scripts/initramfs.sh" modules >> "$RESULTS/check.log" 2>&1 &&
	KERNEL=$PVX_CACHE/build/modules/arch/x86/boot/bzImage \
		BASE_INITRD=$PVX_CACHE/initramfs/modules.cpio.gz DISK=16M \
		CMD='readlink /sys/block/vda/device/driver; cat /sys/module/pvblk/initstate; dd if=/dev/vda of=/dev/null bs=1M count=16 iflag=direct status=none && echo read-ok' \
		bash "$PVX_ROOT/scripts/boot.sh" native modules > "$RESULTS/modules.out" 2>&1 || rc=$?
	if [ "$rc" = 0 ] && grep -q 'drivers/pvblk-virtio$' "$RESULTS/modules.cmd.log" &&
		grep -qx live "$RESULTS/modules.cmd.log" && grep -qx read-ok "$RESULTS/modules.cmd.log"; then
		result ok "modules: pvblk.ko and pvblk_virtio.ko load and drive a disk"
	else
		result fail "modules: pvblk.ko and pvblk_virtio.ko load and drive a disk" \
			"rc=$rc; $(head -c 300 "$RESULTS/modules.cmd.log" 2>/dev/null)"
	fi
	n=0
	if python3 "$PVX_ROOT/scripts/ktap.py" "$tree" "$RESULTS/modules.log" \
		"$RESULTS/modules.kunit.json" > "$RESULTS/modules.kunit.txt" 2>> "$RESULTS/check.log"; then
		n=$(grep -c . "$RESULTS/modules.kunit.txt")
	fi
	if [ "$n" -gt 0 ] && ! grep -qv '^PASS' "$RESULTS/modules.kunit.txt" &&
		grep -q ' pvblk_' "$RESULTS/modules.kunit.txt" &&
		grep -q ' pvx_detect\.' "$RESULTS/modules.kunit.txt"; then
		result ok "modules: the KUnit suites pass when loaded as modules ($n cases)"
	else
		result fail "modules: the KUnit suites pass when loaded as modules" \
			"$(grep -v '^PASS' "$RESULTS/modules.kunit.txt" 2>/dev/null | head -n 3 | tr '\n' ' ')"
	fi
	if ! grep -q '^CONFIG_PVX=y' "$PVX_CACHE/build/nopvx/.config" &&
		! grep -q 'x86_hyper_pvx' "$PVX_CACHE/build/nopvx/System.map" 2>/dev/null &&
		[ -f "$PVX_CACHE/build/nopvx/System.map" ]; then
		result ok "patches: CONFIG_PVX=n leaves no pvx code in the kernel"
	else
		result fail "patches: CONFIG_PVX=n leaves no pvx code in the kernel"
	fi
fi

stage "check: results in $RESULTS"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
