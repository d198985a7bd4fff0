import assert from "node:assert/strict";
import { wait } from "../lib/timers.ts";
import {
  catalogFor,
  configFor,
  errorsOf,
  logsOf,
  ORG,
  OTHER_ORG,
  readArgs,
  recordsOf,
  runConnector,
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

Deno.test("timers: wait rejects with the signal's reason once it is aborted", async () => {
  const controller = new AbortController();
  const reason = new Error("stop");
  const pending = wait(10_000, controller.signal).then(() => "waited", (error) => error);
  await wait(5);
  controller.abort(reason);
  assert.equal(await pending, reason);
  await assert.rejects(wait(10, controller.signal), (error) => error === reason);
});

Deno.test("timers: an aborted wait no longer keeps the process alive", async () => {
  const script = `import { wait } from ${
    JSON.stringify(new URL("../lib/timers.ts", import.meta.url).href)
  };
const stop = new AbortController();
const waiting = wait(60_000, stop.signal).catch(() => {});
stop.abort();
await waiting;`;
  const started = performance.now();
  const { code } = await new Deno.Command(Deno.execPath(), {
    args: ["eval", script],
    stdout: "null",
    stderr: "inherit",
  }).output();
  assert.equal(code, 0);
  assert.ok(performance.now() - started < 30_000, "the process waited for the aborted timer");
});

Deno.test("timers: a sync of every stream, with a retry, sets no Node timer (loading them costs a run's start)", async () => {
  await withSimulator(async (sim, workspace) => {
    sim.inject({ endpoint: "networkSizes", times: 1, action: { status: 500, body: {} } });
    // The connector runs with the global setTimeout replaced by one that fails the run.
    const trap = workspace.file(
      "trap.ts",
      'globalThis.setTimeout = () => { throw new Error("setTimeout was called"); };',
    );
    const config = configFor(sim, { org_id: undefined, org_ids: [ORG, OTHER_ORG] });
    const { code, stderr, messages } = await runConnector(
      readArgs(
        workspace.file("config.json", config),
        workspace.file("catalog.json", catalogFor(undefined, "incremental")),
      ),
      { preload: trap },
    );
    assert.equal(code, 0, stderr);
    assert.deepEqual(errorsOf(messages), []);
    assert.ok(logsOf(messages, "WARN").some((log) => log.includes("retrying")), "no retry");
    for (const stream of STREAM_NAMES) {
      assert.ok(recordsOf(messages, stream).length > 0, `${stream}: no records`);
    }
  });
});
