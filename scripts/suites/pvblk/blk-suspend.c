// SPDX-License-Identifier: GPL-2.0
/*
 * blk-suspend: suspend and resume the guest while a block device is busy,
 * then check that nothing written was lost.
 *
 *   blk-suspend DEVICE OFFSET_MIB SIZE_MIB
 *
 * Writer threads rewrite the 4 KiB blocks of [OFFSET, OFFSET + SIZE) with
 * O_DIRECT, each block carrying its number and a generation; the blocks of
 * the last MiB are written through the page cache instead and left dirty
 * (with /sys/power/sync_on_suspend at 0 they are still dirty when the
 * devices are frozen). The program suspends the guest with pm_test "core"
 * (devices frozen, non-boot CPUs off, syscore suspend; no wake source
 * needed), lets the writers go on for two seconds after the resume, flushes
 * the dirty blocks, and reads every block back with O_DIRECT.
 *
 * Built static: the guest's root is the machine's over virtio-9p, whose
 * driver cannot be frozen, so the root is gone after a resume and this
 * program runs from tmpfs. Prints "PVX-T: ok NAME" / "PVX-T: not ok NAME
 * (why)" lines and its errors on stdout, its progress on stderr; exits
 * non-zero on any
 * failure.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define BLOCK		4096
#define WRITERS		8
#define MAGIC		0x7076787375737021ull	/* "pvxsusp!" */

enum phase { BEFORE, SUSPENDING, AFTER, NR_PHASES };

static const char *dev;
static int fd;
static uint64_t first, nr_direct, nr_cached;
static uint32_t *gen;			/* last generation written, per block */
static atomic_int phase, stop, failures;
static atomic_long done[NR_PHASES];
static int bad;

static void t(int ok, const char *name, const char *why)
{
	if (ok)
		printf("PVX-T: ok %s\n", name);
	else
		printf("PVX-T: not ok %s (%s)\n", name, why);
	fflush(stdout);
	bad |= !ok;
}

/*
 * Where it is, on stderr at once ("# blk-suspend: ..."): the results on
 * stdout may be read only after a resume that never comes.
 */
static void progress(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fprintf(stderr, "# blk-suspend: ");
	vfprintf(stderr, fmt, ap);
	fprintf(stderr, "\n");
	va_end(ap);
}

/* Block contents: a header, then words only that block and generation give. */
static void fill(uint64_t *buf, uint64_t block, uint32_t g)
{
	uint64_t x = block * 0x9e3779b97f4a7c15ull ^ g;
	size_t i;

	buf[0] = MAGIC;
	buf[1] = block;
	buf[2] = g;
	for (i = 3; i < BLOCK / sizeof(*buf); i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		buf[i] = x;
	}
}

static int sysfs_write(const char *path, const char *val)
{
	int f = open(path, O_WRONLY);
	ssize_t n;
	int err;

	if (f < 0)
		return -errno;
	n = write(f, val, strlen(val));
	err = n < 0 ? -errno : 0;
	close(f);
	return err;
}

static void *writer(void *arg)
{
	long id = (long)arg;
	uint64_t per = nr_direct / WRITERS, b = id * per, end = b + per;
	uint64_t *buf;

	if (posix_memalign((void **)&buf, BLOCK, BLOCK))
		return NULL;
	while (!atomic_load(&stop)) {
		uint64_t block = first + b;

		fill(buf, block, gen[b] + 1);
		if (pwrite(fd, buf, BLOCK, block * BLOCK) != BLOCK) {
			fprintf(stdout, "blk-suspend: write of block %llu: %s\n",
				(unsigned long long)block, strerror(errno));
			atomic_fetch_add(&failures, 1);
			break;
		}
		gen[b]++;
		atomic_fetch_add(&done[atomic_load(&phase)], 1);
		if (++b == end)
			b = id * per;
	}
	free(buf);
	return NULL;
}

/* The page-cache blocks: written, not flushed; they stay dirty. */
static int write_cached(void)
{
	int f = open(dev, O_WRONLY);
	uint64_t *buf = malloc(BLOCK), i;
	int err = 0;

	if (f < 0 || !buf)
		return -errno;
	for (i = 0; i < nr_cached && !err; i++) {
		uint64_t block = first + nr_direct + i;

		fill(buf, block, 1);
		if (pwrite(f, buf, BLOCK, block * BLOCK) != BLOCK)
			err = -errno;
		gen[nr_direct + i] = 1;
	}
	/* Flushed only after the resume, by the caller. */
	free(buf);
	return err ? err : f;
}

/* Blocks not written in this run (generation 0) hold what they held. */
static uint64_t verify(uint64_t *written)
{
	uint64_t *want, *got, i, wrong = 0;

	*written = 0;
	if (posix_memalign((void **)&want, BLOCK, BLOCK) ||
	    posix_memalign((void **)&got, BLOCK, BLOCK))
		return ~0ull;
	for (i = 0; i < nr_direct + nr_cached; i++) {
		if (!gen[i])
			continue;
		(*written)++;
		fill(want, first + i, gen[i]);
		if (pread(fd, got, BLOCK, (first + i) * BLOCK) != BLOCK ||
		    memcmp(want, got, BLOCK)) {
			if (!wrong)
				fprintf(stdout, "blk-suspend: block %llu: want generation %u, got %llu\n",
					(unsigned long long)(first + i), gen[i],
					(unsigned long long)got[2]);
			wrong++;
		}
	}
	free(want);
	free(got);
	return wrong;
}

int main(int argc, char **argv)
{
	pthread_t th[WRITERS];
	uint64_t wrong, written;
	char why[256];
	struct timespec t0, t1;
	int cached, err;
	long i;

	if (argc != 4) {
		fprintf(stdout, "usage: blk-suspend DEVICE OFFSET_MIB SIZE_MIB\n");
		return 2;
	}
	dev = argv[1];
	first = strtoull(argv[2], NULL, 0) << 20 >> 12;
	nr_cached = 256;
	nr_direct = (strtoull(argv[3], NULL, 0) << 20 >> 12) - nr_cached;
	nr_direct -= nr_direct % WRITERS;
	gen = calloc(nr_direct + nr_cached, sizeof(*gen));
	fd = open(dev, O_RDWR | O_DIRECT);
	if (fd < 0 || !gen || nr_direct < WRITERS) {
		fprintf(stdout, "blk-suspend: %s: %s\n", dev, strerror(errno));
		return 2;
	}

	/* Dirty page cache left for after the resume. */
	sysfs_write("/sys/power/sync_on_suspend", "0");
	cached = write_cached();
	for (i = 0; i < WRITERS; i++)
		pthread_create(&th[i], NULL, writer, (void *)i);
	sleep(1);

	progress("%d writers on %s, suspending", WRITERS, dev);
	atomic_store(&phase, SUSPENDING);
	clock_gettime(CLOCK_BOOTTIME, &t0);
	err = sysfs_write("/sys/power/pm_test", "core");
	if (!err)
		err = sysfs_write("/sys/power/state", "mem");
	clock_gettime(CLOCK_BOOTTIME, &t1);
	atomic_store(&phase, AFTER);
	progress("back after %ld s", (long)(t1.tv_sec - t0.tv_sec));
	sysfs_write("/sys/power/pm_test", "none");
	sysfs_write("/sys/power/sync_on_suspend", "1");
	snprintf(why, sizeof(why), "%s after %ld s", strerror(-err),
		 (long)(t1.tv_sec - t0.tv_sec));
	t(!err, "suspend and resume (pm_test core) with writers on the disk",
	  why);

	sleep(2);
	atomic_store(&stop, 1);
	for (i = 0; i < WRITERS; i++)
		pthread_join(th[i], NULL);
	snprintf(why, sizeof(why), "%ld before, %ld while suspending, %ld after, %d failed",
		 atomic_load(&done[BEFORE]), atomic_load(&done[SUSPENDING]),
		 atomic_load(&done[AFTER]), atomic_load(&failures));
	printf("blk-suspend: writes %s\n", why);
	t(!atomic_load(&failures) && atomic_load(&done[BEFORE]) &&
	  atomic_load(&done[AFTER]) > WRITERS,
	  "writes go on after the resume, none fails", why);

	progress("writers stopped, flushing the page cache");
	err = cached < 0 ? cached : (fsync(cached) ? -errno : 0);
	snprintf(why, sizeof(why), "%s", strerror(-err));
	t(!err, "page cache left dirty across the suspend is written after it", why);

	progress("reading every block back");
	wrong = verify(&written);
	snprintf(why, sizeof(why), "%llu of %llu blocks written wrong",
		 (unsigned long long)wrong, (unsigned long long)written);
	t(!wrong && written > nr_cached, "every block written reads back as last written",
	  why);
	return bad;
}
