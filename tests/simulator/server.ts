/**
 * The simulator itself: an HTTP server on 127.0.0.1 that records every request, applies the
 * gateway limits and injected faults, then checks version, token, route, scope and parameters in
 * LinkedIn's order and dispatches through the route table.
 *
 * @module
 */

import { denied, type RequestContext } from "./context.ts";
import { ApiError, notFound } from "./errors.ts";
import { applyFault, FaultBook, sleep } from "./faults.ts";
import { type EffectiveRequest, effectiveRequest, uriTooLong } from "./gateway.ts";
import { TokenStore } from "./oauth.ts";
import { tierAllows } from "./permissions.ts";
import { postStatisticsElement } from "./post_statistics.ts";
import { postBody } from "./posts.ts";
import { organizationBody } from "./organizations.ts";
import { apiHeaders, jsonResponse } from "./responses.ts";
import { RestliQuery } from "./restli.ts";
import { endpointOf, OAUTH_ENDPOINTS, type Route, routeNamed } from "./routes.ts";
import { socialMetadataElement } from "./social_metadata.ts";
import { DEFAULT_ORGANIZATIONS, SimState } from "./state.ts";
import { taxonomyElements } from "./taxonomies.ts";
import { BurstLimiter, DailyLimiter } from "./throttle.ts";
import type {
  Fault,
  RecordedRequest,
  SimulatorOptions,
  TaxonomyName,
  VideoMetric,
} from "./types.ts";
import { checkVersion, defaultVersions } from "./versions.ts";
import { videoAnalyticsValue } from "./video_analytics.ts";
import { videoPostUrns } from "./videos.ts";

/** A replica of LinkedIn's Pages APIs on 127.0.0.1, with recording and fault injection. */
export class LinkedInSimulator {
  /** Base URL, used as both the API and the OAuth base. */
  readonly url: string;
  /** Every request received, in arrival order. */
  readonly requests: RecordedRequest[] = [];
  /**
   * A valid access token with the granted scopes (by default all: admin, social, social feed and
   * basic profile).
   */
  readonly accessToken: string;
  /** OAuth client id accepted by the token endpoint. */
  readonly clientId: string;
  /** OAuth client secret accepted by the token endpoint. */
  readonly clientSecret: string;
  /** The initial refresh token; with `rotateRefreshTokens`, see {@link currentRefreshToken}. */
  readonly refreshToken: string;

  private readonly server: Deno.HttpServer<Deno.NetAddr>;
  private readonly now: () => number;
  private readonly state: SimState;
  private readonly tokens: TokenStore;
  private readonly limiter: DailyLimiter;
  private readonly burst: BurstLimiter;
  private readonly faults = new FaultBook();
  private inFlight = 0;
  private highWater = 0;
  private closed?: Promise<void>;

  private constructor(private readonly options: SimulatorOptions) {
    this.now = options.now ?? Date.now;
    this.tokens = new TokenStore(this.now, options);
    this.clientId = this.tokens.clientId;
    this.clientSecret = this.tokens.clientSecret;
    this.refreshToken = this.tokens.refreshToken;
    this.accessToken = this.tokens.issue({});
    this.limiter = new DailyLimiter(options.dailyLimitPerEndpoint, this.now);
    this.burst = new BurstLimiter(options.burstLimit);
    this.state = new SimState(
      options.seed ?? 1,
      this.now,
      options.organizations ?? DEFAULT_ORGANIZATIONS,
      options.postsPerOrganization ?? 40,
    );
    this.server = Deno.serve(
      {
        hostname: "127.0.0.1",
        port: options.port ?? 0,
        onListen: () => {},
        onError: () => new Response(null, { status: 500 }),
      },
      (req, info) => this.handle(req, info),
    );
    this.url = `http://127.0.0.1:${this.server.addr.port}`;
  }

  /**
   * Starts a simulator on 127.0.0.1, on `options.port` or else a free port. Rejects when the
   * server cannot listen, e.g. with `Deno.errors.AddrInUse`.
   */
  static start(options: SimulatorOptions = {}): Promise<LinkedInSimulator> {
    try {
      return Promise.resolve(new LinkedInSimulator(options));
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /** Number of requests recorded, in all or for one endpoint name. */
  count(endpoint?: string): number {
    return endpoint === undefined
      ? this.requests.length
      : this.requests.filter((r) => r.endpoint === endpoint).length;
  }

  /** The highest number of requests in flight at once since the last reset. */
  maxConcurrency(): number {
    return this.highWater;
  }

  /** Clears the recorded requests and the concurrency high-water mark. */
  resetRecording(): void {
    this.requests.length = 0;
    this.highWater = 0;
  }

  /** Adds a fault; faults are checked in injection order and the first match wins. */
  inject(fault: Fault): void {
    this.faults.inject(fault);
  }

  /** Removes every injected fault. */
  clearFaults(): void {
    this.faults.clear();
  }

  /**
   * Mints an access token (default: valid, the granted scopes). An expired one was created 60 days
   * ago and expires now.
   */
  issueAccessToken(
    opts: { scopes?: string[]; state?: "valid" | "expired" | "revoked" },
  ): string {
    return this.tokens.issue(opts);
  }

  /**
   * The refresh token the token endpoint accepts now: `refreshToken` until a grant rotates it
   * (`rotateRefreshTokens`), then the newest one returned.
   */
  currentRefreshToken(): string {
    return this.tokens.currentRefreshToken();
  }

  /** From now on the refresh token is rejected as invalid, expired or revoked. */
  expireRefreshToken(): void {
    this.tokens.expireRefreshToken();
  }

  /** Revokes every access token issued so far. */
  revokeAccessTokens(): void {
    this.tokens.revokeAll();
  }

  /** Adds `n` posts, newer than every existing post. */
  addPosts(organizationId: string, n: number): void {
    this.state.addPosts(organizationId, n);
  }

  /** Sets a post's lastModifiedAt to now, moving it to the front of LAST_MODIFIED order. */
  touchPost(organizationId: string, postId: string): void {
    this.state.touchPost(organizationId, postId);
  }

  /** The `organizations/{id}` body as served on `/rest`. */
  organization(id: string): Record<string, unknown> {
    return organizationBody(this.state, this.state.org(id), true);
  }

  /** All posts of an organization, newest lastModifiedAt first. */
  posts(organizationId: string): Record<string, unknown>[] {
    const org = this.state.org(organizationId);
    return org.timeline.byLastModified(0, org.timeline.size).map((i) =>
      postBody(this.state, org, i)
    );
  }

  /** The organization's total follower count (networkSizes `firstDegreeSize`). */
  followerCount(organizationId: string): number {
    return this.state.followerCount(organizationId);
  }

  /**
   * The per-post share statistics element served right now for `postUrn` when asked in the list
   * of its kind (`shares` for `urn:li:share:`, `ugcPosts` for `urn:li:ugcPost:`); undefined when
   * LinkedIn leaves it out (no activity, older than 12 months, not a post of the organization).
   */
  postStatistics(organizationId: string, postUrn: string): Record<string, unknown> | undefined {
    return postStatisticsElement(this.state, this.state.org(organizationId), postUrn);
  }

  /** The URNs (ugcPost and share) of the organization's video posts, newest lastModifiedAt first. */
  videoPosts(organizationId: string): string[] {
    return videoPostUrns(this.state, this.state.org(organizationId));
  }

  /** The `socialMetadata` element served right now for a post of the organization, if it is one. */
  socialMetadata(organizationId: string, postUrn: string): Record<string, unknown> | undefined {
    const org = this.state.org(organizationId);
    const index = this.state.findPost(org, postUrn);
    return index === undefined ? undefined : socialMetadataElement(this.state, org, index);
  }

  /**
   * The `videoAnalytics` value served for the ugcPost video `postUrn`, metric `type` and the UTC
   * day containing `dayStart`; undefined when LinkedIn leaves that day out (or it is no such video).
   */
  videoAnalytics(
    organizationId: string,
    postUrn: string,
    type: VideoMetric,
    dayStart: number,
  ): number | undefined {
    return videoAnalyticsValue(this.state, this.state.org(organizationId), postUrn, type, dayStart);
  }

  /** Every element of a taxonomy as served on `/rest`, in id order. */
  taxonomy(name: TaxonomyName): Record<string, unknown>[] {
    return taxonomyElements(name, true);
  }

  /** Stops the server and waits until it has finished. */
  close(): Promise<void> {
    this.closed ??= this.server.shutdown().then(() => this.server.finished);
    return this.closed;
  }

  // -- request handling ---------------------------------------------------------------------

  /** Records the request, then answers it. */
  private async handle(req: Request, info: Deno.ServeHandlerInfo): Promise<Response> {
    const url = new URL(req.url);
    const query = url.search.slice(1);
    const record: RecordedRequest = {
      method: req.method,
      path: url.pathname,
      query,
      tunneled: false,
      endpoint: endpointOf(url.pathname, query),
      headers: Object.fromEntries(req.headers),
      status: 0,
      startedAt: performance.now(),
      endedAt: 0,
    };
    this.requests.push(record);
    this.highWater = Math.max(this.highWater, ++this.inFlight);
    const finish = () => {
      this.inFlight--;
      record.endedAt = performance.now();
    };
    info.completed.then(finish, finish);
    // The answer is made at once and leaves when the latency is over, so the time the
    // simulator, one thread for every request, spends making it is part of the latency,
    // as it is for a server that answers requests in parallel.
    const response = await this.respondTo(req, url, record);
    const elapsed = performance.now() - record.startedAt;
    if (this.options.latencyMs && elapsed < this.options.latencyMs) {
      await sleep(this.options.latencyMs - elapsed);
    }
    record.status = response.status;
    record.endedAt = performance.now(); // refined once the body has been sent
    return response;
  }

  /** The gateway's URL limits first, then tunneling, faults, and the API itself. */
  private async respondTo(req: Request, url: URL, record: RecordedRequest): Promise<Response> {
    const tooLong = uriTooLong(url);
    if (tooLong) return tooLong;
    const effective = await effectiveRequest(req, url);
    if (effective.tunneled) {
      record.tunneled = true;
      record.query = effective.query;
      record.endpoint = endpointOf(url.pathname, effective.query);
    }
    const action = this.faults.take(record);
    return await applyFault(action, () => this.respond(req, url, effective, record.endpoint));
  }

  /** The normal answer: OAuth endpoints, or the API with its JSON headers. */
  private async respond(
    req: Request,
    url: URL,
    effective: EffectiveRequest,
    endpoint: string,
  ): Promise<Response> {
    const oauth = OAUTH_ENDPOINTS[url.pathname];
    const route = routeNamed(endpoint);
    const headers = oauth
      ? { "content-type": "application/json" }
      : apiHeaders(route?.protocol ?? "2.0.0");
    try {
      const body = oauth
        ? await this.tokens.serve(req, oauth)
        : this.api(req, url, effective, endpoint, route);
      return jsonResponse(200, body, headers);
    } catch (error) {
      if (error instanceof ApiError) return jsonResponse(error.status, error.body, headers);
      return jsonResponse(500, { status: 500, message: "Internal Server Error" }, headers);
    }
  }

  /** Checks in LinkedIn's order: version, auth, route, scope/role, then parameters. */
  private api(
    req: Request,
    url: URL,
    effective: EffectiveRequest,
    endpoint: string,
    route: Route | undefined,
  ): unknown {
    const match = /^\/(rest|v2)\/(.*)$/.exec(url.pathname);
    if (!match) throw notFound();
    const versioned = match[1] === "rest";
    const versionTag = versioned
      ? checkVersion(
        req.headers.get("linkedin-version"),
        this.options.activeVersions ?? defaultVersions(this.now()),
      )
      : "NO_VERSION";
    const token = this.tokens.authenticate(req.headers.get("authorization"));
    // The short-term throttle first: a call it refuses uses no daily quota.
    this.burst.count();
    // Daily limits count per LinkedIn resource, so both share-statistics routes share one.
    this.limiter.count(route?.internalName ?? endpoint);
    if (!route) throw notFound();
    if (effective.error) throw effective.error;
    if (req.method !== "GET" && !effective.tunneled) {
      throw new ApiError(405, { status: 405, message: `Method ${req.method} not allowed` });
    }
    const ctx: RequestContext = {
      query: new RestliQuery(effective.query),
      rawQuery: effective.query,
      base: `/${match[1]}`,
      versioned,
      resource: match[2],
      key: route.pattern.exec(match[2])?.[1],
      internalName: route.internalName,
      method: route.method ?? "GET",
      versionTag,
    };
    if (route.scope !== undefined && !token.scopes.includes(route.scope)) throw denied(ctx);
    if (!tierAllows(this.options.apiTier ?? "standard", ctx.method)) throw denied(ctx);
    return route.handle(ctx, this.state);
  }
}
