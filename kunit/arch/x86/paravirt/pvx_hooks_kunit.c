// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for pvx hooks: the selection rules for every combination
 * of offered feature bits and pvx.disable, the pvx.disable parser, IPI
 * batching across APIC-ID windows, the deferred TLB flush decision and
 * steal-time reads. The expected results are written from the rules
 * the hooks document, not from the code under test.
 */
#include <kunit/test.h>
#include <linux/bits.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <asm/kvm_para.h>

#include "pvx.h"

static const unsigned int kvm_bits[] = {
	KVM_FEATURE_STEAL_TIME, KVM_FEATURE_PV_EOI, KVM_FEATURE_PV_TLB_FLUSH,
	KVM_FEATURE_PV_SEND_IPI, KVM_FEATURE_PV_SCHED_YIELD,
	KVM_FEATURE_POLL_CONTROL, KVM_FEATURE_NOP_IO_DELAY,
};

static u32 kvm_features(unsigned int combo)
{
	u32 f = 0;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(kvm_bits); i++)
		if (combo & BIT(i))
			f |= BIT(kvm_bits[i]);
	return f;
}

/* The rules as the issue states them, independently of select.c. */
static bool kvm_expect_pv(const struct pvx_kvm_caps *c, enum pvx_hook h)
{
	bool st = c->features & BIT(KVM_FEATURE_STEAL_TIME);
	bool rt = c->hints & BIT(KVM_HINTS_REALTIME);
	bool smp = c->nr_cpus > 1;

	switch (h) {
	case PVX_HOOK_EOI:
		return c->features & BIT(KVM_FEATURE_PV_EOI);
	case PVX_HOOK_IPI:
		return (c->features & BIT(KVM_FEATURE_PV_SEND_IPI)) && smp;
	case PVX_HOOK_TLB:
		return (c->features & BIT(KVM_FEATURE_PV_TLB_FLUSH)) && st &&
		       !rt && smp && !c->mwait;
	case PVX_HOOK_YIELD:
		return (c->features & BIT(KVM_FEATURE_PV_SCHED_YIELD)) && st &&
		       !rt && smp && !c->mwait;
	case PVX_HOOK_PREEMPT:
		return st && c->preempt_op;
	case PVX_HOOK_STEAL:
		return st;
	case PVX_HOOK_CLOCK:
		return c->clock_driver;
	case PVX_HOOK_HALT:
		return c->features & BIT(KVM_FEATURE_POLL_CONTROL);
	case PVX_HOOK_EXIT_MMAP:
	default:
		return false;
	}
}

/*
 * Checks many combinations: only a mismatch reaches KUnit, so the loops
 * stay fast under emulation. Returns the number of mismatches.
 */
static unsigned int check_kvm(struct kunit *test, const struct pvx_kvm_caps *c,
			      unsigned long disabled)
{
	struct pvx_hook_state h[PVX_HOOK_NR];
	unsigned int i, bad = 0;

	memset(h, 0xa5, sizeof(h));
	pvx_select_kvm(c, disabled, h);
	for (i = 0; i < PVX_HOOK_NR; i++) {
		bool want = kvm_expect_pv(c, i) && !(disabled & BIT(i));
		bool why_ok;

		if (h[i].pv)
			why_ok = h[i].why == PVX_WHY_OFFERED;
		else if (disabled & BIT(i))
			why_ok = h[i].why == PVX_WHY_DISABLED;
		else
			why_ok = h[i].why != PVX_WHY_OFFERED &&
				 (unsigned int)h[i].why < PVX_WHY_NR;
		if (h[i].pv == want && why_ok)
			continue;
		bad++;
		KUNIT_FAIL(test, "%s: pv %d want %d why %d",
			   pvx_hook_name(i), h[i].pv, want, h[i].why);
		KUNIT_FAIL(test, "features 0x%x hints 0x%x cpus %u mwait %d",
			   c->features, c->hints, c->nr_cpus, c->mwait);
		KUNIT_FAIL(test, "preempt_op %d clock %d disabled 0x%lx",
			   c->preempt_op, c->clock_driver, disabled);
	}
	return bad;
}

/*
 * Every feature combination, hint, CPU count and build, with pvx.disable
 * empty, naming one hook, and naming all.
 */
static void pvx_select_kvm_all_combinations(struct kunit *test)
{
	struct pvx_kvm_caps c = { };
	unsigned int combo, v, d, checked = 0, bad = 0;

	for (combo = 0; combo < BIT(ARRAY_SIZE(kvm_bits)); combo++) {
		for (v = 0; v < 32; v++) {
			c.features = kvm_features(combo);
			c.hints = v & 1 ? BIT(KVM_HINTS_REALTIME) : 0;
			c.nr_cpus = v & 2 ? 4 : 1;
			c.mwait = v & 4;
			c.preempt_op = v & 8;
			c.clock_driver = v & 16;
			bad += check_kvm(test, &c, 0);
			bad += check_kvm(test, &c, PVX_HOOKS_ALL);
			for (d = 0; d < PVX_HOOK_NR; d++)
				bad += check_kvm(test, &c, BIT(d));
			checked += 2 + PVX_HOOK_NR;
		}
	}
	KUNIT_EXPECT_EQ(test, checked, 128U * 32 * (2 + PVX_HOOK_NR));
	KUNIT_EXPECT_EQ(test, bad, 0U);
}

/* Every pvx.disable mask against a host that offers everything. */
static void pvx_select_kvm_all_disable_masks(struct kunit *test)
{
	struct pvx_kvm_caps c = {
		.features = kvm_features(BIT(ARRAY_SIZE(kvm_bits)) - 1),
		.nr_cpus = 2,
		.preempt_op = true,
		.clock_driver = true,
	};
	unsigned int bad = 0;
	unsigned long d;

	for (d = 0; d <= PVX_HOOKS_ALL; d++)
		bad += check_kvm(test, &c, d);
	KUNIT_EXPECT_EQ(test, bad, 0U);
}

/* The reasons given for native hooks name the first obstacle. */
static void pvx_select_kvm_reasons(struct kunit *test)
{
	struct pvx_hook_state h[PVX_HOOK_NR];
	struct pvx_kvm_caps c = {
		.features = BIT(KVM_FEATURE_PV_TLB_FLUSH) |
			    BIT(KVM_FEATURE_STEAL_TIME) |
			    BIT(KVM_FEATURE_PV_SEND_IPI),
		.hints = BIT(KVM_HINTS_REALTIME),
		.nr_cpus = 1,
	};

	pvx_select_kvm(&c, 0, h);
	KUNIT_EXPECT_EQ(test, h[PVX_HOOK_TLB].why, PVX_WHY_REALTIME);
	KUNIT_EXPECT_EQ(test, h[PVX_HOOK_IPI].why, PVX_WHY_ONE_CPU);
	KUNIT_EXPECT_EQ(test, h[PVX_HOOK_YIELD].why, PVX_WHY_NOT_OFFERED);
	KUNIT_EXPECT_EQ(test, h[PVX_HOOK_PREEMPT].why, PVX_WHY_NOT_BUILT);
	KUNIT_EXPECT_EQ(test, h[PVX_HOOK_CLOCK].why, PVX_WHY_NO_DRIVER);
	KUNIT_EXPECT_EQ(test, h[PVX_HOOK_EXIT_MMAP].why, PVX_WHY_NOT_OFFERED);

	c.hints = 0;
	c.nr_cpus = 2;
	c.mwait = true;
	pvx_select_kvm(&c, BIT(PVX_HOOK_IPI), h);
	KUNIT_EXPECT_EQ(test, h[PVX_HOOK_TLB].why, PVX_WHY_MWAIT);
	KUNIT_EXPECT_EQ(test, h[PVX_HOOK_IPI].why, PVX_WHY_DISABLED);
	KUNIT_EXPECT_TRUE(test, h[PVX_HOOK_STEAL].pv);
}

static void pvx_select_native_all(struct kunit *test)
{
	struct pvx_hook_state h[PVX_HOOK_NR];
	unsigned int i;

	memset(h, 0xa5, sizeof(h));
	pvx_select_native(h);
	for (i = 0; i < PVX_HOOK_NR; i++) {
		KUNIT_EXPECT_FALSE(test, h[i].pv);
		KUNIT_EXPECT_EQ(test, h[i].why, PVX_WHY_BACKEND);
	}
}

/*
 * Xen: what the kernel's Xen code installed is used; pvx.disable gives
 * it back to native, except where a PV guest cannot do without it.
 */
static void pvx_select_xen_all_combinations(struct kunit *test)
{
	static const enum pvx_xen_mode modes[] = {
		PVX_XEN_PV, PVX_XEN_HVM, PVX_XEN_PVH,
	};
	struct pvx_hook_state h[PVX_HOOK_NR];
	struct pvx_xen_caps c = { };
	unsigned int m, i, k, bad = 0;
	unsigned long inst, d;

	for (m = 0; m < ARRAY_SIZE(modes); m++) {
		for (inst = 0; inst <= PVX_HOOKS_ALL; inst++) {
			/* pvx.disable: empty, all, and each single hook. */
			for (k = 0; k < PVX_HOOK_NR + 2; k++) {
				bool pv = modes[m] == PVX_XEN_PV;

				d = k == 0 ? 0 : k == 1 ? PVX_HOOKS_ALL :
				    BIT(k - 2);
				c.mode = modes[m];
				c.installed = inst;
				c.clock_driver = inst & 1;
				pvx_select_xen(&c, d, h);
				for (i = 0; i < PVX_HOOK_NR; i++) {
					bool required = (pv && i == PVX_HOOK_HALT) ||
						(pv && i == PVX_HOOK_CLOCK &&
						 c.clock_driver) ||
						((inst & BIT(i)) &&
						 (i == PVX_HOOK_IPI ||
						  (pv && i == PVX_HOOK_EXIT_MMAP)));
					bool offered = i == PVX_HOOK_CLOCK ?
						c.clock_driver : inst & BIT(i);
					bool want = required ||
						(offered && !(d & BIT(i)));

					if (h[i].pv == want &&
					    (!required || h[i].why == PVX_WHY_REQUIRED))
						continue;
					bad++;
					KUNIT_FAIL(test, "mode %d %s: pv %d why %d",
						   modes[m], pvx_hook_name(i),
						   h[i].pv, h[i].why);
					KUNIT_FAIL(test, "installed 0x%lx disabled 0x%lx",
						   inst, d);
				}
			}
		}
	}
	KUNIT_EXPECT_EQ(test, bad, 0U);
}

struct disable_case {
	const char *arg;
	unsigned long mask;
	int bad;
};

static const struct disable_case disable_cases[] = {
	{ "", 0, 0 },
	{ "eoi", BIT(PVX_HOOK_EOI), 0 },
	{ "eoi,ipi,tlb,yield,steal,clock,halt",
	  BIT(PVX_HOOK_EOI) | BIT(PVX_HOOK_IPI) | BIT(PVX_HOOK_TLB) |
	  BIT(PVX_HOOK_YIELD) | BIT(PVX_HOOK_STEAL) | BIT(PVX_HOOK_CLOCK) |
	  BIT(PVX_HOOK_HALT), 0 },
	{ "exit_mmap,preempt", BIT(PVX_HOOK_EXIT_MMAP) | BIT(PVX_HOOK_PREEMPT),
	  0 },
	{ "all", PVX_HOOKS_ALL, 0 },
	{ "halt,all", PVX_HOOKS_ALL, 0 },
	{ ",,tlb,,", BIT(PVX_HOOK_TLB), 0 },
	{ "tlb,tlb", BIT(PVX_HOOK_TLB), 0 },
	{ "bogus", 0, 1 },
	{ "eoi,bogus,halt", BIT(PVX_HOOK_EOI) | BIT(PVX_HOOK_HALT), 1 },
	{ "EOI", 0, 1 },
	{ "eo", 0, 1 },
	{ "eoii", 0, 1 },
	{ "eoi ", 0, 1 },
	{ "al", 0, 1 },
	{ "allx,ipi", BIT(PVX_HOOK_IPI), 1 },
	{ ",", 0, 0 },
	{ "1,2,3", 0, 3 },
};

static void pvx_parse_disable_strings(struct kunit *test)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(disable_cases); i++) {
		const struct disable_case *dc = &disable_cases[i];
		unsigned long mask = 0;

		KUNIT_EXPECT_EQ_MSG(test, pvx_parse_disable(dc->arg, &mask),
				    dc->bad, "\"%s\"", dc->arg);
		KUNIT_EXPECT_EQ_MSG(test, mask, dc->mask, "\"%s\"", dc->arg);
	}
}

/* Long, unterminated-looking and NULL input: a warning, not a crash. */
static void pvx_parse_disable_hostile(struct kunit *test)
{
	unsigned long mask = 0;
	char *s;

	KUNIT_EXPECT_EQ(test, pvx_parse_disable(NULL, &mask), 0);
	KUNIT_EXPECT_EQ(test, mask, 0UL);

	s = kunit_kzalloc(test, 4097, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, s);
	memset(s, 'a', 4096);
	KUNIT_EXPECT_EQ(test, pvx_parse_disable(s, &mask), 1);
	KUNIT_EXPECT_EQ(test, mask, 0UL);

	memset(s, ',', 4096);
	memcpy(s + 4090, "halt", 4);
	KUNIT_EXPECT_EQ(test, pvx_parse_disable(s, &mask), 0);
	KUNIT_EXPECT_EQ(test, mask, BIT(PVX_HOOK_HALT));
}

static bool window_has(const struct pvx_ipi_window *w, u32 id)
{
	u32 off;

	if (w->empty || id < w->min || id - w->min >= 128)
		return false;
	off = id - w->min;
	return w->bitmap[off / 64] & BIT_ULL(off % 64);
}

static unsigned int window_weight(const struct pvx_ipi_window *w)
{
	return hweight64(w->bitmap[0]) + hweight64(w->bitmap[1]);
}

static void pvx_ipi_window_basics(struct kunit *test)
{
	struct pvx_ipi_window w;

	pvx_ipi_window_init(&w);
	KUNIT_EXPECT_TRUE(test, w.empty);
	KUNIT_EXPECT_TRUE(test, pvx_ipi_window_add(&w, 5));
	KUNIT_EXPECT_TRUE(test, pvx_ipi_window_add(&w, 7));
	KUNIT_EXPECT_EQ(test, w.min, 5U);
	KUNIT_EXPECT_EQ(test, w.bitmap[0], 0x5ULL);
	/* 5 + 127 is the last ID of the window, 5 + 128 is out. */
	KUNIT_EXPECT_TRUE(test, pvx_ipi_window_add(&w, 132));
	KUNIT_EXPECT_EQ(test, w.bitmap[1], BIT_ULL(63));
	KUNIT_EXPECT_FALSE(test, pvx_ipi_window_add(&w, 133));
	/* A refused ID leaves the window as it was. */
	KUNIT_EXPECT_EQ(test, w.min, 5U);
	KUNIT_EXPECT_EQ(test, window_weight(&w), 3U);
	/* Lower IDs slide the window only while the highest still fits. */
	KUNIT_EXPECT_FALSE(test, pvx_ipi_window_add(&w, 4));
	KUNIT_EXPECT_EQ(test, w.min, 5U);

	pvx_ipi_window_init(&w);
	KUNIT_EXPECT_TRUE(test, pvx_ipi_window_add(&w, 200));
	KUNIT_EXPECT_TRUE(test, pvx_ipi_window_add(&w, 150));
	KUNIT_EXPECT_TRUE(test, pvx_ipi_window_add(&w, 100));
	KUNIT_EXPECT_EQ(test, w.min, 100U);
	KUNIT_EXPECT_TRUE(test, window_has(&w, 100));
	KUNIT_EXPECT_TRUE(test, window_has(&w, 150));
	KUNIT_EXPECT_TRUE(test, window_has(&w, 200));
	KUNIT_EXPECT_EQ(test, window_weight(&w), 3U);
	/* The shift carries bits across the 64-bit halves. */
	KUNIT_EXPECT_TRUE(test, pvx_ipi_window_add(&w, 73));
	KUNIT_EXPECT_TRUE(test, window_has(&w, 200));
	KUNIT_EXPECT_TRUE(test, window_has(&w, 100));
	KUNIT_EXPECT_FALSE(test, pvx_ipi_window_add(&w, 72));
	/* Duplicates are harmless. */
	KUNIT_EXPECT_TRUE(test, pvx_ipi_window_add(&w, 150));
	KUNIT_EXPECT_EQ(test, window_weight(&w), 4U);
}

/*
 * Batch ID lists the way the IPI hook does (send the window when an ID
 * does not fit, start a new one with it): every ID is sent exactly once
 * and no window spans more than 128 IDs.
 */
static void batch_and_check(struct kunit *test, const u32 *ids,
			    unsigned int n, unsigned int max_windows)
{
	struct pvx_ipi_window *sent;
	struct pvx_ipi_window w;
	unsigned int nsent = 0, i, j, hits;

	sent = kunit_kcalloc(test, n + 1, sizeof(*sent), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, sent);

	pvx_ipi_window_init(&w);
	for (i = 0; i < n; i++) {
		if (!pvx_ipi_window_add(&w, ids[i])) {
			sent[nsent++] = w;
			pvx_ipi_window_init(&w);
			KUNIT_ASSERT_TRUE(test, pvx_ipi_window_add(&w, ids[i]));
		}
	}
	if (!w.empty)
		sent[nsent++] = w;

	KUNIT_EXPECT_LE(test, nsent, max_windows);
	for (i = 0; i < n; i++) {
		hits = 0;
		for (j = 0; j < nsent; j++)
			hits += window_has(&sent[j], ids[i]);
		KUNIT_EXPECT_EQ_MSG(test, hits, 1U, "APIC ID %u", ids[i]);
	}
	for (j = 0; j < nsent; j++) {
		KUNIT_EXPECT_FALSE(test, sent[j].empty);
		KUNIT_EXPECT_LT(test, sent[j].max - sent[j].min, 128U);
	}
}

static void pvx_ipi_batching(struct kunit *test)
{
	u32 *ids = kunit_kcalloc(test, 1024, sizeof(u32), GFP_KERNEL);
	unsigned int i;

	KUNIT_ASSERT_NOT_NULL(test, ids);

	/* 512 consecutive IDs: exactly four windows. */
	for (i = 0; i < 512; i++)
		ids[i] = i;
	batch_and_check(test, ids, 512, 4);

	/* Sparse IDs 0, 2, 4, ... (SMT siblings offline). */
	for (i = 0; i < 256; i++)
		ids[i] = 2 * i;
	batch_and_check(test, ids, 256, 4);

	/* Two far apart clusters, interleaved: one window per switch. */
	for (i = 0; i < 16; i++)
		ids[i] = i % 2 ? 1000 + i : i;
	batch_and_check(test, ids, 16, 16);

	/* The largest x2APIC IDs do not wrap around. */
	ids[0] = 0xffffffff;
	ids[1] = 0xfffffff0;
	ids[2] = 0;
	batch_and_check(test, ids, 3, 2);

	/*
	 * Distinct IDs (a CPU mask has no duplicates) in scrambled order:
	 * an odd multiplier is a bijection modulo a power of two.
	 */
	for (i = 0; i < 1024; i++)
		ids[i] = (i * 2654435761U) % 4096;
	batch_and_check(test, ids, 1024, 1024);
}

static void pvx_tlb_defer_decision(struct kunit *test)
{
	u8 running = 0;
	u8 preempted = KVM_VCPU_PREEMPTED;
	u8 flagged = KVM_VCPU_PREEMPTED | KVM_VCPU_FLUSH_TLB;
	u8 flag_only = KVM_VCPU_FLUSH_TLB;

	/* Running: it takes the IPI; its record is left alone. */
	KUNIT_EXPECT_FALSE(test, pvx_tlb_defer(&running));
	KUNIT_EXPECT_EQ(test, running, 0);
	/* Preempted: the host flushes before it runs again. */
	KUNIT_EXPECT_TRUE(test, pvx_tlb_defer(&preempted));
	KUNIT_EXPECT_EQ(test, preempted,
			KVM_VCPU_PREEMPTED | KVM_VCPU_FLUSH_TLB);
	KUNIT_EXPECT_TRUE(test, pvx_tlb_defer(&flagged));
	KUNIT_EXPECT_EQ(test, flagged,
			KVM_VCPU_PREEMPTED | KVM_VCPU_FLUSH_TLB);
	/* A stale flush flag on a running vCPU is not preemption. */
	KUNIT_EXPECT_FALSE(test, pvx_tlb_defer(&flag_only));
	KUNIT_EXPECT_EQ(test, flag_only, KVM_VCPU_FLUSH_TLB);
}

static void pvx_steal_reads(struct kunit *test)
{
	struct pvx_steal_reader r = { };
	u64 steal = 1000;
	u32 version = 2;

	KUNIT_EXPECT_EQ(test, pvx_steal_read(&steal, &version, &r), 1000ULL);
	KUNIT_EXPECT_EQ(test, r.retries, 0U);
	steal = 250000;
	version = 4;
	KUNIT_EXPECT_EQ(test, pvx_steal_read(&steal, &version, &r), 250000ULL);

	/* Going backwards is not followed: the scheduler subtracts. */
	steal = 100;
	version = 6;
	KUNIT_EXPECT_EQ(test, pvx_steal_read(&steal, &version, &r), 250000ULL);
	steal = 250001;
	KUNIT_EXPECT_EQ(test, pvx_steal_read(&steal, &version, &r), 250001ULL);

	/* Near the top of the range. */
	steal = U64_MAX - 1;
	KUNIT_EXPECT_EQ(test, pvx_steal_read(&steal, &version, &r), U64_MAX - 1);
}

/* A host that stays mid-update: bounded retries, the last good value. */
static void pvx_steal_odd_forever(struct kunit *test)
{
	struct pvx_steal_reader r = { };
	u64 steal = 5000;
	u32 version = 8;

	KUNIT_EXPECT_EQ(test, pvx_steal_read(&steal, &version, &r), 5000ULL);
	version = 9;
	steal = 9000;
	KUNIT_EXPECT_EQ(test, pvx_steal_read(&steal, &version, &r), 5000ULL);
	KUNIT_EXPECT_EQ(test, r.retries, PVX_STEAL_MAX_RETRIES);
	version = 10;
	KUNIT_EXPECT_EQ(test, pvx_steal_read(&steal, &version, &r), 9000ULL);
}

static void pvx_hook_names_complete(struct kunit *test)
{
	unsigned int i, j;

	for (i = 0; i < PVX_HOOK_NR; i++) {
		unsigned long mask = 0;

		KUNIT_EXPECT_STRNEQ(test, pvx_hook_name(i), "invalid");
		KUNIT_EXPECT_EQ(test, pvx_parse_disable(pvx_hook_name(i), &mask),
				0);
		KUNIT_EXPECT_EQ(test, mask, BIT(i));
		for (j = 0; j < i; j++)
			KUNIT_EXPECT_STRNEQ(test, pvx_hook_name(i),
					    pvx_hook_name(j));
	}
	for (i = 0; i < PVX_WHY_NR; i++)
		KUNIT_EXPECT_STRNEQ(test, pvx_why_name(i), "invalid");
	KUNIT_EXPECT_STREQ(test, pvx_hook_name(PVX_HOOK_NR), "invalid");
	KUNIT_EXPECT_STREQ(test, pvx_why_name(PVX_WHY_NR), "invalid");
	KUNIT_EXPECT_FALSE(test, pvx_hook_is_pv(PVX_HOOK_NR));
}

static struct kunit_case pvx_hooks_test_cases[] = {
	KUNIT_CASE(pvx_select_kvm_all_combinations),
	KUNIT_CASE(pvx_select_kvm_all_disable_masks),
	KUNIT_CASE(pvx_select_kvm_reasons),
	KUNIT_CASE(pvx_select_native_all),
	KUNIT_CASE(pvx_select_xen_all_combinations),
	KUNIT_CASE(pvx_parse_disable_strings),
	KUNIT_CASE(pvx_parse_disable_hostile),
	KUNIT_CASE(pvx_ipi_window_basics),
	KUNIT_CASE(pvx_ipi_batching),
	KUNIT_CASE(pvx_tlb_defer_decision),
	KUNIT_CASE(pvx_steal_reads),
	KUNIT_CASE(pvx_steal_odd_forever),
	KUNIT_CASE(pvx_hook_names_complete),
	{}
};

static struct kunit_suite pvx_hooks_test_suite = {
	.name = "pvx_hooks",
	.test_cases = pvx_hooks_test_cases,
};

kunit_test_suite(pvx_hooks_test_suite);

MODULE_DESCRIPTION("KUnit tests for pvx hook selection and helpers");
MODULE_LICENSE("GPL");
MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);
