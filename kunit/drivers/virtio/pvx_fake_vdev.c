// SPDX-License-Identifier: GPL-2.0
/*
 * A fake virtio device for KUnit tests of virtio drivers: see
 * pvx_fake_vdev.h for the interface.
 *
 * The device never offers VIRTIO_F_ACCESS_PLATFORM, so the virtio core
 * bypasses the DMA API and descriptors hold physical addresses of the
 * driver's buffers: the device side reaches them through the linear map.
 *
 * Rules the harness keeps, so that tests race the driver's bugs and not
 * the harness's:
 * - No harness lock is held across a call into the driver. dev_lock is
 *   taken with interrupts off, because tests push from a bio's end_io,
 *   which can run in hardirq context inside the driver's vq callback.
 * - notify never completes anything inline: the core calls it with the
 *   driver's vq lock held, and the driver's callback takes that lock.
 * - After reset returns, no vq callback runs and the device writes
 *   nothing, the guarantee vp_reset() gives through
 *   vp_synchronize_vectors().
 * - Ring contents are read after a read barrier and published after a
 *   write barrier, pairing with the driver side in virtio_ring.c.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <kunit/device.h>
#include <kunit/resource.h>
#include <kunit/test.h>
#include <kunit/visibility.h>
#include <linux/cleanup.h>
#include <linux/io.h>
#include <linux/kthread.h>
#include <linux/log2.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/virtio_anchor.h>
#include <linux/virtio_config.h>
#include <xen/xen.h>

#include "pvx_fake_vdev.h"

/* What QEMU's virtio devices report as their subsystem vendor. */
#define FVDEV_VENDOR		0x1af4
/* Bound on an unregistration the test left to its end. */
#define FVDEV_END_TIMEOUT	(2 * HZ)

static atomic_t fvdev_live = ATOMIC_INIT(0);
static atomic64_t fvdev_seq = ATOMIC64_INIT(0);

static struct fvdev *to_fvdev(struct virtio_device *vdev)
{
	return container_of(vdev, struct fvdev, vdev);
}

u64 fvdev_seq_next(void)
{
	return atomic64_inc_return(&fvdev_seq);
}
EXPORT_SYMBOL_IF_KUNIT(fvdev_seq_next);

int fvdev_live_count(void)
{
	return atomic_read(&fvdev_live);
}
EXPORT_SYMBOL_IF_KUNIT(fvdev_live_count);

static void fvdev_violation(struct fvdev *d, const char *what)
{
	WRITE_ONCE(d->last_violation, what);
	atomic_inc(&d->violations);
	pr_warn_ratelimited("driver violation: %s\n", what);
}

int fvdev_violations(struct fvdev *d, const char **last)
{
	if (last)
		*last = READ_ONCE(d->last_violation);
	return atomic_read(&d->violations);
}
EXPORT_SYMBOL_IF_KUNIT(fvdev_violations);

bool fvdev_status_seen(struct fvdev *d, u8 bit)
{
	return READ_ONCE(d->status_seen) & bit;
}
EXPORT_SYMBOL_IF_KUNIT(fvdev_status_seen);

/* ---- interrupts ---------------------------------------------------- */

/*
 * genirq never runs one vector's handler on two CPUs at once, but an
 * irq_work queued from a second CPU while the handler runs would: the
 * second request only makes the running handler go round once more.
 */
static void fvdev_vq_irq(struct irq_work *work)
{
	struct fvdev_vq *fq = container_of(work, struct fvdev_vq, irq);
	struct virtqueue *vq;

	if (atomic_inc_return(&fq->irq_req) != 1)
		return;
	for (;;) {
		vq = READ_ONCE(fq->vq);
		if (vq && READ_ONCE(fq->d->alive))
			vring_interrupt(0, vq);
		if (atomic_cmpxchg(&fq->irq_req, 1, 0) == 1)
			return;
		atomic_set(&fq->irq_req, 1);
	}
}

/* Queues the interrupt unless find_vqs has not run or del_vqs has. */
static bool fvdev_raise(struct fvdev_vq *fq)
{
	guard(spinlock_irqsave)(&fq->d->dev_lock);
	if (!fq->vq)
		return false;
	irq_work_queue(&fq->irq);
	return true;
}

/* Waits until no CPU runs or has queued this vq's handler. */
static void fvdev_irq_sync(struct fvdev_vq *fq)
{
	irq_work_sync(&fq->irq);
	while (atomic_read(&fq->irq_req))
		cpu_relax();
}

void fvdev_interrupt(struct fvdev_vq *fq)
{
	if (fvdev_raise(fq))
		fvdev_irq_sync(fq);
}
EXPORT_SYMBOL_IF_KUNIT(fvdev_interrupt);

void fvdev_interrupt_atomic(struct fvdev_vq *fq)
{
	/* The self-IPI cannot arrive while this CPU has interrupts off. */
	if (WARN_ON_ONCE(irqs_disabled()) || !fvdev_raise(fq))
		return;
	while (irq_work_is_busy(&fq->irq) || atomic_read(&fq->irq_req))
		cpu_relax();
}
EXPORT_SYMBOL_IF_KUNIT(fvdev_interrupt_atomic);

void fvdev_interrupt_async(struct fvdev_vq *fq)
{
	fvdev_raise(fq);
}
EXPORT_SYMBOL_IF_KUNIT(fvdev_interrupt_async);

/* irq_work_queue_on() is not exported: irq_work_queue() over there. */
static void fvdev_cpu_irq(struct work_struct *work)
{
	fvdev_interrupt(container_of(work, struct fvdev_vq, cpu_irq));
}

void fvdev_interrupt_on(struct fvdev_vq *fq, int cpu, bool wait)
{
	if (WARN_ON_ONCE((unsigned int)cpu >= nr_cpu_ids || !cpu_online(cpu)))
		return;
	/* A per-CPU workqueue: an unbound one takes @cpu as a hint only. */
	scoped_guard(spinlock_irqsave, &fq->d->dev_lock) {
		if (fq->vq)
			queue_work_on(cpu, system_highpri_wq, &fq->cpu_irq);
	}
	if (wait)
		flush_work(&fq->cpu_irq);
}
EXPORT_SYMBOL_IF_KUNIT(fvdev_interrupt_on);

static void fvdev_cfg_irq(struct irq_work *work)
{
	virtio_config_changed(&container_of(work, struct fvdev, cfg_irq)->vdev);
}

/* ---- device side of the rings -------------------------------------- */

/* Serving: after DRIVER_OK, before reset. Under dev_lock. */
static bool fvdev_ready(struct fvdev_vq *fq)
{
	lockdep_assert_held(&fq->d->dev_lock);
	return fq->vq && fq->d->alive;
}

/* A buffer the driver handed over, through the linear map. */
static void *fvdev_map(struct fvdev_vq *fq, u64 addr, u32 len)
{
	u64 last = addr + (len ? len - 1 : 0);
	void *va = phys_to_virt(addr);

	if (last < addr || !virt_addr_valid(va) ||
	    !virt_addr_valid(phys_to_virt(last))) {
		fvdev_violation(fq->d, "buffer address outside the linear map");
		return NULL;
	}
	return va;
}

/* Returns false once the chain is longer than the queue size. */
static bool fvdev_add_seg(struct fvdev_vq *fq, struct fvdev_chain *c,
			  u64 addr, u32 len, bool wr)
{
	struct fvdev_seg *s;

	/*
	 * "A driver MUST NOT create a descriptor chain longer than the
	 * Queue Size of the device", indirect descriptors included.
	 */
	if (++c->ndata > fq->num) {
		fvdev_violation(fq->d, "descriptor chain longer than the queue size");
		return false;
	}
	if (!wr && c->nseg && c->seg[c->nseg - 1].wr)
		fvdev_violation(fq->d, "device-readable buffer after a writable one");
	if (wr)
		c->in_len += len;
	if (c->nseg == FVDEV_MAX_SEGS)
		return true;
	s = &c->seg[c->nseg++];
	s->va = fvdev_map(fq, addr, len);
	s->len = len;
	s->wr = wr;
	return true;
}

/* Checks an indirect descriptor; returns its table or NULL. */
static void *fvdev_indirect(struct fvdev_vq *fq, u16 flags, u64 addr,
			    u32 len)
{
	struct fvdev *d = fq->d;

	if (!virtio_has_feature(&d->vdev, VIRTIO_RING_F_INDIRECT_DESC))
		fvdev_violation(d, "indirect descriptor not negotiated");
	if (flags & VRING_DESC_F_NEXT)
		fvdev_violation(d, "indirect descriptor with NEXT set");
	/* Split and packed descriptors are both 16 bytes. */
	if (!len || len % sizeof(struct vring_desc)) {
		fvdev_violation(d, "indirect table length not a multiple of 16");
		return NULL;
	}
	return fvdev_map(fq, addr, len);
}

static void fvdev_split_walk(struct fvdev_vq *fq, struct fvdev_chain *c,
			     unsigned int i)
{
	struct virtio_device *vdev = &fq->d->vdev;
	struct vring_desc *tbl = fq->vr.desc;
	unsigned int n = fq->num, hops = 0;
	bool indirect = false;
	u16 flags;
	u32 len;
	u64 addr;

	for (;;) {
		flags = virtio16_to_cpu(vdev, tbl[i].flags);
		addr = virtio64_to_cpu(vdev, tbl[i].addr);
		len = virtio32_to_cpu(vdev, tbl[i].len);
		if (!indirect)
			c->ndesc++;
		if (flags & VRING_DESC_F_INDIRECT) {
			if (indirect) {
				fvdev_violation(fq->d, "indirect descriptor in an indirect table");
				return;
			}
			tbl = fvdev_indirect(fq, flags, addr, len);
			if (!tbl)
				return;
			n = len / sizeof(*tbl);
			i = 0;
			hops = 0;
			indirect = true;
			continue;
		}
		if (!fvdev_add_seg(fq, c, addr, len, flags & VRING_DESC_F_WRITE) ||
		    !(flags & VRING_DESC_F_NEXT))
			return;
		i = virtio16_to_cpu(vdev, tbl[i].next);
		if (i >= n) {
			fvdev_violation(fq->d, "next beyond the descriptor table");
			return;
		}
		/* More hops than entries: a loop, so a chain too long. */
		if (++hops >= n) {
			fvdev_violation(fq->d, "descriptor chain longer than the queue size");
			return;
		}
	}
}

static bool fvdev_split_pop(struct fvdev_vq *fq, struct fvdev_chain *c)
{
	struct virtio_device *vdev = &fq->d->vdev;
	struct vring *vr = &fq->vr;
	u16 idx, slot;

	idx = virtio16_to_cpu(vdev, READ_ONCE(vr->avail->idx));
	if (idx == fq->last_avail) {
		/*
		 * With VIRTIO_RING_F_EVENT_IDX the driver kicks only when it
		 * passes avail_event. Publish it, then look again, so that a
		 * driver reading the old value raced a look that saw its add.
		 */
		WRITE_ONCE(vring_avail_event(vr),
			   cpu_to_virtio16(vdev, fq->last_avail));
		/* Orders the avail_event store before the avail->idx load. */
		virt_mb();
		idx = virtio16_to_cpu(vdev, READ_ONCE(vr->avail->idx));
		if (idx == fq->last_avail)
			return false;
	}
	if ((u16)(idx - fq->last_avail) > fq->num)
		fvdev_violation(fq->d, "avail idx moved by more than the queue size");
	/* The entry and its descriptors were written before avail->idx. */
	virt_rmb();
	slot = fq->last_avail++ & (fq->num - 1);
	c->id = virtio16_to_cpu(vdev, vr->avail->ring[slot]);
	if (c->id >= fq->num)
		fvdev_violation(fq->d, "avail ring entry beyond the queue size");
	else
		fvdev_split_walk(fq, c, c->id);
	return true;
}

static bool fvdev_packed_avail(u16 flags, bool wrap)
{
	return !!(flags & BIT(VRING_PACKED_DESC_F_AVAIL)) == wrap &&
	       !!(flags & BIT(VRING_PACKED_DESC_F_USED)) != wrap;
}

static void fvdev_packed_indirect(struct fvdev_vq *fq, struct fvdev_chain *c,
				  u16 flags, u64 addr, u32 len)
{
	struct vring_packed_desc *tbl = fvdev_indirect(fq, flags, addr, len);
	unsigned int i;
	u16 f;

	/* The table is in order: NEXT means nothing there. */
	for (i = 0; tbl && i < len / sizeof(*tbl); i++) {
		f = le16_to_cpu(tbl[i].flags);
		if (f & VRING_DESC_F_INDIRECT)
			fvdev_violation(fq->d, "indirect descriptor in an indirect table");
		else if (!fvdev_add_seg(fq, c, le64_to_cpu(tbl[i].addr),
					le32_to_cpu(tbl[i].len),
					f & VRING_DESC_F_WRITE))
			return;
	}
}

static bool fvdev_packed_pop(struct fvdev_vq *fq, struct fvdev_chain *c)
{
	unsigned int i = fq->last_avail;
	bool wrap = fq->avail_wrap;
	struct vring_packed_desc *desc = &fq->pdesc[i];
	u16 flags = le16_to_cpu(READ_ONCE(desc->flags));
	u64 addr;
	u32 len;

	if (!fvdev_packed_avail(flags, wrap))
		return false;
	/* The driver makes the head available after the rest of the chain. */
	virt_rmb();
	for (;;) {
		/* Linux writes the id on every descriptor; the last one counts. */
		c->id = le16_to_cpu(desc->id);
		c->ndesc++;
		addr = le64_to_cpu(desc->addr);
		len = le32_to_cpu(desc->len);
		if (flags & VRING_DESC_F_INDIRECT)
			fvdev_packed_indirect(fq, c, flags, addr, len);
		else
			fvdev_add_seg(fq, c, addr, len, flags & VRING_DESC_F_WRITE);
		if (++i == fq->num) {
			i = 0;
			wrap = !wrap;
		}
		if (!(flags & VRING_DESC_F_NEXT))
			break;
		if (c->ndesc == fq->num) {
			fvdev_violation(fq->d, "descriptor chain longer than the queue size");
			break;
		}
		desc = &fq->pdesc[i];
		flags = le16_to_cpu(desc->flags);
		if (!fvdev_packed_avail(flags, wrap)) {
			fvdev_violation(fq->d, "chain runs into a descriptor not available");
			break;
		}
	}
	fq->last_avail = i;
	fq->avail_wrap = wrap;
	return true;
}

static bool __fvdev_pop(struct fvdev_vq *fq, struct fvdev_chain *c)
{
	if (!fvdev_ready(fq))
		return false;
	c->ndesc = 0;
	c->ndata = 0;
	c->nseg = 0;
	c->in_len = 0;
	if (!(fq->packed ? fvdev_packed_pop(fq, c) : fvdev_split_pop(fq, c)))
		return false;
	c->seq = fvdev_seq_next();
	return true;
}

static void fvdev_split_used(struct fvdev_vq *fq, u32 id, u32 len)
{
	struct virtio_device *vdev = &fq->d->vdev;
	unsigned int slot = fq->used_idx & (fq->num - 1);

	fq->vr.used->ring[slot].id = cpu_to_virtio32(vdev, id);
	fq->vr.used->ring[slot].len = cpu_to_virtio32(vdev, len);
	/* The driver reads the entry once it sees the index. */
	virt_wmb();
	fq->used_idx++;
	WRITE_ONCE(fq->vr.used->idx, cpu_to_virtio16(vdev, fq->used_idx));
}

static void fvdev_packed_used(struct fvdev_vq *fq, u16 id, u32 len,
			      u16 flags, unsigned int advance)
{
	struct vring_packed_desc *desc = &fq->pdesc[fq->used_idx];
	unsigned int pos;

	desc->id = cpu_to_le16(id);
	desc->len = cpu_to_le32(len);
	/* The driver reads id and len once it sees the flags. */
	virt_wmb();
	WRITE_ONCE(desc->flags, cpu_to_le16(flags));

	/* Two laps leave the wrap counter as it was. */
	pos = fq->used_idx + advance % (2 * fq->num);
	for (; pos >= fq->num; pos -= fq->num)
		fq->used_wrap = !fq->used_wrap;
	fq->used_idx = pos;
}

/* Used: AVAIL and USED both equal to the wrap counter. Under dev_lock. */
static void __fvdev_push(struct fvdev_vq *fq, u32 id, u32 len,
			 unsigned int ndesc)
{
	u16 used = BIT(VRING_PACKED_DESC_F_AVAIL) | BIT(VRING_PACKED_DESC_F_USED);

	if (fq->packed)
		fvdev_packed_used(fq, id, len, fq->used_wrap ? used : 0, ndesc);
	else
		fvdev_split_used(fq, id, len);
}

bool fvdev_pop(struct fvdev_vq *fq, struct fvdev_chain *c)
{
	guard(spinlock_irqsave)(&fq->d->dev_lock);
	return __fvdev_pop(fq, c);
}
EXPORT_SYMBOL_IF_KUNIT(fvdev_pop);

bool fvdev_push(struct fvdev_vq *fq, const struct fvdev_chain *c, u32 len)
{
	guard(spinlock_irqsave)(&fq->d->dev_lock);
	if (!fvdev_ready(fq))
		return false;
	__fvdev_push(fq, c->id, len, c->ndesc);
	return true;
}
EXPORT_SYMBOL_IF_KUNIT(fvdev_push);

bool fvdev_push_raw(struct fvdev_vq *fq, u32 id, u32 len)
{
	guard(spinlock_irqsave)(&fq->d->dev_lock);
	if (!fvdev_ready(fq))
		return false;
	__fvdev_push(fq, id, len, 1);
	return true;
}
EXPORT_SYMBOL_IF_KUNIT(fvdev_push_raw);

bool fvdev_packed_push_raw(struct fvdev_vq *fq, u16 id, u32 len, u16 flags,
			   unsigned int advance)
{
	guard(spinlock_irqsave)(&fq->d->dev_lock);
	if (!fvdev_ready(fq) || !fq->packed)
		return false;
	fvdev_packed_used(fq, id, len, flags, advance);
	return true;
}
EXPORT_SYMBOL_IF_KUNIT(fvdev_packed_push_raw);

bool fvdev_split_set_used_idx(struct fvdev_vq *fq, u16 idx)
{
	guard(spinlock_irqsave)(&fq->d->dev_lock);
	if (!fvdev_ready(fq) || fq->packed)
		return false;
	fq->used_idx = idx;
	/* Entries pushed before are visible before the new index. */
	virt_wmb();
	WRITE_ONCE(fq->vr.used->idx, cpu_to_virtio16(&fq->d->vdev, idx));
	return true;
}
EXPORT_SYMBOL_IF_KUNIT(fvdev_split_set_used_idx);

/* ---- auto mode ----------------------------------------------------- */

static void fvdev_kick_work(struct work_struct *work)
{
	struct fvdev_vq *fq = container_of(work, struct fvdev_vq, kick_work);
	const struct fvdev_ops *ops = fq->d->ops;
	bool held = false, done = false;
	struct fvdev_chain *c;
	s64 v;

	scoped_guard(spinlock_irqsave, &fq->d->dev_lock) {
		while (READ_ONCE(fq->d->auto_respond) && fvdev_ready(fq) &&
		       fq->nr_held < FVDEV_MAX_HELD) {
			/* Pop into the next held slot: no copy on HOLD. */
			c = &fq->held[(fq->held_head + fq->nr_held) %
				      FVDEV_MAX_HELD];
			if (!__fvdev_pop(fq, c))
				break;
			v = ops && ops->handle ? ops->handle(fq->d, fq, c) :
						 FVDEV_DONE(c->in_len);
			if (v == FVDEV_HOLD) {
				fq->nr_held++;
				held = true;
			} else {
				__fvdev_push(fq, c->id, (u32)v, c->ndesc);
				done = true;
			}
		}
	}
	if (held)
		wake_up(&fq->wait);
	if (done)
		fvdev_raise(fq);
}

/* Under dev_lock, so that del_vqs, which cancels the work, cannot miss it. */
static void fvdev_kick_responder(struct fvdev_vq *fq)
{
	lockdep_assert_held(&fq->d->dev_lock);
	if (fq->vq && READ_ONCE(fq->d->auto_respond))
		queue_work(system_unbound_wq, &fq->kick_work);
}

void fvdev_set_auto(struct fvdev *d, bool on)
{
	unsigned int i;

	WRITE_ONCE(d->auto_respond, on);
	for (i = 0; i < d->nvqs; i++) {
		if (!on) {
			cancel_work_sync(&d->vq[i].kick_work);
		} else {
			scoped_guard(spinlock_irqsave, &d->dev_lock)
				fvdev_kick_responder(&d->vq[i]);
		}
	}
}
EXPORT_SYMBOL_IF_KUNIT(fvdev_set_auto);

bool fvdev_take_held(struct fvdev_vq *fq, struct fvdev_chain *c)
{
	guard(spinlock_irqsave)(&fq->d->dev_lock);
	if (!fq->vq || !fq->nr_held)
		return false;
	*c = fq->held[fq->held_head];
	fq->held_head = (fq->held_head + 1) % FVDEV_MAX_HELD;
	fq->nr_held--;
	/* A full responder left chains in the ring. */
	fvdev_kick_responder(fq);
	return true;
}
EXPORT_SYMBOL_IF_KUNIT(fvdev_take_held);

bool fvdev_wait_kicks(struct fvdev_vq *fq, unsigned int n, unsigned long tmo)
{
	return wait_event_timeout(fq->wait,
				  (unsigned int)atomic_read(&fq->kicks) >= n,
				  tmo) > 0;
}
EXPORT_SYMBOL_IF_KUNIT(fvdev_wait_kicks);

bool fvdev_wait_held(struct fvdev_vq *fq, unsigned int n, unsigned long tmo)
{
	return wait_event_timeout(fq->wait, READ_ONCE(fq->nr_held) >= n,
				  tmo) > 0;
}
EXPORT_SYMBOL_IF_KUNIT(fvdev_wait_held);

/* ---- virtqueues ---------------------------------------------------- */

static bool fvdev_notify(struct virtqueue *vq)
{
	struct fvdev *d = to_fvdev(vq->vdev);
	struct fvdev_vq *fq = &d->vq[vq->index];

	atomic_inc(&fq->kicks);
	wake_up(&fq->wait);
	/* No dev_lock needed: the vq exists until del_vqs cancels the work. */
	if (READ_ONCE(d->auto_respond))
		queue_work(system_unbound_wq, &fq->kick_work);
	/* false makes the core mark the vq broken. */
	return READ_ONCE(d->notify_ok);
}

/* The device side starts over, as after a reset. */
static void fvdev_rewind(struct fvdev_vq *fq)
{
	fq->last_avail = 0;
	fq->used_idx = 0;
	fq->avail_wrap = true;
	fq->used_wrap = true;
	fq->held_head = 0;
	fq->nr_held = 0;
}

static void fvdev_free_ring(struct fvdev_vq *fq)
{
	if (fq->pages)
		free_pages_exact(fq->pages, fq->pages_size);
	fq->pages = NULL;
	fq->pdesc = NULL;
	kvfree(fq->held);
	fq->held = NULL;
}

static int fvdev_setup_vq(struct fvdev *d, struct fvdev_vq *fq, bool packed,
			  const struct virtqueue_info *info)
{
	struct virtio_device *vdev = &d->vdev;
	struct virtqueue *vq = NULL;

	if (fq->vq)
		return -EBUSY;
	fq->held = kvcalloc(FVDEV_MAX_HELD, sizeof(*fq->held), GFP_KERNEL);
	if (!fq->held)
		return -ENOMEM;

	if (packed) {
		/* vring_new_virtqueue() makes split rings only. */
		vq = vring_create_virtqueue(fq->index, fq->num, SMP_CACHE_BYTES,
					    vdev, true, false, info->ctx,
					    fvdev_notify, info->callback,
					    info->name);
	} else {
		fq->pages_size = PAGE_ALIGN(vring_size(fq->num, SMP_CACHE_BYTES));
		fq->pages = alloc_pages_exact(fq->pages_size,
					      GFP_KERNEL | __GFP_ZERO);
		if (fq->pages) {
			vring_init(&fq->vr, fq->num, fq->pages, SMP_CACHE_BYTES);
			vq = vring_new_virtqueue(fq->index, fq->num,
						 SMP_CACHE_BYTES, vdev, true,
						 info->ctx, fq->pages,
						 fvdev_notify, info->callback,
						 info->name);
		}
	}
	if (!vq) {
		fvdev_free_ring(fq);
		return -ENOMEM;
	}

	guard(spinlock_irqsave)(&d->dev_lock);
	fq->packed = packed;
	/* No DMA API: the core's ring address is physical. */
	if (packed)
		fq->pdesc = phys_to_virt(virtqueue_get_desc_addr(vq));
	fvdev_rewind(fq);
	fq->vq = vq;
	return 0;
}

/*
 * Returns how many virtqueues there were; *@left: how many buffers the
 * driver left on them. Deleting a virtqueue frees neither their DMA
 * mappings nor their indirect tables: the fake detaches them itself.
 */
static unsigned int fvdev_drop_vqs(struct fvdev *d, unsigned int *left)
{
	struct virtqueue *vq;
	struct fvdev_vq *fq;
	unsigned int i, found = 0;

	*left = 0;

	for (i = 0; i < d->nvqs; i++) {
		fq = &d->vq[i];
		/* After this nothing queues work or interrupts for the vq. */
		scoped_guard(spinlock_irqsave, &d->dev_lock) {
			vq = fq->vq;
			fq->vq = NULL;
		}
		if (!vq)
			continue;
		found++;
		cancel_work_sync(&fq->kick_work);
		cancel_work_sync(&fq->cpu_irq);
		fvdev_irq_sync(fq);
		while (virtqueue_detach_unused_buf(vq))
			(*left)++;
		vring_del_virtqueue(vq);
		fvdev_free_ring(fq);
	}
	return found;
}

static void fvdev_del_vqs(struct virtio_device *vdev)
{
	struct fvdev *d = to_fvdev(vdev);
	unsigned int left;

	/* A second del_vqs: virtio_mmio would free its interrupt again. */
	if (!fvdev_drop_vqs(d, &left))
		fvdev_violation(d, "del_vqs with no virtqueue to delete");
	if (left)
		fvdev_violation(d, "del_vqs with buffers still on a virtqueue");
}

static int fvdev_find_vqs(struct virtio_device *vdev, unsigned int nvqs,
			  struct virtqueue *vqs[],
			  struct virtqueue_info vqs_info[],
			  struct irq_affinity *desc)
{
	struct fvdev *d = to_fvdev(vdev);
	bool packed = virtio_has_feature(vdev, VIRTIO_F_RING_PACKED);
	unsigned int i, q = 0;
	int err;

	err = READ_ONCE(d->fail_find_vqs);
	if (err)
		return err;
	/* Nothing checks it, but the split ring masks with num - 1. */
	if (!packed && !is_power_of_2(d->num))
		return -EINVAL;

	for (i = 0; i < nvqs; i++) {
		/* As virtio_pci: an unnamed queue takes no device queue. */
		vqs[i] = NULL;
		if (!vqs_info[i].name)
			continue;
		err = q < d->nvqs ? fvdev_setup_vq(d, &d->vq[q], packed,
						   &vqs_info[i]) : -ENOENT;
		if (err) {
			unsigned int left;

			fvdev_drop_vqs(d, &left);
			return err;
		}
		vqs[i] = d->vq[q++].vq;
	}
	return 0;
}

/* ---- config ops ---------------------------------------------------- */

static bool fvdev_cfg_in_range(struct fvdev *d, unsigned int off,
			       unsigned int len)
{
	return off <= d->cfg_len && len <= d->cfg_len - off;
}

static void fvdev_get(struct virtio_device *vdev, unsigned int off,
		      void *buf, unsigned int len)
{
	struct fvdev *d = to_fvdev(vdev);

	if (d->ops && d->ops->cfg_read)
		d->ops->cfg_read(d, off, len);
	if (!len)
		return;
	if (!fvdev_cfg_in_range(d, off, len)) {
		fvdev_violation(d, "config read beyond the config space");
		memset(buf, 0xff, len);
		return;
	}
	guard(spinlock_irqsave)(&d->cfg_lock);
	memcpy(buf, d->cfg + off, len);
}

static void fvdev_set(struct virtio_device *vdev, unsigned int off,
		      const void *buf, unsigned int len)
{
	struct fvdev *d = to_fvdev(vdev);

	if (!len)
		return;
	if (!fvdev_cfg_in_range(d, off, len)) {
		fvdev_violation(d, "config write beyond the config space");
		return;
	}
	if (d->ops && d->ops->cfg_write && !d->ops->cfg_write(d, off, buf, len))
		return;
	guard(spinlock_irqsave)(&d->cfg_lock);
	memcpy(d->cfg + off, buf, len);
}

/*
 * Moves once per fvdev_config_set(): __virtio_cread_many() reads until
 * two generations match, so it must not move on every read.
 */
static u32 fvdev_generation(struct virtio_device *vdev)
{
	return READ_ONCE(to_fvdev(vdev)->cfg_gen);
}

void fvdev_config_set(struct fvdev *d, unsigned int off, const void *buf,
		      unsigned int len, bool irq)
{
	if (WARN_ON_ONCE(!len || !fvdev_cfg_in_range(d, off, len)))
		return;
	scoped_guard(spinlock_irqsave, &d->cfg_lock) {
		memcpy(d->cfg + off, buf, len);
		WRITE_ONCE(d->cfg_gen, d->cfg_gen + 1);
	}
	if (irq)
		irq_work_queue(&d->cfg_irq);
}
EXPORT_SYMBOL_IF_KUNIT(fvdev_config_set);

static u8 fvdev_get_status(struct virtio_device *vdev)
{
	return READ_ONCE(to_fvdev(vdev)->status);
}

static void fvdev_set_status(struct virtio_device *vdev, u8 status)
{
	struct fvdev *d = to_fvdev(vdev);
	unsigned int i;

	/* The core resets through ->reset; virtio_pci BUG()s on 0 here. */
	if (!status)
		fvdev_violation(d, "status 0 written instead of a reset");
	guard(spinlock_irqsave)(&d->dev_lock);
	if (d->nr_status < ARRAY_SIZE(d->status_log))
		d->status_log[d->nr_status] = status;
	d->nr_status++;
	WRITE_ONCE(d->status_seen, d->status_seen | status);
	WRITE_ONCE(d->status, status);
	if ((status & VIRTIO_CONFIG_S_DRIVER_OK) && !d->alive && !d->gone) {
		WRITE_ONCE(d->alive, true);
		/* Serve what was kicked before the device went live. */
		for (i = 0; i < d->nvqs; i++)
			fvdev_kick_responder(&d->vq[i]);
	}
}

static void fvdev_synchronize_cbs(struct virtio_device *vdev)
{
	struct fvdev *d = to_fvdev(vdev);
	unsigned int i;

	for (i = 0; i < d->nvqs; i++)
		fvdev_irq_sync(&d->vq[i]);
	irq_work_sync(&d->cfg_irq);
}

static void fvdev_reset(struct virtio_device *vdev)
{
	struct fvdev *d = to_fvdev(vdev);
	unsigned int i;

	/* Pops, pushes and vq interrupts check alive. */
	scoped_guard(spinlock_irqsave, &d->dev_lock) {
		WRITE_ONCE(d->alive, false);
		WRITE_ONCE(d->status, 0);
	}
	/* Let what already started finish, as vp_synchronize_vectors(). */
	for (i = 0; i < d->nvqs; i++) {
		cancel_work_sync(&d->vq[i].kick_work);
		cancel_work_sync(&d->vq[i].cpu_irq);
	}
	fvdev_synchronize_cbs(vdev);

	guard(spinlock_irqsave)(&d->dev_lock);
	WRITE_ONCE(d->reset_seq, fvdev_seq_next());
	for (i = 0; i < d->nvqs; i++)
		fvdev_rewind(&d->vq[i]);
}

static u64 fvdev_get_features(struct virtio_device *vdev)
{
	/* Without it the core bypasses the DMA API: see the top. */
	return READ_ONCE(to_fvdev(vdev)->dev_features) &
	       ~BIT_ULL(VIRTIO_F_ACCESS_PLATFORM);
}

static int fvdev_finalize_features(struct virtio_device *vdev)
{
	struct fvdev *d = to_fvdev(vdev);

	vring_transport_features(vdev);
	WRITE_ONCE(d->drv_features, vdev->features);
	return READ_ONCE(d->fail_finalize);
}

static const char *fvdev_bus_name(struct virtio_device *vdev)
{
	return "pvx-fake";
}

/* No get_vq_affinity: blk_mq_virtio_map_queues() uses blk_mq_map_queues(). */
static const struct virtio_config_ops fvdev_config_ops = {
	.get			= fvdev_get,
	.set			= fvdev_set,
	.generation		= fvdev_generation,
	.get_status		= fvdev_get_status,
	.set_status		= fvdev_set_status,
	.reset			= fvdev_reset,
	.find_vqs		= fvdev_find_vqs,
	.del_vqs		= fvdev_del_vqs,
	.synchronize_cbs	= fvdev_synchronize_cbs,
	.get_features		= fvdev_get_features,
	.finalize_features	= fvdev_finalize_features,
	.bus_name		= fvdev_bus_name,
};

/* ---- lifetime ------------------------------------------------------ */

static void fvdev_free(struct fvdev *d)
{
	kfree(d->cfg);
	kfree(d);
	atomic_dec(&fvdev_live);
}

/* The last reference can be an open block device, after the test. */
static void fvdev_release(struct device *dev)
{
	fvdev_free(to_fvdev(dev_to_virtio(dev)));
}

static int fvdev_unplug_thread(void *arg)
{
	struct fvdev *d = arg;

	unregister_virtio_device(&d->vdev);
	complete(&d->unplugged);
	/* Our own reference: the test may have stopped waiting. */
	put_device(&d->vdev.dev);
	return 0;
}

int fvdev_unplug_timeout(struct fvdev *d, unsigned long tmo,
			 void (*rescue)(struct fvdev *d))
{
	struct task_struct *t;

	if (d->state != FVDEV_PLUGGED)
		return 0;
	reinit_completion(&d->unplugged);
	get_device(&d->vdev.dev);
	t = kthread_run(fvdev_unplug_thread, d, "fvdev-unplug");
	if (IS_ERR(t)) {
		put_device(&d->vdev.dev);
		return PTR_ERR(t);
	}
	d->state = FVDEV_UNPLUGGED;
	if (wait_for_completion_timeout(&d->unplugged, tmo))
		return 0;
	if (rescue)
		rescue(d);
	if (wait_for_completion_timeout(&d->unplugged, tmo))
		return -ETIMEDOUT;
	return -EBUSY;
}
EXPORT_SYMBOL_IF_KUNIT(fvdev_unplug_timeout);

void fvdev_unplug(struct fvdev *d)
{
	if (d->state != FVDEV_PLUGGED)
		return;
	d->state = FVDEV_UNPLUGGED;
	unregister_virtio_device(&d->vdev);
}
EXPORT_SYMBOL_IF_KUNIT(fvdev_unplug);

/* KUnit action: added after the parent's actions, so it runs first. */
static void fvdev_end(void *arg)
{
	struct fvdev *d = arg;

	if (d->state == FVDEV_NEW) {
		fvdev_free(d);
		return;
	}
	if (fvdev_unplug_timeout(d, FVDEV_END_TIMEOUT, NULL))
		KUNIT_FAIL(d->test, "the driver did not let go of the fake device");
	irq_work_sync(&d->cfg_irq);
	/* The reference fvdev_plug() took, or the one a failed register left. */
	put_device(&d->vdev.dev);
}

int fvdev_plug(struct fvdev *d)
{
	const struct device_driver *drv;
	u8 status;
	int err;

	if (d->state != FVDEV_NEW)
		return -EBUSY;
	/* Probes the driver; returns 0 even when the probe failed. */
	err = register_virtio_device(&d->vdev);
	if (err) {
		/* It wants put_device(), not kfree(): fvdev_end() does that. */
		d->state = FVDEV_FAILED;
		return err;
	}
	get_device(&d->vdev.dev);
	d->state = FVDEV_PLUGGED;

	drv = d->vdev.dev.driver;
	if (!drv || (d->driver && drv != &d->driver->driver))
		return -ENODEV;
	status = fvdev_get_status(&d->vdev);
	if (!(status & VIRTIO_CONFIG_S_DRIVER_OK) ||
	    (status & VIRTIO_CONFIG_S_FAILED))
		return -EIO;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(fvdev_plug);

void fvdev_vanish(struct fvdev *d)
{
	scoped_guard(spinlock_irqsave, &d->dev_lock) {
		d->gone = true;
		WRITE_ONCE(d->alive, false);
	}
	/*
	 * As virtio_pci_remove() for a device no longer present. The vq
	 * list exists once registration got far enough to probe.
	 */
	if (d->state >= FVDEV_PLUGGED)
		virtio_break_device(&d->vdev);
}
EXPORT_SYMBOL_IF_KUNIT(fvdev_vanish);

struct fvdev *fvdev_create(struct kunit *test, const struct fvdev_cfg *cfg,
			   const struct fvdev_ops *ops, void *priv)
{
	static atomic_t ids = ATOMIC_INIT(0);
	struct device *parent;
	struct fvdev_vq *fq;
	struct fvdev *d;
	char name[24];
	unsigned int i;
	int err;

	/* Xen forces the DMA API onto virtio rings (vring_use_dma_api()). */
	if (xen_domain())
		kunit_skip(test, "the fake virtio device cannot run under Xen");
	KUNIT_ASSERT_GE(test, cfg->nvqs, 1);
	KUNIT_ASSERT_GE(test, cfg->num, 1);
	KUNIT_ASSERT_LE(test, cfg->num, FVDEV_MAX_NUM);

	/* The parent's name is also a driver's on the kunit bus: unique. */
	snprintf(name, sizeof(name), "fvdev%d", atomic_inc_return(&ids));
	parent = kunit_device_register(test, name);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, parent);

	d = kzalloc(struct_size(d, vq, cfg->nvqs), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, d);
	d->nvqs = cfg->nvqs;
	atomic_inc(&fvdev_live);
	/* Runs before the parent's actions (LIFO); frees d on failure. */
	err = kunit_add_action_or_reset(test, fvdev_end, d);
	KUNIT_ASSERT_EQ(test, err, 0);

	/* Confidential guests require VIRTIO_F_ACCESS_PLATFORM at probe. */
	if (virtio_check_mem_acc_cb(&d->vdev))
		kunit_skip(test, "the platform requires VIRTIO_F_ACCESS_PLATFORM");

	d->cfg_len = cfg->config_len;
	if (d->cfg_len) {
		d->cfg = kzalloc(d->cfg_len, GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, d->cfg);
		if (cfg->config)
			memcpy(d->cfg, cfg->config, d->cfg_len);
	}

	d->test = test;
	d->ops = ops;
	d->priv = priv;
	d->driver = cfg->driver;
	d->num = cfg->num;
	d->dev_features = cfg->features & ~BIT_ULL(VIRTIO_F_ACCESS_PLATFORM);
	d->auto_respond = cfg->auto_respond;
	d->notify_ok = true;
	spin_lock_init(&d->cfg_lock);
	spin_lock_init(&d->dev_lock);
	init_irq_work(&d->cfg_irq, fvdev_cfg_irq);
	init_completion(&d->unplugged);
	for (i = 0; i < d->nvqs; i++) {
		fq = &d->vq[i];
		fq->d = d;
		fq->index = i;
		fq->num = d->num;
		init_irq_work(&fq->irq, fvdev_vq_irq);
		INIT_WORK(&fq->cpu_irq, fvdev_cpu_irq);
		INIT_WORK(&fq->kick_work, fvdev_kick_work);
		init_waitqueue_head(&fq->wait);
		fvdev_rewind(fq);
	}

	d->vdev.dev.parent = parent;
	d->vdev.dev.release = fvdev_release;
	d->vdev.id.device = cfg->device_id;
	d->vdev.id.vendor = FVDEV_VENDOR;
	d->vdev.config = &fvdev_config_ops;
	/*
	 * register_virtio_device() initializes it again; a config
	 * interrupt before that must not take an uninitialized lock.
	 */
	spin_lock_init(&d->vdev.config_lock);
	return d;
}
EXPORT_SYMBOL_IF_KUNIT(fvdev_create);

MODULE_DESCRIPTION("pvx: fake virtio device for KUnit tests");
MODULE_LICENSE("GPL");
