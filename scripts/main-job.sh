#!/usr/bin/env bash
# The main job, from a fresh Debian 12 machine to a report:
#   1. install the build dependencies (Debian packages) and build KernelLens (Release);
#   2. ingest real data: the linux-kbuild public-inbox archive and kernel-mini from ../shared/data
#      (or, where given, a lore list URL and a kernel git URL), and the liburing repository with
#      its io-uring threads, so patch review (mail linked to commits) has real data;
#   3. write the self-contained HTML report;
#   4. print where the report is and how to open the GUI on the same store.
# Reruns are incremental: the clones and the store are kept, and ingest reads only what is new.
#
# Usage: bash scripts/main-job.sh [--out DIR] [--data DIR] [--mail-url URL [--list NAME]]
#                                 [--git-url URL] [--skip-deps] [--jobs N]
#                                 [--build-dir DIR] [--build-type Release|RelWithDebInfo]
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
data="$here/../shared/data"
out="$here/out"
build="$here/build-release"
mail_url=""
git_url=""
list_name=""
skip_deps=0
build_type=Release
jobs=$(nproc)

while (($#)); do
  case "$1" in
    --out) out=$2; shift 2 ;;
    --data) data=$2; shift 2 ;;
    --mail-url) mail_url=$2; shift 2 ;;
    --list) list_name=$2; shift 2 ;;
    --git-url) git_url=$2; shift 2 ;;
    --build-dir) build=$2; shift 2 ;;
    --build-type) build_type=$2; shift 2 ;;
    --skip-deps) skip_deps=1; shift ;;
    --jobs) jobs=$2; shift 2 ;;
    -h | --help) sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "main-job.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done

mkdir -p "$out"
out=$(cd "$out" && pwd)
store="$out/store"
report="$out/kernellens-report.html"
start=$SECONDS

step() { printf '\n\033[1m==> [%s +%ss] %s\033[0m\n' "$(date +%H:%M:%S)" "$((SECONDS - start))" "$*"; }
die() { echo "main-job.sh: $*" >&2; exit 1; }

# --- 1. set up and build -------------------------------------------------------------------------
if ((skip_deps == 0)); then
  step "Installing build dependencies (Debian 12 packages)"
  bash "$here/scripts/install-deps.sh"
fi

step "Configuring and building ($build_type, $jobs jobs) in $build"
cmake -S "$here" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE="$build_type" \
  -DKERNELLENS_BUILD_TESTS=OFF -DKERNELLENS_BUILD_BENCH=OFF >/dev/null
cmake --build "$build" -j "$jobs"
bash "$here/scripts/check-build-deps.sh" "$build"
cli="$build/app/cli/kernellens-cli"
gui="$build/app/gui/kernellens"
[ -x "$cli" ] || die "the build did not produce $cli"

# --- 2. inputs -----------------------------------------------------------------------------------
mail_source=""
git_source=""
if [ -n "$mail_url" ]; then
  mail_source=$mail_url
  [ -n "$list_name" ] || list_name=$(basename "${mail_url%/}")
else
  list_name=${list_name:-linux-kbuild}
  bundle="$data/linux-kbuild-epoch0.bundle"
  [ -r "$bundle" ] || die "$bundle not found (pass --data DIR or --mail-url URL)"
  # The exact on-disk form of a public-inbox v2 inbox: <inbox>/git/0.git.
  if [ ! -d "$out/inbox/git/0.git" ]; then
    step "Cloning the $list_name archive (public-inbox v2 epoch 0) from $(basename "$bundle")"
    mkdir -p "$out/inbox/git"
    git clone --mirror --progress "$bundle" "$out/inbox/git/0.git"
  else
    step "Updating the $list_name archive clone"
    git -C "$out/inbox/git/0.git" fetch --quiet "$bundle" '+refs/*:refs/*' || true
  fi
  mail_source="$out/inbox"
fi
if [ -n "$git_url" ]; then
  git_source=$git_url
else
  bundle="$data/kernel-mini.bundle"
  [ -r "$bundle" ] || die "$bundle not found (pass --data DIR or --git-url URL)"
  if [ ! -d "$out/kernel-mini.git" ]; then
    step "Cloning kernel-mini (v6.1 and v6.12) from $(basename "$bundle")"
    git clone --mirror --progress "$bundle" "$out/kernel-mini.git"
  fi
  git_source="$out/kernel-mini.git"
fi

liburing_bundle="$data/liburing.bundle"
liburing_mbox="$data/io-uring-liburing.mbox"
if [ -r "$liburing_bundle" ] && [ -r "$liburing_mbox" ] && [ ! -d "$out/liburing.git" ]; then
  step "Cloning liburing from $(basename "$liburing_bundle")"
  git clone --mirror --progress "$liburing_bundle" "$out/liburing.git"
fi

# --- ingest ----------------------------------------------------------------------------------------
step "Ingesting git history: $git_source"
t=$SECONDS
"$cli" --db "$store" ingest git "$git_source"
echo "    git ingest: $((SECONDS - t)) s"

step "Ingesting the $list_name mailing list: $mail_source"
t=$SECONDS
"$cli" --db "$store" ingest mail --list "$list_name" "$mail_source"
echo "    mail ingest: $((SECONDS - t)) s"

if [ -d "$out/liburing.git" ]; then
  step "Ingesting liburing and its io-uring threads (patch review: mail linked to commits)"
  t=$SECONDS
  "$cli" --db "$store" ingest git --tags 'liburing-*' "$out/liburing.git"
  "$cli" --db "$store" ingest mail --list io-uring "$liburing_mbox"
  echo "    liburing ingest: $((SECONDS - t)) s"
fi

step "What the store holds"
"$cli" --db "$store" stats || true

# --- 3. the report -------------------------------------------------------------------------------
step "Writing the HTML report"
t=$SECONDS
"$cli" --db "$store" report --format html --out "$report" >/dev/null
echo "    report: $((SECONDS - t)) s, $(du -h "$report" | cut -f1)"

# --- 4. where things are ------------------------------------------------------------------------
step "Done in $((SECONDS - start)) s"
cat <<EOF

  Report (one self-contained HTML file, no external resources):
    $report
    open it:  xdg-open '$report'    (or file://$report in a browser)

  The store (SQLite + Xapian):
    $store

  Open the GUI on the same store:
    '$gui' --db '$store'

  More from the command line:
    '$cli' --db '$store' adoption
    '$cli' --db '$store' coverage
    '$cli' --db '$store' friction
    '$cli' --db '$store' series --list io-uring
    '$cli' --db '$store' review --by release --language second
    '$cli' --db '$store' search 's:rust AND d:2024-01-01..2024-12-31'
    '$cli' --db '$store' report --format pdf --out '$out/kernellens-report.pdf'
EOF
