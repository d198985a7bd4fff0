/**
 * Per-post share statistics: `organizationalEntityShareStatistics?q=organizationalEntity` with
 * `shares=List(…)` and/or `ugcPosts=List(…)`. Lifetime totals only; LinkedIn leaves out posts
 * without activity, posts outside the rolling 12-month window, URNs that are not posts of the
 * organization, and URNs given in the list of the other kind.
 *
 * @module
 */

import { finderOrg, type RequestContext } from "./context.ts";
import { badRequest, paramInvalid } from "./errors.ts";
import { addUnits, DAY_MS } from "./intervals.ts";
import { statisticsEnvelope } from "./paging.ts";
import { ADMIN_ROLES } from "./permissions.ts";
import { randomFor } from "./random.ts";
import type { RestliQuery } from "./restli.ts";
import type { OrgState, SimState } from "./state.ts";
import type { Json } from "./types.ts";
import { kindOfUrn, orgUrn, type PostKind } from "./urns.ts";

/** Each list parameter and the only kind of URN it yields statistics for. */
const POST_LISTS: Array<[param: string, kind: PostKind]> = [
  ["shares", "share"],
  ["ugcPosts", "ugcPost"],
];

/**
 * The 400 message for `timeIntervals` combined with specific posts. LinkedIn documents the
 * rule (lifetime only), not the wording of its answer: this text is the simulator's.
 */
export const LIFETIME_ONLY_MESSAGE: string =
  "Invalid query parameters: timeIntervals cannot be combined " +
  "with shares or ugcPosts. Statistics of specific posts are lifetime only.";

/** Whether a share-statistics query names specific posts (`shares` or `ugcPosts`, any form). */
export function namesPosts(query: RestliQuery): boolean {
  return POST_LISTS.some(([param]) => query.has(param));
}

/** The route handler: one element per distinct URN that has statistics, in request order. */
export function postStatisticsRoute(ctx: RequestContext, state: SimState): Json {
  const org = finderOrg(ctx, state, "organizationalEntity", ADMIN_ROLES);
  if (ctx.query.has("timeIntervals")) throw badRequest(LIFETIME_ONLY_MESSAGE);
  const lists = POST_LISTS.map(([param, kind]) => {
    const urns = ctx.query.list(param) ?? [];
    // The parameters are typed as URNs: anything else is a syntax error, not an absent post.
    if (urns.some((urn) => !/^urn:li:[A-Za-z]+:\S+$/.test(urn))) throw paramInvalid(param);
    return { kind, urns };
  });
  const seen = new Set<string>();
  const elements: Json[] = [];
  for (const { kind, urns } of lists) {
    for (const urn of urns) {
      // A URN of the other kind yields nothing: LinkedIn's documented "absent = zero" trap.
      if (kindOfUrn(urn) !== kind || seen.has(urn)) continue;
      seen.add(urn);
      const element = postStatisticsElement(state, org, urn);
      if (element) elements.push(element);
    }
  }
  return statisticsEnvelope(elements);
}

/**
 * The element served for `urn` when asked in the list of its own kind, or undefined when
 * LinkedIn leaves it out. Values are lifetime totals, deterministic for (seed, organization,
 * post), that grow with the post's age in whole UTC days at the simulator's now.
 */
export function postStatisticsElement(
  state: SimState,
  org: OrgState,
  urn: string,
): Json | undefined {
  const kind = kindOfUrn(urn);
  const index = state.findPost(org, urn);
  // A URN that is not one of the organization's posts gets no element. Undocumented: one
  // integrator saw a 403 "Unpermitted fields" for a share the page may not own.
  if (kind === undefined || index === undefined) return undefined;
  const rand = randomFor(state.seed, "postStatistics", org.id, index);
  if (rand("activity", 0, 5) === 0) return undefined; // about one post in six has no activity
  const now = state.now();
  const publishedAt = org.timeline.createdAt(index);
  if (publishedAt < addUnits(now, "MONTH", -12)) return undefined; // the rolling 12 months
  const age = Math.max(0, Math.floor(now / DAY_MS) - Math.floor(publishedAt / DAY_MS));
  // Most impressions come in the first days, then a steady trickle: strictly more every day.
  const launch = rand("launch", 150, 6000);
  const impressionCount = Math.floor(launch * (1 - 0.5 ** (age + 1))) + rand("tail", 1, 12) * age;
  const share = (label: string, lo: number, hi: number) =>
    Math.floor((impressionCount * rand(label, lo, hi)) / 1000);
  const clickCount = Math.max(1, share("clicks", 8, 60));
  // LinkedIn documents that likeCount can be negative; here about one post in 40, fixed.
  const likeCount = rand("negativeLikes", 0, 39) === 0
    ? -rand("unlikes", 1, 3)
    : share("likes", 5, 45);
  const commentCount = share("comments", 0, 6);
  const shareCount = share("shares", 0, 4);
  return {
    organizationalEntity: orgUrn(org.id),
    [kind]: urn,
    totalShareStatistics: {
      impressionCount,
      uniqueImpressionsCount: share("unique", 550, 850),
      clickCount,
      likeCount,
      commentCount,
      shareCount,
      engagement: (clickCount + likeCount + commentCount + shareCount) / impressionCount,
    },
  };
}
