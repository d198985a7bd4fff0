import assert from "node:assert/strict";
import {
  type Cursor,
  later,
  newestFirstCursor,
  type PlanInput,
  snapshotDateCursor,
  StreamCursors,
  windowCursor,
} from "../lib/cursors.ts";
import { NO_CURSOR_STATE } from "../lib/state.ts";
import { assertConnectorError } from "./assertions.ts";
import { DAY_MS as DAY } from "../lib/windows.ts";

const FILE = "state.json";
const POSTS = newestFirstCursor("lastModifiedAt");
const WINDOW = windowCursor("timeRangeEnd");
const SNAPSHOT = snapshotDateCursor("snapshotDate");
const NOW = Date.UTC(2026, 11, 1, 9, 30);
const INPUT: PlanInput = { now: NOW, granularity: "DAY", lookbackDays: 3 };

/** Asserts that `fn` throws a config_error whose message mentions every part. */
const fails = (fn: () => unknown, ...parts: string[]) =>
  assertConnectorError(fn, "config_error", ...parts);

/** The cursor values a raw stream state holds for the organizations, as a plain object. */
function read(raw: unknown, cursor: Cursor, organizationIds: string[], where = FILE) {
  const cursors = StreamCursors.fromState(raw, cursor, organizationIds, where);
  return Object.fromEntries(organizationIds.flatMap((id) => {
    const value = cursors.get(id);
    return value === undefined ? [] : [[id, value]];
  }));
}

Deno.test("cursors: later() picks the later value and ignores undefined", () => {
  assert.equal(later(5, 7), 7);
  assert.equal(later(7, 5), 7);
  assert.equal(later(undefined, 5), 5);
  assert.equal(later(5, undefined), 5);
  assert.equal(later(undefined, undefined), undefined);
  assert.equal(later("2026-11-30", "2026-12-01"), "2026-12-01");
  assert.equal(later("2026-12-01", "2026-09-30"), "2026-12-01");
});

Deno.test("cursors: window plans the lookback window and saves its end", () => {
  const saved = Date.UTC(2026, 10, 20);
  const cursor = WINDOW.open(saved, INPUT);
  // 3 days of lookback before the cursor, up to the end of the last finished day (2 days ago).
  assert.deepEqual(cursor.plan, {
    window: { start: Date.UTC(2026, 10, 17), end: Date.UTC(2026, 10, 29) },
  });
  cursor.observe({ timeRangeEnd: Date.UTC(2026, 10, 28) });
  // The whole window was answered, also the days without an element.
  assert.equal(cursor.close(), Date.UTC(2026, 10, 29));
  // An element past the window does not move the cursor beyond it.
  cursor.observe({ timeRangeEnd: Date.UTC(2027, 0, 1) });
  assert.equal(cursor.close(), Date.UTC(2026, 10, 29));
});

Deno.test("cursors: window without a saved value starts at start_date, clamped to 12 months", () => {
  const fromStart = WINDOW.open(undefined, { ...INPUT, startDate: Date.UTC(2026, 5, 15, 13) });
  assert.equal(fromStart.plan.window?.start, Date.UTC(2026, 5, 15));
  assert.equal(fromStart.plan.clampedFrom, undefined);
  const clamped = WINDOW.open(undefined, { ...INPUT, startDate: Date.UTC(2024, 0, 1) });
  assert.equal(clamped.plan.window?.start, Date.UTC(2025, 11, 2));
  assert.equal(clamped.plan.clampedFrom, Date.UTC(2024, 0, 1));
  const monthly = WINDOW.open(undefined, { ...INPUT, granularity: "MONTH" });
  assert.deepEqual(monthly.plan.window, {
    start: Date.UTC(2026, 0, 1),
    end: Date.UTC(2026, 10, 1),
  });
});

Deno.test("cursors: window with nothing finished to read skips and keeps the saved value", () => {
  const future = NOW + 30 * DAY;
  const cursor = WINDOW.open(future, INPUT);
  // It says why, and from which day the first day it will read is served.
  assert.deepEqual(cursor.plan, {
    skip: true,
    idle: "nothing to read yet: LinkedIn serves a DAY of statistics 2 days after it ends, so " +
      "the first one from 2026-12-28 can be read from 2026-12-31.",
  });
  assert.equal(cursor.close(), future);
  // A start date in the current month, by month: the month is read once it is over.
  const thisMonth = WINDOW.open(undefined, {
    ...INPUT,
    granularity: "MONTH",
    startDate: Date.UTC(2026, 11, 1),
  });
  assert.deepEqual(thisMonth.plan, {
    skip: true,
    idle: "nothing to read yet: LinkedIn serves a MONTH of statistics 2 days after it ends, so " +
      "the first one from 2026-12-01 can be read from 2027-01-03.",
  });
  assert.equal(thisMonth.close(), undefined);
  // The current month is never finished.
  const month = WINDOW.open(Date.UTC(2026, 10, 1), { ...INPUT, granularity: "MONTH" });
  assert.equal(month.plan.window?.end, Date.UTC(2026, 10, 1));
});

Deno.test("cursors: newest_first reads only newer items and saves the newest seen", () => {
  const first = POSTS.open(undefined, INPUT);
  assert.deepEqual(first.plan, {});
  assert.equal(first.close(), undefined);
  first.observe({ lastModifiedAt: 30 });
  first.observe({ lastModifiedAt: 20 });
  assert.equal(first.close(), 30);

  const next = POSTS.open(30, INPUT);
  assert.deepEqual(next.plan, { newerThan: 30 });
  assert.equal(next.close(), 30);
  next.observe({ lastModifiedAt: 45 });
  assert.equal(next.close(), 45);
});

Deno.test("cursors: snapshot_date reads every day and saves today's UTC date", () => {
  const first = SNAPSHOT.open(undefined, INPUT);
  assert.deepEqual(first.plan, {});
  assert.equal(first.close(), "2026-12-01");
  // A second sync on the same day reads today's snapshot again.
  const again = SNAPSHOT.open("2026-12-01", INPUT);
  assert.deepEqual(again.plan, {});
  assert.equal(again.close(), "2026-12-01");
  const nextDay = SNAPSHOT.open("2026-12-01", { ...INPUT, now: NOW + DAY });
  assert.equal(nextDay.close(), "2026-12-02");
  // A state from the future reads nothing and is kept.
  const future = SNAPSHOT.open("2027-01-05", INPUT);
  assert.deepEqual(future.plan, {
    skip: true,
    idle: "nothing to read: read last on 2027-01-05, a later date than today.",
  });
  assert.equal(future.close(), "2027-01-05");
});

Deno.test("cursors: the per-organization state round-trips and drops other organizations", () => {
  const raw = {
    organizations: { "1": { lastModifiedAt: 5 }, "2414183": { lastModifiedAt: 1_700_000_000_000 } },
  };
  const cursors = StreamCursors.fromState(raw, POSTS, ["1", "2414183", "3"], FILE);
  assert.deepEqual(cursors.state(), raw);
  assert.deepEqual(
    JSON.parse(JSON.stringify(StreamCursors.fromState(raw, POSTS, ["2414183"], FILE).state())),
    { organizations: { "2414183": { lastModifiedAt: 1_700_000_000_000 } } },
  );
  const dates = StreamCursors.fromState(
    { organizations: { "7": { snapshotDate: "2026-11-30" } } },
    SNAPSHOT,
    ["7"],
    FILE,
  );
  assert.equal(dates.get("7"), "2026-11-30");
  assert.deepEqual(new StreamCursors(WINDOW).state(), { organizations: {} });
});

Deno.test("cursors: advance never moves a cursor backwards", () => {
  const cursors = StreamCursors.fromState(
    { organizations: { "1": { timeRangeEnd: 100 } } },
    WINDOW,
    ["1", "2"],
    FILE,
  );
  cursors.advance("1", 50);
  cursors.advance("1", undefined);
  cursors.advance("2", undefined);
  assert.deepEqual(cursors.state(), { organizations: { "1": { timeRangeEnd: 100 } } });
  cursors.advance("1", 150);
  cursors.advance("2", 7);
  assert.deepEqual(cursors.state(), {
    organizations: { "1": { timeRangeEnd: 150 }, "2": { timeRangeEnd: 7 } },
  });
});

Deno.test("cursors: the legacy single cursor applies to every configured organization", () => {
  assert.deepEqual(read({ timeRangeEnd: 1_700_000_000_000 }, WINDOW, ["1", "2"]), {
    "1": 1_700_000_000_000,
    "2": 1_700_000_000_000,
  });
  assert.deepEqual(read({ lastModifiedAt: "1700000000000" }, POSTS, ["9"]), {
    "9": 1_700_000_000_000,
  });
  // A legacy state of another cursor field holds nothing for this stream.
  assert.deepEqual(read({ timeRangeEnd: 5 }, POSTS, ["1"]), {});
});

Deno.test("cursors: no state, and the no-cursor state, hold no cursor", () => {
  for (const raw of [null, undefined, {}, NO_CURSOR_STATE]) {
    assert.deepEqual(read(raw, POSTS, ["1"]), {}, JSON.stringify(raw));
  }
});

Deno.test("cursors: numeric strings are accepted as epoch milliseconds", () => {
  const raw = {
    organizations: { "1": { lastModifiedAt: "1700000000000" }, "2": { lastModifiedAt: "0" } },
  };
  assert.deepEqual(read(raw, POSTS, ["1", "2"]), { "1": 1_700_000_000_000, "2": 0 });
});

Deno.test("cursors: bad values are rejected with the file and the path named", () => {
  const where = `${FILE}: ugc_posts`;
  const badMs = [-1, 1.5, "abc", "1.5", "-1", "", null, true, [1], { ms: 1 }, 2 ** 53, "1e3"];
  for (const value of badMs) {
    fails(
      () => read({ organizations: { "7": { lastModifiedAt: value } } }, POSTS, ["7"], where),
      where,
      "stream_state.organizations.7.lastModifiedAt",
      "epoch milliseconds",
    );
  }
  // The cursor field is missing.
  fails(
    () => read({ organizations: { "7": { timeRangeEnd: 5 } } }, POSTS, ["7"], where),
    "stream_state.organizations.7.lastModifiedAt",
  );
  // Organizations that are dropped are still checked.
  fails(
    () => read({ organizations: { "8": { lastModifiedAt: "x" } } }, POSTS, ["7"], where),
    "stream_state.organizations.8.lastModifiedAt",
  );
  fails(
    () => read({ timeRangeEnd: "soon" }, WINDOW, ["1"], where),
    where,
    "stream_state.timeRangeEnd",
  );
  for (const value of ["2026-13-01", "2026-02-30", "2026-2-3", 20261201, "", "2026-12-01T00:00Z"]) {
    fails(
      () => read({ organizations: { "7": { snapshotDate: value } } }, SNAPSHOT, ["7"], where),
      "stream_state.organizations.7.snapshotDate",
      "YYYY-MM-DD",
    );
  }
});

Deno.test("cursors: wrong stream_state shapes are rejected with the path named", () => {
  const where = `${FILE}: page_statistics_time_bound`;
  for (const raw of [[], "x", 5, true]) {
    fails(() => read(raw, WINDOW, ["1"], where), where, "stream_state must be an object");
  }
  for (const organizations of [[], "x", 5, null]) {
    fails(() => read({ organizations }, WINDOW, ["1"], where), where, "stream_state.organizations");
  }
  for (const entry of [5, "1700000000000", null, []]) {
    fails(
      () => read({ organizations: { "3": entry } }, WINDOW, ["3"], where),
      where,
      "stream_state.organizations.3",
      "timeRangeEnd",
    );
  }
});
