#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# What ended a boot, and whether it may be tried again: sourced by boot.sh
# (and by check.sh's self-test, on made-up logs). The boot's files are
# RESULTS/NAME.*; the caller sets RESULTS, name, platform, log (this
# attempt's console), work (a scratch dir), KERNEL, and verdict (boot.sh's
# run_once: "done", "QEMU exited before the guest was done", "the guest
# hung ...", "L1 stalled ...", "the test bed failed", "timeout ...",
# "stopped at the deadline ..."). It sets cause and bed for its caller.
# shellcheck disable=SC2154,SC2034

# L1's own log proves that the nested test bed failed (not the guest):
# its kernel complains (a line with a printk time stamp, so nothing the
# harness echoes there counts).
L1_FAILED='^\[ *[0-9]+\.[0-9]+\] .*(Kernel panic|Oops|\bBUG:|WARNING:|general protection fault|rcu.*(stall|starved)|soft lockup|hard LOCKUP|INFO: task .* blocked)'
# Of those, a WARN in L1's KVM code (its file or its modules).
L1_KVM_WARN='WARNING: .* at (arch/x86/kvm/|virt/kvm/)|WARNING: .*\[kvm(_amd|_intel)?\]'

# What L1 found a silent L2 doing, in one line: each vCPU's place
# (symbolized), whether it halts and its local APIC's ISR and IRR, whether
# L2 still exits to L1, whether L2's QEMU answered, and its threads or the
# console pipe's that sleep uninterruptibly or in a tty or a write.
l1_diag_summary() {
	local l1log=$RESULTS/$name.l1.log line out=
	grep -aq '^L1: diag begin' "$l1log" 2>/dev/null || { echo "L1 gave no diagnosis"; return; }
	while IFS= read -r line; do
		out+="${out:+; }$(pvx_symbolize "$line")"
	done < <(tr -d '\r' < "$l1log" | tr '\t' ' ' | tr -s ' ' |
		sed -n -e 's/^L1: diag: \(vcpu [0-9]*: .*\)/\1/p' -e 's/^L1: diag: \(qmp: .*\)/\1/p' \
			-e 's/^L1: diag: \(kvm: .*\)/\1/p' \
			-e 's/^L1: diag: \(thread .* \(D .*\|.*tty.*\|.*write.*\)\)$/\1/p')
	echo "${out:-an empty diagnosis}"
}

# This attempt's console, early console first.
console_raw() {
	local logs=("$log")
	[ -f "$RESULTS/$name.early.log" ] && logs=("$RESULTS/$name.early.log" "$log")
	cat "${logs[@]}" | tr -d '\r'
}

# This attempt's console lines, not Xen's own.
console_lines() {
	console_raw | grep -av '^(XEN)'
}

# The complaints in this attempt's logs (the kernel's and, on xen, Xen's:
# see pvx_splats), into $work/splats. True when there is one.
scan_splats() {
	console_raw | pvx_splats > "$work/splats" || true
	[ -s "$work/splats" ]
}

# "... 0xADDR ..." with ADDR as symbol+offset of the kernel under test,
# where its System.map is beside it.
pvx_symbolize() { # text
	local map
	map=$(dirname "$KERNEL")/../../../System.map
	[ -f "$map" ] || { printf '%s\n' "$1"; return; }
	python3 - "$map" "$1" <<-'EOF'
	import bisect, re, sys
	syms = sorted((int(l.split()[0], 16), l.split()[2]) for l in open(sys.argv[1]))
	keys = [a for a, _ in syms]
	def name(m):
	    v = int(m.group(0), 16)
	    i = bisect.bisect_right(keys, v) - 1
	    if i < 0 or v - keys[i] > 0x100000:
	        return m.group(0)
	    return "%s %s+%#x" % (m.group(0), syms[i][1], v - keys[i])
	print(re.sub(r"0xffffffff[0-9a-f]{8}", name, sys.argv[2], count=1))
	EOF
}

# L0's diagnosis in one line ("; L0 saw: ..."), where there is one.
l0_diag_summary() {
	local l
	l=$(sed -n 's/^summary: //p' "$RESULTS/$name.l0-diag" 2>/dev/null | cut -c1-400)
	[ -z "$l" ] || printf '; L0 saw: %s (all of it in %s)' "$l" "$RESULTS/$name.l0-diag"
}

# Why a boot that did not end cleanly ended: sets cause, and bed=1 when
# L1's own log proves the nested test bed failed (the only case that is
# tried again).
classify() {
	local l1log=$RESULTS/$name.l1.log l2q=$RESULTS/$name.l2-qemu.log what st
	cause=$verdict bed=
	[ "$verdict" = "done" ] && cause="clean end" && return
	if grep -aq 'Guest crashed' "$l2q" 2>/dev/null; then
		cause="the guest kernel panicked (reported through pvpanic)"
		return
	fi
	if grep -aq 'Kernel panic - not syncing' "$log"; then
		cause="the guest kernel panicked"
		return
	fi
	[ "$platform" = kvm ] || return 0
	# L1's complaints before the harness asked it about a silent L2: a
	# complaint during the diagnosis is not why L2 fell silent.
	what=$(sed '/^L1: diag begin/q' "$l1log" 2>/dev/null | grep -aE "$L1_FAILED" |
		head -n 1 | tr -d '\r' | cut -c1-160) || true
	case "$verdict" in "L1 stalled"*) what=${what:-$verdict} ;; esac
	# A WARN in L1's KVM may be the guest's doing (KVM warns on states a
	# guest can reach): the guest's failure until shown otherwise.
	if echo "$what" | grep -qE "$L1_KVM_WARN"; then
		cause="L1's KVM warned, perhaps at the guest's doing: '$what' (not the bed's failure for sure; see $l1log)"
		return
	fi
	if [ -n "$what" ]; then
		bed=1
		cause="the test bed failed: L1 says '$what'$(l0_diag_summary)"
		return
	fi
	st=$(sed -n 's/^L1: L2 QEMU exit status \([0-9]*\).*/\1/p' "$l1log" 2>/dev/null | tail -n 1) || true
	# L1's trace of its KVM exits: a shutdown exit is a triple fault.
	what=$(sed -n 's/.*kvm_exit: vcpu \([0-9]*\) reason shutdown rip \(0x[0-9a-f]*\).* intr_info \(0x[0-9a-f]*\).*/vCPU \1 at \2, intr_info \3/p' \
		"$l1log" 2>/dev/null | tail -n 1) || true
	case "$verdict" in
	"the guest hung"* | "timeout after"*)
		cause="$verdict; L1 saw: $(l1_diag_summary) (all of it in $l1log)" ;;
	"QEMU exited before the guest was done")
		if [ -z "$st" ] && grep -aq 'Triple fault' "$RESULTS/$name.l0-qemu.log" 2>/dev/null; then
			# L0's QEMU saw L1 itself triple-fault: L1 died, not L2.
			bed=1
			cause="the test bed failed: L1 triple-faulted (L0 QEMU's log, $RESULTS/$name.l0-qemu.log)"
		elif [ -z "$st" ] && grep -aq '^L1: cannot run L2: ' "$l1log" 2>/dev/null; then
			# L1's own setup failed (l1-init): named, never the bed's.
			cause="$(grep -a -m 1 '^L1: cannot run L2: ' "$l1log" | tr -d '\r' | cut -c1-200) (see $l1log)"
		elif [ -z "$st" ]; then
			cause="L1 ended before L2 did, without a word (see $l1log)"
		elif [ "$st" != 0 ]; then
			cause="L2's QEMU failed (exit status $st): $(grep -a -m 2 -E '^qemu-system|KVM|error' "$log" |
				tr -d '\r' | tr '\n' ' ' | cut -c1-200)"
		elif [ -n "$what" ]; then
			cause="the guest triple-faulted: $(pvx_symbolize "$what" || echo "$what") (L1's KVM trace in $l1log)"
		else
			cause="the guest stopped without a clean end and without a panic (L2 QEMU exit status 0: a reset or shutdown; see $l2q)"
		fi ;;
	esac
}

# Whether the boot may be tried again after this attempt (classify first):
# only when L1's own log proved the bed failed, attempts are left, and the
# guest had neither complained nor failed a test first; those are the
# guest's failures, whatever the bed did after.
may_retry() { # attempt max
	local n
	[ -n "$bed" ] && [ "$1" -lt "$2" ] || return 1
	scan_splats && return 1
	# Counted, not grep -q: under pipefail an early match would kill
	# console_raw with SIGPIPE and fail the pipeline.
	n=$(console_raw | grep -acE '^(\[ *[0-9]+\.[0-9]+\] )? *not ok [0-9]+( |$)') || true
	[ "${n:-0}" = 0 ]
}
