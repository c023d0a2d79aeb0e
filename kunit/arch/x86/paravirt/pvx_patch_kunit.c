// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: the patched call sites agree with what pvx reports.
 *
 * The kernel rewrites every pv_ops call site into a direct call to the
 * function the table held at patch time (or into the native instruction
 * itself, or NOPs), and every static call site into a direct call. The
 * functions below each hold one such site; they are never run, only
 * decoded after patching. For each hook: reported pv means the site
 * calls pvx's implementation; reported native means the site is the
 * kernel's own function or instruction, with no pvx code in between.
 * Built in only: it decodes kernel text with the instruction decoder.
 */
#include <kunit/test.h>
#include <linux/kallsyms.h>
#include <linux/smp.h>
#include <linux/string.h>
#include <asm/apic.h>
#include <asm/insn.h>
#include <asm/paravirt.h>
#include <asm/tlbflush.h>

#include "pvx.h"

/* One pv_ops or static call site each; never called. */
static noinline notrace void site_flush_tlb(const struct cpumask *m,
					    const struct flush_tlb_info *i)
{
	__flush_tlb_multi(m, i);
}

static noinline notrace void site_safe_halt(void)
{
	arch_safe_halt();
}

static noinline notrace void site_exit_mmap(struct mm_struct *mm)
{
	paravirt_arch_exit_mmap(mm);
}

#ifdef CONFIG_PARAVIRT_SPINLOCKS
static noinline notrace bool site_preempted(long cpu)
{
	return pv_vcpu_is_preempted(cpu);
}
#endif

static noinline notrace u64 site_steal(int cpu)
{
	return paravirt_steal_clock(cpu);
}

static noinline notrace void site_eoi(void)
{
	apic_eoi();
}

static noinline notrace void site_send_ipi(const struct cpumask *m)
{
	__apic_send_IPI_mask(m, 0);
}

struct site {
	bool has_call;
	unsigned long target;	/* the direct call's target */
	bool xor_ax;		/* "xor %eax,%eax" or "xor %rax,%rax" */
	char name[KSYM_SYMBOL_LEN];
};

/* Decode up to the first return; follow a static call trampoline. */
static void decode_site(struct kunit *test, void *fn, struct site *s)
{
	u8 *p = fn;
	struct insn insn;
	unsigned int off;

	memset(s, 0, sizeof(*s));
	for (off = 0; off < 128; off += insn.length) {
		KUNIT_ASSERT_EQ(test, insn_decode_kernel(&insn, p + off), 0);
		if (insn.opcode.bytes[0] == 0x31 &&
		    insn.modrm.bytes[0] == 0xc0)
			s->xor_ax = true;
		if (insn.opcode.bytes[0] == 0xe8 && !s->has_call) {
			s->has_call = true;
			s->target = (unsigned long)p + off + insn.length +
				    insn.immediate.value;
		}
		if (insn.opcode.bytes[0] == 0xc3 ||
		    insn.opcode.bytes[0] == 0xe9 ||
		    insn.opcode.bytes[0] == 0xcc)
			break;
	}
	if (!s->has_call)
		return;

	sprint_symbol_no_offset(s->name, s->target);
	/* Out-of-line static call: the trampoline jumps to the target. */
	if (!strncmp(s->name, "__SCT__", 7)) {
		p = (u8 *)s->target;
		KUNIT_ASSERT_EQ(test, insn_decode_kernel(&insn, p), 0);
		KUNIT_ASSERT_EQ(test, insn.opcode.bytes[0], 0xe9);
		s->target = (unsigned long)p + insn.length + insn.immediate.value;
		sprint_symbol_no_offset(s->name, s->target);
	}
}

static bool is_pvx(const char *name)
{
	return strstr(name, "pvx_");
}

static void expect_site(struct kunit *test, enum pvx_hook hook, void *fn,
			const char *native)
{
	bool pv = pvx_hook_is_pv(hook);
	struct site s;

	decode_site(test, fn, &s);
	kunit_info(test, "%s: reported %s, site calls %s\n",
		   pvx_hook_name(hook), pv ? "pv" : "native",
		   s.has_call ? s.name : "nothing (inline)");
	if (pv) {
		KUNIT_EXPECT_TRUE_MSG(test, s.has_call && is_pvx(s.name),
				      "%s reported pv, site calls %s",
				      pvx_hook_name(hook), s.name);
		return;
	}
	KUNIT_EXPECT_FALSE_MSG(test, s.has_call && is_pvx(s.name),
			       "%s reported native, site calls %s",
			       pvx_hook_name(hook), s.name);
	if (native) {
		KUNIT_EXPECT_TRUE(test, s.has_call);
		KUNIT_EXPECT_STREQ(test, s.name, native);
	}
}

static void pvx_patch_tlb(struct kunit *test)
{
	/* Xen PV's own flush when pvx routes nothing is not "native". */
	expect_site(test, PVX_HOOK_TLB, site_flush_tlb,
		    pvx_backend() == PVX_BACKEND_XEN_PV ? NULL :
		    "native_flush_tlb_multi");
}

static void pvx_patch_halt(struct kunit *test)
{
	expect_site(test, PVX_HOOK_HALT, site_safe_halt,
		    pvx_backend() == PVX_BACKEND_XEN_PV ? NULL :
		    "pv_native_safe_halt");
}

static void pvx_patch_exit_mmap(struct kunit *test)
{
	struct site s;

	expect_site(test, PVX_HOOK_EXIT_MMAP, site_exit_mmap, NULL);
	/* Native: the no-op is patched away entirely. */
	if (!pvx_hook_is_pv(PVX_HOOK_EXIT_MMAP) &&
	    pvx_backend() != PVX_BACKEND_XEN_PV) {
		decode_site(test, site_exit_mmap, &s);
		KUNIT_EXPECT_FALSE_MSG(test, s.has_call, "calls %s", s.name);
	}
}

static void pvx_patch_preempt(struct kunit *test)
{
#ifdef CONFIG_PARAVIRT_SPINLOCKS
	struct site s;

	expect_site(test, PVX_HOOK_PREEMPT, site_preempted, NULL);
	decode_site(test, site_preempted, &s);
	/* Without a pv implementation the site is "xor %eax,%eax". */
	if (!boot_cpu_has(X86_FEATURE_VCPUPREEMPT)) {
		KUNIT_EXPECT_FALSE(test, pvx_hook_is_pv(PVX_HOOK_PREEMPT));
		KUNIT_EXPECT_FALSE_MSG(test, s.has_call, "calls %s", s.name);
		KUNIT_EXPECT_TRUE(test, s.xor_ax);
	}
#else
	KUNIT_EXPECT_FALSE(test, pvx_hook_is_pv(PVX_HOOK_PREEMPT));
#endif
}

static void pvx_patch_steal(struct kunit *test)
{
	expect_site(test, PVX_HOOK_STEAL, site_steal, NULL);
}

static void pvx_patch_eoi(struct kunit *test)
{
	expect_site(test, PVX_HOOK_EOI, site_eoi, NULL);
}

static void pvx_patch_ipi(struct kunit *test)
{
	char name[KSYM_SYMBOL_LEN];

	/* KVM: the APIC callback; Xen: the event-channel smp_ops. */
	if (pvx_backend() == PVX_BACKEND_KVM ||
	    !pvx_hook_is_pv(PVX_HOOK_IPI))
		expect_site(test, PVX_HOOK_IPI, site_send_ipi, NULL);
	sprint_symbol_no_offset(name, (unsigned long)smp_ops.smp_send_reschedule);
	if (pvx_backend() == PVX_BACKEND_KVM || pvx_backend() == PVX_BACKEND_NATIVE)
		KUNIT_EXPECT_STREQ(test, name, "native_smp_send_reschedule");
	else
		KUNIT_EXPECT_EQ(test, (bool)is_pvx(name),
				pvx_hook_is_pv(PVX_HOOK_IPI));
}

static void pvx_patch_yield(struct kunit *test)
{
	char name[KSYM_SYMBOL_LEN];

	sprint_symbol_no_offset(name, (unsigned long)smp_ops.send_call_func_ipi);
	kunit_info(test, "yield: reported %s, send_call_func_ipi is %s\n",
		   pvx_hook_is_pv(PVX_HOOK_YIELD) ? "pv" : "native", name);
	KUNIT_EXPECT_EQ(test, !strcmp(name, "pvx_kvm_send_call_func_ipi"),
			pvx_hook_is_pv(PVX_HOOK_YIELD));
	if (pvx_backend() == PVX_BACKEND_NATIVE)
		KUNIT_EXPECT_STREQ(test, name, "native_send_call_func_ipi");
}

/* The clock hook's implementation is the pvclock driver's. */
static void pvx_patch_clock(struct kunit *test)
{
	char name[KSYM_SYMBOL_LEN];

	sprint_symbol_no_offset(name, (unsigned long)static_call_query(pv_sched_clock));
	kunit_info(test, "clock: reported %s, sched_clock is %s\n",
		   pvx_hook_is_pv(PVX_HOOK_CLOCK) ? "pv" : "native", name);
	KUNIT_EXPECT_EQ(test, !strncmp(name, "pvclock_", 8),
			pvx_hook_is_pv(PVX_HOOK_CLOCK));
	if (pvx_backend() == PVX_BACKEND_NATIVE)
		KUNIT_EXPECT_STREQ(test, name, "native_sched_clock");
}

/*
 * The native backend runs every hook natively, whatever the hypervisor
 * (pvx=off, nopv, bare metal); a pv backend runs at least one pv hook.
 */
static void pvx_patch_backend_consistent(struct kunit *test)
{
	unsigned int i, pv = 0;

	for (i = 0; i < PVX_HOOK_NR; i++)
		pv += pvx_hook_is_pv(i);
	if (pvx_backend() == PVX_BACKEND_NATIVE)
		KUNIT_EXPECT_EQ(test, pv, 0U);
	else
		KUNIT_EXPECT_GT(test, pv, 0U);
}

static struct kunit_case pvx_patch_test_cases[] = {
	KUNIT_CASE(pvx_patch_tlb),
	KUNIT_CASE(pvx_patch_halt),
	KUNIT_CASE(pvx_patch_exit_mmap),
	KUNIT_CASE(pvx_patch_preempt),
	KUNIT_CASE(pvx_patch_steal),
	KUNIT_CASE(pvx_patch_eoi),
	KUNIT_CASE(pvx_patch_ipi),
	KUNIT_CASE(pvx_patch_yield),
	KUNIT_CASE(pvx_patch_clock),
	KUNIT_CASE(pvx_patch_backend_consistent),
	{}
};

static struct kunit_suite pvx_patch_test_suite = {
	.name = "pvx_patch",
	.test_cases = pvx_patch_test_cases,
};

kunit_test_suite(pvx_patch_test_suite);
