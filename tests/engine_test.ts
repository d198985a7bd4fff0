/**
 * The read engine with a fake LinkedIn client: what it asks for, what it emits, and
 * how partitions, the shared posts pass, batches and cursors behave.
 */
import assert from "node:assert/strict";
import { configuredStreams } from "../lib/catalog.ts";
import type { ApiClient, ApiRequest } from "../lib/client.ts";
import { type EngineContext, planStreams, readStreams } from "../lib/engine.ts";
import { configError, systemError, transientError } from "../lib/errors.ts";
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

/** The social metadata the fake serves for a post. */
function socialMetadataOf(urn: string): Row {
  const n = Number(urn.split(":").at(-1)) - 7_000_000;
  return {
    entity: urn,
    reactionSummaries: n % 2 ? { LIKE: { reactionType: "LIKE", count: n } } : {},
    commentSummary: { count: n % 5, topLevelCount: n % 3 },
  };
}

/** The error the client throws for an answer with an HTTP status a person must act on. */
function refused(label: string, status: number) {
  const error = configError(`LinkedIn denied access for ${label}: HTTP ${status}.`);
  error.status = status;
  return error;
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
  /** Refuses batch calls with a 403, as LinkedIn does to apps on its Development tier. */
  developmentTier = false;
  /** Post URNs whose social metadata is not found (deleted posts). */
  gone = new Set<string>();
  /** The token lacks the social metadata scope: batch and single calls get a 403. */
  withoutScope = false;
  /** Per-id statuses a batch answer reports in `errors`, and single calls answer with. */
  failing = new Map<string, number>();
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
    const statusOf = (id: string) => this.gone.has(id) ? 404 : this.failing.get(id) ?? 200;
    if (request.path === "/rest/socialMetadata") {
      if (this.developmentTier || this.withoutScope) {
        return Promise.reject(refused(request.label, 403));
      }
      const ids = listOf(params.get("ids"));
      const found = ids.filter((id) => statusOf(id) === 200);
      return Promise.resolve({
        results: Object.fromEntries(found.map((id) => [id, socialMetadataOf(id)])),
        statuses: Object.fromEntries(ids.map((id) => [id, statusOf(id)])),
        errors: Object.fromEntries(
          ids.filter((id) => statusOf(id) !== 200).map((id) => [id, { status: statusOf(id) }]),
        ),
      });
    }
    if (request.path.startsWith("/rest/socialMetadata/")) {
      const id = decodeURIComponent(request.path.slice("/rest/socialMetadata/".length));
      if (this.withoutScope) return Promise.reject(refused(request.label, 403));
      if (statusOf(id) === 500) {
        return Promise.reject(transientError(`${request.label} failed after 5 attempts`));
      }
      if (statusOf(id) !== 200) return Promise.reject(refused(request.label, statusOf(id)));
      return Promise.resolve(socialMetadataOf(id));
    }
    if (request.path === "/rest/videoAnalytics") {
      const range = /^\(start:(\d+),end:(\d+)\)$/.exec(params.get("timeRange") ?? "")!;
      const [start, end] = [Number(range[1]), Number(range[2])];
      const type = params.get("type")!;
      const elements = [];
      for (let day = start; day < end; day += DAY_MS) {
        // Every third day has no views of any kind; VIEWER also has none on even days.
        const n = day / DAY_MS;
        if (n % 3 === 0 || (type === "VIEWER" && n % 2 === 0)) continue;
        elements.push({
          type,
          value: n % 100 + type.length,
          timeRange: { start: day, end: day + DAY_MS },
        });
      }
      return Promise.resolve({ paging: { start: 0, count: 10 }, elements });
    }
    if (request.path === "/rest/functions") {
      const start = Number(params.get("start"));
      const count = Number(params.get("count"));
      const all = Array.from(
        { length: 230 },
        (_, n) => ({ id: n + 1, name: { localized: { en_US: `F${n + 1}` } } }),
      );
      return Promise.resolve({
        paging: { start, count },
        elements: all.slice(start, start + count),
      });
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

/** Resolves after `ms`: room for requests that should not go yet to show up. */
const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** A request held by {@linkcode holdCalls}, with what was settled when it was sent. */
interface Held {
  request: ApiRequest;
  /** Requests to the same path settled (answered or failed) when this one was sent. */
  settledBefore: number;
  /** Lets the fake answer it, or fails it with `error`. */
  release(error?: Error): void;
}

/**
 * Holds the fake's requests to `path` until the test releases them, and counts how many
 * were in flight together. Other requests go through at once.
 */
function holdCalls(client: FakeLinkedIn, path: string) {
  const calls: Held[] = [];
  let inFlight = 0;
  let most = 0;
  let settled = 0;
  let open = false;
  const get = client.get.bind(client);
  client.get = async (request) => {
    if (request.path !== path) return await get(request);
    most = Math.max(most, ++inFlight);
    try {
      const failure = await new Promise<Error | undefined>((release) => {
        calls.push({ request, settledBefore: settled, release });
        if (open) release(undefined);
      });
      if (failure) throw failure;
      return await get(request);
    } finally {
      inFlight--;
      settled++;
    }
  };
  return {
    calls,
    get inFlight() {
      return inFlight;
    },
    get most() {
      return most;
    },
    /** True once `count` requests are held; false if they have not come within 2 s. */
    async arrived(count: number): Promise<boolean> {
      for (let waited = 0; calls.length < count && waited < 2_000; waited += 5) await pause(5);
      return calls.length >= count;
    },
    /** Answers every request held, and those to come. */
    releaseAll(): void {
      open = true;
      for (const call of calls) call.release();
    },
  };
}

/** What `promise` resolves to, or "timed out" if it has not settled within `ms`. */
async function within<T>(promise: Promise<T>, ms: number): Promise<T | "timed out"> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<"timed out">((resolve) => {
    timer = setTimeout(() => resolve("timed out"), ms);
  });
  try {
    return await Promise.race([promise, late]);
  } finally {
    clearTimeout(timer);
  }
}

/** Whether `promise` has settled, and how, as seen now. */
function watch(promise: Promise<unknown>) {
  const state: { settled: boolean; error?: unknown } = { settled: false };
  promise.then(
    () => (state.settled = true),
    (error) => Object.assign(state, { settled: true, error }),
  );
  return state;
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
  assert.deepEqual(skipped.logs("INFO"), [
    "stream post_statistics: nothing to read: read last on 2027-01-01, a later date than today.",
  ]);
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

Deno.test("engine: a start date before LinkedIn's 12 months is clamped with one warning per stream", async () => {
  const client = new FakeLinkedIn({ "1": posts(3), "2": posts(2) });
  const result = await read(
    client,
    { post_statistics: "full_refresh", page_statistics_time_bound: "full_refresh" },
    { organizations: ["1", "2"], config: { startDate: Date.UTC(2020, 0, 1) } },
  );
  assert.equal(result.records("post_statistics").length, 5);
  // Once for each stream, however many organizations it reads: no organization in the label.
  assert.deepEqual(result.logs("WARN").sort(), [
    "stream page_statistics_time_bound: LinkedIn serves statistics for about 12 months " +
    "only, so reading starts on 2025-12-02 instead of 2020-01-01.",
    "stream post_statistics: LinkedIn serves statistics for about 12 months " +
    "only, so reading starts on 2025-12-02 instead of 2020-01-01.",
  ]);
});

Deno.test("engine: a bad post in the feed fails every stream that reads it, with one error", async () => {
  const client = new FakeLinkedIn({ "1": [post(1, 1), { id: 5, lastModifiedAt: 1 }] });
  const result = await read(client, { ugc_posts: "full_refresh", post_statistics: "full_refresh" });
  assert.deepEqual(result.failed.sort(), ["post_statistics", "ugc_posts"]);
  // The one failure of the shared posts pass is told once, naming every stream it fails.
  const errors = result.errors();
  assert.equal(errors.length, 1, JSON.stringify(errors));
  const [error] = errors;
  assert.ok(["ugc_posts", "post_statistics"].includes(error.stream_descriptor.name));
  assert.equal(error.failure_type, "system_error");
  assert.match(
    error.message,
    /^stream(s ugc_posts, post_statistics|s post_statistics, ugc_posts), organization 1, GET \/rest\/posts: /,
  );
  assert.match(error.message, /without a string id/);
  for (const name of ["ugc_posts", "post_statistics"]) {
    assert.equal(result.statuses(name).at(-1), "INCOMPLETE", name);
  }
  assert.equal(client.count("/rest/posts"), 1);
});

Deno.test("engine: a failure of the whole run is one error; every stream it stops is INCOMPLETE", async () => {
  const client = new FakeLinkedIn({ "1": posts(3), "2": posts(3) });
  // The same error for every request, as the client gives once a refresh token is refused.
  const refusedToken = configError("The refresh token was refused: make a new one.");
  client.get = (request) => {
    client.requests.push(request);
    return Promise.reject(refusedToken);
  };
  const streams = ["ugc_posts", "total_follower_count", "page_statistics", "lookup_functions"];
  const result = await read(
    client,
    Object.fromEntries(streams.map((name) => [name, "full_refresh" as const])),
    { organizations: ["1", "2"] },
  );
  assert.deepEqual(result.failed.sort(), [...streams].sort());
  const errors = result.errors();
  assert.equal(errors.length, 1, JSON.stringify(errors));
  assert.equal(errors[0].message, "The refresh token was refused: make a new one.");
  assert.equal(errors[0].failure_type, "config_error");
  assert.ok(streams.includes(errors[0].stream_descriptor.name));
  for (const name of streams) assert.equal(result.statuses(name).at(-1), "INCOMPLETE", name);
  // Different failures of different organizations are each told.
  const other = new FakeLinkedIn({ "1": posts(3), "2": posts(3) });
  other.get = (request) => Promise.reject(refused(request.label, 403));
  const each = await read(other, { ugc_posts: "full_refresh" }, { organizations: ["1", "2"] });
  assert.equal(each.errors("ugc_posts").length, 2);
});

Deno.test("engine: a window with nothing finished yet says so once per stream", async () => {
  const client = new FakeLinkedIn({ "1": posts(3), "2": posts(3) });
  const future = { timeRangeEnd: NOW + DAY_MS };
  const state = new Map([["page_statistics_time_bound", {
    organizations: { "1": future, "2": future },
  }]]);
  const result = await read(client, { page_statistics_time_bound: "incremental" }, {
    organizations: ["1", "2"],
    state,
  });
  assert.deepEqual(result.failed, []);
  assert.equal(client.requests.length, 0);
  assert.deepEqual(result.logs("INFO"), [
    "stream page_statistics_time_bound: nothing to read yet: LinkedIn serves a DAY of " +
    "statistics 2 days after it ends, so the first one from 2026-11-29 can be read from " +
    "2026-12-02.",
  ]);
  assert.deepEqual(result.statuses("page_statistics_time_bound").at(-1), "COMPLETE");
  assert.deepEqual(result.states("page_statistics_time_bound").at(-1), {
    organizations: { "1": future, "2": future },
  });
});

Deno.test("engine: a batch stream with no posts in range says so for each organization", async () => {
  // Posts of 20 days ago and older; statistics asked from 10 days ago.
  const client = new FakeLinkedIn({ "1": posts(3).map((_, n) => post(n, 20 + n)) });
  const result = await read(client, { post_statistics: "full_refresh" }, {
    config: { startDate: NOW - 10 * DAY_MS },
  });
  assert.deepEqual(result.failed, []);
  assert.equal(result.records("post_statistics").length, 0);
  assert.equal(client.count("/rest/organizationalEntityShareStatistics"), 0);
  assert.deepEqual(result.logs("INFO"), [
    "stream post_statistics, organization 1: no posts to ask about since 2026-11-21: nothing to read.",
  ]);
  assert.equal(result.statuses("post_statistics").at(-1), "COMPLETE");
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

Deno.test("engine: social metadata in batches of 50 on a Standard-tier app", async () => {
  const client = new FakeLinkedIn({ "1": posts(120) });
  const result = await read(client, { post_social_metadata: "incremental" });
  assert.deepEqual(result.failed, []);
  assert.equal(client.count("/rest/socialMetadata"), 3);
  assert.equal(client.requests.filter((r) => r.path.startsWith("/rest/socialMetadata/")).length, 0);
  const records = result.records("post_social_metadata");
  assert.deepEqual(records.map((r) => r.post), posts(120).map((p) => p.id));
  for (const record of records) {
    const served = socialMetadataOf(record.post as string);
    assert.equal(record.likeReactions, (served.reactionSummaries as Json).LIKE?.count ?? 0);
    assert.equal(record.comments, (served.commentSummary as Json).count);
    assert.equal(record.snapshotDate, TODAY);
  }
  assert.deepEqual(result.logs("INFO"), []);
});

Deno.test("engine: a refused batch call switches the run to one post per request, said once", async () => {
  const client = new FakeLinkedIn({ "1": posts(60), "2": posts(30) });
  client.developmentTier = true;
  const result = await read(client, { post_social_metadata: "incremental" }, {
    organizations: ["1", "2"],
  });
  assert.deepEqual(result.failed, []);
  const info = result.logs("INFO");
  assert.equal(info.length, 1);
  assert.match(info[0], /refused a batch call .*HTTP 403.*Development tier.*api_tier/);
  // At most one refused batch call per organization in flight when the first refusal came.
  const batchCalls = client.count("/rest/socialMetadata");
  assert.ok(batchCalls >= 1 && batchCalls <= 2, `${batchCalls} batch calls`);
  const singles = client.requests.filter((r) => r.path.startsWith("/rest/socialMetadata/"));
  assert.equal(singles.length, 90);
  assert.equal(result.records("post_social_metadata").length, 90);
  assert.equal(result.statuses("post_social_metadata").at(-1), "COMPLETE");
});

Deno.test("engine: api_tier decides batch or single calls without asking LinkedIn", async () => {
  let client = new FakeLinkedIn({ "1": posts(10) });
  client.developmentTier = true;
  let result = await read(client, { post_social_metadata: "full_refresh" }, {
    config: { apiTier: "development" },
  });
  assert.deepEqual(result.failed, []);
  assert.equal(client.count("/rest/socialMetadata"), 0, "no batch call is tried");
  assert.deepEqual(result.logs("INFO"), []);
  assert.equal(result.records("post_social_metadata").length, 10);

  client = new FakeLinkedIn({ "1": posts(10) });
  client.developmentTier = true;
  result = await read(client, { post_social_metadata: "full_refresh" }, {
    config: { apiTier: "standard" },
  });
  assert.deepEqual(result.failed, ["post_social_metadata"]);
  const [error] = result.errors("post_social_metadata");
  assert.equal(error.failure_type, "config_error");
  assert.match(error.message, /api_tier is "standard".*Set api_tier to "development"/);
  // One single call told the refusal from a missing scope.
  assert.equal(client.requests.filter((r) => r.path.startsWith("/rest/socialMetadata/")).length, 1);
});

Deno.test("engine: a batch 403 for a missing scope is the scope's error, with no talk of tiers", async () => {
  for (const apiTier of [undefined, "standard"]) {
    const client = new FakeLinkedIn({ "1": posts(80), "2": posts(20) });
    client.withoutScope = true;
    const result = await read(client, { post_social_metadata: "full_refresh" }, {
      organizations: ["1", "2"],
      config: { apiTier },
    });
    assert.deepEqual(result.failed, ["post_social_metadata"]);
    const errors = result.errors("post_social_metadata");
    assert.equal(errors.length, 2);
    for (const error of errors) {
      assert.match(error.message, /^LinkedIn denied access/);
      assert.doesNotMatch(error.message, /tier/);
    }
    assert.deepEqual(result.logs("INFO"), []);
    // One single call per organization, no more; organization 1's second batch call goes
    // only once LinkedIn is known to answer batch calls (api_tier standard says so at once).
    assert.equal(client.count("/rest/socialMetadata"), apiTier === "standard" ? 3 : 2);
    assert.equal(
      client.requests.filter((r) => r.path.startsWith("/rest/socialMetadata/")).length,
      2,
    );
  }
});

Deno.test("engine: a post failing inside a batch answer fails the organization, no gap", async () => {
  const client = new FakeLinkedIn({ "1": posts(60), "2": posts(5) });
  client.failing = new Map([[String(posts(60)[55].id), 500]]);
  const result = await read(client, { post_social_metadata: "incremental" }, {
    organizations: ["1", "2"],
  });
  assert.deepEqual(result.failed, ["post_social_metadata"]);
  const [error] = result.errors("post_social_metadata");
  assert.equal(error.failure_type, "transient_error");
  assert.ok(error.message.includes(`${posts(60)[55].id} (HTTP 500)`), error.message);
  // The first batch of organization 1 was fine; the second failed whole; organization 2 is read.
  const mine = (id: string) =>
    result.records("post_social_metadata").filter((r) => r.organizationId === id).length;
  assert.equal(mine("1"), 50);
  assert.equal(mine("2"), 5);
  assert.deepEqual(result.states("post_social_metadata").at(-1), {
    organizations: { "2": { snapshotDate: TODAY } },
  });
});

Deno.test("engine: one at a time until LinkedIn answers, then the rest of the batch at once", async () => {
  const client = new FakeLinkedIn({ "1": posts(10) });
  client.developmentTier = true;
  // The first two posts are gone: each is asked alone, then the third is answered.
  client.gone = new Set([String(posts(10)[0].id), String(posts(10)[1].id)]);
  let inFlight = 0;
  let most = 0;
  const get = client.get.bind(client);
  client.get = async (request) => {
    most = Math.max(most, ++inFlight);
    const isFirstThree = posts(3).some((p) =>
      request.path.endsWith(encodeURIComponent(String(p.id)))
    );
    if (isFirstThree) assert.equal(inFlight, 1, "the first ids are asked alone");
    try {
      return await get(request);
    } finally {
      inFlight--;
    }
  };
  const result = await read(client, { post_social_metadata: "full_refresh" });
  assert.deepEqual(result.failed, []);
  assert.equal(result.records("post_social_metadata").length, 8);
  assert.ok(most > 1, "the rest went at once");
  assert.equal(result.logs("INFO").length, 1);
});

Deno.test("engine: the batches of an organization are asked together, written in feed order", async () => {
  const client = new FakeLinkedIn({ "1": posts(180) });
  const held = holdCalls(client, "/rest/socialMetadata");
  const reading = read(client, { post_social_metadata: "full_refresh" }, {
    config: { apiTier: "standard" },
  });
  try {
    assert.ok(await held.arrived(4), `${held.calls.length} of 4 batch calls sent`);
    assert.equal(held.inFlight, 4);
    // Answered last first: the records still come out in the feed's order.
    for (const call of [...held.calls].reverse()) {
      call.release();
      await pause(5);
    }
  } finally {
    held.releaseAll();
  }
  const result = await reading;
  assert.deepEqual(result.failed, []);
  assert.equal(held.most, 4);
  assert.deepEqual(held.calls.map((call) => call.settledBefore), [0, 0, 0, 0]);
  assert.deepEqual(
    held.calls.map((call) => listOf(new URLSearchParams(call.request.query).get("ids")).length),
    [50, 50, 50, 30],
  );
  assert.deepEqual(
    result.records("post_social_metadata").map((r) => r.post),
    posts(180).map((p) => p.id),
  );
  assert.equal(result.statuses("post_social_metadata").at(-1), "COMPLETE");
});

Deno.test("engine: until LinkedIn has answered a batch call, the first goes alone, then the rest together", async () => {
  const client = new FakeLinkedIn({ "1": posts(180) });
  const held = holdCalls(client, "/rest/socialMetadata");
  const reading = read(client, { post_social_metadata: "full_refresh" });
  try {
    assert.ok(await held.arrived(1));
    await pause(30);
    assert.equal(held.calls.length, 1, "a batch call went with the first one");
    held.calls[0].release();
    assert.ok(await held.arrived(4), `${held.calls.length} of 4 batch calls sent`);
    assert.equal(held.inFlight, 3, "the rest are in flight together");
  } finally {
    held.releaseAll();
  }
  const result = await reading;
  assert.deepEqual(result.failed, []);
  assert.deepEqual(held.calls.map((call) => call.settledBefore), [0, 1, 1, 1]);
  assert.equal(held.most, 3);
  assert.deepEqual(
    result.records("post_social_metadata").map((r) => r.post),
    posts(180).map((p) => p.id),
  );
  assert.equal(client.requests.filter((r) => r.path.startsWith("/rest/socialMetadata/")).length, 0);
});

Deno.test("engine: a failed first batch writes none of the batches answered behind it", async () => {
  // 120 shares and 60 ugcPosts: five batches, all asked before any is answered.
  const client = new FakeLinkedIn({ "1": posts(180) });
  const path = "/rest/organizationalEntityShareStatistics";
  const held = holdCalls(client, path);
  const reading = read(client, { post_statistics: "full_refresh" });
  let failure: Error | undefined;
  try {
    assert.ok(await held.arrived(5), `${held.calls.length} of 5 batch calls sent`);
    // The batches behind are answered first; then the first fails for good.
    for (const call of held.calls.slice(1)) call.release();
    await pause(20);
    failure = transientError(`${held.calls[0].request.label} failed after 5 attempts`);
    held.calls[0].release(failure);
  } finally {
    held.releaseAll();
  }
  const result = await reading;
  assert.deepEqual(result.failed, ["post_statistics"]);
  assert.equal(client.count(path), 4, "the four batches behind were answered");
  assert.deepEqual(result.records("post_statistics"), []);
  const errors = result.errors("post_statistics");
  assert.equal(errors.length, 1);
  assert.equal(errors[0].failure_type, "transient_error");
  assert.equal(errors[0].message, failure!.message);
  assert.match(errors[0].message, /organization 1, batch 1 \(50 share ids/);
  assert.equal(result.statuses("post_statistics").at(-1), "INCOMPLETE");
});

Deno.test("engine: a batch retries only after the batches before it are answered", async () => {
  const client = new FakeLinkedIn({ "1": posts(180) });
  const held = holdCalls(client, "/rest/organizationalEntityShareStatistics");
  const reading = read(client, { post_statistics: "full_refresh" });
  try {
    assert.ok(await held.arrived(5));
    const [first, second, third] = held.calls;
    const firstRetry = watch(first.request.beforeRetry!());
    const thirdRetry = watch(third.request.beforeRetry!());
    const secondRetry = watch(second.request.beforeRetry!());
    second.release();
    await pause(20);
    // The first batch waits for none; the others for every batch before them.
    assert.deepEqual(firstRetry, { settled: true });
    assert.equal(thirdRetry.settled, false, "retried before batch 1 was answered");
    assert.equal(secondRetry.settled, false, "retried before batch 1 was answered");
    first.release();
    await pause(20);
    assert.deepEqual(thirdRetry, { settled: true });
    assert.deepEqual(secondRetry, { settled: true });
    assert.ok(held.calls.every((call) => !call.request.cancelled!.aborted));
  } finally {
    held.releaseAll();
  }
  const result = await reading;
  assert.deepEqual(result.failed, []);
  assert.equal(result.records("post_statistics").length, 180);
});

Deno.test("engine: the batches behind a failed one are cancelled and would not retry", async () => {
  const client = new FakeLinkedIn({ "1": posts(180) });
  const held = holdCalls(client, "/rest/organizationalEntityShareStatistics");
  const reading = read(client, { post_statistics: "full_refresh" });
  assert.ok(await held.arrived(5));
  const behind = held.calls.slice(1);
  const retries = behind.map((call) => watch(call.request.beforeRetry!()));
  const failure = transientError(`${held.calls[0].request.label} failed after 5 attempts`);
  held.calls[0].release(failure);
  // The stream ends while the batches behind are still in flight.
  const result = await within(reading, 5_000);
  try {
    assert.notEqual(result, "timed out", "the stream waited for the batches behind");
    if (result === "timed out") return;
    assert.deepEqual(result.failed, ["post_statistics"]);
    assert.equal(result.errors("post_statistics")[0].message, failure.message);
    for (const [index, call] of behind.entries()) {
      assert.ok(call.request.cancelled!.aborted, `batch ${index + 2} was not cancelled`);
      assert.deepEqual(retries[index], { settled: true, error: failure });
    }
    assert.equal(held.calls.length, 5);
  } finally {
    held.releaseAll();
    await reading;
  }
});

Deno.test("engine: a batch refused with a 403 asks id by id only after the batches before it", async () => {
  const client = new FakeLinkedIn({ "1": posts(180) });
  const held = holdCalls(client, "/rest/socialMetadata");
  const singles = () => client.requests.filter((r) => r.path.startsWith("/rest/socialMetadata/"));
  const reading = read(client, { post_social_metadata: "full_refresh" }, {
    config: { apiTier: "standard" },
  });
  try {
    assert.ok(await held.arrived(4));
    const [first, second] = held.calls;
    second.release(refused(second.request.label, 403));
    await pause(20);
    assert.equal(singles().length, 0, "asked id by id before batch 1 was answered");
    first.release();
  } finally {
    held.releaseAll();
  }
  const result = await reading;
  // The single call answered, so the 403 was a refusal of batch calls, which api_tier denies.
  assert.equal(singles().length, 1);
  assert.deepEqual(result.failed, ["post_social_metadata"]);
  const [error] = result.errors("post_social_metadata");
  assert.equal(error.failure_type, "config_error");
  assert.match(error.message, /batch 2 \(50 post ids.*api_tier is "standard"/);
  assert.deepEqual(
    result.records("post_social_metadata").map((r) => r.post),
    posts(50).map((p) => p.id),
  );
});

Deno.test("engine: a single call failing with anything but 404 fails the organization", async () => {
  const client = new FakeLinkedIn({ "1": posts(10) });
  client.developmentTier = true;
  client.failing = new Map([[String(posts(10)[6].id), 500]]);
  const result = await read(client, { post_social_metadata: "full_refresh" });
  assert.deepEqual(result.failed, ["post_social_metadata"]);
  assert.equal(result.errors("post_social_metadata")[0].failure_type, "transient_error");
  assert.equal(result.records("post_social_metadata").length, 0, "no partial batch");
});

Deno.test("engine: a post LinkedIn no longer has gets no record and one warning", async () => {
  for (const developmentTier of [false, true]) {
    const client = new FakeLinkedIn({ "1": posts(6) });
    client.developmentTier = developmentTier;
    client.gone = new Set([String(posts(6)[2].id), String(posts(6)[4].id)]);
    const result = await read(client, { post_social_metadata: "full_refresh" });
    assert.deepEqual(result.failed, []);
    assert.deepEqual(
      result.records("post_social_metadata").map((r) => r.post),
      posts(6).map((p) => p.id).filter((id) => !client.gone.has(String(id))),
    );
    const warnings = result.logs("WARN");
    assert.equal(warnings.length, 1);
    assert.match(warnings[0], /nothing about 2 of the posts/);
    for (const id of client.gone) assert.ok(warnings[0].includes(`${id} (HTTP 404)`));
  }
});

Deno.test("engine: video analytics ask four metrics per video in its window, merged by day", async () => {
  const video = (n: number, ageDays: number, kind = "ugcPost") => ({
    ...post(n, ageDays, kind),
    content: { media: { id: `urn:li:video:${n}` } },
  });
  const feed = [video(1, 1), post(2, 2), video(3, 40), video(4, 50, "share"), post(5, 60)];
  const client = new FakeLinkedIn({ "1": feed });
  const state = new Map([[
    "video_analytics",
    { organizations: { "1": { timeRangeEnd: Date.UTC(2026, 10, 20) } } },
  ]]);
  const result = await read(client, { video_analytics: "incremental" }, { state });
  assert.deepEqual(result.failed, []);
  const requests = client.requests.filter((r) => r.path === "/rest/videoAnalytics");
  // Two ugcPost videos × four metrics; the share-URN video is not asked about.
  assert.equal(requests.length, 8);
  const window = { start: Date.UTC(2026, 10, 17), end: Date.UTC(2026, 10, 29) };
  for (const request of requests) {
    const params = new URLSearchParams(request.query);
    assert.equal(params.get("timeRange"), `(start:${window.start},end:${window.end})`);
    assert.equal(params.get("aggregation"), "DAY");
  }
  const records = result.records("video_analytics");
  const days = (window.end - window.start) / DAY_MS;
  const active = Array.from({ length: days }, (_, i) => window.start / DAY_MS + i)
    .filter((n) => n % 3 !== 0);
  assert.equal(records.length, 2 * active.length);
  for (const record of records) {
    const n = (record.timeRangeStart as number) / DAY_MS;
    assert.equal(record.videoViews, n % 100 + "VIDEO_VIEW".length);
    assert.equal(record.viewers, n % 2 === 0 ? 0 : n % 100 + "VIEWER".length);
    assert.equal(record.date, new Date(record.timeRangeStart as number).toISOString().slice(0, 10));
  }
  const warnings = result.logs("WARN");
  assert.equal(warnings.length, 1);
  assert.match(warnings[0], /skipped 1 of the posts .*urn:li:share:7000004/);
  assert.deepEqual(result.states("video_analytics").at(-1), {
    organizations: { "1": { timeRangeEnd: window.end } },
  });
});

Deno.test("engine: a stream of the connection is read once, page by page, for no organization", async () => {
  const client = new FakeLinkedIn({});
  const result = await read(client, { lookup_functions: "full_refresh" }, {
    organizations: ["1", "2", "3"],
  });
  assert.deepEqual(result.failed, []);
  const pages = client.requests.filter((r) => r.path === "/rest/functions");
  assert.deepEqual(pages.map((r) => r.query), [
    "start=0&count=100",
    "start=100&count=100",
    "start=200&count=100",
  ]);
  const records = result.records("lookup_functions");
  assert.equal(records.length, 230);
  assert.deepEqual(records[7], {
    id: 8,
    urn: "urn:li:function:8",
    name: "F8",
    localizedName: { localized: { en_US: "F8" } },
  });
  assert.ok(records.every((r) => !("organizationId" in r)));
  assert.equal(result.states("lookup_functions").length, 1);
});
