/**
 * The streams, described as data: one row per stream, read by one generic engine
 * (`lib/engine.ts`). Adding a stream is adding a row and a schema file.
 *
 * @module
 */
import type { Scope } from "./client.ts";
import type { Granularity } from "./config.ts";
import { systemError } from "./errors.ts";
import { encodeLeaf, organizationUrn, type RestliValue } from "./restli.ts";
import { isoDate, type Window } from "./windows.ts";
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
import totalFollowerCountSchema from "../schemas/total_follower_count.json" with { type: "json" };
import ugcPostsSchema from "../schemas/ugc_posts.json" with { type: "json" };

/** A record as emitted: a JSON object. */
export type Row = Record<string, unknown>;

/** What a request of a stream depends on. */
export interface RequestContext {
  organizationId: string;
  granularity: Granularity;
  window?: Window;
  start?: number;
  count?: number;
}

/** How a stream pages: one answer, or `start`/`count` offsets until a short page. */
export type Paging =
  | { kind: "none" }
  | { kind: "offset"; pageSize: number };

/**
 * How a stream reads incrementally:
 * - `window`: time buckets; the cursor is the end of the last window read;
 * - `newest_first`: pages sorted by the cursor, newest first; reading stops at the cursor.
 */
export type Incremental =
  | { kind: "window"; cursorField: "timeRangeEnd" }
  | { kind: "newest_first"; cursorField: "lastModifiedAt" };

/** One stream of the connector. */
export interface StreamDefinition {
  name: string;
  description: string;
  schema: Row;
  primaryKey: string[][];
  scope: Scope;
  /** Present for streams that support `incremental`. */
  incremental?: Incremental;
  paging: Paging;
  /** Where the records are in an answer: the whole body, or its `elements`. */
  extract: "body" | "elements";
  path(context: RequestContext): string;
  query(context: RequestContext): Record<string, RestliValue | undefined>;
  /** Turns one API element into a record; throws when it lacks what the record needs. */
  toRow(element: Row, organizationId: string): Row;
}

// Elements are freshly parsed and owned by the engine, so they become records in place.
const withOrganization = (element: Row, organizationId: string): Row => {
  element.organizationId = organizationId;
  return element;
};

function withTimeRange(element: Row, organizationId: string): Row {
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

function postRow(element: Row, organizationId: string): Row {
  if (typeof element.id !== "string" || !Number.isInteger(element.lastModifiedAt)) {
    throw systemError(
      `LinkedIn returned a post without a string id and an integer lastModifiedAt: ` +
        JSON.stringify(element).slice(0, 200),
    );
  }
  return withOrganization(element, organizationId);
}

const timeIntervals = ({ window, granularity }: RequestContext) =>
  window &&
  { timeRange: { start: window.start, end: window.end }, timeGranularityType: granularity };

const ADMIN: Scope = "rw_organization_admin";
const SOCIAL: Scope = "r_organization_social";
const ORGANIZATION_KEY = [["organizationId"]];
const BUCKET_KEY = [["organizationId"], ["timeRangeStart"]];
const WINDOW: Incremental = { kind: "window", cursorField: "timeRangeEnd" };

const followerStatistics = {
  scope: ADMIN,
  paging: { kind: "none" },
  extract: "elements",
  path: () => "/rest/organizationalEntityFollowerStatistics",
  query: (context: RequestContext) => ({
    q: "organizationalEntity",
    organizationalEntity: organizationUrn(context.organizationId),
    timeIntervals: timeIntervals(context),
  }),
} as const;

const pageStatistics = {
  ...followerStatistics,
  path: () => "/rest/organizationPageStatistics",
  query: (context: RequestContext) => ({
    q: "organization",
    organization: organizationUrn(context.organizationId),
    timeIntervals: timeIntervals(context),
  }),
} as const;

const shareStatistics = {
  ...followerStatistics,
  path: () => "/rest/organizationalEntityShareStatistics",
} as const;

const posts = (context: RequestContext) => ({
  q: "author",
  author: organizationUrn(context.organizationId),
  sortBy: "LAST_MODIFIED",
  start: context.start,
  count: context.count,
});

/** Every stream, in the order `discover` lists them. */
export const STREAMS: readonly StreamDefinition[] = [
  {
    name: "organization_lookup",
    description: "The organization's profile.",
    schema: organizationLookupSchema,
    primaryKey: ORGANIZATION_KEY,
    scope: ADMIN,
    paging: { kind: "none" },
    extract: "body",
    path: ({ organizationId }) => `/rest/organizations/${encodeLeaf(organizationId)}`,
    query: () => ({}),
    toRow: withOrganization,
  },
  {
    name: "follower_statistics",
    description: "Lifetime follower counts by demographic facet.",
    schema: followerStatisticsSchema,
    primaryKey: ORGANIZATION_KEY,
    ...followerStatistics,
    toRow: withOrganization,
  },
  {
    name: "page_statistics",
    description: "Lifetime page views and clicks, by facet.",
    schema: pageStatisticsSchema,
    primaryKey: ORGANIZATION_KEY,
    ...pageStatistics,
    toRow: withOrganization,
  },
  {
    name: "share_statistics",
    description: "Lifetime engagement with the organization's posts.",
    schema: shareStatisticsSchema,
    primaryKey: ORGANIZATION_KEY,
    ...shareStatistics,
    toRow: withOrganization,
  },
  {
    name: "shares",
    description: "The organization's 50 most recently modified posts.",
    schema: sharesSchema,
    primaryKey: [["id"]],
    scope: SOCIAL,
    paging: { kind: "none" },
    extract: "elements",
    path: () => "/rest/posts",
    query: (context) => posts({ ...context, start: 0, count: 50 }),
    toRow: postRow,
  },
  {
    name: "total_follower_count",
    description: "The organization's total number of followers.",
    schema: totalFollowerCountSchema,
    primaryKey: ORGANIZATION_KEY,
    scope: ADMIN,
    paging: { kind: "none" },
    extract: "body",
    path: ({ organizationId }) =>
      `/rest/networkSizes/${encodeLeaf(organizationUrn(organizationId))}`,
    query: () => ({ edgeType: "COMPANY_FOLLOWED_BY_MEMBER" }),
    toRow: withOrganization,
  },
  {
    name: "ugc_posts",
    description: "Every post the organization authored, newest modification first.",
    schema: ugcPostsSchema,
    primaryKey: [["id"]],
    scope: SOCIAL,
    incremental: { kind: "newest_first", cursorField: "lastModifiedAt" },
    paging: { kind: "offset", pageSize: 100 },
    extract: "elements",
    path: () => "/rest/posts",
    query: posts,
    toRow: postRow,
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
