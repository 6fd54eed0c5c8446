#!/usr/bin/env python3
"""Build a public-inbox v2 archive of N messages from the real linux-kbuild epoch, for the
memory benchmark (bench-memory.sh).

The source messages (the `m` blobs of the kbuild epoch, oldest first; `d` removal commits are
skipped) are copied as many times as needed to reach N. Copy 0 is byte-identical to the source;
copy k > 0 gets `.c<k>` appended to the local part of every Message-ID in Message-ID:,
In-Reply-To: and References: (so threads stay whole and IDs stay unique) and an
`X-KernelLens-Bench-Copy: k` header (so no two copies share their content hash, as a message
without a Message-ID would otherwise). Dates are kept. Deterministic: the same N and
--per-epoch give the same commits, byte for byte.

The archive is written with `git fast-import`, one commit per message holding the blob `m`
(as public-inbox and lore do), into OUT/git/0.git, OUT/git/1.git, … with --per-epoch messages
in each epoch. Never write it into the repository.

Usage: make-big-archive.py --messages N --out DIR [--per-epoch M] [--source BUNDLE|GITDIR]
                           [--cache DIR]
"""
import argparse
import os
import re
import shutil
import subprocess
import sys

ID_FIELDS = (b"message-id", b"in-reply-to", b"references")
ANGLE_ID = re.compile(rb"<([^<>\s]*)>")


def parse_args():
    here = os.path.dirname(os.path.abspath(__file__))
    data = os.environ.get("KERNELLENS_SHARED_DATA",
                          os.path.join(here, "..", "..", "..", "shared", "data"))
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--messages", type=int, required=True, help="messages in the archive")
    p.add_argument("--out", required=True, help="inbox directory to create (replaced if present)")
    p.add_argument("--per-epoch", type=int, default=50000, help="messages per git epoch")
    p.add_argument("--source", default=os.path.join(data, "linux-kbuild-epoch0.bundle"),
                   help="bundle or git dir of a public-inbox epoch")
    p.add_argument("--cache", default=None,
                   help="where to keep a mirror of a bundle source (default: beside --out)")
    return p.parse_args()


def source_repo(source, cache):
    """A git dir to read from: the source itself, or a mirror clone of a bundle (kept in cache)."""
    if os.path.isdir(source):
        return source
    mirror = os.path.join(cache, os.path.basename(source) + ".git")
    if not os.path.isdir(mirror):
        os.makedirs(cache, exist_ok=True)
        subprocess.run(["git", "clone", "-q", "--mirror", source, mirror + ".tmp"], check=True)
        os.rename(mirror + ".tmp", mirror)
    return mirror


def read_messages(gitdir):
    """The raw `m` blobs of HEAD's history, oldest first."""
    commits = subprocess.run(["git", "-C", gitdir, "rev-list", "--reverse", "--topo-order", "HEAD"],
                             check=True, capture_output=True).stdout.split()
    request = b"".join(c + b":m\n" for c in commits)
    out = subprocess.run(["git", "-C", gitdir, "cat-file", "--batch"], input=request,
                         check=True, capture_output=True).stdout
    messages, pos = [], 0
    while pos < len(out):
        eol = out.index(b"\n", pos)
        header = out[pos:eol].split()
        pos = eol + 1
        if header[-1] == b"missing":  # a removal commit (blob `d`), no message
            continue
        size = int(header[2])
        messages.append(out[pos:pos + size])
        pos += size + 1
    return messages


def suffix_ids(value, suffix):
    def one(m):
        ident = m.group(1)
        at = ident.rfind(b"@")
        if at < 0:
            return b"<" + ident + suffix + b">"
        return b"<" + ident[:at] + suffix + ident[at:] + b">"
    return ANGLE_ID.sub(one, value)


def copy_message(raw, k):
    """Copy k of a raw message: IDs suffixed with .c<k> and a marker header (k = 0: unchanged)."""
    if k == 0:
        return raw
    crlf = raw.find(b"\r\n\r\n")
    lf = raw.find(b"\n\n")
    if lf >= 0 and (crlf < 0 or lf < crlf):
        end, eol = lf + 1, b"\n"
    elif crlf >= 0:
        end, eol = crlf + 2, b"\r\n"
    else:
        end, eol = len(raw), b"\n"
    head, body = raw[:end], raw[end:]
    suffix = b".c%d" % k
    lines = head.split(b"\n")
    in_id_field = False
    for i, line in enumerate(lines):
        if line[:1] in (b" ", b"\t"):
            pass  # a folded continuation of the field before
        else:
            in_id_field = line.split(b":", 1)[0].strip().lower() in ID_FIELDS
        if in_id_field:
            lines[i] = suffix_ids(line, suffix)
    head = b"\n".join(lines)
    if head and not head.endswith(b"\n"):
        head += eol
    return head + b"X-KernelLens-Bench-Copy: %d" % k + eol + body


def write_epoch(gitdir, messages, first_index):
    if os.path.exists(gitdir):
        shutil.rmtree(gitdir)
    subprocess.run(["git", "init", "-q", "--bare", gitdir], check=True)
    subprocess.run(["git", "-C", gitdir, "symbolic-ref", "HEAD", "refs/heads/master"], check=True)
    imp = subprocess.Popen(["git", "-C", gitdir, "fast-import", "--quiet", "--depth=10"],
                           stdin=subprocess.PIPE)
    out = imp.stdin
    for n, raw in enumerate(messages):
        when = 1500000000 + first_index + n  # deterministic commit times
        msg = b"m"
        out.write(b"commit refs/heads/master\n"
                  b"committer bench <bench@kernellens.invalid> %d +0000\n" % when)
        out.write(b"data %d\n%s\n" % (len(msg), msg))
        out.write(b"M 100644 inline m\ndata %d\n" % len(raw))
        out.write(raw)
        out.write(b"\n")
    out.close()
    if imp.wait() != 0:
        sys.exit("make-big-archive: git fast-import failed for %s" % gitdir)


def main():
    args = parse_args()
    if args.messages <= 0 or args.per_epoch <= 0:
        sys.exit("make-big-archive: --messages and --per-epoch must be positive")
    out = os.path.abspath(args.out)
    cache = args.cache or os.path.join(os.path.dirname(out), "make-big-archive-cache")
    source = read_messages(source_repo(args.source, cache))
    if not source:
        sys.exit("make-big-archive: no messages in %s" % args.source)
    if os.path.exists(out):
        shutil.rmtree(out)
    os.makedirs(os.path.join(out, "git"))
    epochs = (args.messages + args.per_epoch - 1) // args.per_epoch
    for e in range(epochs):
        first = e * args.per_epoch
        last = min(args.messages, first + args.per_epoch)
        batch = (copy_message(source[i % len(source)], i // len(source)) for i in range(first, last))
        write_epoch(os.path.join(out, "git", "%d.git" % e), batch, first)
        print("make-big-archive: epoch %d: messages %d..%d" % (e, first, last - 1), file=sys.stderr)
    print("make-big-archive: %d messages (%d source messages, %d copies) in %d epochs at %s"
          % (args.messages, len(source), (args.messages + len(source) - 1) // len(source),
             epochs, out), file=sys.stderr)


if __name__ == "__main__":
    main()
