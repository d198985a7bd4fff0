import assert from "node:assert/strict";
import { NO_CURSOR_STATE, streamStates } from "../lib/state.ts";
import { assertConnectorError } from "./assertions.ts";

const FILE = "state.json";

/** Asserts that `fn` throws a config_error whose message mentions every part. */
const fails = (fn: () => unknown, ...parts: string[]) =>
  assertConnectorError(fn, "config_error", ...parts);

const streamMessage = (name: string, streamState: unknown) => ({
  type: "STREAM",
  stream: { stream_descriptor: { name }, stream_state: streamState },
});

Deno.test("state: no state is null, {}, [] or undefined", () => {
  for (const raw of [null, undefined, {}, []]) {
    assert.equal(streamStates(raw, FILE).size, 0, JSON.stringify(raw));
  }
});

Deno.test("state: an array of STREAM messages gives each stream's stream_state", () => {
  const posts = {
    organizations: { "1": { lastModifiedAt: 1_700_000_000_000 }, "2": { lastModifiedAt: 5 } },
  };
  const stats = { organizations: { "1": { timeRangeEnd: 1_760_000_000_000 } } };
  const states = streamStates(
    [streamMessage("ugc_posts", posts), streamMessage("page_statistics_time_bound", stats)],
    FILE,
  );
  assert.deepEqual([...states.keys()], ["ugc_posts", "page_statistics_time_bound"]);
  assert.deepEqual(states.get("ugc_posts"), posts);
  assert.deepEqual(states.get("page_statistics_time_bound"), stats);
});

Deno.test("state: GLOBAL and unknown state types are rejected", () => {
  const global = {
    type: "GLOBAL",
    global: { shared_state: {}, stream_states: [] },
  };
  fails(() => streamStates([global], FILE), FILE, "[0].type", "GLOBAL", "STREAM");
  fails(
    () => streamStates([streamMessage("shares", {}), { type: "PER_STREAM" }], FILE),
    FILE,
    "[1].type",
  );
});

Deno.test("state: malformed state files are rejected with the file and index named", () => {
  fails(() => streamStates("state", FILE), FILE);
  fails(() => streamStates(5, FILE), FILE);
  fails(() => streamStates([streamMessage("a", {}), "x"], FILE), FILE, "[1]");
  fails(() => streamStates([null], FILE), FILE, "[0]");
  fails(() => streamStates([[]], FILE), FILE, "[0]");
  fails(() => streamStates([{ type: "STREAM" }], FILE), FILE, "[0].stream.stream_descriptor.name");
  fails(
    () => streamStates([{ type: "STREAM", stream: { stream_descriptor: {} } }], FILE),
    "[0].stream.stream_descriptor.name",
  );
  fails(
    () => streamStates([{ type: "STREAM", stream: { stream_descriptor: { name: 3 } } }], FILE),
    "[0].stream.stream_descriptor.name",
  );
});

Deno.test("state: a LEGACY array entry and a bare legacy object are accepted", () => {
  const legacyData = {
    ugc_posts: { lastModifiedAt: 5 },
    follower_statistics_time_bound: { timeRangeEnd: 9 },
  };
  const fromEntry = streamStates([{ type: "LEGACY", data: legacyData }], FILE);
  assert.deepEqual(Object.fromEntries(fromEntry), legacyData);
  const fromUntyped = streamStates([{ data: legacyData }], FILE);
  assert.deepEqual(Object.fromEntries(fromUntyped), legacyData);
  const fromObject = streamStates(legacyData, FILE);
  assert.deepEqual(Object.fromEntries(fromObject), legacyData);
});

Deno.test("state: a STREAM message with no stream_state means no state for it", () => {
  const states = streamStates([{
    type: "STREAM",
    stream: { stream_descriptor: { name: "shares" } },
  }], FILE);
  assert.ok(states.has("shares"));
  assert.equal(states.get("shares"), undefined);
});

Deno.test("state: the no-cursor state of a full-refresh stream", () => {
  assert.deepEqual(NO_CURSOR_STATE, { __ab_no_cursor_state_message: true });
  const states = streamStates([streamMessage("shares", NO_CURSOR_STATE)], FILE);
  assert.deepEqual(states.get("shares"), NO_CURSOR_STATE);
});
