// SPDX-License-Identifier: GPL-2.0
/*
 * pvx hook selection: which hooks run paravirtualized, and why the others
 * stay native. Pure functions of what the hypervisor offers, what the
 * kernel was built with and what pvx.disable= asked for, so that KUnit
 * can check every combination.
 *
 * The order of the reasons is fixed: pvx.disable wins (the user asked),
 * then what the hypervisor does not offer, then what pvx chooses not to
 * use on this guest (a realtime hint, a single CPU, MWAIT idle).
 */
#include <linux/bits.h>
#include <linux/kernel.h>
#include <kunit/visibility.h>
#include <asm/kvm_para.h>

#include "pvx.h"

static void pvx_set(struct pvx_hook_state *h, enum pvx_hook hook, bool pv,
		    enum pvx_why why)
{
	h[hook].pv = pv;
	h[hook].why = why;
}

void pvx_select_native(struct pvx_hook_state *h)
{
	unsigned int i;

	for (i = 0; i < PVX_HOOK_NR; i++)
		pvx_set(h, i, false, PVX_WHY_BACKEND);
}
EXPORT_SYMBOL_IF_KUNIT(pvx_select_native);

static bool kvm_has(const struct pvx_kvm_caps *c, unsigned int feature)
{
	return c->features & BIT(feature);
}

/*
 * @why_native is the first reason the hook cannot be used, or
 * PVX_WHY_OFFERED when nothing stands in the way.
 */
static void pvx_decide(struct pvx_hook_state *h, enum pvx_hook hook,
		       unsigned long disabled, enum pvx_why why_native)
{
	if (disabled & BIT(hook))
		pvx_set(h, hook, false, PVX_WHY_DISABLED);
	else if (why_native != PVX_WHY_OFFERED)
		pvx_set(h, hook, false, why_native);
	else
		pvx_set(h, hook, true, PVX_WHY_OFFERED);
}

/*
 * The remote TLB flush and the directed yield look at other vCPUs'
 * preempted flags, which live in the steal-time record. Neither helps a
 * guest with dedicated CPUs (realtime hint) or one that idles in MWAIT
 * (its vCPUs never look preempted while idle, so the IPI is needed).
 */
static enum pvx_why kvm_preempt_based(const struct pvx_kvm_caps *c,
				      unsigned int feature)
{
	if (!kvm_has(c, feature) || !kvm_has(c, KVM_FEATURE_STEAL_TIME))
		return PVX_WHY_NOT_OFFERED;
	if (c->hints & BIT(KVM_HINTS_REALTIME))
		return PVX_WHY_REALTIME;
	if (c->nr_cpus < 2)
		return PVX_WHY_ONE_CPU;
	if (c->mwait)
		return PVX_WHY_MWAIT;
	return PVX_WHY_OFFERED;
}

void pvx_select_kvm(const struct pvx_kvm_caps *c, unsigned long disabled,
		    struct pvx_hook_state *h)
{
	enum pvx_why why;

	pvx_decide(h, PVX_HOOK_EOI, disabled,
		   kvm_has(c, KVM_FEATURE_PV_EOI) ?
		   PVX_WHY_OFFERED : PVX_WHY_NOT_OFFERED);

	if (!kvm_has(c, KVM_FEATURE_PV_SEND_IPI))
		why = PVX_WHY_NOT_OFFERED;
	else if (c->nr_cpus < 2)
		why = PVX_WHY_ONE_CPU;
	else
		why = PVX_WHY_OFFERED;
	pvx_decide(h, PVX_HOOK_IPI, disabled, why);

	pvx_decide(h, PVX_HOOK_TLB, disabled,
		   kvm_preempt_based(c, KVM_FEATURE_PV_TLB_FLUSH));
	pvx_decide(h, PVX_HOOK_EXIT_MMAP, disabled, PVX_WHY_NOT_OFFERED);
	pvx_decide(h, PVX_HOOK_YIELD, disabled,
		   kvm_preempt_based(c, KVM_FEATURE_PV_SCHED_YIELD));

	if (!kvm_has(c, KVM_FEATURE_STEAL_TIME))
		why = PVX_WHY_NOT_OFFERED;
	else if (!c->preempt_op)
		why = PVX_WHY_NOT_BUILT;
	else
		why = PVX_WHY_OFFERED;
	pvx_decide(h, PVX_HOOK_PREEMPT, disabled, why);

	pvx_decide(h, PVX_HOOK_STEAL, disabled,
		   kvm_has(c, KVM_FEATURE_STEAL_TIME) ?
		   PVX_WHY_OFFERED : PVX_WHY_NOT_OFFERED);
	pvx_decide(h, PVX_HOOK_CLOCK, disabled,
		   c->clock_driver ? PVX_WHY_OFFERED : PVX_WHY_NO_DRIVER);
	pvx_decide(h, PVX_HOOK_HALT, disabled,
		   kvm_has(c, KVM_FEATURE_POLL_CONTROL) ?
		   PVX_WHY_OFFERED : PVX_WHY_NOT_OFFERED);
}
EXPORT_SYMBOL_IF_KUNIT(pvx_select_kvm);

/*
 * On Xen the kernel's own Xen code installs the paravirtual operations
 * and pvx routes them: it counts them and can hand them back to the
 * native ones where that is safe. Some cannot be native on a PV guest:
 * HLT is privileged, there is no local APIC to send IPIs with or to time
 * with and the page tables are pinned, so pvx.disable is refused for
 * those.
 */
void pvx_select_xen(const struct pvx_xen_caps *c, unsigned long disabled,
		    struct pvx_hook_state *h)
{
	bool pv = c->mode == PVX_XEN_PV;
	unsigned int i;

	for (i = 0; i < PVX_HOOK_NR; i++) {
		enum pvx_why why = PVX_WHY_NOT_OFFERED;

		if (i == PVX_HOOK_CLOCK) {
			/* A PV guest has no clock but Xen's. */
			if (c->clock_driver && pv) {
				pvx_set(h, i, true, PVX_WHY_REQUIRED);
				continue;
			}
			why = c->clock_driver ? PVX_WHY_OFFERED :
			      PVX_WHY_NO_DRIVER;
		} else if (i == PVX_HOOK_HALT && pv) {
			pvx_set(h, i, true, PVX_WHY_REQUIRED);
			continue;
		} else if (c->installed & BIT(i)) {
			if (i == PVX_HOOK_IPI ||
			    (pv && i == PVX_HOOK_EXIT_MMAP)) {
				pvx_set(h, i, true, PVX_WHY_REQUIRED);
				continue;
			}
			why = PVX_WHY_OFFERED;
		}
		pvx_decide(h, i, disabled, why);
	}
}
EXPORT_SYMBOL_IF_KUNIT(pvx_select_xen);
