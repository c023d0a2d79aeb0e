// SPDX-License-Identifier: GPL-2.0
/*
 * /sys/kernel/pvx: what pvx detected, one value per file.
 *
 *   backend      native, kvm, xen-pv or xen-hvm
 *   hypervisor   the hypervisor pvx drives, else the first one seen
 *                (none, unknown, kvm, xen, hyperv, vmware, ...)
 *   disabled_by  none, pvx=off or nopv
 *   cpuid_base   CPUID base of that hypervisor, 0x00000000 if none
 *   features     raw feature leaf: KVM base+1 EAX, Xen base+4 EAX
 *   hints        KVM base+1 EDX
 *   signatures   every signature found, as name@base, space separated
 *   disabled     the hooks pvx.disable= named, comma separated
 *   hooks/<hook>/ one directory per hook (eoi, ipi, tlb, exit_mmap, yield,
 *                preempt, steal, clock, halt):
 *     impl       native or pv
 *     reason     why: "offered by the hypervisor", "pvx.disable", ...
 *     calls      times the pv implementation ran (0 when native: the
 *                native function is the kernel's own, never wrapped)
 *     hypercalls how many it issued
 *     avoided    what it saved: eoi - EOIs without an exit; ipi - ICR
 *                writes (exits) saved by batching; tlb - flush IPIs to
 *                preempted vCPUs left to the host; preempt - answers
 *                "preempted"; halt - idle entries ended by polling
 *                without HLT
 *
 * sysfs rather than debugfs: distributions and test harnesses read the
 * backend on production kernels, where debugfs is often not mounted.
 */
#define pr_fmt(fmt) "pvx: " fmt

#include <linux/init.h>
#include <linux/kobject.h>
#include <linux/slab.h>
#include <linux/printk.h>
#include <linux/sysfs.h>

#include "pvx.h"

static ssize_t backend_show(struct kobject *kobj, struct kobj_attribute *attr,
			    char *buf)
{
	return sysfs_emit(buf, "%s\n", pvx_backend_name(pvx_platform()->backend));
}

static ssize_t hypervisor_show(struct kobject *kobj,
			       struct kobj_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%s\n", pvx_hv_name(pvx_platform()->hv));
}

static ssize_t disabled_by_show(struct kobject *kobj,
				struct kobj_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%s\n", pvx_mode_name(pvx_platform()->mode));
}

static ssize_t cpuid_base_show(struct kobject *kobj,
			       struct kobj_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "0x%08x\n", pvx_platform()->base);
}

static ssize_t features_show(struct kobject *kobj, struct kobj_attribute *attr,
			     char *buf)
{
	return sysfs_emit(buf, "0x%08x\n", pvx_platform()->features);
}

static ssize_t hints_show(struct kobject *kobj, struct kobj_attribute *attr,
			  char *buf)
{
	return sysfs_emit(buf, "0x%08x\n", pvx_platform()->hints);
}

static ssize_t signatures_show(struct kobject *kobj,
			       struct kobj_attribute *attr, char *buf)
{
	const struct pvx_platform *p = pvx_platform();
	unsigned int i;
	int len = 0;

	for (i = 0; i < p->nr_sigs; i++)
		len += sysfs_emit_at(buf, len, "%s%s@0x%08x", i ? " " : "",
				     pvx_hv_name(p->sigs[i].hv),
				     p->sigs[i].base);
	len += sysfs_emit_at(buf, len, "\n");
	return len;
}

static ssize_t disabled_show(struct kobject *kobj, struct kobj_attribute *attr,
			     char *buf)
{
	unsigned int i;
	int len = 0;

	for (i = 0; i < PVX_HOOK_NR; i++)
		if (pvx_disabled & BIT(i))
			len += sysfs_emit_at(buf, len, "%s%s", len ? "," : "",
					     pvx_hook_name(i));
	len += sysfs_emit_at(buf, len, "\n");
	return len;
}

static struct kobj_attribute disabled_attr = __ATTR_RO(disabled);
static struct kobj_attribute backend_attr = __ATTR_RO(backend);
static struct kobj_attribute hypervisor_attr = __ATTR_RO(hypervisor);
static struct kobj_attribute disabled_by_attr = __ATTR_RO(disabled_by);
static struct kobj_attribute cpuid_base_attr = __ATTR_RO(cpuid_base);
static struct kobj_attribute features_attr = __ATTR_RO(features);
static struct kobj_attribute hints_attr = __ATTR_RO(hints);
static struct kobj_attribute signatures_attr = __ATTR_RO(signatures);

static struct attribute *pvx_attrs[] = {
	&backend_attr.attr,
	&hypervisor_attr.attr,
	&disabled_by_attr.attr,
	&cpuid_base_attr.attr,
	&features_attr.attr,
	&hints_attr.attr,
	&signatures_attr.attr,
	&disabled_attr.attr,
	NULL
};

static const struct attribute_group pvx_attr_group = {
	.attrs = pvx_attrs,
};

struct pvx_hook_kobj {
	struct kobject kobj;
	enum pvx_hook hook;
};

static enum pvx_hook kobj_hook(struct kobject *kobj)
{
	return container_of(kobj, struct pvx_hook_kobj, kobj)->hook;
}

static ssize_t impl_show(struct kobject *kobj, struct kobj_attribute *attr,
			 char *buf)
{
	return sysfs_emit(buf, "%s\n",
			  pvx_hooks[kobj_hook(kobj)].pv ? "pv" : "native");
}

static ssize_t reason_show(struct kobject *kobj, struct kobj_attribute *attr,
			   char *buf)
{
	return sysfs_emit(buf, "%s\n",
			  pvx_why_name(pvx_hooks[kobj_hook(kobj)].why));
}

static ssize_t counter_show(struct kobject *kobj, struct kobj_attribute *attr,
			    char *buf);

static struct kobj_attribute calls_attr = __ATTR(calls, 0444, counter_show, NULL);
static struct kobj_attribute hypercalls_attr =
	__ATTR(hypercalls, 0444, counter_show, NULL);
static struct kobj_attribute avoided_attr =
	__ATTR(avoided, 0444, counter_show, NULL);

static ssize_t counter_show(struct kobject *kobj, struct kobj_attribute *attr,
			    char *buf)
{
	struct pvx_hook_stats sum;
	unsigned long v;

	pvx_hook_totals(kobj_hook(kobj), &sum);
	if (attr == &calls_attr)
		v = sum.calls;
	else if (attr == &hypercalls_attr)
		v = sum.hypercalls;
	else
		v = sum.avoided;
	return sysfs_emit(buf, "%lu\n", v);
}

static struct kobj_attribute impl_attr = __ATTR_RO(impl);
static struct kobj_attribute reason_attr = __ATTR_RO(reason);

static struct attribute *pvx_hook_attrs[] = {
	&impl_attr.attr,
	&reason_attr.attr,
	&calls_attr.attr,
	&hypercalls_attr.attr,
	&avoided_attr.attr,
	NULL
};
ATTRIBUTE_GROUPS(pvx_hook);

static void pvx_hook_release(struct kobject *kobj)
{
	kfree(container_of(kobj, struct pvx_hook_kobj, kobj));
}

static const struct kobj_type pvx_hook_ktype = {
	.release	= pvx_hook_release,
	.sysfs_ops	= &kobj_sysfs_ops,
	.default_groups	= pvx_hook_groups,
};

static int __init pvx_sysfs_hooks(struct kobject *parent)
{
	struct kobject *dir;
	unsigned int i;
	int ret;

	dir = kobject_create_and_add("hooks", parent);
	if (!dir)
		return -ENOMEM;

	for (i = 0; i < PVX_HOOK_NR; i++) {
		struct pvx_hook_kobj *h = kzalloc(sizeof(*h), GFP_KERNEL);

		if (!h)
			return -ENOMEM;
		h->hook = i;
		ret = kobject_init_and_add(&h->kobj, &pvx_hook_ktype, dir,
					   "%s", pvx_hook_name(i));
		if (ret) {
			kobject_put(&h->kobj);
			return ret;
		}
	}
	return 0;
}

static int __init pvx_sysfs_init(void)
{
	struct kobject *kobj;
	int ret;

	kobj = kobject_create_and_add("pvx", kernel_kobj);
	if (!kobj)
		return -ENOMEM;

	ret = sysfs_create_group(kobj, &pvx_attr_group);
	if (ret) {
		pr_err("cannot create /sys/kernel/pvx: %d\n", ret);
		kobject_put(kobj);
		return ret;
	}

	/* The hooks keep working without their directory; say so. */
	ret = pvx_sysfs_hooks(kobj);
	if (ret)
		pr_err("cannot create /sys/kernel/pvx/hooks: %d\n", ret);
	return 0;
}
subsys_initcall(pvx_sysfs_init);
