// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests of pvblk against a fake virtio block device that breaks
 * the rules: bad used-ring ids and lengths, bad status bytes, a device
 * that ignores a config write or vanishes with requests in flight, and
 * suspend, resume and removal at the wrong moments. Everything goes
 * through the real request path: the virtio core probes pvblk on the
 * fake device, bios go through blk-mq to pvblk and into a real vring,
 * and the test plays the device on the other side (pvx_fake_vdev).
 *
 * Every case ends with the device unplugged and checks that nothing was
 * left behind: no rule broken on the ring, every disk freed, no WARN,
 * lockdep still on. Every wait is bounded, so a driver that hangs fails
 * its case instead of the boot.
 */
#include <linux/bio.h>
#include <linux/blkdev.h>
#include <linux/blk-mq.h>
#include <linux/cpumask.h>
#include <linux/debug_locks.h>
#include <linux/delay.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/hdreg.h>
#include <linux/panic.h>
#include <linux/sched.h>
#include <linux/virtio.h>
#include <linux/virtio_blk.h>
#include <linux/virtio_config.h>
#include <linux/virtio_ring.h>
#include <linux/workqueue.h>
#include <kunit/static_stub.h>
#include <kunit/test.h>

#include "pvblk.h"
#include "pvblk_virtio.h"
#include "../virtio/pvx_fake_vdev.h"

/* Config space fields as a device with VIRTIO_F_VERSION_1 keeps them. */
#define tb_cfg16(v)	((__force __virtio16)cpu_to_le16(v))
#define tb_cfg32(v)	((__force __virtio32)cpu_to_le32(v))
#define tb_cfg64(v)	((__force __virtio64)cpu_to_le64(v))

/* The disk: 1 MiB, served from memory. */
#define TB_SECTORS	2048
/* Bios a case can have in flight, each with its own page. */
#define TB_IOS		20
/* "Must happen" waits; "must not" ones are shorter. */
#define TB_WAIT_MS	2000

struct tio {
	struct completion done;
	atomic_t ends;
	blk_status_t status;
	u64 seq;			/* fvdev_seq_next() at the end */
	u64 reset_at_end;		/* the device's last reset then */
	struct fvdev *d;
	struct page *page;
	struct work_struct submit;	/* tb_submit_async() */
	struct bio *bio;
};

/* The fake device and the test's view of it. */
struct tb {
	struct kunit *test;
	bool packed;
	bool legacy;
	u64 features;
	unsigned int num;
	unsigned int nvqs;
	struct virtio_blk_config cfg;
	struct fvdev *d;
	struct pvblk_dev *pd;
	struct gendisk *disk;
	u8 *store;
	char *attr_buf;			/* sysfs wants a page */
	struct fvdev_chain *spare;	/* for tb_full_window() */
	struct tio io[TB_IOS];

	/* How the device answers, in auto mode. */
	int hold;			/* hold every chain */
	bool whole_chain_len;		/* report the chain's length (legacy) */
	bool ignore_wce;		/* drop writes to config wce */
	const char *id;			/* GET_ID answer */
	unsigned int id_len;

	/* What the device saw. */
	atomic_t writes;
	atomic_t flushes;
	atomic_t discards;
	atomic_t write_zeroes;
	atomic_t secure_erases;
	atomic_t bad;			/* requests the device could not parse */
	u32 max_range;			/* largest discard range, sectors */
	u32 range_flags;		/* flags of the last range */
	u64 range_sector;		/* sector of the last range */
	atomic_t late_cfg_reads;
	bool unplugged;

	/* Where the case started. */
	int live_devs;
	int live_fvdevs;
	long left_mapped;
	bool taint_warn;
	int debug_locks;
	bool once;
	atomic_t cap_reads;		/* config reads of the capacity */
	atomic_t batches;		/* ->queue_rqs batches handed over */
	atomic_t batched;		/* requests in them */
};

static const bool tb_rings[] = { false, true };

static void tb_ring_desc(const bool *packed, char *desc)
{
	strscpy(desc, *packed ? "packed" : "split", KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(tb_ring, tb_rings, tb_ring_desc);

static struct tb *tb_get(struct fvdev *d)
{
	return d->priv;
}

static void tb_free_page(void *page)
{
	__free_page(page);
}

/*
 * A submission from a worker holds the disk and the device until
 * submit_bio() returns: after a failed case the disk may go while it
 * waits, which ends its bio at once.
 */
static void tio_submit_work(struct work_struct *work)
{
	struct tio *t = container_of(work, struct tio, submit);
	struct gendisk *disk = t->bio->bi_bdev->bd_disk;
	struct fvdev *d = t->d;

	submit_bio(t->bio);
	put_device(disk_to_dev(disk));
	put_device(&d->vdev.dev);
}

/*
 * The state of one case: allocated before the device, so that KUnit
 * frees it after unplugging the device and waiting for the submitting
 * workers.
 */
static void tb_flush_submits(void *data)
{
	struct tb *tb = data;
	unsigned int i;

	for (i = 0; i < TB_IOS; i++)
		flush_work(&tb->io[i].submit);
}

/*
 * The last action: the harness has unplugged the device and dropped its
 * own reference, so only a reference the driver kept holds it now.
 */
static void tb_check_released(void *data)
{
	struct tb *tb = data;
	unsigned long end = jiffies + msecs_to_jiffies(TB_WAIT_MS);

	while (fvdev_live_count() != tb->live_fvdevs && time_before(jiffies, end))
		msleep(20);
	KUNIT_EXPECT_EQ_MSG(tb->test, fvdev_live_count(), tb->live_fvdevs,
			    "the driver kept a reference to the virtio device");
}

static struct tb *tb_new(struct kunit *test)
{
	struct tb *tb = kunit_kzalloc(test, sizeof(*tb), GFP_KERNEL);
	unsigned int i;

	KUNIT_ASSERT_NOT_NULL(test, tb);
	tb->test = test;
	tb->packed = test->param_value && *(const bool *)test->param_value;
	tb->num = 64;
	tb->nvqs = 1;
	tb->features = BIT_ULL(VIRTIO_RING_F_INDIRECT_DESC) |
		       BIT_ULL(VIRTIO_BLK_F_FLUSH);
	tb->cfg.capacity = tb_cfg64(TB_SECTORS);
	tb->store = kunit_kzalloc(test, TB_SECTORS * SECTOR_SIZE, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, tb->store);
	tb->attr_buf = kunit_kzalloc(test, PAGE_SIZE, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, tb->attr_buf);
	KUNIT_ASSERT_TRUE(test, PAGE_ALIGNED(tb->attr_buf));
	tb->spare = kunit_kzalloc(test, sizeof(*tb->spare), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, tb->spare);
	tb->live_fvdevs = fvdev_live_count();
	/* Registered before the device's actions: runs after them. */
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, tb_check_released, tb), 0);
	for (i = 0; i < TB_IOS; i++) {
		tb->io[i].page = alloc_page(GFP_KERNEL | __GFP_ZERO);
		KUNIT_ASSERT_NOT_NULL(test, tb->io[i].page);
		KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, tb_free_page,
								tb->io[i].page), 0);
		init_completion(&tb->io[i].done);
		INIT_WORK(&tb->io[i].submit, tio_submit_work);
	}
	/* After the disk is gone (which lets a waiting submitter go on). */
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, tb_flush_submits, tb), 0);
	tb->live_devs = pvblk_kunit_live_devs();
	tb->left_mapped = pvblk_kunit_left_mapped();
	tb->taint_warn = test_taint(TAINT_WARN);
	tb->debug_locks = debug_locks;
	return tb;
}

/* ---- the device ---------------------------------------------------- */

/* Copy between the store and a chain's data buffers. */
static bool tb_copy(struct tb *tb, const struct fvdev_chain *c, u64 sector,
		    bool to_store)
{
	u64 off = sector << SECTOR_SHIFT;
	unsigned int i;

	for (i = 1; i + 1 < c->nseg; i++) {
		const struct fvdev_seg *s = &c->seg[i];

		if (!s->va || s->wr == to_store ||
		    off + s->len > (u64)TB_SECTORS << SECTOR_SHIFT)
			return false;
		if (to_store)
			memcpy(tb->store + off, s->va, s->len);
		else
			memcpy(s->va, tb->store + off, s->len);
		off += s->len;
	}
	return true;
}

/*
 * A discard, write zeroes or secure erase: header (sector 0), ranges,
 * status, within the limits this device put in its config space
 * (sectors 0: no limit). False for a command the spec has the device
 * refuse.
 */
static bool tb_ranges(struct tb *tb, const struct fvdev_chain *c, u64 sector,
		      __virtio32 cfg_sectors, __virtio32 cfg_seg, bool unmap_ok)
{
	const struct virtio_blk_discard_write_zeroes *r = c->seg[1].va;
	unsigned int i, n = c->seg[1].len / sizeof(*r);
	u32 max_sectors = virtio32_to_cpu(&tb->d->vdev, cfg_sectors);
	u32 max_seg = virtio32_to_cpu(&tb->d->vdev, cfg_seg);

	if (c->nseg != 3 || c->seg[1].wr || !r || sector || !n ||
	    c->seg[1].len % sizeof(*r) || n > max(max_seg, 1U))
		return false;
	for (i = 0; i < n; i++) {
		u32 num = le32_to_cpu(r[i].num_sectors);
		u32 flags = le32_to_cpu(r[i].flags);

		if ((max_sectors && num > max_sectors) ||
		    (flags & ~(unmap_ok ? VIRTIO_BLK_WRITE_ZEROES_FLAG_UNMAP : 0)))
			return false;
		if (num > tb->max_range)
			tb->max_range = num;
		tb->range_sector = le64_to_cpu(r[i].sector);
		tb->range_flags = flags;
	}
	return true;
}

/*
 * Serve one request as a virtio block device does: the header first,
 * the status byte last. Returns the status written, or -1 for a chain
 * the device cannot parse (then nothing is written).
 */
static int tb_serve(struct tb *tb, const struct fvdev_chain *c)
{
	struct virtio_device *vdev = &tb->d->vdev;
	const struct fvdev_seg *st = &c->seg[c->nseg - 1];
	const struct virtio_blk_outhdr *h = c->seg[0].va;
	u8 status = VIRTIO_BLK_S_OK;
	u64 sector;

	if (c->nseg < 2 || c->nseg != c->ndata || !h || c->seg[0].wr ||
	    c->seg[0].len != sizeof(*h) || !st->wr || st->len != 1 || !st->va) {
		atomic_inc(&tb->bad);
		return -1;
	}
	sector = virtio64_to_cpu(vdev, h->sector);
	switch (virtio32_to_cpu(vdev, h->type)) {
	case VIRTIO_BLK_T_IN:
		if (!tb_copy(tb, c, sector, false))
			status = VIRTIO_BLK_S_IOERR;
		break;
	case VIRTIO_BLK_T_OUT:
		atomic_inc(&tb->writes);
		if (!tb_copy(tb, c, sector, true))
			status = VIRTIO_BLK_S_IOERR;
		break;
	case VIRTIO_BLK_T_FLUSH:
		atomic_inc(&tb->flushes);
		break;
	case VIRTIO_BLK_T_GET_ID:
		if (c->nseg != 3 || !c->seg[1].wr || !tb->id) {
			status = VIRTIO_BLK_S_UNSUPP;
			break;
		}
		memcpy(c->seg[1].va, tb->id, min(tb->id_len, c->seg[1].len));
		break;
	case VIRTIO_BLK_T_DISCARD:
		atomic_inc(&tb->discards);
		if (!tb_ranges(tb, c, sector,
			       tb->cfg.max_discard_sectors,
			       tb->cfg.max_discard_seg, false))
			goto bad;
		break;
	case VIRTIO_BLK_T_WRITE_ZEROES:
		atomic_inc(&tb->write_zeroes);
		if (!tb_ranges(tb, c, sector,
			       tb->cfg.max_write_zeroes_sectors,
			       tb->cfg.max_write_zeroes_seg, true))
			goto bad;
		break;
	case VIRTIO_BLK_T_SECURE_ERASE:
		atomic_inc(&tb->secure_erases);
		if (!tb_ranges(tb, c, sector,
			       tb->cfg.max_secure_erase_sectors,
			       tb->cfg.max_secure_erase_seg, false))
			goto bad;
		break;
	default:
		status = VIRTIO_BLK_S_UNSUPP;
	}
	*(u8 *)st->va = status;
	return status;
bad:
	atomic_inc(&tb->bad);
	*(u8 *)st->va = VIRTIO_BLK_S_IOERR;
	return VIRTIO_BLK_S_IOERR;
}

/* The used length a device reports for a chain it served. */
static u32 tb_used_len(struct tb *tb, const struct fvdev_chain *c)
{
	u32 len = c->in_len;
	unsigned int i;

	if (tb->whole_chain_len)
		for (i = 0; i < c->nseg; i++)
			len += c->seg[i].wr ? 0 : c->seg[i].len;
	return len;
}

static s64 tb_handle(struct fvdev *d, struct fvdev_vq *fq,
		     const struct fvdev_chain *c)
{
	struct tb *tb = tb_get(d);

	if (READ_ONCE(tb->hold))
		return FVDEV_HOLD;
	tb_serve(tb, c);
	return FVDEV_DONE(tb_used_len(tb, c));
}

static bool tb_cfg_write(struct fvdev *d, unsigned int off, const void *buf,
			 unsigned int len)
{
	return !(tb_get(d)->ignore_wce &&
		 off == offsetof(struct virtio_blk_config, wce));
}

static void tb_cfg_read(struct fvdev *d, unsigned int off, unsigned int len)
{
	struct tb *tb = tb_get(d);

	if (READ_ONCE(tb->unplugged))
		atomic_inc(&tb->late_cfg_reads);
	if (off == offsetof(struct virtio_blk_config, capacity))
		atomic_inc(&tb->cap_reads);
}

static const struct fvdev_ops tb_ops = {
	.handle		= tb_handle,
	.cfg_write	= tb_cfg_write,
	.cfg_read	= tb_cfg_read,
};

static struct fvdev_vq *tb_vq(struct tb *tb, unsigned int i)
{
	return &tb->d->vq[i];
}

static void tb_rescue(struct fvdev *d);

/*
 * A case that ends early (a failed assertion) leaves requests with the
 * device: fail them all, as a device that is gone, before the harness
 * unplugs it; KUnit frees the pages they point at after that.
 */
static void tb_cleanup(void *data)
{
	struct tb *tb = data;
	unsigned int i;

	if (tb->unplugged || !tb->pd)
		return;
	WRITE_ONCE(tb->hold, false);
	fvdev_set_auto(tb->d, false);
	for (i = 0; i < tb->nvqs; i++) {
		while (fvdev_take_held(tb_vq(tb, i), tb->spare) ||
		       fvdev_pop(tb_vq(tb, i), tb->spare))
			fvdev_push(tb_vq(tb, i), tb->spare, 0);
		fvdev_interrupt(tb_vq(tb, i));
	}
	fvdev_vanish(tb->d);
	if (fvdev_unplug_timeout(tb->d, msecs_to_jiffies(TB_WAIT_MS), tb_rescue))
		kunit_err(tb->test, "the driver did not let go after a failure");
	WRITE_ONCE(tb->unplugged, true);
}

/* Create the device as tb says and let the virtio core probe pvblk. */
static int tb_plug_err(struct tb *tb)
{
	struct fvdev_cfg cfg = {
		.device_id	= VIRTIO_ID_BLOCK,
		.nvqs		= tb->nvqs,
		.num		= tb->num,
		.auto_respond	= true,
		.config		= &tb->cfg,
		.config_len	= sizeof(tb->cfg),
		.driver		= &pvblk_virtio_driver,
	};
	int err;

	cfg.features = tb->features;
	if (!tb->legacy)
		cfg.features |= BIT_ULL(VIRTIO_F_VERSION_1);
	if (tb->packed)
		cfg.features |= BIT_ULL(VIRTIO_F_RING_PACKED);
	if (tb->nvqs > 1) {
		cfg.features |= BIT_ULL(VIRTIO_BLK_F_MQ);
		tb->cfg.num_queues = tb_cfg16(tb->nvqs);
	}
	tb->d = fvdev_create(tb->test, &cfg, &tb_ops, tb);
	/* After the device's own end action: runs before it. */
	KUNIT_ASSERT_EQ(tb->test, kunit_add_action_or_reset(tb->test, tb_cleanup, tb), 0);
	err = fvdev_plug(tb->d);
	if (err)
		return err;
	tb->pd = pvblk_virtio_pd(&tb->d->vdev);
	KUNIT_ASSERT_NOT_NULL(tb->test, tb->pd);
	tb->disk = tb->pd->disk;
	return 0;
}

static void tb_plug(struct tb *tb)
{
	KUNIT_ASSERT_EQ(tb->test, tb_plug_err(tb), 0);
	KUNIT_ASSERT_EQ(tb->test, !!virtio_has_feature(&tb->d->vdev,
						       VIRTIO_F_RING_PACKED),
			tb->packed);
}

/* A chain as big as the harness's: on the heap, freed with the test. */
static struct fvdev_chain *tb_chain(struct tb *tb)
{
	struct fvdev_chain *c = kunit_kzalloc(tb->test, sizeof(*c), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(tb->test, c);
	return c;
}

/* Manual mode: the next chain the driver made available, within 2 s. */
static void tb_pop(struct tb *tb, unsigned int q, struct fvdev_chain *c)
{
	unsigned long end = jiffies + msecs_to_jiffies(TB_WAIT_MS);

	while (!fvdev_pop(tb_vq(tb, q), c)) {
		KUNIT_ASSERT_TRUE_MSG(tb->test, time_before(jiffies, end),
				      "no request reached the device");
		usleep_range(1000, 2000);
	}
}

/* Auto mode with tb->hold: take the oldest chain held, within 2 s. */
static void tb_take(struct tb *tb, unsigned int q, struct fvdev_chain *c)
{
	KUNIT_ASSERT_TRUE_MSG(tb->test, fvdev_wait_held(tb_vq(tb, q), 1,
							msecs_to_jiffies(TB_WAIT_MS)),
			      "the device holds no request");
	KUNIT_ASSERT_TRUE(tb->test, fvdev_take_held(tb_vq(tb, q), c));
}

/* Serve @c and complete it with the length a good device reports. */
static void tb_complete(struct tb *tb, unsigned int q, struct fvdev_chain *c)
{
	KUNIT_EXPECT_GE(tb->test, tb_serve(tb, c), 0);
	KUNIT_EXPECT_TRUE(tb->test, fvdev_push(tb_vq(tb, q), c, tb_used_len(tb, c)));
	fvdev_interrupt(tb_vq(tb, q));
}

/* Complete the oldest chain the device holds on @q, if one comes in 100 ms. */
static bool tb_complete_next(struct tb *tb, unsigned int q,
			     struct fvdev_chain *c)
{
	if (!fvdev_wait_held(tb_vq(tb, q), 1, msecs_to_jiffies(100)) ||
	    !fvdev_take_held(tb_vq(tb, q), c))
		return false;
	tb_complete(tb, q, c);
	return true;
}

/* ---- block I/O ----------------------------------------------------- */

/* May run in hardirq: no KUnit expectation here. */
static void tio_end(struct bio *bio)
{
	struct tio *t = bio->bi_private;

	t->status = bio->bi_status;
	t->seq = fvdev_seq_next();
	t->reset_at_end = READ_ONCE(t->d->reset_seq);
	atomic_inc(&t->ends);
	complete(&t->done);
	bio_put(bio);
}

/* A bio for io[@i]: @bytes of its page at @sector (none for a flush). */
static struct bio *tb_bio(struct tb *tb, struct block_device *bdev,
			  unsigned int i, blk_opf_t op, sector_t sector,
			  unsigned int bytes)
{
	struct tio *t = &tb->io[i];
	struct bio *bio;

	reinit_completion(&t->done);
	atomic_set(&t->ends, 0);
	t->status = BLK_STS_OK;
	t->d = tb->d;
	bio = bio_alloc(bdev, 1, op, GFP_KERNEL);
	bio->bi_iter.bi_sector = sector;
	switch (op & REQ_OP_MASK) {
	case REQ_OP_DISCARD:
	case REQ_OP_SECURE_ERASE:
	case REQ_OP_WRITE_ZEROES:
		/* An extent, no data. */
		bio->bi_iter.bi_size = bytes;
		break;
	default:
		if (bytes)
			__bio_add_page(bio, t->page, bytes, 0);
	}
	bio->bi_end_io = tio_end;
	bio->bi_private = t;
	return bio;
}

static struct tio *tb_submit_to(struct tb *tb, struct block_device *bdev,
				unsigned int i, blk_opf_t op, sector_t sector,
				unsigned int bytes)
{
	submit_bio(tb_bio(tb, bdev, i, op, sector, bytes));
	return &tb->io[i];
}

static struct tio *tb_submit(struct tb *tb, unsigned int i, blk_opf_t op,
			     sector_t sector, unsigned int bytes)
{
	return tb_submit_to(tb, tb->disk->part0, i, op, sector, bytes);
}

/*
 * From a worker, on @cpu (or any, WORK_CPU_UNBOUND): where submit_bio()
 * waits (a suspended disk's queue, no tag left).
 */
static struct tio *tb_submit_async_on(struct tb *tb, int cpu, unsigned int i,
				      blk_opf_t op, sector_t sector,
				      unsigned int bytes)
{
	struct tio *t = &tb->io[i];

	KUNIT_ASSERT_FALSE_MSG(tb->test, work_busy(&t->submit),
			       "io[%u] is still being submitted", i);
	t->bio = tb_bio(tb, tb->disk->part0, i, op, sector, bytes);
	get_device(disk_to_dev(tb->disk));
	get_device(&tb->d->vdev.dev);
	if (cpu == WORK_CPU_UNBOUND)
		queue_work(system_unbound_wq, &t->submit);
	else
		queue_work_on(cpu, system_wq, &t->submit);
	return t;
}

static struct tio *tb_submit_async(struct tb *tb, unsigned int i, blk_opf_t op,
				   sector_t sector, unsigned int bytes)
{
	return tb_submit_async_on(tb, WORK_CPU_UNBOUND, i, op, sector, bytes);
}

/* Whether the bio ended within @ms; its status in *@st. */
static bool tio_wait(struct tio *t, unsigned int ms)
{
	return wait_for_completion_timeout(&t->done, msecs_to_jiffies(ms));
}

static void tb_expect_end(struct tb *tb, struct tio *t, blk_status_t st)
{
	KUNIT_ASSERT_TRUE_MSG(tb->test, tio_wait(t, TB_WAIT_MS),
			      "a bio did not end");
	KUNIT_EXPECT_EQ(tb->test, blk_status_to_errno(t->status),
			blk_status_to_errno(st));
	KUNIT_EXPECT_EQ(tb->test, atomic_read(&t->ends), 1);
}

static void tb_expect_failed(struct tb *tb, struct tio *t)
{
	KUNIT_ASSERT_TRUE_MSG(tb->test, tio_wait(t, TB_WAIT_MS),
			      "a bio did not end");
	KUNIT_EXPECT_NE(tb->test, blk_status_to_errno(t->status), 0);
	KUNIT_EXPECT_EQ(tb->test, atomic_read(&t->ends), 1);
}

/* A read and a write through a device that answers: the disk works. */
static void tb_expect_usable(struct tb *tb)
{
	u8 *p = page_address(tb->io[TB_IOS - 1].page);

	WRITE_ONCE(tb->hold, false);
	fvdev_set_auto(tb->d, true);
	memset(p, 0x5a, SECTOR_SIZE);
	tb_expect_end(tb, tb_submit(tb, TB_IOS - 1, REQ_OP_WRITE, 100,
				    SECTOR_SIZE), BLK_STS_OK);
	KUNIT_EXPECT_EQ(tb->test, tb->store[100 * SECTOR_SIZE], 0x5a);
	memset(p, 0, SECTOR_SIZE);
	tb_expect_end(tb, tb_submit(tb, TB_IOS - 1, REQ_OP_READ, 100,
				    SECTOR_SIZE), BLK_STS_OK);
	KUNIT_EXPECT_EQ(tb->test, p[0], 0x5a);
}

/* ---- the end of every case ----------------------------------------- */

static void tb_rescue(struct fvdev *d)
{
	struct tb *tb = tb_get(d);

	kunit_err(tb->test, "remove is stuck: restarting the queues");
	blk_mq_start_stopped_hw_queues(tb->disk->queue, true);
}

/* Unplug, bounded: the driver must let go of the device in 2 s. */
static void tb_unplug(struct tb *tb)
{
	int err;

	if (tb->unplugged)
		return;
	err = fvdev_unplug_timeout(tb->d, msecs_to_jiffies(TB_WAIT_MS),
				   tb_rescue);
	KUNIT_EXPECT_EQ_MSG(tb->test, err, 0, "remove did not finish in time");
	WRITE_ONCE(tb->unplugged, true);
}

/* Nothing left behind: each case's last call. */
static void tb_finish(struct tb *tb)
{
	unsigned long end = jiffies + msecs_to_jiffies(TB_WAIT_MS);
	const char *why = NULL;

	tb_unplug(tb);
	KUNIT_EXPECT_EQ_MSG(tb->test, fvdev_violations(tb->d, &why), 0,
			    "the driver broke a ring rule: %s", why ?: "");
	KUNIT_EXPECT_EQ(tb->test, atomic_read(&tb->bad), 0);
	while (pvblk_kunit_live_devs() != tb->live_devs && time_before(jiffies, end))
		msleep(20);
	KUNIT_EXPECT_EQ_MSG(tb->test, pvblk_kunit_live_devs(), tb->live_devs,
			    "a disk was not freed");
	/* Its disk's count was added before the disk was counted gone. */
	smp_rmb();
	KUNIT_EXPECT_EQ_MSG(tb->test, pvblk_kunit_left_mapped(), tb->left_mapped,
			    "a freed disk's requests were not unmapped exactly once");
	KUNIT_EXPECT_EQ_MSG(tb->test, debug_locks, tb->debug_locks,
			    "lockdep turned itself off");
	KUNIT_EXPECT_EQ_MSG(tb->test, test_taint(TAINT_WARN), tb->taint_warn,
			    "the kernel warned");
}

/* ---- cases: the happy path ----------------------------------------- */

static void pvblk_fvdev_smoke_rw(struct kunit *test)
{
	struct tb *tb = tb_new(test);
	u8 *w, *r;

	tb_plug(tb);
	KUNIT_EXPECT_TRUE(test, fvdev_status_seen(tb->d, VIRTIO_CONFIG_S_DRIVER_OK));
	KUNIT_EXPECT_EQ(test, get_capacity(tb->disk), TB_SECTORS);
	w = page_address(tb->io[0].page);
	r = page_address(tb->io[1].page);
	get_random_bytes(w, PAGE_SIZE);
	tb_expect_end(tb, tb_submit(tb, 0, REQ_OP_WRITE, 16, PAGE_SIZE), BLK_STS_OK);
	KUNIT_EXPECT_MEMEQ(test, tb->store + 16 * SECTOR_SIZE, w, PAGE_SIZE);
	tb_expect_end(tb, tb_submit(tb, 1, REQ_OP_READ, 16, PAGE_SIZE), BLK_STS_OK);
	KUNIT_EXPECT_MEMEQ(test, r, w, PAGE_SIZE);
	/* A volatile cache: a preflush reaches the device as a flush. */
	tb_expect_end(tb, tb_submit(tb, 2, REQ_OP_WRITE | REQ_PREFLUSH, 24,
				    SECTOR_SIZE), BLK_STS_OK);
	KUNIT_EXPECT_GE(test, atomic_read(&tb->flushes), 1);
	tb_finish(tb);
}

/* ---- cases: what the device puts in the used ring ------------------ */

/*
 * A used-ring id the device never had: the virtio core breaks the
 * queue, and the held request and new ones must end with an error, the
 * disk dead and removable at once.
 */
static void tb_broken_by(struct tb *tb, u32 id)
{
	struct fvdev_chain *c = tb_chain(tb);
	struct tio *held;

	tb_plug(tb);
	fvdev_set_auto(tb->d, false);
	held = tb_submit(tb, 0, REQ_OP_READ, 0, PAGE_SIZE);
	tb_pop(tb, 0, c);
	KUNIT_EXPECT_TRUE(tb->test, fvdev_push_raw(tb_vq(tb, 0),
						   id == U32_MAX ? c->id + 1 : id,
						   c->in_len));
	fvdev_interrupt(tb_vq(tb, 0));
	tb_expect_failed(tb, held);
	tb_expect_failed(tb, tb_submit(tb, 1, REQ_OP_READ, 0, PAGE_SIZE));
	KUNIT_EXPECT_TRUE(tb->test, READ_ONCE(tb->pd->dead));
	tb_finish(tb);
}

static void pvblk_fvdev_used_id_out_of_range(struct kunit *test)
{
	struct tb *tb = tb_new(test);

	tb_broken_by(tb, tb->num + 5);
}

/* The id after the request's: no request's head (a free slot). */
static void pvblk_fvdev_used_id_non_head(struct kunit *test)
{
	struct tb *tb = tb_new(test);

	/* Three descriptors per request: the next id is inside the chain. */
	tb->features &= ~BIT_ULL(VIRTIO_RING_F_INDIRECT_DESC);
	tb->num = 8;
	tb_broken_by(tb, U32_MAX);
}

/* The same id twice: completed once, then the queue is broken. */
static void pvblk_fvdev_used_id_duplicate(struct kunit *test)
{
	struct tb *tb = tb_new(test);
	struct fvdev_chain *a = tb_chain(tb), *b = tb_chain(tb);
	struct tio *ta, *tb2;

	tb_plug(tb);
	fvdev_set_auto(tb->d, false);
	ta = tb_submit(tb, 0, REQ_OP_READ, 0, PAGE_SIZE);
	tb_pop(tb, 0, a);
	tb2 = tb_submit(tb, 1, REQ_OP_READ, 8, PAGE_SIZE);
	tb_pop(tb, 0, b);
	KUNIT_EXPECT_GE(test, tb_serve(tb, a), 0);
	KUNIT_EXPECT_TRUE(test, fvdev_push(tb_vq(tb, 0), a, a->in_len));
	KUNIT_EXPECT_TRUE(test, fvdev_push_raw(tb_vq(tb, 0), a->id, a->in_len));
	fvdev_interrupt(tb_vq(tb, 0));
	tb_expect_end(tb, ta, BLK_STS_OK);
	/* b was never completed by the device: it fails with it. */
	tb_expect_failed(tb, tb2);
	tb_finish(tb);
}

/*
 * used->idx moved past entries the device never wrote: the first entry
 * is real, the stale ones after it must not complete anything.
 */
static void pvblk_fvdev_used_idx_jump(struct kunit *test)
{
	struct tb *tb = tb_new(test);
	struct fvdev_chain *a = tb_chain(tb), *b = tb_chain(tb);
	struct tio *ta, *tb2;
	u16 jump;

	tb_plug(tb);
	fvdev_set_auto(tb->d, false);
	ta = tb_submit(tb, 0, REQ_OP_READ, 0, PAGE_SIZE);
	tb_pop(tb, 0, a);
	tb2 = tb_submit(tb, 1, REQ_OP_READ, 8, PAGE_SIZE);
	tb_pop(tb, 0, b);
	KUNIT_EXPECT_GE(test, tb_serve(tb, a), 0);
	KUNIT_EXPECT_TRUE(test, fvdev_push(tb_vq(tb, 0), a, a->in_len));
	jump = tb_vq(tb, 0)->used_idx + tb->num + 3;
	KUNIT_EXPECT_TRUE(test, fvdev_split_set_used_idx(tb_vq(tb, 0), jump));
	fvdev_interrupt(tb_vq(tb, 0));
	tb_expect_end(tb, ta, BLK_STS_OK);
	tb_expect_failed(tb, tb2);
	tb_finish(tb);
}

/*
 * One request answered by a device that gets one thing wrong: it must
 * end with @want and the disk must stay usable.
 */
static void tb_bad_answer(struct kunit *test, blk_opf_t op, int status,
			  s64 len_delta, s64 len, blk_status_t want)
{
	struct tb *tb = tb_new(test);
	struct fvdev_chain *c = tb_chain(tb);
	struct tio *t;
	u32 used;

	tb_plug(tb);
	fvdev_set_auto(tb->d, false);
	t = tb_submit(tb, 0, op, 0, PAGE_SIZE);
	tb_pop(tb, 0, c);
	KUNIT_EXPECT_GE(test, tb_serve(tb, c), 0);
	if (status >= 0)
		*(u8 *)c->seg[c->nseg - 1].va = status;
	used = len >= 0 ? len : c->in_len + len_delta;
	KUNIT_EXPECT_TRUE(test, fvdev_push(tb_vq(tb, 0), c, used));
	fvdev_interrupt(tb_vq(tb, 0));
	tb_expect_end(tb, t, want);
	KUNIT_EXPECT_GE(test, atomic64_read(&tb->pd->stats.errors), 1);
	tb_expect_usable(tb);
	tb_finish(tb);
}

/* The status byte left as the driver wrote it. */
static void pvblk_fvdev_status_unset(struct kunit *test)
{
	tb_bad_answer(test, REQ_OP_READ, 0xff, 0, -1, BLK_STS_IOERR);
}

static void pvblk_fvdev_status_garbage(struct kunit *test)
{
	tb_bad_answer(test, REQ_OP_WRITE, 0x7f, 0, -1, BLK_STS_IOERR);
}

static void pvblk_fvdev_status_unsupp(struct kunit *test)
{
	tb_bad_answer(test, REQ_OP_WRITE, VIRTIO_BLK_S_UNSUPP, 0, -1,
		      BLK_STS_NOTSUPP);
}

static void pvblk_fvdev_status_ioerr(struct kunit *test)
{
	tb_bad_answer(test, REQ_OP_READ, VIRTIO_BLK_S_IOERR, 0, -1,
		      BLK_STS_IOERR);
}

static void pvblk_fvdev_len_zero(struct kunit *test)
{
	tb_bad_answer(test, REQ_OP_WRITE, -1, 0, 0, BLK_STS_IOERR);
}

static void pvblk_fvdev_len_short_read(struct kunit *test)
{
	tb_bad_answer(test, REQ_OP_READ, -1, 0, 100, BLK_STS_IOERR);
}

static void pvblk_fvdev_len_overlong(struct kunit *test)
{
	tb_bad_answer(test, REQ_OP_READ, -1, 100, -1, BLK_STS_IOERR);
}

/*
 * A legacy device reporting the whole chain's length: the spec tells
 * drivers to ignore it there, so reads and writes work.
 */
static void pvblk_fvdev_legacy_whole_chain_len(struct kunit *test)
{
	struct tb *tb = tb_new(test);

	tb->legacy = true;
	tb->whole_chain_len = true;
	tb_plug(tb);
	KUNIT_EXPECT_FALSE(test, virtio_has_feature(&tb->d->vdev, VIRTIO_F_VERSION_1));
	tb_expect_usable(tb);
	tb_finish(tb);
}

/* ---- cases: polled queues ------------------------------------------ */

/* Two queues, the second without interrupts, whatever poll_queues says. */
static void tb_plan_polled(unsigned int offered, unsigned int *nr,
			   unsigned int *nr_poll)
{
	*nr = 2;
	*nr_poll = 1;
}

/*
 * Submit io[@i] as a polled bio (io_uring's IOPOLL): a page at @sector.
 * The caller holds a reference, to poll it after it ended.
 */
static struct bio *tb_submit_polled(struct tb *tb, unsigned int i,
				    blk_opf_t op, sector_t sector)
{
	struct bio *bio = tb_bio(tb, tb->disk->part0, i, op | REQ_POLLED,
				 sector, PAGE_SIZE);

	bio_get(bio);
	submit_bio(bio);
	return bio;
}

/*
 * Poll @bio's queue as io_uring does until io[@i] ended, ending what
 * each poll batched; whether it ended within 2 s. (bio_poll() also
 * answers 1 when it found nothing, as the task is running.)
 */
static bool tb_poll_end(struct tb *tb, unsigned int i, struct bio *bio,
			struct io_comp_batch *iob)
{
	unsigned long end = jiffies + msecs_to_jiffies(TB_WAIT_MS);
	struct tio *t = &tb->io[i];

	while (!atomic_read(&t->ends) && time_before(jiffies, end)) {
		bio_poll(bio, iob, 0);
		if (!rq_list_empty(&iob->req_list))
			iob->complete(iob);
		cond_resched();
	}
	return atomic_read(&t->ends);
}

/*
 * A polled bio goes to the queue without interrupts and ends only when
 * polled: a success with the poll's batch, after the poll, an error at
 * once with its status (a batch ends its requests as successes).
 */
static void pvblk_fvdev_polled_io(struct kunit *test)
{
	struct tb *tb = tb_new(test);
	struct fvdev_chain *c = tb_chain(tb);
	DEFINE_IO_COMP_BATCH(iob);
	struct bio *bio;
	u8 *p;

	tb->nvqs = 2;
	kunit_activate_static_stub(test, pvblk_plan_queues, tb_plan_polled);
	tb_plug(tb);
	kunit_deactivate_static_stub(test, pvblk_plan_queues);
	KUNIT_ASSERT_TRUE(test, tb->disk->queue->limits.features & BLK_FEAT_POLL);
	/* Blk-mq batches no request of an I/O scheduler. */
	KUNIT_ASSERT_NULL(test, tb->disk->queue->elevator);

	/* A write: the device completes it, the interrupt does not end it. */
	p = page_address(tb->io[0].page);
	memset(p, 0xa5, PAGE_SIZE);
	WRITE_ONCE(tb->hold, true);
	bio = tb_submit_polled(tb, 0, REQ_OP_WRITE, 16);
	tb_take(tb, 1, c);
	tb_complete(tb, 1, c);
	msleep(100);
	KUNIT_EXPECT_EQ(test, atomic_read(&tb->io[0].ends), 0);
	/* In the used ring already: one poll finds it. */
	bio_poll(bio, &iob, 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&tb->io[0].ends), 0);
	KUNIT_EXPECT_FALSE(test, rq_list_empty(&iob.req_list));
	if (!rq_list_empty(&iob.req_list))
		iob.complete(&iob);
	tb_expect_end(tb, &tb->io[0], BLK_STS_OK);
	bio_put(bio);
	KUNIT_EXPECT_EQ(test, tb->store[16 * SECTOR_SIZE], 0xa5);

	/* A read the device fails. */
	bio = tb_submit_polled(tb, 1, REQ_OP_READ, 16);
	tb_take(tb, 1, c);
	KUNIT_EXPECT_GE(test, tb_serve(tb, c), 0);
	*(u8 *)c->seg[c->nseg - 1].va = VIRTIO_BLK_S_IOERR;
	KUNIT_EXPECT_TRUE(test, fvdev_push(tb_vq(tb, 1), c, c->in_len));
	bio_poll(bio, &iob, 0);
	if (!rq_list_empty(&iob.req_list)) {
		KUNIT_FAIL(test, "a failed request went into the poll's batch");
		iob.complete(&iob);
	}
	tb_expect_end(tb, &tb->io[1], BLK_STS_IOERR);
	bio_put(bio);

	/* A read the device serves as it comes: the data written. */
	WRITE_ONCE(tb->hold, false);
	p = page_address(tb->io[2].page);
	bio = tb_submit_polled(tb, 2, REQ_OP_READ, 16);
	KUNIT_EXPECT_TRUE_MSG(test, tb_poll_end(tb, 2, bio, &iob),
			      "a polled bio did not end");
	tb_expect_end(tb, &tb->io[2], BLK_STS_OK);
	bio_put(bio);
	KUNIT_EXPECT_EQ(test, p[0], 0xa5);
	KUNIT_EXPECT_EQ(test, p[PAGE_SIZE - 1], 0xa5);

	/* Interrupts still end what goes to the other queue. */
	tb_expect_usable(tb);
	tb_finish(tb);
}

/* ---- cases: GET_ID ------------------------------------------------- */

static ssize_t tb_attr(struct tb *tb, const char *name, const char *store,
		       char *buf, umode_t *mode)
{
	struct device *dev = disk_to_dev(tb->disk);
	const struct attribute_group **g;
	struct attribute **a;
	int i;

	for (g = dev->groups; g && *g; g++) {
		for (a = (*g)->attrs, i = 0; a && *a; a++, i++) {
			struct device_attribute *da;

			if (strcmp((*a)->name, name))
				continue;
			da = container_of(*a, struct device_attribute, attr);
			if (mode)
				*mode = (*g)->is_visible ?
					(*g)->is_visible(&dev->kobj, *a, i) :
					(*a)->mode;
			if (store)
				return da->store(dev, da, store, strlen(store));
			return da->show(dev, da, buf);
		}
	}
	KUNIT_FAIL(tb->test, "no attribute %s", name);
	return -ENOENT;
}

static void tb_serial(struct kunit *test, const char *id, unsigned int len,
		      const char *want)
{
	struct tb *tb = tb_new(test);
	char *buf = tb->attr_buf;
	ssize_t n;

	tb->id = id;
	tb->id_len = len;
	tb_plug(tb);
	n = tb_attr(tb, "serial", NULL, buf, NULL);
	if (want) {
		KUNIT_EXPECT_EQ(test, n, strlen(want));
		KUNIT_EXPECT_STREQ(test, buf, want);
	} else {
		KUNIT_EXPECT_LT(test, n, 0);
		tb_expect_usable(tb);
	}
	tb_finish(tb);
}

/* 20 bytes, no NUL: all 20 shown, nothing past them. */
static void pvblk_fvdev_get_id_no_nul(struct kunit *test)
{
	tb_serial(test, "ABCDEFGHIJKLMNOPQRSTUVWXYZ", 26, "ABCDEFGHIJKLMNOPQRST\n");
}

static void pvblk_fvdev_get_id_control_bytes(struct kunit *test)
{
	tb_serial(test, "ab\x01\x1b[2Jc\x7f", 9, "ab??[2Jc?\n");
}

static void pvblk_fvdev_get_id_unsupp(struct kunit *test)
{
	tb_serial(test, NULL, 0, NULL);
}

/* ---- cases: the cache mode ----------------------------------------- */

static bool tb_write_cache(struct tb *tb)
{
	return tb->disk->queue->limits.features & BLK_FEAT_WRITE_CACHE;
}

/* A write of the cache mode the device ignores: it stays write back. */
static void pvblk_fvdev_cache_write_ignored(struct kunit *test)
{
	struct tb *tb = tb_new(test);
	char *buf = tb->attr_buf;
	int flushes;

	tb->features |= BIT_ULL(VIRTIO_BLK_F_CONFIG_WCE);
	tb->cfg.wce = 1;
	tb->ignore_wce = true;
	tb_plug(tb);
	KUNIT_EXPECT_TRUE(test, tb_write_cache(tb));
	KUNIT_EXPECT_EQ(test, tb_attr(tb, "cache_type", "write through", NULL, NULL),
			-EIO);
	KUNIT_EXPECT_TRUE(test, tb_write_cache(tb));
	tb_attr(tb, "cache_type", NULL, buf, NULL);
	KUNIT_EXPECT_STREQ(test, buf, "write back\n");
	flushes = atomic_read(&tb->flushes);
	tb_expect_end(tb, tb_submit(tb, 0, REQ_OP_WRITE | REQ_PREFLUSH, 0,
				    SECTOR_SIZE), BLK_STS_OK);
	KUNIT_EXPECT_GT(test, atomic_read(&tb->flushes), flushes);

	/* A device that takes the write: write through, no more flushes. */
	tb->ignore_wce = false;
	KUNIT_EXPECT_EQ(test, tb_attr(tb, "cache_type", "write through", NULL, NULL),
			strlen("write through"));
	KUNIT_EXPECT_FALSE(test, tb_write_cache(tb));
	tb_finish(tb);
}

/* The mode may change across the reset of a suspend: read it again. */
static void pvblk_fvdev_cache_reread_after_restore(struct kunit *test)
{
	struct tb *tb = tb_new(test);
	u8 wce = 0;

	tb->features |= BIT_ULL(VIRTIO_BLK_F_CONFIG_WCE);
	tb->cfg.wce = 1;
	tb_plug(tb);
	KUNIT_EXPECT_TRUE(test, tb_write_cache(tb));
	KUNIT_ASSERT_EQ(test, virtio_device_freeze(&tb->d->vdev), 0);
	fvdev_config_set(tb->d, offsetof(struct virtio_blk_config, wce), &wce,
			 1, false);
	KUNIT_ASSERT_EQ(test, virtio_device_restore(&tb->d->vdev), 0);
	KUNIT_EXPECT_FALSE(test, tb_write_cache(tb));
	tb_expect_usable(tb);
	tb_finish(tb);
}

/* Without CONFIG_WCE nobody can switch the mode: cache_type is 0444. */
static void pvblk_fvdev_cache_type_ro_without_wce(struct kunit *test)
{
	struct tb *tb = tb_new(test);
	char *buf = tb->attr_buf;
	umode_t mode = 0;

	tb_plug(tb);
	tb_attr(tb, "cache_type", NULL, buf, &mode);
	KUNIT_EXPECT_EQ(test, mode, 0444);
	KUNIT_EXPECT_STREQ(test, buf, "write back\n");
	tb_finish(tb);
}

/* ---- cases: a full ring -------------------------------------------- */

/*
 * A ring of 8 without indirect descriptors: a read takes 3 slots, so
 * the third of three reads finds the ring full. The device holds what
 * it gets.
 */
static void tb_small_ring(struct tb *tb)
{
	tb->features &= ~BIT_ULL(VIRTIO_RING_F_INDIRECT_DESC);
	tb->num = 8;
	tb_plug(tb);
	WRITE_ONCE(tb->hold, true);
}

/* In the window between a full ring and the core: complete the two. */
static void tb_full_window(struct pvblk_dev *pd, unsigned int qid)
{
	struct tb *tb = kunit_get_current_test()->priv;
	struct fvdev_chain *c = tb->spare;
	unsigned int i;

	if (tb->once)
		return;
	tb->once = true;
	for (i = 0; i < 2 && fvdev_take_held(tb_vq(tb, qid), c); i++) {
		tb_serve(tb, c);
		fvdev_push(tb_vq(tb, qid), c, c->in_len);
	}
	/* Inside ->queue_rq: spin, do not sleep. */
	fvdev_interrupt_atomic(tb_vq(tb, qid));
}

static void pvblk_fvdev_enospc_completion_in_stop_window(struct kunit *test)
{
	struct tb *tb = tb_new(test);
	struct fvdev_chain *c = tb_chain(tb);
	struct tio *t[3];
	int i;

	test->priv = tb;
	tb_small_ring(tb);
	t[0] = tb_submit(tb, 0, REQ_OP_READ, 0, PAGE_SIZE);
	t[1] = tb_submit(tb, 1, REQ_OP_READ, 8, PAGE_SIZE);
	KUNIT_ASSERT_TRUE(test, fvdev_wait_held(tb_vq(tb, 0), 2,
						msecs_to_jiffies(TB_WAIT_MS)));
	kunit_activate_static_stub(test, pvblk_virtio_ring_full_window,
				   tb_full_window);
	t[2] = tb_submit(tb, 2, REQ_OP_READ, 16, PAGE_SIZE);
	kunit_deactivate_static_stub(test, pvblk_virtio_ring_full_window);
	KUNIT_EXPECT_TRUE(test, tb->once);
	for (i = 0; i < 2; i++)
		tb_expect_end(tb, t[i], BLK_STS_OK);
	/* The third was sent again once the completions restarted the queue. */
	tb_take(tb, 0, c);
	tb_complete(tb, 0, c);
	tb_expect_end(tb, t[2], BLK_STS_OK);
	KUNIT_EXPECT_GE(test, atomic64_read(&tb->pd->stats.ring_full), 1);
	tb_finish(tb);
}

/* Without indirect descriptors a full ring is routine: nothing is lost. */
static void pvblk_fvdev_ring_full_routine(struct kunit *test)
{
	struct tb *tb = tb_new(test);
	struct fvdev_chain *c = tb_chain(tb);
	unsigned int i, sent = 0, done = 0, ended;
	unsigned long end;

	tb_small_ring(tb);
	end = jiffies + msecs_to_jiffies(5 * TB_WAIT_MS);
	while (done < TB_IOS && time_before(jiffies, end)) {
		/*
		 * As many as the tags (ring / 2): one more would wait for a
		 * tag in submit_bio(), in this thread, which completes them.
		 */
		for (ended = 0, i = 0; i < sent; i++)
			ended += atomic_read(&tb->io[i].ends);
		while (sent < TB_IOS && sent - ended < tb->pd->tag_set.queue_depth) {
			/* One request a bio: no merge of adjacent writes. */
			tb_submit(tb, sent, REQ_OP_WRITE | REQ_NOMERGE,
				  sent * 16, PAGE_SIZE);
			sent++;
		}
		done += tb_complete_next(tb, 0, c);
	}
	KUNIT_EXPECT_EQ(test, done, TB_IOS);
	for (i = 0; i < TB_IOS; i++)
		tb_expect_end(tb, &tb->io[i], BLK_STS_OK);
	KUNIT_EXPECT_GE(test, atomic64_read(&tb->pd->stats.ring_full), 1);
	tb_finish(tb);
}

/*
 * The ring is full and the kick meant to let the device drain it fails:
 * the queue is broken, and everything fails instead of waiting for a
 * completion that cannot come.
 */
static void pvblk_fvdev_kick_fails_on_full_ring(struct kunit *test)
{
	struct tb *tb = tb_new(test);
	int i;

	tb_small_ring(tb);
	tb_submit(tb, 0, REQ_OP_READ, 0, PAGE_SIZE);
	tb_submit(tb, 1, REQ_OP_READ, 8, PAGE_SIZE);
	KUNIT_ASSERT_TRUE(test, fvdev_wait_held(tb_vq(tb, 0), 2,
						msecs_to_jiffies(TB_WAIT_MS)));
	WRITE_ONCE(tb->d->notify_ok, false);
	tb_submit(tb, 2, REQ_OP_READ, 16, PAGE_SIZE);
	for (i = 0; i < 3; i++)
		tb_expect_failed(tb, &tb->io[i]);
	KUNIT_EXPECT_TRUE(test, READ_ONCE(tb->pd->dead));
	tb_finish(tb);
}

/* ---- cases: a plug's requests together (->queue_rqs) --------------- */

/* What pvblk's ->queue_rqs handed to the transport, batch by batch. */
static void tb_batch_issued(struct pvblk_dev *pd, unsigned int qid,
			    unsigned int n)
{
	struct tb *tb = kunit_get_current_test()->priv;

	atomic_inc(&tb->batches);
	atomic_add(n, &tb->batched);
}

/*
 * Several queues: blk-mq picks no I/O scheduler, so a plug's requests
 * go to ->queue_rqs. @n writes of a page each, from one CPU: on one
 * queue, whose index is returned. REQ_SYNC | REQ_IDLE: writeback
 * throttling, where built in, never holds such a write back.
 */
static unsigned int tb_plugged_writes(struct tb *tb, unsigned int n)
{
	struct blk_plug plug;
	unsigned int i, q;

	kunit_activate_static_stub(tb->test, pvblk_batch_issued,
				   tb_batch_issued);
	migrate_disable();
	q = tb->pd->tag_set.map[HCTX_TYPE_DEFAULT].mq_map[raw_smp_processor_id()];
	blk_start_plug(&plug);
	for (i = 0; i < n; i++) {
		get_random_bytes(page_address(tb->io[i].page), PAGE_SIZE);
		/* One request a bio: no merge of adjacent writes. */
		tb_submit(tb, i, REQ_OP_WRITE | REQ_SYNC | REQ_IDLE | REQ_NOMERGE,
			  i * 16, PAGE_SIZE);
	}
	blk_finish_plug(&plug);
	migrate_enable();
	kunit_deactivate_static_stub(tb->test, pvblk_batch_issued);
	return q;
}

static void tb_expect_written(struct tb *tb, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		tb_expect_end(tb, &tb->io[i], BLK_STS_OK);
		KUNIT_EXPECT_MEMEQ(tb->test, tb->store + i * 16 * SECTOR_SIZE,
				   page_address(tb->io[i].page), PAGE_SIZE);
	}
}

/*
 * A plug of 8 requests: handed to the transport in one batch, all in
 * the ring, one notification.
 */
static void pvblk_fvdev_plug_one_kick(struct kunit *test)
{
	struct tb *tb = tb_new(test);
	struct fvdev_chain *c = tb_chain(tb);
	unsigned int q, kicks[2];

	test->priv = tb;
	tb->nvqs = 2;
	tb_plug(tb);
	if (tb->disk->queue->elevator)
		kunit_skip(test, "one queue (one CPU): an I/O scheduler, no ->queue_rqs");
	WRITE_ONCE(tb->hold, true);
	kicks[0] = atomic_read(&tb_vq(tb, 0)->kicks);
	kicks[1] = atomic_read(&tb_vq(tb, 1)->kicks);
	q = tb_plugged_writes(tb, 8);
	KUNIT_ASSERT_TRUE(test, fvdev_wait_held(tb_vq(tb, q), 8,
						msecs_to_jiffies(TB_WAIT_MS)));
	KUNIT_EXPECT_EQ(test, atomic_read(&tb->batches), 1);
	KUNIT_EXPECT_EQ(test, atomic_read(&tb->batched), 8);
	KUNIT_EXPECT_EQ(test, atomic_read(&tb_vq(tb, q)->kicks) - kicks[q], 1);
	while (fvdev_take_held(tb_vq(tb, q), c))
		tb_complete(tb, q, c);
	tb_expect_written(tb, 8);
	tb_finish(tb);
}

/*
 * A plug larger than the ring: the ring fills inside ->queue_rqs, the
 * rest waits behind the stopped queue and goes out as completions make
 * room. Nothing is lost, nothing ends twice.
 */
static void pvblk_fvdev_plug_ring_full(struct kunit *test)
{
	struct tb *tb = tb_new(test);
	struct fvdev_chain *c = tb_chain(tb);
	unsigned int q, n, done = 0;
	unsigned long end;

	test->priv = tb;
	tb->nvqs = 2;
	tb_small_ring(tb);
	if (tb->disk->queue->elevator)
		kunit_skip(test, "one queue (one CPU): an I/O scheduler, no ->queue_rqs");
	/*
	 * Fewer than the tags: one more than there are would wait for one
	 * in this thread, and anything else holding one would too.
	 */
	n = min(tb->pd->tag_set.queue_depth - 1, TB_IOS);
	/* Three descriptors a request: the ring takes fewer than that. */
	KUNIT_ASSERT_GT(test, n * 3, tb->num);
	q = tb_plugged_writes(tb, n);
	/* One batch, cut where the ring was full; the rest went back. */
	KUNIT_EXPECT_EQ(test, atomic_read(&tb->batches), 1);
	KUNIT_EXPECT_EQ(test, atomic_read(&tb->batched), tb->num / 3);
	end = jiffies + msecs_to_jiffies(5 * TB_WAIT_MS);
	while (done < n && time_before(jiffies, end))
		done += tb_complete_next(tb, q, c);
	KUNIT_EXPECT_EQ(test, done, n);
	tb_expect_written(tb, n);
	KUNIT_EXPECT_GE(test, atomic64_read(&tb->pd->stats.ring_full), 1);
	tb_finish(tb);
}

/*
 * Behind a stopped queue, with no I/O scheduler, requests wait in the
 * submitting CPU's software queue: a bio that continues one of them
 * joins it there (BLK_MQ_F_SHOULD_MERGE) and takes no request of its own.
 * The device sees one write where three bios were sent after its ring
 * filled.
 */
static void pvblk_fvdev_merge_behind_full_ring(struct kunit *test)
{
	const blk_opf_t write = REQ_OP_WRITE | REQ_SYNC | REQ_IDLE;
	struct tb *tb = tb_new(test);
	struct fvdev_chain *c = tb_chain(tb);
	unsigned int i, q, ended = 0;
	unsigned long end;
	struct tio *t;
	int cpu;

	test->priv = tb;
	tb->nvqs = 2;
	tb_small_ring(tb);
	if (tb->disk->queue->elevator)
		kunit_skip(test, "one queue (one CPU): an I/O scheduler merges instead");
	/* Four tags: two reads fill the ring, io[2] finds it full. */
	KUNIT_ASSERT_EQ(test, tb->pd->tag_set.queue_depth, tb->num / 2);
	for (i = 2; i < 5; i++)
		get_random_bytes(page_address(tb->io[i].page), PAGE_SIZE);
	migrate_disable();
	cpu = raw_smp_processor_id();
	q = tb->pd->tag_set.map[HCTX_TYPE_DEFAULT].mq_map[cpu];
	tb_submit(tb, 0, REQ_OP_READ, 0, PAGE_SIZE);
	tb_submit(tb, 1, REQ_OP_READ, 64, PAGE_SIZE);
	tb_submit(tb, 2, write, 128, PAGE_SIZE);
	/* The queue is stopped: io[3] waits in this CPU's software queue. */
	tb_submit(tb, 3, write, 256, PAGE_SIZE);
	migrate_enable();
	KUNIT_EXPECT_GE(test, atomic64_read(&tb->pd->stats.ring_full), 1);
	/*
	 * The last tag is taken: without the merge io[4] waits for one in
	 * submit_bio(). From a worker on the same CPU (the same software
	 * queue), while this thread plays the device.
	 */
	t = tb_submit_async_on(tb, cpu, 4, write, 256 + PAGE_SECTORS, PAGE_SIZE);
	end = jiffies + msecs_to_jiffies(TB_WAIT_MS);
	while (work_busy(&t->submit) && time_before(jiffies, end))
		usleep_range(1000, 2000);
	KUNIT_EXPECT_FALSE_MSG(test, work_busy(&t->submit),
			       "a bio that continues a waiting request waited for a tag");
	end = jiffies + msecs_to_jiffies(5 * TB_WAIT_MS);
	while (ended < 5 && time_before(jiffies, end)) {
		tb_complete_next(tb, q, c);
		for (ended = 0, i = 0; i < 5; i++)
			ended += atomic_read(&tb->io[i].ends);
	}
	for (i = 0; i < 5; i++)
		tb_expect_end(tb, &tb->io[i], BLK_STS_OK);
	KUNIT_EXPECT_MEMEQ(test, tb->store + 128 * SECTOR_SIZE,
			   page_address(tb->io[2].page), PAGE_SIZE);
	KUNIT_EXPECT_MEMEQ(test, tb->store + 256 * SECTOR_SIZE,
			   page_address(tb->io[3].page), PAGE_SIZE);
	KUNIT_EXPECT_MEMEQ(test, tb->store + (256 + PAGE_SECTORS) * SECTOR_SIZE,
			   page_address(tb->io[4].page), PAGE_SIZE);
	/* io[2] alone, io[3] and io[4] as one. */
	KUNIT_EXPECT_EQ(test, atomic_read(&tb->writes), 2);
	tb_finish(tb);
}

/* ---- cases: removal ------------------------------------------------ */

/*
 * The device vanishes holding two requests, a third parked on the
 * stopped queue: removal fails all three, promptly.
 */
static void pvblk_fvdev_surprise_remove_stopped_hctx(struct kunit *test)
{
	struct tb *tb = tb_new(test);
	int i;

	tb_small_ring(tb);
	for (i = 0; i < 3; i++)
		tb_submit(tb, i, REQ_OP_READ, i * 8, PAGE_SIZE);
	KUNIT_ASSERT_TRUE(test, fvdev_wait_held(tb_vq(tb, 0), 2,
						msecs_to_jiffies(TB_WAIT_MS)));
	KUNIT_EXPECT_GE(test, atomic64_read(&tb->pd->stats.ring_full), 1);
	fvdev_vanish(tb->d);
	tb_unplug(tb);
	for (i = 0; i < 3; i++)
		tb_expect_failed(tb, &tb->io[i]);
	tb_finish(tb);
}

/*
 * Removal of a vanished device with a request in flight: the device is
 * reset before the request is failed, so it can no longer write into
 * the request's pages or complete it again.
 */
static void pvblk_fvdev_surprise_remove_reset_before_cancel(struct kunit *test)
{
	struct tb *tb = tb_new(test);
	struct tio *t;
	u64 seq;

	tb_plug(tb);
	WRITE_ONCE(tb->hold, true);
	t = tb_submit(tb, 0, REQ_OP_READ, 0, PAGE_SIZE);
	KUNIT_ASSERT_TRUE(test, fvdev_wait_held(tb_vq(tb, 0), 1,
						msecs_to_jiffies(TB_WAIT_MS)));
	fvdev_vanish(tb->d);
	seq = fvdev_seq_next();
	tb_unplug(tb);
	tb_expect_failed(tb, t);
	/* Reset once removal began, and before the request ended. */
	KUNIT_EXPECT_GT(test, t->reset_at_end, seq);
	tb_finish(tb);
}

/*
 * Two queues: the device breaks the second while the first holds a
 * request. The whole device is failed at once, not at removal, and
 * removal is prompt.
 */
static void pvblk_fvdev_remove_one_broken_queue_inflight(struct kunit *test)
{
	struct tb *tb = tb_new(test);
	struct fvdev_vq *other;
	unsigned long end;
	struct tio *t;

	if (nr_cpu_ids < 2)
		kunit_skip(test, "needs two CPUs, for two queues");
	/*
	 * Two queues with interrupts, whatever pvblk.poll_queues asks for
	 * (a polled queue that nobody polls sees its breakage only when a
	 * request on it times out): a third for the poll queue, if any.
	 */
	tb->nvqs = 3;
	tb_plug(tb);
	KUNIT_ASSERT_EQ(test, tb->pd->nr_queues - tb->pd->nr_poll_queues, 2);
	WRITE_ONCE(tb->hold, true);
	t = tb_submit(tb, 0, REQ_OP_READ, 0, PAGE_SIZE);
	end = jiffies + msecs_to_jiffies(TB_WAIT_MS);
	while (!READ_ONCE(tb_vq(tb, 0)->nr_held) && !READ_ONCE(tb_vq(tb, 1)->nr_held)) {
		KUNIT_ASSERT_TRUE_MSG(test, time_before(jiffies, end),
				      "the device holds no request");
		usleep_range(1000, 2000);
	}
	/* The other queue has nothing in flight: any id breaks it. */
	other = tb_vq(tb, READ_ONCE(tb_vq(tb, 0)->nr_held) ? 1 : 0);
	KUNIT_EXPECT_TRUE(test, fvdev_push_raw(other, 0, 1));
	fvdev_interrupt(other);
	tb_expect_failed(tb, t);
	KUNIT_EXPECT_TRUE(test, READ_ONCE(tb->pd->dead));
	tb_finish(tb);
}

/*
 * An fd open across the removal keeps the disk: its operations must
 * not reach the freed device, and the disk goes with the last close.
 */
static void pvblk_fvdev_fd_held_across_remove(struct kunit *test)
{
	struct tb *tb = tb_new(test);
	struct hd_geometry geo;
	unsigned long end;
	struct file *f;

	tb_plug(tb);
	f = bdev_file_open_by_dev(disk_devt(tb->disk), BLK_OPEN_READ, NULL, NULL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, f);
	KUNIT_EXPECT_EQ(test, tb->disk->fops->getgeo(file_bdev(f), &geo), 0);
	tb_unplug(tb);
	KUNIT_EXPECT_EQ(test, pvblk_kunit_live_devs(), tb->live_devs + 1);
	KUNIT_EXPECT_EQ(test, tb->disk->fops->getgeo(file_bdev(f), &geo), -ENXIO);
	tb_expect_failed(tb, tb_submit_to(tb, file_bdev(f), 0, REQ_OP_READ, 0,
					  PAGE_SIZE));
	bdev_fput(f);
	flush_delayed_fput();
	end = jiffies + msecs_to_jiffies(TB_WAIT_MS);
	while (pvblk_kunit_live_devs() != tb->live_devs && time_before(jiffies, end))
		msleep(20);
	tb_finish(tb);
}

/* The device stops taking notifications: the queue breaks, I/O fails. */
static void pvblk_fvdev_notify_fails(struct kunit *test)
{
	struct tb *tb = tb_new(test);

	tb_plug(tb);
	fvdev_set_auto(tb->d, false);
	WRITE_ONCE(tb->d->notify_ok, false);
	tb_expect_failed(tb, tb_submit(tb, 0, REQ_OP_READ, 0, PAGE_SIZE));
	tb_expect_failed(tb, tb_submit(tb, 1, REQ_OP_READ, 0, PAGE_SIZE));
	KUNIT_EXPECT_TRUE(test, READ_ONCE(tb->pd->dead));
	tb_finish(tb);
}

/* ---- cases: config changes and suspend ----------------------------- */

static void tb_set_capacity(struct tb *tb, u64 sectors, bool irq)
{
	__le64 v = cpu_to_le64(sectors);

	fvdev_config_set(tb->d, offsetof(struct virtio_blk_config, capacity),
			 &v, sizeof(v), irq);
}

/* A config change while frozen is applied after the restore. */
static void pvblk_fvdev_config_irq_during_freeze(struct kunit *test)
{
	struct tb *tb = tb_new(test);
	int reads;

	tb_plug(tb);
	KUNIT_ASSERT_EQ(test, virtio_device_freeze(&tb->d->vdev), 0);
	tb_set_capacity(tb, TB_SECTORS / 2, true);
	msleep(20);
	KUNIT_EXPECT_EQ(test, get_capacity(tb->disk), TB_SECTORS);
	KUNIT_ASSERT_EQ(test, virtio_device_restore(&tb->d->vdev), 0);
	reads = atomic_read(&tb->cap_reads);
	flush_workqueue(pvblk_virtio_config_wq());
	KUNIT_EXPECT_EQ(test, get_capacity(tb->disk), TB_SECTORS / 2);
	/* The parked config interrupt reached the driver after the restore. */
	KUNIT_EXPECT_GT(test, atomic_read(&tb->cap_reads), reads);
	tb_expect_usable(tb);
	tb_finish(tb);
}

/* The PM core freezes freezable workqueues before the devices. */
static void pvblk_fvdev_config_wq_not_freezable(struct kunit *test)
{
	KUNIT_ASSERT_NOT_NULL(test, pvblk_virtio_config_wq());
	KUNIT_EXPECT_PTR_NE(test, pvblk_virtio_config_wq(), system_freezable_wq);
}

/* Config interrupts by the hundred, with I/O: the last value wins. */
static void pvblk_fvdev_config_irq_storm(struct kunit *test)
{
	struct tb *tb = tb_new(test);
	int i;

	tb_plug(tb);
	/* A change now and then: each is two lines on a slow console. */
	for (i = 0; i < 500; i++) {
		tb_set_capacity(tb, (i / 100) & 1 ? TB_SECTORS / 2 : TB_SECTORS,
				true);
		if (!(i % 50))
			tb_expect_end(tb, tb_submit(tb, 0, REQ_OP_READ, 0,
						    SECTOR_SIZE), BLK_STS_OK);
	}
	tb_set_capacity(tb, TB_SECTORS / 4, true);
	msleep(50);
	flush_workqueue(pvblk_virtio_config_wq());
	KUNIT_EXPECT_EQ(test, get_capacity(tb->disk), TB_SECTORS / 4);
	tb_finish(tb);
}

/* Config interrupts, then removal: no config work runs after it. */
static void pvblk_fvdev_config_storm_then_remove(struct kunit *test)
{
	struct tb *tb = tb_new(test);
	int i;

	tb_plug(tb);
	for (i = 0; i < 100; i++)
		tb_set_capacity(tb, i < 50 ? TB_SECTORS / 2 : TB_SECTORS, true);
	tb_unplug(tb);
	msleep(50);
	KUNIT_EXPECT_EQ(test, atomic_read(&tb->late_cfg_reads), 0);
	tb_finish(tb);
}

/* The device does not come back from suspend: I/O fails, removal works. */
static void pvblk_fvdev_remove_after_failed_restore(struct kunit *test)
{
	struct tb *tb = tb_new(test);
	struct tio *t;

	tb_plug(tb);
	KUNIT_ASSERT_EQ(test, virtio_device_freeze(&tb->d->vdev), 0);
	t = tb_submit_async(tb, 0, REQ_OP_READ, 0, PAGE_SIZE);
	KUNIT_EXPECT_FALSE(test, tio_wait(t, 100));
	WRITE_ONCE(tb->d->fail_find_vqs, -ENOMEM);
	KUNIT_EXPECT_NE(test, virtio_device_restore(&tb->d->vdev), 0);
	tb_expect_failed(tb, t);
	tb_finish(tb);
}

/* Removed while suspended: the I/O waiting for the resume fails. */
static void pvblk_fvdev_remove_while_suspended(struct kunit *test)
{
	struct tb *tb = tb_new(test);
	struct tio *t;

	tb_plug(tb);
	KUNIT_ASSERT_EQ(test, virtio_device_freeze(&tb->d->vdev), 0);
	t = tb_submit_async(tb, 0, REQ_OP_WRITE, 0, PAGE_SIZE);
	KUNIT_EXPECT_FALSE(test, tio_wait(t, 100));
	tb_unplug(tb);
	tb_expect_failed(tb, t);
	tb_finish(tb);
}

/*
 * I/O issued while suspended waits, and completes after the resume. It
 * waits without a request: a CPU going offline in the suspend waits for
 * the requests of its hardware queues (blk_mq_hctx_notify_offline()),
 * and one held back in a quiesced queue would never end.
 */
static void pvblk_fvdev_freeze_restore_with_io(struct kunit *test)
{
	struct tb *tb = tb_new(test);
	struct request *rq;
	int i;

	tb_plug(tb);
	KUNIT_ASSERT_EQ(test, virtio_device_freeze(&tb->d->vdev), 0);
	for (i = 0; i < 8; i++) {
		memset(page_address(tb->io[i].page), i + 1, PAGE_SIZE);
		tb_submit_async(tb, i, REQ_OP_WRITE, i * 8, PAGE_SIZE);
	}
	KUNIT_EXPECT_FALSE(test, tio_wait(&tb->io[0], 100));
	rq = blk_mq_alloc_request(tb->disk->queue, REQ_OP_READ, BLK_MQ_REQ_NOWAIT);
	KUNIT_EXPECT_TRUE_MSG(test, IS_ERR(rq),
			      "a request could be allocated while suspended");
	if (!IS_ERR(rq))
		blk_mq_free_request(rq);
	KUNIT_ASSERT_EQ(test, virtio_device_restore(&tb->d->vdev), 0);
	for (i = 0; i < 8; i++) {
		tb_expect_end(tb, &tb->io[i], BLK_STS_OK);
		KUNIT_EXPECT_EQ(test, tb->store[i * 8 * SECTOR_SIZE], i + 1);
	}
	tb_finish(tb);
}

/* ---- cases: limits from the device --------------------------------- */

/*
 * No SEG_MAX, indirect descriptors, a ring of 16: no chain may be longer
 * than the ring (the virtio core falls back to direct descriptors).
 */
static void pvblk_fvdev_no_seg_max_indirect_small_ring(struct kunit *test)
{
	struct tb *tb = tb_new(test);
	struct bio *bio;
	struct tio *t = &tb->io[0];
	int i;

	tb->num = 16;
	tb_plug(tb);
	KUNIT_EXPECT_LE(test, queue_max_segments(tb->disk->queue), 14);
	/* 18 separate pages, 512 bytes each: 18 segments before the split. */
	reinit_completion(&t->done);
	atomic_set(&t->ends, 0);
	t->status = BLK_STS_OK;
	t->d = tb->d;
	bio = bio_alloc(tb->disk->part0, TB_IOS - 2, REQ_OP_WRITE, GFP_KERNEL);
	for (i = 2; i < TB_IOS; i++)
		__bio_add_page(bio, tb->io[i].page, SECTOR_SIZE, 0);
	bio->bi_end_io = tio_end;
	bio->bi_private = t;
	submit_bio(bio);
	tb_expect_end(tb, t, BLK_STS_OK);
	tb_finish(tb);
}

/* A discard granularity above the maximum is clamped to it. */
static void pvblk_fvdev_discard_granularity_above_max(struct kunit *test)
{
	struct tb *tb = tb_new(test);

	tb->features |= BIT_ULL(VIRTIO_BLK_F_DISCARD);
	tb->cfg.max_discard_sectors = tb_cfg32(8);
	tb->cfg.max_discard_seg = tb_cfg32(1);
	tb->cfg.discard_sector_alignment = tb_cfg32(2048);
	tb_plug(tb);
	KUNIT_EXPECT_LE(test, tb->disk->queue->limits.discard_granularity,
			8 * SECTOR_SIZE);
	tb_expect_end(tb, tb_submit(tb, 0, REQ_OP_DISCARD, 0, 64 * SECTOR_SIZE),
		      BLK_STS_OK);
	KUNIT_EXPECT_GE(test, atomic_read(&tb->discards), 8);
	KUNIT_EXPECT_LE(test, tb->max_range, 8);
	tb_finish(tb);
}

/* Discard and write-zeroes ranges reach the device as the spec lays them. */
static void pvblk_fvdev_discard_ranges(struct kunit *test)
{
	struct tb *tb = tb_new(test);

	tb->features |= BIT_ULL(VIRTIO_BLK_F_DISCARD) |
			BIT_ULL(VIRTIO_BLK_F_WRITE_ZEROES);
	tb->cfg.max_discard_sectors = tb_cfg32(1024);
	tb->cfg.max_discard_seg = tb_cfg32(4);
	tb->cfg.max_write_zeroes_sectors = tb_cfg32(1024);
	tb->cfg.max_write_zeroes_seg = tb_cfg32(4);
	tb->cfg.write_zeroes_may_unmap = 1;
	tb_plug(tb);
	tb_expect_end(tb, tb_submit(tb, 0, REQ_OP_DISCARD, 64, 32 * SECTOR_SIZE),
		      BLK_STS_OK);
	KUNIT_EXPECT_EQ(test, atomic_read(&tb->discards), 1);
	KUNIT_EXPECT_EQ(test, tb->range_sector, 64);
	KUNIT_EXPECT_EQ(test, tb->max_range, 32);
	KUNIT_EXPECT_EQ(test, tb->range_flags, 0);
	tb_expect_end(tb, tb_submit(tb, 1, REQ_OP_WRITE_ZEROES, 128,
				    16 * SECTOR_SIZE), BLK_STS_OK);
	KUNIT_EXPECT_EQ(test, atomic_read(&tb->write_zeroes), 1);
	KUNIT_EXPECT_EQ(test, tb->range_sector, 128);
	KUNIT_EXPECT_EQ(test, tb->range_flags, VIRTIO_BLK_WRITE_ZEROES_FLAG_UNMAP);
	tb_finish(tb);
}

/*
 * Secure erase, as virtio_blk drives it: its own command with a range,
 * within the device's limit; the limit is the device's.
 */
static void pvblk_fvdev_secure_erase(struct kunit *test)
{
	struct tb *tb = tb_new(test);

	tb->features |= BIT_ULL(VIRTIO_BLK_F_SECURE_ERASE);
	tb->cfg.max_secure_erase_sectors = tb_cfg32(1024);
	tb->cfg.max_secure_erase_seg = tb_cfg32(2);
	tb->cfg.secure_erase_sector_alignment = tb_cfg32(8);
	tb_plug(tb);
	KUNIT_EXPECT_EQ(test, bdev_max_secure_erase_sectors(tb->disk->part0), 1024);
	KUNIT_EXPECT_EQ(test, bdev_max_discard_sectors(tb->disk->part0), 0);
	tb_expect_end(tb, tb_submit(tb, 0, REQ_OP_SECURE_ERASE, 64,
				    32 * SECTOR_SIZE), BLK_STS_OK);
	KUNIT_EXPECT_EQ(test, atomic_read(&tb->secure_erases), 1);
	KUNIT_EXPECT_EQ(test, atomic_read(&tb->discards), 0);
	KUNIT_EXPECT_EQ(test, tb->range_sector, 64);
	KUNIT_EXPECT_EQ(test, tb->max_range, 32);
	KUNIT_EXPECT_EQ(test, tb->range_flags, 0);
	/* The whole disk, twice the limit: two commands, none above it. */
	tb_expect_end(tb, tb_submit(tb, 1, REQ_OP_SECURE_ERASE, 0,
				    TB_SECTORS * SECTOR_SIZE), BLK_STS_OK);
	KUNIT_EXPECT_EQ(test, atomic_read(&tb->secure_erases), 3);
	KUNIT_EXPECT_EQ(test, tb->max_range, 1024);
	tb_finish(tb);
}

/* An 8 KiB physical block is real: the disk reports it. */
static void pvblk_fvdev_physical_block_8k(struct kunit *test)
{
	struct tb *tb = tb_new(test);

	tb->features |= BIT_ULL(VIRTIO_BLK_F_TOPOLOGY);
	tb->cfg.physical_block_exp = 4;
	tb_plug(tb);
	KUNIT_EXPECT_EQ(test, queue_physical_block_size(tb->disk->queue), 8192);
	tb_finish(tb);
}

/* A device value that cannot be driven: no DRIVER_OK, FAILED instead. */
static void pvblk_fvdev_driver_ok_after_validation(struct kunit *test)
{
	struct tb *tb = tb_new(test);

	tb->features |= BIT_ULL(VIRTIO_BLK_F_BLK_SIZE);
	tb->cfg.blk_size = tb_cfg32(3);
	KUNIT_EXPECT_NE(test, tb_plug_err(tb), 0);
	KUNIT_EXPECT_FALSE(test, fvdev_status_seen(tb->d, VIRTIO_CONFIG_S_DRIVER_OK));
	KUNIT_EXPECT_TRUE(test, fvdev_status_seen(tb->d, VIRTIO_CONFIG_S_FAILED));
	tb->unplugged = true;
	tb_finish(tb);
}

/* Like virtio_blk: rotational unless user space says otherwise. */
static void pvblk_fvdev_rotational(struct kunit *test)
{
	struct tb *tb = tb_new(test);

	tb_plug(tb);
	KUNIT_EXPECT_FALSE(test, blk_queue_nonrot(tb->disk->queue));
	tb_finish(tb);
}

static struct kunit_case pvblk_fvdev_cases[] = {
	KUNIT_CASE_PARAM(pvblk_fvdev_smoke_rw, tb_ring_gen_params),
	KUNIT_CASE_PARAM(pvblk_fvdev_used_id_out_of_range, tb_ring_gen_params),
	KUNIT_CASE_PARAM(pvblk_fvdev_used_id_non_head, tb_ring_gen_params),
	KUNIT_CASE_PARAM(pvblk_fvdev_used_id_duplicate, tb_ring_gen_params),
	KUNIT_CASE(pvblk_fvdev_used_idx_jump),
	KUNIT_CASE_PARAM(pvblk_fvdev_status_unset, tb_ring_gen_params),
	KUNIT_CASE_PARAM(pvblk_fvdev_status_garbage, tb_ring_gen_params),
	KUNIT_CASE_PARAM(pvblk_fvdev_status_unsupp, tb_ring_gen_params),
	KUNIT_CASE_PARAM(pvblk_fvdev_status_ioerr, tb_ring_gen_params),
	KUNIT_CASE_PARAM(pvblk_fvdev_len_zero, tb_ring_gen_params),
	KUNIT_CASE_PARAM(pvblk_fvdev_len_short_read, tb_ring_gen_params),
	KUNIT_CASE_PARAM(pvblk_fvdev_len_overlong, tb_ring_gen_params),
	KUNIT_CASE(pvblk_fvdev_legacy_whole_chain_len),
	KUNIT_CASE_PARAM(pvblk_fvdev_polled_io, tb_ring_gen_params),
	KUNIT_CASE_PARAM(pvblk_fvdev_get_id_no_nul, tb_ring_gen_params),
	KUNIT_CASE_PARAM(pvblk_fvdev_get_id_control_bytes, tb_ring_gen_params),
	KUNIT_CASE_PARAM(pvblk_fvdev_get_id_unsupp, tb_ring_gen_params),
	KUNIT_CASE_PARAM(pvblk_fvdev_cache_write_ignored, tb_ring_gen_params),
	KUNIT_CASE_PARAM(pvblk_fvdev_cache_reread_after_restore, tb_ring_gen_params),
	KUNIT_CASE(pvblk_fvdev_cache_type_ro_without_wce),
	KUNIT_CASE_PARAM(pvblk_fvdev_enospc_completion_in_stop_window,
			 tb_ring_gen_params),
	KUNIT_CASE_PARAM(pvblk_fvdev_ring_full_routine, tb_ring_gen_params),
	KUNIT_CASE_PARAM(pvblk_fvdev_kick_fails_on_full_ring, tb_ring_gen_params),
	KUNIT_CASE_PARAM(pvblk_fvdev_plug_one_kick, tb_ring_gen_params),
	KUNIT_CASE_PARAM(pvblk_fvdev_plug_ring_full, tb_ring_gen_params),
	KUNIT_CASE_PARAM(pvblk_fvdev_merge_behind_full_ring, tb_ring_gen_params),
	KUNIT_CASE_PARAM(pvblk_fvdev_surprise_remove_stopped_hctx, tb_ring_gen_params),
	KUNIT_CASE_PARAM(pvblk_fvdev_surprise_remove_reset_before_cancel,
			 tb_ring_gen_params),
	KUNIT_CASE_PARAM(pvblk_fvdev_remove_one_broken_queue_inflight,
			 tb_ring_gen_params),
	KUNIT_CASE_PARAM(pvblk_fvdev_fd_held_across_remove, tb_ring_gen_params),
	KUNIT_CASE_PARAM(pvblk_fvdev_notify_fails, tb_ring_gen_params),
	KUNIT_CASE_PARAM(pvblk_fvdev_config_irq_during_freeze, tb_ring_gen_params),
	KUNIT_CASE(pvblk_fvdev_config_wq_not_freezable),
	KUNIT_CASE(pvblk_fvdev_config_irq_storm),
	KUNIT_CASE(pvblk_fvdev_config_storm_then_remove),
	KUNIT_CASE_PARAM(pvblk_fvdev_remove_after_failed_restore, tb_ring_gen_params),
	KUNIT_CASE_PARAM(pvblk_fvdev_freeze_restore_with_io, tb_ring_gen_params),
	KUNIT_CASE_PARAM(pvblk_fvdev_remove_while_suspended, tb_ring_gen_params),
	KUNIT_CASE_PARAM(pvblk_fvdev_no_seg_max_indirect_small_ring,
			 tb_ring_gen_params),
	KUNIT_CASE(pvblk_fvdev_discard_granularity_above_max),
	KUNIT_CASE_PARAM(pvblk_fvdev_discard_ranges, tb_ring_gen_params),
	KUNIT_CASE_PARAM(pvblk_fvdev_secure_erase, tb_ring_gen_params),
	KUNIT_CASE(pvblk_fvdev_physical_block_8k),
	KUNIT_CASE(pvblk_fvdev_driver_ok_after_validation),
	KUNIT_CASE(pvblk_fvdev_rotational),
	{}
};

/*
 * Slow: the cases wait for bios and for what must not happen, some
 * 20 s of a nested guest's boot; kunit.filter=speed>slow leaves it out.
 */
static struct kunit_suite pvblk_fvdev_suite = {
	.name = "pvblk_fvdev",
	.test_cases = pvblk_fvdev_cases,
	.attr.speed = KUNIT_SPEED_SLOW,
};

kunit_test_suite(pvblk_fvdev_suite);

MODULE_DESCRIPTION("KUnit tests of pvblk against a misbehaving virtio device");
MODULE_LICENSE("GPL");
MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);
