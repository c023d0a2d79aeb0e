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
 *
 * sysfs rather than debugfs: distributions and test harnesses read the
 * backend on production kernels, where debugfs is often not mounted.
 */
#define pr_fmt(fmt) "pvx: " fmt

#include <linux/init.h>
#include <linux/kobject.h>
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
	NULL
};

static const struct attribute_group pvx_attr_group = {
	.attrs = pvx_attrs,
};

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
	}
	return ret;
}
subsys_initcall(pvx_sysfs_init);
