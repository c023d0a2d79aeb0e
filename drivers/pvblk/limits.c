// SPDX-License-Identifier: GPL-2.0
/*
 * pvblk device parameter validation.
 *
 * Every value comes from the device, which is not trusted: each one is
 * checked here, once, and turned into block layer limits. A value that
 * can be ignored safely is ignored with a warning; one without a safe
 * fallback (a logical block size the block layer cannot use, segments
 * smaller than a page) refuses the device.
 */
#include <linux/blkdev.h>
#include <linux/device.h>
#include <linux/log2.h>
#include <linux/minmax.h>
#include <kunit/visibility.h>

#include "pvblk.h"

u64 pvblk_validate_capacity(struct device *dev, u64 capacity,
			    unsigned int lbs)
{
	u64 per_block = lbs >> SECTOR_SHIFT;

	if (capacity > PVBLK_MAX_SECTORS) {
		dev_warn(dev, "capacity %llu sectors is past what the block layer can address; using %llu\n",
			 capacity, PVBLK_MAX_SECTORS);
		capacity = PVBLK_MAX_SECTORS;
	}
	if (per_block > 1 && capacity % per_block) {
		dev_warn(dev, "capacity %llu sectors is not a multiple of the %u-byte block; rounding down\n",
			 capacity, lbs);
		capacity -= capacity % per_block;
	}
	return capacity;
}
EXPORT_SYMBOL_IF_KUNIT(pvblk_validate_capacity);

static void pvblk_topology(struct device *dev, const struct pvblk_params *p,
			   struct queue_limits *lim)
{
	unsigned int lbs = lim->logical_block_size;
	unsigned int exp = p->physical_block_exp;
	u64 v;

	if (!p->has_topology)
		return;

	/*
	 * The block layer takes any power of two (8 KiB and 16 KiB physical
	 * blocks are real); one request must still hold a physical block.
	 */
	if (exp >= 32 - ilog2(lbs) ||
	    ((u64)lbs << exp) > ((u64)lim->max_hw_sectors << SECTOR_SHIFT)) {
		dev_warn(dev, "ignoring physical block exponent %u: too large for %u-byte blocks\n",
			 exp, lbs);
		exp = 0;
	}
	lim->physical_block_size = lbs << exp;

	if (p->alignment_offset >= (1U << exp))
		dev_warn(dev, "ignoring alignment offset %u: not inside a physical block of %u blocks\n",
			 p->alignment_offset, 1U << exp);
	else
		lim->alignment_offset = p->alignment_offset * lbs;

	v = (u64)p->min_io_size * lbs;
	if (v > U32_MAX)
		dev_warn(dev, "ignoring min_io_size %u blocks: too large\n",
			 p->min_io_size);
	else if (v)
		lim->io_min = v;

	v = (u64)p->opt_io_size * lbs;
	if (v > U32_MAX)
		dev_warn(dev, "ignoring opt_io_size %u blocks: too large\n",
			 p->opt_io_size);
	else if (v && lim->io_min && v % lim->io_min)
		dev_warn(dev, "ignoring opt_io_size %u blocks: not a multiple of min_io_size\n",
			 p->opt_io_size);
	else if (v)
		lim->io_opt = v;
}

/*
 * Sector counts for discard and write zeroes: bounded by what one bio
 * holds. 0 means no limit, as virtio_blk reads it.
 */
static u32 pvblk_cap_sectors(struct device *dev, const char *what,
			     u32 sectors, unsigned int lbs)
{
	u32 per_block = lbs >> SECTOR_SHIFT;

	if (!sectors)
		sectors = UINT_MAX;
	sectors = min_t(u32, sectors, UINT_MAX >> SECTOR_SHIFT);
	if (sectors < per_block) {
		dev_warn(dev, "%s limit of %u sectors is below one block; not using it\n",
			 what, sectors);
		return 0;
	}
	return sectors;
}

static u32 pvblk_cap_ranges(struct device *dev, const char *what, u32 segs)
{
	if (!segs) {
		dev_warn(dev, "%s: 0 ranges per request, using 1\n", what);
		return 1;
	}
	return min_t(u32, segs, PVBLK_MAX_RANGES);
}

/*
 * The most sectors one discard or secure erase (@what) may span, from
 * the device's @sectors: 0 where the operation cannot be used, as when
 * the limit is below a physical block, which the block layer raises
 * the granularity to.
 */
static u32 pvblk_range_max(struct device *dev, const char *what, u32 sectors,
			   const struct queue_limits *lim)
{
	u32 max = pvblk_cap_sectors(dev, what, sectors,
				    lim->logical_block_size);

	if (max && ((u64)max << SECTOR_SHIFT) < lim->physical_block_size) {
		dev_warn(dev, "%s limit of %u sectors is below the %u-byte physical block; not using %s\n",
			 what, max, lim->physical_block_size, what);
		return 0;
	}
	return max;
}

/*
 * Secure erase: each of its three values must be set (virtio_blk refuses
 * a device without them; here it only goes without secure erase).
 */
static u32 pvblk_secure_erase(struct device *dev, const struct pvblk_params *p,
			      const struct queue_limits *lim)
{
	if (!p->secure_erase)
		return 0;
	if (!p->max_secure_erase_sectors || !p->max_secure_erase_seg ||
	    !p->secure_erase_sector_alignment) {
		dev_warn(dev, "secure erase with a zero limit (%u sectors, %u ranges, alignment %u); not using it\n",
			 p->max_secure_erase_sectors, p->max_secure_erase_seg,
			 p->secure_erase_sector_alignment);
		return 0;
	}
	return pvblk_range_max(dev, "secure erase",
			       p->max_secure_erase_sectors, lim);
}

/*
 * Discard and secure erase: the block layer splits both at one
 * granularity and takes one count of ranges for both, so those are the
 * smaller of the values of the two operations in use, as virtio_blk
 * takes them.
 */
static void pvblk_discard(struct device *dev, const struct pvblk_params *p,
			  struct queue_limits *lim)
{
	unsigned int lbs = lim->logical_block_size;
	u32 align = 0, segs = 0, max = 0;
	u64 gran;

	if (p->discard)
		lim->max_hw_discard_sectors =
			pvblk_range_max(dev, "discard", p->max_discard_sectors,
					lim);
	if (lim->max_hw_discard_sectors) {
		segs = pvblk_cap_ranges(dev, "discard", p->max_discard_seg);
		align = p->discard_sector_alignment;
		max = lim->max_hw_discard_sectors;
	}
	lim->max_secure_erase_sectors = pvblk_secure_erase(dev, p, lim);
	if (lim->max_secure_erase_sectors) {
		segs = min_not_zero(segs, pvblk_cap_ranges(dev, "secure erase",
							   p->max_secure_erase_seg));
		align = min_not_zero(align, p->secure_erase_sector_alignment);
		max = min_not_zero(max, lim->max_secure_erase_sectors);
	}
	if (!max)
		return;
	lim->max_discard_segments = segs;

	gran = (u64)align << SECTOR_SHIFT;
	if (!gran) {
		gran = lbs;
	} else if (gran < lbs || !is_power_of_2(gran) || gran > SZ_1G) {
		dev_warn(dev, "discard/secure erase alignment of %u sectors is not usable; using the block size\n",
			 align);
		gran = lbs;
	}
	/*
	 * The block layer splits at the granularity and at the maximum, and
	 * raises the granularity to the physical block: one above the
	 * maximum would let a larger request through. The maximum is at
	 * least a physical block (pvblk_range_max).
	 */
	gran = max_t(u64, gran, lim->physical_block_size);
	if (gran > ((u64)max << SECTOR_SHIFT)) {
		gran = rounddown_pow_of_two((u64)max << SECTOR_SHIFT);
		dev_warn(dev, "discard/secure erase alignment of %u sectors is above the maximum of %u; using %llu bytes\n",
			 align, max, (unsigned long long)gran);
	}
	lim->discard_granularity = gran;
}

/**
 * pvblk_validate - turn device parameters into block layer limits
 * @dev: for messages
 * @p: the parameters as the device gave them
 * @lim: filled in; the caller passes it to the block layer
 * @capacity: the usable capacity in 512-byte sectors
 * @geo: the legacy geometry, zero when the device has none
 *
 * Return: 0, or -EINVAL when the device cannot be driven safely.
 */
int pvblk_validate(struct device *dev, const struct pvblk_params *p,
		   struct queue_limits *lim, u64 *capacity,
		   struct pvblk_geometry *geo)
{
	unsigned int lbs = SECTOR_SIZE;
	u32 segs, seg_size;

	if (p->has_blk_size) {
		if (p->blk_size < SECTOR_SIZE || p->blk_size > PAGE_SIZE ||
		    !is_power_of_2(p->blk_size)) {
			dev_err(dev, "block size %u is not a power of two from 512 to %lu\n",
				p->blk_size, PAGE_SIZE);
			return -EINVAL;
		}
		lbs = p->blk_size;
	}
	lim->logical_block_size = lbs;
	lim->physical_block_size = lbs;

	segs = min_t(u32, p->max_transport_segs, PVBLK_MAX_SEGS);
	if (!segs) {
		dev_err(dev, "the transport has no room for data segments\n");
		return -EINVAL;
	}
	if (p->has_seg_max) {
		if (!p->seg_max)
			dev_warn(dev, "seg_max is 0; using 1 segment per request\n");
		segs = clamp_t(u32, p->seg_max, 1, segs);
	}
	lim->max_segments = segs;

	seg_size = p->max_dma_size ?: U32_MAX;
	if (p->has_size_max) {
		if (p->size_max < PAGE_SIZE) {
			dev_err(dev, "size_max %u is smaller than a page (%lu)\n",
				p->size_max, PAGE_SIZE);
			return -EINVAL;
		}
		seg_size = min(seg_size, p->size_max);
	}
	if (seg_size < PAGE_SIZE) {
		dev_err(dev, "DMA segments of %u bytes are smaller than a page\n",
			seg_size);
		return -EINVAL;
	}
	lim->max_segment_size = seg_size;
	lim->max_hw_sectors = min_t(u64, (u64)segs * seg_size >> SECTOR_SHIFT,
				    UINT_MAX);

	pvblk_topology(dev, p, lim);
	pvblk_discard(dev, p, lim);
	if (p->write_zeroes)
		lim->max_write_zeroes_sectors =
			pvblk_cap_sectors(dev, "write zeroes",
					  p->max_write_zeroes_sectors, lbs);

	/* A volatile cache in writeback mode needs flushes (and FUA). */
	if (p->flush && p->writeback) {
		lim->features |= BLK_FEAT_WRITE_CACHE;
		if (p->fua)
			lim->features |= BLK_FEAT_FUA;
	}

	memset(geo, 0, sizeof(*geo));
	if (p->has_geometry) {
		if (p->cylinders && p->heads && p->sectors) {
			geo->cylinders = p->cylinders;
			geo->heads = p->heads;
			geo->sectors = p->sectors;
		} else {
			dev_warn(dev, "ignoring geometry %u/%u/%u with a zero field\n",
				 p->cylinders, p->heads, p->sectors);
		}
	}

	*capacity = pvblk_validate_capacity(dev, p->capacity, lbs);
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(pvblk_validate);
