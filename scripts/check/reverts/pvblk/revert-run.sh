#!/bin/bash
# revert-run.sh NAME DIFF...: build the test kernel with DIFFs applied in the tree, boot native with only pvblk_fvdev
# (GLOB='pvblk_core*' picks other suites: kunit.filter_glob)
set -u
name=$1; shift
root=$(cd "$(dirname "$0")/../../../.." && pwd)
cache=${PVX_CACHE:-$HOME/.cache/pvx}
T=$cache/tree B=$cache/build/test
cd $T || exit 1
for d; do patch -p1 -s --dry-run < "$d" || { echo "does not apply: $d"; exit 1; }; done
for d; do patch -p1 -s < "$d"; done
make -C $T O=$B CC="ccache gcc" HOSTCC="ccache gcc" KBUILD_BUILD_USER=pvx KBUILD_BUILD_HOST=pvx -j2 bzImage > /tmp/rev-$name-build.log 2>&1
brc=$?
cp $B/arch/x86/boot/bzImage /tmp/bz-$name
for d; do patch -p1 -s -R < "$d"; done
[ $brc = 0 ] || { echo "build failed: /tmp/rev-$name-build.log"; tail -5 /tmp/rev-$name-build.log; exit 1; }
cd "$root" || exit 1
rm -rf /tmp/rev-$name; mkdir -p /tmp/rev-$name
TIMEOUT=600 APPEND="kunit.filter_glob=${GLOB:-pvblk_fvdev*}" CMD=true KERNEL=/tmp/bz-$name RESULTS=/tmp/rev-$name bash scripts/bed/boot.sh native rev > /tmp/rev-$name/boot.out 2>&1
echo "boot rc=$?"
grep -aE '^\[ *[0-9.]+\] +(not )?ok [0-9]+ pvblk_|# pvblk_[a-z]*: pass|Totals' /tmp/rev-$name/rev.kernel.log | grep -av '^\[ *[0-9.]*\]     ok ' | head -60
