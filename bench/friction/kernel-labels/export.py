#!/usr/bin/env python3
"""Write the labeled kernel messages as the friction trainer reads them (--kernel FILE).

One JSON line per labeled message: {"id", "text", "label", "weight"}. The text is the author's
own text from a store ingested from the kbuild archive (the repository holds only Message-IDs
and labels); `weight` is the number of archive messages it stands for under the design of
labeled_design.py, so that F1 over the labeled messages estimates F1 on the archive.
"""
import argparse, json, sys

import labeled_design

def main():
    ap = argparse.ArgumentParser()
    labeled_design.add_arguments(ap)
    ap.add_argument("--out", required=True)
    args = ap.parse_args()
    rows, strata = labeled_design.load_design(args)
    texts = labeled_design.read_texts(args.store, rows)
    with open(args.out, "w", encoding="utf-8") as out:
        for r in rows:
            out.write(json.dumps({"id": r["msgid"], "text": texts[r["msgid"]], "label": r["label"],
                                  "weight": round(labeled_design.weight(strata[r["stratum"]]), 4)},
                                 ensure_ascii=False) + "\n")
    print(f"{args.out}: {len(rows)} labeled kernel messages", file=sys.stderr)

if __name__ == "__main__":
    main()
