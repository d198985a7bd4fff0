/**
 * End-to-end tests of `post_statistics` against the simulator: which posts, the values
 * LinkedIn served (and zeros only where a successful answer left a post out), the
 * requests it costs, the one posts pass it shares with the other post streams, and
 * snapshots from one sync to the next.
 *
 * @module
 */
import assert from "node:assert/strict";
import { runCommand } from "../lib/commands.ts";
import { Output } from "../lib/output.ts";
import {
  assertOk,
  catalogFor,
  configFor,
  DAY,
  errorsOf,
  lastStates,
  lastStatus,
  logsOf,
  type Message,
  oldestStatisticsDay,
  ORG,
  OTHER_ORG,
  parseMessages,
  postsSince,
  postStatisticsRequests,
  recordsOf,
  runRead,
  statesOf,
  utcDate,
  withSimulator,
  ZERO_SHARE_STATISTICS,
} from "./harness.ts";
import type { LinkedInSimulator, RecordedRequest, SimOrganization } from "./simulator/mod.ts";

// deno-lint-ignore no-explicit-any
type Json = any;

/** Two organizations whose posts reach 500 days back, beyond LinkedIn's 12 months. */
const ORGANIZATIONS: SimOrganization[] = [
  { id: ORG, name: "Devtestco", vanityName: "devtestco", postCount: 260, postSpanDays: 500 },
  { id: OTHER_ORG, name: "Acme", vanityName: "acme", postCount: 70, postSpanDays: 500 },
];

/** The record the connector should emit for a post: LinkedIn's element, or zeros. */
function expectedRecord(
  sim: LinkedInSimulator,
  organizationId: string,
  post: string,
  date: string,
) {
  const kind = post.startsWith("urn:li:share:") ? "share" : "ugcPost";
  const element = sim.postStatistics(organizationId, post) ?? {
    organizationalEntity: `urn:li:organization:${organizationId}`,
    [kind]: post,
    totalShareStatistics: ZERO_SHARE_STATISTICS,
  };
  return { ...element, organizationId, post, snapshotDate: date };
}

/** The URNs a per-post statistics request asked about, by list name. */
function listsOf(request: RecordedRequest): Record<string, string[]> {
  const lists: Record<string, string[]> = {};
  for (const part of request.query.split("&")) {
    const [name, value] = part.split("=");
    if (name !== "shares" && name !== "ugcPosts") continue;
    lists[name] = value.slice("List(".length, -1).split(",").map(decodeURIComponent);
  }
  return lists;
}

/** The number of posts pages a pass reads to reach the first post modified before `since`. */
function pagesUntil(sim: LinkedInSimulator, organizationId: string, since: number): number {
  const posts = sim.posts(organizationId);
  const firstOlder = posts.findIndex((post) => (post.lastModifiedAt as number) < since);
  return Math.floor((firstOlder < 0 ? posts.length : firstOlder) / 100) + 1;
}

function recordsByOrganization(messages: Message[], organizationId: string): Json[] {
  return recordsOf(messages, "post_statistics").filter((r) => r.organizationId === organizationId);
}

Deno.test("post_statistics: every post of the last 12 months, LinkedIn's values, zeros where it has none", async () => {
  await withSimulator(async (sim, workspace) => {
    const config = configFor(sim, { org_id: undefined, org_ids: [ORG, OTHER_ORG] });
    const run = await runRead(workspace, config, catalogFor(["post_statistics"], "incremental"));
    assertOk(run);
    const date = utcDate(run.startedAt);
    const since = oldestStatisticsDay(run.startedAt);
    for (const organizationId of [ORG, OTHER_ORG]) {
      const posts = postsSince(sim, organizationId, since);
      const older = sim.posts(organizationId).length - posts.length;
      assert.ok(posts.length > 50 && older > 10, `${organizationId}: ${posts.length}/${older}`);
      const records = recordsByOrganization(run.messages, organizationId);
      // One record per post published since then, in batches (so not in feed order).
      assert.deepEqual(
        records.map((r) => r.post).sort(),
        posts.map((post) => post.id).sort(),
      );
      for (const record of records) {
        assert.deepEqual(record, expectedRecord(sim, organizationId, record.post, date));
      }
      const zeros = records.filter((r) => sim.postStatistics(organizationId, r.post) === undefined);
      assert.ok(zeros.length > 0, "some posts have no activity");
      assert.ok(zeros.every((r) => r.totalShareStatistics.impressionCount === 0));
      assert.ok(records.some((r) => r.totalShareStatistics.impressionCount > 0));

      // Requests: 50 URNs of one kind at a time, each kind in its own list, no window.
      const requests = sim.requests.filter((r) =>
        r.endpoint === "postStatistics" && r.query.includes(`organization%3A${organizationId}`)
      );
      assert.equal(requests.length, postStatisticsRequests(posts));
      for (const request of requests) {
        const lists = Object.entries(listsOf(request));
        assert.equal(lists.length, 1, request.query);
        const [name, urns] = lists[0];
        assert.ok(urns.length > 0 && urns.length <= 50);
        const prefix = name === "shares" ? "urn:li:share:" : "urn:li:ugcPost:";
        assert.ok(urns.every((urn) => urn.startsWith(prefix)), `${name}: ${urns}`);
        assert.ok(!request.query.includes("timeIntervals"));
        assert.equal(request.method, "GET");
        assert.equal(request.status, 200);
      }
      // The posts are read back to 12 months only.
      assert.equal(
        sim.requests.filter((r) =>
          r.endpoint === "posts" && r.query.includes(`organization%3A${organizationId}`)
        ).length,
        pagesUntil(sim, organizationId, since),
      );
    }
    // One snapshot date per organization in the state.
    assert.deepEqual(statesOf(run.messages, "post_statistics").at(-1)!.state.stream.stream_state, {
      organizations: { [ORG]: { snapshotDate: date }, [OTHER_ORG]: { snapshotDate: date } },
    });
    assert.equal(lastStatus(run.messages, "post_statistics"), "COMPLETE");
  }, { organizations: ORGANIZATIONS });
});

Deno.test("post_statistics: the posts are read once for ugc_posts, shares and post_statistics", async () => {
  await withSimulator(async (sim, workspace) => {
    const config = configFor(sim, { org_id: undefined, org_ids: [ORG, OTHER_ORG] });
    const streams = ["ugc_posts", "shares", "post_statistics"];
    const run = await runRead(workspace, config, catalogFor(streams, "incremental"));
    assertOk(run);
    for (const organizationId of [ORG, OTHER_ORG]) {
      const all = sim.posts(organizationId);
      const posts = sim.requests.filter((r) =>
        r.endpoint === "posts" && r.query.includes(`organization%3A${organizationId}`)
      );
      // ugc_posts goes furthest (every post): one pass of 100-post pages, shared by all three.
      assert.equal(posts.length, Math.floor(all.length / 100) + 1, organizationId);
      // Each page once; two may be on their way at once, so they may arrive in either order.
      const starts = posts.map((r) => Number(/(?:^|&)start=(\d+)/.exec(r.query)![1]));
      assert.deepEqual(starts.sort((a, b) => a - b), posts.map((_, index) => index * 100));
      const mine = (stream: string) =>
        recordsOf(run.messages, stream).filter((r) => r.organizationId === organizationId);
      assert.deepEqual(mine("ugc_posts").map((r) => r.id), all.map((post) => post.id));
      assert.deepEqual(mine("shares").map((r) => r.id), all.slice(0, 50).map((post) => post.id));
      assert.equal(
        mine("post_statistics").length,
        postsSince(sim, organizationId, oldestStatisticsDay(run.startedAt)).length,
      );
    }
    for (const stream of streams) assert.equal(lastStatus(run.messages, stream), "COMPLETE");

    // The next sync: ugc_posts has nothing new, post_statistics still needs 12 months of posts.
    sim.resetRecording();
    const next = await runRead(
      workspace,
      config,
      catalogFor(streams, "incremental"),
      lastStates(run.messages),
    );
    assertOk(next);
    assert.equal(recordsOf(next.messages, "ugc_posts").length, 0);
    for (const organizationId of [ORG, OTHER_ORG]) {
      assert.equal(
        sim.requests.filter((r) =>
          r.endpoint === "posts" && r.query.includes(`organization%3A${organizationId}`)
        ).length,
        pagesUntil(sim, organizationId, oldestStatisticsDay(next.startedAt)),
      );
    }
  }, { organizations: ORGANIZATIONS });
});

Deno.test("post_statistics: a failed request gives no zeros; the organization ends with an error", async () => {
  await withSimulator(async (sim, workspace) => {
    // The first per-post request of the organization succeeds, every later one is refused.
    sim.inject({
      endpoint: "postStatistics",
      organizationId: ORG,
      skip: 1,
      action: { status: 500, body: { status: 500, message: "Internal Server Error" } },
    });
    const config = configFor(sim, { org_id: undefined, org_ids: [ORG, OTHER_ORG] });
    const run = await runRead(
      workspace,
      config,
      catalogFor(["post_statistics", "ugc_posts"], "incremental"),
    );
    assert.equal(run.code, 1);
    const date = utcDate(run.startedAt);
    const first = sim.requests.find((r) =>
      r.endpoint === "postStatistics" && r.query.includes(`organization%3A${ORG}`)
    )!;
    const [answered] = Object.values(listsOf(first));
    const records = recordsByOrganization(run.messages, ORG);
    // Only the posts of the answered request have records, each with LinkedIn's values or zeros.
    assert.deepEqual(records.map((r) => r.post), answered);
    for (const record of records) {
      assert.deepEqual(record, expectedRecord(sim, ORG, record.post, date));
    }
    const errors = errorsOf(run.messages, "post_statistics");
    assert.equal(errors.length, 1);
    assert.equal(errors[0].failure_type, "transient_error");
    assert.match(errors[0].message, new RegExp(`organization ${ORG}, batch 2 `));
    assert.match(errors[0].message, /failed after 5 attempts/);
    // The next request was tried 5 times; the batches asked with it, behind it, were asked
    // once each and not retried: they wait for the earlier batch, and its failure ends them.
    const refused = sim.requests.filter((r) => r.endpoint === "postStatistics" && r.status === 500);
    const attempts = new Map<string, number>();
    for (const r of refused) attempts.set(r.query, (attempts.get(r.query) ?? 0) + 1);
    const [second, ...behind] = [...attempts.values()].sort((a, b) => b - a);
    assert.equal(second, 5);
    assert.ok(behind.length > 0, "later batches were asked ahead");
    assert.deepEqual(behind, behind.map(() => 1));
    // The other organization and the other stream are complete.
    const other = recordsByOrganization(run.messages, OTHER_ORG);
    assert.equal(
      other.length,
      postsSince(sim, OTHER_ORG, oldestStatisticsDay(run.startedAt)).length,
    );
    assert.equal(lastStatus(run.messages, "post_statistics"), "INCOMPLETE");
    assert.equal(lastStatus(run.messages, "ugc_posts"), "COMPLETE");
    assert.equal(
      recordsOf(run.messages, "ugc_posts").length,
      sim.posts(ORG).length + sim.posts(OTHER_ORG).length,
    );
    // The failed organization keeps no cursor.
    assert.deepEqual(statesOf(run.messages, "post_statistics").at(-1)!.state.stream.stream_state, {
      organizations: { [OTHER_ORG]: { snapshotDate: date } },
    });
  }, { organizations: ORGANIZATIONS });
});

Deno.test("post_statistics: each sync adds a snapshot; the state follows the UTC date", async () => {
  await withSimulator(async (sim, workspace) => {
    const catalog = catalogFor(["post_statistics"], "incremental");
    const config = configFor(sim);
    const yesterday = utcDate(Date.now() - DAY);
    // The state of yesterday's sync: today's sync appends a new snapshot of every post.
    const state = [{
      type: "STREAM",
      stream: {
        stream_descriptor: { name: "post_statistics" },
        stream_state: { organizations: { [ORG]: { snapshotDate: yesterday } } },
      },
    }];
    const today = await runRead(workspace, config, catalog, state);
    assertOk(today);
    const date = utcDate(today.startedAt);
    const records = recordsOf(today.messages, "post_statistics");
    assert.ok(records.length > 0);
    assert.ok(records.every((r) => r.snapshotDate === date));
    assert.deepEqual(lastStates(today.messages)[0].stream.stream_state, {
      organizations: { [ORG]: { snapshotDate: date } },
    });
    // Again on the same day: the same keys, for the destination to deduplicate.
    const again = await runRead(workspace, config, catalog, lastStates(today.messages));
    assertOk(again);
    const keys = (messages: Message[]) =>
      recordsOf(messages, "post_statistics").map((r) => `${r.post}|${r.snapshotDate}`).sort();
    assert.deepEqual(keys(again.messages), keys(today.messages));
    // A state from the future reads nothing and is kept as it is.
    sim.resetRecording();
    const future = [{
      type: "STREAM",
      stream: {
        stream_descriptor: { name: "post_statistics" },
        stream_state: { organizations: { [ORG]: { snapshotDate: "2099-01-01" } } },
      },
    }];
    const ahead = await runRead(workspace, config, catalog, future);
    assertOk(ahead);
    assert.equal(recordsOf(ahead.messages, "post_statistics").length, 0);
    assert.equal(sim.count("posts") + sim.count("postStatistics"), 0);
    assert.deepEqual(lastStates(ahead.messages)[0].stream.stream_state, {
      organizations: { [ORG]: { snapshotDate: "2099-01-01" } },
    });
  });
});

Deno.test("post_statistics: start_date picks the posts; one before 12 months is clamped with a warning", async () => {
  await withSimulator(async (sim, workspace) => {
    const catalog = catalogFor(["post_statistics"]);
    const startDate = utcDate(Date.now() - 100 * DAY);
    const recent = await runRead(workspace, configFor(sim, { start_date: startDate }), catalog);
    assertOk(recent);
    const since = Date.parse(`${startDate}T00:00:00Z`);
    assert.deepEqual(
      recordsOf(recent.messages, "post_statistics").map((r) => r.post).sort(),
      postsSince(sim, ORG, since).map((post) => post.id).sort(),
    );
    assert.deepEqual(logsOf(recent.messages, "WARN"), []);

    const old = await runRead(workspace, configFor(sim, { start_date: "2020-01-01" }), catalog);
    assertOk(old);
    const oldest = oldestStatisticsDay(old.startedAt);
    assert.deepEqual(logsOf(old.messages, "WARN"), [
      `stream post_statistics: LinkedIn serves statistics for about 12 ` +
      `months only, so reading starts on ${utcDate(oldest)} instead of 2020-01-01.`,
    ]);
    assert.equal(
      recordsOf(old.messages, "post_statistics").length,
      postsSince(sim, ORG, oldest).length,
    );
  }, { organizations: [ORGANIZATIONS[0]] });
});

/**
 * `read` run in this process rather than as a subprocess, so that the test can move the
 * clock the connector reads (`Date.now`) to the next day.
 */
async function readInProcess(config: string, catalog: string, state?: string) {
  let text = "";
  const output = new Output({
    write: (bytes) => {
      text += new TextDecoder().decode(bytes);
      return Promise.resolve(bytes.length);
    },
  });
  const invocation = { command: "read", config, catalog, state, debug: false } as const;
  const code = await runCommand(invocation, { output, signal: new AbortController().signal });
  await output.flush();
  return { code, messages: parseMessages(text) };
}

Deno.test("post_statistics: the next day's incremental sync appends a new snapshot of every post", async () => {
  const realNow = Date.now;
  let daysLater = 0;
  Date.now = () => realNow() + daysLater * DAY;
  try {
    await withSimulator(async (sim, workspace) => {
      const config = workspace.file("config.json", configFor(sim));
      const catalog = workspace.file(
        "catalog.json",
        catalogFor(["post_statistics"], "incremental"),
      );
      const first = await readInProcess(config, catalog);
      assert.equal(first.code, 0);
      const firstDate = utcDate(Date.now());
      daysLater = 1;
      const state = workspace.file("state.json", lastStates(first.messages));
      const second = await readInProcess(config, catalog, state);
      assert.equal(second.code, 0);
      const secondDate = utcDate(Date.now());
      assert.notEqual(firstDate, secondDate);

      const day = (messages: Message[]) => recordsOf(messages, "post_statistics");
      assert.ok(day(first.messages).every((r) => r.snapshotDate === firstDate));
      assert.ok(day(second.messages).every((r) => r.snapshotDate === secondDate));
      // The same posts on both days, under new primary keys: Append + Dedup keeps both days.
      const posts = (messages: Message[]) => day(messages).map((r) => r.post).sort();
      assert.deepEqual(posts(second.messages), posts(first.messages));
      const keys = [...day(first.messages), ...day(second.messages)].map((r) =>
        `${r.post}|${r.snapshotDate}`
      );
      assert.equal(new Set(keys).size, keys.length);
      // Lifetime totals only grow; a post with activity has more impressions a day later.
      const before = new Map(day(first.messages).map((r) => [r.post, r.totalShareStatistics]));
      let grew = 0;
      for (const record of day(second.messages)) {
        const then = before.get(record.post);
        assert.ok(record.totalShareStatistics.impressionCount >= then.impressionCount);
        if (record.totalShareStatistics.impressionCount > then.impressionCount) grew++;
        assert.deepEqual(record, expectedRecord(sim, ORG, record.post, secondDate));
      }
      assert.ok(grew > 0);
      assert.deepEqual(lastStates(second.messages)[0].stream.stream_state, {
        organizations: { [ORG]: { snapshotDate: secondDate } },
      });
    }, { now: () => Date.now(), organizations: [{ ...ORGANIZATIONS[0], postSpanDays: 200 }] });
  } finally {
    Date.now = realNow;
  }
});
