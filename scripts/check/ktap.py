#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Count KUnit results from a serial log with the kernel's own parser.

    ktap.py KERNEL_TREE LOG JSON_OUT

Runs tools/testing/kunit/kunit.py parse on LOG, writes its JSON to
JSON_OUT and prints one line per test case, "STATUS KIND NAME": STATUS
PASS, FAIL, SKIP or ERROR; KIND "kunit" for the kernel's KUnit (a
document printed by the kernel, its lines time-stamped) or "guest" for
a test script's own KTAP (printed with ktap_helpers.sh); NAME
suite.case, parameterised cases as suite.case.param. A test planned but
never reported is an ERROR case named "<missing>". Suites built in print
one KTAP document at boot; each test module prints its own when it
loads, and a guest script its own: the log is cut at every top-level
"KTAP version" / "TAP version" line and each document is parsed on its
own. Exit status 1 when there is no KTAP.
"""
import json
import os
import re
import subprocess
import sys

TOP = re.compile(r"^(\[[^\]]*\] )?(KTAP version \d+|TAP version \d+)$")
STAMP = re.compile(r"^\[ *\d+\.\d+\] ")


def walk(group, prefix):
    for case in group.get("test_cases", []):
        yield case["status"], prefix + (case["name"] or "<missing>")
    for sub in group.get("sub_groups", []):
        yield from walk(sub, prefix + sub["name"] + ".")


def documents(text):
    """The KTAP documents: from a top-level version line to the next; a
    document the kernel prints (time-stamped) ends at the first line
    without a time stamp (user space output after it is not its)."""
    docs, cur, kernel = [], None, False
    for line in text.splitlines():
        if TOP.match(line):
            cur = []
            docs.append(cur)
            kernel = bool(STAMP.match(line))
        elif cur is not None and kernel and not STAMP.match(line):
            cur = None
        if cur is not None:
            cur.append(line)
    return ["\n".join(d) + "\n" for d in docs]


def parse(tree, doc, out):
    """kunit.py parse on one document; None when it gives no result."""
    if os.path.exists(out):
        os.unlink(out)
    subprocess.run(
        [sys.executable, tree + "/tools/testing/kunit/kunit.py", "parse",
         "--json=" + out],
        input=doc, text=True, capture_output=True, check=False)
    try:
        with open(out) as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


def main():
    tree, log = sys.argv[1:3]
    # kunit.py runs in the kernel tree: an absolute path for its JSON.
    out = os.path.abspath(sys.argv[3])
    with open(log, "rb") as f:
        text = f.read().decode("utf-8", "replace").replace("\r", "")
    groups, cases = [], []
    for n, doc in enumerate(documents(text), 1):
        kind = "kunit" if doc.startswith("[") else "guest"
        top = parse(tree, doc, out)
        if top is None:
            cases.append(("ERROR", kind, "<document %d unparsable>" % n))
            continue
        groups.append(top)
        cases.extend((st, kind, name) for st, name in walk(top, ""))
    with open(out, "w") as f:
        json.dump({"name": "KUnit Test Group", "sub_groups": groups,
                   "test_cases": []}, f, indent=1)
    if not cases:
        sys.stderr.write("no KTAP found in %s\n" % log)
        return 1
    for status, kind, name in cases:
        print(status, kind, name)
    return 0


if __name__ == "__main__":
    sys.exit(main())
