// SPDX-License-Identifier: GPL-2.0
/*
 * pvx Xen backend: the kernel's own Xen platform code (event channels,
 * grant tables, xenbus, the PV MMU) stays in charge; pvx routes the
 * operations it installed through pvx hooks, so that they are counted,
 * reported and, where running them natively is safe, switchable off.
 *
 * The Xen code installs its operations at different times, so pvx looks
 * at each one when it is final and before it is used:
 *   after init_platform      remote TLB flush, exit_mmap, idle halt
 *                            (pv_ops: before alternatives patch them)
 *   smp_prepare_boot_cpu     vcpu_is_preempted (set there by Xen)
 *   early initcall           steal time (set by the late time init) and
 *                            the IPI operations (before SMP bring-up)
 */
#define pr_fmt(fmt) "pvx: xen: " fmt

#include <linux/init.h>
#include <linux/kernel.h>
#include <linux/smp.h>
#include <linux/static_call.h>
#include <asm/paravirt.h>
#include <asm/pvx_hypercall.h>
#include <asm/tlbflush.h>
#include <xen/interface/sched.h>
#include <xen/xen-ops.h>

#include "pvx.h"

static struct pvx_xen_caps pvx_xen __ro_after_init;

static void (*pvx_xen_flush_tlb_multi_fn)(const struct cpumask *cpus,
					  const struct flush_tlb_info *info)
					  __ro_after_init;
static void (*pvx_xen_exit_mmap_fn)(struct mm_struct *mm) __ro_after_init;
static void (*pvx_xen_prepare_boot_cpu_fn)(void) __initdata;
static void (*pvx_xen_call_func_ipi_fn)(const struct cpumask *mask)
					__ro_after_init;
static void (*pvx_xen_call_func_single_ipi_fn)(int cpu) __ro_after_init;
static void (*pvx_xen_reschedule_fn)(int cpu) __ro_after_init;

static void pvx_xen_select(void)
{
	pvx_select_xen(&pvx_xen, pvx_disabled, pvx_hooks);
}

/* The user asked for native where Xen cannot do without its operation. */
static void __init pvx_xen_refused(enum pvx_hook hook)
{
	if (pvx_hooks[hook].why == PVX_WHY_REQUIRED &&
	    (pvx_disabled & BIT(hook)))
		pr_warn("pvx.disable=%s ignored: required on %s\n",
			pvx_hook_name(hook),
			pvx_backend_name(pvx_platform()->backend));
}

/* ---- tlb, exit_mmap, halt ----------------------------------------------- */

/* Xen PV: one MMUEXT_TLB_FLUSH_MULTI hypercall instead of IPIs. */
static void pvx_xen_flush_tlb_multi(const struct cpumask *cpus,
				    const struct flush_tlb_info *info)
{
	pvx_count(PVX_HOOK_TLB, calls);
	pvx_count(PVX_HOOK_TLB, hypercalls);
	pvx_xen_flush_tlb_multi_fn(cpus, info);
}

/* PV: unpin the page tables; HVM: HVMOP_pagetable_dying. */
static void pvx_xen_exit_mmap(struct mm_struct *mm)
{
	pvx_count(PVX_HOOK_EXIT_MMAP, calls);
	pvx_count(PVX_HOOK_EXIT_MMAP, hypercalls);
	pvx_xen_exit_mmap_fn(mm);
}

/*
 * Xen PV: HLT is privileged; SCHEDOP_block unmasks events and blocks in
 * one step, like STI;HLT. Runs in the idle loop with RCU not watching: no
 * printk here, a failure just returns to the idle loop.
 */
static void __cpuidle pvx_xen_safe_halt(void)
{
	pvx_count(PVX_HOOK_HALT, calls);
	pvx_count(PVX_HOOK_HALT, hypercalls);
	pvx_xen_sched_op(SCHEDOP_block, NULL);
}

/* ---- preempt --------------------------------------------------------------- */

#ifdef CONFIG_PARAVIRT_SPINLOCKS
__visible bool pvx_xen_vcpu_is_preempted(long cpu)
{
	bool stolen;

	pvx_count(PVX_HOOK_PREEMPT, calls);
	stolen = xen_vcpu_stolen(cpu);
	if (stolen)
		pvx_count(PVX_HOOK_PREEMPT, avoided);
	return stolen;
}

PV_CALLEE_SAVE_REGS_THUNK(pvx_xen_vcpu_is_preempted);
#endif

static void __init pvx_xen_prepare_boot_cpu(void)
{
	pvx_xen_prepare_boot_cpu_fn();
#ifdef CONFIG_PARAVIRT_SPINLOCKS
	if (!pv_is_native_vcpu_is_preempted())
		pvx_xen.installed |= BIT(PVX_HOOK_PREEMPT);
	pvx_xen_select();
	if (pvx_on(PVX_HOOK_PREEMPT))
		pv_ops.lock.vcpu_is_preempted =
			PV_CALLEE_SAVE(pvx_xen_vcpu_is_preempted);
	else if (pvx_xen.installed & BIT(PVX_HOOK_PREEMPT))
		pv_ops.lock.vcpu_is_preempted =
			PV_CALLEE_SAVE(__native_vcpu_is_preempted);
#endif
}

/* ---- steal, ipi ---------------------------------------------------------- */

static u64 pvx_xen_steal_clock(int cpu)
{
	pvx_count(PVX_HOOK_STEAL, calls);
	return xen_steal_clock(cpu);
}

static void pvx_xen_send_call_func_ipi(const struct cpumask *mask)
{
	pvx_count(PVX_HOOK_IPI, calls);
	pvx_count_add(PVX_HOOK_IPI, hypercalls, cpumask_weight(mask));
	pvx_xen_call_func_ipi_fn(mask);
}

static void pvx_xen_send_call_func_single_ipi(int cpu)
{
	pvx_count(PVX_HOOK_IPI, calls);
	pvx_count(PVX_HOOK_IPI, hypercalls);
	pvx_xen_call_func_single_ipi_fn(cpu);
}

static void pvx_xen_send_reschedule(int cpu)
{
	pvx_count(PVX_HOOK_IPI, calls);
	pvx_count(PVX_HOOK_IPI, hypercalls);
	pvx_xen_reschedule_fn(cpu);
}

static int __init pvx_xen_late_hooks(void)
{
	enum pvx_backend b = pvx_platform()->backend;

	if (b != PVX_BACKEND_XEN_PV && b != PVX_BACKEND_XEN_HVM)
		return 0;

	if (static_call_query(pv_steal_clock) == xen_steal_clock)
		pvx_xen.installed |= BIT(PVX_HOOK_STEAL);
	if (smp_ops.send_call_func_ipi != native_send_call_func_ipi)
		pvx_xen.installed |= BIT(PVX_HOOK_IPI);
	pvx_xen_select();

	if (pvx_on(PVX_HOOK_STEAL))
		static_call_update(pv_steal_clock, pvx_xen_steal_clock);
	if (pvx_on(PVX_HOOK_IPI)) {
		pvx_xen_call_func_ipi_fn = smp_ops.send_call_func_ipi;
		pvx_xen_call_func_single_ipi_fn =
			smp_ops.send_call_func_single_ipi;
		pvx_xen_reschedule_fn = smp_ops.smp_send_reschedule;
		smp_ops.send_call_func_ipi = pvx_xen_send_call_func_ipi;
		smp_ops.send_call_func_single_ipi =
			pvx_xen_send_call_func_single_ipi;
		smp_ops.smp_send_reschedule = pvx_xen_send_reschedule;
	}
	/*
	 * Switched off, steal time reads zero, as the native reader does;
	 * the scheduler keys Xen turned on then account nothing.
	 */
	if (!pvx_on(PVX_HOOK_STEAL) &&
	    (pvx_xen.installed & BIT(PVX_HOOK_STEAL)))
		static_call_update(pv_steal_clock,
				   (void *)__static_call_return0);

	pvx_xen_refused(PVX_HOOK_IPI);
	pvx_hooks_report();
	return 0;
}
early_initcall(pvx_xen_late_hooks);

/**
 * pvx_xen_clock_taken - the clock driver runs Xen's time
 *
 * Called by pvclock when it took the clock, during the Xen platform's
 * init (PV) or as late as the boot CPU's SMP preparation (HVM).
 */
void __init pvx_xen_clock_taken(void)
{
	pvx_xen.clock_driver = true;
}

/**
 * pvx_xen_init - route the Xen operations through pvx hooks
 *
 * Called once the Xen platform code has set up its pv_ops, before the
 * kernel patches their call sites.
 */
void __init pvx_xen_init(void)
{
	pvx_xen.mode = pvx_platform()->xen_mode;
	if (pv_ops.mmu.flush_tlb_multi != native_flush_tlb_multi)
		pvx_xen.installed |= BIT(PVX_HOOK_TLB);
	if ((void *)pv_ops.mmu.exit_mmap != paravirt_nop)
		pvx_xen.installed |= BIT(PVX_HOOK_EXIT_MMAP);
	if (pvx_xen.mode == PVX_XEN_PV)
		pvx_xen.installed |= BIT(PVX_HOOK_HALT);
	pvx_xen_select();

	if (pvx_on(PVX_HOOK_TLB)) {
		pvx_xen_flush_tlb_multi_fn = pv_ops.mmu.flush_tlb_multi;
		pv_ops.mmu.flush_tlb_multi = pvx_xen_flush_tlb_multi;
	} else if (pvx_xen.installed & BIT(PVX_HOOK_TLB)) {
		/* IPIs still reach every CPU through event channels. */
		pv_ops.mmu.flush_tlb_multi = native_flush_tlb_multi;
	}
	if (pvx_on(PVX_HOOK_EXIT_MMAP)) {
		pvx_xen_exit_mmap_fn = pv_ops.mmu.exit_mmap;
		pv_ops.mmu.exit_mmap = pvx_xen_exit_mmap;
	} else if (pvx_xen.installed & BIT(PVX_HOOK_EXIT_MMAP)) {
		pv_ops.mmu.exit_mmap = paravirt_nop;
	}
	if (pvx_on(PVX_HOOK_HALT))
		pv_ops.irq.safe_halt = pvx_xen_safe_halt;

	pvx_xen_prepare_boot_cpu_fn = smp_ops.smp_prepare_boot_cpu;
	smp_ops.smp_prepare_boot_cpu = pvx_xen_prepare_boot_cpu;

	pvx_xen_refused(PVX_HOOK_HALT);
	pvx_xen_refused(PVX_HOOK_EXIT_MMAP);
	pvx_xen_refused(PVX_HOOK_CLOCK);
}
