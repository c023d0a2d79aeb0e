// SPDX-License-Identifier: GPL-2.0
/*
 * pvclock on Xen: the clockevent device, one per vCPU. A PV guest has no
 * local APIC timer: Xen's singleshot timer (VCPUOP_set_singleshot_timer,
 * set in Xen's system time, which the pvclock areas give) raises VIRQ_TIMER
 * on the vCPU's event channel. HVM guests use it too where the Xen platform
 * code asks for it (rating 500, above the local APIC's): it costs one
 * hypercall where the emulated APIC timer costs several exits.
 *
 * Xen's periodic 100 Hz timer is stopped (VCPUOP_stop_periodic_timer) on
 * every vCPU: the kernel runs tickless. A Xen without the VCPUOP timer
 * interface (before 3.0.4) gets the one-shot set_timer_op instead.
 */
#define pr_fmt(fmt) "pvclock: xen: " fmt

#include <linux/clockchips.h>
#include <linux/cpumask.h>
#include <linux/init.h>
#include <linux/interrupt.h>
#include <linux/kernel.h>
#include <linux/percpu.h>
#include <asm/xen/hypercall.h>
#include <asm/xen/hypervisor.h>
#include <xen/events.h>
#include <xen/interface/vcpu.h>
#include <xen/xen-ops.h>

#include "xen.h"

/*
 * Below a microsecond Xen's own timer resolution and the cost of the
 * hypercall make a closer deadline pointless.
 */
#define PVCLOCK_XEN_TIMER_MIN_NS	1000

struct pvclock_xen_timer {
	struct clock_event_device evt;
	char name[16];
};

static DEFINE_PER_CPU(struct pvclock_xen_timer, pvclock_xen_timers) = {
	.evt.irq = -1,
};

static bool pvclock_xen_vcpuop __ro_after_init = true;

static void pvclock_xen_timer_refused(const char *op, int err)
{
	pr_err_once("cpu%d: Xen refused %s (%d)\n", smp_processor_id(), op,
		    err);
}

static int pvclock_xen_timer_shutdown(struct clock_event_device *evt)
{
	int vcpu = xen_vcpu_nr(smp_processor_id());
	int err;

	if (!pvclock_xen_vcpuop) {
		err = HYPERVISOR_set_timer_op(0);
	} else {
		err = HYPERVISOR_vcpu_op(VCPUOP_stop_singleshot_timer, vcpu,
					 NULL);
		if (!err)
			err = HYPERVISOR_vcpu_op(VCPUOP_stop_periodic_timer,
						 vcpu, NULL);
	}
	if (err)
		pvclock_xen_timer_refused("to stop the timer", err);
	return err ? -EIO : 0;
}

static int pvclock_xen_timer_oneshot(struct clock_event_device *evt)
{
	int err;

	if (!pvclock_xen_vcpuop)
		return 0;
	err = HYPERVISOR_vcpu_op(VCPUOP_stop_periodic_timer,
				 xen_vcpu_nr(smp_processor_id()), NULL);
	if (err)
		pvclock_xen_timer_refused("to stop the periodic timer", err);
	return err ? -EIO : 0;
}

static int pvclock_xen_timer_next(unsigned long delta,
				  struct clock_event_device *evt)
{
	/* No VCPU_SSHOTTMR_future: a deadline already past fires at once. */
	struct vcpu_set_singleshot_timer single = {
		.timeout_abs_ns = pvclock_xen_now() + delta,
	};
	int err;

	if (pvclock_xen_vcpuop)
		err = HYPERVISOR_vcpu_op(VCPUOP_set_singleshot_timer,
					 xen_vcpu_nr(smp_processor_id()),
					 &single);
	else
		err = HYPERVISOR_set_timer_op(single.timeout_abs_ns);
	if (err) {
		pvclock_xen_timer_refused("a timer deadline", err);
		return -ETIME;
	}
	return 0;
}

static const struct clock_event_device pvclock_xen_timer_template = {
	.name			= "pvclock-xen",
	.features		= CLOCK_EVT_FEAT_ONESHOT,
	.max_delta_ns		= 0xffffffff,
	.max_delta_ticks	= 0xffffffff,
	.min_delta_ns		= PVCLOCK_XEN_TIMER_MIN_NS,
	.min_delta_ticks	= PVCLOCK_XEN_TIMER_MIN_NS,
	.mult			= 1,
	.shift			= 0,
	.rating			= 500,
	.set_state_shutdown	= pvclock_xen_timer_shutdown,
	.set_state_oneshot	= pvclock_xen_timer_oneshot,
	.set_next_event		= pvclock_xen_timer_next,
};

static irqreturn_t pvclock_xen_timer_interrupt(int irq, void *dev_id)
{
	struct clock_event_device *evt = this_cpu_ptr(&pvclock_xen_timers.evt);

	if (!evt->event_handler)
		return IRQ_NONE;
	evt->event_handler(evt);
	return IRQ_HANDLED;
}

void __init pvclock_xen_timer_init(void)
{
	int err;

	/* Turning the 100 Hz tick off is what tells the interfaces apart. */
	err = HYPERVISOR_vcpu_op(VCPUOP_stop_periodic_timer,
				 xen_vcpu_nr(smp_processor_id()), NULL);
	if (err) {
		pr_warn("no VCPUOP timers (%d): using set_timer_op\n", err);
		pvclock_xen_vcpuop = false;
	}
}

/**
 * xen_setup_timer - give a CPU that is about to run its time area and timer
 * @cpu: the CPU; its clockevent device is registered when it runs
 */
void xen_setup_timer(int cpu)
{
	struct pvclock_xen_timer *t = &per_cpu(pvclock_xen_timers, cpu);
	int irq;

	if (!pvclock_xen_active())
		return;
	pvclock_xen_cpu_prepare(cpu);
	if (t->evt.irq >= 0) {
		pr_warn("cpu%d: timer set up twice\n", cpu);
		xen_teardown_timer(cpu);
	}
	snprintf(t->name, sizeof(t->name), "timer%d", cpu);
	irq = bind_virq_to_irqhandler(VIRQ_TIMER, cpu,
				      pvclock_xen_timer_interrupt,
				      IRQF_PERCPU | IRQF_NOBALANCING |
				      IRQF_TIMER | IRQF_FORCE_RESUME |
				      IRQF_EARLY_RESUME, t->name, NULL);
	if (irq < 0) {
		pr_err("cpu%d: cannot bind VIRQ_TIMER (%d): no timer\n", cpu,
		       irq);
		return;
	}
	xen_set_irq_priority(irq, XEN_IRQ_PRIORITY_MAX);
	t->evt = pvclock_xen_timer_template;
	t->evt.cpumask = cpumask_of(cpu);
	t->evt.irq = irq;
}

/* On the CPU itself, once it runs. */
void xen_setup_cpu_clockevents(void)
{
	struct clock_event_device *evt = this_cpu_ptr(&pvclock_xen_timers.evt);

	if (evt->irq >= 0)
		clockevents_register_device(evt);
}

/**
 * xen_teardown_timer - a CPU is dead: its timer and time area go
 * @cpu: the CPU
 */
void xen_teardown_timer(int cpu)
{
	struct clock_event_device *evt = &per_cpu(pvclock_xen_timers, cpu).evt;

	if (evt->irq >= 0) {
		unbind_from_irqhandler(evt->irq, NULL);
		evt->irq = -1;
	}
	pvclock_xen_cpu_dead(cpu);
}

/* After a restore Xen runs the periodic timer again. */
void xen_timer_resume(void)
{
	int cpu, err;

	if (!pvclock_xen_active() || !pvclock_xen_vcpuop)
		return;
	for_each_online_cpu(cpu) {
		err = HYPERVISOR_vcpu_op(VCPUOP_stop_periodic_timer,
					 xen_vcpu_nr(cpu), NULL);
		if (err)
			pr_err("cpu%d: Xen refused to stop the periodic timer (%d)\n",
			       cpu, err);
	}
}
