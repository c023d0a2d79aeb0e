#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Check the allocation of a sparse disk image on this machine.

    holes.py IMAGE hole START END      no data anywhere in [START, END)
    holes.py IMAGE data START END      some data in [START, END)

Offsets in MiB. Exit status 0 when it holds.
"""
import os
import sys


def first_data(fd, start):
    try:
        return os.lseek(fd, start, os.SEEK_DATA)
    except OSError:          # ENXIO: no data past start
        return None


def main():
    img, what, start, end = sys.argv[1], sys.argv[2], *map(int, sys.argv[3:5])
    start <<= 20
    end <<= 20
    fd = os.open(img, os.O_RDONLY)
    d = first_data(fd, start)
    has_data = d is not None and d < end
    print(f"{img}: first data at or after {start}: {d}")
    return 0 if has_data == (what == "data") else 1


if __name__ == "__main__":
    sys.exit(main())
