import assert from "node:assert/strict";
import type { Row } from "../lib/answers.ts";
import { schemaViolation } from "../lib/validation.ts";

const SCHEMAS = new URL("../schemas/", import.meta.url);

async function streamSchema(name: string): Promise<Row> {
  return JSON.parse(await Deno.readTextFile(new URL(`${name}.json`, SCHEMAS)));
}

const GOOD = { firstDegreeSize: 1234, organizationId: "2414183", snapshotDate: "2026-03-01" };

Deno.test("validation: a record matching total_follower_count passes", async () => {
  const schema = await streamSchema("total_follower_count");
  assert.equal(schemaViolation(schema, GOOD), undefined);
  // additionalProperties is true: LinkedIn's extra fields are kept.
  assert.equal(schemaViolation(schema, { ...GOOD, entityUrn: "urn:li:organization:1" }), undefined);
});

Deno.test("validation: a field of the wrong type is named with the problem", async () => {
  const schema = await streamSchema("total_follower_count");
  assert.equal(
    schemaViolation(schema, { ...GOOD, firstDegreeSize: "many" }),
    "firstDegreeSize: must be integer",
  );
  assert.equal(
    schemaViolation(schema, { ...GOOD, firstDegreeSize: 12.5 }),
    "firstDegreeSize: must be integer",
  );
  assert.equal(
    schemaViolation(schema, { ...GOOD, organizationId: 2414183 }),
    "organizationId: must be string",
  );
  assert.equal(
    schemaViolation(schema, { ...GOOD, organizationId: "urn:li:organization:1" }),
    'organizationId: must match pattern "^[0-9]+$"',
  );
});

Deno.test("validation: a missing required field is required", async () => {
  const schema = await streamSchema("total_follower_count");
  for (const field of ["firstDegreeSize", "organizationId", "snapshotDate"]) {
    const row: Row = { ...GOOD };
    delete row[field];
    assert.equal(schemaViolation(schema, row), `${field}: is required`);
  }
});

Deno.test("validation: a bad date format is caught", async () => {
  const schema = await streamSchema("total_follower_count");
  for (const snapshotDate of ["2026-02-30", "2026-13-01", "01/03/2026", "2026-03-01T00:00:00Z"]) {
    assert.equal(
      schemaViolation(schema, { ...GOOD, snapshotDate }),
      'snapshotDate: must match format "date"',
      snapshotDate,
    );
  }
  assert.equal(schemaViolation(schema, { ...GOOD, snapshotDate: "2028-02-29" }), undefined);
});

Deno.test("validation: nested paths are joined with dots", async () => {
  const shares = await streamSchema("share_statistics");
  const row = { organizationId: "1", snapshotDate: "2026-03-01" };
  assert.equal(
    schemaViolation(shares, { ...row, totalShareStatistics: { clickCount: 3, engagement: 0.5 } }),
    undefined,
  );
  assert.equal(
    schemaViolation(shares, { ...row, totalShareStatistics: { clickCount: "3" } }),
    "totalShareStatistics.clickCount: must be integer",
  );
  const followers = await streamSchema("follower_statistics");
  assert.equal(
    schemaViolation(followers, {
      ...row,
      followerCountsByAssociationType: [
        { associationType: "EMPLOYEE", followerCounts: { organicFollowerCount: 3 } },
        { associationType: "MEMBER", followerCounts: { organicFollowerCount: 1.5 } },
      ],
    }),
    "followerCountsByAssociationType.1.followerCounts.organicFollowerCount: must be integer",
  );
  const nestedRequired = { type: "object", properties: { a: { type: "object", required: ["b"] } } };
  assert.equal(schemaViolation(nestedRequired, { a: {} }), "a.b: is required");
});

Deno.test("validation: a problem with the record itself is reported as record", () => {
  const schema = { type: "object", additionalProperties: false, properties: { a: {} } };
  assert.equal(
    schemaViolation(schema, { a: 1, b: 2 }),
    "record: must NOT have additional properties",
  );
  assert.equal(schemaViolation(schema, { a: 1 }), undefined);
});

Deno.test("validation: the validator is compiled once per schema object", async () => {
  const plain = await streamSchema("total_follower_count");
  let reads = 0;
  const schema = new Proxy(plain, {
    get(target, key, receiver) {
      reads++;
      return Reflect.get(target, key, receiver);
    },
  });
  assert.equal(schemaViolation(schema, GOOD), undefined);
  const afterCompile = reads;
  assert.ok(afterCompile > 0, "the first call reads the schema to compile it");
  for (let i = 0; i < 3; i++) {
    assert.equal(schemaViolation(schema, GOOD), undefined);
    assert.equal(
      schemaViolation(schema, { ...GOOD, firstDegreeSize: "many" }),
      "firstDegreeSize: must be integer",
    );
    assert.equal(
      schemaViolation(schema, { ...GOOD, snapshotDate: "2026-02-30" }),
      'snapshotDate: must match format "date"',
    );
  }
  assert.equal(reads, afterCompile, "later calls do not read the schema again");
});

Deno.test("validation: distinct schema objects, even equal ones, each validate", async () => {
  const first = await streamSchema("total_follower_count");
  const second = await streamSchema("total_follower_count");
  assert.notEqual(first, second);
  assert.deepEqual(first, second);
  const loose = { type: "object", properties: { firstDegreeSize: { type: "number" } } };
  for (let i = 0; i < 2; i++) {
    for (const schema of [first, second]) {
      assert.equal(schemaViolation(schema, GOOD), undefined);
      assert.equal(
        schemaViolation(schema, { ...GOOD, firstDegreeSize: "many" }),
        "firstDegreeSize: must be integer",
      );
      assert.equal(
        schemaViolation(schema, { firstDegreeSize: 1, snapshotDate: "2026-03-01" }),
        "organizationId: is required",
      );
    }
    // A different schema gets its own validator, not the last one compiled.
    assert.equal(schemaViolation(loose, { firstDegreeSize: 12.5 }), undefined);
    assert.equal(
      schemaViolation(loose, { firstDegreeSize: "many" }),
      "firstDegreeSize: must be number",
    );
  }
});
