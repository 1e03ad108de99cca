/* SPDX-License-Identifier: ISC */
/*
 * libFuzzer harness for the shared BGP decoder (core/decode-bgp.c): the
 * first input byte picks the options (4-byte ASNs, ADD-PATH per family,
 * MRT RIB attributes) and the message kind (its top bit also sets
 * as4_old_peer for UPDATEs), the rest is the message body.  Every input either decodes into arrays that stay within their
 * counts or fails with a cause; nothing crashes or leaks.
 */

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/bgp-role.h"
#include "core/decode-bgp.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct bgp_decode_opts	 o;
	struct bgp_update	 u;
	struct bgp_open		 op;
	char			*cause = NULL, *s;
	uint8_t			 sel;
	size_t			 i, n;

	if (size < 1)
		return (0);
	sel = data[0];
	data++;
	size--;
	memset(&o, 0, sizeof o);
	o.as4 = sel & 1;
	o.addpath_v4 = (sel >> 1) & 1;
	o.addpath_v6 = (sel >> 2) & 1;
	o.mrt_rib = (sel >> 3) & 1;
	o.as4_old_peer = (sel >> 7) & 1;
	switch (sel >> 4) {
	case 0:
		if (decode_bgp_open(data, size, &op, &cause) != 0) {
			if (cause == NULL)
				abort();
			free(cause);
		} else if (op.nmp > BGP_OPEN_MAX_AFS ||
		    op.naddpath > BGP_OPEN_MAX_AFS ||
		    op.role > BGP_ROLE_UNKNOWN)
			abort();
		return (0);
	case 1:
		s = decode_bgp_notification_str(size > 0 ? data[0] : 0,
		    size > 1 ? data[1] : 0, size > 2 ? data + 2 : NULL,
		    size > 2 ? size - 2 : 0);
		free(s);
		return (0);
	case 2:
		if (decode_bgp_attrs(data, size, &o, &u, &cause) != 0) {
			if (cause == NULL)
				abort();
			free(cause);
			return (0);
		}
		break;
	default:
		if (decode_bgp_update(data, size, &o, &u, &cause) != 0) {
			if (cause == NULL)
				abort();
			free(cause);
			return (0);
		}
		break;
	}
	for (i = 0; i < u.nannounced; i++)
		if (u.announced[i].prefix.len > 128)
			abort();
	for (i = 0; i < u.attrs.aspath.nsegs; i++) {
		n = u.attrs.aspath.segs[i].off + u.attrs.aspath.segs[i].count;
		if (n > u.attrs.aspath.nasns)
			abort();
	}
	decode_bgp_update_free(&u);
	return (0);
}
