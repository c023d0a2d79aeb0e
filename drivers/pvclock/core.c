// SPDX-License-Identifier: GPL-2.0
/*
 * pvclock core: the parts of reading a pvclock area that are not on the
 * hot path. The read itself is inline in pvclock.h so that sched_clock
 * (noinstr) and the clocksource share it.
 */
#define pr_fmt(fmt) "pvclock: " fmt

#include <linux/kernel.h>
#include <linux/log2.h>
#include <linux/math64.h>
#include <linux/printk.h>
#include <linux/string.h>
#include <linux/time64.h>
#include <kunit/visibility.h>

#include "pvclock.h"

/**
 * pvclock_core_tsc_khz - the TSC frequency an area's scale describes
 * @mul: tsc_to_system_mul, ns per TSC tick as a 32-bit fraction
 * @shift: tsc_shift
 *
 * ns = (tsc << shift) * mul / 2^32, so kHz = 10^6 * 2^32 / mul / 2^shift.
 * Returns 0 for a zero multiplier or a result that does not fit.
 */
unsigned long pvclock_core_tsc_khz(u32 mul, s8 shift)
{
	u64 khz;

	if (!mul)
		return 0;
	khz = div_u64(1000000ULL << 32, mul);
	if (shift < 0) {
		if (-shift >= 64 || khz > (U64_MAX >> -shift))
			return 0;
		khz <<= -shift;
	} else {
		khz = shift >= 64 ? 0 : khz >> shift;
	}
	return khz > ULONG_MAX ? 0 : khz;
}
EXPORT_SYMBOL_IF_KUNIT(pvclock_core_tsc_khz);

static const char * const pvclock_core_errors[PVCLOCK_ERR_NR] = {
	[PVCLOCK_ERR_UNSETTLED]	= "the time area's version never settled",
	[PVCLOCK_ERR_ZERO_MUL]	= "the time area has a zero multiplier",
};

/*
 * Report hypervisor misbehaviour counted by the read path: at the 1st,
 * 2nd, 4th, 8th, ... bad read, so a broken host cannot flood the log.
 */
static void pvclock_core_report_work(struct irq_work *work)
{
	struct pvclock_core *c = container_of(work, struct pvclock_core,
					      report_work);
	unsigned int i;
	int n, old;

	for (i = 0; i < PVCLOCK_ERR_NR; i++) {
		n = atomic_read(&c->errors[i]);
		old = READ_ONCE(c->reported[i]);
		if (n == old)
			continue;
		WRITE_ONCE(c->reported[i], n);
		if (n > 0 && (old <= 0 || ilog2(n) > ilog2(old)))
			pr_warn("%s: %s (%d reads so far); kept the last good time\n",
				c->name, pvclock_core_errors[i], n);
	}
}

void pvclock_core_init(struct pvclock_core *c, const char *name,
		       u8 valid_flags)
{
	memset(c, 0, sizeof(*c));
	c->name = name;
	c->valid_flags = valid_flags;
	init_irq_work(&c->report_work, pvclock_core_report_work);
}
EXPORT_SYMBOL_IF_KUNIT(pvclock_core_init);

void pvclock_core_report(struct pvclock_core *c)
{
	unsigned int i;

	for (i = 0; i < PVCLOCK_ERR_NR; i++) {
		if (unlikely(atomic_read(&c->errors[i]) != READ_ONCE(c->reported[i]))) {
			irq_work_queue(&c->report_work);
			return;
		}
	}
}
EXPORT_SYMBOL_IF_KUNIT(pvclock_core_report);

/**
 * pvclock_core_wallclock - the time of day from the hypervisor's wallclock
 * @wc: the wallclock: the time of day at system time 0
 * @sec_hi: the upper 32 bits of its seconds, or NULL (Xen keeps them
 *	apart from @wc, under the same version)
 * @system_ns: the system time now, read by the caller from its time area
 * @now: the result
 *
 * The same version protocol as the time area, bounded the same way; a
 * wallclock that never settles is used anyway, with a warning. Not for
 * timekeeping's locked paths: it may print.
 */
void pvclock_core_wallclock(const struct pvclock_wall_clock *wc,
			    const u32 *sec_hi, u64 system_ns,
			    struct timespec64 *now)
{
	u32 version, sec = 0, nsec = 0, hi = 0;
	unsigned int i;
	u64 frac;

	for (i = 0; i < PVCLOCK_CORE_MAX_RETRIES; i++) {
		version = READ_ONCE(wc->version);
		/* The fields only after the version they belong to. */
		virt_rmb();
		sec = READ_ONCE(wc->sec);
		nsec = READ_ONCE(wc->nsec);
		hi = sec_hi ? READ_ONCE(*sec_hi) : 0;
		/* The version again only after the fields. */
		virt_rmb();
		if (!(version & 1) && version == READ_ONCE(wc->version))
			break;
	}
	if (i == PVCLOCK_CORE_MAX_RETRIES)
		pr_warn("the wallclock never settled; using it anyway\n");
	if (nsec >= NSEC_PER_SEC) {
		pr_warn("wallclock nsec %u out of range; ignored\n", nsec);
		nsec = 0;
	}
	/* do_div() leaves the quotient in system_ns, returns the remainder. */
	frac = nsec + do_div(system_ns, NSEC_PER_SEC);
	set_normalized_timespec64(now, ((time64_t)hi << 32) + sec + system_ns,
				  frac);
}
EXPORT_SYMBOL_IF_KUNIT(pvclock_core_wallclock);
