# SPDX-License-Identifier: GPL-2.0
#
# pvx: paravirtualization layer and drivers for Linux 6.12 on x86_64.
#
#   make                 regenerate patches/, build the patched kernel + initramfs
#   make run             set up, build, boot PLATFORM (kvm) and show what pvx found
#   make check           set up, static checks, build, boot matrix + KUnit + suites
#   make check-nested    pvblk tests on the nested KVM test bed alone
#   make patches         regenerate patches/ from the source directories
#   make patches-check   the series' static checks and the build checks
#   make bench           timings (BENCH=build,blk,hooks,clock); reports in the results dir
#   make deps            install what pvx needs (apt) and fetch the L1 kernel
#   make clean           remove the build output under PVX_CACHE
#
# Variables: PLATFORM=native|kvm|xen  SMP=2  MEM=512  APPEND='...'
#            CMD='...' or SCRIPT=path (workload run in the guest)
#            DISK=64M,/path.img:ro,...  DISK_QUEUES=2  DISK_MODEL=virtio|ahci
#            TIMEOUT=s  KVM_ATTEMPTS=1-3  KVM_QUIET=s  GUEST=pvx|stock
#            KSRC=/path/to/linux-6.12.y  PVX_CACHE=~/.cache/pvx
#            HOOK='cmd' (run beside the guest, PVX_LOG and PVX_QMP set)
#            CHECK_ONLY=static|harness|matrix|pvx-off|clock|kexec|pvblk|nested|cli|patches
#            CHECK_DEADLINE=4800 (s)  BED_L1_SMP=1  BED_NPT=0 (nested bed)
# See README.md for each.

SHELL := /bin/bash
PLATFORM ?= kvm
S := scripts

ifeq ($(filter native kvm xen,$(PLATFORM)),)
$(error unknown PLATFORM '$(PLATFORM)': use native, kvm or xen)
endif

# The user's workload, kernel arguments and host-side hook reach the
# guest (and the hook its shell) byte for byte:
# make must not expand the $ in them ($(value) gives the text as given;
# a := variable is not expanded again).
ifneq ($(origin CMD),undefined)
override CMD := $(value CMD)
export CMD
endif
ifneq ($(origin APPEND),undefined)
override APPEND := $(value APPEND)
export APPEND
endif
ifneq ($(origin HOOK),undefined)
override HOOK := $(value HOOK)
export HOOK
endif
ifneq ($(origin SCRIPT),undefined)
override SCRIPT := $(value SCRIPT)
export SCRIPT
endif

# One clock for every step's "[pvx Ns]" progress line.
export PVX_T0 := $(shell date +%s)

.PHONY: all deps patches patches-check build run run-args check check-nested bench clean help

# In order, also under -j: run-args before anything is built.
.NOTPARALLEL:

all: patches build

help:
	@sed -n '/^#   make/,/^# See README/p' Makefile | sed 's/^# \{0,1\}//'

deps:
	@bash $(S)/deps.sh

patches: deps
	@bash $(S)/series/patches.sh gen

# Builds the kernel from patches/ as it stands: what users apply.
build: deps
	@bash $(S)/build.sh test >/dev/null
	@bash $(S)/bed/initramfs.sh

# The run's arguments are checked before anything is built.
run-args:
	@CHECK_ARGS=1 bash $(S)/bed/boot.sh "$(PLATFORM)"

run: run-args patches build
	@bash $(S)/run.sh "$(PLATFORM)"

# check.sh runs the static checks (seconds) before it builds.
check: deps
	@bash $(S)/check/check.sh

bench: patches build
	@bash $(S)/bench/bench.sh

# pvblk on the nested KVM test bed alone (also part of check).
check-nested: build
	@CHECK_ONLY=nested bash $(S)/check/check.sh

patches-check: deps
	@CHECK_ONLY=patches bash $(S)/check/check.sh

clean:
	@. $(S)/lib.sh && rm -rf "$$PVX_CACHE"/build "$$PVX_CACHE"/initramfs \
		"$$PVX_CACHE"/run.* && echo "removed build output under $$PVX_CACHE"
