#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Runs in the nested KVM platform's L1 (chrooted into the machine's root)
# when the harness finds L2 silent: what L2 is doing, for the report of
# a hung guest. Prints, one fact per line:
#   vcpu N: rip 0xADDR rfl FLAGS hlt 0|1  (L2 QEMU's view of each vCPU)
#   vcpu N: lapic ISR ... IRR ...          (its local APIC)
#   qmp: ...                               (L2's QEMU did not answer)
#   kvm: in 5 s COUNTER +DELTA ...         (L1 KVM's counters for L2)
#   thread PID/TID COMM STATE WCHAN        (L2 QEMU and the console pipe)
#   tty: ...                               (L1's UARTs: L2's log is ttyS1)
# Each source may fail (a QEMU whose main loop is stuck answers nothing);
# the others are still printed. The monitor gets 30 s in all, the whole
# diagnosis about 40: boot.sh waits 90. $1: L2's number of vCPUs.
smp=${1:-2}
here=$(dirname "$0")
cmds=("info registers -a")
for ((i = 0; i < smp; i++)); do
	cmds+=("$i:info lapic")
done
timeout 40 python3 "$here/../qmp.py" --hmp /run/pvx-l2.qmp 30 "${cmds[@]}" 2>&1 |
	tr -d '\r' | awk '
	/^hmp: no answer/ { sub(/^hmp: /, ""); print "qmp: L2 QEMU'"'"'s monitor: " $0; next }
	/^hmp: / {
		cmd = substr($0, 6)
		lapic = cmd ~ /^[0-9]+:info lapic$/ ? cmd + 0 : -1
		next
	}
	cmd == "info registers -a" && /^CPU#/ { cpu = substr($1, 5) }
	cmd == "info registers -a" && /^RIP=/ {
		rfl = $2; sub(/^RFL=/, "", rfl)
		hlt = $NF; sub(/^HLT=/, "", hlt)
		printf "vcpu %s: rip 0x%s rfl %s hlt %s\n", cpu, substr($1, 5), rfl, hlt
	}
	lapic >= 0 && /^(ISR|IRR)/ { gsub(/\t/, " "); l[lapic] = l[lapic] " " $0 }
	END { for (c in l) print "vcpu " c ": lapic" l[c] }'

# L1's VM that never runs (see l1-init) is not L2.
keeper=$(cat /run/pvx-keeper.pid 2>/dev/null)
snap() { # the counters of every L2 VM, "NAME VALUE" lines
	local d f
	for d in /sys/kernel/debug/kvm/*-*/; do
		[ -n "$keeper" ] && [[ "$d" = */"$keeper"-*/ ]] && continue
		for f in exits halt_exits halt_wakeup io_exits mmio_exits irq_exits \
			 hypercalls irq_injections nmi_injections signal_exits; do
			[ -r "$d$f" ] && echo "$f $(cat "$d$f")"
		done
	done
}
snap > /run/pvx-diag.0
sleep 5
snap > /run/pvx-diag.1
paste -d ' ' /run/pvx-diag.0 /run/pvx-diag.1 |
	awk '{ s = s sprintf(" %s +%d", $1, $4 - $2) } END { print "kvm: in 5 s" s }'

for p in /proc/[0-9]*; do
	[ "${p#/proc/}" = "$keeper" ] && continue
	case "$(tr '\0' ' ' < "$p/cmdline" 2>/dev/null)" in
	qemu-system-x86_64\ * | *kvm-sampler.sh*) ;;
	*) continue ;;
	esac
	for t in "$p"/task/*; do
		[ -r "$t/stat" ] || continue
		echo "thread ${p#/proc/}/${t##*/} $(cat "$t/comm") $(awk '{ print $3 }' "$t/stat")" \
			"$(cat "$t/wchan" 2>/dev/null)"
	done
done
grep -E '^[01]:' /proc/tty/driver/serial 2>/dev/null | sed 's/^/tty: /'
