#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Markdown tables for the block benchmark.

    blk-table.py BLK_CSV            IOPS and MB/s per kernel, driver and
                                    job: the median of the repetitions,
                                    their range, and the ratio of medians
                                    against pvx-vblk (the in-tree
                                    virtio_blk of the same tree)
    blk-table.py --exits EXITS_CSV  L1 KVM exits per phase, medians
"""
import csv
import statistics
import sys

REF = ("pvx-vblk", "virtio_blk")


def groups(rows, key):
    """Rows grouped by key(row), in the order they first appear."""
    out = {}
    for r in rows:
        out.setdefault(key(r), []).append(r)
    return out


def fio_table(path):
    rows = list(csv.DictReader(open(path)))
    g = groups(rows, lambda r: (r["platform"], r["job"], r["kernel"], r["driver"]))
    med = {k: statistics.median(float(r["iops"]) for r in v) for k, v in g.items()}
    print("| platform | job | kernel | driver | runs | IOPS (median) | range | MB/s | vs pvx-vblk |")
    print("|---|---|---|---|---|---|---|---|---|")
    for k, v in sorted(g.items(), key=lambda kv: (kv[0][0], kv[0][1])):
        iops = [float(r["iops"]) for r in v]
        base = med.get((k[0], k[1]) + REF)
        ratio = "%.2f" % (med[k] / base) if base else "-"
        mbs = statistics.median(int(r["bw_kib"]) for r in v) / 1024.0
        print("| %s | %s | %s | %s | %d | %.0f | %.0f-%.0f | %.1f | %s |" % (
            k[0], k[1], k[2], k[3], len(v), med[k], min(iops), max(iops),
            mbs, ratio))


def exits_table(path):
    rows = list(csv.DictReader(open(path)))
    g = groups(rows, lambda r: (r["kernel"], r["driver"], r["phase"]))
    print("| kernel | driver | phase | runs | exits/I/O (median) | range | exits/s (median) | io | mmio | irq | halt |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")

    def num(x):
        try:
            return float(x)
        except ValueError:
            return None

    for k, v in g.items():
        epi = [x for x in (num(r["exits_per_io"]) for r in v) if x is not None]
        eps = [x for x in (num(r["exits_per_s"]) for r in v) if x is not None]
        cols = [statistics.median(int(r[c]) for r in v)
                for c in ("io_exits", "mmio_exits", "irq_exits", "halt_exits")]
        print("| %s | %s | %s | %d | %s | %s | %s | %s |" % (
            k[0], k[1], k[2], len(v),
            "%.2f" % statistics.median(epi) if epi else "-",
            "%.2f-%.2f" % (min(epi), max(epi)) if epi else "-",
            "%.0f" % statistics.median(eps) if eps else "-",
            " | ".join("%.0f" % c for c in cols)))


if __name__ == "__main__":
    if sys.argv[1] == "--exits":
        exits_table(sys.argv[2])
    else:
        fio_table(sys.argv[1])
