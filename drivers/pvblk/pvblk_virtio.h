/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pvblk virtio transport internals, shared with its KUnit tests.
 */
#ifndef _PVBLK_VIRTIO_H
#define _PVBLK_VIRTIO_H

#include <linux/virtio.h>
#include <linux/virtio_blk.h>

#include "pvblk.h"

/* The per-request part of the transport, at pvblk_req->tdata. */
struct pvblk_virtio_req {
	struct virtio_blk_outhdr hdr;
	u8 status;
	unsigned int in_len;		/* bytes the device may write */
};

#if IS_ENABLED(CONFIG_KUNIT)
extern struct virtio_driver pvblk_virtio_driver;
void pvblk_virtio_read_params(struct virtio_device *vdev,
			      struct pvblk_params *p);
unsigned int pvblk_virtio_nr_queues(struct virtio_device *vdev);
const char *pvblk_virtio_check_used(const struct pvblk_virtio_req *vr,
				    enum pvblk_cmd_type type, unsigned int len,
				    bool legacy, enum pvblk_status *status);
void pvblk_virtio_ring_full_window(struct pvblk_dev *pd, unsigned int qid);
struct pvblk_dev *pvblk_virtio_pd(struct virtio_device *vdev);
struct workqueue_struct *pvblk_virtio_config_wq(void);
#endif

#endif /* _PVBLK_VIRTIO_H */
