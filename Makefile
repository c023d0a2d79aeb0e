# SPDX-License-Identifier: GPL-2.0
#
# pvx: paravirtualization layer and drivers for Linux 6.12 on x86_64.
#
#   make            regenerate patches/, build the patched kernel + initramfs
#   make run        set up, build, boot PLATFORM (kvm) and show what pvx found
#   make check      set up, build, boot matrix + KUnit + pvblk + patch checks
#   make check-nested   pvblk tests on the nested KVM test bed
#   make patches    regenerate patches/ from the source directories
#   make patches-check   the patch series checks alone
#   make bench      timings (build); reports under the results dir
#   make deps       install what pvx needs (apt) and fetch the L1 kernel
#
# Variables: PLATFORM=native|kvm|xen  SMP=2  MEM=512  APPEND='...'
#            CMD='...' or SCRIPT=path (workload run in the guest)
#            KSRC=/path/to/linux-6.12.y  PVX_CACHE=~/.cache/pvx

SHELL := /bin/bash
PLATFORM ?= kvm
S := scripts

ifeq ($(filter native kvm xen,$(PLATFORM)),)
$(error unknown PLATFORM '$(PLATFORM)': use native, kvm or xen)
endif

.PHONY: all deps patches patches-check build run check check-nested bench clean help

all: patches build

help:
	@sed -n '3,18p' Makefile | sed 's/^# \{0,1\}//'

deps:
	@bash $(S)/deps.sh

patches: deps
	@bash $(S)/patches.sh gen

# Builds the kernel from patches/ as it stands: what users apply.
build: deps
	@bash $(S)/build.sh test >/dev/null
	@bash $(S)/initramfs.sh

run: patches build
	@bash $(S)/run.sh "$(PLATFORM)"

check: build
	@bash $(S)/check.sh

bench: patches build
	@bash $(S)/bench.sh

# pvblk on the nested KVM test bed alone (also part of check).
check-nested: build
	@CHECK_ONLY=nested bash $(S)/check.sh

patches-check: deps
	@CHECK_ONLY=patches bash $(S)/check.sh

clean:
	@. $(S)/lib.sh && rm -rf "$$PVX_CACHE"/build "$$PVX_CACHE"/initramfs \
		"$$PVX_CACHE"/run.* && echo "removed build output under $$PVX_CACHE"
