#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Count KUnit results from a serial log with the kernel's own parser.

    ktap.py KERNEL_TREE LOG JSON_OUT

Runs tools/testing/kunit/kunit.py parse on LOG, writes its JSON to
JSON_OUT and prints one line per test case, "PASS suite.case" (or FAIL,
SKIP, ERROR), parameterised cases as suite.case.param. Exit status 1
when the parser finds no KTAP at all.
"""
import json
import subprocess
import sys


def walk(group, prefix):
    for case in group.get("test_cases", []):
        yield case["status"], prefix + case["name"]
    for sub in group.get("sub_groups", []):
        yield from walk(sub, prefix + sub["name"] + ".")


def main():
    tree, log, out = sys.argv[1:4]
    with open(log, "rb") as f:
        text = f.read().decode("utf-8", "replace").replace("\r", "")
    proc = subprocess.run(
        [sys.executable, tree + "/tools/testing/kunit/kunit.py", "parse",
         "--json=" + out],
        input=text, text=True, capture_output=True, check=False)
    try:
        with open(out) as f:
            top = json.load(f)
    except (OSError, ValueError):
        sys.stderr.write(proc.stdout + proc.stderr)
        return 1
    cases = list(walk(top, ""))
    if not cases:
        sys.stderr.write(proc.stdout[-2000:])
        return 1
    for status, name in cases:
        print(status, name)
    return 0


if __name__ == "__main__":
    sys.exit(main())
