import assert from "node:assert/strict";
import { ConnectorError } from "../lib/errors.ts";
import {
  answerError,
  type AnswerOutcome,
  DailyLimitError,
  dailyLimitReached,
  describe,
  failedOutcome,
  forbiddenHost,
  isDailyLimit,
  judge,
  linkedInMessage,
  malformedAnswer,
  MAX_ATTEMPTS,
  nextUtcMidnight,
  oauthAnswerError,
  type Outcome,
  type RequestFacts,
  retriesExhausted,
  UNREACHABLE_ATTEMPTS,
} from "../lib/outcomes.ts";
import { closedPort } from "./harness.ts";

const LABEL = "stream shares, GET /rest/posts";
const APP_MEMBER_DAY =
  "Resource level throttle APPLICATION_AND_MEMBER DAY limit for calls to this resource is reached.";
const APP_DAY =
  "Resource level throttle APPLICATION DAY limit for calls to this resource is reached.";
const THROTTLED = "Resource level throttle limit for calls to this resource is reached.";

function answer(
  status: number,
  body: unknown = {},
  { json = true, headers = {} }: { json?: boolean; headers?: Record<string, string> } = {},
): AnswerOutcome {
  return { type: "answer", status, headers: new Headers(headers), body, json };
}

const timeout = (afterMs = 30_000): Outcome => ({
  type: "timeout",
  afterMs,
  error: new DOMException("The operation was aborted due to timeout", "TimeoutError"),
});
const network = (): Outcome => ({
  type: "network",
  detail: "fetch failed: connection closed before message completed",
  error: new TypeError("fetch failed"),
});
const unreachable = (host = "127.0.0.1:9"): Outcome => ({
  type: "unreachable",
  host,
  cause: "connection refused",
  error: new TypeError("fetch failed"),
});

const RETRY_FAULT = { action: "retry", backoff: "fault", attempts: 5 };
const RETRY_THROTTLE = { action: "retry", backoff: "throttle", attempts: 5 };

/** What `fetch(url, init)` threw; fails the test if it answered. */
async function fetchError(url: string, init?: RequestInit): Promise<Error> {
  try {
    const response = await fetch(url, init);
    await response.body?.cancel();
  } catch (error) {
    assert.ok(error instanceof Error, `fetch threw a non-Error: ${error}`);
    return error;
  }
  assert.fail(`expected fetch of ${url} to fail`);
}

function facts(overrides: Partial<RequestFacts> = {}): RequestFacts {
  return {
    where: "stream shares, organization 1, GET /rest/posts",
    version: "202601",
    tokenRejected: (says) => `token rejected: ${says}`,
    ...overrides,
  };
}

// ---------------------------------------------------------------- the table (judge)

Deno.test("outcomes: the attempt limits are 5, and 3 for a host never reached", () => {
  assert.equal(MAX_ATTEMPTS, 5);
  assert.equal(UNREACHABLE_ATTEMPTS, 3);
});

Deno.test("outcomes: a 429 naming a DAY limit stops the endpoint", () => {
  for (const message of [APP_MEMBER_DAY, APP_DAY]) {
    assert.deepEqual(judge(answer(429, { status: 429, message }), {}), {
      action: "stop_endpoint",
      kind: "transient_error",
    });
  }
});

Deno.test("outcomes: a generic 429 is retried with throttle backoff, 5 attempts", () => {
  assert.deepEqual(judge(answer(429, { status: 429, message: THROTTLED }), {}), RETRY_THROTTLE);
  assert.deepEqual(judge(answer(429, {}), {}), RETRY_THROTTLE);
  assert.deepEqual(judge(answer(429, "Too Many Requests", { json: false }), {}), RETRY_THROTTLE);
});

Deno.test("outcomes: 408, 500, 502, 503 and 504 are retried with fault backoff, 5 attempts", () => {
  for (const status of [408, 500, 502, 503, 504]) {
    assert.deepEqual(judge(answer(status, { status }), {}), RETRY_FAULT, `HTTP ${status}`);
    // Whatever the message says: only a 429 can be a daily limit.
    assert.deepEqual(judge(answer(status, { message: APP_DAY }), {}), RETRY_FAULT);
  }
});

Deno.test("outcomes: a 2xx JSON object or array is used", () => {
  assert.deepEqual(judge(answer(200, { elements: [] }), {}), { action: "use" });
  assert.deepEqual(judge(answer(200, [{ id: 1 }]), {}), { action: "use" });
  assert.deepEqual(judge(answer(201, {}), {}), { action: "use" });
  assert.deepEqual(judge(answer(204, {}), {}), { action: "use" });
});

Deno.test("outcomes: a 2xx that is not JSON, or a JSON string, number or null, is retried", () => {
  const notJson = answer(200, undefined, { json: false, headers: { "content-type": "text/html" } });
  assert.deepEqual(judge(notJson, {}), RETRY_FAULT);
  // json:false wins even if something object-like was kept as the body.
  assert.deepEqual(judge(answer(200, {}, { json: false }), {}), RETRY_FAULT);
  for (const body of ["elements", 42, null]) {
    assert.deepEqual(judge(answer(200, body), {}), RETRY_FAULT, `body ${JSON.stringify(body)}`);
  }
});

Deno.test("outcomes: a 401 refreshes the token once it can, else fails the run", () => {
  assert.deepEqual(judge(answer(401), { canRefresh: true }), { action: "refresh_token" });
  assert.deepEqual(judge(answer(401), { canRefresh: false }), {
    action: "fail_run",
    kind: "config_error",
  });
  assert.deepEqual(judge(answer(401), {}), { action: "fail_run", kind: "config_error" });
});

Deno.test("outcomes: a 426 steps the version unless it is pinned", () => {
  assert.deepEqual(judge(answer(426), { versionPinned: true }), {
    action: "fail_run",
    kind: "config_error",
  });
  assert.deepEqual(judge(answer(426), { versionPinned: false }), { action: "step_version" });
  assert.deepEqual(judge(answer(426), {}), { action: "step_version" });
});

Deno.test("outcomes: 403 and 404 fail the partition as config_error", () => {
  for (const status of [403, 404]) {
    // Circumstances that change other verdicts change nothing here.
    assert.deepEqual(judge(answer(status), { canRefresh: true, versionPinned: true }), {
      action: "fail_partition",
      kind: "config_error",
    });
  }
});

Deno.test("outcomes: a 400 refusing the date window is config_error, other 4xx system_error", () => {
  const window = answer(400, {
    status: 400,
    message: "Invalid timeIntervals: start must be within the last 12 months",
  });
  assert.deepEqual(judge(window, {}), { action: "fail_partition", kind: "config_error" });
  for (
    const outcome of [
      answer(400, { status: 400, message: "Invalid query parameter q" }),
      answer(400, {}),
      answer(414, { status: 414, message: "URI Too Long" }),
      answer(418, { status: 418 }),
    ]
  ) {
    assert.deepEqual(judge(outcome, {}), { action: "fail_partition", kind: "system_error" });
  }
});

Deno.test("outcomes: timeouts and network errors are retried, 5 attempts", () => {
  assert.deepEqual(judge(timeout(), {}), RETRY_FAULT);
  assert.deepEqual(judge(network(), {}), RETRY_FAULT);
});

Deno.test("outcomes: an unreachable host gets 3 attempts, 5 once it has answered", () => {
  assert.deepEqual(judge(unreachable(), {}), { ...RETRY_FAULT, attempts: 3 });
  assert.deepEqual(judge(unreachable(), { hostReached: false }), { ...RETRY_FAULT, attempts: 3 });
  assert.deepEqual(judge(unreachable(), { hostReached: true }), RETRY_FAULT);
});

Deno.test("outcomes: isDailyLimit recognizes only a DAY limit message", () => {
  assert.equal(isDailyLimit({ status: 429, message: APP_MEMBER_DAY }), true);
  assert.equal(isDailyLimit({ status: 429, message: APP_DAY }), true);
  assert.equal(isDailyLimit({ error: "x", error_description: APP_DAY }), true);
  assert.equal(isDailyLimit({ status: 429, message: THROTTLED }), false);
  assert.equal(isDailyLimit({ status: 429, message: "TODAY limit" }), false);
  assert.equal(isDailyLimit({}), false);
  assert.equal(isDailyLimit(APP_DAY), false);
  assert.equal(isDailyLimit(null), false);
  assert.equal(isDailyLimit(undefined), false);
});

// ---------------------------------------------------------------- linkedInMessage

Deno.test("outcomes: linkedInMessage reads API and OAuth error bodies", () => {
  assert.equal(linkedInMessage({ status: 429, message: THROTTLED }), THROTTLED);
  assert.equal(
    linkedInMessage({ error: "invalid_client", error_description: "Client authentication failed" }),
    "Client authentication failed",
  );
  assert.equal(linkedInMessage({ error: "invalid_request" }), "invalid_request");
  // The API's message comes first.
  assert.equal(linkedInMessage({ message: "api", error_description: "oauth", error: "e" }), "api");
});

Deno.test("outcomes: linkedInMessage is undefined for non-objects and non-string messages", () => {
  for (const body of [undefined, null, "boom", 42, true, [], {}, { status: 500 }]) {
    assert.equal(linkedInMessage(body), undefined, `body ${JSON.stringify(body)}`);
  }
  assert.equal(linkedInMessage({ message: 42 }), undefined);
  assert.equal(linkedInMessage({ error: { code: 1 } }), undefined);
});

// ---------------------------------------------------------------- failedOutcome

Deno.test("outcomes: failedOutcome classifies a refused connection from Deno's fetch", async () => {
  const base = closedPort();
  const url = `${base}/rest/posts?q=author`;
  const error = await fetchError(url);
  const outcome = failedOutcome(error, url);
  assert.deepEqual(outcome, {
    type: "unreachable",
    host: new URL(base).host,
    cause: "connection refused",
    error,
  });
  assert.match(new URL(base).host, /^127\.0\.0\.1:\d+$/);
  assert.equal(describe(outcome), `connection refused for ${new URL(base).host}`);
});

Deno.test("outcomes: failedOutcome classifies a name that does not resolve", async () => {
  const url = "http://no-such-host.invalid/";
  const error = await fetchError(url);
  const outcome = failedOutcome(error, url);
  assert.deepEqual(outcome, {
    type: "unreachable",
    host: "no-such-host.invalid",
    cause: "name not resolved",
    error,
  });
  assert.equal(describe(outcome), "name not resolved for no-such-host.invalid");
});

Deno.test("outcomes: failedOutcome classifies a timeout when one is given", async () => {
  // A server that accepts the connection and never answers.
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const accepted = listener.accept();
  const url = `http://127.0.0.1:${listener.addr.port}/rest/posts`;
  try {
    const error = await fetchError(url, { signal: AbortSignal.timeout(50) });
    assert.equal(error.name, "TimeoutError");
    assert.deepEqual(failedOutcome(error, url, 50), { type: "timeout", afterMs: 50, error });
    assert.equal(describe(failedOutcome(error, url, 30_000)), "no complete answer within 30 s");
    // The timeout wins over what the error says.
    const refused = await fetchError(`${closedPort()}/x`);
    assert.equal(failedOutcome(refused, url, 1_500).type, "timeout");
    assert.equal(describe(failedOutcome(refused, url, 1_500)), "no complete answer within 1.5 s");
  } finally {
    (await accepted).close();
    listener.close();
  }
});

Deno.test("outcomes: failedOutcome makes any other failure a network error", async () => {
  // A server that closes every connection without answering.
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const dropping = listener.accept().then((conn) => conn.close());
  const url = `http://127.0.0.1:${listener.addr.port}/rest/posts`;
  try {
    const error = await fetchError(url);
    const outcome = failedOutcome(error, url);
    assert.equal(outcome.type, "network");
    if (outcome.type !== "network") return;
    assert.equal(outcome.error, error);
    assert.ok(outcome.detail.startsWith(`${error.message}: `), outcome.detail);
    assert.ok(outcome.detail.includes((error.cause as Error).message), outcome.detail);
    assert.equal(describe(outcome), `network error: ${outcome.detail}`);
  } finally {
    await dropping;
    listener.close();
  }
  const plain = new Error("socket hang up");
  assert.deepEqual(failedOutcome(plain, "https://api.linkedin.com/rest/posts"), {
    type: "network",
    detail: "socket hang up",
    error: plain,
  });
});

// ---------------------------------------------------------------- describe

Deno.test("outcomes: describe quotes the status, LinkedIn's message and x-li-uuid", () => {
  assert.equal(describe(answer(500, { message: "boom" })), 'HTTP 500 "boom"');
  assert.equal(describe(answer(500, {})), "HTTP 500");
  assert.equal(
    describe(
      answer(503, { message: "Service Unavailable" }, { headers: { "x-li-uuid": "abc==" } }),
    ),
    'HTTP 503 "Service Unavailable" (x-li-uuid abc==)',
  );
  assert.equal(
    describe(answer(502, "<html>", { json: false, headers: { "content-type": "text/html" } })),
    "HTTP 502 with a body that is not JSON (text/html)",
  );
  assert.equal(
    describe(answer(200, undefined, { json: false })),
    "HTTP 200 with a body that is not JSON (unknown content type)",
  );
});

// ---------------------------------------------------------------- retriesExhausted

Deno.test("outcomes: retriesExhausted for a configured host never reached is config_error", async () => {
  const base = closedPort();
  const host = new URL(base).host;
  const error = await fetchError(`${base}/rest/posts`);
  const outcome = failedOutcome(error, `${base}/rest/posts`);
  const failure = retriesExhausted(outcome, LABEL, 3, {});
  assert.ok(failure instanceof ConnectorError);
  assert.equal(failure.kind, "config_error");
  assert.ok(
    failure.message.startsWith(
      `Cannot reach ${host} for ${LABEL}: connection refused (3 attempts).`,
    ),
    failure.message,
  );
  assert.ok(failure.message.includes("Check api_base_url and oauth_base_url"), failure.message);
  assert.ok(!failure.message.includes("resume"), failure.message);
  assert.equal(failure.cause, error);
  assert.equal(failure.status, undefined);
});

Deno.test("outcomes: retriesExhausted for LinkedIn's own host never reached is transient", async () => {
  const url = "http://no-such-host.invalid/rest/posts";
  const error = await fetchError(url);
  const failure = retriesExhausted(failedOutcome(error, url), LABEL, 3, { linkedInHost: true });
  assert.equal(failure.kind, "transient_error");
  assert.ok(
    failure.message.startsWith(
      `Cannot reach no-such-host.invalid for ${LABEL}: name not resolved (3 attempts).`,
    ),
    failure.message,
  );
  assert.ok(failure.message.includes("DNS, proxy and firewall"), failure.message);
  assert.ok(!failure.message.includes("api_base_url"), failure.message);
  assert.ok(!failure.message.includes("resume"), failure.message);
  assert.equal(failure.cause, error);
});

Deno.test("outcomes: retriesExhausted for a host that answered before says the next sync resumes", () => {
  const outcome = unreachable("api.example.test");
  for (const linkedInHost of [true, false]) {
    const failure = retriesExhausted(outcome, LABEL, 5, { hostReached: true, linkedInHost });
    assert.equal(failure.kind, "transient_error");
    assert.equal(
      failure.message,
      `Cannot reach api.example.test for ${LABEL}: connection refused (5 attempts). It answered ` +
        "earlier in this run; the next sync resumes from the last saved state.",
    );
    assert.equal(failure.cause, outcome.type === "unreachable" ? outcome.error : undefined);
  }
});

Deno.test("outcomes: retriesExhausted after 429s is the rate limit message", () => {
  const outcome = answer(429, { status: 429, message: THROTTLED }, {
    headers: { "x-li-uuid": "uuid-429" },
  });
  const failure = retriesExhausted(outcome, LABEL, 5, {});
  assert.equal(failure.kind, "transient_error");
  assert.equal(failure.status, 429);
  assert.ok(
    failure.message.startsWith(`Max try rate limit exceded for ${LABEL} after 5 attempts (`),
  );
  assert.ok(failure.message.includes(`"${THROTTLED}" (x-li-uuid uuid-429)`), failure.message);
  assert.ok(failure.message.includes("Lower max_concurrent_requests"), failure.message);
  assert.ok(failure.message.includes("the next sync resumes"), failure.message);
  assert.equal(failure.cause, undefined);
});

Deno.test("outcomes: retriesExhausted after 5xx quotes LinkedIn's message and x-li-uuid", () => {
  const outcome = answer(503, { status: 503, message: "Service Unavailable" }, {
    headers: { "x-li-uuid": "Xy9+AbC==" },
  });
  const failure = retriesExhausted(outcome, LABEL, 5, {});
  assert.equal(failure.kind, "transient_error");
  assert.equal(failure.status, 503);
  assert.equal(
    failure.message,
    `${LABEL} failed after 5 attempts: HTTP 503 "Service Unavailable" (x-li-uuid Xy9+AbC==). ` +
      "This is usually temporary on LinkedIn's side; the next sync resumes from the last saved state.",
  );
});

Deno.test("outcomes: retriesExhausted after timeouts and network errors keeps the cause", () => {
  const timedOut = timeout(30_000);
  const failure = retriesExhausted(timedOut, LABEL, 5, {});
  assert.equal(failure.kind, "transient_error");
  assert.ok(
    failure.message.startsWith(`${LABEL} failed after 5 attempts: no complete answer within 30 s.`),
    failure.message,
  );
  assert.equal(failure.cause, timedOut.type === "timeout" ? timedOut.error : undefined);
  assert.equal(failure.status, undefined);
  const dropped = network();
  const again = retriesExhausted(dropped, LABEL, 5, {});
  assert.ok(again.message.includes("network error: fetch failed: connection closed"));
  assert.equal(again.cause, dropped.type === "network" ? dropped.error : undefined);
});

// ---------------------------------------------------------------- nextUtcMidnight

Deno.test("outcomes: nextUtcMidnight is strictly after now", () => {
  const midnight = Date.UTC(2026, 5, 15);
  assert.equal(nextUtcMidnight(midnight), Date.UTC(2026, 5, 16));
  assert.equal(nextUtcMidnight(midnight - 1), midnight);
  assert.equal(nextUtcMidnight(midnight + 1), Date.UTC(2026, 5, 16));
  assert.equal(
    new Date(nextUtcMidnight(Date.UTC(2026, 11, 1, 22, 30))).toISOString(),
    "2026-12-02T00:00:00.000Z",
  );
});

Deno.test("outcomes: nextUtcMidnight crosses month, leap day and year ends", () => {
  const iso = (now: number) => new Date(nextUtcMidnight(now)).toISOString();
  assert.equal(iso(Date.UTC(2026, 0, 31, 12)), "2026-02-01T00:00:00.000Z");
  assert.equal(iso(Date.UTC(2028, 1, 28, 5)), "2028-02-29T00:00:00.000Z");
  assert.equal(iso(Date.UTC(2028, 1, 29, 23, 59, 59, 999)), "2028-03-01T00:00:00.000Z");
  assert.equal(iso(Date.UTC(2026, 11, 31, 23, 59, 59, 999)), "2027-01-01T00:00:00.000Z");
  assert.equal(iso(Date.UTC(2026, 11, 31)), "2027-01-01T00:00:00.000Z");
});

// ---------------------------------------------------------------- dailyLimitReached

Deno.test("outcomes: dailyLimitReached names the endpoint, the reset and the hours left", () => {
  const outcome = answer(429, { status: 429, message: APP_DAY }, {
    headers: { "x-li-uuid": "u1" },
  });
  const now = Date.UTC(2026, 11, 1, 22);
  const error = dailyLimitReached(outcome, "GET /rest/posts", "stream shares", now);
  assert.ok(error instanceof DailyLimitError);
  assert.ok(error instanceof ConnectorError);
  assert.equal(error.kind, "transient_error");
  assert.equal(error.status, 429);
  assert.equal(error.quotaReset, Date.UTC(2026, 11, 2));
  assert.equal(
    error.message,
    "Max try rate limit exceded for GET /rest/posts: LinkedIn's daily limit for this endpoint is " +
      `used up (HTTP 429 "${APP_DAY}" (x-li-uuid u1), during stream shares). It resets at ` +
      "2026-12-02 00:00 UTC, in 2.0 hours; the next sync resumes from the last saved state. The " +
      "app's usage shows on its Analytics tab at https://www.linkedin.com/developers/apps.",
  );
});

Deno.test("outcomes: dailyLimitReached rounds the hours to one decimal", () => {
  const outcome = answer(429, { message: APP_MEMBER_DAY });
  const hours = (now: number) =>
    /in (\d+\.\d) hours/.exec(dailyLimitReached(outcome, "GET /rest/x", "check", now).message)
      ?.[1];
  assert.equal(hours(Date.UTC(2026, 0, 31, 22, 30)), "1.5");
  assert.equal(hours(Date.UTC(2026, 0, 31, 0, 0, 0, 1)), "24.0");
  assert.equal(hours(Date.UTC(2026, 0, 31, 23, 59, 59, 999)), "0.0");
  const yearEnd = dailyLimitReached(outcome, "GET /rest/x", "check", Date.UTC(2026, 11, 31, 18));
  assert.equal(yearEnd.quotaReset, Date.UTC(2027, 0, 1));
  assert.ok(yearEnd.message.includes("It resets at 2027-01-01 00:00 UTC, in 6.0 hours"));
});

// ---------------------------------------------------------------- answerError

Deno.test("outcomes: answerError for a 400 date window points at start_date", () => {
  const outcome = answer(400, { status: 400, message: "Invalid timeIntervals" });
  const error = answerError(outcome, "config_error", facts());
  assert.equal(error.kind, "config_error");
  assert.equal(error.status, 400);
  assert.ok(
    error.message.startsWith(
      "LinkedIn rejected the statistics date window for stream shares, organization 1, GET " +
        '/rest/posts: HTTP 400 "Invalid timeIntervals". ',
    ),
    error.message,
  );
  assert.ok(error.message.endsWith("check start_date and time_granularity_type."), error.message);
});

Deno.test("outcomes: answerError for another 400 quotes LinkedIn", () => {
  const outcome = answer(400, { status: 400, message: "Invalid param q" }, {
    headers: { "x-li-uuid": "u400" },
  });
  const error = answerError(outcome, "system_error", facts());
  assert.equal(error.kind, "system_error");
  assert.equal(error.status, 400);
  assert.equal(
    error.message,
    "LinkedIn rejected the request for stream shares, organization 1, GET /rest/posts: " +
      'HTTP 400 "Invalid param q" (x-li-uuid u400).',
  );
  assert.equal(error.cause, undefined);
});

Deno.test("outcomes: answerError for a 401 says what the credentials need", () => {
  const error = answerError(
    answer(401, { status: 401, message: "Invalid access token" }),
    "config_error",
    facts(),
  );
  assert.equal(error.kind, "config_error");
  assert.equal(error.status, 401);
  assert.equal(error.message, "token rejected: Invalid access token");
  assert.equal(
    error.internalMessage,
    'stream shares, organization 1, GET /rest/posts: HTTP 401 "Invalid access token"',
  );
  const silent = answerError(answer(401, {}), "config_error", facts());
  assert.equal(silent.message, "token rejected: HTTP 401");
});

Deno.test("outcomes: answerError for a 403 names the scope and the page role", () => {
  const outcome = answer(403, { status: 403, message: "Not enough permissions" });
  const tail = "A token carries only the scopes it was created with, and changing an app's " +
    "scopes invalidates the tokens created before.";
  const start = "LinkedIn denied access for stream shares, organization 1, GET /rest/posts: " +
    'HTTP 403 "Not enough permissions". ';
  const withRole = answerError(
    outcome,
    "config_error",
    facts({ scope: "r_organization_social", needsPageRole: true, organizationId: "1" }),
  );
  assert.equal(withRole.kind, "config_error");
  assert.equal(withRole.status, 403);
  assert.equal(
    withRole.message,
    `${start}The token needs the scope r_organization_social and the member must hold the ` +
      `ADMINISTRATOR role on the organization's page; grant both and create a new token. ${tail}`,
  );
  const scopeOnly = answerError(
    outcome,
    "config_error",
    facts({ scope: "r_organization_social", needsPageRole: false, organizationId: "1" }),
  );
  assert.equal(
    scopeOnly.message,
    `${start}The token needs the scope r_organization_social; grant it and create a new token. ${tail}`,
  );
  const roleOnly = answerError(outcome, "config_error", facts({ organizationId: "1" }));
  assert.equal(
    roleOnly.message,
    `${start}The member must hold the ADMINISTRATOR role on the organization's page. ${tail}`,
  );
  const product = answerError(outcome, "config_error", facts());
  assert.equal(
    product.message,
    `${start}Check that the app has the LinkedIn product this endpoint belongs to. ${tail}`,
  );
});

Deno.test("outcomes: answerError for a 404 advises on the organization id", () => {
  const outcome = answer(404, { status: 404, message: "Not Found" });
  const withOrg = answerError(outcome, "config_error", facts({ organizationId: "1" }));
  assert.equal(withOrg.status, 404);
  assert.equal(
    withOrg.message,
    'LinkedIn found nothing for stream shares, organization 1, GET /rest/posts: HTTP 404 "Not ' +
      'Found". Check that the organization id is right and that the member administers it.',
  );
  const without = answerError(outcome, "config_error", facts());
  assert.ok(without.message.endsWith('"Not Found". Report it if it persists.'), without.message);
  assert.ok(!without.message.includes("organization id"), without.message);
});

Deno.test("outcomes: answerError for a 414 gives the query length", () => {
  const outcome = answer(414, { status: 414, message: "URI Too Long" });
  const error = answerError(outcome, "system_error", facts({ queryLength: 5123 }));
  assert.equal(error.kind, "system_error");
  assert.equal(error.status, 414);
  assert.equal(
    error.message,
    "LinkedIn refused the request for stream shares, organization 1, GET /rest/posts as too " +
      'long: HTTP 414 "URI Too Long". The query was 5123 characters; please report this.',
  );
  assert.ok(
    answerError(outcome, "system_error", facts()).message.includes("The query was 0 characters"),
  );
});

Deno.test("outcomes: answerError for a 426 names the pinned version", () => {
  const outcome = answer(426, {
    status: 426,
    code: "NONEXISTENT_VERSION",
    message: "Requested version 20230101 is not active",
  });
  const error = answerError(outcome, "config_error", facts({ version: "202301" }));
  assert.equal(error.kind, "config_error");
  assert.equal(error.status, 426);
  assert.equal(
    error.message,
    "LinkedIn no longer serves the pinned API version 202301 for stream shares, organization 1, " +
      'GET /rest/posts: HTTP 426 "Requested version 20230101 is not active". Set ' +
      "linkedin_version to a current version (YYYYMM) or remove it.",
  );
});

Deno.test("outcomes: answerError for any other status is an unexpected answer", () => {
  const error = answerError(answer(418, { message: "I'm a teapot" }), "system_error", facts());
  assert.equal(error.kind, "system_error");
  assert.equal(error.status, 418);
  assert.equal(
    error.message,
    'Unexpected answer for stream shares, organization 1, GET /rest/posts: HTTP 418 "I\'m a teapot".',
  );
});

// ---------------------------------------------------------------- oauthAnswerError

const OAUTH = "the OAuth token refresh";
const HELP = "Generate a new refresh token.";

Deno.test("outcomes: oauthAnswerError for wrong client credentials is config_error", () => {
  const body = { error: "invalid_client", error_description: "Client authentication failed" };
  const expected = `LinkedIn rejected the client_id or client_secret during ${OAUTH} ` +
    '("Client authentication failed"). Copy both again from your app\'s Auth tab at ' +
    "https://www.linkedin.com/developers/apps.";
  for (const status of [401, 400]) {
    const error = oauthAnswerError(answer(status, body), OAUTH, HELP);
    assert.ok(error instanceof ConnectorError);
    assert.equal(error.kind, "config_error");
    assert.equal(error.status, status);
    assert.equal(error.message, expected);
  }
  const bare = oauthAnswerError(answer(401, {}), OAUTH, HELP);
  assert.equal(bare.kind, "config_error");
  assert.ok(bare.message.includes('client_secret during the OAuth token refresh ("HTTP 401")'));
});

Deno.test("outcomes: oauthAnswerError for a refused grant adds the help", () => {
  const body = { error: "invalid_grant", error_description: "The refresh token has expired" };
  const error = oauthAnswerError(answer(400, body), OAUTH, HELP);
  assert.equal(error.kind, "config_error");
  assert.equal(error.status, 400);
  assert.equal(
    error.message,
    `LinkedIn refused ${OAUTH} ("The refresh token has expired"). ${HELP}`,
  );
  assert.equal(
    oauthAnswerError(answer(400, body), OAUTH, "").message,
    `LinkedIn refused ${OAUTH} ("The refresh token has expired").`,
  );
});

Deno.test("outcomes: oauthAnswerError for a daily limit is a DailyLimitError", () => {
  const before = Date.now();
  const error = oauthAnswerError(answer(429, { status: 429, message: APP_DAY }), OAUTH, HELP);
  const after = Date.now();
  assert.ok(error instanceof DailyLimitError);
  assert.equal(error.kind, "transient_error");
  assert.equal(error.status, 429);
  assert.ok(
    [nextUtcMidnight(before), nextUtcMidnight(after)].includes(error.quotaReset),
    `${error.quotaReset}`,
  );
  assert.ok(error.message.startsWith("Max try rate limit exceded for POST /oauth/v2: "));
  assert.ok(error.message.includes(`during ${OAUTH})`), error.message);
  assert.ok(error.message.includes(APP_DAY), error.message);
});

Deno.test("outcomes: oauthAnswerError for anything else is system_error", () => {
  const failed = oauthAnswerError(answer(500, { message: "Internal Server Error" }), OAUTH, HELP);
  assert.equal(failed.kind, "system_error");
  assert.equal(failed.status, 500);
  assert.equal(
    failed.message,
    `Unexpected answer to ${OAUTH}: HTTP 500 ("Internal Server Error").`,
  );
  const throttled = oauthAnswerError(answer(429, { message: THROTTLED }), OAUTH, HELP);
  assert.ok(!(throttled instanceof DailyLimitError));
  assert.equal(throttled.kind, "system_error");
  assert.equal(throttled.message, `Unexpected answer to ${OAUTH}: HTTP 429 ("${THROTTLED}").`);
});

Deno.test("outcomes: oauthAnswerError for a 200 without the fields is system_error", () => {
  const error = oauthAnswerError(answer(200, { token_type: "Bearer" }), OAUTH, HELP);
  assert.equal(error.kind, "system_error");
  assert.equal(error.status, 200);
  assert.equal(
    error.message,
    `Unexpected answer to ${OAUTH}: an answer without the documented fields ("HTTP 200").`,
  );
  const html = oauthAnswerError(answer(200, undefined, { json: false }), OAUTH, HELP);
  assert.equal(html.kind, "system_error");
  assert.equal(html.message, `Unexpected answer to ${OAUTH}: HTTP 200 ("HTTP 200").`);
});

// ---------------------------------------------------------------- malformedAnswer, forbiddenHost

Deno.test("outcomes: malformedAnswer is a system_error naming the problem", () => {
  const error = malformedAnswer(
    "stream total_follower_count, GET /rest/networkSizes/urn%3Ali%3Aorganization%3A1",
    "firstDegreeSize: must be integer",
  );
  assert.ok(error instanceof ConnectorError);
  assert.equal(error.kind, "system_error");
  assert.equal(error.status, undefined);
  assert.equal(
    error.message,
    "LinkedIn's answer to stream total_follower_count, GET " +
      "/rest/networkSizes/urn%3Ali%3Aorganization%3A1 is not what LinkedIn documents: " +
      "firstDegreeSize: must be integer. Nothing of it was written; run again, and report it if " +
      "it persists.",
  );
});

Deno.test("outcomes: forbiddenHost is a config_error keeping the permission error", () => {
  const cause = new Deno.errors.NotCapable('Requires net access to "example.com:443"');
  const error = forbiddenHost("example.com:443", cause);
  assert.ok(error instanceof ConnectorError);
  assert.equal(error.kind, "config_error");
  assert.equal(
    error.message,
    "This build of the connector may not connect to example.com:443; point api_base_url and " +
      "oauth_base_url at LinkedIn's hosts.",
  );
  assert.equal(error.internalMessage, 'Requires net access to "example.com:443"');
  assert.equal(error.cause, cause);
});
