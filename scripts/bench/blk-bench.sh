#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Block benchmark inside the guest, on the first disk (vda with virtio,
# sda with AHCI). Prints "PVX-BENCH: JOB iops=N bw_kib=N ios=N" per job,
# bracketed by "PVX-PHASE: JOB begin|end" for the KVM exit sampler.
dev=
for d in /dev/vda /dev/sda; do
	[ -b "$d" ] && { dev=$d; break; }
done
[ -n "$dev" ] || { echo "PVX-BENCH: no disk"; exit 1; }
runtime=${BENCH_RUNTIME:-10}
echo "PVX-BENCH: device $dev driver $(basename "$(readlink /sys/block/${dev#/dev/}/device/driver)")"

job() { # name rw bs iodepth
	echo "PVX-PHASE: $1 begin"
	out=$(fio --name="$1" --filename="$dev" --rw="$2" --bs="$3" \
		--iodepth="$4" --ioengine=libaio --direct=1 --time_based \
		--runtime="$runtime" --size=128M --output-format=json 2>/dev/null)
	echo "PVX-PHASE: $1 end"
	echo "$out" | python3 -c '
import json, sys
j = json.load(sys.stdin)["jobs"][0]
r = j["read"] if j["read"]["io_bytes"] else j["write"]
print("PVX-BENCH: %s iops=%.0f bw_kib=%d ios=%d" % (sys.argv[1], r["iops"], r["bw"], r["total_ios"]))
' "$1"
}

echo "PVX-PHASE: idle begin"
sleep "$runtime"
echo "PVX-PHASE: idle end"
job randread-4k-qd1 randread 4k 1
job randread-4k-qd32 randread 4k 32
job seqread-128k read 128k 8
job seqwrite-128k write 128k 8
