/**
 * The README's Troubleshooting table against what the connector says: every row's
 * "what you see" must match a message of a real run against the simulator, or one the
 * code's message builders make, with the failure type or log level the row names.
 *
 * @module
 */
import assert from "node:assert/strict";
import { refreshTokenWarning, tokenSource } from "../lib/auth.ts";
import { parseConfig } from "../lib/config.ts";
import { ConnectorError } from "../lib/errors.ts";
import { resolveOrganizations } from "../lib/organizations.ts";
import {
  answerError,
  type AnswerOutcome,
  failedOutcome,
  judge,
  malformedAnswer,
  oauthAnswerError,
  type RequestFacts,
  retriesExhausted,
} from "../lib/outcomes.ts";
import {
  catalogFor,
  configFor,
  type Message,
  oauthConfigFor,
  readArgs,
  runConnector,
  Workspace,
} from "./harness.ts";
import { dailyLimitReached, LinkedInSimulator, type SimulatorOptions } from "./simulator/mod.ts";

/** A message the connector emits, with how it is emitted. */
interface Said {
  text: string;
  /** A failure type, "warning", "info", or "check" for a CONNECTION_STATUS message. */
  as: string;
}

const readme = Deno.readTextFileSync(new URL("../README.md", import.meta.url));

function rows(): { cell: string; pattern: RegExp; as?: string }[] {
  const section = readme.split("## Troubleshooting")[1].split("\n## ")[0];
  const lines = section.split("\n").filter((line) => line.startsWith("| `"));
  assert.ok(lines.length >= 20, `${lines.length} rows`);
  return lines.map((line) => {
    const cell = line.split(" | ")[0].slice(2);
    const seen = /^`(.+?)`(?: \((.+?)\))?/.exec(cell);
    assert.ok(seen, cell);
    const annotation = seen[2]?.replaceAll("`", "");
    const as = annotation === "in check"
      ? "check"
      : annotation?.match(/config_error|transient_error|system_error|warning|info/)?.[0];
    return { cell, pattern: patternOf(seen[1]), as };
  });
}

// "..." stands for any text, <file> for a file name; N, S, V, W, X, HOST, FIELD, SCOPE,
// DATE and <field> for one word.
function patternOf(seen: string): RegExp {
  const parts = seen.split(/(\.\.\.|<file>|<field>|\b(?:N|S|V|W|X|HOST|FIELD|SCOPE|DATE)\b)/);
  return new RegExp(
    parts.map((part, index) =>
      index % 2 === 0
        ? part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")
        : part === "..."
        ? "[\\s\\S]*?"
        : part === "<file>"
        ? "\\S+\\.json"
        : "\\S+"
    ).join(""),
  );
}

function saidIn(messages: Message[]): Said[] {
  return messages.flatMap((m): Said[] => {
    if (m.type === "LOG") {
      const level = m.log.level === "WARN" ? "warning" : m.log.level.toLowerCase();
      return [{ text: m.log.message, as: level }];
    }
    if (m.type === "TRACE" && m.trace.type === "ERROR") {
      return [{ text: m.trace.error.message, as: m.trace.error.failure_type }];
    }
    if (m.type === "CONNECTION_STATUS") {
      return [{ text: m.connectionStatus.message ?? "", as: "check" }];
    }
    return [];
  });
}

/** Runs `read` (or `check` without streams) against a simulator set up by `setup`. */
async function run(
  options: SimulatorOptions,
  setup: (sim: LinkedInSimulator) => Record<string, unknown>,
  streams?: string[],
): Promise<Said[]> {
  const sim = await LinkedInSimulator.start(options);
  using workspace = new Workspace();
  try {
    const config = workspace.file("config.json", setup(sim));
    const args = streams
      ? readArgs(config, workspace.file("catalog.json", catalogFor(streams)))
      : ["check", "--config", config];
    return saidIn((await runConnector(args)).messages);
  } finally {
    await sim.close();
  }
}

const answer = (status: number, message: string): AnswerOutcome => ({
  type: "answer",
  status,
  headers: new Headers(),
  body: { status, message },
  json: true,
});

/** The client's error for an answer, of the failure type the table gives it. */
function answerErrorOf(outcome: AnswerOutcome, facts: RequestFacts): Said {
  const verdict = judge(outcome, { versionPinned: true });
  assert.ok("kind" in verdict, verdict.action);
  return error(() => answerError(outcome, verdict.kind, facts));
}

function error(make: () => unknown): Said {
  try {
    const made = make();
    if (made instanceof ConnectorError) return { text: made.message, as: made.kind };
  } catch (thrown) {
    if (thrown instanceof ConnectorError) return { text: thrown.message, as: thrown.kind };
    throw thrown;
  }
  throw new Error("no ConnectorError");
}

async function corpus(): Promise<Said[]> {
  const facts = {
    where: "stream shares, organization 1, GET /rest/posts",
    scope: "r_organization_social",
    needsPageRole: true,
    organizationId: "1",
    queryLength: 5000,
    version: "202601",
    tokenRejected: (says: string) => says,
  };
  const refused = failedOutcome(
    new TypeError("fetch failed", { cause: new Error("Connection refused (os error 111)") }),
    "https://api.linkedin.com/rest/posts",
  );
  const accessToken = tokenSource(
    { kind: "access_token", accessToken: "t" },
    "",
    {} as never,
    () => {},
  );
  const noAdministrator = {
    get: () => Promise.resolve({ paging: { start: 0, count: 100 }, elements: [] }),
  };
  const built: Said[] = [
    error(() => retriesExhausted(answer(429, "Resource level throttle"), "stream shares", 5, {})),
    error(() => retriesExhausted(answer(503, "busy"), "stream shares", 5, {})),
    error(() => retriesExhausted(refused, "check, GET /rest/organizations/1", 3, {})),
    error(() =>
      parseConfig(
        { credentials: { auth_method: "access_token", access_token: "AQ\n" } },
        "config.json",
      )
    ),
    error(() => parseConfig({ credentials: { auth_method: "access_token" } }, "config.json")),
    { text: accessToken.rejectedMessage("Invalid access token"), as: "config_error" },
    error(() =>
      oauthAnswerError(answer(401, "Client authentication failed"), "the OAuth token refresh", "")
    ),
    { text: refreshTokenWarning(Date.now() + 10 * 86_400_000, Date.now())!, as: "warning" },
    ...[403, 426, 400, 404, 414].map((status) => answerErrorOf(answer(status, "no"), facts)),
    answerErrorOf(answer(400, "Invalid timeIntervals parameter"), facts),
    error(() => malformedAnswer(facts.where, "firstDegreeSize: must be integer")),
  ];
  const noOrganizations = await resolveOrganizations(undefined, noAdministrator).catch((e) => e);
  built.push({ text: noOrganizations.message, as: noOrganizations.kind });
  const runs = await Promise.all([
    run({}, (sim) => {
      sim.inject({ endpoint: "networkSizes", times: 1, action: { status: 500, body: {} } });
      return configFor(sim);
    }, ["total_follower_count"]),
    run({}, (sim) => {
      sim.inject({
        endpoint: "networkSizes",
        action: { status: 429, body: dailyLimitReached().body },
      });
      return configFor(sim);
    }, ["total_follower_count"]),
    run({}, (sim) => {
      sim.expireRefreshToken();
      return oauthConfigFor(sim);
    }, ["total_follower_count"]),
    run({ rotateRefreshTokens: true }, (sim) => oauthConfigFor(sim), ["total_follower_count"]),
    run({ scopes: ["rw_organization_admin"] }, (sim) => oauthConfigFor(sim), ["shares"]),
    run({ scopes: ["rw_organization_admin"] }, (sim) => oauthConfigFor(sim)),
    run({ activeVersions: { oldest: "202609", newest: "202612" } }, configFor, [
      "total_follower_count",
    ]),
    run({ activeVersions: { oldest: "209901", newest: "209912" } }, configFor, [
      "total_follower_count",
    ]),
    run({}, configFor, ["video_analytics"]),
    run({ apiTier: "development" }, configFor, ["post_social_metadata"]),
    run({ apiTier: "development" }, (sim) => configFor(sim, { api_tier: "standard" }), [
      "post_social_metadata",
    ]),
    run({}, (sim) => {
      sim.inject({
        endpoint: "socialMetadataBatch",
        times: 1,
        action: { status: 200, body: { results: {} } },
      });
      return configFor(sim);
    }, ["post_social_metadata"]),
  ]);
  return [...built, ...runs.flat()];
}

Deno.test("troubleshooting: every row of the README's table is something the connector says", async () => {
  const said = await corpus();
  for (const row of rows()) {
    const matching = said.filter((s) => row.pattern.test(s.text));
    assert.ok(matching.length > 0, `no message matches the row ${row.cell}\n${row.pattern}`);
    if (row.as) {
      assert.ok(
        matching.some((s) => s.as === row.as),
        `${row.cell}: said as ${[...new Set(matching.map((s) => s.as))].join(", ")}, not ${row.as}`,
      );
    }
  }
});

Deno.test("troubleshooting: the table's patterns are specific", () => {
  // A row that matched anything would prove nothing.
  for (const row of rows()) {
    assert.ok(!row.pattern.test("Unexpected answer for stream x: HTTP 418."), row.cell);
  }
});
