/* SPDX-License-Identifier: ISC */
/*
 * The independent validator of tests/mrt/test-rov-rtrlib.sh and
 * tests/bench/bench-rpki.sh: RTRlib's own prefix table (pfx_table, the
 * one its RTR clients fill), fed VRPs from a plain file, answering for
 * routes read from stdin.
 *
 *   rov-rtrlib VRPS < ROUTES > STATES
 *
 * VRPS: "prefix maxlen asn" lines.  ROUTES: "prefix origin" lines, origin
 * "-" for NONE (an AS_SET last).  STATES: one of valid, invalid-origin,
 * invalid-length, not-found per route.  RTRlib says valid, invalid or
 * not-found; invalid is split here from the covering records it reports
 * (some of the route's AS: invalid-length; none: invalid-origin), and an
 * origin of NONE is validated as AS0, which no VRP makes valid (RFC 6811
 * 2, RFC 7607).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rtrlib/rtrlib.h>

/* "a.b.c.d/len" into addr and len; 0 or -1. */
static int
parse_prefix(char *s, struct lrtr_ip_addr *addr, unsigned int *len)
{
	char	*slash = strchr(s, '/');

	if (slash == NULL)
		return (-1);
	*slash = '\0';
	*len = (unsigned int)strtoul(slash + 1, NULL, 10);
	return (lrtr_ip_str_to_addr(s, addr) == 0 ? 0 : -1);
}

int
main(int argc, char **argv)
{
	struct pfx_table	 t;
	struct pfx_record	 rec, *reason;
	enum pfxv_state		 st;
	FILE			*f;
	char			 line[256], pfx[128], org[32];
	const char		*out;
	unsigned int		 len, maxlen, nreason, i;
	unsigned long		 asn, nroutes = 0;
	int			 none;

	if (argc != 2 || (f = fopen(argv[1], "r")) == NULL) {
		fprintf(stderr, "usage: rov-rtrlib VRPS < ROUTES\n");
		return (2);
	}
	pfx_table_init(&t, NULL);
	while (fgets(line, sizeof line, f) != NULL) {
		if (sscanf(line, "%127s %u %lu", pfx, &maxlen, &asn) != 3 ||
		    parse_prefix(pfx, &rec.prefix, &len) != 0) {
			fprintf(stderr, "rov-rtrlib: bad VRP line: %s", line);
			return (2);
		}
		rec.asn = (uint32_t)asn;
		rec.min_len = (uint8_t)len;
		rec.max_len = (uint8_t)maxlen;
		rec.socket = NULL;
		if (pfx_table_add(&t, &rec) == PFX_ERROR) {
			fprintf(stderr, "rov-rtrlib: cannot add %s\n", line);
			return (2);
		}
	}
	fclose(f);
	while (fgets(line, sizeof line, stdin) != NULL) {
		if (sscanf(line, "%127s %31s", pfx, org) != 2 ||
		    parse_prefix(pfx, &rec.prefix, &len) != 0) {
			fprintf(stderr, "rov-rtrlib: bad route line: %s", line);
			return (2);
		}
		none = strcmp(org, "-") == 0;
		asn = none ? 0 : strtoul(org, NULL, 10);
		reason = NULL;
		nreason = 0;
		if (pfx_table_validate_r(&t, &reason, &nreason, (uint32_t)asn,
		    &rec.prefix, (uint8_t)len, &st) != PFX_SUCCESS) {
			fprintf(stderr, "rov-rtrlib: validate failed\n");
			return (2);
		}
		if (st == BGP_PFXV_STATE_NOT_FOUND)
			out = "not-found";
		else if (st == BGP_PFXV_STATE_VALID && !none)
			out = "valid";
		else {
			out = "invalid-origin";
			for (i = 0; i < nreason && !none; i++) {
				if (reason[i].asn == asn)
					out = "invalid-length";
			}
		}
		free(reason);
		puts(out);
		nroutes++;
	}
	pfx_table_free(&t);
	fprintf(stderr, "rov-rtrlib: %lu routes\n", nroutes);
	return (0);
}
