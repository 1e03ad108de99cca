/* SPDX-License-Identifier: ISC */
/*
 * MRT (RFC 6396) reader and record decoder.
 *
 * The reader pulls bytes from one of three sources: a raw FILE *, a gzip
 * stream (zlib's gzread, which also joins concatenated members) or a bzip2
 * stream (libbz2's BZ2_bzRead on the FILE *, reopened on the unused bytes
 * for multi-stream files such as pbzip2 output).  The source is chosen by
 * the first bytes of the file, not its name.  A compressed file is
 * decompressed ahead by a thread of its own into a ring of blocks of
 * whole records, so that inflating (a quarter of loading a RIB file into
 * the RIB) runs beside the decoding instead of before it on a machine
 * with a core to spare.  The thread reads the stream as the reader did
 * (each header, then the length it gives), so that a damaged stream
 * ends at the same byte with the same error.  Records are read into one
 * growable buffer bounded by MRT_MAX_RECORD; a record cut short by the end
 * of the file or of a damaged compressed stream ends the reader with an
 * error naming the record number and its offset.
 *
 * The decoder understands TABLE_DUMP (RFC 6396 4.2), TABLE_DUMP_V2 (4.3,
 * with the ADD-PATH RIB subtypes of RFC 8050) and BGP4MP / BGP4MP_ET (4.4
 * and 4.5, with the ADD-PATH message subtypes of RFC 8050).  Other types
 * and subtypes are counted and skipped.
 */
#include <sys/types.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <bzlib.h>
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "core/buf.h"
#include "core/decode-mrt.h"

static struct mrt_reader	*decode_mrt_fopen(FILE *, const char *name,
		    char **cause);

#define MRT_HEADER_LEN	12
/* Read-ahead of a compressed file: blocks of this much at least. */
#define MRT_AHEAD_BLOCKS	4
#define MRT_AHEAD_SIZE		(256 * 1024)

enum mrt_src { SRC_MEM, SRC_RAW, SRC_GZ, SRC_BZ2 };

/*
 * The read-ahead thread fills blk[head], the reader reads blk[tail];
 * head, tail, nfull, eof and stop are shared under mtx, a block's bytes
 * belong to whichever side holds it.  The thread alone reads the
 * compressed stream and sets the reader's err, before eof, which the
 * reader reads under the lock.  The reader keeps the block it read last
 * until its next read (a record's body may point into it).
 */
struct mrt_ahead {
	pthread_t	 thread;
	pthread_mutex_t	 mtx;
	pthread_cond_t	 cv;
	struct {
		uint8_t	*p;
		size_t	 len;
		size_t	 cap;
	}		 blk[MRT_AHEAD_BLOCKS];
	unsigned int	 head, tail, nfull;
	int		 eof;		/* the thread queued its last block */
	int		 stop;		/* the reader closes early */
	int		 have;		/* the reader holds blk[tail] */
	size_t		 pos;		/* its offset there */
};

struct mrt_reader {
	char		*name;
	enum mrt_src	 src;
	FILE		*f;
	gzFile		 gz;
	BZFILE		*bz;
	int		 bz_end;	/* the FILE * has no more streams */

	const uint8_t	*mem;		/* SRC_MEM */
	size_t		 memlen;
	void		*map;		/* a mapped raw file, or NULL */
	size_t		 maplen;

	struct mrt_ahead *ahead;	/* SRC_GZ, SRC_BZ2 with a thread */

	uint8_t		*rbuf;		/* the current record */
	size_t		 rcap;
	uint64_t	 off;		/* bytes consumed, uncompressed */
	uint64_t	 recno;
	int		 done;
	char		*err;		/* a source error seen while reading */
};

static void
decode_mrt_seterr(struct mrt_reader *r, const char *what)
{
	if (r->err == NULL)
		r->err = xstrdup(what);
}

/* bzip2: read, going on to the next stream at BZ_STREAM_END. */
static ssize_t
decode_mrt_bz2(struct mrt_reader *r, uint8_t *dst, size_t len)
{
	int	 bzerr, n, nunused;
	void	*unused;
	char	 keep[BZ_MAX_UNUSED];

	for (;;) {
		if (r->bz == NULL)
			return (0);
		n = BZ2_bzRead(&bzerr, r->bz, dst, (int)len);
		if (bzerr == BZ_OK)
			return (n);
		if (bzerr != BZ_STREAM_END) {
			BZ2_bzReadClose(&bzerr, r->bz);
			r->bz = NULL;
			decode_mrt_seterr(r, bzerr == BZ_UNEXPECTED_EOF ?
			    "bzip2 stream ends early" :
			    "bzip2 data damaged or cut short");
			return (n > 0 ? n : -1);
		}
		/* End of one stream: another may follow. */
		BZ2_bzReadGetUnused(&bzerr, r->bz, &unused, &nunused);
		if (bzerr != BZ_OK)
			nunused = 0;
		if (nunused > 0)
			memcpy(keep, unused, nunused);
		BZ2_bzReadClose(&bzerr, r->bz);
		r->bz = NULL;
		if (nunused == 0) {
			int c = getc(r->f);

			if (c == EOF)
				return (n);
			ungetc(c, r->f);
		}
		r->bz = BZ2_bzReadOpen(&bzerr, r->f, 0, 0,
		    nunused > 0 ? keep : NULL, nunused);
		if (bzerr != BZ_OK) {
			r->bz = NULL;
			decode_mrt_seterr(r, "damaged bzip2 data");
			return (n > 0 ? n : -1);
		}
		if (n > 0)
			return (n);
	}
}

/*
 * Read len bytes from the file itself: len, or fewer at the end or on an
 * error (kept in r->err).  Not counted in r->off.
 */
static size_t
decode_mrt_fill(struct mrt_reader *r, uint8_t *dst, size_t len)
{
	size_t	 got = 0, n;
	ssize_t	 s;
	int	 z;

	while (got < len) {
		switch (r->src) {
		case SRC_RAW:
			n = fread(dst + got, 1, len - got, r->f);
			if (n == 0) {
				if (ferror(r->f))
					decode_mrt_seterr(r, strerror(errno));
				return (got);
			}
			break;
		case SRC_GZ:
			z = gzread(r->gz, dst + got, (unsigned)(len - got));
			if (z <= 0) {
				int		 e;
				const char	*m = gzerror(r->gz, &e);

				/* zlib names a gzdopen()ed file "<fd:N>" */
				if (m != NULL && strncmp(m, "<fd:", 4) == 0 &&
				    strstr(m, ">: ") != NULL)
					m = strstr(m, ">: ") + 3;
				if (z < 0 || e != Z_OK)
					decode_mrt_seterr(r, m);
				return (got);
			}
			n = (size_t)z;
			break;
		case SRC_BZ2:
			s = decode_mrt_bz2(r, dst + got, len - got);
			if (s <= 0)
				return (got);
			n = (size_t)s;
			break;
		default:
			return (got);
		}
		got += n;
	}
	return (got);
}

/* Room for need bytes in a block: a record more, or a larger one. */
static void
decode_mrt_ahead_grow(uint8_t **p, size_t *cap, size_t need)
{
	size_t	n = *cap < MRT_AHEAD_SIZE ? 2 * MRT_AHEAD_SIZE : 2 * *cap;

	*cap = n > need ? n : need;
	*p = xreallocarray(*p, *cap, 1);
}

/*
 * Fill one block with whole records, read as decode_mrt_next() would:
 * 1 at the end of the stream (or at a header decode_mrt_next() refuses).
 */
static int
decode_mrt_ahead_fill(struct mrt_reader *r, uint8_t **p, size_t *len,
    size_t *cap)
{
	size_t		n;
	uint32_t	rlen;

	*len = 0;
	while (*len < MRT_AHEAD_SIZE) {
		if (*cap - *len < MRT_HEADER_LEN)
			decode_mrt_ahead_grow(p, cap, *len + MRT_HEADER_LEN);
		n = decode_mrt_fill(r, *p + *len, MRT_HEADER_LEN);
		*len += n;
		if (n < MRT_HEADER_LEN)
			return (1);
		rlen = (uint32_t)(*p)[*len - 4] << 24 |
		    (uint32_t)(*p)[*len - 3] << 16 |
		    (uint32_t)(*p)[*len - 2] << 8 | (*p)[*len - 1];
		if (rlen > MRT_MAX_RECORD)
			return (1);
		if (*cap - *len < rlen)
			decode_mrt_ahead_grow(p, cap, *len + rlen);
		n = decode_mrt_fill(r, *p + *len, rlen);
		*len += n;
		if (n < rlen)
			return (1);
	}
	return (0);
}

static void *
decode_mrt_ahead_main(void *arg)
{
	struct mrt_reader	*r = arg;
	struct mrt_ahead	*a = r->ahead;
	unsigned int		 i;
	int			 end;

	do {
		pthread_mutex_lock(&a->mtx);
		/* The reader may hold blk[tail] while none is full. */
		while (!a->stop && (a->nfull == MRT_AHEAD_BLOCKS ||
		    (a->nfull == MRT_AHEAD_BLOCKS - 1 && a->have)))
			pthread_cond_wait(&a->cv, &a->mtx);
		i = a->head;
		if (a->stop) {
			pthread_mutex_unlock(&a->mtx);
			return (NULL);
		}
		pthread_mutex_unlock(&a->mtx);

		end = decode_mrt_ahead_fill(r, &a->blk[i].p, &a->blk[i].len,
		    &a->blk[i].cap);

		pthread_mutex_lock(&a->mtx);
		if (a->blk[i].len > 0) {
			a->head = (i + 1) % MRT_AHEAD_BLOCKS;
			a->nfull++;
		}
		a->eof = end;
		pthread_cond_signal(&a->cv);
		pthread_mutex_unlock(&a->mtx);
	} while (!end);
	return (NULL);
}

/* Start the read-ahead of a compressed file (without a thread, none). */
static void
decode_mrt_ahead_start(struct mrt_reader *r)
{
	struct mrt_ahead	*a;

	a = xcalloc(1, sizeof *a);
	pthread_mutex_init(&a->mtx, NULL);
	pthread_cond_init(&a->cv, NULL);
	r->ahead = a;
	if (pthread_create(&a->thread, NULL, decode_mrt_ahead_main, r) != 0) {
		pthread_cond_destroy(&a->cv);
		pthread_mutex_destroy(&a->mtx);
		free(a);
		r->ahead = NULL;
	}
}

static void
decode_mrt_ahead_stop(struct mrt_reader *r)
{
	struct mrt_ahead	*a = r->ahead;
	unsigned int		 i;

	if (a == NULL)
		return;
	pthread_mutex_lock(&a->mtx);
	a->stop = 1;
	pthread_cond_signal(&a->cv);
	pthread_mutex_unlock(&a->mtx);
	pthread_join(a->thread, NULL);
	pthread_cond_destroy(&a->cv);
	pthread_mutex_destroy(&a->mtx);
	for (i = 0; i < MRT_AHEAD_BLOCKS; i++)
		free(a->blk[i].p);
	free(a);
	r->ahead = NULL;
}

/*
 * The next len bytes of the read-ahead: in place when the block the
 * reader holds has them all (*p pointed there, valid until the next
 * read), else copied to buf.  Fewer at the end.
 */
static size_t
decode_mrt_ahead_read(struct mrt_ahead *a, uint8_t *buf, const uint8_t **p,
    size_t len)
{
	size_t	got = 0, n;

	while (got < len) {
		if (a->have && a->pos == a->blk[a->tail].len) {
			pthread_mutex_lock(&a->mtx);
			a->tail = (a->tail + 1) % MRT_AHEAD_BLOCKS;
			a->nfull--;
			a->have = 0;
			pthread_cond_signal(&a->cv);
			pthread_mutex_unlock(&a->mtx);
		}
		if (!a->have) {
			pthread_mutex_lock(&a->mtx);
			while (a->nfull == 0 && !a->eof)
				pthread_cond_wait(&a->cv, &a->mtx);
			a->have = a->nfull > 0;
			pthread_mutex_unlock(&a->mtx);
			if (!a->have)
				break;
			a->pos = 0;
		}
		n = a->blk[a->tail].len - a->pos;
		if (got == 0 && n >= len) {
			*p = a->blk[a->tail].p + a->pos;
			a->pos += len;
			return (len);
		}
		if (n > len - got)
			n = len - got;
		memcpy(buf + got, a->blk[a->tail].p + a->pos, n);
		got += n;
		a->pos += n;
	}
	return (got);
}

/*
 * Read len bytes: len, or fewer at the end or on an error.  *p is
 * pointed at them: at buf where they are copied, or where they are (a
 * memory or read-ahead source).
 */
static size_t
decode_mrt_read(struct mrt_reader *r, uint8_t *buf, const uint8_t **p,
    size_t len)
{
	size_t	n;

	*p = buf;
	if (r->src == SRC_MEM) {
		n = r->memlen - r->off;
		if (n > len)
			n = len;
		*p = r->mem + r->off;
	} else if (r->ahead != NULL)
		n = decode_mrt_ahead_read(r->ahead, buf, p, len);
	else
		n = decode_mrt_fill(r, buf, len);
	r->off += n;
	return (n);
}

/*
 * A raw regular file is mapped and read as memory: records are then
 * handed out in place, without a copy or a read(2) per record (loading a
 * full table into the RIB takes tens of milliseconds, so these show).
 * Anything that cannot be mapped is read through stdio as before.
 */
static void
decode_mrt_map(struct mrt_reader *r)
{
	struct stat	 sb;
	void		*p;

	if (fstat(fileno(r->f), &sb) != 0 || !S_ISREG(sb.st_mode) ||
	    sb.st_size <= 0 || (uint64_t)sb.st_size > SIZE_MAX)
		return;
	p = mmap(NULL, sb.st_size, PROT_READ, MAP_PRIVATE, fileno(r->f), 0);
	if (p == MAP_FAILED)
		return;
	(void)madvise(p, sb.st_size, MADV_SEQUENTIAL);
	r->map = p;
	r->maplen = sb.st_size;
	r->mem = p;
	r->memlen = sb.st_size;
	r->src = SRC_MEM;
}

static struct mrt_reader *
decode_mrt_new(const char *name)
{
	struct mrt_reader	*r;

	r = xcalloc(1, sizeof *r);
	r->name = xstrdup(name);
	return (r);
}

static struct mrt_reader *
decode_mrt_fopen(FILE *f, const char *name, char **cause)
{
	struct mrt_reader	*r;
	uint8_t			 magic[3];
	size_t			 n;
	int			 fd, bzerr;

	r = decode_mrt_new(name);
	r->f = f;
	n = fread(magic, 1, sizeof magic, f);
	if (fseek(f, 0, SEEK_SET) != 0) {
		xasprintf(cause, "%s: not seekable", name);
		goto fail;
	}
	if (n >= 2 && magic[0] == 0x1f && magic[1] == 0x8b) {
		/* RFC 1952 2.3.1: gzip. */
		if ((fd = dup(fileno(f))) == -1 ||
		    (r->gz = gzdopen(fd, "rb")) == NULL) {
			if (fd != -1)
				close(fd);
			xasprintf(cause, "%s: %s", name, strerror(errno));
			goto fail;
		}
		gzbuffer(r->gz, 128 * 1024);
		r->src = SRC_GZ;
		decode_mrt_ahead_start(r);
	} else if (n == 3 && magic[0] == 'B' && magic[1] == 'Z' &&
	    magic[2] == 'h') {
		r->bz = BZ2_bzReadOpen(&bzerr, f, 0, 0, NULL, 0);
		if (bzerr != BZ_OK) {
			xasprintf(cause, "%s: cannot read bzip2", name);
			goto fail;
		}
		r->src = SRC_BZ2;
		decode_mrt_ahead_start(r);
	} else {
		r->src = SRC_RAW;
		decode_mrt_map(r);
	}
	return (r);
fail:
	decode_mrt_close(r);
	return (NULL);
}

struct mrt_reader *
decode_mrt_open(const char *path, char **cause)
{
	FILE	*f;

	if ((f = fopen(path, "rb")) == NULL) {
		xasprintf(cause, "%s: %s", path, strerror(errno));
		return (NULL);
	}
	return (decode_mrt_fopen(f, path, cause));
}

struct mrt_reader *
decode_mrt_mem(const void *p, size_t len, const char *name)
{
	struct mrt_reader	*r;

	r = decode_mrt_new(name);
	r->src = SRC_MEM;
	r->mem = p;
	r->memlen = len;
	return (r);
}

const char *
decode_mrt_name(const struct mrt_reader *r)
{
	return (r->name);
}

void
decode_mrt_close(struct mrt_reader *r)
{
	int	bzerr;

	if (r == NULL)
		return;
	decode_mrt_ahead_stop(r);
	if (r->bz != NULL)
		BZ2_bzReadClose(&bzerr, r->bz);
	if (r->gz != NULL)
		gzclose(r->gz);
	if (r->map != NULL)
		munmap(r->map, r->maplen);
	if (r->f != NULL)
		fclose(r->f);
	free(r->rbuf);
	free(r->err);
	free(r->name);
	free(r);
}

/* RFC 6396 2: MRT Common Header (and 3: the extended timestamp). */
int
decode_mrt_next(struct mrt_reader *r, struct mrt_record *rec, char **cause)
{
	uint8_t		 hdr[MRT_HEADER_LEN];
	const uint8_t	*h;
	struct buf	 b;
	uint32_t	 len;
	uint64_t	 off;
	size_t		 n;

	if (r->done)
		return (0);
	off = r->off;
	n = decode_mrt_read(r, hdr, &h, sizeof hdr);
	if (n == 0 && r->err == NULL) {
		r->done = 1;
		return (0);
	}
	memset(rec, 0, sizeof *rec);
	rec->offset = off;
	rec->recno = ++r->recno;
	if (n < sizeof hdr) {
		xasprintf(cause, "%s: record %llu at offset %llu: truncated "
		    "header (%zu of 12 bytes)%s%s", r->name,
		    (unsigned long long)rec->recno, (unsigned long long)off, n,
		    r->err ? ": " : "", r->err ? r->err : "");
		goto fail;
	}
	buf_init(&b, h, sizeof hdr);
	if (buf_get_u32(&b, &rec->ts) != 0 ||		/* timestamp */
	    buf_get_u16(&b, &rec->type) != 0 ||		/* type */
	    buf_get_u16(&b, &rec->subtype) != 0 ||	/* subtype */
	    buf_get_u32(&b, &len) != 0)			/* length */
		goto fail;
	if (len > MRT_MAX_RECORD) {
		xasprintf(cause, "%s: record %llu at offset %llu: absurd "
		    "length %u", r->name, (unsigned long long)rec->recno,
		    (unsigned long long)off, len);
		goto fail;
	}
	if (len > r->rcap) {
		r->rcap = len < 65536 ? 65536 : len;
		free(r->rbuf);
		r->rbuf = xmalloc(r->rcap);
	}
	/* Into rbuf, or in place without a copy. */
	n = decode_mrt_read(r, r->rbuf, &rec->body, len);
	if (n < len) {
		xasprintf(cause, "%s: record %llu at offset %llu: truncated "
		    "(%zu of %u bytes)%s%s", r->name,
		    (unsigned long long)rec->recno, (unsigned long long)off,
		    n, len, r->err ? ": " : "", r->err ? r->err : "");
		goto fail;
	}
	rec->len = len;
	if (rec->type == MRT_BGP4MP_ET) {
		/* RFC 6396 3: microseconds, counted in the length. */
		buf_init(&b, rec->body, rec->len);
		if (buf_get_u32(&b, &rec->usec) != 0) {
			xasprintf(cause, "%s: record %llu at offset %llu: "
			    "too short for BGP4MP_ET", r->name,
			    (unsigned long long)rec->recno,
			    (unsigned long long)off);
			goto fail;
		}
		rec->body += 4;
		rec->len -= 4;
	}
	return (1);
fail:
	r->done = 1;
	return (-1);
}

void
decode_mrt_init(struct mrt_decoder *d)
{
	memset(d, 0, sizeof *d);
}

static void
decode_mrt_memo_free(struct mrt_decoder *d)
{
	size_t	i;

	if (d->memo == NULL)
		return;
	for (i = 0; i < d->npeers; i++) {
		if (d->memo[i].id != 0)
			decode_bgp_update_free(&d->memo[i].u);
		if (d->memo[i].ref != NULL)
			d->memo_put(d->memo_owner, d->memo[i].ref);
		free(d->memo[i].raw);
	}
	free(d->memo);
	d->memo = NULL;
}

struct mrt_memo *
decode_mrt_memo(struct mrt_decoder *d, const struct mrt_rib_entry *re)
{
	if (d->memo == NULL)
		d->memo = xcalloc(d->npeers + 1, sizeof *d->memo);
	return (&d->memo[re->peer]);
}

void
decode_mrt_memo_set(struct mrt_decoder *d, struct mrt_memo *m,
    const struct buf *raw)
{
	size_t	len = buf_left(raw);

	if (m->id != 0)
		decode_bgp_update_free(&m->u);
	m->id = 0;
	if (m->ref != NULL)
		d->memo_put(d->memo_owner, m->ref);
	m->ref = NULL;
	if (m->raw == NULL || m->cap < len) {
		free(m->raw);
		m->cap = len < 256 ? 256 : len;
		m->raw = xmalloc(m->cap);
	}
	memcpy(m->raw, buf_ptr(raw), len);
	m->len = len;
}

void
decode_mrt_free(struct mrt_decoder *d)
{
	decode_mrt_memo_free(d);
	free(d->peers);
	memset(d, 0, sizeof *d);
}

static int
decode_mrt_addr(struct buf *b, int af, struct addr *a)
{
	memset(a, 0, sizeof *a);
	a->af = af;
	return (buf_get(b, a->b, af == AF_INET ? 4 : 16));
}

/* RFC 6396 4.3.1: PEER_INDEX_TABLE. */
static int
decode_mrt_peer_index(struct mrt_decoder *d, struct buf *b)
{
	uint32_t	 collector, asn;
	uint16_t	 namelen, count, as2, i;
	uint8_t		 ptype;
	struct mrt_peer	*p;

	if (buf_get_u32(b, &collector) != 0 ||	/* collector BGP ID */
	    buf_get_u16(b, &namelen) != 0 ||	/* view name length */
	    buf_skip(b, namelen) != 0 ||	/* view name */
	    buf_get_u16(b, &count) != 0)	/* peer count */
		return (-1);
	decode_mrt_memo_free(d);
	free(d->peers);
	d->peers = xcalloc(count + 1, sizeof *d->peers);
	d->npeers = 0;
	for (i = 0; i < count; i++) {
		p = &d->peers[i];
		if (buf_get_u8(b, &ptype) != 0 ||	/* peer type */
		    buf_get_u32(b, &p->bgp_id) != 0 ||	/* peer BGP ID */
		    decode_mrt_addr(b, (ptype & 1) ? AF_INET6 : AF_INET,
		    &p->addr) != 0)			/* peer IP address */
			return (-1);
		if (ptype & 2) {
			if (buf_get_u32(b, &asn) != 0)	/* peer AS (4) */
				return (-1);
		} else {
			if (buf_get_u16(b, &as2) != 0)	/* peer AS (2) */
				return (-1);
			asn = as2;
		}
		p->asn = asn;
		d->npeers++;
	}
	return (0);
}

/* RFC 6396 4.3.2: a RIB record's sequence number, prefix and count. */
int
decode_mrt_rib_header(struct buf *b, int af, struct prefix *pfx,
    uint16_t *count, const char **what)
{
	uint32_t	seq;
	uint8_t		plen;

	memset(pfx, 0, sizeof *pfx);
	if (buf_get_u32(b, &seq) != 0 ||	/* sequence number */
	    buf_get_u8(b, &plen) != 0) {	/* prefix length */
		*what = "truncated RIB entry header";
		return (-1);
	}
	if (plen > (af == AF_INET ? 32 : 128)) {
		*what = "bad prefix length";
		return (-1);
	}
	pfx->addr.af = af;
	pfx->len = plen;
	if (buf_get(b, pfx->addr.b, (plen + 7) / 8) != 0 ||	/* prefix */
	    buf_get_u16(b, count) != 0) {		/* entry count */
		*what = "truncated RIB entry header";
		return (-1);
	}
	return (0);
}

/*
 * RFC 6396 4.3.4 and RFC 8050 4: one RIB entry.  Called once a route on
 * the RIB loading path (rib-mrt.c): no copy of the attributes, only a
 * cursor over them.
 */
int
decode_mrt_rib_entry(const struct mrt_decoder *d, struct buf *b,
    int addpath, struct mrt_rib_entry *re, const char **what)
{
	uint16_t	alen;

	re->path_id = 0;
	if (buf_get_u16(b, &re->peer) != 0 ||		/* peer index */
	    buf_get_u32(b, &re->orig_time) != 0 ||	/* originated time */
	    (addpath && buf_get_u32(b, &re->path_id) != 0) || /* path id */
	    buf_get_u16(b, &alen) != 0 ||		/* attribute length */
	    buf_sub(b, &re->attrs, alen) != 0) {	/* attributes */
		*what = "truncated RIB entry";
		return (-1);
	}
	if (re->peer >= d->npeers) {
		*what = "peer index out of range";
		return (-1);
	}
	return (0);
}

/*
 * A RIB entry's attributes, decoded (RFC 6396 4.3.4: 4-octet AS numbers,
 * MP_REACH_NLRI cut to its next hop) or, when they are the bytes of the
 * peer's previous entry, as they were decoded then.  The decoded set is
 * kept in the peer's memo until a different one replaces it.
 */
static struct mrt_memo *
decode_mrt_rib_attrs(struct mrt_decoder *d, const struct mrt_rib_entry *re,
    char **cause)
{
	static const struct bgp_decode_opts o = { .as4 = 1, .mrt_rib = 1 };
	struct mrt_memo		*m = decode_mrt_memo(d, re);
	struct bgp_update	 u;
	size_t			 len = buf_left(&re->attrs);

	if (m->id != 0 && m->len == len &&
	    memcmp(m->raw, buf_ptr(&re->attrs), len) == 0)
		return (m);
	if (decode_bgp_attrs(buf_ptr(&re->attrs), len, &o, &u, cause) != 0)
		return (NULL);
	decode_mrt_memo_set(d, m, &re->attrs);
	m->u = u;
	m->id = ++d->nsets;
	return (m);
}

/* RFC 6396 4.3.2 and RFC 8050 4: AFI/SAFI-specific RIB subtypes. */
static int
decode_mrt_rib(struct mrt_decoder *d, const struct mrt_record *rec,
    struct buf *b, int af, uint8_t safi, int addpath, mrt_elem_cb cb,
    void *arg, const char **what, char **cause)
{
	struct bgp_nlri		 nlri;
	struct mrt_elem		 e;
	struct mrt_rib_entry	 re;
	struct mrt_memo		*m;
	uint16_t		 count, i;
	char			*c = NULL;

	memset(&nlri, 0, sizeof nlri);
	if (decode_mrt_rib_header(b, af, &nlri.prefix, &count, what) != 0)
		return (-1);
	nlri.safi = safi;
	for (i = 0; i < count; i++) {
		if (decode_mrt_rib_entry(d, b, addpath, &re, what) != 0)
			return (-1);
		nlri.path_id = re.path_id;
		if ((m = decode_mrt_rib_attrs(d, &re, &c)) == NULL) {
			xasprintf(cause, "RIB entry %u: %s", i, c);
			free(c);
			return (-1);
		}
		memset(&e, 0, sizeof e);
		e.type = MRT_ELEM_RIB;
		e.rec = rec;
		e.addpath = addpath;
		e.peer_addr = d->peers[re.peer].addr;
		e.peer_as = d->peers[re.peer].asn;
		e.orig_time = re.orig_time;
		e.nlri = &nlri;
		e.attrs = &m->u.attrs;
		e.attrs_id = m->id;
		e.attrs_slot = re.peer;
		e.treat_as_withdraw = m->u.treat_as_withdraw;
		d->nelems++;
		cb(&e, arg);
	}
	return (0);
}

/* RFC 6396 4.2: a TABLE_DUMP record. */
int
decode_mrt_td1_entry(const struct mrt_record *rec, struct buf *b,
    struct mrt_td1_entry *te, const char **what)
{
	uint16_t	view, seq, as2, alen;
	uint8_t		status;
	int		af;

	af = rec->subtype == MRT_TD_AFI_IPV6 ? AF_INET6 : AF_INET;
	memset(te, 0, sizeof *te);
	if (buf_get_u16(b, &view) != 0 ||			/* view */
	    buf_get_u16(b, &seq) != 0 ||			/* sequence */
	    decode_mrt_addr(b, af, &te->prefix.addr) != 0 ||	/* prefix */
	    buf_get_u8(b, &te->prefix.len) != 0 ||		/* length */
	    buf_get_u8(b, &status) != 0 ||			/* status */
	    buf_get_u32(b, &te->orig_time) != 0 ||		/* orig. time */
	    decode_mrt_addr(b, af, &te->peer_addr) != 0 ||	/* peer IP */
	    buf_get_u16(b, &as2) != 0 ||			/* peer AS */
	    buf_get_u16(b, &alen) != 0 ||			/* attr len */
	    buf_sub(b, &te->attrs, alen) != 0) {		/* attributes */
		*what = "truncated TABLE_DUMP entry";
		return (-1);
	}
	if (te->prefix.len > (af == AF_INET ? 32 : 128)) {
		*what = "bad prefix length";
		return (-1);
	}
	te->peer_as = as2;
	return (0);
}

static int
decode_mrt_td1(struct mrt_decoder *d, const struct mrt_record *rec,
    struct buf *b, mrt_elem_cb cb, void *arg, const char **what,
    char **cause)
{
	struct bgp_decode_opts	 o;
	struct bgp_update	 u;
	struct bgp_nlri		 nlri;
	struct mrt_elem		 e;
	struct mrt_td1_entry	 te;
	char			*c = NULL;

	if (decode_mrt_td1_entry(rec, b, &te, what) != 0)
		return (-1);
	memset(&o, 0, sizeof o);
	o.mrt_rib = 1;
	if (decode_bgp_attrs(buf_ptr(&te.attrs), buf_left(&te.attrs), &o, &u,
	    &c) != 0) {
		xasprintf(cause, "%s", c);
		free(c);
		return (-1);
	}
	memset(&nlri, 0, sizeof nlri);
	nlri.prefix = te.prefix;
	nlri.safi = BGP_SAFI_UNICAST;
	memset(&e, 0, sizeof e);
	e.type = MRT_ELEM_RIB;
	e.rec = rec;
	e.peer_addr = te.peer_addr;
	e.peer_as = te.peer_as;
	e.orig_time = te.orig_time;
	e.nlri = &nlri;
	e.attrs = &u.attrs;
	e.treat_as_withdraw = u.treat_as_withdraw;
	d->nelems++;
	cb(&e, arg);
	decode_bgp_update_free(&u);
	return (0);
}

/* RFC 6396 4.4: BGP4MP (and 4.5 BGP4MP_ET) with RFC 8050 subtypes. */
int
decode_mrt_bgp4mp_header(struct mrt_decoder *d, const struct mrt_record *rec,
    struct buf *b, struct mrt_bgp4mp_hdr *h, const char **what, char **cause)
{
	struct buf	body;
	uint16_t	as2, afi;
	int		af;

	memset(h, 0, sizeof *h);
	switch (rec->subtype) {
	case MRT_BGP4MP_STATE:
	case MRT_BGP4MP_MESSAGE:
	case MRT_BGP4MP_MESSAGE_LOCAL:
	case MRT_BGP4MP_MESSAGE_AP:
	case MRT_BGP4MP_MESSAGE_LOCAL_AP:
		h->as4 = 0;
		break;
	case MRT_BGP4MP_STATE_AS4:
	case MRT_BGP4MP_MESSAGE_AS4:
	case MRT_BGP4MP_MESSAGE_AS4_LOCAL:
	case MRT_BGP4MP_MESSAGE_AS4_AP:
	case MRT_BGP4MP_MESSAGE_AS4_LOCAL_AP:
		h->as4 = 1;
		break;
	default:
		d->nskipped++;
		return (1);
	}
	h->addpath = rec->subtype >= MRT_BGP4MP_MESSAGE_AP;
	h->state = rec->subtype == MRT_BGP4MP_STATE ||
	    rec->subtype == MRT_BGP4MP_STATE_AS4;
	if (h->as4) {
		if (buf_get_u32(b, &h->peer_as) != 0 ||	/* peer AS */
		    buf_get_u32(b, &h->local_as) != 0)	/* local AS */
			goto trunc;
	} else {
		if (buf_get_u16(b, &as2) != 0)		/* peer AS */
			goto trunc;
		h->peer_as = as2;
		if (buf_get_u16(b, &as2) != 0)		/* local AS */
			goto trunc;
		h->local_as = as2;
	}
	if (!h->as4 && rec->subtype == MRT_BGP4MP_STATE && rec->len == 8) {
		/*
		 * Old Zebra wrote state changes as peer AS, local AS, old
		 * and new state only (RIS 2000 files); bgpdump reads them.
		 */
		h->peer_addr.af = AF_INET;
	} else {
		if (buf_get_u16(b, &h->ifindex) != 0 ||	/* interface index */
		    buf_get_u16(b, &afi) != 0)		/* address family */
			goto trunc;
		if (afi != BGP_AFI_IPV4 && afi != BGP_AFI_IPV6) {
			*what = "bad address family";
			return (-1);
		}
		af = afi == BGP_AFI_IPV4 ? AF_INET : AF_INET6;
		if (decode_mrt_addr(b, af, &h->peer_addr) != 0 || /* peer IP */
		    decode_mrt_addr(b, af, &h->local_addr) != 0) /* local IP */
			goto trunc;
	}
	if (h->state) {
		if (buf_get_u16(b, &h->old_state) != 0 ||	/* old state */
		    buf_get_u16(b, &h->new_state) != 0)		/* new state */
			goto trunc;
		return (0);
	}

	/* The BGP message, its length within the record. */
	if (decode_bgp_header(buf_ptr(b), buf_left(b), &h->msg_type,
	    &h->msg_len, cause) != 0)
		return (-1);
	if (h->msg_len > buf_left(b)) {
		*what = "BGP message longer than the record";
		return (-1);
	}
	/* The body after the 19-byte header; b itself stays where it is. */
	body = *b;
	buf_skip(&body, BGP_HEADER_LEN);	/* msg_len >= the header */
	h->msg = buf_ptr(&body);
	h->msg_len -= BGP_HEADER_LEN;
	h->opts.as4 = h->as4;
	h->opts.addpath_v4 = h->opts.addpath_v6 = h->addpath;
	return (0);
trunc:
	*what = "truncated BGP4MP header";
	return (-1);
}

static int
decode_mrt_bgp4mp(struct mrt_decoder *d, const struct mrt_record *rec,
    struct buf *b, mrt_elem_cb cb, void *arg, const char **what,
    char **cause)
{
	struct mrt_bgp4mp_hdr	 h;
	struct bgp_update	 u;
	struct mrt_elem		 e;
	size_t			 i;
	int			 pass, rv;
	char			*c = NULL;

	if ((rv = decode_mrt_bgp4mp_header(d, rec, b, &h, what, cause)) != 0)
		return (rv == 1 ? 0 : -1);
	memset(&e, 0, sizeof e);
	e.rec = rec;
	e.addpath = h.addpath;
	e.peer_addr = h.peer_addr;
	e.peer_as = h.peer_as;
	if (h.state) {
		e.old_state = h.old_state;
		e.new_state = h.new_state;
		e.type = MRT_ELEM_STATE;
		d->nelems++;
		cb(&e, arg);
		return (0);
	}
	if (h.msg_type != BGP_MSG_UPDATE)
		return (0);
	if (decode_bgp_update(h.msg, h.msg_len, &h.opts, &u, &c) != 0) {
		xasprintf(cause, "UPDATE: %s", c);
		free(c);
		return (-1);
	}
	e.attrs = &u.attrs;
	if (u.nannounced > 1)
		e.attrs_id = ++d->nsets;	/* one set, many prefixes */
	e.treat_as_withdraw = u.treat_as_withdraw;
	/* Withdrawals first, then the routes; plain before MP each. */
	e.type = MRT_ELEM_WITHDRAW;
	for (pass = 0; pass < 2; pass++) {
		for (i = 0; i < u.nwithdrawn; i++) {
			if (u.withdrawn[i].mp != pass)
				continue;
			e.nlri = &u.withdrawn[i];
			d->nelems++;
			cb(&e, arg);
		}
	}
	e.type = MRT_ELEM_ANNOUNCE;
	for (pass = 0; pass < 2; pass++) {
		for (i = 0; i < u.nannounced; i++) {
			if (u.announced[i].mp != pass)
				continue;
			e.nlri = &u.announced[i];
			d->nelems++;
			cb(&e, arg);
		}
	}
	decode_bgp_update_free(&u);
	return (0);
}

void
decode_mrt_error(struct mrt_decoder *d, const struct mrt_record *rec,
    const char *name, const char *what, const char *detail, char **cause)
{
	d->nerrors++;
	xasprintf(cause, "%s: record %llu at offset %llu (type %u/%u): %s",
	    name, (unsigned long long)rec->recno,
	    (unsigned long long)rec->offset, rec->type, rec->subtype,
	    what != NULL ? what : (detail != NULL ? detail : "malformed"));
}

/* RFC 6396 4 and RFC 8050 4: types and subtypes. */
enum mrt_kind
decode_mrt_kind(const struct mrt_record *rec, int *af, uint8_t *safi,
    int *addpath)
{
	switch (rec->type) {
	case MRT_TABLE_DUMP:
		if (rec->subtype != MRT_TD_AFI_IPV4 &&
		    rec->subtype != MRT_TD_AFI_IPV6)
			return (MRT_KIND_SKIP);
		return (MRT_KIND_TD1);
	case MRT_TABLE_DUMP_V2:
		switch (rec->subtype) {
		case MRT_TD2_PEER_INDEX:
			return (MRT_KIND_PEER_INDEX);
		case MRT_TD2_RIB_IPV4_UNI:
		case MRT_TD2_RIB_IPV4_MULTI:
		case MRT_TD2_RIB_IPV4_UNI_AP:
		case MRT_TD2_RIB_IPV4_MULTI_AP:
			*af = AF_INET;
			break;
		case MRT_TD2_RIB_IPV6_UNI:
		case MRT_TD2_RIB_IPV6_MULTI:
		case MRT_TD2_RIB_IPV6_UNI_AP:
		case MRT_TD2_RIB_IPV6_MULTI_AP:
			*af = AF_INET6;
			break;
		default:
			return (MRT_KIND_SKIP);	/* RIB_GENERIC, ... */
		}
		/* The multicast subtypes are the odd ones. */
		*safi = (rec->subtype % 2) == 1 ? BGP_SAFI_MULTICAST :
		    BGP_SAFI_UNICAST;
		*addpath = rec->subtype >= MRT_TD2_RIB_IPV4_UNI_AP;
		return (MRT_KIND_RIB);
	case MRT_BGP4MP:
	case MRT_BGP4MP_ET:
		return (MRT_KIND_BGP4MP);
	default:
		return (MRT_KIND_SKIP);
	}
}

int
decode_mrt_record(struct mrt_decoder *d, const struct mrt_record *rec,
    const char *name, mrt_elem_cb cb, void *arg, char **cause)
{
	struct buf	 b;
	const char	*what = NULL;
	char		*c = NULL;
	uint8_t		 safi = 0;
	int		 rv = 0, af = 0, addpath = 0;

	d->nrecords++;
	buf_init(&b, rec->body, rec->len);
	switch (decode_mrt_kind(rec, &af, &safi, &addpath)) {
	case MRT_KIND_TD1:
		rv = decode_mrt_td1(d, rec, &b, cb, arg, &what, &c);
		break;
	case MRT_KIND_PEER_INDEX:
		if (decode_mrt_peer_index(d, &b) != 0) {
			what = "truncated PEER_INDEX_TABLE";
			rv = -1;
		}
		break;
	case MRT_KIND_RIB:
		/* Multicast too, as bgpdump prints them (safi 2). */
		rv = decode_mrt_rib(d, rec, &b, af, safi, addpath, cb, arg,
		    &what, &c);
		break;
	case MRT_KIND_BGP4MP:
		rv = decode_mrt_bgp4mp(d, rec, &b, cb, arg, &what, &c);
		break;
	default:
		d->nskipped++;
		return (0);
	}
	if (rv != 0)
		decode_mrt_error(d, rec, name, what, c, cause);
	free(c);
	return (rv);
}
