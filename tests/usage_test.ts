import assert from "node:assert/strict";
import { resourceOf, Usage } from "../lib/usage.ts";

Deno.test("usage: resourceOf drops the keys of /rest paths", () => {
  assert.equal(resourceOf("/rest/posts"), "GET /rest/posts");
  assert.equal(
    resourceOf("/rest/networkSizes/urn%3Ali%3Aorganization%3A1"),
    "GET /rest/networkSizes",
  );
  assert.equal(resourceOf("/rest/networkSizes/urn:li:organization:1"), "GET /rest/networkSizes");
  assert.equal(resourceOf("/rest/organizations/12345"), "GET /rest/organizations");
  assert.equal(
    resourceOf("/rest/socialMetadata/urn%3Ali%3AugcPost%3A7%2Fcomments"),
    "GET /rest/socialMetadata",
  );
  // Different keys, one endpoint: LinkedIn counts the daily limit per resource.
  assert.equal(
    resourceOf("/rest/posts/urn%3Ali%3Ashare%3A1"),
    resourceOf("/rest/posts/urn%3Ali%3AugcPost%3A2"),
  );
});

Deno.test("usage: resourceOf drops the query string", () => {
  assert.equal(
    resourceOf("/rest/posts?q=author&author=urn%3Ali%3Aorganization%3A1"),
    "GET /rest/posts",
  );
  assert.equal(
    resourceOf("/rest/organizationalEntityShareStatistics?q=organizationalEntity"),
    "GET /rest/organizationalEntityShareStatistics",
  );
});

Deno.test("usage: resourceOf drops the keys of /v2 paths", () => {
  assert.equal(resourceOf("/v2/me"), "GET /v2/me");
  assert.equal(resourceOf("/v2/organizations/1"), "GET /v2/organizations");
  assert.equal(resourceOf("/v2/ugcPosts/urn%3Ali%3AugcPost%3A9"), "GET /v2/ugcPosts");
});

Deno.test("usage: resourceOf keeps other paths whole and prefixes the method", () => {
  assert.equal(resourceOf("/oauth/v2/accessToken", "POST"), "POST /oauth/v2/accessToken");
  assert.equal(resourceOf("/oauth/v2/introspectToken", "POST"), "POST /oauth/v2/introspectToken");
  assert.equal(resourceOf("/oauth/v2/accessToken"), "GET /oauth/v2/accessToken");
  // Only paths that start with /rest/ or /v2/ are cut.
  assert.equal(resourceOf("/api/rest/posts/1"), "GET /api/rest/posts/1");
  assert.equal(resourceOf("/restricted/x"), "GET /restricted/x");
  assert.equal(resourceOf("/rest/posts/1", "DELETE"), "DELETE /rest/posts");
});

Deno.test("usage: counts attempts, retries and rate limits per resource", () => {
  const usage = new Usage();
  const posts = "GET /rest/posts";
  const sizes = "GET /rest/networkSizes";
  usage.attempted(posts);
  usage.attempted(posts);
  usage.attempted(posts);
  usage.retried(posts);
  usage.retried(posts);
  usage.rateLimited(posts);
  usage.attempted(sizes);
  assert.deepEqual(usage.of(posts), { requests: 3, retried: 2, rateLimited: 1 });
  assert.deepEqual(usage.of(sizes), { requests: 1, retried: 0, rateLimited: 0 });
  assert.deepEqual(usage.of("GET /rest/organizations"), {
    requests: 0,
    retried: 0,
    rateLimited: 0,
  });
  // Another run counts from zero.
  assert.deepEqual(new Usage().of(posts), { requests: 0, retried: 0, rateLimited: 0 });
});

Deno.test("usage: of returns a copy", () => {
  const usage = new Usage();
  usage.attempted("GET /rest/posts");
  const counts = usage.of("GET /rest/posts");
  counts.requests = 100;
  counts.retried = 7;
  assert.deepEqual(usage.of("GET /rest/posts"), { requests: 1, retried: 0, rateLimited: 0 });
  assert.notEqual(usage.of("GET /rest/posts"), usage.of("GET /rest/posts"));
  usage.attempted("GET /rest/posts");
  assert.equal(counts.requests, 100);
  assert.equal(usage.of("GET /rest/posts").requests, 2);
});

Deno.test("usage: summary lists the most requested first, then by name", () => {
  const usage = new Usage();
  assert.deepEqual(usage.summary(), []);
  usage.attempted("GET /rest/organizations");
  for (let i = 0; i < 3; i++) usage.attempted("GET /rest/posts");
  usage.retried("GET /rest/posts");
  usage.rateLimited("GET /rest/posts");
  usage.attempted("GET /rest/networkSizes");
  usage.attempted("POST /oauth/v2/accessToken");
  usage.attempted("POST /oauth/v2/accessToken");
  usage.rateLimited("POST /oauth/v2/accessToken");
  assert.deepEqual(usage.summary(), [
    "GET /rest/posts: 3 requests, 1 retried, 1 rate-limited.",
    "POST /oauth/v2/accessToken: 2 requests, 0 retried, 1 rate-limited.",
    "GET /rest/networkSizes: 1 request, 0 retried, 0 rate-limited.",
    "GET /rest/organizations: 1 request, 0 retried, 0 rate-limited.",
  ]);
});

Deno.test("usage: summary says 1 request, and requests for any other count", () => {
  const usage = new Usage();
  usage.attempted("GET /rest/posts");
  assert.deepEqual(usage.summary(), ["GET /rest/posts: 1 request, 0 retried, 0 rate-limited."]);
  usage.attempted("GET /rest/posts");
  assert.deepEqual(usage.summary(), ["GET /rest/posts: 2 requests, 0 retried, 0 rate-limited."]);
  // A resource only counted as rate-limited shows 0 requests.
  const limited = new Usage();
  limited.rateLimited("GET /rest/videoAnalytics");
  assert.deepEqual(limited.summary(), [
    "GET /rest/videoAnalytics: 0 requests, 0 retried, 1 rate-limited.",
  ]);
});

Deno.test("usage: reached and hasReached are per host", () => {
  const usage = new Usage();
  assert.equal(usage.hasReached("api.linkedin.com"), false);
  usage.reached("api.linkedin.com");
  usage.reached("api.linkedin.com");
  assert.equal(usage.hasReached("api.linkedin.com"), true);
  assert.equal(usage.hasReached("www.linkedin.com"), false);
  usage.reached("127.0.0.1:8080");
  assert.equal(usage.hasReached("127.0.0.1:8080"), true);
  assert.equal(usage.hasReached("127.0.0.1:8081"), false);
  assert.equal(usage.hasReached("127.0.0.1"), false);
  // Reaching a host counts no request.
  assert.deepEqual(usage.summary(), []);
  assert.equal(new Usage().hasReached("api.linkedin.com"), false);
});
