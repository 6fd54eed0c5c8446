#!/usr/bin/env python3
"""Write the labeled kernel messages as the friction trainer reads them (--kernel FILE).

One JSON line per labeled message: {"id", "text", "label", "weight"}. The text is the author's
own text from a store ingested from the kbuild archive (the repository holds only Message-IDs
and labels). `weight` is the message's sampling weight, band population / band sample size, so
that F1 on the labeled messages estimates F1 on the archive.
"""
import argparse, json, sqlite3, sys
from pathlib import Path

from evaluate import load_labels, own_text

def main():
    here = Path(__file__).resolve().parent
    ap = argparse.ArgumentParser()
    ap.add_argument("--store", required=True, help="store directory ingested from the kbuild archive")
    ap.add_argument("--labels", action="append",
                    help="labels file of a stratified sample, weighted by its design (repeatable); "
                         "default: none when --census is given, else labels-dev.jsonl and labels-train.jsonl")
    ap.add_argument("--census", action="append", default=[],
                    help="labels file whose messages weigh 1 each: the labeled messages a --labels sample's "
                         "population leaves out (repeatable)")
    ap.add_argument("--out", required=True)
    args = ap.parse_args()
    paths = args.labels or ([] if args.census else [str(here / "labels-dev.jsonl"), str(here / "labels-train.jsonl")])
    db_path = Path(args.store) / "kernellens.sqlite"
    if not db_path.exists():
        sys.exit(f"{db_path}: no such store database")
    db = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    written = 0
    with open(args.out, "w", encoding="utf-8") as out:
        for path in paths + args.census:
            header, rows = load_labels(path)
            sampled = {}
            for r in rows:
                sampled[r["band"]] = sampled.get(r["band"], 0) + 1
            census = path in args.census
            weight = {b["band"]: 1.0 if census else b["population"] / sampled[b["band"]]
                      for b in header["bands"] if b["band"] in sampled}
            for r in rows:
                hit = db.execute("SELECT b.own_text FROM messages m JOIN message_bodies b ON b.message_id = m.id "
                                 "WHERE m.msgid = ? LIMIT 1", (r["msgid"],)).fetchone()
                if hit is None:
                    sys.exit(f"{path}: message <{r['msgid']}> is not in {db_path}")
                out.write(json.dumps({"id": r["msgid"], "text": own_text(hit[0]), "label": r["label"],
                                      "weight": round(weight[r["band"]], 4)}, ensure_ascii=False) + "\n")
                written += 1
    print(f"{args.out}: {written} labeled kernel messages", file=sys.stderr)

if __name__ == "__main__":
    main()
