#!/usr/bin/env python3
"""Checks the hex examples in docs/protocol/tc.md against tcdump.

Each example is a ```text block of commented hex followed by a line saying what tcdump
prints for it, in one of two forms:

    tcdump --from client: `SIGNAL reload`
    tcdump --from server: malformed, would answer ERROR 0x0003,
    reason `octets follow the replacement address`

The block is fed to `tcdump --hex --from SIDE`; the first form must match the printed
message exactly, the second must give that error code and reason. Fails if any example
disagrees, or if fewer examples than expected were found (so a changed format cannot make
the check pass by matching nothing).

Usage: check_tc_examples.py DOC TCDUMP MIN_EXAMPLES
"""
import re
import subprocess
import sys

EXPECT = re.compile(r"^tcdump --from (client|server):\s*(?:`([^`]*)`|malformed, would answer "
                    r"ERROR (0x[0-9a-f]{4}),\s*reason `([^`]*)`)")


def examples(text):
    """Yields (line number, hex block, side, message, error code, reason)."""
    lines = text.split("\n")
    i = 0
    while i < len(lines):
        if lines[i].strip() != "```text":
            i += 1
            continue
        start = i + 1
        end = start
        while end < len(lines) and lines[end].strip() != "```":
            end += 1
        block = "\n".join(lines[start:end])
        follow = end + 1
        while follow < len(lines) and not lines[follow].strip():
            follow += 1
        tail = "\n".join(lines[follow:follow + 2])
        match = EXPECT.match(tail)
        if match:
            yield (start, block) + match.groups()
        i = end + 1


def main():
    doc, tcdump, minimum = sys.argv[1], sys.argv[2], int(sys.argv[3])
    with open(doc, encoding="utf-8") as f:
        text = f.read()
    checked = failed = 0
    for line, block, side, message, code, reason in examples(text):
        run = subprocess.run([tcdump, "--hex", "--from", side], input=block.encode(),
                             capture_output=True, check=False)
        out = run.stdout.decode("utf-8", "replace")
        printed = [l.split("  ", 1)[1] if "  " in l.strip() else l for l in
                   (x.strip() for x in out.splitlines())]
        if message is not None:
            ok = run.returncode == 0 and printed == [message]
        else:
            ok = (run.returncode == 1 and len(printed) == 1 and
                  printed[0].startswith(f"malformed: would answer ERROR {code} ") and
                  printed[0].endswith(": " + reason))
        checked += 1
        if not ok:
            failed += 1
            expected = message if message is not None else f"ERROR {code}: {reason}"
            print(f"{doc}:{line}: expected {expected!r}, tcdump printed {out.strip()!r}")
    print(f"{checked} examples checked, {failed} wrong")
    if checked < minimum:
        print(f"expected at least {minimum} examples: has the format changed?")
        return 1
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
