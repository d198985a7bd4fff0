/**
 * End-to-end tests of `post_social_metadata`, `video_analytics` and the lookup streams
 * against the simulator: the values it served, the requests they cost, the fallback to
 * one post per request on LinkedIn's Development tier, and the optional scopes.
 *
 * @module
 */
import assert from "node:assert/strict";
import {
  assertOk,
  catalogFor,
  configFor,
  DAY,
  errorsOf,
  lastStates,
  lastStatus,
  logsOf,
  type Message,
  oldestStatisticsDay,
  ORG,
  OTHER_ORG,
  postsSince,
  recordsOf,
  runRead,
  statesOf,
  utcDate,
  withSimulator,
} from "./harness.ts";
import type { LinkedInSimulator, SimulatorOptions } from "./simulator/mod.ts";

// deno-lint-ignore no-explicit-any
type Json = any;

const METRICS: Record<string, string> = {
  VIDEO_VIEW: "videoViews",
  VIEWER: "viewers",
  TIME_WATCHED: "timeWatchedMs",
  TIME_WATCHED_FOR_VIDEO_VIEWS: "timeWatchedForVideoViewsMs",
};
const REACTIONS: Record<string, string> = {
  LIKE: "likeReactions",
  PRAISE: "praiseReactions",
  EMPATHY: "empathyReactions",
  INTEREST: "interestReactions",
  APPRECIATION: "appreciationReactions",
  ENTERTAINMENT: "entertainmentReactions",
};

/** The posts of an organization published in the last 12 months, newest modification first. */
const recentPosts = (sim: LinkedInSimulator, organizationId: string, now: number): Json[] =>
  postsSince(sim, organizationId, oldestStatisticsDay(now));

/** The record `post_social_metadata` should have for a post, from what the simulator serves. */
function expectedSocialMetadata(
  sim: LinkedInSimulator,
  organizationId: string,
  post: string,
  date: string,
) {
  const element: Json = sim.socialMetadata(organizationId, post)!;
  const counts: Record<string, number> = {};
  let total = 0;
  for (const [type, field] of Object.entries(REACTIONS)) {
    counts[field] = element.reactionSummaries[type]?.count ?? 0;
    total += counts[field];
  }
  return {
    ...element,
    organizationId,
    post,
    snapshotDate: date,
    ...counts,
    totalReactions: total,
    comments: element.commentSummary.count,
    topLevelComments: element.commentSummary.topLevelCount,
  };
}

async function readSocialMetadata(
  options: SimulatorOptions,
  config: Record<string, unknown>,
  check: (sim: LinkedInSimulator, run: Awaited<ReturnType<typeof runRead>>) => void,
) {
  await withSimulator(async (sim, workspace) => {
    const run = await runRead(
      workspace,
      configFor(sim, { org_id: undefined, org_ids: [ORG, OTHER_ORG], ...config }),
      catalogFor(["post_social_metadata", "post_statistics"], "incremental"),
    );
    check(sim, run);
  }, options);
}

Deno.test("post_social_metadata: Standard tier, 50 posts a batch call, LinkedIn's counts", async () => {
  await readSocialMetadata({}, {}, (sim, run) => {
    assertOk(run);
    const date = utcDate(run.startedAt);
    for (const organizationId of [ORG, OTHER_ORG]) {
      const posts = recentPosts(sim, organizationId, run.startedAt);
      const records = recordsOf(run.messages, "post_social_metadata").filter((r) =>
        r.organizationId === organizationId
      );
      assert.deepEqual(records.map((r) => r.post), posts.map((p) => p.id));
      for (const record of records) {
        assert.deepEqual(record, expectedSocialMetadata(sim, organizationId, record.post, date));
      }
    }
    const batches = [ORG, OTHER_ORG].reduce(
      (sum, id) => sum + Math.ceil(recentPosts(sim, id, run.startedAt).length / 50),
      0,
    );
    assert.equal(sim.count("socialMetadataBatch"), batches);
    for (const request of sim.requests.filter((r) => r.endpoint === "socialMetadataBatch")) {
      const ids = decodeURIComponent(/(?:^|&)ids=List\(([^)]*)\)/.exec(request.query)![1]);
      assert.ok(ids.split(",").length <= 50);
    }
    // Reaction types LinkedIn leaves out count 0; some posts have none at all.
    const records = recordsOf(run.messages, "post_social_metadata");
    assert.ok(records.some((r) => r.totalReactions === 0));
    assert.ok(records.some((r) => r.likeReactions > 0 && r.entertainmentReactions === 0));
    assert.equal(sim.count("socialMetadata"), 0, "no single calls");
    assert.deepEqual(logsOf(run.messages, "INFO").filter((l) => /batch/.test(l)), []);
    assert.deepEqual(
      statesOf(run.messages, "post_social_metadata").at(-1)!.state.stream.stream_state,
      {
        organizations: { [ORG]: { snapshotDate: date }, [OTHER_ORG]: { snapshotDate: date } },
      },
    );
  });
});

Deno.test("post_social_metadata: Development tier refuses batch calls; one post a request, said once", async () => {
  await readSocialMetadata({ apiTier: "development" }, {}, (sim, run) => {
    assertOk(run);
    const date = utcDate(run.startedAt);
    const posts = [ORG, OTHER_ORG].flatMap((id) => recentPosts(sim, id, run.startedAt));
    const records = recordsOf(run.messages, "post_social_metadata");
    assert.equal(records.length, posts.length);
    for (const record of records) {
      assert.deepEqual(
        record,
        expectedSocialMetadata(sim, record.organizationId, record.post, date),
      );
    }
    const refused = sim.requests.filter((r) => r.endpoint === "socialMetadataBatch");
    assert.ok(refused.length >= 1 && refused.length <= 2, `${refused.length} batch calls`);
    assert.ok(refused.every((r) => r.status === 403));
    assert.equal(sim.count("socialMetadata"), posts.length);
    const said = logsOf(run.messages, "INFO").filter((line) => /batch call/.test(line));
    assert.equal(said.length, 1);
    assert.match(said[0], /Development tier/);
    assert.match(said[0], /api_tier/);
    assert.equal(lastStatus(run.messages, "post_social_metadata"), "COMPLETE");
  });
});

Deno.test("post_social_metadata: api_tier development asks one post a request from the start", async () => {
  await readSocialMetadata({ apiTier: "development" }, { api_tier: "development" }, (sim, run) => {
    assertOk(run);
    assert.equal(sim.count("socialMetadataBatch"), 0);
    assert.deepEqual(logsOf(run.messages, "INFO").filter((l) => /batch call/.test(l)), []);
    assert.ok(recordsOf(run.messages, "post_social_metadata").length > 0);
  });
});

Deno.test("post_social_metadata: api_tier standard on a Development-tier app fails that stream only", async () => {
  await readSocialMetadata({ apiTier: "development" }, { api_tier: "standard" }, (sim, run) => {
    assert.equal(run.code, 1);
    const errors = errorsOf(run.messages, "post_social_metadata");
    assert.equal(errors.length, 2, "one per organization");
    assert.equal(errors[0].failure_type, "config_error");
    assert.match(errors[0].message, /api_tier is "standard"/);
    assert.match(errors[0].message, /Set api_tier to "development"/);
    assert.doesNotMatch(errors[0].message, /scope/);
    // LinkedIn's own answer stays in the internal message.
    assert.match(errors[0].internal_message, /BATCH_GET/);
    // One single call per organization told the refusal from a missing scope.
    assert.equal(sim.count("socialMetadata"), 2);
    assert.equal(lastStatus(run.messages, "post_social_metadata"), "INCOMPLETE");
    assert.equal(lastStatus(run.messages, "post_statistics"), "COMPLETE");
  });
});

Deno.test("post_social_metadata: without r_organization_social_feed it fails, naming the scope", async () => {
  await withSimulator(async (sim, workspace) => {
    const token = sim.issueAccessToken({
      scopes: ["rw_organization_admin", "r_organization_social"],
    });
    const run = await runRead(
      workspace,
      configFor(sim, { credentials: { auth_method: "access_token", access_token: token } }),
      catalogFor(["post_social_metadata", "ugc_posts", "post_statistics"], "incremental"),
    );
    assert.equal(run.code, 1);
    const [error] = errorsOf(run.messages, "post_social_metadata");
    assert.equal(error.failure_type, "config_error");
    assert.match(error.message, /r_organization_social_feed/);
    assert.match(error.message, /create a new token/);
    assert.match(error.message, /invalidates the tokens created before/);
    assert.equal(errorsOf(run.messages).length, 1, "the other streams go on");
    // Refused for the scope, not for the tier: nothing is said about tiers.
    assert.doesNotMatch(error.message, /tier/);
    assert.deepEqual(logsOf(run.messages, "INFO").filter((line) => /tier/.test(line)), []);
    assert.equal(lastStatus(run.messages, "post_social_metadata"), "INCOMPLETE");
    assert.equal(lastStatus(run.messages, "ugc_posts"), "COMPLETE");
    assert.equal(lastStatus(run.messages, "post_statistics"), "COMPLETE");
    // One refused batch call, then one refused single call: no more quota spent on it.
    assert.equal(sim.count("socialMetadataBatch"), 1);
    assert.equal(sim.count("socialMetadata"), 1);
  });
});

/** The value the simulator serves for a video, metric and day, 0 when it leaves the day out. */
const served = (sim: LinkedInSimulator, org: string, post: string, type: string, day: number) =>
  sim.videoAnalytics(org, post, type as never, day) ?? 0;

Deno.test("video_analytics: every ugcPost video, four metrics a day, LinkedIn's values", async () => {
  await withSimulator(async (sim, workspace) => {
    const run = await runRead(
      workspace,
      configFor(sim),
      catalogFor(["video_analytics"], "incremental"),
    );
    assertOk(run);
    const videos = sim.videoPosts(ORG);
    const ugc = videos.filter((urn) => urn.startsWith("urn:li:ugcPost:"));
    const shares = videos.filter((urn) => urn.startsWith("urn:li:share:"));
    assert.ok(ugc.length >= 5 && shares.length >= 1, `${ugc.length} + ${shares.length} videos`);
    // Four requests per ugcPost video, by day, over one window for the organization.
    const requests = sim.requests.filter((r) => r.endpoint === "videoAnalytics");
    assert.equal(requests.length, 4 * ugc.length);
    const windows = new Set(requests.map((r) => /timeRange=([^&]*)/.exec(r.query)![1]));
    assert.equal(windows.size, 1);
    const [, start, end] = /\(start:(\d+),end:(\d+)\)/.exec([...windows][0])!.map(Number);
    // Six months back (LinkedIn keeps views and viewers that long), to the last finished day.
    const back = new Date(run.startedAt);
    back.setUTCMonth(back.getUTCMonth() - 6);
    assert.equal(start, Math.ceil(back.getTime() / DAY) * DAY);
    assert.equal(end, Math.floor((run.startedAt - 2 * DAY) / DAY) * DAY);
    assert.ok(requests.every((r) => /aggregation=DAY/.test(r.query)));

    const records = recordsOf(run.messages, "video_analytics");
    assert.ok(records.every((r) => ugc.includes(r.post)));
    for (const record of records) {
      assert.equal(record.timeRangeEnd - record.timeRangeStart, DAY);
      assert.equal(record.date, utcDate(record.timeRangeStart));
      assert.ok(record.timeRangeStart >= start && record.timeRangeEnd <= end);
      for (const [type, field] of Object.entries(METRICS)) {
        assert.equal(record[field], served(sim, ORG, record.post, type, record.timeRangeStart));
      }
    }
    // Every day LinkedIn has any metric for has its record, and no other day.
    for (const post of ugc) {
      const days = new Set(records.filter((r) => r.post === post).map((r) => r.timeRangeStart));
      for (let day = start; day < end; day += DAY) {
        const any = Object.keys(METRICS).some((type) => served(sim, ORG, post, type, day) > 0);
        assert.equal(days.has(day), any, `${post} ${utcDate(day)}`);
      }
    }
    assert.ok(records.some((r) => r.videoViews > 0 && r.viewers > 0));
    assert.ok(new Set(records.map((r) => r.post)).size >= 3);
    // Share-URN videos are skipped with one warning naming them.
    const warnings = logsOf(run.messages, "WARN");
    assert.equal(warnings.length, 1);
    for (const urn of shares) assert.ok(warnings[0].includes(urn), warnings[0]);
    assert.deepEqual(lastStates(run.messages)[0].stream.stream_state, {
      organizations: { [ORG]: { timeRangeEnd: end } },
    });
  });
});

Deno.test("video_analytics: the next sync reads from the cursor minus the lookback", async () => {
  await withSimulator(async (sim, workspace) => {
    const catalog = catalogFor(["video_analytics"], "incremental");
    const cursor = Math.floor((Date.now() - 10 * DAY) / DAY) * DAY;
    const state = [{
      type: "STREAM",
      stream: {
        stream_descriptor: { name: "video_analytics" },
        stream_state: { organizations: { [ORG]: { timeRangeEnd: cursor } } },
      },
    }];
    const run = await runRead(workspace, configFor(sim, { lookback_days: 2 }), catalog, state);
    assertOk(run);
    for (const request of sim.requests.filter((r) => r.endpoint === "videoAnalytics")) {
      assert.match(request.query, new RegExp(`timeRange=\\(start:${cursor - 2 * DAY},end:`));
    }
    const records = recordsOf(run.messages, "video_analytics");
    assert.ok(records.length > 0);
    assert.ok(records.every((r) => r.timeRangeStart >= cursor - 2 * DAY));
  });
});

Deno.test("video_analytics: a start date before LinkedIn's 6 months is moved up with one warning", async () => {
  await withSimulator(async (sim, workspace) => {
    const startDate = utcDate(Date.now() - 300 * DAY);
    const run = await runRead(
      workspace,
      configFor(sim, { org_id: undefined, org_ids: [ORG, OTHER_ORG], start_date: startDate }),
      catalogFor(["video_analytics"]),
    );
    assertOk(run);
    const windows = sim.requests.filter((r) => r.endpoint === "videoAnalytics").map((r) =>
      Number(/timeRange=\(start:(\d+),/.exec(r.query)![1])
    );
    assert.ok(windows.length > 0);
    assert.equal(new Set(windows).size, 1, "every video from the same day");
    // One warning for the stream, not one per organization.
    assert.deepEqual(logsOf(run.messages, "WARN").filter((line) => line.includes("months only")), [
      `stream video_analytics: LinkedIn serves video views and viewers for about 6 months ` +
      `only, so reading starts on ${utcDate(windows[0])} instead of ${startDate}.`,
    ]);
    assert.ok(recordsOf(run.messages, "video_analytics").length > 0);
    assert.ok(sim.requests.some((r) => r.endpoint === "videoAnalytics"));
  });
});

Deno.test("lookups: LinkedIn's taxonomies, and every facet URN of the statistics resolves", async () => {
  await withSimulator(async (sim, workspace) => {
    const lookups = ["lookup_functions", "lookup_seniorities", "lookup_industries"];
    const run = await runRead(
      workspace,
      configFor(sim, { org_id: undefined, org_ids: [ORG, OTHER_ORG] }),
      catalogFor([...lookups, "follower_statistics", "page_statistics"]),
    );
    assertOk(run);
    const names = { lookup_functions: "functions", lookup_seniorities: "seniorities" } as Json;
    names.lookup_industries = "industries";
    const urns = new Set<string>();
    for (const stream of lookups) {
      const records = recordsOf(run.messages, stream);
      const taxonomy = sim.taxonomy(names[stream]);
      assert.equal(records.length, taxonomy.length, stream);
      for (const [index, element] of taxonomy.entries()) {
        const { name, ...rest } = element as Json;
        assert.deepEqual(records[index], {
          ...rest,
          urn: rest.$URN,
          name: name.localized.en_US,
          localizedName: name,
        });
        urns.add(rest.$URN);
      }
      // Read once for the connection, not once per organization.
      assert.equal(sim.count(names[stream]), Math.floor(taxonomy.length / 100) + 1, stream);
    }
    const facets = JSON.stringify([
      ...recordsOf(run.messages, "follower_statistics"),
      ...recordsOf(run.messages, "page_statistics"),
    ]).match(/urn:li:(function|seniority|industry):\d+/g)!;
    assert.ok(facets.length > 20);
    for (const urn of facets) assert.ok(urns.has(urn), `${urn} resolves`);
    assert.ok(urns.has("urn:li:function:8"));
    assert.equal(
      recordsOf(run.messages, "lookup_functions").find((r) => r.urn === "urn:li:function:8")!.name,
      "Engineering",
    );
  });
});

Deno.test("lookups: without r_basicprofile only lookup_industries fails, naming the scope", async () => {
  await withSimulator(async (sim, workspace) => {
    const token = sim.issueAccessToken({
      scopes: ["rw_organization_admin", "r_organization_social", "r_organization_social_feed"],
    });
    const lookups = ["lookup_functions", "lookup_seniorities", "lookup_industries"];
    const run = await runRead(
      workspace,
      configFor(sim, { credentials: { auth_method: "access_token", access_token: token } }),
      catalogFor(lookups),
    );
    assert.equal(run.code, 1);
    const errors: Message[] = errorsOf(run.messages);
    assert.equal(errors.length, 1);
    assert.equal(errors[0].stream_descriptor.name, "lookup_industries");
    assert.equal(errors[0].failure_type, "config_error");
    assert.match(errors[0].message, /r_basicprofile/);
    assert.doesNotMatch(errors[0].message, /ADMINISTRATOR/);
    assert.equal(lastStatus(run.messages, "lookup_functions"), "COMPLETE");
    assert.equal(lastStatus(run.messages, "lookup_seniorities"), "COMPLETE");
    assert.equal(lastStatus(run.messages, "lookup_industries"), "INCOMPLETE");
  });
});

Deno.test("requests: a full sync of every stream for a page of 60 posts and 5 videos costs what the README says", async () => {
  for (const [apiTier, expected] of [["standard", 36], ["development", 95]] as const) {
    await withSimulator(async (sim, workspace) => {
      const run = await runRead(
        workspace,
        configFor(sim, { org_id: "1000001" }),
        catalogFor(undefined, "incremental"),
      );
      assertOk(run);
      // 5 single answers, 3 windows, 1 page of posts, per-post statistics for 2 URN kinds,
      // social metadata (2 batches, or 60 single calls and the refused batch call), 4 × 5
      // videos, and one page of each taxonomy.
      assert.equal(
        sim.count(),
        expected,
        `${apiTier}: ${sim.requests.map((r) => r.endpoint).join(", ")}`,
      );
      assert.equal(sim.count("videoAnalytics"), 20);
      assert.equal(sim.count("postStatistics"), 2);
      assert.equal(sim.count("socialMetadata"), apiTier === "standard" ? 0 : 60);
    }, {
      apiTier,
      organizations: [{
        id: "1000001",
        name: "Sixty",
        vanityName: "sixty",
        postCount: 60,
        videoPosts: 5,
      }],
    });
  }
});
