#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The pvx patch series: generated from the source directories, never
# edited by hand.
#
#   patches.sh gen [DIR]   write the series to DIR (default: patches/)
#   patches.sh sync        fail unless patches/ is what gen would write
#   patches.sh apply       git am patches/ onto the pristine tree; prints
#                          the build tree checked out at the result
#   patches.sh quilt       fail unless quilt push -a gives the same tree
#   patches.sh checkpatch  scripts/checkpatch.pl --strict on every patch
#
# scripts/series/NNNN-*.msg describes one patch each: a Subject: line, a
# Files: line (the repository files the patch adds, each named by exactly
# one patch; kunit/<path> lands at <path>), optional Glue: diffs against
# the pristine tree, an optional Hold: diff, a blank line and the
# message.
#
# A file several patches grow (a Kconfig, a Makefile, a shared header)
# is named by the patch that adds it and kept back there by its Hold:
# diff, written against the file as it is in the sources: patch N's tree
# is every file patches 1..N name, as in the sources, plus the glue of
# 1..N, with patch N's Hold: applied on top. What a hold keeps back
# lands in the next patch, unless that patch holds it back too. The
# last patch holds nothing back, so the series ends at the sources.
#
#   patches.sh headers     no in-tree header the series changes names a
#                          pvx config symbol in a comment (fixdep)
#   patches.sh prefixes    build the pvx directories at every patch of
#                          the series (W=1): each one must compile
set -euo pipefail
. "$(dirname "$0")/../lib.sh"

SERIES_DIR=$PVX_ROOT/scripts/series
PATCHES=$PVX_ROOT/patches

src=$(bash "$PVX_ROOT/scripts/ksrc.sh")
base=$(git -C "$src" rev-parse pvx-base)

# Print the value of header $2 of message file $1.
msg_header() {
	sed -n "1,/^\$/s/^$2: //p" "$1"
}

msg_body() {
	sed '1,/^$/d' "$1"
}

# Repository path -> path in the kernel tree.
kpath() {
	printf '%s\n' "${1#kunit/}"
}

# Every source file the series must carry.
series_sources() {
	(cd "$PVX_ROOT" && git ls-files -c -o --exclude-standard -- \
		arch drivers/pvblk drivers/pvclock drivers/pvnet kunit \
		Documentation/ABI/testing/sysfs-kernel-pvx* |
		grep -v -e '/README$' | LC_ALL=C sort)
}

# Paths a diff changes (its +++ lines), in the kernel tree.
diff_paths() {
	sed -n 's|^+++ b/||p' "$1"
}

# Repository path of kernel path $1.
rpath() {
	if [ -e "$PVX_ROOT/kunit/$1" ]; then
		printf 'kunit/%s\n' "$1"
	else
		printf '%s\n' "$1"
	fi
}

# Stage the sources' version of repository file $1 in index $2.
stage_file() {
	GIT_INDEX_FILE=$2 git -C "$src" update-index --add --cacheinfo \
		"100644,$(git -C "$src" hash-object -w "$PVX_ROOT/$1"),$(kpath "$1")"
}

# Build one commit per message file on top of pvx-base, without touching
# any work tree; print the last commit.
make_commits() {
	local idx parent msg f glue hold tree named missing last p
	idx=$(mktemp)
	named=$(mktemp)
	parent=$base
	GIT_INDEX_FILE=$idx git -C "$src" read-tree "$base"
	for msg in "$SERIES_DIR"/[0-9]*.msg; do
		last=$msg
		for f in $(msg_header "$msg" Files); do
			[ -f "$PVX_ROOT/$f" ] || die "$msg: no such file $f"
			grep -qxF "$f" "$named" &&
				die "$f is named by two patches ($(basename "$msg"))"
			echo "$f" >> "$named"
			stage_file "$f" "$idx"
		done
		for glue in $(msg_header "$msg" Glue); do
			GIT_INDEX_FILE=$idx git -C "$src" apply --cached \
				"$PVX_ROOT/$glue" ||
				die "$glue does not apply to $(basename "$msg")"
		done
		hold=$(msg_header "$msg" Hold)
		if [ -n "$hold" ]; then
			grep -q '^+++ /dev/null' "$PVX_ROOT/$hold" &&
				die "$hold deletes a file: a hold only keeps lines back"
			for p in $(diff_paths "$PVX_ROOT/$hold"); do
				grep -qxF "$(rpath "$p")" "$named" ||
					die "$hold: $p is not in the series yet"
			done
			GIT_INDEX_FILE=$idx git -C "$src" apply --cached \
				"$PVX_ROOT/$hold" ||
				die "$hold does not apply to the sources: update it"
		fi
		tree=$(GIT_INDEX_FILE=$idx git -C "$src" write-tree)
		parent=$( {
			msg_header "$msg" Subject
			echo
			msg_body "$msg"
			echo
			echo "Signed-off-by: $PVX_AUTHOR_NAME <$PVX_AUTHOR_EMAIL>"
		} | kgit -C "$src" commit-tree "$tree" -p "$parent")
		# What this patch held back is the sources' again.
		if [ -n "$hold" ]; then
			for p in $(diff_paths "$PVX_ROOT/$hold"); do
				stage_file "$(rpath "$p")" "$idx"
			done
		fi
	done
	[ -z "$(msg_header "$last" Hold)" ] ||
		die "$(basename "$last") is the last patch: it must hold nothing back"
	missing=$(series_sources | grep -vxF -f "$named") || true
	[ -z "$missing" ] || die "in no patch of the series: $(echo $missing)"
	# The series ends at the sources.
	while IFS= read -r f; do
		[ "$(GIT_INDEX_FILE=$idx git -C "$src" rev-parse ":$(kpath "$f")")" = \
		  "$(git -C "$src" hash-object "$PVX_ROOT/$f")" ] ||
			die "the last patch does not end at the sources: $f"
	done < "$named"
	rm -f "$idx" "$named"
	printf '%s\n' "$parent"
}

gen() {
	local out=$1 head tmp cover subject
	head=$(make_commits)
	tmp=$(mktemp -d)
	kgit -C "$src" format-patch -q --zero-commit --no-signature \
		--cover-letter --base="$base" -o "$tmp" "$base..$head"
	cover=$tmp/0000-cover-letter.patch
	subject=$(msg_header "$SERIES_DIR/cover.msg" Subject)
	python3 - "$cover" "$subject" "$SERIES_DIR/cover.msg" \
		"$(git -C "$src" log -1 --format=%s "$base")" <<'EOF'
import sys
path, subject, msgfile, basedesc = sys.argv[1:5]
text = open(path).read()
body = open(msgfile).read().split("\n\n", 1)[1].rstrip("\n")
body += "\n\nBase: " + basedesc + "\n"
text = text.replace("*** SUBJECT HERE ***", subject)
text = text.replace("*** BLURB HERE ***", body)
open(path, "w").write(text)
EOF
	(cd "$tmp" && ls [0-9]*.patch | grep -v '^0000-cover-letter' > series)
	mkdir -p "$out"
	rm -f "$out"/*.patch "$out/series"
	cp "$tmp"/* "$out/"
	rm -rf "$tmp"
}

series_files() {
	sed -e '/^#/d' -e '/^$/d' -e "s|^|$PATCHES/|" "$PATCHES/series"
}

# A scratch work tree of the kernel repository, reset to pvx-base.
scratch() {
	local wt=$PVX_CACHE/am
	if [ ! -e "$wt/.git" ]; then
		rm -rf "$wt"
		git -C "$src" worktree prune
		git -C "$src" worktree add -q -f --detach "$wt" "$base" >&2
	fi
	(
		cd "$wt"
		git am --abort >/dev/null 2>&1 || true
		rm -rf .pc
		git checkout -q -f --detach "$base"
		git clean -q -f -d -x
	)
	printf '%s\n' "$wt"
}

# Every prefix of the series as git am applied it compiles: the pvx
# directories present at that patch (W=1), and the kernel files the patch
# changes, with the test kernel's config (symbols a prefix does not have
# yet fall away in olddefconfig). Each source file of the pvx
# directories must have been compiled at that step, so that a Kconfig or
# Makefile that leaves a file out does not pass unseen.
prefixes() {
	local tree wt out cfg commits c n=0 dirs targets f d log missing
	# The series as patches/ has it now.
	tree=$(bash "$PVX_ROOT/scripts/series/patches.sh" apply)
	cfg=$PVX_CACHE/build/test/.config
	[ -f "$cfg" ] || die "build the test kernel first (make build)"
	commits=$(git -C "$tree" rev-list --reverse "$base..HEAD")
	[ -n "$commits" ] || die "run 'patches.sh apply' first"
	wt=$PVX_CACHE/prefix
	if [ ! -e "$wt/.git" ]; then
		rm -rf "$wt"
		git -C "$src" worktree prune
		git -C "$src" worktree add -q -f --detach "$wt" "$base" >&2
	fi
	out=$PVX_CACHE/build/prefix
	mkdir -p "$out"

	for c in $commits; do
		n=$((n + 1))
		log=$out/prefix-$n.log
		git -C "$wt" checkout -q -f --detach "$c"
		cp "$cfg" "$out/.config"
		dirs=()
		for d in arch/x86/paravirt drivers/pvblk drivers/pvclock; do
			[ -d "$wt/$d" ] && dirs+=("$d/")
		done
		# Stale objects of an earlier step or run prove nothing.
		rm -rf "$out/arch/x86/paravirt" "$out/drivers/pvblk" \
			"$out/drivers/pvclock"
		targets=("${dirs[@]}")
		# Outside them: a changed C file's object, and the whole
		# directory of a changed Makefile or local header.
		while IFS= read -r f; do
			d=${f%/*}/
			case "$f" in
			arch/x86/paravirt/* | drivers/pvblk/* | drivers/pvclock/*) ;;
			*.c) targets+=("${f%.c}.o") ;;
			*/Makefile | */Kbuild | */*.h)
				# Not include/ (no Makefile of its own), not a
				# whole tree such as drivers/ or arch/x86/.
				case "$d" in
				*/include/* | include/* | drivers/ | arch/x86/) ;;
				*) [ -f "$wt/${d}Makefile" ] && targets+=("$d") ;;
				esac
				;;
			esac
		done < <(git -C "$wt" diff --name-only "$c^" "$c")
		mapfile -t targets < <(printf '%s\n' "${targets[@]}" | awk '!seen[$0]++')
		if ! make -C "$wt" O="$out" -j"${JOBS:-$(nproc)}" CC="ccache gcc" \
			HOSTCC="ccache gcc" W=1 olddefconfig "${targets[@]}" > "$log" 2>&1; then
			grep -E 'error|Error' "$log" | head -n 20
			die "patch $n ($(git -C "$wt" log -1 --format=%s)) does not build ($log)"
		fi
		if grep -E '(warning|error):' "$log" | grep -E 'paravirt/|pvblk/|pvclock/|asm/pvx'; then
			die "patch $n: W=1 warnings in pvx sources ($log)"
		fi
		missing=$(cd "$wt" && for d in "${dirs[@]}"; do
			for f in "$d"*.c; do
				[ -e "$out/${f%.c}.o" ] || echo "$f"
			done
		done)
		[ -z "$missing" ] ||
			die "patch $n: not compiled (Kconfig or Makefile leaves them out?): $(echo $missing)"
		stage "patches: patch $n builds: $(git -C "$wt" log -1 --format=%s)"
	done
}

cmd=${1:-gen}
case "$cmd" in
gen)
	gen "${2:-$PATCHES}"
	stage "patches: $(grep -c . "${2:-$PATCHES}/series") patches written to ${2:-$PATCHES}"
	;;
sync)
	tmp=$(mktemp -d)
	gen "$tmp"
	# The base the cover letter records is the linux-source-6.12 this
	# machine has: Debian moves it on (6.12.117 to .118 on 2026-12-02),
	# and a series that still applies (apply, quilt) is not out of date
	# for that. Everything else must match.
	if ! diff -r -I '^Base: Linux ' -I '^base-commit: ' "$PATCHES" "$tmp" > "$tmp.diff"; then
		head -n 40 "$tmp.diff"
		rm -rf "$tmp" "$tmp.diff"
		die "patches/ is out of date with the sources: run 'make patches'"
	fi
	was=$(sed -n 's/^Base: //p' "$PATCHES/0000-cover-letter.patch")
	now=$(sed -n 's/^Base: //p' "$tmp/0000-cover-letter.patch")
	n=$(cat "$PATCHES"/*.patch | grep -c -e '^Base: Linux ' -e '^base-commit: ')
	m=$(cat "$tmp"/*.patch | grep -c -e '^Base: Linux ' -e '^base-commit: ')
	rm -rf "$tmp" "$tmp.diff"
	[ "$n" = "$m" ] ||
		die "patches/ is out of date with the sources: $n Base:/base-commit: lines, $m made (run 'make patches')"
	if [ "$was" != "$now" ]; then
		stage "patches: patches/ is in sync with the sources, made on another base ($was; here: $now)"
	else
		stage "patches: patches/ is in sync with the sources"
	fi
	;;
apply)
	wt=$(scratch)
	(cd "$wt" && kgit am -q --whitespace=error $(series_files)) >&2 ||
		die "the series does not apply with git am to $(git -C "$src" log -1 --format=%s "$base")"
	head=$(git -C "$wt" rev-parse HEAD)
	tree=$PVX_CACHE/tree
	if [ ! -e "$tree/.git" ]; then
		rm -rf "$tree"
		git -C "$src" worktree prune
		git -C "$src" worktree add -q -f --detach "$tree" "$head" >&2
	fi
	# Only files that differ are rewritten: incremental builds stay so.
	git -C "$tree" checkout -q -f --detach "$head"
	printf '%s\n' "$tree"
	;;
quilt)
	command -v quilt >/dev/null || die "quilt missing: run 'make deps'"
	wt=$(scratch)
	(cd "$wt" && QUILT_PATCHES=$PATCHES QUILT_PC=.pc \
		quilt push -a -q --fuzz=0 >/dev/null) ||
		die "the series does not apply with quilt push -a"
	# quilt must give exactly what git am gives.
	(
		cd "$wt"
		rm -rf .pc
		git add -A -f .
		am_head=$(git -C "$PVX_CACHE/tree" rev-parse HEAD 2>/dev/null) ||
			die "run 'patches.sh apply' first"
		git diff --cached --quiet "$am_head" ||
			die "quilt and git am give different trees"
		git reset -q
	)
	stage "patches: quilt push -a applies the series, same tree as git am"
	;;
checkpatch)
	tree=$PVX_CACHE/tree
	out=$(cd "$tree" && PATH=/usr/bin:$PATH ./scripts/checkpatch.pl --strict --terse \
		--show-types $(series_files) 2>&1) || true
	printf '%s\n' "$out" | grep -v '^total:' || true
	printf '%s\n' "$out" | grep '^total:' || true
	if printf '%s\n' "$out" | grep -q -E 'Traceback|No such file'; then
		die "checkpatch could not run all its checks (run 'make deps')"
	fi
	if printf '%s\n' "$out" | grep -q -E ': (ERROR|WARNING|CHECK):'; then
		die "checkpatch --strict is not clean"
	fi
	stage "patches: checkpatch --strict clean"
	;;
headers)
	# An in-tree header the series changes names no pvx config symbol in
	# a comment: kbuild's fixdep takes every CONFIG_ word of a file for a
	# dependency, so each object that includes the header would be built
	# again whenever the symbol changes (a comment in
	# <asm/xen/hypervisor.h> made 217 objects of the CONFIG_PVX=n build
	# depend on PVX_CLOCK_XEN). Headers the series adds are pvx's own.
	bad=$(awk '
		/^diff --git / { f = ""; new = 0 }
		/^--- \/dev\/null/ { new = 1 }
		/^\+\+\+ b\// { f = substr($2, 3); next }
		f ~ /\.h$/ && !new && /^\+[ \t]*(\/?\*|\/\/).*CONFIG_PVX/ {
			print FILENAME ": " f ": " substr($0, 2)
		}' "$PATCHES"/*.patch)
	[ -z "$bad" ] ||
		die "in-tree headers name pvx config symbols in comments (fixdep): $bad"
	stage "patches: no in-tree header the series changes names a pvx config symbol in a comment"
	;;
prefixes)
	prefixes
	;;
*)
	die "usage: patches.sh gen [DIR]|sync|apply|quilt|checkpatch|headers|prefixes"
	;;
esac
