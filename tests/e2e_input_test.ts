/**
 * End-to-end tests of bad input files: config, catalog and state files that are
 * missing, a directory, empty, not JSON, or of the wrong shape. `check` answers
 * FAILED with exit 0; `discover` and `read` emit exactly one `config_error` trace
 * that names the file and the field, and exit non-zero, before any request.
 *
 * @module
 */
import assert from "node:assert/strict";
import {
  catalogFor,
  configFor,
  errorsOf,
  lastStatus,
  ORG,
  readArgs,
  type Run,
  runConnector,
  Workspace,
} from "./harness.ts";
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

const BAD_STATES: BadFile[] = [
  { name: "missing", special: "missing", says: ["does not exist"] },
  { name: "a directory", special: "directory", says: ["is a directory"] },
  {
    name: "not JSON",
    content: '[{"type": "STREAM",\n  "stream": {]',
    says: [/is not valid JSON: \w+ at line 2, column \d+\./],
  },
  { name: "a string", content: '"ugc_posts"', says: ["must hold an array of state messages"] },
  { name: "a number", content: "42", says: ["got number"] },
  {
    name: "an entry of the wrong type",
    content: ["x"],
    says: [": [0] must be a state message object"],
  },
  {
    name: "a GLOBAL state",
    content: [{ type: "GLOBAL", global: { stream_states: [] } }],
    says: [': [0].type is "GLOBAL"; this connector only keeps STREAM state'],
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
      const catalog = setup.file("catalog.json", catalogFor(["ugc_posts"], "incremental"));
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
