import assert from "node:assert/strict";
import { Ajv } from "ajv";
import addFormats from "ajv-formats";
import { snapshotDateCursor, windowCursor } from "../lib/cursors.ts";
import { organizationUrn } from "../lib/restli.ts";
import {
  type Batch,
  type BatchStream,
  checkRequests,
  type Endpoint,
  type FeedStream,
  type OrganizationStream,
  POSTS as POSTS_FEED,
  type RequestContext,
  requestOf,
  type Row,
  type RowContext,
  type StreamDefinition,
  streamNamed,
  STREAMS,
} from "../lib/streams.ts";
import { isoDate } from "../lib/windows.ts";
import { assertConnectorError } from "./assertions.ts";
import { ZERO_SHARE_STATISTICS } from "./harness.ts";

// deno-lint-ignore no-explicit-any
type Json = any;

const schemasDir = new URL("../schemas/", import.meta.url);
const POSTS = ["shares", "ugc_posts"];
const LIFETIME = [
  "organization_lookup",
  "follower_statistics",
  "page_statistics",
  "share_statistics",
  "total_follower_count",
];
const TIME_BOUND_STREAMS = [
  "follower_statistics_time_bound",
  "page_statistics_time_bound",
  "share_statistics_time_bound",
];
const CONTEXT: RowContext = { organizationId: "2414183", syncDate: "2026-12-01" };
const SHARES: Batch = { group: "share", ids: ["urn:li:share:1", "urn:li:share:2"] };

/** Every node of a JSON value, with its path. */
function* walk(node: Json, path = "#"): Generator<[string, Json]> {
  yield [path, node];
  if (typeof node !== "object" || node === null) return;
  for (const [key, child] of Object.entries(node)) yield* walk(child, `${path}/${key}`);
}

/** The endpoint a stream's own requests go to: its feed's for feed streams. */
function endpointOf(stream: StreamDefinition): Endpoint {
  return stream.feed ? stream.feed.endpoint : stream.endpoint;
}

/** A request path + query of a stream, as the client would send it. */
function requestLine(name: string, context: Partial<RequestContext> = {}): string {
  const stream = streamNamed(name)!;
  const batch = typeof stream.partitions === "object" ? SHARES : undefined;
  const request = requestOf(endpointOf(stream), {
    organizationId: "1",
    granularity: "DAY",
    batch,
    ...context,
  });
  return `${request.path}${request.query ? `?${request.query}` : ""}`;
}

/** An element LinkedIn could return for a stream, with what the record needs. */
function sampleElement(name: string): Row {
  if (TIME_BOUND_STREAMS.includes(name)) {
    return {
      timeRange: { start: Date.UTC(2026, 5, 1), end: Date.UTC(2026, 5, 2) },
      extra: { a: 1 },
    };
  }
  if (POSTS.includes(name)) {
    return {
      id: "urn:li:share:1",
      lastModifiedAt: 1_700_000_000_000,
      author: organizationUrn("1"),
    };
  }
  if (name === "total_follower_count") return { firstDegreeSize: 42 };
  if (name === "post_statistics") {
    return {
      organizationalEntity: organizationUrn("2414183"),
      share: "urn:li:share:1",
      totalShareStatistics: { impressionCount: 10, likeCount: -1, engagement: 0.1 },
    };
  }
  return { something: "else" };
}

/** The record a stream makes of its sample element. */
function sampleRow(stream: StreamDefinition, element: Row): Row {
  const context = typeof stream.partitions === "object"
    ? { ...CONTEXT, parentId: "urn:li:share:1" }
    : CONTEXT;
  return stream.toRow(element, context);
}

Deno.test("streams: every definition has its own schema file, as loaded", async () => {
  assert.equal(STREAMS.length, 11);
  const files = new Set<string>();
  for await (const entry of Deno.readDir(schemasDir)) {
    if (entry.isFile && entry.name.endsWith(".json") && entry.name !== "spec.json") {
      files.add(entry.name);
    }
  }
  assert.deepEqual([...files].sort(), STREAMS.map((s) => `${s.name}.json`).sort());
  for (const stream of STREAMS) {
    const onDisk = JSON.parse(await Deno.readTextFile(new URL(`${stream.name}.json`, schemasDir)));
    assert.deepEqual(stream.schema, onDisk, stream.name);
    assert.equal(stream.schema.type, "object", stream.name);
    assert.ok(Object.keys(stream.schema.properties as Row).length > 0, stream.name);
    assert.ok(stream.description.length > 0, stream.name);
    assert.equal(streamNamed(stream.name), stream);
  }
  assert.equal(streamNamed("nope"), undefined);
});

Deno.test("streams: every schema is valid draft-07 and compiles with ajv", () => {
  const ajv = new Ajv({ allErrors: true, strict: true, strictRequired: true });
  addFormats.default(ajv);
  for (const stream of STREAMS) {
    assert.equal(stream.schema.$schema, "http://json-schema.org/draft-07/schema#", stream.name);
    assert.ok(ajv.validateSchema(stream.schema), `${stream.name}: ${ajv.errorsText(ajv.errors)}`);
    assert.doesNotThrow(() => ajv.compile(stream.schema), stream.name);
  }
});

Deno.test("streams: every object in every schema allows additional properties; no $ref", () => {
  for (const stream of STREAMS) {
    for (const [path, node] of walk(stream.schema)) {
      if (typeof node !== "object" || node === null || Array.isArray(node)) continue;
      assert.ok(!("$ref" in node), `${stream.name} ${path} uses $ref`);
      // A schema node (not a properties map) whose type includes object.
      if (path.endsWith("/properties")) continue;
      if ([node.type].flat().includes("object")) {
        assert.equal(node.additionalProperties, true, `${stream.name} ${path}`);
      }
    }
  }
});

Deno.test("streams: toRow keeps LinkedIn's element, adds organizationId, and fits the schema", () => {
  const ajv = new Ajv({ allErrors: true, strict: false });
  addFormats.default(ajv);
  for (const stream of STREAMS) {
    const element = sampleElement(stream.name);
    const copy = structuredClone(element);
    const row = sampleRow(stream, element);
    assert.equal(row.organizationId, "2414183", stream.name);
    for (const [key, value] of Object.entries(copy)) assert.deepEqual(row[key], value);
    // Every field the connector adds is declared, so destinations get a typed column for it.
    const properties = stream.schema.properties as Row;
    for (const key of Object.keys(row).filter((key) => !(key in copy))) {
      assert.ok(key in properties, `${stream.name}: ${key} is not in the schema`);
    }
    const validate = ajv.compile(stream.schema);
    assert.ok(validate(row), `${stream.name}: ${ajv.errorsText(validate.errors)}`);
    for (const key of stream.primaryKey) {
      assert.notEqual(row[key[0]], undefined, `${stream.name}: primary key ${key} missing`);
    }
    if (stream.incremental) {
      const value = row[stream.incremental.field];
      assert.ok(Number.isInteger(value) || typeof value === "string", stream.name);
    }
  }
});

Deno.test("streams: lifetime records carry the UTC date of the sync; their keys are unchanged", () => {
  for (const name of [...LIFETIME, "post_statistics"]) {
    const stream = streamNamed(name)!;
    assert.equal(sampleRow(stream, sampleElement(name)).snapshotDate, "2026-12-01", name);
  }
  for (const name of LIFETIME) {
    assert.deepEqual(streamNamed(name)!.primaryKey, [["organizationId"]], name);
    assert.equal(streamNamed(name)!.incremental, undefined, name);
  }
  for (const name of [...POSTS, ...TIME_BOUND_STREAMS]) {
    assert.equal(sampleRow(streamNamed(name)!, sampleElement(name)).snapshotDate, undefined, name);
  }
});

Deno.test("streams: time-bound rows carry timeRangeStart/End and the UTC date", () => {
  for (const name of TIME_BOUND_STREAMS) {
    const stream = streamNamed(name)!;
    const start = Date.UTC(2024, 1, 29);
    const end = Date.UTC(2024, 2, 1);
    const row = stream.toRow({
      timeRange: { start, end },
      followerGains: { organicFollowerGain: 3 },
    }, { ...CONTEXT, organizationId: "7" });
    assert.equal(row.timeRangeStart, start);
    assert.equal(row.timeRangeEnd, end);
    assert.equal(row.date, "2024-02-29");
    assert.equal(row.date, isoDate(start));
    assert.equal(row.organizationId, "7");
    assert.deepEqual(row.followerGains, { organicFollowerGain: 3 });
    assert.deepEqual(stream.primaryKey, [["organizationId"], ["timeRangeStart"]]);
    assert.equal(stream.incremental?.kind, "window");
    assert.equal(stream.incremental?.field, "timeRangeEnd");
  }
});

Deno.test("streams: a time-bound element without an integer timeRange is a system_error", () => {
  const bad: Row[] = [
    {},
    { timeRange: null },
    { timeRange: {} },
    { timeRange: { start: 1 } },
    { timeRange: { end: 2 } },
    { timeRange: { start: "1", end: 2 } },
    { timeRange: { start: 1.5, end: 2 } },
  ];
  for (const name of TIME_BOUND_STREAMS) {
    for (const element of bad) {
      assertConnectorError(
        () => streamNamed(name)!.toRow(element, CONTEXT),
        "system_error",
        "timeRange",
      );
    }
  }
});

Deno.test("streams: the posts feed rejects a post without a string id or integer lastModifiedAt", () => {
  for (
    const post of [
      { id: "urn:li:share:1" },
      { id: "urn:li:share:1", lastModifiedAt: "1700000000000" },
      { id: "urn:li:share:1", lastModifiedAt: 1.5 },
      { lastModifiedAt: 1 },
      { id: 5, lastModifiedAt: 1 },
    ]
  ) {
    assertConnectorError(() => POSTS_FEED.check(post), "system_error", "lastModifiedAt");
  }
  POSTS_FEED.check({ id: "urn:li:ugcPost:1", lastModifiedAt: 1 });
});

Deno.test("streams: URNs in paths and queries are encoded per Rest.li", () => {
  for (const stream of STREAMS) {
    for (const context of [{}, { window: { start: 1, end: 2 } }, { start: 0, count: 100 }]) {
      const request = requestLine(stream.name, context);
      assert.ok(!request.includes("urn:li"), `${stream.name}: raw URN in ${request}`);
      assert.ok(request.startsWith("/rest/"), request);
      for (const urn of request.match(/urn[^&=,()/?]*/g) ?? []) {
        assert.match(
          urn,
          /^urn%3Ali%3A(organization%3A1|share%3A[12])$/,
          `${stream.name}: ${request}`,
        );
      }
    }
  }
  assert.equal(
    requestLine("total_follower_count"),
    "/rest/networkSizes/urn%3Ali%3Aorganization%3A1?edgeType=COMPANY_FOLLOWED_BY_MEMBER",
  );
  assert.equal(
    requestLine("organization_lookup", { organizationId: "2414183" }),
    "/rest/organizations/2414183",
  );
});

Deno.test("streams: statistics requests name the organization the way each endpoint wants", () => {
  const cases: [string, string, string][] = [
    ["follower_statistics", "/rest/organizationalEntityFollowerStatistics", "organizationalEntity"],
    ["share_statistics", "/rest/organizationalEntityShareStatistics", "organizationalEntity"],
    ["page_statistics", "/rest/organizationPageStatistics", "organization"],
    ["post_statistics", "/rest/organizationalEntityShareStatistics", "organizationalEntity"],
    [
      "follower_statistics_time_bound",
      "/rest/organizationalEntityFollowerStatistics",
      "organizationalEntity",
    ],
    [
      "share_statistics_time_bound",
      "/rest/organizationalEntityShareStatistics",
      "organizationalEntity",
    ],
    ["page_statistics_time_bound", "/rest/organizationPageStatistics", "organization"],
  ];
  for (const [name, path, finder] of cases) {
    const request = requestLine(name, { organizationId: "2414183" });
    const [actualPath, search] = request.split("?");
    assert.equal(actualPath, path, name);
    assert.ok(
      search.startsWith(`q=${finder}&${finder}=urn%3Ali%3Aorganization%3A2414183`),
      request,
    );
    assert.equal(new URLSearchParams(search).get(finder), organizationUrn("2414183"));
  }
});

Deno.test("streams: time-bound queries carry the window in Rest.li syntax", () => {
  const window = { start: Date.UTC(2026, 0, 1), end: Date.UTC(2026, 0, 8) };
  for (const name of TIME_BOUND_STREAMS) {
    for (const granularity of ["DAY", "MONTH"] as const) {
      const request = requestLine(name, { window, granularity });
      assert.ok(
        request.endsWith(
          `&timeIntervals=(timeRange:(start:${window.start},end:${window.end}),timeGranularityType:${granularity})`,
        ),
        request,
      );
    }
  }
  // The documented example.
  assert.ok(
    requestLine("page_statistics_time_bound", {
      window: { start: 1704067200000, end: 1704672000000 },
    }).includes(
      "timeIntervals=(timeRange:(start:1704067200000,end:1704672000000),timeGranularityType:DAY)",
    ),
  );
  // Lifetime statistics have no window, hence no timeIntervals.
  for (const name of ["follower_statistics", "page_statistics", "share_statistics"]) {
    assert.ok(!requestLine(name).includes("timeIntervals"), name);
  }
});

Deno.test("streams: posts come from one feed, by author, newest modification first", () => {
  for (const name of POSTS) {
    const stream = streamNamed(name) as FeedStream;
    assert.equal(stream.feed, POSTS_FEED, name);
  }
  assert.equal((streamNamed("shares") as FeedStream).limit, 50);
  assert.equal((streamNamed("ugc_posts") as FeedStream).limit, undefined);
  assert.equal(POSTS_FEED.pageSize, 100);
  assert.equal(POSTS_FEED.sortField, "lastModifiedAt");
  const page = new URLSearchParams(
    requestLine("ugc_posts", { start: 200, count: 100 }).split("?")[1],
  );
  assert.deepEqual(Object.fromEntries(page), {
    q: "author",
    author: organizationUrn("1"),
    sortBy: "LAST_MODIFIED",
    start: "200",
    count: "100",
  });
  assert.equal(
    requestLine("ugc_posts"),
    "/rest/posts?q=author&author=urn%3Ali%3Aorganization%3A1&sortBy=LAST_MODIFIED",
  );
  const incremental = streamNamed("ugc_posts")!.incremental!;
  assert.equal(incremental.kind, "newest_first");
  assert.equal(incremental.field, "lastModifiedAt");
});

Deno.test("streams: post_statistics asks for each URN kind in its own list, without a window", () => {
  const stream = streamNamed("post_statistics") as BatchStream;
  const { partitions } = stream;
  assert.equal(partitions.parent, POSTS_FEED);
  assert.equal(partitions.size, 50);
  const ugc: Batch = { group: "ugcPost", ids: ["urn:li:ugcPost:9"] };
  const window = { start: 1, end: 2 };
  const context = { organizationId: "1", granularity: "DAY" as const, window };
  const shares = new URLSearchParams(
    requestOf(stream.endpoint, { ...context, batch: SHARES }).query,
  );
  assert.deepEqual(Object.fromEntries(shares), {
    q: "organizationalEntity",
    organizationalEntity: organizationUrn("1"),
    shares: "List(urn:li:share:1,urn:li:share:2)",
  });
  const ugcPosts = new URLSearchParams(
    requestOf(stream.endpoint, { ...context, batch: ugc }).query,
  );
  assert.equal(ugcPosts.get("ugcPosts"), "List(urn:li:ugcPost:9)");
  assert.equal(ugcPosts.get("shares"), null);
  // Posts are grouped by the kind of their URN; other kinds are not asked about.
  assert.equal(partitions.groupOf("urn:li:share:7100000000000000001"), "share");
  assert.equal(partitions.groupOf("urn:li:ugcPost:7100000000000000001"), "ugcPost");
  for (const id of ["urn:li:instantRepost:1", "urn:li:activity:1", "7100", "urn:li:share:"]) {
    assert.equal(partitions.groupOf(id), undefined, id);
  }
  // Posts published on or after the start are included (createdAt when publishedAt is missing).
  assert.ok(partitions.includes({ publishedAt: 10, createdAt: 1 }, 10));
  assert.ok(!partitions.includes({ publishedAt: 9, createdAt: 20 }, 10));
  assert.ok(partitions.includes({ createdAt: 10 }, 10));
  // The start: start_date, clamped to LinkedIn's 12 months, in whole UTC days.
  const now = Date.UTC(2026, 11, 1, 10);
  assert.deepEqual(partitions.since(now, Date.UTC(2026, 5, 1, 13)), {
    start: Date.UTC(2026, 5, 1),
  });
  assert.deepEqual(partitions.since(now, undefined), { start: Date.UTC(2025, 11, 2) });
  assert.deepEqual(partitions.since(now, Date.UTC(2025, 0, 1)), {
    start: Date.UTC(2025, 11, 2),
    clampedFrom: Date.UTC(2025, 0, 1),
  });
  assert.equal(stream.incremental?.kind, "snapshot_date");
  assert.equal(stream.incremental?.field, "snapshotDate");
  assert.deepEqual(stream.primaryKey, [["post"], ["snapshotDate"]]);
});

Deno.test("streams: post_statistics matches elements to posts and fills absent ones with zeros", () => {
  const stream = streamNamed("post_statistics") as BatchStream;
  assert.equal(stream.idOf({ share: "urn:li:share:1" }), "urn:li:share:1");
  assert.equal(stream.idOf({ ugcPost: "urn:li:ugcPost:2" }), "urn:li:ugcPost:2");
  assert.equal(stream.idOf({ organizationalEntity: "urn:li:organization:1" }), undefined);
  const absent = stream.absent!("urn:li:share:2", SHARES, CONTEXT);
  assert.deepEqual(absent, {
    organizationalEntity: "urn:li:organization:2414183",
    share: "urn:li:share:2",
    totalShareStatistics: ZERO_SHARE_STATISTICS,
  });
  const row = stream.toRow(absent, { ...CONTEXT, parentId: "urn:li:share:2" });
  assert.equal(row.post, "urn:li:share:2");
  assert.equal(row.snapshotDate, "2026-12-01");
  assert.equal(row.organizationId, "2414183");
});

Deno.test("streams: scopes, extraction and primary keys", () => {
  for (const stream of STREAMS) {
    const expectedScope = POSTS.includes(stream.name)
      ? "r_organization_social"
      : "rw_organization_admin";
    assert.equal(endpointOf(stream).scope, expectedScope, stream.name);
    if (stream.feed) continue;
    const expectedExtract = ["organization_lookup", "total_follower_count"].includes(stream.name)
      ? "body"
      : "elements";
    assert.equal(stream.extract, expectedExtract, stream.name);
  }
  // post_statistics reads the posts too, with the posts' scope.
  assert.equal(
    (streamNamed("post_statistics") as BatchStream).partitions.parent.endpoint.scope,
    "r_organization_social",
  );
  assert.deepEqual(streamNamed("shares")!.primaryKey, [["id"]]);
  assert.deepEqual(streamNamed("ugc_posts")!.primaryKey, [["id"]]);
  assert.deepEqual(streamNamed("organization_lookup")!.primaryKey, [["organizationId"]]);
});

Deno.test("streams: check asks one request per scope, built from the stream definitions", () => {
  const requests = checkRequests("2414183");
  assert.deepEqual(requests, [
    { path: "/rest/organizations/2414183", query: "", scope: "rw_organization_admin" },
    {
      path: "/rest/posts",
      query:
        "q=author&author=urn%3Ali%3Aorganization%3A2414183&sortBy=LAST_MODIFIED&start=0&count=1",
      scope: "r_organization_social",
    },
  ]);
});

const POSTS_FEED_CURSOR = (streamNamed("ugc_posts") as FeedStream).incremental!;

Deno.test("streams: the definition type rejects combinations the engine cannot read", () => {
  const described = { name: "x", description: "x", schema: {}, primaryKey: [] };
  const batches = (streamNamed("post_statistics") as BatchStream).partitions;
  const toRow = (element: Row) => element;
  const endpoint = (streamNamed("organization_lookup") as OrganizationStream).endpoint;
  // Each shape keeps its literal types, so that assigning it checks the shape itself.
  const shape = <const T>(value: T): T => value;
  const newestFirstWithoutFeed = shape({
    ...described,
    partitions: "organizations",
    endpoint,
    extract: "elements",
    toRow,
    incremental: POSTS_FEED_CURSOR,
  });
  const feedByWindow = shape({
    ...described,
    partitions: "organizations",
    feed: POSTS_FEED,
    toRow,
    incremental: windowCursor("timeRangeEnd"),
  });
  const batchesByWindow = shape({
    ...described,
    partitions: batches,
    endpoint,
    extract: "elements",
    idOf: () => undefined,
    toRow,
    incremental: windowCursor("timeRangeEnd"),
  });
  const neither = shape({ ...described, partitions: "organizations", toRow });
  const both = shape({
    ...described,
    partitions: "organizations",
    feed: POSTS_FEED,
    endpoint,
    extract: "elements",
    toRow,
  });
  // @ts-expect-error: a newest-first cursor needs a feed, which pages with offsets.
  const a: StreamDefinition = newestFirstWithoutFeed;
  // @ts-expect-error: a feed is not read by time window.
  const b: StreamDefinition = feedByWindow;
  // @ts-expect-error: batches of a parent feed are snapshots, not windows.
  const c: StreamDefinition = batchesByWindow;
  // @ts-expect-error: a stream reads one endpoint or a feed, not neither ...
  const d: StreamDefinition = neither;
  // @ts-expect-error: ... and not both.
  const e: StreamDefinition = both;
  assert.equal([a, b, c, d, e].length, 5);
  // The same shapes with the cursor each one can honour are accepted.
  const right: StreamDefinition[] = [
    {
      ...described,
      partitions: "organizations",
      endpoint,
      extract: "elements",
      toRow,
      incremental: windowCursor("timeRangeEnd"),
    },
    {
      ...described,
      partitions: "organizations",
      feed: POSTS_FEED,
      toRow,
      incremental: POSTS_FEED_CURSOR,
    },
    {
      ...described,
      partitions: batches,
      endpoint,
      extract: "elements",
      idOf: () => undefined,
      toRow,
      incremental: snapshotDateCursor("snapshotDate"),
    },
  ];
  assert.equal(right.length, 3);
});
