import { NO_LIMIT } from "../lib/limiter.ts";
import assert from "node:assert/strict";
import { Usage } from "../lib/usage.ts";
import type { TokenSource } from "../lib/auth.ts";
import {
  type ApiRequest,
  currentMonth,
  DEFAULT_LINKEDIN_VERSION,
  laterVersions,
  LinkedInClient,
  MAX_QUERY_LENGTH,
} from "../lib/client.ts";
import type { HttpOptions } from "../lib/http.ts";
import type { LogLevel } from "../lib/protocol.ts";
import { organizationUrn, query } from "../lib/restli.ts";
import { assertConnectorErrorAsync } from "./assertions.ts";
import { LinkedInSimulator } from "./simulator/mod.ts";

interface Seen {
  method: string;
  path: string;
  search: string;
  body: string;
  headers: Headers;
  authorization: string | null;
  version: string | null;
  restli: string | null;
}

type Handler = (seen: Seen, count: number) => Response | Promise<Response>;

const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json", ...headers },
  });

const retired = (version: string | null) =>
  json(426, {
    status: 426,
    code: "NONEXISTENT_VERSION",
    message: `Requested version ${version} is not active`,
  });

async function withServer(
  handler: Handler,
  fn: (baseUrl: string, seen: Seen[]) => Promise<void>,
): Promise<void> {
  const seen: Seen[] = [];
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => {} },
    async (request) => {
      const body = await request.text();
      const url = new URL(request.url);
      const entry = {
        method: request.method,
        path: url.pathname,
        search: url.search,
        body,
        headers: request.headers,
        authorization: request.headers.get("authorization"),
        version: request.headers.get("linkedin-version"),
        restli: request.headers.get("x-restli-protocol-version"),
      };
      seen.push(entry);
      return await handler(entry, seen.length);
    },
  );
  try {
    await fn(`http://127.0.0.1:${server.addr.port}`, seen);
  } finally {
    await server.shutdown();
  }
}

function httpOptions() {
  const logs: { level: LogLevel; message: string }[] = [];
  const options: HttpOptions = {
    timeoutMs: 5_000,
    backoffScale: 0.001,
    signal: new AbortController().signal,
    log: (level, message) => logs.push({ level, message }),
    limit: NO_LIMIT,
    usage: new Usage(),
  };
  return { options, logs };
}

/** A token source that hands out `tokens` in order: the first, then one per refresh. */
function fakeTokens(refreshable: boolean, tokens: string[]) {
  let index = 0;
  const refreshes: string[] = [];
  const source: TokenSource = {
    refreshable,
    token: () => Promise.resolve(tokens[index]),
    refresh: (stale) => {
      refreshes.push(stale);
      if (tokens[index] === stale && index < tokens.length - 1) index++;
      return Promise.resolve(tokens[index]);
    },
    rejectedMessage: (says) => `TOKEN REJECTED: ${says}`,
  };
  return { source, refreshes };
}

const REQUEST: ApiRequest = {
  path: "/rest/posts",
  query: "q=author&author=urn%3Ali%3Aorganization%3A1&sortBy=LAST_MODIFIED",
  scope: "r_organization_social",
  label: "stream ugc_posts",
};

/** Runs `fn` with `Date.now()` fixed at `now`. */
async function atTime<T>(now: number, fn: () => Promise<T>): Promise<T> {
  const realNow = Date.now;
  Date.now = () => now;
  try {
    return await fn();
  } finally {
    Date.now = realNow;
  }
}

/** The YYYYMM `months` after `version`. */
function monthsAfter(version: string, months: number): string {
  const date = new Date(
    Date.UTC(Number(version.slice(0, 4)), Number(version.slice(4)) - 1 + months, 1),
  );
  return `${date.getUTCFullYear()}${String(date.getUTCMonth() + 1).padStart(2, "0")}`;
}

/** A time in the middle of the month `version`. */
function inMonth(version: string): number {
  return Date.UTC(Number(version.slice(0, 4)), Number(version.slice(4)) - 1, 15, 12);
}

Deno.test("client: laterVersions steps month by month up to and including the limit", () => {
  assert.deepEqual(laterVersions("202611", "202602"), []);
  assert.deepEqual(laterVersions("202611", "202702"), ["202612", "202701", "202702"]);
  assert.deepEqual(laterVersions("202608", "202611"), ["202609", "202610", "202611"]);
  assert.deepEqual(laterVersions("202612", "202701"), ["202701"]);
  assert.deepEqual(laterVersions("202611", "202611"), []);
  assert.deepEqual(laterVersions("202512", "202512"), []);
  const many = laterVersions("202401", "202612");
  assert.equal(many.length, 35);
  for (const [index, version] of many.entries()) {
    assert.equal(version, monthsAfter("202401", index + 1));
  }
});

Deno.test("client: currentMonth is the UTC month", () => {
  assert.equal(currentMonth(Date.UTC(2026, 10, 23)), "202611");
  assert.equal(currentMonth(Date.UTC(2026, 0, 1)), "202601");
  assert.equal(currentMonth(Date.UTC(2026, 0, 1) - 1), "202512");
  assert.equal(currentMonth(Date.UTC(2025, 11, 31, 23, 59, 59, 999)), "202512");
  const now = new Date();
  assert.equal(
    currentMonth(),
    `${now.getUTCFullYear()}${String(now.getUTCMonth() + 1).padStart(2, "0")}`,
  );
});

Deno.test("client: requests carry the bearer token, version and Rest.li headers", async () => {
  await withServer(() => json(200, { elements: [] }), async (baseUrl, seen) => {
    const { options } = httpOptions();
    const { source } = fakeTokens(false, ["token-abc"]);
    const client = new LinkedInClient(baseUrl, undefined, source, options);
    assert.equal(client.version, DEFAULT_LINKEDIN_VERSION);
    const body = await client.get({
      ...REQUEST,
      query: "ids=List(urn%3Ali%3Ashare%3A1,urn%3Ali%3Ashare%3A2)&x=(a:(b:1))",
    });
    assert.deepEqual(body, { elements: [] });
    assert.equal(seen.length, 1);
    assert.equal(seen[0].authorization, "Bearer token-abc");
    assert.equal(seen[0].version, DEFAULT_LINKEDIN_VERSION);
    assert.equal(seen[0].restli, "2.0.0");
    assert.equal(seen[0].path, "/rest/posts");
    // The Rest.li structure arrives literally, the URNs still encoded.
    assert.equal(
      seen[0].search,
      "?ids=List(urn%3Ali%3Ashare%3A1,urn%3Ali%3Ashare%3A2)&x=(a:(b:1))",
    );
    await client.get({ ...REQUEST, path: "/rest/organizations/1", query: undefined });
    assert.equal(seen[1].path, "/rest/organizations/1");
    assert.equal(seen[1].search, "");
  });
});

Deno.test("client: a pinned version is sent as is", async () => {
  await withServer(() => json(200, {}), async (baseUrl, seen) => {
    const { source } = fakeTokens(false, ["t"]);
    const client = new LinkedInClient(baseUrl, "202601", source, httpOptions().options);
    assert.equal(client.version, "202601");
    await client.get(REQUEST);
    assert.equal(seen[0].version, "202601");
  });
});

Deno.test("client: a retired default version steps forward and sticks to the first that works", async () => {
  const working = monthsAfter(DEFAULT_LINKEDIN_VERSION, 2);
  const now = inMonth(monthsAfter(DEFAULT_LINKEDIN_VERSION, 4));
  await withServer(
    (seen) =>
      seen.version! < working ? retired(seen.version) : json(200, { version: seen.version }),
    async (baseUrl, seen) => {
      const { options, logs } = httpOptions();
      const { source } = fakeTokens(false, ["t"]);
      const client = new LinkedInClient(baseUrl, undefined, source, options);
      const body = await atTime(now, () => client.get(REQUEST));
      assert.deepEqual(body, { version: working });
      assert.equal(client.version, working);
      // Month by month from the default, never past the first that works.
      const tried = [...new Set(seen.map((s) => s.version))];
      assert.deepEqual(tried, [
        DEFAULT_LINKEDIN_VERSION,
        monthsAfter(DEFAULT_LINKEDIN_VERSION, 1),
        working,
      ]);
      const warning = logs.filter((l) => l.level === "WARN").map((l) => l.message);
      assert.equal(warning.length, 1);
      assert.ok(
        warning[0].includes(DEFAULT_LINKEDIN_VERSION) && warning[0].includes(working),
        warning[0],
      );
      // Later requests use the new version at once.
      const count = seen.length;
      await atTime(now, () => client.get(REQUEST));
      await atTime(now, () => client.get(REQUEST));
      assert.equal(seen.length, count + 2);
      assert.deepEqual(seen.slice(count).map((s) => s.version), [working, working]);
      assert.equal(logs.filter((l) => l.level === "WARN").length, 1, "one warning per run");
    },
  );
});

Deno.test("client: the version search crosses year ends", async () => {
  const december = `${DEFAULT_LINKEDIN_VERSION.slice(0, 4)}12`;
  const working = monthsAfter(december, 1); // January of the next year.
  await withServer(
    (seen) => seen.version! < working ? retired(seen.version) : json(200, {}),
    async (baseUrl, seen) => {
      const { source } = fakeTokens(false, ["t"]);
      const client = new LinkedInClient(baseUrl, undefined, source, httpOptions().options);
      await atTime(inMonth(monthsAfter(working, 1)), () => client.get(REQUEST));
      assert.equal(client.version, working);
      const tried = [...new Set(seen.map((s) => s.version))];
      assert.deepEqual(tried, [
        DEFAULT_LINKEDIN_VERSION,
        ...laterVersions(DEFAULT_LINKEDIN_VERSION, working),
      ]);
      assert.ok(tried.includes(december));
    },
  );
});

Deno.test("client: concurrent requests meeting a retired version share one search", async () => {
  const working = monthsAfter(DEFAULT_LINKEDIN_VERSION, 3);
  const now = inMonth(working);
  await withServer(
    (seen) => seen.version! < working ? retired(seen.version) : json(200, { ok: true }),
    async (baseUrl, seen) => {
      const { options, logs } = httpOptions();
      const { source } = fakeTokens(false, ["t"]);
      const client = new LinkedInClient(baseUrl, undefined, source, options);
      const bodies = await atTime(
        now,
        () => Promise.all([1, 2, 3, 4].map(() => client.get(REQUEST))),
      );
      assert.deepEqual(bodies, [1, 2, 3, 4].map(() => ({ ok: true })));
      for (const probe of laterVersions(DEFAULT_LINKEDIN_VERSION, monthsAfter(working, -1))) {
        assert.equal(
          seen.filter((s) => s.version === probe).length,
          1,
          `${probe} probed more than once`,
        );
      }
      assert.equal(logs.filter((l) => l.level === "WARN").length, 1);
      assert.equal(client.version, working);
    },
  );
});

Deno.test("client: a version search does not wait on the beforeRetry of the request that leads it", async () => {
  const working = monthsAfter(DEFAULT_LINKEDIN_VERSION, 1);
  let failedOnce = false;
  await withServer(
    async (seen) => {
      if (seen.version! < working) {
        // The second request meets the retired version later, while the search runs.
        if (seen.path === "/rest/second") await new Promise((r) => setTimeout(r, 50));
        return retired(seen.version);
      }
      if (seen.path === "/rest/posts" && !failedOnce) {
        failedOnce = true;
        return json(500, { message: "Internal Server Error" });
      }
      return json(200, { path: seen.path });
    },
    async (baseUrl) => {
      const { options } = httpOptions();
      const { source } = fakeTokens(false, ["t"]);
      const client = new LinkedInClient(baseUrl, undefined, source, options);
      const both = atTime(inMonth(working), () => {
        const second = client.get({ ...REQUEST, path: "/rest/second" });
        // The first request would retry only after the second is answered; the second waits
        // on the search the first leads.
        const first = client.get({ ...REQUEST, beforeRetry: () => second.then(() => {}) });
        return Promise.all([first, second]);
      });
      let timer: ReturnType<typeof setTimeout> | undefined;
      const hung = new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error("the requests waited on each other")), 5_000);
      });
      try {
        assert.deepEqual(await Promise.race([both, hung]), [
          { path: "/rest/posts" },
          { path: "/rest/second" },
        ]);
      } finally {
        clearTimeout(timer);
      }
      assert.equal(client.version, working);
    },
  );
});

Deno.test("client: a pinned version that LinkedIn retired is a config_error", async () => {
  await withServer((seen) => retired(seen.version), async (baseUrl, seen) => {
    const { source } = fakeTokens(false, ["t"]);
    const client = new LinkedInClient(baseUrl, "202401", source, httpOptions().options);
    await assertConnectorErrorAsync(
      client.get(REQUEST),
      "config_error",
      "202401",
      "linkedin_version",
    );
    assert.equal(seen.length, 1, "a pinned version is never replaced");
    assert.equal(client.version, "202401");
  });
});

Deno.test("client: 426 for every month up to now is a config_error naming the versions", async () => {
  const nowVersion = monthsAfter(DEFAULT_LINKEDIN_VERSION, 3);
  await withServer((seen) => retired(seen.version), async (baseUrl, seen) => {
    const { source } = fakeTokens(false, ["t"]);
    const client = new LinkedInClient(baseUrl, undefined, source, httpOptions().options);
    const error = await atTime(
      inMonth(nowVersion),
      () => assertConnectorErrorAsync(client.get(REQUEST), "config_error"),
    );
    const expected = [
      DEFAULT_LINKEDIN_VERSION,
      ...laterVersions(DEFAULT_LINKEDIN_VERSION, nowVersion),
    ];
    assert.equal(expected.length, 4);
    for (const version of expected) assert.ok(error.message.includes(version), error.message);
    assert.ok(!error.message.includes(monthsAfter(nowVersion, 1)), "tried a month after now");
    assert.deepEqual(seen.map((s) => s.version), expected);
    assert.equal(client.version, DEFAULT_LINKEDIN_VERSION);
  });
});

Deno.test("client: a version search that found nothing is not repeated by later requests", async () => {
  const nowVersion = monthsAfter(DEFAULT_LINKEDIN_VERSION, 2);
  await withServer((seen) => retired(seen.version), async (baseUrl, seen) => {
    const { source } = fakeTokens(false, ["t"]);
    const client = new LinkedInClient(baseUrl, undefined, source, httpOptions().options);
    const first = await atTime(
      inMonth(nowVersion),
      () => assertConnectorErrorAsync(client.get(REQUEST), "config_error"),
    );
    const searched = seen.length;
    const second = await atTime(
      inMonth(nowVersion),
      () => assertConnectorErrorAsync(client.get(REQUEST), "config_error"),
    );
    assert.equal(second.message, first.message);
    assert.equal(seen.length, searched + 1, "only the request itself, no second search");
  });
});

Deno.test("client: 401 with OAuth refreshes the token once and repeats the request", async () => {
  await withServer(
    (seen) =>
      seen.authorization === "Bearer fresh"
        ? json(200, { ok: true })
        : json(401, { status: 401, message: "Invalid access token", serviceErrorCode: 65600 }),
    async (baseUrl, seen) => {
      const { options, logs } = httpOptions();
      const { source, refreshes } = fakeTokens(true, ["expired", "fresh"]);
      const client = new LinkedInClient(baseUrl, undefined, source, options);
      assert.deepEqual(await client.get(REQUEST), { ok: true });
      assert.deepEqual(refreshes, ["expired"]);
      assert.deepEqual(seen.map((s) => s.authorization), ["Bearer expired", "Bearer fresh"]);
      assert.ok(logs.some((l) => l.message.includes("refresh")));
    },
  );
});

Deno.test("client: 401 again after the refresh is a config_error", async () => {
  await withServer(
    () => json(401, { status: 401, message: "Invalid access token" }, { "x-li-uuid": "u-401" }),
    async (baseUrl, seen) => {
      const { source, refreshes } = fakeTokens(true, ["first-token", "second-token"]);
      const client = new LinkedInClient(baseUrl, undefined, source, httpOptions().options);
      const error = await assertConnectorErrorAsync(client.get(REQUEST), "config_error");
      assert.equal(error.message, "TOKEN REJECTED: Invalid access token");
      assert.ok(error.internalMessage?.includes("u-401"));
      assert.deepEqual(refreshes, ["first-token"], "refreshed exactly once");
      assert.equal(seen.length, 2);
      for (const token of ["first-token", "second-token"]) {
        assert.ok(!error.message.includes(token) && !error.internalMessage?.includes(token));
      }
    },
  );
});

Deno.test("client: 401 with an access token is a config_error without a refresh", async () => {
  await withServer(
    () => json(401, { status: 401, message: "Expired token" }),
    async (baseUrl, seen) => {
      const { source, refreshes } = fakeTokens(false, ["only"]);
      const client = new LinkedInClient(baseUrl, undefined, source, httpOptions().options);
      const error = await assertConnectorErrorAsync(client.get(REQUEST), "config_error");
      assert.equal(error.message, "TOKEN REJECTED: Expired token");
      assert.deepEqual(refreshes, []);
      assert.equal(seen.length, 1);
    },
  );
});

Deno.test("client: 403 names the scope the endpoint needs", async () => {
  const body = {
    status: 403,
    message: "Not enough permissions to access: partnerApiPostsExternal.FINDER-author",
  };
  await withServer(() => json(403, body, { "x-li-uuid": "u-403" }), async (baseUrl) => {
    const { source } = fakeTokens(false, ["t"]);
    const client = new LinkedInClient(baseUrl, undefined, source, httpOptions().options);
    for (const scope of ["r_organization_social", "rw_organization_admin"] as const) {
      await assertConnectorErrorAsync(
        client.get({ ...REQUEST, scope }),
        "config_error",
        scope,
        body.message,
        "u-403",
        REQUEST.label,
      );
    }
  });
});

Deno.test("client: 403 for an optional scope or no scope says what to do without a page role", async () => {
  const body = {
    status: 403,
    message: "Not enough permissions to access: industries.GET.20260801",
  };
  await withServer(() => json(403, body), async (baseUrl) => {
    const { source } = fakeTokens(false, ["t"]);
    const client = new LinkedInClient(baseUrl, undefined, source, httpOptions().options);
    const taxonomy = await assertConnectorErrorAsync(
      client.get({ ...REQUEST, scope: "r_basicprofile", label: "stream lookup_industries" }),
      "config_error",
      "r_basicprofile",
      "create a new token",
      "invalidates the tokens created before",
    );
    assert.ok(!taxonomy.message.includes("ADMINISTRATOR"), taxonomy.message);
    assert.equal(taxonomy.status, 403);
    const feed = await assertConnectorErrorAsync(
      client.get({ ...REQUEST, scope: "r_organization_social_feed", organizationId: "1" }),
      "config_error",
      "r_organization_social_feed",
      "ADMINISTRATOR",
    );
    assert.equal(feed.status, 403);
    const none = await assertConnectorErrorAsync(
      client.get({ ...REQUEST, scope: undefined, label: "stream lookup_functions" }),
      "config_error",
      "LinkedIn product",
    );
    assert.ok(!none.message.includes("ADMINISTRATOR"), none.message);
  });
});

Deno.test("client: 400 Invalid timeIntervals explains LinkedIn's date rules", async () => {
  const message = "Invalid timeIntervals: start must be within the last 12 months";
  await withServer(() => json(400, { status: 400, message }), async (baseUrl) => {
    const { source } = fakeTokens(false, ["t"]);
    const client = new LinkedInClient(baseUrl, undefined, source, httpOptions().options);
    await assertConnectorErrorAsync(
      client.get({ ...REQUEST, label: "stream page_statistics_time_bound" }),
      "config_error",
      message,
      "12 months",
      "2 days",
      "start_date",
      "time_granularity_type",
    );
  });
});

Deno.test("client: other 400s quote LinkedIn and are system errors", async () => {
  const message = "Invalid param. Please see errorDetails for more information.";
  await withServer(
    () => json(400, { status: 400, code: "PARAM_INVALID", message }, { "x-li-uuid": "u-400" }),
    async (baseUrl, seen) => {
      const { source } = fakeTokens(true, ["t"]);
      const client = new LinkedInClient(baseUrl, undefined, source, httpOptions().options);
      await assertConnectorErrorAsync(
        client.get(REQUEST),
        "system_error",
        `"${message}"`,
        "u-400",
        "HTTP 400",
      );
      assert.equal(seen.length, 1);
    },
  );
});

Deno.test("client: 404 and unexpected statuses", async () => {
  await withServer(
    (seen) =>
      seen.path.endsWith("/404")
        ? json(404, { status: 404, message: "Not Found" })
        : json(418, { message: "teapot" }),
    async (baseUrl) => {
      const { source } = fakeTokens(false, ["t"]);
      const client = new LinkedInClient(baseUrl, undefined, source, httpOptions().options);
      await assertConnectorErrorAsync(
        client.get({ ...REQUEST, path: "/rest/organizations/404", organizationId: "404" }),
        "config_error",
        "organization id",
      );
      // A request about no organization gets no advice about organization ids.
      const nothing = await assertConnectorErrorAsync(
        client.get({ ...REQUEST, path: "/rest/functions/404", scope: undefined }),
        "config_error",
        "HTTP 404",
      );
      assert.ok(!nothing.message.includes("organization"), nothing.message);
      await assertConnectorErrorAsync(
        client.get({ ...REQUEST, path: "/rest/organizations/1" }),
        "system_error",
        "HTTP 418",
        "teapot",
      );
    },
  );
});

Deno.test("client: a cancelled request is not sent", async () => {
  await withServer(() => json(200, { ok: true }), async (baseUrl, seen) => {
    const { source } = fakeTokens(false, ["t"]);
    const client = new LinkedInClient(baseUrl, undefined, source, httpOptions().options);
    const reason = new DOMException("stream post_statistics has ended", "AbortError");
    let error: unknown;
    try {
      await client.get({ ...REQUEST, cancelled: AbortSignal.abort(reason) });
    } catch (caught) {
      error = caught;
    }
    assert.equal(error, reason);
    assert.equal(seen.length, 0);
    // The cancellation is the request's own: the client still sends the others.
    assert.deepEqual(await client.get(REQUEST), { ok: true });
    assert.equal(seen.length, 1);
  });
});

Deno.test("client: a request cancelled while it waits to retry is not retried", async () => {
  await withServer(
    (_, count) =>
      count === 1
        ? json(500, { message: "busy" }, { "retry-after": "60" })
        : json(200, { ok: true }),
    async (baseUrl, seen) => {
      const { options } = httpOptions();
      // LinkedIn's 60 s as is: only the cancellation can end the wait.
      options.backoffScale = 1;
      const cancel = new AbortController();
      const reason = new DOMException("stream post_statistics has ended", "AbortError");
      const log = options.log;
      options.log = (level, message) => {
        log(level, message);
        // Announced just before the wait: cancel once it has begun.
        if (level === "WARN") setTimeout(() => cancel.abort(reason), 20);
      };
      const retries: number[] = [];
      const { source } = fakeTokens(false, ["t"]);
      const client = new LinkedInClient(baseUrl, undefined, source, options);
      const sent = client.get({
        ...REQUEST,
        cancelled: cancel.signal,
        beforeRetry: () => {
          retries.push(seen.length);
          return Promise.resolve();
        },
      }).then(() => "answered", (error) => error);
      const stop = new AbortController();
      const guard = new Promise((resolve) => {
        const timer = setTimeout(() => resolve("still waiting"), 10_000);
        stop.signal.addEventListener("abort", () => clearTimeout(timer));
      });
      const outcome = await Promise.race([sent, guard]);
      stop.abort();
      assert.equal(outcome, reason);
      assert.equal(seen.length, 1, "retried after the cancellation");
      assert.deepEqual(retries, [], "beforeRetry runs only for a retry");
    },
  );
});

Deno.test("client: beforeRetry is passed to http: its rejection ends the request before a retry", async () => {
  await withServer(
    (_, count) => count === 1 ? json(503, { message: "busy" }) : json(200, { ok: true }),
    async (baseUrl, seen) => {
      const { source } = fakeTokens(false, ["t"]);
      const client = new LinkedInClient(baseUrl, undefined, source, httpOptions().options);
      const earlier = new Error("an earlier batch failed");
      const asked: number[] = [];
      const error = await client.get({
        ...REQUEST,
        beforeRetry: () => {
          asked.push(seen.length);
          return Promise.reject(earlier);
        },
      }).then(() => undefined, (caught) => caught);
      assert.equal(error, earlier);
      assert.deepEqual(asked, [1], "asked once, after the first attempt");
      assert.equal(seen.length, 1);
    },
  );
});

/** A per-post statistics query of the organization's posts, both kinds, every post. */
function postStatisticsQuery(sim: LinkedInSimulator, organizationId: string): string {
  const ids = sim.posts(organizationId).map((post) => post.id as string);
  return query({
    q: "organizationalEntity",
    organizationalEntity: organizationUrn(organizationId),
    shares: ids.filter((id) => id.startsWith("urn:li:share:")),
    ugcPosts: ids.filter((id) => id.startsWith("urn:li:ugcPost:")),
  });
}

Deno.test("client: a query over 4,000 characters is tunneled, and LinkedIn answers it like a GET", async () => {
  const sim = await LinkedInSimulator.start();
  try {
    const { source } = fakeTokens(false, [sim.accessToken]);
    const client = new LinkedInClient(sim.url, undefined, source, httpOptions().options);
    const long = postStatisticsQuery(sim, "2414183");
    assert.ok(long.length > MAX_QUERY_LENGTH, `${long.length} characters`);
    const request = {
      path: "/rest/organizationalEntityShareStatistics",
      query: long,
      scope: "rw_organization_admin",
      label: "stream post_statistics",
    } as const;
    const body = await client.get(request) as { elements: Record<string, unknown>[] };
    const [sent] = sim.requests;
    assert.equal(sent.method, "POST");
    assert.equal(sent.tunneled, true);
    assert.equal(sent.status, 200);
    assert.equal(sent.query, long, "the query is the form body");
    assert.equal(sent.headers["x-http-method-override"], "GET");
    assert.equal(sent.headers["content-type"], "application/x-www-form-urlencoded");
    assert.equal(sent.headers["linkedin-version"], DEFAULT_LINKEDIN_VERSION);
    assert.equal(sent.headers["x-restli-protocol-version"], "2.0.0");
    assert.equal(sent.headers.authorization, `Bearer ${sim.accessToken}`);
    // The same answer as LinkedIn gives to each post: every post with activity, once.
    const expected = sim.posts("2414183").flatMap((post) => {
      const element = sim.postStatistics("2414183", post.id as string);
      return element ? [element] : [];
    });
    const key = (element: Record<string, unknown>) => String(element.share ?? element.ugcPost);
    assert.deepEqual(
      [...body.elements].sort((a, b) => key(a).localeCompare(key(b))),
      expected.sort((a, b) => key(a).localeCompare(key(b))),
    );
    // Sent as a GET, the same query is refused as too long.
    const get = await fetch(`${sim.url}${request.path}?${long}`, {
      headers: { authorization: `Bearer ${sim.accessToken}`, "linkedin-version": "202608" },
    });
    assert.equal(get.status, 414);
    await get.body?.cancel();
  } finally {
    await sim.close();
  }
});

Deno.test("client: a query of up to 4,000 characters goes in the URL", async () => {
  await withServer(() => json(200, { elements: [] }), async (baseUrl, seen) => {
    const { source } = fakeTokens(false, ["t"]);
    const client = new LinkedInClient(baseUrl, undefined, source, httpOptions().options);
    const filler = "x".repeat(MAX_QUERY_LENGTH - "q=".length);
    await client.get({ ...REQUEST, query: `q=${filler}` });
    assert.equal(seen[0].method, "GET");
    assert.equal(seen[0].search, `?q=${filler}`);
    await client.get({ ...REQUEST, query: `q=${filler}x` });
    // One character more is tunneled: a POST with the query as its form body.
    assert.equal(seen[1].method, "POST");
    assert.equal(seen[1].search, "");
    assert.equal(seen[1].body, `q=${filler}x`);
    assert.equal(seen[1].headers.get("x-http-method-override"), "GET");
    assert.equal(seen[1].headers.get("content-type"), "application/x-www-form-urlencoded");
    assert.equal(seen[1].path, REQUEST.path);
  });
});

Deno.test("client: 414 is not retried and names the endpoint", async () => {
  const sim = await LinkedInSimulator.start();
  try {
    sim.inject({ endpoint: "postStatistics", action: { html: true, status: 414 } });
    const { source } = fakeTokens(false, [sim.accessToken]);
    const { options, logs } = httpOptions();
    const client = new LinkedInClient(sim.url, undefined, source, options);
    const error = await assertConnectorErrorAsync(
      client.get({
        path: "/rest/organizationalEntityShareStatistics",
        query: query({
          q: "organizationalEntity",
          organizationalEntity: organizationUrn("2414183"),
          shares: [
            sim.posts("2414183").find((p) => String(p.id).includes(":share:"))!.id as string,
          ],
        }),
        scope: "rw_organization_admin",
        label: "stream post_statistics, organization 2414183",
      }),
      "system_error",
      "too long",
      "HTTP 414",
      "stream post_statistics, organization 2414183, GET /rest/organizationalEntityShareStatistics",
    );
    assert.ok(!error.message.includes("<html"), error.message);
    assert.equal(sim.count("postStatistics"), 1);
    assert.deepEqual(logs.filter((log) => log.level === "WARN"), []);
  } finally {
    await sim.close();
  }
});
