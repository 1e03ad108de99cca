/* SPDX-License-Identifier: ISC */
/*
 * RPKI route origin validation (RFC 6811) and the data it runs on.
 *
 * A VRP set (Validated ROA Payloads, plus the ASPAs the same validators
 * export) is read from the JSON files of rpki-client (`roas`, `aspas`,
 * `provider_authorizations`), Routinator (`json`, `jsonext`) and StayRTR,
 * then RFC 8416 SLURM files are applied on top of it (core/vrp-slurm.c).
 *
 * An index built from a set (core/vrp-index.c) answers, for a route's
 * prefix and origin AS, valid / invalid-origin / invalid-length /
 * not-found, and lists the VRPs covering a prefix.  Two indexes diff into
 * the VRPs added and removed and the prefixes under which routes must be
 * revalidated.
 *
 * Nothing here prints or exits (beyond x*alloc); errors come back as a
 * cause naming the file and the place in it.
 */
#ifndef PEERTOP_VRP_H
#define PEERTOP_VRP_H

#include <stddef.h>
#include <stdint.h>

#include "core/util.h"

/*
 * The four states of a route.  RFC 6811 2 has Valid, Invalid and
 * NotFound; Invalid is split by whether some VRP has the route's origin
 * AS but too short a maxLength (invalid-length) or none has (the origin
 * is wrong, or only AS0 VRPs cover it: invalid-origin).  Fits in 2 bits;
 * 0 is not-found, the state of every route while no VRP covers it.
 */
enum vrp_state {
	VRP_NOTFOUND = 0,
	VRP_VALID,
	VRP_INVALID_ORIGIN,
	VRP_INVALID_LENGTH,
};
const char	*vrp_state_name(enum vrp_state);	/* "invalid-origin" */

/* One VRP: RFC 6482 ROA payload, one prefix. */
struct vrp {
	struct prefix	 prefix;
	uint8_t		 maxlen;	/* maxLength, prefix.len if absent */
	uint32_t	 asn;		/* 0: AS0, never a valid origin */
	int64_t		 expires;	/* Unix time, 0 if the file has none */
};

/*
 * One ASPA: a customer AS and its set of provider ASes (sorted, unique).
 * afi is 4 or 6 for the per-family lists of rpki-client's older
 * `provider_authorizations`, 0 for the AFI-independent ASPAs of current
 * drafts.
 */
struct vrp_aspa {
	uint32_t	 customer;
	int		 afi;
	uint32_t	*providers;
	size_t		 nproviders;
	int64_t		 expires;	/* 0 if the file has none */
};

/* A VRP set as read from files; the caller owns it. */
struct vrp_set {
	struct vrp	*v;
	size_t		 n, cap;
	struct vrp_aspa	*aspa;		/* sorted by customer, then afi */
	size_t		 naspa, caspa;
};

struct vrp_set	*vrp_set_new(void);
void		 vrp_set_free(struct vrp_set *);
void		 vrp_set_add(struct vrp_set *, const struct vrp *);
/*
 * Read a VRP JSON file (any of the formats above; the format is told by
 * its members) and append its VRPs and ASPAs to the set.  0, or -1 with
 * a cause ("FILE: roas[12]: maxLength 33 beyond /32"); on error nothing
 * is added.  _buf reads len bytes named name (buf NULL: the file name).
 */
int		 vrp_set_load(struct vrp_set *, const char *path,
		    char **cause);
int		 vrp_set_load_buf(struct vrp_set *, const char *name,
		    const char *, size_t, char **cause);
/*
 * The ASPA of a customer AS for a family (4 or 6): the one of that
 * family, else the AFI-independent one; NULL if none.  The pointer is
 * the set's, valid until the set changes.
 */
const struct vrp_aspa *vrp_set_aspa_find(const struct vrp_set *,
		    uint32_t customer, int afi);

/* RFC 8416 SLURM (and the version 2 ASPA members). */
struct vrp_slurm;
struct vrp_slurm *vrp_slurm_load(const char *path, char **cause);
struct vrp_slurm *vrp_slurm_load_buf(const char *name, const char *, size_t,
		    char **cause);
void		 vrp_slurm_free(struct vrp_slurm *);
/*
 * RFC 8416 4: drop the set's VRPs (and ASPAs) matched by a filter, then
 * add the assertions.  Returns the number of VRPs dropped.
 */
size_t		 vrp_slurm_apply(const struct vrp_slurm *, struct vrp_set *);

/*
 * The index: an immutable, sorted copy of a set's VRPs (duplicates of
 * prefix, maxLength and AS merged, keeping the latest expiry), shared by
 * readers until freed.
 */
struct vrp_index;
struct vrp_index *vrp_index_new(const struct vrp_set *);
void		 vrp_index_free(struct vrp_index *);
size_t		 vrp_index_count(const struct vrp_index *);	/* VRPs */
const struct vrp *vrp_index_get(const struct vrp_index *, size_t);
/*
 * The index keeps a copy of the set's ASPAs too (a file source's; RTR
 * brings none until RTR v2): as vrp_set_aspa_find(), and all of them
 * (sorted by customer, then afi; *n their count).  NULL index: none.
 */
const struct vrp_aspa *vrp_index_aspa_find(const struct vrp_index *,
		    uint32_t customer, int afi);
const struct vrp_aspa *vrp_index_aspas(const struct vrp_index *, size_t *n);

/*
 * RFC 6811 2: the state of a route for prefix with origin AS origin.
 * origin 0 is NONE (an AS_SET last, or an empty path: RFC 6811 2, RFC
 * 6907 7.1.8), which matches no VRP; an AS0 VRP (RFC 6483 4, RFC 7607)
 * covers but never matches.  A NULL index answers not-found.
 */
enum vrp_state	 vrp_validate(const struct vrp_index *,
		    const struct prefix *, uint32_t origin);
/*
 * The VRPs covering prefix (whatever their maxLength and AS), least
 * specific first: returns how many there are, and stores the first max
 * of them (index pointers, valid while the index lives) into out.
 */
size_t		 vrp_covering(const struct vrp_index *, const struct prefix *,
		    const struct vrp **out, size_t max);

/*
 * What changed from one index to another (old NULL: everything was
 * added): the VRPs added and removed (compared on prefix, maxLength and
 * AS; an expiry change alone is no change), and the changed prefixes
 * with every one covered by another dropped, so that revalidating the
 * routes at or under each (rib_rov_revalidate()) revisits none twice.
 */
struct vrp_diff {
	const struct vrp **added, **removed;	/* into new, into old */
	size_t		 nadded, nremoved;
	struct prefix	*prefixes;
	size_t		 nprefixes;
};
void		 vrp_diff(const struct vrp_index *old,
		    const struct vrp_index *new, struct vrp_diff *);
void		 vrp_diff_free(struct vrp_diff *);

#endif
