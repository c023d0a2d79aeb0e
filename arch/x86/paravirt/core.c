// SPDX-License-Identifier: GPL-2.0
/*
 * pvx core: joins the x86 hypervisor detection, decides the backend once
 * at boot and answers what it decided.
 *
 * pvx sits in the kernel's hypervisor table like every guest platform,
 * so it runs at the same point of setup_arch() as the others and sees the
 * nopv switch they see. It reports on every boot, whatever wins the
 * table; for now it leaves the platform callbacks to the in-tree KVM and
 * Xen guest code and so never claims the table itself.
 */
#define pr_fmt(fmt) "pvx: " fmt

#include <linux/cache.h>
#include <linux/init.h>
#include <linux/kernel.h>
#include <linux/printk.h>
#include <asm/hypervisor.h>

#include "pvx.h"

static struct pvx_platform pvx_boot __ro_after_init;
static bool pvx_enabled __initdata = true;

static int __init pvx_parse_param(char *arg)
{
	if (pvx_parse_enable(arg, &pvx_enabled))
		pr_warn("ignoring pvx=%s: expected pvx=on or pvx=off\n",
			arg ?: "");
	return 0;
}
early_param("pvx", pvx_parse_param);

const struct pvx_platform *pvx_platform(void)
{
	return &pvx_boot;
}
EXPORT_SYMBOL_GPL(pvx_platform);

static void __init pvx_report(const struct pvx_platform *p)
{
	unsigned int i;

	for (i = 0; i < p->nr_sigs; i++)
		pr_info("CPUID 0x%08x: \"%s\" (%s), max leaf 0x%08x\n",
			p->sigs[i].base, p->sigs[i].name,
			pvx_hv_name(p->sigs[i].hv), p->sigs[i].max_leaf);

	if (p->mode != PVX_MODE_AUTO)
		pr_info("backend %s (%s; hypervisor %s)\n",
			pvx_backend_name(p->backend), pvx_mode_name(p->mode),
			pvx_hv_name(p->hv));
	else if (p->backend == PVX_BACKEND_NATIVE)
		pr_info("backend native (hypervisor %s)\n", pvx_hv_name(p->hv));
	else
		pr_info("backend %s (base 0x%08x, features 0x%08x, hints 0x%08x, version 0x%08x)\n",
			pvx_backend_name(p->backend), p->base, p->features,
			p->hints, p->version);
}

static u32 __init pvx_x86_detect(void)
{
	enum pvx_mode mode = PVX_MODE_AUTO;

	if (nopv)
		mode = PVX_MODE_NOPV;
	else if (!pvx_enabled)
		mode = PVX_MODE_OFF;

	pvx_detect(&pvx_boot, mode);
	pvx_report(&pvx_boot);
	return 0;
}

const __initconst struct hypervisor_x86 x86_hyper_pvx = {
	.name		= "pvx",
	.detect		= pvx_x86_detect,
	.type		= X86_HYPER_PVX,
	/* Detection must report under nopv too: it then picks native. */
	.ignore_nopv	= true,
};
