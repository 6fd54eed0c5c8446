#!/usr/bin/env python3
"""Worst-sentence scoring with the shipped model, on the labeled heated lists.

The issue asks that a message score as its worst sentence plus the whole text, so that one bad
sentence in a long technical review still counts. This measures it before building it: every
labeled message is scored whole, and each of its sentences (split at . ! ? and blank lines,
sentences of 15+ characters) on its own, with `friction classify`; then PR-AUC per list and
pooled for the whole text, the worst sentence, their maximum and their mean.
"""
import argparse, re, sys
from pathlib import Path
sys.path.insert(0, str(Path(__file__).parent))
from lolo import load, texts_of, classify, average_precision  # noqa: E402

def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--labels", default=str(Path(__file__).with_name("labels-heated.jsonl")))
    ap.add_argument("--store", required=True)
    ap.add_argument("--cli", required=True)
    args = ap.parse_args()
    _, rows = load(args.labels)
    texts = texts_of(args.store, rows)
    whole = classify(args.cli, None, texts)
    sentences = {}
    for msgid, text in texts.items():
        parts = [p.strip() for p in re.split(r"(?<=[.!?])\s+|\n\s*\n", text) if len(p.strip()) > 15]
        for i, p in enumerate(parts):
            sentences[f"{msgid}\x00{i}"] = p
    worst = {}
    for key, o in classify(args.cli, None, sentences).items():
        msgid = key.split("\x00")[0]
        worst[msgid] = max(worst.get(msgid, 0.0), o["score"])
    combos = {"whole text": lambda m: whole[m]["score"], "worst sentence": lambda m: worst.get(m, 0.0),
              "max of both": lambda m: max(whole[m]["score"], worst.get(m, 0.0)),
              "mean of both": lambda m: (whole[m]["score"] + worst.get(m, 0.0)) / 2}
    lists = sorted({r["list"] for r in rows})
    print(f"{'score':16} {'pooled':>7} " + " ".join(f"{l:>22}" for l in lists))
    for name, f in combos.items():
        per = {l: [(f(r["msgid"]), r["label"]) for r in rows if r["list"] == l] for l in lists}
        pooled = [x for v in per.values() for x in v]
        print(f"{name:16} {average_precision(pooled):7.3f} " + " ".join(f"{average_precision(per[l]):22.3f}" for l in lists))

if __name__ == "__main__":
    main()
