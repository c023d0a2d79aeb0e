#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Markdown tables for the block benchmark.

    blk-table.py BLK_CSV            IOPS and MB/s per job, with ratios
                                    against virtio_blk on the same platform
    blk-table.py --exits EXITS_CSV  L1 KVM exits per phase
"""
import csv
import sys


def fio_table(path):
    rows = list(csv.DictReader(open(path)))
    base = {(r["platform"], r["job"]): r for r in rows
            if r["driver"] == "virtio_blk"}
    print("| platform | driver | job | IOPS | MB/s | vs virtio_blk |")
    print("|---|---|---|---|---|---|")
    for r in rows:
        b = base.get((r["platform"], r["job"]))
        ratio = ""
        if b and float(b["iops"]) > 0:
            ratio = "%.2f" % (float(r["iops"]) / float(b["iops"]))
        print("| %s | %s | %s | %s | %.1f | %s |" % (
            r["platform"], r["driver"], r["job"], r["iops"],
            int(r["bw_kib"]) / 1024.0, ratio))


def exits_table(path):
    rows = list(csv.DictReader(open(path)))
    print("| driver | phase | exits | io | mmio | irq | halt | I/Os | exits/I/O | exits/s |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        print("| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |" % (
            r["driver"], r["phase"], r["exits"], r["io_exits"],
            r["mmio_exits"], r["irq_exits"], r["halt_exits"], r["ios"],
            r["exits_per_io"], r["exits_per_s"]))


if __name__ == "__main__":
    if sys.argv[1] == "--exits":
        exits_table(sys.argv[2])
    else:
        fio_table(sys.argv[1])
