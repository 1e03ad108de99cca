/* SPDX-License-Identifier: ISC */
/*
 * An event's page, opened by Enter in the Events view: every field in
 * full (the list cuts summary and details to a line), the names it is
 * related to, and its place in a condition's life: still open and for
 * how long, resolved by which restoration and when, raised again, or
 * open when its run ended; for a restoration, what it resolved; who
 * acknowledged it, when and why.  r goes to the dashboard at its time
 * (replay), a and A acknowledge it (view-events.c).
 */

#include <stdio.h>
#include <string.h>

#include "tui/tui.h"

static void	 view_event_state(struct tui *, const struct event *, char *,
		    size_t);
static void	 view_event_other(struct tui *, int64_t, char *, size_t);

/* "SessionUp at 01:15:02 (#130)" for the event id, if still known. */
static void
view_event_other(struct tui *tui, int64_t id, char *buf, size_t len)
{
	const struct event	*o = model_event_find(tui->model, id);
	char			 when[32];

	if (o == NULL) {
		snprintf(buf, len, "#%lld (no longer in memory)",
		    (long long)id);
		return;
	}
	fmt_time(when, sizeof when, o->time_ms, FMT_TIME_FULL);
	snprintf(buf, len, "%s %s at %s (#%lld)", view_events_level(o->level),
	    o->type, when, (long long)o->id);
}

/* Where the event stands in its condition's life, in words. */
static void
view_event_state(struct tui *tui, const struct event *e, char *buf,
    size_t len)
{
	char	 other[160], age[16], when[32];
	int64_t	 now = tui_now(tui);

	switch (e->cond) {
	case EVC_NONE:
		snprintf(buf, len, "a notice: opens no condition");
		return;
	case EVC_CLOSES:
		if (e->resolves == 0) {
			snprintf(buf, len, "a restoration: nothing of it was "
			    "open");
			return;
		}
		view_event_other(tui, e->resolves, other, sizeof other);
		snprintf(buf, len, "resolved %s", other);
		return;
	case EVC_OPENS:
		break;
	}
	if (e->closed_ms == 0) {
		fmt_duration(age, sizeof age, now > e->time_ms ?
		    (now - e->time_ms) / 1000 : 0);
		snprintf(buf, len, "OPEN for %s", age);
		return;
	}
	fmt_duration(age, sizeof age, (e->closed_ms - e->time_ms) / 1000);
	if (e->cflags & EVF_ENDED) {
		fmt_time(when, sizeof when, e->closed_ms, FMT_TIME_FULL);
		snprintf(buf, len, "ended: still open when its run's record "
		    "ends (%s), %s after", when, age);
		return;
	}
	view_event_other(tui, e->closed_by, other, sizeof other);
	snprintf(buf, len, "%s by %s, after %s", e->cflags & EVF_FOLLOWED ?
	    "raised again" : "resolved", other, age);
}

void
view_event_draw(struct tui *tui, const struct event *e, int y, int h, int w)
{
	char		 title[160], when[32], buf[320], other[160];
	enum color_role	 role = draw_level_role(e->level);
	int		 row = 1, lw = 10;

	draw_fill(tui, y, h, w, CR_NORMAL);
	snprintf(title, sizeof title, " Event #%lld: %s %s ",
	    (long long)e->id, view_events_level(e->level), e->type);
	draw_text_attr(tui, y, 0, w, draw_attr(tui, role) | A_BOLD, title);

	fmt_time(when, sizeof when, e->time_ms, FMT_TIME_FULL);
	row = draw_field(tui, y, row, h - 1, w, lw, "Time", CR_NORMAL, when);
	snprintf(buf, sizeof buf, "%s (%s)", view_events_level(e->level),
	    level_name(e->level));
	row = draw_field(tui, y, row, h - 1, w, lw, "Level", role, buf);
	view_event_state(tui, e, buf, sizeof buf);
	row = draw_field_wrap(tui, y, row, h - 1, w, lw, "State",
	    EVENT_OPEN(e) ? role : CR_NORMAL, buf, 0);
	if (e->ack_ms != 0) {
		fmt_time(when, sizeof when, e->ack_ms, FMT_TIME_FULL);
		snprintf(buf, sizeof buf, "by %s at %s%s%s", e->ack_user, when,
		    e->ack_comment[0] != '\0' ? ": " : "", e->ack_comment);
		row = draw_field_wrap(tui, y, row, h - 1, w, lw, "Acked",
		    CR_NORMAL, buf, 0);
	}
	if (e->cond == EVC_OPENS && e->resolves != 0) {
		view_event_other(tui, e->resolves, other, sizeof other);
		row = draw_field_wrap(tui, y, row, h - 1, w, lw, "Follows",
		    CR_NORMAL, other, 0);
	}
	row = draw_field_wrap(tui, y, row, h - 1, w, lw, "Subject",
	    CR_NORMAL, e->subject, 0);
	row = draw_field_wrap(tui, y, row, h - 1, w, lw, "Summary",
	    CR_NORMAL, e->summary, 0);
	row = draw_field_wrap(tui, y, row, h - 1, w, lw, "Details",
	    CR_NORMAL, e->details, 0);
	row = draw_field_wrap(tui, y, row, h - 1, w, lw, "Branch",
	    CR_NORMAL, e->rel.branch, 0);
	row = draw_field_wrap(tui, y, row, h - 1, w, lw, "Partner",
	    CR_NORMAL, e->rel.partner, 0);
	row = draw_field_wrap(tui, y, row, h - 1, w, lw, "Session",
	    CR_NORMAL, e->rel.session, 0);
	row = draw_field_wrap(tui, y, row, h - 1, w, lw, "Router",
	    CR_NORMAL, e->rel.router, 0);
	(void)draw_field_wrap(tui, y, row, h - 1, w, lw, "Prefix",
	    CR_NORMAL, e->rel.prefix, 0);

	/* What a does here, while it can. */
	if (EVENT_OPEN(e) && e->level >= LVL_ERROR && e->ack_ms == 0 &&
	    !tui_replaying(tui) && tui->ack != NULL)
		draw_text(tui, y + h - 1, 0, w, CR_DIM, "a: acknowledge   "
		    "A: with a comment   Esc/Enter: back   j/k: next/previous");
	else
		draw_text(tui, y + h - 1, 0, w, CR_DIM, tui_replaying(tui) ?
		    "r: the dashboard at its time   Esc/Enter: back   j/k: "
		    "next/previous" : "r: the dashboard at its time (replay)   "
		    "Esc/Enter: back   j/k: next/previous");
}
