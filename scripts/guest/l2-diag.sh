#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Runs in the nested KVM platform's L1 (chrooted into the machine's root)
# when the harness finds L2 silent: what L2 is doing, for the report of
# a hung guest. Prints, one fact per line:
#   vcpu N: rip 0xADDR rfl FLAGS hlt 0|1  (L2 QEMU's view of each vCPU)
#   vcpu N: lapic isr ... irr ...          (its local APIC)
#   kvm: COUNTER +DELTA ...                (L1 KVM's counters for L2, 5 s)
#   thread PID/TID COMM STATE WCHAN        (L2 QEMU and the console pipe)
#   tty: ...                               (L1's UARTs: L2's log is ttyS1)
# Each source may fail (a QEMU whose main loop is stuck answers nothing);
# the others are still printed. $1: L2's number of vCPUs.
smp=${1:-2}
here=$(dirname "$0")
qmp=/run/pvx-l2.qmp

hmp() { # COMMAND-LINE: the reply's text, or nothing after 15 s
	timeout 20 python3 "$here/../qmp.py" "$qmp" human-monitor-command \
		"{\"command-line\": \"$1\"}" 2>/dev/null |
		python3 -c 'import json, sys; print(json.load(sys.stdin)["return"])' 2>/dev/null
}

regs=$(hmp "info registers -a")
if [ -z "$regs" ]; then
	echo "qmp: L2's QEMU did not answer 'info registers -a'"
else
	printf '%s\n' "$regs" | tr -d '\r' | awk '
		/^CPU#/ { cpu = substr($1, 5) }
		/^RIP=/ {
			rfl = $2; sub(/^RFL=/, "", rfl)
			hlt = $NF; sub(/^HLT=/, "", hlt)
			printf "vcpu %s: rip 0x%s rfl %s hlt %s\n", cpu, substr($1, 5), rfl, hlt
		}'
	for ((i = 0; i < smp; i++)); do
		hmp "info lapic $i" | tr -d '\r' |
			awk -v c="$i" '/^(ISR|IRR)/ { s = s " " $0 } END { print "vcpu " c ": lapic" s }'
	done
fi

snap() { # the counters of every L2 VM, "NAME VALUE" lines
	local d f
	for d in /sys/kernel/debug/kvm/*-*/; do
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

for p in $(pgrep -f 'qemu-system-x86_64|kvm-sampler'); do
	for t in /proc/"$p"/task/*; do
		[ -r "$t/stat" ] || continue
		echo "thread $p/${t##*/} $(cat "$t/comm") $(awk '{ print $3 }' "$t/stat")" \
			"$(cat "$t/wchan" 2>/dev/null)"
	done
done
grep -E '^[01]:' /proc/tty/driver/serial 2>/dev/null | sed 's/^/tty: /'
