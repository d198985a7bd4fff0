import assert from "node:assert/strict";
import { dailyLimitReached, throttled } from "./simulator/errors.ts";
import { LinkedInSimulator, type SimulatorOptions } from "./simulator/mod.ts";

const DAY = 86_400_000;
// A fixed clock: 2026-03-15T10:30Z. The default active window is then 202503..202603 minus 202512.
const NOW = Date.UTC(2026, 2, 15, 10, 30);
const MIDNIGHT = Date.UTC(2026, 2, 15);
const VERSION = "202601";
const ORG = "2414183";
const URN = `urn:li:organization:${ORG}`;
const ENC_URN = encodeURIComponent(URN);

interface Reply {
  status: number;
  headers: Headers;
  // deno-lint-ignore no-explicit-any
  body: any;
  text: string;
}

interface CallOptions {
  token?: string | null;
  version?: string | null;
  method?: string;
  body?: string;
  headers?: Record<string, string>;
}

/** Fetches and always consumes the body; `null` token/version leaves the header out. */
async function call(sim: LinkedInSimulator, path: string, opts: CallOptions = {}): Promise<Reply> {
  const headers = new Headers(opts.headers);
  if (opts.version !== null) headers.set("LinkedIn-Version", opts.version ?? VERSION);
  if (opts.token !== null) headers.set("Authorization", `Bearer ${opts.token ?? sim.accessToken}`);
  headers.set("X-Restli-Protocol-Version", "2.0.0");
  const res = await fetch(sim.url + path, { method: opts.method, headers, body: opts.body });
  const text = await res.text();
  let body;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  return { status: res.status, headers: res.headers, body, text };
}

async function withSim(
  options: SimulatorOptions,
  fn: (sim: LinkedInSimulator, clock: { now: number }) => Promise<void>,
): Promise<void> {
  const clock = { now: NOW };
  const sim = await LinkedInSimulator.start({ now: () => clock.now, ...options });
  try {
    await fn(sim, clock);
  } finally {
    await sim.close();
  }
}

function interval(start: number, end: number, grain = "DAY"): string {
  return `timeIntervals=(timeRange:(start:${start},end:${end}),timeGranularityType:${grain})`;
}

const followerStats = (query = "") =>
  `/rest/organizationalEntityFollowerStatistics?q=organizationalEntity&organizationalEntity=${ENC_URN}${query}`;
const pageStats = (query = "") =>
  `/rest/organizationPageStatistics?q=organization&organization=${ENC_URN}${query}`;
const shareStats = (query = "") =>
  `/rest/organizationalEntityShareStatistics?q=organizationalEntity&organizationalEntity=${ENC_URN}${query}`;
const posts = (query = "", org = ORG) =>
  `/rest/posts?q=author&author=${encodeURIComponent(`urn:li:organization:${org}`)}${query}`;

Deno.test("versioned routes need an active LinkedIn-Version; /v2 does not", async () => {
  await withSim({}, async (sim) => {
    const missing = await call(sim, `/rest/organizations/${ORG}`, { version: null });
    assert.equal(missing.status, 400);
    assert.equal(missing.body.code, "VERSION_MISSING");
    const sunset = await call(sim, `/rest/organizations/${ORG}`, { version: "202401" });
    assert.equal(sunset.status, 426);
    assert.deepEqual(sunset.body, {
      status: 426,
      code: "NONEXISTENT_VERSION",
      message: "Requested version 20240101 is not active",
    });
    for (const version of ["202512", "202502", "202604"]) {
      assert.equal((await call(sim, `/rest/organizations/${ORG}`, { version })).status, 426);
    }
    for (const version of ["202503", "202603", "20260115"]) {
      assert.equal((await call(sim, `/rest/organizations/${ORG}`, { version })).status, 200);
    }
    assert.equal(
      (await call(sim, `/rest/organizations/${ORG}`, { version: "2026-01" })).status,
      400,
    );
    assert.equal((await call(sim, `/v2/organizations/${ORG}`, { version: null })).status, 200);
  });
  await withSim(
    { activeVersions: { oldest: "202401", newest: "202406", skipped: ["202403"] } },
    async (sim) => {
      assert.equal(
        (await call(sim, `/rest/organizations/${ORG}`, { version: "202402" })).status,
        200,
      );
      const skipped = await call(sim, `/rest/organizations/${ORG}`, { version: "202403" });
      assert.equal(skipped.body.message, "Requested version 20240301 is not active");
    },
  );
});

Deno.test("responses carry LinkedIn's JSON headers", async () => {
  await withSim({}, async (sim) => {
    const a = await call(sim, `/rest/organizations/${ORG}`);
    const b = await call(sim, `/rest/organizations/${ORG}`);
    assert.equal(a.headers.get("content-type"), "application/json");
    assert.equal(a.headers.get("x-restli-protocol-version"), "2.0.0");
    assert.ok(a.headers.get("x-li-uuid"));
    assert.notEqual(a.headers.get("x-li-uuid"), b.headers.get("x-li-uuid"));
  });
});

Deno.test("authentication failures return the documented 401 bodies", async () => {
  await withSim({}, async (sim) => {
    const path = `/rest/organizations/${ORG}`;
    assert.deepEqual((await call(sim, path, { token: null })).body, {
      message: "Empty oauth2_access_token",
      serviceErrorCode: 401,
      status: 401,
    });
    const unknown = await call(sim, path, { token: "not-a-token" });
    assert.equal(unknown.status, 401);
    assert.equal(unknown.body.code, "INVALID_ACCESS_TOKEN");
    const expired = await call(sim, path, { token: sim.issueAccessToken({ state: "expired" }) });
    assert.equal(expired.status, 401);
    assert.equal(expired.body.code, "EXPIRED_ACCESS_TOKEN");
    assert.equal(expired.body.serviceErrorCode, 65602);
    const revoked = await call(sim, path, { token: sim.issueAccessToken({ state: "revoked" }) });
    assert.equal(revoked.body.code, "REVOKED_ACCESS_TOKEN");
    // The version is checked before the token.
    assert.equal((await call(sim, path, { token: null, version: null })).status, 400);

    assert.equal((await call(sim, path)).status, 200);
    sim.revokeAccessTokens();
    const after = await call(sim, path);
    assert.equal(after.status, 401);
    assert.equal(after.body.code, "REVOKED_ACCESS_TOKEN");
  });
});

Deno.test("access tokens expire after 60 days", async () => {
  await withSim({}, async (sim, clock) => {
    clock.now += 61 * DAY;
    const res = await call(sim, `/v2/organizations/${ORG}`);
    assert.equal(res.body.code, "EXPIRED_ACCESS_TOKEN");
  });
});

Deno.test("scopes and page roles are enforced with 403 ACCESS_DENIED", async () => {
  await withSim({}, async (sim) => {
    const adminOnly = sim.issueAccessToken({ scopes: ["rw_organization_admin"] });
    const denied = await call(sim, posts(), { token: adminOnly });
    assert.equal(denied.status, 403);
    assert.deepEqual(denied.body, {
      status: 403,
      serviceErrorCode: 100,
      code: "ACCESS_DENIED",
      message: "Not enough permissions to access: partnerApiPostsExternal.GET.20260101",
    });
    const legacy = await call(sim, posts().replace("/rest/", "/v2/"), { token: adminOnly });
    assert.match(legacy.body.message, /\.GET\.NO_VERSION$/);
    const socialOnly = sim.issueAccessToken({ scopes: ["r_organization_social"] });
    for (
      const path of [
        followerStats(),
        `/rest/organizations/${ORG}`,
        "/rest/organizationAcls?q=roleAssignee",
      ]
    ) {
      assert.equal((await call(sim, path, { token: socialOnly })).status, 403, path);
    }
    assert.equal((await call(sim, posts(), { token: socialOnly })).status, 200);

    // 90362860 is held with role ANALYST.
    const analystUrn = encodeURIComponent("urn:li:organization:90362860");
    for (
      const path of [
        `/rest/organizationalEntityShareStatistics?q=organizationalEntity&organizationalEntity=${analystUrn}`,
        `/rest/organizations/90362860`,
        `/rest/networkSizes/${analystUrn}?edgeType=COMPANY_FOLLOWED_BY_MEMBER`,
        posts("", "90362860"),
      ]
    ) {
      const res = await call(sim, path);
      assert.equal(res.status, 403, path);
      assert.equal(res.body.code, "ACCESS_DENIED");
    }
  });
});

Deno.test("unknown paths and organizations answer 404 RESOURCE_NOT_FOUND", async () => {
  await withSim({}, async (sim) => {
    const path = await call(sim, "/rest/nothingHere?q=x");
    assert.equal(path.status, 404);
    assert.deepEqual(path.body, {
      status: 404,
      code: "RESOURCE_NOT_FOUND",
      message: "No virtual resource found",
    });
    assert.equal((await call(sim, "/rest/organizations/999")).status, 404);
    const stats =
      `/rest/organizationPageStatistics?q=organization&organization=urn:li:organization:999`;
    assert.equal((await call(sim, stats)).status, 404);
    // Auth is checked before routing.
    assert.equal((await call(sim, "/rest/nothingHere", { token: null })).status, 401);
  });
});

Deno.test("Rest.li: raw and encoded URNs, encoded structure rejected, 1.0 dotted form", async () => {
  await withSim({}, async (sim) => {
    const encoded = await call(sim, followerStats());
    const raw = await call(sim, followerStats().replace(ENC_URN, URN));
    assert.equal(encoded.status, 200);
    assert.deepEqual(raw.body, encoded.body);

    const start = MIDNIGHT - 10 * DAY;
    const end = MIDNIGHT - 3 * DAY;
    const v2 = await call(sim, shareStats(`&${interval(start, end)}`));
    const dotted = await call(
      sim,
      shareStats(
        `&timeIntervals.timeGranularityType=DAY&timeIntervals.timeRange.start=${start}&timeIntervals.timeRange.end=${end}`,
      ),
    );
    assert.equal(v2.status, 200);
    assert.deepEqual(dotted.body, v2.body);

    const fullyEncoded = `&timeIntervals=${encodeURIComponent(interval(start, end).slice(14))}`;
    const partlyEncoded =
      `&timeIntervals=(timeRange%3A(start:${start},end:${end}),timeGranularityType:DAY)`;
    for (const query of [fullyEncoded, partlyEncoded]) {
      const res = await call(sim, shareStats(query));
      assert.equal(res.status, 400);
      const error = res.body.errorDetails.inputErrors[0];
      assert.equal(error.code, "PARAM_INVALID");
      assert.equal(error.input.inputPath.fieldPath, "timeIntervals");
    }

    const noQ = await call(
      sim,
      `/rest/organizationalEntityShareStatistics?organizationalEntity=${URN}`,
    );
    assert.equal(noQ.status, 400);
    assert.match(noQ.body.message, /'q'/);
    const noEntity = await call(
      sim,
      "/rest/organizationalEntityShareStatistics?q=organizationalEntity",
    );
    assert.equal(noEntity.status, 400);
    assert.match(noEntity.body.message, /organizationalEntity/);

    // Query tunneling: POST with X-HTTP-Method-Override: GET and the query as the body.
    const tunneled = await call(sim, "/rest/organizationalEntityFollowerStatistics", {
      method: "POST",
      body: followerStats().split("?")[1],
      headers: {
        "X-HTTP-Method-Override": "GET",
        "Content-Type": "application/x-www-form-urlencoded",
      },
    });
    assert.deepEqual(tunneled.body, encoded.body);
  });
});

Deno.test("networkSizes accepts raw or encoded URN keys and both edge types", async () => {
  await withSim({}, async (sim) => {
    for (
      const path of [
        `/rest/networkSizes/${URN}?edgeType=COMPANY_FOLLOWED_BY_MEMBER`,
        `/rest/networkSizes/${ENC_URN}?edgeType=COMPANY_FOLLOWED_BY_MEMBER`,
        `/v2/networkSizes/${URN}?edgeType=CompanyFollowedByMember`,
      ]
    ) {
      const res = await call(sim, path);
      assert.equal(res.status, 200, path);
      assert.deepEqual(res.body, { firstDegreeSize: sim.followerCount(ORG) });
      assert.equal(res.headers.get("x-restli-protocol-version"), "1.0.0");
    }
    assert.equal((await call(sim, `/rest/networkSizes/${URN}?edgeType=FOLLOWERS`)).status, 400);
    assert.equal((await call(sim, `/rest/networkSizes/${URN}`)).status, 400);
  });
});

Deno.test("lifetime statistics return one element of the documented shape", async () => {
  await withSim({}, async (sim) => {
    const followers = await call(sim, followerStats());
    assert.deepEqual(followers.body.paging, { start: 0, count: 10, links: [] });
    assert.equal(followers.body.elements.length, 1);
    const f = followers.body.elements[0];
    assert.deepEqual(Object.keys(f), [
      "followerCountsByAssociationType",
      "followerCountsBySeniority",
      "followerCountsByIndustry",
      "followerCountsByFunction",
      "followerCountsByStaffCountRange",
      "followerCountsByGeoCountry",
      "followerCountsByGeo",
      "organizationalEntity",
    ]);
    assert.equal(f.organizationalEntity, URN);
    assert.ok(f.followerCountsBySeniority.length > 3);
    assert.match(f.followerCountsBySeniority[0].seniority, /^urn:li:seniority:\d+$/);
    assert.equal(typeof f.followerCountsByGeo[0].followerCounts.organicFollowerCount, "number");
    assert.equal(f.totalFollowerCounts, undefined);

    const page = (await call(sim, pageStats())).body.elements;
    assert.equal(page.length, 1);
    const views = page[0].totalPageStatistics.views;
    assert.equal(Object.keys(views).length, 27);
    assert.equal(typeof views.allPageViews.pageViews, "number");
    assert.equal(typeof views.mobileLifeAtPageViews.pageViews, "number");
    assert.ok(page[0].totalPageStatistics.clicks.careersPageClicks);
    assert.equal(page[0].organization, URN);
    assert.match(page[0].pageStatisticsByIndustryV2[0].industryV2, /^urn:li:industry:/);

    const share = (await call(sim, shareStats())).body.elements;
    assert.equal(share.length, 1);
    const totals = share[0].totalShareStatistics;
    for (
      const key of [
        "impressionCount",
        "uniqueImpressionsCount",
        "clickCount",
        "likeCount",
        "commentCount",
        "shareCount",
        "shareMentionsCount",
        "commentMentionsCount",
      ]
    ) {
      assert.ok(Number.isInteger(totals[key]), key);
    }
    assert.ok(totals.engagement > 0 && !Number.isInteger(totals.engagement));
  });
});

Deno.test("time-bound DAY statistics: window rules, whole buckets, determinism", async () => {
  await withSim({}, async (sim) => {
    const start = MIDNIGHT - 10 * DAY;
    const end = MIDNIGHT - 3 * DAY;
    const res = await call(sim, followerStats(`&${interval(start, end)}`));
    assert.equal(res.status, 200);
    assert.deepEqual(res.body.paging, { start: 0, count: 10, links: [] });
    const elements = res.body.elements;
    assert.equal(elements.length, 7);
    elements.forEach((e: { timeRange: { start: number; end: number } }, i: number) => {
      assert.deepEqual(e.timeRange, { start: start + i * DAY, end: start + (i + 1) * DAY });
    });
    assert.deepEqual(Object.keys(elements[0].followerGains), [
      "organicFollowerGain",
      "paidFollowerGain",
    ]);
    assert.equal(elements[0].followerCountsBySeniority, undefined);
    assert.deepEqual((await call(sim, followerStats(`&${interval(start, end)}`))).body, res.body);

    // A partial last day is left out; buckets that have not ended yet are left out.
    assert.equal(
      (await call(sim, followerStats(`&${interval(start, end + DAY / 2)}`))).body.elements.length,
      7,
    );
    const future = await call(sim, pageStats(`&${interval(MIDNIGHT - 5 * DAY, NOW + 10 * DAY)}`));
    assert.equal(future.body.elements.length, 5);
    const pageViews = future.body.elements[0].totalPageStatistics.views.allPageViews;
    assert.ok(pageViews.uniquePageViews <= pageViews.pageViews);

    const rejected = [
      interval(start, start + DAY - 1), // shorter than one unit
      interval(Date.UTC(2025, 2, 14), MIDNIGHT - 3 * DAY), // more than 12 months back
      interval(NOW - DAY, NOW), // less than 2 days back
    ];
    for (const query of rejected) {
      const bad = await call(sim, shareStats(`&${query}`));
      assert.equal(bad.status, 400, query);
      assert.match(bad.body.message, /^Invalid timeIntervals parameter/);
    }
    // Exactly 12 calendar months back (at midnight UTC) is still allowed.
    const oldest = await call(
      sim,
      shareStats(`&${interval(Date.UTC(2025, 2, 15), Date.UTC(2025, 2, 17))}`),
    );
    assert.equal(oldest.body.elements.length, 2);
  });
});

Deno.test("time-bound MONTH and WEEK statistics use calendar months and 7-day steps", async () => {
  await withSim({}, async (sim) => {
    const start = Date.UTC(2025, 4, 1);
    const res = await call(sim, shareStats(`&${interval(start, Date.UTC(2026, 2, 1), "MONTH")}`));
    assert.equal(res.status, 200);
    const months = res.body.elements;
    assert.equal(months.length, 10);
    assert.deepEqual(months[9].timeRange, {
      start: Date.UTC(2026, 1, 1),
      end: Date.UTC(2026, 2, 1),
    });
    assert.equal(months[9].timeRange.end - months[9].timeRange.start, 28 * DAY);

    const days = await call(
      sim,
      shareStats(`&${interval(Date.UTC(2026, 1, 1), Date.UTC(2026, 2, 1))}`),
    );
    const mean = (els: { totalShareStatistics: { impressionCount: number } }[]) =>
      els.reduce((a, e) => a + e.totalShareStatistics.impressionCount, 0) / els.length;
    assert.ok(mean(months) > 5 * mean(days.body.elements));

    const short = await call(
      sim,
      shareStats(`&${interval(Date.UTC(2026, 0, 1), Date.UTC(2026, 0, 20), "MONTH")}`),
    );
    assert.equal(short.status, 400);
    assert.match(short.body.message, /^Invalid timeIntervals parameter.*\[MONTH\]/);

    const weeks = await call(
      sim,
      followerStats(`&${interval(MIDNIGHT - 30 * DAY, MIDNIGHT - 8 * DAY, "WEEK")}`),
    );
    assert.equal(weeks.body.elements.length, 3);
  });
});

Deno.test("posts: newest first, start/count paging, clamped count, next link and total", async () => {
  await withSim({}, async (sim) => {
    const first = await call(sim, posts("&sortBy=LAST_MODIFIED&count=200"));
    assert.equal(first.status, 200);
    assert.equal(first.body.elements.length, 100);
    assert.equal(first.body.paging.count, 100);
    assert.equal(first.body.paging.total, 120);
    const next = first.body.paging.links.find((l: { rel: string }) => l.rel === "next");
    assert.match(next.href, /^\/rest\/posts\?.*start=100/);
    const rest = await call(sim, next.href);
    assert.equal(rest.body.elements.length, 20);
    assert.deepEqual(rest.body.paging.links, []);

    const all = [...first.body.elements, ...rest.body.elements];
    assert.deepEqual(sim.posts(ORG), all);
    assert.equal(new Set(all.map((p) => p.id)).size, 120);
    for (let i = 1; i < all.length; i++) {
      assert.ok(all[i - 1].lastModifiedAt > all[i].lastModifiedAt);
    }
    const post = all[0];
    assert.match(post.id, /^urn:li:(share|ugcPost):\d+$/);
    assert.equal(post.author, URN);
    assert.equal(post.lifecycleState, "PUBLISHED");
    assert.equal(post.distribution.feedDistribution, "MAIN_FEED");
    assert.ok(all.some((p) => p.commentary.includes("\u2028")));
    assert.ok(all.some((p) => p.commentary.includes('"') && !p.content));

    const byDefault = await call(sim, posts().replace(ENC_URN, URN));
    assert.equal(byDefault.body.elements.length, 10);
    assert.deepEqual(byDefault.body.elements, all.slice(0, 10));

    const created = (await call(sim, posts("&sortBy=CREATED&count=100"))).body.elements;
    for (let i = 1; i < created.length; i++) {
      assert.ok(created[i - 1].createdAt > created[i].createdAt);
    }
    assert.equal((await call(sim, posts("&sortBy=NEWEST"))).status, 400);

    // Post ids are unique across organizations.
    const other = sim.posts("5515715").map((p) => p.id);
    assert.ok(other.every((id) => !all.some((p) => p.id === id)));
  });
});

Deno.test("addPosts and touchPost reorder LAST_MODIFIED paging", async () => {
  await withSim({
    organizations: [{ id: ORG, name: "Devtestco", vanityName: "devtestco" }],
    postsPerOrganization: 25,
  }, async (sim, clock) => {
    const before = sim.posts(ORG);
    assert.equal(before.length, 25);
    const oldest = before[24];
    clock.now += 1000;
    sim.touchPost(ORG, oldest.id as string);
    sim.addPosts(ORG, 3);
    const page = (await call(sim, posts("&count=5"))).body;
    assert.equal(page.paging.total, 28);
    const ids = page.elements.map((p: { id: string }) => p.id);
    assert.ok(!before.some((p) => ids.slice(0, 3).includes(p.id)));
    assert.equal(ids[3], oldest.id);
    assert.equal(ids[4], before[0].id);
    assert.ok(page.elements[2].lastModifiedAt > page.elements[3].lastModifiedAt);
    assert.ok(page.elements[3].lastModifiedAt > (before[0].lastModifiedAt as number));
    assert.equal(page.elements[3].createdAt, oldest.createdAt);

    const everything = sim.posts(ORG);
    assert.equal(new Set(everything.map((p) => p.id)).size, 28);
    const tail = (await call(sim, posts("&start=20&count=10"))).body.elements;
    assert.deepEqual(tail, everything.slice(20));
  });
});

Deno.test("100,000 posts per organization are generated lazily", async () => {
  const org = { id: "1", name: "Big", vanityName: "big" };
  await withSim({ organizations: [org], postsPerOrganization: 100_000 }, async (sim) => {
    const started = performance.now();
    const deep = await call(sim, posts("&start=99990&count=100", "1"));
    assert.equal(deep.body.elements.length, 10);
    assert.equal(deep.body.paging.total, 100_000);
    const firstId = (await call(sim, posts("&count=1", "1"))).body.elements[0].id;
    sim.touchPost("1", deep.body.elements[9].id);
    const front = (await call(sim, posts("&count=2", "1"))).body.elements;
    assert.deepEqual(front.map((p: { id: string }) => p.id), [deep.body.elements[9].id, firstId]);
    assert.ok(performance.now() - started < 2000);
  });
});

Deno.test("organizationAcls pages with start/count, filters, and no total", async () => {
  await withSim({}, async (sim) => {
    const first = await call(sim, "/rest/organizationAcls?q=roleAssignee&count=2");
    assert.equal(first.status, 200);
    assert.equal(first.body.elements.length, 2);
    assert.equal(first.body.paging.total, undefined);
    assert.equal(first.body.paging.links[0].rel, "next");
    const acl = first.body.elements[0];
    assert.deepEqual(Object.keys(acl), ["roleAssignee", "state", "role", "organization"]);
    assert.match(acl.roleAssignee, /^urn:li:person:/);
    assert.equal(acl.organization, URN);
    const second = await call(sim, "/rest/organizationAcls?q=roleAssignee&start=2&count=2");
    assert.equal(second.body.elements.length, 1);
    assert.equal(second.body.elements[0].role, "ANALYST");
    assert.deepEqual(second.body.paging.links, []);
    const admins = await call(
      sim,
      "/rest/organizationAcls?q=roleAssignee&role=ADMINISTRATOR&state=APPROVED",
    );
    assert.deepEqual(admins.body.elements.map((e: { organization: string }) => e.organization), [
      URN,
      "urn:li:organization:5515715",
    ]);
    assert.equal((await call(sim, "/rest/organizationAcls")).status, 400);
  });
});

Deno.test("token endpoint: refresh grant, countdown, errors, expiry, introspection", async () => {
  await withSim({}, async (sim, clock) => {
    const form = (fields: Record<string, string>) =>
      call(sim, "/oauth/v2/accessToken", {
        method: "POST",
        token: null,
        version: null,
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams(fields).toString(),
      });
    const grant = {
      grant_type: "refresh_token",
      refresh_token: sim.refreshToken,
      client_id: sim.clientId,
      client_secret: sim.clientSecret,
    };
    const ok = await form(grant);
    assert.equal(ok.status, 200);
    assert.equal(ok.body.expires_in, 5_184_000);
    assert.equal(ok.body.refresh_token, sim.refreshToken);
    assert.equal(ok.body.refresh_token_expires_in, 31_536_000);
    assert.equal(
      (await call(sim, `/rest/organizations/${ORG}`, { token: ok.body.access_token })).status,
      200,
    );

    clock.now += DAY;
    assert.equal((await form(grant)).body.refresh_token_expires_in, 31_536_000 - 86_400);

    const missing = await form({ ...grant, refresh_token: "" });
    assert.equal(missing.status, 400);
    assert.deepEqual(missing.body, {
      error: "invalid_request",
      error_description: 'A required parameter "refresh_token" is missing',
    });
    const badSecret = await form({ ...grant, client_secret: "wrong" });
    assert.equal(badSecret.status, 401);
    assert.equal(badSecret.body.error, "invalid_client");

    const introspect = await call(sim, "/oauth/v2/introspectToken", {
      method: "POST",
      token: null,
      version: null,
      body: new URLSearchParams({
        client_id: sim.clientId,
        client_secret: sim.clientSecret,
        token: ok.body.access_token,
      }).toString(),
    });
    assert.equal(introspect.body.active, true);
    assert.equal(introspect.body.status, "active");
    assert.equal(introspect.body.expires_at, Math.floor(NOW / 1000) + 5_184_000);

    sim.expireRefreshToken();
    const expired = await form(grant);
    assert.equal(expired.status, 400);
    assert.equal(expired.body.error, "invalid_request");
    assert.match(expired.body.error_description, /invalid, expired or revoked/);
  });
});

Deno.test("faults: canned status, html, truncate, drop, delay", async () => {
  await withSim({}, async (sim) => {
    const path = `/rest/organizations/${ORG}`;
    sim.inject({
      endpoint: "organizations",
      times: 1,
      action: { status: 429, body: { status: 429 }, headers: { "retry-after": "2" } },
    });
    const throttled = await call(sim, path);
    assert.equal(throttled.status, 429);
    assert.equal(throttled.headers.get("retry-after"), "2");
    assert.deepEqual(throttled.body, { status: 429 });
    assert.equal((await call(sim, path)).status, 200);

    sim.inject({ times: 1, action: { html: true } });
    const html = await call(sim, path);
    assert.equal(html.status, 502);
    assert.match(html.headers.get("content-type")!, /^text\/html/);
    assert.match(html.text, /<html>/);

    sim.inject({ times: 1, action: { truncate: true } });
    const truncated = await call(sim, path);
    assert.equal(truncated.status, 200);
    assert.equal(truncated.body, undefined);
    assert.ok(truncated.text.length > 10);

    sim.inject({ times: 1, action: { drop: true } });
    const res = await fetch(sim.url + path, {
      headers: { Authorization: `Bearer ${sim.accessToken}`, "LinkedIn-Version": VERSION },
    });
    assert.equal(res.status, 200);
    await assert.rejects(res.text());

    sim.inject({ times: 1, action: { delayMs: 120 } });
    const started = performance.now();
    const delayed = await call(sim, path);
    assert.ok(performance.now() - started >= 100);
    assert.equal(delayed.body.id, Number(ORG));
    assert.deepEqual(sim.requests.map((r) => r.status), [429, 200, 502, 200, 200, 200]);
  });
});

Deno.test("faults: skip, times, endpoint and organization matching, clearFaults", async () => {
  await withSim({}, async (sim) => {
    sim.inject({ organizationId: "5515715", action: { status: 503, body: "down" } });
    sim.inject({ endpoint: "posts", skip: 1, times: 2, action: { status: 500 } });
    const other = await call(sim, "/rest/organizations/5515715");
    assert.equal(other.status, 503);
    assert.equal(other.text, "down");
    assert.equal((await call(sim, posts("", "5515715"))).status, 503);
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await call(sim, posts())).status);
    assert.deepEqual(statuses, [200, 500, 500, 200]);
    sim.clearFaults();
    assert.equal(
      (await call(
        sim,
        `/rest/networkSizes/${
          encodeURIComponent("urn:li:organization:5515715")
        }?edgeType=COMPANY_FOLLOWED_BY_MEMBER`,
      )).status,
      200,
    );
  });
});

Deno.test("recording: endpoints, headers, counts, concurrency, reset", async () => {
  await withSim({ latencyMs: 40 }, async (sim) => {
    await Promise.all([1, 2, 3, 4, 5].map(() => call(sim, followerStats())));
    await call(sim, posts());
    assert.equal(sim.count(), 6);
    assert.equal(sim.count("followerStatistics"), 5);
    assert.equal(sim.count("posts"), 1);
    assert.equal(sim.maxConcurrency(), 5);
    const [first] = sim.requests;
    assert.equal(first.method, "GET");
    assert.equal(first.path, "/rest/organizationalEntityFollowerStatistics");
    assert.equal(first.query, `q=organizationalEntity&organizationalEntity=${ENC_URN}`);
    assert.equal(first.headers.authorization, `Bearer ${sim.accessToken}`);
    assert.equal(first.headers["linkedin-version"], VERSION);
    assert.equal(first.status, 200);
    assert.ok(first.endedAt - first.startedAt >= 30);

    sim.resetRecording();
    assert.equal(sim.count(), 0);
    assert.equal(sim.maxConcurrency(), 0);
    await call(sim, "/rest/nothing");
    await call(sim, "/oauth/v2/accessToken", {
      method: "POST",
      token: null,
      version: null,
      body: "",
    });
    assert.deepEqual(sim.requests.map((r) => r.endpoint), ["unknown", "accessToken"]);
  });
});

Deno.test("dailyLimitPerEndpoint answers the observed DAY-limit 429 until the next UTC day", async () => {
  await withSim({ dailyLimitPerEndpoint: 2 }, async (sim, clock) => {
    const path = `/rest/organizations/${ORG}`;
    assert.equal((await call(sim, path)).status, 200);
    assert.equal((await call(sim, path)).status, 200);
    const limited = await call(sim, path);
    assert.equal(limited.status, 429);
    assert.deepEqual(limited.body, {
      status: 429,
      serviceErrorCode: 101,
      code: "TOO_MANY_REQUESTS",
      message:
        "Resource level throttle APPLICATION_AND_MEMBER DAY limit for calls to this resource is reached.",
    });
    assert.deepEqual(limited.body, dailyLimitReached().body);
    assert.equal(limited.headers.get("retry-after"), null);
    // Later in the same day it stays refused.
    clock.now = MIDNIGHT + DAY - 1;
    assert.equal((await call(sim, path)).status, 429);
    assert.equal((await call(sim, followerStats())).status, 200);
    clock.now = MIDNIGHT + DAY;
    assert.equal((await call(sim, path)).status, 200);
  });
});

Deno.test("data is deterministic for a seed and served as documented", async () => {
  const a = await LinkedInSimulator.start({ now: () => NOW });
  const b = await LinkedInSimulator.start({ now: () => NOW });
  const c = await LinkedInSimulator.start({ now: () => NOW, seed: 7 });
  try {
    assert.deepEqual(a.organization(ORG), b.organization(ORG));
    assert.deepEqual(a.posts(ORG), b.posts(ORG));
    assert.equal(a.followerCount(ORG), b.followerCount(ORG));
    assert.notEqual(a.followerCount(ORG), c.followerCount(ORG));
    const query = `&${interval(MIDNIGHT - 9 * DAY, MIDNIGHT - 2 * DAY)}`;
    assert.deepEqual(
      (await call(a, pageStats(query))).body,
      (await call(b, pageStats(query))).body,
    );

    const rest = await call(a, `/rest/organizations/${ORG}`);
    assert.deepEqual(rest.body, a.organization(ORG));
    assert.equal(rest.body.$URN, URN);
    assert.equal(rest.body.localizedName, "Devtestco");
    const legacy = await call(a, `/v2/organizations/${ORG}`, { version: null });
    assert.equal(legacy.body.$URN, undefined);
    assert.equal(legacy.body.id, 2414183);
  } finally {
    await Promise.all([a.close(), b.close(), c.close()]);
  }
});

Deno.test("defaults: real clock, current version window, three organizations", async () => {
  const sim = await LinkedInSimulator.start();
  try {
    const today = new Date();
    const current = `${today.getUTCFullYear()}${String(today.getUTCMonth() + 1).padStart(2, "0")}`;
    const acls = await call(sim, "/rest/organizationAcls?q=roleAssignee", { version: current });
    assert.equal(acls.status, current === "202512" ? 426 : 200);
    const twoYearsAgo = `${today.getUTCFullYear() - 2}${current.slice(4)}`;
    assert.equal(
      (await call(sim, `/rest/organizations/${ORG}`, { version: twoYearsAgo })).status,
      426,
    );
    assert.deepEqual(
      (await call(sim, "/v2/organizationAcls?q=roleAssignee")).body.elements.map(
        (e: { organization: string; role: string }) => `${e.organization} ${e.role}`,
      ),
      [
        `${URN} ADMINISTRATOR`,
        "urn:li:organization:5515715 ADMINISTRATOR",
        "urn:li:organization:90362860 ANALYST",
      ],
    );
    assert.deepEqual([ORG, "5515715", "90362860"].map((id) => sim.posts(id).length), [120, 30, 5]);
    assert.equal(sim.organization("5515715").localizedName, "Acme Analytics");
  } finally {
    await sim.close();
  }
});

// ---------------------------------------------------------------------------------------------
// Per-post share statistics

// deno-lint-ignore no-explicit-any
type Element = Record<string, any>;

const TUNNEL = {
  "X-HTTP-Method-Override": "GET",
  "Content-Type": "application/x-www-form-urlencoded",
};

/** `name=List(a,b)` with each item percent-encoded (or raw when `encode` is false). */
const listOf = (name: string, urns: string[], encode = true) =>
  `${name}=List(${urns.map((u) => encode ? encodeURIComponent(u) : u).join(",")})`;

/** The organization's post URNs with statistics (or, with `active` false, without), by kind. */
function postUrns(sim: LinkedInSimulator, org = ORG, active = true) {
  const ids = sim.posts(org).map((p) => p.id as string)
    .filter((id) => (sim.postStatistics(org, id) !== undefined) === active);
  return {
    shares: ids.filter((id) => id.startsWith("urn:li:share:")),
    ugcPosts: ids.filter((id) => id.startsWith("urn:li:ugcPost:")),
  };
}

/** The per-post statistics path asking for `urns`, each in the list of its kind. */
function postStats(urns: string[], org = ORG): string {
  const shares = urns.filter((u) => u.startsWith("urn:li:share:"));
  const ugcPosts = urns.filter((u) => !u.startsWith("urn:li:share:"));
  return `/rest/organizationalEntityShareStatistics?q=organizationalEntity&organizationalEntity=${
    encodeURIComponent(`urn:li:organization:${org}`)
  }&${listOf("shares", shares)}&${listOf("ugcPosts", ugcPosts)}`;
}

/** The body LinkedIn would send for these elements. */
const envelope = (elements: unknown[]) => ({
  paging: { start: 0, count: 10, links: [] },
  elements,
});

Deno.test("per-post statistics: List() and indexed forms, raw and encoded URNs", async () => {
  await withSim({}, async (sim) => {
    const { shares, ugcPosts } = postUrns(sim);
    const someShares = shares.slice(0, 4);
    const someUgc = ugcPosts.slice(0, 3);
    const expected = envelope(
      [...someShares, ...someUgc].map((urn) => sim.postStatistics(ORG, urn)),
    );
    const indexed = (name: string, urns: string[], open: string, close: string, enc: boolean) =>
      urns.map((u, i) => `${name}${open}${i}${close}=${enc ? encodeURIComponent(u) : u}`).join("&");
    const queries = [
      `&${listOf("shares", someShares)}&${listOf("ugcPosts", someUgc)}`,
      `&${listOf("shares", someShares, false)}&${listOf("ugcPosts", someUgc, false)}`,
      `&${indexed("shares", someShares, "[", "]", false)}&${
        indexed("ugcPosts", someUgc, "[", "]", false)
      }`,
      `&${indexed("shares", someShares, "%5B", "%5D", true)}&${
        indexed("ugcPosts", someUgc, "%5B", "%5D", true)
      }`,
      // Either parameter may come first; duplicates give one element.
      `&${listOf("ugcPosts", [...someUgc, someUgc[0]])}&${
        listOf("shares", [someShares[0], ...someShares])
      }`,
    ];
    for (const query of queries) {
      const res = await call(sim, shareStats(query));
      assert.equal(res.status, 200, query);
      assert.deepEqual(res.body, expected, query);
    }

    const [share, ugc] = [expected.elements[0] as Element, expected.elements[4] as Element];
    assert.deepEqual(Object.keys(share), ["organizationalEntity", "share", "totalShareStatistics"]);
    assert.equal(share.organizationalEntity, URN);
    assert.equal(share.share, someShares[0]);
    assert.deepEqual(Object.keys(ugc), ["organizationalEntity", "ugcPost", "totalShareStatistics"]);
    assert.equal(ugc.ugcPost, someUgc[0]);
    for (const element of expected.elements as Element[]) {
      const t = element.totalShareStatistics;
      for (
        const key of [
          "impressionCount",
          "uniqueImpressionsCount",
          "clickCount",
          "likeCount",
          "commentCount",
          "shareCount",
        ]
      ) {
        assert.ok(Number.isInteger(t[key]), key);
      }
      assert.ok(t.impressionCount > 0);
      assert.ok(t.uniqueImpressionsCount <= t.impressionCount);
      assert.equal(
        t.engagement,
        (t.clickCount + t.likeCount + t.commentCount + t.shareCount) / t.impressionCount,
      );
    }

    // Only one kind asked; an empty list names no post.
    const onlyUgc = await call(sim, shareStats(`&${listOf("ugcPosts", someUgc)}`));
    assert.deepEqual(onlyUgc.body, envelope(expected.elements.slice(4)));
    assert.deepEqual((await call(sim, shareStats("&shares=List()"))).body, envelope([]));

    // Not URNs at all, or the List structure percent-encoded: 400 PARAM_INVALID.
    for (
      const query of [
        "&shares=List(hello)",
        `&shares=List%28${encodeURIComponent(someShares[0])}%29`,
        `&ugcPosts[x]=${someUgc[0]}`,
      ]
    ) {
      const bad = await call(sim, shareStats(query));
      assert.equal(bad.status, 400, query);
      assert.equal(bad.body.errorDetails.inputErrors[0].code, "PARAM_INVALID");
    }

    // The same roles and scopes as organization-level share statistics.
    const analyst = await call(sim, postStats(postUrns(sim, "90362860").shares, "90362860"));
    assert.equal(analyst.status, 403);
    assert.equal(analyst.body.code, "ACCESS_DENIED");
    const socialOnly = sim.issueAccessToken({ scopes: ["r_organization_social"] });
    const query = shareStats(`&${listOf("shares", someShares)}`);
    assert.equal((await call(sim, query, { token: socialOnly })).status, 403);
  });
});

Deno.test("per-post statistics leave out wrong-list, foreign, unknown, old and idle posts", async () => {
  await withSim({
    organizations: [
      { id: ORG, name: "Devtestco", vanityName: "devtestco", postCount: 90, postSpanDays: 730 },
      { id: "5515715", name: "Acme Analytics", vanityName: "acme-analytics" },
    ],
  }, async (sim, clock) => {
    const yearAgo = Date.UTC(2025, 2, 15, 10, 30);
    const posts = sim.posts(ORG);
    const recent = posts.filter((p) => (p.publishedAt as number) >= yearAgo + DAY);
    const old = posts.filter((p) => (p.publishedAt as number) < yearAgo - DAY);
    assert.ok(recent.length > 30 && old.length > 30);

    // Old posts never come back; recent ones do unless they had no activity.
    const ask = async (urns: string[]) => {
      const res = await call(sim, postStats(urns));
      assert.equal(res.status, 200);
      return res.body.elements.map((e: Element) => e.share ?? e.ugcPost) as string[];
    };
    assert.deepEqual(await ask(old.map((p) => p.id as string)), []);
    assert.ok(old.every((p) => sim.postStatistics(ORG, p.id as string) === undefined));
    const served = await ask(recent.map((p) => p.id as string));
    const idle = recent.filter((p) => !served.includes(p.id as string));
    assert.ok(idle.length >= 1 && idle.length <= recent.length / 3, `${idle.length} idle`);
    assert.ok(idle.every((p) => sim.postStatistics(ORG, p.id as string) === undefined));
    assert.ok(served.every((urn) => sim.postStatistics(ORG, urn) !== undefined));

    // A URN in the other kind's list silently yields nothing, as does a URN of the wrong kind.
    const { shares, ugcPosts } = postUrns(sim);
    assert.ok(shares.length > 0 && ugcPosts.length > 0);
    const swapped = await call(
      sim,
      shareStats(`&${listOf("shares", ugcPosts)}&${listOf("ugcPosts", shares)}`),
    );
    assert.deepEqual(swapped.body, envelope([]));
    const renamed = shares.map((u) => u.replace("urn:li:share:", "urn:li:ugcPost:"));
    assert.deepEqual(await ask(renamed), []);
    assert.equal(sim.postStatistics(ORG, renamed[0]), undefined);

    // Posts of another organization, unknown posts, and other URNs: nothing.
    const foreign = postUrns(sim, "5515715");
    assert.ok(foreign.shares.length > 0);
    assert.deepEqual(await ask([...foreign.shares, ...foreign.ugcPosts]), []);
    assert.equal(sim.postStatistics(ORG, foreign.shares[0]), undefined);
    assert.notEqual(sim.postStatistics("5515715", foreign.shares[0]), undefined);
    const unknown = ["urn:li:share:7100000000000099999", "urn:li:share:1", "urn:li:ugcPost:42"];
    assert.deepEqual(await ask([...unknown, URN]), []);

    // A post leaves the rolling 12-month window as time passes.
    const edge = recent.findLast((p) => served.includes(p.id as string))!;
    clock.now = (edge.publishedAt as number) + 366 * DAY;
    assert.deepEqual(await ask([edge.id as string]), []);
  });
});

Deno.test("per-post statistics: about one post in six has none, on default data", async () => {
  await withSim({}, async (sim) => {
    const all = sim.posts(ORG).map((p) => p.id as string);
    const idle = postUrns(sim, ORG, false);
    const absent = idle.shares.length + idle.ugcPosts.length;
    assert.ok(absent >= all.length / 12 && absent <= all.length / 3, `${absent} absent`);
    const res = await call(sim, postStats([...idle.shares, ...idle.ugcPosts]));
    assert.deepEqual(res.body, envelope([]));
  });
});

Deno.test("per-post statistics are deterministic lifetime totals that grow a day later", async () => {
  await withSim({}, async (sim, clock) => {
    // Twins started at the same time, on the same clock: the same seed, and another one.
    const twin = await LinkedInSimulator.start({ now: () => clock.now });
    const other = await LinkedInSimulator.start({ now: () => clock.now, seed: 3 });
    const { shares, ugcPosts } = postUrns(sim);
    const query = shareStats(`&${listOf("shares", shares)}&${listOf("ugcPosts", ugcPosts)}`);
    const before = (await call(sim, query)).body.elements as Element[];
    assert.equal(before.length, shares.length + ugcPosts.length);
    assert.deepEqual((await call(sim, query)).body.elements, before);

    clock.now += DAY;
    const after = (await call(sim, query)).body.elements as Element[];
    assert.equal(after.length, before.length);
    assert.deepEqual(after, [...shares, ...ugcPosts].map((urn) => sim.postStatistics(ORG, urn)));
    for (const [i, element] of after.entries()) {
      const [was, now] = [before[i].totalShareStatistics, element.totalShareStatistics];
      assert.equal(element.share ?? element.ugcPost, before[i].share ?? before[i].ugcPost);
      assert.ok(now.impressionCount > was.impressionCount);
      for (
        const key of ["uniqueImpressionsCount", "clickCount", "commentCount", "shareCount"]
      ) {
        assert.ok(now[key] >= was[key], key);
      }
      assert.ok(
        was.likeCount < 0 ? now.likeCount === was.likeCount : now.likeCount >= was.likeCount,
      );
    }

    // likeCount is occasionally negative, as LinkedIn documents.
    const likes = after.map((e) => e.totalShareStatistics.likeCount as number);
    const negative = likes.filter((n) => n < 0).length;
    assert.ok(negative >= 1 && negative <= likes.length / 10, `${negative} negative`);

    // The same seed serves the same values; another seed other values.
    try {
      assert.deepEqual((await call(twin, query)).body.elements, after);
      const id = shares.find((urn) => other.postStatistics(ORG, urn) !== undefined)!;
      assert.notDeepEqual(other.postStatistics(ORG, id), sim.postStatistics(ORG, id));
    } finally {
      await Promise.all([twin.close(), other.close()]);
    }
  });
});

Deno.test("per-post statistics are lifetime only: timeIntervals is a 400", async () => {
  await withSim({}, async (sim) => {
    const { shares, ugcPosts } = postUrns(sim);
    const start = MIDNIGHT - 10 * DAY;
    const end = MIDNIGHT - 3 * DAY;
    for (
      const query of [
        `&${listOf("shares", shares.slice(0, 2))}&${interval(start, end)}`,
        `&${interval(start, end)}&${listOf("ugcPosts", ugcPosts.slice(0, 2))}`,
        `&shares[0]=${shares[0]}&timeIntervals.timeGranularityType=DAY` +
        `&timeIntervals.timeRange.start=${start}&timeIntervals.timeRange.end=${end}`,
      ]
    ) {
      const res = await call(sim, shareStats(query));
      assert.equal(res.status, 400, query);
      assert.deepEqual(Object.keys(res.body), ["status", "message"]);
      assert.equal(res.body.status, 400);
      assert.match(res.body.message, /timeIntervals/);
      assert.match(res.body.message, /lifetime only/);
    }
    // Organization-level time-bound statistics are unaffected.
    assert.equal((await call(sim, shareStats(`&${interval(start, end)}`))).status, 200);
  });
});

Deno.test("recording and faults: postStatistics is its own endpoint name", async () => {
  await withSim({}, async (sim) => {
    const { shares } = postUrns(sim);
    const perPost = shareStats(`&${listOf("shares", shares.slice(0, 3))}`);
    await call(sim, shareStats());
    await call(sim, perPost);
    await call(sim, shareStats(`&ugcPosts[0]=${shares[0]}`));
    assert.deepEqual(sim.requests.map((r) => r.endpoint), [
      "shareStatistics",
      "postStatistics",
      "postStatistics",
    ]);
    assert.equal(sim.count("postStatistics"), 2);
    assert.equal(sim.count("shareStatistics"), 1);

    sim.inject({ endpoint: "postStatistics", times: 1, action: { status: 500 } });
    assert.equal((await call(sim, shareStats())).status, 200);
    assert.equal((await call(sim, perPost)).status, 500);
    assert.equal((await call(sim, perPost)).status, 200);

    const acmePerPost = postStats(postUrns(sim, "5515715").shares.slice(0, 2), "5515715");
    sim.inject({
      endpoint: "postStatistics",
      organizationId: "5515715",
      action: { status: 503, body: { status: 503, message: "down" } },
    });
    assert.equal((await call(sim, perPost)).status, 200);
    const down = await call(sim, acmePerPost);
    assert.equal(down.status, 503);
    assert.deepEqual(down.body, { status: 503, message: "down" });

    // The tunneled form is matched by its effective query (the body).
    const tunneled = await call(sim, "/rest/organizationalEntityShareStatistics", {
      method: "POST",
      headers: TUNNEL,
      body: acmePerPost.split("?")[1],
    });
    assert.equal(tunneled.status, 503);
    sim.clearFaults();
    assert.equal((await call(sim, acmePerPost)).status, 200);
  });
});

Deno.test("daily limits count both share-statistics forms as one resource", async () => {
  await withSim({ dailyLimitPerEndpoint: 1 }, async (sim) => {
    const { shares } = postUrns(sim);
    assert.equal((await call(sim, shareStats())).status, 200);
    const limited = await call(sim, shareStats(`&${listOf("shares", shares.slice(0, 1))}`));
    assert.equal(limited.status, 429);
    assert.equal(limited.body.serviceErrorCode, 101);
    assert.equal((await call(sim, followerStats())).status, 200);
  });
});

// ---------------------------------------------------------------------------------------------
// URL limits and query tunneling

Deno.test("over 4 KB of query string is a 414 from the gateway; tunneled it is served", async () => {
  await withSim({}, async (sim) => {
    // Every post, with or without statistics.
    const ids = sim.posts(ORG).map((p) => p.id as string);
    const shares = ids.filter((id) => id.startsWith("urn:li:share:"));
    const ugcPosts = ids.filter((id) => id.startsWith("urn:li:ugcPost:"));
    const lists = `${listOf("shares", shares)}&${listOf("ugcPosts", ugcPosts)}`;
    const long = shareStats(`&${lists}`);
    const longQuery = long.split("?")[1];
    assert.ok(longQuery.length > 4096, `${longQuery.length}`);

    const rejected = await call(sim, long);
    assert.equal(rejected.status, 414);
    assert.match(rejected.headers.get("content-type")!, /^text\/html/);
    assert.equal(rejected.body, undefined);
    assert.match(rejected.text, /414/);
    // The gateway answers before the version and the token are looked at.
    assert.equal((await call(sim, long, { token: null, version: null })).status, 414);

    // Short GETs of 20 posts at a time, concatenated, equal the one tunneled request.
    const chunk = (urns: string[]) =>
      Array.from(
        { length: Math.ceil(urns.length / 20) },
        (_, i) => urns.slice(i * 20, i * 20 + 20),
      );
    const pieces = [];
    for (const part of chunk(shares)) {
      pieces.push(...(await call(sim, shareStats(`&${listOf("shares", part)}`))).body.elements);
    }
    for (const part of chunk(ugcPosts)) {
      pieces.push(...(await call(sim, shareStats(`&${listOf("ugcPosts", part)}`))).body.elements);
    }
    const tunneled = await call(sim, "/rest/organizationalEntityShareStatistics", {
      method: "POST",
      headers: TUNNEL,
      body: longQuery,
    });
    assert.equal(tunneled.status, 200);
    assert.equal(tunneled.headers.get("content-type"), "application/json");
    assert.deepEqual(tunneled.body, envelope(pieces));
    assert.ok(pieces.length > 50);

    // The same long query, with padding, on another endpoint: tunneled equals the short GET.
    const padded = `${posts("&count=5").split("?")[1]}&pad=${"x".repeat(5000)}`;
    assert.equal((await call(sim, `/rest/posts?${padded}`)).status, 414);
    const tunneledPosts = await call(sim, "/rest/posts", {
      method: "POST",
      headers: TUNNEL,
      body: padded,
    });
    assert.equal(tunneledPosts.status, 200);
    assert.deepEqual(
      tunneledPosts.body.elements,
      (await call(sim, posts("&count=5"))).body.elements,
    );
  });
});

Deno.test("URL limits: 4,096 characters of query and 8 KB of URL are the edges", async () => {
  await withSim({}, async (sim) => {
    const base = shareStats().split("?")[1];
    const withLength = (n: number) => `${base}&pad=${"a".repeat(n - base.length - 5)}`;
    assert.equal(withLength(4096).length, 4096);
    assert.equal(
      (await call(sim, `/rest/organizationalEntityShareStatistics?${withLength(4096)}`)).status,
      200,
    );
    assert.equal(
      (await call(sim, `/rest/organizationalEntityShareStatistics?${withLength(4097)}`)).status,
      414,
    );

    // A long path with a short query: over 8 KB of URL is a 414, below it routing goes on.
    const path = (n: number) => `/rest/organizations/${"9".repeat(n - 20)}`;
    assert.equal(path(8192).length, 8192);
    assert.equal((await call(sim, path(8192))).status, 404);
    const tooLong = await call(sim, `${path(8100)}?projection=(id,${"x".repeat(100)})`);
    assert.equal(tooLong.status, 414);
    assert.match(tooLong.headers.get("content-type")!, /^text\/html/);
    // The legacy /v2 and the OAuth endpoints sit behind the same gateway.
    assert.equal((await call(sim, `/v2/organizations/${ORG}?pad=${"a".repeat(4200)}`)).status, 414);
    const oauth = await call(sim, `/oauth/v2/accessToken?pad=${"a".repeat(4200)}`, {
      method: "POST",
      token: null,
      version: null,
      body: "",
    });
    assert.equal(oauth.status, 414);
  });
});

Deno.test("tunneled GETs: form content type required, recorded with the effective query", async () => {
  await withSim({}, async (sim) => {
    const query = followerStats().split("?")[1];
    const get = await call(sim, followerStats());
    const tunnel = (headers: Record<string, string>, body: string, path = "") =>
      call(sim, `/rest/organizationalEntityFollowerStatistics${path}`, {
        method: "POST",
        headers,
        body,
      });

    const ok = await tunnel({
      ...TUNNEL,
      "Content-Type": TUNNEL["Content-Type"] + "; charset=UTF-8",
    }, query);
    assert.equal(ok.status, 200);
    assert.deepEqual(ok.body, get.body);

    const noContentType = await fetch(`${sim.url}/rest/organizationalEntityFollowerStatistics`, {
      method: "POST",
      headers: {
        "X-HTTP-Method-Override": "GET",
        Authorization: `Bearer ${sim.accessToken}`,
        "LinkedIn-Version": VERSION,
      },
      body: new TextEncoder().encode(query), // bytes: fetch adds no Content-Type
    });
    const bodies = [
      await tunnel({ "X-HTTP-Method-Override": "GET", "Content-Type": "text/plain" }, query),
      await tunnel({ "X-HTTP-Method-Override": "GET", "Content-Type": "application/json" }, "{}"),
      { status: noContentType.status, body: await noContentType.json() },
    ];
    for (const bad of bodies) {
      assert.equal(bad.status, 400);
      assert.deepEqual(Object.keys(bad.body), ["status", "message"]);
      assert.equal(bad.body.status, 400);
      assert.match(bad.body.message, /application\/x-www-form-urlencoded/);
    }
    // A POST that is not a tunneled GET is not allowed.
    assert.equal((await tunnel({ "Content-Type": TUNNEL["Content-Type"] }, query)).status, 405);

    // As in Rest.li, a tunneled body is appended to whatever query the URL has.
    const [first, ...rest] = query.split("&");
    const split = await tunnel(TUNNEL, rest.join("&"), `?${first}`);
    assert.deepEqual(split.body, get.body);

    const recorded = sim.requests.map((r) => [r.method, r.tunneled, r.query, r.status]);
    assert.deepEqual(recorded, [
      ["GET", false, query, 200],
      ["POST", true, query, 200],
      ["POST", true, "", 400],
      ["POST", true, "", 400],
      ["POST", true, "", 400],
      ["POST", false, "", 405],
      ["POST", true, query, 200],
    ]);
    assert.ok(sim.requests.every((r) => r.endpoint === "followerStatistics"));

    // A tunneled per-post request is recorded as postStatistics.
    sim.resetRecording();
    const { shares } = postUrns(sim);
    const body = shareStats(`&${listOf("shares", shares.slice(0, 2))}`).split("?")[1];
    const perPost = await call(sim, "/rest/organizationalEntityShareStatistics", {
      method: "POST",
      headers: TUNNEL,
      body,
    });
    assert.equal(perPost.body.elements.length, 2);
    assert.equal(sim.requests[0].endpoint, "postStatistics");
    assert.equal(sim.requests[0].query, body);
    assert.equal(sim.requests[0].tunneled, true);
  });
});

// ---------------------------------------------------------------------------------------------
// Post kinds and spans

Deno.test("posts mix shares and ugcPosts, deterministic per seed, both kinds everywhere", async () => {
  for (const seed of [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]) {
    const sim = await LinkedInSimulator.start({ seed, now: () => NOW });
    const twin = await LinkedInSimulator.start({ seed, now: () => NOW });
    try {
      for (const org of [ORG, "5515715", "90362860"]) {
        const ids = sim.posts(org).map((p) => p.id as string);
        assert.ok(ids.length >= 5);
        assert.deepEqual(twin.posts(org).map((p) => p.id), ids);
        assert.ok(ids.some((id) => id.startsWith("urn:li:share:")), `seed ${seed} org ${org}`);
        assert.ok(ids.some((id) => id.startsWith("urn:li:ugcPost:")), `seed ${seed} org ${org}`);
      }
      const main = sim.posts(ORG).filter((p) => (p.id as string).startsWith("urn:li:ugcPost:"));
      assert.ok(main.length >= 12 && main.length <= 48, `seed ${seed}: ${main.length} of 120`);
    } finally {
      await Promise.all([sim.close(), twin.close()]);
    }
  }
});

Deno.test("postSpanDays spreads the initial posts evenly, newest about an hour ago", async () => {
  await withSim({
    organizations: [
      { id: ORG, name: "Devtestco", vanityName: "devtestco", postCount: 25, postSpanDays: 500 },
      { id: "5515715", name: "Acme Analytics", vanityName: "acme-analytics", postCount: 25 },
    ],
  }, async (sim) => {
    const created = (org: string) =>
      sim.posts(org).map((p) => p.createdAt as number).sort((a, b) => a - b);
    const spread = created(ORG);
    assert.equal(spread.length, 25);
    assert.ok(Math.abs(spread[24] - (NOW - 3_600_000)) <= 60_000);
    assert.ok(Math.abs(spread[24] - spread[0] - 500 * DAY) <= 60_000);
    const gaps = spread.slice(1).map((t, i) => t - spread[i]);
    assert.ok(gaps.every((g) => g === gaps[0]));
    // Posts older than 12 months exist and have no statistics.
    assert.ok(spread[0] < NOW - 366 * DAY);
    const oldest = sim.posts(ORG).find((p) => p.createdAt === spread[0])!;
    assert.deepEqual((await call(sim, postStats([oldest.id as string]))).body, envelope([]));

    // Without postSpanDays, posts stay at most 6 hours apart.
    const packed = created("5515715");
    assert.ok(Math.abs(packed[24] - (NOW - 3_600_000)) <= 60_000);
    assert.ok(packed[24] - packed[0] <= 24 * 6 * 3_600_000);
  });
});

// ---------------------------------------------------------------------------------------------
// Scopes and tiers

const ALL_SCOPES = [
  "rw_organization_admin",
  "r_organization_social",
  "r_organization_social_feed",
  "r_basicprofile",
];

Deno.test("default tokens carry four scopes; the grant and introspection say so", async () => {
  await withSim({}, async (sim) => {
    const form = (path: string, fields: Record<string, string>) =>
      call(sim, path, {
        method: "POST",
        token: null,
        version: null,
        body: new URLSearchParams(fields).toString(),
      });
    const client = { client_id: sim.clientId, client_secret: sim.clientSecret };
    const grant = await form("/oauth/v2/accessToken", {
      grant_type: "refresh_token",
      refresh_token: sim.refreshToken,
      ...client,
    });
    assert.equal(grant.body.scope, ALL_SCOPES.join(","));
    for (const token of [sim.accessToken, sim.issueAccessToken({}), grant.body.access_token]) {
      const info = await form("/oauth/v2/introspectToken", { ...client, token });
      assert.equal(info.body.scope, ALL_SCOPES.join(","));
    }
  });
});

// ---------------------------------------------------------------------------------------------
// Social metadata

const REACTION_TYPES = ["LIKE", "PRAISE", "EMPATHY", "INTEREST", "APPRECIATION", "ENTERTAINMENT"];

const metadataOf = (urn: string, encode = true) =>
  `/rest/socialMetadata/${encode ? encodeURIComponent(urn) : urn}`;
const metadataBatch = (urns: string[], encode = true) =>
  `/rest/socialMetadata?${listOf("ids", urns, encode)}`;

Deno.test("socialMetadata: single GET, raw or encoded key, documented shape", async () => {
  await withSim({}, async (sim) => {
    const ids = sim.posts(ORG).map((p) => p.id as string);
    for (const urn of [...ids.slice(0, 5), ...sim.videoPosts(ORG)]) {
      const encoded = await call(sim, metadataOf(urn));
      assert.equal(encoded.status, 200, urn);
      assert.deepEqual(encoded.body, sim.socialMetadata(ORG, urn));
      assert.deepEqual((await call(sim, metadataOf(urn, false))).body, encoded.body);
      assert.equal(encoded.headers.get("x-restli-protocol-version"), "2.0.0");
    }
    assert.ok(sim.requests.every((r) => r.endpoint === "socialMetadata"));

    const all = ids.map((urn) => sim.socialMetadata(ORG, urn) as Element);
    for (const [i, element] of all.entries()) {
      assert.deepEqual(Object.keys(element), [
        "entity",
        "reactionSummaries",
        "commentSummary",
        "commentsState",
      ]);
      assert.equal(element.entity, ids[i]);
      assert.equal(element.commentsState, "OPEN");
      for (
        const [type, summary] of Object.entries(element.reactionSummaries) as [string, Element][]
      ) {
        assert.ok(REACTION_TYPES.includes(type), type);
        assert.deepEqual(Object.keys(summary), ["reactionType", "count"]);
        assert.equal(summary.reactionType, type);
        assert.ok(Number.isInteger(summary.count) && summary.count > 0);
      }
      const { count, topLevelCount } = element.commentSummary;
      assert.ok(Number.isInteger(topLevelCount) && topLevelCount >= 0 && topLevelCount <= count);
    }
    // A type with no reactions is left out; some posts have none at all and no comments.
    const types = (e: Element) => Object.keys(e.reactionSummaries);
    for (const type of REACTION_TYPES) assert.ok(all.some((e) => types(e).includes(type)), type);
    assert.ok(all.some((e) => types(e).length > 0 && types(e).length < REACTION_TYPES.length));
    const silent = all.filter((e) => types(e).length === 0 && e.commentSummary.count === 0);
    assert.ok(silent.length >= 1 && silent.length <= all.length / 3, `${silent.length} silent`);
    assert.deepEqual(silent[0].reactionSummaries, {});
    assert.deepEqual(silent[0].commentSummary, { count: 0, topLevelCount: 0 });
    assert.ok(all.some((e) => e.commentSummary.count > e.commentSummary.topLevelCount));
  });
});

Deno.test("socialMetadata: unknown, renamed, foreign-role URNs are 404; counts never shrink", async () => {
  await withSim({}, async (sim, clock) => {
    const ids = sim.posts(ORG).map((p) => p.id as string);
    const share = ids.find((id) => id.startsWith("urn:li:share:"))!;
    const analystPost = sim.posts("90362860")[0].id as string;
    for (
      const urn of [
        "urn:li:share:7100000000000099999",
        share.replace("urn:li:share:", "urn:li:ugcPost:"),
        "urn:li:ugcPost:42",
        URN,
        analystPost, // a post of a page the member holds as ANALYST
      ]
    ) {
      const res = await call(sim, metadataOf(urn));
      assert.equal(res.status, 404, urn);
      assert.deepEqual(res.body, {
        status: 404,
        code: "RESOURCE_NOT_FOUND",
        message: "No virtual resource found",
      });
    }
    assert.equal(sim.socialMetadata(ORG, "urn:li:share:7100000000000099999"), undefined);
    assert.equal(sim.socialMetadata(ORG, sim.posts("5515715")[0].id as string), undefined);
    // Acme's posts are readable with the same token.
    assert.equal((await call(sim, metadataOf(sim.posts("5515715")[0].id as string))).status, 200);

    // Deterministic per seed; a day later no count is lower, and some are higher.
    const twin = await LinkedInSimulator.start({ now: () => clock.now });
    const other = await LinkedInSimulator.start({ now: () => clock.now, seed: 3 });
    try {
      assert.deepEqual(
        ids.map((u) => twin.socialMetadata(ORG, u)),
        ids.map((u) => sim.socialMetadata(ORG, u)),
      );
      assert.notDeepEqual(
        ids.map((u) => other.socialMetadata(ORG, u)),
        ids.map((u) => sim.socialMetadata(ORG, u)),
      );
    } finally {
      await Promise.all([twin.close(), other.close()]);
    }
    const counts = (e: Element) => [
      ...REACTION_TYPES.map((t) => e.reactionSummaries[t]?.count ?? 0),
      e.commentSummary.count,
      e.commentSummary.topLevelCount,
    ];
    const before = ids.map((u) => counts(sim.socialMetadata(ORG, u)!));
    clock.now += DAY;
    const after = ids.map((u) => counts(sim.socialMetadata(ORG, u)!));
    let grew = 0;
    for (const [i, now] of after.entries()) {
      now.forEach((n, k) => assert.ok(n >= before[i][k], `${ids[i]} ${k}`));
      if (now.some((n, k) => n > before[i][k])) grew++;
    }
    assert.ok(grew >= ids.length / 10, `${grew} grew`);
    assert.deepEqual((await call(sim, metadataOf(ids[0]))).body, sim.socialMetadata(ORG, ids[0]));
  });
});

Deno.test("socialMetadata batch: results, statuses and errors by URN, every list form", async () => {
  await withSim({}, async (sim) => {
    const ids = sim.posts(ORG).map((p) => p.id as string);
    const known = ids.slice(0, 6);
    const unknown = ["urn:li:share:7100000000000099999", sim.posts("90362860")[0].id as string];
    const res = await call(sim, metadataBatch([...known, ...unknown]));
    assert.equal(res.status, 200);
    assert.deepEqual(Object.keys(res.body), ["results", "statuses", "errors"]);
    assert.deepEqual(
      res.body.results,
      Object.fromEntries(known.map((urn) => [urn, sim.socialMetadata(ORG, urn)])),
    );
    assert.deepEqual(res.body.statuses, {
      ...Object.fromEntries(known.map((urn) => [urn, 200])),
      ...Object.fromEntries(unknown.map((urn) => [urn, 404])),
    });
    assert.deepEqual(
      res.body.errors,
      Object.fromEntries(unknown.map((urn) => [urn, { status: 404, message: "Not Found" }])),
    );
    assert.equal(sim.requests[0].endpoint, "socialMetadataBatch");

    // Raw items, Rest.li 1.0 repeated and indexed forms (brackets raw or encoded), tunneled.
    const urns = [...known, ...unknown];
    const forms = [
      metadataBatch(urns, false),
      `/rest/socialMetadata?${urns.map((u) => `ids=${encodeURIComponent(u)}`).join("&")}`,
      `/rest/socialMetadata?${urns.map((u, i) => `ids[${i}]=${u}`).join("&")}`,
      `/rest/socialMetadata?${
        urns.map((u, i) => `ids%5B${i}%5D=${encodeURIComponent(u)}`).join("&")
      }`,
    ];
    for (const path of forms) assert.deepEqual((await call(sim, path)).body, res.body, path);
    const tunneled = await call(sim, "/rest/socialMetadata", {
      method: "POST",
      headers: TUNNEL,
      body: metadataBatch(urns).split("?")[1],
    });
    assert.deepEqual(tunneled.body, res.body);
    assert.ok(sim.requests.every((r) => r.endpoint === "socialMetadataBatch"));

    // At most 100 ids; not-URNs and a missing ids are 400s.
    assert.equal(
      Object.keys((await call(sim, metadataBatch(ids.slice(0, 100), false))).body.results).length,
      100,
    );
    const tooMany = await call(sim, metadataBatch(ids.slice(0, 101), false));
    assert.equal(tooMany.status, 400);
    assert.match(tooMany.body.message, /100/);
    const notUrn = await call(sim, metadataBatch(["hello"]));
    assert.equal(notUrn.status, 400);
    assert.equal(notUrn.body.errorDetails.inputErrors[0].code, "PARAM_INVALID");
    assert.equal((await call(sim, "/rest/socialMetadata")).status, 400);
    assert.deepEqual((await call(sim, "/rest/socialMetadata?ids=List()")).body, {
      results: {},
      statuses: {},
      errors: {},
    });
  });
});

Deno.test("socialMetadata needs r_organization_social_feed; BATCH_GET is named in the 403", async () => {
  await withSim({}, async (sim) => {
    const urn = sim.posts(ORG)[0].id as string;
    const token = sim.issueAccessToken({
      scopes: ["rw_organization_admin", "r_organization_social"],
    });
    const single = await call(sim, metadataOf(urn), { token });
    assert.equal(single.status, 403);
    assert.deepEqual(single.body, {
      status: 403,
      serviceErrorCode: 100,
      code: "ACCESS_DENIED",
      message: "Not enough permissions to access: socialMetadata.GET.20260101",
    });
    const batch = await call(sim, metadataBatch([urn]), { token });
    assert.equal(batch.status, 403);
    assert.equal(
      batch.body.message,
      "Not enough permissions to access: socialMetadata.BATCH_GET.20260101",
    );
    const feedOnly = sim.issueAccessToken({ scopes: ["r_organization_social_feed"] });
    assert.equal((await call(sim, metadataOf(urn), { token: feedOnly })).status, 200);
    assert.equal((await call(sim, metadataBatch([urn]), { token: feedOnly })).status, 200);
    assert.equal((await call(sim, posts(), { token: feedOnly })).status, 403);
  });
});

Deno.test("development tier: every BATCH_GET is a 403, everything else works", async () => {
  await withSim({ apiTier: "development" }, async (sim) => {
    const urns = sim.posts(ORG).slice(0, 3).map((p) => p.id as string);
    const expected = {
      status: 403,
      serviceErrorCode: 100,
      code: "ACCESS_DENIED",
      message: "Not enough permissions to access: socialMetadata.BATCH_GET.20260101",
    };
    const batch = await call(sim, metadataBatch(urns));
    assert.equal(batch.status, 403);
    assert.deepEqual(batch.body, expected);
    const tunneled = await call(sim, "/rest/socialMetadata", {
      method: "POST",
      headers: TUNNEL,
      body: metadataBatch(urns).split("?")[1],
    });
    assert.deepEqual(tunneled.body, expected);
    const legacy = await call(sim, metadataBatch(urns).replace("/rest/", "/v2/"), {
      version: null,
    });
    assert.equal(
      legacy.body.message,
      "Not enough permissions to access: socialMetadata.BATCH_GET.NO_VERSION",
    );
    assert.equal(
      (await call(sim, metadataBatch(urns), { version: "202603" })).body.message,
      expected.message.replace("20260101", "20260301"),
    );

    for (const urn of urns) {
      const single = await call(sim, metadataOf(urn));
      assert.equal(single.status, 200);
      assert.deepEqual(single.body, sim.socialMetadata(ORG, urn));
    }
    const video = sim.videoPosts(ORG).find((u) => u.startsWith("urn:li:ugcPost:"))!;
    for (
      const path of [
        posts(),
        followerStats(),
        postStats(urns),
        `/rest/organizations/${ORG}`,
        videoStats(video, "VIDEO_VIEW", "ALL"),
        "/rest/functions",
        "/rest/seniorities",
        "/rest/industryTaxonomyVersions/DEFAULT/industries",
      ]
    ) {
      assert.equal((await call(sim, path)).status, 200, path);
    }
  });
  await withSim({ apiTier: "standard" }, async (sim) => {
    const urn = sim.posts(ORG)[0].id as string;
    assert.equal((await call(sim, metadataBatch([urn]))).status, 200);
  });
});

// ---------------------------------------------------------------------------------------------
// Video posts and video analytics

const VIDEO_METRICS = [
  "VIDEO_VIEW",
  "VIEWER",
  "TIME_WATCHED",
  "TIME_WATCHED_FOR_VIDEO_VIEWS",
] as const;

/** The videoAnalytics path; `range` as Rest.li 2.0 `timeRange=(start:…,end:…)`. */
function videoStats(
  urn: string,
  type: string | undefined,
  aggregation: string | undefined,
  range?: [number, number],
): string {
  const params = [`q=entity`, `entity=${encodeURIComponent(urn)}`];
  if (type !== undefined) params.push(`type=${type}`);
  if (aggregation !== undefined) params.push(`aggregation=${aggregation}`);
  if (range) params.push(`timeRange=(start:${range[0]},end:${range[1]})`);
  return `/rest/videoAnalytics?${params.join("&")}`;
}

/** The DAY elements `sim.videoAnalytics` predicts for `urn` and `type` over `[start, end)`. */
function expectedDays(
  sim: LinkedInSimulator,
  org: string,
  urn: string,
  type: typeof VIDEO_METRICS[number],
  start: number,
  end: number,
): Element[] {
  const out = [];
  for (let day = start; day < end; day += DAY) {
    const value = sim.videoAnalytics(org, urn, type, day);
    if (value !== undefined) {
      out.push({ entity: urn, type, value, timeRange: { start: day, end: day + DAY } });
    }
  }
  return out;
}

Deno.test("video posts: about one in ten, nearly all ugcPosts, enough on the default pages", async () => {
  await withSim({}, async (sim) => {
    for (const [org, ugcPosts, shares] of [[ORG, 5, 1], ["5515715", 2, 0]] as const) {
      const videos = sim.videoPosts(org);
      const all = sim.posts(org);
      const media = (p: Element) => p.content?.media?.id as string | undefined;
      const withVideo = all.filter((p) => media(p)?.startsWith("urn:li:video:"));
      assert.deepEqual(videos, withVideo.map((p) => p.id));
      const ugc = videos.filter((u) => u.startsWith("urn:li:ugcPost:"));
      assert.ok(ugc.length >= ugcPosts, `${org}: ${ugc.length} ugcPost videos`);
      assert.ok(videos.length - ugc.length >= shares, `${org}: share-URN videos`);
      for (const post of withVideo) {
        const content = post.content as Element;
        assert.deepEqual(Object.keys(content), ["media"]);
        assert.deepEqual(Object.keys(content.media), ["id", "title"]);
        assert.match(content.media.id, /^urn:li:video:\d+$/);
        assert.equal(typeof content.media.title, "string");
      }
    }
    // The API serves the same contents.
    const served = (await call(sim, posts("&count=100"))).body.elements;
    assert.deepEqual(served, sim.posts(ORG).slice(0, 100));
  });
  // Deterministic per seed; on 400 posts, about 40 videos of which a few have share URNs.
  for (const seed of [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]) {
    const options = {
      seed,
      now: () => NOW,
      organizations: [{ id: ORG, name: "Devtestco", vanityName: "devtestco", postCount: 400 }],
    };
    const sim = await LinkedInSimulator.start(options);
    const twin = await LinkedInSimulator.start(options);
    try {
      const videos = sim.videoPosts(ORG);
      assert.deepEqual(twin.videoPosts(ORG), videos);
      const shares = videos.filter((u) => u.startsWith("urn:li:share:")).length;
      assert.ok(
        videos.length >= 20 && videos.length <= 70,
        `seed ${seed}: ${videos.length} of 400`,
      );
      assert.ok(shares >= 1 && shares <= videos.length / 5, `seed ${seed}: ${shares} shares`);
    } finally {
      await Promise.all([sim.close(), twin.close()]);
    }
  }
});

Deno.test("videoAnalytics DAY: one element per active ended day, end exclusive, as videoAnalytics()", async () => {
  await withSim({}, async (sim, clock) => {
    const videos = sim.videoPosts(ORG).filter((u) => u.startsWith("urn:li:ugcPost:"));
    const byId = new Map(sim.posts(ORG).map((p) => [p.id, p]));
    const oldest = videos.at(-1)!;
    const published = byId.get(oldest)!.createdAt as number;
    const start = MIDNIGHT - 35 * DAY;
    assert.ok(published > start);
    for (const type of VIDEO_METRICS) {
      const res = await call(sim, videoStats(oldest, type, "DAY", [start, MIDNIGHT + DAY]));
      assert.equal(res.status, 200, type);
      assert.deepEqual(res.body.paging, { start: 0, count: 10, links: [] });
      const elements = res.body.elements as Element[];
      assert.deepEqual(elements, expectedDays(sim, ORG, oldest, type, start, MIDNIGHT + DAY));
      // Nothing before the publication day, nothing for today (not ended), no zero values.
      assert.ok(elements.length > 3, type);
      assert.ok(elements[0].timeRange.start >= published - (published % DAY));
      assert.ok(elements.every((e) => e.timeRange.end <= MIDNIGHT && e.value > 0));
      assert.deepEqual(Object.keys(elements[0]), ["entity", "type", "value", "timeRange"]);
      if (type === "VIDEO_VIEW") {
        // Days without views are left out.
        const days = (MIDNIGHT - (published - (published % DAY))) / DAY;
        assert.ok(elements.length < days, `${elements.length} of ${days} days`);
      }
    }
    assert.ok(sim.requests.every((r) => r.endpoint === "videoAnalytics"));

    // Per day: viewers ≤ views; time watched for views ≤ time watched, 3–40 s per view.
    for (const urn of videos) {
      for (let day = MIDNIGHT - 35 * DAY; day < MIDNIGHT; day += DAY) {
        const [views, viewers, watched, forViews] = VIDEO_METRICS.map((t) =>
          sim.videoAnalytics(ORG, urn, t, day) ?? 0
        );
        assert.ok(viewers <= views && (views === 0) === (viewers === 0));
        assert.ok(forViews <= watched);
        assert.ok(forViews >= 3_000 * views && forViews <= 40_000 * views);
      }
      assert.equal(sim.videoAnalytics(ORG, urn, "VIDEO_VIEW", MIDNIGHT), undefined);
    }

    // The end is exclusive, the start inclusive; dayStart may be any time of the day.
    const active = expectedDays(sim, ORG, oldest, "TIME_WATCHED", start, MIDNIGHT);
    const day = active[1].timeRange.start;
    const one = await call(sim, videoStats(oldest, "TIME_WATCHED", "DAY", [day, day + DAY]));
    assert.deepEqual(one.body.elements, [active[1]]);
    assert.equal(
      (await call(sim, videoStats(oldest, "TIME_WATCHED", "DAY", [day, day]))).status,
      400,
    );
    const before = await call(sim, videoStats(oldest, "TIME_WATCHED", "DAY", [start, day]));
    assert.deepEqual(before.body.elements, [active[0]]);
    assert.equal(
      sim.videoAnalytics(ORG, oldest, "TIME_WATCHED", day + 12 * 3_600_000),
      active[1].value,
    );

    // The 1.0 dotted timeRange is the same request.
    const dotted = await call(
      sim,
      `/rest/videoAnalytics?q=entity&entity=${oldest}&type=TIME_WATCHED&aggregation=DAY&timeRange.start=${start}&timeRange.end=${MIDNIGHT}`,
    );
    assert.deepEqual(dotted.body.elements, active);

    // Values of past days never change as the clock moves on; the days since are added.
    const values = VIDEO_METRICS.map((t) => expectedDays(sim, ORG, oldest, t, start, MIDNIGHT));
    clock.now += 20 * DAY;
    sim.addPosts(ORG, 2);
    assert.deepEqual(
      VIDEO_METRICS.map((t) => expectedDays(sim, ORG, oldest, t, start, MIDNIGHT)),
      values,
    );
    const later = await call(
      sim,
      videoStats(oldest, "TIME_WATCHED", "DAY", [start, NOW + 30 * DAY]),
    );
    assert.deepEqual(later.body.elements.slice(0, values[2].length), values[2]);
    assert.ok(later.body.elements.at(-1).timeRange.end <= MIDNIGHT + 20 * DAY);
  });
});

Deno.test("videoAnalytics WEEK and ALL sum the days; without timeRange, lifetime and 10 buckets", async () => {
  await withSim({}, async (sim) => {
    const video = sim.videoPosts(ORG).filter((u) => u.startsWith("urn:li:ugcPost:")).at(-1)!;
    const start = MIDNIGHT - 33 * DAY;
    const sum = (type: typeof VIDEO_METRICS[number], from: number, to: number) =>
      expectedDays(sim, ORG, video, type, from, to).reduce((a, e) => a + e.value, 0);
    for (const type of VIDEO_METRICS) {
      const weeks = (await call(sim, videoStats(video, type, "WEEK", [start, MIDNIGHT]))).body
        .elements as Element[];
      // 33 days from the start: four whole 7-day buckets, the last 5 days are no whole week.
      const expected = [0, 1, 2, 3].map((k) => ({
        entity: video,
        type,
        value: sum(type, start + 7 * k * DAY, start + 7 * (k + 1) * DAY),
        timeRange: { start: start + 7 * k * DAY, end: start + 7 * (k + 1) * DAY },
      })).filter((e) => e.value > 0);
      assert.deepEqual(weeks, expected, type);
      assert.ok(weeks.length >= 2);

      const all = await call(sim, videoStats(video, type, "ALL", [start, MIDNIGHT - 3 * DAY]));
      assert.deepEqual(all.body.elements, [{
        entity: video,
        type,
        value: sum(type, start, MIDNIGHT - 3 * DAY),
      }]);
      const lifetime = await call(sim, videoStats(video, type, "ALL"));
      assert.deepEqual(lifetime.body.elements, [{
        entity: video,
        type,
        value: sum(type, start, MIDNIGHT + DAY),
      }]);

      // Without a timeRange, DAY and WEEK keep only the last 10 buckets with data.
      const days = (await call(sim, videoStats(video, type, "DAY"))).body.elements;
      assert.deepEqual(days, expectedDays(sim, ORG, video, type, start, MIDNIGHT).slice(-10));
      const allWeeks = (await call(sim, videoStats(video, type, "WEEK"))).body
        .elements as Element[];
      assert.ok(allWeeks.length >= 2 && allWeeks.length <= 10);
      assert.ok(
        allWeeks.every((w) =>
          w.timeRange.end - w.timeRange.start === 7 * DAY && w.timeRange.end <= MIDNIGHT
        ),
      );
    }
    // A video published today has nothing yet.
    sim.addPosts(ORG, 60);
    const fresh = sim.videoPosts(ORG).find((u) => u.startsWith("urn:li:ugcPost:"))!;
    assert.deepEqual((await call(sim, videoStats(fresh, "TIME_WATCHED", "ALL"))).body.elements, []);
    assert.deepEqual((await call(sim, videoStats(fresh, "VIDEO_VIEW", "DAY"))).body.elements, []);
  });
});

Deno.test("videoAnalytics: views, viewers and time watched for views go after 6 months, time watched stays", async () => {
  await withSim({
    organizations: [
      { id: ORG, name: "Devtestco", vanityName: "devtestco", postCount: 400, postSpanDays: 400 },
    ],
  }, async (sim) => {
    const cut = Date.UTC(2025, 8, 15); // 6 calendar months before today, 2026-03-15
    const byId = new Map(sim.posts(ORG).map((p) => [p.id, p.createdAt as number]));
    // A video published 1 to 30 days before the cut, so that it was watched on both sides.
    const video = sim.videoPosts(ORG).filter((u) => u.startsWith("urn:li:ugcPost:"))
      .find((u) => byId.get(u)! < cut - DAY && byId.get(u)! > cut - 30 * DAY)!;
    assert.ok(video);
    const range: [number, number] = [cut - 40 * DAY, cut + 60 * DAY];
    const elements = async (type: string) =>
      (await call(sim, videoStats(video, type, "DAY", range))).body.elements as Element[];
    for (const type of ["VIDEO_VIEW", "VIEWER", "TIME_WATCHED_FOR_VIDEO_VIEWS"] as const) {
      const served = await elements(type);
      assert.deepEqual(served, expectedDays(sim, ORG, video, type, ...range));
      assert.ok(served.every((e) => e.timeRange.start >= cut), type);
      assert.ok(served.length >= 1);
    }
    const served = await elements("TIME_WATCHED");
    assert.deepEqual(served, expectedDays(sim, ORG, video, "TIME_WATCHED", ...range));
    assert.ok(served.some((e) => e.timeRange.start < cut));
    // A day before the cut with time watched had views: they are left out, not zero.
    const watched = served.find((e) => e.timeRange.start < cut)!;
    assert.equal(sim.videoAnalytics(ORG, video, "VIDEO_VIEW", watched.timeRange.start), undefined);
    const views = (await call(sim, videoStats(video, "VIDEO_VIEW", "ALL", range))).body.elements;
    assert.deepEqual(views, [{
      entity: video,
      type: "VIDEO_VIEW",
      value: expectedDays(sim, ORG, video, "VIDEO_VIEW", ...range).reduce((a, e) => a + e.value, 0),
    }]);
  });
});

Deno.test("videoAnalytics: required type and aggregation, only ugcPost videos, roles and scope", async () => {
  await withSim({
    organizations: [
      { id: ORG, name: "Devtestco", vanityName: "devtestco", postCount: 120 },
      { id: "5515715", name: "Acme", vanityName: "acme", role: "CONTENT_ADMINISTRATOR" },
      {
        id: "90362860",
        name: "Showcase",
        vanityName: "showcase",
        role: "DIRECT_SPONSORED_CONTENT_POSTER",
      },
    ],
  }, async (sim) => {
    const videos = sim.videoPosts(ORG);
    const video = videos.find((u) => u.startsWith("urn:li:ugcPost:"))!;
    const shareVideo = videos.find((u) => u.startsWith("urn:li:share:"))!;
    assert.ok(shareVideo);
    const ids = sim.posts(ORG).map((p) => p.id as string);
    const plainUgc = ids.find((id) => id.startsWith("urn:li:ugcPost:") && !videos.includes(id))!;
    const plainShare = ids.find((id) => id.startsWith("urn:li:share:") && !videos.includes(id))!;

    const noType = await call(sim, videoStats(video, undefined, "DAY"));
    assert.equal(noType.status, 400);
    assert.deepEqual(noType.body, { status: 400, message: "Parameter 'type' is required" });
    const noAggregation = await call(sim, videoStats(video, "VIDEO_VIEW", undefined));
    assert.equal(noAggregation.status, 400);
    assert.match(noAggregation.body.message, /'aggregation'/);
    for (
      const [path, field] of [
        [videoStats(video, "LIKES", "DAY"), "type"],
        [videoStats(video, "VIDEO_VIEW", "MONTH"), "aggregation"],
        [`${videoStats(video, "VIDEO_VIEW", "DAY")}&timeRange=(start:x,end:1)`, "timeRange"],
        [videoStats("not-a-urn", "VIDEO_VIEW", "DAY"), "entity"],
      ]
    ) {
      const res = await call(sim, path);
      assert.equal(res.status, 400, path);
      assert.equal(res.body.errorDetails.inputErrors[0].code, "PARAM_INVALID");
      assert.equal(res.body.errorDetails.inputErrors[0].input.inputPath.fieldPath, field);
    }
    assert.equal(
      (await call(sim, videoStats(video, "VIDEO_VIEW", "DAY").replace("q=entity", "q=video")))
        .status,
      400,
    );

    // Only the ugcPost URN of a video post: share-URN videos, other posts, unknown URNs are 400s.
    for (
      const urn of [
        shareVideo,
        video.replace("urn:li:ugcPost:", "urn:li:share:"),
        plainUgc,
        plainShare,
        "urn:li:ugcPost:7100000000000099999",
        URN,
      ]
    ) {
      const res = await call(sim, videoStats(urn, "VIDEO_VIEW", "DAY"));
      assert.equal(res.status, 400, urn);
      assert.equal(res.body.status, 400);
      assert.match(res.body.message, /video/);
      assert.equal(sim.videoAnalytics(ORG, urn, "VIDEO_VIEW", MIDNIGHT - 2 * DAY), undefined);
    }

    // ADMINISTRATOR and DIRECT_SPONSORED_CONTENT_POSTER may; CONTENT_ADMINISTRATOR may not,
    // though social metadata admits it.
    assert.equal((await call(sim, videoStats(video, "VIDEO_VIEW", "DAY"))).status, 200);
    for (const [org, status] of [["90362860", 200], ["5515715", 403]] as const) {
      const orgVideo = sim.videoPosts(org).find((u) => u.startsWith("urn:li:ugcPost:"))!;
      const res = await call(sim, videoStats(orgVideo, "VIEWER", "ALL"));
      assert.equal(res.status, status, org);
      assert.equal((await call(sim, metadataOf(orgVideo))).status, 200);
    }
    const postsOnly = sim.issueAccessToken({ scopes: ["r_organization_social"] });
    assert.equal(
      (await call(sim, videoStats(video, "VIDEO_VIEW", "DAY"), { token: postsOnly })).status,
      200,
    );
    const adminOnly = sim.issueAccessToken({
      scopes: ["rw_organization_admin", "r_organization_social_feed"],
    });
    const denied = await call(sim, videoStats(video, "VIDEO_VIEW", "DAY"), { token: adminOnly });
    assert.equal(denied.status, 403);
    assert.equal(
      denied.body.message,
      "Not enough permissions to access: videoAnalytics.GET.20260101",
    );
  });
});

// ---------------------------------------------------------------------------------------------
// Taxonomies

const TAXONOMIES = [
  ["functions", "/rest/functions", "function", 26],
  ["seniorities", "/rest/seniorities", "seniority", 10],
  ["industries", "/rest/industryTaxonomyVersions/DEFAULT/industries", "industry", 0],
] as const;

Deno.test("taxonomies: GET_ALL with start/count paging, total and next links", async () => {
  await withSim({}, async (sim) => {
    for (const [name, path, type, size] of TAXONOMIES) {
      sim.resetRecording();
      const all = sim.taxonomy(name);
      if (size) assert.equal(all.length, size, name);
      const ids = all.map((e) => e.id as number);
      assert.deepEqual(ids, [...ids].sort((a, b) => a - b));
      for (const element of all) {
        assert.equal(element.$URN, `urn:li:${type}:${element.id}`);
        assert.equal(typeof (element.name as Element).localized.en_US, "string");
      }
      // Follow next links from the default page size of 10.
      const pages = [];
      let next: string | undefined = path;
      while (next) {
        const res: Reply = await call(sim, next);
        assert.equal(res.status, 200, next);
        assert.equal(res.body.paging.total, all.length);
        assert.ok(res.body.elements.length <= 10);
        pages.push(...res.body.elements);
        next = res.body.paging.links.find((l: { rel: string }) => l.rel === "next")?.href;
      }
      assert.deepEqual(pages, all);
      assert.ok(sim.requests.every((r) => r.endpoint === name));
      const big = await call(sim, `${path}?count=500`);
      assert.equal(big.body.paging.count, 100);
      assert.deepEqual(big.body.elements, all);
      const tail = await call(sim, `${path}?start=5&count=3`);
      assert.deepEqual(tail.body.elements, all.slice(5, 8));
      assert.equal((await call(sim, `${path}?count=ten`)).status, 400);
      // /v2 serves the same elements without $URN.
      const legacy = await call(sim, `${path.replace("/rest/", "/v2/")}?count=100`, {
        version: null,
      });
      assert.deepEqual(legacy.body.elements, all.map(({ $URN: _, ...rest }) => rest));
    }

    const name = (taxonomy: "functions" | "seniorities" | "industries", id: number) =>
      (sim.taxonomy(taxonomy).find((e) => e.id === id)?.name as Element)?.localized.en_US;
    assert.deepEqual(sim.taxonomy("functions")[7], {
      $URN: "urn:li:function:8",
      id: 8,
      name: { localized: { en_US: "Engineering" } },
    });
    assert.equal(name("functions", 1), "Accounting");
    assert.equal(name("functions", 26), "Customer Success and Support");
    assert.equal(name("seniorities", 1), "Unpaid");
    assert.equal(name("seniorities", 8), "CXO");
    assert.equal(name("seniorities", 10), "Owner");
    assert.equal(name("industries", 4), "Software Development");
    assert.equal(name("industries", 96), "IT Services and IT Consulting");

    // Industries: 30 to 40 of taxonomy V2, childrenIndustries ids that are industries too.
    const industries = sim.taxonomy("industries");
    assert.ok(industries.length >= 30 && industries.length <= 40, `${industries.length}`);
    const known = new Set(industries.map((e) => e.id));
    const children = industries.map((e) => e.childrenIndustries as number[]);
    assert.ok(children.every((c) => Array.isArray(c) && c.every((id) => known.has(id))));
    assert.ok(children.some((c) => c.length === 0) && children.some((c) => c.length > 1));
    assert.ok((industries.find((e) => e.id === 6)!.childrenIndustries as number[]).includes(4));
    assert.deepEqual(Object.keys(industries[0]), ["$URN", "id", "name", "childrenIndustries"]);
    // Each industry has at most one parent.
    const parents = children.flat();
    assert.equal(new Set(parents).size, parents.length);
  });
});

Deno.test("taxonomies: functions and seniorities need no scope, industries r_basicprofile", async () => {
  await withSim({}, async (sim) => {
    const none = sim.issueAccessToken({ scopes: [] });
    assert.equal((await call(sim, "/rest/functions", { token: none })).status, 200);
    assert.equal((await call(sim, "/rest/seniorities", { token: none })).status, 200);
    const industries = "/rest/industryTaxonomyVersions/DEFAULT/industries";
    const denied = await call(sim, industries, { token: none });
    assert.equal(denied.status, 403);
    assert.equal(denied.body.code, "ACCESS_DENIED");
    assert.equal(denied.body.message, "Not enough permissions to access: industries.GET.20260101");
    const pages = sim.issueAccessToken({
      scopes: ["rw_organization_admin", "r_organization_social"],
    });
    assert.equal((await call(sim, industries, { token: pages })).status, 403);
    const profile = sim.issueAccessToken({ scopes: ["r_basicprofile"] });
    assert.equal((await call(sim, industries, { token: profile })).status, 200);
    // Still a valid token and an active version.
    assert.equal((await call(sim, "/rest/functions", { token: null })).status, 401);
    assert.equal((await call(sim, "/rest/seniorities", { version: null })).status, 400);
    assert.equal((await call(sim, "/rest/industryTaxonomyVersions/V9/industries")).status, 404);
  });
});

Deno.test("every facet and organization URN resolves through the taxonomies", async () => {
  for (const seed of [1, 2, 3, 4, 5, 6, 7, 8]) {
    await withSim({ seed }, async (sim) => {
      const resolvable = new Set(
        TAXONOMIES.flatMap(([name]) => sim.taxonomy(name).map((e) => e.$URN as string)),
      );
      const served: string[] = [];
      const collect = (value: unknown): void => {
        if (typeof value === "string" && /^urn:li:(seniority|function|industry):/.test(value)) {
          served.push(value);
        } else if (Array.isArray(value)) value.forEach(collect);
        else if (value && typeof value === "object") Object.values(value).forEach(collect);
      };
      for (const org of [ORG, "5515715"]) {
        const urn = encodeURIComponent(`urn:li:organization:${org}`);
        for (
          const path of [
            `/rest/organizationalEntityFollowerStatistics?q=organizationalEntity&organizationalEntity=${urn}`,
            `/rest/organizationPageStatistics?q=organization&organization=${urn}`,
            `/rest/organizations/${org}`,
          ]
        ) {
          collect((await call(sim, path)).body);
        }
        collect(sim.organization(org));
      }
      assert.ok(served.filter((u) => u.startsWith("urn:li:industry:")).length > 10);
      assert.ok(served.some((u) => u.startsWith("urn:li:seniority:")));
      assert.ok(served.some((u) => u.startsWith("urn:li:function:")));
      const unresolved = served.filter((u) => !resolvable.has(u));
      assert.deepEqual(unresolved, [], `seed ${seed}`);
    });
  }
});

Deno.test("videoPosts: exactly that many ugcPost videos, and no share-URN video", async () => {
  const sim = await LinkedInSimulator.start({
    organizations: [{ id: "1", name: "One", vanityName: "one", postCount: 60, videoPosts: 5 }],
  });
  try {
    const videos = sim.videoPosts("1");
    assert.equal(videos.length, 5);
    assert.ok(videos.every((urn) => urn.startsWith("urn:li:ugcPost:")));
    const withVideo = sim.posts("1").filter((post) =>
      String((post.content as { media?: { id?: string } } | undefined)?.media?.id)
        .startsWith("urn:li:video:")
    );
    assert.deepEqual(withVideo.map((post) => post.id), videos);
  } finally {
    await sim.close();
  }
});

// ---------------------------------------------------------------------------------------------
// Short-term throttle, refresh-token rotation and expiry, granted scopes, introspection

/** POSTs a form to an OAuth endpoint (`accessToken` or `introspectToken`). */
function oauthPost(sim: LinkedInSimulator, endpoint: string, fields: Record<string, string>) {
  return call(sim, `/oauth/v2/${endpoint}`, {
    method: "POST",
    token: null,
    version: null,
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams(fields).toString(),
  });
}

/** The refresh-token grant with the simulator's client credentials. */
function refreshGrant(sim: LinkedInSimulator, refreshToken: string) {
  return oauthPost(sim, "accessToken", {
    grant_type: "refresh_token",
    refresh_token: refreshToken,
    client_id: sim.clientId,
    client_secret: sim.clientSecret,
  });
}

/** Introspects `token` with the simulator's client credentials. */
function introspect(sim: LinkedInSimulator, token: string) {
  return oauthPost(sim, "introspectToken", {
    client_id: sim.clientId,
    client_secret: sim.clientSecret,
    token,
  });
}

const INVALID_GRANT = {
  error: "invalid_request",
  error_description:
    "The provided authorization grant or refresh token is invalid, expired or revoked",
};

Deno.test("generic 429 body: the documented shape, distinct from the daily one", () => {
  assert.equal(throttled().status, 429);
  assert.deepEqual(throttled().body, {
    serviceErrorCode: 101,
    message: "Resource level throttle limit for calls to this resource is reached.",
    status: 429,
  });
  assert.equal(dailyLimitReached().status, 429);
  assert.notDeepEqual(throttled().body, dailyLimitReached().body);
});

Deno.test("burstLimit: over `calls` in the window get the generic 429, which clears itself", async () => {
  await withSim({ burstLimit: { calls: 3, perMs: 200 } }, async (sim) => {
    const path = `/rest/organizations/${ORG}`;
    const first = await Promise.all([1, 2, 3, 4, 5].map(() => call(sim, path)));
    assert.deepEqual(first.map((r) => r.status).sort(), [200, 200, 200, 429, 429]);
    const limited = first.find((r) => r.status === 429)!;
    assert.deepEqual(limited.body, throttled().body);
    assert.equal(limited.headers.get("retry-after"), null);
    // Across endpoints, after authentication; OAuth endpoints are not throttled.
    assert.equal((await call(sim, followerStats())).status, 429);
    assert.equal((await call(sim, path, { token: null })).status, 401);
    assert.equal((await introspect(sim, sim.accessToken)).status, 200);
    assert.equal((await refreshGrant(sim, sim.refreshToken)).status, 200);

    await new Promise((resolve) => setTimeout(resolve, 250));
    const again = await Promise.all([1, 2, 3, 4].map(() => call(sim, followerStats())));
    assert.deepEqual(again.map((r) => r.status).sort(), [200, 200, 200, 429]);
  });
});

Deno.test("burstLimit: refused calls use no daily quota", async () => {
  await withSim({ burstLimit: { calls: 1, perMs: 200 }, dailyLimitPerEndpoint: 2 }, async (sim) => {
    const path = `/rest/organizations/${ORG}`;
    assert.equal((await call(sim, path)).status, 200);
    assert.deepEqual((await call(sim, path)).body, throttled().body);
    await new Promise((resolve) => setTimeout(resolve, 250));
    assert.equal((await call(sim, path)).status, 200);
    await new Promise((resolve) => setTimeout(resolve, 250));
    assert.deepEqual((await call(sim, path)).body, dailyLimitReached().body);
  });
});

Deno.test("refresh tokens: without rotation the same one comes back and stays valid", async () => {
  await withSim({}, async (sim) => {
    const grant = await refreshGrant(sim, sim.refreshToken);
    assert.equal(grant.body.refresh_token, sim.refreshToken);
    assert.equal(sim.currentRefreshToken(), sim.refreshToken);
    assert.equal((await refreshGrant(sim, sim.refreshToken)).status, 200);
  });
});

Deno.test("rotateRefreshTokens: a new token each grant, old ones rejected, expiry unchanged", async () => {
  await withSim({ rotateRefreshTokens: true }, async (sim, clock) => {
    const initial = sim.refreshToken;
    assert.equal(sim.currentRefreshToken(), initial);
    const first = await refreshGrant(sim, initial);
    assert.equal(first.status, 200);
    const second = first.body.refresh_token;
    assert.notEqual(second, initial);
    assert.match(second, /^AQ/);
    assert.equal(sim.currentRefreshToken(), second);
    assert.equal(sim.refreshToken, initial);
    assert.equal(first.body.refresh_token_expires_in, 31_536_000);
    assert.equal(
      (await call(sim, `/rest/organizations/${ORG}`, { token: first.body.access_token })).status,
      200,
    );

    const reused = await refreshGrant(sim, initial);
    assert.equal(reused.status, 400);
    assert.deepEqual(reused.body, INVALID_GRANT);
    assert.equal(sim.currentRefreshToken(), second);

    clock.now += DAY;
    const next = await refreshGrant(sim, second);
    assert.equal(next.status, 200);
    assert.notEqual(next.body.refresh_token, second);
    assert.equal(next.body.refresh_token_expires_in, 31_536_000 - 86_400);
    assert.deepEqual((await refreshGrant(sim, second)).body, INVALID_GRANT);
    assert.equal((await refreshGrant(sim, sim.currentRefreshToken())).status, 200);
  });
});

Deno.test("refreshTokenTtlSeconds: the grant counts down from it, then refuses", async () => {
  const ttl = 10 * 86_400;
  await withSim({ refreshTokenTtlSeconds: ttl, rotateRefreshTokens: true }, async (sim, clock) => {
    assert.equal((await refreshGrant(sim, sim.refreshToken)).body.refresh_token_expires_in, ttl);
    clock.now += 9 * DAY;
    const late = await refreshGrant(sim, sim.currentRefreshToken());
    assert.equal(late.body.refresh_token_expires_in, 86_400);
    clock.now += DAY;
    const expired = await refreshGrant(sim, sim.currentRefreshToken());
    assert.equal(expired.status, 400);
    assert.deepEqual(expired.body, INVALID_GRANT);
  });
});

Deno.test("scopes: carried by the initial and granted tokens, reported, and enforced", async () => {
  await withSim({ scopes: ["rw_organization_admin"] }, async (sim) => {
    const grant = await refreshGrant(sim, sim.refreshToken);
    assert.equal(grant.body.scope, "rw_organization_admin");
    for (const token of [sim.accessToken, grant.body.access_token, sim.issueAccessToken({})]) {
      assert.equal((await introspect(sim, token)).body.scope, "rw_organization_admin");
      const denied = await call(sim, posts(), { token });
      assert.equal(denied.status, 403);
      assert.equal(denied.body.code, "ACCESS_DENIED");
      assert.equal((await call(sim, `/rest/organizations/${ORG}`, { token })).status, 200);
    }
    // An explicit scope list still wins.
    const social = sim.issueAccessToken({ scopes: ["r_organization_social"] });
    assert.equal((await call(sim, posts(), { token: social })).status, 200);
  });
  await withSim({ scopes: ["rw_organization_admin", "r_organization_social"] }, async (sim) => {
    const grant = await refreshGrant(sim, sim.refreshToken);
    assert.equal(grant.body.scope, "rw_organization_admin,r_organization_social");
    const info = await introspect(sim, grant.body.access_token);
    assert.equal(info.body.scope, "rw_organization_admin,r_organization_social");
  });
});

Deno.test("introspection: documented fields for granted, expired and revoked tokens; errors", async () => {
  await withSim({}, async (sim, clock) => {
    const seconds = (ms: number) => Math.floor(ms / 1000);
    const grant = await refreshGrant(sim, sim.refreshToken);
    const active = await introspect(sim, grant.body.access_token);
    assert.equal(active.status, 200);
    assert.deepEqual(active.body, {
      active: true,
      client_id: sim.clientId,
      authorized_at: seconds(NOW),
      created_at: seconds(NOW),
      status: "active",
      expires_at: seconds(NOW) + 5_184_000,
      scope: ALL_SCOPES.join(","),
      auth_type: "3L",
    });

    const expired = await introspect(sim, sim.issueAccessToken({ state: "expired" }));
    assert.equal(expired.status, 200);
    assert.equal(expired.body.active, false);
    assert.equal(expired.body.status, "expired");
    assert.ok(expired.body.expires_at <= seconds(NOW), `${expired.body.expires_at}`);
    assert.ok(expired.body.created_at < expired.body.expires_at);
    const revoked = await introspect(sim, sim.issueAccessToken({ state: "revoked" }));
    assert.equal(revoked.body.active, false);
    assert.equal(revoked.body.status, "revoked");

    clock.now += 61 * DAY;
    const aged = await introspect(sim, grant.body.access_token);
    assert.equal(aged.body.active, false);
    assert.equal(aged.body.status, "expired");

    const fields = { client_id: sim.clientId, client_secret: sim.clientSecret, token: "nope" };
    assert.equal((await oauthPost(sim, "introspectToken", fields)).status, 400);
    const badId = await oauthPost(sim, "introspectToken", {
      ...fields,
      client_id: "wrong",
      token: sim.accessToken,
    });
    assert.equal(badId.status, 400);
    const badSecret = await oauthPost(sim, "introspectToken", {
      ...fields,
      client_secret: "wrong",
      token: sim.accessToken,
    });
    assert.equal(badSecret.status, 401);
    assert.equal(badSecret.body.error, "invalid_client");
    const missing = await oauthPost(sim, "introspectToken", { client_id: sim.clientId });
    assert.equal(missing.status, 400);
    assert.equal(missing.body.error, "invalid_request");
  });
});
