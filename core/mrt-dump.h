/* SPDX-License-Identifier: ISC */
/*
 * One line per MRT element in the format of "bgpdump -m", so that the
 * decoder can be checked against bgpdump line by line.
 */
#ifndef PEERTOP_MRT_DUMP_H
#define PEERTOP_MRT_DUMP_H

#include <stdint.h>
#include <stdio.h>

struct addr;
struct mrt_elem;
struct bgp_aspath;
struct vrp_index;

/* Write the line for e to out (an mrt_elem_cb with a FILE * argument). */
void	mrt_dump_elem(const struct mrt_elem *e, void *out);
/* The AS path as bgpdump prints it ("1 2 {3,4} (5 6) [7,8]"). */
void	mrt_dump_aspath(FILE *, const struct bgp_aspath *);

/*
 * The formatters of the lines, writing at p (unterminated) and returning
 * the end: a decimal number (at most 10 bytes), an address as bgpdump
 * prints it (at most ADDR_STRLEN - 1), an AS path (at most 12 bytes an
 * AS number and 3 a segment).
 */
char	*mrt_dump_fmt_u32(char *p, uint32_t);
char	*mrt_dump_fmt_addr(char *p, const struct addr *);
char	*mrt_dump_fmt_aspath(char *p, const struct bgp_aspath *);

struct mrt_dump_stats {
	uint64_t	records;
	uint64_t	elems;
	uint64_t	skipped;	/* record types not decoded */
	uint64_t	errors;		/* located errors written to err */
	uint64_t	rov[4];		/* routes by enum vrp_state */
};

/*
 * Decode the MRT file at path; with out != NULL write its elements there
 * as bgpdump -m lines.  Each located error is one "peertop: ..." line on
 * err.  Returns 0 when the file decoded without error, -1 otherwise.
 */
int	mrt_dump_file(const char *path, FILE *out, FILE *err,
	    struct mrt_dump_stats *);
/*
 * The same with each route (B and A lines) validated against vrps (RFC
 * 6811, core/vrp.h): its state ("valid", "invalid-origin",
 * "invalid-length", "not-found") is one more column after bgpdump's
 * last, and st->rov counts them.
 */
int	mrt_dump_file_vrp(const char *path, FILE *out, FILE *err,
	    const struct vrp_index *vrps, struct mrt_dump_stats *);

#endif
