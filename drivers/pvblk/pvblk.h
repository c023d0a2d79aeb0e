/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pvblk: a paravirtual blk-mq block driver, split into a core that owns
 * the request path, limits, validation and statistics, and transports
 * that own only how bytes reach the device.
 *
 * A transport reads its device's raw parameters into struct pvblk_params,
 * hands them to the core, and implements struct pvblk_transport_ops. The
 * core never looks at a ring or a config space; a transport never looks
 * at a bio.
 */
#ifndef _PVBLK_H
#define _PVBLK_H

#include <linux/blk-mq.h>
#include <linux/blkdev.h>
#include <linux/device.h>
#include <linux/mutex.h>
#include <linux/percpu.h>
#include <linux/scatterlist.h>
#include <linux/types.h>
#include <linux/workqueue.h>

/* Largest number of data segments per request, whatever a device says. */
#define PVBLK_MAX_SEGS		254
/* Largest number of ranges in one discard or write-zeroes request. */
#define PVBLK_MAX_RANGES	256
/* Length of a device id (serial), as virtio and Xen define it. */
#define PVBLK_ID_LEN		20
/* The block layer counts bytes in a loff_t. */
#define PVBLK_MAX_SECTORS	((u64)LLONG_MAX >> SECTOR_SHIFT)

/* Raw device parameters, as the transport read them: not yet trusted. */
struct pvblk_params {
	u64 capacity;			/* 512-byte sectors */
	bool has_blk_size;
	u32 blk_size;			/* logical block, bytes */
	bool has_seg_max;
	u32 seg_max;			/* data segments per request */
	bool has_size_max;
	u32 size_max;			/* bytes per segment */
	bool has_topology;
	u8 physical_block_exp;		/* physical = logical << exp */
	u8 alignment_offset;		/* logical blocks */
	u16 min_io_size;		/* logical blocks */
	u32 opt_io_size;		/* logical blocks */
	bool has_geometry;
	u16 cylinders;
	u8 heads;
	u8 sectors;
	bool read_only;
	bool flush;			/* volatile cache, FLUSH command */
	bool writeback;			/* cache mode now */
	bool wce;			/* cache mode can be changed */
	bool fua;
	bool discard;
	u32 max_discard_sectors;
	u32 max_discard_seg;
	u32 discard_sector_alignment;	/* 512-byte sectors */
	bool write_zeroes;
	u32 max_write_zeroes_sectors;
	u32 max_write_zeroes_seg;
	bool write_zeroes_may_unmap;
	bool secure_erase;
	u32 max_secure_erase_sectors;
	u32 max_secure_erase_seg;
	u32 secure_erase_sector_alignment;	/* 512-byte sectors */
	/* Transport bounds: ring slots per request and DMA segment size. */
	u32 max_transport_segs;
	u32 max_dma_size;
};

/* What the core keeps once the parameters are validated. */
struct pvblk_geometry {
	u16 cylinders;
	u8 heads;
	u8 sectors;
};

enum pvblk_cmd_type {
	PVBLK_CMD_READ,
	PVBLK_CMD_WRITE,
	PVBLK_CMD_FLUSH,
	PVBLK_CMD_GET_ID,
	PVBLK_CMD_DISCARD,
	PVBLK_CMD_WRITE_ZEROES,
	PVBLK_CMD_SECURE_ERASE,
};

/* Completion status a transport reports, device-neutral. */
enum pvblk_status {
	PVBLK_S_OK,
	PVBLK_S_IOERR,
	PVBLK_S_UNSUPP,
};

#define PVBLK_RANGE_UNMAP	BIT(0)

struct pvblk_range {
	u64 sector;
	u32 nr_sectors;
	u32 flags;
};

/* The per-request data the core and a transport share. */
struct pvblk_req {
	enum pvblk_cmd_type type;
	u64 sector;
	u32 ioprio;
	bool fua;
	/* Data: the request's pages (READ, WRITE, GET_ID). */
	unsigned int nents;
	unsigned int data_len;
	/*
	 * DISCARD, WRITE_ZEROES, SECURE_ERASE: the ranges, nr_ranges of them, owned
	 * by the core. A transport may rewrite them in place into its
	 * device's format once ->queue has them.
	 */
	struct pvblk_range *ranges;
	unsigned int nr_ranges;
	/* Owned by the transport until it completes the request. */
	void *tdata;
	struct sg_table sgt;
	struct scatterlist sg[];
};

struct pvblk_dev;

struct pvblk_transport_ops {
	/*
	 * Put @req on hardware queue @qid. The device is told only when
	 * @last is true, or by ->kick. Errors:
	 * -ENOSPC: the ring is full. The transport calls pvblk_queue_full()
	 *	before it drops the lock its completions take, and
	 *	pvblk_queue_ready() after it completed requests on @qid: a
	 *	completion between the two cannot be lost.
	 * -ENOMEM: out of memory for now; the core retries later.
	 * -EIO: the queue will never take a request again; the transport
	 *	has called pvblk_queue_broken().
	 */
	int (*queue)(struct pvblk_dev *pd, unsigned int qid,
		     struct pvblk_req *req, bool last);
	/*
	 * Optional: put @reqs[0..@n) on hardware queue @qid in order,
	 * taking the lock its completions take once. Stops at the first
	 * request ->queue would have refused and returns that error, with
	 * the same duties (pvblk_queue_full(), pvblk_queue_broken()), or 0
	 * when all were taken; *@queued: how many were taken. Whatever it
	 * returns, the device has been told of those. Without it the core
	 * calls ->queue for each, with @last false, then ->kick.
	 */
	int (*queue_batch)(struct pvblk_dev *pd, unsigned int qid,
			   struct pvblk_req **reqs, unsigned int n,
			   unsigned int *queued);
	void (*kick)(struct pvblk_dev *pd, unsigned int qid);
	/*
	 * Complete what the device finished on polled queue @qid, without
	 * waiting for an interrupt, passing @iob to pvblk_complete() (which
	 * may leave a request to be ended with the batch, after ->poll
	 * returns), then call pvblk_queue_ready() if it completed any;
	 * return how many. Blk-mq may poll while the device is suspended
	 * or stopped. Needed for poll queues.
	 */
	int (*poll)(struct pvblk_dev *pd, unsigned int qid,
		    struct io_comp_batch *iob);
	/* Spread hardware queues over CPUs as interrupts are; optional. */
	void (*map_queues)(struct pvblk_dev *pd, struct blk_mq_queue_map *map);
	/*
	 * Switch the device's cache mode; optional. Return the mode the
	 * device reports after the write (1: write back), which may not be
	 * the one asked for, or an error.
	 */
	int (*set_writeback)(struct pvblk_dev *pd, bool writeback);
	/*
	 * The device is broken or gone: stop it. Once this returns the
	 * device completes nothing more, no completion callback runs and
	 * the device writes no memory of in-flight requests. It may be
	 * called with the transport's queues already torn down.
	 */
	void (*stop)(struct pvblk_dev *pd);
	/*
	 * Whether queue @qid is broken (it will complete nothing); for a
	 * request that timed out. Optional.
	 */
	bool (*broken)(struct pvblk_dev *pd, unsigned int qid);
};

/* Shown in /sys/block/vdX/pvblk/. */
struct pvblk_stats {
	u64 __percpu *requests;		/* handed to the transport */
	atomic64_t errors;		/* completed with an error */
	atomic64_t bad_completions;	/* rejected device input */
	atomic64_t ring_full;		/* transport had no room */
};

struct pvblk_dev {
	struct device *dev;		/* the transport's device, for messages */
	const struct pvblk_transport_ops *ops;
	void *transport;		/* the transport's own state */
	unsigned int tdata_size;
	struct gendisk *disk;
	struct blk_mq_tag_set tag_set;
	unsigned int nr_queues;		/* all of them, polled ones last */
	unsigned int nr_poll_queues;
	unsigned int max_segs;
	int index;
	bool added;			/* the disk was added: ->free_disk frees */
	bool writeback;
	bool wce;
	bool fua;
	bool dead;			/* the device is gone: fail everything */
	bool removed;			/* remove began: no more operations */
	/*
	 * Serializes the teardown of a broken device with remove, freeze
	 * and restore; protects the three fields below.
	 */
	struct mutex lock;
	bool stopped;			/* the device was stopped (READ_ONCE) */
	bool deleted;			/* del_gendisk() returned */
	bool frozen;			/* suspended: queue frozen, quiesced */
	struct work_struct dead_work;	/* a queue broke: fail everything */
	struct mutex cache_lock;	/* a cache mode switch, write to commit */
	struct blk_mq_hw_ctx **hctx;	/* by queue id, for pvblk_queue_full() */
	struct pvblk_geometry geo;
	struct pvblk_stats stats;
#if IS_ENABLED(CONFIG_KUNIT)
	/*
	 * Requests pvblk_prep_rq() mapped that pvblk_unmap() has not yet
	 * released, summed when the disk is freed (the KUnit leak check).
	 */
	long __percpu *mapped;
#endif
};

/* limits.c: from untrusted parameters to block layer limits. */
int pvblk_validate(struct device *dev, const struct pvblk_params *p,
		   struct queue_limits *lim, u64 *capacity,
		   struct pvblk_geometry *geo);
u64 pvblk_validate_capacity(struct device *dev, u64 capacity,
			    unsigned int lbs);

/* core.c */
int pvblk_map_request(struct request *rq, struct pvblk_req *req,
		      unsigned int max_ranges);
blk_status_t pvblk_status_to_blk(struct device *dev, enum pvblk_status s);

struct pvblk_dev *pvblk_alloc(struct device *dev,
			      const struct pvblk_transport_ops *ops,
			      void *transport, unsigned int tdata_size);
void pvblk_plan_queues(unsigned int offered, unsigned int *nr,
		       unsigned int *nr_poll);
int pvblk_setup_disk(struct pvblk_dev *pd, const struct pvblk_params *p,
		     unsigned int nr_queues, unsigned int nr_poll_queues,
		     unsigned int depth);
int pvblk_register_disk(struct pvblk_dev *pd);
void pvblk_remove(struct pvblk_dev *pd, bool surprise);
void pvblk_release(struct pvblk_dev *pd);
void pvblk_complete(struct pvblk_dev *pd, struct pvblk_req *req,
		    enum pvblk_status status, struct io_comp_batch *iob);
void pvblk_fail_request(struct pvblk_dev *pd, struct pvblk_req *req,
			const char *why);
void pvblk_queue_full(struct pvblk_dev *pd, unsigned int qid);
void pvblk_queue_ready(struct pvblk_dev *pd, unsigned int qid);
void pvblk_queue_broken(struct pvblk_dev *pd, unsigned int qid);
void pvblk_device_dead(struct pvblk_dev *pd, const char *why);
void pvblk_sync_dead(struct pvblk_dev *pd);
void pvblk_update_capacity(struct pvblk_dev *pd, u64 capacity);
void pvblk_update_writeback(struct pvblk_dev *pd, bool writeback);
void pvblk_freeze(struct pvblk_dev *pd);
void pvblk_unfreeze(struct pvblk_dev *pd);
#if IS_ENABLED(CONFIG_KUNIT)
int pvblk_kunit_live_devs(void);
long pvblk_kunit_left_mapped(void);
void pvblk_batch_issued(struct pvblk_dev *pd, unsigned int qid,
			unsigned int n);
#endif

#endif /* _PVBLK_H */
