/**
 * The LinkedIn REST client: versioned headers, bearer token, and doing what the
 * table of outcomes says: one token refresh on 401, stepping past a retired
 * `LinkedIn-Version`, no more calls to an endpoint whose daily limit is used up,
 * and none at all once a failure means no request can succeed. The only place that
 * talks to the API.
 *
 * @module
 */
import { NEEDS_PAGE_ROLE, type Scope, type TokenSource } from "./auth.ts";
import { configError, type ConnectorError, isConfigError } from "./errors.ts";
import { type HttpOptions, type HttpResponse, type RateLimitListener, send } from "./http.ts";
import { answerError, dailyLimitReached, judge } from "./outcomes.ts";
import { resourceOf } from "./usage.ts";

/** Stops an endpoint whose daily limit is used up; its reason holds LinkedIn's answer. */
type DailyStop = AbortController & { at: number };

/** One GET against the versioned API. */
export interface ApiRequest {
  /** Path under the base URL, e.g. `/rest/posts`. */
  path: string;
  /** Query string already Rest.li-encoded (without `?`). */
  query?: string;
  /** The scope it needs beyond a valid token, if any. */
  scope?: Scope;
  /** The organization it is about, if any, for messages. */
  organizationId?: string;
  /** Who asked, for messages, e.g. "stream shares". */
  label: string;
  onRateLimited?: RateLimitListener;
  /** Higher goes first when requests wait for the concurrency limit; default 0. */
  priority?: number;
  /** Aborted once the asker no longer needs the answer: the request is then neither sent nor retried. */
  cancelled?: AbortSignal;
  /** Awaited before each retry (see {@linkcode HttpRequest.beforeRetry}). */
  beforeRetry?: () => Promise<void>;
  /** Nothing waits on its answer (see {@linkcode HttpRequest.deferrable}). */
  deferrable?: boolean;
}

/** What the read engine and organization discovery need of a client. */
export interface ApiClient {
  /** GETs a resource and returns its JSON body, or throws a {@linkcode ConnectorError}. */
  get(request: ApiRequest): Promise<unknown>;
}

/**
 * The longest query string sent in the URL. LinkedIn answers 414 above 4 KB of query;
 * longer queries are tunneled (as LinkedIn's own client does above 4,000 characters).
 */
export const MAX_QUERY_LENGTH = 4_000;

/** The `LinkedIn-Version` used when the user pins none: a version LinkedIn serves. */
export const DEFAULT_LINKEDIN_VERSION = "202608";

/**
 * The months after `version` up to and including `until` (both YYYYMM).
 *
 * @example
 * ```ts
 * laterVersions("202611", "202602"); // ["202612", "202701", "202702"]
 * ```
 */
export function laterVersions(version: string, until: string): string[] {
  const versions: string[] = [];
  let year = Number(version.slice(0, 4));
  let month = Number(version.slice(4, 6));
  for (;;) {
    month += 1;
    if (month > 12) [year, month] = [year + 1, 1];
    const next = `${year}${String(month).padStart(2, "0")}`;
    if (next > until) return versions;
    versions.push(next);
  }
}

/**
 * The current UTC month as YYYYMM.
 *
 * @example
 * ```ts
 * currentMonth(Date.UTC(2026, 10, 23)); // "202611"
 * ```
 */
export function currentMonth(now: number = Date.now()): string {
  return new Date(now).toISOString().slice(0, 7).replace("-", "");
}

/**
 * Sends API requests and returns parsed bodies, or throws a {@linkcode ConnectorError}
 * that says what the failure means and what to do.
 *
 * @example
 * ```ts
 * import type { TokenSource } from "./auth.ts";
 * import type { HttpOptions } from "./http.ts";
 *
 * declare const tokens: TokenSource;
 * declare const http: HttpOptions;
 * const client = new LinkedInClient("https://api.linkedin.com", undefined, tokens, http);
 * const org = await client.get({ path: "/rest/organizations/1", scope: "rw_organization_admin", label: "check" });
 * ```
 */
export class LinkedInClient implements ApiClient {
  #version: string;
  #dailyStops = new Map<string, DailyStop>();
  #halt = new AbortController();
  #search: Promise<{ response: HttpResponse; version: string }> | undefined;

  constructor(
    readonly baseUrl: string,
    readonly pinnedVersion: string | undefined,
    readonly tokens: TokenSource,
    readonly http: HttpOptions,
  ) {
    this.#version = pinnedVersion ?? DEFAULT_LINKEDIN_VERSION;
  }

  /** The `LinkedIn-Version` requests currently use. */
  get version(): string {
    return this.#version;
  }

  /** The failure that ended every request of this run, if one did. */
  get halted(): ConnectorError | undefined {
    return this.#halt.signal.reason;
  }

  /** GETs a resource and returns its JSON body. */
  async get(request: ApiRequest): Promise<unknown> {
    const resource = resourceOf(request.path);
    const daily = this.#dailyStop(resource);
    const stopped = AbortSignal.any(
      [this.#halt.signal, daily.signal, request.cancelled].filter((signal) => signal !== undefined),
    );
    try {
      stopped.throwIfAborted();
      return await this.#get(request, resource, stopped, daily);
    } catch (error) {
      // Every request the daily limit stops says so about itself.
      if (error === daily.signal.reason) {
        throw dailyLimitReached(daily.signal.reason.outcome, resource, request.label, daily.at);
      }
      throw error;
    }
  }

  async #get(
    request: ApiRequest,
    resource: string,
    stopped: AbortSignal,
    daily: DailyStop,
  ): Promise<unknown> {
    let token = await this.tokens.token();
    let refreshed = false;
    let answered: { response: HttpResponse; version: string } | undefined;
    for (;;) {
      const version = answered?.version ?? this.#version;
      const response = answered?.response ??
        await this.#send(request, token, version, resource, stopped);
      answered = undefined;
      const verdict = judge(response, {
        canRefresh: this.tokens.refreshable && !refreshed,
        versionPinned: this.pinnedVersion !== undefined,
      });
      switch (verdict.action) {
        case "use":
          return response.body;
        case "refresh_token":
          this.http.log(
            "INFO",
            `Access token rejected during ${request.label}; refreshing it once.`,
          );
          token = await this.tokens.refresh(token);
          refreshed = true;
          continue;
        case "step_version":
          answered = await this.#replaceRetired(version, request, token, resource);
          continue;
        case "stop_endpoint":
          // LinkedIn counts daily limits per endpoint: the others go on.
          if (!daily.signal.aborted) {
            daily.at = Date.now();
            daily.abort(Object.assign(new Error("daily limit reached"), { outcome: response }));
          }
          throw daily.signal.reason;
        default: {
          // (http.ts never returns an answer the table says to retry.)
          const kind = "kind" in verdict ? verdict.kind : "transient_error";
          const error = answerError(response, kind, {
            where: `${request.label}, GET ${request.path}`,
            scope: request.scope,
            needsPageRole: request.scope ? NEEDS_PAGE_ROLE[request.scope] : undefined,
            organizationId: request.organizationId,
            queryLength: request.query?.length,
            version,
            tokenRejected: (says) => this.tokens.rejectedMessage(says),
          });
          if (verdict.action === "fail_run" && !this.#halt.signal.aborted) this.#halt.abort(error);
          throw error;
        }
      }
    }
  }

  #dailyStop(resource: string): DailyStop {
    let stop = this.#dailyStops.get(resource);
    if (!stop) {
      this.#dailyStops.set(resource, stop = Object.assign(new AbortController(), { at: 0 }));
    }
    return stop;
  }

  #send(
    request: ApiRequest,
    token: string,
    version: string,
    resource: string,
    stopped?: AbortSignal,
  ): Promise<HttpResponse> {
    const query = request.query ?? "";
    const headers: Record<string, string> = {
      authorization: `Bearer ${token}`,
      "linkedin-version": version,
      "x-restli-protocol-version": "2.0.0",
    };
    // Query tunneling: the query moves into a form body, and LinkedIn treats the POST as a GET.
    const tunneled = query.length > MAX_QUERY_LENGTH;
    const init: RequestInit = tunneled
      ? {
        method: "POST",
        headers: {
          ...headers,
          "x-http-method-override": "GET",
          "content-type": "application/x-www-form-urlencoded",
        },
        body: query,
      }
      : { headers };
    const url = `${this.baseUrl}${request.path}${query && !tunneled ? `?${query}` : ""}`;
    return send({
      url,
      init,
      label: `${request.label}, GET ${request.path}`,
      resource,
      onRateLimited: request.onRateLimited,
      priority: request.priority,
      stopped,
      beforeRetry: request.beforeRetry,
      deferrable: request.deferrable,
    }, this.http);
  }

  // Concurrent requests that meet the same retired version share one search; the
  // request that leads it keeps the answer it got with the new version. A search that
  // found no version stays failed, so other streams do not repeat it.
  async #replaceRetired(
    retired: string,
    request: ApiRequest,
    token: string,
    resource: string,
  ): Promise<{ response: HttpResponse; version: string } | undefined> {
    if (this.#version !== retired) return undefined;
    if (this.#search) {
      await this.#search;
      return undefined;
    }
    const search = this.#searchVersion(retired, request, token, resource);
    this.#search = search;
    search.then(
      () => (this.#search = undefined),
      (error) => {
        if (!isConfigError(error)) this.#search = undefined;
      },
    );
    return await search;
  }

  // LinkedIn skips some months, so step forward one month at a time.
  async #searchVersion(
    retired: string,
    request: ApiRequest,
    token: string,
    resource: string,
  ): Promise<{ response: HttpResponse; version: string }> {
    // The search is shared by every request that meets the retired version, so it waits on
    // no one request's turn: `beforeRetry` could wait on a request that waits on the search.
    const shared: ApiRequest = { ...request, beforeRetry: undefined, deferrable: false };
    const tried = [retired];
    for (const candidate of laterVersions(retired, currentMonth())) {
      tried.push(candidate);
      const response = await this.#send(shared, token, candidate, resource);
      if (judge(response, {}).action === "step_version") continue;
      this.#version = candidate;
      this.http.log(
        "WARN",
        `LinkedIn has retired API version ${retired} (426 NONEXISTENT_VERSION); using ${candidate} ` +
          "for the rest of this run. Upgrade the connector or set linkedin_version to silence this.",
      );
      return { response, version: candidate };
    }
    throw configError(
      `LinkedIn answered 426 NONEXISTENT_VERSION for every API version tried (${
        tried.join(", ")
      }). ` +
        "Upgrade the connector, or set linkedin_version to a version LinkedIn lists as active at " +
        "https://learn.microsoft.com/en-us/linkedin/marketing/versioning.",
    );
  }
}
