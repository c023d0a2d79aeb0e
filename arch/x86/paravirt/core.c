// SPDX-License-Identifier: GPL-2.0
/*
 * pvx core: joins the x86 hypervisor detection, decides the backend once
 * at boot and answers what it decided.
 *
 * pvx sits in the kernel's hypervisor table like every guest platform,
 * so it runs at the same point of setup_arch() as the others and sees the
 * nopv switch they see. It reports on every boot, whatever wins the
 * table. On KVM it claims the table and is the platform (kvm.c; the
 * in-tree KVM guest code is configured out); on Xen the kernel's Xen
 * platform wins and pvx routes its operations afterwards (xen.c).
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

/* Every hook native, and why: the backend, or pvx support not built. */
static void __init pvx_hooks_native(const struct pvx_platform *p)
{
	bool built;
	unsigned int i;

	pvx_select_native(pvx_hooks);
	switch (p->backend) {
	case PVX_BACKEND_NATIVE:
		built = true;
		break;
	case PVX_BACKEND_KVM:
		built = IS_ENABLED(CONFIG_PVX_KVM);
		break;
	case PVX_BACKEND_XEN_PV:
	case PVX_BACKEND_XEN_HVM:
		built = IS_ENABLED(CONFIG_PVX_XEN);
		break;
	default:
		built = false;
		break;
	}
	if (!built)
		for (i = 0; i < PVX_HOOK_NR; i++)
			pvx_hooks[i].why = PVX_WHY_NOT_BUILT;
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
	pvx_hooks_native(&pvx_boot);

	/* Claim the platform on KVM; the highest priority wins the table. */
	if (IS_ENABLED(CONFIG_PVX_KVM) && pvx_boot.backend == PVX_BACKEND_KVM)
		return 1;
	return 0;
}

/**
 * pvx_platform_init_done - the winning platform's init_platform has run
 *
 * The Xen platform code has installed its pv_ops by now; pvx routes them.
 * Call sites are patched later, in arch_cpu_finalize_init().
 */
void __init pvx_platform_init_done(void)
{
	switch (pvx_boot.backend) {
	case PVX_BACKEND_XEN_PV:
	case PVX_BACKEND_XEN_HVM:
		if (IS_ENABLED(CONFIG_PVX_XEN))
			pvx_xen_init();
		break;
	case PVX_BACKEND_KVM:
		if (IS_ENABLED(CONFIG_PVX_KVM))
			break;	/* reported by its guest_late_init */
		fallthrough;
	default:
		if (pvx_disabled)
			pr_info("pvx.disable has no effect: every hook is native\n");
		pvx_hooks_report();
		break;
	}
}

const __initconst struct hypervisor_x86 x86_hyper_pvx = {
	.name			= "pvx",
	.detect			= pvx_x86_detect,
	.type			= X86_HYPER_PVX,
	/* Detection must report under nopv too: it then picks native. */
	.ignore_nopv		= true,
#ifdef CONFIG_PVX_KVM
	.init.init_platform	= pvx_kvm_init_platform,
	.init.guest_late_init	= pvx_kvm_guest_late_init,
	.init.x2apic_available	= pvx_kvm_x2apic_available,
	.init.msi_ext_dest_id	= pvx_kvm_msi_ext_dest_id,
#endif
};
