// SPDX-License-Identifier: GPL-2.0
/*
 * pvclock on KVM: per-CPU time areas registered with MSR_KVM_SYSTEM_TIME_NEW
 * (MSR_KVM_SYSTEM_TIME when the host only offers KVM_FEATURE_CLOCKSOURCE),
 * the wallclock through MSR_KVM_WALL_CLOCK_NEW, and from them the
 * clocksource, sched_clock, the TSC frequency and the vDSO clock.
 *
 * pvx's KVM platform init calls pvclock_kvm_init() early in setup_arch(),
 * before the TSC is calibrated (pvx_clock_driver below). Each CPU
 * registers its area before it first reads the clock (the early per-CPU
 * clock init of a starting CPU) and releases it before it goes down, on
 * reboot, before a crash kernel runs and across suspend, so the host never
 * writes into memory the guest has reused.
 *
 * Rating policy: "pvclock" rates 400, above the TSC (300): the host keeps
 * the area right across TSC frequency changes and migration, which a
 * guest-calibrated TSC cannot follow. When the host declares the TSC stable
 * (PVCLOCK_TSC_STABLE_BIT, which it may only do with
 * KVM_FEATURE_CLOCKSOURCE_STABLE_BIT) and the CPU's TSC is invariant and
 * not marked unstable, the rating drops to 299 and the TSC wins: both are
 * then exact and the TSC is cheaper to read (no area, no version loop).
 */
#define pr_fmt(fmt) "pvclock: kvm: " fmt

#include <linux/clocksource.h>
#include <linux/cpu.h>
#include <linux/cpufeature.h>
#include <linux/cpuhotplug.h>
#include <linux/init.h>
#include <linux/kernel.h>
#include <linux/kvm_para.h>
#include <linux/percpu.h>
#include <linux/reboot.h>
#include <linux/sched/clock.h>
#include <linux/time64.h>
#include <asm/msr.h>
#include <asm/paravirt.h>
#include <asm/pvclock.h>
#include <asm/pvx.h>
#include <asm/reboot.h>
#include <asm/tsc.h>
#include <asm/x86_init.h>

#include "pvclock.h"

static struct pvclock_wall_clock pvclock_kvm_wall;
static struct pvclock_core pvclock_kvm;
static u32 pvclock_kvm_msr_time __ro_after_init;
static u32 pvclock_kvm_msr_wall __ro_after_init;
static u64 pvclock_kvm_sched_offset __ro_after_init;

static __always_inline u64 pvclock_kvm_rdtsc(void)
{
	return rdtsc_ordered();
}

static __always_inline struct pvclock_vcpu_time_info *pvclock_kvm_pvti(void)
{
	return &this_cpu_read(pvclock_area)->pvti;
}

/* ---- registration ------------------------------------------------------ */

static void pvclock_kvm_register(void)
{
	struct pvclock_vsyscall_time_info *a = this_cpu_read(pvclock_area);

	if (!a)
		return;
	if (wrmsrl_safe(pvclock_kvm_msr_time, slow_virt_to_phys(&a->pvti) |
			KVM_MSR_ENABLED))
		pr_err("cpu%d: the host refused the time area MSR 0x%x\n",
		       smp_processor_id(), pvclock_kvm_msr_time);
}

static void pvclock_kvm_release(void)
{
	if (pvclock_kvm_msr_time)
		wrmsrl_safe(pvclock_kvm_msr_time, 0);
}

static void pvclock_kvm_release_ipi(void *unused)
{
	pvclock_kvm_release();
}

static int pvclock_kvm_prepare_cpu(unsigned int cpu)
{
	return pvclock_area_prepare(cpu);
}

static int pvclock_kvm_cpu_down(unsigned int cpu)
{
	pvclock_kvm_release();
	return 0;
}

static int pvclock_kvm_reboot(struct notifier_block *nb, unsigned long code,
			      void *unused)
{
	if (code == SYS_RESTART)
		on_each_cpu(pvclock_kvm_release_ipi, NULL, 1);
	return NOTIFY_DONE;
}

static struct notifier_block pvclock_kvm_reboot_nb = {
	.notifier_call = pvclock_kvm_reboot,
};

#ifdef CONFIG_CRASH_DUMP
static void (*pvclock_kvm_next_crash_shutdown)(struct pt_regs *regs);

static void pvclock_kvm_crash_shutdown(struct pt_regs *regs)
{
	pvclock_kvm_release();
	pvclock_kvm_next_crash_shutdown(regs);
}
#endif

/* ---- reading ------------------------------------------------------------- */

static noinstr u64 pvclock_kvm_sched_clock(void)
{
	u8 flags;

	return pvclock_core_read(&pvclock_kvm, pvclock_kvm_pvti(),
				 pvclock_kvm_rdtsc, &flags) -
	       pvclock_kvm_sched_offset;
}

static u64 pvclock_kvm_read(struct clocksource *cs)
{
	u64 ns;

	preempt_disable_notrace();
	ns = pvclock_core_read_cs(&pvclock_kvm, pvclock_kvm_pvti(),
				  pvclock_kvm_rdtsc);
	preempt_enable_notrace();
	pvclock_core_report(&pvclock_kvm);
	pvx_hook_hit(PVX_HOOK_CLOCK);
	return ns;
}

static int pvclock_kvm_enable(struct clocksource *cs)
{
	vclocks_set_used(VDSO_CLOCKMODE_PVCLOCK);
	return 0;
}

static struct clocksource pvclock_kvm_cs = {
	.name		= "pvclock",
	.read		= pvclock_kvm_read,
	.rating		= 400,
	.mask		= CLOCKSOURCE_MASK(64),
	.flags		= CLOCK_SOURCE_IS_CONTINUOUS,
	.id		= CSID_X86_KVM_CLK,
	.enable		= pvclock_kvm_enable,
};

static unsigned long pvclock_kvm_tsc_khz(void)
{
	const struct pvclock_vcpu_time_info *src = pvclock_kvm_pvti();
	unsigned long khz;

	khz = pvclock_core_tsc_khz(READ_ONCE(src->tsc_to_system_mul),
				   READ_ONCE(src->tsc_shift));
	if (!khz) {
		pr_err("the time area gives no TSC frequency (mul %u shift %d)\n",
		       src->tsc_to_system_mul, src->tsc_shift);
		return 0;
	}
	setup_force_cpu_cap(X86_FEATURE_TSC_KNOWN_FREQ);
	return khz;
}

/*
 * Wallclock at boot: the host's time of the guest's system time 0, plus
 * the system time now. The same version protocol, bounded the same way.
 */
static void pvclock_kvm_get_wallclock(struct timespec64 *now)
{
	u64 ns;
	u8 flags;

	if (wrmsrl_safe(pvclock_kvm_msr_wall,
			slow_virt_to_phys(&pvclock_kvm_wall))) {
		pr_err("the host refused the wallclock MSR 0x%x\n",
		       pvclock_kvm_msr_wall);
		now->tv_sec = 0;
		now->tv_nsec = 0;
		return;
	}
	preempt_disable();
	ns = pvclock_core_read(&pvclock_kvm, pvclock_kvm_pvti(),
			       pvclock_kvm_rdtsc, &flags);
	preempt_enable();
	pvclock_core_wallclock(&pvclock_kvm_wall, NULL, ns, now);
}

static int pvclock_kvm_set_wallclock(const struct timespec64 *now)
{
	return -ENODEV;
}

/* ---- setup --------------------------------------------------------------- */

static int __init pvclock_kvm_init(const struct pvx_platform *p)
{
	unsigned long khz;
	u8 flags;

	if (p->features & BIT(KVM_FEATURE_CLOCKSOURCE2)) {
		pvclock_kvm_msr_time = MSR_KVM_SYSTEM_TIME_NEW;
		pvclock_kvm_msr_wall = MSR_KVM_WALL_CLOCK_NEW;
	} else if (p->features & BIT(KVM_FEATURE_CLOCKSOURCE)) {
		pvclock_kvm_msr_time = MSR_KVM_SYSTEM_TIME;
		pvclock_kvm_msr_wall = MSR_KVM_WALL_CLOCK;
	} else {
		pr_info("the host offers no clock\n");
		return -ENODEV;
	}

	pvclock_core_init(&pvclock_kvm, "kvm", PVCLOCK_GUEST_STOPPED);
	if (p->features & BIT(KVM_FEATURE_CLOCKSOURCE_STABLE_BIT)) {
		pvclock_kvm.valid_flags |= PVCLOCK_TSC_STABLE_BIT;
		/* For the kernel's vDSO reader of CPU 0's area. */
		pvclock_set_flags(PVCLOCK_TSC_STABLE_BIT);
	}

	this_cpu_write(pvclock_area, pvclock_area_boot());
	pvclock_kvm_register();
	if (cpuhp_setup_state_nocalls(CPUHP_BP_PREPARE_DYN, "pvclock/kvm:prepare",
				      pvclock_kvm_prepare_cpu, NULL) < 0 ||
	    cpuhp_setup_state_nocalls(CPUHP_AP_ONLINE_DYN, "pvclock/kvm:online",
				      NULL, pvclock_kvm_cpu_down) < 0)
		pr_err("cannot install the CPU hotplug callbacks\n");
	pvclock_set_pvti_cpu0_va(pvclock_area_boot());

	khz = pvclock_kvm_tsc_khz();
	if (khz) {
		x86_platform.calibrate_tsc = pvclock_kvm_tsc_khz;
		x86_platform.calibrate_cpu = pvclock_kvm_tsc_khz;
		/* Delay loops calibrated under host load would run short. */
		preset_lpj = div_u64((u64)khz * 1000, HZ);
	}
	x86_platform.get_wallclock = pvclock_kvm_get_wallclock;
	x86_platform.set_wallclock = pvclock_kvm_set_wallclock;
	/* Suspend: only the boot CPU is left; it re-registers on resume. */
	x86_platform.save_sched_clock_state = pvclock_kvm_release;
	x86_platform.restore_sched_clock_state = pvclock_kvm_register;
#ifdef CONFIG_X86_LOCAL_APIC
	/* A starting CPU registers its area before it reads the clock. */
	x86_cpuinit.early_percpu_clock_init = pvclock_kvm_register;
#endif
	register_reboot_notifier(&pvclock_kvm_reboot_nb);

	pvclock_kvm_sched_offset = pvclock_core_read(&pvclock_kvm,
						     pvclock_kvm_pvti(),
						     pvclock_kvm_rdtsc, &flags);
	if (!(flags & PVCLOCK_TSC_STABLE_BIT))
		clear_sched_clock_stable();
	paravirt_set_sched_clock(pvclock_kvm_sched_clock);

	if ((flags & PVCLOCK_TSC_STABLE_BIT) &&
	    boot_cpu_has(X86_FEATURE_CONSTANT_TSC) &&
	    boot_cpu_has(X86_FEATURE_NONSTOP_TSC) && !check_tsc_unstable())
		pvclock_kvm_cs.rating = 299;
	clocksource_register_hz(&pvclock_kvm_cs, NSEC_PER_SEC);

	pr_info("MSRs 0x%x/0x%x, TSC %lu kHz, %sstable, rating %d\n",
		pvclock_kvm_msr_time, pvclock_kvm_msr_wall, khz,
		flags & PVCLOCK_TSC_STABLE_BIT ? "" : "not ",
		pvclock_kvm_cs.rating);
	return 0;
}

/* After pvx's own crash handler is in place: chain in front of it. */
static int __init pvclock_kvm_late(void)
{
	if (!pvclock_kvm_msr_time)
		return 0;
#ifdef CONFIG_CRASH_DUMP
	pvclock_kvm_next_crash_shutdown = machine_ops.crash_shutdown;
	machine_ops.crash_shutdown = pvclock_kvm_crash_shutdown;
#endif
	/* The vDSO reads CPU 0's area without a syscall when stable. */
	if (pvclock_read_flags(&pvclock_area_boot()->pvti) & PVCLOCK_TSC_STABLE_BIT &&
	    pvclock_kvm.valid_flags & PVCLOCK_TSC_STABLE_BIT)
		pvclock_kvm_cs.vdso_clock_mode = VDSO_CLOCKMODE_PVCLOCK;
	return 0;
}
early_initcall(pvclock_kvm_late);

const struct pvx_clock_driver pvx_clock_driver __initconst = {
	.name		= "pvclock",
	.init_kvm	= pvclock_kvm_init,
};
