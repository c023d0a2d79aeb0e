/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pvclock core: reading a pvclock_vcpu_time_info area the hypervisor
 * updates, shared by the KVM and Xen registrations.
 *
 * The hypervisor makes the version odd, updates the fields, makes it even
 * again. A reader takes the version, the fields and the TSC, and retries
 * if the version was odd or changed. Time is
 *
 *   system_time + scale(tsc - tsc_timestamp, tsc_to_system_mul, tsc_shift)
 *
 * with scale(d, mul, shift) = ((shift < 0 ? d >> -shift : d << shift)
 * * mul) >> 32, the multiply done in 128 bits so it cannot overflow.
 *
 * Everything the area holds is hypervisor input: a version that never
 * settles ends the read after PVCLOCK_CORE_MAX_RETRIES tries with the last
 * good value and a warning, a zero multiplier is refused, a TSC behind the
 * timestamp counts as no time passed, and unless the hypervisor may set
 * PVCLOCK_TSC_STABLE_BIT (and did), a lock-free guard keeps the clock from
 * going backwards across CPUs.
 */
#ifndef _PVCLOCK_CORE_H
#define _PVCLOCK_CORE_H

#include <linux/atomic.h>
#include <linux/compiler.h>
#include <linux/irq_work.h>
#include <linux/percpu-defs.h>
#include <linux/types.h>
#include <asm/barrier.h>
#include <asm/pvclock.h>
#include <asm/pvclock-abi.h>

#define PVCLOCK_CORE_MAX_RETRIES	1000

/* Why a read did not give a fresh value (pvclock_core.errors[]). */
enum pvclock_core_error {
	PVCLOCK_ERR_UNSETTLED,	/* version odd or changing every time */
	PVCLOCK_ERR_ZERO_MUL,	/* tsc_to_system_mul == 0 */
	PVCLOCK_ERR_NR
};

/* One clock: the guard state and what the hypervisor may claim. */
struct pvclock_core {
	atomic64_t last;	/* highest time handed out, when not stable */
	u8 valid_flags;		/* flags the hypervisor may set */
	atomic_t errors[PVCLOCK_ERR_NR];
	atomic_t backwards;	/* reads the guard held back */
	int reported[PVCLOCK_ERR_NR];
	const char *name;
	struct irq_work report_work;
};

/* One consistent snapshot of an area. */
struct pvclock_core_sample {
	u64 tsc_timestamp;
	u64 system_time;
	u64 tsc;		/* the TSC read inside the snapshot */
	u32 mul;
	s8 shift;
	u8 flags;		/* already masked by valid_flags */
};

static __always_inline u64 pvclock_core_scale(u64 delta, u32 mul, s8 shift)
{
	unsigned __int128 d = delta, ns;

	if (shift < 0)
		d >>= -shift;
	else
		d <<= shift;
	ns = (d * mul) >> 32;
	return ns > U64_MAX ? U64_MAX : (u64)ns;
}

/* Time of a snapshot; a TSC behind the timestamp means no time passed. */
static __always_inline u64 pvclock_core_ns(const struct pvclock_core_sample *s)
{
	u64 delta = s->tsc > s->tsc_timestamp ? s->tsc - s->tsc_timestamp : 0;
	u64 ns = s->system_time + pvclock_core_scale(delta, s->mul, s->shift);

	/* Saturate rather than wrap to the past. */
	return ns < s->system_time ? U64_MAX : ns;
}

/*
 * Take a snapshot of @src with the TSC read by @read_tsc. Returns 0, or
 * the number of tries when the version never settled (then @s is not
 * valid). noinstr-safe when @read_tsc is.
 */
static __always_inline unsigned int
pvclock_core_snapshot(const struct pvclock_vcpu_time_info *src,
		      struct pvclock_core_sample *s, u8 valid_flags,
		      u64 (*read_tsc)(void))
{
	unsigned int i;
	u32 version;

	for (i = 0; i < PVCLOCK_CORE_MAX_RETRIES; i++) {
		version = READ_ONCE(src->version);
		/* Read the fields only after the version they belong to. */
		virt_rmb();
		s->tsc_timestamp = READ_ONCE(src->tsc_timestamp);
		s->system_time = READ_ONCE(src->system_time);
		s->mul = READ_ONCE(src->tsc_to_system_mul);
		s->shift = READ_ONCE(src->tsc_shift);
		s->flags = READ_ONCE(src->flags) & valid_flags;
		s->tsc = read_tsc();
		/* Re-read the version only after the fields and the TSC. */
		virt_rmb();
		if (!(version & 1) && version == READ_ONCE(src->version))
			return 0;
	}
	return i;
}

/* Hand out @ns, or the last time handed out if that is later. */
static __always_inline u64 pvclock_core_guard(struct pvclock_core *c, u64 ns)
{
	s64 last = raw_atomic64_read(&c->last);

	do {
		if ((u64)last >= ns) {
			if ((u64)last > ns)
				raw_atomic_inc(&c->backwards);
			return last;
		}
	} while (!raw_atomic64_try_cmpxchg(&c->last, &last, ns));
	return ns;
}

/*
 * Read the clock from @src: the time in ns and, in @flags, the masked
 * flags of the snapshot (PVCLOCK_GUEST_STOPPED for the caller to act on).
 */
static __always_inline u64 pvclock_core_read(struct pvclock_core *c,
					     const struct pvclock_vcpu_time_info *src,
					     u64 (*read_tsc)(void), u8 *flags)
{
	struct pvclock_core_sample s;

	if (unlikely(pvclock_core_snapshot(src, &s, c->valid_flags, read_tsc))) {
		raw_atomic_inc(&c->errors[PVCLOCK_ERR_UNSETTLED]);
		*flags = 0;
		return raw_atomic64_read(&c->last);
	}
	*flags = s.flags;
	if (unlikely(!s.mul)) {
		raw_atomic_inc(&c->errors[PVCLOCK_ERR_ZERO_MUL]);
		return raw_atomic64_read(&c->last);
	}
	if (s.flags & PVCLOCK_TSC_STABLE_BIT)
		return pvclock_core_ns(&s);
	return pvclock_core_guard(c, pvclock_core_ns(&s));
}

/*
 * A registration's clocksource read from this CPU's area @src, with
 * preemption off. A host that paused the guest (stopped in a debugger,
 * migrated) says so with PVCLOCK_GUEST_STOPPED: the jump in time is not
 * a lockup.
 */
static __always_inline u64 pvclock_core_read_cs(struct pvclock_core *c,
						struct pvclock_vcpu_time_info *src,
						u64 (*read_tsc)(void))
{
	u64 ns;
	u8 flags;

	ns = pvclock_core_read(c, src, read_tsc, &flags);
	if (unlikely(flags & PVCLOCK_GUEST_STOPPED)) {
		src->flags &= ~PVCLOCK_GUEST_STOPPED;
		pvclock_touch_watchdogs();
	}
	return ns;
}

/* After a restore the hypervisor's system time may start over. */
static inline void pvclock_core_resume(struct pvclock_core *c)
{
	atomic64_set(&c->last, 0);
}

/* TSC kHz from the area's scale: the inverse of pvclock_core_scale(). */
unsigned long pvclock_core_tsc_khz(u32 mul, s8 shift);

void pvclock_core_init(struct pvclock_core *c, const char *name,
		       u8 valid_flags);

/* Per-CPU time areas (area.c). */
struct pvclock_vsyscall_time_info;
DECLARE_PER_CPU(struct pvclock_vsyscall_time_info *, pvclock_area);
struct pvclock_vsyscall_time_info *pvclock_area_boot(void);
int pvclock_area_prepare(unsigned int cpu);

struct timespec64;
void pvclock_core_wallclock(const struct pvclock_wall_clock *wc,
			    const u32 *sec_hi, u64 system_ns,
			    struct timespec64 *now);

/*
 * Have errors counted since the last call reported, from an irq_work:
 * callers run inside timekeeping, where printk must not be called. Not
 * for noinstr paths.
 */
void pvclock_core_report(struct pvclock_core *c);

#endif /* _PVCLOCK_CORE_H */
