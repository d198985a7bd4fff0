/**
 * Test harness: runs `main.ts` exactly as the compiled binary would run (the same
 * permission flags as `deno task compile`), writes input files, and validates
 * every output line against the Airbyte protocol schema and every record against
 * its stream's schema. It also holds what the end-to-end tests share: the simulator's
 * organization ids, the stream names, and helpers to run `read` and look at its output.
 *
 * @module
 */
import { Ajv, type ValidateFunction } from "ajv";
import addFormats from "ajv-formats";
import { parse as parseYaml } from "yaml";
import assert from "node:assert/strict";
import { STREAM_SCHEMAS } from "../lib/schemas.ts";
import { STREAMS } from "../lib/streams.ts";
import { LinkedInSimulator, type SimulatorOptions } from "./simulator/mod.ts";
import { COMPILE_PERMISSIONS } from "./simulator/tasks.ts";

const root = new URL("..", import.meta.url);
const mainPath = new URL("main.ts", root).pathname;

/** One day in milliseconds. */
export const DAY = 86_400_000;

/** The simulator's default organization Devtestco, an approved ADMINISTRATOR one. */
export const ORG = "2414183";
/** The simulator's default organization Acme Analytics, an approved ADMINISTRATOR one. */
export const OTHER_ORG = "5515715";
/** The simulator's default organization Showcase Labs, where the token's role is ANALYST. */
export const ANALYST_ORG = "90362860";

/**
 * The sixteen stream names, in the order `discover` lists them. Written out rather than read from
 * `lib/streams.ts`: the tests pin these exact names.
 */
export const STREAM_NAMES: readonly string[] = [
  "organization_lookup",
  "follower_statistics",
  "page_statistics",
  "share_statistics",
  "shares",
  "total_follower_count",
  "ugc_posts",
  "follower_statistics_time_bound",
  "page_statistics_time_bound",
  "share_statistics_time_bound",
  "post_statistics",
  "post_social_metadata",
  "video_analytics",
  "lookup_functions",
  "lookup_seniorities",
  "lookup_industries",
];

/** Each time-bound statistics stream with the simulator endpoint it reads. */
export const TIME_BOUND_ENDPOINTS: Readonly<Record<string, string>> = {
  follower_statistics_time_bound: "followerStatistics",
  page_statistics_time_bound: "pageStatistics",
  share_statistics_time_bound: "shareStatistics",
};

/** The names of the time-bound statistics streams. */
export const TIME_BOUND_STREAMS: readonly string[] = Object.keys(TIME_BOUND_ENDPOINTS);

/** The body of LinkedIn's 429 answer when a resource's throttle limit is reached. */
export const THROTTLED = {
  serviceErrorCode: 101,
  message: "Resource level throttle limit for calls to this resource is reached.",
  status: 429,
};

/**
 * The `totalShareStatistics` of a post LinkedIn leaves out of a per-post answer: "can be
 * assumed to have counts of 0", every documented count.
 */
export const ZERO_SHARE_STATISTICS: Readonly<Record<string, number>> = {
  impressionCount: 0,
  uniqueImpressionsCount: 0,
  clickCount: 0,
  likeCount: 0,
  commentCount: 0,
  shareCount: 0,
  engagement: 0,
};

/** The UTC calendar date (`YYYY-MM-DD`) of an epoch-ms instant. */
export const utcDate = (ms: number): string => new Date(ms).toISOString().slice(0, 10);

/** The start of the oldest UTC day LinkedIn serves statistics for: 12 months back, rounded up. */
export function oldestStatisticsDay(now: number): number {
  const back = new Date(now);
  back.setUTCFullYear(back.getUTCFullYear() - 1);
  return Math.ceil(back.getTime() / DAY) * DAY;
}

/** The posts of an organization published on or after `since`, newest modification first. */
export function postsSince(
  sim: LinkedInSimulator,
  organizationId: string,
  since: number,
): Record<string, unknown>[] {
  return sim.posts(organizationId).filter((post) => (post.publishedAt as number) >= since);
}

/** The per-post statistics requests `posts` cost: 50 URNs of one kind a request. */
export function postStatisticsRequests(posts: readonly Record<string, unknown>[]): number {
  const shares = posts.filter((post) => String(post.id).startsWith("urn:li:share:")).length;
  return Math.ceil(shares / 50) + Math.ceil((posts.length - shares) / 50);
}

/**
 * The runtime flags of the compile task (`--allow-*`, `--deny-*`, `--no-prompt`, `--v8-flags`),
 * read from deno.json, so tests run the program as the binary runs.
 */
export { COMPILE_PERMISSIONS };

/** An Airbyte message as parsed from stdout. */
// deno-lint-ignore no-explicit-any
export type Message = Record<string, any>;

/** What one connector run produced. */
export interface Run {
  code: number;
  stdout: string;
  stderr: string;
  messages: Message[];
}

const ajv = new Ajv({ allErrors: true, strict: false });
addFormats.default(ajv);
ajv.addSchema(
  parseYaml(Deno.readTextFileSync(new URL("tests/fixtures/airbyte_protocol.yaml", root))),
  "protocol",
);
const messageValidator = ajv.getSchema("protocol#/definitions/AirbyteMessage")!;

/**
 * Asserts that `message` is valid against the Airbyte protocol's `AirbyteMessage`; the
 * failure message is ajv's error text, after `label` when one is given.
 */
export function assertAirbyteMessage(message: unknown, label?: string): void {
  const valid = messageValidator(message);
  const errors = ajv.errorsText(messageValidator.errors);
  assert.ok(valid, label === undefined ? errors : `${label}: ${errors}`);
}

const recordValidators = new Map<string, ValidateFunction>(
  STREAMS.map((stream) => [stream.name, ajv.compile(STREAM_SCHEMAS[stream.name])]),
);

/**
 * Parses stdout into messages, asserting that every line is one compact JSON
 * object valid against the Airbyte protocol, and every record valid against its
 * stream schema.
 */
export function parseMessages(stdout: string): Message[] {
  if (stdout === "") return [];
  if (!stdout.endsWith("\n")) throw new Error("stdout does not end with a newline");
  return stdout.slice(0, -1).split("\n").map((line, index) => {
    if (/[\u2028\u2029\u0085]/.test(line)) {
      throw new Error(`line ${index + 1} has a raw line separator`);
    }
    const message = JSON.parse(line);
    if (!messageValidator(message)) {
      throw new Error(
        `line ${index + 1} is not a valid Airbyte message: ${
          ajv.errorsText(messageValidator.errors)
        }\n${line}`,
      );
    }
    if (message.type === "RECORD") {
      const validate = recordValidators.get(message.record.stream);
      if (!validate) throw new Error(`record of unknown stream ${message.record.stream}`);
      if (!validate(message.record.data)) {
        throw new Error(
          `record of ${message.record.stream} does not match its schema: ${
            ajv.errorsText(validate.errors)
          }\n${line}`,
        );
      }
      if (!Number.isInteger(message.record.emitted_at)) {
        throw new Error("emitted_at is not an integer");
      }
    }
    return message;
  });
}

/**
 * Runs the connector with arguments; resolves when it exits. With `stdin`, that text is
 * its standard input (then closed); otherwise standard input is empty. `program` is the
 * entry to run instead of `main.ts` (the bundle the binary is compiled from); `preload`, a
 * script run in the same process before it.
 */
export async function runConnector(
  args: string[],
  options: {
    signal?: AbortSignal;
    validate?: boolean;
    stdin?: string;
    program?: string;
    preload?: string;
  } = {},
): Promise<Run> {
  const preload = options.preload ? ["--preload", options.preload] : [];
  const command = new Deno.Command(Deno.execPath(), {
    args: ["run", ...COMPILE_PERMISSIONS, ...preload, options.program ?? mainPath, ...args],
    stdout: "piped",
    stderr: "piped",
    stdin: options.stdin === undefined ? "null" : "piped",
    signal: options.signal,
    env: { NO_COLOR: "1" },
  });
  let output: Promise<Deno.CommandOutput>;
  if (options.stdin === undefined) {
    output = command.output();
  } else {
    const child = command.spawn();
    output = child.output();
    const writer = child.stdin.getWriter();
    // The connector may exit before reading it all (a bad command line): that is no failure.
    await writer.write(new TextEncoder().encode(options.stdin)).catch(() => {});
    await writer.close().catch(() => {});
  }
  const { code, stdout, stderr } = await output;
  const out = new TextDecoder().decode(stdout);
  return {
    code,
    stdout: out,
    stderr: new TextDecoder().decode(stderr),
    messages: options.validate === false ? [] : parseMessages(out),
  };
}

/** The arguments of `read` with these files, and `--state` when a state file is given. */
export function readArgs(config: string, catalog: string, state?: string): string[] {
  const args = ["read", "--config", config, "--catalog", catalog];
  if (state !== undefined) args.push("--state", state);
  return args;
}

/**
 * Writes the config, the catalog and (when `state` is given) the state file `stateFile`, runs
 * `read`, and returns the run with the wall-clock span it took.
 */
export async function runRead(
  workspace: Workspace,
  config: unknown,
  catalog: unknown,
  state?: unknown,
  stateFile = "state.json",
): Promise<Run & { startedAt: number; endedAt: number }> {
  const args = readArgs(
    workspace.file("config.json", config),
    workspace.file("catalog.json", catalog),
    state === undefined ? undefined : workspace.file(stateFile, state),
  );
  const startedAt = Date.now();
  const run = await runConnector(args);
  return { ...run, startedAt, endedAt: Date.now() };
}

/** A temporary directory for input files, removed by `using`. */
export class Workspace {
  readonly dir = Deno.makeTempDirSync({ prefix: "linkedin-pages-test-" });

  /** Writes a JSON (or raw text) file and returns its path. */
  file(name: string, content: unknown): string {
    const path = `${this.dir}/${name}`;
    Deno.writeTextFileSync(path, typeof content === "string" ? content : JSON.stringify(content));
    return path;
  }

  [Symbol.dispose](): void {
    Deno.removeSync(this.dir, { recursive: true });
  }
}

/**
 * Starts the simulator with `options` (default: its three organizations) and a fresh
 * workspace, runs `fn`, then removes the workspace and closes the simulator.
 */
export async function withSimulator(
  fn: (sim: LinkedInSimulator, workspace: Workspace) => Promise<void>,
  options: SimulatorOptions = {},
): Promise<void> {
  const sim = await LinkedInSimulator.start(options);
  try {
    using workspace = new Workspace();
    await fn(sim, workspace);
  } finally {
    await sim.close();
  }
}

/** The one message of a run that printed exactly one, of `type`. */
export function onlyMessage(run: Run, type: string): Message {
  assert.deepEqual(run.messages.map((m) => m.type), [type], run.stdout + run.stderr);
  return run.messages[0];
}

/** A base URL on 127.0.0.1 where nothing listens: the port was just opened and closed. */
export function closedPort(): string {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const url = `http://127.0.0.1:${listener.addr.port}`;
  listener.close();
  return url;
}

/** A config pointing at the simulator, with fast retries; `overrides` replace fields. */
export function configFor(
  sim: LinkedInSimulator,
  overrides: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    credentials: { auth_method: "access_token", access_token: sim.accessToken },
    org_id: ORG,
    api_base_url: sim.url,
    oauth_base_url: sim.url,
    backoff_scale: 0.001,
    request_timeout_seconds: 5,
    ...overrides,
  };
}

/** An OAuth config pointing at the simulator. */
export function oauthConfigFor(
  sim: LinkedInSimulator,
  overrides: Record<string, unknown> = {},
): Record<string, unknown> {
  return configFor(sim, {
    credentials: {
      auth_method: "oAuth2.0",
      client_id: sim.clientId,
      client_secret: sim.clientSecret,
      refresh_token: sim.refreshToken,
    },
    ...overrides,
  });
}

/** A configured catalog of the named streams (default: all) in a sync mode. */
export function catalogFor(
  names: readonly string[] = STREAMS.map((stream) => stream.name),
  syncMode: "full_refresh" | "incremental" = "full_refresh",
): Record<string, unknown> {
  return {
    streams: names.map((name) => {
      const definition = STREAMS.find((stream) => stream.name === name);
      const mode = syncMode === "incremental" && definition?.incremental
        ? "incremental"
        : "full_refresh";
      return {
        stream: { name, json_schema: {}, supported_sync_modes: ["full_refresh"] },
        sync_mode: mode,
        destination_sync_mode: mode === "incremental" ? "append_dedup" : "overwrite",
      };
    }),
  };
}

/** The records of one stream, in output order. */
export function recordsOf(messages: Message[], stream: string): Message[] {
  return messages.filter((m) => m.type === "RECORD" && m.record.stream === stream).map((m) =>
    m.record.data
  );
}

/** The STATE messages of one stream. */
export function statesOf(messages: Message[], stream: string): Message[] {
  return messages.filter((m) =>
    m.type === "STATE" && m.state.stream.stream_descriptor.name === stream
  );
}

/** The stream statuses of one stream, in order. */
export function statusesOf(messages: Message[], stream: string): string[] {
  return messages.filter((m) =>
    m.type === "TRACE" && m.trace.type === "STREAM_STATUS" &&
    m.trace.stream_status.stream_descriptor.name === stream
  ).map((m) => m.trace.stream_status.status);
}

/** The last stream status of one stream, if it has any. */
export function lastStatus(messages: Message[], stream: string): string | undefined {
  return statusesOf(messages, stream).at(-1);
}

/** The LOG messages' texts, optionally of one level, in order. */
export function logsOf(messages: Message[], level?: string): string[] {
  return messages.filter((m) => m.type === "LOG" && (level === undefined || m.log.level === level))
    .map((m) => m.log.message);
}

/** The ERROR traces, optionally of one stream. */
export function errorsOf(messages: Message[], stream?: string): Message[] {
  return messages.filter((m) =>
    m.type === "TRACE" && m.trace.type === "ERROR" &&
    (stream === undefined || m.trace.error.stream_descriptor?.name === stream)
  ).map((m) => m.trace.error);
}

/** A successful run: exit code 0 (else stderr and the errors are shown) and no ERROR trace. */
export function assertOk(run: Run): void {
  assert.equal(run.code, 0, run.stderr + JSON.stringify(errorsOf(run.messages)));
  assert.deepEqual(errorsOf(run.messages), []);
}

/** The last STATE of each stream, as a state file for the next run. */
export function lastStates(messages: Message[]): Message[] {
  const last = new Map<string, Message>();
  for (const m of messages) {
    if (m.type === "STATE") last.set(m.state.stream.stream_descriptor.name, m.state);
  }
  return [...last.values()];
}
