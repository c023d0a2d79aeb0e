#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# make run: boot the test kernel on one platform, pass the user's
# workload (CMD or SCRIPT) through, and show what pvx detected.
# Exit status: the workload's, else 0 for a clean boot; 90 for a boot
# that failed.
set -uo pipefail
. "$(dirname "$0")/lib.sh"

platform=${1:-kvm}
pvx_results run
bash "$PVX_ROOT/scripts/bed/boot.sh" "$platform"
rc=$?
log=$RESULTS/$platform.log
if [ -f "$log" ]; then
	echo "---- pvx on $platform ----"
	tr -d '\r' < "$log" | sed -n 's/^PVX-DMESG: //p' | grep -E 'pvx: ' | sed 's/^\[[^]]*\] //'
	tr -d '\r' < "$log" | sed -n 's/^PVX-SYSFS: /\/sys\/kernel\/pvx\//p'
	tr -d '\r' < "$log" | sed -n 's/^PVX-\(CPUS\|CLOCKSOURCE\): /\1: /p' | tr 'A-Z' 'a-z'
fi
echo "results: $RESULTS"
exit $rc
