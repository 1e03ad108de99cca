/* SPDX-License-Identifier: ISC */
/*
 * The turn-up record for the change ticket (peertop turnup): the
 * checklist of core/turnup.c as it stands, each check with the time it
 * first turned green, then each session's FSM steps with their times and
 * errors, the capabilities of its OPENs and the latency figures.  Text
 * for a terminal, a markdown table for a ticket that renders it, JSON
 * for a machine; the JSON goes through the one JSON writer.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/json.h"
#include "core/replay.h"
#include "core/turnup.h"

static void	 turnup_record_text(FILE *, const struct turnup *, int);
static void	 turnup_record_json(FILE *, const struct turnup *);
static void	 turnup_record_md(FILE *, const char *);
static char	*turnup_record_time(int64_t, char *, size_t);
static void	 turnup_record_timeline(FILE *, const struct turnup *, int);
static void	 turnup_record_caps(const struct turnup_check *, char *,
		    size_t);

int
turnup_format_parse(const char *s, enum turnup_format *f)
{
	if (strcmp(s, "text") == 0)
		*f = TURNUP_TEXT;
	else if (strcmp(s, "markdown") == 0 || strcmp(s, "md") == 0)
		*f = TURNUP_MARKDOWN;
	else if (strcmp(s, "json") == 0)
		*f = TURNUP_JSON;
	else
		return (-1);
	return (0);
}

void
turnup_record(FILE *f, const struct turnup *t, enum turnup_format fmt)
{
	if (fmt == TURNUP_JSON)
		turnup_record_json(f, t);
	else
		turnup_record_text(f, t, fmt == TURNUP_MARKDOWN);
}

/* A wall time for the record, "-" for none. */
static char *
turnup_record_time(int64_t ms, char *buf, size_t len)
{
	if (ms == 0)
		strlcpy_pt(buf, "-", len);
	else
		fmt_time(buf, len, ms, FMT_TIME_DATE);
	return (buf);
}

/* What a capabilities check agreed, sent and received, in words. */
static void
turnup_record_caps(const struct turnup_check *ck, char *buf, size_t len)
{
	char	 a[128], s[128], r[128];

	snprintf(buf, len, "agreed: %s; sent: %s, role %s; received: %s, "
	    "role %s",
	    turnup_caps_fmt(ck->caps_local & ck->caps_remote, a, sizeof a),
	    turnup_caps_fmt(ck->caps_local, s, sizeof s),
	    bgp_role_name(ck->role_local),
	    turnup_caps_fmt(ck->caps_remote, r, sizeof r),
	    bgp_role_name(ck->role_remote));
}

/* A markdown table cell: pipes escaped. */
static void
turnup_record_md(FILE *f, const char *s)
{
	fputs("| ", f);
	for (; *s != '\0'; s++) {
		if (*s == '|')
			fputc('\\', f);
		fputc(*s, f);
	}
	fputc(' ', f);
}

static void
turnup_record_text(FILE *f, const struct turnup *t, int md)
{
	const struct turnup_check	*ck;
	const struct session_step	*st;
	char				 a[FMT_TIME_LEN], b[FMT_TIME_LEN];
	char				 g[FMT_TIME_LEN];
	char				 el[32], zone[FMT_TIME_LEN], caps[400];
	size_t				 i, k;

	fmt_time(zone, sizeof zone, t->now_ms, FMT_TIME_ZONE);
	fmt_duration(el, sizeof el, t->start_ms != 0 && t->now_ms >
	    t->start_ms ? (t->now_ms - t->start_ms) / 1000 : 0);
	fprintf(f, "%sTurn-up %s: %s\n\n", md ? "## " : "", t->scope,
	    turnup_state_name(t->verdict));
	if (t->green_ms != 0 && t->start_ms != 0 &&
	    t->green_ms >= t->start_ms) {
		/* Done: how long it took, not how long ago it began. */
		fmt_duration(el, sizeof el, (t->green_ms - t->start_ms) /
		    1000);
		fprintf(f, "%sstarted %s, all green at %s, took %s, as of "
		    "%s (times %s)\n", md ? "- " : "",
		    turnup_record_time(t->start_ms, a, sizeof a),
		    turnup_record_time(t->green_ms, g, sizeof g), el,
		    turnup_record_time(t->now_ms, b, sizeof b), zone);
	} else
		fprintf(f, "%sstarted %s, elapsed %s, as of %s (times %s)\n",
		    md ? "- " : "", turnup_record_time(t->start_ms, a,
		    sizeof a), t->start_ms != 0 ? el : "-",
		    turnup_record_time(t->now_ms, b, sizeof b), zone);
	fprintf(f, "%s%s\n\n", md ? "- " : "", t->summary);

	if (md)
		fputs("| State | Check | First green | Reason |\n"
		    "|---|---|---|---|\n", f);
	else
		fprintf(f, "%-11s  %-32s  %-19s  %s\n", "STATE", "CHECK",
		    "FIRST GREEN", "REASON");
	for (i = 0; i < t->nchecks; i++) {
		ck = &t->checks[i];
		turnup_record_time(ck->green_ms, a, sizeof a);
		if (md) {
			turnup_record_md(f, turnup_state_name(ck->state));
			turnup_record_md(f, ck->subject);
			turnup_record_md(f, a);
			turnup_record_md(f, ck->reason);
			fputs("|\n", f);
		} else
			fprintf(f, "%-11s  %-32s  %-19s  %s\n",
			    turnup_state_name(ck->state), ck->subject, a,
			    ck->reason);
	}

	fprintf(f, "\n%sBGP FSM steps\n\n", md ? "### " : "");
	if (md)
		fputs("| Session | Time | State | Error |\n|---|---|---|---|\n",
		    f);
	for (i = 0; i < t->nsessions; i++) {
		for (k = 0; (st = model_session_step_at(t->sessions[i], k)) !=
		    NULL; k++) {
			turnup_record_time(st->ms, a, sizeof a);
			if (md) {
				turnup_record_md(f, t->sessions[i]->name);
				turnup_record_md(f, a);
				turnup_record_md(f, bgp_state_name(st->state));
				turnup_record_md(f, st->error);
				fputs("|\n", f);
			} else if (st->error[0] != '\0')
				fprintf(f, "%-16s  %-19s  %-11s  %s\n",
				    t->sessions[i]->name, a,
				    bgp_state_name(st->state), st->error);
			else
				fprintf(f, "%-16s  %-19s  %s\n",
				    t->sessions[i]->name, a,
				    bgp_state_name(st->state));
		}
	}

	turnup_record_timeline(f, t, md);

	fprintf(f, "\n%sCapabilities and latency\n\n", md ? "### " : "");
	for (i = 0; i < t->nchecks; i++) {
		ck = &t->checks[i];
		if (ck->kind == TU_CAPS && ck->caps_known) {
			turnup_record_caps(ck, caps, sizeof caps);
			fprintf(f, "%s%s: %s\n", md ? "- " : "", ck->s->name,
			    caps);
		} else if (ck->kind == TU_LATENCY && ck->median_us >= 0)
			fprintf(f, "%s%s: median %.1f ms, loss %.1f%%\n",
			    md ? "- " : "", ck->subject, ck->median_us / 1000.0,
			    ck->loss_pct);
	}
}

/* Each check's changes of state with the reason then, oldest first. */
static void
turnup_record_timeline(FILE *f, const struct turnup *t, int md)
{
	const struct turnup_change	*c;
	char				 a[FMT_TIME_LEN];
	size_t				 i, n;

	n = t->ntimeline < TURNUP_TIMELINE_MAX ? t->ntimeline :
	    TURNUP_TIMELINE_MAX;
	fprintf(f, "\n%sTimeline\n\n", md ? "### " : "");
	if (md)
		fputs("| Time | Check | State | Reason |\n|---|---|---|---|\n",
		    f);
	for (i = 0; i < n; i++) {
		c = &t->timeline[i];
		turnup_record_time(c->ms, a, sizeof a);
		if (md) {
			turnup_record_md(f, a);
			turnup_record_md(f, t->checks[c->check].subject);
			turnup_record_md(f, turnup_state_name(c->state));
			turnup_record_md(f, c->reason);
			fputs("|\n", f);
		} else
			fprintf(f, "%-19s  %-32s  %-11s  %s\n", a,
			    t->checks[c->check].subject,
			    turnup_state_name(c->state), c->reason);
	}
	if (t->ntimeline > n)
		fprintf(f, "%s(%zu later changes left out)\n", md ? "\n" : "",
		    t->ntimeline - n);
}

static void
turnup_record_json(FILE *f, const struct turnup *t)
{
	const struct turnup_check	*ck;
	const struct session_step	*st;
	struct json_w			 j;
	char				 caps[128];
	size_t				 i, k;

	json_w_init_file(&j, f, 1);
	json_w_object(&j, NULL, 1);
	json_w_string(&j, "scope", t->scope);
	json_w_string(&j, "verdict", turnup_state_name(t->verdict));
	json_w_string(&j, "summary", t->summary);
	if (t->start_ms != 0) {
		json_w_time(&j, "started", t->start_ms, 1);
		json_w_int(&j, "elapsed_s", (t->now_ms - t->start_ms) / 1000);
	} else {
		json_w_null(&j, "started");
		json_w_null(&j, "elapsed_s");
	}
	if (t->green_ms != 0)
		json_w_time(&j, "green", t->green_ms, 1);
	else
		json_w_null(&j, "green");
	if (t->green_ms != 0 && t->start_ms != 0 &&
	    t->green_ms >= t->start_ms)
		json_w_int(&j, "took_s", (t->green_ms - t->start_ms) / 1000);
	else
		json_w_null(&j, "took_s");
	json_w_time(&j, "as_of", t->now_ms, 1);

	json_w_array(&j, "checks", 1);
	for (i = 0; i < t->nchecks; i++) {
		ck = &t->checks[i];
		json_w_object(&j, NULL, 0);
		json_w_string(&j, "kind", turnup_kind_name(ck->kind));
		json_w_string(&j, "subject", ck->subject);
		json_w_string(&j, "state", turnup_state_name(ck->state));
		json_w_string(&j, "reason", ck->reason);
		if (ck->green_ms != 0)
			json_w_time(&j, "first_green", ck->green_ms, 1);
		else
			json_w_null(&j, "first_green");
		if (ck->kind == TU_CAPS && ck->caps_known) {
			json_w_string(&j, "expected", turnup_caps_fmt(
			    ck->caps_expected, caps, sizeof caps));
			json_w_string(&j, "sent", turnup_caps_fmt(
			    ck->caps_local, caps, sizeof caps));
			json_w_string(&j, "received", turnup_caps_fmt(
			    ck->caps_remote, caps, sizeof caps));
			json_w_string(&j, "role_sent",
			    bgp_role_name(ck->role_local));
			json_w_string(&j, "role_received",
			    bgp_role_name(ck->role_remote));
		}
		if (ck->kind == TU_LATENCY && ck->median_us >= 0) {
			json_w_double(&j, "median_ms", ck->median_us / 1000.0,
			    3);
			json_w_double(&j, "loss_pct", ck->loss_pct, 1);
		}
		if (ck->kind == TU_MAXPFX) {
			json_w_uint(&j, "received", ck->count_in);
			json_w_uint(&j, "advertised", ck->count_out);
			json_w_uint(&j, "max_prefix", ck->limit);
		}
		json_w_end(&j);
	}
	json_w_end(&j);

	json_w_array(&j, "timeline", 1);
	for (i = 0; i < t->ntimeline && i < TURNUP_TIMELINE_MAX; i++) {
		json_w_object(&j, NULL, 0);
		json_w_time(&j, "time", t->timeline[i].ms, 1);
		json_w_string(&j, "check",
		    t->checks[t->timeline[i].check].subject);
		json_w_string(&j, "state",
		    turnup_state_name(t->timeline[i].state));
		json_w_string(&j, "reason", t->timeline[i].reason);
		json_w_end(&j);
	}
	json_w_end(&j);
	json_w_uint(&j, "timeline_left_out", t->ntimeline >
	    TURNUP_TIMELINE_MAX ? t->ntimeline - TURNUP_TIMELINE_MAX : 0);

	json_w_array(&j, "sessions", 1);
	for (i = 0; i < t->nsessions; i++) {
		json_w_object(&j, NULL, 1);
		json_w_string(&j, "name", t->sessions[i]->name);
		json_w_string(&j, "state",
		    bgp_state_name(t->sessions[i]->state));
		json_w_array(&j, "steps", 1);
		for (k = 0; (st = model_session_step_at(t->sessions[i], k)) !=
		    NULL; k++) {
			json_w_object(&j, NULL, 0);
			json_w_time(&j, "time", st->ms, 1);
			json_w_string(&j, "state", bgp_state_name(st->state));
			json_w_string(&j, "error", st->error);
			json_w_end(&j);
		}
		json_w_end(&j);
		json_w_end(&j);
	}
	json_w_end(&j);
	json_w_end(&j);
	fputc('\n', f);
}

int
turnup_replay(struct turnup *t, struct replay *rp, int64_t from_ms,
    int64_t to_ms, size_t max_steps, int *truncated, char **cause)
{
	struct session	*s;
	int64_t		 at = from_ms, next;
	size_t		 i, n = 0;

	*truncated = 0;
	t->history = 1;
	for (;;) {
		if (replay_load(rp, t->m, at, NULL, cause) != 0)
			return (-1);
		/* replay_load() sets the states without transitions. */
		for (i = 0; i < t->m->nsessions; i++) {
			s = t->m->sessions[i];
			if (s->state != BGP_UNKNOWN)
				model_session_step(s, s->state, s->since_ms,
				    s->last_error);
		}
		turnup_eval(t, at);
		if (replay_step(rp, at, 1, &next) != 0 || next > to_ms)
			break;
		if (max_steps != 0 && ++n >= max_steps) {
			*truncated = 1;
			break;
		}
		at = next;
	}
	/* As of the window's end, not its last change. */
	if (at < to_ms) {
		if (replay_load(rp, t->m, to_ms, NULL, cause) != 0)
			return (-1);
		turnup_eval(t, to_ms);
	}
	return (0);
}
