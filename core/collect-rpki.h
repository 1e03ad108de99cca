/* SPDX-License-Identifier: ISC */
/*
 * The rpki collector's own API (core/collect-rpki.c), for the views, the
 * API and --once: its source's status (state, VRP count, RTR serial, age
 * of the VRPs, errors).  The VRPs themselves are m->vrps (core/vrp.h).
 */
#ifndef PEERTOP_COLLECT_RPKI_H
#define PEERTOP_COLLECT_RPKI_H

#include "core/rpki-source.h"

struct collector;

/* 0, or -1 when c is not a started rpki collector. */
int	collect_rpki_status(const struct collector *,
	    struct rpki_source_status *);

#endif
