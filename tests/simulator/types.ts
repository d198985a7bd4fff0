/**
 * The simulator's public types: organizations, options, recorded requests and faults.
 *
 * @module
 */

/** A JSON object, as the simulator builds response bodies. */
export type Json = Record<string, unknown>;

/** A Community Management access tier; Development allows no BATCH_GET calls at all. */
export type ApiTier = "development" | "standard";

/** A `videoAnalytics` metric (`type`). */
export type VideoMetric = "VIDEO_VIEW" | "VIEWER" | "TIME_WATCHED" | "TIME_WATCHED_FOR_VIDEO_VIEWS";

/** A demographic taxonomy the simulator serves. */
export type TaxonomyName = "functions" | "seniorities" | "industries";

/** An organization (LinkedIn Page) the simulator knows, and the authenticated member's ACL on it. */
export interface SimOrganization {
  /** Numeric id as a string, e.g. "2414183". */
  id: string;
  /** `localizedName`. */
  name: string;
  /** `vanityName`, the page's URL slug. */
  vanityName: string;
  /** The member's role in organizationAcls; default "ADMINISTRATOR". */
  role?: string;
  /** The ACL state; default "APPROVED". */
  state?: string;
  /** Number of posts; default `SimulatorOptions.postsPerOrganization`. */
  postCount?: number;
  /**
   * When given, the initial posts are spread evenly over this many days, the newest about an hour
   * before now (so posts can be older than the 12-month statistics window). By default they are
   * spaced at most 6 hours apart.
   */
  postSpanDays?: number;
  /**
   * When given, exactly this many of the initial posts are videos, all ugcPosts, spread evenly
   * over the ugcPosts (instead of the seeded mix, which also has share-URN videos).
   */
  videoPosts?: number;
}

/** Options for `LinkedInSimulator.start`. */
export interface SimulatorOptions {
  /**
   * The TCP port on 127.0.0.1 to listen on; default 0, any free port. A port in use makes
   * `LinkedInSimulator.start` reject with `Deno.errors.AddrInUse`.
   */
  port?: number;
  /** Default: Devtestco (2414183), Acme Analytics (5515715), Showcase Labs (90362860, ANALYST). */
  organizations?: SimOrganization[];
  /** Default 40. */
  postsPerOrganization?: number;
  /**
   * The least time from a request's arrival to its answer, the time spent making the answer
   * included; default 0.
   */
  latencyMs?: number;
  /** Clock in epoch ms; default Date.now. */
  now?: () => number;
  /** YYYYMM; default: 12 months before the current UTC month through it, 202512 skipped. */
  activeVersions?: { oldest: string; newest: string; skipped?: string[] };
  /**
   * Answer 429 after this many calls per LinkedIn resource per UTC day; default unlimited.
   * Organization-level and per-post share statistics are one resource, so they share a counter.
   */
  dailyLimitPerEndpoint?: number;
  /** Data is deterministic for a seed; default 1. */
  seed?: number;
  /** The app's access tier; default "standard". On "development" every BATCH_GET is a 403. */
  apiTier?: ApiTier;
  /**
   * LinkedIn's short-term "infrastructure protection" throttle: at most `calls` API calls (any
   * endpoint, counted after authentication) in any sliding window of `perMs` milliseconds of real
   * time; further calls get the generic 429 (`throttled()` in errors.ts), which clears by itself
   * once the window has passed. Refused calls do not count. OAuth endpoints are exempt. Default off.
   */
  burstLimit?: { calls: number; perMs: number };
  /**
   * Whether every successful refresh-token grant returns a new `refresh_token`, after which only
   * the newest one is accepted. Rotation never extends the refresh token's lifetime. Default false:
   * LinkedIn documents no rotation, so this is the strictest reading of "persist both returned
   * values", for testing that a client keeps the newest one.
   */
  rotateRefreshTokens?: boolean;
  /** The refresh token's lifetime from start, in seconds; default 365 days (31,536,000). */
  refreshTokenTtlSeconds?: number;
  /**
   * The member's granted scopes: those of the initial access token, of tokens the refresh grant
   * mints and of `issueAccessToken` without `scopes`. Default: all four the routes use.
   */
  scopes?: string[];
}

/** One request as the simulator received it, plus the status it answered. */
export interface RecordedRequest {
  /** The HTTP method as received ("POST" for a tunneled GET). */
  method: string;
  /** The URL path, still percent-encoded. */
  path: string;
  /**
   * The effective raw query: the URL's query, or for a tunneled request the form body (appended
   * to the URL's query, if it had one, as Rest.li does).
   */
  query: string;
  /** Whether this was a tunneled GET (POST with `X-HTTP-Method-Override: GET`). */
  tunneled: boolean;
  /** The simulator's endpoint name, e.g. "posts", "shareStatistics", "postStatistics". */
  endpoint: string;
  /** Request headers, lower-case names. */
  headers: Record<string, string>;
  /** The status answered; 0 while in flight. */
  status: number;
  /** `performance.now()` on arrival. */
  startedAt: number;
  /** `performance.now()` when the response body was sent. */
  endedAt: number;
}

/** What an injected fault does to a matching request. */
export type FaultAction =
  | { status: number; body?: unknown; headers?: Record<string, string> }
  | { drop: true }
  | { truncate: true }
  | { html: true; status?: number }
  | { delayMs: number };

/** A fault to inject: which requests it matches and what it does to them. */
export interface Fault {
  /** Only requests recorded with this endpoint name; default any. */
  endpoint?: string;
  /** Only requests about this organization (path key or query URN); default any. */
  organizationId?: string;
  /** How many matching requests the fault acts on, after `skip`; default unlimited. */
  times?: number;
  /** How many matching requests pass through untouched first; default 0. */
  skip?: number;
  /** What happens to the requests the fault acts on. */
  action: FaultAction;
}
