/**
 * Social metadata: `socialMetadata/{post urn}` (GET) and `socialMetadata?ids=List(…)`
 * (BATCH_GET), the reaction counts by type and the comment counts of a post. A reaction type
 * without reactions is left out of `reactionSummaries`.
 *
 * @module
 */

import type { RequestContext } from "./context.ts";
import { badRequest, notFound, paramInvalid } from "./errors.ts";
import { DAY_MS } from "./intervals.ts";
import { POST_ROLES } from "./permissions.ts";
import { randomFor } from "./random.ts";
import { decodeLeaf } from "./restli.ts";
import type { OrgState, SimState } from "./state.ts";
import type { Json } from "./types.ts";

/** Reaction types, with the percentage of active posts that get any and the most they get. */
const REACTIONS: Array<[type: string, percent: number, most: number]> = [
  ["LIKE", 95, 80],
  ["PRAISE", 55, 20],
  ["EMPATHY", 35, 12],
  ["INTEREST", 45, 15],
  ["APPRECIATION", 40, 10],
  ["ENTERTAINMENT", 20, 8],
];

// LinkedIn documents no limit on the ids of this BATCH_GET; the simulator answers 400 above 100.
const MAX_IDS = 100;

/** `GET socialMetadata/{urn}`: the key raw or percent-encoded; 404 for anything not readable. */
export function socialMetadataRoute(ctx: RequestContext, state: SimState): Json {
  const element = servedElement(state, decodeLeaf(ctx.key!, "key"));
  if (!element) throw notFound();
  return element;
}

/** `GET socialMetadata?ids=…`: results, statuses and errors by decoded URN. */
export function socialMetadataBatchRoute(ctx: RequestContext, state: SimState): Json {
  const ids = ctx.query.list("ids");
  if (ids === undefined) throw badRequest("Missing required query parameter 'ids'");
  if (ids.length > MAX_IDS) {
    throw badRequest(`Too many ids: ${ids.length}; at most ${MAX_IDS} are allowed per request`);
  }
  // The keys are typed as URNs: anything else is a syntax error, not an absent post.
  if (ids.some((urn) => !/^urn:li:[A-Za-z]+:\S+$/.test(urn))) throw paramInvalid("ids");
  const results: Json = {};
  const statuses: Json = {};
  const errors: Json = {};
  for (const urn of ids) {
    const element = servedElement(state, urn);
    if (element) {
      results[urn] = element;
      statuses[urn] = 200;
    } else {
      errors[urn] = { status: 404, message: "Not Found" };
      statuses[urn] = 404;
    }
  }
  return { results, statuses, errors };
}

/**
 * The element for post `index` of `org`. Counts are deterministic for (seed, organization,
 * post) and grow with the post's age in whole UTC days, so they never shrink: most reactions
 * and comments come in the first days, then reactions keep trickling in.
 */
export function socialMetadataElement(state: SimState, org: OrgState, index: number): Json {
  const rand = randomFor(state.seed, "socialMetadata", org.id, index);
  const publishedAt = org.timeline.createdAt(index);
  const age = Math.max(0, Math.floor(state.now() / DAY_MS) - Math.floor(publishedAt / DAY_MS));
  const grown = (total: number) => Math.floor(total * (1 - 0.5 ** (age + 1)));
  const quiet = rand("quiet", 0, 6) === 0; // about one post in seven: no reactions, no comments
  const reactionSummaries: Json = {};
  for (const [type, percent, most] of REACTIONS) {
    const total = !quiet && rand(`${type}|any`, 0, 99) < percent ? rand(type, 1, most) : 0;
    const count = total && grown(total) + Math.floor(age / rand(`${type}|every`, 4, 30));
    if (count > 0) reactionSummaries[type] = { reactionType: type, count };
  }
  const topLevel = quiet ? 0 : rand("topLevel", 0, 12);
  const replies = rand("replies", 0, topLevel);
  const topLevelCount = grown(topLevel);
  return {
    entity: state.postUrn(org, index),
    reactionSummaries,
    commentSummary: { count: topLevelCount + grown(replies), topLevelCount },
    commentsState: "OPEN",
  };
}

/** The element for `urn` if it is a post of an organization the member may read posts of. */
function servedElement(state: SimState, urn: string): Json | undefined {
  const owner = state.postOwner(urn);
  if (!owner) return undefined;
  const { org, index } = owner;
  if (org.state !== "APPROVED" || !POST_ROLES.includes(org.role)) return undefined;
  return socialMetadataElement(state, org, index);
}
