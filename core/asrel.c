/* SPDX-License-Identifier: ISC */
/*
 * CAIDA AS relationships and the valley-free check: see asrel.h.
 *
 * A file is read whole into memory (bzip2 streams decompressed on the
 * way, concatenated streams too), then parsed line by line into the
 * pair index.  The largest serial-2 file is some 30 MB of text, well
 * within what a full-table RIB needs beside it.
 */
#include <sys/types.h>
#include <sys/stat.h>

#include <bzlib.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/aspa.h"
#include "core/asrel.h"
#include "core/bgp-role.h"
#include "core/decode-bgp.h"
#include "core/util.h"

/*
 * Files bigger than this are not an AS relationships file (CAIDA's
 * serial-2 is some 15 MB of text); it also bounds a bzip2 bomb.
 */
#define ASREL_MAX_TEXT	((size_t)256 << 20)

struct asrel {
	uint64_t	*keys;		/* a << 32 | b, 0 empty */
	uint8_t		*rels;		/* enum asrel_rel of a to b */
	size_t		 mask;		/* capacity - 1, a power of two */
	size_t		 nlinks;
	size_t		 nconflicts;
};

static uint64_t	 asrel_hash(uint64_t);
static size_t	 asrel_slot(const struct asrel *, uint64_t);
static void	 asrel_add(struct asrel *, uint32_t, uint32_t,
		    enum asrel_rel);
static int	 asrel_parse_asn(const char *, size_t, uint32_t *);
static int	 asrel_parse_line(struct asrel *, const char *, size_t,
		    const char *, size_t, char **);
static struct asrel *asrel_parse(const char *, const void *, size_t,
		    char **);
static int	 asrel_bunzip(const char *, const char *, size_t, char **,
		    size_t *, char **);
static unsigned	 asrel_step(unsigned, enum asrel_rel);
static const char *asrel_role(enum asrel_rel);

/* The two states a route can be in at an AS (see asrel_valley_free). */
#define VF_UP	0x1	/* learnt from a customer, or originated */
#define VF_DOWN	0x2	/* learnt from a peer or a provider */

static uint64_t
asrel_hash(uint64_t k)
{
	/* The splitmix64 finaliser: keys come from a file, not the wire. */
	k ^= k >> 30;
	k *= UINT64_C(0xbf58476d1ce4e5b9);
	k ^= k >> 27;
	k *= UINT64_C(0x94d049bb133111eb);
	k ^= k >> 31;
	return (k);
}

static size_t
asrel_slot(const struct asrel *r, uint64_t key)
{
	size_t	 i = (size_t)asrel_hash(key) & r->mask;

	while (r->keys[i] != 0 && r->keys[i] != key)
		i = (i + 1) & r->mask;
	return (i);
}

enum asrel_rel
asrel_get(const struct asrel *r, uint32_t a, uint32_t b)
{
	uint64_t	 key = (uint64_t)a << 32 | b;
	size_t		 i;

	if (r == NULL || r->nlinks == 0 || key == 0)
		return (ASREL_NONE);
	i = asrel_slot(r, key);
	return (r->keys[i] == key ? (enum asrel_rel)r->rels[i] : ASREL_NONE);
}

/* Add a to b as rel and b to a as its mirror; a link seen twice counts. */
static void
asrel_add(struct asrel *r, uint32_t a, uint32_t b, enum asrel_rel rel)
{
	uint64_t	 key = (uint64_t)a << 32 | b;
	size_t		 i = asrel_slot(r, key), j;
	enum asrel_rel	 mirror;

	if (r->keys[i] == key) {
		if (r->rels[i] != rel)
			r->nconflicts++;
		return;
	}
	mirror = rel == ASREL_P2C ? ASREL_C2P :
	    rel == ASREL_C2P ? ASREL_P2C : rel;
	r->keys[i] = key;
	r->rels[i] = (uint8_t)rel;
	key = (uint64_t)b << 32 | a;
	j = asrel_slot(r, key);
	r->keys[j] = key;
	r->rels[j] = (uint8_t)mirror;
	r->nlinks++;
}

/* A decimal ASN, 1 to 4294967295, the whole of s[0..len). */
static int
asrel_parse_asn(const char *s, size_t len, uint32_t *asn)
{
	uint64_t	 v = 0;
	size_t		 i;

	if (len == 0 || len > 10)
		return (-1);
	for (i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return (-1);
		v = v * 10 + (uint64_t)(s[i] - '0');
	}
	if (v == 0 || v > UINT32_MAX)
		return (-1);
	*asn = (uint32_t)v;
	return (0);
}

/* One line without its newline; -1 with a cause naming name:lineno. */
static int
asrel_parse_line(struct asrel *r, const char *name, size_t lineno,
    const char *s, size_t len, char **cause)
{
	const char	*f[5];
	size_t		 flen[5], nf = 0, i, start = 0;
	uint32_t	 a, b;
	enum asrel_rel	 rel;
	char		 clean[32];

	if (len > 0 && s[len - 1] == '\r')
		len--;
	if (len == 0 || s[0] == '#')
		return (0);
	for (i = 0; i <= len && nf < 5; i++) {
		if (i == len || s[i] == '|') {
			f[nf] = s + start;
			flen[nf++] = i - start;
			start = i + 1;
		}
	}
	if (nf < 3 || nf > 4 || start <= len) {
		xasprintf(cause, "%s:%zu: expected as1|as2|rel or "
		    "as1|as2|rel|source", name, lineno);
		return (-1);
	}
	for (i = 0; i < 2; i++) {
		if (asrel_parse_asn(f[i], flen[i], i == 0 ? &a : &b) == -1) {
			sanitize(clean, sizeof clean, f[i], flen[i]);
			xasprintf(cause, "%s:%zu: as%zu \"%s\" is not an AS "
			    "number (1 to 4294967295)", name, lineno, i + 1,
			    clean);
			return (-1);
		}
	}
	if (flen[2] == 2 && memcmp(f[2], "-1", 2) == 0)
		rel = ASREL_P2C;
	else if (flen[2] == 1 && f[2][0] == '0')
		rel = ASREL_P2P;
	else {
		sanitize(clean, sizeof clean, f[2], flen[2]);
		xasprintf(cause, "%s:%zu: relationship \"%s\" is not -1 "
		    "(provider|customer) or 0 (peers)", name, lineno, clean);
		return (-1);
	}
	if (a == b) {
		xasprintf(cause, "%s:%zu: AS%u related to itself", name,
		    lineno, a);
		return (-1);
	}
	asrel_add(r, a, b, rel);
	return (0);
}

static struct asrel *
asrel_parse(const char *name, const void *p, size_t len, char **cause)
{
	const char	*s = p, *nl;
	struct asrel	*r;
	size_t		 nlines = 1, cap = 16, off = 0, lineno = 0, i;

	for (i = 0; i < len; i++)
		nlines += s[i] == '\n';
	/* At most one link a line, two entries a link, half full. */
	while (cap < nlines * 4)
		cap <<= 1;
	r = xcalloc(1, sizeof *r);
	r->keys = xcalloc(cap, sizeof *r->keys);
	r->rels = xcalloc(cap, sizeof *r->rels);
	r->mask = cap - 1;
	while (off < len) {
		lineno++;
		nl = memchr(s + off, '\n', len - off);
		i = nl == NULL ? len - off : (size_t)(nl - (s + off));
		if (memchr(s + off, '\0', i) != NULL) {
			xasprintf(cause, "%s:%zu: a NUL byte: not a text file",
			    name, lineno);
			goto fail;
		}
		if (asrel_parse_line(r, name, lineno, s + off, i, cause) == -1)
			goto fail;
		off += i + 1;
	}
	return (r);
fail:
	asrel_free(r);
	return (NULL);
}

/* Decompress a whole bzip2 file (one or more streams). */
static int
asrel_bunzip(const char *name, const char *in, size_t inlen, char **out,
    size_t *outlen, char **cause)
{
	bz_stream	 z;
	size_t		 cap = inlen * 4 + 4096, used = 0;
	char		*buf = xmalloc(cap);
	int		 rc = BZ_OK;

	memset(&z, 0, sizeof z);
	if (BZ2_bzDecompressInit(&z, 0, 0) != BZ_OK)
		goto damaged;
	z.next_in = (char *)(uintptr_t)in;
	z.avail_in = inlen > UINT32_MAX ? UINT32_MAX : (unsigned)inlen;
	for (;;) {
		if (cap - used < 4096) {
			if (cap >= ASREL_MAX_TEXT) {
				BZ2_bzDecompressEnd(&z);
				xasprintf(cause, "%s: more than %zu MB "
				    "uncompressed", name, ASREL_MAX_TEXT >> 20);
				goto fail;
			}
			cap *= 2;
			buf = xreallocarray(buf, cap, 1);
		}
		z.next_out = buf + used;
		z.avail_out = (unsigned)(cap - used > UINT32_MAX ?
		    UINT32_MAX : cap - used);
		rc = BZ2_bzDecompress(&z);
		used = (size_t)(z.next_out - buf);
		if (rc == BZ_STREAM_END) {
			/* Another stream may follow (pbzip2). */
			size_t	 left = z.avail_in;
			char	*next = z.next_in;

			BZ2_bzDecompressEnd(&z);
			if (left == 0)
				break;
			memset(&z, 0, sizeof z);
			if (BZ2_bzDecompressInit(&z, 0, 0) != BZ_OK)
				goto damaged;
			z.next_in = next;
			z.avail_in = (unsigned)left;
			continue;
		}
		if (rc != BZ_OK) {
			BZ2_bzDecompressEnd(&z);
			goto damaged;
		}
		if (z.avail_in == 0 && z.avail_out != 0) {
			BZ2_bzDecompressEnd(&z);
			xasprintf(cause, "%s: bzip2 stream ends early", name);
			goto fail;
		}
	}
	*out = buf;
	*outlen = used;
	return (0);
damaged:
	xasprintf(cause, "%s: bzip2 data damaged", name);
fail:
	free(buf);
	return (-1);
}

struct asrel *
asrel_load_mem(const char *name, const void *p, size_t len, char **cause)
{
	char		*text;
	size_t		 tlen;
	struct asrel	*r;

	if (len < 3 || memcmp(p, "BZh", 3) != 0)
		return (asrel_parse(name, p, len, cause));
	if (asrel_bunzip(name, p, len, &text, &tlen, cause) == -1)
		return (NULL);
	r = asrel_parse(name, text, tlen, cause);
	free(text);
	return (r);
}

struct asrel *
asrel_load(const char *path, char **cause)
{
	FILE		*f;
	struct stat	 st;
	char		*data = NULL;
	size_t		 len;
	struct asrel	*r = NULL;

	if ((f = fopen(path, "rb")) == NULL) {
		xasprintf(cause, "%s: %s", path, strerror(errno));
		return (NULL);
	}
	if (fstat(fileno(f), &st) == -1 || !S_ISREG(st.st_mode)) {
		xasprintf(cause, "%s: not a regular file", path);
		goto out;
	}
	if ((uint64_t)st.st_size > ASREL_MAX_TEXT) {
		xasprintf(cause, "%s: too big for an AS relationships file",
		    path);
		goto out;
	}
	len = (size_t)st.st_size;
	data = xmalloc(len + 1);
	if (fread(data, 1, len, f) != len) {
		xasprintf(cause, "%s: read error", path);
		goto out;
	}
	r = asrel_load_mem(path, data, len, cause);
out:
	free(data);
	fclose(f);
	return (r);
}

void
asrel_free(struct asrel *r)
{
	if (r == NULL)
		return;
	free(r->keys);
	free(r->rels);
	free(r);
}

size_t
asrel_nlinks(const struct asrel *r)
{
	return (r == NULL ? 0 : r->nlinks);
}

size_t
asrel_nconflicts(const struct asrel *r)
{
	return (r == NULL ? 0 : r->nconflicts);
}

enum asrel_rel
asrel_last_rel(int neighbor_role)
{
	switch (neighbor_role) {
	case BGP_ROLE_PROVIDER:
		return (ASREL_P2C);
	case BGP_ROLE_CUSTOMER:
	case BGP_ROLE_RS_CLIENT:
		return (ASREL_C2P);
	case BGP_ROLE_PEER:
	case BGP_ROLE_RS:
		return (ASREL_P2P);
	default:
		return (ASREL_NONE);
	}
}

const char *
asrel_rel_name(enum asrel_rel rel)
{
	switch (rel) {
	case ASREL_P2C:
		return ("p2c");
	case ASREL_C2P:
		return ("c2p");
	case ASREL_P2P:
		return ("p2p");
	case ASREL_NONE:
		break;
	}
	return ("unknown");
}

/*
 * One hop of the route, from an AS in states st to the next AS over a
 * link of relationship rel (of the sender to the receiver): the states
 * the receiver can be in, 0 if none.  An unknown link may be anything.
 */
static unsigned
asrel_step(unsigned st, enum asrel_rel rel)
{
	switch (rel) {
	case ASREL_C2P:		/* up: only what came from below */
		return (st & VF_UP ? VF_UP : 0);
	case ASREL_P2P:		/* across: likewise, and then only down */
		return (st & VF_UP ? VF_DOWN : 0);
	case ASREL_P2C:		/* down: anything goes to a customer */
		return (st != 0 ? VF_DOWN : 0);
	case ASREL_NONE:
		break;
	}
	return (st & VF_UP ? VF_UP | VF_DOWN : st != 0 ? VF_DOWN : 0);
}

enum asrel_vf
asrel_valley_free(const struct asrel *r, const uint32_t *asns, size_t n,
    enum asrel_rel last_rel, struct asrel_leak *leak)
{
	struct asrel_leak	 dummy;
	unsigned		 st = VF_UP, next;
	enum asrel_rel		 rel, prev_rel = ASREL_NONE;
	uint32_t		 prev = 0, cur, to;
	size_t			 i;

	if (leak == NULL)
		leak = &dummy;
	memset(leak, 0, sizeof *leak);
	if (n == 0)
		return (ASREL_VF_UNKNOWN);
	/* From the origin (asns[n - 1]) towards the receiver. */
	for (i = n; i > 0; i--) {
		cur = asns[i - 1];
		if (i > 1) {
			to = asns[i - 2];
			if (to == cur)
				continue;	/* a prepend */
			rel = asrel_get(r, cur, to);
		} else {
			if (last_rel == ASREL_NONE)
				break;
			to = 0;		/* the receiver */
			rel = last_rel;
		}
		if (rel == ASREL_NONE)
			leak->nunknown++;
		next = asrel_step(st, rel);
		if (next == 0) {
			leak->found = 1;
			leak->from = prev;
			leak->leaker = cur;
			leak->to = to;
			leak->from_rel = prev_rel;
			leak->to_rel = rel;
			return (ASREL_VF_LEAK);
		}
		st = next;
		prev = cur;
		prev_rel = rel;
	}
	return (leak->nunknown > 0 ? ASREL_VF_UNKNOWN : ASREL_VF_VALID);
}

enum asrel_vf
asrel_valley_free_path(const struct asrel *r, const struct bgp_aspath *path,
    enum asrel_rel last_rel, struct asrel_leak *leak)
{
	uint32_t	 stack[ASPA_PATH_MAX], *flat;
	size_t		 n;
	enum asrel_vf	 vf;

	if (aspa_path_flat(path, stack, ASPA_PATH_MAX, &flat, &n) == -1) {
		if (leak != NULL)
			memset(leak, 0, sizeof *leak);
		return (ASREL_VF_UNKNOWN);
	}
	vf = asrel_valley_free(r, flat, n, last_rel, leak);
	if (flat != stack)
		free(flat);
	return (vf);
}

static const char *
asrel_role(enum asrel_rel rel_of_other)
{
	/* The other AS as the leaker sees it. */
	switch (rel_of_other) {
	case ASREL_P2C:
		return ("provider ");
	case ASREL_C2P:
		return ("customer ");
	case ASREL_P2P:
		return ("peer ");
	case ASREL_NONE:
		break;
	}
	return ("");
}

char *
asrel_leak_str(const struct asrel_leak *l, char *buf, size_t len)
{
	char	 to[32];
	/* to_rel is the leaker's to "to": mirror it to name "to". */
	enum asrel_rel	 tr = l->to_rel == ASREL_C2P ? ASREL_P2C :
	    l->to_rel == ASREL_P2C ? ASREL_C2P : l->to_rel;

	if (len == 0)
		return (buf);
	if (!l->found) {
		buf[0] = '\0';
		return (buf);
	}
	if (l->to == 0)
		snprintf(to, sizeof to, "the receiver");
	else
		snprintf(to, sizeof to, "AS%u", l->to);
	/* The origin never leaks, so there is always a "from". */
	snprintf(buf, len, "AS%u passes a route from its %sAS%u to its %s%s",
	    l->leaker, asrel_role(l->from_rel), l->from, asrel_role(tr), to);
	return (buf);
}
