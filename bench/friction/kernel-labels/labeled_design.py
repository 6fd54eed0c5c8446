"""The labeled kernel-mail files, their sampling design, and the texts they point to.

Shared by export.py (training input) and evaluate.py (figures). A labels file holds its
sample design in the first line ({"header": {"bands": [...]}}) and one labeled message per
line after it; the texts live in a store ingested from the kbuild archive, never in the
repository.

Design used for the figures: every message of a --census file counts once (all of them are
labeled), and a --labels sample stands for the rest of the archive, each of its messages
weighted by band population / band sample size (Horvitz-Thompson).
"""
import argparse, json, sqlite3, sys, zlib
from pathlib import Path

HERE = Path(__file__).resolve().parent
DEFAULT_SAMPLE = ["labels-more.jsonl"]
DEFAULT_CENSUS = ["labels-dev.jsonl", "labels-train.jsonl", "labels-test.jsonl"]


def add_arguments(ap):
    ap.add_argument("--store", required=True, help="store directory ingested from the kbuild archive")
    ap.add_argument("--labels", action="append",
                    help="labels file of a stratified sample, weighted by its design (repeatable); "
                         "default with no --census either: " + ", ".join(DEFAULT_SAMPLE))
    ap.add_argument("--census", action="append",
                    help="labels file whose messages count once each: the labeled messages the --labels "
                         "sample's population leaves out (repeatable); default with no --labels either: "
                         + ", ".join(DEFAULT_CENSUS))


def own_text(blob):
    # The ingest stores own_text as qCompress() output: a big-endian length, then zlib.
    if len(blob) < 4 or int.from_bytes(blob[:4], "big") == 0:
        return ""
    return zlib.decompress(blob[4:]).decode("utf-8", "replace")


def load_labels(path):
    with open(path, encoding="utf-8") as f:
        lines = [json.loads(l) for l in f if l.strip()]
    if not lines or "header" not in lines[0]:
        sys.exit(f"{path}: the first line must be the sample design ({{\"header\": ...}})")
    return lines[0]["header"], lines[1:]


def load_design(args):
    """Rows (each with "stratum" and "source") and strata {name: {"population", "labeled"}}."""
    samples, census = args.labels, args.census
    if not samples and not census:
        samples = [str(HERE / p) for p in DEFAULT_SAMPLE]
        census = [str(HERE / p) for p in DEFAULT_CENSUS]
    rows, strata = [], {}
    for i, path in enumerate(samples or []):
        header, part = load_labels(path)
        # Bands belong to one sample: the same band name in two samples is two strata.
        for b in header["bands"]:
            strata[f"{i}:{b['band']}"] = {"population": b["population"], "labeled": 0}
        for r in part:
            rows.append(dict(r, stratum=f"{i}:{r['band']}", source=path))
    for path in census or []:
        _, part = load_labels(path)
        strata[f"census:{path}"] = {"population": len(part), "labeled": 0}
        for r in part:
            rows.append(dict(r, stratum=f"census:{path}", source=path))
    for r in rows:
        strata[r["stratum"]]["labeled"] += 1
    return rows, strata


def weight(stratum):
    return stratum["population"] / stratum["labeled"]


def read_texts(store, rows):
    db_path = Path(store) / "kernellens.sqlite"
    if not db_path.exists():
        sys.exit(f"{db_path}: no such store database")
    db = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    texts = {}
    for r in rows:
        # 22 Message-IDs occur twice in the kbuild archive; labels are per Message-ID.
        hit = db.execute("SELECT b.own_text FROM messages m JOIN message_bodies b ON b.message_id = m.id "
                         "WHERE m.msgid = ? ORDER BY m.id LIMIT 1", (r["msgid"],)).fetchone()
        if hit is None:
            sys.exit(f"{r['source']}: message <{r['msgid']}> is not in {db_path}")
        texts[r["msgid"]] = own_text(hit[0])
    return texts
