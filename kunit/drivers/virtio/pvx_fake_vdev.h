/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A fake virtio device for KUnit tests of virtio drivers.
 *
 * The device registers on the real virtio bus, so the virtio core
 * negotiates features and probes the driver under test as it would for
 * a PCI or MMIO device. The harness plays the device side of the split
 * and packed rings: it checks what the driver writes, hands requests to
 * the test, writes the used ring and raises interrupts in hardirq
 * context through irq_work.
 *
 * Test modules need MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING).
 */
#ifndef _PVX_FAKE_VDEV_H
#define _PVX_FAKE_VDEV_H

#include <linux/atomic.h>
#include <linux/completion.h>
#include <linux/irq_work.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/virtio.h>
#include <linux/virtio_ring.h>
#include <linux/wait.h>
#include <linux/workqueue.h>

struct kunit;
struct fvdev;
struct fvdev_vq;

/* Segments kept per chain: pvblk's 254 data segments plus header and status. */
#define FVDEV_MAX_SEGS		256
/* Chains the auto responder can hold for the test, per virtqueue. */
#define FVDEV_MAX_HELD		16
/* Largest queue size the spec allows. */
#define FVDEV_MAX_NUM		32768

/* Verdicts of &fvdev_ops.handle. */
#define FVDEV_HOLD		(-1LL)
#define FVDEV_DONE(len)		((s64)(u32)(len))

/**
 * struct fvdev_seg - one buffer of a descriptor chain
 * @va: kernel address of the buffer, or NULL when the driver gave an
 *	address outside the linear map (counted as a violation)
 * @len: length in bytes
 * @wr: device-writable
 */
struct fvdev_seg {
	void *va;
	u32 len;
	bool wr;
};

/**
 * struct fvdev_chain - a descriptor chain taken from the available ring
 * @id: buffer id to return in the used ring (split: the head index)
 * @ndesc: ring slots the chain takes; a packed push advances by this
 * @ndata: data descriptors in the chain, indirect ones included
 * @nseg: entries filled in @seg; less than @ndata when the chain had
 *	more than FVDEV_MAX_SEGS buffers
 * @in_len: bytes in device-writable buffers
 * @seq: fvdev_seq_next() stamp taken when the device took the chain
 * @seg: the buffers, in chain order
 *
 * About 4 KiB: allocate it (kunit_kzalloc()), never put it on the stack.
 */
struct fvdev_chain {
	u16 id;
	u16 ndesc;
	unsigned int ndata;
	unsigned int nseg;
	u32 in_len;
	u64 seq;
	struct fvdev_seg seg[FVDEV_MAX_SEGS];
};

/**
 * struct fvdev_ops - the test's side of the device
 * @handle: auto mode: serve one chain. Runs in a worker, under the
 *	device lock with interrupts off: it must not sleep, and must not
 *	call the fvdev_*() functions that take the device lock (pop,
 *	push, take_held, interrupt). Returns FVDEV_DONE(len) to push the
 *	chain with used length @len and interrupt, or FVDEV_HOLD to keep
 *	it for fvdev_take_held(). When NULL, every chain is done with its
 *	@in_len.
 * @cfg_write: the driver writes config space; return false to drop the
 *	write. Called without locks, before the write lands.
 * @cfg_read: the driver reads config space. Called without locks before
 *	the read; it may block only if preemptible(), because drivers can
 *	read config from atomic context.
 */
struct fvdev_ops {
	s64 (*handle)(struct fvdev *d, struct fvdev_vq *fq,
		      const struct fvdev_chain *c);
	bool (*cfg_write)(struct fvdev *d, unsigned int off, const void *buf,
			  unsigned int len);
	void (*cfg_read)(struct fvdev *d, unsigned int off, unsigned int len);
};

/**
 * struct fvdev_cfg - what the device offers
 * @device_id: virtio device id (VIRTIO_ID_*)
 * @features: device feature bits; VIRTIO_F_ACCESS_PLATFORM is never
 *	offered, VIRTIO_F_RING_PACKED selects packed rings
 * @nvqs: number of virtqueues the device has
 * @num: size of every virtqueue (a power of two for split rings)
 * @auto_respond: start in auto mode (see fvdev_set_auto())
 * @config: initial config space, or NULL for zeroes
 * @config_len: size of the config space
 * @driver: when set, fvdev_plug() fails unless this driver bound
 */
struct fvdev_cfg {
	u32 device_id;
	u64 features;
	unsigned int nvqs;
	unsigned int num;
	bool auto_respond;
	const void *config;
	size_t config_len;
	const struct virtio_driver *driver;
};

/**
 * struct fvdev_vq - one virtqueue, device side
 * @d: the device
 * @vq: the driver's virtqueue; NULL until find_vqs and after del_vqs
 * @index: queue index
 * @num: queue size
 * @packed: packed ring (VIRTIO_F_RING_PACKED negotiated)
 * @pages: split ring memory, owned by the harness
 * @pages_size: size of @pages
 * @vr: split ring layout over @pages
 * @pdesc: packed descriptor ring, owned by the virtio core
 * @last_avail: next available slot the device reads
 * @used_idx: next used slot the device writes
 * @avail_wrap: packed: wrap counter for @last_avail
 * @used_wrap: packed: wrap counter for @used_idx
 * @irq: raises the vq interrupt in hardirq context
 * @irq_req: handler runs requested on this vq, for the replay in the
 *	handler; nonzero while one runs
 * @cpu_irq: raises @irq from a chosen CPU
 * @kick_work: auto mode responder
 * @kicks: notifications from the driver since fvdev_create()
 * @wait: woken on every kick and every held chain
 * @held: chains held by the auto responder (FIFO)
 * @held_head: oldest entry of @held
 * @nr_held: entries in @held
 *
 * Device-side fields are under &fvdev.dev_lock. Tests may read @kicks,
 * @used_idx and @used_wrap (the latter for fvdev_packed_push_raw()).
 */
struct fvdev_vq {
	struct fvdev *d;
	struct virtqueue *vq;
	unsigned int index;
	unsigned int num;
	bool packed;

	void *pages;
	size_t pages_size;
	struct vring vr;
	struct vring_packed_desc *pdesc;

	u16 last_avail;
	u16 used_idx;
	bool avail_wrap;
	bool used_wrap;

	struct irq_work irq;
	atomic_t irq_req;
	struct work_struct cpu_irq;
	struct work_struct kick_work;
	atomic_t kicks;
	wait_queue_head_t wait;

	struct fvdev_chain *held;
	unsigned int held_head;
	unsigned int nr_held;
};

/* Internal: where the device is in its lifetime; the order matters. */
enum fvdev_state {
	FVDEV_NEW,		/* never registered */
	FVDEV_FAILED,		/* register_virtio_device() failed */
	FVDEV_PLUGGED,		/* on the bus */
	FVDEV_UNPLUGGED,	/* unregistration started */
};

/**
 * struct fvdev - a fake virtio device
 * @vdev: the virtio device on the bus; the fvdev is freed only by its
 *	release, which an open block device can delay past the test
 * @test: the test that created the device
 * @ops: the test's callbacks, may be NULL
 * @priv: the test's data
 * @driver: expected driver, see &fvdev_cfg.driver
 * @cfg_lock: protects @cfg and @cfg_gen
 * @cfg: config space
 * @cfg_len: size of @cfg
 * @cfg_gen: config generation, bumped by fvdev_config_set()
 * @dev_features: features offered; tests may change them before plug
 * @drv_features: features the driver finalized
 * @dev_lock: device side of the rings and the status; irqsave, never
 *	held across a call into the driver
 * @status: device status byte
 * @status_seen: every status bit ever written
 * @status_log: the first values written to the status byte
 * @nr_status: status writes, including those @status_log dropped
 * @alive: serving: set by DRIVER_OK, cleared by reset and vanish
 * @gone: vanished; DRIVER_OK no longer revives the device
 * @auto_respond: auto mode
 * @notify_ok: what notify returns; tests may clear it (WRITE_ONCE)
 * @fail_find_vqs: error find_vqs returns; tests may set it
 * @fail_finalize: error finalize_features returns; tests may set it
 * @reset_seq: fvdev_seq_next() stamp of the latest reset
 * @violations: rule breaks by the driver seen so far
 * @last_violation: description of the latest one
 * @cfg_irq: raises the config interrupt in hardirq context
 * @unplugged: completed by the unplug helper thread
 * @state: internal, see &enum fvdev_state
 * @nvqs: number of entries in @vq
 * @num: queue size of every vq
 * @vq: the virtqueues
 */
struct fvdev {
	struct virtio_device vdev;
	struct kunit *test;
	const struct fvdev_ops *ops;
	void *priv;
	const struct virtio_driver *driver;

	spinlock_t cfg_lock;		/* @cfg, @cfg_gen */
	u8 *cfg;
	size_t cfg_len;
	u32 cfg_gen;

	u64 dev_features;
	u64 drv_features;

	spinlock_t dev_lock;		/* rings' device side, status */
	u8 status;
	u8 status_seen;
	u8 status_log[32];
	unsigned int nr_status;
	bool alive;
	bool gone;
	bool auto_respond;
	bool notify_ok;
	int fail_find_vqs;
	int fail_finalize;
	u64 reset_seq;
	atomic_t violations;
	const char *last_violation;

	struct irq_work cfg_irq;
	struct completion unplugged;
	enum fvdev_state state;
	unsigned int nvqs;
	unsigned int num;
	struct fvdev_vq vq[] __counted_by(nvqs);
};

/**
 * fvdev_create() - create a fake virtio device for this test
 * @test: the test
 * @cfg: what the device offers
 * @ops: the test's callbacks, or NULL
 * @priv: stored in &fvdev.priv
 *
 * The parent is a KUnit device. Unregistration is a KUnit action that
 * runs before the parent goes. Skips the test under Xen, where the DMA
 * API is forced onto virtio rings, and where the platform requires
 * VIRTIO_F_ACCESS_PLATFORM. Fails the test on bad arguments or no memory.
 *
 * Context: the test thread.
 * Return: the device, not yet on the bus.
 */
struct fvdev *fvdev_create(struct kunit *test, const struct fvdev_cfg *cfg,
			   const struct fvdev_ops *ops, void *priv);

/**
 * fvdev_plug() - register the device; the virtio core probes the driver
 * @d: the device
 *
 * Probing is synchronous: it is over when this returns. A device can be
 * plugged once.
 *
 * Context: process, no locks held.
 * Return: 0 when a driver (&fvdev_cfg.driver, if set) bound and the
 * device reached DRIVER_OK without FAILED; -ENODEV when no driver bound;
 * -EIO when the status is wrong; or the error of registration.
 */
int fvdev_plug(struct fvdev *d);

/**
 * fvdev_unplug() - unregister the device and wait for the driver's remove
 * @d: the device
 *
 * Context: process, no locks held.
 */
void fvdev_unplug(struct fvdev *d);

/**
 * fvdev_unplug_timeout() - unregister in a helper thread, bounded
 * @d: the device
 * @tmo: how long to wait, in jiffies, before and after @rescue
 * @rescue: called in the test thread when the first wait times out, to
 *	unstick the driver; may be NULL
 *
 * A driver that hangs in remove then fails the test instead of hanging
 * the boot. The helper thread has no KUnit context: static stubs do not
 * fire in remove.
 *
 * Context: process, no locks held.
 * Return: 0 when the driver let go in time, -ETIMEDOUT when it needed
 * @rescue, -EBUSY when it is still stuck (the helper keeps a reference
 * to the device), or the error of creating the helper.
 */
int fvdev_unplug_timeout(struct fvdev *d, unsigned long tmo,
			 void (*rescue)(struct fvdev *d));

/**
 * fvdev_vanish() - surprise removal: the device stops answering
 * @d: the device
 *
 * The device no longer reads or writes the rings nor interrupts, and the
 * virtqueues are marked broken, as virtio_pci does for a device that is
 * no longer present.
 *
 * Context: process.
 */
void fvdev_vanish(struct fvdev *d);

/**
 * fvdev_set_auto() - switch between auto and manual mode
 * @d: the device
 * @on: auto mode: each kick makes the device take the available chains
 *	and pass them to &fvdev_ops.handle. Manual mode: the test calls
 *	fvdev_pop() and fvdev_push() itself.
 *
 * Switching off waits for the responder to stop.
 *
 * Context: process.
 */
void fvdev_set_auto(struct fvdev *d, bool on);

/**
 * fvdev_pop() - take the next available chain
 * @fq: the virtqueue
 * @c: filled with the chain
 *
 * Checks what the driver wrote and counts violations.
 *
 * Context: any.
 * Return: false when nothing is available or the device is not serving.
 */
bool fvdev_pop(struct fvdev_vq *fq, struct fvdev_chain *c);

/**
 * fvdev_push() - return a chain through the used ring
 * @fq: the virtqueue
 * @c: the chain from fvdev_pop() or fvdev_take_held()
 * @len: used length to report
 *
 * Does not interrupt: call one of the fvdev_interrupt*() functions.
 *
 * Context: any.
 * Return: false when the device is not serving (reset or vanished) and
 * nothing was written.
 */
bool fvdev_push(struct fvdev_vq *fq, const struct fvdev_chain *c, u32 len);

/**
 * fvdev_push_raw() - write any id and length to the next used entry
 * @fq: the virtqueue
 * @id: buffer id; a packed ring keeps the low 16 bits
 * @len: used length
 *
 * A packed ring advances by one slot.
 *
 * Context: any.
 * Return: as fvdev_push().
 */
bool fvdev_push_raw(struct fvdev_vq *fq, u32 id, u32 len);

/**
 * fvdev_packed_push_raw() - write any used descriptor to a packed ring
 * @fq: the virtqueue
 * @id: buffer id
 * @len: used length
 * @flags: descriptor flags, written last
 * @advance: slots the device's used position moves by (may be 0)
 *
 * Context: any.
 * Return: as fvdev_push(); false also for a split ring.
 */
bool fvdev_packed_push_raw(struct fvdev_vq *fq, u16 id, u32 len, u16 flags,
			   unsigned int advance);

/**
 * fvdev_split_set_used_idx() - publish any used index on a split ring
 * @fq: the virtqueue
 * @idx: the new used->idx; later pushes continue from it
 *
 * Context: any.
 * Return: as fvdev_push(); false also for a packed ring.
 */
bool fvdev_split_set_used_idx(struct fvdev_vq *fq, u16 idx);

/**
 * fvdev_take_held() - take the oldest chain the auto responder holds
 * @fq: the virtqueue
 * @c: filled with the chain
 *
 * The responder then goes on with chains it left in the ring while full.
 *
 * Context: any.
 * Return: false when no chain is held.
 */
bool fvdev_take_held(struct fvdev_vq *fq, struct fvdev_chain *c);

/**
 * fvdev_interrupt() - interrupt and wait until the vq callback returned
 * @fq: the virtqueue
 *
 * The callback runs in hardirq context, on this CPU, as it would from
 * MSI-X. Nothing happens when the device is not serving.
 *
 * Context: process, interrupts enabled.
 */
void fvdev_interrupt(struct fvdev_vq *fq);

/**
 * fvdev_interrupt_atomic() - interrupt and spin until the callback returned
 * @fq: the virtqueue
 *
 * For code that runs with preemption off, such as inside queue_rq.
 *
 * Context: interrupts enabled; not from this vq's own callback.
 */
void fvdev_interrupt_atomic(struct fvdev_vq *fq);

/**
 * fvdev_interrupt_async() - interrupt without waiting
 * @fq: the virtqueue
 *
 * Context: any, including hardirq (a bio's end_io).
 */
void fvdev_interrupt_async(struct fvdev_vq *fq);

/**
 * fvdev_interrupt_on() - interrupt on another CPU
 * @fq: the virtqueue
 * @cpu: an online CPU; the callback runs there in hardirq context
 * @wait: wait until the callback returned (process context only)
 *
 * A second call before the first ran is merged with it.
 *
 * Context: any when !@wait.
 */
void fvdev_interrupt_on(struct fvdev_vq *fq, int cpu, bool wait);

/**
 * fvdev_config_set() - change config space, as the device
 * @d: the device
 * @off: offset
 * @buf: new bytes
 * @len: number of bytes
 * @irq: raise the config interrupt (asynchronously, in hardirq context)
 *
 * Bumps the config generation once. The interrupt is not gated by
 * reset: the virtio core parks it while config reporting is off.
 *
 * Context: any.
 */
void fvdev_config_set(struct fvdev *d, unsigned int off, const void *buf,
		      unsigned int len, bool irq);

/**
 * fvdev_wait_kicks() - wait for the driver's notifications
 * @fq: the virtqueue
 * @n: total since fvdev_create() to wait for (see &fvdev_vq.kicks)
 * @tmo: timeout in jiffies
 *
 * Context: process.
 * Return: true when @n was reached.
 */
bool fvdev_wait_kicks(struct fvdev_vq *fq, unsigned int n, unsigned long tmo);

/**
 * fvdev_wait_held() - wait until the auto responder holds chains
 * @fq: the virtqueue
 * @n: number of chains held at once to wait for, FVDEV_MAX_HELD at most
 * @tmo: timeout in jiffies
 *
 * Context: process.
 * Return: true when @n chains are held.
 */
bool fvdev_wait_held(struct fvdev_vq *fq, unsigned int n, unsigned long tmo);

/**
 * fvdev_seq_next() - next value of a global sequence
 *
 * Resets, chains taken by the device and the tests' own stamps (a bio's
 * end_io) come from this one counter, so they can be ordered.
 *
 * Context: any.
 * Return: a value greater than any returned before.
 */
u64 fvdev_seq_next(void);

/**
 * fvdev_violations() - rule breaks by the driver seen by the device
 * @d: the device
 * @last: if not NULL, set to the latest one's description, or NULL
 *
 * Return: the number of violations.
 */
int fvdev_violations(struct fvdev *d, const char **last);

/**
 * fvdev_status_seen() - whether the driver ever set a status bit
 * @d: the device
 * @bit: a VIRTIO_CONFIG_S_* value
 *
 * Return: true when some status write had @bit.
 */
bool fvdev_status_seen(struct fvdev *d, u8 bit);

/**
 * fvdev_live_count() - fake devices not yet freed
 *
 * Return: devices created and not yet released, for leak checks.
 */
int fvdev_live_count(void);

#endif /* _PVX_FAKE_VDEV_H */
