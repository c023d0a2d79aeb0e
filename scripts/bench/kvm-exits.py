#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Per-phase L1 KVM exit counts from kvm-sampler.sh's CSV.

    kvm-exits.py KVM_CSV CMD_LOG PREFIX

Prints CSV rows PREFIX,phase,exits,io_exits,mmio_exits,irq_exits,
halt_exits,ios,exits_per_io,exits_per_s: the counter deltas between a
phase's begin and end, the I/Os fio reported for it (PVX-BENCH lines in
CMD_LOG) and the phase's length from BENCH_RUNTIME (default 10 s).

"--units-header COLUMN" prints the header of those rows, COLUMN naming
the prefix. With --units, phases report "PVX-UNITS: PHASE UNITS SECONDS" instead
(a fixed workload), and the rows are PREFIX,phase,<every counter>,units,
seconds,exits_per_unit,exits_per_s.
"""
import csv
import os
import re
import sys

COUNTERS = ["exits", "io_exits", "mmio_exits", "irq_exits", "halt_exits"]


ALL = ["exits", "io_exits", "mmio_exits", "irq_exits", "halt_exits",
       "hypercalls", "irq_injections", "irq_window_exits", "insn_emulation",
       "signal_exits", "request_irq_exits"]


def read_snaps(kvm_csv):
    snap = {}
    order = []
    with open(kvm_csv) as f:
        for row in csv.DictReader(f):
            key = (row["phase"], row["event"])
            d = snap.setdefault(key, {})
            d[row["counter"]] = d.get(row["counter"], 0) + int(row["value"])
            if row["phase"] not in order:
                order.append(row["phase"])
    return snap, order


def read_marks(cmd_log, pattern):
    """Each phase's numbers from the guest's PVX-* lines matching pattern."""
    marks = {}
    with open(cmd_log, errors="replace") as f:
        for line in f:
            m = re.match(pattern, line)
            if m:
                marks[m.group(1)] = m.groups()[1:]
    return marks


def phase_deltas(kvm_csv, counters):
    """(phase, [end - begin per counter]) for each phase with both marks."""
    snap, order = read_snaps(kvm_csv)
    for phase in order:
        b, e = snap.get((phase, "begin")), snap.get((phase, "end"))
        if b and e:
            yield phase, [e.get(c, 0) - b.get(c, 0) for c in counters]


def units_main(kvm_csv, cmd_log, prefix):
    units = read_marks(cmd_log, r"PVX-UNITS: (\S+) (\d+) ([0-9.]+)")
    for phase, delta in phase_deltas(kvm_csv, ALL):
        if phase not in units:
            continue
        n, secs = int(units[phase][0]), float(units[phase][1])
        print(",".join([prefix, phase] + [str(x) for x in delta] +
                       [str(n), "%.3f" % secs,
                        "%.2f" % (delta[0] / n) if n else "",
                        "%.0f" % (delta[0] / secs) if secs else ""]))


def main():
    if sys.argv[1] == "--units-header":
        print(",".join([sys.argv[2], "phase"] + ALL +
                       ["units", "seconds", "exits_per_unit", "exits_per_s"]))
        return
    if sys.argv[1] == "--units":
        units_main(*sys.argv[2:5])
        return
    kvm_csv, cmd_log, prefix = sys.argv[1:4]
    runtime = float(os.environ.get("BENCH_RUNTIME", "10"))
    ios = read_marks(cmd_log, r"PVX-BENCH: (\S+) iops=\d+ bw_kib=\d+ ios=(\d+)")
    for phase, delta in phase_deltas(kvm_csv, COUNTERS):
        n = int(ios[phase][0]) if phase in ios else 0
        per_io = "%.2f" % (delta[0] / n) if n else ""
        print(",".join([prefix, phase] + [str(x) for x in delta] +
                       [str(n) if n else "", per_io,
                        "%.0f" % (delta[0] / runtime)]))


if __name__ == "__main__":
    main()
