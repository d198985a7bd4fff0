/**
 * Which organizations to sync: the configured ones, or every organization on
 * which the authenticated member holds an approved ADMINISTRATOR role.
 *
 * @module
 */
import type { ApiClient } from "./client.ts";
import { configError } from "./errors.ts";
import { malformedAnswer } from "./outcomes.ts";
import { isJsonObject } from "./files.ts";
import { organizationIdOf, query } from "./restli.ts";

const ACL_PAGE_SIZE = 100;

/**
 * The organization ids to sync, in a stable order.
 *
 * @example
 * ```ts
 * import type { ApiClient } from "./client.ts";
 *
 * declare const client: ApiClient;
 * const ids = await resolveOrganizations(["2414183"], client); // ["2414183"]
 * ```
 */
export async function resolveOrganizations(
  configured: readonly string[] | undefined,
  client: ApiClient,
): Promise<string[]> {
  if (configured?.length) return [...configured];
  const ids = await administeredOrganizations(client);
  if (ids.length === 0) {
    throw configError(
      "No organization to sync: org_id and org_ids are empty and the authenticated member holds " +
        "no approved ADMINISTRATOR role on any LinkedIn page. Set org_id, or grant the member the " +
        "ADMINISTRATOR role on the page.",
    );
  }
  return ids;
}

/**
 * Pages through `organizationAcls?q=roleAssignee` and keeps the organizations
 * with an approved ADMINISTRATOR role.
 *
 * @example
 * ```ts
 * import type { ApiClient } from "./client.ts";
 *
 * declare const client: ApiClient;
 * await administeredOrganizations(client); // ["2414183", "5515715"]
 * ```
 */
export async function administeredOrganizations(client: ApiClient): Promise<string[]> {
  const ids = new Set<string>();
  for (let start = 0;; start += ACL_PAGE_SIZE) {
    const body = await client.get({
      path: "/rest/organizationAcls",
      query: query({
        q: "roleAssignee",
        role: "ADMINISTRATOR",
        state: "APPROVED",
        start,
        count: ACL_PAGE_SIZE,
      }),
      scope: "rw_organization_admin",
      label: "listing the organizations the member administers",
    });
    const elements = isJsonObject(body) ? body.elements : undefined;
    if (!Array.isArray(elements)) {
      throw malformedAnswer("GET /rest/organizationAcls", 'it has no "elements" array');
    }
    for (const acl of elements) {
      if (!isJsonObject(acl) || acl.role !== "ADMINISTRATOR" || acl.state !== "APPROVED") continue;
      const id = typeof acl.organization === "string"
        ? organizationIdOf(acl.organization)
        : undefined;
      if (id) ids.add(id);
    }
    if (elements.length < ACL_PAGE_SIZE) return [...ids];
  }
}
