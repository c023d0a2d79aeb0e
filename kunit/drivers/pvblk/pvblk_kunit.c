// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for pvblk: device parameter validation, request mapping,
 * status mapping, the core against a transport that reports a request
 * twice, and the virtio transport against a fake config space.
 */
#include <kunit/device.h>
#include <kunit/test.h>
#include <linux/bio.h>
#include <linux/blk-mq.h>
#include <linux/delay.h>
#include <linux/panic.h>
#include <linux/slab.h>
#include <linux/virtio_config.h>
#include <linux/workqueue.h>

#include "pvblk_virtio.h"

/* ---- validation ---------------------------------------------------- */

struct lim_ctx {
	struct device *dev;
	struct pvblk_params p;
	struct queue_limits lim;
	struct pvblk_geometry geo;
	u64 cap;
};

static int lim_init(struct kunit *test)
{
	struct lim_ctx *c = kunit_kzalloc(test, sizeof(*c), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, c);
	c->dev = kunit_device_register(test, "pvblk-limits");
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, c->dev);
	c->p.capacity = 2048;
	c->p.max_transport_segs = 126;
	c->p.max_dma_size = SZ_1M;
	test->priv = c;
	return 0;
}

static int validate(struct lim_ctx *c)
{
	memset(&c->lim, 0, sizeof(c->lim));
	return pvblk_validate(c->dev, &c->p, &c->lim, &c->cap, &c->geo);
}

static void pvblk_limits_defaults(struct kunit *test)
{
	struct lim_ctx *c = test->priv;

	KUNIT_ASSERT_EQ(test, validate(c), 0);
	KUNIT_EXPECT_EQ(test, c->lim.logical_block_size, 512);
	KUNIT_EXPECT_EQ(test, c->lim.physical_block_size, 512);
	KUNIT_EXPECT_EQ(test, c->lim.max_segments, 126);
	KUNIT_EXPECT_EQ(test, c->lim.max_segment_size, SZ_1M);
	KUNIT_EXPECT_EQ(test, c->lim.max_hw_discard_sectors, 0);
	KUNIT_EXPECT_EQ(test, c->lim.max_write_zeroes_sectors, 0);
	KUNIT_EXPECT_FALSE(test, c->lim.features & BLK_FEAT_WRITE_CACHE);
	KUNIT_EXPECT_EQ(test, c->cap, 2048);
	KUNIT_EXPECT_EQ(test, c->geo.heads, 0);
}

static void pvblk_limits_blk_size(struct kunit *test)
{
	static const u32 bad[] = { 0, 256, 511, 1000, 3072, 2 * PAGE_SIZE };
	struct lim_ctx *c = test->priv;
	unsigned int i;

	c->p.has_blk_size = true;
	c->p.blk_size = 4096;
	c->p.capacity = 4096 + 3;
	KUNIT_ASSERT_EQ(test, validate(c), 0);
	KUNIT_EXPECT_EQ(test, c->lim.logical_block_size, 4096);
	/* Capacity rounded down to whole 4k blocks. */
	KUNIT_EXPECT_EQ(test, c->cap, 4096);

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		c->p.blk_size = bad[i];
		KUNIT_EXPECT_EQ_MSG(test, validate(c), -EINVAL,
				    "blk_size %u", bad[i]);
	}
}

static void pvblk_limits_seg_max(struct kunit *test)
{
	struct lim_ctx *c = test->priv;

	c->p.has_seg_max = true;
	c->p.seg_max = 0;
	KUNIT_ASSERT_EQ(test, validate(c), 0);
	KUNIT_EXPECT_EQ(test, c->lim.max_segments, 1);

	c->p.seg_max = 8;
	KUNIT_ASSERT_EQ(test, validate(c), 0);
	KUNIT_EXPECT_EQ(test, c->lim.max_segments, 8);

	c->p.seg_max = 0xffffffff;
	KUNIT_ASSERT_EQ(test, validate(c), 0);
	KUNIT_EXPECT_EQ(test, c->lim.max_segments, 126);

	c->p.max_transport_segs = 0;
	KUNIT_EXPECT_EQ(test, validate(c), -EINVAL);
}

static void pvblk_limits_size_max(struct kunit *test)
{
	struct lim_ctx *c = test->priv;

	c->p.has_size_max = true;
	c->p.size_max = 512;
	KUNIT_EXPECT_EQ(test, validate(c), -EINVAL);
	c->p.size_max = PAGE_SIZE - 1;
	KUNIT_EXPECT_EQ(test, validate(c), -EINVAL);

	c->p.size_max = SZ_64K;
	KUNIT_ASSERT_EQ(test, validate(c), 0);
	KUNIT_EXPECT_EQ(test, c->lim.max_segment_size, SZ_64K);

	/* The DMA bound wins over a larger size_max. */
	c->p.size_max = SZ_4M;
	KUNIT_ASSERT_EQ(test, validate(c), 0);
	KUNIT_EXPECT_EQ(test, c->lim.max_segment_size, SZ_1M);

	c->p.has_size_max = false;
	c->p.max_dma_size = 2048;
	KUNIT_EXPECT_EQ(test, validate(c), -EINVAL);
}

static void pvblk_limits_topology(struct kunit *test)
{
	struct lim_ctx *c = test->priv;

	c->p.has_topology = true;
	c->p.physical_block_exp = 3;
	c->p.alignment_offset = 1;
	c->p.min_io_size = 8;
	c->p.opt_io_size = 64;
	KUNIT_ASSERT_EQ(test, validate(c), 0);
	KUNIT_EXPECT_EQ(test, c->lim.physical_block_size, 4096);
	KUNIT_EXPECT_EQ(test, c->lim.alignment_offset, 512);
	KUNIT_EXPECT_EQ(test, c->lim.io_min, 4096);
	KUNIT_EXPECT_EQ(test, c->lim.io_opt, 32768);

	/* Offset outside the physical block, opt not a multiple of min. */
	c->p.alignment_offset = 8;
	c->p.opt_io_size = 12;
	KUNIT_ASSERT_EQ(test, validate(c), 0);
	KUNIT_EXPECT_EQ(test, c->lim.alignment_offset, 0);
	KUNIT_EXPECT_EQ(test, c->lim.io_opt, 0);

	/* An 8 KiB physical block is real: kept, with the rest. */
	c->p.physical_block_exp = 4;
	c->p.alignment_offset = 8;
	c->p.opt_io_size = 64;
	KUNIT_ASSERT_EQ(test, validate(c), 0);
	KUNIT_EXPECT_EQ(test, c->lim.physical_block_size, 8192);
	KUNIT_EXPECT_EQ(test, c->lim.alignment_offset, 4096);
	KUNIT_EXPECT_EQ(test, c->lim.io_min, 4096);
	KUNIT_EXPECT_EQ(test, c->lim.io_opt, 32768);

	/*
	 * An exponent past 32 bits, or past what one request holds, is
	 * ignored alone: the offset must then fit a logical block.
	 */
	c->p.physical_block_exp = 200;
	KUNIT_ASSERT_EQ(test, validate(c), 0);
	KUNIT_EXPECT_EQ(test, c->lim.physical_block_size, 512);
	KUNIT_EXPECT_EQ(test, c->lim.alignment_offset, 0);
	KUNIT_EXPECT_EQ(test, c->lim.io_min, 4096);
	/* 126 segments of 1 MiB: a 64 MiB block fits, 128 MiB does not. */
	c->p.alignment_offset = 0;
	c->p.physical_block_exp = 17;
	KUNIT_ASSERT_EQ(test, validate(c), 0);
	KUNIT_EXPECT_EQ(test, c->lim.physical_block_size, SZ_64M);
	c->p.physical_block_exp = 18;
	KUNIT_ASSERT_EQ(test, validate(c), 0);
	KUNIT_EXPECT_EQ(test, c->lim.physical_block_size, 512);

	/* Sizes that overflow 32 bits in bytes. */
	c->p.has_blk_size = true;
	c->p.blk_size = 4096;
	c->p.physical_block_exp = 0;
	c->p.alignment_offset = 0;
	c->p.min_io_size = 0;
	c->p.opt_io_size = 0xffffffff;
	KUNIT_ASSERT_EQ(test, validate(c), 0);
	KUNIT_EXPECT_EQ(test, c->lim.io_opt, 0);
}

static void pvblk_limits_capacity(struct kunit *test)
{
	struct lim_ctx *c = test->priv;

	c->p.capacity = U64_MAX;
	KUNIT_ASSERT_EQ(test, validate(c), 0);
	KUNIT_EXPECT_EQ(test, c->cap, PVBLK_MAX_SECTORS);

	c->p.capacity = PVBLK_MAX_SECTORS;
	KUNIT_ASSERT_EQ(test, validate(c), 0);
	KUNIT_EXPECT_EQ(test, c->cap, PVBLK_MAX_SECTORS);

	c->p.capacity = 0;
	KUNIT_ASSERT_EQ(test, validate(c), 0);
	KUNIT_EXPECT_EQ(test, c->cap, 0);

	KUNIT_EXPECT_EQ(test, pvblk_validate_capacity(c->dev, 15, 4096), 8);
	KUNIT_EXPECT_EQ(test, pvblk_validate_capacity(c->dev, 15, 512), 15);
}

static void pvblk_limits_discard(struct kunit *test)
{
	struct lim_ctx *c = test->priv;

	c->p.discard = true;
	c->p.max_discard_sectors = 65536;
	c->p.max_discard_seg = 4;
	c->p.discard_sector_alignment = 8;
	KUNIT_ASSERT_EQ(test, validate(c), 0);
	KUNIT_EXPECT_EQ(test, c->lim.max_hw_discard_sectors, 65536);
	KUNIT_EXPECT_EQ(test, c->lim.max_discard_segments, 4);
	KUNIT_EXPECT_EQ(test, c->lim.discard_granularity, 4096);

	c->p.max_discard_seg = 0;
	c->p.discard_sector_alignment = 3;
	KUNIT_ASSERT_EQ(test, validate(c), 0);
	KUNIT_EXPECT_EQ(test, c->lim.max_discard_segments, 1);
	KUNIT_EXPECT_EQ(test, c->lim.discard_granularity, 512);

	/* A granularity above the maximum would let bigger discards out. */
	c->p.max_discard_sectors = 24;
	c->p.discard_sector_alignment = 2048;
	KUNIT_ASSERT_EQ(test, validate(c), 0);
	KUNIT_EXPECT_EQ(test, c->lim.max_hw_discard_sectors, 24);
	KUNIT_EXPECT_EQ(test, c->lim.discard_granularity, 8192);

	/* The block layer raises the granularity to the physical block. */
	c->p.has_topology = true;
	c->p.physical_block_exp = 3;
	c->p.max_discard_sectors = 8;
	KUNIT_ASSERT_EQ(test, validate(c), 0);
	KUNIT_EXPECT_EQ(test, c->lim.discard_granularity, 4096);
	c->p.physical_block_exp = 4;
	KUNIT_ASSERT_EQ(test, validate(c), 0);
	KUNIT_EXPECT_EQ(test, c->lim.max_hw_discard_sectors, 0);
	c->p.has_topology = false;
	c->p.physical_block_exp = 0;
	c->p.max_discard_sectors = 65536;

	c->p.max_discard_seg = 100000;
	KUNIT_ASSERT_EQ(test, validate(c), 0);
	KUNIT_EXPECT_EQ(test, c->lim.max_discard_segments, PVBLK_MAX_RANGES);

	/* 0: no limit, as virtio_blk reads it. */
	c->p.max_discard_sectors = 0;
	KUNIT_ASSERT_EQ(test, validate(c), 0);
	KUNIT_EXPECT_EQ(test, c->lim.max_hw_discard_sectors,
			UINT_MAX >> SECTOR_SHIFT);

	/* Below one logical block: unusable. */
	c->p.has_blk_size = true;
	c->p.blk_size = 4096;
	c->p.max_discard_sectors = 7;
	KUNIT_ASSERT_EQ(test, validate(c), 0);
	KUNIT_EXPECT_EQ(test, c->lim.max_hw_discard_sectors, 0);
}

/*
 * The block layer has one granularity and one range count for discard
 * and secure erase: the smaller of the device's two (virtio_blk's rule).
 */
static void pvblk_limits_secure_erase(struct kunit *test)
{
	struct lim_ctx *c = test->priv;

	c->p.secure_erase = true;
	c->p.max_secure_erase_sectors = 2048;
	c->p.max_secure_erase_seg = 2;
	c->p.secure_erase_sector_alignment = 8;
	KUNIT_ASSERT_EQ(test, validate(c), 0);
	KUNIT_EXPECT_EQ(test, c->lim.max_secure_erase_sectors, 2048);
	KUNIT_EXPECT_EQ(test, c->lim.max_hw_discard_sectors, 0);
	KUNIT_EXPECT_EQ(test, c->lim.max_discard_segments, 2);
	KUNIT_EXPECT_EQ(test, c->lim.discard_granularity, 4096);

	c->p.discard = true;
	c->p.max_discard_sectors = 65536;
	c->p.max_discard_seg = 4;
	c->p.discard_sector_alignment = 16;
	KUNIT_ASSERT_EQ(test, validate(c), 0);
	KUNIT_EXPECT_EQ(test, c->lim.max_hw_discard_sectors, 65536);
	KUNIT_EXPECT_EQ(test, c->lim.max_secure_erase_sectors, 2048);
	KUNIT_EXPECT_EQ(test, c->lim.max_discard_segments, 2);
	KUNIT_EXPECT_EQ(test, c->lim.discard_granularity, 4096);

	/* A granularity above the smaller maximum: cut to it. */
	c->p.max_secure_erase_sectors = 16;
	c->p.secure_erase_sector_alignment = 64;
	c->p.discard_sector_alignment = 128;
	KUNIT_ASSERT_EQ(test, validate(c), 0);
	KUNIT_EXPECT_EQ(test, c->lim.discard_granularity, 8192);

	/* Secure erase unusable (below a physical block): discard unchanged. */
	c->p.has_topology = true;
	c->p.physical_block_exp = 3;
	c->p.discard_sector_alignment = 16;
	c->p.max_secure_erase_sectors = 4;
	c->p.max_secure_erase_seg = 1;
	c->p.secure_erase_sector_alignment = 1;
	KUNIT_ASSERT_EQ(test, validate(c), 0);
	KUNIT_EXPECT_EQ(test, c->lim.max_secure_erase_sectors, 0);
	KUNIT_EXPECT_EQ(test, c->lim.max_hw_discard_sectors, 65536);
	KUNIT_EXPECT_EQ(test, c->lim.max_discard_segments, 4);
	KUNIT_EXPECT_EQ(test, c->lim.discard_granularity, 8192);
	c->p.has_topology = false;
	c->p.physical_block_exp = 0;
	c->p.max_secure_erase_seg = 2;

	/* Each value must be set; else the disk goes on without it. */
	c->p.discard = false;
	c->p.max_secure_erase_sectors = 2048;
	c->p.secure_erase_sector_alignment = 8;
	c->p.max_secure_erase_seg = 0;
	KUNIT_ASSERT_EQ(test, validate(c), 0);
	KUNIT_EXPECT_EQ(test, c->lim.max_secure_erase_sectors, 0);
	KUNIT_EXPECT_EQ(test, c->lim.max_discard_segments, 0);
	c->p.max_secure_erase_seg = 2;
	c->p.secure_erase_sector_alignment = 0;
	KUNIT_ASSERT_EQ(test, validate(c), 0);
	KUNIT_EXPECT_EQ(test, c->lim.max_secure_erase_sectors, 0);
	c->p.secure_erase_sector_alignment = 8;
	c->p.max_secure_erase_sectors = 0;
	KUNIT_ASSERT_EQ(test, validate(c), 0);
	KUNIT_EXPECT_EQ(test, c->lim.max_secure_erase_sectors, 0);
}

static void pvblk_limits_write_zeroes(struct kunit *test)
{
	struct lim_ctx *c = test->priv;

	c->p.write_zeroes = true;
	c->p.max_write_zeroes_sectors = 0;
	KUNIT_ASSERT_EQ(test, validate(c), 0);
	KUNIT_EXPECT_EQ(test, c->lim.max_write_zeroes_sectors,
			UINT_MAX >> SECTOR_SHIFT);

	c->p.max_write_zeroes_sectors = 0xffffffff;
	KUNIT_ASSERT_EQ(test, validate(c), 0);
	KUNIT_EXPECT_EQ(test, c->lim.max_write_zeroes_sectors,
			UINT_MAX >> SECTOR_SHIFT);
}

static void pvblk_limits_cache(struct kunit *test)
{
	struct lim_ctx *c = test->priv;

	c->p.flush = true;
	c->p.writeback = true;
	c->p.fua = true;
	KUNIT_ASSERT_EQ(test, validate(c), 0);
	KUNIT_EXPECT_TRUE(test, c->lim.features & BLK_FEAT_WRITE_CACHE);
	KUNIT_EXPECT_TRUE(test, c->lim.features & BLK_FEAT_FUA);

	c->p.writeback = false;
	KUNIT_ASSERT_EQ(test, validate(c), 0);
	KUNIT_EXPECT_FALSE(test, c->lim.features & BLK_FEAT_WRITE_CACHE);
	KUNIT_EXPECT_FALSE(test, c->lim.features & BLK_FEAT_FUA);

	/* Write back without a FLUSH command cannot be made safe. */
	c->p.flush = false;
	c->p.writeback = true;
	KUNIT_ASSERT_EQ(test, validate(c), 0);
	KUNIT_EXPECT_FALSE(test, c->lim.features & BLK_FEAT_WRITE_CACHE);
}

static void pvblk_limits_geometry(struct kunit *test)
{
	struct lim_ctx *c = test->priv;

	c->p.has_geometry = true;
	c->p.cylinders = 1024;
	c->p.heads = 16;
	c->p.sectors = 63;
	KUNIT_ASSERT_EQ(test, validate(c), 0);
	KUNIT_EXPECT_EQ(test, c->geo.cylinders, 1024);
	KUNIT_EXPECT_EQ(test, c->geo.heads, 16);
	KUNIT_EXPECT_EQ(test, c->geo.sectors, 63);

	c->p.heads = 0;
	KUNIT_ASSERT_EQ(test, validate(c), 0);
	KUNIT_EXPECT_EQ(test, c->geo.heads, 0);
	KUNIT_EXPECT_EQ(test, c->geo.cylinders, 0);
}

static struct kunit_case pvblk_limits_cases[] = {
	KUNIT_CASE(pvblk_limits_defaults),
	KUNIT_CASE(pvblk_limits_blk_size),
	KUNIT_CASE(pvblk_limits_seg_max),
	KUNIT_CASE(pvblk_limits_size_max),
	KUNIT_CASE(pvblk_limits_topology),
	KUNIT_CASE(pvblk_limits_capacity),
	KUNIT_CASE(pvblk_limits_discard),
	KUNIT_CASE(pvblk_limits_secure_erase),
	KUNIT_CASE(pvblk_limits_write_zeroes),
	KUNIT_CASE(pvblk_limits_cache),
	KUNIT_CASE(pvblk_limits_geometry),
	{}
};

static struct kunit_suite pvblk_limits_suite = {
	.name = "pvblk_limits",
	.init = lim_init,
	.test_cases = pvblk_limits_cases,
};

/* ---- request mapping and status ------------------------------------ */

static struct request *fake_rq(struct kunit *test, blk_opf_t opf,
			       sector_t sector, unsigned int bytes)
{
	struct request *rq = kunit_kzalloc(test, sizeof(*rq), GFP_KERNEL);
	struct bio *bio = kunit_kzalloc(test, sizeof(*bio), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, rq);
	KUNIT_ASSERT_NOT_NULL(test, bio);
	rq->cmd_flags = opf;
	rq->__sector = sector;
	rq->__data_len = bytes;
	bio->bi_iter.bi_sector = sector;
	bio->bi_iter.bi_size = bytes;
	bio->bi_ioprio = IOPRIO_PRIO_VALUE(IOPRIO_CLASS_BE, 3);
	rq->bio = bio;
	return rq;
}

static void fake_bios(struct kunit *test, struct request *rq,
		      const sector_t *sectors, const u32 *lens, unsigned int n)
{
	struct bio **next = &rq->bio;
	unsigned int i;

	for (i = 0; i < n; i++) {
		struct bio *bio = kunit_kzalloc(test, sizeof(*bio), GFP_KERNEL);

		KUNIT_ASSERT_NOT_NULL(test, bio);
		bio->bi_iter.bi_sector = sectors[i];
		bio->bi_iter.bi_size = lens[i] << SECTOR_SHIFT;
		*next = bio;
		next = &bio->bi_next;
	}
	rq->nr_phys_segments = n;
}

static void pvblk_map_rw(struct kunit *test)
{
	struct request *rq = fake_rq(test, REQ_OP_READ, 100, 8192);
	struct pvblk_req req;

	KUNIT_ASSERT_EQ(test, pvblk_map_request(rq, &req, 1), 0);
	KUNIT_EXPECT_EQ(test, req.type, PVBLK_CMD_READ);
	KUNIT_EXPECT_EQ(test, req.sector, 100);
	KUNIT_EXPECT_EQ(test, req.data_len, 8192);
	KUNIT_EXPECT_EQ(test, req.ioprio, IOPRIO_PRIO_VALUE(IOPRIO_CLASS_BE, 3));
	KUNIT_EXPECT_FALSE(test, req.fua);
	KUNIT_EXPECT_NULL(test, req.ranges);

	rq = fake_rq(test, REQ_OP_WRITE | REQ_FUA, 7, 512);
	KUNIT_ASSERT_EQ(test, pvblk_map_request(rq, &req, 1), 0);
	KUNIT_EXPECT_EQ(test, req.type, PVBLK_CMD_WRITE);
	KUNIT_EXPECT_EQ(test, req.sector, 7);
	KUNIT_EXPECT_TRUE(test, req.fua);

	rq = fake_rq(test, REQ_OP_FLUSH, 0, 0);
	KUNIT_ASSERT_EQ(test, pvblk_map_request(rq, &req, 1), 0);
	KUNIT_EXPECT_EQ(test, req.type, PVBLK_CMD_FLUSH);
	KUNIT_EXPECT_EQ(test, req.data_len, 0);

	rq = fake_rq(test, REQ_OP_DRV_IN, 0, PVBLK_ID_LEN);
	KUNIT_ASSERT_EQ(test, pvblk_map_request(rq, &req, 1), 0);
	KUNIT_EXPECT_EQ(test, req.type, PVBLK_CMD_GET_ID);
	KUNIT_EXPECT_EQ(test, req.data_len, PVBLK_ID_LEN);

	rq = fake_rq(test, REQ_OP_ZONE_APPEND, 0, 4096);
	KUNIT_EXPECT_EQ(test, pvblk_map_request(rq, &req, 1), -EOPNOTSUPP);
}

static void pvblk_map_discard_ranges(struct kunit *test)
{
	static const sector_t sectors[] = { 0, 4096, 100000 };
	static const u32 lens[] = { 8, 2048, 16 };
	struct request *rq = fake_rq(test, REQ_OP_DISCARD, 0, 0);
	struct pvblk_req req;
	unsigned int i;

	fake_bios(test, rq, sectors, lens, 3);
	KUNIT_ASSERT_EQ(test, pvblk_map_request(rq, &req, 4), 0);
	KUNIT_EXPECT_EQ(test, req.type, PVBLK_CMD_DISCARD);
	KUNIT_ASSERT_EQ(test, req.nr_ranges, 3);
	for (i = 0; i < 3; i++) {
		KUNIT_EXPECT_EQ(test, req.ranges[i].sector, sectors[i]);
		KUNIT_EXPECT_EQ(test, req.ranges[i].nr_sectors, lens[i]);
		KUNIT_EXPECT_EQ(test, req.ranges[i].flags, 0);
	}
	kfree(req.ranges);

	/* More ranges than the device takes: refused, nothing leaked. */
	KUNIT_EXPECT_EQ(test, pvblk_map_request(rq, &req, 2), -EINVAL);
	KUNIT_EXPECT_NULL(test, req.ranges);
}

static void pvblk_map_single_range(struct kunit *test)
{
	struct request *rq = fake_rq(test, REQ_OP_DISCARD, 2048, 1 << 20);
	struct pvblk_req req;

	/* One range per request: the request's own extent. */
	KUNIT_ASSERT_EQ(test, pvblk_map_request(rq, &req, 1), 0);
	KUNIT_ASSERT_EQ(test, req.nr_ranges, 1);
	KUNIT_EXPECT_EQ(test, req.ranges[0].sector, 2048);
	KUNIT_EXPECT_EQ(test, req.ranges[0].nr_sectors, 2048);
	kfree(req.ranges);
}

static void pvblk_map_write_zeroes(struct kunit *test)
{
	struct request *rq = fake_rq(test, REQ_OP_WRITE_ZEROES, 8, 4096);
	struct pvblk_req req;

	KUNIT_ASSERT_EQ(test, pvblk_map_request(rq, &req, 1), 0);
	KUNIT_EXPECT_EQ(test, req.type, PVBLK_CMD_WRITE_ZEROES);
	KUNIT_ASSERT_EQ(test, req.nr_ranges, 1);
	KUNIT_EXPECT_EQ(test, req.ranges[0].flags, PVBLK_RANGE_UNMAP);
	kfree(req.ranges);

	rq = fake_rq(test, REQ_OP_WRITE_ZEROES | REQ_NOUNMAP, 8, 4096);
	KUNIT_ASSERT_EQ(test, pvblk_map_request(rq, &req, 1), 0);
	KUNIT_EXPECT_EQ(test, req.ranges[0].flags, 0);
	kfree(req.ranges);
}

static void pvblk_map_secure_erase(struct kunit *test)
{
	static const sector_t sectors[] = { 64, 72, 80 };
	static const u32 lens[] = { 8, 8, 8 };
	struct request *rq = fake_rq(test, REQ_OP_SECURE_ERASE, 8, 4096);
	struct pvblk_req req;

	KUNIT_ASSERT_EQ(test, pvblk_map_request(rq, &req, 1), 0);
	KUNIT_EXPECT_EQ(test, req.type, PVBLK_CMD_SECURE_ERASE);
	/* Virtio sends sector 0 in the header of a ranged command. */
	KUNIT_EXPECT_EQ(test, req.sector, 0);
	KUNIT_ASSERT_EQ(test, req.nr_ranges, 1);
	KUNIT_EXPECT_EQ(test, req.ranges[0].sector, 8);
	KUNIT_EXPECT_EQ(test, req.ranges[0].nr_sectors, 8);
	KUNIT_EXPECT_EQ(test, req.ranges[0].flags, 0);
	kfree(req.ranges);

	/*
	 * Three contiguous bios merged (each a segment, as blk-mq counts
	 * secure erases), more than the 2 ranges discard allows: one range.
	 */
	rq = fake_rq(test, REQ_OP_SECURE_ERASE, 64, 24 * SECTOR_SIZE);
	fake_bios(test, rq, sectors, lens, 3);
	KUNIT_ASSERT_EQ(test, pvblk_map_request(rq, &req, 2), 0);
	KUNIT_ASSERT_EQ(test, req.nr_ranges, 1);
	KUNIT_EXPECT_EQ(test, req.ranges[0].sector, 64);
	KUNIT_EXPECT_EQ(test, req.ranges[0].nr_sectors, 24);
	kfree(req.ranges);
}

static void pvblk_status_mapping(struct kunit *test)
{
	struct device *dev = kunit_device_register(test, "pvblk-status");

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, dev);
	/* blk_status_t is __bitwise: compare it as itself. */
	KUNIT_EXPECT_TRUE(test, pvblk_status_to_blk(dev, PVBLK_S_OK) == BLK_STS_OK);
	KUNIT_EXPECT_TRUE(test,
			  pvblk_status_to_blk(dev, PVBLK_S_IOERR) == BLK_STS_IOERR);
	KUNIT_EXPECT_TRUE(test,
			  pvblk_status_to_blk(dev, PVBLK_S_UNSUPP) == BLK_STS_NOTSUPP);
	KUNIT_EXPECT_TRUE(test, pvblk_status_to_blk(dev, 42) == BLK_STS_IOERR);
}

static struct kunit_case pvblk_request_cases[] = {
	KUNIT_CASE(pvblk_map_rw),
	KUNIT_CASE(pvblk_map_discard_ranges),
	KUNIT_CASE(pvblk_map_single_range),
	KUNIT_CASE(pvblk_map_write_zeroes),
	KUNIT_CASE(pvblk_map_secure_erase),
	KUNIT_CASE(pvblk_status_mapping),
	{}
};

static struct kunit_suite pvblk_request_suite = {
	.name = "pvblk_request",
	.test_cases = pvblk_request_cases,
};

/* ---- the core against a transport that reports a request twice ----- */

/*
 * A transport in memory: it keeps what the core queues and completes it
 * from a worker, or holds it for the test (which then plays the device).
 * Blkif ids come from the backend: a Xen transport can be told about a
 * request twice, and the core's per-request state is what refuses the
 * second report. The virtio core's own checks stop a virtio device from
 * doing that (pvblk_fvdev's used_id cases).
 */
#define FT_SLOTS	8
#define FT_IOPRIO	IOPRIO_PRIO_VALUE(IOPRIO_CLASS_IDLE, 5)

struct ft {
	struct pvblk_dev *pd;
	spinlock_t lock;		/* held[], nheld */
	struct pvblk_req *held[FT_SLOTS];
	unsigned int nheld;
	bool hold;
	struct work_struct work;
};

static void ft_work(struct work_struct *work)
{
	struct ft *ft = container_of(work, struct ft, work);
	struct pvblk_req *req;
	bool done = false;

	for (;;) {
		scoped_guard(spinlock_irq, &ft->lock) {
			req = ft->nheld ? ft->held[--ft->nheld] : NULL;
		}
		if (!req)
			break;
		pvblk_complete(ft->pd, req, PVBLK_S_OK, NULL);
		done = true;
	}
	if (done)
		pvblk_queue_ready(ft->pd, 0);
}

/* Whatever way the case ends, no worker runs on after it. */
static void ft_cancel_work(void *work)
{
	cancel_work_sync(work);
}

/* The held read of priority @ioprio, taken from the device. */
static struct pvblk_req *ft_take(struct ft *ft, u32 ioprio)
{
	struct pvblk_req *req = NULL;
	unsigned int i;

	/* Not guard(): sparse cannot follow it. */
	spin_lock_irq(&ft->lock);
	for (i = 0; i < ft->nheld; i++) {
		if (ft->held[i]->type != PVBLK_CMD_READ ||
		    ft->held[i]->ioprio != ioprio)
			continue;
		req = ft->held[i];
		ft->held[i] = ft->held[--ft->nheld];
		break;
	}
	spin_unlock_irq(&ft->lock);
	return req;
}

static int ft_queue(struct pvblk_dev *pd, unsigned int qid,
		    struct pvblk_req *req, bool last)
{
	struct ft *ft = pd->transport;
	unsigned long flags;
	int err = 0;

	spin_lock_irqsave(&ft->lock, flags);
	if (ft->nheld == FT_SLOTS) {
		pvblk_queue_full(pd, qid);
		err = -ENOSPC;
	} else {
		ft->held[ft->nheld++] = req;
		if (!READ_ONCE(ft->hold))
			queue_work(system_wq, &ft->work);
	}
	spin_unlock_irqrestore(&ft->lock, flags);
	return err;
}

static void ft_kick(struct pvblk_dev *pd, unsigned int qid)
{
}

/* Nothing the device holds completes after this. */
static void ft_stop(struct pvblk_dev *pd)
{
	struct ft *ft = pd->transport;

	cancel_work_sync(&ft->work);
}

static const struct pvblk_transport_ops ft_ops = {
	.queue	= ft_queue,
	.kick	= ft_kick,
	.stop	= ft_stop,
};

struct ft_io {
	struct completion done;
	atomic_t ends;
	blk_status_t status;
};

static void ft_end_io(struct bio *bio)
{
	struct ft_io *io = bio->bi_private;

	io->status = bio->bi_status;
	atomic_inc(&io->ends);
	complete(&io->done);
	bio_put(bio);
}

static void ft_free_page(void *page)
{
	__free_page(page);
}

/*
 * The device completes a read, then reports it again, completed and
 * failed: both reports are refused, the bio ends once, nothing warns
 * and the disk goes away with nothing left mapped.
 */
static void pvblk_core_completed_twice(struct kunit *test)
{
	struct pvblk_params p = {
		.capacity = 2048,
		.max_transport_segs = 16,
		.max_dma_size = SZ_1M,
	};
	int live = pvblk_kunit_live_devs();
	long mapped = pvblk_kunit_left_mapped();
	bool warned = test_taint(TAINT_WARN);
	unsigned long end;
	struct pvblk_req *req;
	struct device *dev;
	struct ft_io io;
	struct page *page;
	struct bio *bio;
	struct ft *ft;

	ft = kunit_kzalloc(test, sizeof(*ft), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, ft);
	spin_lock_init(&ft->lock);
	INIT_WORK(&ft->work, ft_work);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, ft_cancel_work, &ft->work), 0);
	page = alloc_page(GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, page);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, ft_free_page, page), 0);
	dev = kunit_device_register(test, "pvblk-core");
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, dev);

	ft->pd = pvblk_alloc(dev, &ft_ops, ft, 0);
	KUNIT_ASSERT_NOT_NULL(test, ft->pd);
	if (pvblk_setup_disk(ft->pd, &p, 1, 0, FT_SLOTS) ||
	    pvblk_register_disk(ft->pd)) {
		pvblk_release(ft->pd);
		KUNIT_FAIL_AND_ABORT(test, "the disk could not be set up");
	}

	/* From here the device keeps what it gets; a worker still at it ends. */
	scoped_guard(spinlock_irq, &ft->lock) {
		WRITE_ONCE(ft->hold, true);
	}
	flush_work(&ft->work);
	init_completion(&io.done);
	atomic_set(&io.ends, 0);
	bio = bio_alloc(ft->pd->disk->part0, 1, REQ_OP_READ, GFP_KERNEL);
	bio->bi_iter.bi_sector = 8;
	/* A priority no prober uses marks the case's own read. */
	bio->bi_ioprio = FT_IOPRIO;
	__bio_add_page(bio, page, PAGE_SIZE, 0);
	bio->bi_end_io = ft_end_io;
	bio->bi_private = &io;
	submit_bio(bio);
	end = jiffies + msecs_to_jiffies(2000);
	for (;;) {
		/* Only the case's own read: a prober may read the disk too. */
		req = ft_take(ft, FT_IOPRIO);
		if (req || !time_before(jiffies, end))
			break;
		usleep_range(1000, 2000);
	}
	if (req) {
		pvblk_complete(ft->pd, req, PVBLK_S_OK, NULL);
		KUNIT_EXPECT_TRUE(test, wait_for_completion_timeout(&io.done,
								    msecs_to_jiffies(2000)));
		/* The same request again, as a backend may send it. */
		pvblk_complete(ft->pd, req, PVBLK_S_OK, NULL);
		pvblk_fail_request(ft->pd, req, "a second answer");
		msleep(100);
		KUNIT_EXPECT_EQ(test, atomic_read(&io.ends), 1);
		KUNIT_EXPECT_EQ(test, blk_status_to_errno(io.status), 0);
		KUNIT_EXPECT_EQ(test, atomic64_read(&ft->pd->stats.bad_completions), 2);
	} else {
		KUNIT_FAIL(test, "no request reached the transport");
	}

	WRITE_ONCE(ft->hold, false);
	queue_work(system_wq, &ft->work);
	pvblk_remove(ft->pd, false);
	/* The worker may still be past its last completion, in ft->pd. */
	flush_work(&ft->work);
	pvblk_release(ft->pd);
	end = jiffies + msecs_to_jiffies(2000);
	while (pvblk_kunit_live_devs() != live && time_before(jiffies, end))
		msleep(20);
	KUNIT_EXPECT_EQ_MSG(test, pvblk_kunit_live_devs(), live, "the disk was not freed");
	/* Its count was added before the disk was counted gone. */
	smp_rmb();
	KUNIT_EXPECT_EQ_MSG(test, pvblk_kunit_left_mapped(), mapped,
			    "the request was not unmapped exactly once");
	KUNIT_EXPECT_EQ_MSG(test, test_taint(TAINT_WARN), warned, "the kernel warned");
}

static struct kunit_case pvblk_core_cases[] = {
	KUNIT_CASE(pvblk_core_completed_twice),
	{}
};

static struct kunit_suite pvblk_core_suite = {
	.name = "pvblk_core",
	.test_cases = pvblk_core_cases,
};

/* ---- virtio transport against a fake config space ------------------ */

struct fake_vdev {
	struct virtio_device vdev;
	struct virtio_blk_config cfg;
	DECLARE_BITMAP(read, sizeof(struct virtio_blk_config));
};

static void fake_get(struct virtio_device *vdev, unsigned int offset,
		     void *buf, unsigned int len)
{
	struct fake_vdev *f = container_of(vdev, struct fake_vdev, vdev);

	if (WARN_ON(offset + len > sizeof(f->cfg)))
		return;
	memcpy(buf, (u8 *)&f->cfg + offset, len);
	bitmap_set(f->read, offset, len);
}

static u32 fake_generation(struct virtio_device *vdev)
{
	return 0;
}

static const struct virtio_config_ops fake_config_ops = {
	.get		= fake_get,
	.generation	= fake_generation,
};

#define CFG_OFF(f)	offsetof(struct virtio_blk_config, f)

static struct fake_vdev *fake_vdev(struct kunit *test, u64 features)
{
	struct fake_vdev *f = kunit_kzalloc(test, sizeof(*f), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, f);
	f->vdev.config = &fake_config_ops;
	f->vdev.features = features | BIT_ULL(VIRTIO_F_VERSION_1);
	f->vdev.dev.driver = &pvblk_virtio_driver.driver;
	f->cfg.capacity = cpu_to_virtio64(&f->vdev, 1 << 21);
	return f;
}

static bool was_read(struct fake_vdev *f, size_t off)
{
	return test_bit(off, f->read);
}

static void pvblk_virtio_no_features(struct kunit *test)
{
	struct fake_vdev *f = fake_vdev(test, 0);
	struct pvblk_params p;

	/* Garbage where unnegotiated fields live: never read. */
	f->cfg.seg_max = cpu_to_virtio32(&f->vdev, 0);
	f->cfg.size_max = cpu_to_virtio32(&f->vdev, 1);
	f->cfg.blk_size = cpu_to_virtio32(&f->vdev, 3);
	f->cfg.num_queues = cpu_to_virtio16(&f->vdev, 0);
	pvblk_virtio_read_params(&f->vdev, &p);

	KUNIT_EXPECT_EQ(test, p.capacity, 1 << 21);
	KUNIT_EXPECT_FALSE(test, p.has_seg_max);
	KUNIT_EXPECT_FALSE(test, p.has_size_max);
	KUNIT_EXPECT_FALSE(test, p.has_blk_size);
	KUNIT_EXPECT_FALSE(test, p.has_topology);
	KUNIT_EXPECT_FALSE(test, p.flush);
	KUNIT_EXPECT_FALSE(test, p.discard);
	KUNIT_EXPECT_FALSE(test, p.read_only);
	KUNIT_EXPECT_EQ(test, pvblk_virtio_nr_queues(&f->vdev), 1);
	KUNIT_EXPECT_TRUE(test, was_read(f, CFG_OFF(capacity)));
	KUNIT_EXPECT_FALSE(test, was_read(f, CFG_OFF(seg_max)));
	KUNIT_EXPECT_FALSE(test, was_read(f, CFG_OFF(size_max)));
	KUNIT_EXPECT_FALSE(test, was_read(f, CFG_OFF(blk_size)));
	KUNIT_EXPECT_FALSE(test, was_read(f, CFG_OFF(num_queues)));
	KUNIT_EXPECT_FALSE(test, was_read(f, CFG_OFF(max_discard_sectors)));
	KUNIT_EXPECT_FALSE(test, was_read(f, CFG_OFF(max_secure_erase_sectors)));
}

static void pvblk_virtio_all_features(struct kunit *test)
{
	struct fake_vdev *f = fake_vdev(test,
		BIT_ULL(VIRTIO_BLK_F_SEG_MAX) | BIT_ULL(VIRTIO_BLK_F_SIZE_MAX) |
		BIT_ULL(VIRTIO_BLK_F_GEOMETRY) | BIT_ULL(VIRTIO_BLK_F_RO) |
		BIT_ULL(VIRTIO_BLK_F_BLK_SIZE) | BIT_ULL(VIRTIO_BLK_F_FLUSH) |
		BIT_ULL(VIRTIO_BLK_F_TOPOLOGY) |
		BIT_ULL(VIRTIO_BLK_F_CONFIG_WCE) | BIT_ULL(VIRTIO_BLK_F_MQ) |
		BIT_ULL(VIRTIO_BLK_F_DISCARD) |
		BIT_ULL(VIRTIO_BLK_F_WRITE_ZEROES) |
		BIT_ULL(VIRTIO_BLK_F_SECURE_ERASE));
	struct pvblk_params p;

	f->cfg.seg_max = cpu_to_virtio32(&f->vdev, 126);
	f->cfg.size_max = cpu_to_virtio32(&f->vdev, SZ_64K);
	f->cfg.geometry.cylinders = cpu_to_virtio16(&f->vdev, 1000);
	f->cfg.geometry.heads = 16;
	f->cfg.geometry.sectors = 63;
	f->cfg.blk_size = cpu_to_virtio32(&f->vdev, 4096);
	f->cfg.physical_block_exp = 0;
	f->cfg.alignment_offset = 0;
	f->cfg.min_io_size = cpu_to_virtio16(&f->vdev, 1);
	f->cfg.opt_io_size = cpu_to_virtio32(&f->vdev, 16);
	f->cfg.wce = 1;
	f->cfg.num_queues = cpu_to_virtio16(&f->vdev, 4);
	f->cfg.max_discard_sectors = cpu_to_virtio32(&f->vdev, 1 << 22);
	f->cfg.max_discard_seg = cpu_to_virtio32(&f->vdev, 1);
	f->cfg.discard_sector_alignment = cpu_to_virtio32(&f->vdev, 8);
	f->cfg.max_write_zeroes_sectors = cpu_to_virtio32(&f->vdev, 1 << 22);
	f->cfg.max_write_zeroes_seg = cpu_to_virtio32(&f->vdev, 1);
	f->cfg.write_zeroes_may_unmap = 1;
	f->cfg.max_secure_erase_sectors = cpu_to_virtio32(&f->vdev, 4096);
	f->cfg.max_secure_erase_seg = cpu_to_virtio32(&f->vdev, 2);
	f->cfg.secure_erase_sector_alignment = cpu_to_virtio32(&f->vdev, 16);
	pvblk_virtio_read_params(&f->vdev, &p);

	KUNIT_EXPECT_TRUE(test, p.has_seg_max);
	KUNIT_EXPECT_EQ(test, p.seg_max, 126);
	KUNIT_EXPECT_EQ(test, p.size_max, SZ_64K);
	KUNIT_EXPECT_EQ(test, p.cylinders, 1000);
	KUNIT_EXPECT_EQ(test, p.heads, 16);
	KUNIT_EXPECT_EQ(test, p.sectors, 63);
	KUNIT_EXPECT_EQ(test, p.blk_size, 4096);
	KUNIT_EXPECT_EQ(test, p.opt_io_size, 16);
	KUNIT_EXPECT_TRUE(test, p.read_only);
	KUNIT_EXPECT_TRUE(test, p.flush);
	KUNIT_EXPECT_TRUE(test, p.wce);
	KUNIT_EXPECT_TRUE(test, p.writeback);
	KUNIT_EXPECT_TRUE(test, p.discard);
	KUNIT_EXPECT_EQ(test, p.max_discard_sectors, 1 << 22);
	KUNIT_EXPECT_EQ(test, p.discard_sector_alignment, 8);
	KUNIT_EXPECT_TRUE(test, p.write_zeroes);
	KUNIT_EXPECT_TRUE(test, p.write_zeroes_may_unmap);
	KUNIT_EXPECT_TRUE(test, p.secure_erase);
	KUNIT_EXPECT_EQ(test, p.max_secure_erase_sectors, 4096);
	KUNIT_EXPECT_EQ(test, p.max_secure_erase_seg, 2);
	KUNIT_EXPECT_EQ(test, p.secure_erase_sector_alignment, 16);
	KUNIT_EXPECT_EQ(test, pvblk_virtio_nr_queues(&f->vdev), 4);

	/* A write-through device in config space. */
	f->cfg.wce = 0;
	pvblk_virtio_read_params(&f->vdev, &p);
	KUNIT_EXPECT_FALSE(test, p.writeback);
}

/* What the device says, end to end through validation. */
static void pvblk_virtio_bad_device(struct kunit *test)
{
	struct fake_vdev *f = fake_vdev(test, BIT_ULL(VIRTIO_BLK_F_SEG_MAX) |
					BIT_ULL(VIRTIO_BLK_F_SIZE_MAX) |
					BIT_ULL(VIRTIO_BLK_F_MQ));
	struct queue_limits lim = { };
	struct pvblk_geometry geo;
	struct pvblk_params p;
	u64 cap;

	f->cfg.seg_max = cpu_to_virtio32(&f->vdev, 0);
	f->cfg.size_max = cpu_to_virtio32(&f->vdev, SZ_64K);
	f->cfg.num_queues = cpu_to_virtio16(&f->vdev, 0);
	pvblk_virtio_read_params(&f->vdev, &p);
	p.max_transport_segs = 64;
	p.max_dma_size = U32_MAX;
	KUNIT_ASSERT_EQ(test, pvblk_validate(&f->vdev.dev, &p, &lim, &cap, &geo), 0);
	KUNIT_EXPECT_EQ(test, lim.max_segments, 1);
	KUNIT_EXPECT_EQ(test, pvblk_virtio_nr_queues(&f->vdev), 1);

	f->cfg.size_max = cpu_to_virtio32(&f->vdev, 512);
	pvblk_virtio_read_params(&f->vdev, &p);
	p.max_transport_segs = 64;
	KUNIT_EXPECT_EQ(test, pvblk_validate(&f->vdev.dev, &p, &lim, &cap, &geo),
			-EINVAL);
}

static void pvblk_virtio_used_ring(struct kunit *test)
{
	struct pvblk_virtio_req vr = { .in_len = 4097 };
	enum pvblk_status st;

	vr.status = VIRTIO_BLK_S_OK;
	KUNIT_EXPECT_NULL(test, pvblk_virtio_check_used(&vr, PVBLK_CMD_READ,
							4097, false, &st));
	KUNIT_EXPECT_EQ(test, st, PVBLK_S_OK);
	KUNIT_EXPECT_STREQ(test, pvblk_virtio_check_used(&vr, PVBLK_CMD_READ,
							 0, false, &st),
			   "the device wrote no status");
	KUNIT_EXPECT_STREQ(test, pvblk_virtio_check_used(&vr, PVBLK_CMD_READ,
							 4098, false, &st),
			   "the device claims to have written past the buffer");
	KUNIT_EXPECT_STREQ(test, pvblk_virtio_check_used(&vr, PVBLK_CMD_READ,
							 100, false, &st),
			   "short read");
	/* A failed read may well be short. */
	vr.status = VIRTIO_BLK_S_IOERR;
	KUNIT_EXPECT_NULL(test, pvblk_virtio_check_used(&vr, PVBLK_CMD_READ,
							1, false, &st));
	KUNIT_EXPECT_EQ(test, st, PVBLK_S_IOERR);

	vr.in_len = 1;
	vr.status = VIRTIO_BLK_S_UNSUPP;
	KUNIT_EXPECT_NULL(test, pvblk_virtio_check_used(&vr, PVBLK_CMD_FLUSH,
							1, false, &st));
	KUNIT_EXPECT_EQ(test, st, PVBLK_S_UNSUPP);
	vr.status = 0x7f;
	KUNIT_EXPECT_STREQ(test, pvblk_virtio_check_used(&vr, PVBLK_CMD_WRITE,
							 1, false, &st),
			   "invalid status byte");

	/* A legacy device's length is ignored, its status is not. */
	vr.in_len = 4097;
	vr.status = VIRTIO_BLK_S_OK;
	KUNIT_EXPECT_NULL(test, pvblk_virtio_check_used(&vr, PVBLK_CMD_WRITE,
							4096 + 16 + 1, true, &st));
	KUNIT_EXPECT_NULL(test, pvblk_virtio_check_used(&vr, PVBLK_CMD_READ,
							0, true, &st));
	KUNIT_EXPECT_EQ(test, st, PVBLK_S_OK);
	vr.status = 0xff;
	KUNIT_EXPECT_STREQ(test, pvblk_virtio_check_used(&vr, PVBLK_CMD_READ,
							 4097, true, &st),
			   "invalid status byte");
}

static struct kunit_case pvblk_virtio_cases[] = {
	KUNIT_CASE(pvblk_virtio_no_features),
	KUNIT_CASE(pvblk_virtio_all_features),
	KUNIT_CASE(pvblk_virtio_bad_device),
	KUNIT_CASE(pvblk_virtio_used_ring),
	{}
};

static struct kunit_suite pvblk_virtio_suite = {
	.name = "pvblk_virtio",
	.test_cases = pvblk_virtio_cases,
};

kunit_test_suites(&pvblk_limits_suite, &pvblk_request_suite,
		  &pvblk_core_suite, &pvblk_virtio_suite);

MODULE_DESCRIPTION("KUnit tests for pvblk");
MODULE_LICENSE("GPL");
MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);
