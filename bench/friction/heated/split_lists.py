#!/usr/bin/env python3
"""Split the heated-mail sample (../shared/data/friction/kernel-lists-2021-sample.mbox) into one
mbox per list, by its List-Id header, so that each list is ingested under its own name as lore
serves it (one inbox per list) and the evaluation can hold out a whole list.

The messages are copied byte for byte (mboxrd 'From ' lines and all); nothing is rewritten.
Writes OUT_DIR/<list>.mbox and prints the count per list. The output is generated data: keep it
outside the repository.
"""
import argparse, re, sys
from collections import Counter

LIST_ID = re.compile(rb"^List-Id:\s*<([^>.]+)\.", re.IGNORECASE | re.MULTILINE)

def messages(path):
    """Yields each message's raw bytes, 'From ' separator line included."""
    current = []
    with open(path, "rb") as f:
        for line in f:
            if line.startswith(b"From ") and current:
                yield b"".join(current)
                current = []
            current.append(line)
    if current:
        yield b"".join(current)

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("mbox")
    ap.add_argument("out_dir")
    args = ap.parse_args()
    outs, counts = {}, Counter()
    for raw in messages(args.mbox):
        head = raw.split(b"\n\n", 1)[0]
        m = LIST_ID.search(head)
        name = m.group(1).decode("ascii", "replace") if m else "unknown"
        if name not in outs:
            outs[name] = open(f"{args.out_dir}/{name}.mbox", "wb")
        outs[name].write(raw)
        counts[name] += 1
    for f in outs.values():
        f.close()
    for name, n in sorted(counts.items()):
        print(f"{name}\t{n}")
    return 0 if "unknown" not in counts else 1

if __name__ == "__main__":
    sys.exit(main())
