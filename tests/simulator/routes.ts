/**
 * The route table: every API endpoint the simulator serves under `/rest` and `/v2`, with its
 * endpoint name (as recorded and as faults match it), path pattern, OAuth scope, LinkedIn's
 * internal resource name and handler. Adding an endpoint is adding one entry here plus its
 * handler module.
 *
 * @module
 */

import type { RequestContext } from "./context.ts";
import { aclsRoute, networkSizesRoute, organizationRoute } from "./organizations.ts";
import {
  ADMIN_SCOPE,
  FEED_SCOPE,
  PROFILE_SCOPE,
  type RestliMethod,
  SOCIAL_SCOPE,
} from "./permissions.ts";
import { namesPosts, postStatisticsRoute } from "./post_statistics.ts";
import { postsRoute } from "./posts.ts";
import { RestliQuery } from "./restli.ts";
import { socialMetadataBatchRoute, socialMetadataRoute } from "./social_metadata.ts";
import type { SimState } from "./state.ts";
import { statisticsRoute } from "./statistics.ts";
import { taxonomyRoute } from "./taxonomies.ts";
import type { Json } from "./types.ts";
import { videoAnalyticsRoute } from "./video_analytics.ts";

/** Answers a routed request with a JSON body, or throws an ApiError. */
export type Handler = (ctx: RequestContext, state: SimState) => Json;

/** One API endpoint. */
export interface Route {
  /** The endpoint name used in recordings, `count()` and fault matching. */
  name: string;
  /** Matches the raw path after `/rest/` or `/v2/`; group 1, if any, is the resource key. */
  pattern: RegExp;
  /** Further condition on the query, for routes sharing a path; default always. */
  when?: (query: RestliQuery) => boolean;
  /** The OAuth scope the token needs; none beyond a valid token when absent. */
  scope?: string;
  /** LinkedIn's internal resource name, shown in 403 messages; also the daily-limit counter. */
  internalName: string;
  /** The `x-restli-protocol-version` of the answers. */
  protocol: string;
  /** The Rest.li method, as 403 messages and tier rules see it; default GET. */
  method?: RestliMethod;
  /** The handler. */
  handle: Handler;
}

/** Every API route; the first whose pattern and condition match wins. */
export const ROUTES: readonly Route[] = [
  {
    name: "organizations",
    pattern: /^organizations\/([^/]+)$/,
    scope: ADMIN_SCOPE,
    internalName: "organizations",
    protocol: "2.0.0",
    handle: organizationRoute,
  },
  {
    name: "organizationAcls",
    pattern: /^organizationAcls$/,
    scope: ADMIN_SCOPE,
    internalName: "organizationAcls",
    protocol: "2.0.0",
    handle: aclsRoute,
  },
  {
    name: "followerStatistics",
    pattern: /^organizationalEntityFollowerStatistics$/,
    scope: ADMIN_SCOPE,
    internalName: "organizationalEntityFollowerStatistics",
    protocol: "2.0.0",
    handle: statisticsRoute("followerStatistics"),
  },
  {
    name: "pageStatistics",
    pattern: /^organizationPageStatistics$/,
    scope: ADMIN_SCOPE,
    internalName: "organizationPageStatistics",
    protocol: "2.0.0",
    handle: statisticsRoute("pageStatistics"),
  },
  {
    // Same resource and finder as shareStatistics, with specific posts named.
    name: "postStatistics",
    pattern: /^organizationalEntityShareStatistics$/,
    when: namesPosts,
    scope: ADMIN_SCOPE,
    internalName: "organizationalEntityShareStatistics",
    protocol: "2.0.0",
    handle: postStatisticsRoute,
  },
  {
    name: "shareStatistics",
    pattern: /^organizationalEntityShareStatistics$/,
    scope: ADMIN_SCOPE,
    internalName: "organizationalEntityShareStatistics",
    protocol: "2.0.0",
    handle: statisticsRoute("shareStatistics"),
  },
  {
    name: "posts",
    pattern: /^posts$/,
    scope: SOCIAL_SCOPE,
    internalName: "partnerApiPostsExternal",
    protocol: "2.0.0",
    handle: postsRoute,
  },
  {
    name: "socialMetadata",
    pattern: /^socialMetadata\/([^/]+)$/,
    scope: FEED_SCOPE,
    internalName: "socialMetadata",
    protocol: "2.0.0",
    handle: socialMetadataRoute,
  },
  {
    name: "socialMetadataBatch",
    pattern: /^socialMetadata$/,
    scope: FEED_SCOPE,
    internalName: "socialMetadata",
    protocol: "2.0.0",
    method: "BATCH_GET",
    handle: socialMetadataBatchRoute,
  },
  {
    name: "videoAnalytics",
    pattern: /^videoAnalytics$/,
    scope: SOCIAL_SCOPE,
    internalName: "videoAnalytics",
    protocol: "2.0.0",
    handle: videoAnalyticsRoute,
  },
  {
    name: "functions",
    pattern: /^functions$/,
    internalName: "functions",
    protocol: "2.0.0",
    handle: taxonomyRoute("functions"),
  },
  {
    name: "seniorities",
    pattern: /^seniorities$/,
    internalName: "seniorities",
    protocol: "2.0.0",
    handle: taxonomyRoute("seniorities"),
  },
  {
    name: "industries",
    pattern: /^industryTaxonomyVersions\/DEFAULT\/industries$/,
    scope: PROFILE_SCOPE,
    internalName: "industries",
    protocol: "2.0.0",
    handle: taxonomyRoute("industries"),
  },
  {
    // networkSizes is still served by a Rest.li 1.0 resource.
    name: "networkSizes",
    pattern: /^networkSizes\/([^/]+)$/,
    scope: ADMIN_SCOPE,
    internalName: "networkSizes",
    protocol: "1.0.0",
    handle: networkSizesRoute,
  },
];

/** The OAuth endpoints, by path. */
export const OAUTH_ENDPOINTS: Record<string, "accessToken" | "introspectToken"> = {
  "/oauth/v2/accessToken": "accessToken",
  "/oauth/v2/introspectToken": "introspectToken",
};

/** The route for a raw resource path (after the base) and parsed query, if any. */
export function routeFor(resource: string, query: RestliQuery): Route | undefined {
  return ROUTES.find((r) => r.pattern.test(resource) && (r.when?.(query) ?? true));
}

/** The route with endpoint name `name`, if it is an API route. */
export function routeNamed(name: string): Route | undefined {
  return ROUTES.find((r) => r.name === name);
}

/** The endpoint name of a request: an OAuth endpoint, an API route, or "unknown". */
export function endpointOf(path: string, rawQuery: string): string {
  const oauth = OAUTH_ENDPOINTS[path];
  if (oauth) return oauth;
  const resource = /^\/(?:rest|v2)\/(.+)$/.exec(path)?.[1];
  if (resource === undefined) return "unknown";
  return routeFor(resource, new RestliQuery(rawQuery))?.name ?? "unknown";
}
