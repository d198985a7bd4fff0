import assert from "node:assert/strict";
import { Ajv } from "ajv";
import addFormats from "ajv-formats";
import { snapshotDateCursor, windowCursor } from "../lib/cursors.ts";
import { organizationUrn } from "../lib/restli.ts";
import {
  type Answer,
  type Batch,
  type BatchStream,
  type ConnectionStream,
  type Endpoint,
  type EndpointStream,
  type FeedStream,
  type RequestContext,
  requestOf,
  type Row,
  type RowContext,
  type StreamDefinition,
} from "../lib/definitions.ts";
import { STREAM_SCHEMAS } from "../lib/schemas.ts";
import { checkRequests, POSTS as POSTS_FEED, streamNamed, STREAMS } from "../lib/streams.ts";
import { assertConnectorError } from "./assertions.ts";
import { STREAM_NAMES } from "./harness.ts";

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
const PER_POST = ["post_statistics", "post_social_metadata", "video_analytics"];
const LOOKUPS = ["lookup_functions", "lookup_seniorities", "lookup_industries"];
const CONTEXT: RowContext = { organizationId: "2414183", syncDate: "2026-12-01" };
const SHARES: Batch = { group: "share", ids: ["urn:li:share:1", "urn:li:share:2"] };
const VIDEO: Batch = { group: "video", ids: ["urn:li:ugcPost:9"] };
const DAY = { start: Date.UTC(2026, 5, 1), end: Date.UTC(2026, 5, 2) };

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
  const batch = typeof stream.partitions === "object"
    ? (name === "video_analytics" ? VIDEO : SHARES)
    : undefined;
  const request = requestOf(endpointOf(stream), {
    organizationId: "1",
    granularity: "DAY",
    batch,
    variant: (stream as BatchStream).variants?.[0],
    ...context,
  });
  return `${request.path}${request.query ? `?${request.query}` : ""}`;
}

/** What LinkedIn could answer for a stream: an element, or the answers about a batch. */
function sample(name: string): { element?: Row; answers?: Answer[]; batch?: Batch } {
  const where = "GET /rest/x";
  if (TIME_BOUND_STREAMS.includes(name)) return { element: { timeRange: DAY, extra: { a: 1 } } };
  if (POSTS.includes(name)) {
    return {
      element: {
        id: "urn:li:share:1",
        lastModifiedAt: 1_700_000_000_000,
        author: organizationUrn("1"),
      },
    };
  }
  if (LOOKUPS.includes(name)) {
    return { element: { $URN: "urn:li:function:8", id: 8, name: { localized: { en_US: "E" } } } };
  }
  if (name === "total_follower_count") return { element: { firstDegreeSize: 42 } };
  if (name === "post_statistics") {
    const element = {
      organizationalEntity: organizationUrn("2414183"),
      share: "urn:li:share:1",
      totalShareStatistics: { impressionCount: 10, likeCount: -1, engagement: 0.1 },
    };
    return { batch: SHARES, answers: [{ body: { elements: [element] }, where }] };
  }
  if (name === "post_social_metadata") {
    const element = {
      entity: "urn:li:share:1",
      reactionSummaries: { LIKE: { reactionType: "LIKE", count: 2 } },
      commentSummary: { count: 1, topLevelCount: 1 },
      commentsState: "OPEN",
    };
    const body = { results: { "urn:li:share:1": element }, statuses: {}, errors: {} };
    return { batch: { group: "post", ids: ["urn:li:share:1"] }, answers: [{ body, where }] };
  }
  if (name === "video_analytics") {
    const answers = ["VIDEO_VIEW", "VIEWER", "TIME_WATCHED", "TIME_WATCHED_FOR_VIDEO_VIEWS"].map(
      (type, index) => ({
        body: { elements: [{ entity: VIDEO.ids[0], type, value: index + 1, timeRange: DAY }] },
        where,
        variant: type,
      }),
    );
    return { batch: VIDEO, answers };
  }
  return { element: { something: "else" } };
}

/** The records a stream makes of its sample answer. */
function sampleRecords(stream: StreamDefinition): Row[] {
  const { element, answers, batch } = sample(stream.name);
  if (typeof stream.partitions === "object") {
    return stream.rows(answers!, batch!, CONTEXT).rows;
  }
  return [(stream as EndpointStream | FeedStream).toRow(structuredClone(element!), CONTEXT)];
}

Deno.test("streams: the table holds every stream, each with its own schema file, as loaded", async () => {
  assert.deepEqual(STREAMS.map((s) => s.name), STREAM_NAMES);
  const files = new Set<string>();
  for await (const entry of Deno.readDir(schemasDir)) {
    if (entry.isFile && entry.name.endsWith(".json") && entry.name !== "spec.json") {
      files.add(entry.name);
    }
  }
  assert.deepEqual([...files].sort(), STREAMS.map((s) => `${s.name}.json`).sort());
  assert.deepEqual(Object.keys(STREAM_SCHEMAS).sort(), STREAMS.map((s) => s.name).sort());
  for (const stream of STREAMS) {
    const onDisk = JSON.parse(await Deno.readTextFile(new URL(`${stream.name}.json`, schemasDir)));
    const schema = STREAM_SCHEMAS[stream.name];
    assert.deepEqual(schema, onDisk, stream.name);
    assert.equal(schema.type, "object", stream.name);
    assert.ok(Object.keys(schema.properties as Row).length > 0, stream.name);
    assert.ok(stream.description.length > 0, stream.name);
    assert.equal(streamNamed(stream.name), stream);
  }
  assert.equal(streamNamed("nope"), undefined);
});

Deno.test("streams: every schema is valid draft-07 and compiles with ajv", () => {
  const ajv = new Ajv({ allErrors: true, strict: true, strictRequired: true });
  addFormats.default(ajv);
  for (const stream of STREAMS) {
    const schema = STREAM_SCHEMAS[stream.name];
    assert.equal(schema.$schema, "http://json-schema.org/draft-07/schema#", stream.name);
    assert.ok(ajv.validateSchema(schema), `${stream.name}: ${ajv.errorsText(ajv.errors)}`);
    assert.doesNotThrow(() => ajv.compile(schema), stream.name);
  }
});

Deno.test("streams: every object in every schema allows additional properties; no $ref", () => {
  for (const stream of STREAMS) {
    for (const [path, node] of walk(STREAM_SCHEMAS[stream.name])) {
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

Deno.test("streams: every stream's records fit its schema, which declares every field added", () => {
  const ajv = new Ajv({ allErrors: true, strict: false });
  addFormats.default(ajv);
  for (const stream of STREAMS) {
    const { element, answers } = sample(stream.name);
    const records = sampleRecords(stream);
    assert.ok(records.length > 0, stream.name);
    const schema = STREAM_SCHEMAS[stream.name];
    const properties = schema.properties as Row;
    const given = new Set(Object.keys(element ?? {}));
    const validate = ajv.compile(schema);
    for (const record of records) {
      for (const key of Object.keys(record).filter((key) => !given.has(key))) {
        if (answers && stream.name !== "video_analytics") {
          // Per-post records keep LinkedIn's element: only what the connector adds is new.
          const served = answers.map((a) => JSON.stringify(a.body)).join();
          if (served.includes(`"${key}"`)) continue;
        }
        assert.ok(key in properties, `${stream.name}: ${key} is not in the schema`);
      }
      assert.ok(validate(record), `${stream.name}: ${ajv.errorsText(validate.errors)}`);
      for (const [key] of stream.primaryKey) {
        assert.notEqual(record[key], undefined, `${stream.name}: primary key ${key} missing`);
      }
      if (stream.incremental) {
        const value = record[stream.incremental.field];
        assert.ok(Number.isInteger(value) || typeof value === "string", stream.name);
      }
    }
  }
});

Deno.test("streams: records belong to an organization, except the connection's lookups", () => {
  for (const stream of STREAMS) {
    for (const record of sampleRecords(stream)) {
      assert.equal(
        record.organizationId,
        LOOKUPS.includes(stream.name) ? undefined : "2414183",
        stream.name,
      );
    }
    assert.equal(stream.partitions === "connection", LOOKUPS.includes(stream.name), stream.name);
  }
});

Deno.test("streams: lifetime records carry the UTC date of the sync; their keys are unchanged", () => {
  for (const name of [...LIFETIME, "post_statistics", "post_social_metadata"]) {
    for (const record of sampleRecords(streamNamed(name)!)) {
      assert.equal(record.snapshotDate, "2026-12-01", name);
    }
  }
  for (const name of LIFETIME) {
    assert.deepEqual(streamNamed(name)!.primaryKey, [["organizationId"]], name);
    assert.equal(streamNamed(name)!.incremental, undefined, name);
  }
  for (const name of [...POSTS, ...TIME_BOUND_STREAMS, "video_analytics", ...LOOKUPS]) {
    for (const record of sampleRecords(streamNamed(name)!)) {
      assert.equal(record.snapshotDate, undefined, name);
    }
  }
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
          /^urn%3Ali%3A(organization%3A1|share%3A[12]|ugcPost%3A9)$/,
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
  assert.equal(stream.single, undefined);
});

Deno.test("streams: post_social_metadata asks in batches of 50 of any post, or one by one", () => {
  const stream = streamNamed("post_social_metadata") as BatchStream;
  const { partitions } = stream;
  assert.equal(partitions.parent, POSTS_FEED);
  assert.equal(partitions.size, 50);
  // Shares and ugcPosts go in the same batches.
  assert.equal(partitions.groupOf("urn:li:share:1"), "post");
  assert.equal(partitions.groupOf("urn:li:ugcPost:1"), "post");
  assert.equal(partitions.groupOf("urn:li:activity:1"), undefined);
  const context = { organizationId: "1", granularity: "DAY" as const };
  const batch = { group: "post", ids: ["urn:li:share:1", "urn:li:ugcPost:2"] };
  const many = requestOf(stream.endpoint, { ...context, batch });
  assert.equal(many.path, "/rest/socialMetadata");
  assert.equal(many.query, "ids=List(urn%3Ali%3Ashare%3A1,urn%3Ali%3AugcPost%3A2)");
  assert.equal(many.scope, "r_organization_social_feed");
  const one = requestOf(stream.single!, {
    ...context,
    batch: { group: "post", ids: ["urn:li:share:1"] },
  });
  assert.deepEqual(one, {
    path: "/rest/socialMetadata/urn%3Ali%3Ashare%3A1",
    query: "",
    scope: "r_organization_social_feed",
  });
  assert.equal(stream.incremental?.kind, "snapshot_date");
  assert.deepEqual(stream.primaryKey, [["post"], ["snapshotDate"]]);
});

Deno.test("streams: video_analytics asks about each video, once per metric, by day in its window", () => {
  const stream = streamNamed("video_analytics") as BatchStream;
  const { partitions } = stream;
  assert.equal(partitions.size, 1);
  assert.deepEqual(stream.variants, [
    "VIDEO_VIEW",
    "VIEWER",
    "TIME_WATCHED",
    "TIME_WATCHED_FOR_VIDEO_VIEWS",
  ]);
  const video = { publishedAt: 10, content: { media: { id: "urn:li:video:5" } } };
  assert.ok(partitions.includes(video, 10));
  assert.ok(!partitions.includes({ ...video, publishedAt: 9 }, 10));
  assert.ok(
    !partitions.includes({ publishedAt: 10, content: { media: { id: "urn:li:image:5" } } }, 10),
  );
  assert.ok(!partitions.includes({ publishedAt: 10 }, 10));
  // Video analytics take the ugcPost URN; a video post with a share URN is not asked about.
  assert.equal(partitions.groupOf("urn:li:ugcPost:9"), "video");
  assert.equal(partitions.groupOf("urn:li:share:9"), undefined);
  const window = { start: Date.UTC(2026, 10, 1), end: Date.UTC(2026, 10, 29) };
  const request = requestOf(stream.endpoint, {
    organizationId: "1",
    granularity: "MONTH",
    batch: VIDEO,
    variant: "VIEWER",
    window,
  });
  assert.equal(request.path, "/rest/videoAnalytics");
  assert.equal(
    request.query,
    `q=entity&entity=urn%3Ali%3AugcPost%3A9&type=VIEWER&aggregation=DAY&timeRange=(start:${window.start},end:${window.end})`,
  );
  assert.equal(request.scope, "r_organization_social");
  // By day whatever time_granularity_type says, and never more than 6 months back.
  const cursor = stream.incremental!.open(undefined, {
    now: Date.UTC(2026, 11, 1, 10),
    granularity: "MONTH",
    startDate: Date.UTC(2026, 0, 1),
    lookbackDays: 3,
  });
  assert.deepEqual(cursor.plan.window, {
    start: Date.UTC(2026, 5, 2),
    end: Date.UTC(2026, 10, 29),
  });
  assert.equal(cursor.plan.clampedFrom, Date.UTC(2026, 0, 1));
  assert.equal(
    cursor.plan.warning,
    "LinkedIn serves video views and viewers for about 6 months only, so reading starts on " +
      "2026-06-02 instead of 2026-01-01.",
  );
  assert.equal(stream.incremental?.field, "timeRangeEnd");
  assert.deepEqual(stream.primaryKey, [["post"], ["date"]]);
});

Deno.test("streams: the lookups page through LinkedIn's taxonomies for the whole connection", () => {
  const paths: Record<string, string> = {
    lookup_functions: "/rest/functions",
    lookup_seniorities: "/rest/seniorities",
    lookup_industries: "/rest/industryTaxonomyVersions/DEFAULT/industries",
  };
  for (const name of LOOKUPS) {
    const stream = streamNamed(name) as ConnectionStream;
    assert.equal(stream.partitions, "connection");
    assert.equal(stream.pageSize, 100);
    assert.equal(stream.incremental, undefined);
    assert.deepEqual(stream.primaryKey, [["urn"]]);
    assert.equal(
      requestLine(name, { start: 200, count: 100 }),
      `${paths[name]}?start=200&count=100`,
    );
    assert.equal(
      stream.endpoint.scope,
      name === "lookup_industries" ? "r_basicprofile" : undefined,
    );
  }
});

Deno.test("streams: scopes, extraction and primary keys", () => {
  const scopes: Record<string, string | undefined> = {
    shares: "r_organization_social",
    ugc_posts: "r_organization_social",
    video_analytics: "r_organization_social",
    post_social_metadata: "r_organization_social_feed",
    lookup_functions: undefined,
    lookup_seniorities: undefined,
    lookup_industries: "r_basicprofile",
  };
  for (const stream of STREAMS) {
    const expected = stream.name in scopes ? scopes[stream.name] : "rw_organization_admin";
    assert.equal(endpointOf(stream).scope, expected, stream.name);
    if (stream.feed || typeof stream.partitions === "object") continue;
    const extract = ["organization_lookup", "total_follower_count"].includes(stream.name)
      ? "body"
      : "elements";
    assert.equal((stream as EndpointStream).extract, extract, stream.name);
  }
  // The per-post streams read the posts too, with the posts' scope.
  for (const name of PER_POST) {
    const parent = (streamNamed(name) as BatchStream).partitions.parent;
    assert.equal(parent, POSTS_FEED, name);
    assert.equal(parent.endpoint.scope, "r_organization_social", name);
  }
  assert.deepEqual(streamNamed("shares")!.primaryKey, [["id"]]);
  assert.deepEqual(streamNamed("ugc_posts")!.primaryKey, [["id"]]);
  assert.deepEqual(streamNamed("organization_lookup")!.primaryKey, [["organizationId"]]);
});

const POSTS_FEED_CURSOR = (streamNamed("ugc_posts") as FeedStream).incremental!;

Deno.test("streams: the definition type rejects combinations the engine cannot read", () => {
  const described = { name: "x", description: "x", primaryKey: [] };
  const batches = (streamNamed("post_statistics") as BatchStream).partitions;
  const toRow = (element: Row) => element;
  const rows = () => ({ rows: [] });
  const endpoint = (streamNamed("organization_lookup") as EndpointStream).endpoint;
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
  const feedOfTheConnection = shape({
    ...described,
    partitions: "connection",
    feed: POSTS_FEED,
    toRow,
  });
  const batchesNewestFirst = shape({
    ...described,
    partitions: batches,
    endpoint,
    rows,
    incremental: POSTS_FEED_CURSOR,
  });
  const neither = shape({ ...described, partitions: "organizations", toRow });
  const incrementalConnection = shape({
    ...described,
    partitions: "connection",
    endpoint,
    extract: "elements",
    toRow,
    incremental: windowCursor("timeRangeEnd"),
  });
  const singleWithVariants = shape({
    ...described,
    partitions: batches,
    endpoint,
    single: endpoint,
    variants: ["A", "B"],
    rows,
  });
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
  // @ts-expect-error: a feed belongs to an organization.
  const c: StreamDefinition = feedOfTheConnection;
  // @ts-expect-error: batches of a parent feed are not read newest first.
  const d: StreamDefinition = batchesNewestFirst;
  // @ts-expect-error: a stream reads one endpoint or a feed, not neither ...
  const e: StreamDefinition = neither;
  // @ts-expect-error: ... and not both.
  const f: StreamDefinition = both;
  // @ts-expect-error: the connection has no organizations to keep cursors for.
  const g: StreamDefinition = incrementalConnection;
  // @ts-expect-error: one id at a time is one request per id, not one per variant.
  const h: StreamDefinition = singleWithVariants;
  assert.equal([a, b, c, d, e, f, g, h].length, 8);
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
      rows,
      incremental: snapshotDateCursor("snapshotDate"),
    },
    {
      ...described,
      partitions: batches,
      endpoint,
      rows,
      incremental: windowCursor("timeRangeEnd"),
    },
  ];
  assert.equal(right.length, 4);
});
