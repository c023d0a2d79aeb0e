// SPDX-License-Identifier: GPL-2.0
/*
 * pvblk core: the blk-mq request path shared by every pvblk transport.
 *
 * The core turns a request into a transport-neutral struct pvblk_req
 * (command, sector, data scatterlist, discard ranges), hands it to the
 * transport's ->queue, and completes it when the transport reports a
 * status. Limits come from pvblk_validate(); nothing a device says
 * reaches the block layer unchecked.
 */
#include <linux/blk-mq.h>
#include <linux/blkdev.h>
#include <linux/hdreg.h>
#include <linux/idr.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/ctype.h>
#include <kunit/visibility.h>

#include "pvblk.h"

#define PVBLK_MINORS		16
#define PVBLK_INLINE_SG		2

static unsigned int num_queues;
module_param(num_queues, uint, 0444);
MODULE_PARM_DESC(num_queues,
		 "Most hardware queues per disk (0: one per CPU, as the device allows)");

static unsigned int poll_queues;
module_param(poll_queues, uint, 0444);
MODULE_PARM_DESC(poll_queues,
		 "Hardware queues without interrupts, for polled I/O (io_uring IOPOLL)");

static unsigned int queue_depth;
module_param(queue_depth, uint, 0444);
MODULE_PARM_DESC(queue_depth, "Requests per hardware queue (0: the ring size)");

static int pvblk_major;
static DEFINE_IDA(pvblk_index_ida);

/* Per-request data: the shared part, inline sg, then the transport's. */
struct pvblk_pdu {
	blk_status_t result;
	struct pvblk_req req;
};

static inline struct pvblk_pdu *to_pdu(struct pvblk_req *req)
{
	return container_of(req, struct pvblk_pdu, req);
}

static const char *const pvblk_cmd_names[] = {
	[PVBLK_CMD_READ]		= "read",
	[PVBLK_CMD_WRITE]		= "write",
	[PVBLK_CMD_FLUSH]		= "flush",
	[PVBLK_CMD_GET_ID]		= "get-id",
	[PVBLK_CMD_DISCARD]		= "discard",
	[PVBLK_CMD_WRITE_ZEROES]	= "write-zeroes",
};

blk_status_t pvblk_status_to_blk(struct device *dev, enum pvblk_status s)
{
	switch (s) {
	case PVBLK_S_OK:
		return BLK_STS_OK;
	case PVBLK_S_UNSUPP:
		return BLK_STS_NOTSUPP;
	case PVBLK_S_IOERR:
		return BLK_STS_IOERR;
	}
	dev_err_ratelimited(dev, "invalid completion status %d\n", s);
	return BLK_STS_IOERR;
}
EXPORT_SYMBOL_IF_KUNIT(pvblk_status_to_blk);

static int pvblk_map_ranges(struct request *rq, struct pvblk_req *req,
			    unsigned int max_ranges, u32 flags)
{
	unsigned short n = blk_rq_nr_discard_segments(rq);
	struct bio *bio;
	unsigned int i = 0;

	if (max_ranges <= 1) {
		/* One range: the block layer only merged contiguous bios. */
		n = 1;
	} else if (!n || n > max_ranges) {
		return -EINVAL;
	}

	req->ranges = kmalloc_array(n, sizeof(*req->ranges), GFP_ATOMIC);
	if (!req->ranges)
		return -ENOMEM;

	if (n == 1) {
		req->ranges[0].sector = blk_rq_pos(rq);
		req->ranges[0].nr_sectors = blk_rq_sectors(rq);
		req->ranges[0].flags = flags;
		i = 1;
	} else {
		__rq_for_each_bio(bio, rq) {
			if (i == n)
				break;
			req->ranges[i].sector = bio->bi_iter.bi_sector;
			req->ranges[i].nr_sectors =
				bio->bi_iter.bi_size >> SECTOR_SHIFT;
			req->ranges[i].flags = flags;
			i++;
		}
	}
	if (i != n) {
		kfree(req->ranges);
		req->ranges = NULL;
		return -EINVAL;
	}
	req->nr_ranges = n;
	return 0;
}

/**
 * pvblk_map_request - describe a block request for a transport
 * @rq: the request
 * @req: its pvblk part; data pages are mapped separately
 * @max_ranges: discard/write-zeroes ranges the device takes per request
 *
 * Return: 0, -EOPNOTSUPP for an operation pvblk does not handle, -EINVAL
 * for a request that does not fit the limits, -ENOMEM.
 */
int pvblk_map_request(struct request *rq, struct pvblk_req *req,
		      unsigned int max_ranges)
{
	req->sector = 0;
	req->ioprio = req_get_ioprio(rq);
	req->fua = false;
	req->nents = 0;
	req->data_len = 0;
	req->ranges = NULL;
	req->nr_ranges = 0;

	switch (req_op(rq)) {
	case REQ_OP_READ:
		req->type = PVBLK_CMD_READ;
		break;
	case REQ_OP_WRITE:
		req->type = PVBLK_CMD_WRITE;
		req->fua = !!(rq->cmd_flags & REQ_FUA);
		break;
	case REQ_OP_FLUSH:
		req->type = PVBLK_CMD_FLUSH;
		return 0;
	case REQ_OP_DRV_IN:
		req->type = PVBLK_CMD_GET_ID;
		req->data_len = blk_rq_bytes(rq);
		return 0;
	case REQ_OP_DISCARD:
		req->type = PVBLK_CMD_DISCARD;
		return pvblk_map_ranges(rq, req, max_ranges, 0);
	case REQ_OP_WRITE_ZEROES:
		req->type = PVBLK_CMD_WRITE_ZEROES;
		return pvblk_map_ranges(rq, req, max_ranges,
					(rq->cmd_flags & REQ_NOUNMAP) ?
					0 : PVBLK_RANGE_UNMAP);
	default:
		return -EOPNOTSUPP;
	}
	req->sector = blk_rq_pos(rq);
	req->data_len = blk_rq_bytes(rq);
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(pvblk_map_request);

static void pvblk_unmap(struct pvblk_req *req)
{
	if (req->sgt.sgl)
		sg_free_table_chained(&req->sgt, PVBLK_INLINE_SG);
	req->sgt.sgl = NULL;
	kfree(req->ranges);
	req->ranges = NULL;
}

static int pvblk_map_data(struct request_queue *q, struct request *rq,
			  struct pvblk_req *req)
{
	unsigned short segs = blk_rq_nr_phys_segments(rq);
	int err;

	if (!segs || !blk_rq_bytes(rq) || req->type == PVBLK_CMD_DISCARD ||
	    req->type == PVBLK_CMD_WRITE_ZEROES)
		return 0;

	req->sgt.sgl = req->sg;
	err = sg_alloc_table_chained(&req->sgt, segs, req->sg,
				     PVBLK_INLINE_SG);
	if (err) {
		req->sgt.sgl = NULL;
		return -ENOMEM;
	}
	req->nents = blk_rq_map_sg(q, rq, req->sgt.sgl);
	return 0;
}

static blk_status_t pvblk_queue_rq(struct blk_mq_hw_ctx *hctx,
				   const struct blk_mq_queue_data *bd)
{
	struct pvblk_dev *pd = hctx->queue->queuedata;
	struct request *rq = bd->rq;
	struct pvblk_req *req = &((struct pvblk_pdu *)blk_mq_rq_to_pdu(rq))->req;
	int err;

	if (unlikely(READ_ONCE(pd->dead)))
		return BLK_STS_IOERR;

	err = pvblk_map_request(rq, req, queue_max_discard_segments(rq->q));
	if (unlikely(err))
		return err == -ENOMEM ? BLK_STS_RESOURCE :
		       err == -EOPNOTSUPP ? BLK_STS_NOTSUPP : BLK_STS_IOERR;
	err = pvblk_map_data(hctx->queue, rq, req);
	if (unlikely(err)) {
		pvblk_unmap(req);
		return BLK_STS_RESOURCE;
	}

	blk_mq_start_request(rq);
	atomic64_inc(&pd->stats.requests);
	err = pd->ops->queue(pd, hctx->queue_num, req, bd->last);
	if (unlikely(err)) {
		pvblk_unmap(req);
		if (err == -ENOSPC) {
			atomic64_inc(&pd->stats.ring_full);
			blk_mq_stop_hw_queue(hctx);
			return BLK_STS_DEV_RESOURCE;
		}
		return err == -ENOMEM ? BLK_STS_RESOURCE : BLK_STS_IOERR;
	}
	return BLK_STS_OK;
}

static void pvblk_commit_rqs(struct blk_mq_hw_ctx *hctx)
{
	struct pvblk_dev *pd = hctx->queue->queuedata;

	pd->ops->kick(pd, hctx->queue_num);
}

static void pvblk_complete_rq(struct request *rq)
{
	struct pvblk_pdu *pdu = blk_mq_rq_to_pdu(rq);

	pvblk_unmap(&pdu->req);
	blk_mq_end_request(rq, pdu->result);
}

/**
 * pvblk_complete - a transport's completion of a request
 * @pd: the disk
 * @req: the request the device completed
 * @status: what the device said, already checked by the transport
 */
void pvblk_complete(struct pvblk_dev *pd, struct pvblk_req *req,
		    enum pvblk_status status)
{
	struct request *rq = blk_mq_rq_from_pdu(to_pdu(req));
	blk_status_t result = pvblk_status_to_blk(pd->dev, status);

	if (unlikely(result)) {
		atomic64_inc(&pd->stats.errors);
		if (!(rq->rq_flags & RQF_QUIET))
			dev_err_ratelimited(pd->dev, "%s at sector %llu, %u bytes: %s\n",
					    pvblk_cmd_names[req->type],
					    (unsigned long long)blk_rq_pos(rq),
					    blk_rq_bytes(rq),
					    status == PVBLK_S_UNSUPP ?
					    "not supported" : "I/O error");
	}
	to_pdu(req)->result = result;
	if (likely(!blk_should_fake_timeout(rq->q)))
		blk_mq_complete_request(rq);
}
EXPORT_SYMBOL_GPL(pvblk_complete);

/* The device said something invalid about @req: fail it, say why. */
void pvblk_fail_request(struct pvblk_dev *pd, struct pvblk_req *req,
			const char *why)
{
	struct request *rq = blk_mq_rq_from_pdu(to_pdu(req));

	atomic64_inc(&pd->stats.bad_completions);
	atomic64_inc(&pd->stats.errors);
	dev_err_ratelimited(pd->dev, "%s at sector %llu failed: %s\n",
			    pvblk_cmd_names[req->type],
			    (unsigned long long)blk_rq_pos(rq), why);
	to_pdu(req)->result = BLK_STS_IOERR;
	blk_mq_complete_request(rq);
}
EXPORT_SYMBOL_GPL(pvblk_fail_request);

void pvblk_queue_ready(struct pvblk_dev *pd, unsigned int qid)
{
	blk_mq_start_stopped_hw_queues(pd->disk->queue, true);
}
EXPORT_SYMBOL_GPL(pvblk_queue_ready);

static int pvblk_init_request(struct blk_mq_tag_set *set, struct request *rq,
			      unsigned int hctx_idx, unsigned int numa_node)
{
	struct pvblk_pdu *pdu = blk_mq_rq_to_pdu(rq);

	pdu->req.tdata = (void *)pdu + ALIGN(sizeof(*pdu) +
		sizeof(struct scatterlist) * PVBLK_INLINE_SG, 8);
	pdu->req.sgt.sgl = NULL;
	pdu->req.ranges = NULL;
	return 0;
}

static void pvblk_map_queues(struct blk_mq_tag_set *set)
{
	struct pvblk_dev *pd = set->driver_data;
	struct blk_mq_queue_map *map = &set->map[HCTX_TYPE_DEFAULT];

	map->nr_queues = pd->nr_queues - pd->nr_poll_queues;
	map->queue_offset = 0;
	if (pd->ops->map_queues)
		pd->ops->map_queues(pd, map);
	else
		blk_mq_map_queues(map);

	if (set->nr_maps <= HCTX_TYPE_POLL)
		return;
	set->map[HCTX_TYPE_READ].nr_queues = 0;
	/* No interrupts, so no affinity to follow. */
	map = &set->map[HCTX_TYPE_POLL];
	map->nr_queues = pd->nr_poll_queues;
	map->queue_offset = pd->nr_queues - pd->nr_poll_queues;
	blk_mq_map_queues(map);
}

static int pvblk_poll(struct blk_mq_hw_ctx *hctx, struct io_comp_batch *iob)
{
	struct pvblk_dev *pd = hctx->queue->queuedata;

	return pd->ops->poll(pd, hctx->queue_num);
}

static const struct blk_mq_ops pvblk_mq_ops = {
	.queue_rq	= pvblk_queue_rq,
	.map_queues	= pvblk_map_queues,
	.poll		= pvblk_poll,
	.commit_rqs	= pvblk_commit_rqs,
	.complete	= pvblk_complete_rq,
	.init_request	= pvblk_init_request,
};

static int pvblk_getgeo(struct block_device *bdev, struct hd_geometry *geo)
{
	struct pvblk_dev *pd = bdev->bd_disk->private_data;

	if (pd->geo.heads) {
		geo->cylinders = pd->geo.cylinders;
		geo->heads = pd->geo.heads;
		geo->sectors = pd->geo.sectors;
	} else {
		/* Made up, as every driver without a geometry does. */
		geo->heads = 1 << 6;
		geo->sectors = 1 << 5;
		geo->cylinders = get_capacity(bdev->bd_disk) >> 11;
	}
	return 0;
}

static const struct block_device_operations pvblk_fops = {
	.owner	= THIS_MODULE,
	.getgeo	= pvblk_getgeo,
};

static ssize_t serial_show(struct device *dev, struct device_attribute *attr,
			   char *buf)
{
	struct gendisk *disk = dev_to_disk(dev);
	struct request_queue *q = disk->queue;
	char id[PVBLK_ID_LEN + 1] = { };
	struct request *rq;
	blk_status_t st;
	int err;

	rq = blk_mq_alloc_request(q, REQ_OP_DRV_IN, 0);
	if (IS_ERR(rq))
		return PTR_ERR(rq);
	err = blk_rq_map_kern(q, rq, id, PVBLK_ID_LEN, GFP_KERNEL);
	if (err) {
		blk_mq_free_request(rq);
		return err;
	}
	rq->rq_flags |= RQF_QUIET;
	st = blk_execute_rq(rq, false);
	blk_mq_free_request(rq);
	if (st)
		return blk_status_to_errno(st);
	/* Up to 20 bytes, NUL padded when shorter: keep it printable. */
	for (err = 0; err < PVBLK_ID_LEN && id[err]; err++)
		if (!isprint(id[err]))
			id[err] = '?';
	return sysfs_emit(buf, "%s\n", id);
}
static DEVICE_ATTR_RO(serial);

static const char *const pvblk_cache_types[] = { "write through", "write back" };

static ssize_t cache_type_show(struct device *dev,
			       struct device_attribute *attr, char *buf)
{
	struct pvblk_dev *pd = dev_to_disk(dev)->private_data;

	return sysfs_emit(buf, "%s\n", pvblk_cache_types[pd->writeback]);
}

static ssize_t cache_type_store(struct device *dev,
				struct device_attribute *attr,
				const char *buf, size_t count)
{
	struct pvblk_dev *pd = dev_to_disk(dev)->private_data;
	int i, err;

	i = sysfs_match_string(pvblk_cache_types, buf);
	if (i < 0)
		return i;
	if (!pd->wce || !pd->ops->set_writeback)
		return -EOPNOTSUPP;
	err = pd->ops->set_writeback(pd, i);
	if (err)
		return err;
	pvblk_update_writeback(pd, i);
	return count;
}
static DEVICE_ATTR_RW(cache_type);

static struct attribute *pvblk_attrs[] = {
	&dev_attr_serial.attr,
	&dev_attr_cache_type.attr,
	NULL,
};

static const struct attribute_group pvblk_attr_group = {
	.attrs = pvblk_attrs,
};

/* /sys/block/vdX/pvblk/: what the core counted, one value per file. */
static ssize_t pvblk_stat_emit(struct device *dev, char *buf, size_t offset)
{
	struct pvblk_dev *pd = dev_to_disk(dev)->private_data;
	atomic64_t *v = (void *)&pd->stats + offset;

	return sysfs_emit(buf, "%lld\n", (long long)atomic64_read(v));
}

static ssize_t requests_show(struct device *dev,
			     struct device_attribute *attr, char *buf)
{
	return pvblk_stat_emit(dev, buf, offsetof(struct pvblk_stats, requests));
}
static DEVICE_ATTR_RO(requests);

static ssize_t errors_show(struct device *dev, struct device_attribute *attr,
			   char *buf)
{
	return pvblk_stat_emit(dev, buf, offsetof(struct pvblk_stats, errors));
}
static DEVICE_ATTR_RO(errors);

static ssize_t bad_completions_show(struct device *dev,
				    struct device_attribute *attr, char *buf)
{
	return pvblk_stat_emit(dev, buf,
			       offsetof(struct pvblk_stats, bad_completions));
}
static DEVICE_ATTR_RO(bad_completions);

static ssize_t ring_full_show(struct device *dev,
			      struct device_attribute *attr, char *buf)
{
	return pvblk_stat_emit(dev, buf, offsetof(struct pvblk_stats, ring_full));
}
static DEVICE_ATTR_RO(ring_full);

static struct attribute *pvblk_stat_attrs[] = {
	&dev_attr_requests.attr,
	&dev_attr_errors.attr,
	&dev_attr_bad_completions.attr,
	&dev_attr_ring_full.attr,
	NULL,
};

static const struct attribute_group pvblk_stat_group = {
	.name = "pvblk",
	.attrs = pvblk_stat_attrs,
};

static const struct attribute_group *pvblk_attr_groups[] = {
	&pvblk_attr_group,
	&pvblk_stat_group,
	NULL,
};

/* Called with the cache mode the device reports now. */
void pvblk_update_writeback(struct pvblk_dev *pd, bool writeback)
{
	struct request_queue *q = pd->disk->queue;
	struct queue_limits lim;
	int err;

	lim = queue_limits_start_update(q);
	if (writeback)
		lim.features |= BLK_FEAT_WRITE_CACHE;
	else
		lim.features &= ~(BLK_FEAT_WRITE_CACHE | BLK_FEAT_FUA);
	blk_mq_freeze_queue(q);
	err = queue_limits_commit_update(q, &lim);
	blk_mq_unfreeze_queue(q);
	if (err)
		dev_err(pd->dev, "cannot switch the cache mode: %d\n", err);
	else
		pd->writeback = writeback;
}
EXPORT_SYMBOL_GPL(pvblk_update_writeback);

void pvblk_update_capacity(struct pvblk_dev *pd, u64 capacity)
{
	capacity = pvblk_validate_capacity(pd->dev, capacity,
					   queue_logical_block_size(pd->disk->queue));
	if (capacity == get_capacity(pd->disk))
		return;
	dev_info(pd->dev, "%s: capacity changed from %llu to %llu sectors\n",
		 pd->disk->disk_name, (unsigned long long)get_capacity(pd->disk),
		 capacity);
	/* Also tells user space: a change uevent with RESIZE=1. */
	set_capacity_and_notify(pd->disk, capacity);
}
EXPORT_SYMBOL_GPL(pvblk_update_capacity);

/**
 * pvblk_alloc - a new disk for a transport
 * @dev: the transport's device
 * @ops: the transport's operations
 * @transport: the transport's state, pd->transport
 * @tdata_size: per-request bytes the transport needs, at req->tdata
 */
struct pvblk_dev *pvblk_alloc(struct device *dev,
			      const struct pvblk_transport_ops *ops,
			      void *transport, unsigned int tdata_size)
{
	struct pvblk_dev *pd = kzalloc(sizeof(*pd), GFP_KERNEL);

	if (!pd)
		return NULL;
	pd->dev = dev;
	pd->ops = ops;
	pd->transport = transport;
	pd->tdata_size = tdata_size;
	pd->index = -1;
	return pd;
}
EXPORT_SYMBOL_GPL(pvblk_alloc);

/* vda .. vdz, vdaa .. vdzz, ... as virtio_blk names its disks. */
static int pvblk_name(int index, char *buf, int buflen)
{
	const int base = 'z' - 'a' + 1;
	char suffix[8];
	int n = 0;

	do {
		if (n == sizeof(suffix))
			return -EINVAL;
		suffix[n++] = 'a' + (index % base);
		index = index / base - 1;
	} while (index >= 0);

	if (n + 3 > buflen)
		return -EINVAL;
	buf[0] = 'v';
	buf[1] = 'd';
	for (index = 0; index < n; index++)
		buf[2 + index] = suffix[n - 1 - index];
	buf[2 + n] = '\0';
	return 0;
}

/**
 * pvblk_plan_queues - how many queues to set up, and how many to poll
 * @offered: the queues the device offers
 * @nr: all the queues to set up
 * @nr_poll: how many of them, the last ones, go without interrupts
 *
 * At least one queue keeps interrupts; poll queues as the poll_queues
 * parameter asks; interrupt queues one per CPU at most, num_queues at
 * most when it is set.
 */
void pvblk_plan_queues(unsigned int offered, unsigned int *nr,
		       unsigned int *nr_poll)
{
	unsigned int irq;

	offered = max(offered, 1U);
	*nr_poll = min(poll_queues, offered - 1);
	irq = min3(offered - *nr_poll, num_queues ?: nr_cpu_ids, nr_cpu_ids);
	*nr = irq + *nr_poll;
}
EXPORT_SYMBOL_GPL(pvblk_plan_queues);

/**
 * pvblk_add_disk - validate the device and register its disk
 * @pd: from pvblk_alloc()
 * @p: the device's raw parameters
 * @nr_queues: hardware queues the transport set up
 * @nr_poll_queues: how many of them, the last ones, have no interrupt
 * @depth: requests per queue the transport's rings hold
 *
 * Return: 0, or an error for a device that cannot be driven.
 */
int pvblk_add_disk(struct pvblk_dev *pd, const struct pvblk_params *p,
		   unsigned int nr_queues, unsigned int nr_poll_queues,
		   unsigned int depth)
{
	struct queue_limits lim = { };
	struct blk_mq_tag_set *set = &pd->tag_set;
	u64 capacity;
	int err;

	err = pvblk_validate(pd->dev, p, &lim, &capacity, &pd->geo);
	if (err)
		return err;
	pd->wce = p->flush && p->wce;
	pd->writeback = p->flush && p->writeback;
	pd->max_segs = lim.max_segments;

	if (!nr_queues || nr_poll_queues >= nr_queues ||
	    (nr_poll_queues && !pd->ops->poll)) {
		dev_err(pd->dev, "%u poll queues of %u cannot be served\n",
			nr_poll_queues, nr_queues);
		return -EINVAL;
	}
	pd->nr_queues = nr_queues;
	pd->nr_poll_queues = nr_poll_queues;
	if (queue_depth)
		depth = min(depth, queue_depth);

	set->ops = &pvblk_mq_ops;
	set->nr_hw_queues = nr_queues;
	set->nr_maps = nr_poll_queues ? HCTX_MAX_TYPES : 1;
	set->queue_depth = max(depth, 1U);
	set->numa_node = NUMA_NO_NODE;
	set->cmd_size = ALIGN(sizeof(struct pvblk_pdu) +
			      sizeof(struct scatterlist) * PVBLK_INLINE_SG, 8) +
			pd->tdata_size;
	set->driver_data = pd;
	err = blk_mq_alloc_tag_set(set);
	if (err)
		return err;

	pd->disk = blk_mq_alloc_disk(set, &lim, pd);
	if (IS_ERR(pd->disk)) {
		err = PTR_ERR(pd->disk);
		pd->disk = NULL;
		goto out_tags;
	}

	err = ida_alloc_range(&pvblk_index_ida, 0,
			      MINORMASK >> ilog2(PVBLK_MINORS), GFP_KERNEL);
	if (err < 0)
		goto out_disk;
	pd->index = err;

	err = pvblk_name(pd->index, pd->disk->disk_name, DISK_NAME_LEN);
	if (err)
		goto out_ida;
	pd->disk->major = pvblk_major;
	pd->disk->first_minor = pd->index * PVBLK_MINORS;
	pd->disk->minors = PVBLK_MINORS;
	pd->disk->private_data = pd;
	pd->disk->fops = &pvblk_fops;
	set_disk_ro(pd->disk, p->read_only);
	set_capacity(pd->disk, capacity);

	err = device_add_disk(pd->dev, pd->disk, pvblk_attr_groups);
	if (err)
		goto out_ida;

	dev_info(pd->dev, "%s: %llu sectors of %u bytes, %u queue(s) of %u, %u polled%s%s%s%s\n",
		 pd->disk->disk_name, capacity, lim.logical_block_size,
		 nr_queues, set->queue_depth, nr_poll_queues,
		 p->read_only ? ", read-only" : "",
		 pd->writeback ? ", write back" : "",
		 lim.max_hw_discard_sectors ? ", discard" : "",
		 lim.max_write_zeroes_sectors ? ", write zeroes" : "");
	return 0;

out_ida:
	ida_free(&pvblk_index_ida, pd->index);
	pd->index = -1;
out_disk:
	put_disk(pd->disk);
	pd->disk = NULL;
out_tags:
	blk_mq_free_tag_set(set);
	return err;
}
EXPORT_SYMBOL_GPL(pvblk_add_disk);

static bool pvblk_fail_inflight(struct request *rq, void *data)
{
	struct pvblk_pdu *pdu = blk_mq_rq_to_pdu(rq);

	if (blk_mq_request_started(rq) && !blk_mq_request_completed(rq)) {
		pdu->result = BLK_STS_IOERR;
		blk_mq_complete_request(rq);
	}
	return true;
}

/**
 * pvblk_remove - take the disk away
 * @pd: the disk
 * @surprise: the device is gone and will complete nothing more
 *
 * With a live device del_gendisk() lets in-flight I/O finish. A device
 * that is gone fails new I/O at once and in-flight I/O here, so nothing
 * waits for it forever.
 */
void pvblk_remove(struct pvblk_dev *pd, bool surprise)
{
	if (!pd->disk)
		return;
	if (surprise) {
		WRITE_ONCE(pd->dead, true);
		blk_mark_disk_dead(pd->disk);
		blk_mq_quiesce_queue(pd->disk->queue);
		blk_mq_tagset_busy_iter(&pd->tag_set, pvblk_fail_inflight, pd);
		blk_mq_unquiesce_queue(pd->disk->queue);
	}
	del_gendisk(pd->disk);
}
EXPORT_SYMBOL_GPL(pvblk_remove);

/* After pvblk_remove() and after the transport stopped its device. */
void pvblk_free(struct pvblk_dev *pd)
{
	if (pd->disk) {
		put_disk(pd->disk);
		blk_mq_free_tag_set(&pd->tag_set);
	}
	if (pd->index >= 0)
		ida_free(&pvblk_index_ida, pd->index);
	kfree(pd);
}
EXPORT_SYMBOL_GPL(pvblk_free);

/*
 * Suspend: no request may be with the device while it is reset. Wait for
 * those it holds (freeze), then keep new ones waiting in the quiesced
 * queue across the suspend rather than in a frozen one: the freeze is a
 * lock to lockdep, which the PM worker must not return holding (as
 * virtio_blk does since "virtio-blk: don't keep queue frozen during
 * system suspend").
 */
void pvblk_freeze(struct pvblk_dev *pd)
{
	struct request_queue *q = pd->disk->queue;

	blk_mq_freeze_queue(q);
	blk_mq_quiesce_queue_nowait(q);
	blk_mq_unfreeze_queue(q);
}
EXPORT_SYMBOL_GPL(pvblk_freeze);

/* Resume: the device is back, the requests kept waiting go to it. */
void pvblk_unfreeze(struct pvblk_dev *pd)
{
	blk_mq_unquiesce_queue(pd->disk->queue);
}
EXPORT_SYMBOL_GPL(pvblk_unfreeze);

static int __init pvblk_init(void)
{
	pvblk_major = register_blkdev(0, "pvblk");
	return pvblk_major < 0 ? pvblk_major : 0;
}

static void __exit pvblk_exit(void)
{
	unregister_blkdev(pvblk_major, "pvblk");
	ida_destroy(&pvblk_index_ida);
}

module_init(pvblk_init);
module_exit(pvblk_exit);
MODULE_DESCRIPTION("pvx paravirtual block driver core");
MODULE_LICENSE("GPL");
