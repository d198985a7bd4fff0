import assert from "node:assert/strict";
import {
  airbyteStream,
  CONFIGURE_ALL,
  configuredStreams,
  discoveredCatalog,
  syncModesOf,
} from "../lib/catalog.ts";
import type { ConnectorError } from "../lib/errors.ts";
import { STREAM_SCHEMAS } from "../lib/schemas.ts";
import { streamNamed, STREAMS } from "../lib/streams.ts";
import { assertConnectorError } from "./assertions.ts";
import { assertAirbyteMessage } from "./harness.ts";

// deno-lint-ignore no-explicit-any
type Json = any;

const FILE = "configured_catalog.json";

/** Parses a configured catalog that must fail with a config_error naming the file and `parts`. */
function fails(raw: unknown, ...parts: string[]): ConnectorError {
  return assertConnectorError(
    () => configuredStreams(raw, FILE),
    "config_error",
    FILE,
    ...parts,
  );
}

/** The schema of a field path, following `properties` of nested objects. */
function fieldSchema(schema: Json, path: string[]): Json {
  let node = schema;
  for (const name of path) {
    node = node?.properties?.[name];
    if (node === undefined) return undefined;
  }
  return node;
}

function isScalarSchema(schema: Json): boolean {
  const types = [schema.type].flat();
  return types.length > 0 && types.every((t) => t !== "object" && t !== "array" && t !== undefined);
}

const entry = (name: string, syncMode: unknown) => ({
  stream: { name, json_schema: {}, supported_sync_modes: ["full_refresh"] },
  sync_mode: syncMode,
  destination_sync_mode: "append",
});

Deno.test("catalog: the discovered catalog has 16 unique streams", () => {
  const { streams } = discoveredCatalog(STREAM_SCHEMAS);
  assert.equal(streams.length, 16);
  const names = streams.map((s) => s.name as string);
  assert.equal(new Set(names).size, 16);
  assert.deepEqual(names, STREAMS.map((s) => s.name));
  for (const stream of streams) {
    assert.equal(typeof stream.name, "string");
    assert.equal((stream.json_schema as Json).type, "object");
    assert.ok((stream.supported_sync_modes as string[]).includes("full_refresh"));
  }
});

Deno.test("catalog: a stream without a schema is a system_error naming it", () => {
  const { ugc_posts: _, ...others } = STREAM_SCHEMAS;
  assertConnectorError(() => discoveredCatalog(others), "system_error", "stream ugc_posts");
});

Deno.test("catalog: every primary key exists in its schema and is a scalar", () => {
  for (const stream of discoveredCatalog(STREAM_SCHEMAS).streams) {
    const key = stream.source_defined_primary_key as string[][];
    assert.ok(Array.isArray(key) && key.length > 0, `${stream.name} has no primary key`);
    for (const path of key) {
      assert.ok(path.length > 0 && path.every((p) => typeof p === "string"));
      const schema = fieldSchema(stream.json_schema, path);
      assert.ok(schema, `${stream.name}: primary key ${path.join(".")} is not in the schema`);
      assert.ok(
        isScalarSchema(schema),
        `${stream.name}: primary key ${path.join(".")} is not a scalar`,
      );
    }
  }
});

Deno.test("catalog: incremental streams announce a source-defined, resumable cursor", () => {
  let incremental = 0;
  for (const stream of discoveredCatalog(STREAM_SCHEMAS).streams) {
    const modes = stream.supported_sync_modes as string[];
    if (!modes.includes("incremental")) {
      assert.deepEqual(modes, ["full_refresh"]);
      assert.equal(stream.default_cursor_field, undefined, `${stream.name}`);
      assert.equal(stream.source_defined_cursor, undefined, `${stream.name}`);
      continue;
    }
    incremental++;
    assert.deepEqual(modes, ["full_refresh", "incremental"]);
    assert.equal(stream.source_defined_cursor, true, `${stream.name}`);
    assert.equal(stream.is_resumable, true, `${stream.name}`);
    const cursor = stream.default_cursor_field as string[];
    assert.ok(Array.isArray(cursor) && cursor.length > 0, `${stream.name}`);
    const schema = fieldSchema(stream.json_schema, cursor);
    assert.ok(schema, `${stream.name}: cursor ${cursor.join(".")} is not in the schema`);
    assert.ok(isScalarSchema(schema), `${stream.name}: cursor ${cursor.join(".")} is not a scalar`);
  }
  assert.equal(incremental, STREAMS.filter((s) => s.incremental).length);
  assert.equal(incremental, 7, "ugc_posts, the per-post streams and the time-bound streams");
  for (
    const name of [
      "ugc_posts",
      "post_statistics",
      "post_social_metadata",
      "video_analytics",
      "follower_statistics_time_bound",
      "page_statistics_time_bound",
      "share_statistics_time_bound",
    ]
  ) {
    assert.deepEqual(syncModesOf(streamNamed(name)!), ["full_refresh", "incremental"], name);
  }
  assert.deepEqual(syncModesOf(streamNamed("shares")!), ["full_refresh"]);
  const announced = (name: string) => airbyteStream(streamNamed(name)!, STREAM_SCHEMAS[name]);
  assert.deepEqual(announced("ugc_posts").default_cursor_field, ["lastModifiedAt"]);
  assert.deepEqual(announced("post_statistics").default_cursor_field, ["snapshotDate"]);
  assert.deepEqual(announced("post_statistics").source_defined_primary_key, [
    ["post"],
    ["snapshotDate"],
  ]);
});

Deno.test("catalog: the discovered catalog is valid against the Airbyte protocol", () => {
  const message = JSON.parse(
    JSON.stringify({ type: "CATALOG", catalog: discoveredCatalog(STREAM_SCHEMAS) }),
  );
  assertAirbyteMessage(message);
});

Deno.test("catalog: a configured catalog yields the definitions and sync modes", () => {
  const streams = configuredStreams({
    streams: [
      entry("shares", "full_refresh"),
      entry("ugc_posts", "incremental"),
      entry("follower_statistics_time_bound", "full_refresh"),
      entry("page_statistics_time_bound", "incremental"),
    ],
  }, FILE);
  assert.deepEqual(streams.map((s) => [s.definition.name, s.syncMode]), [
    ["shares", "full_refresh"],
    ["ugc_posts", "incremental"],
    ["follower_statistics_time_bound", "full_refresh"],
    ["page_statistics_time_bound", "incremental"],
  ]);
  assert.equal(streams[1].definition, streamNamed("ugc_posts"));
  assert.deepEqual(configuredStreams({ streams: [] }, FILE), []);
});

Deno.test("catalog: unknown streams are rejected with the index and the known streams", () => {
  const error = fails(
    { streams: [entry("shares", "full_refresh"), entry("posts", "full_refresh")] },
    "streams[1]",
    '"posts"',
  );
  for (const stream of STREAMS) assert.ok(error.message.includes(stream.name));
});

Deno.test("catalog: unsupported sync modes are rejected with the index", () => {
  fails({ streams: [entry("shares", "INVALID")] }, "streams[0]", "sync_mode", "shares", "INVALID");
  const error = fails(
    { streams: [entry("ugc_posts", "incremental"), entry("shares", "Incremental")] },
    "streams[1]",
    "sync_mode",
  );
  assert.equal(
    error.message,
    `${FILE}: streams[1].sync_mode: stream "shares" cannot be read in mode "Incremental"; ` +
      "it supports full_refresh.",
  );
  fails(
    { streams: [entry("ugc_posts", undefined)] },
    "streams[0]",
    "sync_mode",
    "without a sync_mode",
  );
  fails({ streams: [entry("ugc_posts", "Incremental")] }, "streams[0]", "sync_mode");
});

Deno.test("catalog: incremental on a stream that supports only full refresh is read in full", () => {
  const streams = configuredStreams({
    streams: [
      entry("ugc_posts", "incremental"),
      entry("shares", "incremental"),
      entry("organization_lookup", "incremental"),
      entry("total_follower_count", "full_refresh"),
    ],
  }, FILE);
  assert.deepEqual(
    streams.map((s) => [s.definition.name, s.syncMode, s.readInFull ?? false]),
    [
      ["ugc_posts", "incremental", false],
      ["shares", "full_refresh", true],
      ["organization_lookup", "full_refresh", true],
      ["total_follower_count", "full_refresh", false],
    ],
  );
});

Deno.test("catalog: discover's output is named as such, with the jq command that configures it", () => {
  const discovered = discoveredCatalog(STREAM_SCHEMAS);
  for (const raw of [discovered, { type: "CATALOG", catalog: discovered }]) {
    const error = fails(raw, "is the catalog discover prints, not a configured catalog");
    assert.ok(error.message.includes(`jq '${CONFIGURE_ALL}' > catalog.json`), error.message);
  }
});

Deno.test("catalog: duplicate streams are rejected with the index of the repeat", () => {
  fails(
    {
      streams: [
        entry("shares", "full_refresh"),
        entry("ugc_posts", "incremental"),
        entry("shares", "full_refresh"),
      ],
    },
    "streams[2]",
    '"shares"',
    "twice",
  );
});

Deno.test("catalog: a catalog without a streams array is rejected", () => {
  for (const raw of [{}, { streams: {} }, { streams: "shares" }, [], null, "catalog"]) {
    fails(raw, '"streams"');
  }
});

Deno.test("catalog: an entry without a stream name is rejected with its index", () => {
  fails(
    { streams: [entry("shares", "full_refresh"), { sync_mode: "full_refresh" }] },
    "streams[1]",
    "name",
  );
  fails({ streams: [{ stream: {}, sync_mode: "full_refresh" }] }, "streams[0]", "name");
  fails({ streams: [{ stream: { name: 5 }, sync_mode: "full_refresh" }] }, "streams[0]", "name");
  fails({ streams: ["shares"] }, "streams[0]", "name");
});
