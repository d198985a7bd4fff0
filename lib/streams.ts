/**
 * The streams, described as data: one row per stream, read by one generic engine
 * (`lib/engine.ts`). A row names its partitions (the organizations, or batches of
 * a parent feed's items, such as the posts of an organization 50 at a time), where
 * its records come from (one answer per organization, or the items of a feed),
 * its cursor, and how an element becomes a record. Adding a stream is adding a
 * row and a schema file.
 *
 * @module
 */
import type { Scope } from "./client.ts";
import type { Granularity } from "./config.ts";
import { type Cursor, newestFirstCursor, snapshotDateCursor, windowCursor } from "./cursors.ts";
import { systemError } from "./errors.ts";
import { encodeLeaf, organizationUrn, query, type RestliValue } from "./restli.ts";
import { earliestStart, isoDate, type Start, type Window } from "./windows.ts";
import followerStatisticsSchema from "../schemas/follower_statistics.json" with { type: "json" };
import followerStatisticsTimeBoundSchema from "../schemas/follower_statistics_time_bound.json" with {
  type: "json",
};
import organizationLookupSchema from "../schemas/organization_lookup.json" with { type: "json" };
import pageStatisticsSchema from "../schemas/page_statistics.json" with { type: "json" };
import pageStatisticsTimeBoundSchema from "../schemas/page_statistics_time_bound.json" with {
  type: "json",
};
import shareStatisticsSchema from "../schemas/share_statistics.json" with { type: "json" };
import shareStatisticsTimeBoundSchema from "../schemas/share_statistics_time_bound.json" with {
  type: "json",
};
import sharesSchema from "../schemas/shares.json" with { type: "json" };
import postStatisticsSchema from "../schemas/post_statistics.json" with { type: "json" };
import totalFollowerCountSchema from "../schemas/total_follower_count.json" with { type: "json" };
import ugcPostsSchema from "../schemas/ugc_posts.json" with { type: "json" };

/** A record as emitted: a JSON object. */
export type Row = Record<string, unknown>;

/** Ids of one kind, asked about in one request (e.g. 50 share URNs). */
export interface Batch {
  /** The kind of the ids, as the stream's `groupOf` names it (e.g. "share"). */
  group: string;
  ids: readonly string[];
}

/** What a request of a stream depends on. */
export interface RequestContext {
  organizationId: string;
  granularity: Granularity;
  /** The statistics window, for time-bound statistics. */
  window?: Window;
  /** Offset paging of a feed. */
  start?: number;
  count?: number;
  /** The parent ids a per-parent request asks about. */
  batch?: Batch;
}

/** What a record of a stream depends on, besides LinkedIn's element. */
export interface RowContext {
  organizationId: string;
  /** The UTC date of the sync, `YYYY-MM-DD`. */
  syncDate: string;
  /** The id of the parent item a per-parent record is about (e.g. the post URN). */
  parentId?: string;
}

/** One kind of API call: the scope it needs, and its path and query for a context. */
export interface Endpoint {
  scope: Scope;
  path(context: RequestContext): string;
  query(context: RequestContext): Record<string, RestliValue | undefined>;
}

/** A request as the client sends it. */
export interface EndpointRequest {
  path: string;
  /** Already Rest.li-encoded, without `?`. */
  query: string;
  scope: Scope;
}

/**
 * A collection LinkedIn serves in `start`/`count` pages sorted newest first by
 * `sortField`. The engine reads it once per organization and run, as far as the
 * streams that need it go, and shares the pages between them.
 */
export interface Feed {
  /** What the items are, in the plural, for messages (e.g. "posts"). */
  name: string;
  endpoint: Endpoint;
  pageSize: number;
  /** The integer field the pages are sorted by, newest first. */
  sortField: string;
  /** Throws when an item lacks a string `id` or an integer `sortField`. */
  check(item: Row): void;
}

/** Where an element comes from in an answer: the whole body, or its `elements`. */
export type Extract = "body" | "elements";

interface Described {
  name: string;
  description: string;
  schema: Row;
  primaryKey: string[][];
}

/** A stream read with one answer per organization (and statistics window). */
export interface OrganizationStream extends Described {
  partitions: "organizations";
  endpoint: Endpoint;
  extract: Extract;
  feed?: never;
  incremental?: Cursor<"window"> | Cursor<"snapshot_date">;
  /** Turns one API element into a record; throws when it lacks what the record needs. */
  toRow(element: Row, context: RowContext): Row;
}

/** A stream whose records are the items of a feed, newest first. */
export interface FeedStream extends Described {
  partitions: "organizations";
  feed: Feed;
  endpoint?: never;
  extract?: never;
  /** Only the `limit` newest items. */
  limit?: number;
  incremental?: Cursor<"newest_first">;
  toRow(item: Row, context: RowContext): Row;
}

/** Partitions made of a parent feed's items, grouped by kind, `size` ids per request. */
export interface ParentBatches {
  parent: Feed;
  size: number;
  /** The oldest time of interest; the parent feed is read while its sort field is at or after it. */
  since(now: number, startDate: number | undefined): Start;
  /** Whether a parent item (read back to `since`) is asked about. */
  includes(item: Row, since: number): boolean;
  /** The batch group of a parent id, or undefined for ids this stream cannot ask about. */
  groupOf(id: string): string | undefined;
  /** The ids it can ask about, for the warning about the others (e.g. "urn:li:share: URNs"). */
  accepts: string;
}

/** A stream of records about each item of a parent feed, requested in batches. */
export interface BatchStream extends Described {
  partitions: ParentBatches;
  endpoint: Endpoint;
  extract: Extract;
  feed?: never;
  incremental?: Cursor<"snapshot_date">;
  /** The parent id an element is about; undefined when it names none. */
  idOf(element: Row): string | undefined;
  /** The element LinkedIn leaves out of a successful answer when it has nothing about an id. */
  absent?(id: string, batch: Batch, context: RowContext): Row;
  toRow(element: Row, context: RowContext): Row;
}

/**
 * One stream of the connector. The union admits only what the engine honours: a
 * newest-first cursor only on a feed (which pages with offsets), a window cursor
 * only on one answer per organization, batches only of a feed's items.
 */
export type StreamDefinition = OrganizationStream | FeedStream | BatchStream;

/**
 * Encodes the request of an endpoint for a context.
 *
 * @example
 * ```ts
 * const request = requestOf(POSTS.endpoint, {
 *   organizationId: "1",
 *   granularity: "DAY",
 *   start: 0,
 *   count: 1,
 * });
 * request.query; // "q=author&author=urn%3Ali%3Aorganization%3A1&sortBy=LAST_MODIFIED&start=0&count=1"
 * ```
 */
export function requestOf(endpoint: Endpoint, context: RequestContext): EndpointRequest {
  return {
    path: endpoint.path(context),
    query: query(endpoint.query(context)),
    scope: endpoint.scope,
  };
}

// Elements are freshly parsed and owned by the engine, so they become records in place.
const withOrganization = (element: Row, { organizationId }: RowContext): Row => {
  element.organizationId = organizationId;
  return element;
};

// Lifetime values change from day to day: the date tells one day's snapshot from the next.
const withSnapshot = (element: Row, { organizationId, syncDate }: RowContext): Row => {
  element.organizationId = organizationId;
  element.snapshotDate = syncDate;
  return element;
};

function withTimeRange(element: Row, { organizationId }: RowContext): Row {
  const range = element.timeRange as { start?: unknown; end?: unknown } | undefined;
  if (!Number.isInteger(range?.start) || !Number.isInteger(range?.end)) {
    throw systemError(
      `LinkedIn returned a time-bound statistics element without integer timeRange.start/end: ` +
        JSON.stringify(element).slice(0, 200),
    );
  }
  const start = range!.start as number;
  element.organizationId = organizationId;
  element.timeRangeStart = start;
  element.timeRangeEnd = range!.end as number;
  element.date = isoDate(start);
  return element;
}

const timeIntervals = ({ window, granularity }: RequestContext) =>
  window &&
  { timeRange: { start: window.start, end: window.end }, timeGranularityType: granularity };

const ADMIN: Scope = "rw_organization_admin";
const SOCIAL: Scope = "r_organization_social";
const ORGANIZATION_KEY = [["organizationId"]];
const BUCKET_KEY = [["organizationId"], ["timeRangeStart"]];
const WINDOW = windowCursor("timeRangeEnd");

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

/** The organization's posts (Posts API), newest modification first, 100 a page. */
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

// Per-post statistics take share URNs and ugcPost URNs in separate lists; a URN in the wrong
// list is silently answered as "no activity".
const POST_STATISTICS_LISTS: Record<string, string> = { share: "shares", ugcPost: "ugcPosts" };

/** The kind of a post URN ("share" or "ugcPost"), if it is one. */
const postKind = (id: string) => /^urn:li:(share|ugcPost):[^:]+$/.exec(id)?.[1];

const ZERO_SHARE_STATISTICS = {
  impressionCount: 0,
  uniqueImpressionsCount: 0,
  clickCount: 0,
  likeCount: 0,
  commentCount: 0,
  shareCount: 0,
  engagement: 0,
};

/** Every stream, in the order `discover` lists them. */
export const STREAMS: readonly StreamDefinition[] = [
  {
    name: "organization_lookup",
    description: "The organization's profile.",
    schema: organizationLookupSchema,
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
    schema: followerStatisticsSchema,
    primaryKey: ORGANIZATION_KEY,
    ...followerStatistics,
    toRow: withSnapshot,
  },
  {
    name: "page_statistics",
    description: "Lifetime page views and clicks, by facet.",
    schema: pageStatisticsSchema,
    primaryKey: ORGANIZATION_KEY,
    ...pageStatistics,
    toRow: withSnapshot,
  },
  {
    name: "share_statistics",
    description: "Lifetime engagement with the organization's posts.",
    schema: shareStatisticsSchema,
    primaryKey: ORGANIZATION_KEY,
    ...shareStatistics,
    toRow: withSnapshot,
  },
  {
    name: "shares",
    description: "The organization's 50 most recently modified posts.",
    schema: sharesSchema,
    primaryKey: [["id"]],
    partitions: "organizations",
    feed: POSTS,
    limit: 50,
    toRow: withOrganization,
  },
  {
    name: "total_follower_count",
    description: "The organization's total number of followers.",
    schema: totalFollowerCountSchema,
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
    schema: ugcPostsSchema,
    primaryKey: [["id"]],
    partitions: "organizations",
    feed: POSTS,
    incremental: newestFirstCursor(POSTS.sortField),
    toRow: withOrganization,
  },
  {
    name: "follower_statistics_time_bound",
    description: "Followers gained per day or month.",
    schema: followerStatisticsTimeBoundSchema,
    primaryKey: BUCKET_KEY,
    incremental: WINDOW,
    ...followerStatistics,
    toRow: withTimeRange,
  },
  {
    name: "page_statistics_time_bound",
    description: "Page views and clicks per day or month.",
    schema: pageStatisticsTimeBoundSchema,
    primaryKey: BUCKET_KEY,
    incremental: WINDOW,
    ...pageStatistics,
    toRow: withTimeRange,
  },
  {
    name: "share_statistics_time_bound",
    description: "Post engagement per day or month.",
    schema: shareStatisticsTimeBoundSchema,
    primaryKey: BUCKET_KEY,
    incremental: WINDOW,
    ...shareStatistics,
    toRow: withTimeRange,
  },
  {
    name: "post_statistics",
    description: "Lifetime statistics of every post published since the statistics start, " +
      "one snapshot per post and day.",
    schema: postStatisticsSchema,
    primaryKey: [["post"], ["snapshotDate"]],
    partitions: {
      parent: POSTS,
      size: 50,
      since: (now, startDate) => earliestStart(now, "DAY", startDate),
      // A post's lastModifiedAt is never before it was published, so reading the feed back to
      // `since` finds every post published since then.
      includes: (post: Row, since: number) =>
        ((post.publishedAt ?? post.createdAt) as number) >= since,
      groupOf: postKind,
      accepts: "urn:li:share: and urn:li:ugcPost: URNs",
    },
    extract: "elements",
    endpoint: {
      scope: ADMIN,
      path: () => "/rest/organizationalEntityShareStatistics",
      query: ({ organizationId, batch }) => ({
        q: "organizationalEntity",
        organizationalEntity: organizationUrn(organizationId),
        [POST_STATISTICS_LISTS[batch!.group]]: batch!.ids,
      }),
    },
    incremental: snapshotDateCursor("snapshotDate"),
    idOf: (element) =>
      typeof element.share === "string"
        ? element.share
        : typeof element.ugcPost === "string"
        ? element.ugcPost
        : undefined,
    // LinkedIn leaves out posts without activity: they "can be assumed to have counts of 0".
    absent: (id, batch, { organizationId }) => ({
      organizationalEntity: organizationUrn(organizationId),
      [batch.group]: id,
      totalShareStatistics: { ...ZERO_SHARE_STATISTICS },
    }),
    toRow: (element, context) => {
      element.organizationId = context.organizationId;
      element.post = context.parentId;
      element.snapshotDate = context.syncDate;
      return element;
    },
  },
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
 * stream of each scope (a feed asked for one item), as the streams would send it.
 *
 * @example
 * ```ts
 * checkRequests("1").map((request) => request.scope);
 * // ["rw_organization_admin", "r_organization_social"]
 * ```
 */
export function checkRequests(organizationId: string): EndpointRequest[] {
  const context: RequestContext = { organizationId, granularity: "DAY", start: 0, count: 1 };
  const byScope = new Map<Scope, EndpointRequest>();
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
