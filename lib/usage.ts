/**
 * What a run asked of LinkedIn, per endpoint: requests made, retried and
 * rate-limited, the endpoints whose daily limit is used up, and the hosts that
 * answered. LinkedIn counts its daily limits per endpoint (resource), so that is the
 * unit here too.
 *
 * @module
 */

/** The counts of one endpoint. */
export interface EndpointUsage {
  requests: number;
  retried: number;
  rateLimited: number;
}

/**
 * The endpoint (LinkedIn resource) a request path belongs to: the method and the path
 * up to the resource name, without keys.
 *
 * @example
 * ```ts
 * resourceOf("/rest/networkSizes/urn%3Ali%3Aorganization%3A1"); // "GET /rest/networkSizes"
 * resourceOf("/oauth/v2/accessToken", "POST"); // "POST /oauth/v2/accessToken"
 * ```
 */
export function resourceOf(path: string, method = "GET"): string {
  const match = /^\/(rest|v2)\/([^/?]+)/.exec(path);
  return `${method} ${match ? `/${match[1]}/${match[2]}` : path}`;
}

/**
 * Counts requests per endpoint over one run.
 *
 * @example
 * ```ts
 * const usage = new Usage();
 * usage.attempted("GET /rest/posts");
 * usage.summary(); // ["GET /rest/posts: 1 request, 0 retried, 0 rate-limited."]
 * ```
 */
export class Usage {
  #endpoints = new Map<string, EndpointUsage>();
  #reached = new Set<string>();

  /** Counts one attempt (the first or a retry) at `resource`. */
  attempted(resource: string): void {
    this.#of(resource).requests++;
  }

  /** Counts a retry of a request to `resource`. */
  retried(resource: string): void {
    this.#of(resource).retried++;
  }

  /** Counts a 429 (short-term or daily) from `resource`. */
  rateLimited(resource: string): void {
    this.#of(resource).rateLimited++;
  }

  /** Notes that `host` answered (any HTTP status). */
  reached(host: string): void {
    this.#reached.add(host);
  }

  /** Whether `host` has answered before in this run. */
  hasReached(host: string): boolean {
    return this.#reached.has(host);
  }

  /** The counts of `resource` so far. */
  of(resource: string): EndpointUsage {
    return { requests: 0, retried: 0, rateLimited: 0, ...this.#endpoints.get(resource) };
  }

  /** One line per endpoint, most requests first. */
  summary(): string[] {
    return [...this.#endpoints]
      // Ties in code-unit order (capitals first): localeCompare would load ICU's collator, which
      // costs milliseconds.
      .sort(([a, x], [b, y]) => y.requests - x.requests || (a < b ? -1 : a > b ? 1 : 0))
      .map(([resource, { requests, retried, rateLimited }]) =>
        `${resource}: ${requests} ${
          requests === 1 ? "request" : "requests"
        }, ${retried} retried, ` +
        `${rateLimited} rate-limited.`
      );
  }

  #of(resource: string): EndpointUsage {
    let counts = this.#endpoints.get(resource);
    if (!counts) {
      this.#endpoints.set(resource, counts = { requests: 0, retried: 0, rateLimited: 0 });
    }
    return counts;
  }
}
