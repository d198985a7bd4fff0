import assert from "node:assert/strict";
import { wait } from "../lib/timers.ts";
import {
  catalogFor,
  COMPILE_PERMISSIONS,
  configFor,
  errorsOf,
  ORG,
  OTHER_ORG,
  parseMessages,
  readArgs,
  recordsOf,
  STREAM_NAMES,
  withSimulator,
} from "./harness.ts";

Deno.test("timers: wait() resolves after the promise callbacks already queued", async () => {
  const order: string[] = [];
  const turn = wait().then(() => order.push("turn"));
  Promise.resolve().then(() => order.push("callback")).then(() => order.push("its callback"));
  await turn;
  assert.deepEqual(order, ["callback", "its callback", "turn"]);
});

Deno.test("timers: wait(ms) waits that long", async () => {
  const started = performance.now();
  await wait(30);
  assert.ok(performance.now() - started >= 29, `waited ${performance.now() - started} ms`);
});

Deno.test("timers: a sync of every stream sets no Node timer (loading them costs a run's start)", async () => {
  await withSimulator(async (sim, workspace) => {
    // The connector runs with the global setTimeout replaced by one that fails the run.
    const trapped = workspace.file(
      "trapped.ts",
      `globalThis.setTimeout = () => { throw new Error("setTimeout was called"); };
await import(${JSON.stringify(new URL("../main.ts", import.meta.url).href)});`,
    );
    const config = configFor(sim, { org_id: undefined, org_ids: [ORG, OTHER_ORG] });
    const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        ...COMPILE_PERMISSIONS,
        // The script lies outside the project: the import map comes from its deno.json.
        "--config",
        new URL("../deno.json", import.meta.url).pathname,
        trapped,
        ...readArgs(
          workspace.file("config.json", config),
          workspace.file("catalog.json", catalogFor(undefined, "incremental")),
        ),
      ],
      stdout: "piped",
      stderr: "piped",
    }).output();
    const messages = parseMessages(new TextDecoder().decode(stdout));
    assert.equal(code, 0, new TextDecoder().decode(stderr));
    assert.deepEqual(errorsOf(messages), []);
    for (const stream of STREAM_NAMES) {
      assert.ok(recordsOf(messages, stream).length > 0, `${stream}: no records`);
    }
  });
});
