#!/usr/bin/env python3
"""Precision at 20 of the friction thread ranking on each labeled heated list.

For each list L, `kernellens-cli friction --list L --top 0` ranks every thread of L (with the
built-in model, which never saw these lists, or --model FILE). A thread is judged by the labels
of labels-heated.jsonl: uncivil when one of its labeled messages is, civil when it has labeled
messages and none is, unjudged when none of its messages was labeled (the sample labels 1,000 of
each list's ~2,500 messages). Printed per list:
  - P@20: uncivil threads among the first 20 of the ranking (unjudged ones count as not uncivil);
  - P@20 judged: the same over the first 20 judged threads of the ranking;
  - floors measured on the same threads: the share of uncivil threads among the judged ones (a
    random ranking's expected precision), and P@20 judged of "largest thread first".
Labels: annotators 1-4 (docs/friction.md, "Heated review mail"); the ranking never sees them.
"""
import argparse, json, sqlite3, subprocess, sys
from collections import defaultdict
from pathlib import Path

def ranked_threads(cli, store, lst, model, threshold):
    cmd = [cli, "--db", store, "--json", "friction", "--list", lst, "--top", "0"] + (["--model", model] if model else []) \
        + (["--threshold", threshold] if threshold else [])
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    return json.loads(out)

def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cli", required=True)
    ap.add_argument("--store", required=True)
    ap.add_argument("--labels", default=str(Path(__file__).with_name("labels-heated.jsonl")))
    ap.add_argument("--model", help="a liblinear friction model instead of the built-in one")
    ap.add_argument("--threshold", help="passed to friction --threshold")
    ap.add_argument("-k", type=int, default=20)
    args = ap.parse_args()
    rows = [json.loads(l) for l in open(args.labels, encoding="utf-8") if l.strip()][1:]
    labels = defaultdict(dict)
    for r in rows:
        labels[r["list"]][r["msgid"]] = r["label"]
    db = sqlite3.connect(f"file:{Path(args.store) / 'kernellens.sqlite'}?mode=ro", uri=True)
    k = args.k
    print(f"{'list':24} {'threads':>7} {'judged':>6} {'uncivil':>7} {'base':>6} {'P@%d' % k:>6} {'P@%d judged' % k:>11} {'largest-first':>13}")
    for lst in sorted(labels):
        verdict = {}
        for thread, msgid in db.execute("SELECT m.thread_id, m.msgid FROM messages m JOIN lists l ON l.id = m.list_id "
                                        "WHERE l.name = ? AND m.thread_id IS NOT NULL", (lst,)):
            if msgid in labels[lst]:
                verdict[thread] = max(verdict.get(thread, 0), labels[lst][msgid])
        ranking = ranked_threads(args.cli, args.store, lst, args.model, args.threshold)
        ids = [t["thread_id"] for t in ranking]
        judged = [t for t in ids if t in verdict]
        uncivil = sum(verdict[t] for t in judged)
        base = uncivil / len(judged) if judged else float("nan")
        p_at = sum(verdict.get(t, 0) for t in ids[:k]) / k
        p_judged = sum(verdict[t] for t in judged[:k]) / min(k, len(judged)) if judged else float("nan")
        by_size = sorted(ranking, key=lambda t: (-t["messages"], t["thread_id"]))
        size_judged = [t["thread_id"] for t in by_size if t["thread_id"] in verdict]
        p_size = sum(verdict[t] for t in size_judged[:k]) / min(k, len(size_judged)) if size_judged else float("nan")
        print(f"{lst:24} {len(ids):7} {len(judged):6} {uncivil:7} {base:6.3f} {p_at:6.3f} {p_judged:11.3f} {p_size:13.3f}")

if __name__ == "__main__":
    main()
