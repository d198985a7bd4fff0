/**
 * End-to-end secret tests: every failure case of the fault and input tests, run
 * with recognisable secrets and `--debug`; no access token, refresh token, client
 * secret or client id, and no `Bearer` header value, may appear anywhere in stdout
 * or stderr (messages, internal messages, stack traces, DEBUG logs).
 *
 * @module
 */
import assert from "node:assert/strict";
import {
  catalogFor,
  closedPort,
  configFor,
  logsOf,
  oauthConfigFor,
  type Run,
  runConnector,
  THROTTLED,
  Workspace,
} from "./harness.ts";
import { type Fault, LinkedInSimulator, type SimulatorOptions } from "./simulator/mod.ts";

type Config = Record<string, unknown>;

const ACCESS_TOKEN = "SECRET-ACCESS-TOKEN-123456";
const REFRESH_TOKEN = "SECRET-REFRESH-TOKEN-654321";
const CLIENT_SECRET = "SECRET-CLIENT-SECRET-987654";
const CLIENT_ID = "SECRET-CLIENT-ID-24680";
const BEARER = /Bearer\s+[A-Za-z0-9._~+/=-]{6,}/i;

/**
 * True when `text` holds `secret`, as is or JSON-escaped, or for a long secret any
 * 24-character piece of it.
 */
function leaks(text: string, secret: string): boolean {
  const escaped = JSON.stringify(secret).slice(1, -1);
  if (text.includes(secret) || text.includes(escaped)) return true;
  if (secret.length <= 32) return false;
  for (let offset = 0; offset + 24 <= secret.length; offset += 12) {
    if (text.includes(secret.slice(offset, offset + 24))) return true;
  }
  return false;
}

function assertNoSecrets(run: Run, secrets: string[], label: string): void {
  for (const [stream, text] of [["stdout", run.stdout], ["stderr", run.stderr]]) {
    assert.doesNotMatch(text, BEARER, `${label}: a Bearer value on ${stream}`);
    for (const secret of secrets) {
      assert.ok(
        !leaks(text, secret),
        `${label}: ${stream} holds a secret (${secret.slice(0, 8)}…)`,
      );
    }
  }
}

/** Every secret of a run: the simulator's, the config's, and every bearer token sent. */
function secretsOf(sim: LinkedInSimulator | undefined, config: unknown): string[] {
  const secrets = [ACCESS_TOKEN, REFRESH_TOKEN, CLIENT_SECRET, CLIENT_ID];
  if (sim) {
    secrets.push(sim.accessToken, sim.refreshToken, sim.clientSecret, sim.clientId);
    for (const request of sim.requests) {
      const token = /^Bearer\s+(\S+)/i.exec(request.headers.authorization ?? "")?.[1];
      if (token) secrets.push(token);
    }
  }
  const credentials = (config as Config | undefined)?.credentials;
  if (typeof credentials === "object" && credentials !== null) {
    for (const [key, value] of Object.entries(credentials)) {
      if (key !== "auth_method" && typeof value === "string") secrets.push(value);
    }
  }
  return [...new Set(secrets)].filter((secret) => secret.length >= 6);
}

// ---------------------------------------------------------------------------------------------
// Failures against the simulator

interface Scenario {
  name: string;
  sim?: SimulatorOptions;
  /** Defaults to the access-token config; `oauth` uses the OAuth config. */
  oauth?: boolean;
  overrides?: (sim: LinkedInSimulator) => Config;
  faults?: (sim: LinkedInSimulator) => Fault[];
  setup?: (sim: LinkedInSimulator) => void;
  streams?: string[];
  /** The output must show a redaction: LinkedIn's answer echoed a secret. */
  redacts?: boolean;
}

/** A fault on every request to `endpoint` ("" for every endpoint). */
const always = (endpoint: string, action: Fault["action"]): Fault =>
  endpoint ? { endpoint, action } : { action };

const RETRYABLE: [string, Fault["action"]][] = [
  ["429", { status: 429, body: THROTTLED }],
  ["408", { status: 408, body: { status: 408, message: "Request Timeout" } }],
  ["500", { status: 500, body: { status: 500, message: "Internal Server Error" } }],
  ["502 HTML", { html: true }],
  ["503", { status: 503, body: { status: 503, message: "Service Unavailable" } }],
  ["504", { status: 504, body: { status: 504, message: "Gateway Timeout" } }],
  ["dropped connection", { drop: true }],
  ["truncated body", { truncate: true }],
  ["HTML with 200", { html: true, status: 200 }],
];

const SCENARIOS: Scenario[] = [
  ...RETRYABLE.flatMap(([name, action]): Scenario[] => [
    { name: `API ${name} every time`, faults: () => [always("networkSizes", action)] },
    {
      name: `token endpoint ${name} every time`,
      oauth: true,
      faults: () => [always("accessToken", action)],
    },
    {
      name: `API ${name} twice (OAuth)`,
      oauth: true,
      faults: () => [{ endpoint: "networkSizes", times: 2, action }],
    },
  ]),
  {
    name: "API timeout",
    overrides: () => ({ request_timeout_seconds: 0.2 }),
    faults: () => [{ endpoint: "networkSizes", times: 5, action: { delayMs: 400 } }],
  },
  {
    name: "token endpoint timeout",
    oauth: true,
    overrides: () => ({ request_timeout_seconds: 0.2 }),
    faults: () => [{ endpoint: "accessToken", times: 5, action: { delayMs: 400 } }],
  },
  { name: "refused API connection", overrides: () => ({ api_base_url: closedPort() }) },
  {
    name: "refused token connection",
    oauth: true,
    overrides: () => ({ oauth_base_url: closedPort() }),
  },
  {
    name: "429 out of attempts on the second organization",
    overrides: () => ({ org_id: undefined, org_ids: ["2414183", "5515715"] }),
    faults: () => [{
      endpoint: "posts",
      organizationId: "5515715",
      action: { status: 429, body: THROTTLED, headers: { "retry-after": "1" } },
    }],
    streams: ["ugc_posts", "total_follower_count"],
  },
  {
    name: "one 401 in OAuth mode",
    oauth: true,
    faults: () => [{
      endpoint: "networkSizes",
      times: 1,
      action: { status: 401, body: { status: 401, message: "Invalid access token" } },
    }],
  },
  {
    name: "401 after the refresh too",
    oauth: true,
    faults: () => [{
      endpoint: "networkSizes",
      times: 2,
      action: { status: 401, body: { status: 401, message: "Invalid access token" } },
    }],
  },
  { name: "expired refresh token", oauth: true, setup: (sim) => sim.expireRefreshToken() },
  {
    name: "wrong client secret",
    oauth: true,
    overrides: (sim) => ({
      credentials: {
        auth_method: "oAuth2.0",
        client_id: sim.clientId,
        client_secret: CLIENT_SECRET,
        refresh_token: sim.refreshToken,
      },
    }),
  },
  {
    name: "expired access token",
    overrides: (sim) => ({
      credentials: {
        auth_method: "access_token",
        access_token: sim.issueAccessToken({ state: "expired" }),
      },
    }),
  },
  {
    name: "revoked access token",
    setup: (sim) => sim.revokeAccessTokens(),
  },
  {
    name: "an unknown access token",
    overrides: () => ({ credentials: { auth_method: "access_token", access_token: ACCESS_TOKEN } }),
  },
  {
    name: "a token without r_organization_social",
    overrides: (sim) => ({
      credentials: {
        auth_method: "access_token",
        access_token: sim.issueAccessToken({ scopes: ["rw_organization_admin"] }),
      },
    }),
    streams: ["shares", "follower_statistics"],
  },
  {
    name: "426 stepping",
    oauth: true,
    sim: { activeVersions: { oldest: "202609", newest: "202611" } },
  },
  {
    name: "no active version",
    oauth: true,
    sim: { activeVersions: { oldest: "209901", newest: "209912" } },
  },
  { name: "pinned retired version", overrides: () => ({ linkedin_version: "202401" }) },
  {
    name: "400 Invalid timeIntervals",
    faults: () => [
      always("followerStatistics", {
        status: 400,
        body: { status: 400, message: "Invalid timeIntervals parameter. Start time is too old." },
      }),
    ],
    streams: ["follower_statistics_time_bound"],
  },
  {
    name: "another 400",
    oauth: true,
    faults: () => [
      always("posts", { status: 400, body: { status: 400, message: "Invalid param." } }),
    ],
    streams: ["shares"],
  },
  {
    name: "a body without elements",
    faults: () => [always("followerStatistics", { status: 200, body: { foo: 1 } })],
    streams: ["follower_statistics"],
  },
  {
    name: "a post with a string lastModifiedAt",
    oauth: true,
    faults: () => [
      always("posts", {
        status: 200,
        body: { elements: [{ id: "urn:li:share:1", lastModifiedAt: "x" }] },
      }),
    ],
    streams: ["ugc_posts"],
  },
  {
    name: "organizationAcls without elements",
    overrides: () => ({ org_id: undefined }),
    faults: () => [always("organizationAcls", { status: 200, body: { foo: 1 } })],
  },
  // LinkedIn's own words are quoted in logs and errors; when they echo a secret, it is redacted.
  {
    name: "a 401 whose message echoes the access token",
    redacts: true,
    faults: (sim) => [
      always("", {
        status: 401,
        body: { status: 401, message: `Invalid access token ${sim.accessToken}` },
      }),
    ],
  },
  {
    name: "a 500 whose message echoes the bearer header",
    redacts: true,
    faults: (sim) => [
      always("", {
        status: 500,
        body: { status: 500, message: `Upstream rejected Authorization: ${sim.accessToken}` },
      }),
    ],
  },
  {
    name: "a 401 that echoes a token with characters JSON escapes",
    redacts: true,
    overrides: () => ({
      credentials: { auth_method: "access_token", access_token: 'SECRET"QUOTED\\TOKEN-123' },
    }),
    faults: () => [
      always("", {
        status: 401,
        body: { status: 401, message: 'Invalid access token SECRET"QUOTED\\TOKEN-123' },
      }),
    ],
  },
  {
    name: "a token refusal that echoes the refresh token and client secret",
    oauth: true,
    redacts: true,
    faults: (sim) => [
      always("accessToken", {
        status: 400,
        body: {
          error: "invalid_request",
          error_description:
            `The refresh token ${sim.refreshToken} for client secret ${sim.clientSecret} is invalid`,
        },
      }),
    ],
  },
];

for (const scenario of SCENARIOS) {
  Deno.test(`secrets: ${scenario.name} → no secret in read --debug or check output`, async () => {
    const sim = await LinkedInSimulator.start(scenario.sim);
    using workspace = new Workspace();
    try {
      for (const fault of scenario.faults?.(sim) ?? []) sim.inject(fault);
      scenario.setup?.(sim);
      const base = scenario.oauth ? oauthConfigFor(sim) : configFor(sim);
      const config = { ...base, ...scenario.overrides?.(sim) };
      const configPath = workspace.file("config.json", config);
      const catalog = workspace.file(
        "catalog.json",
        catalogFor(scenario.streams ?? ["total_follower_count"], "incremental"),
      );
      const [read, check] = await Promise.all([
        runConnector(["read", "--config", configPath, "--catalog", catalog, "--debug"]),
        runConnector(["check", "--config", configPath, "--debug"]),
      ]);
      // The runs did use secrets: a token endpoint call or a bearer header reached the simulator.
      if (!scenario.name.startsWith("refused")) {
        assert.ok(
          sim.requests.some((r) => r.endpoint === "accessToken" || r.headers.authorization),
        );
      }
      const secrets = secretsOf(sim, config);
      assertNoSecrets(read, secrets, "read");
      assertNoSecrets(check, secrets, "check");
      if (scenario.redacts) {
        assert.ok(read.stdout.includes("****"), read.stdout);
        assert.ok(check.stdout.includes("****"), check.stdout);
      }
    } finally {
      await sim.close();
    }
  });
}

Deno.test("secrets: a successful OAuth read with --debug logs every request, and no secret", async () => {
  const sim = await LinkedInSimulator.start();
  using workspace = new Workspace();
  try {
    const config = oauthConfigFor(sim);
    const run = await runConnector([
      "read",
      "--config",
      workspace.file("config.json", config),
      "--catalog",
      workspace.file("catalog.json", catalogFor(["total_follower_count", "shares"])),
      "--debug",
    ]);
    assert.equal(run.code, 0, run.stdout);
    const debug = logsOf(run.messages, "DEBUG");
    assert.equal(debug.length, sim.count());
    assert.ok(
      debug.some((line) => line.startsWith("POST ") && line.includes("/oauth/v2/accessToken")),
    );
    assertNoSecrets(run, secretsOf(sim, config), "read");
  } finally {
    await sim.close();
  }
});

// ---------------------------------------------------------------------------------------------
// Bad input that carries secrets

const accessCredentials = { auth_method: "access_token", access_token: ACCESS_TOKEN };
const oauthCredentials = {
  auth_method: "oAuth2.0",
  client_id: CLIENT_ID,
  client_secret: CLIENT_SECRET,
  refresh_token: REFRESH_TOKEN,
};

const BAD_INPUT: { name: string; config: unknown; catalog?: unknown; state?: unknown }[] = [
  {
    name: "config that is not JSON",
    config:
      `{"credentials": {"access_token": "${ACCESS_TOKEN}", "refresh_token": "${REFRESH_TOKEN}"]}`,
  },
  {
    name: "an unknown auth_method",
    config: {
      credentials: { ...oauthCredentials, access_token: ACCESS_TOKEN, auth_method: "basic" },
    },
  },
  {
    name: "OAuth without client_secret",
    config: { credentials: { ...oauthCredentials, client_secret: undefined }, org_id: "1" },
  },
  {
    name: "secrets of the wrong type elsewhere",
    config: { credentials: { ...oauthCredentials, client_id: 5 }, org_id: true },
  },
  { name: "a non-numeric org_id", config: { credentials: accessCredentials, org_id: "acme" } },
  {
    name: "credentials that are a string",
    config: { credentials: ACCESS_TOKEN, org_id: "1" },
  },
  {
    name: "an unknown stream",
    config: { credentials: oauthCredentials, org_id: "1" },
    catalog: catalogFor(["nope"]),
  },
  {
    name: "a state of the wrong shape",
    config: { credentials: accessCredentials, org_id: "1" },
    state: [{
      type: "STREAM",
      stream: { stream_descriptor: { name: "ugc_posts" }, stream_state: 5 },
    }],
  },
];

for (const bad of BAD_INPUT) {
  Deno.test(`secrets: bad input, ${bad.name} → no secret in any command's output`, async () => {
    using workspace = new Workspace();
    // Nothing may reach LinkedIn: the bases point at a closed port.
    const content = typeof bad.config === "string" ? bad.config : {
      api_base_url: closedPort(),
      oauth_base_url: closedPort(),
      backoff_scale: 0.001,
      ...bad.config as Config,
    };
    const config = workspace.file("config.json", content);
    const catalog = workspace.file(
      "catalog.json",
      bad.catalog ?? catalogFor(["ugc_posts"], "incremental"),
    );
    const state = bad.state === undefined
      ? []
      : ["--state", workspace.file("state.json", bad.state)];
    const runs = await Promise.all([
      runConnector(["check", "--config", config, "--debug"]),
      runConnector(["discover", "--config", config, "--debug"]),
      runConnector(["read", "--config", config, "--catalog", catalog, ...state, "--debug"]),
    ]);
    for (const run of runs) {
      assert.ok(run.messages.length > 0);
      assertNoSecrets(run, secretsOf(undefined, bad.config), bad.name);
    }
  });
}
