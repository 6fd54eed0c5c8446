#!/usr/bin/env bash
# Builds the raw seed inputs of every fuzz target from the real data in ../shared/data (read,
# never copied into the project): OUT/<target>/ holds one file per input. The committed
# fuzz/corpus/<target>/ is these seeds minimised with libFuzzer's -merge=1 (run-long.sh does it
# when given --seeds OUT). Usage: fuzz/make-seeds.sh OUT [DATA_DIR]
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
out=${1:?usage: make-seeds.sh OUT [DATA_DIR]}
data=${2:-$here/../shared/data}
mkdir -p "$out"
out=$(cd "$out" && pwd)
for t in mail_parse mbox subject trailers diff quoting maintainers search_query pack_reader; do
  rm -rf "${out:?}/$t"; mkdir -p "$out/$t"
done
scratch=$(mktemp -d); trap 'rm -rf "$scratch"' EXIT

# Mail: messages from the two list mboxes and the heated-lists sample, plus the parser's fixtures.
python3 - "$out" "$data" "$here/tests/mail/fixtures" <<'PY'
import os, re, sys
out, data, fixtures = sys.argv[1:4]
def messages(path, limit, step):
    """Every `step`-th message (up to `limit`) of an mbox, as bytes, From_ line removed."""
    with open(path, 'rb') as f:
        blob = f.read()
    starts = [0] + [m.start() + 2 for m in re.finditer(rb'\n\nFrom ', blob)]
    picked = []
    for i in range(0, len(starts) - 1, step):
        chunk = blob[starts[i]:starts[i + 1]]
        if len(chunk) <= 32768:
            picked.append(chunk)
        if len(picked) == limit:
            break
    return picked
def write(target, name, data_bytes):
    with open(os.path.join(out, target, name), 'wb') as f:
        f.write(data_bytes)
n = 0
for mbox, limit, step in (('linux-kbuild-rust.mbox', 160, 16), ('io-uring-liburing.mbox', 160, 15),
                          ('friction/kernel-lists-2021-sample.mbox', 80, 120)):
    msgs = messages(os.path.join(data, mbox), limit, step)
    for i in range(0, len(msgs) - 2, 8):   # small mboxes of three messages each
        write('mbox', f'{n:04d}.mbox', b''.join(msgs[i:i + 3]))
        n += 1
    for m in msgs:
        raw = m.split(b'\n', 1)[1] if m.startswith(b'From ') else m
        head, _, body = raw.partition(b'\n\n')
        write('mail_parse', f'{n:04d}.eml', raw)
        subject = re.search(rb'^Subject: (.*(?:\n[ \t].*)*)', head, re.M | re.I)
        if subject:
            write('subject', f'{n:04d}.txt', re.sub(rb'\n[ \t]+', b' ', subject.group(1)))
        for target in ('trailers', 'diff', 'quoting'):
            write(target, f'{n:04d}.txt', body[:16384])
        n += 1
for name in sorted(os.listdir(fixtures)):
    path = os.path.join(fixtures, name)
    if os.path.isfile(path) and name != 'README.md':
        write('mbox' if name.endswith('.mbox') else 'mail_parse', name, open(path, 'rb').read())
PY

# MAINTAINERS of v6.1 and v6.12 (kernel-mini), cut into pieces of 25 sections: whole files are
# 800 KB, far too slow per execution, and every rule is exercised within a few sections.
git init -q --bare "$scratch/kernel.git"
git -C "$scratch/kernel.git" fetch -q "$data/kernel-mini.bundle" 'refs/tags/*:refs/tags/*'
for tag in v6.1 v6.12; do
  git -C "$scratch/kernel.git" show "$tag:MAINTAINERS" >"$scratch/MAINTAINERS.$tag"
  awk -v dir="$out/maintainers" -v tag="$tag" '
    /^$/ { blank = 1; print > file; next }
    blank && /^[^ \t]/ && !/^[A-Z]:/ { if (++sections % 25 == 0) { close(file); piece++ } }
    { blank = 0; file = sprintf("%s/%s-%03d.txt", dir, tag, piece); print > file }
  ' piece=0 "$scratch/MAINTAINERS.$tag"
done

# Search queries: the lore syntax of docs/search.md and what the tests search for.
while IFS= read -r q; do
  [ -n "$q" ] && printf '%s' "$q" >"$out/search_query/$(printf '%s' "$q" | sha1sum | cut -c1-16).txt"
done <<'Q'
rust
s:rust f:ojeda
"kernel module" AND NOT s:kbuild
t:ojeda@kernel.org c:bo@example.org
a:miguel l:rust-for-linux
m:msg1@example.org
b:Signed-off-by nq:module q:earlier
dfn:rust/kernel/lib.rs
d:2023-11-01..2023-12-31
d:..20231201
d:2023.11.14..
d:yesterday..
s:"PATCH v2" OR (f:ada -s:kbuild)
kern* +module -build
s:[PATCH
rust NEAR module
Q

# Packs: small packs and their indexes from liburing's history, with and without deltas, with
# offset and ref deltas, each with a 4-byte big-endian length of the index in front.
git init -q --bare "$scratch/liburing.git"
git -C "$scratch/liburing.git" fetch -q "$data/liburing.bundle" 'refs/heads/*:refs/heads/*'
pack() { # name, pack-objects options; object names on stdin
  local name=$1 opts=$2 base
  base=$(git -C "$scratch/liburing.git" pack-objects $opts "$scratch/$name")
  python3 - "$scratch/$name-$base.idx" "$scratch/$name-$base.pack" "$out/pack_reader/$name.bin" <<'PY'
import struct, sys
idx, pack = (open(p, 'rb').read() for p in sys.argv[1:3])
open(sys.argv[3], 'wb').write(struct.pack('>I', len(idx)) + idx + pack)
PY
}
versions() { # path, count: the blobs of the last versions of a file (git deltifies them)
  git -C "$scratch/liburing.git" log --format=%H -n "$2" master -- "$1" |
    while read -r c; do git -C "$scratch/liburing.git" rev-parse "$c:$1"; done
}
objects() { git -C "$scratch/liburing.git" rev-list --objects "$@" | cut -d' ' -f1; }
versions src/queue.c 12 | pack ofs-deltas "--delta-base-offset --window=20 --depth=50"
versions src/queue.c 12 | pack ref-deltas "--window=20 --depth=50"
versions man/io_uring_enter.2 6 | pack man-page "--delta-base-offset --window=10 --depth=3"
objects -n 1 master -- test/Makefile | pack one-commit "--window=0"
{ objects -n 3 master -- src/setup.c; versions src/setup.c 4; } | pack mixed "--delta-base-offset --window=10"
versions src/include/liburing.h 3 | pack undeltified "--window=0"
for t in "$out"/*/; do printf '%s %s\n' "$(basename "$t")" "$(ls "$t" | wc -l)"; done
