#!/usr/bin/env python3
"""Draw the labeled sample of the heated-mail set and cut it into annotator batches.

Design: a simple random sample of N messages per list (the lowest SHA-256(salt + Message-ID)
among that list's messages in the store, so the same store always gives the same sample), every
list the same size. The header records each list's population, so that figures can be weighted
back to the list (population / sampled). Cross-posted Message-IDs are drawn once, for the first
list (in name order) that holds them, and the header records them: the leave-one-list-out
evaluation keeps every copy of a held-out list's Message-IDs out of training.

Annotators: the sample is dealt round-robin in hash order to K annotators; each annotator also
gets DOUBLE messages of the next annotator's share (a ring), which gives the double-labeled
subset for agreement. Batches (BATCH items each) hold subject and the author's own text (quotes
removed by the ingest, diff cut off, long texts cut), never a list name, score or other label.

Writes OUT/design.json and OUT/annotator-<k>/batch-<nn>.jsonl.
"""
import argparse, hashlib, json, sqlite3, sys, zlib
from pathlib import Path

def own_text(blob):
    if blob is None or len(blob) < 4 or int.from_bytes(blob[:4], "big") == 0:
        return ""
    return zlib.decompress(blob[4:]).decode("utf-8", "replace")

def prose(text, max_chars):
    lines = []
    for line in text.splitlines():
        if line.startswith("diff --git ") or line.startswith("--- a/") or line == "---":
            break
        lines.append(line)
    p = "\n".join(lines).strip()
    return p[:max_chars] + "\n[... cut ...]" if len(p) > max_chars else p

def h(salt, s):
    return hashlib.sha256((salt + s).encode()).hexdigest()

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("store", help="store directory with the four lists ingested (split_lists.py)")
    ap.add_argument("out")
    ap.add_argument("--per-list", type=int, default=700)
    ap.add_argument("--offset", type=int, default=0,
                    help="skip the first OFFSET messages of each list's hash order (a later wave of the same sample)")
    ap.add_argument("--first-annotator", type=int, default=1)
    ap.add_argument("--annotators", type=int, default=4)
    ap.add_argument("--double", type=int, default=100, help="messages of the next annotator's share each annotator also labels")
    ap.add_argument("--batch", type=int, default=50)
    ap.add_argument("--salt", default="kernellens-friction-heated-2026")
    ap.add_argument("--max-chars", type=int, default=2500)
    args = ap.parse_args()
    db = sqlite3.connect(f"file:{Path(args.store) / 'kernellens.sqlite'}?mode=ro", uri=True)
    rows = db.execute("SELECT l.name, m.msgid, m.subject, b.own_text FROM messages m JOIN lists l ON l.id = m.list_id "
                      "LEFT JOIN message_bodies b ON b.message_id = m.id ORDER BY l.name, m.id").fetchall()
    lists = sorted({r[0] for r in rows})
    seen, by_list, cross = {}, {l: [] for l in lists}, {}
    for name, msgid, subject, blob in rows:
        if msgid in seen:
            if seen[msgid] != name:
                cross.setdefault(msgid, {seen[msgid]}).add(name)
            continue
        seen[msgid] = name
        by_list[name].append({"msgid": msgid, "list": name, "subject": subject, "text": prose(own_text(blob), args.max_chars)})
    design = {"salt": args.salt, "design": "simple random sample per list", "lists": [], "cross_posted": {k: sorted(v) for k, v in sorted(cross.items())}}
    sample = []
    for name in lists:
        pool = sorted(by_list[name], key=lambda it: h(args.salt, it["msgid"]))
        part = pool[args.offset:args.offset + args.per_list]
        design["lists"].append({"list": name, "population": len(pool), "sampled": len(part), "offset": args.offset})
        sample += part
    sample.sort(key=lambda it: h(args.salt + "order", it["msgid"]))
    shares = [sample[k::args.annotators] for k in range(args.annotators)]
    out = Path(args.out)
    assignments = {}
    for k in range(args.annotators):
        double = shares[(k + 1) % args.annotators][:args.double]
        items = shares[k] + double
        items.sort(key=lambda it: h(args.salt + f"annotator{k}", it["msgid"]))
        name = f"annotator-{args.first_annotator + k}"
        d = out / name
        d.mkdir(parents=True, exist_ok=True)
        for b in range(0, len(items), args.batch):
            with open(d / f"batch-{b // args.batch + 1:02d}.jsonl", "w", encoding="utf-8") as f:
                for it in items[b:b + args.batch]:
                    f.write(json.dumps({"msgid": it["msgid"], "subject": it["subject"], "text": it["text"]}, ensure_ascii=False) + "\n")
        assignments[name] = {"own": len(shares[k]), "double_of": f"annotator-{args.first_annotator + (k + 1) % args.annotators}",
                             "double": len(double)}
    design["annotators"] = assignments
    design["sample"] = [{"msgid": it["msgid"], "list": it["list"]} for it in sample]
    (out / "design.json").write_text(json.dumps(design, indent=1, ensure_ascii=False) + "\n")
    print(json.dumps({k: v for k, v in design.items() if k not in ("sample", "cross_posted")}, indent=1), file=sys.stderr)
    print(f"cross-posted Message-IDs: {len(cross)}", file=sys.stderr)

if __name__ == "__main__":
    main()
