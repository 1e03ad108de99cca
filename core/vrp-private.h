/* SPDX-License-Identifier: ISC */
/*
 * What core/vrp.c (the VRP JSON files) shares with core/vrp-slurm.c
 * (SLURM files, whose members are spelled the same way); no other file
 * includes this.
 */
#ifndef PEERTOP_VRP_PRIVATE_H
#define PEERTOP_VRP_PRIVATE_H

#include <jansson.h>

#include "core/vrp.h"

/*
 * Parse a JSON file (buf NULL) or len bytes of buf named name; NULL with
 * a cause located by line and column.
 */
json_t	*vrp_json_load(const char *name, const char *buf, size_t len,
	    char **cause);
/* Append an ASPA (the set takes its providers); sort them afterwards. */
void	vrp_set_add_aspa(struct vrp_set *, const struct vrp_aspa *);
void	vrp_set_sort_aspa(struct vrp_set *);
/*
 * An AS number, as an integer or a string "AS64496" / "64496".  With afi
 * not NULL, a "(v4)" / "(v6)" suffix (Routinator's early ASPA output)
 * sets it to 4 or 6 (else 0).  0, or -1.
 */
int	vrp_json_asn(json_t *, uint32_t *, int *afi);
/*
 * A prefix string and an optional maxLength member into v (RFC 6482
 * 3.3: maxLength absent is the prefix length).  0, or -1 with what was
 * wrong in why.
 */
int	vrp_json_prefix(struct vrp *, json_t *, json_t *maxlen, char *why,
	    size_t);
/*
 * An array of AS numbers into a sorted, unique list (xmalloc'd into
 * *out, *n long).  -1 on a bad element (its index in *bad) or when not
 * an array (*bad is (size_t)-1).
 */
int	vrp_json_asns(json_t *, uint32_t **out, size_t *n, size_t *bad);

#endif
