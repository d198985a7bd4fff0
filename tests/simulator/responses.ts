/**
 * Building HTTP responses: LinkedIn's API headers, JSON bodies and gateway HTML pages.
 *
 * @module
 */

/** The headers of every API response; networkSizes is still a Rest.li 1.0 resource. */
export function apiHeaders(protocol = "2.0.0"): Record<string, string> {
  return {
    "content-type": "application/json",
    "x-li-uuid": btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(16)))),
    "x-restli-protocol-version": protocol,
    "x-li-fabric": "prod-lva1",
    "x-li-pop": "prod-lva1-x",
  };
}

/** A response whose body is `body` as JSON (a string is sent as is, `undefined` as empty). */
export function jsonResponse(
  status: number,
  body: unknown,
  headers: Record<string, string>,
): Response {
  const text = typeof body === "string" ? body : body === undefined ? "" : JSON.stringify(body);
  return new Response(text, { status, headers });
}

/** An HTML page from the edge, as a proxy in front of the API answers; not JSON. */
export function htmlResponse(status: number, html: string): Response {
  return new Response(html, { status, headers: { "content-type": "text/html; charset=utf-8" } });
}

/** The page of a temporary gateway error (the `html` fault). */
export function gatewayErrorPage(status: number): string {
  return `<!DOCTYPE html><html><head><title>${status} Error</title></head>` +
    `<body><h1>${status} Bad Gateway</h1><p>The server encountered a temporary error.</p>` +
    `</body></html>`;
}

/** The page of a 414 for a URL or query string over the gateway's limits. */
export function uriTooLongPage(): string {
  return "<!DOCTYPE html><html><head><title>414 Request-URI Too Long</title></head>" +
    "<body><h1>414 Request-URI Too Long</h1>" +
    "<p>The requested URL's length exceeds the capacity limit for this server.</p>" +
    "</body></html>";
}
