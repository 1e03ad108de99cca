/* SPDX-License-Identifier: ISC */
#ifndef PEERTOP_COLLECT_PROBE_H
#define PEERTOP_COLLECT_PROBE_H

#include <stddef.h>
#include <stdint.h>

#include "core/collector.h"

struct event_base;

/*
 * The prober for every branch's "probe" lines (collect-probe.c).  The
 * "probe" collector wraps one and feeds latency_mon_sample(); peertop
 * agent makes its own with a callback that queues for the push.  The ICMP
 * sockets are opened in collect_probe_run_new() (m->lat.sockmode), so call
 * it before dropping privileges.  error is NULL or why the probe was lost.
 */
struct collect_probe_run;
typedef void	(*collect_probe_run_cb)(void *arg, struct branch *,
		    const struct probe_conf *, int64_t time_ms, int64_t rtt_us,
		    const char *error);
struct collect_probe_run *collect_probe_run_new(struct model *,
		    struct event_base *, collect_probe_run_cb, void *arg,
		    char **cause);
void		 collect_probe_run_free(struct collect_probe_run *);
size_t		 collect_probe_run_targets(const struct collect_probe_run *);
/* ICMP targets left out: no ICMP socket for their address family. */
size_t		 collect_probe_run_unprobed(const struct collect_probe_run *);
/* "ICMP datagram", "ICMP raw", "no ICMP socket: ..." */
const char	*collect_probe_run_socket(const struct collect_probe_run *);

#endif
