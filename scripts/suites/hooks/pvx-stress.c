// SPDX-License-Identifier: GPL-2.0
/*
 * pvx-stress: work the pv-ops hooks from user space, on every CPU.
 *
 *   pvx-stress SECONDS [ITERATIONS [PART]]
 *
 * One process, threads spread over the CPUs:
 *   mm       mmap, fill, mprotect, check, munmap in a loop: the address
 *            space is live on every CPU, so each unmap and protection
 *            change is a remote TLB flush
 *   pingpong two threads on different CPUs waking each other through
 *            pipes: reschedule IPIs, idle entries, EOIs
 *   barrier  membarrier(PRIVATE_EXPEDITED): call-function IPIs to every
 *            CPU running the process
 *   sleeper  100 us sleeps: timers and halts
 *
 * With ITERATIONS and a PART (mm, pingpong, barrier or sleeper), only
 * that part runs, for exactly ITERATIONS units (rounds of each mm thread,
 * round trips, membarriers, sleeps): a fixed workload for the benchmark,
 * with SECONDS as a cap. It prints "units N seconds S". Exits non-zero
 * if a page read back is not what was written, a system call fails or
 * the units were not done in time.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/membarrier.h>
#include <pthread.h>
#include <sched.h>
#include <stdbool.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define MAP_PAGES	64

static atomic_int stop;
static const char *part = "all";
static atomic_int failed;
static atomic_long mm_rounds, pings, barriers, sleeps;
static long page_size, iterations;
static int ncpus;

static void fail(const char *what)
{
	fprintf(stderr, "pvx-stress: %s: %s\n", what, strerror(errno));
	atomic_store(&failed, 1);
	atomic_store(&stop, 1);
}

static void pin(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu % ncpus, &set);
	sched_setaffinity(0, sizeof(set), &set);
}

static void *mm_thread(void *arg)
{
	long id = (long)arg, n, i;
	size_t len = MAP_PAGES * page_size;

	pin(id);
	for (n = 0; !atomic_load(&stop) && (!iterations || n < iterations); n++) {
		unsigned char *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
					MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		if (p == MAP_FAILED) {
			fail("mmap");
			break;
		}
		for (i = 0; i < MAP_PAGES; i++)
			memset(p + i * page_size, (int)(id + n + i) & 0xff, 64);
		if (mprotect(p, len, PROT_READ)) {
			fail("mprotect");
			break;
		}
		for (i = 0; i < MAP_PAGES; i++) {
			if (p[i * page_size + 63] != ((id + n + i) & 0xff)) {
				fprintf(stderr, "pvx-stress: page %ld of round %ld: bad data\n",
					i, n);
				atomic_store(&failed, 1);
			}
		}
		if (munmap(p, len)) {
			fail("munmap");
			break;
		}
		atomic_fetch_add(&mm_rounds, 1);
	}
	return NULL;
}

struct pong {
	int in, out, cpu;
};

static void *pong_thread(void *arg)
{
	struct pong *pp = arg;
	char c = 0;

	pin(pp->cpu);
	while (!atomic_load(&stop)) {
		if (read(pp->in, &c, 1) != 1 || write(pp->out, &c, 1) != 1)
			break;
		if (atomic_fetch_add(&pings, 1) + 1 >= 2 * iterations &&
		    iterations)
			atomic_store(&stop, 1);
	}
	return NULL;
}

static void *barrier_thread(void *arg)
{
	struct timespec ts = { 0, 1000000 };

	pin((long)arg);
	if (syscall(__NR_membarrier, MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED,
		    0, 0)) {
		fail("membarrier register");
		return NULL;
	}
	while (!atomic_load(&stop)) {
		if (syscall(__NR_membarrier, MEMBARRIER_CMD_PRIVATE_EXPEDITED,
			    0, 0)) {
			fail("membarrier");
			break;
		}
		if (atomic_fetch_add(&barriers, 1) + 1 >= iterations &&
		    iterations)
			atomic_store(&stop, 1);
		if (!iterations)
			nanosleep(&ts, NULL);
	}
	return NULL;
}

static void *sleep_thread(void *arg)
{
	struct timespec ts = { 0, 100000 };

	pin((long)arg);
	while (!atomic_load(&stop)) {
		nanosleep(&ts, NULL);
		if (atomic_fetch_add(&sleeps, 1) + 1 >= iterations && iterations)
			atomic_store(&stop, 1);
	}
	return NULL;
}

static bool runs(const char *what)
{
	return !strcmp(part, "all") || !strcmp(part, what);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	pthread_t mm[64], pong[2], bar, slp;
	int a[2], b[2], nmm = 0, i;
	long seconds, units = 0;
	struct pong pa, pb;
	double t0, t1;
	char c = 'x';

	if (argc < 2 || (seconds = atol(argv[1])) <= 0) {
		fprintf(stderr, "usage: pvx-stress SECONDS [ITERATIONS [PART]]\n");
		return 2;
	}
	iterations = argc > 2 ? atol(argv[2]) : 0;
	if (argc > 3)
		part = argv[3];
	if (!runs("mm") && !runs("pingpong") && !runs("barrier") &&
	    !runs("sleeper")) {
		fprintf(stderr, "pvx-stress: unknown part %s\n", part);
		return 2;
	}
	if (iterations && !strcmp(part, "all")) {
		fprintf(stderr, "pvx-stress: ITERATIONS needs a PART\n");
		return 2;
	}
	page_size = sysconf(_SC_PAGESIZE);
	ncpus = sysconf(_SC_NPROCESSORS_ONLN);
	if (ncpus < 1)
		ncpus = 1;

	if (pipe(a) || pipe(b)) {
		perror("pipe");
		return 1;
	}
	pa = (struct pong){ .in = a[0], .out = b[1], .cpu = 0 };
	pb = (struct pong){ .in = b[0], .out = a[1], .cpu = 1 };

	t0 = now();
	if (runs("mm")) {
		nmm = 2 * ncpus > 64 ? 64 : 2 * ncpus;
		for (i = 0; i < nmm; i++)
			pthread_create(&mm[i], NULL, mm_thread, (void *)(long)i);
	}
	if (runs("pingpong")) {
		pthread_create(&pong[0], NULL, pong_thread, &pa);
		pthread_create(&pong[1], NULL, pong_thread, &pb);
		if (write(a[1], &c, 1) != 1)
			fail("pipe write");
	}
	if (runs("barrier"))
		pthread_create(&bar, NULL, barrier_thread, (void *)0L);
	if (runs("sleeper"))
		pthread_create(&slp, NULL, sleep_thread, (void *)1L);

	while (now() - t0 < seconds && !atomic_load(&stop)) {
		if (iterations && runs("mm") &&
		    atomic_load(&mm_rounds) >= nmm * iterations)
			break;
		usleep(1000);
	}
	atomic_store(&stop, 1);
	for (i = 0; i < nmm; i++)
		pthread_join(mm[i], NULL);
	/* The ping-pong threads block in read(): closing wakes them. */
	close(a[1]);
	close(b[1]);
	if (runs("pingpong")) {
		pthread_join(pong[0], NULL);
		pthread_join(pong[1], NULL);
	}
	if (runs("barrier"))
		pthread_join(bar, NULL);
	if (runs("sleeper"))
		pthread_join(slp, NULL);
	t1 = now();

	printf("pvx-stress: cpus %d mm_threads %d mm_rounds %ld pings %ld barriers %ld sleeps %ld\n",
	       ncpus, nmm, atomic_load(&mm_rounds), atomic_load(&pings),
	       atomic_load(&barriers), atomic_load(&sleeps));
	if (!iterations)
		return atomic_load(&failed);

	if (!strcmp(part, "mm"))
		units = atomic_load(&mm_rounds);
	else if (!strcmp(part, "pingpong"))
		units = atomic_load(&pings) / 2;
	else if (!strcmp(part, "barrier"))
		units = atomic_load(&barriers);
	else
		units = atomic_load(&sleeps);
	printf("units %ld seconds %.3f\n", units, t1 - t0);
	if (units < (strcmp(part, "mm") ? iterations : nmm * iterations)) {
		fprintf(stderr, "pvx-stress: %s: only %ld units in %ld s\n",
			part, units, seconds);
		return 1;
	}
	return atomic_load(&failed);
}
