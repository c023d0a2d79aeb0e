#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Markdown tables of L1 KVM exits, pvx on vs pvx=off, from bench.sh.

    hooks-table.py HOOKS_CSV

HOOKS_CSV rows: pvx,phase,<counters>,units,seconds,exits_per_unit,
exits_per_s (kvm-exits.py --units, prefixed with "on" or "off"). The
first table gives total exits per unit of work (per second for idle) and
the ratio on/off; the second the exits per unit by reason.
"""
import csv
import sys

UNIT = {
    "idle": "second idle",
    "ipi": "ping-pong round trip",
    "tlb": "mmap/mprotect/munmap round",
    "callfunc": "membarrier",
    "timer": "100 us sleep",
}
REASONS = ["io_exits", "mmio_exits", "irq_exits", "halt_exits", "hypercalls",
           "irq_window_exits", "insn_emulation"]


def per_unit(row, counter):
    n = float(row["units"])
    return float(row[counter]) / n if n else 0.0


def main():
    rows = {}
    phases = []
    with open(sys.argv[1]) as f:
        for row in csv.DictReader(f):
            rows[(row["pvx"], row["phase"])] = row
            if row["phase"] not in phases:
                phases.append(row["phase"])
    print("| workload | unit | exits/unit pvx on | exits/unit pvx=off | on/off | units/s on | units/s off |")
    print("|---|---|---|---|---|---|---|")
    for p in phases:
        on, off = rows.get(("on", p)), rows.get(("off", p))
        if not on or not off:
            continue
        a, b = per_unit(on, "exits"), per_unit(off, "exits")
        ra = float(on["units"]) / float(on["seconds"])
        rb = float(off["units"]) / float(off["seconds"])
        print("| %s | %s | %.1f | %.1f | %s | %.0f | %.0f |" % (
            p, UNIT.get(p, "unit"), a, b,
            "%.2f" % (a / b) if b else "-", ra, rb))
    print()
    print("Exits per unit by reason (on / off):")
    print()
    print("| workload | " + " | ".join(REASONS) + " |")
    print("|---|" + "---|" * len(REASONS))
    for p in phases:
        on, off = rows.get(("on", p)), rows.get(("off", p))
        if not on or not off:
            continue
        cells = ["%.1f / %.1f" % (per_unit(on, r), per_unit(off, r))
                 for r in REASONS]
        print("| %s | %s |" % (p, " | ".join(cells)))


if __name__ == "__main__":
    main()
