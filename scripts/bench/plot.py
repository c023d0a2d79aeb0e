#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Grouped bar chart (SVG, no dependencies) of the block benchmark.

    plot.py BLK_CSV OUT_SVG

One group per platform and job, one bar per kernel and driver: the
median IOPS of the repetitions, normalised to that of the in-tree
virtio_blk of the same tree (pvx-vblk) on the same platform and job
(1.0 = as fast).
"""
import csv
import statistics
import sys

COLORS = {"pvx-before:pvblk": "#90cdf4", "pvx:pvblk": "#2b6cb0", "pvx-vblk:virtio_blk": "#718096",
          "stock:virtio_blk": "#a0aec0", "stock:ahci": "#dd6b20"}
REF = "pvx-vblk:virtio_blk"


def main():
    rows = list(csv.DictReader(open(sys.argv[1])))
    groups = []
    runs = {}
    for r in rows:
        g = (r["platform"], r["job"])
        if g not in groups:
            groups.append(g)
        s = "%s:%s" % (r["kernel"], r["driver"])
        runs.setdefault((g, s), []).append(float(r["iops"]))
    med = {k: statistics.median(v) for k, v in runs.items()}
    drivers = [d for d in COLORS if any(k[1] == d for k in med)]
    vals = {(g[0], g[1], s): v / med[(g, REF)]
            for (g, s), v in med.items() if med.get((g, REF))}
    top = max(list(vals.values()) + [1.5])
    w, h, left, bottom = 120 * max(len(groups), 1) + 80, 360, 60, 90
    bar = 100 / max(len(drivers), 1)
    out = ['<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" '
           'font-family="sans-serif" font-size="11">' % (w, h)]
    plot_h = h - bottom - 30
    y1 = h - bottom - plot_h / top
    out.append('<line x1="%d" x2="%d" y1="%.1f" y2="%.1f" stroke="#999" '
               'stroke-dasharray="4"/>' % (left, w - 10, y1, y1))
    out.append('<text x="5" y="%.1f">1.0</text>' % (y1 + 4))
    out.append('<text x="5" y="15">median IOPS relative to the same tree\'s virtio_blk</text>')
    for gi, (plat, job) in enumerate(groups):
        x0 = left + gi * 120
        for di, d in enumerate(drivers):
            v = vals.get((plat, job, d))
            if v is None:
                continue
            bh = plot_h * v / top
            out.append('<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" '
                       'fill="%s"><title>%s %.2f</title></rect>' % (
                           x0 + di * bar, h - bottom - bh, bar - 4, bh,
                           COLORS[d], d, v))
        out.append('<text x="%d" y="%d" transform="rotate(30 %d %d)">%s %s'
                   '</text>' % (x0, h - bottom + 15, x0, h - bottom + 15,
                                plat, job))
    for di, d in enumerate(drivers):
        out.append('<rect x="%d" y="25" width="10" height="10" fill="%s"/>'
                   '<text x="%d" y="34">%s</text>' % (
                       left + di * 150, COLORS[d], left + di * 150 + 14, d))
    out.append("</svg>")
    open(sys.argv[2], "w").write("\n".join(out) + "\n")


if __name__ == "__main__":
    main()
