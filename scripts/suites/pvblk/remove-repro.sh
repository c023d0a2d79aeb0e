#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# PCI remove of a pvblk disk from inside the guest during fio randread,
# N times, a PCI rescan between: whether fio ends, and where it is when
# it does not (its output, processes, stacks, 2 s of strace, sysrq-w).
# E.g. make run PLATFORM=native DISK=8M:ro \
#   CMD='sh /path/to/scripts/suites/pvblk/remove-repro.sh 10'
N=${1:-20}
alive() { [ -d /proc/$1 ] && ! grep -q ') Z ' /proc/$1/stat 2>/dev/null; }
disk() { for b in /sys/block/vd*; do [ -e "$b" ] && basename "$b"; done | head -n 1; }
fails=0
i=0
while [ $i -lt "$N" ]; do
	i=$((i + 1))
	d=$(disk)
	[ -n "$d" ] || { echo "rm: run $i: no disk"; break; }
	pci=$(basename "$(readlink -f /sys/block/$d/device/..)")
	fio --name=u --filename=/dev/$d --rw=randread --bs=4k --ioengine=libaio \
		--iodepth=16 --direct=1 --time_based --runtime=60 > /tmp/fio.out 2>&1 &
	fp=$!
	sleep 3
	r0=$(cat /sys/block/$d/pvblk/requests 2>/dev/null)
	echo 1 > /sys/bus/pci/devices/$pci/remove &
	rp=$!
	j=0
	while alive $fp && [ $j -lt 12 ]; do sleep 1; j=$((j + 1)); done
	if alive $fp; then
		fails=$((fails + 1))
		echo "rm: run $i: fio still running after ${j}s on $d ($pci), requests before remove: $r0"
		alive $rp && echo "rm: the remove is still running"
		sed 's/^/rm: fio.out: /' /tmp/fio.out | tail -n 15
		ps -o pid,ppid,stat,args | grep -E 'fio|PID' | sed 's/^/rm: ps: /'
		for jp in $(pgrep fio); do timeout 2 strace -p $jp 2>&1 | head -n 6 | sed "s/^/rm: strace $jp: /"; done
		for t in $(pgrep fio | sed 's|^|/proc/|') /proc/$rp; do
			echo "rm: stack of $t ($(cat $t/comm 2>/dev/null)) $(cut -d' ' -f3 $t/stat 2>/dev/null)"
			cat $t/stack 2>/dev/null | sed 's/^/rm:   /'
		done
		ls /sys/block
		grep . /sys/block/$d/pvblk/* 2>/dev/null | sed 's/^/rm: /'
		grep . /sys/block/$d/inflight 2>/dev/null | sed 's/^/rm: inflight /'
		echo w > /proc/sysrq-trigger
		kill -9 $(pgrep fio) 2>/dev/null
		sleep 5
		alive $fp && echo "rm: fio still alive after kill -9"
	else
		echo "rm: run $i: fio ended after ${j}s: $(grep -m1 -E 'err=|error' /tmp/fio.out)"
	fi
	wait $rp
	echo 1 > /sys/bus/pci/rescan
	sleep 2
done
echo "rm: $fails of $i stuck"
