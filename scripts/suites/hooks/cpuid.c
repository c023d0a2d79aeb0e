// SPDX-License-Identifier: GPL-2.0
/*
 * cpuid: print the feature bits KVM offers this guest, read from CPUID
 * without asking pvx (the tests compare what pvx did with them).
 *
 *   cpuid
 *
 * Like the kernel's kvm_cpuid_base(): where CPUID 1 says a hypervisor is
 * there (ECX bit 31), scans the hypervisor range 0x40000000..0x4000ff00 in
 * steps of 0x100 for KVM's signature "KVMKVMKVM\0\0\0" in EBX, ECX, EDX
 * of the base leaf (under Hyper-V enlightenments KVM's leaves sit at
 * 0x40000100). Prints the EAX of base + 1 (KVM_CPUID_FEATURES: the
 * KVM_FEATURE_* bits) as 0x%x and exits 0; exits 1 when no KVM base is
 * found.
 */
#include <cpuid.h>
#include <stdio.h>
#include <string.h>

#define CPUID_1_ECX_HYPERVISOR	(1u << 31)
#define HYPERVISOR_FIRST	0x40000000u
#define HYPERVISOR_LAST		0x4000ff00u
#define HYPERVISOR_STEP		0x100u
#define KVM_CPUID_FEATURES	1u
#define KVM_SIGNATURE		"KVMKVMKVM\0\0\0"

static unsigned int kvm_cpuid_base(void)
{
	unsigned int base, eax, ebx, ecx, edx, sig[3];

	__cpuid(1, eax, ebx, ecx, edx);
	if (!(ecx & CPUID_1_ECX_HYPERVISOR))
		return 0;
	for (base = HYPERVISOR_FIRST; base <= HYPERVISOR_LAST;
	     base += HYPERVISOR_STEP) {
		__cpuid(base, eax, sig[0], sig[1], sig[2]);
		if (!memcmp(sig, KVM_SIGNATURE, sizeof(sig)))
			return base;
	}
	return 0;
}

int main(void)
{
	unsigned int base = kvm_cpuid_base();
	unsigned int eax, ebx, ecx, edx;

	if (!base) {
		fprintf(stderr,
			"cpuid: no KVM signature in the hypervisor leaves %#x..%#x\n",
			HYPERVISOR_FIRST, HYPERVISOR_LAST);
		return 1;
	}
	__cpuid(base + KVM_CPUID_FEATURES, eax, ebx, ecx, edx);
	printf("0x%x\n", eax);
	return 0;
}
