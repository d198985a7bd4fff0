import assert from "node:assert/strict";
import { Ajv } from "ajv";
import addFormats from "ajv-formats";
import { organizationUrn, query } from "../lib/restli.ts";
import { type RequestContext, type Row, streamNamed, STREAMS } from "../lib/streams.ts";
import { isoDate } from "../lib/windows.ts";
import { assertConnectorError } from "./assertions.ts";
import { TIME_BOUND_STREAMS } from "./harness.ts";

// deno-lint-ignore no-explicit-any
type Json = any;

const schemasDir = new URL("../schemas/", import.meta.url);
const POSTS = ["shares", "ugc_posts"];

/** Every node of a JSON value, with its path. */
function* walk(node: Json, path = "#"): Generator<[string, Json]> {
  yield [path, node];
  if (typeof node !== "object" || node === null) return;
  for (const [key, child] of Object.entries(node)) yield* walk(child, `${path}/${key}`);
}

/** A full request URL path + query of a stream, as the client would send it. */
function requestOf(name: string, context: Partial<RequestContext> = {}): string {
  const stream = streamNamed(name)!;
  const full: RequestContext = { organizationId: "1", granularity: "DAY", ...context };
  const q = query(stream.query(full));
  return `${stream.path(full)}${q ? `?${q}` : ""}`;
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
  return { something: "else" };
}

Deno.test("streams: every definition has its own schema file, as loaded", async () => {
  assert.equal(STREAMS.length, 10);
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

Deno.test("streams: toRow adds organizationId, and every record satisfies its schema", () => {
  const ajv = new Ajv({ allErrors: true, strict: false });
  addFormats.default(ajv);
  for (const stream of STREAMS) {
    const element = sampleElement(stream.name);
    const copy = structuredClone(element);
    const row = stream.toRow(element, "2414183");
    assert.equal(row.organizationId, "2414183", stream.name);
    // Everything LinkedIn sent is kept.
    for (const [key, value] of Object.entries(copy)) assert.deepEqual(row[key], value);
    const validate = ajv.compile(stream.schema);
    assert.ok(validate(row), `${stream.name}: ${ajv.errorsText(validate.errors)}`);
    for (const key of stream.primaryKey) {
      assert.notEqual(row[key[0]], undefined, `${stream.name}: primary key ${key} missing`);
    }
    if (stream.incremental) {
      assert.ok(Number.isInteger(row[stream.incremental.cursorField]), stream.name);
    }
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
    }, "7");
    assert.equal(row.timeRangeStart, start);
    assert.equal(row.timeRangeEnd, end);
    assert.equal(row.date, "2024-02-29");
    assert.equal(row.date, isoDate(start));
    assert.equal(row.organizationId, "7");
    assert.deepEqual(row.followerGains, { organicFollowerGain: 3 });
    assert.deepEqual(stream.primaryKey, [["organizationId"], ["timeRangeStart"]]);
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
        () => streamNamed(name)!.toRow(element, "1"),
        "system_error",
        "timeRange",
      );
    }
  }
});

Deno.test("streams: a post without lastModifiedAt or id is a system_error", () => {
  for (const name of POSTS) {
    const stream = streamNamed(name)!;
    for (
      const element of [
        { id: "urn:li:share:1" },
        { id: "urn:li:share:1", lastModifiedAt: "1700000000000" },
        { id: "urn:li:share:1", lastModifiedAt: 1.5 },
        { lastModifiedAt: 1 },
        { id: 5, lastModifiedAt: 1 },
      ]
    ) {
      assertConnectorError(() => stream.toRow(element, "1"), "system_error", "lastModifiedAt");
    }
  }
});

Deno.test("streams: URNs in paths and queries are encoded per Rest.li", () => {
  for (const stream of STREAMS) {
    for (const context of [{}, { window: { start: 1, end: 2 } }, { start: 0, count: 100 }]) {
      const request = requestOf(stream.name, { organizationId: "1", ...context });
      assert.ok(!request.includes("urn:li"), `${stream.name}: raw URN in ${request}`);
      assert.ok(request.startsWith("/rest/"), request);
      // Any URN is the encoded organization URN.
      for (const urn of request.match(/urn[^&=,()/?]*/g) ?? []) {
        assert.equal(urn, "urn%3Ali%3Aorganization%3A1", `${stream.name}: ${request}`);
      }
    }
  }
  assert.ok(requestOf("shares").includes("author=urn%3Ali%3Aorganization%3A1"));
  assert.ok(requestOf("ugc_posts").includes("author=urn%3Ali%3Aorganization%3A1"));
  assert.equal(
    requestOf("total_follower_count"),
    "/rest/networkSizes/urn%3Ali%3Aorganization%3A1?edgeType=COMPANY_FOLLOWED_BY_MEMBER",
  );
  assert.equal(
    requestOf("organization_lookup", { organizationId: "2414183" }),
    "/rest/organizations/2414183",
  );
});

Deno.test("streams: statistics requests name the organization the way each endpoint wants", () => {
  const cases: [string, string, string][] = [
    ["follower_statistics", "/rest/organizationalEntityFollowerStatistics", "organizationalEntity"],
    ["share_statistics", "/rest/organizationalEntityShareStatistics", "organizationalEntity"],
    ["page_statistics", "/rest/organizationPageStatistics", "organization"],
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
    const request = requestOf(name, { organizationId: "2414183" });
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
      const request = requestOf(name, { window, granularity });
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
    requestOf("page_statistics_time_bound", {
      window: { start: 1704067200000, end: 1704672000000 },
    })
      .includes(
        "timeIntervals=(timeRange:(start:1704067200000,end:1704672000000),timeGranularityType:DAY)",
      ),
  );
  // Lifetime statistics have no window, hence no timeIntervals.
  for (const name of ["follower_statistics", "page_statistics", "share_statistics"]) {
    assert.ok(!requestOf(name).includes("timeIntervals"), name);
  }
});

Deno.test("streams: posts are read by author, newest modification first, with paging", () => {
  const shares = new URLSearchParams(requestOf("shares", { start: 300, count: 7 }).split("?")[1]);
  // shares is one fixed page of the 50 most recent posts.
  assert.deepEqual(Object.fromEntries(shares), {
    q: "author",
    author: organizationUrn("1"),
    sortBy: "LAST_MODIFIED",
    start: "0",
    count: "50",
  });
  const posts = streamNamed("ugc_posts")!;
  assert.equal(posts.paging.kind, "offset");
  const pageSize = posts.paging.kind === "offset" ? posts.paging.pageSize : 0;
  const page = new URLSearchParams(
    requestOf("ugc_posts", { start: 2 * pageSize, count: pageSize }).split("?")[1],
  );
  assert.deepEqual(Object.fromEntries(page), {
    q: "author",
    author: organizationUrn("1"),
    sortBy: "LAST_MODIFIED",
    start: String(2 * pageSize),
    count: String(pageSize),
  });
  // Without paging parameters, none are sent.
  assert.equal(
    requestOf("ugc_posts"),
    "/rest/posts?q=author&author=urn%3Ali%3Aorganization%3A1&sortBy=LAST_MODIFIED",
  );
  assert.deepEqual(posts.incremental, { kind: "newest_first", cursorField: "lastModifiedAt" });
});

Deno.test("streams: scopes, extraction and primary keys", () => {
  for (const stream of STREAMS) {
    const expectedScope = POSTS.includes(stream.name)
      ? "r_organization_social"
      : "rw_organization_admin";
    assert.equal(stream.scope, expectedScope, stream.name);
    const expectedExtract = ["organization_lookup", "total_follower_count"].includes(stream.name)
      ? "body"
      : "elements";
    assert.equal(stream.extract, expectedExtract, stream.name);
    if (TIME_BOUND_STREAMS.includes(stream.name)) {
      assert.deepEqual(stream.incremental, { kind: "window", cursorField: "timeRangeEnd" });
    }
  }
  assert.deepEqual(streamNamed("shares")!.primaryKey, [["id"]]);
  assert.deepEqual(streamNamed("ugc_posts")!.primaryKey, [["id"]]);
  assert.deepEqual(streamNamed("organization_lookup")!.primaryKey, [["organizationId"]]);
});
