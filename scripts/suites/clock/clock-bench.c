// SPDX-License-Identifier: GPL-2.0
/*
 * clock-bench: cost of clock_gettime(CLOCK_MONOTONIC) from user space.
 *
 *   clock-bench N
 *
 * Calls clock_gettime(CLOCK_MONOTONIC) N times through the C library (so
 * through the vDSO when the clocksource allows it) and prints
 * "calls N ns_per_call X". Time never goes backwards between two calls:
 * a step back exits non-zero.
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static long long ns(const struct timespec *ts)
{
	return ts->tv_sec * 1000000000LL + ts->tv_nsec;
}

int main(int argc, char **argv)
{
	struct timespec t0, t1, prev, now;
	long i, n = argc > 1 ? atol(argv[1]) : 1000000;

	if (n <= 0) {
		fprintf(stderr, "usage: clock-bench N\n");
		return 2;
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	prev = t0;
	for (i = 0; i < n; i++) {
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (ns(&now) < ns(&prev)) {
			fprintf(stderr, "clock-bench: CLOCK_MONOTONIC went back %lld ns\n",
				ns(&prev) - ns(&now));
			return 1;
		}
		prev = now;
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	printf("calls %ld ns_per_call %.1f\n", n, (double)(ns(&t1) - ns(&t0)) / n);
	return 0;
}
