#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Send QMP commands to a QEMU monitor socket and print the replies.

    qmp.py SOCKET COMMAND [JSON-ARGUMENTS]
    qmp.py --request SOCKET 'COMMAND [JSON-ARGUMENTS]'
    qmp.py --hmp SOCKET SECONDS [CPU:]COMMAND-LINE...

The second form carries out a guest's "PVX-QMP: COMMAND [JSON-ARGUMENTS]"
line (the one parser of it, for qmp-hook.sh on L0 and kvm-sampler.sh on
L1): it prints "qmp: REQUEST" before the reply.
The third runs human monitor commands in one session, all within SECONDS,
each on vCPU CPU where given (e.g. "1:info lapic"), and prints each reply's
text after a line "hmp: COMMAND-LINE", or "hmp: no answer: ..." once the
time is up or QEMU is gone.
Exit status 0 when QEMU answered "return", 1 on "error" or no answer.
"""
import json
import socket
import sys
import time


class Monitor:
    def __init__(self, path, timeout):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(timeout)
        self.sock.connect(path)
        self.f = self.sock.makefile("rw")
        json.loads(self.f.readline())                 # greeting
        self.execute("qmp_capabilities")

    def execute(self, cmd, args=None):
        msg = {"execute": cmd}
        if args:
            msg["arguments"] = args
        self.f.write(json.dumps(msg) + "\n")
        self.f.flush()
        while True:
            line = self.f.readline()
            if not line:
                raise EOFError("QEMU closed the monitor")
            reply = json.loads(line)
            if "return" in reply or "error" in reply:
                return reply


def hmp(path, seconds, cmdlines):
    deadline = time.monotonic() + seconds
    try:
        mon = Monitor(path, seconds)
        for c in cmdlines:
            cpu, sep, line = c.partition(":")
            args = {"command-line": line if sep else c}
            if sep:
                args["cpu-index"] = int(cpu)
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError("out of time")
            mon.sock.settimeout(left)
            print("hmp: " + c, flush=True)
            reply = mon.execute("human-monitor-command", args)
            print(reply.get("return", reply.get("error")), flush=True)
    except (OSError, EOFError, ValueError) as e:
        print("hmp: no answer: %s" % (e or type(e).__name__), flush=True)
        return 1
    return 0


def main():
    if sys.argv[1] == "--hmp":
        return hmp(sys.argv[2], float(sys.argv[3]), sys.argv[4:])
    if sys.argv[1] == "--request":
        path, req = sys.argv[2], sys.argv[3].strip()
        print("qmp: " + req, flush=True)
        cmd, _, rest = req.partition(" ")
        try:
            args = json.loads(rest) if rest.strip() else {}
        except ValueError as e:
            print("qmp: bad JSON arguments: %s" % e)
            return 1
    else:
        path, cmd = sys.argv[1:3]
        args = json.loads(sys.argv[3]) if len(sys.argv) > 3 and sys.argv[3] else {}
    reply = Monitor(path, 30).execute(cmd, args)
    print(json.dumps(reply))
    return 0 if "return" in reply else 1


if __name__ == "__main__":
    sys.exit(main())
