// SPDX-License-Identifier: GPL-2.0
/*
 * pvclock time areas: the guest memory each CPU hands its hypervisor to
 * keep a pvclock_vcpu_time_info up to date in. One registration (KVM or
 * Xen) uses them at a time.
 *
 * CPU 0's area starts a page of its own: the vDSO maps that page for user
 * space. The first CPUs' areas share it and are static, usable before the
 * allocators are; later CPUs get theirs from kmalloc, never freed, so a
 * registration the hypervisor still holds cannot point into memory the
 * guest reused.
 */
#include <linux/log2.h>
#include <linux/percpu.h>
#include <linux/slab.h>
#include <linux/topology.h>

#include "pvclock.h"

#define PVCLOCK_BOOT_AREAS	(PAGE_SIZE / sizeof(struct pvclock_vsyscall_time_info))

static struct pvclock_vsyscall_time_info
	pvclock_boot_areas[PVCLOCK_BOOT_AREAS] __aligned(PAGE_SIZE);

DEFINE_PER_CPU(struct pvclock_vsyscall_time_info *, pvclock_area);

/* CPU 0's area, the start of the page the vDSO maps. */
struct pvclock_vsyscall_time_info *pvclock_area_boot(void)
{
	return &pvclock_boot_areas[0];
}

/**
 * pvclock_area_prepare - give @cpu its time area
 * @cpu: a CPU that has not run yet, or CPU 0 during early boot
 *
 * Idempotent: a CPU coming back online keeps the area it had. Returns 0
 * or -ENOMEM.
 */
int pvclock_area_prepare(unsigned int cpu)
{
	struct pvclock_vsyscall_time_info *a;

	/*
	 * The per-CPU copies start as copies of CPU 0's, which pointed at
	 * its area already: a CPU with that pointer has none of its own.
	 */
	a = per_cpu(pvclock_area, cpu);
	if (a && (!cpu || a != per_cpu(pvclock_area, 0)))
		return 0;
	if (cpu < PVCLOCK_BOOT_AREAS) {
		a = &pvclock_boot_areas[cpu];
	} else {
		/* kmalloc aligns a 64-byte object to 64: never splits a page. */
		BUILD_BUG_ON(!is_power_of_2(sizeof(*a)));
		a = kzalloc_node(sizeof(*a), GFP_KERNEL, cpu_to_node(cpu));
		if (!a)
			return -ENOMEM;
	}
	per_cpu(pvclock_area, cpu) = a;
	return 0;
}
