/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pvx: what the paravirtualization layer found at boot, for its drivers.
 *
 * Data flows one way: a driver asks which backend the kernel runs on; the
 * core never calls into a driver.
 */
#ifndef _ASM_X86_PVX_H
#define _ASM_X86_PVX_H

#include <linux/init.h>
#include <linux/types.h>

/* The backend pvx drives its hooks and drivers with. */
enum pvx_backend {
	PVX_BACKEND_NATIVE,
	PVX_BACKEND_KVM,
	PVX_BACKEND_XEN_PV,
	PVX_BACKEND_XEN_HVM,	/* HVM and PVH guests */
	PVX_BACKEND_NR
};

/* A hypervisor named by a CPUID signature; most have no pvx backend. */
enum pvx_hv {
	PVX_HV_NONE,		/* CPUID says: no hypervisor */
	PVX_HV_UNKNOWN,		/* a hypervisor, but no signature we know */
	PVX_HV_KVM,
	PVX_HV_XEN,
	PVX_HV_HYPERV,
	PVX_HV_VMWARE,
	PVX_HV_BHYVE,
	PVX_HV_TCG,
	PVX_HV_JAILHOUSE,
	PVX_HV_ACRN,
	PVX_HV_VIRTUALBOX,
	PVX_HV_PARALLELS,
	PVX_HV_QNX,
	PVX_HV_NR
};

/* How a Xen guest was started; HVM is told apart only by elimination. */
enum pvx_xen_mode {
	PVX_XEN_NONE,
	PVX_XEN_PV,
	PVX_XEN_PVH,
	PVX_XEN_HVM,
};

/* Why the backend is native although a hypervisor may be there. */
enum pvx_mode {
	PVX_MODE_AUTO,		/* whatever detection found */
	PVX_MODE_OFF,		/* pvx=off on the command line */
	PVX_MODE_NOPV,		/* nopv on the command line */
};

/* At most this many CPUID bases with a signature are recorded. */
#define PVX_MAX_SIGS	8

struct pvx_sig {
	u32 base;		/* 0x40000000 + n * 0x100 */
	u32 max_leaf;		/* highest valid leaf of this base */
	enum pvx_hv hv;
	char name[13];		/* the raw signature, NUL terminated */
};

struct pvx_platform {
	enum pvx_backend backend;
	enum pvx_mode mode;
	/* The hypervisor of the backend, else the first one seen. */
	enum pvx_hv hv;
	enum pvx_xen_mode xen_mode;
	u32 base;		/* CPUID base of @hv, 0 when none */
	u32 max_leaf;
	u32 features;		/* KVM: base+1 EAX; Xen: base+4 EAX */
	u32 hints;		/* KVM: base+1 EDX */
	u32 version;		/* Xen: base+1 EAX, major << 16 | minor */
	unsigned int nr_sigs;
	struct pvx_sig sigs[PVX_MAX_SIGS];
};

/*
 * The operations pvx can run natively or paravirtualized, one switch each
 * (pvx.disable=<name>,...). Names are in pvx_hook_name().
 */
enum pvx_hook {
	PVX_HOOK_EOI,		/* APIC end of interrupt */
	PVX_HOOK_IPI,		/* inter-processor interrupts */
	PVX_HOOK_TLB,		/* remote TLB flush */
	PVX_HOOK_EXIT_MMAP,	/* address space teardown */
	PVX_HOOK_YIELD,		/* directed yield to a preempted vCPU */
	PVX_HOOK_PREEMPT,	/* vcpu_is_preempted() */
	PVX_HOOK_STEAL,		/* steal time for the scheduler */
	PVX_HOOK_CLOCK,		/* sched_clock and wallclock */
	PVX_HOOK_HALT,		/* idle halt */
	PVX_HOOK_NR
};

/*
 * The clock hook's driver (drivers/pvclock), bound at link time: pvx
 * calls it from its platform init, early in setup_arch(), before the TSC
 * is calibrated, unless pvx.disable=clock. Returns 0 when it took over
 * the clock.
 */
struct pvx_clock_driver {
	const char *name;
	int (*init_kvm)(const struct pvx_platform *p);
};

#ifdef CONFIG_PVX
extern const struct pvx_clock_driver pvx_clock_driver __weak;

const struct pvx_platform *pvx_platform(void);
void pvx_hook_hit(enum pvx_hook hook);
const char *pvx_hook_name(enum pvx_hook hook);
bool pvx_hook_is_pv(enum pvx_hook hook);
bool pvx_hook_disabled(enum pvx_hook hook);
void __init pvx_platform_init_done(void);
void __init pvx_xen_clock_taken(void);
const char *pvx_backend_name(enum pvx_backend backend);
const char *pvx_hv_name(enum pvx_hv hv);

static inline enum pvx_backend pvx_backend(void)
{
	return pvx_platform()->backend;
}
#else
static inline enum pvx_backend pvx_backend(void)
{
	return PVX_BACKEND_NATIVE;
}

static inline bool pvx_hook_is_pv(enum pvx_hook hook)
{
	return false;
}

static inline void pvx_hook_hit(enum pvx_hook hook)
{
}

static inline void pvx_platform_init_done(void)
{
}

static inline bool pvx_hook_disabled(enum pvx_hook hook)
{
	return true;
}

static inline void pvx_xen_clock_taken(void)
{
}
#endif

#endif /* _ASM_X86_PVX_H */
