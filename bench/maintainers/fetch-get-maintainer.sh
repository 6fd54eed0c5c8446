#!/usr/bin/env bash
# Puts scripts/get_maintainer.pl of Linux 6.12 into DEST (DEST/scripts/get_maintainer.pl), from
# Debian's linux-source-6.12 package (~150 MB download, ~15 s to extract one file), for the
# get_maintainer.pl comparison test and benchmark.
#   usage: fetch-get-maintainer.sh DEST
set -euo pipefail
dest=${1:?usage: fetch-get-maintainer.sh DEST}
mkdir -p "$dest"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
apt-get download linux-source-6.12 >/dev/null 2>&1 || { apt-get update -qq >/dev/null 2>&1 && apt-get download linux-source-6.12 >/dev/null; }
dpkg-deb --fsys-tarfile linux-source-6.12_*.deb | tar -xO ./usr/src/linux-source-6.12.tar.xz \
  | tar -xJ -C "$work" linux-source-6.12/scripts/get_maintainer.pl
mkdir -p "$dest/scripts"
mv "$work/linux-source-6.12/scripts/get_maintainer.pl" "$dest/scripts/get_maintainer.pl"
echo "$dest/scripts/get_maintainer.pl"
