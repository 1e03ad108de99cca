/* SPDX-License-Identifier: ISC */
/*
 * Telling the service manager how the collector is doing, with the
 * protocol of sd_notify(3): READY=1 once the collectors run, RELOADING=1
 * and then READY=1 around a reload (SIGHUP), a one-line STATUS=,
 * WATCHDOG=1 pings when the unit sets WatchdogSec=, and STOPPING=1 on the
 * way out.  Outside systemd ($NOTIFY_SOCKET unset) every call does
 * nothing, so the callers need not ask.
 */
#ifndef PEERTOP_SDNOTIFY_H
#define PEERTOP_SDNOTIFY_H

#include "core/util.h"

struct event_base;

/*
 * Arm the watchdog: with $WATCHDOG_USEC set (and $WATCHDOG_PID, if set,
 * naming this process) a timer on base sends WATCHDOG=1 at half the
 * interval, so a loop stuck for longer gets the service restarted.
 */
void	 sdnotify_start(struct event_base *);
/* READY=1: start-up, or a reload, is done. */
void	 sdnotify_ready(void);
/* RELOADING=1 with MONOTONIC_USEC (Type=notify-reload wants both). */
void	 sdnotify_reloading(void);
/* STOPPING=1, and the watchdog's timer freed (before the loop goes). */
void	 sdnotify_stopping(void);
/* STATUS=..., one line; the same text twice in a row is sent once. */
void	 sdnotify_status(const char *, ...) printflike(1, 2);

#endif
