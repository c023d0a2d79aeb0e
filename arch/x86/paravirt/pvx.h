/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pvx internals shared by the core, its sysfs view and the KUnit tests.
 */
#ifndef _PVX_INTERNAL_H
#define _PVX_INTERNAL_H

#include <linux/types.h>
#include <asm/pvx.h>

#define PVX_CPUID_FIRST_BASE	0x40000000
#define PVX_CPUID_LAST_BASE	0x4000ff00
#define PVX_CPUID_BASE_STEP	0x100

struct pvx_cpuid_regs {
	u32 eax, ebx, ecx, edx;
};

/* The two facts detection reads from the machine; KUnit stubs them. */
struct pvx_cpuid_regs pvx_cpuid(u32 leaf);
enum pvx_xen_mode pvx_xen_mode(void);

void pvx_detect(struct pvx_platform *p, enum pvx_mode mode);
int pvx_parse_enable(const char *arg, bool *enabled);
const char *pvx_mode_name(enum pvx_mode mode);

#endif /* _PVX_INTERNAL_H */
