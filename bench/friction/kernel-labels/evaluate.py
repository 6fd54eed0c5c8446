#!/usr/bin/env python3
"""Precision, recall and F1 of a friction model on the labeled kernel-mail sample.

The labels file (labels.jsonl) holds the sample design in its first line and one labeled
message per line after it. The texts are not in the repository: they are read from a store
ingested from the kbuild archive in ../shared/data, and scored by `kernellens-cli friction
classify`, exactly as `kernellens-cli friction` scores a store.

Two sets of figures are printed:
- sample: every labeled message counts once (the sample is enriched in high scores);
- population: each message weighted by band size / band sample size (Horvitz-Thompson), an
  estimate for the whole archive, with a 95% interval from a stratified bootstrap.
Exit status 1 when a labeled message is missing from the store or the classifier fails, and
when --expect-f1 is given and the population F1 differs from it by more than 0.005.
"""
import argparse, json, random, sqlite3, subprocess, sys, zlib
from pathlib import Path

def own_text(blob):
    if len(blob) < 4 or int.from_bytes(blob[:4], "big") == 0:
        return ""
    return zlib.decompress(blob[4:]).decode("utf-8", "replace")

def load_labels(path):
    with open(path, encoding="utf-8") as f:
        lines = [json.loads(l) for l in f if l.strip()]
    if not lines or "header" not in lines[0]:
        sys.exit(f"{path}: the first line must be the sample design ({{\"header\": ...}})")
    return lines[0]["header"], lines[1:]

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
        w = weights[r["band"]]
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
    here = Path(__file__).resolve().parent
    ap = argparse.ArgumentParser()
    ap.add_argument("--store", required=True, help="store directory ingested from the kbuild archive")
    ap.add_argument("--cli", required=True, help="path of kernellens-cli")
    ap.add_argument("--labels", action="append",
                    help="labels file (repeatable: the samples are pooled, each weighted by its own design); "
                         "default: labels-test.jsonl")
    ap.add_argument("--census", action="append", default=[],
                    help="labels file whose messages count once each, exactly: the labeled messages the "
                         "--labels sample's population leaves out (repeatable)")
    ap.add_argument("--predictions", action="append", default=[],
                    help="JSON lines {\"id\", \"uncivil\"} that replace the model's decision for those messages: "
                         "the trainer's out-of-fold decisions for messages the model was trained on (--kernel-oof)")
    ap.add_argument("--model", help="a model file instead of the built-in one")
    ap.add_argument("--threshold", type=float, help="decide on score >= this instead of the model's own decision")
    ap.add_argument("--bootstrap", type=int, default=2000)
    ap.add_argument("--expect-f1", type=float)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()

    paths = args.labels or [str(here / "labels-test.jsonl")]
    rows, bands = [], {}
    for i, path in enumerate(paths):
        header, part = load_labels(path)
        # Bands are per sample: the same name in two samples is two strata.
        for b in header["bands"]:
            bands[f"{i}:{b['band']}"] = b
        for r in part:
            rows.append(dict(r, band=f"{i}:{r['band']}", source=path))
    for path in args.census:
        _, part = load_labels(path)
        n = len(part)
        # A census band: every message of it is labeled, so each stands for itself.
        bands[f"census:{path}"] = {"band": "census", "population": n, "sampled": n}
        for r in part:
            rows.append(dict(r, band=f"census:{path}", source=path))
    db_path = Path(args.store) / "kernellens.sqlite"
    if not db_path.exists():
        sys.exit(f"{db_path}: no such store database")
    db = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    texts = {}
    for r in rows:
        hit = db.execute("SELECT b.own_text FROM messages m JOIN message_bodies b ON b.message_id = m.id "
                         "WHERE m.msgid = ? LIMIT 1", (r["msgid"],)).fetchone()
        if hit is None:
            sys.exit(f"{r['source']}: message <{r['msgid']}> is not in {db_path}")
        texts[r["msgid"]] = own_text(hit[0])
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

    labeled = {b: sum(1 for r in rows if r["band"] == b) for b in bands}
    ones = {b: 1.0 for b in bands}
    ht = {b: bands[b]["population"] / labeled[b] for b in bands if labeled[b]}

    sample = prf(*counts(rows, ones, predicted))
    population = prf(*counts(rows, ht, predicted))
    prevalence = sum(ht[r["band"]] * r["label"] for r in rows) / sum(b["population"] for b in bands.values())

    rng = random.Random(20261122)
    by_band = {b: [r for r in rows if r["band"] == b] for b in bands}
    boot = []
    for _ in range(args.bootstrap):
        resampled = [rng.choice(by_band[b]) for b in bands for _ in by_band[b]]
        boot.append(prf(*counts(resampled, ht, predicted)))
    def interval(i):
        vals = sorted(x[i] for x in boot)
        return vals[int(0.025 * len(vals))], vals[int(0.975 * len(vals)) - 1]

    result = {
        "labeled": len(rows), "uncivil_labeled": sum(r["label"] for r in rows),
        "per_band": {b: {"population": bands[b]["population"], "labeled": labeled[b],
                         "uncivil": sum(r["label"] for r in by_band[b]),
                         "predicted_uncivil": sum(predicted[r["msgid"]] for r in by_band[b])} for b in bands},
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
        for b, v in result["per_band"].items():
            print(f"  {b}: population {v['population']}, labeled {v['labeled']}, uncivil {v['uncivil']}, "
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
