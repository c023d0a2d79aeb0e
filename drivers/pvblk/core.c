// SPDX-License-Identifier: GPL-2.0
/*
 * pvblk core: the blk-mq request path shared by every pvblk transport.
 *
 * The core turns a request into a transport-neutral struct pvblk_req
 * (command, sector, data scatterlist, discard ranges), hands it to the
 * transport's ->queue, and completes it when the transport reports a
 * status. Limits come from pvblk_validate(); nothing a device says
 * reaches the block layer unchecked.
 *
 * The core owns each request's state: a request is completed once, by
 * whoever claims it from the device first (the transport's completion,
 * the teardown of a dead device, a timeout), so a device that completes
 * a request twice or late cannot complete it twice in blk-mq.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/blk-mq.h>
#include <linux/blkdev.h>
#include <linux/hdreg.h>
#include <linux/idr.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/ctype.h>
#include <kunit/static_stub.h>
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
static struct workqueue_struct *pvblk_wq;	/* broken queues' teardown */
static DEFINE_IDA(pvblk_index_ida);

/*
 * For the KUnit leak checks: disks allocated and not yet freed, and the
 * requests freed disks still held mapped.
 */
static atomic_t pvblk_live_devs = ATOMIC_INIT(0);

#if IS_ENABLED(CONFIG_KUNIT)
static atomic_long_t pvblk_left_mapped = ATOMIC_LONG_INIT(0);

int pvblk_kunit_live_devs(void)
{
	return atomic_read(&pvblk_live_devs);
}
EXPORT_SYMBOL_IF_KUNIT(pvblk_kunit_live_devs);

long pvblk_kunit_left_mapped(void)
{
	return atomic_long_read(&pvblk_left_mapped);
}
EXPORT_SYMBOL_IF_KUNIT(pvblk_kunit_left_mapped);

/*
 * The count of mapped requests costs a per-CPU operation each way on
 * every request: only kernels that can run the leak check pay it.
 */
static bool pvblk_mapped_alloc(struct pvblk_dev *pd)
{
	pd->mapped = alloc_percpu(long);
	return pd->mapped;
}

static void pvblk_count_mapped(struct pvblk_dev *pd, long n)
{
	this_cpu_add(*pd->mapped, n);
}

/* Every request has ended: none may hold a mapping still. */
static void pvblk_mapped_free(struct pvblk_dev *pd)
{
	long left = 0;
	int cpu;

	if (!pd->mapped)
		return;
	for_each_possible_cpu(cpu)
		left += *per_cpu_ptr(pd->mapped, cpu);
	if (left > 0)
		pr_err("disk %d freed with %ld requests still mapped\n",
		       pd->index, left);
	else if (left < 0)
		pr_err("disk %d freed with %ld more unmaps than maps\n",
		       pd->index, -left);
	atomic_long_add(left, &pvblk_left_mapped);
	free_percpu(pd->mapped);
}
#else
static bool pvblk_mapped_alloc(struct pvblk_dev *pd)
{
	return true;
}

static void pvblk_count_mapped(struct pvblk_dev *pd, long n)
{
}

static void pvblk_mapped_free(struct pvblk_dev *pd)
{
}
#endif

enum pvblk_rq_state {
	PVBLK_RQ_IDLE,		/* with the core */
	PVBLK_RQ_OWNED,		/* with the device */
	PVBLK_RQ_DONE,		/* claimed from the device: being completed */
	PVBLK_RQ_DROPPED,	/* completion dropped to fake a timeout */
};

/* Per-request data: the shared part, inline sg, then the transport's. */
struct pvblk_pdu {
	atomic_t state;		/* enum pvblk_rq_state */
	blk_status_t result;
	struct pvblk_req req;
};

static inline struct pvblk_pdu *to_pdu(struct pvblk_req *req)
{
	return container_of(req, struct pvblk_pdu, req);
}

/* Take a request back from the device; false if someone else did. */
static bool pvblk_claim(struct pvblk_pdu *pdu)
{
	int owned = PVBLK_RQ_OWNED;

	return atomic_try_cmpxchg(&pdu->state, &owned, PVBLK_RQ_DONE);
}

static const char *const pvblk_cmd_names[] = {
	[PVBLK_CMD_READ]		= "read",
	[PVBLK_CMD_WRITE]		= "write",
	[PVBLK_CMD_FLUSH]		= "flush",
	[PVBLK_CMD_GET_ID]		= "get-id",
	[PVBLK_CMD_DISCARD]		= "discard",
	[PVBLK_CMD_WRITE_ZEROES]	= "write-zeroes",
	[PVBLK_CMD_SECURE_ERASE]	= "secure-erase",
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
	case REQ_OP_SECURE_ERASE:
		/*
		 * The block layer merges secure erases only where they are
		 * contiguous, counting each bio as a segment against
		 * max_segments, not max_discard_segments: one range.
		 */
		req->type = PVBLK_CMD_SECURE_ERASE;
		return pvblk_map_ranges(rq, req, 1, 0);
	default:
		return -EOPNOTSUPP;
	}
	req->sector = blk_rq_pos(rq);
	req->data_len = blk_rq_bytes(rq);
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(pvblk_map_request);

/* Free what pvblk_map_request() and pvblk_map_data() allocated. */
static void pvblk_free_map(struct pvblk_req *req)
{
	if (req->sgt.sgl)
		sg_free_table_chained(&req->sgt, PVBLK_INLINE_SG);
	req->sgt.sgl = NULL;
	kfree(req->ranges);
	req->ranges = NULL;
}

/* A request pvblk_prep_rq() mapped is done with its mapping. */
static void pvblk_unmap(struct pvblk_dev *pd, struct pvblk_req *req)
{
	pvblk_free_map(req);
	pvblk_count_mapped(pd, -1);
}

static int pvblk_map_data(struct request_queue *q, struct request *rq,
			  struct pvblk_req *req)
{
	unsigned short segs = blk_rq_nr_phys_segments(rq);
	int err;

	/* Requests with ranges carry no data pages. */
	if (!segs || !blk_rq_bytes(rq) || req->ranges)
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

/* Map @rq for its transport; on an error it is left unmapped. */
static blk_status_t pvblk_prep_rq(struct pvblk_dev *pd, struct request *rq,
				  struct pvblk_req *req)
{
	int err;

	if (unlikely(READ_ONCE(pd->dead)))
		return BLK_STS_IOERR;
	err = pvblk_map_request(rq, req, queue_max_discard_segments(rq->q));
	if (unlikely(err))
		return err == -ENOMEM ? BLK_STS_RESOURCE :
		       err == -EOPNOTSUPP ? BLK_STS_NOTSUPP : BLK_STS_IOERR;
	err = pvblk_map_data(rq->q, rq, req);
	if (unlikely(err)) {
		pvblk_free_map(req);
		return BLK_STS_RESOURCE;
	}
	pvblk_count_mapped(pd, 1);
	return BLK_STS_OK;
}

/*
 * Start a mapped request and hand it to the transport; the device is
 * told at once only when @last. On an error the request is unmapped and
 * not with the device.
 */
static blk_status_t pvblk_issue(struct pvblk_dev *pd, struct request *rq,
				bool last)
{
	struct pvblk_pdu *pdu = blk_mq_rq_to_pdu(rq);
	int err;

	blk_mq_start_request(rq);
	/* Before the device can complete it. */
	atomic_set(&pdu->state, PVBLK_RQ_OWNED);
	err = pd->ops->queue(pd, rq->mq_hctx->queue_num, &pdu->req, last);
	if (likely(!err)) {
		this_cpu_inc(*pd->stats.requests);
		return BLK_STS_OK;
	}
	atomic_set(&pdu->state, PVBLK_RQ_IDLE);
	pvblk_unmap(pd, &pdu->req);
	switch (err) {
	case -ENOSPC:
		/* The transport stopped the queue; a completion restarts it. */
		return BLK_STS_DEV_RESOURCE;
	case -ENOMEM:
		return BLK_STS_RESOURCE;
	default:
		return BLK_STS_IOERR;
	}
}

static blk_status_t pvblk_queue_rq(struct blk_mq_hw_ctx *hctx,
				   const struct blk_mq_queue_data *bd)
{
	struct pvblk_dev *pd = hctx->queue->queuedata;
	struct pvblk_pdu *pdu = blk_mq_rq_to_pdu(bd->rq);
	blk_status_t st;

	st = pvblk_prep_rq(pd, bd->rq, &pdu->req);
	if (unlikely(st))
		return st;
	return pvblk_issue(pd, bd->rq, bd->last);
}

static void pvblk_commit_rqs(struct blk_mq_hw_ctx *hctx)
{
	struct pvblk_dev *pd = hctx->queue->queuedata;

	/* A dead device's queues may be gone (a failed resume). */
	if (likely(!READ_ONCE(pd->dead)))
		pd->ops->kick(pd, hctx->queue_num);
}

/* Requests ->queue_rqs hands to the transport in one call, at most. */
#define PVBLK_BATCH		32

/* A batch of @n requests went to queue @qid; KUnit watches here. */
VISIBLE_IF_KUNIT noinline void pvblk_batch_issued(struct pvblk_dev *pd,
						  unsigned int qid,
						  unsigned int n)
{
	KUNIT_STATIC_STUB_REDIRECT(pvblk_batch_issued, pd, qid, n);
}
EXPORT_SYMBOL_IF_KUNIT(pvblk_batch_issued);

/*
 * Hand @n started requests of @hctx to the transport in one go. What it
 * did not take goes back: requeued behind a full ring or for want of
 * memory, failed where the queue broke (it will never take a request
 * again). Returns false when the queue takes nothing more now: its
 * ring was full (the transport stopped the queue) or it broke.
 */
static bool pvblk_issue_batch(struct pvblk_dev *pd,
			      struct blk_mq_hw_ctx *hctx,
			      struct pvblk_req **reqs, unsigned int n)
{
	unsigned int i, qid = hctx->queue_num, queued = 0;
	int err = 0;

	if (pd->ops->queue_batch) {
		err = pd->ops->queue_batch(pd, qid, reqs, n, &queued);
	} else {
		while (queued < n &&
		       !(err = pd->ops->queue(pd, qid, reqs[queued], false)))
			queued++;
		if (queued && err != -EIO)
			pd->ops->kick(pd, qid);
	}
	if (WARN_ON_ONCE(queued > n || (!err && queued != n)))
		queued = min(queued, n);
	this_cpu_add(*pd->stats.requests, queued);
	if (queued)
		pvblk_batch_issued(pd, qid, queued);
	for (i = queued; i < n; i++) {
		struct pvblk_pdu *pdu = to_pdu(reqs[i]);
		struct request *rq = blk_mq_rq_from_pdu(pdu);

		atomic_set(&pdu->state, PVBLK_RQ_IDLE);
		pvblk_unmap(pd, &pdu->req);
		if (err == -EIO) {
			atomic64_inc(&pd->stats.errors);
			blk_mq_end_request(rq, BLK_STS_IOERR);
		} else {
			blk_mq_requeue_request(rq, false);
		}
	}
	if (queued < n && err != -EIO)
		blk_mq_kick_requeue_list(hctx->queue);
	return err != -ENOSPC && err != -EIO;
}

/*
 * A plug's requests (no I/O scheduler), handed over in one go: each run
 * of requests on one hardware queue in one call to the transport, which
 * tells the device once. What cannot be mapped now, or meets a queue
 * whose ring filled in this call, goes back in @rqlist: blk-mq issues it
 * through ->queue_rq, which fails it or waits as it must. A request the
 * ring had no room for waits, requeued, behind the queue the transport
 * stopped.
 */
static void pvblk_queue_rqs(struct rq_list *rqlist)
{
	struct blk_mq_hw_ctx *hctx = NULL, *full = NULL;
	struct pvblk_req *reqs[PVBLK_BATCH];
	struct rq_list back = { };
	struct pvblk_dev *pd = NULL;
	unsigned int n = 0;
	struct request *rq;

	while ((rq = rq_list_pop(rqlist))) {
		struct pvblk_pdu *pdu = blk_mq_rq_to_pdu(rq);

		if (n && (rq->mq_hctx != hctx || n == PVBLK_BATCH)) {
			if (!pvblk_issue_batch(pd, hctx, reqs, n))
				full = hctx;
			n = 0;
		}
		hctx = rq->mq_hctx;
		pd = rq->q->queuedata;
		/*
		 * A queue stopped on a full ring (here or before) waits for
		 * completions: blk-mq parks what comes back behind it. (The
		 * bit is only a hint here, as blk-mq reads it: the ring says
		 * no to a request that does not fit.)
		 */
		if (hctx == full || test_bit(BLK_MQ_S_STOPPED, &hctx->state) ||
		    pvblk_prep_rq(pd, rq, &pdu->req)) {
			rq_list_add_tail(&back, rq);
			continue;
		}
		blk_mq_start_request(rq);
		/*
		 * Before the device can complete it. The batch goes to the
		 * device below; nothing claims it in between, as the dead
		 * sequence waits for this dispatch (the queue's quiesce).
		 */
		atomic_set(&pdu->state, PVBLK_RQ_OWNED);
		reqs[n++] = &pdu->req;
	}
	if (n)
		pvblk_issue_batch(pd, hctx, reqs, n);
	*rqlist = back;
}

static void pvblk_complete_rq(struct request *rq)
{
	struct pvblk_pdu *pdu = blk_mq_rq_to_pdu(rq);

	pvblk_unmap(rq->q->queuedata, &pdu->req);
	blk_mq_end_request(rq, pdu->result);
}

/* A poll's successful completions, ended together. */
static void pvblk_complete_batch(struct io_comp_batch *iob)
{
	struct request *rq;

	rq_list_for_each(&iob->req_list, rq) {
		struct pvblk_pdu *pdu = blk_mq_rq_to_pdu(rq);

		pvblk_unmap(rq->q->queuedata, &pdu->req);
	}
	blk_mq_end_request_batch(iob);
}

/* The device completed a request it does not hold (any more). */
static void pvblk_stray_completion(struct pvblk_dev *pd,
				   struct pvblk_req *req)
{
	atomic64_inc(&pd->stats.bad_completions);
	dev_err_ratelimited(pd->dev, "completion of a %s request the device does not hold; ignored\n",
			    pvblk_cmd_names[req->type]);
}

/**
 * pvblk_complete - a transport's completion of a request
 * @pd: the disk
 * @req: the request the device completed
 * @status: what the device said, already checked by the transport
 * @iob: the batch of the poll that found it (->poll's), or NULL
 */
void pvblk_complete(struct pvblk_dev *pd, struct pvblk_req *req,
		    enum pvblk_status status, struct io_comp_batch *iob)
{
	struct pvblk_pdu *pdu = to_pdu(req);
	struct request *rq = blk_mq_rq_from_pdu(pdu);
	blk_status_t result;

	if (unlikely(!pvblk_claim(pdu))) {
		pvblk_stray_completion(pd, req);
		return;
	}
	result = pvblk_status_to_blk(pd->dev, status);
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
	pdu->result = result;
	if (unlikely(blk_should_fake_timeout(rq->q))) {
		/* pvblk_timeout() completes it. */
		atomic_set(&pdu->state, PVBLK_RQ_DROPPED);
		return;
	}
	if (iob && result == BLK_STS_OK) {
		/* Polled: ended with the poll's other completions. */
		if (blk_mq_complete_request_remote(rq) ||
		    blk_mq_add_to_batch(rq, iob, false, pvblk_complete_batch))
			return;
		pvblk_complete_rq(rq);
		return;
	}
	blk_mq_complete_request(rq);
}
EXPORT_SYMBOL_GPL(pvblk_complete);

/* The device said something invalid about @req: fail it, say why. */
void pvblk_fail_request(struct pvblk_dev *pd, struct pvblk_req *req,
			const char *why)
{
	struct pvblk_pdu *pdu = to_pdu(req);
	struct request *rq = blk_mq_rq_from_pdu(pdu);

	if (unlikely(!pvblk_claim(pdu))) {
		pvblk_stray_completion(pd, req);
		return;
	}
	atomic64_inc(&pd->stats.bad_completions);
	atomic64_inc(&pd->stats.errors);
	dev_err_ratelimited(pd->dev, "%s at sector %llu failed: %s\n",
			    pvblk_cmd_names[req->type],
			    (unsigned long long)blk_rq_pos(rq), why);
	pdu->result = BLK_STS_IOERR;
	blk_mq_complete_request(rq);
}
EXPORT_SYMBOL_GPL(pvblk_fail_request);

/**
 * pvblk_queue_full - the transport's ring @qid has no room
 * @pd: the disk
 * @qid: the hardware queue
 *
 * Called under the lock the transport's completions on @qid take, so
 * that a completion either came before (and made room the transport
 * saw) or finds the queue stopped and restarts it.
 */
void pvblk_queue_full(struct pvblk_dev *pd, unsigned int qid)
{
	atomic64_inc(&pd->stats.ring_full);
	blk_mq_stop_hw_queue(pd->hctx[qid]);
}
EXPORT_SYMBOL_GPL(pvblk_queue_full);

/* Requests completed on @qid: its ring has room again. */
void pvblk_queue_ready(struct pvblk_dev *pd, unsigned int qid)
{
	blk_mq_start_stopped_hw_queue(pd->hctx[qid], true);
}
EXPORT_SYMBOL_GPL(pvblk_queue_ready);

/**
 * pvblk_queue_broken - queue @qid will never complete a request again
 * @pd: the disk
 * @qid: the hardware queue
 *
 * The device broke the queue's protocol (or the queue could not be
 * notified): its in-flight requests would wait forever. The device is
 * stopped and every request failed, from process context. Any context.
 */
void pvblk_queue_broken(struct pvblk_dev *pd, unsigned int qid)
{
	dev_err_ratelimited(pd->dev, "queue %u is broken\n", qid);
	queue_work(pvblk_wq, &pd->dead_work);
}
EXPORT_SYMBOL_GPL(pvblk_queue_broken);

/*
 * A request the device has held for the block layer's timeout (30 s by
 * default). A device may be slow, so only a dead one's are failed here.
 */
static enum blk_eh_timer_return pvblk_timeout(struct request *rq)
{
	struct pvblk_pdu *pdu = blk_mq_rq_to_pdu(rq);
	struct pvblk_dev *pd = rq->q->queuedata;
	int dropped = PVBLK_RQ_DROPPED;

	if (atomic_try_cmpxchg(&pdu->state, &dropped, PVBLK_RQ_DONE)) {
		blk_mq_complete_request(rq);
		return BLK_EH_DONE;
	}
	/* Only once the device was stopped: it may still write the pages. */
	if (READ_ONCE(pd->stopped) && pvblk_claim(pdu)) {
		pdu->result = BLK_STS_IOERR;
		blk_mq_complete_request(rq);
		return BLK_EH_DONE;
	}
	/* A queue that broke without a callback to tell (no interrupt). */
	if (pd->ops->broken && pd->ops->broken(pd, rq->mq_hctx->queue_num))
		pvblk_queue_broken(pd, rq->mq_hctx->queue_num);
	dev_warn_ratelimited(pd->dev, "%s: %s at sector %llu still with the device\n",
			     pd->disk->disk_name, pvblk_cmd_names[pdu->req.type],
			     (unsigned long long)blk_rq_pos(rq));
	return BLK_EH_RESET_TIMER;
}

static int pvblk_init_hctx(struct blk_mq_hw_ctx *hctx, void *data,
			   unsigned int hctx_idx)
{
	struct pvblk_dev *pd = data;

	pd->hctx[hctx_idx] = hctx;
	return 0;
}

static int pvblk_init_request(struct blk_mq_tag_set *set, struct request *rq,
			      unsigned int hctx_idx, unsigned int numa_node)
{
	struct pvblk_pdu *pdu = blk_mq_rq_to_pdu(rq);

	pdu->req.tdata = (void *)pdu + ALIGN(sizeof(*pdu) +
		sizeof(struct scatterlist) * PVBLK_INLINE_SG, 8);
	pdu->req.sgt.sgl = NULL;
	pdu->req.ranges = NULL;
	atomic_set(&pdu->state, PVBLK_RQ_IDLE);
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

	/* Polling is not stopped by a quiesce: the queues may be gone. */
	if (unlikely(READ_ONCE(pd->dead)))
		return 0;
	return pd->ops->poll(pd, hctx->queue_num, iob);
}

static const struct blk_mq_ops pvblk_mq_ops = {
	.queue_rq	= pvblk_queue_rq,
	.queue_rqs	= pvblk_queue_rqs,
	.map_queues	= pvblk_map_queues,
	.poll		= pvblk_poll,
	.commit_rqs	= pvblk_commit_rqs,
	.complete	= pvblk_complete_rq,
	.timeout	= pvblk_timeout,
	.init_hctx	= pvblk_init_hctx,
	.init_request	= pvblk_init_request,
};

static int pvblk_getgeo(struct block_device *bdev, struct hd_geometry *geo)
{
	struct pvblk_dev *pd = bdev->bd_disk->private_data;

	/* An fd opened before the device went away keeps the disk. */
	if (READ_ONCE(pd->removed))
		return -ENXIO;
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

static void pvblk_free_dev(struct pvblk_dev *pd)
{
	pvblk_mapped_free(pd);
	if (pd->index >= 0)
		ida_free(&pvblk_index_ida, pd->index);
	mutex_destroy(&pd->lock);
	mutex_destroy(&pd->cache_lock);
	free_percpu(pd->stats.requests);
	kfree(pd->hctx);
	kfree(pd);
	/* KUnit reads pvblk_left_mapped once it sees the disk gone. */
	smp_mb__before_atomic();
	atomic_dec(&pvblk_live_devs);
}

/* The last reference to an added disk is gone: so is its device. */
static void pvblk_free_disk(struct gendisk *disk)
{
	pvblk_free_dev(disk->private_data);
}

static const struct block_device_operations pvblk_fops = {
	.owner		= THIS_MODULE,
	.getgeo		= pvblk_getgeo,
	.free_disk	= pvblk_free_disk,
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

static void __pvblk_update_writeback(struct pvblk_dev *pd, bool writeback);

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
	int i, mode;

	i = sysfs_match_string(pvblk_cache_types, buf);
	if (i < 0)
		return i;
	if (!pd->wce || !pd->ops->set_writeback)
		return -EOPNOTSUPP;
	/* What the device reports now, not what was asked for. */
	mutex_lock(&pd->cache_lock);
	mode = pd->ops->set_writeback(pd, i);
	if (mode >= 0)
		__pvblk_update_writeback(pd, mode);
	mutex_unlock(&pd->cache_lock);
	if (mode < 0)
		return mode;
	if (mode != i) {
		dev_err_ratelimited(pd->dev, "%s: the device kept its cache %s\n",
				    pd->disk->disk_name, pvblk_cache_types[mode]);
		return -EIO;
	}
	return count;
}
static DEVICE_ATTR_RW(cache_type);

static struct attribute *pvblk_attrs[] = {
	&dev_attr_serial.attr,
	&dev_attr_cache_type.attr,
	NULL,
};

static umode_t pvblk_attr_visible(struct kobject *kobj, struct attribute *a,
				  int n)
{
	struct pvblk_dev *pd = dev_to_disk(kobj_to_dev(kobj))->private_data;

	/* Only a device with a switchable cache takes a write. */
	if (a == &dev_attr_cache_type.attr && !pd->wce)
		return 0444;
	return a->mode;
}

static const struct attribute_group pvblk_attr_group = {
	.attrs = pvblk_attrs,
	.is_visible = pvblk_attr_visible,
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
	struct pvblk_dev *pd = dev_to_disk(dev)->private_data;
	u64 sum = 0;
	int cpu;

	for_each_possible_cpu(cpu)
		sum += *per_cpu_ptr(pd->stats.requests, cpu);
	return sysfs_emit(buf, "%llu\n", (unsigned long long)sum);
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

static void __pvblk_update_writeback(struct pvblk_dev *pd, bool writeback)
{
	struct request_queue *q = pd->disk->queue;
	struct queue_limits lim;
	int err;

	lockdep_assert_held(&pd->cache_lock);
	lim = queue_limits_start_update(q);
	if (writeback == !!(lim.features & BLK_FEAT_WRITE_CACHE)) {
		queue_limits_cancel_update(q);
		return;
	}
	if (writeback) {
		lim.features |= BLK_FEAT_WRITE_CACHE;
		if (pd->fua)
			lim.features |= BLK_FEAT_FUA;
	} else {
		lim.features &= ~(BLK_FEAT_WRITE_CACHE | BLK_FEAT_FUA);
	}
	err = queue_limits_commit_update_frozen(q, &lim);
	if (err)
		dev_err(pd->dev, "cannot switch the cache mode: %d\n", err);
	else
		pd->writeback = writeback;
}

/*
 * Called with the cache mode the device reports now. Freezes the queue:
 * after a resume, once pvblk_unfreeze() let it run again.
 */
void pvblk_update_writeback(struct pvblk_dev *pd, bool writeback)
{
	if (READ_ONCE(pd->dead))
		return;
	mutex_lock(&pd->cache_lock);
	__pvblk_update_writeback(pd, writeback);
	mutex_unlock(&pd->cache_lock);
}
EXPORT_SYMBOL_GPL(pvblk_update_writeback);

void pvblk_update_capacity(struct pvblk_dev *pd, u64 capacity)
{
	/* A dead disk keeps the capacity of 0 it was given. */
	if (READ_ONCE(pd->dead))
		return;
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

static void pvblk_dead_work(struct work_struct *work);

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
	pd->stats.requests = alloc_percpu(u64);
	if (!pd->stats.requests || !pvblk_mapped_alloc(pd)) {
		pvblk_mapped_free(pd);
		free_percpu(pd->stats.requests);
		kfree(pd);
		return NULL;
	}
	pd->dev = dev;
	pd->ops = ops;
	pd->transport = transport;
	pd->tdata_size = tdata_size;
	pd->index = -1;
	mutex_init(&pd->lock);
	mutex_init(&pd->cache_lock);
	INIT_WORK(&pd->dead_work, pvblk_dead_work);
	atomic_inc(&pvblk_live_devs);
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

	KUNIT_STATIC_STUB_REDIRECT(pvblk_plan_queues, offered, nr, nr_poll);
	offered = max(offered, 1U);
	*nr_poll = min(poll_queues, offered - 1);
	irq = min3(offered - *nr_poll, num_queues ?: nr_cpu_ids, nr_cpu_ids);
	*nr = irq + *nr_poll;
}
EXPORT_SYMBOL_GPL(pvblk_plan_queues);

/**
 * pvblk_setup_disk - validate the device and set up its disk
 * @pd: from pvblk_alloc()
 * @p: the device's raw parameters
 * @nr_queues: hardware queues the transport set up
 * @nr_poll_queues: how many of them, the last ones, have no interrupt
 * @depth: requests per queue the transport's rings hold
 *
 * Nothing reaches the device or the system yet: the transport tells the
 * device it is ready (DRIVER_OK) only after this validated it, then
 * calls pvblk_register_disk().
 *
 * Return: 0, or an error for a device that cannot be driven.
 */
int pvblk_setup_disk(struct pvblk_dev *pd, const struct pvblk_params *p,
		     unsigned int nr_queues, unsigned int nr_poll_queues,
		     unsigned int depth)
{
	/* virtio_blk's default: a disk may be a file on a rotating disk. */
	struct queue_limits lim = { .features = BLK_FEAT_ROTATIONAL };
	struct blk_mq_tag_set *set = &pd->tag_set;
	u64 capacity;
	int err;

	err = pvblk_validate(pd->dev, p, &lim, &capacity, &pd->geo);
	if (err)
		return err;
	pd->wce = p->flush && p->wce;
	pd->writeback = p->flush && p->writeback;
	pd->fua = p->fua;
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
	pd->hctx = kcalloc(nr_queues, sizeof(*pd->hctx), GFP_KERNEL);
	if (!pd->hctx)
		return -ENOMEM;

	set->ops = &pvblk_mq_ops;
	set->nr_hw_queues = nr_queues;
	set->nr_maps = nr_poll_queues ? HCTX_MAX_TYPES : 1;
	set->queue_depth = max(depth, 1U);
	set->numa_node = NUMA_NO_NODE;
	set->flags = BLK_MQ_F_SHOULD_MERGE;
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
		blk_mq_free_tag_set(set);
		return err;
	}

	err = ida_alloc_range(&pvblk_index_ida, 0,
			      MINORMASK >> ilog2(PVBLK_MINORS), GFP_KERNEL);
	if (err < 0)
		return err;
	pd->index = err;
	err = pvblk_name(pd->index, pd->disk->disk_name, DISK_NAME_LEN);
	if (err)
		return err;
	pd->disk->major = pvblk_major;
	pd->disk->first_minor = pd->index * PVBLK_MINORS;
	pd->disk->minors = PVBLK_MINORS;
	pd->disk->private_data = pd;
	pd->disk->fops = &pvblk_fops;
	set_disk_ro(pd->disk, p->read_only);
	set_capacity(pd->disk, capacity);
	return 0;
}
EXPORT_SYMBOL_GPL(pvblk_setup_disk);

/**
 * pvblk_register_disk - make the disk from pvblk_setup_disk() visible
 * @pd: the disk
 *
 * The device must be ready to serve: the partition scan reads it.
 *
 * Return: 0 or an error; pvblk_release() undoes either.
 */
int pvblk_register_disk(struct pvblk_dev *pd)
{
	struct request_queue *q = pd->disk->queue;
	int err;

	err = device_add_disk(pd->dev, pd->disk, pvblk_attr_groups);
	if (err)
		return err;
	pd->added = true;

	dev_info(pd->dev, "%s: %llu sectors of %u bytes, %u queue(s) of %u, %u polled%s%s%s%s%s\n",
		 pd->disk->disk_name, (unsigned long long)get_capacity(pd->disk),
		 queue_logical_block_size(q), pd->nr_queues,
		 pd->tag_set.queue_depth, pd->nr_poll_queues,
		 get_disk_ro(pd->disk) ? ", read-only" : "",
		 pd->writeback ? ", write back" : "",
		 q->limits.max_hw_discard_sectors ? ", discard" : "",
		 q->limits.max_write_zeroes_sectors ? ", write zeroes" : "",
		 q->limits.max_secure_erase_sectors ? ", secure erase" : "");
	return 0;
}
EXPORT_SYMBOL_GPL(pvblk_register_disk);

static bool pvblk_cancel_request(struct request *rq, void *data)
{
	struct pvblk_pdu *pdu = blk_mq_rq_to_pdu(rq);
	int dropped = PVBLK_RQ_DROPPED;

	/* A completion dropped to fake a timeout has its result already. */
	if (atomic_try_cmpxchg(&pdu->state, &dropped, PVBLK_RQ_DONE)) {
		blk_mq_complete_request(rq);
	} else if (pvblk_claim(pdu)) {
		pdu->result = BLK_STS_IOERR;
		blk_mq_complete_request(rq);
	}
	return true;
}

/* Suspended (pd->frozen): the queue runs again. pd->lock held. */
static void pvblk_thaw(struct pvblk_dev *pd)
{
	struct request_queue *q = pd->disk->queue;

	lockdep_assert_held(&pd->lock);
	pd->frozen = false;
	blk_mq_unquiesce_queue(q);
	blk_mq_unfreeze_queue_non_owner(q);
}

/*
 * The device is gone or broken: fail everything, for good. New requests
 * fail from here on; no ->queue_rq is left handing one to the device;
 * the device is stopped, so that it neither completes a request again
 * nor writes into the pages of one failed here; then every request it
 * held fails, and requests parked on stopped or quiesced queues, and the
 * I/O a suspend's freeze holds back, are let through to fail in
 * ->queue_rq. pd->lock held. Returns whether it ran:
 * the caller then marks the disk dead, without pd->lock (that may wait
 * on file systems whose writeback only this sequence ends).
 */
static bool pvblk_stop_device(struct pvblk_dev *pd)
{
	struct request_queue *q = pd->disk->queue;

	lockdep_assert_held(&pd->lock);
	if (pd->stopped || pd->deleted)
		return false;
	WRITE_ONCE(pd->dead, true);
	blk_mq_quiesce_queue(q);
	pd->ops->stop(pd);
	WRITE_ONCE(pd->stopped, true);
	blk_mq_tagset_busy_iter(&pd->tag_set, pvblk_cancel_request, pd);
	blk_mq_tagset_wait_completed_request(&pd->tag_set);
	blk_mq_unquiesce_queue(q);
	if (pd->frozen)
		pvblk_thaw(pd);
	blk_mq_start_stopped_hw_queues(q, true);
	return true;
}

/**
 * pvblk_device_dead - the device will never serve again: fail all I/O
 * @pd: the disk
 * @why: for the message
 *
 * For a transport that finds its device gone (a failed resume); the
 * disk stays until the transport removes it. Process context.
 */
void pvblk_device_dead(struct pvblk_dev *pd, const char *why)
{
	bool stopped = false;

	mutex_lock(&pd->lock);
	if (!pd->stopped && !pd->deleted) {
		dev_err(pd->dev, "%s: %s; failing all I/O\n",
			pd->disk->disk_name, why);
		stopped = pvblk_stop_device(pd);
	}
	mutex_unlock(&pd->lock);
	if (stopped)
		blk_mark_disk_dead(pd->disk);
}
EXPORT_SYMBOL_GPL(pvblk_device_dead);

static void pvblk_dead_work(struct work_struct *work)
{
	struct pvblk_dev *pd = container_of(work, struct pvblk_dev, dead_work);

	pvblk_device_dead(pd, "the device broke a queue");
}

/**
 * pvblk_sync_dead - wait for a broken queue's teardown
 * @pd: the disk
 *
 * For a transport about to tear its queues down (suspend), once nothing
 * can report a broken queue any more: the teardown stops the device and
 * must not run beside that.
 */
void pvblk_sync_dead(struct pvblk_dev *pd)
{
	flush_work(&pd->dead_work);
}
EXPORT_SYMBOL_GPL(pvblk_sync_dead);

/**
 * pvblk_remove - take the disk away
 * @pd: the disk
 * @surprise: the device is gone and will complete nothing more
 *
 * With a live device del_gendisk() lets in-flight I/O finish. A device
 * that is gone is stopped and its I/O failed first, so nothing waits
 * for it forever. An fd still open keeps the disk (not the device):
 * its operations fail with -ENXIO.
 */
void pvblk_remove(struct pvblk_dev *pd, bool surprise)
{
	mutex_lock(&pd->lock);
	WRITE_ONCE(pd->removed, true);
	/*
	 * A suspended disk's queue is frozen, which del_gendisk()'s sync
	 * of its file systems would wait on: its I/O fails instead.
	 */
	if (surprise || pd->frozen)
		pvblk_stop_device(pd);
	mutex_unlock(&pd->lock);
	/* del_gendisk() marks the disk dead. */

	/* A queue that breaks now is still torn down by pd->dead_work. */
	del_gendisk(pd->disk);

	mutex_lock(&pd->lock);
	pd->deleted = true;
	mutex_unlock(&pd->lock);
	cancel_work_sync(&pd->dead_work);
}
EXPORT_SYMBOL_GPL(pvblk_remove);

/**
 * pvblk_release - drop the transport's reference to the disk
 * @pd: from pvblk_alloc(), after pvblk_remove() if the disk was
 *	registered, and after the transport stopped its device
 *
 * @pd is freed with the disk's last reference, which an open fd may
 * hold past this.
 */
void pvblk_release(struct pvblk_dev *pd)
{
	struct gendisk *disk = pd->disk;

	cancel_work_sync(&pd->dead_work);
	if (!disk) {
		pvblk_free_dev(pd);
		return;
	}
	if (pd->added) {
		/* The queue was torn down by del_gendisk(). */
		blk_mq_free_tag_set(&pd->tag_set);
		put_disk(disk);
		return;
	}
	/* A disk never added releases its queue, which needs the tags. */
	put_disk(disk);
	blk_mq_free_tag_set(&pd->tag_set);
	pvblk_free_dev(pd);
}
EXPORT_SYMBOL_GPL(pvblk_release);

/*
 * Suspend: no request may be with the device while it is reset, and none
 * may wait in a hardware queue either: taking a CPU offline waits for the
 * requests of the hardware queues it was the last CPU of
 * (blk_mq_hctx_notify_offline()), and the writeback workers are not
 * frozen, so a request let in after the devices were suspended would keep
 * the suspend from ever reaching the point where the queues restart. The
 * queue stays frozen until the device is back, so new I/O waits without
 * a request; the freeze is the non-owner kind, which lockdep does not
 * take for a lock held by the PM worker that returns with it. Quiesced
 * as well (waiting): a dispatch that began before the freeze may still
 * tell the device of a request that has since completed. pd->frozen
 * says both are held; whoever clears it drops both.
 */
void pvblk_freeze(struct pvblk_dev *pd)
{
	struct request_queue *q = pd->disk->queue;
	bool hold;

	/*
	 * Not under pd->lock: the freeze waits for in-flight requests,
	 * which on a broken queue only pd->dead_work, taking it, fails.
	 */
	blk_freeze_queue_start_non_owner(q);
	blk_mq_freeze_queue_wait(q);
	mutex_lock(&pd->lock);
	/*
	 * Decided under the lock: once it is dropped, pd->dead_work may
	 * stop the device and thaw the queue itself.
	 */
	hold = !pd->stopped;
	if (hold) {
		blk_mq_quiesce_queue(q);
		pd->frozen = true;
	}
	mutex_unlock(&pd->lock);
	/* A stopped device fails what comes: nothing to hold back. */
	if (!hold)
		blk_mq_unfreeze_queue_non_owner(q);
}
EXPORT_SYMBOL_GPL(pvblk_freeze);

/* Resume: the device is back, the I/O kept waiting goes to it. */
void pvblk_unfreeze(struct pvblk_dev *pd)
{
	mutex_lock(&pd->lock);
	if (pd->frozen)
		pvblk_thaw(pd);
	mutex_unlock(&pd->lock);
}
EXPORT_SYMBOL_GPL(pvblk_unfreeze);

static int __init pvblk_init(void)
{
	/*
	 * Writeback may wait on a broken queue's requests: their teardown
	 * must run under memory pressure too.
	 */
	pvblk_wq = alloc_workqueue("pvblk", WQ_MEM_RECLAIM, 0);
	if (!pvblk_wq)
		return -ENOMEM;
	pvblk_major = register_blkdev(0, "pvblk");
	if (pvblk_major < 0) {
		destroy_workqueue(pvblk_wq);
		return pvblk_major;
	}
	return 0;
}

static void __exit pvblk_exit(void)
{
	unregister_blkdev(pvblk_major, "pvblk");
	ida_destroy(&pvblk_index_ida);
	destroy_workqueue(pvblk_wq);
}

module_init(pvblk_init);
module_exit(pvblk_exit);
MODULE_DESCRIPTION("pvx paravirtual block driver core");
MODULE_LICENSE("GPL");
