#!/bin/sh
# Builds a store from the NetBSD fixture tree (tests/maintainers/fixtures/netbsd-src) replayed as
# three releases, for the screenshots in docs/screenshots and docs/coverage.md's NetBSD figures:
#   netbsd-6-0-RELEASE  the interpreter, sys/kern, sys/sys/lua.h and lua(4)
#   netbsd-7-0-RELEASE  + luacore (core.*) and the lua(4) test scripts
#   netbsd-8-0-RELEASE  + luasystm (systm.*) and luapmf (pmf.*)
# Usage: netbsd-fixture-store.sh BUILD_DIR WORK_DIR   (WORK_DIR/repo and WORK_DIR/store are made)
set -eu
build=$1 work=$2
here=$(cd "$(dirname "$0")/../.." && pwd)
fixture=$here/tests/maintainers/fixtures/netbsd-src
rm -rf "$work/repo" "$work/store"
mkdir -p "$work/repo"
cd "$work/repo"
git init -q -b main
step() {   # DATE TAG PATH...
    date=$1 tag=$2; shift 2
    for p in "$@"; do mkdir -p "$(dirname "$p")"; cp "$fixture/$p" "$p"; done
    git add -A
    GIT_AUTHOR_DATE=$date GIT_COMMITTER_DATE=$date git -c user.name="NetBSD fixture" -c user.email=fixture@example.org \
        commit -qm "$tag"
    git tag "$tag"
}
step 2012-10-17T12:00:00Z netbsd-6-0-RELEASE external/mit/lua/dist/src/lprefix.h external/mit/lua/dist/src/lzio.c \
    sys/kern/kern_pmf.c sys/kern/subr_prf.c sys/sys/lua.h sys/modules/lua/Makefile sys/modules/lua/lua.c
step 2015-09-25T12:00:00Z netbsd-7-0-RELEASE sys/modules/luacore/Makefile sys/modules/luacore/luacore.c \
    sys/modules/lua/test.lua sys/modules/lua/infinite.lua
step 2018-07-17T12:00:00Z netbsd-8-0-RELEASE sys/modules/luasystm/Makefile sys/modules/luasystm/luasystm.c \
    sys/modules/luasystm/test.lua sys/modules/luapmf/Makefile sys/modules/luapmf/luapmf.c
"$build/app/cli/kernellens-cli" --db "$work/store" ingest git "$work/repo" --tags 'netbsd-*' --languages netbsd \
    --second-language 'Lua bindings' --subsystems 'dirs:sys/*,sys/modules/*,external/mit/*:1' --binding-model scripting
