/* SPDX-License-Identifier: ISC */
/*
 * Tests for the configuration parser (core/config.c): a complete valid
 * file checked field by field, includes, comments and strings, partner
 * resolution for branches, and every error class with its exact
 * "file:line:column: message".  The files live in tests/conf/.
 */

#include <sys/stat.h>
#include <sys/types.h>

#include <errno.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/collector.h"
#include "core/config.h"
#include "core/metrics.h"
#include "core/model.h"
#include "core/util.h"
#include "tests/unit/certs.h"

#ifndef TOP_SRCDIR
#define TOP_SRCDIR "."
#endif
#define CONFDIR TOP_SRCDIR "/tests/conf/"

/* A model with a small catalogue, as the caller would load it. */
static struct model *
new_model(void)
{
	static const struct edge edges[] = {
		{ "sea", "Seattle", "US", 47.61, -122.33, "ER|PL" },
		{ "lax", "Los Angeles", "US", 34.05, -118.24, "ER|PL" },
		{ "ams", "Amsterdam", "NL", 52.37, 4.90, "ER|PL|PS" },
	};
	struct model	*m;
	size_t		 i;

	m = model_new();
	for (i = 0; i < nitems(edges); i++)
		model_edge_set(m, &edges[i]);
	return (m);
}

static struct model *
parse_file_ok(const char *path)
{
	struct model	*m = new_model();
	char		*cause = NULL;

	if (config_parse(m, path, &cause) != 0)
		fail_msg("%s: unexpected error: %s", path, cause);
	assert_null(cause);
	return (m);
}

static struct model *
parse_buf_ok(const char *text)
{
	struct model	*m = new_model();
	char		*cause = NULL;

	if (config_parse_buffer(m, "t.conf", text, strlen(text), &cause) != 0)
		fail_msg("unexpected error: %s", cause);
	return (m);
}

/* A file in tests/conf/ must fail with exactly path + ":" + tail. */
static void
expect_file_error(const char *file, const char *tail)
{
	struct model	*m = new_model();
	char		*cause = NULL, *path, *want;

	xasprintf(&path, "%s%s", CONFDIR, file);
	xasprintf(&want, "%s:%s", path, tail);
	assert_int_equal(config_parse(m, path, &cause), -1);
	assert_non_null(cause);
	assert_string_equal(cause, want);
	free(cause);
	free(want);
	free(path);
	model_free(m);
}

/* A buffer named t.conf must fail with exactly this message. */
static void
expect_buf_error(const char *text, const char *want)
{
	struct model	*m = new_model();
	char		*cause = NULL;

	assert_int_equal(config_parse_buffer(m, "t.conf", text, strlen(text),
	    &cause), -1);
	assert_non_null(cause);
	assert_string_equal(cause, want);
	free(cause);
	model_free(m);
}

/* text must fail with an error that contains part (paths vary). */
static void
expect_buf_error_has(char *text, const char *part)
{
	struct model	*m = new_model();
	char		*cause = NULL;

	assert_int_equal(config_parse_buffer(m, "t.conf", text, strlen(text),
	    &cause), -1);
	if (cause == NULL || strstr(cause, part) == NULL)
		fail_msg("error \"%s\" does not say \"%s\"", cause, part);
	free(cause);
	free(text);
	model_free(m);
}

static void
test_valid_full(void **state)
{
	struct model	*m;
	struct partner	*p, *q;
	struct session	*s;
	struct branch	*b;
	struct collector *c;
	char		 buf[PREFIX_STRLEN];
	int		 i;

	m = parse_file_ok(CONFDIR "valid-full.conf");
	assert_null(m->config_file);	/* the caller's to set */
	assert_string_equal(m->database, "/var/lib/peertop/history.db");
	assert_string_equal(m->datadir, "/usr/share/peertop");
	assert_string_equal(m->geoip_city, "/usr/share/GeoIP/GeoIP2-City.mmdb");
	assert_string_equal(m->geoip_asn, "/usr/share/GeoIP/GeoLite2-ASN.mmdb");

	/* Edges: one new, one catalogue edge overridden field by field. */
	assert_int_equal(m->nedges, 4);
	i = model_edge_find(m, "xyz");
	assert_int_equal(i, 3);
	assert_string_equal(m->edges[i].metro, "Testville");
	assert_string_equal(m->edges[i].country, "US");
	assert_true(m->edges[i].lat == 47.6);
	assert_true(m->edges[i].lon == -122.3);
	assert_string_equal(m->edges[i].source, "config");
	i = model_edge_find(m, "sea");
	assert_int_equal(i, 0);
	assert_string_equal(m->edges[i].metro, "Seattle, WA");
	assert_string_equal(m->edges[i].country, "US");
	assert_true(m->edges[i].lat == 47.61);
	assert_string_equal(m->edges[i].source, "config");
	assert_string_equal(m->edges[1].source, "ER|PL");

	/* Collectors. */
	assert_int_equal(m->ncollectors, 3);
	c = m->collectors[0];
	assert_non_null(c->ops);
	assert_string_equal(c->ops->name, "bird");
	assert_string_equal(c->name, "bird sea-r1");
	assert_string_equal(c->path, "/run/bird/sea-r1.ctl");
	assert_string_equal(c->router, "sea-r1");
	assert_int_equal(c->interval_ms, 500);
	c = m->collectors[1];
	assert_string_equal(c->name, "bird /run/bird/lax.ctl");
	assert_string_equal(c->router, "");
	assert_int_equal(c->interval_ms, 60000);
	assert_int_equal(m->collectors[2]->interval_ms, 5000);

	/* Partners and sessions. */
	assert_int_equal(m->npartners, 2);
	p = m->partners[0];
	assert_string_equal(p->name, "example-isp");
	assert_int_equal(p->asn, 65002);
	assert_int_equal(p->backup_none, 0);
	assert_int_equal(p->nsessions, 3);
	q = m->partners[1];
	assert_string_equal(q->name, "other \"quoted\" isp");
	assert_int_equal(q->asn, 4200000000U);
	assert_int_equal(q->backup_none, 1);
	assert_int_equal(q->nsessions, 1);

	assert_int_equal(m->nsessions, 4);
	s = m->sessions[0];
	assert_ptr_equal(s, p->sessions[0]);
	assert_string_equal(s->name, "sea-r1");
	assert_string_equal(addr_fmt(&s->neighbor, buf, sizeof buf),
	    "192.0.2.1");
	assert_string_equal(s->router, "sea-r1");	/* defaults to name */
	assert_string_equal(s->edge, "sea");
	assert_int_equal(s->edge_idx, 0);
	assert_int_equal(s->role, ROLE_PRIMARY);
	assert_ptr_equal(s->partner, p);
	assert_int_equal(s->state, BGP_UNKNOWN);
	s = m->sessions[1];
	assert_string_equal(s->router, "sea-r2.example.net");
	s = m->sessions[2];
	assert_string_equal(s->name, "lax-r1");
	assert_int_equal(s->neighbor.af, AF_INET6);
	assert_string_equal(addr_fmt(&s->neighbor, buf, sizeof buf),
	    "2001:db8::9");
	assert_string_equal(s->edge, "lax");
	assert_int_equal(s->edge_idx, 1);
	assert_int_equal(s->role, ROLE_BACKUP);
	s = m->sessions[3];
	assert_ptr_equal(s, q->sessions[0]);
	assert_ptr_equal(s->partner, q);
	assert_int_equal(s->edge_idx, 3);
	/* Same neighbor as sea-r1 but another router: allowed. */
	assert_string_equal(s->router, "xyz-r1");

	/* Branches. */
	assert_int_equal(m->nbranches, 2);
	b = m->branches[0];
	assert_string_equal(b->name, "seattle-hq");
	assert_int_equal(b->naddrs, 2);
	assert_string_equal(addr_fmt(&b->addrs[0], buf, sizeof buf),
	    "216.160.83.56");
	assert_string_equal(addr_fmt(&b->addrs[1], buf, sizeof buf),
	    "2001:db8:1::1");
	assert_int_equal(b->nprefixes, 2);
	assert_string_equal(prefix_fmt(&b->prefixes[0].prefix, buf,
	    sizeof buf), "216.160.83.0/24");
	assert_int_equal(b->prefixes[0].origin, 65002);
	assert_string_equal(prefix_fmt(&b->prefixes[1].prefix, buf,
	    sizeof buf), "2001:db8:1::/48");
	assert_int_equal(b->prefixes[1].origin, 65002);
	assert_int_equal(b->has_location, 1);
	assert_true(b->cfg_lat == 47.25);
	assert_true(b->cfg_lon == -122.31);
	assert_string_equal(b->partner_name, "");
	assert_ptr_equal(b->partner, p);	/* by the prefix origin */
	assert_int_equal(b->nearest, -1);
	b = m->branches[1];
	assert_string_equal(b->partner_name, "other \"quoted\" isp");
	assert_ptr_equal(b->partner, q);	/* named */
	assert_int_equal(b->has_location, 0);
	assert_int_equal(b->nprefixes, 0);

	model_free(m);
}

/* Relative includes resolve from the including file, not the cwd. */
static void
test_include_relative(void **state)
{
	struct model	*m;
	char		 cwd[PATH_MAX];
	int		 i;

	assert_non_null(getcwd(cwd, sizeof cwd));
	assert_int_equal(chdir("/"), 0);
	m = parse_file_ok(CONFDIR "valid-include.conf");
	assert_int_equal(chdir(cwd), 0);

	i = model_edge_find(m, "new");
	assert_true(i >= 0);
	assert_string_equal(m->edges[i].metro, "Newtown");
	assert_string_equal(m->edges[i].country, "GB");
	assert_int_equal(m->npartners, 2);
	assert_int_equal(m->nsessions, 2);
	assert_int_equal(m->sessions[1]->edge_idx, i);
	assert_int_equal(m->nbranches, 1);
	assert_ptr_equal(m->branches[0]->partner, m->partners[0]);
	model_free(m);
}

static void
test_comments_and_strings(void **state)
{
	struct model	*m;

	m = parse_buf_ok(
	    "# leading comment\n"
	    "database \"/a b/#not-a-comment\\\\x\\\"y\" # trailing\n"
	    "datadir /data#comment right after a word\n"
	    "\r\n\t  # indented comment with \"quotes\" and { braces }\n"
	    "partner p as 1{session s neighbor 192.0.2.1 edge SEA role "
	    "primary}#end");
	assert_string_equal(m->database, "/a b/#not-a-comment\\x\"y");
	assert_string_equal(m->datadir, "/data");
	assert_int_equal(m->nsessions, 1);
	/* Edge codes are looked up case-insensitively, stored as known. */
	assert_string_equal(m->sessions[0]->edge, "sea");
	model_free(m);

	/* An empty file and a file of comments are valid and empty. */
	m = parse_buf_ok("");
	assert_int_equal(m->npartners, 0);
	model_free(m);
	m = parse_buf_ok("# nothing\n# at all");
	assert_null(m->database);
	model_free(m);
}

static void
test_values(void **state)
{
	struct model	*m;

	m = parse_buf_ok(
	    "bird a interval 10\n"
	    "bird b interval 100ms\n"
	    "bird c interval 1h\n"
	    "bird a router r1\n"
	    "partner p as as4294967295 { }\n"
	    "edge x1 { metro \"X\" country nl location -90 180 }\n"
	    "edge x2 { metro \"Y\" country NL location +89.999 -180.0 }\n"
	    "database one database two\n");
	assert_int_equal(m->collectors[0]->interval_ms, 10000);
	assert_int_equal(m->collectors[1]->interval_ms, 100);
	assert_int_equal(m->collectors[2]->interval_ms, 3600000);
	assert_string_equal(m->collectors[3]->name, "bird r1");
	assert_int_equal(m->partners[0]->asn, 4294967295U);
	assert_true(m->edges[model_edge_find(m, "x1")].lat == -90);
	assert_true(m->edges[model_edge_find(m, "x2")].lon == -180);
	assert_string_equal(m->database, "two");	/* last one wins */
	model_free(m);
}

static void
test_branch_partner(void **state)
{
	struct model	*m;

	/* The only partner. */
	m = parse_buf_ok("branch b { address 192.0.2.1 }\n"
	    "partner p as 1 { }\n");
	assert_ptr_equal(m->branches[0]->partner, m->partners[0]);
	model_free(m);

	/* Two partners: by the first prefix's origin, else none. */
	m = parse_buf_ok(
	    "partner p1 as 1 { } partner p2 as 2 { }\n"
	    "branch a { address 192.0.2.1 prefix 192.0.2.0/24 origin 2\n"
	    "    prefix 198.51.100.0/24 origin 1 }\n"
	    "branch b { address 192.0.2.2 prefix 192.0.2.0/25 origin 3 }\n"
	    "branch c { address 192.0.2.3 }\n"
	    "branch d { partner p1 address 192.0.2.4 prefix 10.0.0.0/8 "
	    "origin 2 }\n");
	assert_ptr_equal(m->branches[0]->partner, m->partners[1]);
	assert_null(m->branches[1]->partner);
	assert_null(m->branches[2]->partner);
	assert_ptr_equal(m->branches[3]->partner, m->partners[0]);
	model_free(m);

	/* No partners at all. */
	m = parse_buf_ok("branch b { address 192.0.2.1 }");
	assert_null(m->branches[0]->partner);
	model_free(m);
}

/* One test per error class, each from its own file in tests/conf/. */
static void
test_file_errors(void **state)
{
	expect_file_error("err-unknown-keyword.conf",
	    "4:5: unknown keyword \"sesion\", expected one of session, backup");
	expect_file_error("err-bad-address.conf",
	    "2:28: bad address \"192.0.2.300\": expected an IPv4 or IPv6 "
	    "address");
	expect_file_error("err-host-bits.conf",
	    "3:9: prefix 10.0.0.1/24 has host bits set (did you mean "
	    "10.0.0.0/24?)");
	expect_file_error("err-unknown-edge.conf",
	    "3:42: unknown edge \"zzz\"");
	expect_file_error("err-dup-partner.conf",
	    "2:9: duplicate partner \"example-isp\"");
	expect_file_error("err-dup-session.conf",
	    "5:10: duplicate session \"r1\"");
	expect_file_error("err-dup-neighbor.conf",
	    "3:57: neighbor 192.0.2.1 on router \"r1\" is already session "
	    "\"a\"");
	expect_file_error("err-dup-branch.conf",
	    "2:8: duplicate branch \"hq\"");
	expect_file_error("err-include-missing.conf",
	    "2:9: cannot read include \"does-not-exist.conf\": No such file "
	    "or directory");
	expect_file_error("err-bad-asn.conf",
	    "1:26: bad AS number \"4294967296\": expected 1 to 4294967295");
	expect_file_error("err-bad-duration.conf",
	    "1:36: bad duration \"5x\": expected 100ms to 1h, e.g. 500ms, 5s, "
	    "1m (a bare number is seconds)");
	expect_file_error("err-bad-latitude.conf",
	    "3:11: bad latitude \"91.5\": expected a number from -90 to 90");
	expect_file_error("err-missing-brace.conf",
	    "2:2: expected \"{\" after partner \"example-isp\", got "
	    "\"session\"");
	expect_file_error("err-eof-in-block.conf",
	    "3:1: unexpected end of file, expected \"}\" to close branch "
	    "\"hq\"");
	expect_file_error("err-unterminated-string.conf",
	    "2:12: unterminated string");
	expect_file_error("err-unknown-partner.conf",
	    "2:10: unknown partner \"nobody\"");
}

/* The cycle is reported in the file that closes it. */
static void
test_include_cycle(void **state)
{
	struct model	*m = new_model();
	char		*cause = NULL;

	assert_int_equal(config_parse(m, CONFDIR "err-include-cycle-a.conf",
	    &cause), -1);
	assert_string_equal(cause, CONFDIR "err-include-cycle-b.conf:2:9: "
	    "include \"err-include-cycle-a.conf\" makes a cycle: it is "
	    "already being read");
	/* What a read before the error set is still there, and freeable. */
	assert_string_equal(m->database, "/tmp/a.db");
	free(cause);
	model_free(m);
}

/*
 * Fan-out: 100 includes of a file with 100 includes, four levels down,
 * is refused at the 257th file, at once (it took minutes before).
 */
static void
test_include_fanout(void **state)
{
	struct model	*m = new_model();
	char		*cause = NULL;
	uint64_t	 t0 = now_mono_ms();

	assert_int_equal(config_parse(m, CONFDIR "fanout/f0.conf", &cause),
	    -1);
	assert_true(now_mono_ms() - t0 < 5000);
	assert_string_equal(cause, CONFDIR "fanout/f3.conf:53:9: include "
	    "\"f4.conf\": too many includes (at most 256 files in the whole "
	    "configuration)");
	free(cause);
	model_free(m);
}

/* Bytes: a 3 MiB file included six times crosses 16 MiB at the sixth. */
static void
test_include_bytes(void **state)
{
	struct model	*m = new_model();
	char		 dir[] = "/tmp/peertop-test-config.XXXXXX";
	char		*big, *top, *want, *cause = NULL, line[80];
	FILE		*f;
	int		 i;

	assert_non_null(mkdtemp(dir));
	xasprintf(&big, "%s/big.conf", dir);
	assert_non_null(f = fopen(big, "w"));
	memset(line, '#', sizeof line - 1);
	line[sizeof line - 2] = '\n';
	line[sizeof line - 1] = '\0';
	for (i = 0; i < 3 * 1024 * 1024 / 79; i++)
		fputs(line, f);
	fclose(f);
	xasprintf(&top, "%s/top.conf", dir);
	assert_non_null(f = fopen(top, "w"));
	for (i = 0; i < 6; i++)
		fprintf(f, "include \"big.conf\"\n");
	fclose(f);
	assert_int_equal(config_parse(m, top, &cause), -1);
	xasprintf(&want, "%s:6:9: include \"big.conf\": too much included "
	    "(at most 16 MiB in the whole configuration)", top);
	assert_string_equal(cause, want);
	free(want);
	free(cause);
	model_free(m);
	unlink(big);
	unlink(top);
	rmdir(dir);
	free(big);
	free(top);
}

/* Includes in a scratch directory: depth limit, self, dirs, FIFOs. */
static void
test_include_limits(void **state)
{
	struct model	*m;
	char		 dir[] = "/tmp/peertop-test-config.XXXXXX";
	char		*path, *want, *cause = NULL;
	FILE		*f;
	int		 i;

	assert_non_null(mkdtemp(dir));
	for (i = 0; i < 12; i++) {
		xasprintf(&path, "%s/d%d.conf", dir, i);
		assert_non_null(f = fopen(path, "w"));
		fprintf(f, "include \"d%d.conf\"\n", i + 1);
		fclose(f);
		free(path);
	}
	xasprintf(&path, "%s/self.conf", dir);
	assert_non_null(f = fopen(path, "w"));
	fprintf(f, "\n  include \"self.conf\"\n");
	fclose(f);
	free(path);
	xasprintf(&path, "%s/sub", dir);
	assert_int_equal(mkdir(path, 0700), 0);
	free(path);
	xasprintf(&path, "%s/fifo", dir);
	assert_int_equal(mkfifo(path, 0600), 0);
	free(path);

	/* The top file plus 8 levels of include; the 9th is refused. */
	m = new_model();
	xasprintf(&path, "%s/d0.conf", dir);
	assert_int_equal(config_parse(m, path, &cause), -1);
	xasprintf(&want, "%s/d8.conf:1:9: include \"d9.conf\" nested too "
	    "deeply (at most 8 levels)", dir);
	assert_string_equal(cause, want);
	free(want);
	free(cause);
	free(path);
	model_free(m);

	m = new_model();
	xasprintf(&path, "%s/self.conf", dir);
	assert_int_equal(config_parse(m, path, &cause), -1);
	xasprintf(&want, "%s:2:11: include \"self.conf\" makes a cycle: it "
	    "is already being read", path);
	assert_string_equal(cause, want);
	free(want);
	free(cause);
	free(path);
	model_free(m);

	/* A buffer's includes are relative to the directory in its name. */
	m = new_model();
	xasprintf(&path, "%s/buffer.conf", dir);
	assert_int_equal(config_parse_buffer(m, path, "include sub", 11,
	    &cause), -1);
	xasprintf(&want, "%s:1:9: cannot read include \"sub\": %s", path,
	    strerror(EISDIR));
	assert_string_equal(cause, want);
	free(want);
	free(cause);
	assert_int_equal(config_parse_buffer(m, path, "include fifo", 12,
	    &cause), -1);
	xasprintf(&want, "%s:1:9: cannot read include \"fifo\": not a "
	    "regular file", path);
	assert_string_equal(cause, want);
	free(want);
	free(cause);
	free(path);
	model_free(m);

	/* The top file itself. */
	m = new_model();
	xasprintf(&path, "%s/missing.conf", dir);
	assert_int_equal(config_parse(m, path, &cause), -1);
	xasprintf(&want, "%s: %s", path, strerror(ENOENT));
	assert_string_equal(cause, want);
	free(want);
	free(cause);
	free(path);
	model_free(m);

	for (i = 0; i < 12; i++) {
		xasprintf(&path, "%s/d%d.conf", dir, i);
		unlink(path);
		free(path);
	}
	xasprintf(&path, "%s/self.conf", dir);
	unlink(path);
	free(path);
	xasprintf(&path, "%s/fifo", dir);
	unlink(path);
	free(path);
	xasprintf(&path, "%s/sub", dir);
	rmdir(path);
	free(path);
	rmdir(dir);
}

/* bmp listen ADDRESS [port N] [{ allow PREFIX... max-routers N }] */
static void
test_bmp(void **state)
{
	struct model		*m;
	struct collector	*c;
	char			 b[PREFIX_STRLEN];

	m = parse_buf_ok(
	    "bmp listen 127.0.0.1\n"
	    "bmp listen ::1 port 1790 {\n"
	    "\tallow 10.0.0.0/8 192.0.2.1 2001:db8::/32\n"
	    "\tmax-routers 8\n"
	    "}\n");
	assert_int_equal(m->ncollectors, 2);
	c = m->collectors[0];
	assert_ptr_equal(c->ops, &collector_bmp);
	assert_string_equal(c->name, "bmp 127.0.0.1:11019");
	assert_int_equal(c->port, 11019);
	assert_int_equal(c->nallow, 0);
	assert_int_equal(c->max_routers, 0);
	c = m->collectors[1];
	assert_string_equal(c->name, "bmp [::1]:1790");
	assert_int_equal(c->listen.af, AF_INET6);
	assert_int_equal(c->port, 1790);
	assert_int_equal(c->max_routers, 8);
	assert_int_equal(c->nallow, 3);
	assert_string_equal(prefix_fmt(&c->allow[0], b, sizeof b),
	    "10.0.0.0/8");
	assert_string_equal(prefix_fmt(&c->allow[1], b, sizeof b),
	    "192.0.2.1/32");
	assert_string_equal(prefix_fmt(&c->allow[2], b, sizeof b),
	    "2001:db8::/32");
	model_free(m);

	expect_buf_error("bmp 127.0.0.1",
	    "t.conf:1:5: expected \"listen\" after bmp, got \"127.0.0.1\"");
	expect_buf_error("bmp listen x",
	    "t.conf:1:12: bad address \"x\": expected an IPv4 or IPv6 "
	    "address");
	expect_buf_error("bmp listen 127.0.0.1 port 70000",
	    "t.conf:1:27: bad port \"70000\": expected 1 to 65535");
	expect_buf_error("bmp listen 127.0.0.1 port 1 port 2",
	    "t.conf:1:29: port given twice for bmp");
	expect_buf_error("bmp listen 127.0.0.1 { allow }",
	    "t.conf:1:30: expected a prefix after allow, got \"}\"");
	expect_buf_error("bmp listen 127.0.0.1 { allow 10.0.0.1/8 }",
	    "t.conf:1:30: prefix 10.0.0.1/8 has host bits set (did you mean "
	    "10.0.0.0/8?)");
	expect_buf_error("bmp listen 127.0.0.1 { allow 10.0.0.0/8 foo }",
	    "t.conf:1:41: bad prefix \"foo\": expected ADDRESS/LENGTH or "
	    "ADDRESS, e.g. 192.0.2.0/24 or 2001:db8::1");
	expect_buf_error("bmp listen 127.0.0.1 { max-routers 0 }",
	    "t.conf:1:36: bad max-routers \"0\": expected 1 to 4096");
	expect_buf_error("bmp listen 127.0.0.1 { max-routers 2 max-routers 3 }",
	    "t.conf:1:38: max-routers given twice for bmp");
	expect_buf_error("bmp listen 127.0.0.1 { bogus }",
	    "t.conf:1:24: unknown keyword \"bogus\", expected one of allow, "
	    "max-routers, init-timeout, message-timeout, hold-time, "
	    "max-peers, max-prefix, max-routes");
	expect_buf_error("bmp listen 127.0.0.1 { allow 10.0.0.0/8",
	    "t.conf:1:40: unexpected end of file, expected \"}\" to close "
	    "bmp");
	expect_buf_error("bmp listen 127.0.0.1\nbmp listen 127.0.0.1 port 11019",
	    "t.conf:2:12: duplicate bmp listener for this address and port");
}

/* Listeners any host can reach are warned about, with file:line. */
static void
test_listen_warnings(void **state)
{
	static const char *const want[] = {
		"t.conf:1:12: bmp listen 0.0.0.0 without allow: any host that "
		"reaches port 11019 can stream BMP as a router",
		"t.conf:2:12: bmp listen :: without allow: any host that "
		"reaches port 2 can stream BMP as a router",
		"t.conf:3:12: bmp listen 192.0.2.1 without allow: any host that "
		"reaches port 3 can stream BMP as a router",
		"t.conf:5:15: ingest listen 192.0.2.1 without token: any host "
		"that reaches port 8080 can post latency samples",
		"t.conf:5:15: ingest listen 192.0.2.1 without tls: the token "
		"and every sample cross the network in clear",
		"t.conf:6:16: metrics listen :: without access control: any "
		"host that reaches port 9425 can read every session, partner "
		"and branch",
		"t.conf:6:16: metrics listen :: without tls: every scrape and "
		"its answer cross the network in clear",
	};
	struct model	*m;
	size_t		 i;

	m = parse_buf_ok(
	    "bmp listen 127.0.0.1\n"
	    "bmp listen ::1 port 2\n"
	    "bmp listen ::ffff:127.0.0.2 port 3\n"
	    "bmp listen 192.0.2.1 port 4 { allow 192.0.2.0/24 }\n"
	    "ingest listen 127.0.0.1\n"
	    "metrics listen ::1 port 9100\n");
	assert_int_equal(m->metrics.enabled, 1);
	assert_int_equal(m->metrics.port, 9100);
	assert_int_equal(m->nconfig_warnings, 0);
	model_free(m);

	m = parse_buf_ok(
	    "bmp listen 0.0.0.0\n"
	    "bmp listen :: port 2 { max-routers 4 }\n"
	    "bmp listen 192.0.2.1 port 3 { allow 10.0.0.0/8 0.0.0.0/0 }\n"
	    "bmp listen 192.0.2.1 port 4 { allow 10.0.0.0/8 }\n"
	    "ingest listen 192.0.2.1 port 8080\n"
	    "metrics listen ::\n");
	assert_int_equal(m->metrics.port, METRICS_PORT_DEFAULT);
	assert_int_equal(m->nconfig_warnings, nitems(want));
	for (i = 0; i < nitems(want); i++)
		assert_string_equal(m->config_warnings[i], want[i]);
	model_free(m);

	/* A token, but in clear. */
	m = parse_buf_ok("ingest listen 0.0.0.0 token \"s3cret\"\n");
	assert_int_equal(m->nconfig_warnings, 1);
	assert_string_equal(m->config_warnings[0], "t.conf:1:15: ingest "
	    "listen 0.0.0.0 without tls: the token and every sample cross "
	    "the network in clear");
	model_free(m);

	expect_buf_error("metrics listen 127.0.0.1\nmetrics listen ::1",
	    "t.conf:2:1: metrics given twice");
	expect_buf_error("metrics listen 127.0.0.1 port 0",
	    "t.conf:1:31: bad port \"0\": expected 1 to 65535");
	expect_buf_error("metrics 127.0.0.1",
	    "t.conf:1:9: expected \"listen\" after metrics, got \"127.0.0.1\"");
}

/*
 * api listen ADDR [port N] [{ token max-connections request-timeout }]:
 * the values, the options on the line or in the block, and the warning
 * for a listener any host reaches without a token.
 */
static void
test_api(void **state)
{
	struct model	*m;

	(void)state;
	m = parse_buf_ok("api listen 127.0.0.1\n");
	assert_true(m->api.enabled);
	assert_int_equal(m->api.port, API_PORT_DEFAULT);
	assert_string_equal(m->api.token, "");
	assert_int_equal(m->nconfig_warnings, 0);
	model_free(m);

	m = parse_buf_ok("api listen ::1 port 9000 {\n"
	    "\ttoken \"s3cret\" max-connections 20 request-timeout 5s\n}\n");
	assert_int_equal(m->api.listen.af, AF_INET6);
	assert_int_equal(m->api.port, 9000);
	assert_string_equal(m->api.token, "s3cret");
	assert_int_equal(m->api.max_conns, 20);
	assert_int_equal(m->api.request_timeout_ms, 5000);
	model_free(m);

	m = parse_buf_ok("api listen 192.0.2.1 port 9000\n");
	assert_int_equal(m->nconfig_warnings, 2);
	assert_string_equal(m->config_warnings[0], "t.conf:1:12: api listen "
	    "192.0.2.1 without token: any host that reaches port 9000 can "
	    "read the state of every session, partner and branch");
	assert_string_equal(m->config_warnings[1], "t.conf:1:12: api listen "
	    "192.0.2.1 without tls: the token and every answer cross the "
	    "network in clear");
	model_free(m);
	m = parse_buf_ok("api listen 0.0.0.0 token \"s3cret\"\n");
	assert_int_equal(m->nconfig_warnings, 1);
	model_free(m);

	expect_buf_error("api listen 127.0.0.1\napi listen ::1",
	    "t.conf:2:1: api given twice");
	expect_buf_error("api 127.0.0.1",
	    "t.conf:1:5: expected \"listen\" after api, got \"127.0.0.1\"");
	expect_buf_error("api listen 127.0.0.1 { max-connections 0 }",
	    "t.conf:1:40: bad max-connections \"0\": expected 1 to 10000");
	expect_buf_error("api listen 127.0.0.1 { bogus 1 }",
	    "t.conf:1:24: unknown keyword \"bogus\", expected one of port, "
	    "token, max-connections, request-timeout, tls");
}

/*
 * tls { certificate key ca client-certificates } in api, metrics and
 * ingest, tls { ca certificate key } in agent: the values, on the line
 * or in a block; the files read at parse time, so that -n names a
 * missing, unreadable or mismatched one at its line; no warning once a
 * listener other hosts reach has tls.
 */
static void
test_tls(void **state)
{
	char		 dir[] = "/tmp/peertop-test-config-tls.XXXXXX";
	char		*text, *want;
	struct model	*m;

	(void)state;
	assert_non_null(mkdtemp(dir));
	test_certs_make(dir);

	xasprintf(&text,
	    "api listen 0.0.0.0 port 9000 {\n"
	    "\ttoken \"s3cret\"\n"
	    "\ttls { certificate \"%1$s/server.pem\" key \"%1$s/server.key\"\n"
	    "\t    ca \"%1$s/ca.pem\" client-certificates optional }\n"
	    "}\n"
	    "metrics listen :: tls { certificate \"%1$s/server.pem\"\n"
	    "\tkey \"%1$s/server.key\" }\n"
	    "ingest listen 192.0.2.1 token \"t\" {\n"
	    "\ttls { certificate \"%1$s/server2.pem\" key \"%1$s/server2.key\"\n"
	    "\t    ca \"%1$s/ca.pem\" client-certificates require }\n"
	    "}\n"
	    "agent \"london\" { collector 192.0.2.1 token \"t\"\n"
	    "\ttls { ca \"%1$s/ca.pem\" certificate \"%1$s/client.pem\"\n"
	    "\t    key \"%1$s/client.key\" }\n"
	    "}\n", dir);
	m = parse_buf_ok(text);
	free(text);
	/* Encrypted, but anyone may still scrape it. */
	assert_int_equal(m->nconfig_warnings, 1);
	assert_string_equal(m->config_warnings[0], "t.conf:6:16: metrics "
	    "listen :: without access control: any host that reaches port "
	    "9425 can read every session, partner and branch");
	assert_true(m->api.tls.enabled);
	assert_non_null(strstr(m->api.tls.certificate, "/server.pem"));
	assert_non_null(strstr(m->api.tls.ca, "/ca.pem"));
	assert_int_equal(m->api.tls.client_certs, TLS_CC_OPTIONAL);
	assert_true(m->metrics.tls.enabled);
	assert_int_equal(m->metrics.tls.client_certs, TLS_CC_NONE);
	assert_true(m->ingest.tls.enabled);
	assert_int_equal(m->ingest.tls.client_certs, TLS_CC_REQUIRE);
	assert_non_null(strstr(m->ingest.tls.key, "/server2.key"));
	assert_true(m->agent.tls.enabled);
	assert_non_null(strstr(m->agent.tls.certificate, "/client.pem"));
	model_free(m);

	/* An agent pushing in clear across the network is warned about. */
	m = parse_buf_ok("agent \"a\" { collector 192.0.2.1 }\n");
	assert_int_equal(m->nconfig_warnings, 1);
	assert_string_equal(m->config_warnings[0], "t.conf:1:1: agent \"a\" "
	    "pushes to 192.0.2.1 without tls: the token and every sample "
	    "cross the network in clear");
	model_free(m);

	/* A file that is not there, at its name. */
	xasprintf(&text, "api listen 127.0.0.1 {\n"
	    "\ttls { certificate \"%1$s/nothere.pem\" key \"%1$s/server.key\" }"
	    "\n}\n", dir);
	xasprintf(&want, "t.conf:2:20: cannot read certificate "
	    "\"%s/nothere.pem\": No such file or directory", dir);
	expect_buf_error(text, want);
	free(text);
	free(want);

	/* Not matching: at the tls keyword, both files named. */
	xasprintf(&text, "ingest listen 127.0.0.1 tls { certificate "
	    "\"%1$s/server.pem\" key \"%1$s/other.key\" }\n", dir);
	xasprintf(&want, "t.conf:1:25: ingest: tls: key %1$s/other.key does "
	    "not match certificate %1$s/server.pem", dir);
	expect_buf_error(text, want);
	free(text);
	free(want);

	/* A key for a certificate. */
	xasprintf(&text, "metrics listen 127.0.0.1 tls { certificate "
	    "\"%1$s/server.key\" key \"%1$s/server.key\" }\n", dir);
	expect_buf_error_has(text, "t.conf:1:26: metrics: tls: bad "
	    "certificate ");

	expect_buf_error("api listen 127.0.0.1 { tls { } }",
	    "t.conf:1:30: tls in api needs certificate \"FILE\" and key "
	    "\"FILE\"");
	expect_buf_error("api listen 127.0.0.1 { tls { client-certificates "
	    "sometimes } }", "t.conf:1:50: bad client-certificates "
	    "\"sometimes\": expected none, optional or require");
	expect_buf_error("agent \"a\" { collector 127.0.0.1 tls { "
	    "client-certificates require } }", "t.conf:1:39: unknown keyword "
	    "\"client-certificates\", expected one of ca, certificate, key");
	xasprintf(&text, "api listen 127.0.0.1 { tls { certificate "
	    "\"%1$s/server.pem\" key \"%1$s/server.key\" client-certificates "
	    "require } }", dir);
	expect_buf_error_has(text, "tls in api: client-certificates needs "
	    "the ca that signs them");
	xasprintf(&text, "api listen 127.0.0.1 { tls { certificate "
	    "\"%1$s/server.pem\" key \"%1$s/server.key\" } tls { } }", dir);
	expect_buf_error_has(text, "tls given twice in api");

	test_certs_remove(dir);
}

/* bmp { init-timeout D message-timeout D hold-time D|off } */
static void
test_bmp_timeouts(void **state)
{
	struct model		*m;
	struct collector	*c;

	m = parse_buf_ok(
	    "bmp listen 127.0.0.1\n"
	    "bmp listen ::1 { allow 10.0.0.0/8 init-timeout 2s\n"
	    "\tmessage-timeout 500ms hold-time 5m }\n"
	    "bmp listen 127.0.0.2 { hold-time off }\n");
	c = m->collectors[0];
	assert_int_equal(c->init_timeout_ms, 0);
	assert_int_equal(c->message_timeout_ms, 0);
	assert_int_equal(c->hold_ms, 0);
	c = m->collectors[1];
	assert_int_equal(c->nallow, 1);
	assert_int_equal(c->init_timeout_ms, 2000);
	assert_int_equal(c->message_timeout_ms, 500);
	assert_int_equal(c->hold_ms, 300000);
	assert_int_equal(m->collectors[2]->hold_ms, 0);
	model_free(m);

	expect_buf_error("bmp listen 127.0.0.1 { init-timeout off }",
	    "t.conf:1:37: bad init-timeout \"off\": expected 100ms to 1h, "
	    "e.g. 500ms, 10s, 2m (a bare number is seconds)");
	expect_buf_error("bmp listen 127.0.0.1 { message-timeout 2h }",
	    "t.conf:1:40: bad message-timeout \"2h\": expected 100ms to 1h, "
	    "e.g. 500ms, 10s, 2m (a bare number is seconds)");
	expect_buf_error("bmp listen 127.0.0.1 { hold-time 500ms }",
	    "t.conf:1:34: bad hold-time \"500ms\": expected off or 1s to "
	    "24h, e.g. 500ms, 10s, 2m (a bare number is seconds)");
	expect_buf_error("bmp listen 127.0.0.1 { hold-time 1m hold-time 2m }",
	    "t.conf:1:37: hold-time given twice for bmp");
	expect_buf_error("bmp listen 127.0.0.1 { init-timeout }",
	    "t.conf:1:37: expected a duration after init-timeout, got \"}\"");
}

/*
 * relation customer|peer|provider|rs|rs-client in a session (issue 16):
 * the neighbor's relation to the partner's router; unset, the neighbor's
 * announced BGP Role, else peer.
 */
static void
test_relation(void **state)
{
	struct model	*m;
	struct session	*s;

	(void)state;
	m = parse_buf_ok(
	    "partner p as 64500 {\n"
	    "  session ms neighbor 192.0.2.1 edge sea role primary "
	    "relation peer\n"
	    "  session up neighbor 192.0.2.2 relation provider edge sea "
	    "role backup\n"
	    "  session cu neighbor 192.0.2.3 edge sea role backup "
	    "relation customer\n"
	    "  session ix neighbor 192.0.2.4 edge sea role backup "
	    "relation rs\n"
	    "  session c neighbor 192.0.2.5 edge sea role backup\n"
	    "}\n");
	assert_int_equal(model_session_find(m, "ms")->relation,
	    BGP_ROLE_PEER);
	assert_int_equal(model_session_find(m, "up")->relation,
	    BGP_ROLE_PROVIDER);
	assert_int_equal(model_session_find(m, "cu")->relation,
	    BGP_ROLE_CUSTOMER);
	assert_int_equal(model_session_find(m, "ix")->relation, BGP_ROLE_RS);
	s = model_session_find(m, "c");
	assert_int_equal(s->relation, BGP_ROLE_NONE);
	/* Unset: what the neighbor announced, else peer. */
	assert_int_equal(bgp_role_effective(s->relation, BGP_ROLE_NONE),
	    BGP_ROLE_PEER);
	assert_int_equal(bgp_role_effective(s->relation, BGP_ROLE_CUSTOMER),
	    BGP_ROLE_CUSTOMER);
	model_free(m);

	expect_buf_error("partner p as 1 {\n"
	    "  session s neighbor 192.0.2.1 relation upstream }",
	    "t.conf:2:41: bad relation \"upstream\": expected customer, "
	    "peer, provider, rs or rs-client");
	expect_buf_error("partner p as 1 {\n"
	    "  session s neighbor 192.0.2.1 relation peer relation rs }",
	    "t.conf:2:46: relation given twice for session \"s\"");
	expect_buf_error("partner p as 1 {\n"
	    "  session s neighbor 192.0.2.1 relation }",
	    "t.conf:2:41: expected customer, peer, provider, rs or rs-client "
	    "after relation, got \"}\"");
}

/*
 * max-prefix N [warning|drop] in a session and in a bmp block (drop
 * without a word), max-peers N and max-routes N in a bmp block (issue
 * 13, item 5).
 */
static void
test_max_prefix(void **state)
{
	struct model	*m;
	struct session	*s;

	(void)state;
	m = parse_buf_ok(
	    "bmp listen 127.0.0.1 { max-prefix 500000 warning max-peers 64 }\n"
	    "bmp listen ::1 { max-prefix 2000 allow ::1 }\n"
	    "partner p as 1 {\n"
	    "  session a neighbor 192.0.2.1 max-prefix 1000 drop edge sea "
	    "role primary\n"
	    "  session b neighbor 192.0.2.2 edge sea role backup "
	    "max-prefix 0\n"
	    "  session c neighbor 192.0.2.3 edge sea role backup\n"
	    "}\n");
	assert_true(m->collectors[0]->max_prefix.set);
	assert_int_equal(m->collectors[0]->max_prefix.limit, 500000);
	assert_false(m->collectors[0]->max_prefix.drop);
	assert_int_equal(m->collectors[0]->max_peers, 64);
	assert_int_equal(m->collectors[1]->max_prefix.limit, 2000);
	assert_true(m->collectors[1]->max_prefix.drop);
	assert_int_equal(m->collectors[1]->nallow, 1);
	assert_int_equal(m->collectors[1]->max_peers, 0);
	s = model_session_find(m, "a");
	assert_true(s->max_prefix.set && s->max_prefix.drop);
	assert_int_equal(s->max_prefix.limit, 1000);
	assert_string_equal(s->edge, "sea");
	s = model_session_find(m, "b");
	assert_true(s->max_prefix.set && s->max_prefix.drop);
	assert_int_equal(s->max_prefix.limit, 0);
	assert_false(model_session_find(m, "c")->max_prefix.set);
	model_free(m);

	expect_buf_error("bmp listen 127.0.0.1 { max-prefix }",
	    "t.conf:1:35: expected a number of routes after max-prefix, got "
	    "\"}\"");
	expect_buf_error("bmp listen 127.0.0.1 { max-prefix 1e6 }",
	    "t.conf:1:35: bad max-prefix \"1e6\" for bmp: expected a number "
	    "of routes, 0 (no limit) to 4294967295");
	expect_buf_error("bmp listen 127.0.0.1 { max-prefix 4294967296 }",
	    "t.conf:1:35: bad max-prefix \"4294967296\" for bmp: expected a "
	    "number of routes, 0 (no limit) to 4294967295");
	expect_buf_error("bmp listen 127.0.0.1 { max-prefix 5 max-prefix 6 }",
	    "t.conf:1:37: max-prefix given twice for bmp");
	expect_buf_error("bmp listen 127.0.0.1 { max-prefix 5 warn }",
	    "t.conf:1:37: unknown keyword \"warn\", expected one of allow, "
	    "max-routers, init-timeout, message-timeout, hold-time, "
	    "max-peers, max-prefix, max-routes");
	expect_buf_error("bmp listen 127.0.0.1 { max-peers 0 }",
	    "t.conf:1:34: bad max-peers \"0\": expected 1 to 65536");

	/* max-routes N per router: 0 is no limit; unset is the default. */
	m = parse_buf_ok(
	    "bmp listen 127.0.0.1 { max-routes 3000000 }\n"
	    "bmp listen ::1 { max-routes 0 }\n"
	    "bmp listen 127.0.0.2\n");
	assert_true(m->collectors[0]->max_routes_set);
	assert_int_equal(m->collectors[0]->max_routes, 3000000);
	assert_true(m->collectors[1]->max_routes_set);
	assert_int_equal(m->collectors[1]->max_routes, 0);
	assert_false(m->collectors[2]->max_routes_set);
	model_free(m);
	expect_buf_error("bmp listen 127.0.0.1 { max-routes 16M }",
	    "t.conf:1:35: bad max-routes \"16M\": expected 0 to 4294967295");
	expect_buf_error("bmp listen 127.0.0.1 { max-routes 4294967296 }",
	    "t.conf:1:35: bad max-routes \"4294967296\": expected 0 to "
	    "4294967295");
	expect_buf_error("bmp listen 127.0.0.1 { max-routes 1 max-routes 2 }",
	    "t.conf:1:37: max-routes given twice for bmp");
	expect_buf_error("partner p as 1 {\n"
	    "  session s neighbor 192.0.2.1 max-prefix -1 }",
	    "t.conf:2:43: bad max-prefix \"-1\" for session \"s\": expected "
	    "a number of routes, 0 (no limit) to 4294967295");
	expect_buf_error("partner p as 1 {\n"
	    "  session s neighbor 192.0.2.1 max-prefix 5 max-prefix 5 }",
	    "t.conf:2:45: max-prefix given twice for session \"s\"");
}

/*
 * A notify block's partner and branch name ones that exist, defined
 * before or after it; an unknown one is an error at its line.
 */
static void
test_notify_refs(void **state)
{
	(void)state;
	model_free(parse_buf_ok("notify n {\n  partner p\n  branch b\n"
	    "  syslog\n}\n"
	    "partner p as 1 { }\n"
	    "branch b { partner p address 192.0.2.9 }\n"));
	expect_buf_error("partner p as 1 { }\n"
	    "notify n {\n  partner \"nope\"\n  syslog\n}\n",
	    "t.conf:3:11: notify: unknown partner \"nope\"");
	expect_buf_error("partner p as 1 { }\n"
	    "notify n {\n  syslog\n  branch \"nope\"\n}\n",
	    "t.conf:4:10: notify: unknown branch \"nope\"");
}

/* A notify destination's URL is one the collector can use. */
static void
test_notify_urls(void **state)
{
	static const struct {
		const char	*url, *why;
	} bad[] = {
		{ "https://127.0.0.1:99999/x", "bad port: expected 1 to 65535" },
		{ "https://127.0.0.1:0/x", "bad port: expected 1 to 65535" },
		{ "https://127.0.0.1:9x/x", "bad port: expected 1 to 65535" },
		{ "https://127.0.0.1:19443/a b",
		  "a space or control character in it" },
		{ "https://", "no host" },
		{ "http://:80/x", "no host" },
		{ "http://[]:80/x", "no host" },
		{ "http://[::1/x", "no host" },
		{ "ftp://h.example/x", "expected an http:// or https:// URL" },
	};
	static const char *good[] = {
		"https://hooks.example/T0/B0?x=1",
		"http://127.0.0.1:9093",
		"https://[::1]:19443/a",
		"https://user@h.example:8443/p",
		"http://h.example:/p",
	};
	char		*text, want[256];
	size_t		 i;

	(void)state;
	for (i = 0; i < nitems(bad); i++) {
		xasprintf(&text, "notify n {\n  webhook \"%s\"\n}\n",
		    bad[i].url);
		snprintf(want, sizeof want, "t.conf:2:11: webhook \"%s\": %s",
		    bad[i].url, bad[i].why);
		expect_buf_error(text, want);
		free(text);
	}
	expect_buf_error("notify n {\n  alertmanager \"https://h:65536\"\n}",
	    "t.conf:2:16: alertmanager \"https://h:65536\": bad port: "
	    "expected 1 to 65535");
	for (i = 0; i < nitems(good); i++) {
		xasprintf(&text, "notify n {\n  webhook \"%s\"\n}\n", good[i]);
		model_free(parse_buf_ok(text));
		free(text);
	}
}

/* Error classes from buffers, with the exact message. */
static void
test_buffer_errors(void **state)
{
	struct model	*m;
	char		*big;
	size_t		 n;

	expect_buf_error("databse \"x\"",
	    "t.conf:1:1: unknown keyword \"databse\", expected one of "
	    "include, database, datadir, geoip, edge, bird, bmp, routes, "
	    "latency, probe, prometheus, ingest, agent, control, api, metrics, "
	    "notify, partner, branch, rpki, turnup");
	expect_buf_error("\n  \"database\" x",
	    "t.conf:2:3: expected one of include, database, datadir, geoip, "
	    "edge, bird, bmp, routes, latency, probe, prometheus, ingest, "
	    "agent, control, api, metrics, notify, partner, branch, rpki, turnup, "
	    "got string \"database\"");
	expect_buf_error("database x }",
	    "t.conf:1:12: unexpected \"}\" outside any block");
	expect_buf_error("database",
	    "t.conf:1:9: expected a file name after database, got end of "
	    "file");
	expect_buf_error("database \"\"",
	    "t.conf:1:10: a file name after database must not be empty");
	expect_buf_error("geoip town x",
	    "t.conf:1:7: unknown keyword \"town\", expected one of city, asn");
	expect_buf_error("database \"a\\nb\"",
	    "t.conf:1:12: bad escape \"\\n\" in string: only \\\" and \\\\ "
	    "are allowed");
	expect_buf_error("database \"a\001b\"",
	    "t.conf:1:12: control character 0x01 in string");
	expect_buf_error("database x\001",
	    "t.conf:1:11: unexpected control character 0x01");
	expect_buf_error("database \"abc",
	    "t.conf:1:10: unterminated string");
	expect_buf_error("database \"abc\\",
	    "t.conf:1:10: unterminated string");

	/* Edges. */
	expect_buf_error("edge SEA { }",
	    "t.conf:1:6: bad edge code \"SEA\": expected 2 to 7 lowercase "
	    "letters or digits");
	expect_buf_error("edge abcdefgh { }",
	    "t.conf:1:6: bad edge code \"abcdefgh\": expected 2 to 7 "
	    "lowercase letters or digits");
	expect_buf_error("edge xyz { metro \"X\" }",
	    "t.conf:1:6: new edge \"xyz\" needs metro, country and location "
	    "(missing: country location)");
	expect_buf_error("edge sea { country USA }",
	    "t.conf:1:20: bad country \"USA\": expected a two-letter ISO 3166 "
	    "code");
	expect_buf_error("edge sea { metro a metro b }",
	    "t.conf:1:20: metro given twice for edge \"sea\"");
	expect_buf_error("edge sea { location 10 181 }",
	    "t.conf:1:24: bad longitude \"181\": expected a number from -180 "
	    "to 180");
	expect_buf_error("edge sea { location nan 1 }",
	    "t.conf:1:21: bad latitude \"nan\": expected a number from -90 "
	    "to 90");
	expect_buf_error("edge sea { location 0x10 1 }",
	    "t.conf:1:21: bad latitude \"0x10\": expected a number from -90 "
	    "to 90");
	expect_buf_error("edge sea metro x",
	    "t.conf:1:10: expected \"{\" after edge \"sea\", got \"metro\"");

	/* Collectors and durations. */
	expect_buf_error("bird x interval 50ms",
	    "t.conf:1:17: bad duration \"50ms\": expected 100ms to 1h, e.g. "
	    "500ms, 5s, 1m (a bare number is seconds)");
	expect_buf_error("bird x interval 61m",
	    "t.conf:1:17: bad duration \"61m\": expected 100ms to 1h, e.g. "
	    "500ms, 5s, 1m (a bare number is seconds)");
	expect_buf_error("bird x interval 1.5s",
	    "t.conf:1:17: bad duration \"1.5s\": expected 100ms to 1h, e.g. "
	    "500ms, 5s, 1m (a bare number is seconds)");
	expect_buf_error("bird x interval 99999999999",
	    "t.conf:1:17: bad duration \"99999999999\": expected 100ms to 1h, "
	    "e.g. 500ms, 5s, 1m (a bare number is seconds)");
	expect_buf_error("bird x router r\nbird x router r",
	    "t.conf:2:6: duplicate bird collector for this socket and router");
	expect_buf_error("bird x interval 5 interval 6",
	    "t.conf:1:19: interval given twice for bird");

	/* Partners and sessions. */
	expect_buf_error("partner p as 0 { }",
	    "t.conf:1:14: bad AS number \"0\": expected 1 to 4294967295");
	expect_buf_error("partner p as AS { }",
	    "t.conf:1:14: bad AS number \"AS\": expected 1 to 4294967295");
	expect_buf_error("partner p asn 1 { }",
	    "t.conf:1:11: expected \"as\" after partner \"p\", got \"asn\"");
	expect_buf_error("partner p as 1 { backup sea }",
	    "t.conf:1:25: expected \"none\" after backup, got \"sea\" (the "
	    "backup metro comes from sessions with role backup)");
	expect_buf_error("partner p as 1 {\n"
	    "  session s neighbor 192.0.2.1 edge sea role main }",
	    "t.conf:2:46: bad role \"main\": expected primary or backup");
	expect_buf_error("partner p as 1 {\n"
	    "  session s neighbor 192.0.2.1 edge sea }",
	    "t.conf:2:41: session \"s\" is missing role (expected one of "
	    "neighbor, router, edge, role, max-prefix, relation, got "
	    "\"}\")");
	expect_buf_error("partner p as 1 {\n"
	    "  session s neighbor 192.0.2.1 edg sea role primary }",
	    "t.conf:2:32: unknown keyword \"edg\", expected one of neighbor, "
	    "router, edge, role, max-prefix, relation");
	expect_buf_error("partner p as 1 {\n"
	    "  session s neighbor 192.0.2.1 neighbor 192.0.2.2 }",
	    "t.conf:2:32: neighbor given twice for session \"s\"");
	expect_buf_error("partner p as 1 { session \"\" }",
	    "t.conf:1:26: session name must not be empty");
	/* UTF-8 names are fine; Latin-1 bytes or C1 controls are not. */
	m = parse_buf_ok("partner \"K\xc3\xb6ln-net\" as 1 { }");
	assert_string_equal(m->partners[0]->name, "K\xc3\xb6ln-net");
	model_free(m);
	expect_buf_error("partner \"caf\xe9\" as 1 { }",
	    "t.conf:1:9: partner name is not valid UTF-8");
	expect_buf_error("branch \"x\xc2\x9b" "1m\" { }",
	    "t.conf:1:8: branch name is not valid UTF-8");
	expect_buf_error("partner p as 1 { session "
	    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa }",
	    "t.conf:1:26: session name is too long (at most 63 bytes)");
	expect_buf_error("partner p as 1 {\n"
	    "  session s neighbor 192.0.2.1 edge sea role primary\n"
	    "  session t router s neighbor 192.0.2.1 edge sea role backup }",
	    "t.conf:3:31: neighbor 192.0.2.1 on router \"s\" is already "
	    "session \"s\"");
	expect_buf_error("partner p as 1 { session s neighbor ::ffff:1.2.3.4/1 "
	    "}", "t.conf:1:37: bad address \"::ffff:1.2.3.4/1\": expected an "
	    "IPv4 or IPv6 address");

	/* Branches. */
	expect_buf_error("branch b { }",
	    "t.conf:1:12: branch \"b\" needs at least one address");
	expect_buf_error("branch b { address 192.0.2.1 prefix 192.0.2.0/24 }",
	    "t.conf:1:50: expected \"origin\" after prefix 192.0.2.0/24, got "
	    "\"}\"");
	expect_buf_error("branch b { prefix 192.0.2.0/33 origin 1 }",
	    "t.conf:1:19: bad prefix \"192.0.2.0/33\": expected "
	    "ADDRESS/LENGTH, e.g. 192.0.2.0/24 or 2001:db8::/32");
	expect_buf_error("branch b { prefix 2001:db8::1/32 origin 1 }",
	    "t.conf:1:19: prefix 2001:db8::1/32 has host bits set (did you "
	    "mean 2001:db8::/32?)");
	expect_buf_error("branch b { prefix 192.0.2.129/25 origin 1 }",
	    "t.conf:1:19: prefix 192.0.2.129/25 has host bits set (did you "
	    "mean 192.0.2.128/25?)");
	expect_buf_error("branch b { address 192.0.2.1 location -90.5 0 }",
	    "t.conf:1:39: bad latitude \"-90.5\": expected a number from -90 "
	    "to 90");
	expect_buf_error("branch b { address 192.0.2.1 address }",
	    "t.conf:1:38: expected an address after address, got \"}\"");
	expect_buf_error("branch b { address 192.0.2.1 { }",
	    "t.conf:1:30: expected one of partner, address, prefix, location, "
	    "probe, latency, "
	    "got \"{\"");
	expect_buf_error("branch b { address 192.0.2.1 } branch c { partner x "
	    "address 192.0.2.2 }",
	    "t.conf:1:51: unknown partner \"x\"");

	/* Token length is bounded, and long tokens are cut in messages. */
	n = 5000;
	big = xmalloc(n + 16);
	memcpy(big, "database ", 9);
	memset(big + 9, 'a', n);
	big[9 + n] = '\0';
	expect_buf_error(big,
	    "t.conf:1:10: word too long (at most 4096 bytes)");
	memcpy(big, "xxxxxxxx ", 9);
	big[9 + 60] = '\0';
	expect_buf_error(big + 9, "t.conf:1:1: unknown keyword "
	    "\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa...\", expected "
	    "one of include, database, datadir, geoip, edge, bird, bmp, routes, "
	    "latency, probe, prometheus, ingest, agent, control, api, metrics, "
	    "notify, partner, branch, rpki, turnup");
	free(big);
}

/* Every truncation of a valid file parses or fails cleanly. */
static void
test_truncations(void **state)
{
	struct model	*m;
	FILE		*f;
	char		 buf[8192], *cause;
	size_t		 len, i;
	int		 ok = 0;

	assert_non_null(f = fopen(CONFDIR "valid-full.conf", "r"));
	len = fread(buf, 1, sizeof buf, f);
	fclose(f);
	assert_true(len > 100 && len < sizeof buf);
	for (i = 0; i <= len; i++) {
		m = new_model();
		cause = NULL;
		if (config_parse_buffer(m, "t.conf", buf, i, &cause) == 0) {
			assert_null(cause);
			ok++;
		} else {
			assert_non_null(cause);
			assert_int_equal(strncmp(cause, "t.conf:", 7), 0);
		}
		free(cause);
		model_free(m);
	}
	/* Some prefixes are whole statements; most are not. */
	assert_true(ok > 0 && (size_t)ok < len);
}

static void
test_default_path(void **state)
{
	char	 dir[] = "/tmp/peertop-test-home.XXXXXX";
	char	*path, *want, *p;
	FILE	*f;

	setenv("PEERTOP_CONF", "/nonexistent/explicit.conf", 1);
	p = config_default_path();
	assert_string_equal(p, "/nonexistent/explicit.conf");
	free(p);
	unsetenv("PEERTOP_CONF");

	assert_non_null(mkdtemp(dir));
	setenv("HOME", dir, 1);
	p = config_default_path();
	if (p != NULL)	/* only the system file may be found */
		assert_string_equal(p, PEERTOP_SYSCONFDIR "/peertop.conf");
	free(p);

	xasprintf(&path, "%s/.config", dir);
	assert_int_equal(mkdir(path, 0700), 0);
	free(path);
	xasprintf(&path, "%s/.config/peertop", dir);
	assert_int_equal(mkdir(path, 0700), 0);
	free(path);
	xasprintf(&want, "%s/.config/peertop/peertop.conf", dir);
	assert_non_null(f = fopen(want, "w"));
	fclose(f);
	p = config_default_path();
	assert_string_equal(p, want);
	free(p);

	unlink(want);
	free(want);
	xasprintf(&path, "%s/.config/peertop", dir);
	rmdir(path);
	free(path);
	xasprintf(&path, "%s/.config", dir);
	rmdir(path);
	free(path);
	rmdir(dir);
}

/* The latency keywords: every field lands where the prober and latmon
 * read it. */
static void
test_latency_valid(void **state)
{
	struct model		*m;
	struct branch		*b;
	struct collector	*c;
	size_t			 i;

	(void)state;
	m = parse_buf_ok(
	    "latency {\n"
	    "  window 2m high 150ms loss 5% shift 20ms recent 30s margin 8ms\n"
	    "  keep samples 2d keep minutes 30d keep hours 365d\n"
	    "  max-samples 500\n"
	    "}\n"
	    "probe { interval 500ms timeout 1s size 100 socket raw "
	    "user \"nobody\" }\n"
	    "prometheus 127.0.0.1 port 9091 {\n"
	    "  query \"probe_icmp_duration_seconds{phase=\\\"rtt\\\"}\"\n"
	    "  branch label \"branch\" edge label \"edge\" target label "
	    "\"instance\"\n"
	    "  scale 1000 interval 15s nan loss\n"
	    "}\n"
	    "ingest listen ::1 port 8500 token \"s3cret\" max-body 65536 "
	    "request-timeout 5s max-connections 32\n"
	    "agent \"hq-agent\" { collector 192.0.2.9 port 8501 token \"t\" "
	    "buffer 500 batch 50 interval 2s }\n"
	    "branch \"hq\" {\n"
	    "  address 192.0.2.1\n"
	    "  probe sea 192.0.2.10\n"
	    "  probe lax 2001:db8::1 tcp port 443 interval 5s timeout 300ms "
	    "size 8\n"
	    "  probe sea 192.0.2.10 tcp port 80\n"
	    "  latency high 200ms loss 0.5%\n"
	    "}\n");
	assert_int_equal(m->lat.window_ms, 120000);
	assert_int_equal(m->lat.th.high_us, 150000);
	assert_true(m->lat.th.loss_pct == 5.0);
	assert_int_equal(m->lat.th.shift_us, 20000);
	assert_int_equal(m->lat.shift_ms, 30000);
	assert_int_equal(m->lat.margin_us, 8000);
	assert_int_equal(m->lat.keep_raw_ms, 2 * 86400000LL);
	assert_int_equal(m->lat.keep_minute_ms, 30 * 86400000LL);
	assert_int_equal(m->lat.keep_hour_ms, 365 * 86400000LL);
	assert_int_equal(m->lat.max_samples, 500);
	assert_int_equal(m->lat.interval_ms, 500);
	assert_int_equal(m->lat.timeout_ms, 1000);
	assert_int_equal(m->lat.size, 100);
	assert_int_equal(m->lat.sockmode, 2);	/* PROBE_SOCK_RAW */
	assert_string_equal(m->lat.user, "nobody");

	assert_true(m->ingest.enabled);
	assert_int_equal(m->ingest.port, 8500);
	assert_int_equal(m->ingest.listen.af, AF_INET6);
	assert_string_equal(m->ingest.token, "s3cret");
	assert_int_equal(m->ingest.max_body, 65536);
	assert_int_equal(m->ingest.request_timeout_ms, 5000);
	assert_int_equal(m->ingest.max_conns, 32);
	assert_true(m->agent.enabled);
	assert_string_equal(m->agent.name, "hq-agent");
	assert_string_equal(m->agent.host, "192.0.2.9");
	assert_int_equal(m->agent.port, 8501);
	assert_string_equal(m->agent.token, "t");
	assert_int_equal(m->agent.buffer, 500);
	assert_int_equal(m->agent.batch, 50);
	assert_int_equal(m->agent.push_ms, 2000);

	b = model_branch_find(m, "hq");
	assert_non_null(b);
	assert_int_equal(b->th.high_us, 200000);
	assert_true(b->th.loss_pct == 0.5);
	assert_int_equal(b->th.shift_us, 0);
	assert_int_equal(b->nprobes, 3);
	assert_string_equal(b->probes[0].edge, "sea");
	assert_string_equal(b->probes[0].target, "192.0.2.10");
	assert_int_equal(b->probes[0].tcp, 0);
	assert_int_equal(b->probes[0].interval_ms, 0);	/* the default */
	assert_string_equal(b->probes[1].target, "[2001:db8::1]:443");
	assert_int_equal(b->probes[1].tcp, 1);
	assert_int_equal(b->probes[1].port, 443);
	assert_int_equal(b->probes[1].interval_ms, 5000);
	assert_int_equal(b->probes[1].timeout_ms, 300);
	assert_int_equal(b->probes[1].size, 8);
	assert_int_equal(b->probes[1].edge_idx, model_edge_find(m, "lax"));
	assert_string_equal(b->probes[2].target, "192.0.2.10:80");
	assert_int_equal(b->lat_main, -1);
	assert_int_equal(b->lat_nearest, -1);

	/* prometheus, ingest and the prober are collectors. */
	assert_int_equal(m->ncollectors, 3);
	for (i = 0; i < m->ncollectors; i++) {
		c = m->collectors[i];
		if (strcmp(c->ops->name, "prometheus") == 0) {
			assert_string_equal(c->name,
			    "prometheus 127.0.0.1:9091");
			assert_string_equal(c->query,
			    "probe_icmp_duration_seconds{phase=\"rtt\"}");
			assert_string_equal(c->prom_label[0], "branch");
			assert_string_equal(c->prom_label[1], "edge");
			assert_string_equal(c->prom_label[2], "instance");
			assert_true(c->prom_scale == 1000);
			assert_int_equal(c->interval_ms, 15000);
			assert_int_equal(c->prom_nan_loss, 1);
		} else if (strcmp(c->ops->name, "ingest") == 0)
			assert_string_equal(c->name, "ingest [::1]:8500");
		else {
			assert_string_equal(c->ops->name, "probe");
			assert_string_equal(c->name, "probe");
		}
	}
	model_free(m);

	/* No probe lines: no prober. */
	m = parse_buf_ok("probe { interval 1s }\nbranch b { address 192.0.2.1 }");
	assert_int_equal(m->ncollectors, 0);
	model_free(m);
}

static void
test_latency_errors(void **state)
{
	(void)state;
	expect_buf_error("latency { window 500ms }",
	    "t.conf:1:18: bad window \"500ms\": expected 1000ms to 1d, e.g. "
	    "1h, 7d");
	expect_buf_error("latency { high 2m }",
	    "t.conf:1:16: bad high \"2m\": expected 1ms to 60s, e.g. 500ms, "
	    "2s");
	expect_buf_error("latency { loss 101% }",
	    "t.conf:1:16: bad loss \"101%\": expected a percentage above 0 "
	    "and at most 100, e.g. 5%");
	expect_buf_error("latency { loss 0 }",
	    "t.conf:1:16: bad loss \"0\": expected a percentage above 0 "
	    "and at most 100, e.g. 5%");
	expect_buf_error("latency { high 1s high 2s }",
	    "t.conf:1:19: high given twice for latency");
	expect_buf_error("latency { }\nlatency { }",
	    "t.conf:2:1: latency block given twice");
	expect_buf_error("latency { keep forever 1d }",
	    "t.conf:1:16: expected samples, minutes or hours after keep, got "
	    "\"forever\"");
	expect_buf_error("latency { keep hours 30m }",
	    "t.conf:1:22: bad keep hours \"30m\": expected 3600000ms to "
	    "3650d, e.g. 1h, 7d");
	expect_buf_error("latency { keep hours 400d keep hours 1d }",
	    "t.conf:1:27: keep hours given twice for latency");
	expect_buf_error("latency { keep samples 30s }",
	    "t.conf:1:24: bad keep samples \"30s\": expected 60000ms to "
	    "3650d, e.g. 1h, 7d");
	expect_buf_error("latency { jitter 5ms }",
	    "t.conf:1:11: unknown keyword \"jitter\", expected one of window, "
	    "recent, margin, keep, max-samples, high, loss, shift");
	expect_buf_error("probe { socket icmp }",
	    "t.conf:1:16: bad socket \"icmp\": expected auto, datagram or raw");
	expect_buf_error("probe { size 2000 }",
	    "t.conf:1:14: bad size \"2000\": expected 8 to 1472");
	expect_buf_error("probe { interval 5ms }",
	    "t.conf:1:18: bad interval \"5ms\": expected 10ms to 3600s, e.g. "
	    "500ms, 2s");
	expect_buf_error("probe { }\nprobe { }",
	    "t.conf:2:1: probe block given twice");
	expect_buf_error("branch b { address 192.0.2.1 probe xyz 192.0.2.2 }",
	    "t.conf:1:36: unknown edge \"xyz\"");
	expect_buf_error("branch b { address 192.0.2.1 probe sea here }",
	    "t.conf:1:40: bad address \"here\": expected an IPv4 or IPv6 "
	    "address");
	expect_buf_error("branch b { address 192.0.2.1 probe sea 192.0.2.2 tcp "
	    "80 }", "t.conf:1:54: expected \"port\" after tcp, got \"80\"");
	expect_buf_error("branch b { address 192.0.2.1 probe sea 192.0.2.2 tcp "
	    "port 0 }", "t.conf:1:59: bad port \"0\": expected 1 to 65535");
	expect_buf_error("branch b { address 192.0.2.1 probe sea 192.0.2.2 icmp "
	    "tcp port 1 }", "t.conf:1:55: icmp or tcp given twice for probe");
	expect_buf_error("branch b { address 192.0.2.1 probe sea 192.0.2.2\n"
	    "  probe sea 192.0.2.2 }",
	    "t.conf:2:13: probe sea 192.0.2.2 given twice for branch \"b\"");
	expect_buf_error("branch b { address 192.0.2.1 latency }",
	    "t.conf:1:38: expected one of high, loss, shift, got \"}\"");
	expect_buf_error("branch b { address 192.0.2.1 latency high 1s\n"
	    "  latency loss 1 }",
	    "t.conf:2:3: latency given twice for branch");
	expect_buf_error("prometheus 127.0.0.1 { query \"up\" }",
	    "t.conf:1:35: prometheus needs query, branch label and edge label "
	    "(missing: branch label edge label)");
	expect_buf_error("prometheus 127.0.0.1 { branch labels \"b\" }",
	    "t.conf:1:31: expected \"label\" after branch, got \"labels\"");
	expect_buf_error("prometheus 127.0.0.1 { scale -1 }",
	    "t.conf:1:30: bad scale \"-1\": expected a number above 0 and at "
	    "most 1000000000 (1000000 when the values are seconds)");
	expect_buf_error("prometheus 127.0.0.1 { nan zero }",
	    "t.conf:1:28: bad nan \"zero\": expected loss or skip");
	expect_buf_error("prometheus here { }",
	    "t.conf:1:12: bad address \"here\": expected an IPv4 or IPv6 "
	    "address");
	expect_buf_error("ingest 127.0.0.1",
	    "t.conf:1:8: expected \"listen\" after ingest, got \"127.0.0.1\"");
	expect_buf_error("ingest listen 127.0.0.1 max-body 10",
	    "t.conf:1:34: bad max-body \"10\": expected 1024 to 67108864");
	expect_buf_error("ingest listen 127.0.0.1 request-timeout 500ms",
	    "t.conf:1:41: bad request-timeout \"500ms\": expected 1000ms to "
	    "300s, e.g. 500ms, 2s");
	expect_buf_error("ingest listen 127.0.0.1 max-connections 0",
	    "t.conf:1:41: bad max-connections \"0\": expected 1 to 10000");
	expect_buf_error("latency { max-samples 8 }",
	    "t.conf:1:23: bad max-samples \"8\": expected 16 to 1000000");
	expect_buf_error("ingest listen 127.0.0.1\ningest listen 127.0.0.1",
	    "t.conf:2:1: ingest given twice");
	expect_buf_error("agent \"a\" { token \"x\" }",
	    "t.conf:1:23: agent \"a\" needs collector ADDRESS [port N]");
	expect_buf_error("agent \"a\" { collector 127.0.0.1 buffer 0 }",
	    "t.conf:1:40: bad buffer \"0\": expected 1 to 10000000");
	expect_buf_error("agent \"a\" { collector 127.0.0.1 collector ::1 }",
	    "t.conf:1:33: collector given twice for agent");
}

/* database FILE [any-owner]: root may take another user's history. */
static void
test_database_owner(void **state)
{
	struct model	*m;

	(void)state;
	m = parse_buf_ok("database \"/var/lib/peertop/h.db\"\n");
	assert_string_equal(m->database, "/var/lib/peertop/h.db");
	assert_int_equal(m->database_any_owner, 0);
	model_free(m);
	m = parse_buf_ok("database h.db any-owner\ndatadir /x\n");
	assert_string_equal(m->database, "h.db");
	assert_int_equal(m->database_any_owner, 1);
	model_free(m);
	/* The last one says. */
	m = parse_buf_ok("database a.db any-owner\ndatabase b.db\n");
	assert_int_equal(m->database_any_owner, 0);
	model_free(m);
}

/*
 * Secrets out of the text the history keeps (issue 13): the value after
 * token, password, secret, key and *-key / *_token is "<redacted>",
 * whether a word or a quoted string with escapes in it; comments,
 * strings that merely say "token", braces, spacing and every other byte
 * stay as they were.
 */
static void
test_redact(void **state)
{
	static const struct {
		const char	*in, *out;
	} t[] = {
		{ "ingest listen 127.0.0.1 { port 8080 token \"s3cr3t\" }\n",
		  "ingest listen 127.0.0.1 { port 8080 token \"<redacted>\" }\n" },
		{ "agent \"a\" {\n\ttoken\tbare-word # token \"x\"\n}\n",
		  "agent \"a\" {\n\ttoken\t\"<redacted>\" # <redacted>\n}\n" },
		{ "x { token \"a \\\"quoted\\\" \\\\ one\" port 1 }",
		  "x { token \"<redacted>\" port 1 }" },
		{ "password hunter2\nsecret \"s\"\napi-key K\nauth_token T\n"
		  "key\n\"k\"\n",
		  "password \"<redacted>\"\nsecret \"<redacted>\"\n"
		  "api-key \"<redacted>\"\nauth_token \"<redacted>\"\n"
		  "key\n\"<redacted>\"\n" },
		/* Not secrets: a string "token", a name, a block, keys. */
		{ "partner \"token\" { as 1 }\nmonkey 3\ntokens 4\ntoken {\n",
		  "partner \"token\" { as 1 }\nmonkey 3\ntokens 4\ntoken {\n" },
		/* A comment naming a secret (a token rotated out). */
		{ "# token \"in a comment\"\n", "# <redacted>\n" },
		{ "#old API-KEY: x\n#\n# the edges\n",
		  "# <redacted>\n#\n# the edges\n" },
		{ "a \"#token\" # keep\nb \"\\\"# token\"\n",
		  "a \"#token\" # keep\nb \"\\\"# token\"\n" },
		{ "x 1 #key", "x 1 # <redacted>" },
		{ "token \"\"", "token \"<redacted>\"" },
		{ "", "" },
	};
	char	*out;
	size_t	 i, len;

	(void)state;
	for (i = 0; i < nitems(t); i++) {
		out = config_redact("test.conf", t[i].in, strlen(t[i].in),
		    &len);
		assert_non_null(out);
		assert_string_equal(out, t[i].out);
		assert_int_equal(len, strlen(t[i].out));
		free(out);
	}
	/* Text the lexer refuses is not stored at all. */
	assert_null(config_redact("t", "token \"unterminated\n", 20, &len));
	assert_null(config_redact("t", "token \x01", 7, &len));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_valid_full),
		cmocka_unit_test(test_include_relative),
		cmocka_unit_test(test_comments_and_strings),
		cmocka_unit_test(test_values),
		cmocka_unit_test(test_bmp),
		cmocka_unit_test(test_listen_warnings),
		cmocka_unit_test(test_api),
		cmocka_unit_test(test_tls),
		cmocka_unit_test(test_bmp_timeouts),
		cmocka_unit_test(test_max_prefix),
		cmocka_unit_test(test_relation),
		cmocka_unit_test(test_branch_partner),
		cmocka_unit_test(test_file_errors),
		cmocka_unit_test(test_include_cycle),
		cmocka_unit_test(test_include_limits),
		cmocka_unit_test(test_include_fanout),
		cmocka_unit_test(test_include_bytes),
		cmocka_unit_test(test_buffer_errors),
		cmocka_unit_test(test_notify_refs),
		cmocka_unit_test(test_notify_urls),
		cmocka_unit_test(test_truncations),
		cmocka_unit_test(test_default_path),
		cmocka_unit_test(test_latency_valid),
		cmocka_unit_test(test_latency_errors),
		cmocka_unit_test(test_redact),
		cmocka_unit_test(test_database_owner),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
