import assert from "node:assert/strict";
import type { Answer, Batch, RowContext } from "../lib/definitions.ts";
import {
  lookupRow,
  postStatisticsRows,
  socialMetadataRows,
  videoAnalyticsRows,
  withTimeRange,
} from "../lib/records.ts";
import { isoDate } from "../lib/windows.ts";
import { assertConnectorError } from "./assertions.ts";
import { ZERO_SHARE_STATISTICS } from "./harness.ts";

const CONTEXT: RowContext = { organizationId: "7", syncDate: "2026-12-01" };
const WHERE = "stream x, organization 7, GET /rest/x";
const answer = (body: unknown, extra: Partial<Answer> = {}): Answer => ({
  body,
  where: WHERE,
  ...extra,
});

Deno.test("records: time-bound rows carry timeRangeStart/End and the UTC date", () => {
  const start = Date.UTC(2024, 1, 29);
  const end = Date.UTC(2024, 2, 1);
  const row = withTimeRange({ timeRange: { start, end }, followerGains: { a: 3 } }, CONTEXT);
  assert.deepEqual(row, {
    timeRange: { start, end },
    followerGains: { a: 3 },
    organizationId: "7",
    timeRangeStart: start,
    timeRangeEnd: end,
    date: "2024-02-29",
  });
  assert.equal(row.date, isoDate(start));
  for (
    const bad of [
      {},
      { timeRange: null },
      { timeRange: {} },
      { timeRange: { start: 1 } },
      { timeRange: { end: 2 } },
      { timeRange: { start: "1", end: 2 } },
      { timeRange: { start: 1.5, end: 2 } },
    ]
  ) {
    assertConnectorError(() => withTimeRange(bad, CONTEXT), "system_error", "timeRange");
  }
});

Deno.test("records: per-post statistics keep LinkedIn's element and fill zeros for posts left out", () => {
  const batch: Batch = { group: "ugcPost", ids: ["urn:li:ugcPost:1", "urn:li:ugcPost:2"] };
  const served = {
    organizationalEntity: "urn:li:organization:7",
    ugcPost: "urn:li:ugcPost:2",
    totalShareStatistics: { impressionCount: 40, likeCount: -1, engagement: 0.25 },
  };
  const { rows, missing } = postStatisticsRows(
    [answer({ paging: {}, elements: [served] })],
    batch,
    CONTEXT,
  );
  assert.equal(missing, undefined);
  assert.deepEqual(rows, [
    {
      organizationalEntity: "urn:li:organization:7",
      ugcPost: "urn:li:ugcPost:1",
      totalShareStatistics: ZERO_SHARE_STATISTICS,
      organizationId: "7",
      post: "urn:li:ugcPost:1",
      snapshotDate: "2026-12-01",
    },
    { ...served, organizationId: "7", post: "urn:li:ugcPost:2", snapshotDate: "2026-12-01" },
  ]);
  // An element that names no post cannot be matched: the answer is not LinkedIn's shape.
  assertConnectorError(
    () =>
      postStatisticsRows([answer({ elements: [{ totalShareStatistics: {} }] })], batch, CONTEXT),
    "system_error",
    WHERE,
    "names no post",
  );
  assertConnectorError(() => postStatisticsRows([answer({})], batch, CONTEXT), "system_error");
});

Deno.test("records: social metadata counts each reaction type, 0 for a type left out", () => {
  const batch: Batch = {
    group: "post",
    ids: ["urn:li:share:1", "urn:li:ugcPost:2", "urn:li:share:3"],
  };
  const first = {
    entity: "urn:li:share:1",
    reactionSummaries: {
      LIKE: { reactionType: "LIKE", count: 12 },
      PRAISE: { reactionType: "PRAISE", count: 3 },
      INTEREST: { reactionType: "INTEREST", count: 1 },
    },
    commentSummary: { count: 5, topLevelCount: 4 },
    commentsState: "OPEN",
  };
  const second = {
    entity: "urn:li:ugcPost:2",
    reactionSummaries: {},
    commentSummary: { count: 0, topLevelCount: 0 },
    commentsState: "CLOSED",
  };
  const body = {
    results: { "urn:li:share:1": first, "urn:li:ugcPost:2": second },
    statuses: { "urn:li:share:1": 200, "urn:li:ugcPost:2": 200, "urn:li:share:3": 404 },
    errors: { "urn:li:share:3": { status: 404, message: "Not Found" } },
  };
  const { rows, missing } = socialMetadataRows([answer(body)], batch, CONTEXT);
  assert.deepEqual(rows, [
    {
      ...first,
      organizationId: "7",
      post: "urn:li:share:1",
      snapshotDate: "2026-12-01",
      likeReactions: 12,
      praiseReactions: 3,
      empathyReactions: 0,
      interestReactions: 1,
      appreciationReactions: 0,
      entertainmentReactions: 0,
      totalReactions: 16,
      comments: 5,
      topLevelComments: 4,
    },
    {
      ...second,
      organizationId: "7",
      post: "urn:li:ugcPost:2",
      snapshotDate: "2026-12-01",
      likeReactions: 0,
      praiseReactions: 0,
      empathyReactions: 0,
      interestReactions: 0,
      appreciationReactions: 0,
      entertainmentReactions: 0,
      totalReactions: 0,
      comments: 0,
      topLevelComments: 0,
    },
  ]);
  // A post LinkedIn has nothing about gets no record, and is reported with its status.
  assert.deepEqual(missing, new Map([["urn:li:share:3", 404]]));
});

Deno.test("records: a post of a batch that failed in LinkedIn's answer is an error, not a gap", () => {
  const batch: Batch = { group: "post", ids: ["urn:li:share:1", "urn:li:share:2"] };
  const failing = (status: number) => ({
    results: { "urn:li:share:1": { entity: "urn:li:share:1" } },
    statuses: { "urn:li:share:1": 200, "urn:li:share:2": status },
    errors: { "urn:li:share:2": { status, message: "…" } },
  });
  for (
    const [status, kind] of [[500, "transient_error"], [429, "transient_error"], [
      403,
      "config_error",
    ], [400, "system_error"]] as const
  ) {
    const error = assertConnectorError(
      () => socialMetadataRows([answer(failing(status))], batch, CONTEXT),
      kind,
      "urn:li:share:2",
      `HTTP ${status}`,
      WHERE,
    );
    assert.equal(error.status, status);
  }
});

Deno.test("records: social metadata asked one post per request reads each answer as the element", () => {
  const batch: Batch = { group: "post", ids: ["urn:li:share:1", "urn:li:share:2"] };
  const element = {
    entity: "urn:li:share:2",
    reactionSummaries: { EMPATHY: { reactionType: "EMPATHY", count: 2 }, NEW_KIND: { count: 1 } },
  };
  const { rows } = socialMetadataRows([answer(element, { id: "urn:li:share:2" })], batch, CONTEXT);
  assert.equal(rows.length, 1);
  assert.equal(rows[0].post, "urn:li:share:2");
  assert.equal(rows[0].empathyReactions, 2);
  // A reaction type the connector does not know still counts in the total.
  assert.equal(rows[0].totalReactions, 3);
  // No comment summary: no comments.
  assert.equal(rows[0].comments, 0);
  assert.equal(rows[0].topLevelComments, 0);
  for (const count of [-1, 1.5, "3", null]) {
    assertConnectorError(
      () =>
        socialMetadataRows(
          [answer({ reactionSummaries: { LIKE: { count } } }, { id: "urn:li:share:2" })],
          batch,
          CONTEXT,
        ),
      "system_error",
      WHERE,
      "LIKE",
    );
  }
});

Deno.test("records: video analytics merge the four metrics into one record per day", () => {
  const batch: Batch = { group: "video", ids: ["urn:li:ugcPost:9"] };
  const day = (n: number) => ({ start: Date.UTC(2026, 10, n), end: Date.UTC(2026, 10, n + 1) });
  const element = (n: number, value: number) => ({
    entity: "urn:li:ugcPost:9",
    value,
    timeRange: day(n),
  });
  const answers = [
    answer({ elements: [element(3, 10), element(1, 4)] }, { variant: "VIDEO_VIEW" }),
    answer({ elements: [element(1, 3)] }, { variant: "VIEWER" }),
    answer({ elements: [element(1, 9000), element(2, 1500)] }, { variant: "TIME_WATCHED" }),
    answer({ elements: [] }, { variant: "TIME_WATCHED_FOR_VIDEO_VIEWS" }),
  ];
  const { rows } = videoAnalyticsRows(answers, batch, CONTEXT);
  const base = { organizationId: "7", post: "urn:li:ugcPost:9" };
  assert.deepEqual(rows, [
    {
      ...base,
      date: "2026-11-01",
      timeRangeStart: day(1).start,
      timeRangeEnd: day(1).end,
      videoViews: 4,
      viewers: 3,
      timeWatchedMs: 9000,
      timeWatchedForVideoViewsMs: 0,
    },
    {
      ...base,
      date: "2026-11-02",
      timeRangeStart: day(2).start,
      timeRangeEnd: day(2).end,
      videoViews: 0,
      viewers: 0,
      timeWatchedMs: 1500,
      timeWatchedForVideoViewsMs: 0,
    },
    {
      ...base,
      date: "2026-11-03",
      timeRangeStart: day(3).start,
      timeRangeEnd: day(3).end,
      videoViews: 10,
      viewers: 0,
      timeWatchedMs: 0,
      timeWatchedForVideoViewsMs: 0,
    },
  ]);
  assertConnectorError(
    () =>
      videoAnalyticsRows(
        [answer({ elements: [{ value: 1 }] }, { variant: "VIEWER" })],
        batch,
        CONTEXT,
      ),
    "system_error",
    "timeRange",
  );
  assertConnectorError(
    () =>
      videoAnalyticsRows(
        [answer({ elements: [{ value: "1", timeRange: day(1) }] }, { variant: "VIEWER" })],
        batch,
        CONTEXT,
      ),
    "system_error",
    "numeric value",
  );
  assertConnectorError(
    () => videoAnalyticsRows([answer({ elements: [] }, { variant: "LIKES" })], batch, CONTEXT),
    "system_error",
    "LIKES",
  );
});

Deno.test("records: a taxonomy entry gets its URN, id and English name", () => {
  const toRow = lookupRow("industry");
  const name = { localized: { en_US: "Software Development", de_DE: "Softwareentwicklung" } };
  assert.deepEqual(
    toRow({ $URN: "urn:li:industry:4", id: 4, name, childrenIndustries: [] }, CONTEXT),
    {
      $URN: "urn:li:industry:4",
      id: 4,
      childrenIndustries: [],
      urn: "urn:li:industry:4",
      name: "Software Development",
      localizedName: name,
    },
  );
  // Without $URN the URN is built from the id; the name is English or none.
  const british = toRow(
    { id: 6, name: { localized: { de_DE: "D", en_GB: "Technology" } } },
    CONTEXT,
  );
  assert.equal(british.urn, "urn:li:industry:6");
  assert.equal(british.name, "Technology");
  const german = toRow({ id: 6, name: { localized: { de_DE: "Technologie" } } }, CONTEXT);
  assert.equal(german.name, null);
  assert.deepEqual(german.localizedName, { localized: { de_DE: "Technologie" } });
  assert.equal(toRow({ id: 7 }, CONTEXT).name, null);
  assertConnectorError(() => toRow({ id: "4" }, CONTEXT), "system_error", "integer id");
});
