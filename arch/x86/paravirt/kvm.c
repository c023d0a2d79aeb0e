// SPDX-License-Identifier: GPL-2.0
/*
 * pvx KVM backend: the guest side of KVM's paravirtual interface, in
 * place of arch/x86/kernel/kvm.c (CONFIG_KVM_GUEST is off with pvx).
 *
 * What runs when:
 *   init_platform     (setup_arch)  io_delay, the APIC post-init hook
 *   guest_late_init   (setup_arch)  hook selection, pv_ops and smp_ops,
 *                                   before alternatives patch the pv_ops
 *                                   call sites in arch_cpu_finalize_init()
 *   apic_post_init    (APIC setup)  PV IPIs, once the APIC driver is set
 *   smp_prepare_boot_cpu            the boot CPU's shared areas (per-CPU
 *                                   memory exists from here on)
 *   CPU online / down               each other CPU's shared areas
 *
 * Every area the host writes into (steal time, PV EOI word) is released
 * before its CPU goes down, on reboot, on kexec after a crash and across
 * suspend, so the host never writes into memory the guest reuses.
 *
 * Not provided (upstream has them): asynchronous page faults, PV
 * spinlocks (KVM_HC_KICK_CPU) and SEV live-migration control. The clock
 * is the pvclock driver's (drivers/pvclock), called from init_platform.
 */
#define pr_fmt(fmt) "pvx: kvm: " fmt

#include <linux/cpu.h>
#include <linux/cpufeature.h>
#include <linux/cpuhotplug.h>
#include <linux/cpumask.h>
#include <linux/init.h>
#include <linux/kernel.h>
#include <linux/kvm_para.h>
#include <linux/nmi.h>
#include <linux/percpu.h>
#include <linux/reboot.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/smp.h>
#include <linux/static_call.h>
#include <linux/syscore_ops.h>
#include <asm/apic.h>
#include <asm/hypervisor.h>
#include <asm/irq_vectors.h>
#include <asm/kvm_para.h>
#include <asm/msr.h>
#include <asm/paravirt.h>
#include <asm/pvx_hypercall.h>
#include <asm/reboot.h>
#include <asm/timer.h>
#include <asm/tlb.h>
#include <asm/tsc.h>
#include <asm/x86_init.h>

#include "pvx.h"

/* The host writes these; the steal-time record must be 64-byte aligned. */
static DEFINE_PER_CPU_ALIGNED(struct kvm_steal_time, pvx_steal_time);
static DEFINE_PER_CPU(unsigned long, pvx_apic_eoi);
static DEFINE_PER_CPU(struct pvx_steal_reader, pvx_steal_reader);
static DEFINE_PER_CPU(cpumask_var_t, pvx_flush_mask);

static struct pvx_kvm_caps pvx_kvm __ro_after_init;
static bool pvx_steal_area __ro_after_init;
static bool pvx_kvm_clock __ro_after_init;

/* Guest-side polling before HLT when the host lets the guest poll. */
static unsigned int pvx_halt_poll_ns __ro_after_init = 50000;
static u64 pvx_halt_poll_cycles;

static int __init pvx_halt_poll_param(char *arg)
{
	unsigned int ns;

	if (!arg || kstrtouint(arg, 0, &ns) || ns > NSEC_PER_MSEC)
		pr_warn("pvx.halt_poll_ns: want 0..%lu, keeping %u\n",
			NSEC_PER_MSEC, pvx_halt_poll_ns);
	else
		pvx_halt_poll_ns = ns;
	return 0;
}
early_param("pvx.halt_poll_ns", pvx_halt_poll_param);

/* A hypervisor that advertised an MSR and then refuses it is reported. */
static void pvx_kvm_wrmsr(u32 msr, u64 val, const char *what)
{
	if (wrmsrl_safe(msr, val))
		pr_err_ratelimited("cpu%d: the host refused %s (MSR 0x%x := 0x%llx)\n",
				   smp_processor_id(), what, msr, val);
}

/* ---- per-CPU shared areas ---------------------------------------------- */

static void pvx_kvm_cpu_init(void)
{
	if (pvx_on(PVX_HOOK_EOI)) {
		__this_cpu_write(pvx_apic_eoi, 0);
		pvx_kvm_wrmsr(MSR_KVM_PV_EOI_EN,
			      slow_virt_to_phys(this_cpu_ptr(&pvx_apic_eoi)) |
			      KVM_MSR_ENABLED, "PV EOI");
	}
	if (pvx_steal_area)
		pvx_kvm_wrmsr(MSR_KVM_STEAL_TIME,
			      slow_virt_to_phys(this_cpu_ptr(&pvx_steal_time)) |
			      KVM_MSR_ENABLED, "steal time");
	/* The guest polls before halting; the host need not poll too. */
	if (pvx_on(PVX_HOOK_HALT))
		pvx_kvm_wrmsr(MSR_KVM_POLL_CONTROL, 0, "poll control");
}

static void pvx_kvm_cpu_release(void)
{
	if (pvx_steal_area)
		pvx_kvm_wrmsr(MSR_KVM_STEAL_TIME, 0, "steal time off");
	if (pvx_on(PVX_HOOK_EOI)) {
		pvx_kvm_wrmsr(MSR_KVM_PV_EOI_EN, 0, "PV EOI off");
		__this_cpu_write(pvx_apic_eoi, 0);
	}
	if (pvx_on(PVX_HOOK_HALT))
		pvx_kvm_wrmsr(MSR_KVM_POLL_CONTROL, 1, "poll control off");
}

static int pvx_kvm_cpu_online(unsigned int cpu)
{
	unsigned long flags;

	local_irq_save(flags);
	pvx_kvm_cpu_init();
	local_irq_restore(flags);
	return 0;
}

static int pvx_kvm_cpu_down(unsigned int cpu)
{
	unsigned long flags;

	local_irq_save(flags);
	pvx_kvm_cpu_release();
	local_irq_restore(flags);
	return 0;
}

static void pvx_kvm_cpu_release_ipi(void *unused)
{
	pvx_kvm_cpu_release();
}

static int pvx_kvm_reboot(struct notifier_block *nb, unsigned long code,
			  void *unused)
{
	if (code == SYS_RESTART)
		on_each_cpu(pvx_kvm_cpu_release_ipi, NULL, 1);
	return NOTIFY_DONE;
}

static struct notifier_block pvx_kvm_reboot_nb = {
	.notifier_call = pvx_kvm_reboot,
};

#ifdef CONFIG_CRASH_DUMP
/* The crash kernel is loaded where the host may still be writing. */
static void pvx_kvm_crash_shutdown(struct pt_regs *regs)
{
	pvx_kvm_cpu_release();
	native_machine_crash_shutdown(regs);
}
#endif

/* syscore runs on the boot CPU only, the others are offline by then. */
static int pvx_kvm_suspend(void *data)
{
	pvx_kvm_cpu_release();
	return 0;
}

static void pvx_kvm_resume(void *data)
{
	pvx_kvm_cpu_init();
}

static const struct syscore_ops pvx_kvm_syscore_ops = {
	.suspend	= pvx_kvm_suspend,
	.resume		= pvx_kvm_resume,
};

static struct syscore pvx_kvm_syscore = {
	.ops = &pvx_kvm_syscore_ops,
};

/* ---- eoi ----------------------------------------------------------------- */

/*
 * The host sets the PV EOI bit when it delivers an interrupt whose EOI it
 * can take without a write to the APIC; clearing it acknowledges the
 * interrupt with no exit. Only this CPU and its host vCPU touch the word.
 */
static notrace void pvx_kvm_eoi(void)
{
	pvx_count(PVX_HOOK_EOI, calls);
	if (__test_and_clear_bit(KVM_PV_EOI_BIT, this_cpu_ptr(&pvx_apic_eoi))) {
		pvx_count(PVX_HOOK_EOI, avoided);
		return;
	}
	apic_native_eoi();
}

/* ---- ipi ----------------------------------------------------------------- */

static void pvx_kvm_send_window(const struct pvx_ipi_window *w, u32 icr,
				unsigned int dests)
{
	long ret;

	ret = pvx_kvm_hypercall4(KVM_HC_SEND_IPI, w->bitmap[0], w->bitmap[1],
				 w->min, icr);
	pvx_count(PVX_HOOK_IPI, hypercalls);
	if (ret < 0)
		pr_err_ratelimited("KVM_HC_SEND_IPI to APIC IDs %u..%u failed: %ld\n",
				   w->min, w->max, ret);
	else if (dests > 1)
		pvx_count_add(PVX_HOOK_IPI, avoided, dests - 1);
}

/*
 * One hypercall per window of 128 APIC IDs instead of one ICR write (and
 * exit) per destination.
 */
static void pvx_kvm_send_ipi(const struct cpumask *mask, int vector,
			     int skip_cpu)
{
	struct pvx_ipi_window w;
	unsigned int dests = 0;
	unsigned long flags;
	u32 icr;
	int cpu;

	icr = vector == NMI_VECTOR ? APIC_DM_NMI : APIC_DM_FIXED | vector;

	local_irq_save(flags);
	pvx_count(PVX_HOOK_IPI, calls);
	pvx_ipi_window_init(&w);
	for_each_cpu(cpu, mask) {
		u32 apic_id = per_cpu(x86_cpu_to_apicid, cpu);

		if (cpu == skip_cpu)
			continue;
		if (!pvx_ipi_window_add(&w, apic_id)) {
			pvx_kvm_send_window(&w, icr, dests);
			pvx_ipi_window_init(&w);
			dests = 0;
			pvx_ipi_window_add(&w, apic_id);
		}
		dests++;
	}
	if (!w.empty)
		pvx_kvm_send_window(&w, icr, dests);
	local_irq_restore(flags);
}

static void pvx_kvm_send_ipi_mask(const struct cpumask *mask, int vector)
{
	pvx_kvm_send_ipi(mask, vector, -1);
}

static void pvx_kvm_send_ipi_mask_allbutself(const struct cpumask *mask,
					     int vector)
{
	pvx_kvm_send_ipi(mask, vector, smp_processor_id());
}

/*
 * One destination: one hypercall, where xAPIC mode takes two exits (ICR2
 * and ICR writes) and x2APIC one.
 */
static void pvx_kvm_send_ipi_one(int cpu, int vector)
{
	pvx_kvm_send_ipi(cpumask_of(cpu), vector, -1);
}

static void __init pvx_kvm_apic_init(void)
{
	if (!pvx_on(PVX_HOOK_IPI))
		return;
	apic_update_callback(send_IPI, pvx_kvm_send_ipi_one);
	apic_update_callback(send_IPI_mask, pvx_kvm_send_ipi_mask);
	apic_update_callback(send_IPI_mask_allbutself,
			     pvx_kvm_send_ipi_mask_allbutself);
}

/* ---- tlb ----------------------------------------------------------------- */

/*
 * A preempted vCPU cannot take the flush IPI until it runs again, and the
 * host flushes its TLB before that if asked to: set the flag in its
 * steal-time record instead of waiting for it.
 */
static void pvx_kvm_flush_tlb_multi(const struct cpumask *cpus,
				    const struct flush_tlb_info *info)
{
	struct cpumask *flush = this_cpu_cpumask_var_ptr(pvx_flush_mask);
	int cpu;

	pvx_count(PVX_HOOK_TLB, calls);
	cpumask_copy(flush, cpus);
	for_each_cpu(cpu, flush) {
		if (pvx_tlb_defer(&per_cpu(pvx_steal_time, cpu).preempted)) {
			__cpumask_clear_cpu(cpu, flush);
			pvx_count(PVX_HOOK_TLB, avoided);
		}
	}
	native_flush_tlb_multi(flush, info);
}

static int __init pvx_kvm_alloc_masks(void)
{
	int cpu;

	if (pvx_platform()->backend != PVX_BACKEND_KVM ||
	    !pvx_on(PVX_HOOK_TLB))
		return 0;
	for_each_possible_cpu(cpu)
		if (!zalloc_cpumask_var_node(per_cpu_ptr(&pvx_flush_mask, cpu),
					     GFP_KERNEL, cpu_to_node(cpu)))
			panic("pvx: no memory for the TLB flush masks\n");
	return 0;
}
early_initcall(pvx_kvm_alloc_masks);

/* ---- preempt, yield, steal ---------------------------------------------- */

static bool pvx_kvm_preempted(int cpu)
{
	return READ_ONCE(per_cpu(pvx_steal_time, cpu).preempted) &
	       KVM_VCPU_PREEMPTED;
}

__visible bool pvx_kvm_vcpu_is_preempted(long cpu)
{
	bool preempted = pvx_kvm_preempted(cpu);

	pvx_count(PVX_HOOK_PREEMPT, calls);
	if (preempted)
		pvx_count(PVX_HOOK_PREEMPT, avoided);
	return preempted;
}

PV_CALLEE_SAVE_REGS_THUNK(pvx_kvm_vcpu_is_preempted);

static bool pvx_kvm_yield_to(int cpu)
{
	if (idle_cpu(cpu) || !pvx_kvm_preempted(cpu))
		return false;
	pvx_kvm_hypercall1(KVM_HC_SCHED_YIELD, per_cpu(x86_cpu_to_apicid, cpu));
	pvx_count(PVX_HOOK_YIELD, hypercalls);
	return true;
}

/*
 * The sender of a function call waits for its targets: a busy target
 * that is not running gets this vCPU's time slice.
 */
static void pvx_kvm_send_call_func_ipi(const struct cpumask *mask)
{
	int cpu;

	native_send_call_func_ipi(mask);
	pvx_count(PVX_HOOK_YIELD, calls);
	for_each_cpu(cpu, mask)
		if (pvx_kvm_yield_to(cpu))
			break;
}

static void pvx_kvm_send_call_func_single_ipi(int cpu)
{
	native_send_call_func_single_ipi(cpu);
	pvx_count(PVX_HOOK_YIELD, calls);
	pvx_kvm_yield_to(cpu);
}

static u64 pvx_kvm_steal_clock(int cpu)
{
	struct kvm_steal_time *st = &per_cpu(pvx_steal_time, cpu);

	pvx_count(PVX_HOOK_STEAL, calls);
	return pvx_steal_read(&st->steal, &st->version,
			      per_cpu_ptr(&pvx_steal_reader, cpu));
}

static int __init pvx_kvm_steal_keys(void)
{
	if (pvx_platform()->backend != PVX_BACKEND_KVM ||
	    !pvx_on(PVX_HOOK_STEAL))
		return 0;
	static_key_slow_inc(&paravirt_steal_enabled);
	static_key_slow_inc(&paravirt_steal_rq_enabled);
	return 0;
}
arch_initcall(pvx_kvm_steal_keys);

/* ---- halt ---------------------------------------------------------------- */

/*
 * Poll for work with interrupts on for a short while before halting: a
 * wakeup that comes within the window costs no HLT exit and no wakeup
 * latency. Called from the idle loop with interrupts off, RCU not
 * watching; returns with interrupts on, like the native safe_halt.
 */
static void __cpuidle pvx_kvm_safe_halt(void)
{
	u64 start;

	pvx_count(PVX_HOOK_HALT, calls);
	if (pvx_halt_poll_cycles) {
		start = rdtsc();
		raw_local_irq_enable();
		while (!need_resched()) {
			if (rdtsc() - start > pvx_halt_poll_cycles)
				break;
			cpu_relax();
		}
		raw_local_irq_disable();
		if (need_resched()) {
			pvx_count(PVX_HOOK_HALT, avoided);
			raw_local_irq_enable();
			return;
		}
	}
	native_safe_halt();
}

/* The TSC rate is final once the late time init has calibrated it. */
static int __init pvx_kvm_halt_poll_init(void)
{
	if (pvx_platform()->backend != PVX_BACKEND_KVM ||
	    !pvx_on(PVX_HOOK_HALT))
		return 0;
	WRITE_ONCE(pvx_halt_poll_cycles,
		   div_u64((u64)pvx_halt_poll_ns * tsc_khz, USEC_PER_SEC));
	pr_info("halt: guest polls %u ns before HLT, host polling off\n",
		tsc_khz ? pvx_halt_poll_ns : 0);
	return 0;
}
arch_initcall(pvx_kvm_halt_poll_init);

/* ---- boot ---------------------------------------------------------------- */

static void pvx_kvm_io_delay(void)
{
}

static void __init pvx_kvm_prepare_boot_cpu(void)
{
	pvx_kvm_cpu_init();
	native_smp_prepare_boot_cpu();
}

void __init pvx_kvm_init_platform(void)
{
	const struct pvx_platform *p = pvx_platform();

	if (p->features & BIT(KVM_FEATURE_NOP_IO_DELAY))
		pv_ops.cpu.io_delay = pvx_kvm_io_delay;
#ifdef CONFIG_X86_IO_APIC
	/* The host's timer interrupt routing is known to work. */
	no_timer_check = 1;
#endif
	x86_platform.apic_post_init = pvx_kvm_apic_init;

	/* Before tsc_early_init(): the clock driver knows the TSC rate. */
	if (pvx_disabled & BIT(PVX_HOOK_CLOCK))
		return;
	if (!&pvx_clock_driver || !pvx_clock_driver.init_kvm)
		return;
	pvx_kvm_clock = !pvx_clock_driver.init_kvm(p);
}

void __init pvx_kvm_guest_late_init(void)
{
	const struct pvx_platform *p = pvx_platform();

	pv_info.name = "pvx/KVM";
	pvx_kvm.features = p->features;
	pvx_kvm.hints = p->hints;
	pvx_kvm.nr_cpus = num_possible_cpus();
	pvx_kvm.mwait = boot_cpu_has(X86_FEATURE_MWAIT);
	pvx_kvm.preempt_op = IS_ENABLED(CONFIG_PARAVIRT_SPINLOCKS);
	pvx_kvm.clock_driver = pvx_kvm_clock;
	pvx_select_kvm(&pvx_kvm, pvx_disabled, pvx_hooks);

	pvx_steal_area = pvx_on(PVX_HOOK_STEAL) || pvx_on(PVX_HOOK_TLB) ||
			 pvx_on(PVX_HOOK_YIELD) || pvx_on(PVX_HOOK_PREEMPT);

	if (pvx_on(PVX_HOOK_EOI))
		apic_update_callback(eoi, pvx_kvm_eoi);
	if (pvx_on(PVX_HOOK_TLB)) {
		pv_ops.mmu.flush_tlb_multi = pvx_kvm_flush_tlb_multi;
		/* Deferred flushes need RCU-freed page tables (GUP-fast). */
		pv_ops.mmu.tlb_remove_table = tlb_remove_table;
	}
#ifdef CONFIG_PARAVIRT_SPINLOCKS
	if (pvx_on(PVX_HOOK_PREEMPT))
		pv_ops.lock.vcpu_is_preempted =
			PV_CALLEE_SAVE(pvx_kvm_vcpu_is_preempted);
#endif
	if (pvx_on(PVX_HOOK_YIELD)) {
		smp_ops.send_call_func_ipi = pvx_kvm_send_call_func_ipi;
		smp_ops.send_call_func_single_ipi =
			pvx_kvm_send_call_func_single_ipi;
	}
	if (pvx_on(PVX_HOOK_STEAL))
		static_call_update(pv_steal_clock, pvx_kvm_steal_clock);
	if (pvx_on(PVX_HOOK_HALT))
		pv_ops.irq.safe_halt = pvx_kvm_safe_halt;

	smp_ops.smp_prepare_boot_cpu = pvx_kvm_prepare_boot_cpu;
	if (cpuhp_setup_state_nocalls(CPUHP_AP_ONLINE_DYN, "x86/pvx-kvm:online",
				      pvx_kvm_cpu_online, pvx_kvm_cpu_down) < 0)
		pr_err("cannot install the CPU hotplug callbacks\n");
	register_reboot_notifier(&pvx_kvm_reboot_nb);
	register_syscore(&pvx_kvm_syscore);
#ifdef CONFIG_CRASH_DUMP
	machine_ops.crash_shutdown = pvx_kvm_crash_shutdown;
#endif
	/* Host overcommit makes the NMI watchdog fire for nothing. */
	hardlockup_detector_disable();

	pvx_hooks_report();
}

/* KVM's x2APIC needs no interrupt remapping for the IDs it hands out. */
bool __init pvx_kvm_x2apic_available(void)
{
	return true;
}

bool __init pvx_kvm_msi_ext_dest_id(void)
{
	return pvx_platform()->features & BIT(KVM_FEATURE_MSI_EXT_DEST_ID);
}
