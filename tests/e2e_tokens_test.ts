/**
 * End-to-end tests of what the connector tells a user about their tokens: when they expire,
 * which scopes were granted and which streams a missing scope blocks (`check`), the refresh
 * token's expiry warning and its rotation through a CONTROL config update (`read`), and
 * credentials that cannot be sent in an HTTP header. The connector runs as a subprocess
 * (harness) against the LinkedIn simulator.
 *
 * @module
 */
import assert from "node:assert/strict";
import type { Scope } from "../lib/auth.ts";
import { POSTS, scopesOf, STREAMS } from "../lib/streams.ts";
import {
  assertOk,
  catalogFor,
  configFor,
  DAY,
  errorsOf,
  lastStatus,
  logsOf,
  oauthConfigFor,
  onlyMessage,
  readArgs,
  type Run,
  runConnector,
  utcDate,
  withSimulator,
  type Workspace,
} from "./harness.ts";
import type { LinkedInSimulator } from "./simulator/mod.ts";

type Config = Record<string, unknown>;

const ALL_SCOPES = [
  "rw_organization_admin",
  "r_organization_social",
  "r_organization_social_feed",
  "r_basicprofile",
];

/** The only message of a run, which must be of `type`. */
/** The single CONNECTION_STATUS of a `check` that exited 0 with nothing else on stdout. */
function statusOf(run: Run): { status: string; message?: string } {
  assert.equal(run.code, 0, run.stderr);
  return onlyMessage(run, "CONNECTION_STATUS").connectionStatus;
}

let files = 0;
/** Writes a JSON file with a fresh name into the workspace. */
const fileIn = (workspace: Workspace, content: unknown) =>
  workspace.file(`input-${files++}.json`, content);

const check = (workspace: Workspace, config: Config) =>
  runConnector(["check", "--config", fileIn(workspace, config)]);

const read = (workspace: Workspace, config: Config, streams: string[]) =>
  runConnector(readArgs(fileIn(workspace, config), fileIn(workspace, catalogFor(streams))));

/** The UTC dates an instant between `from` and `to` can fall on (the span is well under a day). */
function datesBetween(from: number, to: number): string[] {
  return [...new Set([utcDate(from), utcDate(to)])];
}

/** The lines of a text that contain `needle`. */
const linesWith = (text: string, needle: string) =>
  text.split("\n").filter((line) => line.includes(needle));

/** The "<streams>: need <scope>" entries of check's blocked-streams note, by scope. */
function blockedByScope(message: string): Map<string, string[]> {
  const match =
    /^Streams that cannot be read with this token: (.*?)\. Grant the scope to the app and create a new token to read them\./
      .exec(message);
  assert.ok(match, `no blocked-streams note at the start of: ${message}`);
  const entries = new Map<string, string[]>();
  for (const entry of match[1].split("; ")) {
    const parsed = /^(.+): need (\S+)$/.exec(entry);
    assert.ok(parsed, `malformed entry "${entry}"`);
    assert.ok(!entries.has(parsed[2]), `scope ${parsed[2]} named twice`);
    entries.set(parsed[2], parsed[1].split(", "));
  }
  return entries;
}

/** The stream names that need `scope`, in `discover` order, from the stream table. */
const streamsNeeding = (scope: Scope) =>
  STREAMS.filter((stream) => scopesOf(stream).includes(scope)).map((stream) => stream.name);

// The streams whose records come from the posts feed (their own feed or their parent's).
const POST_FED = STREAMS.filter((stream) =>
  stream.feed === POSTS ||
  (typeof stream.partitions === "object" && stream.partitions.parent === POSTS)
).map((stream) => stream.name);

// ---------------------------------------------------------------------------------------------
// check: expiries and scopes

Deno.test("check (OAuth) reports both tokens' expiry dates and days and the granted scopes, after one refresh and one introspection", async () => {
  const startedAt = Date.now();
  const refreshTtlDays = 100;
  await withSimulator(async (sim, workspace) => {
    const run = await check(workspace, oauthConfigFor(sim));
    const endedAt = Date.now();
    const status = statusOf(run);
    assert.equal(status.status, "SUCCEEDED");
    const match =
      /^Token: the access token expires on (\d{4}-\d\d-\d\d) \(in (\d+) days\); the refresh token on (\d{4}-\d\d-\d\d) \(in (\d+) days\)\. Granted scopes: (.*)\.$/
        .exec(status.message ?? "");
    assert.ok(match, status.message);
    const [, accessDate, accessDays, refreshDate, refreshDays, scopes] = match;
    // Access tokens live 60 days from their minting during the run; a little less is left.
    assert.ok(
      datesBetween(startedAt + 60 * DAY, endedAt + 60 * DAY).includes(accessDate),
      accessDate,
    );
    assert.equal(accessDays, "59");
    // The refresh token lives `refreshTokenTtlSeconds` from the simulator's start.
    assert.ok(
      datesBetween(startedAt + refreshTtlDays * DAY - 1000, endedAt + refreshTtlDays * DAY)
        .includes(refreshDate),
      refreshDate,
    );
    assert.equal(refreshDays, String(refreshTtlDays - 1));
    assert.deepEqual(scopes.split(", "), ALL_SCOPES);
    assert.equal(sim.count("accessToken"), 1);
    assert.equal(sim.count("introspectToken"), 1);
    for (const secret of [sim.clientSecret, sim.refreshToken]) {
      assert.ok(!run.stdout.includes(secret) && !run.stderr.includes(secret));
    }
  }, { refreshTokenTtlSeconds: refreshTtlDays * 86_400 });
});

Deno.test("check (OAuth) without r_organization_social succeeds naming the blocked streams and the scope, without asking for posts", async () => {
  await withSimulator(async (sim, workspace) => {
    const run = await check(workspace, oauthConfigFor(sim));
    const status = statusOf(run);
    assert.equal(status.status, "SUCCEEDED", status.message);
    const message = status.message ?? "";
    const social = streamsNeeding("r_organization_social");
    assert.ok(
      message.includes(`${social.join(", ")}: need r_organization_social`),
      message,
    );
    const blocked = blockedByScope(message);
    assert.deepEqual(blocked.get("r_organization_social"), social);
    // What a user recognises: the posts streams and every stream fed by the posts.
    assert.deepEqual([...social].sort(), [...POST_FED].sort());
    for (const name of ["ugc_posts", "shares", "post_statistics", "video_analytics"]) {
      assert.ok(social.includes(name), name);
    }
    assert.ok(message.includes("shares, ugc_posts, "), message);
    assert.ok(!social.includes("organization_lookup") && !social.includes("lookup_industries"));
    // The feed scope is missing too, and only the social metadata needs it.
    assert.deepEqual(blocked.get("r_organization_social_feed"), ["post_social_metadata"]);
    assert.deepEqual([...blocked.keys()], ["r_organization_social", "r_organization_social_feed"]);
    assert.match(message, / Granted scopes: rw_organization_admin, r_basicprofile\./);
    // Introspection said the scope is missing: no post is asked for.
    assert.equal(sim.count("posts"), 0);
    assert.equal(sim.count("organizations"), 1);
    assert.equal(sim.count("introspectToken"), 1);
  }, { scopes: ["rw_organization_admin", "r_basicprofile"] });
});

Deno.test("check (OAuth) with a token granted no scope fails, though the taxonomies need none", async () => {
  await withSimulator(async (sim, workspace) => {
    const run = await check(workspace, oauthConfigFor(sim));
    const status = statusOf(run);
    assert.equal(status.status, "FAILED", status.message);
    assert.match(status.message ?? "", /^No organization stream can be read with this token\./);
    assert.match(status.message ?? "", /Granted scopes: none\./);
    assert.equal(sim.count("posts"), 0);
  }, { scopes: [] });
});

Deno.test("check (access token) without r_organization_social probes the posts, gets a 403 and still succeeds naming the blocked streams", async () => {
  await withSimulator(async (sim, workspace) => {
    const token = sim.issueAccessToken({ scopes: ["rw_organization_admin"] });
    const run = await check(
      workspace,
      configFor(sim, { credentials: { auth_method: "access_token", access_token: token } }),
    );
    const status = statusOf(run);
    assert.equal(status.status, "SUCCEEDED", status.message);
    const message = status.message ?? "";
    const social = streamsNeeding("r_organization_social");
    assert.ok(message.includes(`${social.join(", ")}: need r_organization_social`), message);
    assert.deepEqual(blockedByScope(message).get("r_organization_social"), social);
    assert.ok(social.includes("ugc_posts") && social.includes("shares"));
    const posts = sim.requests.filter((r) => r.endpoint === "posts");
    assert.deepEqual(posts.map((r) => r.status), [403]);
    assert.equal(sim.count("organizations"), 1);
    assert.equal(sim.count("introspectToken"), 0);
    assert.equal(sim.count("accessToken"), 0);
    assert.ok(!run.stdout.includes(token) && !run.stderr.includes(token));
  });
});

Deno.test("check (access token) with a token holding none of the streams' scopes fails", async () => {
  await withSimulator(async (sim, workspace) => {
    const token = sim.issueAccessToken({ scopes: [] });
    const run = await check(
      workspace,
      configFor(sim, { credentials: { auth_method: "access_token", access_token: token } }),
    );
    const status = statusOf(run);
    assert.equal(status.status, "FAILED", status.message);
    assert.ok(status.message && status.message.length > 0);
    assert.ok(sim.requests.length > 0 && sim.requests.every((r) => r.status === 403));
    assert.ok(!run.stdout.includes(token) && !run.stderr.includes(token));
  });
});

// ---------------------------------------------------------------------------------------------
// read: the refresh token's expiry warning

/** LinkedIn rejects the next access token once, so the connector refreshes a second time. */
const rejectTokenOnce = (sim: LinkedInSimulator) =>
  sim.inject({
    endpoint: "networkSizes",
    times: 1,
    action: { status: 401, body: { status: 401, message: "Invalid access token" } },
  });

/** The WARN lines about the refresh token. */
const refreshWarnings = (run: Run) =>
  logsOf(run.messages, "WARN").filter((line) => /refresh token/i.test(line));

Deno.test("read (OAuth) warns exactly once when the refresh token expires in 10 days, with the date and what to do", async () => {
  const startedAt = Date.now();
  await withSimulator(async (sim, workspace) => {
    // A rejected token makes the connector refresh a second time: still one warning.
    rejectTokenOnce(sim);
    const run = await read(workspace, oauthConfigFor(sim), ["total_follower_count"]);
    const endedAt = Date.now();
    assertOk(run);
    assert.equal(sim.count("accessToken"), 2);
    const warnings = refreshWarnings(run);
    assert.equal(warnings.length, 1, JSON.stringify(logsOf(run.messages, "WARN")));
    const match = /^The refresh token expires on (\d{4}-\d\d-\d\d) \(in (\d+) days\)/.exec(
      warnings[0],
    );
    assert.ok(match, warnings[0]);
    assert.ok(
      datesBetween(startedAt + 10 * DAY - 1000, endedAt + 10 * DAY).includes(match[1]),
      match[1],
    );
    // Ten days from the simulator's start, a little less from the refresh: 9 whole days.
    assert.equal(match[2], "9");
    assert.ok(warnings[0].includes("credentials.refresh_token"), warnings[0]);
    assert.match(warnings[0], /authorize the app again/);
    assert.equal(lastStatus(run.messages, "total_follower_count"), "COMPLETE");
  }, { refreshTokenTtlSeconds: 10 * 86_400 });
});

Deno.test("read (OAuth) with the default 365-day refresh token gives no expiry warning", async () => {
  await withSimulator(async (sim, workspace) => {
    const run = await read(workspace, oauthConfigFor(sim), ["total_follower_count"]);
    assertOk(run);
    assert.equal(sim.count("accessToken"), 1);
    assert.deepEqual(refreshWarnings(run), []);
    assert.ok(!run.stdout.includes("expires on"), run.stdout);
  });
});

// ---------------------------------------------------------------------------------------------
// read: refresh-token rotation

const controlsOf = (run: Run) => run.messages.filter((m) => m.type === "CONTROL");

Deno.test("read with a rotated refresh token sends the updated config in one CONTROL message; only that config works afterwards", async () => {
  await withSimulator(async (sim, workspace) => {
    const original = oauthConfigFor(sim);
    const run = await read(workspace, original, ["total_follower_count"]);
    assertOk(run);
    const controls = controlsOf(run);
    assert.equal(controls.length, 1, run.stdout);
    assert.equal(controls[0].control.type, "CONNECTOR_CONFIG");
    assert.ok(Number.isInteger(controls[0].control.emitted_at));
    const rotated = sim.currentRefreshToken();
    assert.notEqual(rotated, sim.refreshToken);
    const updated = controls[0].control.connectorConfig.config;
    const credentials = original.credentials as Config;
    assert.deepEqual(updated, {
      ...original,
      credentials: { ...credentials, refresh_token: rotated },
    });
    // The new refresh token and the client secret are printed only in the CONTROL line.
    const controlLine = run.stdout.split("\n").find((line) => line.includes('"CONTROL"'))!;
    assert.deepEqual(linesWith(run.stdout, rotated), [controlLine]);
    assert.deepEqual(linesWith(run.stdout, sim.clientSecret), [controlLine]);
    assert.equal(run.stdout.split(rotated).length - 1, 1);
    for (const secret of [rotated, sim.clientSecret, sim.refreshToken]) {
      assert.ok(!run.stderr.includes(secret));
    }
    assert.ok(
      logsOf(run.messages, "INFO").some((line) =>
        line.startsWith("LinkedIn returned a new refresh token") &&
        line.includes("credentials.refresh_token")
      ),
    );

    // The original refresh token has been replaced: a config_error about it.
    const stale = await read(workspace, original, ["total_follower_count"]);
    assert.equal(stale.code, 1, stale.stderr);
    const errors = errorsOf(stale.messages);
    assert.equal(errors.length, 1, stale.stdout);
    assert.equal(errors[0].failure_type, "config_error");
    assert.match(errors[0].message, /refresh token/i);
    assert.deepEqual(controlsOf(stale), []);
    assert.ok(!stale.stdout.includes(sim.refreshToken) && !stale.stderr.includes(sim.refreshToken));

    // The config from the CONTROL message works (and rotates once more).
    const next = await read(workspace, updated, ["total_follower_count"]);
    assertOk(next);
    assert.equal(lastStatus(next.messages, "total_follower_count"), "COMPLETE");
    const nextControls = controlsOf(next);
    assert.equal(nextControls.length, 1);
    assert.equal(
      nextControls[0].control.connectorConfig.config.credentials.refresh_token,
      sim.currentRefreshToken(),
    );
    assert.notEqual(sim.currentRefreshToken(), rotated);
  }, { rotateRefreshTokens: true });
});

Deno.test("read with rotation refreshing twice (a 401) uses the rotated token the second time; the last CONTROL config works", async () => {
  await withSimulator(async (sim, workspace) => {
    rejectTokenOnce(sim);
    const run = await read(workspace, oauthConfigFor(sim), ["total_follower_count"]);
    assertOk(run);
    // Both refreshes were accepted: the second one sent the token the first one returned.
    const grants = sim.requests.filter((r) => r.endpoint === "accessToken");
    assert.deepEqual(grants.map((r) => r.status), [200, 200]);
    const controls = controlsOf(run);
    assert.equal(controls.length, 2, run.stdout);
    const tokens = controls.map((m) => m.control.connectorConfig.config.credentials.refresh_token);
    assert.equal(tokens[1], sim.currentRefreshToken());
    assert.notEqual(tokens[0], tokens[1]);
    assert.ok(!tokens.includes(sim.refreshToken));
    const next = await read(workspace, controls[1].control.connectorConfig.config, [
      "total_follower_count",
    ]);
    assertOk(next);
  }, { rotateRefreshTokens: true });
});

Deno.test("read without refresh-token rotation sends no CONTROL message", async () => {
  await withSimulator(async (sim, workspace) => {
    const run = await read(workspace, oauthConfigFor(sim), ["total_follower_count"]);
    assertOk(run);
    assert.equal(sim.count("accessToken"), 1);
    assert.equal(sim.currentRefreshToken(), sim.refreshToken);
    assert.deepEqual(controlsOf(run), []);
    assert.ok(!run.stdout.includes(sim.clientSecret) && !run.stdout.includes(sim.refreshToken));
  });
});

// ---------------------------------------------------------------------------------------------
// Credentials that cannot be sent in an HTTP header

interface Unsendable {
  name: string;
  /** The bad value from a good one. */
  spoil: (value: string) => string;
  /** What the message says about it, given the good value. */
  says: (value: string) => string;
}

const UNSENDABLE: Unsendable[] = [
  {
    name: "a trailing line break",
    spoil: (value) => `${value}\n`,
    says: (value) => `a control character (U+000A) at position ${value.length + 1}`,
  },
  {
    name: "a space",
    spoil: (value) => `${value.slice(0, 10)} ${value.slice(10)}`,
    says: () => "a space at position 11",
  },
  {
    name: "an ellipsis (U+2026)",
    spoil: (value) => `${value.slice(0, 12)}\u2026`,
    says: () => "a non-ASCII character (U+2026) at position 13",
  },
];

interface Field {
  field: string;
  /** The config with the spoiled value, and the good value it came from. */
  config: (sim: LinkedInSimulator, spoil: (value: string) => string) => {
    config: Config;
    good: string;
  };
}

const FIELDS: Field[] = [
  {
    field: "credentials.access_token",
    config: (sim, spoil) => ({
      good: sim.accessToken,
      config: configFor(sim, {
        credentials: { auth_method: "access_token", access_token: spoil(sim.accessToken) },
      }),
    }),
  },
  {
    field: "credentials.client_secret",
    config: (sim, spoil) => {
      const config = oauthConfigFor(sim);
      const credentials = config.credentials as Config;
      return {
        good: sim.clientSecret,
        config: {
          ...config,
          credentials: { ...credentials, client_secret: spoil(sim.clientSecret) },
        },
      };
    },
  },
];

/** Neither the value nor a recognisable part of it is printed. */
function assertNotEchoed(run: Run, good: string): void {
  for (const part of [good, good.slice(0, 10), good.slice(-10)]) {
    assert.ok(!run.stdout.includes(part), `stdout echoes ${part}`);
    assert.ok(!run.stderr.includes(part), `stderr echoes ${part}`);
  }
}

for (const { field, config } of FIELDS) {
  for (const { name, spoil, says } of UNSENDABLE) {
    Deno.test(`${field} with ${name}: check FAILED and read one config_error naming the file, field and position, before any request`, async () => {
      await withSimulator(async (sim, workspace) => {
        const { config: bad, good } = config(sim, spoil);
        const path = fileIn(workspace, bad);
        const expected = `${path}: ${field} has ${
          says(good)
        }, which cannot be sent in an HTTP header.`;

        const checked = await runConnector(["check", "--config", path]);
        const status = statusOf(checked);
        assert.equal(status.status, "FAILED");
        assert.ok(status.message?.startsWith(expected), status.message);
        assertNotEchoed(checked, good);

        const run = await runConnector(readArgs(path, fileIn(workspace, catalogFor(["shares"]))));
        assert.equal(run.code, 1, run.stderr);
        const errors = errorsOf(run.messages);
        assert.equal(errors.length, 1, run.stdout);
        assert.equal(errors[0].failure_type, "config_error");
        assert.ok(errors[0].message.startsWith(expected), errors[0].message);
        assert.deepEqual(run.messages.map((m) => m.type), ["TRACE"], run.stdout);
        assertNotEchoed(run, good);

        assert.equal(sim.count(), 0);
      });
    });
  }
}
