/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pvx hypercalls: how pvx's backends call the hypervisor they run on.
 *
 * KVM: the call number goes in RAX, up to four arguments in RBX, RCX,
 * RDX and RSI, the result comes back in RAX and nothing else is
 * clobbered. Intel CPUs use VMCALL and AMD CPUs VMMCALL; the kernel's
 * alternatives pick the right one at boot, so a guest migrated between
 * vendors keeps working (KVM emulates the other one, slowly).
 *
 * Xen: HVM and PVH guests use the same two instructions with Xen's
 * register ABI (RDI, RSI, RDX, R10, R8), PV guests their own entry; the
 * kernel's Xen code already chooses between them at boot, so pvx routes
 * through its HYPERVISOR_*() calls rather than duplicating that choice.
 *
 * Only call these after pvx_backend() said which hypervisor is there: on
 * bare metal both instructions raise #UD.
 */
#ifndef _ASM_X86_PVX_HYPERCALL_H
#define _ASM_X86_PVX_HYPERCALL_H

#include <linux/types.h>
#include <asm/alternative.h>
#include <asm/cpufeatures.h>
#include <asm/pvx.h>

#define PVX_KVM_HYPERCALL_INSN ALTERNATIVE("vmcall", "vmmcall", X86_FEATURE_VMMCALL)

static inline long pvx_kvm_hypercall1(unsigned int nr, unsigned long a1)
{
	long ret;

	asm volatile(PVX_KVM_HYPERCALL_INSN
		     : "=a" (ret)
		     : "a" (nr), "b" (a1)
		     : "memory");
	return ret;
}

static inline long pvx_kvm_hypercall4(unsigned int nr, unsigned long a1,
				      unsigned long a2, unsigned long a3,
				      unsigned long a4)
{
	long ret;

	asm volatile(PVX_KVM_HYPERCALL_INSN
		     : "=a" (ret)
		     : "a" (nr), "b" (a1), "c" (a2), "d" (a3), "S" (a4)
		     : "memory");
	return ret;
}

#ifdef CONFIG_XEN
#include <xen/interface/xen.h>
#include <asm/xen/hypercall.h>

/* SCHEDOP_*: block, yield, poll, shutdown. */
static inline long pvx_xen_sched_op(int cmd, void *arg)
{
	return HYPERVISOR_sched_op(cmd, arg);
}
#endif /* CONFIG_XEN */

#endif /* _ASM_X86_PVX_HYPERCALL_H */
