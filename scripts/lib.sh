# SPDX-License-Identifier: GPL-2.0
# Common settings and helpers for the pvx scripts. Sourced, never run.
#
# Everything large (kernel trees, build dirs, images, ccache) lives under
# PVX_CACHE, outside the repository.

PVX_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
PVX_CACHE=${PVX_CACHE:-$HOME/.cache/pvx}
PVX_RESULTS=${PVX_RESULTS:-$PVX_CACHE/results}
# The Debian package the series is made against; its version is recorded
# in patches/0000-cover-letter.patch and in README.md.
PVX_KPKG=linux-source-6.12
PVX_KTARBALL=/usr/src/linux-source-6.12.tar.xz
# Fixed identity and dates make `make patches` reproducible byte for byte.
PVX_AUTHOR_NAME=${PVX_AUTHOR_NAME:-pvx developers}
PVX_AUTHOR_EMAIL=${PVX_AUTHOR_EMAIL:-pvx@example.org}
PVX_DATE="2026-11-21T00:00:00+00:00"

export CCACHE_DIR=${CCACHE_DIR:-$PVX_CACHE/ccache}
export CCACHE_MAXSIZE=${CCACHE_MAXSIZE:-8G}
# Kernel builds embed the build dir; let ccache share results between
# build dirs of the same tree.
export CCACHE_BASEDIR=$PVX_CACHE
export CCACHE_NOHASHDIR=1
export CCACHE_SLOPPINESS=time_macros,include_file_mtime,include_file_ctime

PVX_T0=${PVX_T0:-$(date +%s)}
export PVX_T0

# The checkout, cache and results paths reach kbuild (which cannot build
# in a path with a space or a colon), QEMU's options (comma-separated)
# and kernel command lines (space-separated): any path without those.
pvx_check_path() { # what path
	case "$2" in
	*[[:space:],:]*)
		printf 'pvx: error: %s "%s" holds a space, a comma or a colon, which kbuild, QEMU options or a kernel command line cannot take: %s\n' \
			"$1" "$2" "$([ "$1" = checkout ] && echo 'clone it to a path without them' || echo "set $1 to a path without them")" >&2
		exit 1 ;;
	esac
}
pvx_check_path checkout "$PVX_ROOT"
pvx_check_path PVX_CACHE "$PVX_CACHE"
pvx_check_path PVX_RESULTS "$PVX_RESULTS"
[ -z "${RESULTS:-}" ] || pvx_check_path RESULTS "$RESULTS"

# pvx_guest_paths: what a guest's workload may use from this machine
# (the checkout, the cache, the results dir), one a line, for the guest
# initramfs's pvx/paths: the guest's init binds them back when they lie
# under the /tmp or /run it mounts afresh.
pvx_guest_paths() {
	realpath -m "$PVX_ROOT" "$PVX_CACHE" "${RESULTS:-$PVX_RESULTS}"
}

# pvx_results PREFIX: RESULTS, the results dir of this job (a new one
# under PVX_RESULTS unless RESULTS is set), exported and made.
pvx_results() {
	RESULTS=${RESULTS:-$PVX_RESULTS/$1-$(date +%Y%m%d-%H%M%S)}
	export RESULTS
	mkdir -p "$RESULTS"
}

# stage "text": progress line with the time since the command started.
stage() {
	local now
	now=$(date +%s)
	printf '[pvx %4ds] %s\n' "$((now - PVX_T0))" "$*" >&2
}

die() {
	printf 'pvx: error: %s\n' "$*" >&2
	exit 1
}

# The kernel source tree the series is applied to (a git repository whose
# commit tagged pvx-base is the pristine tree).
pvx_srcdir() {
	if [ -n "${KSRC:-}" ]; then
		printf '%s/ksrc-%s\n' "$PVX_CACHE" \
			"$(printf '%s' "$(realpath -m "$KSRC")" | md5sum | cut -c1-8)"
	else
		printf '%s/linux\n' "$PVX_CACHE"
	fi
}

# Git in a kernel tree, with the fixed identity.
kgit() {
	GIT_AUTHOR_NAME=$PVX_AUTHOR_NAME GIT_AUTHOR_EMAIL=$PVX_AUTHOR_EMAIL \
	GIT_COMMITTER_NAME=$PVX_AUTHOR_NAME \
	GIT_COMMITTER_EMAIL=$PVX_AUTHOR_EMAIL \
	GIT_AUTHOR_DATE=$PVX_DATE GIT_COMMITTER_DATE=$PVX_DATE \
		git -c core.autocrlf=false -c gc.auto=0 -c advice.detachedHead=false \
		"$@"
}

# Build a guest program, scripts/suites/SUITE/NAME.c, for this machine's
# root, which the guest runs its tools from; print its path. Extra
# arguments go to gcc (-static for a program that must run from the
# guest's tmpfs).
pvx_guest_tool() { # name [gcc flags...]
	local name=$1 src bin=$PVX_CACHE/bin/$1 tmp
	src=$(ls "$PVX_ROOT"/scripts/suites/*/"$name.c" 2>/dev/null) ||
		die "no guest program $name.c under scripts/suites/"
	shift
	mkdir -p "$PVX_CACHE/bin"
	if [ ! -x "$bin" ] || [ "$src" -nt "$bin" ]; then
		# Two lanes of make check may build the same tool at once: each
		# into a file of its own, renamed into place.
		tmp=$(mktemp "$bin.XXXXXX")
		gcc -O2 -Wall -Wextra -Werror -pthread "$@" -o "$tmp" "$src" >&2 ||
			{ rm -f "$tmp"; die "cannot build $src"; }
		chmod 755 "$tmp"
		mv "$tmp" "$bin"
	fi
	printf '%s\n' "$bin"
}

# Build the kernel's timer selftests from the build tree, and clock-bench,
# for the guest (which runs this machine's root); print the directory.
# Static: the clock tests run some of them from tmpfs after a resume.
pvx_timer_tests() {
	local tree=$PVX_CACHE/tree out=$PVX_CACHE/bin/timers t
	mkdir -p "$out"
	[ -f "$out/.static" ] || rm -f "$out"/*
	for t in inconsistency-check nanosleep nsleep-lat raw_skew posix_timers; do
		[ "$out/$t" -nt "$tree/tools/testing/selftests/timers/$t.c" ] && continue
		make -s -C "$tree/tools/testing/selftests/timers" OUTPUT="$out" \
			LDFLAGS=-static "$out/$t" >&2 ||
			die "cannot build the timer selftest $t"
	done
	if [ ! -x "$out/clock-bench" ] ||
	   [ "$PVX_ROOT/scripts/suites/clock/clock-bench.c" -nt "$out/clock-bench" ]; then
		gcc -O2 -Wall -Wextra -Werror -static -o "$out/clock-bench" \
			"$PVX_ROOT/scripts/suites/clock/clock-bench.c" >&2 ||
			die "cannot build clock-bench"
	fi
	touch "$out/.static"
	printf '%s\n' "$out"
}

# This machine's TSC rate in kHz. Under QEMU's TCG the guests' TSC runs at
# it (L1's, and L2's on kvm), but a guest cannot calibrate it against the
# emulated PIT or HPET: a guest without pvclock is given it
# (tsc_early_khz=).
pvx_bed_tsc_khz() {
	local mhz
	mhz=$(dmesg 2>/dev/null | sed -n 's/.*tsc: Refined TSC clocksource calibration: \([0-9]*\.[0-9]*\) MHz.*/\1/p' | tail -n 1)
	[ -n "$mhz" ] || mhz=$(dmesg 2>/dev/null | sed -n 's/.*tsc: Detected \([0-9]*\.[0-9]*\) MHz.*/\1/p' | tail -n 1)
	[ -n "$mhz" ] || mhz=$(sed -n 's/^cpu MHz[[:space:]]*: \([0-9]*\.[0-9]*\)$/\1/p' /proc/cpuinfo | head -n 1)
	[ -n "$mhz" ] || die "cannot tell this machine's TSC rate"
	awk -v m="$mhz" 'BEGIN { printf "%d\n", m * 1000 + 0.5 }'
}

# The nested KVM platform's L1 kernel, unpacked by deps.sh: Debian's 6.12
# (the default), or bookworm's 6.1 with the bed variant BED_L1_KERNEL=6.1.
pvx_l1_dir() {
	case ${BED_L1_KERNEL:-6.12} in
	6.12) echo "$PVX_CACHE/l1" ;;
	6.1) echo "$PVX_CACHE/l1-6.1" ;;
	*) die "BED_L1_KERNEL=$BED_L1_KERNEL: want 6.12 or 6.1" ;;
	esac
}

# QEMU from bookworm-backports (a bed variant of bed-trial.sh), unpacked
# under PVX_CACHE on first use, never installed over Debian's QEMU: apt
# fetches the packages with a sources list of its own. Prints a wrapper
# that runs it with its own firmware and data.
pvx_qemu_bpo() {
	local d=$PVX_CACHE/qemu-bpo apt deb
	if [ ! -x "$d/qemu-system-x86_64" ]; then
		rm -rf "$d"
		mkdir -p "$d/apt/lists/partial" "$d/apt/cache/archives/partial" "$d/root"
		printf '%s\n' "deb http://deb.debian.org/debian bookworm main" \
			"deb http://deb.debian.org/debian bookworm-backports main" \
			> "$d/apt/sources.list"
		apt=(apt-get -q -o "Dir::Etc::sourcelist=$d/apt/sources.list"
		     -o Dir::Etc::sourceparts=/dev/null
		     -o "Dir::State::Lists=$d/apt/lists" -o "Dir::Cache=$d/apt/cache"
		     -o APT::Sandbox::User=root)
		"${apt[@]}" update >&2 &&
			(cd "$d/apt" && "${apt[@]}" download \
				qemu-system-x86/bookworm-backports \
				qemu-system-data/bookworm-backports \
				qemu-system-common/bookworm-backports >&2) ||
			die "could not fetch QEMU from bookworm-backports"
		for deb in "$d"/apt/*.deb; do
			dpkg-deb -x "$deb" "$d/root"
		done
		rm -rf "$d/apt"
		cat > "$d/qemu-system-x86_64" <<'WRAP'
#!/bin/sh
d=$(dirname "$0")/root
exec "$d/usr/bin/qemu-system-x86_64" -L "$d/usr/share/qemu" \
	-L /usr/share/seabios -L /usr/share/qemu "$@"
WRAP
		chmod +x "$d/qemu-system-x86_64"
	fi
	"$d/qemu-system-x86_64" -version | head -n 1 >&2
	printf '%s\n' "$d/qemu-system-x86_64"
}

# Kernel complaints, wherever they are in the kernel's log.
PVX_SPLATS='Kernel panic|Oops|unchecked MSR access|(^|[^A-Za-z_])BUG:|WARNING:|UBSAN:|KFENCE:|KASAN:|possible recursive locking|possible circular locking|inconsistent lock state|INFO: possible irq lock inversion|INFO: trying to register non-static key|suspicious RCU usage|INFO: task .* blocked|soft lockup|hard LOCKUP|general protection fault|kernel BUG at|DEBUG_LOCKS_WARN_ON|Call Trace:|RCU stall|detected stalls|self-detected stall|kthread starved|Unable to handle kernel|Out of memory:'
# Xen's own complaints on its console ("(XEN) " lines).
PVX_XEN_SPLATS='Xen WARN at|Xen BUG at|Assertion .* failed|Panic on CPU [0-9]+|FATAL (PAGE FAULT|TRAP)|Xen call trace|Watchdog timer detects|Dom0 crashed|domain_crash called'

# The complaints in console logs (early console first), one per line,
# each once: every time-stamped kernel line that matches PVX_SPLATS,
# wherever it starts on its line (the workload's part of the console
# included, and the workload's whole kernel log the guest prints at its
# end), and Xen's own lines that match PVX_XEN_SPLATS. Lines without a
# kernel time stamp (what a workload echoes) are not the kernel's. False
# when there is none.
pvx_splats() { # [log...] (default: standard input)
	cat "$@" | tr -d '\r' | PVX_K=$PVX_SPLATS PVX_X=$PVX_XEN_SPLATS awk '
		/^\(XEN\)/ { if ($0 ~ ENVIRON["PVX_X"] && !seen[$0]++) print; next }
		/\[ *[0-9]+\.[0-9][0-9][0-9][0-9][0-9][0-9]\]/ {
			if ($0 ~ ENVIRON["PVX_K"] && !seen[$0]++) print
		}' | grep -a .
}
