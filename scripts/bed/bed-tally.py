#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Every kvm boot the results directories hold, per test bed: how many
attempts, how many died and of what, and how many in a row have not.

    bed-tally.py [--list] [--since YYYY-MM-DD[THH:MM]] [DIR...]

DIR (default: $PVX_CACHE/results): results directories of make check,
bed-trial.sh or boot.sh, searched down. A kvm boot is a NAME.l1.log there
(its earlier attempts are NAME.attemptN.*); each attempt counts as one
boot of the bed, in the order they ended. Its bed is what boot.sh wrote
in NAME.bed, or, for boots from before that file, what L1's own log and
a bed-trial name show. An attempt died when it did not end cleanly for
any cause but the one a harness test provokes (harness-panic's panic,
harness-hang's hang); a clean end with a kernel complaint is counted
apart (the guest's failure, not the bed's).
"""
import collections
import glob
import os
import re
import sys
import time

TRIAL = re.compile(r"^(default|npt1|tcg-single|l1-1cpu|l1-2cpu|l1-smp-patch|l1-epyc|l1-notscdl|l1-idle-poll|"
                   r"qemu10|qemu10-npt1|l1-6\.1)-(idle|fio|stress)-[0-9]+$")
EXPECTED = {"harness-panic": "the guest kernel panicked",
            "harness-hang": "the guest hung"}


def read(path):
    try:
        with open(path, errors="replace") as f:
            return f.read().replace("\r", "")
    except OSError:
        return ""


def bed_of(d, name):
    """The bed's settings as one string, the same for the same bed; None
    where neither NAME.bed nor L1's log tells."""
    text = read(os.path.join(d, name + ".bed")).strip()
    if text:
        return text
    # Older boots: what L1 said of itself. Its kernel command line comes
    # only in the dump L1 prints as L2 ends (never where L1 died or the
    # harness stopped it).
    logs = "".join(read(p) for p in [os.path.join(d, name + ".l1.log")] +
                   glob.glob(os.path.join(d, glob.escape(name) + ".attempt*.l1.log")))
    m = re.search(r"Command line: (.*)", logs)
    if not m:
        return None
    cmd = m.group(1)
    npt = re.search(r"pvx\.kvm_amd=npt=([01])", cmd)
    m = TRIAL.match(name)
    variant = m.group(1) if m else "make check"
    cpus = re.search(r"L1: CPUs online ([0-9-]+)", logs)
    parts = ["npt=%s" % (npt.group(1) if npt else "1"),
             "one_cpu_patch=%d" % ("maxcpus=1" in cmd),
             "no_ipi_broadcast=%d" % ("no_ipi_broadcast=1" in cmd),
             "l1_cpus=%s" % (cpus.group(1) if cpus else "?")]
    # What the log cannot show (L0's TCG, L1's CPU model, kernel, QEMU),
    # from a bed-trial name, as NAME.bed writes it.
    parts += {"tcg-single": ["tcg=single"], "l1-epyc": ["l1_cpu=EPYC-v4,-pku,-xsave"],
              "l1-6.1": ["l1_kernel=6.1"], "qemu10": ["qemu=10.0"],
              "qemu10-npt1": ["qemu=10.0"]}.get(variant, [])
    return " ".join(parts)


def attempts_of(d, name):
    """[(cause, outcome)] for each attempt: clean, expected, died."""
    lines = [ln.split(": ", 1)[1] for ln in read(os.path.join(d, name + ".attempts")).splitlines()
             if ": " in ln]
    verdict = read(os.path.join(d, name + ".verdict"))
    if not verdict:
        return []  # still running, or boot.sh stopped before its verdict
    if not lines:
        lines = ["clean end"]
    out = []
    for i, cause in enumerate(lines):
        last = i == len(lines) - 1
        if cause == "clean end":
            outcome = "clean"
            if "kernel reported problems" in verdict:
                outcome = "complaint"
        elif last and cause.startswith(EXPECTED.get(name, "\0")):
            outcome = "expected"
        elif cause.startswith("stopped at the deadline"):
            outcome = "stopped"
        else:
            outcome = "died"
        out.append((cause, outcome))
    return out


def short(cause):
    cause = re.sub(r"\[ *[0-9.]+\] ", "", re.split(r"; L[01] saw:", cause)[0])
    return re.sub(r" \([0-9]+s\)$", "", cause)


def main(argv):
    listing = "--list" in argv
    argv = [a for a in argv if a != "--list"]
    since = 0
    if "--since" in argv:
        i = argv.index("--since")
        if i + 1 >= len(argv):
            sys.exit("--since: want a date, YYYY-MM-DD[THH:MM]")
        for fmt in ("%Y-%m-%dT%H:%M", "%Y-%m-%d"):
            try:
                since = time.mktime(time.strptime(argv[i + 1], fmt))
                break
            except ValueError:
                continue
        else:
            sys.exit("--since: want a date, YYYY-MM-DD[THH:MM]")
        del argv[i:i + 2]
    dirs = argv or [os.path.join(os.environ.get("PVX_CACHE",
                                 os.path.expanduser("~/.cache/pvx")), "results")]
    boots = []
    for top in dirs:
        for path in glob.glob(os.path.join(top, "**", "*.l1.log"), recursive=True):
            d, base = os.path.split(path)
            name = base[:-len(".l1.log")]
            # Earlier attempts; the made-up boots of make check's own test
            # of this script (kept under its results before 2026-12-01).
            if re.search(r"\.attempt[0-9]+$", name) or "bed-tally-selftest" in d:
                continue
            v = os.path.join(d, name + ".verdict")
            if not os.path.exists(v) or os.path.getmtime(v) < since:
                continue
            boots.append((os.path.getmtime(v), d, name))
    boots.sort()

    # A boot whose bed nothing tells ran on the bed of the other boots of
    # its results dir (one make check or trial run uses one bed).
    beds = {(d, name): bed_of(d, name) for t, d, name in boots}
    by_dir = collections.defaultdict(collections.Counter)
    for (d, name), bed in beds.items():
        if bed:
            by_dir[d][bed] += 1
    per_bed = collections.OrderedDict()
    for t, d, name in boots:
        bed = beds[(d, name)]
        if not bed:
            bed = (by_dir[d].most_common(1)[0][0] if by_dir[d] else
                   "unknown (nothing in its results dir tells)")
        for cause, outcome in attempts_of(d, name):
            per_bed.setdefault(bed, []).append((t, d, name, cause, outcome))
            if listing:
                print("%s %-10s %s/%s: %s" % (time.strftime("%m-%d %H:%M", time.localtime(t)),
                      outcome, os.path.basename(d), name, short(cause)[:120]))
    if listing:
        print()

    for bed, atts in per_bed.items():
        # A boot make check's deadline stopped tells nothing of the bed.
        atts = [a for a in atts if a[4] != "stopped"]
        if not atts:
            continue
        deaths = [a for a in atts if a[4] == "died"]
        l1 = sum(short(a[3]).startswith(("the test bed failed", "L1 ")) for a in deaths)
        complaints = sum(a[4] == "complaint" for a in atts)
        # The run of attempts without a death, and of it those that ran a
        # workload to its end (not a guest the harness made panic or hang).
        run = longest = work = 0
        for a in atts:
            run = 0 if a[4] == "died" else run + 1
            work = 0 if a[4] == "died" else work + (a[4] != "expected")
            longest = max(longest, run)
        first = time.strftime("%Y-%m-%d %H:%M", time.localtime(atts[0][0]))
        print("bed: %s" % bed)
        print("  %d attempts since %s, %d died (%d of them L1 itself), "
              "%d clean with a kernel complaint" %
              (len(atts), first, len(deaths), l1, complaints))
        print("  without a death: the last %d in a row (%d of them ran a workload to its end), "
              "at most %d in a row" % (run, work, longest))
        for cause, n in collections.Counter(short(a[3]) for a in deaths).most_common():
            print("    died %d: %s" % (n, cause[:160]))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
