/** The README's setup commands and config table stay true to the project's files. */
import assert from "node:assert/strict";
import spec from "../schemas/spec.json" with { type: "json" };
import { STREAM_NAMES } from "./harness.ts";

const root = new URL("..", import.meta.url);
const readme = Deno.readTextFileSync(new URL("README.md", root));
const pinned = Deno.readTextFileSync(new URL(".deno-version", root)).trim();

Deno.test("README setup commands use the Deno version pinned in .deno-version", () => {
  const versions = [...readme.matchAll(/deno@([0-9.]+)/g)].map((match) => match[1]);
  assert.ok(versions.length >= 2, "expected the demo and test commands");
  assert.deepEqual([...new Set(versions)], [pinned]);
  assert.match(readme, new RegExp(`npx -y deno@${pinned.replaceAll(".", "\\.")} task demo`));
  assert.match(readme, new RegExp(`npx -y deno@${pinned.replaceAll(".", "\\.")} task test`));
  const ci = Deno.readTextFileSync(new URL(".ci/run", root));
  assert.match(ci, /cat \.deno-version/);
  assert.match(ci, /deno task test/);
});

Deno.test("README documents every config field of the spec and every stream", () => {
  const properties = spec.connectionSpecification.properties;
  const fields = [
    ...Object.keys(properties).filter((name) => name !== "credentials"),
    ...properties.credentials.oneOf.flatMap((option) => Object.keys(option.properties)),
  ];
  for (const field of fields) {
    assert.match(readme, new RegExp(`\`(credentials\\.)?${field}\``), field);
  }
  for (const stream of STREAM_NAMES) {
    assert.match(readme, new RegExp(`^\\| \`${stream}\` +\\|`, "m"), stream);
  }
});

Deno.test("README states the defaults the spec declares", () => {
  const properties = spec.connectionSpecification.properties as Record<
    string,
    { default?: unknown }
  >;
  for (const [name, property] of Object.entries(properties)) {
    if (property.default === undefined) continue;
    const row = readme.split("\n").find((line) => line.startsWith(`| \`${name}\``));
    assert.ok(row, `no README row for ${name}`);
    assert.ok(row.includes(String(property.default)), `README row for ${name} lacks its default`);
  }
});
