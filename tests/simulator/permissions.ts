/**
 * OAuth scopes, page roles and access tiers the routes require.
 *
 * @module
 */

import type { ApiTier } from "./types.ts";

/** Statistics, organization and ACL calls. */
export const ADMIN_SCOPE = "rw_organization_admin";
/** Post reads and video analytics. */
export const SOCIAL_SCOPE = "r_organization_social";
/** Social metadata (reaction and comment summaries), moved out of `r_organization_social`. */
export const FEED_SCOPE = "r_organization_social_feed";
/** The industry taxonomy. */
export const PROFILE_SCOPE = "r_basicprofile";
/** The scopes of a default access token. */
export const ALL_SCOPES = [ADMIN_SCOPE, SOCIAL_SCOPE, FEED_SCOPE, PROFILE_SCOPE];
/** Page roles that may read statistics and the organization. */
export const ADMIN_ROLES = ["ADMINISTRATOR"];
/**
 * Page roles that may read an organization's posts and their social metadata (the Posts API
 * docs admit these too).
 */
export const POST_ROLES = [
  "ADMINISTRATOR",
  "DIRECT_SPONSORED_CONTENT_POSTER",
  "CONTENT_ADMINISTRATOR",
];
/** Page roles that may read video analytics. */
export const VIDEO_ROLES = ["ADMINISTRATOR", "DIRECT_SPONSORED_CONTENT_POSTER"];

/** A Rest.li method as LinkedIn's 403 messages name it. */
export type RestliMethod = "GET" | "BATCH_GET";

/** Whether the app's tier allows calls of `method`: Development tier allows no BATCH_GET. */
export function tierAllows(tier: ApiTier, method: RestliMethod): boolean {
  return tier !== "development" || method !== "BATCH_GET";
}
