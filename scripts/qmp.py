#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Send one QMP command to a QEMU monitor socket and print the reply.

    qmp.py SOCKET COMMAND [JSON-ARGUMENTS]
    qmp.py --request SOCKET 'COMMAND [JSON-ARGUMENTS]'

The second form carries out a guest's "PVX-QMP: COMMAND [JSON-ARGUMENTS]"
line (the one parser of it, for qmp-hook.sh on L0 and kvm-sampler.sh on
L1): it prints "qmp: REQUEST" before the reply.
Exit status 0 when QEMU answered "return", 1 on "error" or no answer.
"""
import json
import socket
import sys


def main():
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
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(30)
    s.connect(path)
    f = s.makefile("rw")
    json.loads(f.readline())                      # greeting
    f.write(json.dumps({"execute": "qmp_capabilities"}) + "\n")
    f.flush()
    json.loads(f.readline())
    f.write(json.dumps({"execute": cmd, "arguments": args}) + "\n")
    f.flush()
    while True:
        reply = json.loads(f.readline())
        if "return" in reply or "error" in reply:
            print(json.dumps(reply))
            return 0 if "return" in reply else 1


if __name__ == "__main__":
    sys.exit(main())
