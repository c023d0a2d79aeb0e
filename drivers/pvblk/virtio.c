// SPDX-License-Identifier: GPL-2.0
/*
 * pvblk virtio transport: VIRTIO_ID_BLOCK devices on the kernel's virtio
 * core, which brings indirect descriptors, event idx and packed rings.
 *
 * This file owns how a pvblk request reaches the device (an out header,
 * data, a status byte in one descriptor chain, and a kick) and what the
 * device's config space says. It checks what the device puts in the used
 * ring (length, status) before the core sees a completion.
 */
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/virtio.h>
#include <linux/virtio_config.h>
#include <linux/virtio_blk.h>
#include <linux/blk-mq-virtio.h>
#include <linux/interrupt.h>
#include <linux/virtio_ring.h>
#include <kunit/visibility.h>

#include "pvblk_virtio.h"

struct pvblk_vq {
	struct virtqueue *vq;
	spinlock_t lock;		/* the virtqueue */
	char name[24];		/* "req_poll." and a u32 */
} ____cacheline_aligned_in_smp;

struct pvblk_virtio {
	struct virtio_device *vdev;
	struct pvblk_dev *pd;
	struct work_struct config_work;
	unsigned int nr_vqs;
	unsigned int nr_poll;		/* the last nr_poll vqs are polled */
	struct pvblk_vq *vqs;
};

static const u32 pvblk_virtio_types[] = {
	[PVBLK_CMD_READ]		= VIRTIO_BLK_T_IN,
	[PVBLK_CMD_WRITE]		= VIRTIO_BLK_T_OUT,
	[PVBLK_CMD_FLUSH]		= VIRTIO_BLK_T_FLUSH,
	[PVBLK_CMD_GET_ID]		= VIRTIO_BLK_T_GET_ID,
	[PVBLK_CMD_DISCARD]		= VIRTIO_BLK_T_DISCARD,
	[PVBLK_CMD_WRITE_ZEROES]	= VIRTIO_BLK_T_WRITE_ZEROES,
};

/**
 * pvblk_virtio_read_params - what the device's config space says
 * @vdev: the device, features negotiated
 * @p: filled in, unvalidated (pvblk_validate() checks it)
 */
VISIBLE_IF_KUNIT void pvblk_virtio_read_params(struct virtio_device *vdev,
					       struct pvblk_params *p)
{
	memset(p, 0, sizeof(*p));
	virtio_cread(vdev, struct virtio_blk_config, capacity, &p->capacity);

	p->has_size_max = !virtio_cread_feature(vdev, VIRTIO_BLK_F_SIZE_MAX,
						struct virtio_blk_config,
						size_max, &p->size_max);
	p->has_seg_max = !virtio_cread_feature(vdev, VIRTIO_BLK_F_SEG_MAX,
					       struct virtio_blk_config,
					       seg_max, &p->seg_max);
	p->has_blk_size = !virtio_cread_feature(vdev, VIRTIO_BLK_F_BLK_SIZE,
						struct virtio_blk_config,
						blk_size, &p->blk_size);
	if (virtio_has_feature(vdev, VIRTIO_BLK_F_GEOMETRY)) {
		p->has_geometry = true;
		virtio_cread(vdev, struct virtio_blk_config,
			     geometry.cylinders, &p->cylinders);
		virtio_cread(vdev, struct virtio_blk_config,
			     geometry.heads, &p->heads);
		virtio_cread(vdev, struct virtio_blk_config,
			     geometry.sectors, &p->sectors);
	}
	if (virtio_has_feature(vdev, VIRTIO_BLK_F_TOPOLOGY)) {
		p->has_topology = true;
		virtio_cread(vdev, struct virtio_blk_config,
			     physical_block_exp, &p->physical_block_exp);
		virtio_cread(vdev, struct virtio_blk_config,
			     alignment_offset, &p->alignment_offset);
		virtio_cread(vdev, struct virtio_blk_config,
			     min_io_size, &p->min_io_size);
		virtio_cread(vdev, struct virtio_blk_config,
			     opt_io_size, &p->opt_io_size);
	}
	p->read_only = virtio_has_feature(vdev, VIRTIO_BLK_F_RO);
	p->flush = virtio_has_feature(vdev, VIRTIO_BLK_F_FLUSH);
	p->wce = virtio_has_feature(vdev, VIRTIO_BLK_F_CONFIG_WCE);
	if (p->wce) {
		u8 wb;

		virtio_cread(vdev, struct virtio_blk_config, wce, &wb);
		p->writeback = wb;
	} else {
		/* Legacy rule: FLUSH offered means a write-back cache. */
		p->writeback = p->flush;
	}
	if (virtio_has_feature(vdev, VIRTIO_BLK_F_DISCARD)) {
		p->discard = true;
		virtio_cread(vdev, struct virtio_blk_config,
			     max_discard_sectors, &p->max_discard_sectors);
		virtio_cread(vdev, struct virtio_blk_config,
			     max_discard_seg, &p->max_discard_seg);
		virtio_cread(vdev, struct virtio_blk_config,
			     discard_sector_alignment,
			     &p->discard_sector_alignment);
	}
	if (virtio_has_feature(vdev, VIRTIO_BLK_F_WRITE_ZEROES)) {
		u8 unmap;

		p->write_zeroes = true;
		virtio_cread(vdev, struct virtio_blk_config,
			     max_write_zeroes_sectors,
			     &p->max_write_zeroes_sectors);
		virtio_cread(vdev, struct virtio_blk_config,
			     max_write_zeroes_seg, &p->max_write_zeroes_seg);
		virtio_cread(vdev, struct virtio_blk_config,
			     write_zeroes_may_unmap, &unmap);
		p->write_zeroes_may_unmap = unmap;
	}
	/* With indirect descriptors a request takes one ring slot. */
	p->max_transport_segs = PVBLK_MAX_SEGS;
}
EXPORT_SYMBOL_IF_KUNIT(pvblk_virtio_read_params);

/*
 * The number of request queues the device offers: 1 without MQ, and
 * never 0, whatever the config space says.
 */
VISIBLE_IF_KUNIT unsigned int pvblk_virtio_nr_queues(struct virtio_device *vdev)
{
	u16 n;

	if (virtio_cread_feature(vdev, VIRTIO_BLK_F_MQ,
				 struct virtio_blk_config, num_queues, &n))
		return 1;
	if (!n) {
		dev_warn(&vdev->dev, "num_queues is 0; using 1\n");
		return 1;
	}
	return n;
}
EXPORT_SYMBOL_IF_KUNIT(pvblk_virtio_nr_queues);

static int pvblk_virtio_queue(struct pvblk_dev *pd, unsigned int qid,
			      struct pvblk_req *req, bool last)
{
	struct pvblk_virtio *pv = pd->transport;
	struct virtio_device *vdev = pv->vdev;
	struct pvblk_virtio_req *vr = req->tdata;
	struct scatterlist hdr, status, ranges, *sgs[4];
	struct pvblk_vq *q = &pv->vqs[qid];
	unsigned int out = 0, in = 0, i;
	bool data_in, notify = false;
	unsigned long flags;
	u32 type;
	int err;

	type = pvblk_virtio_types[req->type];
	vr->hdr.type = cpu_to_virtio32(vdev, type);
	vr->hdr.ioprio = cpu_to_virtio32(vdev, req->ioprio);
	vr->hdr.sector = cpu_to_virtio64(vdev, req->sector);
	vr->status = 0xff;	/* not a status: the device must write one */
	vr->ranges = NULL;

	sg_init_one(&hdr, &vr->hdr, sizeof(vr->hdr));
	sgs[out++] = &hdr;

	if (req->nr_ranges) {
		vr->ranges = kmalloc_array(req->nr_ranges, sizeof(*vr->ranges),
					   GFP_ATOMIC);
		if (!vr->ranges)
			return -ENOMEM;
		for (i = 0; i < req->nr_ranges; i++) {
			vr->ranges[i].sector = cpu_to_le64(req->ranges[i].sector);
			vr->ranges[i].num_sectors =
				cpu_to_le32(req->ranges[i].nr_sectors);
			vr->ranges[i].flags = cpu_to_le32(req->ranges[i].flags &
					PVBLK_RANGE_UNMAP ?
					VIRTIO_BLK_WRITE_ZEROES_FLAG_UNMAP : 0);
		}
		sg_init_one(&ranges, vr->ranges,
			    req->nr_ranges * sizeof(*vr->ranges));
		sgs[out++] = &ranges;
	}

	data_in = req->type == PVBLK_CMD_READ || req->type == PVBLK_CMD_GET_ID;
	if (req->nents) {
		if (data_in)
			sgs[out + in++] = req->sgt.sgl;
		else
			sgs[out++] = req->sgt.sgl;
	}
	vr->in_len = (data_in ? req->data_len : 0) + sizeof(vr->status);
	sg_init_one(&status, &vr->status, sizeof(vr->status));
	sgs[out + in++] = &status;

	spin_lock_irqsave(&q->lock, flags);
	err = virtqueue_add_sgs(q->vq, sgs, out, in, req, GFP_ATOMIC);
	if (err) {
		/* Let the device drain what it has before we retry. */
		virtqueue_kick(q->vq);
		spin_unlock_irqrestore(&q->lock, flags);
		kfree(vr->ranges);
		vr->ranges = NULL;
		return err == -ENOSPC ? -ENOSPC : -ENOMEM;
	}
	if (last)
		notify = virtqueue_kick_prepare(q->vq);
	spin_unlock_irqrestore(&q->lock, flags);
	if (notify)
		virtqueue_notify(q->vq);
	return 0;
}

static void pvblk_virtio_kick(struct pvblk_dev *pd, unsigned int qid)
{
	struct pvblk_virtio *pv = pd->transport;
	struct pvblk_vq *q = &pv->vqs[qid];
	bool notify;

	spin_lock_irq(&q->lock);
	notify = virtqueue_kick_prepare(q->vq);
	spin_unlock_irq(&q->lock);
	if (notify)
		virtqueue_notify(q->vq);
}

/*
 * A used buffer, checked: the device wrote @len bytes; a read must have
 * filled its data and the status, anything else only the status.
 */
VISIBLE_IF_KUNIT const char *
pvblk_virtio_check_used(const struct pvblk_virtio_req *vr,
			enum pvblk_cmd_type type, unsigned int len,
			enum pvblk_status *status)
{
	if (len < sizeof(vr->status))
		return "the device wrote no status";
	if (len > vr->in_len)
		return "the device claims to have written past the buffer";
	switch (vr->status) {
	case VIRTIO_BLK_S_OK:
		*status = PVBLK_S_OK;
		break;
	case VIRTIO_BLK_S_IOERR:
		*status = PVBLK_S_IOERR;
		break;
	case VIRTIO_BLK_S_UNSUPP:
		*status = PVBLK_S_UNSUPP;
		break;
	default:
		return "invalid status byte";
	}
	if (*status == PVBLK_S_OK && type == PVBLK_CMD_READ &&
	    len != vr->in_len)
		return "short read";
	return NULL;
}
EXPORT_SYMBOL_IF_KUNIT(pvblk_virtio_check_used);

/* Complete what the device put in @q's used ring; q->lock held. */
static int pvblk_virtio_reap(struct pvblk_dev *pd, struct pvblk_vq *q)
{
	enum pvblk_status status;
	struct pvblk_req *req;
	unsigned int len;
	const char *bad;
	int found = 0;

	/* The virtio core rejects ids that are not ours. */
	while ((req = virtqueue_get_buf(q->vq, &len))) {
		struct pvblk_virtio_req *vr = req->tdata;

		kfree(vr->ranges);
		vr->ranges = NULL;
		bad = pvblk_virtio_check_used(vr, req->type, len, &status);
		if (unlikely(bad))
			pvblk_fail_request(pd, req, bad);
		else
			pvblk_complete(pd, req, status);
		found++;
	}
	return found;
}

static void pvblk_virtio_done(struct virtqueue *vq)
{
	struct pvblk_virtio *pv = vq->vdev->priv;
	struct pvblk_vq *q = &pv->vqs[vq->index];
	unsigned long flags;
	int found = 0;

	spin_lock_irqsave(&q->lock, flags);
	do {
		virtqueue_disable_cb(vq);
		found += pvblk_virtio_reap(pv->pd, q);
	} while (!virtqueue_enable_cb(vq));
	spin_unlock_irqrestore(&q->lock, flags);

	if (found)
		pvblk_queue_ready(pv->pd, vq->index);
}

/* Polled queues have no interrupt: blk-mq calls this instead. */
static int pvblk_virtio_poll(struct pvblk_dev *pd, unsigned int qid)
{
	struct pvblk_virtio *pv = pd->transport;
	struct pvblk_vq *q = &pv->vqs[qid];
	unsigned long flags;
	int found;

	spin_lock_irqsave(&q->lock, flags);
	found = pvblk_virtio_reap(pd, q);
	spin_unlock_irqrestore(&q->lock, flags);

	if (found)
		pvblk_queue_ready(pd, qid);
	return found;
}

static int pvblk_virtio_set_writeback(struct pvblk_dev *pd, bool writeback)
{
	struct pvblk_virtio *pv = pd->transport;

	virtio_cwrite8(pv->vdev, offsetof(struct virtio_blk_config, wce),
		       writeback);
	return 0;
}

static void pvblk_virtio_map_queues(struct pvblk_dev *pd,
				    struct blk_mq_queue_map *map)
{
	struct pvblk_virtio *pv = pd->transport;

	blk_mq_virtio_map_queues(map, pv->vdev, 0);
}

static const struct pvblk_transport_ops pvblk_virtio_ops = {
	.queue		= pvblk_virtio_queue,
	.kick		= pvblk_virtio_kick,
	.map_queues	= pvblk_virtio_map_queues,
	.poll		= pvblk_virtio_poll,
	.set_writeback	= pvblk_virtio_set_writeback,
};

static void pvblk_virtio_config_work(struct work_struct *work)
{
	struct pvblk_virtio *pv = container_of(work, struct pvblk_virtio,
					       config_work);
	u64 capacity;

	virtio_cread(pv->vdev, struct virtio_blk_config, capacity, &capacity);
	pvblk_update_capacity(pv->pd, capacity);
}

static void pvblk_virtio_config_changed(struct virtio_device *vdev)
{
	struct pvblk_virtio *pv = vdev->priv;

	queue_work(system_freezable_wq, &pv->config_work);
}

/* @n queues, the last @npoll without interrupts (polled). */
static int pvblk_virtio_init_vqs(struct pvblk_virtio *pv, unsigned int n,
				 unsigned int npoll)
{
	struct virtio_device *vdev = pv->vdev;
	struct irq_affinity desc = { };
	struct virtqueue_info *info;
	struct virtqueue **vqs;
	unsigned int i;
	int err = -ENOMEM;

	pv->vqs = kcalloc(n, sizeof(*pv->vqs), GFP_KERNEL);
	info = kcalloc(n, sizeof(*info), GFP_KERNEL);
	vqs = kcalloc(n, sizeof(*vqs), GFP_KERNEL);
	if (!pv->vqs || !info || !vqs)
		goto out;

	for (i = 0; i < n; i++) {
		bool polled = i >= n - npoll;

		snprintf(pv->vqs[i].name, sizeof(pv->vqs[i].name),
			 polled ? "req_poll.%u" : "req.%u", i);
		info[i].name = pv->vqs[i].name;
		info[i].callback = polled ? NULL : pvblk_virtio_done;
	}
	err = virtio_find_vqs(vdev, n, vqs, info, &desc);
	if (err)
		goto out;
	for (i = 0; i < n; i++) {
		spin_lock_init(&pv->vqs[i].lock);
		pv->vqs[i].vq = vqs[i];
	}
	pv->nr_vqs = n;
	pv->nr_poll = npoll;
out:
	kfree(vqs);
	kfree(info);
	if (err) {
		kfree(pv->vqs);
		pv->vqs = NULL;
	}
	return err;
}

static int pvblk_virtio_probe(struct virtio_device *vdev)
{
	unsigned int depth, nr, npoll;
	struct pvblk_params p;
	struct pvblk_virtio *pv;
	size_t dma;
	int err;

	if (!vdev->config->get) {
		dev_err(&vdev->dev, "the transport cannot read config space\n");
		return -EINVAL;
	}

	pv = kzalloc(sizeof(*pv), GFP_KERNEL);
	if (!pv)
		return -ENOMEM;
	pv->vdev = vdev;
	vdev->priv = pv;
	INIT_WORK(&pv->config_work, pvblk_virtio_config_work);

	pvblk_plan_queues(pvblk_virtio_nr_queues(vdev), &nr, &npoll);
	err = pvblk_virtio_init_vqs(pv, nr, npoll);
	if (err)
		goto out_free;

	pv->pd = pvblk_alloc(&vdev->dev, &pvblk_virtio_ops, pv,
			     sizeof(struct pvblk_virtio_req));
	if (!pv->pd) {
		err = -ENOMEM;
		goto out_vqs;
	}

	pvblk_virtio_read_params(vdev, &p);
	dma = virtio_max_dma_size(vdev);
	p.max_dma_size = dma > U32_MAX ? U32_MAX : dma;
	depth = virtqueue_get_vring_size(pv->vqs[0].vq);
	if (!virtio_has_feature(vdev, VIRTIO_RING_F_INDIRECT_DESC)) {
		/* Header and status take two slots besides the data. */
		p.max_transport_segs = depth > 2 ? depth - 2 : 0;
		depth /= 2;
	}

	virtio_device_ready(vdev);
	err = pvblk_add_disk(pv->pd, &p, pv->nr_vqs, pv->nr_poll, depth);
	if (err)
		goto out_reset;
	return 0;

out_reset:
	virtio_reset_device(vdev);
	pvblk_free(pv->pd);
out_vqs:
	vdev->config->del_vqs(vdev);
	kfree(pv->vqs);
out_free:
	kfree(pv);
	vdev->priv = NULL;
	return err;
}

static void pvblk_virtio_remove(struct virtio_device *vdev)
{
	struct pvblk_virtio *pv = vdev->priv;
	bool gone = virtqueue_is_broken(pv->vqs[0].vq);

	flush_work(&pv->config_work);
	pvblk_remove(pv->pd, gone);
	virtio_reset_device(vdev);
	vdev->config->del_vqs(vdev);
	pvblk_free(pv->pd);
	kfree(pv->vqs);
	kfree(pv);
}

static int pvblk_virtio_freeze(struct virtio_device *vdev)
{
	struct pvblk_virtio *pv = vdev->priv;

	pvblk_freeze(pv->pd);
	flush_work(&pv->config_work);
	virtio_reset_device(vdev);
	vdev->config->del_vqs(vdev);
	kfree(pv->vqs);
	pv->vqs = NULL;
	return 0;
}

static int pvblk_virtio_restore(struct virtio_device *vdev)
{
	struct pvblk_virtio *pv = vdev->priv;
	int err;

	/* The same queues as before: blk-mq's hardware contexts stay. */
	err = pvblk_virtio_init_vqs(pv, pv->nr_vqs, pv->nr_poll);
	if (err)
		return err;
	virtio_device_ready(vdev);
	pvblk_unfreeze(pv->pd);
	return 0;
}

static const struct virtio_device_id pvblk_virtio_ids[] = {
	{ VIRTIO_ID_BLOCK, VIRTIO_DEV_ANY_ID },
	{ }
};
MODULE_DEVICE_TABLE(virtio, pvblk_virtio_ids);

static unsigned int pvblk_virtio_features[] = {
	VIRTIO_BLK_F_SEG_MAX, VIRTIO_BLK_F_SIZE_MAX, VIRTIO_BLK_F_GEOMETRY,
	VIRTIO_BLK_F_RO, VIRTIO_BLK_F_BLK_SIZE, VIRTIO_BLK_F_FLUSH,
	VIRTIO_BLK_F_TOPOLOGY, VIRTIO_BLK_F_CONFIG_WCE, VIRTIO_BLK_F_MQ,
	VIRTIO_BLK_F_DISCARD, VIRTIO_BLK_F_WRITE_ZEROES,
};

VISIBLE_IF_KUNIT struct virtio_driver pvblk_virtio_driver = {
	.feature_table			= pvblk_virtio_features,
	.feature_table_size		= ARRAY_SIZE(pvblk_virtio_features),
	.feature_table_legacy		= pvblk_virtio_features,
	.feature_table_size_legacy	= ARRAY_SIZE(pvblk_virtio_features),
	.driver.name			= "pvblk-virtio",
	.id_table			= pvblk_virtio_ids,
	.probe				= pvblk_virtio_probe,
	.remove				= pvblk_virtio_remove,
	.config_changed			= pvblk_virtio_config_changed,
	.freeze				= pm_sleep_ptr(pvblk_virtio_freeze),
	.restore			= pm_sleep_ptr(pvblk_virtio_restore),
};
EXPORT_SYMBOL_IF_KUNIT(pvblk_virtio_driver);
module_virtio_driver(pvblk_virtio_driver);

MODULE_DESCRIPTION("pvx paravirtual block driver, virtio transport");
MODULE_LICENSE("GPL");
