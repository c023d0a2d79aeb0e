#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""What L0 sees of the nested test bed's L1, when L1 complained or stalled.

    l0-diag.py QEMU-PID QMP-SOCKET L1-KALLSYMS [L2-SYSTEM-MAP]

Twice, 2 s apart: where each of L1's vCPUs is (L0 QEMU's "info registers
-a": RIP, flags, privilege level, halted), and each thread of L0's QEMU
with its state, its wait channel and its CPU time; then each vCPU's
local APIC ("info lapic": IRR, ISR, its timer). A RIP is named in L1's
code (the text symbols L1 wrote from its /proc/kallsyms at boot: KASLR
and modules included) and in L2's (an L1 vCPU that runs L2 shows L2's
RIP; nothing in the dump tells which, so both names are given where both
match). Under TCG a vCPU that loops in chained code may show a RIP from
before the loop: halt state and thread CPU time are the firmer signs.
Prints the samples, then one line "summary: ...".
"""
import bisect
import os
import re
import socket
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import qmp  # noqa: E402


class Symbols:
    """Code symbols from a System.map or kallsyms file (ADDR TYPE NAME ...)."""

    def __init__(self, path):
        syms = []
        for line in open(path, errors="replace"):
            f = line.split()
            if len(f) >= 3 and f[1] in ("t", "T", "w", "W") and int(f[0], 16):
                syms.append((int(f[0], 16), f[2], " " + f[3] if len(f) > 3 else ""))
        syms.sort()
        if not syms:
            raise ValueError("no code symbols in %s" % path)
        self.keys = [s[0] for s in syms]
        self.syms = syms

    def name(self, addr):
        i = bisect.bisect_right(self.keys, addr) - 1
        # Before the first symbol, or far from any: not this kernel's code.
        if i < 0 or addr - self.keys[i] > 0x10000:
            return None
        # "name+off [module]"
        return "%s+%#x%s" % (self.syms[i][1], addr - self.keys[i], self.syms[i][2])


def tables(l1syms, l2map):
    out, notes = [], []
    for label, path in (("L1", l1syms), ("L2", l2map)):
        if not path:
            continue
        try:
            out.append((label, Symbols(path)))
        except (OSError, ValueError) as e:
            notes.append("no %s symbols (%s)" % (label, e))
    return out, notes


def threads(pid):
    """{tid: (comm, state, wchan, cpu ticks)}, or None once QEMU is gone."""
    base = "/proc/%s/task" % pid
    try:
        tids = sorted(os.listdir(base), key=int)
    except OSError:
        return None
    res = {}
    for tid in tids:
        try:
            comm = open("%s/%s/comm" % (base, tid)).read().strip()
            stat = open("%s/%s/stat" % (base, tid)).read()
            wchan = open("%s/%s/wchan" % (base, tid)).read().strip() or "-"
        except OSError:
            continue
        f = stat[stat.rindex(")") + 2:].split()
        res[tid] = (comm, f[0], wchan, int(f[11]) + int(f[12]))
    return res


def place(rip, cpl, symbols):
    if cpl == "3":
        return "user"
    names = ["%s %s" % (label, n) for label, n in ((lb, t.name(rip)) for lb, t in symbols) if n]
    return " or ".join(names) if names else "?"


def vcpus(sock, symbols):
    """({cpu: (rip, place, rfl, hlt)}, how the monitor answered)."""
    t0 = time.monotonic()
    mon = None
    try:
        mon = qmp.Monitor(sock, 10)
        reply = mon.execute("human-monitor-command", {"command-line": "info registers -a"})
    except socket.timeout:
        return {}, "L0's monitor did not answer in 10 s"
    except (OSError, EOFError, ValueError) as e:
        return {}, "no answer from L0's monitor (%s)" % (e or type(e).__name__)
    finally:
        if mon:
            mon.f.close()
            mon.sock.close()
    if "error" in reply:
        return {}, "L0's monitor refused: %s" % reply["error"].get("desc", reply["error"])
    res, cpu = {}, None
    for line in reply.get("return", "").splitlines():
        m = re.match(r"CPU#(\d+)", line)
        if m:
            cpu = int(m.group(1))
        m = re.search(r"[RE]IP=([0-9a-f]+) [RE]FL=([0-9a-f]+).*CPL=(\d).*HLT=(\d)", line)
        if m and cpu is not None:
            rip = int(m.group(1), 16)
            res[cpu] = (rip, place(rip, m.group(3), symbols), int(m.group(2), 16), m.group(4))
    if not res:
        return {}, "answered, but no registers parsed"
    return res, "answered in %.1f s" % (time.monotonic() - t0)


def lapics(sock, cpus):
    """{cpu: "IRR ... ISR ... LVTT ..."} from L0's "info lapic" of each
    L1 vCPU (its local APIC: a timer interrupt L1 never got shows in IRR),
    and the lines it printed."""
    res, lines = {}, []
    mon = None
    try:
        mon = qmp.Monitor(sock, 10)
        for c in cpus:
            reply = mon.execute("human-monitor-command",
                                {"command-line": "info lapic", "cpu-index": c})
            if "error" in reply:
                lines.append("cpu %d: error: %s" % (c, reply["error"].get("desc", reply["error"])))
                continue
            text = reply.get("return", "")
            got = {}
            for line in text.splitlines():
                lines.append("cpu %d: %s" % (c, line.replace("\t", " ")))
                m = re.match(r"(IRR|ISR|LVTT|Timer)\s+(.*)", line)
                if m:
                    got[m.group(1)] = " ".join(m.group(2).split())
            if got:
                lvtt = got.get("LVTT", "?")
                timer = " ".join(w for w in lvtt.split()
                                 if w in ("masked", "one-shot", "periodic", "tsc-deadline")
                                 or w.startswith("0x"))
                vec = re.search(r"\(vec (\d+)\)", lvtt)
                if vec:
                    timer += " vector %s" % vec.group(1)
                res[c] = "IRR %s, ISR %s, timer %s" % (got.get("IRR", "?"), got.get("ISR", "?"),
                                                      timer)
    except (OSError, EOFError, ValueError, socket.timeout) as e:
        lines.append("no lapic state (%s)" % (e or type(e).__name__))
    finally:
        if mon:
            mon.f.close()
            mon.sock.close()
    return res, lines


def main(argv):
    # Line by line: boot.sh ends this after 40 s, and what was printed
    # by then must be in the file.
    sys.stdout.reconfigure(line_buffering=True)
    pid, sock, l1syms = argv[:3]
    symbols, notes = tables(l1syms, argv[3] if len(argv) > 3 else None)
    hz = os.sysconf("SC_CLK_TCK")
    print("L0: load %s" % open("/proc/loadavg").read().strip())
    for n in notes:
        print("L0: %s" % n)
    samples = []
    for i in (1, 2):
        t = time.monotonic()
        th = threads(pid)
        if th is None:
            samples.append((t, None, {}, "L0's QEMU is gone"))
            print("L0: sample %d: L0's QEMU is gone" % i)
            break
        cpus, how = vcpus(sock, symbols)
        samples.append((t, th, cpus, how))
        print("L0: sample %d: monitor %s" % (i, how))
        for c, (rip, where, rfl, hlt) in sorted(cpus.items()):
            print("L0: sample %d: L1 cpu %d rip %#x %s rfl %x hlt %s" % (i, c, rip, where, rfl, hlt))
        for tid, (comm, st, wchan, ticks) in th.items():
            print("L0: sample %d: thread %s %s state %s wchan %s cpu %.2f s" %
                  (i, tid, comm, st, wchan, ticks / hz))
        if i == 1:
            time.sleep(2)

    t1, th1, c1, how1 = samples[0]
    t2, th2, c2, how2 = samples[-1]
    apic, lines = lapics(sock, sorted(c2)) if c2 else ({}, [])
    for line in lines:
        print("L0: lapic %s" % line)
    parts = []
    if not c2:
        parts.append(how2)
    for c, (rip, where, rfl, hlt) in sorted(c2.items()):
        same = len(samples) > 1 and c1.get(c, (None,))[0] == rip
        parts.append("L1 cpu %d at %#x %s%s, rfl %x, hlt %s%s" %
                     (c, rip, where, " (the same 2 s before)" if same else "", rfl, hlt,
                      ", local APIC " + apic[c] if c in apic else ""))
    # The vCPU threads, and any other that ran or waits uninterruptibly.
    busy = []
    if th1 and th2 and len(samples) > 1:
        for tid, (comm, st, wchan, ticks) in th2.items():
            if tid not in th1:
                continue
            used = (ticks - th1[tid][3]) / hz
            if "CPU" in comm or used >= 0.1 or st == "D":
                busy.append("%s %s%s ran %.1f s of %.1f" %
                            (comm, st, "" if st == "R" else " " + wchan, used, t2 - t1))
        parts.append("L0 threads: " + ", ".join(busy))
    parts.append("load " + open("/proc/loadavg").read().split()[0])
    print("summary: " + "; ".join(parts + notes))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
