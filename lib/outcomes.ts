/**
 * The one table of what each outcome of a request to LinkedIn means: an answer
 * (status, LinkedIn's `code` and message, a body that is not JSON), a timeout or a
 * network failure becomes an action (use it, retry with backoff, refresh the token
 * once, step the API version, stop the endpoint for the day, fail the partition,
 * fail the run) and, for failures, a failure type and the message that explains it.
 * `http.ts`, `client.ts` and `auth.ts` ask it; nothing else decides.
 *
 * @module
 */
import { ConnectorError, type FailureKind } from "./errors.ts";
import { DAY_MS } from "./windows.ts";

/** What one attempt at a request came to. */
export type Outcome =
  | { type: "answer"; status: number; headers: Headers; body: unknown; json: boolean }
  | { type: "timeout"; afterMs: number; error: Error }
  | {
    type: "unreachable";
    host: string;
    cause: "connection refused" | "name not resolved";
    error: Error;
  }
  | { type: "network"; detail: string; error: Error };

/** An outcome that is an answer: the status, headers and the parsed body (if JSON). */
export type AnswerOutcome = Extract<Outcome, { type: "answer" }>;

/** How long waits grow between attempts. */
export type Backoff = "throttle" | "fault";

/** What to do about an outcome. */
export type Verdict =
  | { action: "use" }
  | { action: "retry"; backoff: Backoff; attempts: number }
  | { action: "refresh_token" }
  | { action: "step_version" }
  | { action: "stop_endpoint"; kind: "transient_error" }
  | { action: "fail_partition" | "fail_run"; kind: FailureKind };

/** What else the verdict depends on. */
export interface Circumstances {
  /** A rejected token can be replaced (OAuth) and has not been yet for this request. */
  canRefresh?: boolean;
  /** The user pinned `linkedin_version`, so a retired version is theirs to change. */
  versionPinned?: boolean;
  /** The host has answered before in this run. */
  hostReached?: boolean;
  /** The host is one of LinkedIn's (not a configured stand-in). */
  linkedInHost?: boolean;
}

/** At most this many attempts per request. */
export const MAX_ATTEMPTS = 5;
/** A host that refuses connections or does not resolve is tried this often. */
export const UNREACHABLE_ATTEMPTS = 3;

const RETRYABLE_STATUSES = new Set([408, 500, 502, 503, 504]);

/**
 * Whether a 429's message names a daily quota (`... APPLICATION_AND_MEMBER DAY limit for
 * calls to this resource is reached.`), which comes back only at midnight UTC.
 *
 * @example
 * ```ts
 * isDailyLimit({ status: 429, message: "Resource level throttle APPLICATION DAY limit for calls to this resource is reached." }); // true
 * isDailyLimit({ status: 429, message: "Resource level throttle limit for calls to this resource is reached." }); // false
 * ```
 */
export function isDailyLimit(body: unknown): boolean {
  return / DAY limit/.test(linkedInMessage(body) ?? "");
}

// LinkedIn's 400 for a statistics window it does not serve: the user's start_date.
function isDateWindowRefusal(body: unknown): boolean {
  return (linkedInMessage(body) ?? "").includes("Invalid timeIntervals");
}

/**
 * What to do about an outcome.
 *
 * @example
 * ```ts
 * judge({ type: "answer", status: 503, headers: new Headers(), body: {}, json: true }, {});
 * // { action: "retry", backoff: "fault", attempts: 5 }
 * ```
 */
export function judge(outcome: Outcome, circumstances: Circumstances): Verdict {
  switch (outcome.type) {
    case "timeout":
    case "network":
      return { action: "retry", backoff: "fault", attempts: MAX_ATTEMPTS };
    case "unreachable":
      return circumstances.hostReached
        ? { action: "retry", backoff: "fault", attempts: MAX_ATTEMPTS }
        : { action: "retry", backoff: "fault", attempts: UNREACHABLE_ATTEMPTS };
  }
  const { status, body } = outcome;
  if (status === 429) {
    return isDailyLimit(body)
      ? { action: "stop_endpoint", kind: "transient_error" }
      : { action: "retry", backoff: "throttle", attempts: MAX_ATTEMPTS };
  }
  if (RETRYABLE_STATUSES.has(status)) {
    return { action: "retry", backoff: "fault", attempts: MAX_ATTEMPTS };
  }
  if (status >= 200 && status < 300) {
    // A body cut short or a proxy's page instead of LinkedIn's JSON: asking again usually helps.
    const usable = outcome.json && typeof body === "object" && body !== null;
    return usable
      ? { action: "use" }
      : { action: "retry", backoff: "fault", attempts: MAX_ATTEMPTS };
  }
  if (status === 401) {
    return circumstances.canRefresh
      ? { action: "refresh_token" }
      : { action: "fail_run", kind: "config_error" };
  }
  if (status === 426) {
    return circumstances.versionPinned
      ? { action: "fail_run", kind: "config_error" }
      : { action: "step_version" };
  }
  if (status === 403 || status === 404) return { action: "fail_partition", kind: "config_error" };
  if (status === 400 && isDateWindowRefusal(body)) {
    return { action: "fail_partition", kind: "config_error" };
  }
  return { action: "fail_partition", kind: "system_error" };
}

/**
 * LinkedIn's own message in an error body (API or OAuth shape), if any.
 *
 * @example
 * ```ts
 * linkedInMessage({ status: 429, message: "Resource level throttle limit ..." });
 * ```
 */
export function linkedInMessage(body: unknown): string | undefined {
  if (typeof body !== "object" || body === null) return undefined;
  const fields = body as Record<string, unknown>;
  const message = fields.message ?? fields.error_description ?? fields.error;
  return typeof message === "string" ? message : undefined;
}

/**
 * The outcome of a `fetch` that threw: a timeout, a host that cannot be reached, or
 * another network failure (a dropped connection).
 *
 * @example
 * ```ts
 * const refused = new TypeError("fetch failed", { cause: new Error("tcp connect error: Connection refused (os error 111)") });
 * failedOutcome(refused, "https://api.linkedin.com/rest/posts", undefined).type; // "unreachable"
 * ```
 */
export function failedOutcome(error: Error, url: string, timedOutAfterMs?: number): Outcome {
  if (timedOutAfterMs !== undefined) return { type: "timeout", afterMs: timedOutAfterMs, error };
  const detail = [error.message, (error.cause as Error | undefined)?.message]
    .filter(Boolean).join(": ");
  const host = new URL(url).host;
  if (/connection refused/i.test(detail)) {
    return { type: "unreachable", host, cause: "connection refused", error };
  }
  if (
    /dns error|failed to lookup address|name or service not known|nodename nor servname/i.test(
      detail,
    )
  ) {
    return { type: "unreachable", host, cause: "name not resolved", error };
  }
  return { type: "network", detail, error };
}

/**
 * A short description of an outcome for messages, quoting LinkedIn and its `x-li-uuid`.
 *
 * @example
 * ```ts
 * describe({ type: "answer", status: 500, headers: new Headers(), body: { message: "boom" }, json: true });
 * // 'HTTP 500 "boom"'
 * ```
 */
export function describe(outcome: Outcome): string {
  switch (outcome.type) {
    case "timeout":
      return `no complete answer within ${outcome.afterMs / 1000} s`;
    case "unreachable":
      return `${outcome.cause} for ${outcome.host}`;
    case "network":
      return `network error: ${outcome.detail}`;
  }
  const says = linkedInMessage(outcome.body);
  const uuid = outcome.headers.get("x-li-uuid");
  const notJson = outcome.json
    ? ""
    : ` with a body that is not JSON (${
      outcome.headers.get("content-type") ?? "unknown content type"
    })`;
  return `HTTP ${outcome.status}${notJson}${says ? ` "${says}"` : ""}${
    uuid ? ` (x-li-uuid ${uuid})` : ""
  }`;
}

/** A {@linkcode ConnectorError} that carries the outcome's status and the original cause. */
function failure(
  kind: FailureKind,
  message: string,
  outcome: Outcome,
  internalMessage?: string,
): ConnectorError {
  const cause = outcome.type === "answer" ? undefined : outcome.error;
  const error = new ConnectorError(kind, message, internalMessage, cause ? { cause } : undefined);
  if (outcome.type === "answer") error.status = outcome.status;
  return error;
}

/**
 * The error once retries of `label` have run out.
 *
 * @example
 * ```ts
 * const outcome = { type: "answer", status: 503, headers: new Headers(), body: {}, json: true } as const;
 * retriesExhausted(outcome, "stream shares, GET /rest/posts", 5, {}).kind; // "transient_error"
 * ```
 */
export function retriesExhausted(
  outcome: Outcome,
  label: string,
  attempts: number,
  circumstances: Circumstances,
): ConnectorError {
  if (outcome.type === "unreachable") {
    const base =
      `Cannot reach ${outcome.host} for ${label}: ${outcome.cause} (${attempts} attempts).`;
    if (circumstances.hostReached) {
      return failure(
        "transient_error",
        `${base} It answered earlier in this run; the next sync resumes from the last saved state.`,
        outcome,
      );
    }
    // A configured stand-in host is the user's to fix; LinkedIn's own host not resolving or
    // refusing is this machine's network, which may come back.
    return circumstances.linkedInHost
      ? failure(
        "transient_error",
        `${base} Check that this machine's DNS, proxy and firewall let it reach LinkedIn.`,
        outcome,
      )
      : failure(
        "config_error",
        `${base} Check api_base_url and oauth_base_url, and that this machine's DNS, proxy and ` +
          "firewall let it reach the host.",
        outcome,
      );
  }
  const detail = describe(outcome);
  if (outcome.type === "answer" && outcome.status === 429) {
    return failure(
      "transient_error",
      `Max try rate limit exceded for ${label} after ${attempts} attempts (${detail}). ` +
        "LinkedIn kept throttling the requests; the next sync resumes from the last saved state. " +
        "Lower max_concurrent_requests if this recurs.",
      outcome,
    );
  }
  return failure(
    "transient_error",
    `${label} failed after ${attempts} attempts: ${detail}. This is usually temporary on ` +
      "LinkedIn's side; the next sync resumes from the last saved state.",
    outcome,
  );
}

/**
 * The error when the runtime's permissions forbid connecting to `host` (the compiled
 * binary may reach only LinkedIn's hosts and localhost): the run cannot succeed.
 *
 * @example
 * ```ts
 * forbiddenHost("example.com", new Error("Requires net access")).kind; // "config_error"
 * ```
 */
export function forbiddenHost(host: string, cause: Error): ConnectorError {
  return new ConnectorError(
    "config_error",
    `This build of the connector may not connect to ${host}; point api_base_url and ` +
      "oauth_base_url at LinkedIn's hosts.",
    cause.message,
    { cause },
  );
}

/**
 * The next 00:00 UTC after `now`, when LinkedIn's daily limits reset.
 *
 * @example
 * ```ts
 * new Date(nextUtcMidnight(Date.UTC(2026, 11, 1, 22, 30))).toISOString(); // "2026-12-02T00:00:00.000Z"
 * ```
 */
export function nextUtcMidnight(now: number): number {
  return Math.floor(now / DAY_MS) * DAY_MS + DAY_MS;
}

/** A {@linkcode ConnectorError} for a used-up daily limit, with the time it resets. */
export class DailyLimitError extends ConnectorError {
  constructor(message: string, readonly quotaReset: number, options?: ErrorOptions) {
    super("transient_error", message, undefined, options);
    this.status = 429;
  }
}

/**
 * The error for a daily limit used up on `resource`: it names the endpoint, when the
 * limit resets (time and hours from now) and that the next sync resumes.
 *
 * @example
 * ```ts
 * const answer = { type: "answer", status: 429, headers: new Headers(), json: true,
 *   body: { message: "Resource level throttle APPLICATION DAY limit for calls to this resource is reached." } } as const;
 * dailyLimitReached(answer, "GET /rest/posts", "stream shares", Date.UTC(2026, 11, 1, 22)).quotaReset;
 * ```
 */
export function dailyLimitReached(
  outcome: Outcome,
  resource: string,
  label: string,
  now: number,
): DailyLimitError {
  const reset = nextUtcMidnight(now);
  const hours = ((reset - now) / 3_600_000).toFixed(1);
  const at = new Date(reset).toISOString().slice(0, 16).replace("T", " ");
  return new DailyLimitError(
    `Max try rate limit exceded for ${resource}: LinkedIn's daily limit for this endpoint is ` +
      `used up (${describe(outcome)}, during ${label}). It resets at ${at} UTC, in ${hours} ` +
      "hours; the next sync resumes from the last saved state. The app's usage shows on its " +
      "Analytics tab at https://www.linkedin.com/developers/apps.",
    reset,
  );
}

/** What an answer's error message needs to know about the request. */
export interface RequestFacts {
  /** e.g. "stream shares, organization 1, GET /rest/posts". */
  where: string;
  /** The scope the endpoint needs, if any. */
  scope?: string;
  /** Whether the scope's data also needs the ADMINISTRATOR role on the page. */
  needsPageRole?: boolean;
  organizationId?: string;
  queryLength?: number;
  version: string;
  /** What to say when LinkedIn rejects the token (it depends on the credentials). */
  tokenRejected(linkedInSays: string): string;
}

/**
 * The error for a failing answer of the API, of the failure type the table's verdict
 * gave, saying what it means and what to do.
 *
 * @example
 * ```ts
 * const answer = { type: "answer", status: 404, headers: new Headers(), body: {}, json: true } as const;
 * answerError(answer, "config_error", { where: "check, GET /rest/organizations/1",
 *   organizationId: "1", version: "202608", tokenRejected: (says) => says }).message;
 * ```
 */
export function answerError(
  outcome: AnswerOutcome,
  kind: FailureKind,
  facts: RequestFacts,
): ConnectorError {
  const says = linkedInMessage(outcome.body);
  const quoted = describe(outcome);
  const { where } = facts;
  const make = (message: string, internal?: string) => failure(kind, message, outcome, internal);
  switch (outcome.status) {
    case 400:
      if (isDateWindowRefusal(outcome.body)) {
        return make(
          `LinkedIn rejected the statistics date window for ${where}: ${quoted}. LinkedIn serves ` +
            "time-bound statistics only for windows that start at most 12 months and at least 2 " +
            "days before today (UTC) and span at least one whole DAY or MONTH; check start_date " +
            "and time_granularity_type.",
        );
      }
      return make(`LinkedIn rejected the request for ${where}: ${quoted}.`);
    case 401:
      return make(facts.tokenRejected(says ?? "HTTP 401"), `${where}: ${quoted}`);
    case 403: {
      const { scope, organizationId } = facts;
      const role = "the member must hold the ADMINISTRATOR role on the organization's page";
      const needs = !scope
        ? organizationId
          ? `${role[0].toUpperCase()}${role.slice(1)}.`
          : "Check that the app has the LinkedIn product this endpoint belongs to."
        : facts.needsPageRole
        ? `The token needs the scope ${scope} and ${role}; grant both and create a new token.`
        : `The token needs the scope ${scope}; grant it and create a new token.`;
      return make(
        `LinkedIn denied access for ${where}: ${quoted}. ${needs} A token carries only the ` +
          "scopes it was created with, and changing an app's scopes invalidates the tokens " +
          "created before.",
      );
    }
    case 404:
      return make(
        `LinkedIn found nothing for ${where}: ${quoted}. ` +
          (facts.organizationId
            ? "Check that the organization id is right and that the member administers it."
            : "Report it if it persists."),
      );
    case 414:
      return make(
        `LinkedIn refused the request for ${where} as too long: ${quoted}. The query was ` +
          `${facts.queryLength ?? 0} characters; please report this.`,
      );
    case 426:
      return make(
        `LinkedIn no longer serves the pinned API version ${facts.version} for ${where}: ` +
          `${quoted}. Set linkedin_version to a current version (YYYYMM) or remove it.`,
      );
    default:
      return make(`Unexpected answer for ${where}: ${quoted}.`);
  }
}

/**
 * The error for an id of a batch answer that LinkedIn answered with a failing status
 * of its own (other than 404, which means there is nothing about it): the failure type
 * is the table's for that status, as if the id had been asked alone.
 *
 * @example
 * ```ts
 * batchItemError("urn:li:share:1", 503, "GET /rest/socialMetadata").kind; // "transient_error"
 * ```
 */
export function batchItemError(id: string, status: number, where: string): ConnectorError {
  const outcome: AnswerOutcome = {
    type: "answer",
    status,
    headers: new Headers(),
    body: {},
    json: true,
  };
  const verdict = judge(outcome, {});
  const kind = "kind" in verdict ? verdict.kind : "transient_error";
  const message = `LinkedIn's answer to ${where} has no result for ${id} (HTTP ${status}).`;
  const advice = kind === "transient_error"
    ? " The next sync asks again."
    : kind === "config_error"
    ? " The token or the member may not read this post."
    : "";
  return failure(kind, message + advice, outcome);
}

/**
 * The error for an answer whose content is not what LinkedIn documents (a missing
 * `elements`, a field of the wrong type): it fails the partition as a `system_error`.
 *
 * @example
 * ```ts
 * malformedAnswer("stream total_follower_count, GET /rest/networkSizes/…", "firstDegreeSize: must be integer").kind;
 * // "system_error"
 * ```
 */
export function malformedAnswer(where: string, problem: string): ConnectorError {
  return new ConnectorError(
    "system_error",
    `LinkedIn's answer to ${where} is not what LinkedIn documents: ${problem}. Nothing of it was ` +
      "written; run again, and report it if it persists.",
  );
}

/**
 * The error for a failing answer of LinkedIn's OAuth endpoints: 401 or `invalid_client`
 * means the app's credentials are wrong, 400 a refused grant or token (`refusedHelp`
 * says what to do), anything else is unexpected. Each fails the run.
 *
 * @example
 * ```ts
 * const answer = { type: "answer", status: 401, headers: new Headers(), json: true,
 *   body: { error: "invalid_client", error_description: "Client authentication failed" } } as const;
 * oauthAnswerError(answer, "the OAuth token refresh", "").kind; // "config_error"
 * ```
 */
export function oauthAnswerError(
  outcome: AnswerOutcome,
  label: string,
  refusedHelp: string,
): ConnectorError {
  const body = outcome.body as Record<string, unknown> | undefined;
  const says = linkedInMessage(body) ?? `HTTP ${outcome.status}`;
  const verdict = judge(outcome, {});
  if (verdict.action === "stop_endpoint") {
    return dailyLimitReached(outcome, "POST /oauth/v2", label, Date.now());
  }
  if (body?.error === "invalid_client" || outcome.status === 401) {
    return failure(
      "config_error",
      `LinkedIn rejected the client_id or client_secret during ${label} ("${says}"). ` +
        "Copy both again from your app's Auth tab at https://www.linkedin.com/developers/apps.",
      outcome,
    );
  }
  if (outcome.status === 400) {
    return failure(
      "config_error",
      `LinkedIn refused ${label} ("${says}"). ${refusedHelp}`.trim(),
      outcome,
    );
  }
  const what = verdict.action === "use"
    ? "an answer without the documented fields"
    : `HTTP ${outcome.status}`;
  return failure("system_error", `Unexpected answer to ${label}: ${what} ("${says}").`, outcome);
}
