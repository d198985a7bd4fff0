/**
 * One HTTP exchange with retries: `fetch` wrapped in `p-retry`, a per-attempt
 * timeout, exponential backoff with jitter, `Retry-After`, and a JSON body.
 * Answers that need a person (4xx other than 408/429) are returned to the caller,
 * which knows what they mean.
 *
 * @module
 */
import pRetry, { AbortError } from "p-retry";
import { configError, transientError } from "./errors.ts";
import type { LogLevel } from "./protocol.ts";

/** How requests are sent, retried and reported. */
export interface HttpOptions {
  timeoutMs: number;
  /** Multiplies every wait; 1 in production, small in tests. */
  backoffScale: number;
  /** Cancels everything (SIGTERM, closed stdout). */
  signal: AbortSignal;
  log(level: LogLevel, message: string): void;
  /**
   * Runs one attempt under the connector's concurrency limit; waiting attempts of a
   * higher `priority` go first.
   */
  limit<T>(attempt: () => Promise<T>, priority: number): Promise<T>;
}

/** Called while a request backs off after a 429, with the time it will retry. */
export type RateLimitListener = (retryAt: number) => void;

/** A request: what `fetch` needs, plus a label for messages (never holds secrets). */
export interface HttpRequest {
  url: string;
  init: RequestInit;
  /** Names what was asked, e.g. "stream shares, GET /rest/posts". */
  label: string;
  onRateLimited?: RateLimitListener;
  /** Higher goes first when requests wait for the concurrency limit; default 0. */
  priority?: number;
}

/** A complete answer: status, headers and the parsed JSON body (if any). */
export interface HttpResponse {
  status: number;
  headers: Headers;
  body: unknown;
}

/** At most this many attempts per request. */
export const MAX_ATTEMPTS = 5;
const RETRYABLE_STATUSES = new Set([408, 429, 500, 502, 503, 504]);
const BASE_DELAY_MS = 5_000;
const MAX_DELAY_MS = 60_000;
const MAX_RETRY_AFTER_MS = 300_000;

class RetryableFailure extends Error {
  constructor(message: string, readonly response?: HttpResponse) {
    super(message);
  }
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
 * How long to wait before attempt `attempt + 1`: the server's `Retry-After`
 * (seconds or an HTTP date, capped at 5 minutes), else exponential with jitter.
 *
 * @example
 * ```ts
 * retryDelayMs(1, "2", 1, () => 0.5); // 2000
 * retryDelayMs(2, null, 1, () => 0); // 10000
 * ```
 */
export function retryDelayMs(
  attempt: number,
  retryAfter: string | null,
  scale: number,
  random: () => number = Math.random,
  now: number = Date.now(),
): number {
  const fromHeader = parseRetryAfter(retryAfter, now);
  const delay = fromHeader !== undefined
    ? Math.min(fromHeader, MAX_RETRY_AFTER_MS)
    : Math.min(BASE_DELAY_MS * 2 ** (attempt - 1), MAX_DELAY_MS) * (1 + random() / 2);
  return Math.round(delay * scale);
}

function parseRetryAfter(value: string | null, now: number): number | undefined {
  if (!value) return undefined;
  if (/^\d+(\.\d+)?$/.test(value.trim())) return Number(value) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/**
 * Sends a request, retrying what is transient, and returns the final answer.
 * Throws a `transient_error` when attempts run out.
 *
 * @example
 * ```ts
 * declare const options: HttpOptions;
 * const response = await send({
 *   url: "https://api.linkedin.com/rest/posts?q=author&author=urn%3Ali%3Aorganization%3A1",
 *   init: { headers: { "linkedin-version": "202608" } },
 *   label: "GET /rest/posts",
 * }, options);
 * ```
 */
export async function send(request: HttpRequest, options: HttpOptions): Promise<HttpResponse> {
  let lastStatus: number | undefined;
  try {
    const priority = request.priority ?? 0;
    return await pRetry(() => options.limit(() => attempt(request, options), priority), {
      retries: MAX_ATTEMPTS - 1,
      minTimeout: 0,
      maxTimeout: 0,
      signal: options.signal,
      onFailedAttempt: async ({ error, attemptNumber, retriesLeft }) => {
        const failure = error as RetryableFailure;
        lastStatus = failure.response?.status;
        if (retriesLeft === 0) return;
        const waitMs = retryDelayMs(
          attemptNumber,
          failure.response?.headers.get("retry-after") ?? null,
          options.backoffScale,
        );
        const quoted = linkedInMessage(failure.response?.body) ?? null;
        options.log(
          "WARN",
          `Caught retryable error '${quoted}' after ${attemptNumber} tries. ` +
            `Waiting ${Number((waitMs / 1000).toFixed(3))} seconds then retrying... ` +
            `(${request.label}: ${failure.message})`,
        );
        if (lastStatus === 429) request.onRateLimited?.(Date.now() + waitMs);
        await sleep(waitMs, options.signal);
      },
    });
  } catch (error) {
    if (options.signal.aborted || !(error instanceof RetryableFailure)) throw error;
    throw exhausted(request, error, lastStatus);
  }
}

async function attempt(request: HttpRequest, options: HttpOptions): Promise<HttpResponse> {
  const timeout = AbortSignal.timeout(options.timeoutMs);
  const signal = AbortSignal.any([options.signal, timeout]);
  let response: Response;
  let text: string;
  try {
    response = await fetch(request.url, { ...request.init, signal });
    text = await response.text();
  } catch (error) {
    if (options.signal.aborted) throw new AbortError(options.signal.reason);
    if (timeout.aborted) {
      throw new RetryableFailure(`no complete answer within ${options.timeoutMs / 1000} s`);
    }
    if (error instanceof Deno.errors.NotCapable || error instanceof Deno.errors.PermissionDenied) {
      const host = new URL(request.url).host;
      throw new AbortError(configError(
        `This build of the connector may not connect to ${host}; point api_base_url and ` +
          "oauth_base_url at LinkedIn's hosts.",
        (error as Error).message,
      ));
    }
    throw new RetryableFailure(`network error: ${(error as Error).message}`);
  }
  options.log("DEBUG", `${request.init.method ?? "GET"} ${request.url} -> HTTP ${response.status}`);
  const parsed = parseBody(text);
  const answer = { status: response.status, headers: response.headers, body: parsed };
  if (RETRYABLE_STATUSES.has(response.status)) {
    throw new RetryableFailure(`HTTP ${response.status}`, answer);
  }
  if (response.ok && (typeof parsed !== "object" || parsed === null)) {
    const kind = response.headers.get("content-type") ?? "unknown content type";
    throw new RetryableFailure(`HTTP ${response.status} with a body that is not JSON (${kind})`);
  }
  return answer;
}

function parseBody(text: string): unknown {
  if (text === "") return {};
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function exhausted(request: HttpRequest, failure: RetryableFailure, status?: number) {
  const body = failure.response?.body;
  const quoted = linkedInMessage(body);
  const uuid = failure.response?.headers.get("x-li-uuid");
  const detail = `${failure.message}${quoted ? `: "${quoted}"` : ""}${
    uuid ? ` (x-li-uuid ${uuid})` : ""
  }`;
  if (status === 429) {
    return transientError(
      `Max try rate limit exceded for ${request.label} after ${MAX_ATTEMPTS} attempts (${detail}). ` +
        "LinkedIn's daily request limits reset at midnight UTC: run the sync again after that, " +
        "and check your app's usage on its Analytics page at https://www.linkedin.com/developers/apps.",
    );
  }
  return transientError(
    `${request.label} failed after ${MAX_ATTEMPTS} attempts: ${detail}. ` +
      "This is usually temporary on LinkedIn's side; the next sync resumes from the last saved state.",
  );
}

/**
 * Waits `ms`, or rejects with the signal's reason once it is aborted.
 *
 * @example
 * ```ts
 * await sleep(100, AbortSignal.timeout(1000));
 * ```
 */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal.addEventListener("abort", onAbort, { once: true });
  });
}
