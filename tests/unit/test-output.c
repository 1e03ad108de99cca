/* SPDX-License-Identifier: ISC */
/*
 * Unit tests for core/output.c and its back ends: every format carries
 * the same model, JSON strings are escaped, CSV fields quoted as RFC 4180
 * says, the JSON writer lays documents out as the golden files expect,
 * and the exit status follows the worst condition.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/collector.h"
#include "core/json.h"
#include "core/model.h"
#include "core/output.h"
#include "core/vrp.h"

static struct model *
small_model(void)
{
	struct model	*m = model_new();
	struct partner	*p = xcalloc(1, sizeof *p);
	struct session	*s = xcalloc(1, sizeof *s);
	struct branch	*b = xcalloc(1, sizeof *b);
	struct edge	 e = { .code = "lon", .metro = "London",
	    .country = "GB", .lat = 51.51, .lon = -0.13 };

	model_edge_set(m, &e);
	strlcpy_pt(p->name, "contoso \"net\"", sizeof p->name);
	p->asn = 65002;
	p->red = RED_REDUNDANT;
	strlcpy_pt(p->reason, "primary lon: 2 routers up", sizeof p->reason);
	strlcpy_pt(s->name, "lon-r1", sizeof s->name);
	strlcpy_pt(s->router, "r1", sizeof s->router);
	strlcpy_pt(s->edge, "lon", sizeof s->edge);
	addr_parse("2001:db8::1", &s->neighbor);
	s->state = BGP_ESTABLISHED;
	s->partner = p;
	s->routes_imported = 7;
	p->sessions = xcalloc(1, sizeof *p->sessions);
	p->sessions[p->nsessions++] = s;
	m->sessions = xcalloc(1, sizeof *m->sessions);
	m->sessions[m->nsessions++] = s;
	m->partners = xcalloc(1, sizeof *m->partners);
	m->partners[m->npartners++] = p;
	strlcpy_pt(b->name, "london-office", sizeof b->name);
	b->partner = p;
	b->loc = LOC_GEOIP;
	b->lat = 51.5142;
	b->lon = -0.0931;
	strlcpy_pt(b->city, "London", sizeof b->city);
	strlcpy_pt(b->country, "GB", sizeof b->country);
	b->nearest = 0;
	b->nearest_km = 2.6;
	b->sessions_up = b->sessions_total = 1;
	m->branches = xcalloc(1, sizeof *m->branches);
	m->branches[m->nbranches++] = b;
	return (m);
}

static char *
render(const struct model *m, const char *fmt)
{
	char	*buf = NULL;
	size_t	 len = 0;
	FILE	*f = open_memstream(&buf, &len);

	assert_non_null(f);
	assert_non_null(output_find(fmt));
	output_print(output_find(fmt), f, m, 20);
	fclose(f);
	return (buf);
}

static void
test_json(void **state)
{
	struct model	*m = small_model();
	char		*out;

	model_eventf(m, "SessionDown", LVL_ERROR, "session lon-r1", "x\ty",
	    "lon-r1 went \"down\"");
	out = render(m, "json");
	assert_non_null(strstr(out, "\"status\": \"ok\""));
	assert_non_null(strstr(out, "\"name\": \"contoso \\\"net\\\"\""));
	assert_non_null(strstr(out, "\"neighbor\": \"2001:db8::1\""));
	assert_non_null(strstr(out, "\"state\": \"Established\""));
	assert_non_null(strstr(out, "\"routes_imported\": 7"));
	assert_non_null(strstr(out, "\"nearest_edge\": {\"code\": \"lon\""));
	assert_non_null(strstr(out, "\"distance_km\": 2.6"));
	assert_non_null(strstr(out, "\"source\": \"geoip\""));
	assert_non_null(strstr(out, "\"summary\": \"lon-r1 went \\\"down\\\"\""));
	assert_non_null(strstr(out, "\"details\": \"x\\u0009y\""));
	assert_non_null(strstr(out, "\"level\": \"Error\""));
	free(out);
	model_free(m);
}

/* Strict UTF-8 (no overlongs, surrogates or code points past U+10FFFF). */
static int
valid_utf8(const char *str)
{
	const unsigned char	*s = (const unsigned char *)str;
	size_t			 n, i;
	uint32_t		 cp;

	while (*s != '\0') {
		if (*s < 0x80) {
			s++;
			continue;
		}
		if ((*s & 0xe0) == 0xc0) {
			n = 1;
			cp = *s & 0x1f;
		} else if ((*s & 0xf0) == 0xe0) {
			n = 2;
			cp = *s & 0x0f;
		} else if ((*s & 0xf8) == 0xf0) {
			n = 3;
			cp = *s & 0x07;
		} else
			return (0);
		for (i = 1; i <= n; i++) {
			if ((s[i] & 0xc0) != 0x80)
				return (0);
			cp = cp << 6 | (s[i] & 0x3f);
		}
		if ((n == 1 && cp < 0x80) || (n == 2 && cp < 0x800) ||
		    (n == 3 && cp < 0x10000) || cp > 0x10ffff ||
		    (cp >= 0xd800 && cp <= 0xdfff))
			return (0);
		s += n + 1;
	}
	return (1);
}

/*
 * JSON is UTF-8 whatever the configuration's bytes are: a Latin-1 name
 * and a long value with multibyte characters must come out valid.
 */
static void
test_json_utf8(void **state)
{
	struct model	*m = small_model();
	char		 details[256], *out;
	size_t		 o = 0;

	/* "Köln" in Latin-1, as an old editor writes it; a cut character. */
	strlcpy_pt(m->partners[0]->name, "K\xf6ln \xe6\x9d", sizeof
	    m->partners[0]->name);
	/* Escapes that grow 6x, then two-byte characters. */
	while (o < 169)
		details[o++] = '\t';
	while (o + 2 < sizeof details) {
		details[o++] = '\xc3';
		details[o++] = '\xa9';	/* e acute */
	}
	details[o] = '\0';
	model_eventf(m, "SessionDown", LVL_ERROR, "session lon-r1", details,
	    "Z\xc3\xbcrich");
	out = render(m, "json");
	if (!valid_utf8(out))
		fail_msg("JSON output is not valid UTF-8");
	assert_non_null(strstr(out, "\"name\": \"K?ln ??\""));
	assert_non_null(strstr(out, "\"summary\": \"Z\xc3\xbcrich\""));
	/* The whole value, not cut short. */
	assert_non_null(strstr(out, "\xc3\xa9\xc3\xa9\", \"state\""));
	free(out);
	model_free(m);
}

static void
test_text(void **state)
{
	struct model	*m = small_model();
	char		*out;

	m->branches[0]->loc = LOC_UNKNOWN;
	out = render(m, "text");
	assert_non_null(strstr(out, "peertop OK"));
	assert_non_null(strstr(out, "REDUNDANT"));
	assert_non_null(strstr(out, "location unknown"));
	assert_non_null(strstr(out, "lon 3km"));
	assert_non_null(strstr(out, "Established"));
	free(out);
	model_free(m);
}

/*
 * Text columns are padded by display width: "Linköping, SE" is 13
 * columns in 14 bytes, and the rest of its row stays under its header
 * (it was one column to the left).  output_width() itself: wide
 * characters 2, combining marks 0, bytes that are not UTF-8 1.
 */
static void
test_text_width(void **state)
{
	struct model	*m = small_model();
	char		*out;

	(void)state;
	assert_int_equal(output_width("Linköping"), 9);
	assert_int_equal(output_width("東京"), 4);
	assert_int_equal(output_width("Cafe\xcc\x81"), 4);
	assert_int_equal(output_width("a\xff" "b"), 3);
	assert_int_equal(output_width("a\xc3"), 2);
	assert_int_equal(output_width("\xe6\x9d"), 2);
	assert_int_equal(output_width(""), 0);
	assert_int_equal(output_pad("Linköping", 12), 13);
	assert_int_equal(output_pad("東京", 6), 8);

	strlcpy_pt(m->branches[0]->name, "linköping-works",
	    sizeof m->branches[0]->name);
	strlcpy_pt(m->branches[0]->city, "Linköping",
	    sizeof m->branches[0]->city);
	strlcpy_pt(m->branches[0]->country, "SE",
	    sizeof m->branches[0]->country);
	out = render(m, "text");
	if (strstr(out, "linköping-works") == NULL || strstr(out,
	    "\nBRANCH               LOCATION         "
	    "            NEAREST EDGE   ROUTED SESS   REDUNDANCY LAST EVENT\n"
	    "linköping-works      Linköping, SE                lon 3km        "
	    "lon    1/1    REDUNDANT  \n") == NULL)
		fail_msg("%s", out);
	free(out);
	model_free(m);
}

/*
 * The BMP routers section is there only with a bmp collector: absent
 * from a BIRD-only run, an empty list while no router is connected.
 */
static void
test_bmp_section(void **state)
{
	struct model		*m = small_model();
	struct collector	*c;
	char			*out;

	out = render(m, "json");
	assert_null(strstr(out, "bmp_routers"));
	free(out);
	out = render(m, "text");
	assert_null(strstr(out, "BMP ROUTER"));
	free(out);

	c = xcalloc(1, sizeof *c);
	c->ops = &collector_bmp;
	strlcpy_pt(c->name, "bmp 127.0.0.1:11019", sizeof c->name);
	m->collectors = xcalloc(1, sizeof *m->collectors);
	m->collectors[m->ncollectors++] = c;
	out = render(m, "json");
	assert_non_null(strstr(out, "\"error\": \"\"}\n  ],\n  "
	    "\"bmp_routers\": [\n  ],\n  \"partners\": ["));
	free(out);
	out = render(m, "text");
	assert_non_null(strstr(out, "\nBMP ROUTER "));
	free(out);
	model_free(m);
}

static void
test_status(void **state)
{
	struct model	*m = small_model();

	assert_int_equal(output_status(m), 0);
	m->partners[0]->red = RED_NOBACKUP;
	assert_int_equal(output_status(m), 0);
	m->partners[0]->red = RED_DEGRADED;
	assert_int_equal(output_status(m), 1);
	m->partners[0]->red = RED_DOWN;
	assert_int_equal(output_status(m), 2);
	assert_null(output_find("xml"));
	model_free(m);
}

/*
 * One CSV record from *p (RFC 4180 2: fields split at commas outside
 * quotes, "" inside quotes is one quote, line breaks inside quotes are
 * data); the fields into f[], their number returned, *p past the record.
 * -1 on a malformed quote.
 */
static int
csv_record(const char **p, char f[][256], int max)
{
	const char	*s = *p;
	int		 n = 0;
	size_t		 o;

	for (;;) {
		if (n == max)
			return (-1);
		o = 0;
		if (*s == '"') {
			for (s++; ; s++) {
				if (*s == '\0')
					return (-1);
				if (*s == '"' && s[1] == '"')
					s++;
				else if (*s == '"')
					break;
				if (o + 1 < 256)
					f[n][o++] = *s;
			}
			s++;
			if (*s != ',' && *s != '\n' && *s != '\0')
				return (-1);
		} else {
			for (; *s != ',' && *s != '\n' && *s != '\0'; s++) {
				if (*s == '"')
					return (-1);
				if (o + 1 < 256)
					f[n][o++] = *s;
			}
		}
		f[n++][o] = '\0';
		if (*s != ',')
			break;
		s++;
	}
	if (*s == '\n')
		s++;
	*p = s;
	return (n);
}

/*
 * CSV: every row has as many fields as its section's title row, and the
 * fields with a quote, a comma or a line break come back whole.
 */
static void
test_csv(void **state)
{
	struct model	*m = small_model();
	char		*out, f[32][256], title[32][256];
	const char	*p;
	int		 n, ntitle = 0, rows = 0, found = 0;

	(void)state;
	strlcpy_pt(m->sessions[0]->last_error, "Hold timer, \"expired\"",
	    sizeof m->sessions[0]->last_error);
	model_eventf(m, "SessionDown", LVL_ERROR, "session lon-r1", "a,b\nc",
	    "lon-r1 went \"down\"");
	out = render(m, "csv");
	for (p = out; *p != '\0'; ) {
		if (*p == '\n') {		/* between sections */
			p++;
			ntitle = 0;
			continue;
		}
		n = csv_record(&p, f, 32);
		assert_true(n > 0);
		if (strcmp(f[0], "section") == 0) {
			memcpy(title, f, sizeof f);
			ntitle = n;
			continue;
		}
		assert_int_equal(n, ntitle);
		rows++;
		if (strcmp(f[0], "partner") == 0)
			assert_string_equal(f[1], "contoso \"net\""), found++;
		if (strcmp(f[0], "session") == 0) {
			assert_string_equal(title[15], "last_error");
			assert_string_equal(f[15], "Hold timer, \"expired\"");
			found++;
		}
		if (strcmp(f[0], "event") == 0) {
			assert_string_equal(title[6], "summary");
			assert_string_equal(f[6], "lon-r1 went \"down\"");
			assert_string_equal(f[7], "a,b\nc");
			found++;
		}
	}
	assert_int_equal(found, 3);
	assert_true(rows >= 5);
	assert_non_null(strstr(out, "partner,\"contoso \"\"net\"\"\",65002,"));
	free(out);
	model_free(m);
}

/*
 * CSV of hostile strings (issue 13): no escape, BEL or bidi byte in the
 * output, a formula kept as text with a leading "'", still one valid
 * row per record.
 */
static void
test_csv_hostile(void **state)
{
	struct model	*m = small_model();
	char		*out, f[32][256];
	const char	*p;
	int		 n, found = 0;

	(void)state;
	model_eventf(m, "SessionDown", LVL_ERROR, "=HYPERLINK(\"http://x\")",
	    "\x1b]0;owned\x07\x1b[2J", "-2+3 \xe2\x80\xae" "cod.exe");
	out = render(m, "csv");
	assert_null(strchr(out, '\x1b'));
	assert_null(strchr(out, '\x07'));
	assert_null(strstr(out, "\xe2\x80\xae"));
	for (p = out; *p != '\0'; ) {
		if (*p == '\n') {
			p++;
			continue;
		}
		n = csv_record(&p, f, 32);
		assert_true(n > 0);
		if (strcmp(f[0], "event") != 0 || strcmp(f[3], "Error") != 0)
			continue;
		assert_string_equal(f[5], "'=HYPERLINK(\"http://x\")");
		assert_string_equal(f[6], "'-2+3 ?cod.exe");
		assert_string_equal(f[7], "?]0;owned??[2J");
		found++;
	}
	assert_int_equal(found, 1);
	free(out);
	model_free(m);
}

/* The feed ("peertop mrt -c") in each format. */
static void
test_feed(void **state)
{
	static const char *const fmts[] = { "text", "json", "csv" };
	static const char *const want[] = {
		"2015-04-01T00:00:04Z Warning PrefixCommunityMissing "
		    "[prefix 192.0.2.0/24] community missing\n",
		"{\n  \"events\": [\n    {\"time\": \"2015-04-01T00:00:04Z\", "
		    "\"type\": \"PrefixCommunityMissing\", \"level\": "
		    "\"Warning\", \"subject\": \"prefix 192.0.2.0/24\", "
		    "\"summary\": \"community missing\", \"details\": "
		    "\"x, y\"}\n  ],\n  \"records\": 3, \"updates\": 4, "
		    "\"peers\": 1, \"prefixes\": 2, \"errors\": 0\n}\n",
		"section,time,level,type,subject,summary,details\n"
		    "event,2015-04-01T00:00:04Z,Warning,PrefixCommunityMissing,"
		    "prefix 192.0.2.0/24,community missing,\"x, y\"\n\n"
		    "section,records,updates,peers,prefixes,errors\n"
		    "summary,3,4,1,2,0\n",
	};
	struct output_feed	 fd = { .records = 3, .updates = 4, .peers = 1,
				    .prefixes = 2 };
	struct output_ctx	 ctx;
	struct event		 ev;
	const struct output	*o;
	char			*buf;
	size_t			 len, i;
	FILE			*f;

	(void)state;
	memset(&ev, 0, sizeof ev);
	ev.time_ms = 1427846404000LL;
	ev.level = LVL_WARNING;
	strlcpy_pt(ev.type, "PrefixCommunityMissing", sizeof ev.type);
	strlcpy_pt(ev.subject, "prefix 192.0.2.0/24", sizeof ev.subject);
	strlcpy_pt(ev.summary, "community missing", sizeof ev.summary);
	strlcpy_pt(ev.details, "x, y", sizeof ev.details);
	for (i = 0; i < nitems(fmts); i++) {
		buf = NULL;
		len = 0;
		assert_non_null(f = open_memstream(&buf, &len));
		assert_non_null(o = output_find(fmts[i]));
		output_init(&ctx, f);
		output_feed_begin(o, &ctx);
		output_feed_event(o, &ctx, &ev);
		output_feed_end(o, &ctx, &fd);
		fclose(f);
		assert_string_equal(buf, want[i]);
		free(buf);
	}
}

/* The JSON writer's two layouts, its escapes, and no NaN. */
static void
test_json_writer(void **state)
{
	struct json_w	 j;
	char		*buf = NULL;
	size_t		 len = 0;
	FILE		*f;

	(void)state;
	assert_non_null(f = open_memstream(&buf, &len));
	json_w_init_file(&j, f, 1);
	json_w_object(&j, NULL, 1);
	json_w_time(&j, "t", 1764097185250LL, 1);
	json_w_string(&j, "s", "a\"b\t\xff\x1b]0;x\x07\r\n");
	json_w_array(&j, "list", 1);
	json_w_object(&j, NULL, 0);
	json_w_double(&j, "x", 1.5, 3);
	json_w_double(&j, "nan", NAN, 3);
	json_w_array(&j, "in", 0);
	json_w_uint(&j, NULL, 1);
	json_w_int(&j, NULL, -2);
	json_w_end(&j);
	json_w_end(&j);
	json_w_bool(&j, NULL, 1);
	json_w_end(&j);
	json_w_null(&j, "after");
	json_w_bool(&j, "b", 0);
	json_w_array(&j, "empty", 1);
	json_w_end(&j);
	json_w_end(&j);
	fclose(f);
	assert_string_equal(buf, "{\n"
	    "  \"t\": \"2025-11-25T18:59:45.250Z\", \"s\": \"a\\\"b\\u0009??]0;x??\\n\",\n"
	    "  \"list\": [\n"
	    "    {\"x\": 1.500, \"nan\": null, \"in\": [1, -2]},\n"
	    "    true\n"
	    "  ],\n"
	    "  \"after\": null, \"b\": false,\n"
	    "  \"empty\": [\n"
	    "  ]\n"
	    "}");
	free(buf);

	buf = NULL;
	assert_non_null(f = open_memstream(&buf, &len));
	json_w_init_file(&j, f, 0);
	json_w_object(&j, NULL, 0);
	json_w_uint(&j, "a", 1);
	json_w_object(&j, "o\"k", 0);
	json_w_end(&j);
	json_w_array(&j, "l", 0);
	json_w_string(&j, NULL, "x");
	json_w_string(&j, NULL, "y");
	json_w_end(&j);
	json_w_end(&j);
	fclose(f);
	assert_string_equal(buf, "{\"a\":1,\"o\\\"k\":{},\"l\":[\"x\",\"y\"]}");
	free(buf);
}

/*
 * With VRPs (an rpki collector), each registered prefix carries its RPKI
 * state and the VRPs covering it in JSON, and the state in text; without,
 * neither says a word (the --once goldens stay as they were).
 */
static void
test_rpki(void **state)
{
	static const char	 json[] = "{\"roas\": [{\"asn\": 65010, "
	    "\"prefix\": \"192.0.2.0/23\", \"maxLength\": 24, \"ta\": \"t\", "
	    "\"expires\": 1900000000}, {\"asn\": 65010, \"prefix\": "
	    "\"198.51.100.0/24\", \"maxLength\": 24, \"ta\": \"t\"}]}";
	struct model		*m = small_model();
	struct branch		*b = m->branches[0];
	struct vrp_set		*vs = vrp_set_new();
	struct vrp_index	*ix;
	char			*out, *cause = NULL;

	(void)state;
	b->prefixes = xcalloc(2, sizeof *b->prefixes);
	b->nprefixes = 2;
	assert_int_equal(prefix_parse("192.0.2.0/24", &b->prefixes[0].prefix),
	    0);
	b->prefixes[0].origin = 65010;
	b->prefixes[0].seen = 1;
	assert_int_equal(prefix_parse("203.0.113.0/24",
	    &b->prefixes[1].prefix), 0);
	b->prefixes[1].origin = 65010;
	b->prefixes[1].seen = 1;
	out = render(m, "json");
	assert_null(strstr(out, "\"rpki\""));
	free(out);
	out = render(m, "text");
	assert_null(strstr(out, "rpki:"));
	free(out);

	if (vrp_set_load_buf(vs, "t.json", json, strlen(json), &cause) != 0)
		fail_msg("%s", cause);
	ix = vrp_index_new(vs);
	vrp_set_free(vs);
	m->vrps = ix;
	out = render(m, "json");
	assert_non_null(strstr(out, "\"rpki\": \"valid\", \"roas\": "
	    "[{\"prefix\": \"192.0.2.0/23\", \"max_length\": 24, "
	    "\"asn\": 65010, \"expires\": \""));
	assert_non_null(strstr(out, "\"rpki\": \"not-found\", \"roas\": []"));
	free(out);
	out = render(m, "text");
	assert_non_null(strstr(out, "rpki:valid"));
	assert_non_null(strstr(out, "rpki:not-found"));
	free(out);
	m->vrps = NULL;
	vrp_index_free(ix);
	model_free(m);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_json),
		cmocka_unit_test(test_rpki),
		cmocka_unit_test(test_json_utf8),
		cmocka_unit_test(test_bmp_section),
		cmocka_unit_test(test_text),
		cmocka_unit_test(test_text_width),
		cmocka_unit_test(test_status),
		cmocka_unit_test(test_csv),
		cmocka_unit_test(test_csv_hostile),
		cmocka_unit_test(test_feed),
		cmocka_unit_test(test_json_writer),
	};
	time_set_utc(1);	/* people's times in the text, any TZ */
	return (cmocka_run_group_tests(tests, NULL, NULL));
}
