/**
 * The bundle that the compile task compiles into the binary (`deno task bundle`, written to
 * `dist/bundle/`): it is built here, then run under `deno run` with the compile task's flags,
 * as the binary runs it, and must behave as `main.ts` does.
 *
 * @module
 */
import assert from "node:assert/strict";
import {
  ANALYST_ORG,
  catalogFor,
  configFor,
  errorsOf,
  type Message,
  ORG,
  OTHER_ORG,
  readArgs,
  recordsOf,
  runConnector,
  statesOf,
  STREAM_NAMES,
  withSimulator,
} from "./harness.ts";
import { ROOT } from "./simulator/tasks.ts";

const bundleDir = new URL("dist/bundle/", ROOT);
const program = new URL("main.js", bundleDir).pathname;

const built = await new Deno.Command(Deno.execPath(), {
  args: ["task", "bundle"],
  cwd: ROOT.pathname,
  stdout: "piped",
  stderr: "piped",
}).output();

function bundleFiles(): string[] {
  return [...Deno.readDirSync(bundleDir)].map((entry) => entry.name).filter((name) =>
    name.endsWith(".js")
  );
}

/** Every record's data per stream, and every state, with the run's own timestamps left out. */
function content(messages: Message[]) {
  return Object.fromEntries(STREAM_NAMES.map((stream) => [stream, {
    records: recordsOf(messages, stream),
    states: statesOf(messages, stream).map((state) => state.state.stream.stream_state),
  }]));
}

Deno.test("bundle: deno task bundle builds dist/bundle/main.js", () => {
  assert.equal(built.code, 0, new TextDecoder().decode(built.stderr));
  assert.ok(bundleFiles().includes("main.js"));
});

Deno.test("bundle: it imports only Node built-ins and its own chunks, which the binary embeds", () => {
  const names = new Set(bundleFiles());
  for (const file of names) {
    const text = Deno.readTextFileSync(new URL(file, bundleDir));
    const specifiers = [...text.matchAll(/(?:\bfrom\s*|\bimport\s*\(?\s*)"([^"]+)"/g)].map((m) =>
      m[1]
    );
    for (const specifier of specifiers) {
      if (specifier.startsWith("node:")) continue;
      assert.match(specifier, /^\.\/[\w-]+\.js$/, `${file} imports ${specifier}`);
      assert.ok(names.has(specifier.slice(2)), `${file} imports ${specifier}, which is missing`);
    }
  }
});

Deno.test("bundle: spec and discover print what main.ts prints", async () => {
  await withSimulator(async (sim, workspace) => {
    const config = workspace.file("config.json", configFor(sim));
    for (const args of [["spec"], ["discover", "--config", config]]) {
      const fromSource = await runConnector(args);
      const fromBundle = await runConnector(args, { program });
      assert.equal(fromBundle.code, 0, fromBundle.stderr);
      assert.equal(fromBundle.stdout, fromSource.stdout, args[0]);
    }
  });
});

Deno.test("bundle: check succeeds and reports the token and organizations as main.ts does", async () => {
  await withSimulator(async (sim, workspace) => {
    const args = ["check", "--config", workspace.file("config.json", configFor(sim))];
    const fromBundle = await runConnector(args, { program });
    assert.equal(fromBundle.code, 0, fromBundle.stderr);
    const [status] = fromBundle.messages;
    assert.equal(status.type, "CONNECTION_STATUS");
    assert.equal(status.connectionStatus.status, "SUCCEEDED", JSON.stringify(status));
    assert.deepEqual(fromBundle.messages, (await runConnector(args)).messages);
  });
});

Deno.test("bundle: a full sync of every stream writes the records and states main.ts writes", async () => {
  await withSimulator(async (sim, workspace) => {
    const config = configFor(sim, { org_id: undefined, org_ids: [ORG, OTHER_ORG, ANALYST_ORG] });
    const args = readArgs(
      workspace.file("config.json", config),
      workspace.file("catalog.json", catalogFor(undefined, "incremental")),
    );
    const fromSource = await runConnector(args);
    const fromBundle = await runConnector(args, { program });
    assert.equal(fromBundle.code, fromSource.code, fromBundle.stderr);
    const records = content(fromBundle.messages);
    for (const stream of STREAM_NAMES) {
      assert.ok(records[stream].records.length > 0, `${stream}: no records from the bundle`);
    }
    assert.deepEqual(records, content(fromSource.messages));
  });
});

Deno.test("bundle: a record that breaks its schema is refused by the validator loaded from its chunk", async () => {
  await withSimulator(async (sim, workspace) => {
    sim.inject({
      endpoint: "networkSizes",
      action: { status: 200, body: { firstDegreeSize: "many" } },
    });
    const run = await runConnector(
      readArgs(
        workspace.file("config.json", configFor(sim)),
        workspace.file("catalog.json", catalogFor(["total_follower_count"])),
      ),
      { program },
    );
    assert.equal(run.code, 1);
    assert.deepEqual(recordsOf(run.messages, "total_follower_count"), []);
    const [error] = errorsOf(run.messages, "total_follower_count");
    assert.match(error.message, /firstDegreeSize: must be integer/);
  });
});
