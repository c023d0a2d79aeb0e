/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pvx internals shared by the core, its sysfs view and the KUnit tests.
 */
#ifndef _PVX_INTERNAL_H
#define _PVX_INTERNAL_H

#include <linux/bits.h>
#include <linux/percpu.h>
#include <linux/types.h>
#include <asm/pvx.h>

#define PVX_CPUID_FIRST_BASE	0x40000000
#define PVX_CPUID_LAST_BASE	0x4000ff00
#define PVX_CPUID_BASE_STEP	0x100

struct pvx_cpuid_regs {
	u32 eax, ebx, ecx, edx;
};

/* The two facts detection reads from the machine; KUnit stubs them. */
struct pvx_cpuid_regs pvx_cpuid(u32 leaf);
enum pvx_xen_mode pvx_xen_mode(void);

void pvx_detect(struct pvx_platform *p, enum pvx_mode mode);
int pvx_parse_enable(const char *arg, bool *enabled);
const char *pvx_mode_name(enum pvx_mode mode);

/* Why a hook is what it is; shown in /sys/kernel/pvx/hooks/<hook>/reason. */
enum pvx_why {
	PVX_WHY_OFFERED,	/* pv: the hypervisor offers it */
	PVX_WHY_REQUIRED,	/* pv: cannot run natively here */
	PVX_WHY_BACKEND,	/* native: the backend is native */
	PVX_WHY_DISABLED,	/* native: pvx.disable */
	PVX_WHY_NOT_OFFERED,	/* native: no feature bit for it */
	PVX_WHY_REALTIME,	/* native: KVM_HINTS_REALTIME */
	PVX_WHY_ONE_CPU,	/* native: nothing to gain on one CPU */
	PVX_WHY_MWAIT,		/* native: the guest idles with MWAIT */
	PVX_WHY_NOT_BUILT,	/* native: the kernel has no such hook */
	PVX_WHY_NO_DRIVER,	/* native: the pvclock driver is absent */
	PVX_WHY_NR
};

struct pvx_hook_state {
	bool pv;
	enum pvx_why why;
};

/*
 * Per-CPU counters, bumped only by the paravirtual implementations: a
 * native hook is the kernel's own function, which pvx never wraps.
 *   calls       times the pv implementation ran
 *   hypercalls  hypercalls it issued
 *   avoided     exits or IPIs it saved (per hook: see sysfs.c)
 */
struct pvx_hook_stats {
	unsigned long calls;
	unsigned long hypercalls;
	unsigned long avoided;
};

DECLARE_PER_CPU(struct pvx_hook_stats, pvx_hook_stats[PVX_HOOK_NR]);

#define pvx_count(hook, field)	this_cpu_inc(pvx_hook_stats[hook].field)
#define pvx_count_add(hook, field, n) \
	this_cpu_add(pvx_hook_stats[hook].field, n)

#define PVX_HOOKS_ALL		(BIT(PVX_HOOK_NR) - 1)

extern struct pvx_hook_state pvx_hooks[PVX_HOOK_NR];
extern unsigned long pvx_disabled;

/* For the backends: is @hook paravirtualized? (No bounds check.) */
static inline bool pvx_on(enum pvx_hook hook)
{
	return pvx_hooks[hook].pv;
}

const char *pvx_why_name(enum pvx_why why);
int pvx_parse_disable(const char *arg, unsigned long *mask);
void pvx_hook_totals(enum pvx_hook hook, struct pvx_hook_stats *sum);
void pvx_hooks_report(void);

/* What the selection rules need to know about a KVM host and guest. */
struct pvx_kvm_caps {
	u32 features;		/* CPUID base+1 EAX */
	u32 hints;		/* CPUID base+1 EDX */
	unsigned int nr_cpus;	/* possible CPUs */
	bool mwait;		/* the guest sees MWAIT */
	bool preempt_op;	/* the kernel has a vcpu_is_preempted op */
	bool clock_driver;	/* the pvclock driver registered */
};

/* What the kernel's own Xen code installed before pvx looked. */
struct pvx_xen_caps {
	enum pvx_xen_mode mode;
	unsigned long installed;	/* BIT(PVX_HOOK_*) */
	bool clock_driver;
};

void pvx_select_native(struct pvx_hook_state *h);
void pvx_select_kvm(const struct pvx_kvm_caps *c, unsigned long disabled,
		    struct pvx_hook_state *h);
void pvx_select_xen(const struct pvx_xen_caps *c, unsigned long disabled,
		    struct pvx_hook_state *h);

/* The KVM backend's platform callbacks (kvm.c). */
void pvx_kvm_init_platform(void);
void pvx_kvm_guest_late_init(void);
bool pvx_kvm_x2apic_available(void);
bool pvx_kvm_msi_ext_dest_id(void);

/* Callee-save vcpu_is_preempted implementations (PV_CALLEE_SAVE). */
__visible bool pvx_kvm_vcpu_is_preempted(long cpu);
__visible bool pvx_xen_vcpu_is_preempted(long cpu);

/* The Xen backend routes the kernel's own Xen operations (xen.c). */
void pvx_xen_init(void);

/* KVM helpers kept free of side effects so KUnit can drive them. */

/* A window of 128 consecutive APIC IDs for one KVM_HC_SEND_IPI. */
struct pvx_ipi_window {
	u64 bitmap[2];
	u32 min;
	u32 max;
	bool empty;
};

void pvx_ipi_window_init(struct pvx_ipi_window *w);
bool pvx_ipi_window_add(struct pvx_ipi_window *w, u32 apic_id);
bool pvx_tlb_defer(u8 *preempted);

/* Steal time read from a record the hypervisor updates under a version. */
struct pvx_steal_reader {
	u64 last;		/* highest value returned so far */
	unsigned int retries;	/* versions seen odd or changing */
	unsigned int unsettled;	/* reads that gave up */
};

#define PVX_STEAL_MAX_RETRIES	1000

u64 pvx_steal_read(const u64 *steal, const u32 *version,
		   struct pvx_steal_reader *r);

#endif /* _PVX_INTERNAL_H */
