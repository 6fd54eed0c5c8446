#!/usr/bin/env python3
"""Merge the annotators' label files of the heated-mail sample into one labels file.

Reads the DESIGN files (design.json of sample_lists.py, one per wave) and LABELS_DIR/annotator-K/batch-NN.labels.jsonl,
checks that every sampled message was labeled by the annotators it was dealt to, prints the
agreement on the double-labeled subset (raw agreement and Cohen's kappa per annotator pair and
overall), and writes one JSON line per message: {"msgid", "list", "annotators": [k...], "label",
"categories", "sure"} after a header line that records the design. A disagreement takes the
adjudicator's label from --adjudicated (JSON lines {"msgid", "uncivil", "categories"}); without
one the message is reported and left out, never guessed.
"""
import argparse, collections, glob, json, re, sys
from pathlib import Path

def kappa(pairs):
    n = len(pairs)
    if not n:
        return float("nan"), float("nan")
    agree = sum(a == b for a, b in pairs) / n
    pa = sum(a for a, _ in pairs) / n
    pb = sum(b for _, b in pairs) / n
    expected = pa * pb + (1 - pa) * (1 - pb)
    return agree, (agree - expected) / (1 - expected) if expected < 1 else float("nan")

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("labels_dir")
    ap.add_argument("design", nargs="+", help="design.json of each wave")
    ap.add_argument("--adjudicated", help="JSON lines of the third reader's labels for the disagreements")
    ap.add_argument("--out", required=True)
    ap.add_argument("--disagreements", help="write the disagreeing Message-IDs here (for the adjudicator)")
    args = ap.parse_args()
    designs = [json.loads(Path(p).read_text()) for p in args.design]
    design = {"salt": designs[0]["salt"], "cross_posted": designs[0]["cross_posted"], "lists": []}
    for entry in designs[0]["lists"]:
        design["lists"].append({"list": entry["list"], "population": entry["population"],
                                "sampled": sum(l["sampled"] for d in designs for l in d["lists"] if l["list"] == entry["list"])})
    list_of = {s["msgid"]: s["list"] for d in designs for s in d["sample"]}
    votes = collections.defaultdict(dict)
    problems = 0
    for path in sorted(glob.glob(f"{args.labels_dir}/annotator-*/batch-*.labels.jsonl")):
        k = int(re.search(r"annotator-(\d+)", path).group(1))
        for n, line in enumerate(open(path, encoding="utf-8"), 1):
            if not line.strip():
                continue
            try:
                o = json.loads(line)
                label = int(o["uncivil"])
                assert label in (0, 1)
            except Exception as e:
                print(f"{path}:{n}: unreadable label ({e})", file=sys.stderr)
                problems += 1
                continue
            if o["msgid"] not in list_of:
                print(f"{path}:{n}: <{o['msgid']}> is not in the sample", file=sys.stderr)
                problems += 1
                continue
            votes[o["msgid"]][k] = {"label": label, "categories": sorted(set(o.get("categories") or [])) if label else [],
                                    "sure": bool(o.get("sure", True))}
    adjudicated = {}
    if args.adjudicated:
        for line in open(args.adjudicated, encoding="utf-8"):
            if line.strip():
                o = json.loads(line)
                adjudicated[o["msgid"]] = {"label": int(o["uncivil"]), "categories": sorted(set(o.get("categories") or []))}
    pairs = collections.defaultdict(list)
    rows, disagreements, missing = [], [], 0
    for msgid, lst in list_of.items():
        v = votes.get(msgid, {})
        if not v:
            missing += 1
            continue
        ks = sorted(v)
        if len(ks) == 2:
            pairs[tuple(ks)].append((v[ks[0]]["label"], v[ks[1]]["label"]))
        labels = {v[k]["label"] for k in ks}
        if len(labels) > 1:
            disagreements.append(msgid)
            if msgid not in adjudicated:
                continue
            final = adjudicated[msgid]
            sure = False
        else:
            final = {"label": labels.pop(), "categories": sorted({c for k in ks for c in v[k]["categories"]})}
            sure = all(v[k]["sure"] for k in ks)
        rows.append({"msgid": msgid, "list": lst, "annotators": ks, "label": final["label"],
                     "categories": final["categories"] if final["label"] else [], "sure": sure})
    all_pairs = [p for ps in pairs.values() for p in ps]
    agreement = {f"{a}-{b}": dict(zip(("n", "agreement", "kappa"), (len(ps), *kappa(ps)))) for (a, b), ps in sorted(pairs.items())}
    agreement["all"] = dict(zip(("n", "agreement", "kappa"), (len(all_pairs), *kappa(all_pairs))))
    per_list = collections.Counter(r["list"] for r in rows)
    uncivil = collections.Counter(r["list"] for r in rows if r["label"])
    header = {"header": {"design": "simple random sample per list (bench/friction/heated/sample_lists.py)",
                         "salt": design["salt"], "codebook": "../kernel-labels/GUIDE.md",
                         "lists": [dict(l, labeled=per_list[l["list"]], uncivil=uncivil[l["list"]]) for l in design["lists"]],
                         "annotation": {"annotators": "model-based annotator agents, one session each (docs/friction.md)",
                                        "double_labeled": len(all_pairs), "agreement": agreement,
                                        "disagreements": len(disagreements), "adjudicated": len(set(disagreements) & set(adjudicated))},
                         "cross_posted": design["cross_posted"]}}
    with open(args.out, "w", encoding="utf-8") as f:
        f.write(json.dumps(header, ensure_ascii=False) + "\n")
        rows.sort(key=lambda r: (r["list"], r["msgid"]))
        for r in rows:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")
    if args.disagreements:
        Path(args.disagreements).write_text("".join(m + "\n" for m in disagreements))
    for l in header["header"]["lists"]:
        print(f"{l['list']:24} population {l['population']:5}  labeled {l['labeled']:5}  uncivil {l['uncivil']:4}")
    for name, a in agreement.items():
        print(f"agreement {name:5}: n {a['n']:4}  raw {a['agreement']:.3f}  kappa {a['kappa']:.3f}")
    print(f"labeled {len(rows)}, not yet labeled {missing}, disagreements {len(disagreements)} "
          f"(adjudicated {header['header']['annotation']['adjudicated']}), unreadable lines {problems}")
    return 1 if problems else 0

if __name__ == "__main__":
    sys.exit(main())
