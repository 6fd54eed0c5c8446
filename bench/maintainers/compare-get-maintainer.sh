#!/usr/bin/env bash
# Compares KernelLens's path -> sections with scripts/get_maintainer.pl on N random paths of a
# kernel tree checkout.
#   usage: compare-get-maintainer.sh TREE_DIR [N=500] [SEED=1] [KL_BENCH=kl-bench-coverage]
# TREE_DIR is a checked-out kernel tree with MAINTAINERS and scripts/get_maintainer.pl.
# Prints the agreement (paths whose section sets are equal) and every mismatch.
set -euo pipefail
tree=$(cd "${1:?usage: compare-get-maintainer.sh TREE_DIR [N] [SEED] [KL_BENCH]}" && pwd)
n=${2:-500}
seed=${3:-1}
bench=${4:-kl-bench-coverage}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$tree"
find . -type f -not -path './.git/*' | sed 's|^\./||' | LC_ALL=C sort > "$work/all"
find . -mindepth 1 -type d -not -path './.git*' | sed 's|^\./||' > "$work/dirs"
shuf -n "$n" --random-source=<(openssl enc -aes-256-ctr -pass pass:"$seed" -nosalt </dev/zero 2>/dev/null) \
  "$work/all" > "$work/paths"
start=$(date +%s.%N)
# One process per path: with several -f files get_maintainer.pl prints the union.
xargs -P 2 -I{} -d '\n' sh -c 'r=$(perl scripts/get_maintainer.pl --nogit --nogit-fallback --subsystem \
    --noemail --nostatus --norolestats --nol --nom --nor --nokeywords -f "$1" 2>/dev/null \
    | sed "s/[[:space:]]*$//" | LC_ALL=C sort -u | paste -sd"|" -); printf "%s\t%s\n" "$1" "$r"' _ {} \
    < "$work/paths" \
  | LC_ALL=C sort > "$work/gm"
gm_secs=$(echo "$(date +%s.%N) - $start" | bc)
start=$(date +%s.%N)
"$bench" sections MAINTAINERS "$work/dirs" < "$work/paths" 2> "$work/kl.err" > "$work/kl"
kl_secs=$(echo "$(date +%s.%N) - $start" | bc)
# Both as sorted "path<TAB>section" pairs; a path agrees when its pairs are identical.
pairs() { awk -F'\t' '{n=split($2,a,"|"); if (n==0) print $1 "\t"; for(i=1;i<=n;i++) print $1 "\t" a[i]}' "$1" | LC_ALL=C sort -u; }
pairs "$work/gm" > "$work/gm.p"
pairs "$work/kl" > "$work/kl.p"
total=$(wc -l < "$work/paths")
bad=$(LC_ALL=C comm -3 "$work/gm.p" "$work/kl.p" | sed 's/^\t//' | cut -f1 | LC_ALL=C sort -u | wc -l)
same=$((total - bad))
echo "paths compared: $total; identical section sets: $same ($(echo "scale=2; 100*$same/$total" | bc)%)"
echo "get_maintainer.pl: ${gm_secs}s for $total paths (one process each, 2 in parallel); KernelLens: ${kl_secs}s ($(cat "$work/kl.err"))"
if [ "$same" -ne "$total" ]; then
  echo "mismatches (< get_maintainer.pl, > KernelLens):"
  diff "$work/gm.p" "$work/kl.p" || true
  exit 1
fi
