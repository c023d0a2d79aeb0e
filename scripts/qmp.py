#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Send one QMP command to a QEMU monitor socket and print the reply.

    qmp.py SOCKET COMMAND [JSON-ARGUMENTS]

Exit status 0 when QEMU answered "return", 1 on "error" or no answer.
"""
import json
import socket
import sys


def main():
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
