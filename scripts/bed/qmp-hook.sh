#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Carry out the QMP requests a guest prints on its console, for as long
# as the guest runs: a line "PVX-QMP: COMMAND [JSON-ARGUMENTS]" runs that
# command on QEMU's monitor and the reply goes to stdout. boot.sh runs it
# beside every guest it starts itself (PVX_LOG, PVX_QMP); on kvm the L1
# runs the same requests against L2's monitor (kvm-sampler.sh).
set -u
here=$(dirname "$0")
done_lines=0
while :; do
	mapfile -t reqs < <(tr -d '\r' < "$PVX_LOG" | sed -n 's/^PVX-QMP: //p')
	while [ "$done_lines" -lt "${#reqs[@]}" ]; do
		req=${reqs[$done_lines]}
		done_lines=$((done_lines + 1))
		python3 "$here/qmp.py" --request "$PVX_QMP" "$req" || true
	done
	sleep 1
done
