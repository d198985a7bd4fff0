/** The README's setup commands and config table stay true to the project's files. */
import assert from "node:assert/strict";
import spec from "../schemas/spec.json" with { type: "json" };
import { normalize } from "../lib/config.ts";
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

Deno.test("README says 'required: yes' only for fields a config must have", () => {
  const rows = readme.split("\n").filter((line) => /^\| `[a-z_.]+`/.test(line));
  const required = rows.filter((row) => row.split("|")[2].trim() === "yes");
  for (const row of required) {
    const field = /^\| `([a-z_.]+)`/.exec(row)![1];
    const [parent, name] = field.includes(".") ? field.split(".") : [undefined, field];
    const schema = spec.connectionSpecification;
    const requiredHere = parent
      ? schema.properties.credentials.oneOf.every((option) => option.required.includes(name))
      : schema.required.includes(name);
    assert.ok(requiredHere, `${field} is not required by the spec`);
    // A field the connector infers when missing is not required of the user.
    const without = parent ? { credentials: { access_token: "t" } } : {};
    const normalized = normalize(without) as Record<string, Record<string, unknown>>;
    assert.equal((parent ? normalized.credentials : normalized)[name], undefined, field);
  }
  assert.ok(
    rows.some((row) => row.startsWith("| `credentials.auth_method`") && / no +\|/.test(row)),
    "auth_method is inferred, so not required",
  );
});

Deno.test("README's exit codes are the ones main.ts uses", () => {
  const sentence = /Exit codes: ([^]*?)\n\n/.exec(readme)![1];
  const documented = new Set(
    [...sentence.matchAll(/(?<![\w.-])(\d{1,3})\s(?=[a-zA-Z])/g)].map((m) => Number(m[1])),
  );
  assert.deepEqual([...documented].sort((a, b) => a - b), [0, 1, 2, 130, 141, 143]);
  const main = Deno.readTextFileSync(new URL("main.ts", root));
  for (const code of [2, 130, 141, 143]) {
    assert.match(main, new RegExp(`\\b${code}\\b`), `main.ts never uses ${code}`);
  }
});
