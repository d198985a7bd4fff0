import assert from "node:assert/strict";
import { join } from "node:path";
import { isJsonObject, lineAndColumn, parseJsonc, readJsonFile } from "../lib/files.ts";
import { assertConnectorErrorAsync } from "./assertions.ts";

/** Asserts that `fn` throws (or rejects with) a config_error whose message has every part. */
const assertConfigError = (fn: () => unknown, ...parts: string[]) =>
  assertConnectorErrorAsync(fn, "config_error", ...parts);

async function withTempDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "files_test_" });
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("files: comments and trailing commas are accepted", async () => {
  const text = `// the config
{
  /* credentials */
  "credentials": { "auth_method": "access_token", "access_token": "t", },
  "org_ids": ["1", "2",], // trailing comma in an array
  "lookback_days": 3,
}
`;
  assert.deepEqual(await parseJsonc(text, "config.json"), {
    credentials: { auth_method: "access_token", access_token: "t" },
    org_ids: ["1", "2"],
    lookback_days: 3,
  });
  assert.deepEqual(await parseJsonc('{"a": 1, // note\n}', "config.json"), { a: 1 });
  // Plain JSON of every kind still parses.
  assert.deepEqual(await parseJsonc("[1, 2]", "x.json"), [1, 2]);
  assert.equal(await parseJsonc("null", "x.json"), null);
  assert.equal(await parseJsonc(' "s" ', "x.json"), "s");
  // Comment markers inside strings are text.
  assert.deepEqual(await parseJsonc('{"url": "https://x//y/*z*/"}', "x.json"), {
    url: "https://x//y/*z*/",
  });
});

Deno.test("files: a syntax error names the file, line and column", async () => {
  // The "@" is the 8th character of line 3.
  const text = '{\n  "a": 1,\n  "b": @\n}';
  await assertConfigError(
    () => parseJsonc(text, "secrets/config.json"),
    "secrets/config.json",
    "line 3",
    "column 8",
  );
  // A missing comma: the parser notices at the next property, line 3 column 3.
  await assertConfigError(
    () => parseJsonc('{\n  "a": 1\n  "b": 2\n}', "config.json"),
    "config.json",
    "line 3",
    "column 3",
  );
  // An error on the first line.
  await assertConfigError(
    () => parseJsonc("{,}", "catalog.json"),
    "catalog.json",
    "line 1",
    "column 2",
  );
  // Unterminated document.
  const unterminated = await assertConfigError(
    () => parseJsonc('{"a": [1, 2', "state.json"),
    "state.json",
    "not valid JSON",
  );
  assert.match(unterminated.message, /line 1, column \d+/);
});

Deno.test("files: an empty document is an error naming the file", async () => {
  for (const text of ["", "   ", "\n\t\n"]) {
    await assertConfigError(() => parseJsonc(text, "config.json"), "config.json", "empty");
  }
});

Deno.test("files: lineAndColumn counts both from 1", () => {
  assert.deepEqual(lineAndColumn("{\n  x", 4), { line: 2, column: 3 });
  assert.deepEqual(lineAndColumn("abc", 0), { line: 1, column: 1 });
  assert.deepEqual(lineAndColumn("abc", 2), { line: 1, column: 3 });
  assert.deepEqual(lineAndColumn("a\nb\nc", 4), { line: 3, column: 1 });
  assert.deepEqual(lineAndColumn("a\r\nb", 3), { line: 2, column: 1 });
  assert.deepEqual(lineAndColumn("\n\n", 2), { line: 3, column: 1 });
});

Deno.test("files: readJsonFile reads JSONC from disk", async () => {
  await withTempDir(async (dir) => {
    const path = join(dir, "config.json");
    await Deno.writeTextFile(path, '{\n  // comment\n  "org_id": "1",\n}\n');
    assert.deepEqual(await readJsonFile(path), { org_id: "1" });
    assert.deepEqual(await readJsonFile(path, { emptyMeans: null }), { org_id: "1" });
  });
});

Deno.test("files: readJsonFile names the file in syntax errors", async () => {
  await withTempDir(async (dir) => {
    const path = join(dir, "catalog.json");
    await Deno.writeTextFile(path, '{"streams": [\n  {"stream": }\n]}');
    await assertConfigError(() => readJsonFile(path), path, "line 2", "column 14");
  });
});

Deno.test("files: a missing file and a directory are config errors naming the path", async () => {
  await withTempDir(async (dir) => {
    const missing = join(dir, "nope.json");
    await assertConfigError(() => readJsonFile(missing), missing, "does not exist");
    await assertConfigError(
      () => readJsonFile(missing, { emptyMeans: null }),
      missing,
      "does not exist",
    );
    await assertConfigError(() => readJsonFile(dir), dir, "directory");
  });
});

Deno.test("files: an empty file is an error unless emptyMeans says what it stands for", async () => {
  await withTempDir(async (dir) => {
    const empty = join(dir, "state.json");
    await Deno.writeTextFile(empty, "");
    await assertConfigError(() => readJsonFile(empty), empty, "empty");
    assert.equal(await readJsonFile(empty, { emptyMeans: null }), null);
    const blank = join(dir, "blank.json");
    await Deno.writeTextFile(blank, " \n\t\n");
    assert.equal(await readJsonFile(blank, { emptyMeans: null }), null);
    await assertConfigError(() => readJsonFile(blank), blank, "empty");
  });
});

Deno.test("files: isJsonObject accepts only plain objects", () => {
  assert.equal(isJsonObject({}), true);
  assert.equal(isJsonObject({ a: 1 }), true);
  for (const value of [[], null, undefined, "x", 1, true]) {
    assert.equal(isJsonObject(value), false, JSON.stringify(value));
  }
});
