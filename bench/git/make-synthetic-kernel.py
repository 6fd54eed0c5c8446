#!/usr/bin/env python3
"""Builds a synthetic kernel-like git repository with `git fast-import`.

The repository has a kernel-shaped tree (arch/, drivers/<class>/<driver>/, fs/, net/, include/,
Documentation/, scripts/, Kconfig/Makefile beside the code), Zipf-distributed paths and authors, an
author pool that grows over time (so newcomer cohorts exist), topic branches merged with merge
commits, Signed-off-by/Reviewed-by trailers, a .mailmap that folds some second addresses, Rust
(rust/ and *.rs drivers) arriving in the last fifth of the history, and annotated tags v1..vN.

refs/heads/master stops `--extra` commits before the end; refs/heads/next holds the whole history,
so a benchmark can ingest master, move master to next, and time the incremental rerun.

Usage: make-synthetic-kernel.py DEST.git [--commits 300000] [--extra 1000] [--tags 100] [--seed 1]
       [--repack-window 10]   (0 keeps fast-import's un-repacked pack)
"""

import argparse
import bisect
import os
import random
import subprocess
import sys

SUBSYSTEMS = [
    ("drivers/net", 18), ("drivers/gpu", 14), ("drivers/media", 8), ("drivers/usb", 6),
    ("drivers/block", 4), ("drivers/scsi", 5), ("drivers/input", 3), ("drivers/staging", 6),
    ("arch/x86", 7), ("arch/arm64", 6), ("arch/arm", 5), ("arch/powerpc", 3), ("arch/riscv", 2),
    ("fs/ext4", 4), ("fs/btrfs", 5), ("fs/xfs", 3), ("fs/nfs", 2), ("net/core", 4), ("net/ipv4", 4),
    ("net/bluetooth", 2), ("mm", 5), ("kernel/sched", 4), ("kernel", 4), ("block", 3),
    ("sound/soc", 6), ("security", 2), ("crypto", 2), ("lib", 2), ("include/linux", 6),
    ("include/uapi/linux", 2), ("Documentation", 5), ("scripts", 2), ("tools/perf", 4),
]
RUST_SUBSYSTEMS = [("rust/kernel", 10), ("rust/macros", 2), ("drivers/net/phy", 2),
                   ("drivers/block/rnull", 2), ("drivers/gpu/drm/nova", 3), ("samples/rust", 1)]
WORDS = ("int ret err dev struct buf len unsigned long static void return if else for while "
         "spin_lock mutex kfree kmalloc GFP_KERNEL priv data queue page size count flags irq "
         "pci_dev net_device sk_buff inode dentry file ops state list_head offset").split()


def zipf_choice(rng, items, s=1.1):
    # Index drawn with probability ~ 1/(i+1)^s; items are ordered by popularity.
    n = len(items)
    weights = zipf_choice.cache.get((n, s))
    if weights is None:
        weights = [1.0 / (i + 1) ** s for i in range(n)]
        acc, cum = 0.0, []
        for w in weights:
            acc += w
            cum.append(acc)
        weights = cum
        zipf_choice.cache[(n, s)] = weights

    x = rng.random() * weights[-1]
    return items[bisect.bisect_left(weights, x)]


zipf_choice.cache = {}


def code_line(rng, ext):
    n = rng.randint(2, 7)
    words = " ".join(rng.choice(WORDS) for _ in range(n))
    if ext == ".rs":
        return "    let %s = %s;" % (rng.choice(WORDS), words)
    if ext in (".c", ".h"):
        return "\t%s;" % words
    if ext == ".rst" or ext == ".txt":
        return words.capitalize() + "."
    return "# " + words


class Tree:
    def __init__(self, rng):
        self.rng = rng
        self.files = {}            # path -> list of lines
        self.by_dir = {}           # subsystem -> [paths]

    def new_path(self, subsystem, rust):
        rng = self.rng
        if subsystem == "Documentation":
            return "Documentation/%s/%s.rst" % (rng.choice(WORDS), rng.choice(WORDS) + str(rng.randint(0, 999)))
        if subsystem == "scripts":
            return "scripts/%s%d.%s" % (rng.choice(WORDS), rng.randint(0, 999), rng.choice(["sh", "py", "pl"]))
        driver = rng.choice(WORDS) + str(rng.randint(0, 60))
        if rust:
            return "%s/%s/%s.rs" % (subsystem, driver, rng.choice(WORDS))
        kind = rng.random()
        if kind < 0.05:
            return "%s/%s/Kconfig" % (subsystem, driver)
        if kind < 0.10:
            return "%s/%s/Makefile" % (subsystem, driver)
        if kind < 0.13 and subsystem.startswith("arch"):
            return "%s/%s/%s.S" % (subsystem, driver, rng.choice(WORDS))
        ext = ".h" if kind < 0.30 else ".c"
        return "%s/%s/%s%s" % (subsystem, driver, rng.choice(WORDS) + str(rng.randint(0, 9)), ext)

    def add(self, subsystem, rust):
        path = self.new_path(subsystem, rust)
        if path in self.files:
            return None
        ext = os.path.splitext(path)[1]
        self.files[path] = [code_line(self.rng, ext) for _ in range(self.rng.randint(5, 60))]
        self.by_dir.setdefault(subsystem, []).append(path)
        return path

    def modify(self, path):
        rng = self.rng
        lines = self.files[path]
        ext = os.path.splitext(path)[1]
        for _ in range(rng.choice([1, 1, 1, 2, 2, 3, 5])):
            op = rng.random()
            pos = rng.randint(0, len(lines))
            if op < 0.5 or len(lines) < 5:
                lines[pos:pos] = [code_line(rng, ext) for _ in range(rng.randint(1, 8))]
            elif op < 0.8:
                del lines[pos:pos + rng.randint(1, 4)]
            else:
                lines[pos:pos + 1] = [code_line(rng, ext)]
        if len(lines) > 400:
            del lines[300:]

    def remove(self, path, subsystem):
        del self.files[path]
        self.by_dir[subsystem].remove(path)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("dest")
    ap.add_argument("--commits", type=int, default=300000)
    ap.add_argument("--extra", type=int, default=1000)
    ap.add_argument("--tags", type=int, default=100)
    ap.add_argument("--authors", type=int, default=12000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--repack-window", type=int, default=10,
                    help="git repack -adf --window (0: keep fast-import's pack)")
    args = ap.parse_args()

    rng = random.Random(args.seed)
    if os.path.exists(args.dest):
        sys.exit("%s exists; remove it first" % args.dest)
    subprocess.run(["git", "init", "-q", "--bare", args.dest], check=True)
    fi = subprocess.Popen(["git", "-C", args.dest, "fast-import", "--quiet", "--depth=20"],
                          stdin=subprocess.PIPE, bufsize=1 << 20)
    out = fi.stdin

    def data(text):
        b = text.encode()
        out.write(b"data %d\n" % len(b))
        out.write(b)
        out.write(b"\n")

    authors = []
    for i in range(args.authors):
        first = rng.choice(["Ada", "Linus", "Greg", "Miguel", "Alice", "Bob", "Wedson", "Gary",
                            "Boqun", "Danilo", "Andreas", "Benno", "Trevor", "Christoph", "Jens"])
        last = "Dev%d" % i
        authors.append((first + " " + last, "%s.%s@example.org" % (first.lower(), last.lower())))
    # A few people also commit with a second address that .mailmap folds.
    alt = {i: "%s@old-employer.example" % authors[i][1].split("@")[0] for i in range(0, args.authors, 37)}

    tree = Tree(rng)
    total = args.commits + args.extra
    start_time = 1_104_537_600          # 2005-01-01
    span = 19 * 365 * 86400
    rust_from = int(total * 0.8)
    tag_every = max(1, args.commits // args.tags)
    mark = 0
    tag_no = 0
    topic = None                         # (subsystem, remaining, parent_mark_on_topic)
    master_mark = None
    files_marked = []

    def commit_header(ref, when, author_idx, message, parents):
        nonlocal mark
        mark += 1
        name, email = authors[author_idx]
        if author_idx in alt and rng.random() < 0.3:
            email = alt[author_idx]
        committer = authors[zipf_choice(rng, range(40), 1.0)]
        out.write(b"commit %s\nmark :%d\n" % (ref.encode(), mark))
        out.write(("author %s <%s> %d +0000\n" % (name, email, when)).encode())
        out.write(("committer %s <%s> %d +0000\n" % (committer[0], committer[1], when + 3600)).encode())
        data(message)
        for i, p in enumerate(parents):
            out.write(b"%s :%d\n" % (b"from" if i == 0 else b"merge", p))
        return mark

    def write_file(path):
        body = "\n".join(tree.files[path]) + "\n"
        b = body.encode()
        out.write(("M 100644 inline %s\n" % path).encode())
        out.write(b"data %d\n" % len(b))
        out.write(b)
        out.write(b"\n")

    # Initial import: a populated tree in one commit.
    when = start_time
    mark += 1
    out.write(b"commit refs/heads/master\nmark :%d\n" % mark)
    out.write(("author Linus Dev0 <linus.dev0@example.org> %d +0000\n" % when).encode())
    out.write(("committer Linus Dev0 <linus.dev0@example.org> %d +0000\n" % when).encode())
    data("Initial import\n")
    for subsystem, weight in SUBSYSTEMS:
        for _ in range(weight * 40):
            p = tree.add(subsystem, False)
            if p:
                write_file(p)
    mailmap = "".join("%s <%s> <%s>\n" % (authors[i][0], authors[i][1], a) for i, a in alt.items())
    b = mailmap.encode()
    out.write(b"M 100644 inline .mailmap\ndata %d\n" % len(b))
    out.write(b + b"\n")
    master_mark = mark

    for n in range(1, total):
        when = start_time + int(span * n / total)
        rust_era = n >= rust_from
        pool = max(50, int(args.authors * (n / total) ** 0.7))
        author = zipf_choice(rng, range(pool), 1.05)
        if rust_era and rng.random() < 0.10:
            subsystem = zipf_choice(rng, [s for s, _ in RUST_SUBSYSTEMS])
            rust = True
        else:
            subsystem = zipf_choice(rng, [s for s, _ in SUBSYSTEMS], 0.8)
            rust = False

        on_topic = topic is not None and subsystem == topic[0]
        if topic is not None and not on_topic and rng.random() < 0.25:
            subsystem, on_topic = topic[0], True
        if topic is None and rng.random() < 0.02 and not rust:
            topic = [subsystem, rng.randint(3, 25), None, set()]
            on_topic = True

        ref = "refs/heads/topic" if on_topic else "refs/heads/master"
        if on_topic:
            parent = topic[2] if topic[2] is not None else master_mark
        else:
            parent = master_mark
        subject = "%s: %s %s" % (subsystem.split("/")[-1], rng.choice(["fix", "add", "rework", "clean up", "convert"]),
                                 " ".join(rng.choice(WORDS) for _ in range(rng.randint(2, 6))))
        trailers = "\n\nSigned-off-by: %s <%s>\n" % authors[author]
        if rng.random() < 0.3:
            trailers += "Reviewed-by: %s <%s>\n" % authors[zipf_choice(rng, range(pool))]
        m = commit_header(ref, when, author, subject + trailers, [parent])

        paths = tree.by_dir.get(subsystem, [])
        touched_paths = []
        for _ in range(rng.choice([1, 1, 1, 1, 2, 2, 3, 4, 7])):
            r = rng.random()
            if not paths or r < 0.08 or (rust and r < 0.3):
                p = tree.add(subsystem, rust)
                if p:
                    write_file(p)
                    touched_paths.append(p)
            elif r < 0.10 and len(paths) > 20 and not on_topic:
                p = rng.choice(paths)
                tree.remove(p, subsystem)
                out.write(("D %s\n" % p).encode())
            else:
                p = zipf_choice(rng, paths, 0.9) if len(paths) > 1 else paths[0]
                tree.modify(p)
                write_file(p)
                touched_paths.append(p)
            paths = tree.by_dir.get(subsystem, [])
        if on_topic:
            topic[3].update(touched_paths)
            topic[2] = m
            topic[1] -= 1
            if topic[1] <= 0:
                # Merge the topic: master's tree plus the topic's files (disjoint subsystem).
                mc = commit_header("refs/heads/master", when + 60, zipf_choice(rng, range(40), 1.0),
                                   "Merge branch '%s-next'\n" % topic[0].replace("/", "-"),
                                   [master_mark, topic[2]])
                for p in sorted(topic[3]):
                    if p in tree.files:
                        write_file(p)
                master_mark = mc
                topic = None
        else:
            master_mark = m
        out.write(b"\n")

        if n < args.commits and n % tag_every == 0:
            tag_no += 1
            out.write(("tag v%d\nfrom :%d\ntagger Linus Dev0 <linus.dev0@example.org> %d +0000\n"
                       % (tag_no, master_mark, when)).encode())
            data("Linux v%d\n" % tag_no)
        if n == args.commits - 1:
            out.write(b"reset refs/heads/bench-base\nfrom :%d\n\n" % master_mark)
        if n % 20000 == 0:
            sys.stderr.write("%d/%d commits\n" % (n, total))

    out.write(b"reset refs/heads/next\nfrom :%d\n\n" % master_mark)
    out.close()
    if fi.wait() != 0:
        sys.exit("git fast-import failed")
    # master is where the first ingest stops; the benchmark moves it to next for the rerun.
    subprocess.run(["git", "-C", args.dest, "update-ref", "refs/heads/master", "refs/heads/bench-base"], check=True)
    subprocess.run(["git", "-C", args.dest, "update-ref", "-d", "refs/heads/topic"], check=False)
    if args.repack_window > 0:
        # fast-import's pack is the reverse of a real clone's: every new version of a file or tree
        # is a delta on the previous one (chains up to --depth), so reading history from the tip
        # resolves long chains, and objects lie in creation order. A clone from kernel.org comes
        # from pack-objects (newest objects whole, older ones deltas against them, recency
        # order); repack so the benchmark reads a pack shaped like that.
        sys.stderr.write("repacking (git repack -adf --window=%d --depth=50)\n" % args.repack_window)
        subprocess.run(["git", "-C", args.dest, "repack", "-adf", "-q", "--depth=50",
                        "--window=%d" % args.repack_window], check=True)


if __name__ == "__main__":
    main()
