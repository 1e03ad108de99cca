/* SPDX-License-Identifier: ISC */
/*
 * RFC 8416 SLURM: a local exception file applied on top of the VRPs a
 * validator produced.  Version 1 (RFC 8416 3) has validationOutputFilters
 * (prefixFilters, bgpsecFilters) and locallyAddedAssertions
 * (prefixAssertions, bgpsecAssertions); version 2
 * (draft-ietf-sidrops-aspa-slurm) adds aspaFilters and aspaAssertions.
 * BGPsec members are checked for shape only: peertop has no use for
 * router keys.
 *
 * RFC 8416 4.2: filters are applied to the validator's output first, then
 * the assertions are added (an assertion is never filtered).
 */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "core/vrp.h"
#include "core/vrp-private.h"

/* RFC 8416 3.3.1: a prefix, an AS, or both. */
struct vrp_slurm_filter {
	int		 has_prefix, has_asn;
	struct prefix	 prefix;
	uint32_t	 asn;
};

struct vrp_slurm {
	struct vrp_slurm_filter	*filters;
	size_t			 nfilters;
	struct vrp		*asserts;
	size_t			 nasserts;
	uint32_t		*aspa_filters;	/* customer ASes */
	size_t			 naspa_filters;
	struct vrp_aspa		*aspa_asserts;
	size_t			 naspa_asserts;
};

static struct vrp_slurm *vrp_slurm_parse(const char *, json_t *, char **);
static int	vrp_slurm_filter(struct vrp_slurm_filter *, json_t *, char *,
		    size_t);
static int	vrp_slurm_assert(struct vrp *, json_t *, char *, size_t);
static json_t	*vrp_slurm_array(json_t *, const char *, int, const char *,
		    char *, size_t);
static int	vrp_slurm_match(const struct vrp_slurm_filter *,
		    const struct vrp *);

struct vrp_slurm *
vrp_slurm_load(const char *path, char **cause)
{
	return (vrp_slurm_load_buf(path, NULL, 0, cause));
}

struct vrp_slurm *
vrp_slurm_load_buf(const char *name, const char *buf, size_t len,
    char **cause)
{
	struct vrp_slurm	*sl;
	json_t			*root;

	if ((root = vrp_json_load(name, buf, len, cause)) == NULL)
		return (NULL);
	sl = vrp_slurm_parse(name, root, cause);
	json_decref(root);
	return (sl);
}

void
vrp_slurm_free(struct vrp_slurm *sl)
{
	size_t	 i;

	if (sl == NULL)
		return;
	for (i = 0; i < sl->naspa_asserts; i++)
		free(sl->aspa_asserts[i].providers);
	free(sl->aspa_asserts);
	free(sl->aspa_filters);
	free(sl->asserts);
	free(sl->filters);
	free(sl);
}

/*
 * obj.key, which must be an array; NULL with why when it is not.  RFC
 * 8416 3.2 requires all four arrays, but StayRTR's own example omits the
 * BGPsec ones, which peertop does not use: those are optional (opt), and
 * absent give JSON null.
 */
static json_t *
vrp_slurm_array(json_t *obj, const char *key, int opt, const char *where,
    char *why, size_t size)
{
	json_t	*a;

	if (!json_is_object(obj)) {
		snprintf(why, size, "%s: missing or not an object", where);
		return (NULL);
	}
	if ((a = json_object_get(obj, key)) == NULL && opt)
		return (json_null());
	if (a == NULL || !json_is_array(a)) {
		snprintf(why, size, "%s.%s: missing or not an array", where,
		    key);
		return (NULL);
	}
	return (a);
}

/* RFC 8416 3.3.1: a prefix filter. */
static int
vrp_slurm_filter(struct vrp_slurm_filter *f, json_t *j, char *why,
    size_t size)
{
	struct vrp	 v;
	json_t		*e;

	memset(f, 0, sizeof *f);
	if (!json_is_object(j)) {
		snprintf(why, size, "not an object");
		return (-1);
	}
	if ((e = json_object_get(j, "prefix")) != NULL) {
		if (vrp_json_prefix(&v, e, NULL, why, size) != 0)
			return (-1);
		f->prefix = v.prefix;
		f->has_prefix = 1;
	}
	if ((e = json_object_get(j, "asn")) != NULL) {
		if (vrp_json_asn(e, &f->asn, NULL) != 0) {
			snprintf(why, size, "asn: not an AS number");
			return (-1);
		}
		f->has_asn = 1;
	}
	if (!f->has_prefix && !f->has_asn) {
		snprintf(why, size, "neither prefix nor asn (RFC 8416 "
		    "3.3.1)");
		return (-1);
	}
	return (0);
}

/* RFC 8416 3.4.1: a prefix assertion. */
static int
vrp_slurm_assert(struct vrp *v, json_t *j, char *why, size_t size)
{
	memset(v, 0, sizeof *v);
	if (!json_is_object(j)) {
		snprintf(why, size, "not an object");
		return (-1);
	}
	if (vrp_json_asn(json_object_get(j, "asn"), &v->asn, NULL) != 0) {
		snprintf(why, size, "asn: missing or not an AS number");
		return (-1);
	}
	return (vrp_json_prefix(v, json_object_get(j, "prefix"),
	    json_object_get(j, "maxPrefixLength"), why, size));
}

static struct vrp_slurm *
vrp_slurm_parse(const char *name, json_t *root, char **cause)
{
	struct vrp_slurm	*sl;
	struct vrp_aspa		*a;
	json_t			*vf, *la, *arr, *e, *c;
	json_int_t		 version;
	const char		*where = "";
	char			 why[200];
	size_t			 i, bad;

	sl = xcalloc(1, sizeof *sl);
	why[0] = '\0';
	i = (size_t)-1;
	if (!json_is_object(root)) {
		snprintf(why, sizeof why, "not a JSON object");
		goto bad;
	}
	e = json_object_get(root, "slurmVersion");
	version = json_is_integer(e) ? json_integer_value(e) : 0;
	if (version != 1 && version != 2) {
		snprintf(why, sizeof why, "slurmVersion: missing, or not 1 "
		    "or 2");
		goto bad;
	}
	vf = json_object_get(root, "validationOutputFilters");
	la = json_object_get(root, "locallyAddedAssertions");

	if ((arr = vrp_slurm_array(vf, "prefixFilters", 0,
	    "validationOutputFilters", why, sizeof why)) == NULL ||
	    vrp_slurm_array(vf, "bgpsecFilters", 1, "validationOutputFilters",
	    why, sizeof why) == NULL)
		goto bad;
	where = "validationOutputFilters.prefixFilters";
	sl->filters = xcalloc(json_array_size(arr) + 1, sizeof *sl->filters);
	json_array_foreach(arr, i, e) {
		if (vrp_slurm_filter(&sl->filters[i], e, why, sizeof why) != 0)
			goto bad;
		sl->nfilters++;
	}

	i = (size_t)-1;
	where = "";
	if ((arr = vrp_slurm_array(la, "prefixAssertions", 0,
	    "locallyAddedAssertions", why, sizeof why)) == NULL ||
	    vrp_slurm_array(la, "bgpsecAssertions", 1,
	    "locallyAddedAssertions", why, sizeof why) == NULL)
		goto bad;
	where = "locallyAddedAssertions.prefixAssertions";
	sl->asserts = xcalloc(json_array_size(arr) + 1, sizeof *sl->asserts);
	json_array_foreach(arr, i, e) {
		if (vrp_slurm_assert(&sl->asserts[i], e, why, sizeof why) != 0)
			goto bad;
		sl->nasserts++;
	}

	/* Version 2: ASPA filters and assertions (optional members). */
	i = (size_t)-1;
	where = "validationOutputFilters.aspaFilters";
	if (version == 2 && (arr = json_object_get(vf, "aspaFilters")) !=
	    NULL) {
		if (!json_is_array(arr)) {
			snprintf(why, sizeof why, "not an array");
			goto bad;
		}
		sl->aspa_filters = xcalloc(json_array_size(arr) + 1,
		    sizeof *sl->aspa_filters);
		json_array_foreach(arr, i, e) {
			if (!json_is_object(e) || vrp_json_asn(
			    json_object_get(e, "customerAsid"),
			    &sl->aspa_filters[i], NULL) != 0) {
				snprintf(why, sizeof why, "customerAsid: "
				    "missing or not an AS number");
				goto bad;
			}
			sl->naspa_filters++;
		}
	}
	i = (size_t)-1;
	where = "locallyAddedAssertions.aspaAssertions";
	if (version == 2 && (arr = json_object_get(la, "aspaAssertions")) !=
	    NULL) {
		if (!json_is_array(arr)) {
			snprintf(why, sizeof why, "not an array");
			goto bad;
		}
		sl->aspa_asserts = xcalloc(json_array_size(arr) + 1,
		    sizeof *sl->aspa_asserts);
		json_array_foreach(arr, i, e) {
			a = &sl->aspa_asserts[i];
			c = json_is_object(e) ?
			    json_object_get(e, "customerAsid") : NULL;
			if (vrp_json_asn(c, &a->customer, NULL) != 0) {
				snprintf(why, sizeof why, "customerAsid: "
				    "missing or not an AS number");
				goto bad;
			}
			if (vrp_json_asns(json_object_get(e, "providerSet"),
			    &a->providers, &a->nproviders, &bad) != 0) {
				snprintf(why, sizeof why, "providerSet: not "
				    "an array of AS numbers");
				goto bad;
			}
			sl->naspa_asserts++;
		}
	}
	return (sl);

bad:
	if (i == (size_t)-1 && *where == '\0')
		xasprintf(cause, "%s: %s", name, why);
	else if (i == (size_t)-1)
		xasprintf(cause, "%s: %s: %s", name, where, why);
	else
		xasprintf(cause, "%s: %s[%zu]: %s", name, where, i, why);
	vrp_slurm_free(sl);
	return (NULL);
}

/* RFC 8416 3.3.1: the filter's prefix encompasses the VRP's, AS equal. */
static int
vrp_slurm_match(const struct vrp_slurm_filter *f, const struct vrp *v)
{
	if (f->has_asn && f->asn != v->asn)
		return (0);
	if (f->has_prefix) {
		if (f->prefix.addr.af != v->prefix.addr.af ||
		    v->prefix.len < f->prefix.len ||
		    !prefix_contains(&f->prefix, &v->prefix.addr))
			return (0);
	}
	return (1);
}

size_t
vrp_slurm_apply(const struct vrp_slurm *sl, struct vrp_set *s)
{
	struct vrp_aspa	 a;
	size_t		 i, j, k, n;

	for (i = n = 0; i < s->n; i++) {
		for (j = 0; j < sl->nfilters; j++) {
			if (vrp_slurm_match(&sl->filters[j], &s->v[i]))
				break;
		}
		if (j == sl->nfilters)
			s->v[n++] = s->v[i];
	}
	k = s->n - n;
	s->n = n;

	for (i = n = 0; i < s->naspa; i++) {
		for (j = 0; j < sl->naspa_filters; j++) {
			if (sl->aspa_filters[j] == s->aspa[i].customer)
				break;
		}
		if (j == sl->naspa_filters)
			s->aspa[n++] = s->aspa[i];
		else
			free(s->aspa[i].providers);
	}
	s->naspa = n;

	for (i = 0; i < sl->nasserts; i++)
		vrp_set_add(s, &sl->asserts[i]);
	for (i = 0; i < sl->naspa_asserts; i++) {
		a = sl->aspa_asserts[i];
		a.providers = xreallocarray(NULL, a.nproviders + 1,
		    sizeof *a.providers);
		memcpy(a.providers, sl->aspa_asserts[i].providers,
		    a.nproviders * sizeof *a.providers);
		vrp_set_add_aspa(s, &a);
	}
	vrp_set_sort_aspa(s);
	return (k);
}
