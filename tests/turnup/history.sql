-- SPDX-License-Identifier: ISC
-- A recorded turn-up for tests/turnup/test-turnup-record.sh, on top of
-- tests/data/store/v4.db (a file store.c wrote: the writer's schema).
-- 2026-11-25 10:00:00 UTC is 1795600800000.  sea-r1 is enabled at 10:01
-- and steps through the FSM to Established at 10:01:04; sea-r2 is
-- enabled at 10:02 with a wrong neighbor AS (Idle, "Bad peer AS") and
-- fixed at 10:05; lax-r1's connection is refused until 10:03.  The
-- partner forgets 8075:8007 until 10:04; hq reaches sea at 12-13 ms.
DELETE FROM session_state; DELETE FROM redundancy_state; DELETE FROM events;
DELETE FROM latency_sample; DELETE FROM latency_minute;
DELETE FROM latency_hour; DELETE FROM run; DELETE FROM branch_route;
DELETE FROM prefix_state; DELETE FROM session_counts;
INSERT INTO run (start_ms, last_ms, version) VALUES
 (1795600800000, 1795601400000, 'test');
INSERT INTO session_state (time_ms, session, old_state, state, remote_as,
    last_error, routes_imported, routes_exported) VALUES
 (1795600800000, 'sea-r1', 'Unknown', 'AdminDown', 0, '', 0, 0),
 (1795600860000, 'sea-r1', 'AdminDown', 'Idle', 0, '', 0, 0),
 (1795600861000, 'sea-r1', 'Idle', 'Connect', 0, '', 0, 0),
 (1795600862000, 'sea-r1', 'Connect', 'OpenSent', 0, '', 0, 0),
 (1795600863000, 'sea-r1', 'OpenSent', 'OpenConfirm', 8075, '', 0, 0),
 (1795600864000, 'sea-r1', 'OpenConfirm', 'Established', 8075, '', 1, 1),
 (1795600800000, 'sea-r2', 'Unknown', 'AdminDown', 0, '', 0, 0),
 (1795600920000, 'sea-r2', 'AdminDown', 'Connect', 0, '', 0, 0),
 (1795600921000, 'sea-r2', 'Connect', 'OpenSent', 0, '', 0, 0),
 (1795600921500, 'sea-r2', 'OpenSent', 'Idle', 0, 'Received: Bad peer AS',
  0, 0),
 (1795601100000, 'sea-r2', 'Idle', 'Connect', 0, '', 0, 0),
 (1795601102000, 'sea-r2', 'Connect', 'Established', 8075, '', 1, 1),
 (1795600800000, 'lax-r1', 'Unknown', 'Active', 0,
  'Socket: Connection refused', 0, 0),
 (1795600980000, 'lax-r1', 'Active', 'Established', 8075, '', 1, 1);
INSERT INTO redundancy_state (time_ms, partner, old_state, state, reason)
VALUES
 (1795600800000, 'contoso', NULL, 'DOWN', 'primary sea: 0 of 2 routers '
  || 'Established; backup lax: 0 of 1 sessions Established'),
 (1795600980000, 'contoso', 'DOWN', 'DEGRADED', 'primary sea: 1 of 2 '
  || 'routers Established; backup lax: up'),
 (1795601102000, 'contoso', 'DEGRADED', 'REDUNDANT', 'primary sea: 2 '
  || 'routers up; backup lax: up');
-- flags: 0x40 no 8007, 0x400 no backup, 0x800 not on every primary.
INSERT INTO prefix_state (time_ms, branch, prefix, origin, flags,
    primary_up, primary_total, backup_up, backup_total, best_origin,
    best_path, best_session, carried, problem) VALUES
 (1795600870000, 'hq', '203.0.113.0/24', 64500, 3136, 1, 2, 0, 1, 64500,
  '64500', 'sea-r1', 'sea-r1', 'community 8075:8007 is missing'),
 (1795600990000, 'hq', '203.0.113.0/24', 64500, 2112, 1, 2, 1, 1, 64500,
  '64500', 'sea-r1', 'sea-r1 lax-r1', 'community 8075:8007 is missing'),
 (1795601040000, 'hq', '203.0.113.0/24', 64500, 2048, 1, 2, 1, 1, 64500,
  '64500', 'sea-r1', 'sea-r1 lax-r1',
  'not announced on every primary session'),
 (1795601110000, 'hq', '203.0.113.0/24', 64500, 0, 2, 2, 1, 1, 64500,
  '64500', 'sea-r1', 'sea-r1 sea-r2 lax-r1', '');
WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 35)
INSERT INTO latency_sample (time_ms, branch, edge, target, source, rtt_us)
 SELECT 1795601040000 + i * 10000, 'hq', 'sea', '192.0.2.100', 'probe',
  12000 + (i % 3) * 500 FROM n;
