/**
 * The streams, described as data: one row per stream, read by one generic engine
 * (`lib/engine.ts`). A row names its partitions (the organizations, the connection,
 * or batches of a parent feed's items, such as the posts of an organization 50 at a
 * time), where its records come from, its cursor, and how answers become records
 * (`lib/records.ts`). Adding a stream is adding a row and a schema file (listed in
 * `lib/schemas.ts`, precompiled by `deno task schemas`).
 *
 * @module
 */
import type { Row } from "./answers.ts";
import type { Scope } from "./auth.ts";
import { newestFirstCursor, snapshotDateCursor, windowCursor } from "./cursors.ts";
import {
  type ConnectionStream,
  type EndpointRequest,
  type Feed,
  type RequestContext,
  requestOf,
  type StreamDefinition,
} from "./definitions.ts";
import { systemError } from "./errors.ts";
import { isJsonObject } from "./files.ts";
import {
  lookupRow,
  postStatisticsRows,
  socialMetadataRows,
  VIDEO_METRICS,
  videoAnalyticsRows,
  withOrganization,
  withSnapshot,
  withTimeRange,
} from "./records.ts";
import { encodeLeaf, organizationUrn } from "./restli.ts";
import { earliestStart, type Start } from "./windows.ts";

const timeIntervals = ({ window, granularity }: RequestContext) =>
  window &&
  { timeRange: { start: window.start, end: window.end }, timeGranularityType: granularity };

const ADMIN: Scope = "rw_organization_admin";
const SOCIAL: Scope = "r_organization_social";
const SOCIAL_FEED: Scope = "r_organization_social_feed";
const ORGANIZATION_KEY = [["organizationId"]];
const BUCKET_KEY = [["organizationId"], ["timeRangeStart"]];
const PER_POST_KEY = [["post"], ["snapshotDate"]];
const WINDOW = windowCursor("timeRangeEnd");
const SNAPSHOT = snapshotDateCursor("snapshotDate");

const followerStatistics = {
  partitions: "organizations",
  extract: "elements",
  endpoint: {
    scope: ADMIN,
    path: () => "/rest/organizationalEntityFollowerStatistics",
    query: (context: RequestContext) => ({
      q: "organizationalEntity",
      organizationalEntity: organizationUrn(context.organizationId),
      timeIntervals: timeIntervals(context),
    }),
  },
} as const;

const pageStatistics = {
  ...followerStatistics,
  endpoint: {
    scope: ADMIN,
    path: () => "/rest/organizationPageStatistics",
    query: (context: RequestContext) => ({
      q: "organization",
      organization: organizationUrn(context.organizationId),
      timeIntervals: timeIntervals(context),
    }),
  },
} as const;

const shareStatistics = {
  ...followerStatistics,
  endpoint: {
    ...followerStatistics.endpoint,
    path: () => "/rest/organizationalEntityShareStatistics",
  },
} as const;

/**
 * The organization's posts (Posts API), newest modification first, 100 a page.
 *
 * @example
 * ```ts
 * import { requestOf } from "./definitions.ts";
 *
 * requestOf(POSTS.endpoint, { organizationId: "1", granularity: "DAY", start: 0, count: 1 }).query;
 * // "q=author&author=urn%3Ali%3Aorganization%3A1&sortBy=LAST_MODIFIED&start=0&count=1"
 * ```
 */
export const POSTS: Feed = {
  name: "posts",
  pageSize: 100,
  sortField: "lastModifiedAt",
  endpoint: {
    scope: SOCIAL,
    path: () => "/rest/posts",
    query: (context) => ({
      q: "author",
      author: organizationUrn(context.organizationId),
      sortBy: "LAST_MODIFIED",
      start: context.start,
      count: context.count,
    }),
  },
  check(post) {
    if (typeof post.id !== "string" || !Number.isInteger(post.lastModifiedAt)) {
      throw systemError(
        `LinkedIn returned a post without a string id and an integer lastModifiedAt: ` +
          JSON.stringify(post).slice(0, 200),
      );
    }
  },
};

/** The kind of a post URN ("share" or "ugcPost"), if it is one. */
const postKind = (id: string) => /^urn:li:(share|ugcPost):[^:]+$/.exec(id)?.[1];

/** LinkedIn keeps 12 months of statistics: per-post streams ask about the posts of that time. */
const statisticsStart = (now: number, startDate: number | undefined): Start =>
  earliestStart(now, "DAY", startDate);

// A post's lastModifiedAt is never before it was published, so reading the feed back to
// `since` finds every post published since then.
const publishedSince = (post: Row, since: number) =>
  ((post.publishedAt ?? post.createdAt) as number) >= since;

/** The posts of an organization published since the statistics start, for per-post streams. */
const POSTS_SINCE_START = { parent: POSTS, since: statisticsStart, includes: publishedSince };

/** A post whose media is a video. */
const isVideo = (post: Row) => {
  const media = isJsonObject(post.content) && isJsonObject(post.content.media)
    ? post.content.media
    : undefined;
  return typeof media?.id === "string" && media.id.startsWith("urn:li:video:");
};

/** A taxonomy LinkedIn serves whole, in pages: one record per code, for the connection. */
function lookup(name: string, kind: string, path: string, scope?: Scope): ConnectionStream {
  return {
    name,
    description: `LinkedIn's ${kind} codes with their English names, to read the ${kind} URNs ` +
      "of follower and page statistics.",
    primaryKey: [["urn"]],
    partitions: "connection",
    extract: "elements",
    pageSize: 100,
    endpoint: {
      scope,
      path: () => path,
      query: ({ start, count }) => ({ start, count }),
    },
    toRow: lookupRow(kind),
  };
}

/** Every stream, in the order `discover` lists them. */
export const STREAMS: readonly StreamDefinition[] = [
  {
    name: "organization_lookup",
    description: "The organization's profile.",
    primaryKey: ORGANIZATION_KEY,
    partitions: "organizations",
    extract: "body",
    endpoint: {
      scope: ADMIN,
      path: ({ organizationId }) => `/rest/organizations/${encodeLeaf(organizationId)}`,
      query: () => ({}),
    },
    toRow: withSnapshot,
  },
  {
    name: "follower_statistics",
    description: "Lifetime follower counts by demographic facet.",
    primaryKey: ORGANIZATION_KEY,
    ...followerStatistics,
    toRow: withSnapshot,
  },
  {
    name: "page_statistics",
    description: "Lifetime page views and clicks, by facet.",
    primaryKey: ORGANIZATION_KEY,
    ...pageStatistics,
    toRow: withSnapshot,
  },
  {
    name: "share_statistics",
    description: "Lifetime engagement with the organization's posts.",
    primaryKey: ORGANIZATION_KEY,
    ...shareStatistics,
    toRow: withSnapshot,
  },
  {
    name: "shares",
    description: "The organization's 50 most recently modified posts.",
    primaryKey: [["id"]],
    partitions: "organizations",
    feed: POSTS,
    limit: 50,
    toRow: withOrganization,
  },
  {
    name: "total_follower_count",
    description: "The organization's total number of followers.",
    primaryKey: ORGANIZATION_KEY,
    partitions: "organizations",
    extract: "body",
    endpoint: {
      scope: ADMIN,
      path: ({ organizationId }) =>
        `/rest/networkSizes/${encodeLeaf(organizationUrn(organizationId))}`,
      query: () => ({ edgeType: "COMPANY_FOLLOWED_BY_MEMBER" }),
    },
    toRow: withSnapshot,
  },
  {
    name: "ugc_posts",
    description: "Every post the organization authored, newest modification first.",
    primaryKey: [["id"]],
    partitions: "organizations",
    feed: POSTS,
    incremental: newestFirstCursor(POSTS.sortField),
    toRow: withOrganization,
  },
  {
    name: "follower_statistics_time_bound",
    description: "Followers gained per day or month.",
    primaryKey: BUCKET_KEY,
    incremental: WINDOW,
    ...followerStatistics,
    toRow: withTimeRange,
  },
  {
    name: "page_statistics_time_bound",
    description: "Page views and clicks per day or month.",
    primaryKey: BUCKET_KEY,
    incremental: WINDOW,
    ...pageStatistics,
    toRow: withTimeRange,
  },
  {
    name: "share_statistics_time_bound",
    description: "Post engagement per day or month.",
    primaryKey: BUCKET_KEY,
    incremental: WINDOW,
    ...shareStatistics,
    toRow: withTimeRange,
  },
  {
    name: "post_statistics",
    description: "Lifetime statistics of every post published since the statistics start, " +
      "one snapshot per post and day.",
    primaryKey: PER_POST_KEY,
    partitions: {
      ...POSTS_SINCE_START,
      size: 50,
      groupOf: postKind,
      accepts: "urn:li:share: and urn:li:ugcPost: URNs",
    },
    endpoint: {
      scope: ADMIN,
      path: () => "/rest/organizationalEntityShareStatistics",
      // Share URNs and ugcPost URNs go in separate lists; a URN in the wrong list is silently
      // answered as "no activity".
      query: ({ organizationId, batch }) => ({
        q: "organizationalEntity",
        organizationalEntity: organizationUrn(organizationId),
        [batch!.group === "share" ? "shares" : "ugcPosts"]: batch!.ids,
      }),
    },
    incremental: SNAPSHOT,
    rows: postStatisticsRows,
  },
  {
    name: "post_social_metadata",
    description: "Reactions by type and comment counts of every post published since the " +
      "statistics start, one snapshot per post and day.",
    primaryKey: PER_POST_KEY,
    partitions: {
      ...POSTS_SINCE_START,
      size: 50,
      groupOf: (id) => postKind(id) && "post",
      accepts: "urn:li:share: and urn:li:ugcPost: URNs",
    },
    endpoint: {
      scope: SOCIAL_FEED,
      path: () => "/rest/socialMetadata",
      query: ({ batch }) => ({ ids: batch!.ids }),
    },
    single: {
      scope: SOCIAL_FEED,
      path: ({ batch }) => `/rest/socialMetadata/${encodeLeaf(batch!.ids[0])}`,
      query: () => ({}),
    },
    incremental: SNAPSHOT,
    rows: socialMetadataRows,
  },
  {
    name: "video_analytics",
    description: "Daily views, viewers and watch time of every video post published since the " +
      "statistics start.",
    primaryKey: [["post"], ["date"]],
    partitions: {
      ...POSTS_SINCE_START,
      size: 1,
      // Every video of LinkedIn's 12 months, whatever start_date says: an older video gets
      // views in the window too. start_date bounds the days (the window) only.
      since: (now) => statisticsStart(now, undefined),
      includes: (post: Row, since: number) => isVideo(post) && publishedSince(post, since),
      groupOf: (id) => postKind(id) === "ugcPost" ? "video" : undefined,
      accepts: "the urn:li:ugcPost: URNs of video posts (LinkedIn's video analytics take no " +
        "urn:li:share:)",
    },
    endpoint: {
      scope: SOCIAL,
      path: () => "/rest/videoAnalytics",
      query: ({ batch, variant, window }) => ({
        q: "entity",
        entity: batch!.ids[0],
        type: variant,
        aggregation: "DAY",
        timeRange: window && { start: window.start, end: window.end },
      }),
    },
    variants: Object.keys(VIDEO_METRICS),
    incremental: windowCursor("timeRangeEnd", {
      granularity: "DAY",
      retention: { months: 6, what: "video views and viewers" },
    }),
    rows: videoAnalyticsRows,
  },
  lookup("lookup_functions", "function", "/rest/functions"),
  lookup("lookup_seniorities", "seniority", "/rest/seniorities"),
  lookup(
    "lookup_industries",
    "industry",
    "/rest/industryTaxonomyVersions/DEFAULT/industries",
    "r_basicprofile",
  ),
];

/**
 * The stream definition of a name, if the connector has it.
 *
 * @example
 * ```ts
 * streamNamed("shares")?.primaryKey; // [["id"]]
 * ```
 */
export function streamNamed(name: string): StreamDefinition | undefined {
  return STREAMS.find((stream) => stream.name === name);
}

/**
 * The requests `check` makes for an organization: the first request of the first
 * organization stream of each scope (a feed asked for one item), as the streams
 * would send it. Streams of the connection and per-post streams need a scope that is
 * optional (for those streams only), so they are not checked.
 *
 * @example
 * ```ts
 * checkRequests("1").map((request) => request.scope);
 * // ["rw_organization_admin", "r_organization_social"]
 * ```
 */
export function checkRequests(organizationId: string): EndpointRequest[] {
  const context: RequestContext = { organizationId, granularity: "DAY", start: 0, count: 1 };
  const byScope = new Map<Scope | undefined, EndpointRequest>();
  for (const stream of STREAMS) {
    const endpoint = stream.feed
      ? stream.feed.endpoint
      : stream.partitions === "organizations"
      ? stream.endpoint
      : undefined;
    if (endpoint && !byScope.has(endpoint.scope)) {
      byScope.set(endpoint.scope, requestOf(endpoint, context));
    }
  }
  return [...byScope.values()];
}

/**
 * The scopes a stream's requests need: its own endpoint's and its parent feed's.
 *
 * @example
 * ```ts
 * scopesOf(streamNamed("post_social_metadata")!); // ["r_organization_social_feed", "r_organization_social"]
 * ```
 */
export function scopesOf(stream: StreamDefinition): Scope[] {
  const endpoints = [
    stream.endpoint,
    stream.feed?.endpoint,
    typeof stream.partitions === "object" ? stream.partitions.parent.endpoint : undefined,
  ];
  return [...new Set(endpoints.flatMap((endpoint) => endpoint?.scope ?? []))];
}
