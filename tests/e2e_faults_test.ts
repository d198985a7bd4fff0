/**
 * End-to-end fault tests: the connector runs as a subprocess (harness) against the
 * LinkedIn simulator with injected faults. Covers retries of every HTTP request (API
 * and token endpoint), rate limits, errors that need a person (401, 403, 426, 400)
 * and answers that are not what LinkedIn documents.
 *
 * @module
 */
import assert from "node:assert/strict";
import {
  catalogFor,
  closedPort,
  configFor,
  errorsOf,
  lastStatus,
  logsOf,
  type Message,
  oauthConfigFor,
  ORG,
  OTHER_ORG,
  readArgs,
  recordsOf,
  type Run,
  runConnector,
  statesOf,
  THROTTLED,
  Workspace,
} from "./harness.ts";
import { type FaultAction, LinkedInSimulator, type SimulatorOptions } from "./simulator/mod.ts";

const DEFAULT_VERSION = "202608";
const RETRY_LOG =
  /^Caught retryable error '(.*)' after (\d+) tries\. Waiting (\d+(?:\.\d+)?) seconds then retrying\.\.\./;

type Config = Record<string, unknown>;

interface Context {
  sim: LinkedInSimulator;
  /** Runs `read` of `streams` with a config; extra arguments are appended. */
  read(config: Config, streams: string[], extra?: string[]): Promise<Run>;
  check(config: Config): Promise<Run>;
  file(content: unknown): string;
}

async function withSim(
  options: SimulatorOptions,
  fn: (context: Context) => Promise<void>,
): Promise<void> {
  const sim = await LinkedInSimulator.start(options);
  using workspace = new Workspace();
  let n = 0;
  const file = (content: unknown) => workspace.file(`input-${n++}.json`, content);
  try {
    await fn({
      sim,
      file,
      read: (config, streams, extra = []) =>
        runConnector([...readArgs(file(config), file(catalogFor(streams))), ...extra]),
      check: (config) => runConnector(["check", "--config", file(config)]),
    });
  } finally {
    await sim.close();
  }
}

/** The retry WARN lines, parsed. */
function retriesOf(messages: Message[]): { quoted: string; tries: number; seconds: number }[] {
  return logsOf(messages, "WARN").flatMap((line) => {
    const match = RETRY_LOG.exec(line);
    return match ? [{ quoted: match[1], tries: Number(match[2]), seconds: Number(match[3]) }] : [];
  });
}

/** `times` retry lines, each quoting `quoted` (the whole quote, when a pattern). */
function assertRetried(run: Run, quoted: string | RegExp, times: number): void {
  const retries = retriesOf(run.messages);
  assert.deepEqual(retries.map((r) => r.tries), Array.from({ length: times }, (_, i) => i + 1));
  for (const retry of retries) {
    if (typeof quoted === "string") assert.equal(retry.quoted, quoted);
    else assert.match(retry.quoted, new RegExp(`^(?:${quoted.source})$`));
  }
}

function connectionStatus(run: Run): { status: string; message?: string } {
  const statuses = run.messages.filter((m) => m.type === "CONNECTION_STATUS");
  assert.equal(statuses.length, 1, run.stdout);
  return statuses[0].connectionStatus;
}

/** No message a person reads is a stack trace or a JavaScript accident; stderr is empty. */
function assertClean(run: Run): void {
  assert.equal(run.stderr, "");
  const texts = [
    ...errorsOf(run.messages).map((e) => e.message),
    ...logsOf(run.messages),
    ...run.messages.filter((m) => m.type === "CONNECTION_STATUS").map((m) =>
      m.connectionStatus.message ?? ""
    ),
  ];
  for (const text of texts) {
    assert.doesNotMatch(text, /TypeError|ReferenceError|undefined|\[object Object\]/, text);
    assert.doesNotMatch(text, /\n\s+at /, text);
  }
}

function versionsUsed(sim: LinkedInSimulator): string[] {
  return sim.requests.filter((r) => r.path.startsWith("/rest/")).map((r) =>
    r.headers["linkedin-version"]
  );
}

/** YYYYMM months from `first` to `last`, both included. */
function months(first: string, last: string): string[] {
  const out: string[] = [];
  let [year, month] = [Number(first.slice(0, 4)), Number(first.slice(4))];
  for (;;) {
    const value = `${year}${String(month).padStart(2, "0")}`;
    if (value > last) return out;
    out.push(value);
    month += 1;
    if (month > 12) [year, month] = [year + 1, 1];
  }
}

const thisMonth = () => new Date().toISOString().slice(0, 7).replace("-", "");
const nextMonth = (version: string) => months(version, "999912")[1];

// ---------------------------------------------------------------------------------------------
// Retries: every request, API and token endpoint

interface FaultKind {
  name: string;
  action: FaultAction;
  /** What the retry log quotes: LinkedIn's message, or what happened when it gave none. */
  quoted: string | RegExp;
  /** What the final error says about the last attempt. */
  detail: RegExp;
  config?: Config;
}

const uuid = (name: string) => ({ "x-li-uuid": `uuid-${name}` });

const FAULTS: FaultKind[] = [
  {
    name: "429",
    action: { status: 429, body: THROTTLED, headers: uuid("429") },
    quoted: THROTTLED.message,
    detail: /HTTP 429 "Resource level throttle limit.*" \(x-li-uuid uuid-429\)/,
  },
  ...([
    [408, "Request Timeout"],
    [500, "Internal Server Error"],
    [502, "Bad Gateway"],
    [503, "Service Unavailable"],
    [504, "Gateway Timeout"],
  ] as const).map(([status, message]) => ({
    name: String(status),
    action: { status, body: { status, message }, headers: uuid(String(status)) },
    quoted: message,
    detail: new RegExp(`HTTP ${status} "${message}" \\(x-li-uuid uuid-${status}\\)`),
  })),
  {
    name: "a 502 HTML error page",
    action: { html: true },
    quoted: "HTTP 502 with a body that is not JSON (text/html; charset=utf-8)",
    detail: /HTTP 502(?!\d)/,
  },
  {
    name: "a dropped connection",
    action: { drop: true },
    quoted: "network error: error reading a body from connection",
    detail: /network error/,
  },
  {
    name: "a request timeout",
    action: { delayMs: 500 },
    quoted: "no complete answer within 0.2 s",
    detail: /no complete answer within 0\.2 s/,
    config: { request_timeout_seconds: 0.2 },
  },
  {
    name: "a truncated JSON body",
    action: { truncate: true },
    // The simulator's API answers carry an x-li-uuid; its token endpoint's do not.
    quoted:
      /HTTP 200 with a body that is not JSON \(application\/json\)(?: \(x-li-uuid [A-Za-z0-9+\/]+=*\))?/,
    detail: /HTTP 200 with a body that is not JSON/,
  },
  {
    name: "an HTML page with status 200",
    action: { html: true, status: 200 },
    quoted: "HTTP 200 with a body that is not JSON (text/html; charset=utf-8)",
    detail: /HTTP 200 with a body that is not JSON \(text\/html/,
  },
];

interface Target {
  name: string;
  endpoint: string;
  config(sim: LinkedInSimulator, overrides?: Config): Config;
  /** The start of the final error message (429 and other faults). */
  label: RegExp;
}

const TARGETS: Target[] = [
  {
    name: "API request",
    endpoint: "networkSizes",
    config: configFor,
    label:
      /stream total_follower_count, organization 2414183, GET \/rest\/networkSizes\/urn%3Ali%3Aorganization%3A2414183/,
  },
  {
    name: "token request",
    endpoint: "accessToken",
    config: oauthConfigFor,
    label: /the OAuth token refresh \(POST \/oauth\/v2\/accessToken\)/,
  },
];

for (const target of TARGETS) {
  for (const fault of FAULTS) {
    Deno.test(`retries: ${target.name}, ${fault.name} twice → retried, then the sync succeeds`, async () => {
      await withSim({}, async ({ sim, read }) => {
        sim.inject({ endpoint: target.endpoint, times: 2, action: fault.action });
        const run = await read(target.config(sim, fault.config), ["total_follower_count"]);
        assert.equal(run.code, 0, run.stdout);
        assert.equal(sim.count(target.endpoint), 3);
        assertRetried(run, fault.quoted, 2);
        assert.equal(errorsOf(run.messages).length, 0);
        assert.equal(recordsOf(run.messages, "total_follower_count").length, 1);
        assert.equal(lastStatus(run.messages, "total_follower_count"), "COMPLETE");
        assertClean(run);
      });
    });

    Deno.test(`retries: ${target.name}, ${fault.name} every time → 5 attempts, then transient_error`, async () => {
      await withSim({}, async ({ sim, read }) => {
        sim.inject({ endpoint: target.endpoint, action: fault.action });
        const run = await read(
          target.config(sim, fault.config),
          [
            "total_follower_count",
            "follower_statistics",
          ].slice(0, target.endpoint === "accessToken" ? 1 : 2),
        );
        assert.equal(run.code, 1);
        assert.equal(sim.count(target.endpoint), 5);
        assertRetried(run, fault.quoted, 4);
        const errors = errorsOf(run.messages);
        assert.equal(errors.length, 1, JSON.stringify(errors));
        const [error] = errors;
        assert.equal(error.failure_type, "transient_error");
        assert.equal(error.stream_descriptor?.name, "total_follower_count");
        const start = fault.name === "429" ? "Max try rate limit exceded for " : "";
        assert.match(error.message, new RegExp(`^${start}${target.label.source}`));
        assert.match(error.message, /after 5 attempts/);
        assert.match(error.message, fault.detail);
        assert.equal(lastStatus(run.messages, "total_follower_count"), "INCOMPLETE");
        if (target.endpoint === "networkSizes") {
          // Another stream is not held back by the failing one.
          assert.equal(lastStatus(run.messages, "follower_statistics"), "COMPLETE");
        } else {
          assert.equal(sim.count("networkSizes"), 0);
        }
        assertClean(run);
      });
    });
  }
}

for (const target of TARGETS) {
  Deno.test(`retries: ${target.name} to a refused connection → 3 attempts, then a config_error naming the host`, async () => {
    const closed = closedPort();
    await withSim({}, async ({ sim, read }) => {
      const base = target.endpoint === "accessToken" ? "oauth_base_url" : "api_base_url";
      const run = await read(target.config(sim, { [base]: closed }), ["total_follower_count"]);
      assert.equal(run.code, 1);
      assert.equal(sim.count(), 0);
      const host = new URL(closed).host;
      assertRetried(run, `connection refused for ${host}`, 2);
      const [error] = errorsOf(run.messages);
      assert.equal(error.failure_type, "config_error");
      assert.match(error.message, new RegExp(`^Cannot reach ${host} for ${target.label.source}`));
      assert.match(error.message, /: connection refused \(3 attempts\)\. Check api_base_url/);
      assert.doesNotMatch(error.message, /resume/);
      // The stack trace is the original one: fetch's.
      assert.match(error.stack_trace, /^TypeError: fetch failed/);
      assert.equal(lastStatus(run.messages, "total_follower_count"), "INCOMPLETE");
      assertClean(run);
    });
  });
}

// ---------------------------------------------------------------------------------------------
// Rate limits

function rateLimitedTraces(messages: Message[], stream: string): Message[] {
  return messages.filter((m) =>
    m.type === "TRACE" && m.trace.type === "STREAM_STATUS" &&
    m.trace.stream_status.stream_descriptor.name === stream &&
    m.trace.stream_status.reasons?.some((r: Message) => r.type === "RATE_LIMITED")
  ).map((m) => m.trace);
}

Deno.test("rate limits: 429 with Retry-After waits what LinkedIn asks and reports RATE_LIMITED", async () => {
  await withSim({}, async ({ sim, read }) => {
    sim.inject({
      endpoint: "networkSizes",
      times: 1,
      action: { status: 429, body: THROTTLED, headers: { "retry-after": "120" } },
    });
    const run = await read(configFor(sim), ["total_follower_count"]);
    assert.equal(run.code, 0, run.stdout);
    assert.equal(sim.count("networkSizes"), 2);
    // 120 s scaled by backoff_scale 0.001.
    assert.deepEqual(retriesOf(run.messages), [{
      quoted: THROTTLED.message,
      tries: 1,
      seconds: 0.12,
    }]);
    const traces = rateLimitedTraces(run.messages, "total_follower_count");
    assert.equal(traces.length, 1);
    const { stream_status: status, emitted_at: emittedAt } = traces[0];
    assert.equal(status.status, "RUNNING");
    const reset = status.reasons[0].rate_limited.quota_reset;
    assert.ok(Number.isInteger(reset));
    assert.ok(reset - emittedAt >= 100 && reset - emittedAt <= 140, `${reset} - ${emittedAt}`);
    // The RATE_LIMITED status comes before the records, and the stream completes.
    const index = run.messages.findIndex((m) => m.trace === traces[0]);
    const firstRecord = run.messages.findIndex((m) => m.type === "RECORD");
    assert.ok(index < firstRecord);
    assert.equal(lastStatus(run.messages, "total_follower_count"), "COMPLETE");
  });
});

Deno.test("rate limits: 429 without Retry-After backs off exponentially", async () => {
  await withSim({}, async ({ sim, read }) => {
    sim.inject({ endpoint: "networkSizes", times: 2, action: { status: 429, body: THROTTLED } });
    const run = await read(configFor(sim), ["total_follower_count"]);
    assert.equal(run.code, 0, run.stdout);
    const retries = retriesOf(run.messages);
    assert.equal(retries.length, 2);
    // 5 s then 10 s, each with up to 50% jitter, scaled by 0.001.
    assert.ok(retries[0].seconds >= 0.005 && retries[0].seconds <= 0.0075, `${retries[0].seconds}`);
    assert.ok(retries[1].seconds >= 0.01 && retries[1].seconds <= 0.015, `${retries[1].seconds}`);
    const traces = rateLimitedTraces(run.messages, "total_follower_count");
    assert.equal(traces.length, 2);
    for (const trace of traces) {
      const reset = trace.stream_status.reasons[0].rate_limited.quota_reset;
      assert.ok(reset >= trace.emitted_at && reset - trace.emitted_at <= 40);
    }
  });
});

Deno.test("rate limits: a Retry-After of a day is capped at 5 minutes", async () => {
  await withSim({}, async ({ sim, read }) => {
    sim.inject({
      endpoint: "networkSizes",
      times: 1,
      action: { status: 429, body: THROTTLED, headers: { "retry-after": "86400" } },
    });
    const run = await read(configFor(sim), ["total_follower_count"]);
    assert.equal(run.code, 0, run.stdout);
    assert.deepEqual(retriesOf(run.messages).map((r) => r.seconds), [0.3]);
  });
});

Deno.test("rate limits: out of 429 attempts on the second organization keeps the first organization's cursor", async () => {
  await withSim({}, async ({ sim, file }) => {
    sim.inject({
      endpoint: "posts",
      organizationId: OTHER_ORG,
      action: { status: 429, body: THROTTLED, headers: { "x-li-uuid": "Qk9PTS11dWlkLTQyOQ==" } },
    });
    const posts = sim.posts(ORG);
    const savedFirst = posts[10].lastModifiedAt as number;
    const savedOther = 1_700_000_000_000;
    const state = file([{
      type: "STREAM",
      stream: {
        stream_descriptor: { name: "ugc_posts" },
        stream_state: {
          organizations: {
            [ORG]: { lastModifiedAt: savedFirst },
            [OTHER_ORG]: { lastModifiedAt: savedOther },
          },
        },
      },
    }]);
    const catalog = file(
      catalogFor(["ugc_posts", "total_follower_count", "follower_statistics"], "incremental"),
    );
    const run = await runConnector(
      readArgs(
        file(configFor(sim, { org_id: undefined, org_ids: [ORG, OTHER_ORG] })),
        catalog,
        state,
      ),
    );
    assert.notEqual(run.code, 0);
    assert.equal(sim.requests.filter((r) => r.endpoint === "posts" && r.status === 429).length, 5);

    // The first organization's new posts were read and its cursor moved.
    // Posts newer than the cursor; the one at the cursor may be read again.
    const records = recordsOf(run.messages, "ugc_posts");
    assert.ok(records.length === 10 || records.length === 11, `${records.length} records`);
    assert.deepEqual(records.map((r) => r.id), posts.slice(0, records.length).map((p) => p.id));
    assert.ok(records.every((r) => r.organizationId === ORG));
    const states = statesOf(run.messages, "ugc_posts").map((m) => m.state.stream.stream_state);
    assert.ok(states.length >= 1);
    const expected = {
      organizations: {
        [ORG]: { lastModifiedAt: posts[0].lastModifiedAt },
        [OTHER_ORG]: { lastModifiedAt: savedOther },
      },
    };
    for (const streamState of states) assert.deepEqual(streamState, expected);
    // Every state comes after the records it covers.
    const lastRecord = run.messages.findLastIndex((m) =>
      m.type === "RECORD" && m.record.stream === "ugc_posts"
    );
    const firstState = run.messages.findIndex((m) =>
      m.type === "STATE" && m.state.stream.stream_descriptor.name === "ugc_posts"
    );
    assert.ok(firstState > lastRecord);

    const errors = errorsOf(run.messages);
    assert.equal(errors.length, 1);
    const [error] = errors;
    assert.equal(error.failure_type, "transient_error");
    assert.equal(error.stream_descriptor.name, "ugc_posts");
    assert.match(error.message, /^Max try rate limit exceded/);
    assert.match(
      error.message,
      new RegExp(`stream ugc_posts, organization ${OTHER_ORG}, GET /rest/posts`),
    );
    assert.ok(error.message.includes(`"${THROTTLED.message}"`), error.message);
    assert.ok(error.message.includes("x-li-uuid Qk9PTS11dWlkLTQyOQ=="), error.message);
    assert.match(error.message, /LinkedIn kept throttling the requests; the next sync resumes/);
    assert.ok(rateLimitedTraces(run.messages, "ugc_posts").length >= 4);

    assert.equal(lastStatus(run.messages, "ugc_posts"), "INCOMPLETE");
    assert.equal(lastStatus(run.messages, "total_follower_count"), "COMPLETE");
    assert.equal(lastStatus(run.messages, "follower_statistics"), "COMPLETE");
    assert.equal(recordsOf(run.messages, "total_follower_count").length, 2);
    assertClean(run);
  });
});

// ---------------------------------------------------------------------------------------------
// Errors that need a person: read and check give the same explanation

interface PersonCase {
  name: string;
  sim?: SimulatorOptions;
  setup?(sim: LinkedInSimulator): void;
  config(sim: LinkedInSimulator): Config;
  streams: string[];
  /** The streams that end INCOMPLETE. */
  failing: string[];
  /**
   * One failure for all the failing streams (of the whole run, or of the posts they share):
   * one ERROR trace, for the first stream that met it, instead of one per failing stream.
   */
  oneError?: true;
  kind: "config_error" | "system_error";
  /** Fragments every explanation holds. */
  says: (string | RegExp)[];
  saysNot?: RegExp[];
  /** Request counts after `read`, by endpoint. */
  counts?: Record<string, number>;
  /** Whether `check` can meet this failure (it never asks for statistics). */
  check?: boolean;
  after?(sim: LinkedInSimulator): void;
}

const ACCESS_DENIED =
  /HTTP 403 "Not enough permissions to access: partnerApiPostsExternal\.GET\.\d{8}"/;

const PERSON_CASES: PersonCase[] = [
  {
    name: "an expired refresh token",
    setup: (sim) => sim.expireRefreshToken(),
    config: oauthConfigFor,
    streams: ["total_follower_count", "shares"],
    failing: ["total_follower_count", "shares"],
    oneError: true,
    kind: "config_error",
    says: [
      "The provided authorization grant or refresh token is invalid, expired or revoked",
      "The refresh token is invalid, expired or revoked and must be re-created",
      "365 days",
    ],
    // A refused grant is not retried, not even by the second stream.
    counts: { accessToken: 1, networkSizes: 0, posts: 0 },
  },
  {
    name: "an expired access token",
    config: (sim) =>
      configFor(sim, {
        credentials: {
          auth_method: "access_token",
          access_token: sim.issueAccessToken({ state: "expired" }),
        },
      }),
    streams: ["total_follower_count", "shares"],
    failing: ["total_follower_count", "shares"],
    kind: "config_error",
    says: [
      '"The token used in the request has expired"',
      "invalid, expired or revoked",
      "60 days",
      "https://www.linkedin.com/developers/tools/oauth",
    ],
    counts: { accessToken: 0, networkSizes: 1, posts: 1 },
  },
  {
    name: "a token without r_organization_social",
    config: (sim) =>
      configFor(sim, {
        credentials: {
          auth_method: "access_token",
          access_token: sim.issueAccessToken({ scopes: ["rw_organization_admin"] }),
        },
      }),
    streams: ["shares", "ugc_posts", "follower_statistics", "total_follower_count"],
    failing: ["shares", "ugc_posts"],
    oneError: true,
    kind: "config_error",
    says: [
      ACCESS_DENIED,
      "r_organization_social",
      "ADMINISTRATOR",
      /streams (shares, ugc_posts|ugc_posts, shares), organization 2414183, GET \/rest\/posts/,
    ],
    // shares and ugc_posts share one read of the posts: one refused request, not two.
    counts: { posts: 1, followerStatistics: 1, networkSizes: 1 },
    // check names the streams the scope blocks and succeeds (e2e_tokens_test.ts).
    check: false,
  },
  {
    name: "no active API version",
    sim: { activeVersions: { oldest: nextMonth(thisMonth()), newest: "209912" } },
    config: configFor,
    streams: ["total_follower_count", "shares"],
    failing: ["total_follower_count", "shares"],
    oneError: true,
    kind: "config_error",
    says: [
      "426 NONEXISTENT_VERSION",
      `(${months(DEFAULT_VERSION, thisMonth()).join(", ")})`,
      "linkedin_version",
    ],
    after: (sim) => {
      for (const version of months(nextMonth(DEFAULT_VERSION), thisMonth())) {
        assert.ok(versionsUsed(sim).includes(version), `${version} was tried`);
      }
    },
  },
  {
    name: "a pinned version that LinkedIn retired",
    config: (sim) => configFor(sim, { linkedin_version: "202401" }),
    streams: ["total_follower_count", "shares"],
    failing: ["total_follower_count", "shares"],
    kind: "config_error",
    says: [
      "pinned API version 202401",
      '"Requested version 20240101 is not active"',
      "linkedin_version",
    ],
    counts: { networkSizes: 1, posts: 1 },
    // No stepping: every request used the pinned version.
    after: (sim) => assert.deepEqual([...new Set(versionsUsed(sim))], ["202401"]),
  },
  {
    name: "a 400 about the statistics date window",
    setup: (sim) =>
      sim.inject({
        endpoint: "followerStatistics",
        action: {
          status: 400,
          body: {
            status: 400,
            message:
              "Invalid timeIntervals parameter. Start time must be at most 12 months before the request date (UTC).",
          },
        },
      }),
    config: configFor,
    streams: ["follower_statistics_time_bound", "total_follower_count"],
    failing: ["follower_statistics_time_bound"],
    kind: "config_error",
    says: [
      '"Invalid timeIntervals parameter. Start time must be at most 12 months',
      "date window",
      "at most 12 months and at least 2 days",
      "start_date",
      "GET /rest/organizationalEntityFollowerStatistics",
    ],
    counts: { followerStatistics: 1 },
    check: false,
  },
  {
    name: "another 400",
    setup: (sim) =>
      sim.inject({
        endpoint: "posts",
        action: {
          status: 400,
          body: {
            errorDetailType: "com.linkedin.common.error.BadRequest",
            message: "Invalid param. Please see errorDetails for more information.",
            errorDetails: {
              inputErrors: [{
                description: "Invalid value for param; wrong type or other syntax error",
                input: { inputPath: { fieldPath: "author" } },
                code: "PARAM_INVALID",
              }],
            },
            status: 400,
          },
          headers: { "x-li-uuid": "uuid-400" },
        },
      }),
    config: configFor,
    streams: ["shares", "total_follower_count"],
    failing: ["shares"],
    kind: "system_error",
    says: [
      'HTTP 400 "Invalid param. Please see errorDetails for more information." (x-li-uuid uuid-400)',
      "GET /rest/posts",
    ],
    saysNot: [/date window|timeIntervals|12 months|start_date/],
    counts: { posts: 1 },
  },
];

function assertSays(text: string, expected: PersonCase): void {
  for (const fragment of expected.says) {
    if (typeof fragment === "string") {
      assert.ok(text.includes(fragment), `${fragment}\nin: ${text}`);
    } else assert.match(text, fragment);
  }
  for (const pattern of expected.saysNot ?? []) assert.doesNotMatch(text, pattern);
}

for (const test of PERSON_CASES) {
  Deno.test(`needs a person: ${test.name} → read fails with ${test.kind}`, async () => {
    await withSim(test.sim ?? {}, async ({ sim, read }) => {
      test.setup?.(sim);
      const run = await read(test.config(sim), test.streams);
      assert.equal(run.code, 1, run.stdout);
      const errors = errorsOf(run.messages);
      if (test.oneError) {
        assert.equal(errors.length, 1, JSON.stringify(errors));
        assert.ok(test.failing.includes(errors[0].stream_descriptor?.name), run.stdout);
      } else {
        assert.deepEqual(
          errors.map((e) => e.stream_descriptor?.name).sort(),
          [...test.failing].sort(),
        );
      }
      // Every stream that did not complete is named at the end, in catalog order.
      assert.deepEqual(logsOf(run.messages, "ERROR"), [
        `Streams that did not complete: ${
          test.streams.filter((s) => test.failing.includes(s)).join(", ")
        }.`,
      ]);
      for (const error of errors) {
        assert.equal(error.failure_type, test.kind);
        assertSays(error.message, test);
      }
      for (const stream of test.streams) {
        assert.equal(
          lastStatus(run.messages, stream),
          test.failing.includes(stream) ? "INCOMPLETE" : "COMPLETE",
          stream,
        );
      }
      for (const [endpoint, count] of Object.entries(test.counts ?? {})) {
        assert.equal(sim.count(endpoint), count, endpoint);
      }
      // Nothing that needs a person is retried.
      assert.equal(retriesOf(run.messages).length, 0);
      test.after?.(sim);
      assertClean(run);
    });
  });

  if (test.check === false) continue;
  Deno.test(`needs a person: ${test.name} → check answers FAILED with the same explanation`, async () => {
    await withSim(test.sim ?? {}, async ({ sim, check }) => {
      test.setup?.(sim);
      const run = await check(test.config(sim));
      assert.equal(run.code, 0);
      const status = connectionStatus(run);
      assert.equal(status.status, "FAILED");
      assertSays(status.message ?? "", test);
      assert.equal(errorsOf(run.messages).length, 0);
      assertClean(run);
    });
  });
}

Deno.test("needs a person: a stream's 403 names the stream; the statistics streams still complete", async () => {
  await withSim({}, async ({ sim, read }) => {
    const token = sim.issueAccessToken({ scopes: ["rw_organization_admin"] });
    const run = await read(
      configFor(sim, { credentials: { auth_method: "access_token", access_token: token } }),
      ["shares", "follower_statistics", "page_statistics", "share_statistics"],
    );
    assert.equal(run.code, 1);
    const [error] = errorsOf(run.messages, "shares");
    assert.match(error.message, /^LinkedIn denied access for stream shares, organization 2414183/);
    for (const stream of ["follower_statistics", "page_statistics", "share_statistics"]) {
      assert.equal(recordsOf(run.messages, stream).length, 1, stream);
      assert.equal(lastStatus(run.messages, stream), "COMPLETE");
    }
    assert.deepEqual(logsOf(run.messages, "ERROR"), ["Streams that did not complete: shares."]);
  });
});

// ---------------------------------------------------------------------------------------------
// 401: one refresh in OAuth mode

const REVOKED = {
  status: 401,
  serviceErrorCode: 65601,
  code: "REVOKED_ACCESS_TOKEN",
  message: "The token used in the request has been revoked by the user",
};

Deno.test("401: one injected 401 in OAuth mode → the token is refreshed once and the sync succeeds", async () => {
  await withSim({}, async ({ sim, read }) => {
    sim.inject({ endpoint: "networkSizes", times: 1, action: { status: 401, body: REVOKED } });
    const run = await read(oauthConfigFor(sim), ["total_follower_count", "shares"]);
    assert.equal(run.code, 0, run.stdout);
    assert.equal(sim.count("accessToken"), 2);
    assert.equal(sim.count("networkSizes"), 2);
    const bearers = new Set(sim.requests.map((r) => r.headers.authorization).filter(Boolean));
    assert.equal(bearers.size, 2, "the retried request used the new token");
    const last = sim.requests.filter((r) => r.endpoint === "networkSizes").at(-1)!;
    const first = sim.requests.find((r) => r.endpoint === "networkSizes")!;
    assert.notEqual(last.headers.authorization, first.headers.authorization);
    assert.ok(
      logsOf(run.messages, "INFO").some((line) =>
        line.startsWith("Access token rejected during stream total_follower_count")
      ),
    );
    assert.equal(lastStatus(run.messages, "total_follower_count"), "COMPLETE");
    assert.equal(lastStatus(run.messages, "shares"), "COMPLETE");
    assertClean(run);
  });
});

Deno.test("401: tokens revoked in the middle of a sync → one refresh, the sync succeeds", async () => {
  await withSim({}, async ({ sim, read }) => {
    // The second page of posts is slow; the tokens are revoked while it is in flight.
    sim.inject({ endpoint: "posts", skip: 1, times: 1, action: { delayMs: 400 } });
    const running = read(oauthConfigFor(sim), ["ugc_posts", "total_follower_count"]);
    const deadline = Date.now() + 10_000;
    while (sim.count("posts") < 2 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    assert.equal(sim.count("posts"), 2);
    sim.revokeAccessTokens();
    const run = await running;
    assert.equal(run.code, 0, run.stdout);
    assert.equal(sim.count("accessToken"), 2);
    assert.deepEqual(
      sim.requests.filter((r) => r.endpoint === "posts").map((r) => r.status),
      [200, 401, 200],
    );
    assert.equal(recordsOf(run.messages, "ugc_posts").length, 120);
    assert.equal(lastStatus(run.messages, "ugc_posts"), "COMPLETE");
    assertClean(run);
  });
});

Deno.test("401: a freshly refreshed token rejected too → config_error, no third token", async () => {
  await withSim({}, async ({ sim, read }) => {
    sim.inject({ endpoint: "networkSizes", times: 2, action: { status: 401, body: REVOKED } });
    const run = await read(oauthConfigFor(sim), ["total_follower_count"]);
    assert.equal(run.code, 1);
    assert.equal(sim.count("accessToken"), 2);
    const [error] = errorsOf(run.messages);
    assert.equal(error.failure_type, "config_error");
    assert.ok(error.message.includes(REVOKED.message), error.message);
    assert.ok(error.message.includes("must be re-created"), error.message);
    assertClean(run);
  });
});

Deno.test("401: access-token mode never refreshes → config_error after one request", async () => {
  await withSim({}, async ({ sim, read }) => {
    sim.inject({ endpoint: "networkSizes", action: { status: 401, body: REVOKED } });
    const run = await read(configFor(sim), ["total_follower_count"]);
    assert.equal(run.code, 1);
    assert.equal(sim.count("networkSizes"), 1);
    assert.equal(sim.count("accessToken"), 0);
    const [error] = errorsOf(run.messages);
    assert.equal(error.failure_type, "config_error");
    assert.match(error.message, /revoked by the user.*60 days/);
    assertClean(run);
  });
});

// ---------------------------------------------------------------------------------------------
// 426: stepping past a retired default version

async function assertStepsTo(options: SimulatorOptions, expected: string): Promise<void> {
  await withSim(options, async ({ sim, read }) => {
    const run = await read(configFor(sim, { max_concurrent_requests: 1 }), [
      "total_follower_count",
      "shares",
      "follower_statistics",
    ]);
    assert.equal(run.code, 0, run.stdout);
    const warnings = logsOf(run.messages, "WARN");
    assert.deepEqual(warnings, [
      `LinkedIn has retired API version ${DEFAULT_VERSION} (426 NONEXISTENT_VERSION); using ${expected} ` +
      "for the rest of this run. Upgrade the connector or set linkedin_version to silence this.",
    ]);
    const versions = versionsUsed(sim);
    // Every month from the default up to the working one is tried once, in order; then
    // every request uses the working version. A request sent before the search ended still
    // carries the default version (at most once per stream), and then waits for the search.
    const stepped = months(nextMonth(DEFAULT_VERSION), expected);
    const searched = versions.filter((v) => v !== DEFAULT_VERSION);
    assert.deepEqual(searched.slice(0, stepped.length), stepped);
    assert.ok(searched.slice(stepped.length - 1).every((v) => v === expected));
    assert.ok(versions.filter((v) => v === DEFAULT_VERSION).length <= 3);
    // One request per stream with the working version: the answer that ended the search is kept.
    assert.equal(versions.filter((v) => v === expected).length, 3);
    for (const stream of ["total_follower_count", "shares", "follower_statistics"]) {
      assert.equal(lastStatus(run.messages, stream), "COMPLETE");
    }
    assert.equal(errorsOf(run.messages).length, 0);
    assertClean(run);
  });
}

Deno.test("426: the default version retired → steps to the next month and succeeds", async () => {
  const oldest = nextMonth(DEFAULT_VERSION);
  await assertStepsTo({ activeVersions: { oldest, newest: thisMonth() } }, oldest);
});

Deno.test("426: steps over months LinkedIn skipped", async () => {
  const [skippedA, skippedB, working] = months(DEFAULT_VERSION, "209912").slice(1, 4);
  assert.ok(working <= thisMonth());
  await assertStepsTo(
    {
      activeVersions: {
        oldest: "202607",
        newest: thisMonth(),
        skipped: [DEFAULT_VERSION, skippedA, skippedB],
      },
    },
    working,
  );
});

Deno.test("426: check steps too and succeeds", async () => {
  const oldest = nextMonth(DEFAULT_VERSION);
  await withSim({ activeVersions: { oldest, newest: thisMonth() } }, async ({ sim, check }) => {
    const run = await check(configFor(sim));
    assert.equal(run.code, 0);
    assert.equal(connectionStatus(run).status, "SUCCEEDED");
    assert.equal(versionsUsed(sim).at(-1), oldest);
  });
});

// ---------------------------------------------------------------------------------------------
// Answers that are not what LinkedIn documents

interface OddAnswer {
  name: string;
  endpoint: string;
  stream: string;
  action: FaultAction;
  says: RegExp;
  kind: string;
  requests: number;
}

const ODD_ANSWERS: OddAnswer[] = [
  {
    name: "an HTML error page with status 200, after retries",
    endpoint: "organizations",
    stream: "organization_lookup",
    action: { html: true, status: 200 },
    says:
      /^stream organization_lookup, organization 2414183, GET \/rest\/organizations\/2414183 failed after 5 attempts: HTTP 200 with a body that is not JSON \(text\/html/,
    kind: "transient_error",
    requests: 5,
  },
  {
    name: "a body without elements",
    endpoint: "followerStatistics",
    stream: "follower_statistics",
    action: { status: 200, body: { foo: 1 } },
    says:
      /stream follower_statistics, organization 2414183, GET \/rest\/organizationalEntityFollowerStatistics is not what LinkedIn documents: it has no "elements" array/,
    kind: "system_error",
    requests: 1,
  },
  {
    name: "elements that are not objects",
    endpoint: "pageStatistics",
    stream: "page_statistics",
    action: { status: 200, body: { elements: [1, "two"] } },
    says:
      /GET \/rest\/organizationPageStatistics is not what LinkedIn documents: an element is not an object/,
    kind: "system_error",
    requests: 1,
  },
  {
    name: "an array where an object belongs",
    endpoint: "networkSizes",
    stream: "total_follower_count",
    action: { status: 200, body: [] },
    says:
      /GET \/rest\/networkSizes\/urn%3Ali%3Aorganization%3A2414183 is not what LinkedIn documents: it is not a JSON object/,
    kind: "system_error",
    requests: 1,
  },
  {
    name: "a post whose lastModifiedAt is a string",
    endpoint: "posts",
    stream: "ugc_posts",
    action: {
      status: 200,
      body: {
        paging: { start: 0, count: 100, links: [] },
        elements: [{ id: "urn:li:share:7100000000000000001", lastModifiedAt: "x" }],
      },
    },
    says: /stream ugc_posts, organization 2414183, GET \/rest\/posts.*lastModifiedAt/,
    kind: "system_error",
    requests: 1,
  },
  {
    name: "a time-bound element without timeRange",
    endpoint: "shareStatistics",
    stream: "share_statistics_time_bound",
    action: {
      status: 200,
      body: {
        elements: [{
          totalShareStatistics: {},
          organizationalEntity: "urn:li:organization:2414183",
        }],
      },
    },
    says:
      /stream share_statistics_time_bound, organization 2414183, GET \/rest\/organizationalEntityShareStatistics.*timeRange/,
    kind: "system_error",
    requests: 1,
  },
];

for (const odd of ODD_ANSWERS) {
  Deno.test(`odd answers: ${odd.name} → a clear error naming the endpoint`, async () => {
    await withSim({}, async ({ sim, read }) => {
      sim.inject({ endpoint: odd.endpoint, action: odd.action });
      const run = await read(
        configFor(sim),
        [odd.stream, "total_follower_count"].filter((s, i, all) => all.indexOf(s) === i),
      );
      assert.equal(run.code, 1);
      assert.equal(sim.count(odd.endpoint), odd.requests);
      const errors = errorsOf(run.messages);
      assert.equal(errors.length, 1, JSON.stringify(errors));
      assert.equal(errors[0].stream_descriptor.name, odd.stream);
      assert.equal(errors[0].failure_type, odd.kind);
      assert.match(errors[0].message, odd.says);
      assert.equal(recordsOf(run.messages, odd.stream).length, 0);
      assert.equal(lastStatus(run.messages, odd.stream), "INCOMPLETE");
      if (odd.stream !== "total_follower_count") {
        assert.equal(lastStatus(run.messages, "total_follower_count"), "COMPLETE");
      }
      assertClean(run);
    });
  });
}

Deno.test("odd answers: organizationAcls without elements → read and check name the endpoint", async () => {
  await withSim({}, async ({ sim, read, check }) => {
    sim.inject({ endpoint: "organizationAcls", action: { status: 200, body: { foo: 1 } } });
    const config = configFor(sim, { org_id: undefined });
    const run = await read(config, ["total_follower_count"]);
    assert.equal(run.code, 1);
    const errors = errorsOf(run.messages);
    assert.equal(errors.length, 1);
    assert.equal(errors[0].failure_type, "system_error");
    assert.match(
      errors[0].message,
      /GET \/rest\/organizationAcls is not what LinkedIn documents: it has no "elements" array/,
    );
    const checked = await check(config);
    assert.equal(checked.code, 0);
    const status = connectionStatus(checked);
    assert.equal(status.status, "FAILED");
    assert.match(
      status.message ?? "",
      /GET \/rest\/organizationAcls is not what LinkedIn documents: it has no "elements" array/,
    );
    assertClean(run);
    assertClean(checked);
  });
});
