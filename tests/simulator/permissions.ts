/**
 * OAuth scopes and page roles the routes require.
 *
 * @module
 */

/** Statistics, organization and ACL calls. */
export const ADMIN_SCOPE = "rw_organization_admin";
/** Post reads. */
export const SOCIAL_SCOPE = "r_organization_social";
/** The scopes of a default access token. */
export const ALL_SCOPES = [ADMIN_SCOPE, SOCIAL_SCOPE];
/** Page roles that may read statistics and the organization. */
export const ADMIN_ROLES = ["ADMINISTRATOR"];
/** Page roles that may read an organization's posts (the Posts API docs admit these too). */
export const POST_ROLES = [
  "ADMINISTRATOR",
  "DIRECT_SPONSORED_CONTENT_POSTER",
  "CONTENT_ADMINISTRATOR",
];
