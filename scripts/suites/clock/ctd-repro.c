// SPDX-License-Identifier: GPL-2.0
/*
 * The logic of posix_timers' "check signal distribution" alone, for
 * looping under a trace (ctd-repro.sh): exit 1 where a thread other than
 * the spinning one took SIGALRM.
 */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

static pthread_t thr;
static volatile int count, failed;

static void handler(int sig)
{
	if (pthread_self() != thr)
		failed = 1;
	count--;
}

static void *spin(void *arg)
{
	struct itimerspec v = { { 0, 1000000 }, { 0, 1000000 } };
	timer_t id;

	usleep(10000);
	count = 100;
	if (timer_create(CLOCK_PROCESS_CPUTIME_ID, NULL, &id) ||
	    timer_settime(id, 0, &v, NULL))
		exit(2);
	while (count > 0 && !failed)
		;
	timer_delete(id);
	return NULL;
}

int main(void)
{
	signal(SIGALRM, handler);
	if (pthread_create(&thr, NULL, spin, NULL) || pthread_join(thr, NULL))
		return 2;
	return failed;
}
