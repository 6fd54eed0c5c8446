#!/usr/bin/env python3
"""Precision, recall and F1 of a friction model on the labeled kernel mail.

The texts are read from a store ingested from the kbuild archive in ../shared/data and scored
by `kernellens-cli friction classify`, exactly as `kernellens-cli friction` scores a store.
The design (which files, what each message stands for) is labeled_design.py's.

Two sets of figures are printed:
- sample: every labeled message counts once (the samples are enriched in high scores);
- population: each message weighted by what it stands for, an estimate for the whole archive,
  with a 95% interval from a stratified bootstrap.
Exit status 1 when a labeled message is missing from the store or the classifier fails, and
when --expect-f1 is given and the population F1 differs from it by more than 0.005.
"""
import argparse, json, random, subprocess, sys

import labeled_design

def score(cli, model, texts):
    cmd = [cli, "friction", "classify"] + (["--model", model] if model else [])
    stdin = "".join(json.dumps({"id": mid, "text": t}) + "\n" for mid, t in texts.items())
    run = subprocess.run(cmd, input=stdin, capture_output=True, text=True)
    if run.returncode != 0:
        sys.exit(f"{cli} friction classify failed ({run.returncode}): {run.stderr.strip()}")
    out = {}
    for line in run.stdout.splitlines():
        obj = json.loads(line)
        out[obj["id"]] = obj
    return out

def counts(rows, weights, predicted):
    tp = fp = fn = 0.0
    for r in rows:
        w = weights[r["stratum"]]
        p, y = predicted[r["msgid"]], r["label"]
        tp += w * (p and y)
        fp += w * (p and not y)
        fn += w * (y and not p)
    return tp, fp, fn

def prf(tp, fp, fn):
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * tp / (2 * tp + fp + fn) if tp + fp + fn else 0.0
    return p, r, f

def main():
    ap = argparse.ArgumentParser()
    labeled_design.add_arguments(ap)
    ap.add_argument("--cli", required=True, help="path of kernellens-cli")
    ap.add_argument("--predictions", action="append", default=[],
                    help="JSON lines {\"id\", \"uncivil\"} that replace the model's decision for those messages: "
                         "the trainer's out-of-fold decisions for messages the model was trained on (--kernel-oof)")
    ap.add_argument("--model", help="a model file instead of the built-in one")
    ap.add_argument("--threshold", type=float, help="decide on score >= this instead of the model's own decision")
    ap.add_argument("--bootstrap", type=int, default=2000)
    ap.add_argument("--expect-f1", type=float)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()

    rows, strata = labeled_design.load_design(args)
    texts = labeled_design.read_texts(args.store, rows)
    scored = score(args.cli, args.model, texts)
    missing = [m for m in texts if m not in scored]
    if missing:
        sys.exit(f"classifier returned no result for <{missing[0]}> and {len(missing) - 1} more")
    if args.threshold is None:
        predicted = {m: bool(o["uncivil"]) for m, o in scored.items()}
    else:
        predicted = {m: o["score"] >= args.threshold for m, o in scored.items()}
    replaced = 0
    for path in args.predictions:
        with open(path, encoding="utf-8") as f:
            for line in f:
                if line.strip():
                    o = json.loads(line)
                    if o["id"] in predicted:
                        predicted[o["id"]] = bool(o["uncivil"])
                        replaced += 1

    ones = {s: 1.0 for s in strata}
    ht = {s: labeled_design.weight(v) for s, v in strata.items()}

    sample = prf(*counts(rows, ones, predicted))
    population = prf(*counts(rows, ht, predicted))
    prevalence = sum(ht[r["stratum"]] * r["label"] for r in rows) / sum(v["population"] for v in strata.values())

    rng = random.Random(20261122)
    by_stratum = {s: [r for r in rows if r["stratum"] == s] for s in strata}
    boot = []
    for _ in range(args.bootstrap):
        resampled = [rng.choice(by_stratum[s]) for s in strata for _ in by_stratum[s]]
        boot.append(prf(*counts(resampled, ht, predicted)))
    def interval(i):
        vals = sorted(x[i] for x in boot)
        return vals[int(0.025 * len(vals))], vals[int(0.975 * len(vals)) - 1]

    result = {
        "labeled": len(rows), "uncivil_labeled": sum(r["label"] for r in rows),
        "per_stratum": {s: {"population": v["population"], "labeled": v["labeled"],
                            "uncivil": sum(r["label"] for r in by_stratum[s]),
                            "predicted_uncivil": sum(predicted[r["msgid"]] for r in by_stratum[s])}
                        for s, v in strata.items()},
        "sample": dict(zip(("precision", "recall", "f1"), sample)),
        "population": dict(zip(("precision", "recall", "f1"), population)),
        "population_95": {k: interval(i) for i, k in enumerate(("precision", "recall", "f1"))},
        "prevalence": prevalence,
    }
    if args.json:
        print(json.dumps(result, indent=1))
    else:
        print(f"labeled messages: {len(rows)}, uncivil: {result['uncivil_labeled']}"
              + (f", {replaced} decisions from {', '.join(args.predictions)}" if args.predictions else ""))
        for name, v in result["per_stratum"].items():
            print(f"  {name}: population {v['population']}, labeled {v['labeled']}, uncivil {v['uncivil']}, "
                  f"predicted uncivil {v['predicted_uncivil']}")
        print("sample:     P %.3f  R %.3f  F1 %.3f" % sample)
        lo = result["population_95"]
        print("population: P %.3f [%.3f, %.3f]  R %.3f [%.3f, %.3f]  F1 %.3f [%.3f, %.3f]" % (
            population[0], *lo["precision"], population[1], *lo["recall"], population[2], *lo["f1"]))
        print(f"estimated share of uncivil messages in the archive: {prevalence:.4f}")
    if args.expect_f1 is not None and abs(population[2] - args.expect_f1) > 0.005:
        print(f"population F1 {population[2]:.3f} differs from the expected {args.expect_f1:.3f}", file=sys.stderr)
        return 1
    return 0

if __name__ == "__main__":
    sys.exit(main())
