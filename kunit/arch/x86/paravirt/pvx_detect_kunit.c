// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for pvx hypervisor detection, against fake CPUID leaves
 * put in place of pvx_cpuid() and pvx_xen_mode() with static stubs.
 */
#include <kunit/static_stub.h>
#include <kunit/test.h>
#include <linux/bits.h>
#include <linux/string.h>

#include "pvx.h"

#define FAKE_MAX_LEAVES	320

struct fake_leaf {
	u32 leaf;
	struct pvx_cpuid_regs r;
};

struct fake_cpu {
	bool hv_bit;
	enum pvx_xen_mode xen_mode;
	/* What a leaf nobody set returns (zeros, or garbage). */
	struct pvx_cpuid_regs fallback;
	unsigned int nr;
	struct fake_leaf leaves[FAKE_MAX_LEAVES];
	unsigned int reads[16];	/* reads of base + n, n < 16, any base */
};

static struct pvx_cpuid_regs fake_cpuid(u32 leaf)
{
	struct fake_cpu *f = kunit_get_current_test()->priv;
	struct pvx_cpuid_regs r = { };
	unsigned int i;

	if (leaf == 1) {
		r.ecx = f->hv_bit ? BIT(31) : 0;
		return r;
	}
	if ((leaf & 0xff) < ARRAY_SIZE(f->reads))
		f->reads[leaf & 0xff]++;
	for (i = 0; i < f->nr; i++)
		if (f->leaves[i].leaf == leaf)
			return f->leaves[i].r;
	return f->fallback;
}

static enum pvx_xen_mode fake_xen_mode(void)
{
	struct fake_cpu *f = kunit_get_current_test()->priv;

	return f->xen_mode;
}

static void fake_set(struct kunit *test, u32 leaf, u32 eax, u32 ebx, u32 ecx,
		     u32 edx)
{
	struct fake_cpu *f = test->priv;
	struct fake_leaf *l;

	KUNIT_ASSERT_LT(test, f->nr, FAKE_MAX_LEAVES);
	l = &f->leaves[f->nr++];
	l->leaf = leaf;
	l->r.eax = eax;
	l->r.ebx = ebx;
	l->r.ecx = ecx;
	l->r.edx = edx;
}

/* A signature leaf: @sig is 12 bytes, NUL padded. */
static void fake_sig(struct kunit *test, u32 base, const char *sig, u32 max)
{
	u32 w[3];

	memcpy(w, sig, sizeof(w));
	fake_set(test, base, max, w[0], w[1], w[2]);
}

static int pvx_detect_test_init(struct kunit *test)
{
	struct fake_cpu *f = kunit_kzalloc(test, sizeof(*f), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, f);
	f->hv_bit = true;
	test->priv = f;
	kunit_activate_static_stub(test, pvx_cpuid, fake_cpuid);
	kunit_activate_static_stub(test, pvx_xen_mode, fake_xen_mode);
	return 0;
}

static void detect(struct kunit *test, struct pvx_platform *p)
{
	pvx_detect(p, PVX_MODE_AUTO);
	KUNIT_EXPECT_LE(test, p->nr_sigs, PVX_MAX_SIGS);
}

static void pvx_detect_native_ignores_leaves(struct kunit *test)
{
	struct fake_cpu *f = test->priv;
	struct pvx_platform p;

	f->hv_bit = false;
	fake_sig(test, 0x40000000, "KVMKVMKVM\0\0\0", 0x40000001);
	detect(test, &p);

	KUNIT_EXPECT_EQ(test, p.backend, PVX_BACKEND_NATIVE);
	KUNIT_EXPECT_EQ(test, p.hv, PVX_HV_NONE);
	KUNIT_EXPECT_EQ(test, p.nr_sigs, 0);
	KUNIT_EXPECT_EQ(test, p.base, 0);
	/* Without the hypervisor bit the range is not even read. */
	KUNIT_EXPECT_EQ(test, f->reads[0], 0);
}

static void pvx_detect_kvm(struct kunit *test)
{
	struct pvx_platform p;

	fake_sig(test, 0x40000000, "KVMKVMKVM\0\0\0", 0x40000001);
	fake_set(test, 0x40000001, 0x01007afb, 0, 0, 0x1);
	detect(test, &p);

	KUNIT_EXPECT_EQ(test, p.backend, PVX_BACKEND_KVM);
	KUNIT_EXPECT_EQ(test, p.hv, PVX_HV_KVM);
	KUNIT_EXPECT_EQ(test, p.base, 0x40000000);
	KUNIT_EXPECT_EQ(test, p.max_leaf, 0x40000001);
	KUNIT_EXPECT_EQ(test, p.features, 0x01007afb);
	KUNIT_EXPECT_EQ(test, p.hints, 0x1);
	KUNIT_EXPECT_EQ(test, p.xen_mode, PVX_XEN_NONE);
	KUNIT_ASSERT_EQ(test, p.nr_sigs, 1);
	KUNIT_EXPECT_STREQ(test, p.sigs[0].name, "KVMKVMKVM");
	KUNIT_EXPECT_STREQ(test, pvx_backend_name(p.backend), "kvm");
}

/* QEMU's hv-* flags: Hyper-V at 0x40000000, KVM's own leaves behind it. */
static void pvx_detect_kvm_behind_hyperv(struct kunit *test)
{
	struct pvx_platform p;

	fake_sig(test, 0x40000000, "Microsoft Hv", 0x40000005);
	fake_set(test, 0x40000001, 0x31237648, 0, 0, 0);
	fake_sig(test, 0x40000100, "KVMKVMKVM\0\0\0", 0x40000101);
	fake_set(test, 0x40000101, 0x00000eff, 0, 0, 0);
	detect(test, &p);

	KUNIT_EXPECT_EQ(test, p.backend, PVX_BACKEND_KVM);
	KUNIT_EXPECT_EQ(test, p.base, 0x40000100);
	KUNIT_EXPECT_EQ(test, p.features, 0x00000eff);
	KUNIT_ASSERT_EQ(test, p.nr_sigs, 2);
	KUNIT_EXPECT_EQ(test, p.sigs[0].hv, PVX_HV_HYPERV);
	KUNIT_EXPECT_EQ(test, p.sigs[0].max_leaf, 0x40000005);
	KUNIT_EXPECT_EQ(test, p.sigs[1].hv, PVX_HV_KVM);
}

static void pvx_detect_first_backend_wins(struct kunit *test)
{
	struct pvx_platform p;

	fake_sig(test, 0x40000000, "KVMKVMKVM\0\0\0", 0x40000001);
	fake_sig(test, 0x40000100, "XenVMMXenVMM", 0x40000105);
	detect(test, &p);

	KUNIT_EXPECT_EQ(test, p.backend, PVX_BACKEND_KVM);
	KUNIT_EXPECT_EQ(test, p.nr_sigs, 2);
}

static void pvx_detect_xen_pv(struct kunit *test)
{
	struct fake_cpu *f = test->priv;
	struct pvx_platform p;

	f->xen_mode = PVX_XEN_PV;
	fake_sig(test, 0x40000000, "XenVMMXenVMM", 0x40000005);
	fake_set(test, 0x40000001, 0x00040011, 0, 0, 0);
	fake_set(test, 0x40000004, 0x0000001c, 0, 0, 0);
	detect(test, &p);

	KUNIT_EXPECT_EQ(test, p.backend, PVX_BACKEND_XEN_PV);
	KUNIT_EXPECT_EQ(test, p.hv, PVX_HV_XEN);
	KUNIT_EXPECT_EQ(test, p.xen_mode, PVX_XEN_PV);
	KUNIT_EXPECT_EQ(test, p.version, 0x00040011);
	KUNIT_EXPECT_EQ(test, p.features, 0x0000001c);
	KUNIT_EXPECT_STREQ(test, pvx_backend_name(p.backend), "xen-pv");
}

/* A PV guest is a Xen guest even when the leaves cannot be read. */
static void pvx_detect_xen_pv_without_leaves(struct kunit *test)
{
	struct fake_cpu *f = test->priv;
	struct pvx_platform p;

	f->xen_mode = PVX_XEN_PV;
	f->hv_bit = false;
	detect(test, &p);

	KUNIT_EXPECT_EQ(test, p.backend, PVX_BACKEND_XEN_PV);
	KUNIT_EXPECT_EQ(test, p.hv, PVX_HV_XEN);
	KUNIT_EXPECT_EQ(test, p.base, 0);
}

/* Xen with Viridian: the Xen leaves move to 0x40000100. */
static void pvx_detect_xen_hvm_behind_hyperv(struct kunit *test)
{
	struct pvx_platform p;

	fake_sig(test, 0x40000000, "Microsoft Hv", 0x40000005);
	fake_sig(test, 0x40000100, "XenVMMXenVMM", 0x40000105);
	fake_set(test, 0x40000101, 0x00040011, 0, 0, 0);
	fake_set(test, 0x40000104, 0x0000000e, 0, 0, 0);
	detect(test, &p);

	KUNIT_EXPECT_EQ(test, p.backend, PVX_BACKEND_XEN_HVM);
	KUNIT_EXPECT_EQ(test, p.xen_mode, PVX_XEN_HVM);
	KUNIT_EXPECT_EQ(test, p.base, 0x40000100);
	KUNIT_EXPECT_EQ(test, p.features, 0x0000000e);
	KUNIT_EXPECT_STREQ(test, pvx_backend_name(p.backend), "xen-hvm");
}

static void pvx_detect_xen_pvh(struct kunit *test)
{
	struct fake_cpu *f = test->priv;
	struct pvx_platform p;

	f->xen_mode = PVX_XEN_PVH;
	fake_sig(test, 0x40000000, "KVMKVMKVM\0\0\0", 0x40000001);
	fake_sig(test, 0x40000100, "XenVMMXenVMM", 0x40000103);
	fake_set(test, 0x40000104, 0x0000000e, 0, 0, 0);
	detect(test, &p);

	/* Started through the PVH entry: Xen, even behind another. */
	KUNIT_EXPECT_EQ(test, p.backend, PVX_BACKEND_XEN_HVM);
	KUNIT_EXPECT_EQ(test, p.xen_mode, PVX_XEN_PVH);
	KUNIT_EXPECT_EQ(test, p.base, 0x40000100);
	/* Leaf 4 is past max_leaf: not read. */
	KUNIT_EXPECT_EQ(test, p.features, 0);
}

struct other_sig_case {
	const char *sig;	/* 12 bytes */
	enum pvx_hv hv;
	const char *name;
};

static const struct other_sig_case other_sig_cases[] = {
	{ "Microsoft Hv", PVX_HV_HYPERV, "hyperv" },
	{ "VMwareVMware", PVX_HV_VMWARE, "vmware" },
	{ "bhyve bhyve ", PVX_HV_BHYVE, "bhyve" },
	{ "TCGTCGTCGTCG", PVX_HV_TCG, "tcg" },
	{ "Jailhouse\0\0\0", PVX_HV_JAILHOUSE, "jailhouse" },
	{ "ACRNACRNACRN", PVX_HV_ACRN, "acrn" },
	{ "VBoxVBoxVBox", PVX_HV_VIRTUALBOX, "virtualbox" },
	{ " lrpepyh  vr", PVX_HV_PARALLELS, "parallels" },
	{ "QNXQVMBSQG\0\0", PVX_HV_QNX, "qnx" },
	{ "FooBarVisor\0", PVX_HV_UNKNOWN, "unknown" },
};

static void other_sig_desc(const struct other_sig_case *c, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%s", c->name);
}

KUNIT_ARRAY_PARAM(other_sig, other_sig_cases, other_sig_desc);

/* Named, recorded, but without a backend: native. */
static void pvx_detect_other_signatures(struct kunit *test)
{
	const struct other_sig_case *c = test->param_value;
	struct pvx_platform p;

	fake_sig(test, 0x40000000, c->sig, 0x40000004);
	detect(test, &p);

	KUNIT_EXPECT_EQ(test, p.backend, PVX_BACKEND_NATIVE);
	KUNIT_EXPECT_EQ(test, p.hv, c->hv);
	KUNIT_EXPECT_STREQ(test, pvx_hv_name(p.hv), c->name);
	KUNIT_EXPECT_EQ(test, p.base, 0x40000000);
	KUNIT_ASSERT_EQ(test, p.nr_sigs, 1);
	KUNIT_EXPECT_EQ(test, memcmp(p.sigs[0].name, c->sig, 12), 0);
}

static void pvx_detect_missing_leaves(struct kunit *test)
{
	struct fake_cpu *f = test->priv;
	struct pvx_platform p;

	detect(test, &p);
	KUNIT_EXPECT_EQ(test, p.backend, PVX_BACKEND_NATIVE);
	KUNIT_EXPECT_EQ(test, p.hv, PVX_HV_UNKNOWN);
	KUNIT_EXPECT_EQ(test, p.nr_sigs, 0);
	/* Every base was looked at: 0x40000000 .. 0x4000ff00. */
	KUNIT_EXPECT_EQ(test, f->reads[0], 256);
}

/* Some CPUs answer unknown leaves with their highest basic leaf. */
static void pvx_detect_garbage_fallback(struct kunit *test)
{
	struct fake_cpu *f = test->priv;
	struct pvx_platform p;

	memcpy(&f->fallback.ebx, "Genu", 4);
	memcpy(&f->fallback.edx, "ineI", 4);
	memcpy(&f->fallback.ecx, "ntel", 4);
	f->fallback.eax = 0x0000000d;
	detect(test, &p);

	KUNIT_EXPECT_EQ(test, p.hv, PVX_HV_UNKNOWN);
	KUNIT_EXPECT_EQ(test, p.nr_sigs, 0);
}

static void pvx_detect_garbage_signatures(struct kunit *test)
{
	struct pvx_platform p;

	/* max leaf below the base, past the base's range, control bytes */
	fake_sig(test, 0x40000000, "FooBarVisor\0", 0x3fffffff);
	fake_sig(test, 0x40000100, "FooBarVisor\0", 0x40000200);
	fake_sig(test, 0x40000200, "Foo\001BarVisor", 0x40000201);
	/* NUL inside, not only as padding */
	fake_sig(test, 0x40000300, "KVM\0KVMKVM\0\0", 0x40000301);
	fake_sig(test, 0x40000400, "\0\0\0\0\0\0\0\0\0\0\0\0", 0x40000401);
	fake_sig(test, 0x40000500, "\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff",
		 0x40000501);
	detect(test, &p);

	KUNIT_EXPECT_EQ(test, p.backend, PVX_BACKEND_NATIVE);
	KUNIT_EXPECT_EQ(test, p.hv, PVX_HV_UNKNOWN);
	KUNIT_EXPECT_EQ(test, p.nr_sigs, 0);
}

/* A known signature with a nonsense max leaf: trust no other leaf. */
static void pvx_detect_known_sig_bad_max(struct kunit *test)
{
	struct fake_cpu *f = test->priv;
	struct pvx_platform p;

	fake_sig(test, 0x40000000, "KVMKVMKVM\0\0\0", 0x7fffffff);
	fake_set(test, 0x40000001, 0xffffffff, 0, 0, 0xffffffff);
	detect(test, &p);

	KUNIT_EXPECT_EQ(test, p.backend, PVX_BACKEND_KVM);
	KUNIT_EXPECT_EQ(test, p.max_leaf, 0x40000000);
	KUNIT_EXPECT_EQ(test, p.features, 0);
	KUNIT_EXPECT_EQ(test, p.hints, 0);
	KUNIT_EXPECT_EQ(test, f->reads[1], 0);
}

/* Old KVM reported max leaf 0, meaning 0x40000001. */
static void pvx_detect_kvm_zero_max(struct kunit *test)
{
	struct pvx_platform p;

	fake_sig(test, 0x40000000, "KVMKVMKVM\0\0\0", 0);
	fake_set(test, 0x40000001, 0x0000003b, 0, 0, 0);
	detect(test, &p);

	KUNIT_EXPECT_EQ(test, p.backend, PVX_BACKEND_KVM);
	KUNIT_EXPECT_EQ(test, p.max_leaf, 0x40000001);
	KUNIT_EXPECT_EQ(test, p.features, 0x0000003b);
}

static void pvx_detect_kvm_no_feature_leaf(struct kunit *test)
{
	struct pvx_platform p;

	fake_sig(test, 0x40000000, "KVMKVMKVM\0\0\0", 0x40000000);
	fake_set(test, 0x40000001, 0x0000003b, 0, 0, 0);
	detect(test, &p);

	KUNIT_EXPECT_EQ(test, p.backend, PVX_BACKEND_KVM);
	KUNIT_EXPECT_EQ(test, p.features, 0);
}

/* A signature at every base: the record stays bounded. */
static void pvx_detect_many_signatures(struct kunit *test)
{
	struct pvx_platform p;
	u32 base;

	for (base = 0x40000000; base <= 0x4000ff00; base += 0x100)
		fake_sig(test, base, "FooBarVisor\0", base + 1);
	detect(test, &p);

	KUNIT_EXPECT_EQ(test, p.nr_sigs, PVX_MAX_SIGS);
	KUNIT_EXPECT_EQ(test, p.sigs[PVX_MAX_SIGS - 1].base,
			0x40000000 + (PVX_MAX_SIGS - 1) * 0x100);
	KUNIT_EXPECT_EQ(test, p.backend, PVX_BACKEND_NATIVE);
}

static void pvx_detect_off_and_nopv(struct kunit *test)
{
	struct pvx_platform p;

	fake_sig(test, 0x40000000, "KVMKVMKVM\0\0\0", 0x40000001);
	fake_set(test, 0x40000001, 0x01007afb, 0, 0, 0);

	pvx_detect(&p, PVX_MODE_OFF);
	KUNIT_EXPECT_EQ(test, p.backend, PVX_BACKEND_NATIVE);
	KUNIT_EXPECT_EQ(test, p.hv, PVX_HV_KVM);
	KUNIT_EXPECT_EQ(test, p.features, 0x01007afb);
	KUNIT_EXPECT_STREQ(test, pvx_mode_name(p.mode), "pvx=off");

	pvx_detect(&p, PVX_MODE_NOPV);
	KUNIT_EXPECT_EQ(test, p.backend, PVX_BACKEND_NATIVE);
	KUNIT_EXPECT_STREQ(test, pvx_mode_name(p.mode), "nopv");

	pvx_detect(&p, PVX_MODE_AUTO);
	KUNIT_EXPECT_EQ(test, p.backend, PVX_BACKEND_KVM);
	KUNIT_EXPECT_STREQ(test, pvx_mode_name(p.mode), "none");
}

static void pvx_parse_enable_strings(struct kunit *test)
{
	static const char * const bad[] = {
		"", "of", "offf", "ON", "1", "0", "yes", "no", "n", "off ",
	};
	unsigned int i;
	bool enabled;

	KUNIT_EXPECT_EQ(test, pvx_parse_enable("off", &enabled), 0);
	KUNIT_EXPECT_FALSE(test, enabled);
	KUNIT_EXPECT_EQ(test, pvx_parse_enable("on", &enabled), 0);
	KUNIT_EXPECT_TRUE(test, enabled);

	KUNIT_EXPECT_EQ(test, pvx_parse_enable(NULL, &enabled), -EINVAL);
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		enabled = true;
		KUNIT_EXPECT_EQ_MSG(test, pvx_parse_enable(bad[i], &enabled),
				    -EINVAL, "pvx=%s", bad[i]);
		KUNIT_EXPECT_TRUE(test, enabled);
	}
}

static void pvx_names_cover_enums(struct kunit *test)
{
	unsigned int i;

	for (i = 0; i < PVX_HV_NR; i++) {
		KUNIT_EXPECT_NOT_NULL(test, pvx_hv_name(i));
		KUNIT_EXPECT_STRNEQ(test, pvx_hv_name(i), "invalid");
	}
	for (i = 0; i < PVX_BACKEND_NR; i++)
		KUNIT_EXPECT_STRNEQ(test, pvx_backend_name(i), "invalid");
	KUNIT_EXPECT_STREQ(test, pvx_hv_name(PVX_HV_NR), "invalid");
	KUNIT_EXPECT_STREQ(test, pvx_backend_name(PVX_BACKEND_NR), "invalid");
	KUNIT_EXPECT_STREQ(test, pvx_backend_name(-1), "invalid");
}

/* The platform the running kernel recorded is one detection can make. */
static void pvx_boot_platform_consistent(struct kunit *test)
{
	const struct pvx_platform *p = pvx_platform();

	KUNIT_EXPECT_LE(test, p->nr_sigs, PVX_MAX_SIGS);
	KUNIT_EXPECT_LT(test, (unsigned int)p->backend, PVX_BACKEND_NR);
	if (p->backend == PVX_BACKEND_KVM)
		KUNIT_EXPECT_EQ(test, p->hv, PVX_HV_KVM);
	if (p->backend == PVX_BACKEND_XEN_PV ||
	    p->backend == PVX_BACKEND_XEN_HVM)
		KUNIT_EXPECT_EQ(test, p->hv, PVX_HV_XEN);
	if (p->mode != PVX_MODE_AUTO)
		KUNIT_EXPECT_EQ(test, p->backend, PVX_BACKEND_NATIVE);
}

static struct kunit_case pvx_detect_test_cases[] = {
	KUNIT_CASE(pvx_detect_native_ignores_leaves),
	KUNIT_CASE(pvx_detect_kvm),
	KUNIT_CASE(pvx_detect_kvm_behind_hyperv),
	KUNIT_CASE(pvx_detect_first_backend_wins),
	KUNIT_CASE(pvx_detect_xen_pv),
	KUNIT_CASE(pvx_detect_xen_pv_without_leaves),
	KUNIT_CASE(pvx_detect_xen_hvm_behind_hyperv),
	KUNIT_CASE(pvx_detect_xen_pvh),
	KUNIT_CASE_PARAM(pvx_detect_other_signatures, other_sig_gen_params),
	KUNIT_CASE(pvx_detect_missing_leaves),
	KUNIT_CASE(pvx_detect_garbage_fallback),
	KUNIT_CASE(pvx_detect_garbage_signatures),
	KUNIT_CASE(pvx_detect_known_sig_bad_max),
	KUNIT_CASE(pvx_detect_kvm_zero_max),
	KUNIT_CASE(pvx_detect_kvm_no_feature_leaf),
	KUNIT_CASE(pvx_detect_many_signatures),
	KUNIT_CASE(pvx_detect_off_and_nopv),
	KUNIT_CASE(pvx_parse_enable_strings),
	KUNIT_CASE(pvx_names_cover_enums),
	KUNIT_CASE(pvx_boot_platform_consistent),
	{}
};

static struct kunit_suite pvx_detect_test_suite = {
	.name = "pvx_detect",
	.init = pvx_detect_test_init,
	.test_cases = pvx_detect_test_cases,
};

kunit_test_suite(pvx_detect_test_suite);

MODULE_DESCRIPTION("KUnit tests for pvx hypervisor detection");
MODULE_LICENSE("GPL");
MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);
