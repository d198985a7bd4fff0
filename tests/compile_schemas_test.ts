import assert from "node:assert/strict";
import { Ajv } from "ajv";
import addFormats from "ajv-formats";
import { validatorOf, violationOf } from "../lib/validation.ts";
import { schemaSources, shareRepeats } from "../tools/compile_schemas.ts";

const sources = new Map(schemaSources());
const views = { pageViews: 3, uniquePageViews: 2 };
const statistics = { views: { allPageViews: views, careersPageViews: views }, clicks: {} };
const record = {
  organizationId: "2414183",
  snapshotDate: "2026-03-01",
  totalPageStatistics: statistics,
  pageStatisticsBySeniority: [
    { seniority: "urn:li:seniority:1", pageStatistics: statistics },
    { seniority: "urn:li:seniority:2", pageStatistics: statistics },
  ],
};

/** A copy of `value` with `path` set to `to`. */
function withValue(value: unknown, path: (string | number)[], to: unknown): unknown {
  const copy = JSON.parse(JSON.stringify(value));
  let node = copy;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
  node[path.at(-1)!] = to;
  return copy;
}

const cases: [string, unknown][] = [
  ["valid", record],
  [
    "a counter not an integer",
    withValue(record, [
      "totalPageStatistics",
      "views",
      "allPageViews",
      "pageViews",
    ], "3"),
  ],
  [
    "a counter of an array item",
    withValue(record, [
      "pageStatisticsBySeniority",
      1,
      "pageStatistics",
      "views",
      "careersPageViews",
      "uniquePageViews",
    ], 1.5),
  ],
  ["views not an object", withValue(record, ["totalPageStatistics", "views"], [])],
  ["a bad date", withValue(record, ["snapshotDate"], "2026-02-30")],
];

Deno.test("compile_schemas: page_statistics recurs, and shared it compiles to far less code", () => {
  const schema = sources.get("page_statistics")!;
  const shared = shareRepeats(schema);
  const definitions = shared.definitions as Record<string, unknown>;
  assert.ok(Object.keys(definitions).length >= 2, "the views and the counters are shared");
  assert.ok(JSON.stringify(shared).length < JSON.stringify(schema).length / 4);
  // The source schema is left as it was (discover prints it).
  assert.equal("definitions" in schema, false);
});

Deno.test("compile_schemas: the shared schema accepts and rejects what the original does, at the same place", async () => {
  const ajv = addFormats.default(new Ajv({ strict: false, allErrors: true }), [
    "date",
    "date-time",
  ]);
  const original = ajv.compile(sources.get("page_statistics")!);
  const generated = await validatorOf("page_statistics");
  for (const [name, value] of cases) {
    assert.equal(generated(value), original(value), name);
    if (!original(value)) {
      assert.equal(
        generated.errors?.[0].instancePath,
        original.errors?.[0].instancePath,
        name,
      );
    }
  }
  assert.equal(
    violationOf(generated, cases[2][1]),
    "pageStatisticsBySeniority.1.pageStatistics.views.careersPageViews.uniquePageViews: " +
      "must be integer",
  );
});

Deno.test("compile_schemas: a schema without repeats is left alone", () => {
  const schema = sources.get("total_follower_count")!;
  assert.deepEqual(shareRepeats(schema), schema);
});
