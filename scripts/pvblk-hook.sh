#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Host side of the pvblk QMP tests (boot.sh HOOK): when the guest says it
# is ready, grow vda to 128 MiB, then unplug it.
set -u
here=$(dirname "$0")
wait_for() {
	local i
	for i in $(seq 400); do
		grep -aq "^$1" "$PVX_LOG" && return 0
		sleep 1
	done
	echo "never saw $1"
	return 1
}
wait_for PVX-READY-RESIZE &&
	python3 "$here/qmp.py" "$PVX_QMP" block_resize '{"device": "disk0", "size": 134217728}'
wait_for PVX-READY-UNPLUG &&
	python3 "$here/qmp.py" "$PVX_QMP" device_del '{"id": "vdisk0"}'
