/**
 * Organization routes: `organizations/{id}`, `organizationAcls?q=roleAssignee` and
 * `networkSizes/{urn}` (the total follower count).
 *
 * @module
 */

import { orgFor, type RequestContext } from "./context.ts";
import { badRequest, paramInvalid } from "./errors.ts";
import { FACET_VALUES, STAFF_RANGES } from "./facets.ts";
import { collection, readPaging } from "./paging.ts";
import { ADMIN_ROLES } from "./permissions.ts";
import { randomFor } from "./random.ts";
import { decodeLeaf, requireFinder } from "./restli.ts";
import type { OrgState, SimState } from "./state.ts";
import type { Json } from "./types.ts";
import { orgUrn } from "./urns.ts";

const ACL_ROLES = ("ADMINISTRATOR DIRECT_SPONSORED_CONTENT_POSTER RECRUITING_POSTER ANALYST " +
  "LEAD_CAPTURE_ADMINISTRATOR LEAD_GEN_FORMS_MANAGER CURATOR CONTENT_ADMINISTRATOR").split(" ");
const ACL_STATES = ["APPROVED", "REJECTED", "REQUESTED", "REVOKED"];
// The current edge type, and the legacy CamelCase one the v2 docs still show.
const EDGE_TYPES = ["COMPANY_FOLLOWED_BY_MEMBER", "CompanyFollowedByMember"];

/** `GET organizations/{id}`: the full profile for an administrator. */
export function organizationRoute(ctx: RequestContext, state: SimState): Json {
  const org = orgFor(ctx, state, decodeLeaf(ctx.key!, "id"), ADMIN_ROLES);
  return organizationBody(state, org, ctx.versioned);
}

/** `GET organizationAcls?q=roleAssignee`: the member's roles, filtered and paged. */
export function aclsRoute(ctx: RequestContext, state: SimState): Json {
  requireFinder(ctx.query, "roleAssignee");
  const role = ctx.query.scalar("role");
  const aclState = ctx.query.scalar("state");
  if (role !== undefined && !ACL_ROLES.includes(role)) throw paramInvalid("role");
  if (aclState !== undefined && !ACL_STATES.includes(aclState)) throw paramInvalid("state");
  const page = readPaging(ctx.query);
  const all = [...state.orgs.values()]
    .filter((o) => (role ?? o.role) === o.role && (aclState ?? o.state) === o.state)
    .map((o) => ({
      roleAssignee: state.memberUrn,
      state: o.state,
      role: o.role,
      organization: orgUrn(o.id),
    }));
  const elements = all.slice(page.start, page.start + page.count);
  // The real organizationAcls paging carries no total.
  return collection(ctx, elements, page, all.length, false);
}

/** `GET networkSizes/{urn}?edgeType=…`: `{firstDegreeSize}`. */
export function networkSizesRoute(ctx: RequestContext, state: SimState): Json {
  const id = /^urn:li:organization:(\d+)$/.exec(decodeLeaf(ctx.key!, "key"))?.[1];
  if (!id) throw badRequest(`Invalid resource key '${ctx.key}'`);
  const org = orgFor(ctx, state, id, ADMIN_ROLES);
  const edgeType = ctx.query.scalar("edgeType");
  if (edgeType === undefined) throw badRequest("Missing required query parameter 'edgeType'");
  if (!EDGE_TYPES.includes(edgeType)) throw paramInvalid("edgeType");
  return { firstDegreeSize: state.followerCount(org.id) };
}

/** The organization body; `versioned` (/rest) adds `$URN`. */
export function organizationBody(state: SimState, org: OrgState, versioned: boolean): Json {
  const rand = randomFor(state.seed, "organization", org.id);
  const locale = { country: "US", language: "en" };
  const localized = (text: string) => ({ localized: { en_US: text }, preferredLocale: locale });
  const description = `${org.name} builds tools for teams who measure what matters.`;
  const website = `https://www.${org.vanityName}.example.com`;
  const staffCountRange = STAFF_RANGES[rand("staff", 1, 6)];
  const created = 1_300_000_000_000 + rand("created", 0, 300_000_000) * 1000;
  const asset = (label: string) =>
    `urn:li:digitalmediaAsset:C4D0BAQ${rand(label, 1e8, 9e8).toString(36).toUpperCase()}`;
  const image = (label: string, width: number, height: number) => ({
    original: asset(label),
    cropped: asset(`${label}Cropped`),
    cropInfo: { x: 0, y: 0, width, height },
  });
  const address = {
    country: "US",
    city: "San Francisco",
    geographicArea: "CA",
    postalCode: "94105",
  };
  const body: Json = {
    vanityName: org.vanityName,
    localizedName: org.name,
    name: localized(org.name),
    localizedDescription: description,
    description: localized(description),
    localizedWebsite: website,
    website: localized(website),
    primaryOrganizationType: "NONE",
    organizationType: "PRIVATELY_HELD",
    staffCountRange,
    industries: [FACET_VALUES.industry[rand("industry", 0, 5)]],
    specialties: [
      { locale: { country: "US", language: "en" }, tags: ["Analytics", "Data pipelines"] },
    ],
    localizedSpecialties: ["Analytics", "Data pipelines"],
    alternativeNames: [],
    groups: [],
    locations: [{
      locationType: "HEADQUARTERS",
      address,
      staffCountRange,
      geoLocation: "urn:li:geo:90000084",
    }],
    foundedOn: { year: rand("founded", 1990, 2020) },
    defaultLocale: locale,
    versionTag: String(rand("versionTag", 1, 40)),
    logoV2: image("logo", 400, 400),
    coverPhotoV2: image("cover", 1536, 768),
    autoCreated: false,
    created: { actor: state.memberUrn, time: created },
    lastModified: { actor: state.memberUrn, time: created + rand("modified", 1, 9e5) * 1000 },
    id: Number(org.id),
  };
  if (versioned) body.$URN = orgUrn(org.id);
  return body;
}
