import { NO_LIMIT } from "../lib/limiter.ts";
import assert from "node:assert/strict";
import { Usage } from "../lib/usage.ts";
import { tokenSource } from "../lib/auth.ts";
import { LinkedInClient } from "../lib/client.ts";
import type { Credentials } from "../lib/config.ts";
import type { HttpOptions } from "../lib/http.ts";
import { assertConnectorErrorAsync } from "./assertions.ts";

const OAUTH: Extract<Credentials, { kind: "oauth" }> = {
  kind: "oauth",
  clientId: "client-id-77",
  clientSecret: "WPL_AP1.s3cr3t+/=&x",
  refreshToken: "AQX-refresh+token/with=special&chars",
};

interface Grant {
  method: string;
  path: string;
  contentType: string | null;
  form: URLSearchParams;
}

type Handler = (request: Request, count: number) => Response | Promise<Response>;

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });

/** A token endpoint (and, for other paths, an API) on 127.0.0.1, port 0. */
async function withServer(
  handler: Handler,
  fn: (baseUrl: string, grants: Grant[]) => Promise<void>,
): Promise<void> {
  const grants: Grant[] = [];
  let count = 0;
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => {} },
    async (request) => {
      const body = await request.text();
      const url = new URL(request.url);
      if (url.pathname === "/oauth/v2/accessToken") {
        grants.push({
          method: request.method,
          path: url.pathname,
          contentType: request.headers.get("content-type"),
          form: new URLSearchParams(body),
        });
        count = grants.length;
      }
      return await handler(request, count);
    },
  );
  try {
    await fn(`http://127.0.0.1:${server.addr.port}`, grants);
  } finally {
    await server.shutdown();
  }
}

/** Mints `token-<n>` for the n-th grant, optionally after a short delay. */
const minting = (delayMs = 0): Handler => async (_request, count) => {
  if (delayMs) await new Promise((resolve) => setTimeout(resolve, delayMs));
  return json(200, { access_token: `token-${count}`, expires_in: 5183999 });
};

function httpOptions(): HttpOptions {
  return {
    timeoutMs: 5_000,
    backoffScale: 0.001,
    signal: new AbortController().signal,
    log: () => {},
    limit: NO_LIMIT,
    usage: new Usage(),
  };
}

function assertNoSecrets(text: string): void {
  for (const secret of [OAUTH.clientSecret, OAUTH.refreshToken]) {
    assert.ok(!text.includes(secret), `"${text}" leaks a secret`);
  }
}

Deno.test("auth: an access token is used as is and never refreshed", async () => {
  const secrets: string[] = [];
  const http: HttpOptions = {
    ...httpOptions(),
    limit: {
      ...NO_LIMIT,
      run: () => assert.fail("no request expected"),
    },
  };
  const tokens = tokenSource(
    { kind: "access_token", accessToken: "AQV-token" },
    "http://127.0.0.1:1",
    http,
    (s) => secrets.push(s),
  );
  assert.equal(tokens.refreshable, false);
  assert.equal(await tokens.token(), "AQV-token");
  assert.equal(await tokens.refresh("AQV-token"), "AQV-token");
  const message = tokens.rejectedMessage("Invalid access token");
  assert.ok(message.includes("Invalid access token"), message);
  assert.ok(message.includes("60 days"), message);
  assert.ok(!message.includes("AQV-token"));
});

Deno.test("auth: the OAuth source posts a form-encoded refresh grant", async () => {
  await withServer(minting(), async (baseUrl, grants) => {
    const secrets: string[] = [];
    const tokens = tokenSource(OAUTH, baseUrl, httpOptions(), (s) => secrets.push(s));
    assert.equal(tokens.refreshable, true);
    assert.equal(await tokens.token(), "token-1");
    assert.equal(grants.length, 1);
    const [grant] = grants;
    assert.equal(grant.method, "POST");
    assert.equal(grant.path, "/oauth/v2/accessToken");
    assert.equal(grant.contentType, "application/x-www-form-urlencoded");
    assert.deepEqual(Object.fromEntries(grant.form), {
      grant_type: "refresh_token",
      refresh_token: OAUTH.refreshToken,
      client_id: OAUTH.clientId,
      client_secret: OAUTH.clientSecret,
    });
    assert.deepEqual(secrets, ["token-1"]);
  });
});

Deno.test("auth: one token is reused for many calls, sequential and concurrent", async () => {
  await withServer(minting(30), async (baseUrl, grants) => {
    const secrets: string[] = [];
    const tokens = tokenSource(OAUTH, baseUrl, httpOptions(), (s) => secrets.push(s));
    const concurrent = await Promise.all(Array.from({ length: 10 }, () => tokens.token()));
    assert.deepEqual(concurrent, Array(10).fill("token-1"));
    for (let i = 0; i < 5; i++) assert.equal(await tokens.token(), "token-1");
    assert.equal(grants.length, 1);
    assert.deepEqual(secrets, ["token-1"]);
  });
});

Deno.test("auth: refresh(stale) mints a new token once, even when called concurrently", async () => {
  await withServer(minting(30), async (baseUrl, grants) => {
    const secrets: string[] = [];
    const tokens = tokenSource(OAUTH, baseUrl, httpOptions(), (s) => secrets.push(s));
    const first = await tokens.token();
    const refreshed = await Promise.all(Array.from({ length: 5 }, () => tokens.refresh(first)));
    assert.deepEqual(refreshed, Array(5).fill("token-2"));
    assert.equal(
      grants.length,
      2,
      "concurrent refreshes of the same stale token minted more than once",
    );
    assert.equal(await tokens.token(), "token-2");
    // A stale token that was already replaced gets the current one, without a grant.
    assert.equal(await tokens.refresh(first), "token-2");
    assert.equal(grants.length, 2);
    // Refreshing the current token mints again.
    assert.equal(await tokens.refresh("token-2"), "token-3");
    assert.equal(grants.length, 3);
    assert.deepEqual(secrets, ["token-1", "token-2", "token-3"]);
  });
});

Deno.test("auth: refresh() before any token() mints once", async () => {
  await withServer(minting(10), async (baseUrl, grants) => {
    const tokens = tokenSource(OAUTH, baseUrl, httpOptions(), () => {});
    const [a, b] = await Promise.all([tokens.refresh("whatever"), tokens.token()]);
    assert.equal(a, "token-1");
    assert.equal(b, "token-1");
    assert.equal(grants.length, 1);
  });
});

Deno.test("auth: a refused refresh token is a config_error, and is not retried", async () => {
  for (const error of ["invalid_grant", "invalid_request"]) {
    const body = {
      error,
      error_description:
        "The provided authorization grant or refresh token is invalid, expired or revoked.",
    };
    await withServer(() => json(400, body), async (baseUrl, grants) => {
      const secrets: string[] = [];
      const tokens = tokenSource(OAUTH, baseUrl, httpOptions(), (s) => secrets.push(s));
      const refused = await assertConnectorErrorAsync(
        tokens.token(),
        "config_error",
        "invalid, expired or revoked",
        "365 days",
        body.error_description,
      );
      assertNoSecrets(refused.message);
      assert.equal(grants.length, 1, "a 400 from the token endpoint was retried");
      // Later calls fail the same way without asking LinkedIn again.
      assert.equal(await assertConnectorErrorAsync(tokens.token()), refused);
      assert.equal(await assertConnectorErrorAsync(tokens.refresh("stale")), refused);
      assert.equal(grants.length, 1);
      assert.deepEqual(secrets, []);
    });
  }
});

Deno.test("auth: a rejected client id or secret is a config_error saying so", async () => {
  const cases: [number, unknown][] = [
    [401, { error: "invalid_client", error_description: "Client authentication failed" }],
    [400, { error: "invalid_client", error_description: "Client authentication failed" }],
    [401, {}],
  ];
  for (const [status, body] of cases) {
    await withServer(() => json(status, body), async (baseUrl, grants) => {
      const tokens = tokenSource(OAUTH, baseUrl, httpOptions(), () => {});
      const error = await assertConnectorErrorAsync(
        tokens.token(),
        "config_error",
        "client_id or client_secret",
      );
      assertNoSecrets(error.message);
      await assertConnectorErrorAsync(tokens.token());
      assert.equal(grants.length, 1);
    });
  }
});

Deno.test("auth: an unexpected answer is not a config_error and may be tried again", async () => {
  await withServer(
    (_request, count) => count === 1 ? json(200, { no_token: true }) : minting()(_request, count),
    async (baseUrl, grants) => {
      const tokens = tokenSource(OAUTH, baseUrl, httpOptions(), () => {});
      await assertConnectorErrorAsync(tokens.token(), "system_error");
      assert.equal(await tokens.token(), "token-2");
      assert.equal(grants.length, 2);
    },
  );
});

Deno.test("auth: a token endpoint that stays down is transient, and a later call tries again", async () => {
  await withServer(
    (_request, count) =>
      count <= 5 ? json(503, { error: "temporarily_unavailable" }) : minting()(_request, count),
    async (baseUrl, grants) => {
      const tokens = tokenSource(OAUTH, baseUrl, httpOptions(), () => {});
      await assertConnectorErrorAsync(tokens.token(), "transient_error");
      assert.equal(grants.length, 5);
      assert.equal(await tokens.token(), "token-6");
    },
  );
});

Deno.test("auth: rejectedMessage of the OAuth source explains the refresh token", () => {
  const tokens = tokenSource(OAUTH, "http://127.0.0.1:1", httpOptions(), () => {});
  const message = tokens.rejectedMessage("Invalid access token");
  assert.ok(message.includes("Invalid access token"), message);
  assert.ok(message.includes("365 days"), message);
  assertNoSecrets(message);
});

Deno.test("auth: the client refreshes an OAuth token on 401 and repeats the request", async () => {
  await withServer((request, count) => {
    const url = new URL(request.url);
    if (url.pathname === "/oauth/v2/accessToken") return minting()(request, count);
    const ok = request.headers.get("authorization") === "Bearer token-2";
    return ok ? json(200, { id: 1 }) : json(401, { status: 401, message: "Invalid access token" });
  }, async (baseUrl, grants) => {
    const secrets: string[] = [];
    const http = httpOptions();
    const tokens = tokenSource(OAUTH, baseUrl, http, (s) => secrets.push(s));
    const client = new LinkedInClient(baseUrl, "202601", tokens, http);
    const results = await Promise.all(
      [1, 2, 3].map(() =>
        client.get({
          path: "/rest/organizations/1",
          scope: "rw_organization_admin",
          label: "check",
        })
      ),
    );
    assert.deepEqual(results, [{ id: 1 }, { id: 1 }, { id: 1 }]);
    assert.equal(grants.length, 2, "one grant for the first token, one refresh for all three 401s");
    assert.deepEqual(secrets, ["token-1", "token-2"]);
  });
});
