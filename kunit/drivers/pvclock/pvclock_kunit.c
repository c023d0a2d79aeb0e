// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for the pvclock core read path: scaling against reference
 * values computed with 32-bit limbs (independently of the 128-bit code
 * under test), the version protocol against a simulated writer that
 * changes the area while it is read, the monotonic guard, hostile
 * areas, and the wallclock (Xen's upper seconds, bad nanoseconds, a
 * version that never settles).
 */
#include <kunit/test.h>
#include <linux/kernel.h>
#include <linux/limits.h>
#include <linux/time64.h>

#include "pvclock.h"

/* (d * mul) >> 32 with d up to 128 bits as four 32-bit limbs, saturated. */
static u64 ref_scale(u64 delta, u32 mul, int shift)
{
	u32 limb[4] = { 0 }, out[5] = { 0 };
	u64 carry = 0;
	int i;

	/* delta shifted into limbs (shift -31..31). */
	if (shift < 0) {
		delta >>= -shift;
		limb[0] = (u32)delta;
		limb[1] = (u32)(delta >> 32);
	} else {
		limb[0] = (u32)(delta << shift);
		limb[1] = (u32)((delta << shift) >> 32);
		limb[2] = shift ? (u32)(delta >> (64 - shift)) : 0;
	}
	for (i = 0; i < 4; i++) {
		u64 p = (u64)limb[i] * mul + carry;

		out[i] = (u32)p;
		carry = p >> 32;
	}
	out[4] = (u32)carry;
	/* >> 32: out[1..4]; anything above 64 bits saturates. */
	if (out[3] || out[4])
		return U64_MAX;
	return ((u64)out[2] << 32) | out[1];
}

static void pvclock_scale_reference(struct kunit *test)
{
	static const u64 deltas[] = {
		0, 1, 2, 1000, 0xffffffffULL, 0x100000000ULL,
		(1ULL << 40) + 12345, (1ULL << 62) - 1, (1ULL << 63) - 1,
		1ULL << 63, (1ULL << 63) + 1, U64_MAX - 1, U64_MAX,
	};
	static const u32 muls[] = {
		1, 2, 0x7fffffff, 0x80000000, 0x9a3c1e2f, 0xfffffffe,
		0xffffffff,
	};
	unsigned int d, m, bad = 0;
	int shift;

	for (shift = -31; shift <= 31; shift++)
		for (d = 0; d < ARRAY_SIZE(deltas); d++)
			for (m = 0; m < ARRAY_SIZE(muls); m++) {
				u64 got = pvclock_core_scale(deltas[d], muls[m], shift);
				u64 want = ref_scale(deltas[d], muls[m], shift);

				if (got == want)
					continue;
				bad++;
				KUNIT_FAIL(test, "delta 0x%llx mul 0x%x shift %d",
					   deltas[d], muls[m], shift);
				KUNIT_FAIL(test, "got 0x%llx want 0x%llx", got, want);
			}
	KUNIT_EXPECT_EQ(test, bad, 0U);

	/* Known values: 1 GHz TSC (mul 2^32 - 1 ~ 1 ns/tick), 2 GHz. */
	KUNIT_EXPECT_EQ(test, pvclock_core_scale(2000000000ULL, 0x80000000, 0),
			1000000000ULL);
	KUNIT_EXPECT_EQ(test, pvclock_core_scale(1000, 0x80000000, 1), 1000ULL);
	KUNIT_EXPECT_EQ(test, pvclock_core_scale(4000, 0x80000000, -1), 1000ULL);
}

/* The area a test reads, and a writer that acts inside the read. */
struct fake_area {
	struct pvclock_vcpu_time_info pvti;
	u64 tsc;
	unsigned int reads;
	/* Step the writer takes at the Nth TSC read (0: none). */
	void (*writer)(struct fake_area *a);
	unsigned int writer_until;
};

static struct fake_area *cur;

static u64 fake_tsc(void)
{
	cur->reads++;
	if (cur->writer && cur->reads <= cur->writer_until)
		cur->writer(cur);
	return cur->tsc;
}

static void area_set(struct fake_area *a, u64 ts, u64 sys, u32 mul, s8 shift,
		     u8 flags)
{
	memset(a, 0, sizeof(*a));
	a->pvti.version = 2;
	a->pvti.tsc_timestamp = ts;
	a->pvti.system_time = sys;
	a->pvti.tsc_to_system_mul = mul;
	a->pvti.tsc_shift = shift;
	a->pvti.flags = flags;
	cur = a;
}

static u64 read_area(struct pvclock_core *c, struct fake_area *a, u8 *flags)
{
	return pvclock_core_read(c, &a->pvti, fake_tsc, flags);
}

static void pvclock_read_basic(struct kunit *test)
{
	struct pvclock_core c;
	struct fake_area a;
	u8 flags;

	pvclock_core_init(&c, "kunit", PVCLOCK_GUEST_STOPPED);
	/* 2 GHz: 2000 ticks after the timestamp are 1000 ns. */
	area_set(&a, 10000, 5000000, 0x80000000, 0, 0);
	a.tsc = 12000;
	KUNIT_EXPECT_EQ(test, read_area(&c, &a, &flags), 5001000ULL);
	KUNIT_EXPECT_EQ(test, a.reads, 1U);

	/* A TSC behind the timestamp: no time passed, not 2^64 ns. */
	a.tsc = 9000;
	a.pvti.system_time = 6000000;
	KUNIT_EXPECT_EQ(test, read_area(&c, &a, &flags), 6000000ULL);

	/* Flags the hypervisor may not set are dropped. */
	a.pvti.flags = PVCLOCK_GUEST_STOPPED | PVCLOCK_TSC_STABLE_BIT | 0x80;
	read_area(&c, &a, &flags);
	KUNIT_EXPECT_EQ(test, flags, PVCLOCK_GUEST_STOPPED);
}

/* The writer starts an update (odd version) before the first TSC read. */
static void writer_midupdate(struct fake_area *a)
{
	if (a->reads == 1) {
		a->pvti.version++;			/* 3: writing */
		a->pvti.system_time = 0xdead;		/* half written */
	} else if (a->reads == 2) {
		a->pvti.system_time = 7000000;
		a->pvti.tsc_timestamp = 12000;
		a->pvti.version++;			/* 4: done */
	}
}

/* A whole update lands between the snapshot and the version re-check. */
static void writer_whole_update(struct fake_area *a)
{
	a->pvti.version += 2;
	a->pvti.system_time += 1000000;
}

static void writer_never_done(struct fake_area *a)
{
	a->pvti.version |= 1;
}

static void pvclock_read_concurrent_writer(struct kunit *test)
{
	struct pvclock_core c;
	struct fake_area a;
	u8 flags;

	pvclock_core_init(&c, "kunit", 0);	u64 t;

	area_set(&a, 10000, 5000000, 0x80000000, 0, 0);
	a.tsc = 14000;
	a.writer = writer_midupdate;
	a.writer_until = 2;
	t = read_area(&c, &a, &flags);
	/* Never the half-written value; the finished update, consistently. */
	KUNIT_EXPECT_EQ(test, t, 7000000ULL + 1000);
	KUNIT_EXPECT_EQ(test, a.reads, 3U);

	area_set(&a, 10000, 5000000, 0x80000000, 0, 0);
	a.tsc = 12000;
	a.writer = writer_whole_update;
	a.writer_until = 3;
	t = read_area(&c, &a, &flags);
	KUNIT_EXPECT_EQ(test, a.reads, 4U);
	KUNIT_EXPECT_EQ(test, t, 5000000ULL + 3 * 1000000 + 1000);
	KUNIT_EXPECT_EQ(test, atomic_read(&c.errors[PVCLOCK_ERR_UNSETTLED]), 0);
}

/* Odd forever: a bounded number of tries, the last time, an error. */
static void pvclock_read_never_settles(struct kunit *test)
{
	struct pvclock_core c;
	struct fake_area a;
	u8 flags;

	pvclock_core_init(&c, "kunit", 0);
	area_set(&a, 10000, 5000000, 0x80000000, 0, 0);
	a.tsc = 12000;
	KUNIT_EXPECT_EQ(test, read_area(&c, &a, &flags), 5001000ULL);

	a.writer = writer_never_done;
	a.writer_until = UINT_MAX;
	a.reads = 0;
	a.pvti.system_time = 9000000;
	KUNIT_EXPECT_EQ(test, read_area(&c, &a, &flags), 5001000ULL);
	KUNIT_EXPECT_EQ(test, a.reads, (unsigned int)PVCLOCK_CORE_MAX_RETRIES);
	KUNIT_EXPECT_EQ(test, atomic_read(&c.errors[PVCLOCK_ERR_UNSETTLED]), 1);
	/* Reported (from an irq_work), not fatal. */
	pvclock_core_report(&c);
	irq_work_sync(&c.report_work);
	KUNIT_EXPECT_EQ(test, c.reported[PVCLOCK_ERR_UNSETTLED], 1);
}

static void pvclock_read_zero_mul(struct kunit *test)
{
	struct pvclock_core c;
	struct fake_area a;
	u8 flags;

	pvclock_core_init(&c, "kunit", 0);
	area_set(&a, 10000, 5000000, 0x80000000, 0, 0);
	a.tsc = 12000;
	KUNIT_EXPECT_EQ(test, read_area(&c, &a, &flags), 5001000ULL);
	a.pvti.tsc_to_system_mul = 0;
	a.pvti.system_time = 1;
	KUNIT_EXPECT_EQ(test, read_area(&c, &a, &flags), 5001000ULL);
	KUNIT_EXPECT_EQ(test, atomic_read(&c.errors[PVCLOCK_ERR_ZERO_MUL]), 1);
}

/* Unstable: never backwards. Stable (and allowed): the area's time. */
static void pvclock_read_monotonic_guard(struct kunit *test)
{
	struct pvclock_core c;
	struct fake_area a;
	u8 flags;

	pvclock_core_init(&c, "kunit", 0);
	area_set(&a, 10000, 5000000, 0x80000000, 0, PVCLOCK_TSC_STABLE_BIT);
	a.tsc = 12000;
	KUNIT_EXPECT_EQ(test, read_area(&c, &a, &flags), 5001000ULL);
	/* Another CPU's area lags 500 ns behind. */
	a.pvti.system_time -= 500;
	KUNIT_EXPECT_EQ(test, read_area(&c, &a, &flags), 5001000ULL);
	KUNIT_EXPECT_EQ(test, atomic_read(&c.backwards), 1);
	a.tsc = 14000;
	KUNIT_EXPECT_EQ(test, read_area(&c, &a, &flags), 5001500ULL);

	/* The same lag with a stable clock the host may declare. */
	c.valid_flags = PVCLOCK_TSC_STABLE_BIT;
	a.pvti.system_time -= 2000;
	KUNIT_EXPECT_EQ(test, read_area(&c, &a, &flags), 4999500ULL);
	KUNIT_EXPECT_EQ(test, flags, PVCLOCK_TSC_STABLE_BIT);

	/* Near the top: saturates instead of wrapping to the past. */
	c.valid_flags = 0;
	a.pvti.system_time = U64_MAX - 10;
	a.tsc = U64_MAX;
	KUNIT_EXPECT_EQ(test, read_area(&c, &a, &flags), U64_MAX);
}

static void pvclock_tsc_khz_values(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, pvclock_core_tsc_khz(0x80000000, 0), 2000000UL);
	KUNIT_EXPECT_EQ(test, pvclock_core_tsc_khz(0x80000000, 1), 1000000UL);
	KUNIT_EXPECT_EQ(test, pvclock_core_tsc_khz(0x80000000, -1), 4000000UL);
	/*
	 * 2.5 GHz as KVM encodes it (shift -1, mul 0xcccccccd, rounded up):
	 * 10^6 * 2^32 / mul truncates to 1249999, doubled.
	 */
	KUNIT_EXPECT_EQ(test, pvclock_core_tsc_khz(0xcccccccd, -1), 2499998UL);
	KUNIT_EXPECT_EQ(test, pvclock_core_tsc_khz(0, 0), 0UL);
	KUNIT_EXPECT_EQ(test, pvclock_core_tsc_khz(1, -31), 0UL);
	KUNIT_EXPECT_EQ(test, pvclock_core_tsc_khz(0xffffffff, 31), 0UL);
}

static void pvclock_wallclock_values(struct kunit *test)
{
	struct pvclock_wall_clock wc = {
		.version = 2, .sec = 1700000000, .nsec = 900000000,
	};
	struct timespec64 ts;
	u32 hi = 1;

	/* Boot time of day plus the system time, normalized. */
	pvclock_core_wallclock(&wc, NULL, 3 * NSEC_PER_SEC + 200000000, &ts);
	KUNIT_EXPECT_EQ(test, ts.tv_sec, 1700000004LL);
	KUNIT_EXPECT_EQ(test, ts.tv_nsec, 100000000L);

	/* Xen's upper 32 bits of the seconds. */
	pvclock_core_wallclock(&wc, &hi, 0, &ts);
	KUNIT_EXPECT_EQ(test, ts.tv_sec, (1LL << 32) + 1700000000LL);

	/* Out-of-range nanoseconds are dropped, not carried. */
	wc.nsec = NSEC_PER_SEC;
	pvclock_core_wallclock(&wc, NULL, 0, &ts);
	KUNIT_EXPECT_EQ(test, ts.tv_sec, 1700000000LL);
	KUNIT_EXPECT_EQ(test, ts.tv_nsec, 0L);

	/* A version that stays odd: bounded, the values read are used. */
	wc.version = 3;
	wc.nsec = 5;
	pvclock_core_wallclock(&wc, NULL, 0, &ts);
	KUNIT_EXPECT_EQ(test, ts.tv_sec, 1700000000LL);
	KUNIT_EXPECT_EQ(test, ts.tv_nsec, 5L);
}

static struct kunit_case pvclock_test_cases[] = {
	KUNIT_CASE(pvclock_scale_reference),
	KUNIT_CASE(pvclock_read_basic),
	KUNIT_CASE(pvclock_read_concurrent_writer),
	KUNIT_CASE(pvclock_read_never_settles),
	KUNIT_CASE(pvclock_read_zero_mul),
	KUNIT_CASE(pvclock_read_monotonic_guard),
	KUNIT_CASE(pvclock_tsc_khz_values),
	KUNIT_CASE(pvclock_wallclock_values),
	{}
};

static struct kunit_suite pvclock_test_suite = {
	.name = "pvclock_core",
	.test_cases = pvclock_test_cases,
};

kunit_test_suite(pvclock_test_suite);

MODULE_DESCRIPTION("KUnit tests for the pvclock core");
MODULE_LICENSE("GPL");
MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);
