#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Runs in the nested KVM platform's L1 (chrooted into the machine's root):
# copies L2's console from stdin to stdout and, at every line
# "PVX-PHASE: NAME begin|end" the guest prints, appends L1 KVM's counters
# for the running L2 VM (debugfs /sys/kernel/debug/kvm/<pid>-<fd>/) to
# the CSV file $1 as: phase,event,counter,value. L1's counters count only
# VMs that still exist, so they must be read while L2 runs. A line
# "PVX-QMP: COMMAND ARGS" runs that command on L2's monitor ($2), its
# reply going to NAME.qmp.log beside the CSV. At L2's first kernel
# complaint (lib.sh's PVX_SPLATS) it takes a snapshot of L1's KVM trace,
# what L1 injected just before, which l1-init prints, and notes the line
# in /run/pvx-trace-snapshot.
csv=$1
qmp=${2:-/run/pvx-l2.qmp}
here=$(dirname "$0")
# shellcheck source=scripts/lib.sh
. "$here/../../lib.sh"
tr=
for d in /sys/kernel/tracing /sys/kernel/debug/tracing; do
	[ -w "$d/snapshot" ] && tr=$d && break
done
snapped=
echo "phase,event,counter,value" > "$csv"
# L1's VM that never runs (see l1-init) is not L2.
keeper=$(cat /run/pvx-keeper.pid 2>/dev/null)
snapshot() { # phase event
	local d f
	for d in /sys/kernel/debug/kvm/*-*/; do
		[ -d "$d" ] || continue
		[ -n "$keeper" ] && [[ "$d" = */"$keeper"-*/ ]] && continue
		for f in exits io_exits mmio_exits halt_exits irq_exits \
			 hypercalls irq_injections nmi_injections \
			 insn_emulation signal_exits request_irq_exits \
			 host_state_reload irq_window_exits nmi_window_exits; do
			[ -r "$d$f" ] && echo "$1,$2,$f,$(cat "$d$f")"
		done
	done >> "$csv"
}
while IFS= read -r line; do
	printf '%s\n' "$line"
	case "$line" in
	PVX-PHASE:*)
		read -r phase event _ <<< "${line#PVX-PHASE: }"
		snapshot "$phase" "${event%$'\r'}"
		;;
	PVX-QMP:*)
		# The reply beside the CSV, as boot.sh's qmp-hook.sh keeps
		# those of the guests it starts itself (NAME.qmp.log).
		python3 "$here/../qmp.py" --request "$qmp" "${line#PVX-QMP: }" \
			>> "${csv%.kvm.csv}.qmp.log" 2>&1 &
		;;
	*)
		if [ -z "$snapped" ] && [ -n "$tr" ] &&
		   [[ $line =~ \[\ *[0-9]+\.[0-9]{6}\] ]] && [[ $line =~ $PVX_SPLATS ]]; then
			snapped=1
			if echo 1 > "$tr/snapshot"; then
				printf '%s\n' "${line%$'\r'}" > /run/pvx-trace-snapshot
			fi
		fi
		;;
	esac
done
