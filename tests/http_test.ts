import { NO_LIMIT } from "../lib/limiter.ts";
import assert from "node:assert/strict";
import { Usage } from "../lib/usage.ts";
import { ConnectorError } from "../lib/errors.ts";
import { linkedInMessage } from "../lib/outcomes.ts";
import { closedPort } from "./harness.ts";
import { type HttpOptions, MAX_ATTEMPTS, retryDelayMs, send } from "../lib/http.ts";
import { wait } from "../lib/timers.ts";
import type { LogLevel } from "../lib/protocol.ts";

const SCALE = 0.001;
const LABEL = "stream shares, GET /rest/posts";
const RETRY_LOG =
  /^Caught retryable error '(.*)' after (\d+) tries\. Waiting (\d+(?:\.\d+)?) seconds then retrying\.\.\./;

interface Seen {
  method: string;
  url: string;
  headers: Headers;
  body: string;
}

type Reply = (request: Request) => Response | Promise<Response>;

const json = (status: number, body: unknown, headers: Record<string, string> = {}) => () =>
  new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json", ...headers },
  });

const pendingDelays = new Set<() => void>();

/** Answers after `ms`, or as soon as the test server shuts down. */
const delayed = (ms: number, reply: Reply): Reply => async (request) => {
  await new Promise<void>((resolve) => {
    const release = () => {
      clearTimeout(timer);
      pendingDelays.delete(release);
      resolve();
    };
    const timer = setTimeout(release, ms);
    pendingDelays.add(release);
  });
  return reply(request);
};

/** Serves the scripted replies in order (the last one repeats) on 127.0.0.1, port 0. */
async function withServer(
  script: Reply[],
  fn: (url: string, seen: Seen[]) => Promise<void>,
): Promise<void> {
  const seen: Seen[] = [];
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => {} },
    async (request) => {
      const body = await request.text();
      seen.push({ method: request.method, url: request.url, headers: request.headers, body });
      return await script[Math.min(seen.length, script.length) - 1](request);
    },
  );
  try {
    await fn(`http://127.0.0.1:${server.addr.port}/rest/posts?q=author`, seen);
  } finally {
    for (const release of [...pendingDelays]) release();
    await server.shutdown();
  }
}

function httpOptions(overrides: Partial<HttpOptions> = {}) {
  const logs: { level: LogLevel; message: string }[] = [];
  let attempts = 0;
  const options: HttpOptions = {
    timeoutMs: 5_000,
    backoffScale: SCALE,
    signal: new AbortController().signal,
    log: (level, message) => logs.push({ level, message }),
    limit: {
      ...NO_LIMIT,
      run: (attempt) => {
        attempts++;
        return attempt();
      },
    },
    usage: new Usage(),
    ...overrides,
  };
  return { options, logs, attempts: () => attempts };
}

const warnings = (logs: { level: LogLevel; message: string }[]) =>
  logs.filter((log) => log.level === "WARN").map((log) => log.message);

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  assert.fail("expected a rejection");
}

Deno.test("http: retries 429, 408, 500 and 502, then returns the answer", async () => {
  const script = [
    json(429, {
      status: 429,
      message: "Resource level throttle limit for calls to this resource is reached.",
    }),
    json(408, { status: 408, message: "Request timed out" }),
    json(500, { status: 500, message: "Internal Server Error" }),
    json(502, { status: 502, message: "Bad Gateway" }),
    json(200, { elements: [{ id: "urn:li:share:1" }] }),
  ];
  await withServer(script, async (url, seen) => {
    const rateLimited: number[] = [];
    const { options, logs, attempts } = httpOptions();
    const before = Date.now();
    const response = await send({
      url,
      init: { headers: { "x-test": "1" } },
      label: LABEL,
      onRateLimited: (retryAt) => rateLimited.push(retryAt),
    }, options);
    assert.equal(response.status, 200);
    assert.deepEqual(response.body, { elements: [{ id: "urn:li:share:1" }] });
    assert.equal(seen.length, 5);
    assert.equal(attempts(), 5, "every attempt runs under the limit");
    assert.ok(seen.every((s) => s.headers.get("x-test") === "1" && s.method === "GET"));
    const retries = warnings(logs);
    assert.equal(retries.length, 4);
    const quoted = [
      "Resource level throttle limit for calls to this resource is reached.",
      "Request timed out",
      "Internal Server Error",
      "Bad Gateway",
    ];
    retries.forEach((message, index) => {
      const match = RETRY_LOG.exec(message);
      assert.ok(match, message);
      assert.equal(match[1], quoted[index]);
      assert.equal(Number(match[2]), index + 1);
      const waitMs = Number(match[3]) * 1000;
      const backoff = index === 0 ? "throttle" : "fault";
      const low = retryDelayMs(index + 1, backoff, null, SCALE, () => 0);
      const high = retryDelayMs(index + 1, backoff, null, SCALE, () => 1);
      assert.ok(waitMs >= low - 0.5 && waitMs <= high + 0.5, `${waitMs} not in [${low}, ${high}]`);
      assert.ok(message.includes(LABEL), message);
    });
    // onRateLimited only for the 429, with the time the retry happens.
    assert.equal(rateLimited.length, 1);
    assert.ok(rateLimited[0] >= before && rateLimited[0] <= Date.now());
  });
});

Deno.test("http: retries 503, 504, a 2xx that is not JSON and a timeout", async () => {
  const script: Reply[] = [
    json(503, { message: "Service Unavailable" }),
    json(504, { message: "Gateway Timeout" }),
    () => new Response("<html>maintenance</html>", { headers: { "content-type": "text/html" } }),
    delayed(3_000, json(200, { late: true })),
    json(200, { ok: 1 }),
  ];
  await withServer(script, async (url, seen) => {
    const { options, logs } = httpOptions({ timeoutMs: 150 });
    const started = Date.now();
    const response = await send({ url, init: {}, label: LABEL }, options);
    assert.deepEqual(response.body, { ok: 1 });
    assert.equal(seen.length, 5);
    assert.ok(Date.now() - started < 2_000, "the slow answer was not cut off");
    const retries = warnings(logs);
    assert.equal(retries.length, 4);
    assert.ok(retries.every((message) => RETRY_LOG.test(message)), retries.join("\n"));
    assert.equal(RETRY_LOG.exec(retries[0])?.[1], "Service Unavailable");
    assert.equal(RETRY_LOG.exec(retries[1])?.[1], "Gateway Timeout");
    assert.ok(retries[2].includes("not JSON"), retries[2]);
    assert.equal(Number(RETRY_LOG.exec(retries[3])?.[2]), 4);
  });
});

Deno.test("http: a 2xx with truncated JSON or a JSON scalar is retried", async () => {
  const script: Reply[] = [
    () => new Response('{"elements": [', { headers: { "content-type": "application/json" } }),
    json(200, "just a string"),
    json(200, 42),
    json(200, [1, 2]),
  ];
  await withServer(script, async (url, seen) => {
    const { options, logs } = httpOptions();
    const response = await send({ url, init: {}, label: LABEL }, options);
    assert.deepEqual(response.body, [1, 2]);
    assert.equal(seen.length, 4);
    assert.equal(warnings(logs).length, 3);
  });
});

Deno.test("http: an empty 2xx body is an empty object", async () => {
  await withServer([() => new Response(null, { status: 204 })], async (url, seen) => {
    const { options, logs } = httpOptions();
    const response = await send({ url, init: {}, label: LABEL }, options);
    assert.equal(response.status, 204);
    assert.deepEqual(response.body, {});
    assert.equal(seen.length, 1);
    assert.equal(warnings(logs).length, 0);
  });
});

Deno.test("http: gives up after exactly 5 attempts quoting LinkedIn and x-li-uuid", async () => {
  assert.equal(MAX_ATTEMPTS, 5);
  const reply = json(503, { status: 503, message: "Service is busy, try later" }, {
    "x-li-uuid": "AAYrQ1b2c3d4e5f6==",
  });
  await withServer([reply], async (url, seen) => {
    const rateLimited: number[] = [];
    const { options, logs } = httpOptions();
    const error = await rejection(
      send({ url, init: {}, label: LABEL, onRateLimited: (at) => rateLimited.push(at) }, options),
    );
    assert.ok(error instanceof ConnectorError, String(error));
    assert.equal(error.kind, "transient_error");
    assert.equal(seen.length, 5);
    assert.ok(error.message.includes(LABEL), error.message);
    assert.ok(error.message.includes('"Service is busy, try later"'), error.message);
    assert.ok(error.message.includes("AAYrQ1b2c3d4e5f6=="), error.message);
    assert.ok(error.message.includes("5 attempts"), error.message);
    assert.ok(!error.message.startsWith("Max try rate limit"), error.message);
    // A wait is announced before each retry, not after the last attempt.
    assert.equal(warnings(logs).length, 4);
    assert.equal(rateLimited.length, 0, "503 is not a rate limit");
  });
});

Deno.test("http: a short-term 429 until the end is a rate-limit error pointing at the next sync", async () => {
  const reply = json(429, {
    status: 429,
    message: "Member and Application level throttle limit reached",
  }, {
    "x-li-uuid": "uuid-429",
  });
  await withServer([reply], async (url, seen) => {
    const rateLimited: number[] = [];
    const { options } = httpOptions();
    const before = Date.now();
    const error = await rejection(
      send({ url, init: {}, label: LABEL, onRateLimited: (at) => rateLimited.push(at) }, options),
    );
    assert.ok(error instanceof ConnectorError);
    assert.equal(error.kind, "transient_error");
    assert.ok(error.message.startsWith("Max try rate limit exceded"), error.message);
    assert.ok(error.message.includes("the next sync resumes"), error.message);
    assert.ok(error.message.includes("Member and Application level throttle limit reached"));
    assert.ok(error.message.includes("uuid-429"));
    assert.ok(error.message.includes(LABEL));
    assert.equal(seen.length, 5);
    assert.equal(rateLimited.length, 4, "one notice per 429 backoff");
    for (const at of rateLimited) assert.ok(at >= before && at <= Date.now() + 1000);
  });
});

Deno.test("http: the last failure decides whether exhaustion is a rate limit", async () => {
  const limited = json(429, { message: "throttled" });
  const busy = json(503, { message: "busy" });
  await withServer([limited, limited, limited, limited, busy], async (url) => {
    const error = await rejection(send({ url, init: {}, label: LABEL }, httpOptions().options));
    assert.ok(error instanceof ConnectorError && !error.message.startsWith("Max try rate limit"));
  });
  await withServer([busy, busy, busy, busy, limited], async (url) => {
    const error = await rejection(send({ url, init: {}, label: LABEL }, httpOptions().options));
    assert.ok(error instanceof ConnectorError && error.message.startsWith("Max try rate limit"));
  });
});

Deno.test("http: 400, 401, 403, 404 and 426 are returned at once, without retry", async () => {
  for (const status of [400, 401, 403, 404, 426]) {
    const body = { status, message: `LinkedIn says ${status}`, serviceErrorCode: 100 };
    await withServer([json(status, body, { "x-li-uuid": `u${status}` })], async (url, seen) => {
      const { options, logs } = httpOptions();
      const response = await send({ url, init: {}, label: LABEL }, options);
      assert.equal(response.status, status);
      assert.deepEqual(response.body, body);
      assert.equal(response.headers.get("x-li-uuid"), `u${status}`);
      assert.equal(seen.length, 1, `HTTP ${status} was retried`);
      assert.equal(warnings(logs).length, 0);
    });
  }
});

Deno.test("http: a host that refuses connections is tried 3 times, then a config_error naming it", async () => {
  const port = new URL(closedPort()).port;
  const { options, logs, attempts } = httpOptions();
  const error = await rejection(
    send({ url: `http://127.0.0.1:${port}/x`, init: {}, label: LABEL }, options),
  );
  assert.ok(error instanceof ConnectorError);
  assert.equal(error.kind, "config_error");
  assert.match(
    error.message,
    new RegExp(
      `^Cannot reach 127\\.0\\.0\\.1:${port} for ${LABEL}: connection refused \\(3 attempts\\)`,
    ),
  );
  assert.ok(!error.message.includes("resume"), error.message);
  assert.match(String((error.cause as Error)?.stack), /TypeError/, "the original error is kept");
  assert.equal(attempts(), 3);
  assert.equal(warnings(logs).length, 2);
});

Deno.test("http: a host that answered before and then refuses is retried 5 times, as transient", async () => {
  const port = new URL(closedPort()).port;
  const { options, attempts } = httpOptions();
  options.usage.reached(`127.0.0.1:${port}`);
  const error = await rejection(
    send({ url: `http://127.0.0.1:${port}/x`, init: {}, label: LABEL }, options),
  );
  assert.ok(error instanceof ConnectorError);
  assert.equal(error.kind, "transient_error");
  assert.match(
    error.message,
    /connection refused \(5 attempts\)\. It answered earlier in this run/,
  );
  assert.equal(attempts(), 5);
});

Deno.test("http: a name that does not resolve is a config_error naming the host", async () => {
  const { options, attempts } = httpOptions();
  const error = await rejection(
    send({ url: "http://no-such-host.invalid/x", init: {}, label: LABEL }, options),
  );
  assert.ok(error instanceof ConnectorError);
  assert.equal(error.kind, "config_error");
  assert.match(
    error.message,
    /^Cannot reach no-such-host\.invalid for .*: name not resolved \(3 attempts\)/,
  );
  assert.equal(attempts(), 3);
});

Deno.test("http: usage counts requests, retries and 429s per endpoint", async () => {
  const limited = json(429, { message: "slow down" });
  const busy = json(500, { message: "busy" });
  await withServer([limited, busy, json(200, { ok: 1 })], async (url) => {
    const { options } = httpOptions();
    await send({ url, init: {}, label: LABEL }, options);
    assert.deepEqual(options.usage.of("GET /rest/posts"), {
      requests: 3,
      retried: 2,
      rateLimited: 1,
    });
    assert.deepEqual(options.usage.summary(), [
      "GET /rest/posts: 3 requests, 2 retried, 1 rate-limited.",
    ]);
  });
});

Deno.test("http: a daily-limit 429 is returned at once, without retry", async () => {
  const daily = json(429, {
    status: 429,
    serviceErrorCode: 101,
    code: "TOO_MANY_REQUESTS",
    message:
      "Resource level throttle APPLICATION_AND_MEMBER DAY limit for calls to this resource is reached.",
  });
  await withServer([daily], async (url, seen) => {
    const { options, logs } = httpOptions();
    const response = await send({ url, init: {}, label: LABEL }, options);
    assert.equal(response.status, 429);
    assert.equal(seen.length, 1);
    assert.equal(warnings(logs).length, 0);
  });
});

Deno.test("http: a stopped request is not sent", async () => {
  await withServer([json(200, {})], async (url, seen) => {
    const { options } = httpOptions();
    const stop = new Error("daily limit used up");
    const error = await rejection(
      send({ url, init: {}, label: LABEL, stopped: AbortSignal.abort(stop) }, options),
    );
    assert.equal(error, stop);
    assert.equal(seen.length, 0);
  });
});

Deno.test("http: a request waiting to retry ends as soon as it is stopped", async () => {
  const limited = json(429, { message: "slow down" }, { "retry-after": "60" });
  await withServer([limited], async (url, seen) => {
    const { options } = httpOptions({ backoffScale: 1 });
    const controller = new AbortController();
    const stop = new Error("daily limit used up");
    const sent = send({ url, init: {}, label: LABEL, stopped: controller.signal }, options);
    while (seen.length === 0) await wait(5, AbortSignal.timeout(5_000));
    await wait(50, AbortSignal.timeout(5_000));
    controller.abort(stop);
    // Not after the 60 s LinkedIn asked for: a guard far shorter ends the race otherwise.
    const cancel = new AbortController();
    const guard = wait(10_000, cancel.signal).then(() => "still waiting", () => "cancelled");
    assert.equal(await Promise.race([rejection(sent), guard]), stop);
    cancel.abort();
    await guard;
    assert.equal(seen.length, 1);
  });
});

Deno.test("http: a retry is not sent until beforeRetry resolves", async () => {
  const script = [json(500, { message: "busy" }), json(200, { ok: true })];
  await withServer(script, async (url, seen) => {
    const { options, logs } = httpOptions();
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let asked = 0;
    const retriesLoggedWhenAsked: number[] = [];
    const sent = send({
      url,
      init: {},
      label: LABEL,
      beforeRetry: () => {
        asked++;
        retriesLoggedWhenAsked.push(warnings(logs).length);
        return gate;
      },
    }, options);
    for (let waited = 0; asked === 0 && waited < 2_000; waited += 5) {
      await wait(5, AbortSignal.timeout(5_000));
    }
    // The backoff is over and the retry is held: nothing more reaches the server.
    await wait(50, AbortSignal.timeout(5_000));
    assert.equal(seen.length, 1, "the retry went before beforeRetry resolved");
    assert.equal(asked, 1, "beforeRetry was not awaited");
    release();
    const response = await sent;
    assert.equal(response.status, 200);
    assert.deepEqual(response.body, { ok: true });
    assert.equal(seen.length, 2);
    assert.equal(asked, 1, "awaited once, before the one retry");
    // Asked after the failed attempt was announced, i.e. once it was waiting to retry.
    assert.deepEqual(retriesLoggedWhenAsked, [1]);
  });
});

Deno.test("http: a beforeRetry that rejects ends the request with its error", async () => {
  await withServer([json(500, { message: "busy" }), json(200, { ok: true })], async (url, seen) => {
    const { options, attempts } = httpOptions();
    const earlier = new Error("an earlier request failed");
    let asked = 0;
    const error = await rejection(send({
      url,
      init: {},
      label: LABEL,
      beforeRetry: () => {
        asked++;
        return Promise.reject(earlier);
      },
    }, options));
    assert.equal(error, earlier);
    assert.equal(asked, 1);
    assert.equal(seen.length, 1, "no attempt after beforeRetry rejected");
    assert.equal(attempts(), 1);
  });
});

Deno.test("http: the Retry-After header sets the wait in send()", async () => {
  const script = [
    json(429, { message: "slow down" }, { "retry-after": "2" }),
    json(200, { ok: true }),
  ];
  await withServer(script, async (url) => {
    const { options, logs } = httpOptions();
    await send({ url, init: {}, label: LABEL }, options);
    const match = RETRY_LOG.exec(warnings(logs)[0]);
    assert.ok(match);
    assert.equal(Number(match[3]), (2 * 1000 * SCALE) / 1000);
  });
});

Deno.test("http: retryDelayMs honours Retry-After in seconds and as an HTTP date, capped", () => {
  const now = Date.UTC(2026, 10, 23, 12, 0, 0);
  const never = () => assert.fail("no jitter with Retry-After");
  assert.equal(retryDelayMs(1, "throttle", "2", 1, () => 0.5), 2000);
  assert.equal(retryDelayMs(3, "throttle", "0", 1, never, now), 0);
  assert.equal(retryDelayMs(1, "throttle", "1.5", 1, never, now), 1500);
  assert.equal(retryDelayMs(1, "throttle", " 7 ", 1, never, now), 7000);
  assert.equal(retryDelayMs(1, "throttle", "10", 0.01, never, now), 100);
  // An HTTP date, in the future, now and in the past.
  const in30s = new Date(now + 30_000).toUTCString();
  assert.equal(retryDelayMs(1, "throttle", in30s, 1, never, now), 30_000);
  assert.equal(retryDelayMs(1, "throttle", new Date(now).toUTCString(), 1, never, now), 0);
  assert.equal(retryDelayMs(1, "throttle", new Date(now - 60_000).toUTCString(), 1, never, now), 0);
  // Capped at 300 s, both forms.
  assert.equal(retryDelayMs(1, "throttle", "299", 1, never, now), 299_000);
  assert.equal(retryDelayMs(1, "throttle", "300", 1, never, now), 300_000);
  assert.equal(retryDelayMs(1, "throttle", "301", 1, never, now), 300_000);
  assert.equal(retryDelayMs(1, "throttle", "86400", 1, never, now), 300_000);
  assert.equal(
    retryDelayMs(1, "throttle", new Date(now + 3_600_000).toUTCString(), 1, never, now),
    300_000,
  );
  assert.equal(retryDelayMs(1, "throttle", "86400", 0.5, never, now), 150_000);
});

Deno.test("http: retryDelayMs grows exponentially with bounded jitter otherwise", () => {
  // After a 429 from 5 s with up to +50%; after a fault from 1 s with -50% to 0.
  assert.equal(retryDelayMs(2, "throttle", null, 1, () => 0), 10_000);
  assert.equal(retryDelayMs(1, "fault", null, 1, () => 1), 1_000);
  assert.equal(retryDelayMs(1, "fault", null, 1, () => 0), 500);
  for (const backoff of ["throttle", "fault"] as const) {
    const base = (attempt: number) => retryDelayMs(attempt, backoff, null, 1, () => 0);
    // Doubling from attempt to attempt, as long as it is not capped.
    assert.equal(base(1) * 2, base(2));
    assert.equal(base(2) * 2, base(3));
    assert.equal(base(3) * 2, base(4));
    assert.ok(base(1) > 0);
    // Capped: it stops growing, and stays below the Retry-After cap.
    assert.equal(base(20), base(30));
    assert.ok(base(30) <= 300_000 && base(30) >= base(4));
    const spread = backoff === "throttle" ? 1.5 : 2;
    for (let attempt = 1; attempt <= 10; attempt++) {
      const low = base(attempt);
      const high = retryDelayMs(attempt, backoff, null, 1, () => 1);
      assert.ok(high > low && high <= low * spread, `attempt ${attempt}: ${low}..${high}`);
      const mid = retryDelayMs(attempt, backoff, null, 1, () => 0.5);
      assert.ok(mid > low && mid < high);
      // The scale multiplies the wait.
      assert.equal(retryDelayMs(attempt, backoff, null, 0.5, () => 0), Math.round(low * 0.5));
    }
    // Garbage Retry-After falls back to the exponential wait.
    assert.equal(retryDelayMs(2, backoff, "soon", 1, () => 0), base(2));
    assert.equal(retryDelayMs(2, backoff, "", 1, () => 0), base(2));
    // With the real jitter, every value is within the bounds.
    for (let i = 0; i < 100; i++) {
      const delay = retryDelayMs(3, backoff, null, 1);
      assert.ok(delay >= base(3) && delay <= base(3) * spread);
    }
  }
  // Three faults in a row wait at most 1 + 2 + 4 s in production.
  const burst = [1, 2, 3].reduce((sum, n) => sum + retryDelayMs(n, "fault", null, 1, () => 1), 0);
  assert.equal(burst, 7_000);
});

Deno.test("http: an aborted signal stops before the first attempt", async () => {
  await withServer([json(200, {})], async (url, seen) => {
    const controller = new AbortController();
    const reason = new Error("SIGTERM");
    controller.abort(reason);
    const { options } = httpOptions({ signal: controller.signal });
    const error = await rejection(send({ url, init: {}, label: LABEL }, options));
    assert.equal(error, reason);
    assert.equal(seen.length, 0);
  });
});

Deno.test("http: an abort during the backoff stops at once", async () => {
  await withServer([json(503, { message: "busy" }, { "retry-after": "60" })], async (url, seen) => {
    const controller = new AbortController();
    const reason = new Error("stdout closed");
    const { options } = httpOptions({
      signal: controller.signal,
      backoffScale: 1,
      log: (level) => {
        if (level === "WARN") setTimeout(() => controller.abort(reason), 20);
      },
    });
    const started = Date.now();
    const error = await rejection(send({ url, init: {}, label: LABEL }, options));
    assert.equal(error, reason);
    assert.ok(Date.now() - started < 2_000, "the 60 s wait was not cut short");
    assert.equal(seen.length, 1);
  });
});

Deno.test("http: an abort during a slow answer stops at once", async () => {
  await withServer([delayed(5_000, json(200, {}))], async (url, seen) => {
    const controller = new AbortController();
    const reason = new Error("cancelled");
    const { options } = httpOptions({ signal: controller.signal });
    const started = Date.now();
    const timer = setTimeout(() => controller.abort(reason), 50);
    const error = await rejection(send({ url, init: {}, label: LABEL }, options));
    clearTimeout(timer);
    assert.equal(error, reason);
    assert.ok(Date.now() - started < 2_000);
    assert.equal(seen.length, 1);
  });
});

Deno.test("http: linkedInMessage reads API and OAuth error bodies", () => {
  assert.equal(linkedInMessage({ status: 429, message: "throttled" }), "throttled");
  assert.equal(
    linkedInMessage({ error: "invalid_grant", error_description: "The token expired" }),
    "The token expired",
  );
  assert.equal(linkedInMessage({ error: "invalid_client" }), "invalid_client");
  for (const body of [undefined, null, "text", 5, {}, { message: 5 }, []]) {
    assert.equal(linkedInMessage(body), undefined, JSON.stringify(body));
  }
});

/**
 * Serves `/slow` after `slowMs`, `/trickle` at once but with the end of its body `slowMs`
 * later, and anything else at once.
 */
async function withSlowAndFast(
  slowMs: number,
  fn: (base: string) => Promise<void>,
): Promise<void> {
  const headers = { "content-type": "application/json" };
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, async (r) => {
    const path = new URL(r.url).pathname;
    if (path === "/slow") await new Promise((ok) => setTimeout(ok, slowMs));
    if (path !== "/trickle") return new Response(JSON.stringify({ path }), { headers });
    const encoder = new TextEncoder();
    const body = new ReadableStream<Uint8Array>({
      async start(controller) {
        controller.enqueue(encoder.encode('{"path":'));
        await new Promise((ok) => setTimeout(ok, slowMs));
        controller.enqueue(encoder.encode('"/trickle"}'));
        controller.close();
      },
    });
    return new Response(body, { headers });
  });
  try {
    await fn(`http://127.0.0.1:${server.addr.port}`);
  } finally {
    await server.shutdown();
  }
}

function asker(base: string, order: string[]) {
  const { options } = httpOptions();
  return (path: string, deferrable: boolean) =>
    send({ url: `${base}${path}`, init: {}, label: path, deferrable }, options).then((answer) => {
      order.push(path);
      return answer.body;
    });
}

Deno.test("http: a deferrable answer is handed back after an answer others wait on that is arriving", async () => {
  await withSlowAndFast(100, async (base) => {
    const order: string[] = [];
    const ask = asker(base, order);
    const arriving = ask("/trickle", false);
    // Its headers are in before the deferrable request is answered.
    await new Promise((ok) => setTimeout(ok, 30));
    const fast = ask("/fast", true);
    assert.deepEqual(await Promise.all([arriving, fast]), [
      { path: "/trickle" },
      { path: "/fast" },
    ]);
    assert.deepEqual(order, ["/trickle", "/fast"]);
  });
});

Deno.test("http: a deferrable answer waits for no answer that has not begun to arrive", async () => {
  await withSlowAndFast(300, async (base) => {
    const order: string[] = [];
    const ask = asker(base, order);
    const slow = ask("/slow", false);
    const slowDeferrable = ask("/slow", true);
    await ask("/fast", true);
    assert.deepEqual(order, ["/fast"]);
    await Promise.all([slow, slowDeferrable]);
    assert.deepEqual(order.slice(1).sort(), ["/slow", "/slow"]);
  });
});

Deno.test("http: a request stopped while its attempt was in flight tells of no retry", async () => {
  await withServer(
    [delayed(50, json(429, { message: "Too Many Requests" }))],
    async (url, seen) => {
      const { options, logs } = httpOptions();
      const stop = new AbortController();
      const rateLimited: number[] = [];
      const sending = send({
        url,
        init: {},
        label: LABEL,
        stopped: stop.signal,
        onRateLimited: (at) => rateLimited.push(at),
      }, options);
      setTimeout(() => stop.abort(new Error("the partition has ended")), 10);
      const error = await rejection(sending);
      assert.equal((error as Error).message, "the partition has ended");
      assert.equal(seen.length, 1);
      assert.deepEqual(warnings(logs), []);
      assert.deepEqual(rateLimited, []);
    },
  );
});
