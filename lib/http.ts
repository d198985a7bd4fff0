/**
 * One HTTP exchange with retries: `fetch` wrapped in `p-retry`, a per-attempt
 * timeout, exponential backoff with jitter, `Retry-After`, and a JSON body. What to
 * retry is the table of outcomes' (`outcomes.ts`) decision; every other answer is
 * returned to the caller, which acts on the table's verdict.
 *
 * @module
 */
import pRetry, { AbortError } from "p-retry";
import {
  type AnswerOutcome,
  type Backoff,
  type Circumstances,
  describe,
  failedOutcome,
  forbiddenHost,
  judge,
  linkedInMessage,
  MAX_ATTEMPTS,
  type Outcome,
  retriesExhausted,
} from "./outcomes.ts";
import type { RequestLimit } from "./limiter.ts";
import type { LogLevel } from "./protocol.ts";
import { wait } from "./timers.ts";
import { resourceOf, type Usage } from "./usage.ts";

/** How requests are sent, retried and reported. */
export interface HttpOptions {
  timeoutMs: number;
  /** Multiplies every wait; 1 in production, small in tests. */
  backoffScale: number;
  /** Cancels everything (SIGTERM, closed stdout). */
  signal: AbortSignal;
  log(level: LogLevel, message: string): void;
  /**
   * The connector's limit on attempts in flight: waiting attempts of a higher priority go
   * first, and a throttled answer lowers it.
   */
  limit: RequestLimit;
  /** Counts requests, retries and 429s per endpoint, and the hosts that answered. */
  usage: Usage;
}

/** Called while a request backs off after a 429, with the time it will retry. */
export type RateLimitListener = (retryAt: number) => void;

/** A request: what `fetch` needs, plus a label for messages (never holds secrets). */
export interface HttpRequest {
  url: string;
  init: RequestInit;
  /** Names what was asked, e.g. "stream shares, GET /rest/posts". */
  label: string;
  /** The endpoint it counts against, e.g. "GET /rest/posts"; default: from the URL. */
  resource?: string;
  onRateLimited?: RateLimitListener;
  /** Higher goes first when requests wait for the concurrency limit; default 0. */
  priority?: number;
  /**
   * Aborted when the request may no longer be sent (its endpoint's daily limit is used up,
   * or the run cannot succeed): it then ends with the signal's reason, even while it waits
   * to retry.
   */
  stopped?: AbortSignal;
  /**
   * Awaited before each retry, after the wait: a request that should not retry before others
   * are answered waits for them here. If it throws, the request ends with that error.
   */
  beforeRetry?: () => Promise<void>;
  /**
   * Nothing waits on its answer: while answers others may wait on are arriving, it is parsed
   * and handed back after them (waiting at most 100 ms), in a turn of the event loop of its
   * own, one such answer per turn. Large answers nobody waits on then do not hold up the
   * pages of posts that the per-post requests wait on.
   */
  deferrable?: boolean;
}

/** A complete answer: status, headers and the parsed JSON body (`json` false if it was not). */
export type HttpResponse = AnswerOutcome;

export { MAX_ATTEMPTS } from "./outcomes.ts";

const BASE_DELAY_MS: Record<Backoff, number> = { throttle: 5_000, fault: 1_000 };
const MAX_DELAY_MS = 60_000;
const MAX_RETRY_AFTER_MS = 300_000;

class RetryableFailure extends Error {
  constructor(readonly outcome: Outcome, readonly backoff: Backoff, readonly attempts: number) {
    super(outcome.type);
  }
}

/**
 * How long to wait before attempt `attempt + 1`: the server's `Retry-After`
 * (seconds or an HTTP date, capped at 5 minutes), else exponential with jitter:
 * from 5 s after a 429 (LinkedIn's throttle needs time) and from about 1 s after a
 * fault (a 5xx, a timeout or a dropped connection usually clears at once).
 *
 * @example
 * ```ts
 * retryDelayMs(1, "throttle", "2", 1, () => 0.5); // 2000
 * retryDelayMs(2, "throttle", null, 1, () => 0); // 10000
 * retryDelayMs(1, "fault", null, 1, () => 1); // 1000
 * ```
 */
export function retryDelayMs(
  attempt: number,
  backoff: Backoff,
  retryAfter: string | null,
  scale: number,
  random: () => number = Math.random,
  now: number = Date.now(),
): number {
  const fromHeader = parseRetryAfter(retryAfter, now);
  if (fromHeader !== undefined) return Math.round(Math.min(fromHeader, MAX_RETRY_AFTER_MS) * scale);
  const exponential = Math.min(BASE_DELAY_MS[backoff] * 2 ** (attempt - 1), MAX_DELAY_MS);
  const delay = exponential * (backoff === "throttle" ? 1 + random() / 2 : 0.5 + random() / 2);
  return Math.round(delay * scale);
}

function parseRetryAfter(value: string | null, now: number): number | undefined {
  if (!value) return undefined;
  if (/^\d+(\.\d+)?$/.test(value.trim())) return Number(value) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/**
 * Sends a request, retrying what the table of outcomes says to retry, and returns
 * the final answer. Throws the table's error when attempts run out.
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
  const url = new URL(request.url);
  const resource = request.resource ?? resourceOf(url.pathname, request.init.method);
  const { host } = url;
  const circumstances = (): Circumstances => ({
    hostReached: options.usage.hasReached(host),
    linkedInHost: /(^|\.)linkedin\.com(:443)?$/.test(host),
  });
  try {
    const priority = request.priority ?? 0;
    return await pRetry(
      () =>
        options.limit.run(
          () => attempt(request, resource, host, options, circumstances),
          priority,
        ),
      {
        retries: MAX_ATTEMPTS - 1,
        minTimeout: 0,
        maxTimeout: 0,
        signal: options.signal,
        shouldRetry: ({ error, attemptNumber }) =>
          attemptNumber < (error as RetryableFailure).attempts,
        onFailedAttempt: async ({ error, attemptNumber }) => {
          // A request that may no longer be sent (its partition has ended, say) says nothing
          // of a retry it will not make.
          request.stopped?.throwIfAborted();
          const { outcome, backoff, attempts } = error as RetryableFailure;
          const answer = outcome.type === "answer" ? outcome : undefined;
          if (attemptNumber >= attempts) return;
          const waitMs = retryDelayMs(
            attemptNumber,
            backoff,
            answer?.headers.get("retry-after") ?? null,
            options.backoffScale,
          );
          // LinkedIn's words when it gave some, else what happened (Airbyte's wording said 'null').
          const quoted = (answer && linkedInMessage(answer.body)) ?? describe(outcome);
          options.log(
            "WARN",
            `Caught retryable error '${quoted}' after ${attemptNumber} tries. ` +
              `Waiting ${Number((waitMs / 1000).toFixed(3))} seconds then retrying... ` +
              `(${request.label}: ${describe(outcome)})`,
          );
          options.usage.retried(resource);
          if (backoff === "throttle") request.onRateLimited?.(Date.now() + waitMs);
          const stopped = request.stopped;
          await wait(waitMs, stopped ? AbortSignal.any([options.signal, stopped]) : options.signal);
          await request.beforeRetry?.();
        },
      },
    );
  } catch (error) {
    if (options.signal.aborted || !(error instanceof RetryableFailure)) throw error;
    throw retriesExhausted(error.outcome, request.label, error.attempts, circumstances());
  }
}

async function attempt(
  request: HttpRequest,
  resource: string,
  host: string,
  options: HttpOptions,
  circumstances: () => Circumstances,
): Promise<HttpResponse> {
  if (request.stopped?.aborted) throw new AbortError(request.stopped.reason);
  const timeout = AbortSignal.timeout(options.timeoutMs);
  const signal = AbortSignal.any([options.signal, timeout]);
  options.usage.attempted(resource);
  let settled = () => {};
  let outcome: Outcome;
  try {
    const response = await fetch(request.url, { ...request.init, signal });
    if (!request.deferrable) settled = arriving();
    const text = await response.text();
    if (request.deferrable && arrivals.size > 0) await afterTheOthersArriving();
    const body = parseBody(text);
    options.usage.reached(host);
    options.log(
      "DEBUG",
      `${request.init.method ?? "GET"} ${request.url} -> HTTP ${response.status}`,
    );
    outcome = {
      type: "answer",
      status: response.status,
      headers: response.headers,
      body,
      json: body !== undefined,
    };
  } catch (error) {
    if (options.signal.aborted) throw new AbortError(options.signal.reason);
    if (error instanceof Deno.errors.NotCapable || error instanceof Deno.errors.PermissionDenied) {
      throw new AbortError(forbiddenHost(host, error));
    }
    outcome = failedOutcome(
      error as Error,
      request.url,
      timeout.aborted ? options.timeoutMs : undefined,
    );
  } finally {
    settled();
  }
  if (outcome.type === "answer" && outcome.status === 429) options.usage.rateLimited(resource);
  const verdict = judge(outcome, circumstances());
  if (verdict.action === "retry") {
    if (verdict.backoff === "throttle") lowerLimit(options);
    throw new RetryableFailure(outcome, verdict.backoff, verdict.attempts);
  }
  if (outcome.type === "answer" && outcome.status < 400) options.limit.answered();
  if (outcome.type !== "answer") throw new RetryableFailure(outcome, "fault", 1);
  return outcome;
}

// LinkedIn publishes no limit on requests in flight; its short-term throttle is the sign.
function lowerLimit(options: HttpOptions): void {
  const lowered = options.limit.throttled();
  if (lowered === undefined) return;
  options.log(
    "INFO",
    `LinkedIn is throttling: at most ${lowered} ${
      lowered === 1 ? "request" : "requests"
    } in flight from now on, climbing back as answers come.`,
  );
}

function parseBody(text: string): unknown {
  if (text === "") return {};
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

// The answers others may wait on (not deferrable) that are arriving: headers in, body not parsed.
const arrivals = new Set<Promise<void>>();
let lastTurn = Promise.resolve();

/** Notes that an answer others may wait on is arriving; the function returned says it has. */
function arriving(): () => void {
  let arrived = () => {};
  const arrival = new Promise<void>((resolve) => arrived = resolve);
  arrivals.add(arrival);
  return () => {
    arrivals.delete(arrival);
    arrived();
  };
}

// The longest a deferrable answer waits for the others (a body may trickle in for long).
const MAX_ARRIVAL_WAIT_MS = 100;

/**
 * Resolves once the answers others wait on that are arriving now have been parsed (or after
 * at most MAX_ARRIVAL_WAIT_MS), in a later turn of the event loop than the previous call's
 * promise: one deferrable answer per turn while others arrive.
 */
function afterTheOthersArriving(): Promise<void> {
  const arrived = new AbortController();
  const others = Promise.race([
    Promise.all(arrivals),
    wait(MAX_ARRIVAL_WAIT_MS, arrived.signal).catch(() => {}),
  ]).finally(() => arrived.abort());
  const turn = lastTurn.then(() => others).then(() => wait());
  lastTurn = turn;
  return turn;
}
