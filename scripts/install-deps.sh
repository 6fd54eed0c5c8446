#!/usr/bin/env bash
# Installs what KernelLens needs to build, test and run, from Debian 12 packages.
#   --list   print the Debian package names, one per line, and install nothing
#            (../shared/scripts/check-fresh-machine.sh reads this).
set -euo pipefail
packages=(
  # build tools
  build-essential cmake ninja-build pkg-config git
  # Qt 6: Core/Gui/Widgets/Test/Concurrent; Charts needs the Qt6OpenGL CMake package, which
  # qt6-charts-dev does not depend on (a fresh machine stops at configure without it)
  qt6-base-dev qt6-base-dev-tools libqt6opengl6-dev qt6-charts-dev qt6-svg-dev
  # C libraries
  libgit2-dev libgmime-3.0-dev libxapian-dev libsqlite3-dev liblinear-dev zlib1g-dev
  # run time, offscreen too: the SVG icon and image plugins, the platform plugins (offscreen is
  # in libqt6gui6, xcb in qt6-qpa-plugins), fonts for --screenshot and the PDF report
  libqt6svg6 qt6-qpa-plugins fontconfig fonts-dejavu-core
  # tests and packaging: a display for GUI tests, the .deb checks, the bench and label scripts
  xvfb xauth dpkg-dev file appstream desktop-file-utils python3
  # the fuzz build (KERNELLENS_FUZZ, scripts/fuzz-short.sh): clang, and libFuzzer with the
  # sanitizer runtimes, which clang-14 only recommends
  clang libclang-rt-14-dev
)
case "${1:-}" in
  --list) printf '%s\n' "${packages[@]}"; exit 0 ;;
  "") ;;
  -h | --help) sed -n '2,4p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
  *) echo "install-deps.sh: unknown option $1 (use --list or nothing)" >&2; exit 2 ;;
esac
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO=sudo
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
