import assert from "node:assert/strict";
import { NO_CURSOR_STATE, streamStates } from "../lib/state.ts";
import { STREAMS } from "../lib/streams.ts";
import { assertConnectorError } from "./assertions.ts";

const FILE = "state.json";
const KNOWN = STREAMS.map((stream) => stream.name);
const CATALOG = ["ugc_posts", "page_statistics_time_bound", "shares"];

/** Each stream's state from `raw` for a catalog of `streams` (default: three streams). */
const statesOf = (raw: unknown, streams: string[] = CATALOG) =>
  streamStates(raw, FILE, streams, KNOWN).states;

/** Asserts that `fn` throws a config_error whose message mentions every part. */
const fails = (fn: () => unknown, ...parts: string[]) =>
  assertConnectorError(fn, "config_error", ...parts);

const streamMessage = (name: string, streamState: unknown) => ({
  type: "STREAM",
  stream: { stream_descriptor: { name }, stream_state: streamState },
});

const POSTS = {
  organizations: { "1": { lastModifiedAt: 1_700_000_000_000 }, "2": { lastModifiedAt: 5 } },
};
const STATS = { organizations: { "1": { timeRangeEnd: 1_760_000_000_000 } } };

Deno.test("state: no state is null, {}, [] or undefined", () => {
  for (const raw of [null, undefined, {}, []]) {
    assert.equal(statesOf(raw).size, 0, JSON.stringify(raw));
    assert.equal(statesOf(raw, ["ugc_posts"]).size, 0, JSON.stringify(raw));
  }
});

Deno.test("state: an array of STREAM messages gives each stream's stream_state", () => {
  const states = statesOf([
    streamMessage("ugc_posts", POSTS),
    streamMessage("page_statistics_time_bound", STATS),
  ]);
  assert.deepEqual([...states.keys()], ["ugc_posts", "page_statistics_time_bound"]);
  assert.deepEqual(states.get("ugc_posts"), POSTS);
  assert.deepEqual(states.get("page_statistics_time_bound"), STATS);
});

Deno.test("state: one state message, and a STATE line as printed on stdout", () => {
  const message = streamMessage("ugc_posts", POSTS);
  assert.deepEqual(statesOf(message).get("ugc_posts"), POSTS);
  const line = { type: "STATE", state: { ...message, sourceStats: { recordCount: 3 } } };
  assert.deepEqual(statesOf(line).get("ugc_posts"), POSTS);
  assert.deepEqual(statesOf([line.state]).get("ugc_posts"), POSTS);
});

Deno.test("state: a GLOBAL message gives its stream_states", () => {
  const global = {
    type: "GLOBAL",
    global: {
      shared_state: {},
      stream_states: [
        { stream_descriptor: { name: "ugc_posts" }, stream_state: POSTS },
        { stream_descriptor: { name: "page_statistics_time_bound" }, stream_state: STATS },
      ],
    },
  };
  for (const raw of [global, [global]]) {
    const states = statesOf(raw);
    assert.deepEqual(states.get("ugc_posts"), POSTS);
    assert.deepEqual(states.get("page_statistics_time_bound"), STATS);
  }
  fails(
    () => statesOf({ type: "GLOBAL", global: { stream_states: [{ stream_state: {} }] } }),
    FILE,
    "global.stream_states[0].stream_descriptor.name",
  );
});

Deno.test("state: an object of states by stream name, and one stream's own state", () => {
  const byName = { ugc_posts: POSTS, page_statistics_time_bound: STATS };
  assert.deepEqual(Object.fromEntries(statesOf(byName)), byName);
  // The README's own example: the stream's state blob, for a catalog of that one stream.
  assert.deepEqual(statesOf(POSTS, ["ugc_posts"]).get("ugc_posts"), POSTS);
  // With more streams, it cannot say whose it is.
  fails(() => statesOf(POSTS), FILE, '"organizations"', "not the name of a stream", "3 streams");
});

Deno.test("state: streams not in the catalog are reported, not used", () => {
  const { states, ignored } = streamStates(
    [streamMessage("ugc_posts", POSTS), streamMessage("video_analytics", STATS)],
    FILE,
    ["ugc_posts"],
    KNOWN,
  );
  assert.deepEqual([...states.keys()], ["ugc_posts"]);
  assert.deepEqual(ignored, ["video_analytics"]);
});

Deno.test("state: unknown message types and other shapes are rejected, naming what is accepted", () => {
  fails(() => statesOf([streamMessage("shares", {}), { type: "PER_STREAM" }]), FILE, "[1].type");
  for (const raw of ["state", 5, true]) {
    fails(() => statesOf(raw), FILE, "an array of state messages", "STATE line");
  }
});

Deno.test("state: malformed state files are rejected with the file and index named", () => {
  fails(() => statesOf([streamMessage("a", {}), "x"]), FILE, "[1]");
  fails(() => statesOf([null]), FILE, "[0]");
  fails(() => statesOf([[]]), FILE, "[0]");
  fails(() => statesOf([{ type: "STREAM" }]), FILE, "[0].stream.stream_descriptor.name");
  fails(
    () => statesOf([{ type: "STREAM", stream: { stream_descriptor: {} } }]),
    "[0].stream.stream_descriptor.name",
  );
  fails(
    () => statesOf([{ type: "STREAM", stream: { stream_descriptor: { name: 3 } } }]),
    "[0].stream.stream_descriptor.name",
  );
});

Deno.test("state: a LEGACY array entry and a legacy data object are accepted", () => {
  const legacyData = { ugc_posts: { lastModifiedAt: 5 }, shares: { x: 9 } };
  assert.deepEqual(
    Object.fromEntries(statesOf([{ type: "LEGACY", data: legacyData }])),
    legacyData,
  );
  assert.deepEqual(Object.fromEntries(statesOf([{ data: legacyData }])), legacyData);
  assert.deepEqual(Object.fromEntries(statesOf({ type: "LEGACY", data: legacyData })), legacyData);
});

Deno.test("state: a STREAM message with no stream_state means no state for it", () => {
  const states = statesOf([{ type: "STREAM", stream: { stream_descriptor: { name: "shares" } } }]);
  assert.ok(states.has("shares"));
  assert.equal(states.get("shares"), undefined);
});

Deno.test("state: the no-cursor state of a full-refresh stream", () => {
  assert.deepEqual(NO_CURSOR_STATE, { __ab_no_cursor_state_message: true });
  assert.deepEqual(
    statesOf([streamMessage("shares", NO_CURSOR_STATE)]).get("shares"),
    NO_CURSOR_STATE,
  );
  assert.deepEqual(statesOf(NO_CURSOR_STATE, ["shares"]).get("shares"), NO_CURSOR_STATE);
});
