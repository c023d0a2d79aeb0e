// SPDX-License-Identifier: GPL-2.0
/*
 * Side-effect-free pieces of the KVM backend: batching IPI destinations
 * into APIC-ID windows, the deferred TLB flush decision and the steal-time
 * read. The host is not trusted to keep the steal-time protocol: a record
 * that never settles or goes backwards is survived, not followed.
 */
#define pr_fmt(fmt) "pvx: kvm: " fmt

#include <linux/atomic.h>
#include <linux/compiler.h>
#include <linux/irq_work.h>
#include <linux/printk.h>
#include <linux/string.h>
#include <kunit/visibility.h>
#include <asm/barrier.h>
#include <asm/cmpxchg.h>
#include <asm/kvm_para.h>

#include "pvx.h"

#define PVX_IPI_WINDOW	128

void pvx_ipi_window_init(struct pvx_ipi_window *w)
{
	memset(w, 0, sizeof(*w));
	w->empty = true;
}
EXPORT_SYMBOL_IF_KUNIT(pvx_ipi_window_init);

/**
 * pvx_ipi_window_add - add a destination to a KVM_HC_SEND_IPI window
 * @w: the window: bit n of the 128-bit bitmap is APIC ID @w->min + n
 * @apic_id: the destination
 *
 * The window slides down when a lower ID still fits with the highest one
 * seen. Returns false, leaving @w alone, when @apic_id cannot join it:
 * the caller sends @w and starts a new window with @apic_id.
 */
bool pvx_ipi_window_add(struct pvx_ipi_window *w, u32 apic_id)
{
	unsigned __int128 bits;
	unsigned int shift;

	if (w->empty) {
		w->min = apic_id;
		w->max = apic_id;
		w->empty = false;
	} else if (apic_id < w->min) {
		if (w->max - apic_id >= PVX_IPI_WINDOW)
			return false;
		shift = w->min - apic_id;
		bits = ((unsigned __int128)w->bitmap[1] << 64) | w->bitmap[0];
		bits <<= shift;
		w->bitmap[0] = (u64)bits;
		w->bitmap[1] = (u64)(bits >> 64);
		w->min = apic_id;
	} else if (apic_id - w->min >= PVX_IPI_WINDOW) {
		return false;
	} else if (apic_id > w->max) {
		w->max = apic_id;
	}

	shift = apic_id - w->min;
	w->bitmap[shift / 64] |= BIT_ULL(shift % 64);
	return true;
}
EXPORT_SYMBOL_IF_KUNIT(pvx_ipi_window_add);

/**
 * pvx_tlb_defer - leave a remote TLB flush to the host
 * @preempted: the target vCPU's preempted byte in its steal-time record
 *
 * True when the target is preempted and now carries KVM_VCPU_FLUSH_TLB:
 * the host flushes its TLB before it runs again, so no IPI is needed.
 * False when it runs (or started running meanwhile): send the IPI.
 */
bool pvx_tlb_defer(u8 *preempted)
{
	u8 state = READ_ONCE(*preempted);

	if (!(state & KVM_VCPU_PREEMPTED))
		return false;
	return try_cmpxchg(preempted, &state, state | KVM_VCPU_FLUSH_TLB);
}
EXPORT_SYMBOL_IF_KUNIT(pvx_tlb_defer);

static atomic_t pvx_steal_unsettled_reported = ATOMIC_INIT(0);

/* Once per burst of unsettled reads, outside the scheduler's locks. */
static void pvx_steal_report(struct irq_work *work)
{
	if (atomic_inc_return(&pvx_steal_unsettled_reported) <= 8)
		pr_warn("a steal time record never settled; kept its last value\n");
}

static DEFINE_IRQ_WORK(pvx_steal_report_work, pvx_steal_report);

/**
 * pvx_steal_read - read a steal-time counter the host updates
 * @steal: the counter, in ns
 * @version: odd while the host writes, bumped once more when done
 * @r: this record's reader state
 *
 * Retries while the host is writing, at most PVX_STEAL_MAX_RETRIES times,
 * then keeps the last good value (and warns, from an irq_work, the first
 * eight times). Never returns less than
 * it returned before: the scheduler subtracts consecutive readings.
 * Callable for one record from several CPUs at once.
 */
u64 pvx_steal_read(const u64 *steal, const u32 *version,
		   struct pvx_steal_reader *r)
{
	unsigned int i;
	u64 val, old;
	u32 v = 0;

	for (i = 0; i < PVX_STEAL_MAX_RETRIES; i++) {
		v = READ_ONCE(*version);
		/* The counter only after the version it belongs to. */
		virt_rmb();
		val = READ_ONCE(*steal);
		/* The version again only after the counter. */
		virt_rmb();
		if (!(v & 1) && v == READ_ONCE(*version))
			goto settled;
		WRITE_ONCE(r->retries, r->retries + 1);
	}
	/* Reported later: this runs under the runqueue lock. */
	WRITE_ONCE(r->unsettled, r->unsettled + 1);
	irq_work_queue(&pvx_steal_report_work);
	return READ_ONCE(r->last);

settled:
	old = READ_ONCE(r->last);
	do {
		if (val <= old)
			return old;
	} while (!try_cmpxchg64(&r->last, &old, val));
	return val;
}
EXPORT_SYMBOL_IF_KUNIT(pvx_steal_read);
