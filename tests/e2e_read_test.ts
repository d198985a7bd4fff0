/**
 * End-to-end tests of `read` in full refresh: every stream, one and several organizations,
 * values compared with what the simulator serves, request counts, and a per-organization failure.
 *
 * @module
 */
import assert from "node:assert/strict";
import {
  ANALYST_ORG,
  assertOk,
  catalogFor,
  configFor,
  DAY,
  errorsOf,
  logsOf,
  type Message,
  ORG,
  OTHER_ORG,
  postStatisticsRequests,
  recordsOf,
  type Run,
  runRead,
  statesOf,
  statusesOf,
  STREAM_NAMES,
  TIME_BOUND_ENDPOINTS,
  TIME_BOUND_STREAMS,
  withSimulator,
  ZERO_SHARE_STATISTICS,
} from "./harness.ts";
import type { LinkedInSimulator, RecordedRequest, SimOrganization } from "./simulator/mod.ts";

const PRIMARY_KEYS: Record<string, string[]> = {
  organization_lookup: ["organizationId"],
  follower_statistics: ["organizationId"],
  page_statistics: ["organizationId"],
  share_statistics: ["organizationId"],
  shares: ["id"],
  total_follower_count: ["organizationId"],
  ugc_posts: ["id"],
  follower_statistics_time_bound: ["organizationId", "timeRangeStart"],
  page_statistics_time_bound: ["organizationId", "timeRangeStart"],
  share_statistics_time_bound: ["organizationId", "timeRangeStart"],
  post_statistics: ["post", "snapshotDate"],
  post_social_metadata: ["post", "snapshotDate"],
  video_analytics: ["post", "date"],
  lookup_functions: ["urn"],
  lookup_seniorities: ["urn"],
  lookup_industries: ["urn"],
};
/** The streams of the whole connection, whose records belong to no organization. */
const LOOKUPS = ["lookup_functions", "lookup_seniorities", "lookup_industries"];
const LIFETIME: Record<string, string> = {
  follower_statistics: "followerStatistics",
  page_statistics: "pageStatistics",
  share_statistics: "shareStatistics",
};

type Json = Record<string, unknown>;

/** The default simulator organizations, with 250 posts on the main one. */
const ORGANIZATIONS: SimOrganization[] = [
  { id: ORG, name: "Devtestco", vanityName: "devtestco", postCount: 250 },
  { id: OTHER_ORG, name: "Acme Analytics", vanityName: "acme-analytics", postCount: 30 },
  {
    id: ANALYST_ORG,
    name: "Showcase Labs",
    vanityName: "showcase-labs",
    role: "ANALYST",
    postCount: 5,
  },
];

/**
 * Statuses go STARTED → RUNNING… → `final` around all of the stream's records and states,
 * and every STATE counts exactly the stream's records since its previous STATE.
 */
function assertBookkeeping(messages: Message[], stream: string, final = "COMPLETE"): void {
  const statuses = statusesOf(messages, stream);
  assert.equal(statuses[0], "STARTED", `${stream}: ${statuses}`);
  assert.equal(statuses.at(-1), final, `${stream}: ${statuses}`);
  assert.ok(statuses.slice(1, -1).every((s) => s === "RUNNING"), `${stream}: ${statuses}`);
  let phase = "before";
  let sinceState = 0;
  let records = 0;
  let counted = 0;
  let states = 0;
  for (const m of messages) {
    if (m.type === "TRACE" && m.trace.stream_status?.stream_descriptor.name === stream) {
      const status = m.trace.stream_status.status;
      phase = status === "STARTED" ? "started" : status === "RUNNING" ? "running" : "ended";
    } else if (m.type === "RECORD" && m.record.stream === stream) {
      assert.equal(phase, "running", `${stream}: a record outside RUNNING`);
      sinceState++;
      records++;
    } else if (m.type === "STATE" && m.state.stream.stream_descriptor.name === stream) {
      assert.ok(phase === "started" || phase === "running", `${stream}: a state after its end`);
      assert.equal(m.state.type, "STREAM");
      assert.equal(m.state.sourceStats.recordCount, sinceState, `${stream}: recordCount`);
      counted += m.state.sourceStats.recordCount;
      sinceState = 0;
      states++;
    }
  }
  assert.ok(states >= 1, `${stream}: no STATE`);
  assert.equal(sinceState, 0, `${stream}: records after the last STATE`);
  assert.equal(counted, records, `${stream}: recordCount sum`);
}

/** Every record carries its organization (but lookups) and a non-null primary key. */
function assertKeys(messages: Message[], stream: string, organizations: string[]): void {
  for (const row of recordsOf(messages, stream)) {
    if (LOOKUPS.includes(stream)) {
      assert.equal(row.organizationId, undefined, stream);
    } else {
      assert.ok(organizations.includes(row.organizationId), `${stream}: ${row.organizationId}`);
    }
    for (const field of PRIMARY_KEYS[stream]) {
      assert.ok(row[field] !== null && row[field] !== undefined, `${stream}.${field} is null`);
    }
  }
  const keys = recordsOf(messages, stream).map((row) =>
    JSON.stringify(PRIMARY_KEYS[stream].map((field) => row[field]))
  );
  assert.equal(new Set(keys).size, keys.length, `${stream}: duplicate primary keys`);
}

/** The raw query parameters of a recorded request (values still encoded). */
function params(request: RecordedRequest): Map<string, string> {
  return new Map(
    request.query.split("&").map((part) => {
      const eq = part.indexOf("=");
      return [part.slice(0, eq), part.slice(eq + 1)];
    }),
  );
}

function hasTimeIntervals(request: RecordedRequest): boolean {
  return params(request).has("timeIntervals");
}

/** GETs what the simulator serves for a request the connector made. */
async function served(sim: LinkedInSimulator, request: RecordedRequest): Promise<Json> {
  const response = await fetch(`${sim.url}${request.path}?${request.query}`, {
    headers: {
      authorization: `Bearer ${sim.accessToken}`,
      "linkedin-version": request.headers["linkedin-version"],
      "x-restli-protocol-version": "2.0.0",
    },
  });
  assert.equal(response.status, 200);
  return await response.json();
}

/** The UTC dates a run may have stamped on its snapshots (it may cross midnight). */
const syncDates = (
  run: { startedAt: number; endedAt: number },
) => [
  ...new Set([run.startedAt, run.endedAt].map((ms) => new Date(ms).toISOString().slice(0, 10))),
];

const orgOf = (request: RecordedRequest) =>
  /urn(?::|%3A)li(?::|%3A)organization(?::|%3A)(\d+)|\/organizations\/(\d+)/i.exec(
    request.path + "?" + request.query,
  )?.slice(1).find(Boolean);

Deno.test("full read of every stream: statuses, states, values, requests and headers", async () => {
  await withSimulator(async (sim, workspace) => {
    const config = configFor(sim, { org_id: ORG });
    const run = await runRead(workspace, config, catalogFor());
    assertOk(run);
    assert.ok(!run.messages.some((m) => m.type === "LOG" && /ERROR|FATAL/.test(m.log.level)));

    for (const stream of STREAM_NAMES) {
      assertBookkeeping(run.messages, stream);
      assertKeys(run.messages, stream, [ORG]);
      assert.ok(recordsOf(run.messages, stream).length > 0, `${stream} has records`);
    }

    // Values equal what the simulator serves; lifetime values carry the date of the sync.
    const rows = (stream: string) => recordsOf(run.messages, stream);
    const [snapshotDate] = rows("organization_lookup").map((row) => row.snapshotDate);
    assert.ok(syncDates(run).includes(snapshotDate), snapshotDate);
    assert.deepEqual(rows("organization_lookup"), [{
      ...sim.organization(ORG),
      organizationId: ORG,
      snapshotDate,
    }]);
    assert.deepEqual(rows("total_follower_count"), [
      { firstDegreeSize: sim.followerCount(ORG), organizationId: ORG, snapshotDate },
    ]);
    const posts = sim.posts(ORG).map((post) => ({ ...post, organizationId: ORG }));
    assert.equal(posts.length, 250);
    assert.deepEqual(rows("ugc_posts"), posts, "every post, newest modification first");
    assert.deepEqual(rows("shares"), posts.slice(0, 50), "the 50 most recently modified posts");
    const tricky = rows("ugc_posts").filter((row) =>
      /\u2028/.test(row.commentary) || /日本語/.test(row.commentary)
    );
    assert.ok(tricky.some((row) => row.commentary.includes("\u2028line two")));
    assert.ok(tricky.some((row) => row.commentary.includes("👩‍💻🎉")));
    assert.ok(run.stdout.includes("\\u2028"), "U+2028 is escaped on the wire");

    const requests = [...sim.requests];
    const expected: Record<string, Json[]> = {};
    for (const [stream, endpoint] of Object.entries({ ...LIFETIME, ...TIME_BOUND_ENDPOINTS })) {
      const timeBound = stream in TIME_BOUND_ENDPOINTS;
      const mine = requests.filter((r) =>
        r.endpoint === endpoint && hasTimeIntervals(r) === timeBound
      );
      assert.equal(mine.length, 1, `${stream}: one request for one organization`);
      const body = await served(sim, mine[0]);
      expected[stream] = (body.elements as Json[]).map((element) => {
        if (!timeBound) return { ...element, organizationId: ORG, snapshotDate };
        const range = element.timeRange as { start: number; end: number };
        return {
          ...element,
          organizationId: ORG,
          timeRangeStart: range.start,
          timeRangeEnd: range.end,
          date: new Date(range.start).toISOString().slice(0, 10),
        };
      });
      assert.deepEqual(rows(stream), expected[stream], stream);
    }
    for (const stream of TIME_BOUND_STREAMS) {
      assert.ok(rows(stream).length >= 360, `${stream}: a daily bucket for about 12 months`);
      for (const row of rows(stream)) assert.equal(row.timeRangeEnd - row.timeRangeStart, DAY);
    }
    assert.equal(rows("follower_statistics").length, 1);
    assert.ok(Array.isArray(rows("follower_statistics")[0].followerCountsBySeniority));
    assert.ok(rows("share_statistics")[0].totalShareStatistics.impressionCount > 0);

    // Every post (all published within 12 months) has its lifetime statistics, zeros where
    // LinkedIn leaves a post out.
    const statistics = rows("post_statistics");
    // In batches of one URN kind, so not in feed order.
    assert.deepEqual(
      statistics.map((row) => row.post).sort(),
      posts.map((post) => String((post as Json).id)).sort(),
    );
    let absent = 0;
    for (const row of statistics) {
      const kind = row.post.startsWith("urn:li:share:") ? "share" : "ugcPost";
      const element = sim.postStatistics(ORG, row.post) ?? (absent++, {
        organizationalEntity: `urn:li:organization:${ORG}`,
        [kind]: row.post,
        totalShareStatistics: ZERO_SHARE_STATISTICS,
      });
      assert.deepEqual(row, { ...element, organizationId: ORG, post: row.post, snapshotDate });
    }
    assert.ok(absent > 0 && absent < statistics.length, `${absent} posts without activity`);

    // The minimum of requests: one per lifetime stream, one window per time-bound stream,
    // 250 posts in three pages of 100 (shared by ugc_posts, shares and post_statistics), and
    // per-post statistics for 50 posts of one kind at a time.
    const postStatistics = postStatisticsRequests(posts);
    const videos = sim.videoPosts(ORG).filter((urn) => urn.startsWith("urn:li:ugcPost:")).length;
    assert.deepEqual(
      Object.fromEntries(
        [
          "organizations",
          "followerStatistics",
          "pageStatistics",
          "shareStatistics",
          "postStatistics",
          "networkSizes",
          "socialMetadataBatch",
          "socialMetadata",
          "videoAnalytics",
          "functions",
          "seniorities",
          "industries",
        ].map((endpoint) => [endpoint, requests.filter((r) => r.endpoint === endpoint).length]),
      ),
      {
        organizations: 1,
        followerStatistics: 2,
        pageStatistics: 2,
        shareStatistics: 2,
        postStatistics,
        networkSizes: 1,
        // 250 posts, 50 a batch; four metrics per ugcPost video; each taxonomy in one page.
        socialMetadataBatch: 5,
        socialMetadata: 0,
        videoAnalytics: 4 * videos,
        functions: 1,
        seniorities: 1,
        industries: 1,
      },
    );
    for (const request of requests.filter((r) => r.endpoint === "postStatistics")) {
      const lists = [...params(request).keys()].filter((key) =>
        key !== "q" && key !== "organizationalEntity"
      );
      assert.equal(lists.length, 1, request.query);
      const urns = decodeURIComponent(params(request).get(lists[0])!).slice(5, -1).split(",");
      assert.ok(urns.length <= 50);
      assert.ok(
        urns.every((urn) =>
          urn.startsWith(lists[0] === "shares" ? "urn:li:share:" : "urn:li:ugcPost:")
        ),
      );
    }
    const postRequests = requests.filter((r) => r.endpoint === "posts").map(params);
    assert.equal(postRequests.length, 3);
    for (const query of postRequests) {
      assert.equal(query.get("q"), "author");
      assert.equal(query.get("author"), `urn%3Ali%3Aorganization%3A${ORG}`);
      assert.equal(query.get("sortBy"), "LAST_MODIFIED");
    }
    const pages = postRequests.map((q) => `${q.get("start")}/${q.get("count")}`).sort();
    assert.deepEqual(pages, ["0/100", "100/100", "200/100"]);
    assert.equal(
      requests.length,
      11 + postStatistics + 5 + 4 * videos + 3,
      requests.map((r) => r.path).join("\n"),
    );
    assert.equal(sim.count("organizationAcls"), 0, "configured organizations need no lookup");

    // One active YYYYMM version on every request (the default, 202608, while LinkedIn serves it),
    // the one the run announces.
    const version = requests[0].headers["linkedin-version"];
    assert.match(version, /^\d{6}$/);
    assert.ok(logsOf(run.messages).some((line) => line.includes(`LinkedIn-Version ${version}`)));
    for (const request of requests) {
      assert.equal(request.status, 200, request.path);
      assert.equal(request.method, "GET");
      assert.equal(request.headers["linkedin-version"], version, request.path);
      assert.equal(request.headers["x-restli-protocol-version"], "2.0.0", request.path);
      assert.equal(request.headers.authorization, `Bearer ${sim.accessToken}`, request.path);
    }
    assert.ok(!run.stdout.includes(sim.accessToken));

    // emitted_at: integer epoch ms taken during the run; a second run stamps strictly later.
    const stamps = (r: Run) =>
      r.messages.filter((m) => m.type === "RECORD").map((m) => m.record.emitted_at as number);
    for (const stamp of stamps(run)) {
      assert.ok(Number.isInteger(stamp) && stamp >= run.startedAt && stamp <= run.endedAt);
    }
    const again = await runRead(workspace, config, catalogFor(["total_follower_count", "shares"]));
    assert.equal(again.code, 0, again.stderr);
    assert.ok(Math.min(...stamps(again)) > Math.max(...stamps(run)));
  }, { organizations: ORGANIZATIONS });
});

Deno.test("several organizations from org_ids: records per organization, state per organization", async () => {
  await withSimulator(async (sim, workspace) => {
    const organizations = [OTHER_ORG, ORG];
    const config = configFor(sim, { org_id: undefined, org_ids: organizations });
    const streams = ["organization_lookup", "total_follower_count", "ugc_posts"];
    const catalog = catalogFor([...streams, "share_statistics_time_bound"], "incremental");
    const run = await runRead(workspace, config, catalog);
    assert.equal(run.code, 0, run.stderr);
    for (const stream of [...streams, "share_statistics_time_bound"]) {
      assertBookkeeping(run.messages, stream);
      assertKeys(run.messages, stream, organizations);
      // Organizations are read in the configured order.
      const order = recordsOf(run.messages, stream).map((row) => row.organizationId);
      assert.deepEqual([...new Set(order)], organizations, stream);
    }
    const [snapshotDate] = syncDates(run);
    assert.deepEqual(
      recordsOf(run.messages, "organization_lookup"),
      organizations.map((id) => ({ ...sim.organization(id), organizationId: id, snapshotDate })),
    );
    assert.deepEqual(
      recordsOf(run.messages, "total_follower_count"),
      organizations.map((id) => ({
        firstDegreeSize: sim.followerCount(id),
        organizationId: id,
        snapshotDate,
      })),
    );
    assert.deepEqual(
      recordsOf(run.messages, "ugc_posts"),
      organizations.flatMap((id) => sim.posts(id).map((post) => ({ ...post, organizationId: id }))),
    );
    for (const id of organizations) {
      assert.equal(
        sim.requests.filter((r) => r.endpoint === "networkSizes" && orgOf(r) === id).length,
        1,
      );
    }
    // An incremental stream checkpoints after each organization; the last state holds both.
    const ugcStates = statesOf(run.messages, "ugc_posts").map((m) => m.state);
    assert.equal(ugcStates.length, 2);
    assert.deepEqual(ugcStates.map((s) => s.sourceStats.recordCount), [30, 250]);
    assert.deepEqual(ugcStates.at(-1).stream.stream_state, {
      organizations: Object.fromEntries(
        organizations.map((id) => [id, { lastModifiedAt: sim.posts(id)[0].lastModifiedAt }]),
      ),
    });
    const windowState = statesOf(run.messages, "share_statistics_time_bound").at(-1)!.state;
    const cursors = windowState.stream.stream_state.organizations;
    assert.deepEqual(Object.keys(cursors).sort(), [...organizations].sort());
    for (const id of organizations) {
      const rows = recordsOf(run.messages, "share_statistics_time_bound")
        .filter((row) => row.organizationId === id);
      assert.equal(cursors[id].timeRangeEnd, Math.max(...rows.map((row) => row.timeRangeEnd)));
    }
  }, { organizations: ORGANIZATIONS });
});

Deno.test("without org_id/org_ids every approved ADMINISTRATOR organization is read", async () => {
  const organizations: SimOrganization[] = [
    ...ORGANIZATIONS,
    { id: "11111111", name: "Requested Co", vanityName: "requested", state: "REQUESTED" },
    { id: "22222222", name: "Revoked Co", vanityName: "revoked", state: "REVOKED" },
    { id: "33333333", name: "Poster Co", vanityName: "poster", role: "RECRUITING_POSTER" },
  ];
  await withSimulator(async (sim, workspace) => {
    const config = configFor(sim, { org_id: undefined });
    const streams = ["organization_lookup", "total_follower_count"];
    const run = await runRead(workspace, config, catalogFor(streams));
    assert.equal(run.code, 0, run.stderr);
    const acls = sim.requests.filter((r) => r.endpoint === "organizationAcls");
    assert.equal(acls.length, 1);
    const query = params(acls[0]);
    assert.equal(query.get("q"), "roleAssignee");
    assert.equal(query.get("role"), "ADMINISTRATOR");
    assert.equal(query.get("state"), "APPROVED");
    for (const stream of streams) {
      assertBookkeeping(run.messages, stream);
      assert.deepEqual(
        recordsOf(run.messages, stream).map((row) => row.organizationId).sort(),
        [ORG, OTHER_ORG],
      );
    }
    const others = sim.requests.filter((r) => r.endpoint !== "organizationAcls").map(orgOf);
    assert.deepEqual([...new Set(others)].sort(), [ORG, OTHER_ORG]);
  }, { organizations });
});

Deno.test("a 403 for one organization fails that stream for it only; the rest is read", async () => {
  await withSimulator(async (sim, workspace) => {
    const denied = (name: string) => ({
      status: 403,
      body: {
        status: 403,
        serviceErrorCode: 100,
        code: "ACCESS_DENIED",
        message: `Not enough permissions to access: ${name}.GET.20260801`,
      },
    });
    sim.inject({
      endpoint: "networkSizes",
      organizationId: OTHER_ORG,
      action: denied("networkSizes"),
    });
    sim.inject({
      endpoint: "shareStatistics",
      organizationId: OTHER_ORG,
      action: denied("organizationalEntityShareStatistics"),
    });
    // The failing organization is listed first: the one after it must still be read.
    const organizations = [OTHER_ORG, ORG];
    const config = configFor(sim, { org_id: undefined, org_ids: organizations });
    const run = await runRead(workspace, config, catalogFor(STREAM_NAMES, "incremental"));
    assert.notEqual(run.code, 0);

    const failing = ["share_statistics", "total_follower_count", "share_statistics_time_bound"];
    for (const stream of STREAM_NAMES) {
      const fails = failing.includes(stream);
      assertBookkeeping(run.messages, stream, fails ? "INCOMPLETE" : "COMPLETE");
      const owners = recordsOf(run.messages, stream).map((row) => row.organizationId);
      const expectedOwners = LOOKUPS.includes(stream) ? [undefined] : fails ? [ORG] : organizations;
      assert.deepEqual([...new Set(owners)], expectedOwners, stream);
      const errors = errorsOf(run.messages, stream);
      assert.equal(errors.length, fails ? 1 : 0, stream);
      if (fails) {
        assert.deepEqual(errors[0].stream_descriptor, { name: stream });
        assert.equal(errors[0].failure_type, "config_error");
        assert.match(errors[0].message, new RegExp(`organization ${OTHER_ORG}\\b`));
        assert.match(errors[0].message, /403/);
        assert.ok(!errors[0].message.includes(ORG));
      }
    }
    assert.equal(errorsOf(run.messages).length, failing.length, "no error without a stream");
    assert.deepEqual(recordsOf(run.messages, "total_follower_count"), [
      {
        firstDegreeSize: sim.followerCount(ORG),
        organizationId: ORG,
        snapshotDate: syncDates(run)[0],
      },
    ]);
    // The failed organization keeps no cursor; the other one does.
    const state = statesOf(run.messages, "share_statistics_time_bound").at(-1)!.state;
    assert.deepEqual(Object.keys(state.stream.stream_state.organizations), [ORG]);
    // A 403 is not retried.
    const deniedRequests = sim.requests.filter((r) => r.status === 403);
    assert.equal(deniedRequests.length, 3, deniedRequests.map((r) => r.path).join("\n"));
    const summary = logsOf(run.messages, "ERROR");
    assert.equal(summary.length, 1);
    for (const stream of failing) assert.ok(summary[0].includes(stream));
  }, { organizations: ORGANIZATIONS });
});
