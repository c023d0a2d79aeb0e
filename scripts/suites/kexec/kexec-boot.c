// SPDX-License-Identifier: GPL-2.0
/*
 * kexec-boot: boot another kernel in place of the running one, with
 * kexec_file_load(2) and reboot(LINUX_REBOOT_CMD_KEXEC); no kexec-tools.
 *
 *   kexec-boot KERNEL INITRD CMDLINE
 *
 * The running kernel goes through its reboot notifiers first (pvx and
 * pvclock take their shared areas back from the hypervisor there). Only
 * returns on failure, with a message and a non-zero exit.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/reboot.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	int kfd, ifd;

	if (argc != 4) {
		fprintf(stderr, "usage: kexec-boot KERNEL INITRD CMDLINE\n");
		return 2;
	}
	kfd = open(argv[1], O_RDONLY);
	ifd = open(argv[2], O_RDONLY);
	if (kfd < 0 || ifd < 0) {
		fprintf(stderr, "kexec-boot: %s: %s\n", kfd < 0 ? argv[1] : argv[2],
			strerror(errno));
		return 1;
	}
	/* The length counts the terminating NUL. */
	if (syscall(SYS_kexec_file_load, kfd, ifd, strlen(argv[3]) + 1,
		    argv[3], 0UL)) {
		fprintf(stderr, "kexec-boot: kexec_file_load: %s\n", strerror(errno));
		return 1;
	}
	printf("kexec-boot: loaded %s, rebooting into it\n", argv[1]);
	fflush(stdout);
	sync();
	syscall(SYS_reboot, LINUX_REBOOT_MAGIC1, LINUX_REBOOT_MAGIC2,
		LINUX_REBOOT_CMD_KEXEC, NULL);
	fprintf(stderr, "kexec-boot: reboot: %s\n", strerror(errno));
	return 1;
}
