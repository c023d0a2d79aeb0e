// SPDX-License-Identifier: GPL-2.0
/*
 * pvx hook registry: the names of the hooks, what each one was set to at
 * boot and why, the pvx.disable= switch and the per-CPU counters.
 *
 *   pvx.disable=eoi,ipi,tlb,exit_mmap,yield,preempt,steal,clock,halt
 *
 * keeps the named hooks native on the same binary; "all" names them all.
 * Unknown names are reported and ignored, the others still apply.
 */
#define pr_fmt(fmt) "pvx: " fmt

#include <linux/cache.h>
#include <linux/cpumask.h>
#include <linux/init.h>
#include <linux/kernel.h>
#include <linux/percpu.h>
#include <linux/printk.h>
#include <linux/string.h>
#include <kunit/visibility.h>

#include "pvx.h"

static const char * const pvx_hook_names[PVX_HOOK_NR] = {
	[PVX_HOOK_EOI]		= "eoi",
	[PVX_HOOK_IPI]		= "ipi",
	[PVX_HOOK_TLB]		= "tlb",
	[PVX_HOOK_EXIT_MMAP]	= "exit_mmap",
	[PVX_HOOK_YIELD]	= "yield",
	[PVX_HOOK_PREEMPT]	= "preempt",
	[PVX_HOOK_STEAL]	= "steal",
	[PVX_HOOK_CLOCK]	= "clock",
	[PVX_HOOK_HALT]		= "halt",
};

static const char * const pvx_why_names[PVX_WHY_NR] = {
	[PVX_WHY_OFFERED]	= "offered by the hypervisor",
	[PVX_WHY_REQUIRED]	= "required on this platform",
	[PVX_WHY_BACKEND]	= "native backend",
	[PVX_WHY_DISABLED]	= "pvx.disable",
	[PVX_WHY_NOT_OFFERED]	= "not offered by the hypervisor",
	[PVX_WHY_REALTIME]	= "realtime hint (dedicated CPUs)",
	[PVX_WHY_ONE_CPU]	= "single CPU",
	[PVX_WHY_MWAIT]		= "guest idles with MWAIT",
	[PVX_WHY_NOT_BUILT]	= "not built into this kernel",
	[PVX_WHY_NO_DRIVER]	= "pvclock driver not present",
};

/* All native until a backend decides otherwise. */
struct pvx_hook_state pvx_hooks[PVX_HOOK_NR] __ro_after_init;
unsigned long pvx_disabled __ro_after_init;

DEFINE_PER_CPU(struct pvx_hook_stats, pvx_hook_stats[PVX_HOOK_NR]);

const char *pvx_hook_name(enum pvx_hook hook)
{
	if ((unsigned int)hook < PVX_HOOK_NR)
		return pvx_hook_names[hook];
	return "invalid";
}
EXPORT_SYMBOL_GPL(pvx_hook_name);

const char *pvx_why_name(enum pvx_why why)
{
	if ((unsigned int)why < PVX_WHY_NR)
		return pvx_why_names[why];
	return "invalid";
}
EXPORT_SYMBOL_IF_KUNIT(pvx_why_name);

bool pvx_hook_is_pv(enum pvx_hook hook)
{
	return (unsigned int)hook < PVX_HOOK_NR && pvx_hooks[hook].pv;
}
EXPORT_SYMBOL_GPL(pvx_hook_is_pv);

/**
 * pvx_hook_disabled - the user asked for @hook to run natively
 * @hook: the hook
 *
 * pvx.disable= naming it (or "all"), pvx=off or nopv: for a driver that
 * sets up its part before the backend decides (the Xen clock).
 */
bool pvx_hook_disabled(enum pvx_hook hook)
{
	return pvx_platform()->mode != PVX_MODE_AUTO ||
	       ((unsigned int)hook < PVX_HOOK_NR && (pvx_disabled & BIT(hook)));
}

/* A pv hook implemented outside the core (the clock driver) ran once. */
void pvx_hook_hit(enum pvx_hook hook)
{
	if ((unsigned int)hook < PVX_HOOK_NR)
		this_cpu_inc(pvx_hook_stats[hook].calls);
}
EXPORT_SYMBOL_GPL(pvx_hook_hit);

static int pvx_hook_lookup(const char *name, size_t len)
{
	unsigned int i;

	for (i = 0; i < PVX_HOOK_NR; i++)
		if (strlen(pvx_hook_names[i]) == len &&
		    !strncmp(pvx_hook_names[i], name, len))
			return i;
	return -1;
}

/**
 * pvx_parse_disable - parse a pvx.disable= list
 * @arg: comma-separated hook names, or "all"
 * @mask: BIT(PVX_HOOK_*) of every known name is set in it
 *
 * Empty items are skipped. Returns the number of unknown names, each of
 * which is reported; the known ones are applied regardless.
 */
int pvx_parse_disable(const char *arg, unsigned long *mask)
{
	const char *p = arg;
	int bad = 0;

	if (!p)
		return 0;

	while (*p) {
		const char *end = strchrnul(p, ',');
		size_t len = end - p;
		int hook;

		if (len == 3 && !strncmp(p, "all", 3)) {
			*mask |= PVX_HOOKS_ALL;
		} else if (len) {
			hook = pvx_hook_lookup(p, len);
			if (hook >= 0) {
				*mask |= BIT(hook);
			} else {
				pr_warn("pvx.disable: unknown hook '%.*s' ignored\n",
					(int)min_t(size_t, len, 32), p);
				bad++;
			}
		}
		p = *end ? end + 1 : end;
	}
	return bad;
}
EXPORT_SYMBOL_IF_KUNIT(pvx_parse_disable);

static int __init pvx_disable_param(char *arg)
{
	if (!arg || !*arg) {
		pr_warn("pvx.disable= needs a list of hooks\n");
		return 0;
	}
	pvx_parse_disable(arg, &pvx_disabled);
	return 0;
}
early_param("pvx.disable", pvx_disable_param);

/* The sum over all CPUs; a racy snapshot, good enough for statistics. */
void pvx_hook_totals(enum pvx_hook hook, struct pvx_hook_stats *sum)
{
	unsigned int cpu;

	memset(sum, 0, sizeof(*sum));
	for_each_possible_cpu(cpu) {
		const struct pvx_hook_stats *s =
			&per_cpu(pvx_hook_stats[hook], cpu);

		sum->calls += READ_ONCE(s->calls);
		sum->hypercalls += READ_ONCE(s->hypercalls);
		sum->avoided += READ_ONCE(s->avoided);
	}
}

void pvx_hooks_report(void)
{
	char pv[96] = "", native[96] = "";
	unsigned int i;

	for (i = 0; i < PVX_HOOK_NR; i++) {
		char *buf = pvx_hooks[i].pv ? pv : native;
		size_t used = strlen(buf);

		scnprintf(buf + used, sizeof(pv) - used, "%s%s",
			  used ? "," : "", pvx_hook_names[i]);
	}
	pr_info("hooks pv: %s; native: %s\n", pv[0] ? pv : "none",
		native[0] ? native : "none");
}
