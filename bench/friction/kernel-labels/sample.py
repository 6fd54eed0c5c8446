#!/usr/bin/env python3
"""Draw a stratified sample of kernel mail for annotators to label against GUIDE.md.

Strata are bands of the score given by the model named on the command line; within a band
the messages with the lowest SHA-256(salt + Message-ID) are taken, so the same store and
model always give the same sample. The band sizes are written into the output header: the
evaluation weights every labeled message by band size / band sample size (Horvitz-Thompson),
which is what turns a sample enriched in high scores back into population figures.

Writes JSON lines: a header object, then one object per sampled message with the text the
annotators see (the author's own text, quotes already removed by the ingest, diff cut off).
The model score is kept out of that file so that annotators cannot see it.
"""
import argparse, hashlib, json, sqlite3, sys

from labeled_design import load_labels, own_text

def bands_of(cuts):
    edges = [1.01] + cuts + [0.0]
    return [(f"S{i + 1}", edges[i + 1], edges[i]) for i in range(len(edges) - 1)]

def prose(text):
    lines = []
    for line in text.splitlines():
        if line.startswith("diff --git ") or line.startswith("--- a/") or line == "---":
            break
        lines.append(line)
    return "\n".join(lines).strip()

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("store", help="kernellens.sqlite of a store scored with `kernellens-cli friction`")
    ap.add_argument("--bands", default="0.52,0.25,0.10",
                    help="score cut points between the bands, highest first (first = the model's threshold)")
    ap.add_argument("--per-band", default="100,100,100,150")
    ap.add_argument("--salt", default="kernellens-friction-kbuild-2026")
    ap.add_argument("--max-chars", type=int, default=3000)
    ap.add_argument("--exclude", action="append", default=[],
                    help="a labels file whose messages are left out of the population (repeatable)")
    args = ap.parse_args()
    sizes = [int(x) for x in args.per_band.split(",")]
    bands = bands_of([float(x) for x in args.bands.split(",")])
    if len(bands) != len(sizes):
        sys.exit(f"--per-band needs {len(bands)} sizes for --bands {args.bands}")
    db = sqlite3.connect(f"file:{args.store}?mode=ro", uri=True)
    rows = db.execute(
        "SELECT m.msgid, m.subject, b.own_text, f.score, f.model_version FROM messages m "
        "JOIN message_bodies b ON b.message_id = m.id JOIN friction_messages f ON f.message_id = m.id").fetchall()
    models = {r[4] for r in rows}
    if len(models) != 1:
        sys.exit(f"{args.store}: messages scored by {len(models)} model versions; rescore first")
    excluded = {r["msgid"] for path in args.exclude for r in load_labels(path)[1]}
    rows = [r for r in rows if r[0] not in excluded]
    header = {"salt": args.salt, "model_version": models.pop(), "excluded": len(excluded), "bands": []}
    items = []
    for (name, lo, hi), n in zip(bands, sizes):
        band = [r for r in rows if lo <= r[3] < hi]
        band.sort(key=lambda r: hashlib.sha256((args.salt + r[0]).encode()).hexdigest())
        header["bands"].append({"band": name, "lo": lo, "hi": hi, "population": len(band), "sampled": min(n, len(band))})
        for r in band[:n]:
            text = own_text(r[2])
            p = prose(text)
            if len(p) > args.max_chars:
                p = p[:args.max_chars] + "\n[... cut ...]"
            items.append({"msgid": r[0], "band": name, "subject": r[1], "text": p})
    # Annotators get the items in hash order, not band order, so position says nothing about score.
    items.sort(key=lambda it: hashlib.sha256((args.salt + "order" + it["msgid"]).encode()).hexdigest())
    print(json.dumps({"header": header}))
    for it in items:
        print(json.dumps(it, ensure_ascii=False))

if __name__ == "__main__":
    main()
