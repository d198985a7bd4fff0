/**
 * What a route handler receives about its request, and the organization access checks that
 * every organization-scoped route shares.
 *
 * @module
 */

import { accessDenied, ApiError, badRequest, notFound, paramInvalid } from "./errors.ts";
import type { RestliMethod } from "./permissions.ts";
import { requireFinder, type RestliQuery } from "./restli.ts";
import type { OrgState, SimState } from "./state.ts";

/** A routed API request. */
export interface RequestContext {
  /** The effective query, parsed. */
  query: RestliQuery;
  /** The effective query, raw (the URL's, or the form body of a tunneled request). */
  rawQuery: string;
  /** "/rest" or "/v2". */
  base: string;
  /** Whether the request came through `/rest` (versioned). */
  versioned: boolean;
  /** The raw path after the base. */
  resource: string;
  /** The raw resource key from the path, for routes that have one. */
  key?: string;
  /** LinkedIn's internal resource name, as 403 messages show it. */
  internalName: string;
  /** The Rest.li method, as 403 messages show it. */
  method: RestliMethod;
  /** YYYYMMDD, or NO_VERSION on /v2. */
  versionTag: string;
}

/** The 403 ACCESS_DENIED for this request's resource, method and version. */
export function denied(ctx: RequestContext): ApiError {
  return accessDenied(ctx.internalName, ctx.versionTag, ctx.method);
}

/** The organization `id`, if the member may read it with one of `roles`: else 404 or 403. */
export function orgFor(
  ctx: RequestContext,
  state: SimState,
  id: string,
  roles: string[],
): OrgState {
  const org = state.orgs.get(id);
  if (!org) throw notFound();
  if (org.state !== "APPROVED" || !roles.includes(org.role)) throw denied(ctx);
  return org;
}

/** Checks `q=<finder>` and reads the organization URN from the same-named parameter. */
export function finderOrg(
  ctx: RequestContext,
  state: SimState,
  finder: string,
  roles: string[],
): OrgState {
  requireFinder(ctx.query, finder);
  const urn = ctx.query.scalar(finder);
  if (urn === undefined) {
    throw badRequest(`Missing required parameter '${finder}' for finder '${finder}'`);
  }
  const id = /^urn:li:organization:(\d+)$/.exec(urn)?.[1];
  if (!id) throw paramInvalid(finder);
  return orgFor(ctx, state, id, roles);
}
