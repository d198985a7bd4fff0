/**
 * End-to-end tests of input files. Bad ones: config, catalog and state files that are
 * missing, a directory, empty, not JSON, or of the wrong shape; `check` answers FAILED with
 * exit 0; `discover` and `read` emit exactly one `config_error` trace that names the file and
 * the field, and exit non-zero, before any request. Accepted ones: every shape of state file
 * (each resumes a real incremental read), blank and unknown config fields, a byte-order mark,
 * the config on standard input, and incremental asked of a full-refresh stream.
 *
 * @module
 */
import assert from "node:assert/strict";
import {
  assertOk,
  catalogFor,
  configFor,
  errorsOf,
  lastStatus,
  logsOf,
  type Message,
  onlyMessage,
  ORG,
  readArgs,
  recordsOf,
  type Run,
  runConnector,
  statesOf,
  Workspace,
} from "./harness.ts";
import { CONFIGURE_ALL } from "../lib/catalog.ts";
import { LinkedInSimulator } from "./simulator/mod.ts";

type Content = unknown;

/** A bad input file: its content (a string is written raw), or a special path. */
interface BadFile {
  name: string;
  content?: Content;
  /** "missing" or "directory" instead of content. */
  special?: "missing" | "directory";
  /** What the message says besides the file's path. */
  says: (string | RegExp)[];
}

interface Setup {
  sim: LinkedInSimulator;
  workspace: Workspace;
  file(name: string, content: Content): string;
}

async function withSetup(fn: (setup: Setup) => Promise<void>): Promise<void> {
  const sim = await LinkedInSimulator.start();
  using workspace = new Workspace();
  try {
    await fn({ sim, workspace, file: (name, content) => workspace.file(name, content) });
  } finally {
    await sim.close();
  }
}

/** Writes a bad file (or picks a missing path or a directory) and returns its path. */
function place(setup: Setup, name: string, bad: BadFile): string {
  if (bad.special === "missing") return `${setup.workspace.dir}/${name}`;
  if (bad.special === "directory") {
    const path = `${setup.workspace.dir}/${name}`;
    Deno.mkdirSync(path);
    return path;
  }
  return setup.file(name, bad.content);
}

function assertSays(message: string, path: string, bad: BadFile): void {
  assert.ok(message.includes(path), `names the file ${path}: ${message}`);
  for (const fragment of bad.says) {
    if (typeof fragment === "string") {
      assert.ok(message.includes(fragment), `${fragment}\nin: ${message}`);
    } else assert.match(message, fragment);
  }
  assert.doesNotMatch(message, /\n\s+at |TypeError|SyntaxError|undefined|\[object Object\]/);
}

/** `discover`/`read`: exactly one config_error ERROR trace, exit non-zero, nothing else. */
function assertOneConfigError(run: Run, path: string, bad: BadFile): void {
  assert.notEqual(run.code, 0);
  assert.equal(run.stderr, "");
  const errors = errorsOf(run.messages);
  assert.equal(errors.length, 1, run.stdout);
  assert.equal(errors[0].failure_type, "config_error");
  assert.equal(errors[0].stream_descriptor, undefined);
  assertSays(errors[0].message, path, bad);
  // Nothing was started: no stream statuses, records or states.
  assert.deepEqual(run.messages.map((m) => m.type), ["TRACE"]);
}

function assertCheckFailed(run: Run, path: string, bad: BadFile): void {
  assert.equal(run.code, 0);
  assert.equal(run.stderr, "");
  assert.equal(run.messages.length, 1, run.stdout);
  const [message] = run.messages;
  assert.equal(message.type, "CONNECTION_STATUS");
  assert.equal(message.connectionStatus.status, "FAILED");
  assertSays(message.connectionStatus.message, path, bad);
}

// ---------------------------------------------------------------------------------------------
// Config

const SECRET = "SECRET-ACCESS-TOKEN-123456";
const accessToken = { auth_method: "access_token", access_token: SECRET };

/** Config cases; objects are merged over a valid config pointing at the simulator. */
const BAD_CONFIGS: (BadFile & { overrides?: Record<string, unknown> })[] = [
  { name: "missing", special: "missing", says: ["does not exist"] },
  { name: "a directory", special: "directory", says: ["is a directory"] },
  { name: "empty", content: "", says: ["is empty"] },
  { name: "only whitespace", content: " \n\t\n", says: ["is empty"] },
  {
    name: "not JSON",
    content: `{\n  "credentials": {\n    "access_token": "${SECRET}"\n  ]\n}\n`,
    says: [/is not valid JSON: \w+ at line 4, column 3\./],
  },
  { name: "a JSON array", content: "[1, 2]", says: ["must hold a JSON object"] },
  { name: "JSON null", content: "null", says: ["must hold a JSON object"] },
  {
    name: "credentials of the wrong type",
    overrides: { credentials: SECRET },
    says: [": credentials must be of type object"],
  },
  {
    name: "org_id of the wrong type",
    overrides: { org_id: true },
    says: [": org_id must be of type string"],
  },
  {
    name: "org_ids of the wrong type",
    overrides: { org_id: undefined, org_ids: ORG },
    says: [": org_ids must be of type array"],
  },
  {
    name: "request_timeout_seconds of the wrong type",
    overrides: { request_timeout_seconds: "5" },
    says: [": request_timeout_seconds must be of type number"],
  },
  {
    name: "max_concurrent_requests out of range",
    overrides: { max_concurrent_requests: 0 },
    says: [": max_concurrent_requests must be >= 1"],
  },
  {
    name: "no credentials",
    overrides: { credentials: undefined },
    says: [": credentials is required"],
  },
  {
    name: "no access_token",
    overrides: { credentials: { auth_method: "access_token" } },
    says: [": credentials.access_token is required"],
  },
  {
    name: "OAuth without client_secret",
    overrides: {
      credentials: {
        auth_method: "oAuth2.0",
        client_id: "client-id-1234",
        refresh_token: "SECRET-REFRESH-TOKEN-654321",
      },
    },
    says: [": credentials.client_secret is required"],
  },
  {
    name: "an unknown auth_method",
    overrides: { credentials: { ...accessToken, auth_method: "password" } },
    says: [': credentials.auth_method must be one of "oAuth2.0", "access_token" (got "password")'],
  },
  {
    name: "a non-numeric org_id",
    overrides: { org_id: "devtestco" },
    says: [": org_id must match digits, e.g. 2414183"],
  },
  {
    name: "a non-numeric entry in org_ids",
    overrides: { org_id: undefined, org_ids: [ORG, "acme"] },
    says: [": org_ids.1 must match"],
  },
  {
    name: "a start_date that is not a calendar date",
    overrides: { start_date: "2026-02-30" },
    says: [': start_date "2026-02-30" is not a real calendar date'],
  },
  {
    name: "an unknown time_granularity_type",
    overrides: { time_granularity_type: "WEEK" },
    says: [": time_granularity_type must be one of DAY, MONTH"],
  },
  {
    name: "a malformed linkedin_version",
    overrides: { linkedin_version: "2026-08" },
    says: [": linkedin_version must match YYYYMM"],
  },
  {
    // Written raw: JSON.stringify could not write the digits JSON.parse then loses.
    name: "an org_id number too large to be exact",
    content: `{"credentials": {"auth_method": "access_token", "access_token": "${SECRET}"},\n` +
      ` "org_id": 12345678901234567890}`,
    says: [
      ": org_id is the number 12345678901234567000, too large to be read exactly (its last " +
      'digits may already be lost); write the id as a string, in quotes, e.g. "2414183".',
    ],
  },
  {
    name: "an org_ids number too large to be exact",
    content: `{"credentials": {"auth_method": "access_token", "access_token": "${SECRET}"},\n` +
      ` "org_ids": [2414183, 9007199254740993]}`,
    says: [": org_ids[1] is the number 9007199254740992, too large", "write the id as a string"],
  },
];

for (const bad of BAD_CONFIGS) {
  Deno.test(`bad config: ${bad.name} → check FAILED, discover and read one config_error`, async () => {
    await withSetup(async (setup) => {
      const content = bad.overrides
        ? { ...configFor(setup.sim, { credentials: accessToken }), ...bad.overrides }
        : bad.content;
      const path = place(setup, "config.json", { ...bad, content });
      const catalog = setup.file("catalog.json", catalogFor(["total_follower_count"]));
      const [check, discover, read] = await Promise.all([
        runConnector(["check", "--config", path]),
        runConnector(["discover", "--config", path]),
        runConnector(readArgs(path, catalog)),
      ]);
      assertCheckFailed(check, path, bad);
      assertOneConfigError(discover, path, bad);
      assertOneConfigError(read, path, bad);
      assert.equal(setup.sim.count(), 0);
      for (const run of [check, discover, read]) assert.ok(!run.stdout.includes(SECRET));
    });
  });
}

Deno.test("bad config: several problems are reported together", async () => {
  await withSetup(async (setup) => {
    const path = setup.file("config.json", {
      credentials: { auth_method: "access_token" },
      org_id: "x",
      time_granularity_type: 5,
    });
    const run = await runConnector(["discover", "--config", path]);
    assertOneConfigError(run, path, {
      name: "",
      says: [
        "credentials.access_token is required",
        "org_id must match digits",
        "time_granularity_type must be of type string",
      ],
    });
  });
});

Deno.test("config: comments and trailing commas are accepted", async () => {
  await withSetup(async (setup) => {
    const json = JSON.stringify(configFor(setup.sim), null, 2);
    const path = setup.file("config.json", `// written by hand\n${json.replace(/\n}$/, ",\n}")}`);
    const run = await runConnector(["check", "--config", path]);
    assert.equal(run.code, 0);
    assert.equal(run.messages.at(-1)?.connectionStatus.status, "SUCCEEDED");
  });
});

// ---------------------------------------------------------------------------------------------
// Catalog

const entry = (name: unknown, syncMode: unknown) => ({
  stream: { name, json_schema: {}, supported_sync_modes: ["full_refresh"] },
  sync_mode: syncMode,
  destination_sync_mode: "overwrite",
});

const BAD_CATALOGS: BadFile[] = [
  { name: "missing", special: "missing", says: ["does not exist"] },
  { name: "a directory", special: "directory", says: ["is a directory"] },
  { name: "empty", content: "", says: ["is empty"] },
  {
    name: "not JSON",
    content: '{\n  "streams": [\n    {"stream": {"name": "shares"}\n',
    says: [/is not valid JSON: \w+ at line \d+, column \d+\./],
  },
  { name: "a JSON array", content: "[]", says: ['an object with a "streams" array'] },
  { name: "streams of the wrong type", content: { streams: "shares" }, says: ['"streams" array'] },
  {
    name: "an entry of the wrong type",
    content: { streams: [5] },
    says: [": streams[0].stream.name is missing"],
  },
  {
    name: "a stream without a name",
    content: {
      streams: [entry("shares", "full_refresh"), { stream: {}, sync_mode: "full_refresh" }],
    },
    says: [": streams[1].stream.name is missing"],
  },
  {
    name: "an unknown stream",
    content: { streams: [entry("posts_v3", "full_refresh")] },
    says: [
      ': streams[0].stream.name: unknown stream "posts_v3"',
      "Known streams: organization_lookup",
    ],
  },
  {
    name: 'sync_mode "INVALID"',
    content: { streams: [entry("ugc_posts", "INVALID")] },
    says: [
      ': streams[0].sync_mode: stream "ugc_posts" cannot be read in mode "INVALID"',
      "full_refresh and incremental",
    ],
  },
  {
    name: "no sync_mode",
    content: { streams: [{ stream: { name: "shares" } }] },
    says: [': streams[0].sync_mode: stream "shares" cannot be read without a sync_mode'],
  },
  {
    name: "a stream listed twice",
    content: { streams: [entry("shares", "full_refresh"), entry("shares", "full_refresh")] },
    says: [': streams[1]: stream "shares" is listed twice'],
  },
];

for (const bad of BAD_CATALOGS) {
  Deno.test(`bad catalog: ${bad.name} → read emits one config_error`, async () => {
    await withSetup(async (setup) => {
      const path = place(setup, "catalog.json", bad);
      const config = setup.file("config.json", configFor(setup.sim));
      const run = await runConnector(readArgs(config, path));
      assertOneConfigError(run, path, bad);
      assert.equal(setup.sim.count(), 0);
    });
  });
}

// ---------------------------------------------------------------------------------------------
// State

const streamState = (state: unknown) => [{
  type: "STREAM",
  stream: { stream_descriptor: { name: "ugc_posts" }, stream_state: state },
}];

/** The shapes a state file may have, as the message about any other shape lists them. */
const SHAPES =
  "an array of state messages (STREAM, GLOBAL or LEGACY), one state message, a STATE line as " +
  "the connector prints it, an object of stream states by stream name, or, when the catalog " +
  "has one stream, that stream's state itself";

/** A bad state file, and the streams of the catalog it goes with (default: ugc_posts). */
const BAD_STATES: (BadFile & { streams?: string[] })[] = [
  { name: "missing", special: "missing", says: ["does not exist"] },
  { name: "a directory", special: "directory", says: ["is a directory"] },
  {
    name: "not JSON",
    content: '[{"type": "STREAM",\n  "stream": {]',
    says: [/is not valid JSON: \w+ at line 2, column \d+\./],
  },
  {
    name: "a string",
    content: '"ugc_posts"',
    says: [` holds a string; a state file holds ${SHAPES}.`],
  },
  { name: "a number", content: "42", says: [` holds a number; a state file holds ${SHAPES}.`] },
  { name: "true", content: "true", says: [` holds a boolean; a state file holds ${SHAPES}.`] },
  {
    name: "an entry of the wrong type",
    content: ["x"],
    says: [": [0] must be a state message object"],
  },
  {
    name: "an unknown type of state message",
    content: [{ type: "PER_STREAM", stream: {} }],
    says: [': [0].type is "PER_STREAM"; state messages are STREAM, GLOBAL or LEGACY.'],
  },
  {
    name: "a GLOBAL state without a stream name",
    content: [{ type: "GLOBAL", global: { stream_states: [{ stream_state: {} }] } }],
    says: [": [0].global.stream_states[0].stream_descriptor.name is missing"],
  },
  {
    name: "an object that names no stream, for a catalog of two streams",
    streams: ["ugc_posts", "shares"],
    content: { organisations: { [ORG]: { lastModifiedAt: 1 } } },
    says: [
      `: "organisations" is not the name of a stream, and the catalog has 2 streams; a state ` +
      `file holds ${SHAPES}.`,
    ],
  },
  {
    name: "a STREAM state without a stream name",
    content: [{ type: "STREAM", stream: { stream_state: {} } }],
    says: [": [0].stream.stream_descriptor.name is missing"],
  },
  {
    name: "a stream_state that is not an object",
    content: streamState("2026-01-01"),
    says: [": stream ugc_posts: stream_state must be an object"],
  },
  {
    name: "organizations that is not an object",
    content: streamState({ organizations: [ORG] }),
    says: [
      ": stream ugc_posts: stream_state.organizations must be an object keyed by organization id",
    ],
  },
  {
    name: "an organization entry that is not an object",
    content: streamState({ organizations: { [ORG]: 5 } }),
    says: [`: stream ugc_posts: stream_state.organizations.${ORG} must be an object like`],
  },
  {
    name: "a cursor that is not epoch milliseconds",
    content: streamState({ organizations: { [ORG]: { lastModifiedAt: "yesterday" } } }),
    says: [
      `: stream ugc_posts: stream_state.organizations.${ORG}.lastModifiedAt must be a time in epoch milliseconds`,
      'got "yesterday"',
    ],
  },
  {
    name: "a negative legacy cursor",
    content: { ugc_posts: { lastModifiedAt: -5 } },
    says: [": stream ugc_posts: stream_state.lastModifiedAt must be a time in epoch milliseconds"],
  },
];

for (const bad of BAD_STATES) {
  Deno.test(`bad state: ${bad.name} → read emits one config_error`, async () => {
    await withSetup(async (setup) => {
      const path = place(setup, "state.json", bad);
      const config = setup.file("config.json", configFor(setup.sim));
      const streams = bad.streams ?? ["ugc_posts"];
      const catalog = setup.file("catalog.json", catalogFor(streams, "incremental"));
      const run = await runConnector(readArgs(config, catalog, path));
      assertOneConfigError(run, path, bad);
      assert.equal(setup.sim.count(), 0);
    });
  });
}

Deno.test("state: an empty state file means no state (a first sync)", async () => {
  await withSetup(async (setup) => {
    const config = setup.file("config.json", configFor(setup.sim));
    const catalog = setup.file("catalog.json", catalogFor(["ugc_posts"], "incremental"));
    const path = setup.file("state.json", "");
    const run = await runConnector(readArgs(config, catalog, path));
    assert.equal(run.code, 0, run.stdout);
    assert.equal(run.messages.filter((m) => m.type === "RECORD").length, 120);
    assert.equal(lastStatus(run.messages, "ugc_posts"), "COMPLETE");
  });
});

Deno.test("bad input: config is checked before catalog, and catalog before state", async () => {
  await withSetup(async (setup) => {
    const config = setup.file("config.json", "{");
    const catalog = setup.file("catalog.json", "");
    const state = setup.file("state.json", '"x"');
    const run = await runConnector(readArgs(config, catalog, state));
    assertOneConfigError(run, config, { name: "", says: ["is not valid JSON"] });
    const good = setup.file("good.json", configFor(setup.sim));
    const second = await runConnector(readArgs(good, catalog, state));
    assertOneConfigError(second, catalog, { name: "", says: ["is empty"] });
    assert.equal(setup.sim.count(), 0);
  });
});

// ---------------------------------------------------------------------------------------------
// State files that are accepted: each shape resumes the read where the saved state says

/** The last STATE line a run printed, as it printed it. */
function lastStateLine(run: Run, stream: string): string {
  const line = run.stdout.split("\n").filter((text) =>
    text.startsWith('{"type":"STATE"') && JSON.parse(text).state.stream?.stream_descriptor.name ===
      stream
  ).at(-1);
  assert.ok(line, `no STATE line of ${stream}`);
  return line;
}

/** ugc_posts records as the connector writes them: the post and its organization. */
const postRecords = (sim: LinkedInSimulator, count: number) =>
  sim.posts(ORG).slice(0, count).map((post) => ({ ...post, organizationId: ORG }));

Deno.test("state: every accepted shape of state file resumes ugc_posts from its saved cursor", async () => {
  await withSetup(async (setup) => {
    const { sim } = setup;
    const config = setup.file("config.json", configFor(sim));
    const catalog = setup.file("catalog.json", catalogFor(["ugc_posts"], "incremental"));
    const first = await runConnector(readArgs(config, catalog));
    assertOk(first);
    assert.equal(recordsOf(first.messages, "ugc_posts").length, 120);
    assert.equal(sim.count("posts"), 2, "120 posts: pages of 100 and 20");
    const line = lastStateLine(first, "ugc_posts");
    const saved = JSON.parse(line).state.stream.stream_state;
    assert.deepEqual(saved, {
      organizations: { [ORG]: { lastModifiedAt: sim.posts(ORG)[0].lastModifiedAt } },
    });
    const descriptor = { name: "ugc_posts" };
    const stream = {
      type: "STREAM",
      stream: { stream_descriptor: descriptor, stream_state: saved },
    };
    const global = {
      type: "GLOBAL",
      global: {
        shared_state: {},
        stream_states: [{ stream_descriptor: descriptor, stream_state: saved }],
      },
    };
    const shapes: [string, unknown][] = [
      ["the stream's own state (as in the README), for a catalog of one stream", saved],
      ["one STREAM message", stream],
      ["a STATE line copied from the output of the previous run", line],
      ["a GLOBAL message", global],
      ["an array holding a GLOBAL message", [global]],
      ["an object of states by stream name", { ugc_posts: saved }],
      ["an array of STREAM messages, as Airbyte passes it", [stream]],
      ["a LEGACY message", { type: "LEGACY", data: { ugc_posts: saved } }],
    ];
    // Three new posts since: a resumed read gives exactly those, from one page.
    sim.addPosts(ORG, 3);
    const newest = sim.posts(ORG)[0].lastModifiedAt;
    for (const [index, [shape, content]] of shapes.entries()) {
      sim.resetRecording();
      const state = setup.file(`state-${index}.json`, content);
      const run = await runConnector(readArgs(config, catalog, state));
      assertOk(run);
      assert.deepEqual(recordsOf(run.messages, "ugc_posts"), postRecords(sim, 3), shape);
      assert.equal(sim.count("posts"), 1, `${shape}: one page, up to the saved cursor`);
      assert.deepEqual(statesOf(run.messages, "ugc_posts").at(-1)!.state.stream.stream_state, {
        organizations: { [ORG]: { lastModifiedAt: newest } },
      }, shape);
      assert.deepEqual(logsOf(run.messages, "WARN"), [], shape);
      assert.ok(!logsOf(run.messages, "INFO").some((m) => m.includes("not in the catalog")), shape);
      assert.equal(lastStatus(run.messages, "ugc_posts"), "COMPLETE", shape);
    }
  });
});

Deno.test("state: the state of streams not in the catalog is reported in one INFO line, not used", async () => {
  await withSetup(async (setup) => {
    const { sim } = setup;
    const config = setup.file("config.json", configFor(sim));
    const catalog = setup.file("catalog.json", catalogFor(["ugc_posts"], "incremental"));
    const saved = {
      organizations: { [ORG]: { lastModifiedAt: sim.posts(ORG)[0].lastModifiedAt } },
    };
    const message = (name: string, state: unknown) => ({
      type: "STREAM",
      stream: { stream_descriptor: { name }, stream_state: state },
    });
    const window = { organizations: { [ORG]: { timeRangeEnd: Date.UTC(2026, 0, 1) } } };
    const path = setup.file("state.json", [
      message("video_analytics", window),
      message("ugc_posts", saved),
      message("page_statistics_time_bound", window),
    ]);
    const run = await runConnector(readArgs(config, catalog, path));
    assertOk(run);
    const notUsed = (messages: Message[]) =>
      logsOf(messages, "INFO").filter((m) => m.includes("not in the catalog"));
    assert.deepEqual(notUsed(run.messages), [
      `${path} has state for video_analytics, page_statistics_time_bound, which are not in the ` +
      "catalog: not used.",
    ]);
    // The state of the catalog's stream is used: nothing new, one page.
    assert.deepEqual(recordsOf(run.messages, "ugc_posts"), []);
    assert.equal(sim.count("posts"), 1);
    assert.equal(sim.count("pageStatistics"), 0);
    assert.deepEqual(statesOf(run.messages, "ugc_posts").at(-1)!.state.stream.stream_state, saved);
    assert.deepEqual(
      run.messages.filter((m) => m.type === "STATE").map((m) =>
        m.state.stream.stream_descriptor.name
      ),
      ["ugc_posts"],
    );

    // By name, only another stream's state: this stream starts from nothing.
    sim.resetRecording();
    const other = setup.file("other.json", { shares: { __ab_no_cursor_state_message: true } });
    const fresh = await runConnector(readArgs(config, catalog, other));
    assertOk(fresh);
    assert.deepEqual(notUsed(fresh.messages), [
      `${other} has state for shares, which is not in the catalog: not used.`,
    ]);
    assert.equal(recordsOf(fresh.messages, "ugc_posts").length, 120);
  });
});

// ---------------------------------------------------------------------------------------------
// Config fields left blank or unknown, a byte-order mark, standard input

Deno.test("config: a field the spec does not define gets one WARN in read, and is in check's answer", async () => {
  await withSetup(async (setup) => {
    const { sim } = setup;
    const path = setup.file("config.json", { ...configFor(sim), start_dat: "2026-01-01" });
    const warning = `${path}: start_dat: not a known field; did you mean start_date?`;
    const catalog = setup.file("catalog.json", catalogFor(["total_follower_count"]));
    const read = await runConnector(readArgs(path, catalog));
    assertOk(read);
    assert.deepEqual(logsOf(read.messages, "WARN"), [warning]);
    assert.equal(recordsOf(read.messages, "total_follower_count").length, 1);
    assert.equal(lastStatus(read.messages, "total_follower_count"), "COMPLETE");

    const check = await runConnector(["check", "--config", path]);
    assert.equal(check.code, 0);
    assert.equal(check.stderr, "");
    const [status] = check.messages.filter((m) => m.type === "CONNECTION_STATUS");
    assert.equal(status.connectionStatus.status, "SUCCEEDED");
    assert.ok(status.connectionStatus.message.includes(warning), status.connectionStatus.message);

    const discover = await runConnector(["discover", "--config", path]);
    assert.equal(discover.code, 0);
    assert.deepEqual(logsOf(discover.messages, "WARN"), [warning]);
  });
});

Deno.test("config: an empty linkedin_version and start_date are fields left blank, not errors", async () => {
  await withSetup(async (setup) => {
    const { sim } = setup;
    const catalog = setup.file(
      "catalog.json",
      catalogFor(["total_follower_count", "page_statistics_time_bound"]),
    );
    const versions = () => [...new Set(sim.requests.map((r) => r.headers["linkedin-version"]))];
    const queries = () =>
      sim.requests.filter((r) => r.endpoint === "pageStatistics").map((r) => r.query);
    const baseline = await runConnector(readArgs(setup.file("base.json", configFor(sim)), catalog));
    assertOk(baseline);
    const [baseVersions, baseQueries] = [versions(), queries()];
    sim.resetRecording();
    const blank = setup.file(
      "blank.json",
      configFor(sim, { linkedin_version: "", start_date: "" }),
    );
    const run = await runConnector(readArgs(blank, catalog));
    assertOk(run);
    assert.deepEqual(logsOf(run.messages, "WARN"), []);
    // The same as leaving them out: the version found, and the whole 12 months.
    assert.deepEqual(versions(), baseVersions);
    assert.deepEqual(queries(), baseQueries);
    for (const stream of ["total_follower_count", "page_statistics_time_bound"]) {
      assert.equal(
        recordsOf(run.messages, stream).length,
        recordsOf(baseline.messages, stream).length,
        stream,
      );
      assert.ok(recordsOf(run.messages, stream).length > 0, stream);
    }
    const check = await runConnector(["check", "--config", blank]);
    assert.equal(check.messages.at(-1)?.connectionStatus.status, "SUCCEEDED", check.stdout);
  });
});

Deno.test("input: config, catalog and state files that start with a UTF-8 byte-order mark", async () => {
  await withSetup(async (setup) => {
    const { sim } = setup;
    const bom = "\uFEFF";
    const config = setup.file("config.json", bom + JSON.stringify(configFor(sim), null, 2));
    const catalog = setup.file(
      "catalog.json",
      bom + JSON.stringify(catalogFor(["ugc_posts"], "incremental")),
    );
    const check = await runConnector(["check", "--config", config]);
    assert.equal(onlyMessage(check, "CONNECTION_STATUS").connectionStatus.status, "SUCCEEDED");
    // A state file of a byte-order mark alone is empty: no state.
    const empty = await runConnector(readArgs(config, catalog, setup.file("empty.json", bom)));
    assertOk(empty);
    assert.equal(recordsOf(empty.messages, "ugc_posts").length, 120);
    sim.resetRecording();
    const state = setup.file("state.json", bom + lastStateLine(empty, "ugc_posts"));
    const resumed = await runConnector(readArgs(config, catalog, state));
    assertOk(resumed);
    assert.deepEqual(recordsOf(resumed.messages, "ugc_posts"), []);
    assert.equal(sim.count("posts"), 1);
  });
});

Deno.test("input: --config - reads the config from standard input", async () => {
  await withSetup(async (setup) => {
    const { sim } = setup;
    const text = JSON.stringify(configFor(sim));
    const check = await runConnector(["check", "--config", "-"], { stdin: text });
    assert.equal(check.stderr, "");
    assert.equal(onlyMessage(check, "CONNECTION_STATUS").connectionStatus.status, "SUCCEEDED");
    const catalog = setup.file("catalog.json", catalogFor(["total_follower_count"]));
    for (const name of ["-", "/dev/stdin"]) {
      const read = await runConnector(readArgs(name, catalog), { stdin: text });
      assertOk(read);
      assert.equal(recordsOf(read.messages, "total_follower_count").length, 1, name);
    }
    // A bad config on standard input is named as such.
    const bad = await runConnector(["discover", "--config", "-"], { stdin: '{"credentials": ' });
    assert.notEqual(bad.code, 0);
    const [error] = errorsOf(bad.messages);
    assert.equal(error.failure_type, "config_error");
    assert.match(error.message, /^standard input is not valid JSON: \w+ at line 1, column \d+\./);
    const empty = await runConnector(["check", "--config", "-"], { stdin: "" });
    assert.equal(
      onlyMessage(empty, "CONNECTION_STATUS").connectionStatus.message,
      "standard input is empty; it must hold a JSON document.",
    );
  });
});

// ---------------------------------------------------------------------------------------------
// Catalogs that are read differently than they say, or that are discover's output

Deno.test("catalog: incremental asked of streams that support only full refresh reads them in full, saying so", async () => {
  await withSetup(async (setup) => {
    const { sim } = setup;
    const config = setup.file("config.json", configFor(sim));
    const incremental = (name: string) => ({
      ...entry(name, "incremental"),
      destination_sync_mode: "append",
    });
    const inFull = (messages: Message[]) =>
      logsOf(messages, "INFO").filter((m) => m.includes(" in full: "));
    const shares = await runConnector(
      readArgs(config, setup.file("shares.json", { streams: [incremental("shares")] })),
    );
    assertOk(shares);
    assert.deepEqual(inFull(shares.messages), [
      "Reading shares in full: configured as incremental, but it supports only full refresh.",
    ]);
    assert.deepEqual(recordsOf(shares.messages, "shares"), postRecords(sim, 50));
    assert.deepEqual(statesOf(shares.messages, "shares").at(-1)!.state.stream.stream_state, {
      __ab_no_cursor_state_message: true,
    });
    assert.equal(lastStatus(shares.messages, "shares"), "COMPLETE");

    const two = await runConnector(readArgs(
      config,
      setup.file("two.json", {
        streams: [
          incremental("shares"),
          incremental("ugc_posts"),
          incremental("total_follower_count"),
        ],
      }),
    ));
    assertOk(two);
    assert.deepEqual(inFull(two.messages), [
      "Reading shares, total_follower_count in full: configured as incremental, but they " +
      "support only full refresh.",
    ]);
    for (const stream of ["shares", "ugc_posts", "total_follower_count"]) {
      assert.equal(lastStatus(two.messages, stream), "COMPLETE", stream);
    }
    assert.equal(recordsOf(two.messages, "total_follower_count").length, 1);
    // ugc_posts is still incremental: its state is a cursor.
    assert.deepEqual(statesOf(two.messages, "ugc_posts").at(-1)!.state.stream.stream_state, {
      organizations: { [ORG]: { lastModifiedAt: sim.posts(ORG)[0].lastModifiedAt } },
    });
  });
});

Deno.test("catalog: discover's output passed as --catalog is named as such, with the jq command that configures it", async () => {
  await withSetup(async (setup) => {
    const config = setup.file("config.json", configFor(setup.sim));
    const discover = await runConnector(["discover", "--config", config]);
    assert.equal(discover.code, 0);
    const { catalog } = onlyMessage(discover, "CATALOG");
    const says = [
      ' is the catalog discover prints, not a configured catalog: each entry of "streams" ' +
      'must be {"stream": <a stream of that catalog>, "sync_mode": ..., "destination_sync_mode": ' +
      "...}. Make one from it with: source-linkedin-pages discover --config config.json | " +
      `jq '${CONFIGURE_ALL}' > catalog.json`,
    ];
    for (const [name, content] of [["message.json", discover.stdout], ["catalog.json", catalog]]) {
      const path = setup.file(name, content);
      const run = await runConnector(readArgs(config, path));
      assertOneConfigError(run, path, { name, says });
      assert.ok(errorsOf(run.messages)[0].message.startsWith(path), name);
    }
    assert.equal(setup.sim.count(), 0);
  });
});

const hasJq = await new Deno.Command("jq", { args: ["--version"], stdout: "null", stderr: "null" })
  .output().then((out) => out.success, () => false);

Deno.test({
  name: "catalog: the jq command the hint gives makes a catalog that reads every stream",
  ignore: !hasJq,
  fn: async () => {
    await withSetup(async (setup) => {
      const config = setup.file("config.json", configFor(setup.sim));
      const discover = await runConnector(["discover", "--config", config]);
      const jq = new Deno.Command("jq", {
        args: ["-c", CONFIGURE_ALL],
        stdin: "piped",
        stdout: "piped",
      })
        .spawn();
      const writer = jq.stdin.getWriter();
      await writer.write(new TextEncoder().encode(discover.stdout));
      await writer.close();
      const made = await jq.output();
      assert.ok(made.success);
      const configured = JSON.parse(new TextDecoder().decode(made.stdout));
      const { catalog } = onlyMessage(discover, "CATALOG");
      assert.equal(configured.streams.length, catalog.streams.length);
      const run = await runConnector(readArgs(config, setup.file("configured.json", configured)));
      assertOk(run);
      // Incremental where the stream supports it, so no stream is read "in full" by surprise.
      assert.ok(!logsOf(run.messages, "INFO").some((m) => m.includes(" in full: ")));
      for (const entry of configured.streams) {
        const name = entry.stream.name;
        assert.equal(lastStatus(run.messages, name), "COMPLETE", name);
        assert.equal(
          entry.sync_mode,
          entry.stream.supported_sync_modes.includes("incremental")
            ? "incremental"
            : "full_refresh",
          name,
        );
      }
    });
  },
});
