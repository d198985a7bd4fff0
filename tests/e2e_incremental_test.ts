/**
 * End-to-end tests of incremental `read`: time-bound statistics windows (DAY and MONTH),
 * lookback, state round trips, far-future, foreign and legacy state, `ugc_posts` reading up
 * to its cursor, and the state files that mean "no state".
 *
 * @module
 */
import assert from "node:assert/strict";
import {
  assertOk,
  catalogFor,
  configFor,
  DAY,
  errorsOf,
  lastStates,
  logsOf,
  type Message,
  ORG,
  OTHER_ORG,
  recordsOf,
  runRead,
  statesOf,
  statusesOf,
  TIME_BOUND_ENDPOINTS,
  TIME_BOUND_STREAMS,
  utcDate,
  withSimulator,
} from "./harness.ts";
import type { LinkedInSimulator, RecordedRequest, SimOrganization } from "./simulator/mod.ts";

const STATISTICS = new Set(Object.values(TIME_BOUND_ENDPOINTS));
const YEAR_2100 = Date.UTC(2100, 0, 1);
const ORGANIZATIONS: SimOrganization[] = [
  { id: ORG, name: "Devtestco", vanityName: "devtestco", postCount: 120 },
  { id: OTHER_ORG, name: "Acme Analytics", vanityName: "acme-analytics", postCount: 30 },
];

type Json = Record<string, unknown>;

interface Window {
  start: number;
  end: number;
  granularity: string;
}

/** STARTED first, COMPLETE last, RUNNING between; recordCount = records since the last STATE. */
function assertBookkeeping(messages: Message[], stream: string): void {
  const statuses = statusesOf(messages, stream);
  assert.equal(statuses[0], "STARTED", `${stream}: ${statuses}`);
  assert.equal(statuses.at(-1), "COMPLETE", `${stream}: ${statuses}`);
  assert.ok(statuses.slice(1, -1).every((s) => s === "RUNNING"), `${stream}: ${statuses}`);
  let sinceState = 0;
  for (const m of messages) {
    if (m.type === "RECORD" && m.record.stream === stream) sinceState++;
    if (m.type === "STATE" && m.state.stream.stream_descriptor.name === stream) {
      assert.equal(m.state.sourceStats.recordCount, sinceState, `${stream}: recordCount`);
      sinceState = 0;
    }
  }
  assert.ok(statesOf(messages, stream).length >= 1, `${stream}: no STATE`);
  assert.equal(sinceState, 0, `${stream}: records after the last STATE`);
}

/** The `timeIntervals` of a statistics request, parsed from the raw Rest.li query. */
function windowOf(request: RecordedRequest): Window | undefined {
  const m = /(?:^|&)timeIntervals=\(timeRange:\(start:(\d+),end:(\d+)\),timeGranularityType:(\w+)\)/
    .exec(request.query);
  return m ? { start: Number(m[1]), end: Number(m[2]), granularity: m[3] } : undefined;
}

function organizationOf(request: RecordedRequest): string | undefined {
  return /urn%3Ali%3Aorganization%3A(\d+)/.exec(request.query)?.[1];
}

/** The time-bound statistics requests of one stream and organization. */
function windowRequests(sim: LinkedInSimulator, stream: string, id: string): Window[] {
  return sim.requests
    .filter((r) => r.endpoint === TIME_BOUND_ENDPOINTS[stream] && organizationOf(r) === id)
    .map(windowOf)
    .filter((w): w is Window => w !== undefined);
}

function rowsOf(messages: Message[], stream: string, id: string): Json[] {
  return recordsOf(messages, stream).filter((row) => row.organizationId === id);
}

/** The cursor the last STATE of a stream holds for an organization. */
function cursorOf(messages: Message[], stream: string, id: string): number | undefined {
  const state = statesOf(messages, stream).at(-1)?.state.stream.stream_state;
  const field = stream === "ugc_posts" ? "lastModifiedAt" : "timeRangeEnd";
  return state?.organizations?.[id]?.[field];
}

const midnight = (ms: number) => ms - (ms % DAY);
const monthStart = (ms: number) => {
  const d = new Date(ms);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
};
const nextMonth = (ms: number) => {
  const d = new Date(ms);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
};
/** LinkedIn's oldest allowed start: the same calendar day 12 months before today (UTC). */
const twelveMonthsBack = (now: number) => {
  const d = new Date(midnight(now));
  const lastDay = new Date(Date.UTC(d.getUTCFullYear() - 1, d.getUTCMonth() + 1, 0)).getUTCDate();
  return Date.UTC(d.getUTCFullYear() - 1, d.getUTCMonth(), Math.min(d.getUTCDate(), lastDay));
};

/** A stream's records of one organization are exactly the whole buckets of `window`. */
function assertBuckets(rows: Json[], window: Window, where: string): void {
  const starts = rows.map((row) => row.timeRangeStart as number);
  assert.deepEqual(starts, [...starts].sort((a, b) => a - b), `${where}: in time order`);
  let expected = window.start;
  for (const row of rows) {
    const start = row.timeRangeStart as number;
    const end = row.timeRangeEnd as number;
    assert.equal(start, expected, `${where}: buckets are contiguous from the window start`);
    assert.equal(end, window.granularity === "DAY" ? start + DAY : nextMonth(start), where);
    assert.equal(row.date, utcDate(start), where);
    assert.deepEqual(row.timeRange, { start, end }, where);
    expected = end;
  }
  assert.equal(expected, window.end, `${where}: buckets reach the window end`);
}

Deno.test("time-bound DAY: clamped 400-day start (one warning per stream), one whole-day window per stream and organization, then the lookback only", async () => {
  await withSimulator(async (sim, workspace) => {
    const organizations = [ORG, OTHER_ORG];
    const startDate = utcDate(Date.now() - 400 * DAY);
    const config = configFor(sim, {
      org_id: undefined,
      org_ids: organizations,
      start_date: startDate,
      time_granularity_type: "DAY",
    });
    const catalog = catalogFor(TIME_BOUND_STREAMS, "incremental");
    const first = await runRead(workspace, config, catalog);
    assertOk(first);

    assert.equal(sim.count(), 6, "nothing but one statistics request per stream and organization");
    // One clamping warning per stream, for all its organizations: it names none of them.
    const clampedTo = utcDate(windowRequests(sim, TIME_BOUND_STREAMS[0], ORG)[0].start);
    assert.deepEqual(
      logsOf(first.messages, "WARN").sort(),
      [...TIME_BOUND_STREAMS].sort().map((stream) =>
        `stream ${stream}: LinkedIn serves statistics for about 12 months only, so reading ` +
        `starts on ${clampedTo} instead of ${startDate}.`
      ),
    );

    const cursors = new Map<string, number>();
    for (const stream of TIME_BOUND_STREAMS) {
      assertBookkeeping(first.messages, stream);
      for (const id of organizations) {
        const windows = windowRequests(sim, stream, id);
        assert.equal(windows.length, 1, `${stream}/${id}: one request`);
        const [window] = windows;
        assert.equal(window.granularity, "DAY");
        assert.equal(window.start % DAY, 0, "starts at 00:00 UTC");
        assert.equal(window.end % DAY, 0, "ends at 00:00 UTC");
        assert.ok(window.start >= twelveMonthsBack(first.endedAt), "at most 12 months back");
        assert.ok(window.start <= twelveMonthsBack(first.startedAt) + DAY, "no later than needed");
        assert.ok(window.end <= first.endedAt - 2 * DAY, "ends at least 2 days back");
        assert.ok(window.end >= midnight(first.startedAt - 2 * DAY), "up to the newest full day");
        const rows = rowsOf(first.messages, stream, id);
        assert.equal(rows.length, (window.end - window.start) / DAY);
        assertBuckets(rows, window, `${stream}/${id}`);
        assert.equal(cursorOf(first.messages, stream, id), window.end);
        cursors.set(`${stream}/${id}`, window.end);
      }
      const keys = recordsOf(first.messages, stream).map((r) =>
        `${r.organizationId}/${r.timeRangeStart}`
      );
      assert.equal(new Set(keys).size, keys.length, `${stream}: unique primary keys`);
    }

    // Second run from the last states: only the lookback window (3 days by default).
    sim.resetRecording();
    const second = await runRead(workspace, config, catalog, lastStates(first.messages));
    assertOk(second);
    assert.deepEqual(logsOf(second.messages, "WARN"), []);
    assert.equal(sim.count(), 6);
    for (const stream of TIME_BOUND_STREAMS) {
      assertBookkeeping(second.messages, stream);
      for (const id of organizations) {
        const previous = cursors.get(`${stream}/${id}`)!;
        const windows = windowRequests(sim, stream, id);
        assert.equal(windows.length, 1);
        const [window] = windows;
        assert.equal(window.start, previous - 3 * DAY, `${stream}/${id}: cursor − lookback`);
        assert.ok(window.end >= previous);
        const rows = rowsOf(second.messages, stream, id);
        assert.equal(rows.length, (window.end - window.start) / DAY);
        assertBuckets(rows, window, `${stream}/${id} (second run)`);
        const cursor = cursorOf(second.messages, stream, id)!;
        assert.ok(cursor >= previous, "the cursor never moves backwards");
        assert.equal(cursor, window.end);
      }
    }
  }, { organizations: ORGANIZATIONS });
});

Deno.test("time-bound MONTH: whole calendar months up to the current one, then the lookback month", async () => {
  await withSimulator(async (sim, workspace) => {
    const config = configFor(sim, {
      start_date: utcDate(Date.now() - 400 * DAY),
      time_granularity_type: "MONTH",
    });
    const catalog = catalogFor(TIME_BOUND_STREAMS, "incremental");
    const first = await runRead(workspace, config, catalog);
    assertOk(first);
    assert.equal(logsOf(first.messages, "WARN").length, 3);
    assert.equal(sim.count(), 3);
    const cursors = new Map<string, number>();
    for (const stream of TIME_BOUND_STREAMS) {
      assertBookkeeping(first.messages, stream);
      const windows = windowRequests(sim, stream, ORG);
      assert.equal(windows.length, 1);
      const [window] = windows;
      assert.equal(window.granularity, "MONTH");
      assert.equal(window.start, monthStart(window.start), "starts on the 1st at 00:00 UTC");
      assert.ok(window.start >= twelveMonthsBack(first.endedAt));
      assert.ok(window.start < twelveMonthsBack(first.startedAt) + 32 * DAY);
      assert.equal(window.end, monthStart(first.startedAt - 2 * DAY), "current month excluded");
      const rows = rowsOf(first.messages, stream, ORG);
      assert.ok(rows.length >= 10 && rows.length <= 12, `${stream}: ${rows.length} months`);
      assertBuckets(rows, window, stream);
      for (const row of rows) {
        assert.equal(new Date(row.timeRangeStart as number).getUTCDate(), 1);
        assert.ok((row.timeRangeEnd as number) <= monthStart(first.endedAt));
      }
      assert.equal(cursorOf(first.messages, stream, ORG), window.end);
      cursors.set(stream, window.end);
    }

    sim.resetRecording();
    const second = await runRead(workspace, config, catalog, lastStates(first.messages));
    assertOk(second);
    for (const stream of TIME_BOUND_STREAMS) {
      assertBookkeeping(second.messages, stream);
      const previous = cursors.get(stream)!;
      const windows = windowRequests(sim, stream, ORG);
      assert.equal(windows.length, 1);
      const [window] = windows;
      assert.equal(
        window.start,
        monthStart(previous - 3 * DAY),
        "the month holding cursor − 3 days",
      );
      const rows = rowsOf(second.messages, stream, ORG);
      assertBuckets(rows, window, `${stream} (second run)`);
      assert.ok(rows.length >= 1 && rows.length <= 2);
      assert.ok(cursorOf(second.messages, stream, ORG)! >= previous);
    }
  }, { organizations: ORGANIZATIONS });
});

Deno.test("far-future state: no records, no statistics request, one STATE per stream with the cursor kept", async () => {
  await withSimulator(async (sim, workspace) => {
    const streams = [...TIME_BOUND_STREAMS, "ugc_posts"];
    const state = streams.map((name) => ({
      type: "STREAM",
      stream: {
        stream_descriptor: { name },
        stream_state: {
          organizations: {
            [ORG]: { [name === "ugc_posts" ? "lastModifiedAt" : "timeRangeEnd"]: YEAR_2100 },
          },
        },
      },
    }));
    const run = await runRead(workspace, configFor(sim), catalogFor(streams, "incremental"), state);
    assertOk(run);
    assert.equal(run.messages.filter((m) => m.type === "RECORD").length, 0);
    assert.equal(sim.requests.filter((r) => STATISTICS.has(r.endpoint)).length, 0);
    assert.equal(sim.count("posts"), 1, "ugc_posts stops at the cursor on its first page");
    for (const [index, name] of streams.entries()) {
      assertBookkeeping(run.messages, name);
      const states = statesOf(run.messages, name);
      assert.equal(states.length, 1, name);
      assert.deepEqual(states[0].state.stream.stream_state, state[index].stream.stream_state);
      assert.equal(states[0].state.sourceStats.recordCount, 0);
    }
  }, { organizations: ORGANIZATIONS });
});

Deno.test("incoming state: foreign organizations dropped, legacy cursors honoured, cursors never move back", async () => {
  await withSimulator(async (sim, workspace) => {
    const now = Date.now();
    const newestEnd = midnight(now - 2 * DAY);
    const foreign = midnight(now) - 10 * DAY;
    const legacy = midnight(now) - 20 * DAY + 5 * 3_600_000; // an old manifest's unaligned cursor
    const ahead = newestEnd + DAY;
    const stream = (name: string, streamState: Json) => ({
      type: "STREAM",
      stream: { stream_descriptor: { name }, stream_state: streamState },
    });
    const state = [
      stream("follower_statistics_time_bound", {
        organizations: { [ORG]: { timeRangeEnd: foreign }, "999999": { timeRangeEnd: foreign } },
      }),
      stream("page_statistics_time_bound", { timeRangeEnd: legacy }),
      stream("share_statistics_time_bound", { organizations: { [ORG]: { timeRangeEnd: ahead } } }),
      stream("not_a_stream_of_this_connector", { anything: true }),
    ];
    const config = configFor(sim);
    const catalog = catalogFor(TIME_BOUND_STREAMS, "incremental");
    const run = await runRead(workspace, config, catalog, state);
    assertOk(run);
    for (const name of TIME_BOUND_STREAMS) {
      assertBookkeeping(run.messages, name);
      assert.equal(windowRequests(sim, name, ORG).length, 1, name);
    }
    assert.ok(!sim.requests.some((r) => r.query.includes("999999") || r.path.includes("999999")));

    const [follower] = windowRequests(sim, "follower_statistics_time_bound", ORG);
    assert.equal(follower.start, foreign - 3 * DAY);
    assert.deepEqual(
      statesOf(run.messages, "follower_statistics_time_bound").at(-1)!.state.stream.stream_state,
      { organizations: { [ORG]: { timeRangeEnd: follower.end } } },
      "the foreign organization's cursor is dropped",
    );

    const [page] = windowRequests(sim, "page_statistics_time_bound", ORG);
    assert.equal(page.start, midnight(legacy - 3 * DAY), "the legacy cursor applies, day-aligned");
    assert.equal(
      rowsOf(run.messages, "page_statistics_time_bound", ORG).length,
      (page.end - page.start) / DAY,
    );
    assert.deepEqual(
      statesOf(run.messages, "page_statistics_time_bound").at(-1)!.state.stream.stream_state,
      { organizations: { [ORG]: { timeRangeEnd: page.end } } },
      "the legacy state is carried forward per organization",
    );

    const [share] = windowRequests(sim, "share_statistics_time_bound", ORG);
    assert.equal(share.start, ahead - 3 * DAY);
    const shareRows = rowsOf(run.messages, "share_statistics_time_bound", ORG);
    assertBuckets(shareRows, share, "share_statistics_time_bound");
    assert.ok(shareRows.length > 0);
    assert.equal(
      cursorOf(run.messages, "share_statistics_time_bound", ORG),
      ahead,
      "never moves back",
    );

    // A bare legacy object keyed by stream name (Airbyte's LEGACY state data) works too.
    sim.resetRecording();
    const bare = await runRead(
      workspace,
      config,
      catalogFor(["follower_statistics_time_bound"], "incremental"),
      { follower_statistics_time_bound: { timeRangeEnd: foreign } },
      "legacy.json",
    );
    assertOk(bare);
    const [bareWindow] = windowRequests(sim, "follower_statistics_time_bound", ORG);
    assert.equal(bareWindow.start, foreign - 3 * DAY);
    assert.equal(cursorOf(bare.messages, "follower_statistics_time_bound", ORG), bareWindow.end);
  }, { organizations: ORGANIZATIONS });
});

Deno.test("ugc_posts incremental: all posts first, then only new and touched ones; shares stays full refresh", async () => {
  await withSimulator(async (sim, workspace) => {
    const config = configFor(sim);
    const catalog = catalogFor(["ugc_posts", "shares"], "incremental");
    assert.equal((catalog.streams as Json[])[1].sync_mode, "full_refresh");
    const posts = (): Json[] => sim.posts(ORG).map((post) => ({ ...post, organizationId: ORG }));
    const ugcPages = () =>
      sim.requests.filter((r) => r.endpoint === "posts" && r.query.includes("count=100"));

    const first = await runRead(workspace, config, catalog);
    assertOk(first);
    assert.deepEqual(recordsOf(first.messages, "ugc_posts"), posts());
    assert.equal(ugcPages().length, 2, "120 posts: pages of 100 and 20");
    const firstCursor = cursorOf(first.messages, "ugc_posts", ORG)!;
    assert.equal(firstCursor, sim.posts(ORG)[0].lastModifiedAt);

    sim.addPosts(ORG, 5);
    const touched = sim.posts(ORG)[80].id as string;
    sim.touchPost(ORG, touched);
    const changed = posts().slice(0, 6);
    assert.equal(changed[0].id, touched);
    sim.resetRecording();

    const second = await runRead(workspace, config, catalog, lastStates(first.messages));
    assertOk(second);
    for (const name of ["ugc_posts", "shares"]) assertBookkeeping(second.messages, name);
    assert.deepEqual(
      recordsOf(second.messages, "ugc_posts"),
      changed,
      "exactly the new and touched posts, newest first",
    );
    assert.equal(ugcPages().length, 1, "reading stops at the cursor");
    const secondCursor = cursorOf(second.messages, "ugc_posts", ORG)!;
    assert.ok(secondCursor > firstCursor);
    assert.equal(secondCursor, sim.posts(ORG)[0].lastModifiedAt);
    // shares is a full refresh of the 50 newest posts, whatever the state says.
    assert.deepEqual(recordsOf(second.messages, "shares"), posts().slice(0, 50));
    assert.deepEqual(statesOf(second.messages, "shares").at(-1)!.state.stream.stream_state, {
      __ab_no_cursor_state_message: true,
    });

    sim.resetRecording();
    const third = await runRead(workspace, config, catalog, lastStates(second.messages));
    assertOk(third);
    assert.deepEqual(recordsOf(third.messages, "ugc_posts"), [], "nothing changed");
    assert.equal(ugcPages().length, 1);
    assert.equal(cursorOf(third.messages, "ugc_posts", ORG), secondCursor);

    // Asking for shares incrementally reads it in full, as the Airbyte CDK does, and says so.
    sim.resetRecording();
    const inFull = await runRead(workspace, config, {
      streams: [{
        stream: { name: "shares", json_schema: {}, supported_sync_modes: ["full_refresh"] },
        sync_mode: "incremental",
        destination_sync_mode: "append",
      }],
    }, lastStates(third.messages));
    assertOk(inFull);
    assert.deepEqual(errorsOf(inFull.messages), []);
    assert.equal(
      logsOf(inFull.messages, "INFO").filter((line) => line.includes("in full")).join("\n"),
      "Reading shares in full: configured as incremental, but it supports only full refresh.",
    );
    assertBookkeeping(inFull.messages, "shares");
    assert.deepEqual(recordsOf(inFull.messages, "shares"), posts().slice(0, 50));
    assert.deepEqual(statesOf(inFull.messages, "shares").at(-1)!.state.stream.stream_state, {
      __ab_no_cursor_state_message: true,
    });
    assert.equal(sim.count("posts"), 1, "one page: the 50 newest posts, whatever the state");
  }, { organizations: ORGANIZATIONS });
});

Deno.test("ugc_posts: pages asked two at a time while LinkedIn's total says more exist; back to the cursor one at a time", async () => {
  const organization = { id: ORG, name: "Devtestco", vanityName: "devtestco", postCount: 450 };
  await withSimulator(async (sim, workspace) => {
    const config = configFor(sim);
    const catalog = catalogFor(["ugc_posts"], "incremental");
    const starts = () =>
      sim.requests.filter((r) => r.endpoint === "posts")
        .map((r) => Number(new URLSearchParams(r.query).get("start")));

    const first = await runRead(workspace, config, catalog);
    assertOk(first);
    assert.deepEqual(
      recordsOf(first.messages, "ugc_posts"),
      sim.posts(ORG).map((post) => ({ ...post, organizationId: ORG })),
      "every post once, in feed order",
    );
    assert.deepEqual(starts().sort((a, b) => a - b), [0, 100, 200, 300, 400], "each page once");
    assert.equal(sim.maxConcurrency(), 2, "the next page is asked for before the previous is in");

    // Whether the page after one is still newer than the cursor depends on that page.
    sim.addPosts(ORG, 150);
    sim.resetRecording();
    const second = await runRead(workspace, config, catalog, lastStates(first.messages));
    assertOk(second);
    assert.equal(recordsOf(second.messages, "ugc_posts").length, 150);
    assert.deepEqual(starts(), [0, 100]);
    assert.equal(sim.maxConcurrency(), 1);
  }, { organizations: [organization], latencyMs: 30 });
});

Deno.test("an empty state file, [], {} and null all mean no state", async () => {
  await withSimulator(async (sim, workspace) => {
    const config = configFor(sim);
    const streams = ["ugc_posts", "follower_statistics_time_bound"];
    const catalog = catalogFor(streams, "incremental");
    const baseline = await runRead(workspace, config, catalog);
    assertOk(baseline);
    const [fullWindow] = windowRequests(sim, "follower_statistics_time_bound", ORG);
    const texts = ["", " \n", "[]", "{}", "null"];
    const runs = await Promise.all(
      texts.map((text, index) => runRead(workspace, config, catalog, text, `state-${index}.json`)),
    );
    for (const [index, run] of runs.entries()) {
      const label = JSON.stringify(texts[index]);
      assertOk(run);
      for (const name of streams) {
        assertBookkeeping(run.messages, name);
        assert.equal(
          recordsOf(run.messages, name).length,
          recordsOf(baseline.messages, name).length,
          `${label}: ${name}`,
        );
      }
      assert.equal(recordsOf(run.messages, "ugc_posts").length, 120, label);
      assert.deepEqual(
        statesOf(run.messages, "ugc_posts").at(-1)!.state.stream.stream_state,
        statesOf(baseline.messages, "ugc_posts").at(-1)!.state.stream.stream_state,
        label,
      );
    }
    const windows = sim.requests.map(windowOf).filter((w) => w !== undefined);
    assert.equal(windows.length, texts.length + 1);
    for (const window of windows) assert.deepEqual(window, fullWindow);
  }, { organizations: ORGANIZATIONS });
});
