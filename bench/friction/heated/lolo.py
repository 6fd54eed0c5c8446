#!/usr/bin/env python3
"""Leave-one-list-out evaluation of the friction model on the labeled heated kernel mail.

For each of the labeled lists L: train a model with kernellens-train-friction on both public
sets plus the labeled messages of every other list (and, with --kbuild-labels, the labeled
kbuild mail), with C and the threshold chosen by the trainer's CV on that training data alone;
then score L's labeled messages once with `kernellens-cli friction classify --model` and report
precision, recall and F1 at the model's own threshold (the shipped-threshold figure) and PR-AUC
(average precision over the scores). Messages cross-posted to L are kept out of its training.
The row "shipped" scores every list with the built-in model, which never saw these lists.

The sample is a simple random sample within each list, so every labeled message of L weighs the
same and these figures estimate the list's labeled population (see labels-heated.jsonl's header).
"""
import argparse, json, subprocess, sys, tempfile, zlib, sqlite3
from pathlib import Path

def own_text(blob):
    if blob is None or len(blob) < 4 or int.from_bytes(blob[:4], "big") == 0:
        return ""
    return zlib.decompress(blob[4:]).decode("utf-8", "replace")

def load(path):
    lines = [json.loads(l) for l in open(path, encoding="utf-8") if l.strip()]
    return lines[0]["header"], lines[1:]

def texts_of(store, rows):
    db = sqlite3.connect(f"file:{Path(store) / 'kernellens.sqlite'}?mode=ro", uri=True)
    out = {}
    for r in rows:
        hit = db.execute("SELECT b.own_text FROM messages m JOIN lists l ON l.id = m.list_id "
                         "JOIN message_bodies b ON b.message_id = m.id WHERE m.msgid = ? AND l.name = ? "
                         "ORDER BY m.id LIMIT 1", (r["msgid"], r["list"])).fetchone()
        if hit is None:
            sys.exit(f"<{r['msgid']}> of {r['list']} is not in {store}")
        out[r["msgid"]] = own_text(hit[0])
    return out

def classify(cli, model, texts):
    cmd = [cli, "friction", "classify"] + (["--model", model] if model else [])
    stdin = "".join(json.dumps({"id": m, "text": t}) + "\n" for m, t in texts.items())
    run = subprocess.run(cmd, input=stdin, capture_output=True, text=True)
    if run.returncode:
        sys.exit(f"friction classify failed: {run.stderr.strip()}")
    return {o["id"]: o for o in map(json.loads, run.stdout.splitlines())}

def prf(pairs):
    tp = sum(p and y for p, y in pairs); fp = sum(p and not y for p, y in pairs); fn = sum(y and not p for p, y in pairs)
    P = tp / (tp + fp) if tp + fp else 0.0
    R = tp / (tp + fn) if tp + fn else 0.0
    return P, R, (2 * tp / (2 * tp + fp + fn) if tp + fp + fn else 0.0), tp + fp

def average_precision(scored):
    """PR-AUC as average precision: mean of the precision at each uncivil message's rank."""
    scored = sorted(scored, key=lambda s: -s[0])
    positives = sum(y for _, y in scored)
    hits, total = 0, 0.0
    for rank, (_, y) in enumerate(scored, 1):
        if y:
            hits += 1
            total += hits / rank
    return total / positives if positives else float("nan")

def figures(name, decisions):
    """decisions: (uncivil decision, score, label) per message."""
    P, R, F, flagged = prf([(d, bool(y)) for d, _, y in decisions])
    return {"model": name, "labeled": len(decisions), "uncivil": sum(y for _, _, y in decisions), "flagged": flagged,
            "precision": P, "recall": R, "f1": F, "pr_auc": average_precision([(s, y) for _, s, y in decisions])}

def evaluate(name, model, cli, rows, texts, pooled):
    scored = classify(cli, model, {r["msgid"]: texts[r["msgid"]] for r in rows})
    decisions = [(bool(scored[r["msgid"]]["uncivil"]), scored[r["msgid"]]["score"], r["label"]) for r in rows]
    pooled.setdefault(name, []).extend(decisions)
    return figures(name, decisions)

def show(held, r):
    print(f"{held:22} {r['model']:8} n {r['labeled']:4} uncivil {r['uncivil']:3} flagged {r['flagged']:4}  "
          f"P {r['precision']:.3f} R {r['recall']:.3f} F1 {r['f1']:.3f} PR-AUC {r['pr_auc']:.3f}"
          + (f"  (C {r['C']}, threshold {r['threshold']})" if "C" in r else ""), flush=True)

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--labels", required=True, help="labels-heated.jsonl (merge_labels.py)")
    ap.add_argument("--store", required=True, help="store with the four lists ingested (split_lists.py)")
    ap.add_argument("--cli", required=True)
    ap.add_argument("--trainer", required=True, help="kernellens-train-friction")
    ap.add_argument("--data", required=True, help="../shared/data/friction")
    ap.add_argument("--lexicon", required=True)
    ap.add_argument("--kbuild-labels", help="kernel.jsonl of the kbuild labels (kernel-labels/export.py), added to every training set")
    ap.add_argument("--kbuild-weight", type=float, default=0.01,
                    help="weight of each kbuild message in the trainer's CV F1 (> 0): small, so that the threshold "
                         "is chosen for heated review mail, not for kbuild's 0.7%% base rate")
    ap.add_argument("--copies", default="10")
    ap.add_argument("-C", default="0.3,1,3,10")
    ap.add_argument("--only", help="hold out only this list")
    ap.add_argument("--trainer-arg", action="append", default=[], help="passed to the trainer (repeatable), e.g. --trainer-arg=--tone=1")
    ap.add_argument("--json", help="write the figures here")
    args = ap.parse_args()
    header, rows = load(args.labels)
    texts = texts_of(args.store, rows)
    lists = sorted({r["list"] for r in rows})
    results, pooled = [], {}
    for held in lists:
        if args.only and held != args.only:
            continue
        test = [r for r in rows if r["list"] == held]
        held_ids = {r["msgid"] for r in test} | {m for m, ls in header["cross_posted"].items() if held in ls}
        train = [r for r in rows if r["list"] != held and r["msgid"] not in held_ids]
        with tempfile.TemporaryDirectory() as tmp:
            kernel = Path(tmp) / "kernel.jsonl"
            with open(kernel, "w", encoding="utf-8") as f:
                for r in train:
                    f.write(json.dumps({"id": r["msgid"], "text": texts[r["msgid"]], "label": r["label"], "weight": 1.0}) + "\n")
                if args.kbuild_labels:
                    for line in open(args.kbuild_labels, encoding="utf-8"):
                        if line.strip():
                            f.write(json.dumps(dict(json.loads(line), weight=args.kbuild_weight)) + "\n")
            cmd = [args.trainer, "--data", args.data, "--lexicon", args.lexicon, "--kernel", str(kernel),
                   "--kernel-copies", args.copies, "-C", args.C, "--threshold", "cv", "--out", tmp] + args.trainer_arg
            run = subprocess.run(cmd, capture_output=True, text=True)
            if run.returncode:
                sys.exit(f"training without {held} failed: {run.stderr.strip()[-2000:]}")
            meta = json.loads((Path(tmp) / "friction.model.json").read_text())
            row = evaluate("lolo", str(Path(tmp) / "friction.model"), args.cli, test, texts, pooled)
            row.update(held_out=held, trained_on=len(train), C=meta.get("C"), threshold=meta.get("threshold"))
        shipped = evaluate("shipped", None, args.cli, test, texts, pooled)
        shipped["held_out"] = held
        results += [shipped, row]
        for r in (shipped, row):
            show(held, r)
    # Every held-out decision together: each message judged by a model that never saw its list.
    for name, decisions in pooled.items():
        r = figures(name, decisions)
        r["held_out"] = "pooled"
        results.append(r)
        show("pooled (4 lists)", r)
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=1) + "\n")
    return 0

if __name__ == "__main__":
    sys.exit(main())
