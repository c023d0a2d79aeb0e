#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Per-phase L1 KVM exit counts from kvm-sampler.sh's CSV.

    kvm-exits.py KVM_CSV CMD_LOG PREFIX

Prints CSV rows PREFIX,phase,exits,io_exits,mmio_exits,irq_exits,
halt_exits,ios,exits_per_io,exits_per_s: the counter deltas between a
phase's begin and end, the I/Os fio reported for it (PVX-BENCH lines in
CMD_LOG) and the phase's length from BENCH_RUNTIME (default 10 s).
"""
import csv
import os
import re
import sys

COUNTERS = ["exits", "io_exits", "mmio_exits", "irq_exits", "halt_exits"]


def main():
    kvm_csv, cmd_log, prefix = sys.argv[1:4]
    runtime = float(os.environ.get("BENCH_RUNTIME", "10"))
    snap = {}
    order = []
    with open(kvm_csv) as f:
        for row in csv.DictReader(f):
            key = (row["phase"], row["event"])
            d = snap.setdefault(key, {})
            d[row["counter"]] = d.get(row["counter"], 0) + int(row["value"])
            if row["phase"] not in order:
                order.append(row["phase"])
    ios = {}
    with open(cmd_log, errors="replace") as f:
        for line in f:
            m = re.match(r"PVX-BENCH: (\S+) iops=\d+ bw_kib=\d+ ios=(\d+)", line)
            if m:
                ios[m.group(1)] = int(m.group(2))
    for phase in order:
        b, e = snap.get((phase, "begin")), snap.get((phase, "end"))
        if not b or not e:
            continue
        delta = [e.get(c, 0) - b.get(c, 0) for c in COUNTERS]
        n = ios.get(phase, 0)
        per_io = "%.2f" % (delta[0] / n) if n else ""
        print(",".join([prefix, phase] + [str(x) for x in delta] +
                       [str(n) if n else "", per_io,
                        "%.0f" % (delta[0] / runtime)]))


if __name__ == "__main__":
    main()
