/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pvclock on Xen: what the clock (xen.c) and the timer (xen_timer.c) share.
 */
#ifndef _PVCLOCK_XEN_H
#define _PVCLOCK_XEN_H

#include <linux/types.h>

/* Whether pvclock took Xen's time (an HVM guest may keep the native). */
bool pvclock_xen_active(void);

/* Xen's system time now, in ns: what Xen's timers are set in. */
u64 pvclock_xen_now(void);

/* A CPU's time area: before the CPU first runs, after it is dead. */
void pvclock_xen_cpu_prepare(unsigned int cpu);
void pvclock_xen_cpu_dead(unsigned int cpu);

/* Pick Xen's timer interface, on the boot CPU before its timer is set up. */
void pvclock_xen_timer_init(void);

#endif /* _PVCLOCK_XEN_H */
