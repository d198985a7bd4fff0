import assert from "node:assert/strict";
import { cursorsOf, NO_CURSOR_STATE, stateOf, streamStates } from "../lib/state.ts";
import type { Incremental } from "../lib/streams.ts";
import { assertConnectorError } from "./assertions.ts";

const FILE = "state.json";
const POSTS: Incremental = { kind: "newest_first", cursorField: "lastModifiedAt" };
const WINDOW: Incremental = { kind: "window", cursorField: "timeRangeEnd" };

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
  assert.equal(cursorsOf(null, POSTS, ["1"], FILE).size, 0);
  assert.equal(cursorsOf(undefined, POSTS, ["1"], FILE).size, 0);
  assert.equal(cursorsOf({}, POSTS, ["1"], FILE).size, 0);
});

Deno.test("state: the current per-stream shape", () => {
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
  const cursors = cursorsOf(states.get("ugc_posts"), POSTS, ["1", "2"], `${FILE}: ugc_posts`);
  assert.deepEqual(cursors, new Map([["1", 1_700_000_000_000], ["2", 5]]));
  const windows = cursorsOf(states.get("page_statistics_time_bound"), WINDOW, ["1", "2"], FILE);
  assert.deepEqual(windows, new Map([["1", 1_760_000_000_000]]));
});

Deno.test("state: stateOf and cursorsOf round-trip", () => {
  const cursors = new Map([["1", 5], ["2414183", 1_700_000_000_000]]);
  const state = stateOf(cursors, "lastModifiedAt");
  assert.deepEqual(state, {
    organizations: { "1": { lastModifiedAt: 5 }, "2414183": { lastModifiedAt: 1_700_000_000_000 } },
  });
  assert.deepEqual(cursorsOf(JSON.parse(JSON.stringify(state)), POSTS, [], FILE), cursors);
  assert.deepEqual(stateOf(new Map(), "timeRangeEnd"), { organizations: {} });
});

Deno.test("state: the legacy single cursor applies to every configured organization", () => {
  const cursors = cursorsOf({ timeRangeEnd: 1_700_000_000_000 }, WINDOW, ["1", "2", "3"], FILE);
  assert.deepEqual(
    cursors,
    new Map([["1", 1_700_000_000_000], ["2", 1_700_000_000_000], ["3", 1_700_000_000_000]]),
  );
  const posts = cursorsOf({ lastModifiedAt: "1700000000000" }, POSTS, ["9"], FILE);
  assert.deepEqual(posts, new Map([["9", 1_700_000_000_000]]));
  // A legacy state of another cursor field holds nothing for this stream.
  assert.equal(cursorsOf({ timeRangeEnd: 5 }, POSTS, ["1"], FILE).size, 0);
});

Deno.test("state: numeric strings are accepted as epoch milliseconds", () => {
  const cursors = cursorsOf(
    { organizations: { "1": { lastModifiedAt: "1700000000000" }, "2": { lastModifiedAt: "0" } } },
    POSTS,
    ["1"],
    FILE,
  );
  assert.deepEqual(cursors, new Map([["1", 1_700_000_000_000], ["2", 0]]));
});

Deno.test("state: bad cursors are rejected with the file and the path named", () => {
  const where = `${FILE}: ugc_posts`;
  for (
    const value of [
      -1,
      1.5,
      "abc",
      "1.5",
      "-1",
      "",
      null,
      true,
      [1],
      { ms: 1 },
      2 ** 53,
      "99999999999999999999",
    ]
  ) {
    fails(
      () => cursorsOf({ organizations: { "7": { lastModifiedAt: value } } }, POSTS, ["7"], where),
      where,
      "stream_state.organizations.7.lastModifiedAt",
      "epoch milliseconds",
    );
  }
  // The cursor field is missing.
  fails(
    () => cursorsOf({ organizations: { "7": { timeRangeEnd: 5 } } }, POSTS, ["7"], where),
    "stream_state.organizations.7.lastModifiedAt",
  );
  // A bad legacy cursor.
  fails(
    () => cursorsOf({ timeRangeEnd: "soon" }, WINDOW, ["1"], where),
    where,
    "stream_state.timeRangeEnd",
  );
});

Deno.test("state: wrong stream_state shapes are rejected with the path named", () => {
  const where = `${FILE}: page_statistics_time_bound`;
  for (const raw of [[], "x", 5, true]) {
    fails(() => cursorsOf(raw, WINDOW, ["1"], where), where, "stream_state must be an object");
  }
  for (const organizations of [[], "x", 5, null]) {
    fails(
      () => cursorsOf({ organizations }, WINDOW, ["1"], where),
      where,
      "stream_state.organizations",
    );
  }
  for (const entry of [5, "1700000000000", null, []]) {
    fails(
      () => cursorsOf({ organizations: { "3": entry } }, WINDOW, ["3"], where),
      where,
      "stream_state.organizations.3",
      "timeRangeEnd",
    );
  }
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
  // The legacy cursor then applies to every organization.
  const cursors = cursorsOf(fromObject.get("ugc_posts"), POSTS, ["1", "2"], FILE);
  assert.deepEqual(cursors, new Map([["1", 5], ["2", 5]]));
});

Deno.test("state: a STREAM message with no stream_state means no state for it", () => {
  const states = streamStates([{
    type: "STREAM",
    stream: { stream_descriptor: { name: "shares" } },
  }], FILE);
  assert.ok(states.has("shares"));
  assert.equal(cursorsOf(states.get("shares"), POSTS, ["1"], FILE).size, 0);
});

Deno.test("state: the no-cursor state of a full-refresh stream", () => {
  assert.deepEqual(NO_CURSOR_STATE, { __ab_no_cursor_state_message: true });
  // Read back, it holds no cursor.
  const states = streamStates([streamMessage("shares", NO_CURSOR_STATE)], FILE);
  assert.equal(cursorsOf(states.get("shares"), POSTS, ["1"], FILE).size, 0);
});
