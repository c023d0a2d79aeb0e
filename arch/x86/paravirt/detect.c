// SPDX-License-Identifier: GPL-2.0
/*
 * pvx hypervisor detection from the CPUID hypervisor range.
 *
 * A hypervisor announces itself with a 12-byte signature in EBX, ECX and
 * EDX of leaf 0x40000000 + n * 0x100 and its highest leaf in EAX. Several
 * can be present at once (KVM and Xen put their own leaves at 0x40000100
 * when they also emulate Hyper-V at 0x40000000), so every base is scanned
 * and the first one pvx has a backend for is the one it drives. Values
 * that do not look like a signature are skipped: some CPUs answer leaves
 * they do not implement with the contents of their highest basic leaf.
 */
#define pr_fmt(fmt) "pvx: " fmt

#include <linux/bits.h>
#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/string.h>
#include <kunit/static_stub.h>
#include <kunit/visibility.h>
#include <xen/xen.h>
#include <asm/cpuid.h>

#include "pvx.h"

#define CPUID_1_ECX_HYPERVISOR	BIT(31)
#define PVX_SIG_LEN		12

static const struct {
	char sig[PVX_SIG_LEN];
	enum pvx_hv hv;
} pvx_known_sigs[] = {
	{ "KVMKVMKVM\0\0\0",	PVX_HV_KVM },
	{ "XenVMMXenVMM",	PVX_HV_XEN },
	{ "Microsoft Hv",	PVX_HV_HYPERV },
	{ "VMwareVMware",	PVX_HV_VMWARE },
	{ "bhyve bhyve ",	PVX_HV_BHYVE },
	{ "TCGTCGTCGTCG",	PVX_HV_TCG },
	{ "Jailhouse\0\0\0",	PVX_HV_JAILHOUSE },
	{ "ACRNACRNACRN",	PVX_HV_ACRN },
	{ "VBoxVBoxVBox",	PVX_HV_VIRTUALBOX },
	{ " lrpepyh  vr",	PVX_HV_PARALLELS },
	{ "QNXQVMBSQG\0\0",	PVX_HV_QNX },
};

static const char * const pvx_hv_names[PVX_HV_NR] = {
	[PVX_HV_NONE]		= "none",
	[PVX_HV_UNKNOWN]	= "unknown",
	[PVX_HV_KVM]		= "kvm",
	[PVX_HV_XEN]		= "xen",
	[PVX_HV_HYPERV]		= "hyperv",
	[PVX_HV_VMWARE]		= "vmware",
	[PVX_HV_BHYVE]		= "bhyve",
	[PVX_HV_TCG]		= "tcg",
	[PVX_HV_JAILHOUSE]	= "jailhouse",
	[PVX_HV_ACRN]		= "acrn",
	[PVX_HV_VIRTUALBOX]	= "virtualbox",
	[PVX_HV_PARALLELS]	= "parallels",
	[PVX_HV_QNX]		= "qnx",
};

static const char * const pvx_backend_names[PVX_BACKEND_NR] = {
	[PVX_BACKEND_NATIVE]	= "native",
	[PVX_BACKEND_KVM]	= "kvm",
	[PVX_BACKEND_XEN_PV]	= "xen-pv",
	[PVX_BACKEND_XEN_HVM]	= "xen-hvm",
};

const char *pvx_hv_name(enum pvx_hv hv)
{
	return (unsigned int)hv < PVX_HV_NR ? pvx_hv_names[hv] : "invalid";
}
EXPORT_SYMBOL_GPL(pvx_hv_name);

const char *pvx_backend_name(enum pvx_backend backend)
{
	if ((unsigned int)backend < PVX_BACKEND_NR)
		return pvx_backend_names[backend];
	return "invalid";
}
EXPORT_SYMBOL_GPL(pvx_backend_name);

const char *pvx_mode_name(enum pvx_mode mode)
{
	switch (mode) {
	case PVX_MODE_AUTO:
		return "none";
	case PVX_MODE_OFF:
		return "pvx=off";
	case PVX_MODE_NOPV:
		return "nopv";
	}
	return "invalid";
}
EXPORT_SYMBOL_IF_KUNIT(pvx_mode_name);

/* "pvx=on" or "pvx=off"; anything else is refused. */
int pvx_parse_enable(const char *arg, bool *enabled)
{
	if (!arg)
		return -EINVAL;
	if (!strcmp(arg, "on"))
		*enabled = true;
	else if (!strcmp(arg, "off"))
		*enabled = false;
	else
		return -EINVAL;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(pvx_parse_enable);

struct pvx_cpuid_regs pvx_cpuid(u32 leaf)
{
	struct pvx_cpuid_regs r;

	KUNIT_STATIC_STUB_REDIRECT(pvx_cpuid, leaf);

	cpuid(leaf, &r.eax, &r.ebx, &r.ecx, &r.edx);
	return r;
}
EXPORT_SYMBOL_IF_KUNIT(pvx_cpuid);

/*
 * Xen PV and PVH guests enter through their own entry points, which note
 * it before hypervisor detection runs. An HVM guest is not known to be
 * one yet at that point: a Xen signature without PV or PVH means HVM.
 */
enum pvx_xen_mode pvx_xen_mode(void)
{
	KUNIT_STATIC_STUB_REDIRECT(pvx_xen_mode);

	if (xen_pv_domain())
		return PVX_XEN_PV;
	if (xen_pvh_domain())
		return PVX_XEN_PVH;
	return PVX_XEN_NONE;
}
EXPORT_SYMBOL_IF_KUNIT(pvx_xen_mode);

static enum pvx_hv pvx_sig_lookup(const char *s)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(pvx_known_sigs); i++)
		if (!memcmp(s, pvx_known_sigs[i].sig, PVX_SIG_LEN))
			return pvx_known_sigs[i].hv;
	return PVX_HV_UNKNOWN;
}

/* Printable ASCII, padded with NULs at most at the end. */
static bool pvx_sig_plausible(const char *s)
{
	unsigned int i;
	bool pad = false;

	if (!s[0])
		return false;
	for (i = 0; i < PVX_SIG_LEN; i++) {
		if (!s[i])
			pad = true;
		else if (pad || s[i] < 0x20 || s[i] > 0x7e)
			return false;
	}
	return true;
}

/* Fill @sig from @base; false when the base holds no signature. */
static bool pvx_read_sig(u32 base, struct pvx_sig *sig)
{
	struct pvx_cpuid_regs r = pvx_cpuid(base);
	bool max_ok = r.eax >= base && r.eax - base < PVX_CPUID_BASE_STEP;
	char s[PVX_SIG_LEN];

	memcpy(&s[0], &r.ebx, 4);
	memcpy(&s[4], &r.ecx, 4);
	memcpy(&s[8], &r.edx, 4);

	sig->hv = pvx_sig_lookup(s);
	if (sig->hv == PVX_HV_UNKNOWN && (!max_ok || !pvx_sig_plausible(s)))
		return false;

	sig->base = base;
	if (max_ok)
		sig->max_leaf = r.eax;
	else if (sig->hv == PVX_HV_KVM && r.eax == 0)
		sig->max_leaf = base + 1;	/* KVM before 2.6.25 said 0 */
	else
		sig->max_leaf = base;		/* trust the signature only */

	memcpy(sig->name, s, PVX_SIG_LEN);
	sig->name[PVX_SIG_LEN] = '\0';
	return true;
}

/* Is @hv the hypervisor pvx should drive, given how the kernel started? */
static bool pvx_wanted(enum pvx_hv hv, enum pvx_xen_mode xen_mode)
{
	if (xen_mode != PVX_XEN_NONE)
		return hv == PVX_HV_XEN;
	return hv == PVX_HV_KVM || hv == PVX_HV_XEN;
}

static void pvx_read_features(struct pvx_platform *p)
{
	struct pvx_cpuid_regs r;

	switch (p->hv) {
	case PVX_HV_KVM:
		if (p->max_leaf < p->base + 1)
			break;
		r = pvx_cpuid(p->base + 1);
		p->features = r.eax;
		p->hints = r.edx;
		break;
	case PVX_HV_XEN:
		if (p->max_leaf >= p->base + 1)
			p->version = pvx_cpuid(p->base + 1).eax;
		if (p->max_leaf >= p->base + 4)
			p->features = pvx_cpuid(p->base + 4).eax;
		break;
	default:
		break;
	}
}

/**
 * pvx_detect - find the hypervisor and choose the pvx backend
 * @p: filled with what was found
 * @mode: PVX_MODE_AUTO, or why the backend must stay native
 *
 * Reads only CPUID and the kernel's record of a Xen PV/PVH entry, so it
 * is safe at any time after early CPU setup.
 */
void pvx_detect(struct pvx_platform *p, enum pvx_mode mode)
{
	struct pvx_sig sig, *driven = NULL;
	u32 base;

	memset(p, 0, sizeof(*p));
	p->mode = mode;
	p->xen_mode = pvx_xen_mode();

	if (!(pvx_cpuid(1).ecx & CPUID_1_ECX_HYPERVISOR) &&
	    p->xen_mode == PVX_XEN_NONE) {
		p->hv = PVX_HV_NONE;
		return;
	}

	for (base = PVX_CPUID_FIRST_BASE; base <= PVX_CPUID_LAST_BASE;
	     base += PVX_CPUID_BASE_STEP) {
		if (!pvx_read_sig(base, &sig))
			continue;
		if (p->nr_sigs == PVX_MAX_SIGS)
			break;
		p->sigs[p->nr_sigs] = sig;
		if (!driven && pvx_wanted(sig.hv, p->xen_mode))
			driven = &p->sigs[p->nr_sigs];
		p->nr_sigs++;
	}

	if (!driven && p->nr_sigs)
		driven = &p->sigs[0];
	if (driven) {
		p->hv = driven->hv;
		p->base = driven->base;
		p->max_leaf = driven->max_leaf;
		pvx_read_features(p);
	} else {
		p->hv = PVX_HV_UNKNOWN;
	}

	/* The kernel entered as a Xen guest: that is authoritative. */
	if (p->xen_mode != PVX_XEN_NONE && p->hv != PVX_HV_XEN) {
		p->hv = PVX_HV_XEN;
		p->base = 0;
		p->max_leaf = 0;
		p->features = 0;
		p->hints = 0;
	}
	if (p->hv == PVX_HV_XEN && p->xen_mode == PVX_XEN_NONE)
		p->xen_mode = PVX_XEN_HVM;

	if (mode != PVX_MODE_AUTO)
		return;
	if (p->hv == PVX_HV_KVM)
		p->backend = PVX_BACKEND_KVM;
	else if (p->hv == PVX_HV_XEN)
		p->backend = p->xen_mode == PVX_XEN_PV ?
			     PVX_BACKEND_XEN_PV : PVX_BACKEND_XEN_HVM;
}
EXPORT_SYMBOL_IF_KUNIT(pvx_detect);
