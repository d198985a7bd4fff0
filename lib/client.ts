/**
 * The LinkedIn REST client: versioned headers, bearer token, one token refresh on
 * 401, stepping past a retired `LinkedIn-Version`, and the meaning of every error
 * answer. The only place that talks to the API.
 *
 * @module
 */
import { NEEDS_PAGE_ROLE, type Scope, type TokenSource } from "./auth.ts";
import { configError, ConnectorError, isConfigError, systemError } from "./errors.ts";
import {
  type HttpOptions,
  type HttpResponse,
  linkedInMessage,
  type RateLimitListener,
  send,
} from "./http.ts";

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

  /** GETs a resource and returns its JSON body. */
  async get(request: ApiRequest): Promise<unknown> {
    let token = await this.tokens.token();
    let refreshed = false;
    let answered: { response: HttpResponse; version: string } | undefined;
    for (;;) {
      const version = answered?.version ?? this.#version;
      const response = answered?.response ?? await this.#send(request, token, version);
      answered = undefined;
      if (response.status >= 200 && response.status < 300) return response.body;
      if (response.status === 401 && this.tokens.refreshable && !refreshed) {
        this.http.log("INFO", `Access token rejected during ${request.label}; refreshing it once.`);
        token = await this.tokens.refresh(token);
        refreshed = true;
        continue;
      }
      if (response.status === 426 && this.pinnedVersion === undefined) {
        answered = await this.#replaceRetired(version, request, token);
        continue;
      }
      const error = this.#explain(request, response, version);
      error.status = response.status;
      throw error;
    }
  }

  #send(request: ApiRequest, token: string, version: string): Promise<HttpResponse> {
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
      onRateLimited: request.onRateLimited,
      priority: request.priority,
    }, this.http);
  }

  // Concurrent requests that meet the same retired version share one search; the
  // request that leads it keeps the answer it got with the new version. A search that
  // found no version stays failed, so other streams do not repeat it.
  async #replaceRetired(
    retired: string,
    request: ApiRequest,
    token: string,
  ): Promise<{ response: HttpResponse; version: string } | undefined> {
    if (this.#version !== retired) return undefined;
    if (this.#search) {
      await this.#search;
      return undefined;
    }
    const search = this.#searchVersion(retired, request, token);
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
  ): Promise<{ response: HttpResponse; version: string }> {
    const tried = [retired];
    for (const candidate of laterVersions(retired, currentMonth())) {
      tried.push(candidate);
      const response = await this.#send(request, token, candidate);
      if (response.status === 426) continue;
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

  #explain(request: ApiRequest, response: HttpResponse, version: string): ConnectorError {
    const says = linkedInMessage(response.body);
    const uuid = response.headers.get("x-li-uuid");
    const quoted = `HTTP ${response.status}${says ? ` "${says}"` : ""}${
      uuid ? ` (x-li-uuid ${uuid})` : ""
    }`;
    const where = `${request.label}, GET ${request.path}`;
    switch (response.status) {
      case 400:
        if (says?.includes("Invalid timeIntervals")) {
          return configError(
            `LinkedIn rejected the statistics date window for ${where}: ${quoted}. LinkedIn serves ` +
              "time-bound statistics only for windows that start at most 12 months and at least 2 days " +
              "before today (UTC) and span at least one whole DAY or MONTH; check start_date and " +
              "time_granularity_type.",
          );
        }
        return systemError(`LinkedIn rejected the request for ${where}: ${quoted}.`);
      case 401:
        return configError(this.tokens.rejectedMessage(says ?? "HTTP 401"), `${where}: ${quoted}`);
      case 403: {
        const { scope, organizationId } = request;
        const role = "the member must hold the ADMINISTRATOR role on the organization's page";
        const needs = !scope
          ? organizationId
            ? `${role[0].toUpperCase()}${role.slice(1)}.`
            : "Check that the app has the LinkedIn product this endpoint belongs to."
          : NEEDS_PAGE_ROLE[scope]
          ? `The token needs the scope ${scope} and ${role}; grant both and create a new token.`
          : `The token needs the scope ${scope}; grant it and create a new token.`;
        return configError(
          `LinkedIn denied access for ${where}: ${quoted}. ${needs} A token carries only the ` +
            "scopes it was created with, and changing an app's scopes invalidates the tokens " +
            "created before.",
        );
      }
      case 404:
        return configError(
          `LinkedIn found nothing for ${where}: ${quoted}. ` +
            (request.organizationId
              ? "Check that the organization id is right and that the member administers it."
              : "Report it if it persists."),
        );
      case 414:
        return systemError(
          `LinkedIn refused the request for ${where} as too long: ${quoted}. The query was ` +
            `${request.query?.length ?? 0} characters; please report this.`,
        );
      case 426:
        return configError(
          `LinkedIn no longer serves the pinned API version ${version} for ${where}: ${quoted}. ` +
            "Set linkedin_version to a current version (YYYYMM) or remove it.",
        );
      default:
        return systemError(`Unexpected answer for ${where}: ${quoted}.`);
    }
  }
}
