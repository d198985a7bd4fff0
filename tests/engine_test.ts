/**
 * The read engine with a fake LinkedIn client: what it asks for, what it emits, and
 * how partitions, the shared posts pass, batches and cursors behave.
 */
import assert from "node:assert/strict";
import { configuredStreams } from "../lib/catalog.ts";
import type { ApiClient, ApiRequest } from "../lib/client.ts";
import { type EngineContext, planStreams, readStreams } from "../lib/engine.ts";
import { systemError, transientError } from "../lib/errors.ts";
import { Output, type Sink } from "../lib/output.ts";
import { STREAMS } from "../lib/streams.ts";
import { DAY_MS } from "../lib/windows.ts";
import { ZERO_SHARE_STATISTICS } from "./harness.ts";

// deno-lint-ignore no-explicit-any
type Json = any;
type Row = Record<string, unknown>;

const NOW = Date.UTC(2026, 11, 1, 10);
const TODAY = "2026-12-01";

/** A post of the fake API: `kind` decides its URN, `ageDays` its publication time. */
function post(n: number, ageDays: number, kind = n % 3 === 0 ? "ugcPost" : "share"): Row {
  const publishedAt = NOW - ageDays * DAY_MS;
  return {
    id: `urn:li:${kind}:${7_000_000 + n}`,
    createdAt: publishedAt,
    publishedAt,
    lastModifiedAt: publishedAt + 1000,
  };
}

/** `count` posts, newest first, one every `spacingDays`. */
function posts(count: number, spacingDays = 1): Row[] {
  return Array.from({ length: count }, (_, n) => post(n, n * spacingDays));
}

/** The statistics the fake API serves for a post, or undefined for "no activity". */
function statisticsOf(urn: string): Row | undefined {
  const n = Number(urn.split(":").at(-1)) - 7_000_000;
  return n % 4 === 1 ? undefined : { impressionCount: 100 + n, likeCount: n, clickCount: 1 };
}

/** A Rest.li `List(...)` query value, decoded. */
function listOf(value: string | null): string[] {
  const inner = /^List\((.*)\)$/.exec(value ?? "")?.[1];
  return inner ? inner.split(",").map(decodeURIComponent) : [];
}

/** A fake of the few LinkedIn endpoints the engine tests need; records every request. */
class FakeLinkedIn implements ApiClient {
  readonly requests: ApiRequest[] = [];
  /** Fails the nth (1-based) per-post statistics request of one organization. */
  failBatch?: { organizationId: string; number: number };
  /** Milliseconds each answer about an organization takes. */
  delayMs: (organizationId: string) => number = () => 0;
  /** Reports a rate-limited retry of the posts page at this offset before answering it. */
  rateLimitedAt?: number;
  #batches = new Map<string, number>();

  constructor(readonly postsByOrganization: Record<string, Row[]>) {}

  async get(request: ApiRequest): Promise<unknown> {
    this.requests.push(request);
    const params = new URLSearchParams(request.query);
    const organizationId = /(\d+)$/.exec(
      params.get("author") ?? params.get("organizationalEntity") ?? request.path,
    )?.[1] ?? "";
    const delay = this.delayMs(organizationId);
    if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));
    return await this.answer(request, params, organizationId);
  }

  answer(request: ApiRequest, params: URLSearchParams, organizationId: string): Promise<unknown> {
    if (request.path === "/rest/posts") {
      const start = Number(params.get("start"));
      if (start === this.rateLimitedAt) request.onRateLimited?.(Date.now() + 1000);
      const count = Number(params.get("count"));
      const all = this.postsByOrganization[organizationId] ?? [];
      const page = all.slice(start, start + count).map((p) => structuredClone(p));
      return Promise.resolve({ paging: { start, count }, elements: page });
    }
    if (params.has("shares") || params.has("ugcPosts")) {
      const number = (this.#batches.get(organizationId) ?? 0) + 1;
      this.#batches.set(organizationId, number);
      if (
        this.failBatch?.organizationId === organizationId && this.failBatch.number === number
      ) {
        return Promise.reject(transientError(`${request.label} failed after 5 attempts`));
      }
      const elements = [
        ...listOf(params.get("shares")).filter((urn) => urn.includes(":share:")).map((urn) => ({
          share: urn,
          stats: statisticsOf(urn),
        })),
        ...listOf(params.get("ugcPosts")).filter((urn) => urn.includes(":ugcPost:")).map((
          urn,
        ) => ({ ugcPost: urn, stats: statisticsOf(urn) })),
      ].filter((e) => e.stats).map(({ stats, ...key }) => ({
        organizationalEntity: `urn:li:organization:${organizationId}`,
        ...key,
        totalShareStatistics: stats,
      }));
      return Promise.resolve({ paging: { start: 0, count: 10 }, elements });
    }
    if (request.path.startsWith("/rest/organizations/")) {
      return Promise.resolve({ id: Number(organizationId), localizedName: "Org" });
    }
    return Promise.reject(systemError(`the fake has no ${request.path}`));
  }

  /** Requests to one path, optionally only those whose query has `param`. */
  count(path: string, param?: string): number {
    return this.requests.filter((r) =>
      r.path === path && (param === undefined || new URLSearchParams(r.query).has(param))
    ).length;
  }
}

/** A sink that keeps every line written. */
class Lines implements Sink {
  text = "";
  write(bytes: Uint8Array): Promise<number> {
    this.text += new TextDecoder().decode(bytes);
    return Promise.resolve(bytes.length);
  }
  get messages(): Json[] {
    return this.text.split("\n").filter(Boolean).map((line) => JSON.parse(line));
  }
}

interface Result {
  failed: string[];
  messages: Json[];
  records(stream: string): Row[];
  states(stream: string): Json[];
  statuses(stream: string): string[];
  logs(level: string): string[];
  errors(stream?: string): Json[];
}

/** Reads `streams` (name → sync mode) with the fake client, and returns what was emitted. */
async function read(
  client: FakeLinkedIn,
  streams: Record<string, "full_refresh" | "incremental">,
  options: { organizations?: string[]; state?: Map<string, unknown>; now?: number; config?: Row } =
    {},
): Promise<Result> {
  const sink = new Lines();
  const output = new Output(sink);
  const organizations = options.organizations ?? ["1"];
  const configured = configuredStreams({
    streams: Object.entries(streams).map(([name, mode]) => ({
      stream: { name },
      sync_mode: mode,
    })),
  }, "catalog.json");
  const plans = planStreams(configured, options.state ?? new Map(), organizations, "state.json");
  const context: EngineContext = {
    client,
    output,
    config: {
      granularity: "DAY",
      lookbackDays: 3,
      maxConcurrentRequests: 4,
      ...options.config,
    },
    signal: new AbortController().signal,
    now: () => options.now ?? NOW,
  };
  const failed = await readStreams(plans, organizations, context);
  await output.flush();
  const messages = sink.messages;
  const ofStream = (m: Json, name: string) =>
    (m.record?.stream ?? m.state?.stream?.stream_descriptor?.name ??
      m.trace?.stream_status?.stream_descriptor?.name ??
      m.trace?.error?.stream_descriptor?.name) ===
      name;
  return {
    failed,
    messages,
    records: (name) =>
      messages.filter((m) => m.type === "RECORD" && ofStream(m, name)).map((m) => m.record.data),
    states: (name) =>
      messages.filter((m) => m.type === "STATE" && ofStream(m, name)).map((m) =>
        m.state.stream.stream_state
      ),
    statuses: (name) =>
      messages.filter((m) => m.trace?.type === "STREAM_STATUS" && ofStream(m, name)).map((m) =>
        m.trace.stream_status.status
      ),
    logs: (level) =>
      messages.filter((m) => m.type === "LOG" && m.log.level === level).map((m) => m.log.message),
    errors: (name) =>
      messages.filter((m) => m.trace?.type === "ERROR" && (!name || ofStream(m, name))).map((m) =>
        m.trace.error
      ),
  };
}

Deno.test("engine: the engine names no stream; streams are data", async () => {
  const text = await Deno.readTextFile(new URL("../lib/engine.ts", import.meta.url));
  // Code only: the JSDoc examples may use a stream to show a call.
  const source = text.replace(/\/\*[\s\S]*?\*\//g, "").replace(/\/\/.*$/gm, "");
  for (const stream of STREAMS) {
    assert.ok(!new RegExp(`\\b${stream.name}\\b`).test(source), `engine.ts names ${stream.name}`);
  }
  for (const field of ["lastModifiedAt", "timeRangeEnd", "snapshotDate", "publishedAt"]) {
    assert.ok(!source.includes(field), `engine.ts names the field ${field}`);
  }
});

Deno.test("engine: one posts pass serves ugc_posts, shares and post_statistics", async () => {
  const client = new FakeLinkedIn({ "1": posts(250) });
  const result = await read(client, {
    ugc_posts: "full_refresh",
    shares: "full_refresh",
    post_statistics: "full_refresh",
  });
  assert.deepEqual(result.failed, []);
  // 250 posts in pages of 100, read once for all three streams.
  assert.equal(client.count("/rest/posts"), 3);
  const ugcPosts = result.records("ugc_posts");
  assert.equal(ugcPosts.length, 250);
  assert.deepEqual(ugcPosts.map((p) => p.id), posts(250).map((p) => p.id));
  assert.ok(ugcPosts.every((p) => p.organizationId === "1" && p.snapshotDate === undefined));
  assert.deepEqual(result.records("shares").map((p) => p.id), posts(50).map((p) => p.id));
  // The posts of the last 12 months (day 0 to day 364), each once.
  const inWindow = posts(250).filter((p) => (p.publishedAt as number) >= Date.UTC(2025, 11, 2));
  const statistics = result.records("post_statistics");
  assert.equal(statistics.length, inWindow.length);
  assert.deepEqual(
    new Set(statistics.map((s) => s.post)),
    new Set(inWindow.map((p) => p.id)),
  );
  const shares = inWindow.filter((p) => (p.id as string).includes(":share:")).length;
  const ugc = inWindow.length - shares;
  assert.equal(
    client.count("/rest/organizationalEntityShareStatistics", "shares"),
    Math.ceil(shares / 50),
  );
  assert.equal(
    client.count("/rest/organizationalEntityShareStatistics", "ugcPosts"),
    Math.ceil(ugc / 50),
  );
  // Waiting requests go longest chain first: posts pages, then batches, then the rest.
  const priorities = new Set(client.requests.map((r) => `${r.path} ${r.priority ?? 0}`));
  assert.deepEqual([...priorities].sort(), [
    "/rest/organizationalEntityShareStatistics 1",
    "/rest/posts 2",
  ]);
  for (const request of client.requests.filter((r) => r.query?.includes("List("))) {
    const params = new URLSearchParams(request.query);
    const ids = [...listOf(params.get("shares")), ...listOf(params.get("ugcPosts"))];
    assert.ok(ids.length <= 50 && ids.length > 0);
    // One kind per request, in the list of that kind.
    assert.ok(listOf(params.get("shares")).every((id) => id.includes(":share:")));
    assert.ok(listOf(params.get("ugcPosts")).every((id) => id.includes(":ugcPost:")));
    assert.ok(!(params.has("shares") && params.has("ugcPosts")));
    assert.equal(params.get("timeIntervals"), null);
  }
});

Deno.test("engine: post_statistics keeps LinkedIn's element, fills zeros for absent posts", async () => {
  const client = new FakeLinkedIn({ "1": posts(12) });
  const result = await read(client, { post_statistics: "incremental" });
  const records = result.records("post_statistics");
  assert.equal(records.length, 12);
  for (const record of records) {
    const kind = (record.post as string).includes(":share:") ? "share" : "ugcPost";
    assert.equal(record[kind], record.post);
    assert.equal(record.organizationId, "1");
    assert.equal(record.snapshotDate, TODAY);
    assert.equal(record.organizationalEntity, "urn:li:organization:1");
    const served = statisticsOf(record.post as string);
    if (served) {
      assert.deepEqual(record.totalShareStatistics, served);
    } else {
      assert.deepEqual(record.totalShareStatistics, ZERO_SHARE_STATISTICS);
    }
  }
  assert.ok(records.some((r) => statisticsOf(r.post as string) === undefined));
  assert.deepEqual(result.states("post_statistics").at(-1), {
    organizations: { "1": { snapshotDate: TODAY } },
  });
  assert.deepEqual(result.statuses("post_statistics"), ["STARTED", "RUNNING", "COMPLETE"]);
});

Deno.test("engine: a failed batch gives no zeros, ends the organization, and the rest goes on", async () => {
  // 120 shares and 60 ugcPosts, in feed order: 50 shares, 50 ugcPosts, 50 shares, then the rest.
  const client = new FakeLinkedIn({ "1": posts(180, 0.5), "2": posts(10) });
  client.failBatch = { organizationId: "1", number: 2 };
  const result = await read(client, { post_statistics: "incremental", ugc_posts: "full_refresh" }, {
    organizations: ["1", "2"],
  });
  assert.deepEqual(result.failed, ["post_statistics"]);
  const records = result.records("post_statistics");
  const first = records.filter((r) => r.organizationId === "1");
  // Only the first batch (50 shares) of organization 1 was answered.
  assert.equal(first.length, 50);
  assert.ok(first.every((r) => (r.post as string).includes(":share:")));
  assert.equal(records.filter((r) => r.organizationId === "2").length, 10);
  const [error] = result.errors("post_statistics");
  assert.equal(error.failure_type, "transient_error");
  assert.match(error.message, /organization 1, batch 2 \(50 ugcPost ids/);
  // The failed organization keeps no cursor; the other one advances.
  assert.deepEqual(result.states("post_statistics").at(-1), {
    organizations: { "2": { snapshotDate: TODAY } },
  });
  assert.equal(result.statuses("post_statistics").at(-1), "INCOMPLETE");
  // The posts pass is not held up by the failed stream.
  assert.equal(result.records("ugc_posts").length, 190);
  assert.equal(result.statuses("ugc_posts").at(-1), "COMPLETE");
});

Deno.test("engine: the posts pass goes as far as the furthest stream needs", async () => {
  const all = posts(400, 0.25); // 100 days of posts, 4 pages
  const newest = all[0].lastModifiedAt as number;
  const state = new Map([["ugc_posts", { organizations: { "1": { lastModifiedAt: newest } } }]]);
  // Incremental posts up to date and the latest 50: one page is enough.
  let client = new FakeLinkedIn({ "1": all });
  let result = await read(client, { ugc_posts: "incremental", shares: "full_refresh" }, { state });
  assert.equal(client.count("/rest/posts"), 1);
  assert.equal(result.records("ugc_posts").length, 0);
  assert.equal(result.records("shares").length, 50);
  // post_statistics from 30 days back (the UTC day of that date) needs 122 posts: two pages.
  const since = Date.UTC(2026, 10, 1);
  assert.equal(all.filter((p) => (p.publishedAt as number) >= since).length, 122);
  client = new FakeLinkedIn({ "1": all });
  result = await read(
    client,
    { ugc_posts: "incremental", post_statistics: "full_refresh" },
    { state, config: { startDate: NOW - 30 * DAY_MS } },
  );
  assert.equal(client.count("/rest/posts"), 2);
  assert.equal(result.records("post_statistics").length, 122);
  // ugc_posts in full: every page.
  client = new FakeLinkedIn({ "1": all });
  result = await read(client, { ugc_posts: "full_refresh", post_statistics: "full_refresh" }, {
    config: { startDate: NOW - 30 * DAY_MS },
  });
  assert.equal(client.count("/rest/posts"), 5);
  assert.equal(result.records("ugc_posts").length, 400);
});

Deno.test("engine: snapshots of two days make a history; the cursor follows the day", async () => {
  const client = new FakeLinkedIn({ "1": posts(5) });
  const first = await read(client, {
    post_statistics: "incremental",
    organization_lookup: "full_refresh",
  });
  const state = new Map([["post_statistics", first.states("post_statistics").at(-1)]]);
  const second = await read(client, { post_statistics: "incremental" }, {
    state,
    now: NOW + DAY_MS,
  });
  const keys = [...first.records("post_statistics"), ...second.records("post_statistics")].map((
    r,
  ) => `${r.post}|${r.snapshotDate}`);
  assert.equal(keys.length, 10);
  assert.equal(new Set(keys).size, 10);
  assert.deepEqual(second.states("post_statistics").at(-1), {
    organizations: { "1": { snapshotDate: "2026-12-02" } },
  });
  assert.equal(first.records("organization_lookup")[0].snapshotDate, TODAY);
  // A state from the future reads nothing and keeps its date.
  const future = new Map([["post_statistics", {
    organizations: { "1": { snapshotDate: "2027-01-01" } },
  }]]);
  const before = client.requests.length;
  const skipped = await read(client, { post_statistics: "incremental" }, { state: future });
  assert.equal(client.requests.length, before);
  assert.deepEqual(skipped.states("post_statistics").at(-1), {
    organizations: { "1": { snapshotDate: "2027-01-01" } },
  });
});

Deno.test("engine: posts of other URN kinds are skipped with one warning naming them", async () => {
  const odd = [post(1, 1), post(2, 2, "instantRepost"), post(3, 3, "activity"), post(4, 4)];
  const client = new FakeLinkedIn({ "1": odd });
  const result = await read(client, { post_statistics: "full_refresh" });
  assert.deepEqual(result.records("post_statistics").map((r) => r.post), [
    "urn:li:share:7000001",
    "urn:li:share:7000004",
  ]);
  const warnings = result.logs("WARN");
  assert.equal(warnings.length, 1);
  assert.match(warnings[0], /urn:li:instantRepost:7000002, urn:li:activity:7000003/);
  assert.match(warnings[0], /stream post_statistics, organization 1: skipped 2 of the posts/);
});

Deno.test("engine: a start date before LinkedIn's 12 months is clamped with a warning", async () => {
  const client = new FakeLinkedIn({ "1": posts(3) });
  const result = await read(client, { post_statistics: "full_refresh" }, {
    config: { startDate: Date.UTC(2020, 0, 1) },
  });
  assert.equal(result.records("post_statistics").length, 3);
  assert.deepEqual(result.logs("WARN"), [
    "stream post_statistics, organization 1: LinkedIn serves statistics for about 12 months " +
    "only, so reading starts on 2025-12-02 instead of 2020-01-01.",
  ]);
});

Deno.test("engine: a bad post in the feed fails every stream that reads it", async () => {
  const client = new FakeLinkedIn({ "1": [post(1, 1), { id: 5, lastModifiedAt: 1 }] });
  const result = await read(client, { ugc_posts: "full_refresh", post_statistics: "full_refresh" });
  assert.deepEqual(result.failed.sort(), ["post_statistics", "ugc_posts"]);
  for (const name of ["ugc_posts", "post_statistics"]) {
    const [error] = result.errors(name);
    assert.equal(error.failure_type, "system_error");
    assert.match(
      error.message,
      /^stream(s ugc_posts, post_statistics|s post_statistics, ugc_posts), organization 1, GET \/rest\/posts: /,
    );
    assert.match(error.message, /without a string id/);
  }
  assert.equal(client.count("/rest/posts"), 1);
});

Deno.test("engine: output keeps organization order under concurrency", async () => {
  const organizations = ["1", "2", "3", "4", "5", "6"];
  const client = new FakeLinkedIn(
    Object.fromEntries(organizations.map((id, index) => [id, posts(30 + index * 40)])),
  );
  // The first organizations answer slowest, so completion order is the reverse.
  client.delayMs = (id) => id ? (7 - Number(id)) * 4 : 0;
  const result = await read(client, { ugc_posts: "incremental", post_statistics: "incremental" }, {
    organizations,
  });
  for (const name of ["ugc_posts", "post_statistics"]) {
    const order = result.records(name).map((r) => r.organizationId);
    assert.deepEqual(order, [...order].sort(), name);
    assert.deepEqual([...new Set(order)], organizations, name);
  }
  // Every organization's posts once, up to the first short page.
  const pages = organizations.reduce(
    (sum, _, index) => sum + Math.floor((30 + index * 40) / 100) + 1,
    0,
  );
  assert.equal(client.count("/rest/posts"), pages);
});

Deno.test("engine: a stream done with the shared posts hears nothing more of the pass", async () => {
  const client = new FakeLinkedIn({ "1": posts(250) });
  // The second page is rate-limited once: only ugc_posts still reads the posts by then.
  client.rateLimitedAt = 100;
  const result = await read(client, { shares: "full_refresh", ugc_posts: "full_refresh" });
  assert.deepEqual(result.statuses("shares"), ["STARTED", "RUNNING", "COMPLETE"]);
  const limited = result.messages.filter((m) =>
    m.trace?.stream_status?.reasons?.[0]?.type === "RATE_LIMITED"
  ).map((m) => m.trace.stream_status.stream_descriptor.name);
  assert.deepEqual(limited, ["ugc_posts"]);
  assert.equal(result.statuses("ugc_posts").at(-1), "COMPLETE");
});
