/**
 * What LinkedIn's edge does before any API check: the URL length limits of the Query Tunneling
 * page (414 over 4 KB of query string or 8 KB of URL), and decoding tunneled GETs (a POST with
 * `X-HTTP-Method-Override: GET` whose form-encoded body is the query string).
 *
 * @module
 */

import { ApiError } from "./errors.ts";
import { htmlResponse, uriTooLongPage } from "./responses.ts";

/** The longest query string the gateway accepts, in characters (4 KB). */
export const MAX_QUERY_LENGTH = 4096;
/** The longest URL (path and query) the gateway accepts, in characters (8 KB). */
export const MAX_URL_LENGTH = 8192;

const FORM = "application/x-www-form-urlencoded";

/** The 414 gateway page when the URL is over a limit; undefined otherwise. */
export function uriTooLong(url: URL): Response | undefined {
  const query = url.search.slice(1);
  if (
    query.length <= MAX_QUERY_LENGTH && url.pathname.length + url.search.length <= MAX_URL_LENGTH
  ) {
    return undefined;
  }
  return htmlResponse(414, uriTooLongPage());
}

/** A request with its effective query. */
export interface EffectiveRequest {
  /** The query the API sees: the URL's, followed by the form body of a tunneled GET. */
  query: string;
  /** Whether the request is a tunneled GET (POST with `X-HTTP-Method-Override: GET`). */
  tunneled: boolean;
  /** For a tunneled GET whose body is not form-encoded: the 400 to answer. */
  error?: ApiError;
}

/**
 * Decodes query tunneling on API paths. As Rest.li does, the body is appended to whatever query
 * the URL already has; the body itself has no length limit.
 */
export async function effectiveRequest(req: Request, url: URL): Promise<EffectiveRequest> {
  const urlQuery = url.search.slice(1);
  const api = /^\/(rest|v2)\//.test(url.pathname);
  const override = req.headers.get("x-http-method-override")?.trim().toUpperCase();
  if (!api || req.method !== "POST" || override !== "GET") {
    return { query: urlQuery, tunneled: false };
  }
  const contentType = req.headers.get("content-type");
  if (contentType?.split(";")[0].trim().toLowerCase() !== FORM) {
    const message = `A tunneled request (X-HTTP-Method-Override: GET) must have Content-Type: ` +
      `${FORM}, not ${contentType === null ? "none" : `'${contentType}'`}`;
    return { query: urlQuery, tunneled: true, error: new ApiError(400, { status: 400, message }) };
  }
  const body = await req.text();
  const query = body === "" ? urlQuery : urlQuery === "" ? body : `${urlQuery}&${body}`;
  return { query, tunneled: true };
}
