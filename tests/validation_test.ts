import assert from "node:assert/strict";
import type { Row } from "../lib/answers.ts";
import { STREAMS } from "../lib/streams.ts";
import { type Validator, validatorOf, violationOf } from "../lib/validation.ts";
import { compileSchemas } from "../tools/compile_schemas.ts";

const GOOD = { firstDegreeSize: 1234, organizationId: "2414183", snapshotDate: "2026-03-01" };

Deno.test("validation: a record matching total_follower_count passes", async () => {
  const schema = await validatorOf("total_follower_count");
  assert.equal(violationOf(schema, GOOD), undefined);
  // additionalProperties is true: LinkedIn's extra fields are kept.
  assert.equal(violationOf(schema, { ...GOOD, entityUrn: "urn:li:organization:1" }), undefined);
});

Deno.test("validation: a field of the wrong type is named with the problem", async () => {
  const schema = await validatorOf("total_follower_count");
  assert.equal(
    violationOf(schema, { ...GOOD, firstDegreeSize: "many" }),
    "firstDegreeSize: must be integer",
  );
  assert.equal(
    violationOf(schema, { ...GOOD, firstDegreeSize: 12.5 }),
    "firstDegreeSize: must be integer",
  );
  assert.equal(
    violationOf(schema, { ...GOOD, organizationId: 2414183 }),
    "organizationId: must be string",
  );
  assert.equal(
    violationOf(schema, { ...GOOD, organizationId: "urn:li:organization:1" }),
    'organizationId: must match pattern "^[0-9]+$"',
  );
});

Deno.test("validation: a missing required field is required", async () => {
  const schema = await validatorOf("total_follower_count");
  for (const field of ["firstDegreeSize", "organizationId", "snapshotDate"]) {
    const row: Row = { ...GOOD };
    delete row[field];
    assert.equal(violationOf(schema, row), `${field}: is required`);
  }
});

Deno.test("validation: a bad date format is caught", async () => {
  const schema = await validatorOf("total_follower_count");
  for (const snapshotDate of ["2026-02-30", "2026-13-01", "01/03/2026", "2026-03-01T00:00:00Z"]) {
    assert.equal(
      violationOf(schema, { ...GOOD, snapshotDate }),
      'snapshotDate: must match format "date"',
      snapshotDate,
    );
  }
  assert.equal(violationOf(schema, { ...GOOD, snapshotDate: "2028-02-29" }), undefined);
});

Deno.test("validation: nested paths are joined with dots", async () => {
  const shares = await validatorOf("share_statistics");
  const row = { organizationId: "1", snapshotDate: "2026-03-01" };
  assert.equal(
    violationOf(shares, { ...row, totalShareStatistics: { clickCount: 3, engagement: 0.5 } }),
    undefined,
  );
  assert.equal(
    violationOf(shares, { ...row, totalShareStatistics: { clickCount: "3" } }),
    "totalShareStatistics.clickCount: must be integer",
  );
  const followers = await validatorOf("follower_statistics");
  assert.equal(
    violationOf(followers, {
      ...row,
      followerCountsByAssociationType: [
        { associationType: "EMPLOYEE", followerCounts: { organicFollowerCount: 3 } },
        { associationType: "MEMBER", followerCounts: { organicFollowerCount: 1.5 } },
      ],
    }),
    "followerCountsByAssociationType.1.followerCounts.organicFollowerCount: must be integer",
  );
});

Deno.test("validation: a problem with the record itself is reported as record", () => {
  const rejectsExtra: Validator = Object.assign(() => false, {
    errors: [{
      instancePath: "",
      schemaPath: "#/additionalProperties",
      keyword: "additionalProperties",
      params: { additionalProperty: "b" },
      message: "must NOT have additional properties",
    }],
  });
  assert.equal(
    violationOf(rejectsExtra, { a: 1, b: 2 }),
    "record: must NOT have additional properties",
  );
  const nestedRequired: Validator = Object.assign(() => false, {
    errors: [{
      instancePath: "/a",
      schemaPath: "#/properties/a/required",
      keyword: "required",
      params: { missingProperty: "b" },
      message: "must have required property 'b'",
    }],
  });
  assert.equal(violationOf(nestedRequired, { a: {} }), "a.b: is required");
  const silent: Validator = Object.assign(() => false, { errors: null });
  assert.equal(violationOf(silent, {}), "record: is invalid");
});

Deno.test("validation: each stream's validator is loaded once and is its own", async () => {
  const followers = await validatorOf("total_follower_count");
  assert.equal(await validatorOf("total_follower_count"), followers);
  const shares = await validatorOf("share_statistics");
  const share = { organizationId: "1", snapshotDate: "2026-03-01", totalShareStatistics: {} };
  assert.equal(violationOf(shares, share), undefined);
  assert.equal(violationOf(followers, share), "firstDegreeSize: is required");
});

Deno.test("validation: every stream has a validator; a name that is no stream's is refused", async () => {
  for (const stream of STREAMS) {
    assert.equal(typeof await validatorOf(stream.name), "function", stream.name);
  }
  await assert.rejects(validatorOf("no_such_stream"), /no_such_stream.*deno task schemas/);
  await assert.rejects(validatorOf("toString"), /toString.*deno task schemas/);
});

Deno.test("validation: lib/validators/ is what deno task schemas makes now", async () => {
  const folder = new URL("../lib/validators/", import.meta.url);
  const committed = new Map<string, string>();
  for await (const entry of Deno.readDir(folder)) {
    committed.set(entry.name, await Deno.readTextFile(new URL(entry.name, folder)));
  }
  const made = compileSchemas();
  assert.deepEqual([...committed.keys()].sort(), [...made.keys()].sort());
  for (const [file, text] of made) {
    assert.ok(
      committed.get(file) === text,
      `lib/validators/${file} is out of date with schemas/: run deno task schemas`,
    );
  }
});

Deno.test("validation: every dynamic import names its module literally, so deno compile embeds it", async () => {
  const files = ["main.ts"];
  for (const folder of ["lib", "lib/validators"]) {
    for await (const entry of Deno.readDir(new URL(`../${folder}/`, import.meta.url))) {
      if (entry.isFile && entry.name.endsWith(".ts")) files.push(`${folder}/${entry.name}`);
    }
  }
  let literal = 0;
  for (const file of files) {
    const text = await Deno.readTextFile(new URL(`../${file}`, import.meta.url));
    for (const match of text.matchAll(/\bimport\(\s*([^)]*)\)/g)) {
      const specifier = match[1].trim();
      assert.match(specifier, /^"[^"$`]+"$/, `${file}: import(${specifier})`);
      literal++;
    }
  }
  const { loaders } = await import("../lib/validators/mod.ts");
  assert.ok(literal >= Object.keys(loaders).length, "every validator loader is a literal import");
});
