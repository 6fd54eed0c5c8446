#!/usr/bin/env python3
"""Does the shipped model's probability mean what it says on heated review mail?

For each list: the mean predicted probability against the observed uncivil rate, the Brier score
and the expected calibration error (ECE; ten bins of equal size by score, because uncivil mail is
rare and equal-width bins would leave all but the first empty). Then leave-one-list-out Platt
scaling: p' = sigmoid(a * logit(p) + b) fitted (maximum likelihood, Newton's method) on the other
three lists' labeled messages only, and applied once to the held-out list. The last line gives
(a, b) fitted on all four lists: what a review-mail calibration would ship.
"""
import argparse, math, sys
from pathlib import Path
sys.path.insert(0, str(Path(__file__).parent))
from lolo import load, texts_of, classify  # noqa: E402

EPS = 1e-6

def logit(p):
    p = min(max(p, EPS), 1 - EPS)
    return math.log(p / (1 - p))

def sigmoid(x):
    return 1 / (1 + math.exp(-x)) if x > -500 else 0.0

def fit_platt(pairs):
    """(a, b) maximising the likelihood of labels y given sigmoid(a * x + b); x = logit(score)."""
    a, b = 1.0, 0.0
    for _ in range(100):
        ga = gb = haa = hab = hbb = 0.0
        for x, y in pairs:
            p = sigmoid(a * x + b)
            w = p * (1 - p)
            ga += (p - y) * x; gb += p - y
            haa += w * x * x; hab += w * x; hbb += w
        haa += 1e-9; hbb += 1e-9
        det = haa * hbb - hab * hab
        if det <= 0:
            break
        da = (hbb * ga - hab * gb) / det
        db = (haa * gb - hab * ga) / det
        a, b = a - da, b - db
        if abs(da) + abs(db) < 1e-10:
            break
    return a, b

def calibration(pairs):
    """pairs of (probability, label): mean predicted, observed rate, Brier, ECE over 10 equal-mass bins."""
    n = len(pairs)
    ordered = sorted(pairs)
    ece = 0.0
    for i in range(10):
        part = ordered[i * n // 10:(i + 1) * n // 10]
        if part:
            ece += len(part) / n * abs(sum(p for p, _ in part) / len(part) - sum(y for _, y in part) / len(part))
    return {"mean_p": sum(p for p, _ in pairs) / n, "rate": sum(y for _, y in pairs) / n,
            "brier": sum((p - y) ** 2 for p, y in pairs) / n, "ece": ece,
            "top_bin_p": sum(p for p, _ in ordered[-n // 10:]) / (n // 10),
            "top_bin_rate": sum(y for _, y in ordered[-n // 10:]) / (n // 10)}

def show(name, model, c):
    print(f"| {name} | {model} | {c['mean_p']:.4f} | {c['rate']:.4f} | {c['brier']:.4f} | {c['ece']:.4f} | "
          f"{c['top_bin_p']:.3f} / {c['top_bin_rate']:.3f} |")

def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--labels", default=str(Path(__file__).with_name("labels-heated.jsonl")))
    ap.add_argument("--store", required=True)
    ap.add_argument("--cli", required=True)
    args = ap.parse_args()
    _, rows = load(args.labels)
    scored = classify(args.cli, None, texts_of(args.store, rows))
    score = {r["msgid"]: scored[r["msgid"]]["score"] for r in rows}
    print("| list | model | mean p | uncivil rate | Brier | ECE | top tenth: mean p / rate |")
    print("|---|---|---|---|---|---|---|")
    pooled_raw, pooled_cal = [], []
    for held in sorted({r["list"] for r in rows}):
        train = [(logit(score[r["msgid"]]), r["label"]) for r in rows if r["list"] != held]
        a, b = fit_platt(train)
        test = [r for r in rows if r["list"] == held]
        raw = [(score[r["msgid"]], r["label"]) for r in test]
        cal = [(sigmoid(a * logit(score[r["msgid"]]) + b), r["label"]) for r in test]
        pooled_raw += raw; pooled_cal += cal
        show(held, "shipped", calibration(raw))
        show(held, f"Platt on the other lists (a {a:.3f}, b {b:.3f})", calibration(cal))
    show("pooled", "shipped", calibration(pooled_raw))
    show("pooled", "Platt, leave-one-list-out", calibration(pooled_cal))
    a, b = fit_platt([(logit(score[r["msgid"]]), r["label"]) for r in rows])
    print(f"Platt fitted on all four lists: a {a:.4f}, b {b:.4f} (not a held-out figure)")

if __name__ == "__main__":
    main()
