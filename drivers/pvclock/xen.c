// SPDX-License-Identifier: GPL-2.0
/*
 * pvclock on Xen: Xen's time provider in place of arch/x86/xen/time.c
 * (CONFIG_PVX_CLOCK_XEN), for PV, PVH and HVM guests: the clocksource,
 * sched_clock, the TSC frequency and the wallclock, read through the
 * pvclock core. The clockevent device is in xen_timer.c.
 *
 * Each vCPU hands Xen a time area of its own with
 * VCPUOP_register_vcpu_time_memory_area where Xen offers it, before the
 * vCPU first runs (its CPU's up-prepare); where Xen does not, the vCPU
 * reads the vcpu_time_info in its vcpu_info (shared_info, or wherever the
 * platform code placed it), which Xen keeps with the same protocol. The
 * areas are taken back when a vCPU is dead, before reboot and kexec and
 * across save/restore, and are never freed.
 *
 * Rating policy, as on KVM: "pvclock" rates 400, above the TSC (300): Xen
 * keeps the area right across migration and TSC frequency changes, which a
 * guest-calibrated TSC cannot follow. When the TSC is exact as well - Xen
 * declares it stable (PVCLOCK_TSC_STABLE_BIT, trusted only when CPU 0's
 * area had it at boot: Xen has no feature bit for it) or the guest is dom0,
 * which never migrates; the CPU's TSC is invariant and not marked unstable;
 * and Xen never emulates RDTSC (its TSC mode leaf) - the rating drops to 299
 * and the TSC wins: it is then cheaper to read.
 */
#define pr_fmt(fmt) "pvclock: xen: " fmt

#include <linux/clocksource.h>
#include <linux/cpu.h>
#include <linux/init.h>
#include <linux/kernel.h>
#include <linux/percpu.h>
#include <linux/pvclock_gtod.h>
#include <linux/reboot.h>
#include <linux/sched/clock.h>
#include <linux/static_call.h>
#include <linux/time64.h>
#include <linux/timekeeper_internal.h>
#include <asm/paravirt.h>
#include <asm/pvclock.h>
#include <asm/pvx.h>
#include <asm/tsc.h>
#include <asm/x86_init.h>
#include <asm/xen/cpuid.h>
#include <asm/xen/events.h>
#include <asm/xen/hypercall.h>
#include <asm/xen/hypervisor.h>
#include <xen/events.h>
#include <xen/features.h>
#include <xen/interface/platform.h>
#include <xen/interface/vcpu.h>
#include <xen/interface/xen.h>
#include <xen/xen-ops.h>
#include <xen/xen.h>

#include "pvclock.h"
#include "xen.h"

static struct pvclock_core pvclock_xen;
static bool pvclock_xen_taken __ro_after_init;	/* pvclock is Xen's time */
static bool pvclock_xen_areas __ro_after_init;	/* Xen took CPU 0's area */
static u64 pvclock_xen_sched_offset __read_mostly;
static u64 pvclock_xen_saved;			/* sched_clock across a save */

static __always_inline u64 pvclock_xen_rdtsc(void)
{
	return rdtsc_ordered();
}

/* This CPU's area, or its vcpu_info's time where it has none. */
static __always_inline struct pvclock_vcpu_time_info *pvclock_xen_pvti(void)
{
	struct pvclock_vsyscall_time_info *a = this_cpu_read(pvclock_area);

	return a ? &a->pvti : &this_cpu_read(xen_vcpu)->time;
}

/* ---- areas ------------------------------------------------------------- */

/* Hand vCPU @cpu's area to Xen, or take it back (@a NULL). */
static int pvclock_xen_set_area(unsigned int cpu,
				struct pvclock_vsyscall_time_info *a)
{
	struct vcpu_register_time_memory_area t = {
		.addr.v = a ? &a->pvti : NULL,
	};

	return HYPERVISOR_vcpu_op(VCPUOP_register_vcpu_time_memory_area,
				  xen_vcpu_nr(cpu), &t);
}

/* Give @cpu its own area; without one it reads its vcpu_info's. */
static void pvclock_xen_register(unsigned int cpu)
{
	int err;

	if (!pvclock_xen_areas)
		return;
	err = pvclock_area_prepare(cpu);
	if (!err)
		err = pvclock_xen_set_area(cpu, per_cpu(pvclock_area, cpu));
	if (err) {
		pr_warn("cpu%u: no time area of its own (%d); reading its vcpu_info's\n",
			cpu, err);
		per_cpu(pvclock_area, cpu) = NULL;
	}
}

static void pvclock_xen_release(unsigned int cpu)
{
	if (per_cpu(pvclock_area, cpu))
		pvclock_xen_set_area(cpu, NULL);
}

static int pvclock_xen_reboot(struct notifier_block *nb, unsigned long code,
			      void *unused)
{
	unsigned int cpu;

	/* kexec too: the next kernel must not find Xen writing here. */
	if (code == SYS_RESTART)
		for_each_online_cpu(cpu)
			pvclock_xen_release(cpu);
	return NOTIFY_DONE;
}

static struct notifier_block pvclock_xen_reboot_nb = {
	.notifier_call = pvclock_xen_reboot,
};

/* ---- reading ------------------------------------------------------------- */

u64 pvclock_xen_now(void)
{
	u64 ns;
	u8 flags;

	preempt_disable_notrace();
	ns = pvclock_core_read(&pvclock_xen, pvclock_xen_pvti(),
			       pvclock_xen_rdtsc, &flags);
	preempt_enable_notrace();
	return ns;
}

static noinstr u64 pvclock_xen_sched_clock(void)
{
	u8 flags;

	return pvclock_core_read(&pvclock_xen, pvclock_xen_pvti(),
				 pvclock_xen_rdtsc, &flags) -
	       pvclock_xen_sched_offset;
}

static u64 pvclock_xen_read(struct clocksource *cs)
{
	u64 ns;

	preempt_disable_notrace();
	ns = pvclock_core_read_cs(&pvclock_xen, pvclock_xen_pvti(),
				  pvclock_xen_rdtsc);
	preempt_enable_notrace();
	pvclock_core_report(&pvclock_xen);
	pvx_hook_hit(PVX_HOOK_CLOCK);
	return ns;
}

static int pvclock_xen_enable(struct clocksource *cs)
{
	vclocks_set_used(VDSO_CLOCKMODE_PVCLOCK);
	return 0;
}

static struct clocksource pvclock_xen_cs = {
	.name		= "pvclock",
	.read		= pvclock_xen_read,
	.rating		= 400,
	.mask		= CLOCKSOURCE_MASK(64),
	.flags		= CLOCK_SOURCE_IS_CONTINUOUS,
	.enable		= pvclock_xen_enable,
};

/* On the boot CPU, from its area or its vcpu_info, wherever that is now. */
static unsigned long pvclock_xen_tsc_khz(void)
{
	struct pvclock_core_sample s;
	unsigned long khz = 0;

	if (!pvclock_core_snapshot(pvclock_xen_pvti(), &s, 0,
				   pvclock_xen_rdtsc))
		khz = pvclock_core_tsc_khz(s.mul, s.shift);
	if (!khz) {
		pr_err("the boot vCPU's time gives no TSC frequency; calibrating\n");
		return 0;
	}
	setup_force_cpu_cap(X86_FEATURE_TSC_KNOWN_FREQ);
	return khz;
}

/* Xen's wallclock is the time of day at system time 0. */
static void pvclock_xen_get_wallclock(struct timespec64 *now)
{
	struct shared_info *s = HYPERVISOR_shared_info;

	pvclock_core_wallclock(&s->wc, &s->wc_sec_hi, pvclock_xen_now(), now);
}

static int pvclock_xen_set_wallclock(const struct timespec64 *now)
{
	return -ENODEV;
}

/*
 * dom0 keeps Xen's wallclock, which the other domains boot with: on every
 * clock step and every 11 minutes, as an RTC would be. Called by the
 * timekeeping core with its lock held: no printk here.
 */
static int pvclock_xen_gtod_notify(struct notifier_block *nb,
				   unsigned long was_set, void *priv)
{
	static struct timespec64 next;	/* serialized by the caller */
	struct timekeeper *tk = priv;
	struct xen_platform_op op = { .cmd = XENPF_settime64 };
	struct timespec64 now = {
		.tv_sec = tk->xtime_sec,
		.tv_nsec = tk->tkr_mono.xtime_nsec >> tk->tkr_mono.shift,
	};

	if (!was_set && timespec64_compare(&now, &next) < 0)
		return NOTIFY_OK;
	op.u.settime64.secs = now.tv_sec;
	op.u.settime64.nsecs = now.tv_nsec;
	op.u.settime64.system_time = pvclock_xen_now();
	if (HYPERVISOR_platform_op(&op))
		return NOTIFY_BAD;
	next = now;
	next.tv_sec += 11 * 60;
	return NOTIFY_OK;
}

static struct notifier_block pvclock_xen_gtod_nb = {
	.notifier_call = pvclock_xen_gtod_notify,
};

/* ---- setup --------------------------------------------------------------- */

static bool __init pvclock_xen_tsc_exact(bool stable)
{
	u32 eax, ebx, ecx, edx;

	if (!stable && !xen_initial_domain())
		return false;
	if (!boot_cpu_has(X86_FEATURE_CONSTANT_TSC) ||
	    !boot_cpu_has(X86_FEATURE_NONSTOP_TSC) || check_tsc_unstable())
		return false;
	cpuid_count(xen_cpuid_base() + 3, 0, &eax, &ebx, &ecx, &edx);
	return ebx == XEN_CPUID_TSC_MODE_NEVER_EMULATE;
}

/* The timer init of the boot CPU: clocksource, clockevent, wallclock. */
static void __init pvclock_xen_time_init(void)
{
	unsigned int cpu = smp_processor_id();
	bool stable = pvclock_xen.valid_flags & PVCLOCK_TSC_STABLE_BIT;
	struct timespec64 tp;

	if (pvclock_xen_tsc_exact(stable))
		pvclock_xen_cs.rating = 299;
	/* The vDSO reads CPU 0's area: only one Xen took, only when stable. */
	if (stable && pvclock_xen_areas && per_cpu(pvclock_area, 0)) {
		pvclock_set_pvti_cpu0_va(pvclock_area_boot());
		pvclock_xen_cs.vdso_clock_mode = VDSO_CLOCKMODE_PVCLOCK;
	}
	clocksource_register_hz(&pvclock_xen_cs, NSEC_PER_SEC);

	pvclock_xen_timer_init();
	/* Timekeeping read the wallclock at second resolution; refine it. */
	pvclock_xen_get_wallclock(&tp);
	do_settimeofday64(&tp);
	setup_force_cpu_cap(X86_FEATURE_TSC);

	xen_setup_runstate_info(cpu);
	xen_setup_timer(cpu);
	xen_setup_cpu_clockevents();
	xen_time_setup_guest();
	if (xen_initial_domain())
		pvclock_gtod_register_notifier(&pvclock_xen_gtod_nb);

	pr_info("%s areas, TSC %u kHz, %sstable, rating %d%s\n",
		pvclock_xen_areas ? "registered" : "vcpu_info", tsc_khz,
		stable ? "" : "not ", pvclock_xen_cs.rating,
		pvclock_xen_cs.vdso_clock_mode == VDSO_CLOCKMODE_PVCLOCK ?
		", vDSO" : "");
}

static void __init pvclock_xen_init_common(void)
{
	const struct pvclock_vcpu_time_info *t;
	unsigned int cpu = smp_processor_id();

	pvclock_core_init(&pvclock_xen, "xen", PVCLOCK_GUEST_STOPPED);

	/* CPU 0's area tells whether Xen offers areas at all. */
	this_cpu_write(pvclock_area, pvclock_area_boot());
	pvclock_xen_areas = !pvclock_xen_set_area(cpu, pvclock_area_boot());
	t = &pvclock_area_boot()->pvti;
	if (pvclock_xen_areas && (!READ_ONCE(t->tsc_to_system_mul) ||
				  (READ_ONCE(t->version) & 1))) {
		/* Registered, but Xen has not filled it: do without. */
		pvclock_xen_set_area(cpu, NULL);
		pvclock_xen_areas = false;
	}
	if (!pvclock_xen_areas)
		this_cpu_write(pvclock_area, NULL);

	if (pvclock_read_flags(pvclock_xen_pvti()) & PVCLOCK_TSC_STABLE_BIT) {
		pvclock_xen.valid_flags |= PVCLOCK_TSC_STABLE_BIT;
		pvclock_set_flags(PVCLOCK_TSC_STABLE_BIT);
	}

	pvclock_xen_sched_offset = pvclock_xen_now();
	static_call_update(pv_steal_clock, xen_steal_clock);
	paravirt_set_sched_clock(pvclock_xen_sched_clock);
	x86_platform.calibrate_tsc = pvclock_xen_tsc_khz;
	x86_platform.get_wallclock = pvclock_xen_get_wallclock;
	register_reboot_notifier(&pvclock_xen_reboot_nb);
	pvclock_xen_taken = true;
	pvx_xen_clock_taken();
}

/* HVM guests may keep the native clocks (pvx.disable=clock, old Xen). */
bool pvclock_xen_active(void)
{
	return pvclock_xen_taken;
}

/* PV: from the platform init, early in setup_arch(). */
void __init xen_init_time_ops(void)
{
	/* No local APIC, no HPET: Xen's is the only clock, pvx.disable or not. */
	pvclock_xen_init_common();

	x86_init.timers.timer_init = pvclock_xen_time_init;
	x86_init.timers.setup_percpu_clockev = x86_init_noop;
	x86_cpuinit.setup_percpu_clockev = x86_init_noop;
	/* dom0 sets the hardware RTC the native way. */
	if (!xen_initial_domain())
		x86_platform.set_wallclock = pvclock_xen_set_wallclock;
}

#ifdef CONFIG_XEN_PVHVM
static void pvclock_xen_hvm_setup_cpu_clockevents(void)
{
	xen_setup_runstate_info(smp_processor_id());
	xen_setup_cpu_clockevents();
}

/*
 * HVM and PVH: from the platform init, or from the boot CPU's SMP
 * preparation when the boot vCPU had no vcpu_info yet (a kexec onto a vCPU
 * past the ones shared_info holds). Without the upcall vector secondary
 * CPUs would get no timer events, without hvm_safe_pvclock Xen does not
 * keep the time right: then the native clocks stay.
 */
void __init xen_hvm_init_time_ops(void)
{
	static bool done;

	if (done || pvx_hook_disabled(PVX_HOOK_CLOCK))
		return;
	if (!xen_have_vector_callback)
		return;
	if (!xen_feature(XENFEAT_hvm_safe_pvclock)) {
		pr_info_once("Xen keeps no safe pvclock for HVM guests: native clocks\n");
		return;
	}
	if (!__this_cpu_read(xen_vcpu)) {
		pr_info("vCPU %d has no vcpu_info yet: later\n", xen_vcpu_nr(0));
		return;
	}
	pvclock_xen_init_common();

	x86_init.timers.setup_percpu_clockev = pvclock_xen_time_init;
	x86_cpuinit.setup_percpu_clockev = pvclock_xen_hvm_setup_cpu_clockevents;
	x86_platform.set_wallclock = pvclock_xen_set_wallclock;
	done = true;
}
#endif

/* ---- CPU hotplug and save/restore (called by the Xen platform code) ------ */

/**
 * pvclock_xen_cpu_prepare - give a CPU that is about to run its area
 * @cpu: the CPU
 */
void pvclock_xen_cpu_prepare(unsigned int cpu)
{
	if (cpu && pvclock_xen_taken)
		pvclock_xen_register(cpu);
}

/**
 * pvclock_xen_cpu_dead - take a dead CPU's area back
 * @cpu: the CPU
 */
void pvclock_xen_cpu_dead(unsigned int cpu)
{
	if (cpu && pvclock_xen_taken)
		pvclock_xen_release(cpu);
}

/* Save: Xen forgets the areas; sched_clock must go on from here. */
void xen_save_time_memory_area(void)
{
	unsigned int cpu;

	if (!pvclock_xen_taken)
		return;
	pvclock_xen_saved = pvclock_xen_now() - pvclock_xen_sched_offset;
	for_each_online_cpu(cpu)
		pvclock_xen_release(cpu);
}

/* Restore, on another host maybe: a new system time base. */
void xen_restore_time_memory_area(void)
{
	unsigned int cpu;

	if (!pvclock_xen_taken)
		return;
	for_each_online_cpu(cpu) {
		if (per_cpu(pvclock_area, cpu) &&
		    pvclock_xen_set_area(cpu, per_cpu(pvclock_area, cpu))) {
			pr_notice("cpu%u: time area not restored; reading its vcpu_info's\n",
				  cpu);
			per_cpu(pvclock_area, cpu) = NULL;
		}
	}
	pvclock_core_resume(&pvclock_xen);
	pvclock_xen_sched_offset = pvclock_xen_now() - pvclock_xen_saved;
}
