/* SPDX-License-Identifier: ISC */
/*
 * VRP sets and their JSON files.  The validators agree on the shape of a
 * ROA entry and differ in the details, all accepted here:
 *
 *   rpki-client json:  {"roas": [{"asn": 13335, "prefix": "1.0.0.0/24",
 *	"maxLength": 24, "ta": "apnic", "expires": 1627568318}],
 *	"aspas": [{"customer_asid": 15562, "expires": ..., "providers":
 *	[2914, ...]}]} and, before 8.x, "provider_authorizations":
 *	{"ipv4": [{"customer_asid": ..., "providers": [...]}], "ipv6": ...}
 *   Routinator json / jsonext:  "asn": "AS13335"; jsonext adds "source":
 *	[{"type": "roa", "validity": {"notAfter": "2024-...Z"},
 *	"chainValidity": {...}}] and "aspas": [{"customer": "AS64496",
 *	"providers": ["AS64497", ...]}]
 *   StayRTR (its own prefix files): the rpki-client form, "asn" either way.
 *
 * Unknown members are ignored (validators add metadata freely); a member
 * we need that is missing or malformed rejects the whole file with its
 * place named.
 */
#include <errno.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/vrp.h"
#include "core/vrp-private.h"

static int	vrp_load_json(struct vrp_set *, const char *, json_t *,
		    char **);
static int	vrp_roa(struct vrp *, json_t *, char *, size_t);
static int	vrp_aspa(struct vrp_aspa *, json_t *, int, char *, size_t);
static int	vrp_jsonext_expires(json_t *, int64_t *);
static int	vrp_time(json_t *, int64_t *);
static int	vrp_aspa_cmp(const void *, const void *);
static int	vrp_u32_cmp(const void *, const void *);

const char *
vrp_state_name(enum vrp_state st)
{
	switch (st) {
	case VRP_VALID:
		return ("valid");
	case VRP_INVALID_ORIGIN:
		return ("invalid-origin");
	case VRP_INVALID_LENGTH:
		return ("invalid-length");
	case VRP_NOTFOUND:
		break;
	}
	return ("not-found");
}

struct vrp_set *
vrp_set_new(void)
{
	return (xcalloc(1, sizeof (struct vrp_set)));
}

void
vrp_set_free(struct vrp_set *s)
{
	size_t	 i;

	if (s == NULL)
		return;
	for (i = 0; i < s->naspa; i++)
		free(s->aspa[i].providers);
	free(s->aspa);
	free(s->v);
	free(s);
}

void
vrp_set_add(struct vrp_set *s, const struct vrp *v)
{
	if (s->n == s->cap) {
		s->cap = s->cap == 0 ? 256 : s->cap * 2;
		s->v = xreallocarray(s->v, s->cap, sizeof *s->v);
	}
	s->v[s->n++] = *v;
}

/* Internal to core/vrp*.c: append an ASPA (the set takes providers). */
void
vrp_set_add_aspa(struct vrp_set *s, const struct vrp_aspa *a)
{
	if (s->naspa == s->caspa) {
		s->caspa = s->caspa == 0 ? 16 : s->caspa * 2;
		s->aspa = xreallocarray(s->aspa, s->caspa, sizeof *s->aspa);
	}
	s->aspa[s->naspa++] = *a;
}

/* Internal to core/vrp*.c: sort the ASPAs for vrp_set_aspa_find(). */
void
vrp_set_sort_aspa(struct vrp_set *s)
{
	if (s->naspa > 1)
		qsort(s->aspa, s->naspa, sizeof *s->aspa, vrp_aspa_cmp);
}

static int
vrp_aspa_cmp(const void *a, const void *b)
{
	const struct vrp_aspa	*x = a, *y = b;

	if (x->customer != y->customer)
		return (x->customer < y->customer ? -1 : 1);
	return ((x->afi > y->afi) - (x->afi < y->afi));
}

static int
vrp_u32_cmp(const void *a, const void *b)
{
	uint32_t	 x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return ((x > y) - (x < y));
}

const struct vrp_aspa *
vrp_set_aspa_find(const struct vrp_set *s, uint32_t customer, int afi)
{
	const struct vrp_aspa	*any = NULL;
	size_t			 lo = 0, hi = s->naspa, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (s->aspa[mid].customer < customer)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (; lo < s->naspa && s->aspa[lo].customer == customer; lo++) {
		if (s->aspa[lo].afi == afi)
			return (&s->aspa[lo]);
		if (s->aspa[lo].afi == 0)
			any = &s->aspa[lo];
	}
	return (any);
}

/*
 * Internal to core/vrp*.c: parse a JSON file (buf NULL) or len bytes of
 * buf named name; NULL with a cause located by line and column.
 */
json_t *
vrp_json_load(const char *name, const char *buf, size_t len, char **cause)
{
	json_error_t	 err;
	json_t		*root;

	if (buf == NULL)
		root = json_load_file(name, JSON_REJECT_DUPLICATES, &err);
	else
		root = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &err);
	if (root != NULL)
		return (root);
	if (err.line <= 0)
		xasprintf(cause, "%s: %s", name, err.text);
	else
		xasprintf(cause, "%s:%d:%d: %s", name, err.line, err.column,
		    err.text);
	return (NULL);
}

int
vrp_set_load(struct vrp_set *s, const char *path, char **cause)
{
	return (vrp_set_load_buf(s, path, NULL, 0, cause));
}

int
vrp_set_load_buf(struct vrp_set *s, const char *name, const char *buf,
    size_t len, char **cause)
{
	json_t	*root;
	int	 rv;

	if ((root = vrp_json_load(name, buf, len, cause)) == NULL)
		return (-1);
	rv = vrp_load_json(s, name, root, cause);
	json_decref(root);
	return (rv);
}

/*
 * Internal to core/vrp*.c: an AS number, as an integer or a string
 * "AS64496" / "64496" (Routinator writes "AS..."; StayRTR takes both).
 * Routinator's early ASPA output suffixed providers "(v4)" / "(v6)":
 * *afi gets 4 or 6 for those, 0 otherwise (afi may be NULL: no suffix).
 */
int
vrp_json_asn(json_t *j, uint32_t *asn, int *afi)
{
	const char	*s;
	char		*end;
	unsigned long long v;

	if (afi != NULL)
		*afi = 0;
	if (json_is_integer(j)) {
		if (json_integer_value(j) < 0 ||
		    json_integer_value(j) > UINT32_MAX)
			return (-1);
		*asn = (uint32_t)json_integer_value(j);
		return (0);
	}
	if (!json_is_string(j))
		return (-1);
	s = json_string_value(j);
	if (strncasecmp(s, "AS", 2) == 0)
		s += 2;
	if (*s < '0' || *s > '9')
		return (-1);
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno != 0 || v > UINT32_MAX)
		return (-1);
	if (afi != NULL && strcmp(end, "(v4)") == 0)
		*afi = 4;
	else if (afi != NULL && strcmp(end, "(v6)") == 0)
		*afi = 6;
	else if (*end != '\0')
		return (-1);
	*asn = (uint32_t)v;
	return (0);
}

/*
 * Internal to core/vrp*.c: a prefix string and an optional maxLength
 * member into v (RFC 6482 3.3: maxLength absent is the prefix length).
 * 0, or -1 with what was wrong in why.
 */
int
vrp_json_prefix(struct vrp *v, json_t *jp, json_t *jm, char *why,
    size_t size)
{
	unsigned int	 bits;
	json_int_t	 m;

	if (!json_is_string(jp)) {
		snprintf(why, size, "prefix: missing or not a string");
		return (-1);
	}
	switch (prefix_parse(json_string_value(jp), &v->prefix)) {
	case 0:
		break;
	case -2:
		snprintf(why, size, "prefix: host bits set in \"%.60s\"",
		    json_string_value(jp));
		return (-1);
	default:
		snprintf(why, size, "prefix: bad prefix \"%.60s\"",
		    json_string_value(jp));
		return (-1);
	}
	bits = v->prefix.addr.af == AF_INET ? 32 : 128;
	if (jm == NULL) {
		v->maxlen = v->prefix.len;
		return (0);
	}
	if (!json_is_integer(jm)) {
		snprintf(why, size, "maxLength: not an integer");
		return (-1);
	}
	m = json_integer_value(jm);
	if (m < v->prefix.len || m > (json_int_t)bits) {
		snprintf(why, size, "maxLength %lld outside /%u../%u",
		    (long long)m, v->prefix.len, bits);
		return (-1);
	}
	v->maxlen = (uint8_t)m;
	return (0);
}

/* One ROA entry into v; -1 with why. */
static int
vrp_roa(struct vrp *v, json_t *j, char *why, size_t size)
{
	json_t	*e;

	memset(v, 0, sizeof *v);
	if (!json_is_object(j)) {
		snprintf(why, size, "not an object");
		return (-1);
	}
	if (vrp_json_asn(json_object_get(j, "asn"), &v->asn, NULL) != 0) {
		snprintf(why, size, "asn: missing or not an AS number");
		return (-1);
	}
	if (vrp_json_prefix(v, json_object_get(j, "prefix"),
	    json_object_get(j, "maxLength"), why, size) != 0)
		return (-1);
	if ((e = json_object_get(j, "expires")) != NULL) {
		if (!json_is_integer(e) || json_integer_value(e) < 0) {
			snprintf(why, size, "expires: not a Unix time");
			return (-1);
		}
		v->expires = json_integer_value(e);
	} else if ((e = json_object_get(j, "source")) != NULL &&
	    vrp_jsonext_expires(e, &v->expires) != 0) {
		snprintf(why, size, "source: bad validity");
		return (-1);
	}
	return (0);
}

/*
 * Routinator jsonext: a VRP lives while any of its sources does, and a
 * source while both its own object and its chain do.
 */
static int
vrp_jsonext_expires(json_t *src, int64_t *expires)
{
	json_t	*s, *v;
	size_t	 i;
	int64_t	 t, c, best = 0;

	if (!json_is_array(src))
		return (-1);
	json_array_foreach(src, i, s) {
		t = c = 0;
		if (!json_is_object(s))
			return (-1);
		if ((v = json_object_get(s, "validity")) != NULL &&
		    vrp_time(json_object_get(v, "notAfter"), &t) != 0)
			return (-1);
		if ((v = json_object_get(s, "chainValidity")) != NULL &&
		    vrp_time(json_object_get(v, "notAfter"), &c) != 0)
			return (-1);
		if (t == 0 || (c != 0 && c < t))
			t = c;
		if (t > best)
			best = t;
	}
	*expires = best;
	return (0);
}

/* "2024-01-31T12:00:00Z" into Unix time. */
static int
vrp_time(json_t *j, int64_t *t)
{
	struct tm	 tm;
	const char	*s, *end;

	if (!json_is_string(j))
		return (-1);
	s = json_string_value(j);
	memset(&tm, 0, sizeof tm);
	if ((end = strptime(s, "%Y-%m-%dT%H:%M:%S", &tm)) == NULL ||
	    (*end != 'Z' && *end != '\0') || (*end == 'Z' && end[1] != '\0'))
		return (-1);
	*t = (int64_t)timegm(&tm);
	return (0);
}

/*
 * Internal to core/vrp*.c: an array of AS numbers into a sorted, unique
 * list (xmalloc'd into *out; *n its length).  -1 on a bad element, with
 * its index in *bad.
 */
int
vrp_json_asns(json_t *arr, uint32_t **out, size_t *n, size_t *bad)
{
	uint32_t	*v;
	json_t		*e;
	size_t		 i, k;
	int		 afi;

	*out = NULL;
	*n = 0;
	if (!json_is_array(arr)) {
		*bad = (size_t)-1;
		return (-1);
	}
	v = xcalloc(json_array_size(arr) + 1, sizeof *v);
	json_array_foreach(arr, i, e) {
		if (vrp_json_asn(e, &v[i], &afi) != 0) {
			free(v);
			*bad = i;
			return (-1);
		}
	}
	k = json_array_size(arr);
	if (k > 1)
		qsort(v, k, sizeof *v, vrp_u32_cmp);
	for (i = 0, *n = 0; i < k; i++) {
		if (*n == 0 || v[*n - 1] != v[i])
			v[(*n)++] = v[i];
	}
	*out = v;
	return (0);
}

/* One ASPA entry (any of the three spellings) into a. */
static int
vrp_aspa(struct vrp_aspa *a, json_t *j, int afi, char *why, size_t size)
{
	json_t	*c, *e;
	size_t	 bad;

	memset(a, 0, sizeof *a);
	a->afi = afi;
	if (!json_is_object(j)) {
		snprintf(why, size, "not an object");
		return (-1);
	}
	if ((c = json_object_get(j, "customer_asid")) == NULL)
		c = json_object_get(j, "customer");
	if (vrp_json_asn(c, &a->customer, NULL) != 0) {
		snprintf(why, size, "customer: missing or not an AS number");
		return (-1);
	}
	if (vrp_json_asns(json_object_get(j, "providers"), &a->providers,
	    &a->nproviders, &bad) != 0) {
		if (bad == (size_t)-1)
			snprintf(why, size, "providers: missing or not an "
			    "array");
		else
			snprintf(why, size, "providers[%zu]: not an AS "
			    "number", bad);
		return (-1);
	}
	if ((e = json_object_get(j, "expires")) != NULL) {
		if (!json_is_integer(e) || json_integer_value(e) < 0) {
			free(a->providers);
			snprintf(why, size, "expires: not a Unix time");
			return (-1);
		}
		a->expires = json_integer_value(e);
	}
	return (0);
}

static int
vrp_load_json(struct vrp_set *s, const char *name, json_t *root,
    char **cause)
{
	static const struct {
		const char	*key;
		int		 afi;
	} pa[] = { { "ipv4", 4 }, { "ipv6", 6 } };
	struct vrp	 v;
	struct vrp_aspa	 a;
	json_t		*roas, *arr, *e, *pav;
	char		 why[160];
	const char	*where = "roas";
	size_t		 i, k, n0 = s->n, na0 = s->naspa;

	if (!json_is_object(root)) {
		xasprintf(cause, "%s: not a JSON object", name);
		return (-1);
	}
	roas = json_object_get(root, "roas");
	if (roas == NULL && json_object_get(root, "aspas") == NULL &&
	    json_object_get(root, "provider_authorizations") == NULL) {
		xasprintf(cause, "%s: no \"roas\" array: not a VRP file "
		    "(rpki-client, Routinator or StayRTR JSON)", name);
		return (-1);
	}
	if (roas != NULL && !json_is_array(roas)) {
		xasprintf(cause, "%s: roas: not an array", name);
		return (-1);
	}
	json_array_foreach(roas, i, e) {
		if (vrp_roa(&v, e, why, sizeof why) != 0)
			goto bad;
		vrp_set_add(s, &v);
	}

	where = "aspas";
	if ((arr = json_object_get(root, "aspas")) != NULL) {
		if (!json_is_array(arr)) {
			i = (size_t)-1;
			snprintf(why, sizeof why, "not an array");
			goto bad;
		}
		json_array_foreach(arr, i, e) {
			if (vrp_aspa(&a, e, 0, why, sizeof why) != 0)
				goto bad;
			vrp_set_add_aspa(s, &a);
		}
	}
	if ((pav = json_object_get(root, "provider_authorizations")) != NULL) {
		for (k = 0; k < sizeof pa / sizeof pa[0]; k++) {
			where = pa[k].afi == 4 ?
			    "provider_authorizations.ipv4" :
			    "provider_authorizations.ipv6";
			if ((arr = json_object_get(pav, pa[k].key)) == NULL)
				continue;
			if (!json_is_array(arr)) {
				i = (size_t)-1;
				snprintf(why, sizeof why, "not an array");
				goto bad;
			}
			json_array_foreach(arr, i, e) {
				if (vrp_aspa(&a, e, pa[k].afi, why,
				    sizeof why) != 0)
					goto bad;
				vrp_set_add_aspa(s, &a);
			}
		}
	}
	vrp_set_sort_aspa(s);
	return (0);

bad:
	if (i == (size_t)-1)
		xasprintf(cause, "%s: %s: %s", name, where, why);
	else
		xasprintf(cause, "%s: %s[%zu]: %s", name, where, i, why);
	/* Nothing of a bad file is kept. */
	s->n = n0;
	while (s->naspa > na0)
		free(s->aspa[--s->naspa].providers);
	return (-1);
}
