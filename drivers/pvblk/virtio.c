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
#include <kunit/static_stub.h>
#include <kunit/visibility.h>

#include "pvblk_virtio.h"

struct pvblk_vq {
	struct virtqueue *vq;		/* NULL while suspended; under lock */
	spinlock_t lock;		/* the virtqueue */
	char name[24];		/* "req_poll." and a u32 */
} ____cacheline_aligned_in_smp;

struct pvblk_virtio {
	struct virtio_device *vdev;
	struct pvblk_dev *pd;
	struct work_struct config_work;
	unsigned int nr_vqs;
	unsigned int nr_poll;		/* the last nr_poll vqs are polled */
	bool legacy;			/* before VIRTIO_F_VERSION_1 */
	unsigned int ring;		/* the smallest queue size at probe */
	bool live;			/* the virtqueues exist */
	struct pvblk_vq *vqs;		/* nr_vqs of them, from probe to remove */
};

/*
 * Config changes are applied here, not on a freezable workqueue: freeze
 * flushes the work after the PM core froze those.
 */
static struct workqueue_struct *pvblk_virtio_wq;

static const u32 pvblk_virtio_types[] = {
	[PVBLK_CMD_READ]		= VIRTIO_BLK_T_IN,
	[PVBLK_CMD_WRITE]		= VIRTIO_BLK_T_OUT,
	[PVBLK_CMD_FLUSH]		= VIRTIO_BLK_T_FLUSH,
	[PVBLK_CMD_GET_ID]		= VIRTIO_BLK_T_GET_ID,
	[PVBLK_CMD_DISCARD]		= VIRTIO_BLK_T_DISCARD,
	[PVBLK_CMD_WRITE_ZEROES]	= VIRTIO_BLK_T_WRITE_ZEROES,
	[PVBLK_CMD_SECURE_ERASE]	= VIRTIO_BLK_T_SECURE_ERASE,
};

/* The cache mode the device reports now: true for write back. */
static bool pvblk_virtio_cache_mode(struct virtio_device *vdev)
{
	u8 wb;

	/* Legacy rule: FLUSH offered means a write-back cache. */
	if (virtio_cread_feature(vdev, VIRTIO_BLK_F_CONFIG_WCE,
				 struct virtio_blk_config, wce, &wb))
		return virtio_has_feature(vdev, VIRTIO_BLK_F_FLUSH);
	return wb;
}

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
	p->writeback = pvblk_virtio_cache_mode(vdev);
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
	if (virtio_has_feature(vdev, VIRTIO_BLK_F_SECURE_ERASE)) {
		p->secure_erase = true;
		virtio_cread(vdev, struct virtio_blk_config,
			     max_secure_erase_sectors,
			     &p->max_secure_erase_sectors);
		virtio_cread(vdev, struct virtio_blk_config,
			     max_secure_erase_seg, &p->max_secure_erase_seg);
		virtio_cread(vdev, struct virtio_blk_config,
			     secure_erase_sector_alignment,
			     &p->secure_erase_sector_alignment);
	}
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

/* The core's ranges, rewritten in place: the two layouts have one size. */
static_assert(sizeof(struct pvblk_range) ==
	      sizeof(struct virtio_blk_discard_write_zeroes));

static void *pvblk_virtio_ranges(struct pvblk_req *req)
{
	struct virtio_blk_discard_write_zeroes *r = (void *)req->ranges;
	unsigned int i;

	for (i = 0; i < req->nr_ranges; i++) {
		struct pvblk_range c = req->ranges[i];

		r[i].sector = cpu_to_le64(c.sector);
		r[i].num_sectors = cpu_to_le32(c.nr_sectors);
		r[i].flags = cpu_to_le32(c.flags & PVBLK_RANGE_UNMAP ?
					 VIRTIO_BLK_WRITE_ZEROES_FLAG_UNMAP : 0);
	}
	return r;
}

/*
 * Between a full ring and the return to the core, where a completion
 * could once slip through unseen: KUnit completes requests here.
 */
VISIBLE_IF_KUNIT noinline void
pvblk_virtio_ring_full_window(struct pvblk_dev *pd, unsigned int qid)
{
	KUNIT_STATIC_STUB_REDIRECT(pvblk_virtio_ring_full_window, pd, qid);
}
EXPORT_SYMBOL_IF_KUNIT(pvblk_virtio_ring_full_window);

/* One request into @q's ring, q->lock held; the virtio core's answer. */
static int pvblk_virtio_add(struct virtio_device *vdev, struct pvblk_vq *q,
			    struct pvblk_req *req)
{
	struct pvblk_virtio_req *vr = req->tdata;
	struct scatterlist hdr, status, ranges, *sgs[4];
	unsigned int out = 0, in = 0;
	bool data_in;

	vr->hdr.type = cpu_to_virtio32(vdev, pvblk_virtio_types[req->type]);
	vr->hdr.ioprio = cpu_to_virtio32(vdev, req->ioprio);
	vr->hdr.sector = cpu_to_virtio64(vdev, req->sector);
	vr->status = 0xff;	/* not a status: the device must write one */

	sg_init_one(&hdr, &vr->hdr, sizeof(vr->hdr));
	sgs[out++] = &hdr;

	if (req->nr_ranges) {
		sg_init_one(&ranges, pvblk_virtio_ranges(req),
			    req->nr_ranges * sizeof(*req->ranges));
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

	return virtqueue_add_sgs(q->vq, sgs, out, in, req, GFP_ATOMIC);
}

/*
 * @reqs[0..@n) into queue @qid's ring under one acquisition of its
 * lock, in order, until the ring refuses one; then the device is told,
 * when @kick or on a refusal. *@queued: how many the ring took.
 */
static int pvblk_virtio_submit(struct pvblk_dev *pd, unsigned int qid,
			       struct pvblk_req **reqs, unsigned int n,
			       bool kick, unsigned int *queued)
{
	struct pvblk_virtio *pv = pd->transport;
	struct pvblk_vq *q = &pv->vqs[qid];
	struct virtqueue *vq;
	bool notify = false;
	unsigned long flags;
	unsigned int i;
	int err = 0;

	spin_lock_irqsave(&q->lock, flags);
	vq = q->vq;	/* there while the queue runs: freeze quiesces it */
	for (i = 0; i < n && !err; i++)
		err = pvblk_virtio_add(pv->vdev, q, reqs[i]);
	*queued = err ? i - 1 : i;
	if (err) {
		/*
		 * Let the device drain what it has before we retry. -EIO is
		 * the virtio core's answer on a broken queue, and only there;
		 * a failed kick breaks the queue too.
		 */
		if (!virtqueue_kick(vq))
			err = -EIO;
		/* Under q->lock, which pvblk_virtio_done() takes. */
		if (err == -ENOSPC)
			pvblk_queue_full(pd, qid);
		spin_unlock_irqrestore(&q->lock, flags);
		if (err == -ENOSPC)
			pvblk_virtio_ring_full_window(pd, qid);
		if (err == -EIO) {
			pvblk_queue_broken(pd, qid);
			return -EIO;
		}
		return err == -ENOSPC ? -ENOSPC : -ENOMEM;
	}
	if (kick)
		notify = virtqueue_kick_prepare(vq);
	spin_unlock_irqrestore(&q->lock, flags);
	/* A failed notification breaks the queue: nobody will complete. */
	if (notify && !virtqueue_notify(vq))
		pvblk_queue_broken(pd, qid);
	return 0;
}

static int pvblk_virtio_queue(struct pvblk_dev *pd, unsigned int qid,
			      struct pvblk_req *req, bool last)
{
	unsigned int queued;

	return pvblk_virtio_submit(pd, qid, &req, 1, last, &queued);
}

static int pvblk_virtio_queue_batch(struct pvblk_dev *pd, unsigned int qid,
				    struct pvblk_req **reqs, unsigned int n,
				    unsigned int *queued)
{
	return pvblk_virtio_submit(pd, qid, reqs, n, true, queued);
}

static void pvblk_virtio_kick(struct pvblk_dev *pd, unsigned int qid)
{
	struct pvblk_virtio *pv = pd->transport;
	struct pvblk_vq *q = &pv->vqs[qid];
	struct virtqueue *vq;
	bool notify = false;

	spin_lock_irq(&q->lock);
	/* Suspended: freeze drained the ring, there is nothing to tell. */
	vq = q->vq;
	if (likely(vq))
		notify = virtqueue_kick_prepare(vq);
	spin_unlock_irq(&q->lock);
	/* Freeze waits for the dispatch to end before it deletes the vqs. */
	if (notify && !virtqueue_notify(vq))
		pvblk_queue_broken(pd, qid);
}

/*
 * A used buffer, checked: the device wrote @len bytes; a read must have
 * filled its data and the status, anything else only the status. A
 * legacy device's @len is not to be trusted (the spec tells drivers to
 * ignore it: many reported the whole chain), only its status byte.
 */
VISIBLE_IF_KUNIT const char *
pvblk_virtio_check_used(const struct pvblk_virtio_req *vr,
			enum pvblk_cmd_type type, unsigned int len,
			bool legacy, enum pvblk_status *status)
{
	if (legacy)
		len = vr->in_len;
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

/*
 * Complete what the device put in @q's used ring; q->lock held. @iob: a
 * poll's batch, NULL from the interrupt.
 */
static int pvblk_virtio_reap(struct pvblk_virtio *pv, struct pvblk_vq *q,
			     struct io_comp_batch *iob)
{
	struct pvblk_dev *pd = pv->pd;
	enum pvblk_status status;
	struct pvblk_req *req;
	unsigned int len;
	const char *bad;
	int found = 0;

	/*
	 * The virtio core rejects ids that are not in flight and breaks the
	 * queue; the core rejects a request it does not see with the device.
	 */
	while ((req = virtqueue_get_buf(q->vq, &len))) {
		bad = pvblk_virtio_check_used(req->tdata, req->type, len,
					      pv->legacy, &status);
		if (unlikely(bad))
			pvblk_fail_request(pd, req, bad);
		else
			pvblk_complete(pd, req, status, iob);
		found++;
	}
	return found;
}

static void pvblk_virtio_done(struct virtqueue *vq)
{
	struct pvblk_virtio *pv = vq->vdev->priv;
	struct pvblk_vq *q = &pv->vqs[vq->index];
	unsigned long flags;
	bool broken;
	int found = 0;

	spin_lock_irqsave(&q->lock, flags);
	do {
		virtqueue_disable_cb(vq);
		found += pvblk_virtio_reap(pv, q, NULL);
	} while (!virtqueue_enable_cb(vq));
	/* The last callback a broken queue gets: enable_cb says done. */
	broken = virtqueue_is_broken(vq);
	spin_unlock_irqrestore(&q->lock, flags);

	if (found)
		pvblk_queue_ready(pv->pd, vq->index);
	if (unlikely(broken))
		pvblk_queue_broken(pv->pd, vq->index);
}

/* Polled queues have no interrupt: blk-mq calls this instead. */
static int pvblk_virtio_poll(struct pvblk_dev *pd, unsigned int qid,
			     struct io_comp_batch *iob)
{
	struct pvblk_virtio *pv = pd->transport;
	struct pvblk_vq *q = &pv->vqs[qid];
	unsigned long flags;
	bool broken;
	int found;

	/*
	 * No virtqueue while suspended: bio_poll() does not get here with
	 * the queue frozen, but keep the test.
	 */
	spin_lock_irqsave(&q->lock, flags);
	if (unlikely(!q->vq)) {
		spin_unlock_irqrestore(&q->lock, flags);
		return 0;
	}
	found = pvblk_virtio_reap(pv, q, iob);
	broken = virtqueue_is_broken(q->vq);
	spin_unlock_irqrestore(&q->lock, flags);

	if (found)
		pvblk_queue_ready(pd, qid);
	if (unlikely(broken))
		pvblk_queue_broken(pd, qid);
	return found;
}

/* The mode the device reports after the write, which it may ignore. */
static int pvblk_virtio_set_writeback(struct pvblk_dev *pd, bool writeback)
{
	struct pvblk_virtio *pv = pd->transport;

	virtio_cwrite8(pv->vdev, offsetof(struct virtio_blk_config, wce),
		       writeback);
	return pvblk_virtio_cache_mode(pv->vdev);
}

static bool pvblk_virtio_broken(struct pvblk_dev *pd, unsigned int qid)
{
	struct pvblk_virtio *pv = pd->transport;
	struct pvblk_vq *q = &pv->vqs[qid];
	bool broken;

	spin_lock_irq(&q->lock);
	broken = !q->vq || virtqueue_is_broken(q->vq);
	spin_unlock_irq(&q->lock);
	return broken;
}

/* No completion, interrupt or device write after this. */
static void pvblk_virtio_stop(struct pvblk_dev *pd)
{
	struct pvblk_virtio *pv = pd->transport;
	unsigned int i;

	virtio_break_device(pv->vdev);
	virtio_reset_device(pv->vdev);
	/*
	 * An interrupt handler or poller that got in before the break may
	 * still hold a queue's lock (virtio_pci's reset waits for the
	 * handlers, virtio_mmio's does not). Once it lets go the queue
	 * completes nothing more: a broken queue's get_buf finds nothing.
	 */
	for (i = 0; i < pv->nr_vqs; i++) {
		struct pvblk_vq *q = &pv->vqs[i];

		spin_lock_irq(&q->lock);
		/*
		 * What the device still held: unmapped, and its indirect
		 * table freed, before the core ends its request (deleting
		 * the virtqueue does neither).
		 */
		if (q->vq)
			while (virtqueue_detach_unused_buf(q->vq))
				;
		spin_unlock_irq(&q->lock);
	}
}

static void pvblk_virtio_map_queues(struct pvblk_dev *pd,
				    struct blk_mq_queue_map *map)
{
	struct pvblk_virtio *pv = pd->transport;

	blk_mq_virtio_map_queues(map, pv->vdev, 0);
}

static const struct pvblk_transport_ops pvblk_virtio_ops = {
	.queue		= pvblk_virtio_queue,
	.queue_batch	= pvblk_virtio_queue_batch,
	.kick		= pvblk_virtio_kick,
	.map_queues	= pvblk_virtio_map_queues,
	.poll		= pvblk_virtio_poll,
	.set_writeback	= pvblk_virtio_set_writeback,
	.stop		= pvblk_virtio_stop,
	.broken		= pvblk_virtio_broken,
};

static void pvblk_virtio_config_work(struct work_struct *work)
{
	struct pvblk_virtio *pv = container_of(work, struct pvblk_virtio,
					       config_work);
	u64 capacity;

	virtio_cread(pv->vdev, struct virtio_blk_config, capacity, &capacity);
	pvblk_update_capacity(pv->pd, capacity);
}

#if IS_ENABLED(CONFIG_KUNIT)
struct pvblk_dev *pvblk_virtio_pd(struct virtio_device *vdev)
{
	struct pvblk_virtio *pv = vdev->priv;

	return pv ? pv->pd : NULL;
}
EXPORT_SYMBOL_IF_KUNIT(pvblk_virtio_pd);

struct workqueue_struct *pvblk_virtio_config_wq(void)
{
	return pvblk_virtio_wq;
}
EXPORT_SYMBOL_IF_KUNIT(pvblk_virtio_config_wq);
#endif

static void pvblk_virtio_config_changed(struct virtio_device *vdev)
{
	struct pvblk_virtio *pv = vdev->priv;

	queue_work(pvblk_virtio_wq, &pv->config_work);
}

/* The array of queues, once for the device's life: pollers read it. */
static int pvblk_virtio_alloc_vqs(struct pvblk_virtio *pv, unsigned int n,
				  unsigned int npoll)
{
	unsigned int i;

	pv->vqs = kcalloc(n, sizeof(*pv->vqs), GFP_KERNEL);
	if (!pv->vqs)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		bool polled = i >= n - npoll;

		spin_lock_init(&pv->vqs[i].lock);
		snprintf(pv->vqs[i].name, sizeof(pv->vqs[i].name),
			 polled ? "req_poll.%u" : "req.%u", i);
	}
	pv->nr_vqs = n;
	pv->nr_poll = npoll;
	return 0;
}

/* Publish (@vqs) or withdraw (NULL) the virtqueues, under each lock. */
static void pvblk_virtio_set_vqs(struct pvblk_virtio *pv,
				 struct virtqueue **vqs)
{
	unsigned int i;

	for (i = 0; i < pv->nr_vqs; i++) {
		spin_lock_irq(&pv->vqs[i].lock);
		pv->vqs[i].vq = vqs ? vqs[i] : NULL;
		spin_unlock_irq(&pv->vqs[i].lock);
	}
	pv->live = !!vqs;
}

/* Find the virtqueues: the last nr_poll without interrupts (polled). */
static int pvblk_virtio_init_vqs(struct pvblk_virtio *pv)
{
	unsigned int i, n = pv->nr_vqs, npoll = pv->nr_poll;
	struct virtio_device *vdev = pv->vdev;
	struct irq_affinity desc = { };
	struct virtqueue_info *info;
	struct virtqueue **vqs;
	int err = -ENOMEM;

	info = kcalloc(n, sizeof(*info), GFP_KERNEL);
	vqs = kcalloc(n, sizeof(*vqs), GFP_KERNEL);
	if (!info || !vqs)
		goto out;

	for (i = 0; i < n; i++) {
		info[i].name = pv->vqs[i].name;
		info[i].callback = i >= n - npoll ? NULL : pvblk_virtio_done;
	}
	err = virtio_find_vqs(vdev, n, vqs, info, &desc);
	if (!err)
		pvblk_virtio_set_vqs(pv, vqs);
out:
	kfree(vqs);
	kfree(info);
	return err;
}

/*
 * Delete the virtqueues, the device reset: nothing uses them after. Once:
 * after a failed restore they are gone already, and not every virtio
 * transport takes a second del_vqs (virtio_mmio frees its IRQ again).
 */
static void pvblk_virtio_del_vqs(struct pvblk_virtio *pv)
{
	if (!pv->live)
		return;
	pvblk_virtio_set_vqs(pv, NULL);
	pv->vdev->config->del_vqs(pv->vdev);
}

static unsigned int pvblk_virtio_ring_size(struct pvblk_virtio *pv)
{
	unsigned int i, n = UINT_MAX;

	for (i = 0; i < pv->nr_vqs; i++)
		n = min(n, virtqueue_get_vring_size(pv->vqs[i].vq));
	return n;
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
	pv->legacy = !virtio_has_feature(vdev, VIRTIO_F_VERSION_1);
	vdev->priv = pv;
	INIT_WORK(&pv->config_work, pvblk_virtio_config_work);

	pvblk_plan_queues(pvblk_virtio_nr_queues(vdev), &nr, &npoll);
	err = pvblk_virtio_alloc_vqs(pv, nr, npoll);
	if (err)
		goto out_free;
	err = pvblk_virtio_init_vqs(pv);
	if (err)
		goto out_free_vqs;

	pv->pd = pvblk_alloc(&vdev->dev, &pvblk_virtio_ops, pv,
			     sizeof(struct pvblk_virtio_req));
	if (!pv->pd) {
		err = -ENOMEM;
		goto out_vqs;
	}

	pvblk_virtio_read_params(vdev, &p);
	dma = virtio_max_dma_size(vdev);
	p.max_dma_size = dma > U32_MAX ? U32_MAX : dma;
	/* A device may size each queue differently: the smallest rules. */
	depth = pvblk_virtio_ring_size(pv);
	pv->ring = depth;
	/*
	 * Header and status take two descriptors besides the data, and no
	 * chain may be longer than the ring, indirect or not: the virtio
	 * core falls back to direct descriptors when it cannot allocate an
	 * indirect table.
	 */
	p.max_transport_segs = min_t(unsigned int, PVBLK_MAX_SEGS,
				     depth > 2 ? depth - 2 : 0);
	/* Without indirect descriptors a request takes at least two slots. */
	if (!virtio_has_feature(vdev, VIRTIO_RING_F_INDIRECT_DESC))
		depth /= 2;

	/* Every device value checked before the device is told we are ready. */
	err = pvblk_setup_disk(pv->pd, &p, pv->nr_vqs, pv->nr_poll, depth);
	if (err)
		goto out_release;
	virtio_device_ready(vdev);
	err = pvblk_register_disk(pv->pd);
	if (err)
		goto out_reset;
	return 0;

out_reset:
	virtio_reset_device(vdev);
out_release:
	pvblk_release(pv->pd);
out_vqs:
	pvblk_virtio_del_vqs(pv);
out_free_vqs:
	kfree(pv->vqs);
out_free:
	kfree(pv);
	vdev->priv = NULL;
	return err;
}

/* Whether the device is gone: it broke its queues or never came back. */
static bool pvblk_virtio_gone(struct pvblk_virtio *pv)
{
	unsigned int i;

	if (!pv->live)
		return true;
	for (i = 0; i < pv->nr_vqs; i++)
		if (virtqueue_is_broken(pv->vqs[i].vq))
			return true;
	return false;
}

static void pvblk_virtio_remove(struct virtio_device *vdev)
{
	struct pvblk_virtio *pv = vdev->priv;

	/* The virtio core disabled config changes: none is queued after. */
	flush_work(&pv->config_work);
	pvblk_remove(pv->pd, pvblk_virtio_gone(pv));
	virtio_reset_device(vdev);
	pvblk_virtio_del_vqs(pv);
	pvblk_release(pv->pd);
	kfree(pv->vqs);
	kfree(pv);
}

static int pvblk_virtio_freeze(struct virtio_device *vdev)
{
	struct pvblk_virtio *pv = vdev->priv;

	pvblk_freeze(pv->pd);
	flush_work(&pv->config_work);
	virtio_reset_device(vdev);
	/* No callback reports a broken queue now: let a teardown finish. */
	pvblk_sync_dead(pv->pd);
	pvblk_virtio_del_vqs(pv);
	return 0;
}

static int pvblk_virtio_restore(struct virtio_device *vdev)
{
	struct pvblk_virtio *pv = vdev->priv;
	u64 capacity;
	int err;

	/* The same queues as before: blk-mq's hardware contexts stay. */
	err = pvblk_virtio_init_vqs(pv);
	/* Requests were sized for the rings at probe. */
	if (!err && pvblk_virtio_ring_size(pv) < pv->ring) {
		dev_err(&vdev->dev, "a queue shrank to %u entries across the reset, from %u\n",
			pvblk_virtio_ring_size(pv), pv->ring);
		virtio_reset_device(vdev);
		pvblk_virtio_del_vqs(pv);
		err = -EINVAL;
	}
	if (err) {
		/* The requests kept waiting fail; remove finds it gone. */
		pvblk_device_dead(pv->pd, "the device did not come back from suspend");
		return err;
	}
	virtio_device_ready(vdev);
	pvblk_unfreeze(pv->pd);

	/*
	 * A reset may change the cache mode and the capacity. Read them now
	 * that the queue runs again: switching the mode freezes it.
	 */
	if (virtio_has_feature(vdev, VIRTIO_BLK_F_FLUSH))
		pvblk_update_writeback(pv->pd, pvblk_virtio_cache_mode(vdev));
	virtio_cread(vdev, struct virtio_blk_config, capacity, &capacity);
	pvblk_update_capacity(pv->pd, capacity);
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
	VIRTIO_BLK_F_SECURE_ERASE,
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

static int __init pvblk_virtio_init(void)
{
	int err;

	pvblk_virtio_wq = alloc_workqueue("pvblk_virtio", 0, 0);
	if (!pvblk_virtio_wq)
		return -ENOMEM;
	err = register_virtio_driver(&pvblk_virtio_driver);
	if (err)
		destroy_workqueue(pvblk_virtio_wq);
	return err;
}

static void __exit pvblk_virtio_exit(void)
{
	unregister_virtio_driver(&pvblk_virtio_driver);
	destroy_workqueue(pvblk_virtio_wq);
}

module_init(pvblk_virtio_init);
module_exit(pvblk_virtio_exit);

MODULE_DESCRIPTION("pvx paravirtual block driver, virtio transport");
MODULE_LICENSE("GPL");
