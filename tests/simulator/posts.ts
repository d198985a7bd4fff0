/**
 * The Posts API: `posts?q=author` (newest first, paged) and the post bodies, generated lazily
 * from (seed, organization, post index).
 *
 * @module
 */

import { finderOrg, type RequestContext } from "./context.ts";
import { paramInvalid } from "./errors.ts";
import { collection, readPaging } from "./paging.ts";
import { POST_ROLES } from "./permissions.ts";
import { type Rand, randomFor } from "./random.ts";
import type { OrgState, SimState } from "./state.ts";
import type { Json } from "./types.ts";
import { orgUrn, postNumber } from "./urns.ts";
import { videoContent } from "./videos.ts";

const MAX_POSTS_COUNT = 100;

// Post texts cycle through these so every page carries the characters a connector must escape.
const COMMENTARIES: Array<(n: number, org: string) => string> = [
  (n, org) => `${org} is hiring! Post #${n} — join the team 🚀`,
  (n) => `Quarterly update ${n}:\n• revenue up\n• churn down\n\n#growth #saas`,
  (n) => `He said "ship it" and we did. Release ${n} is live.`,
  (n) => `Line one\u2028line two after a LINE SEPARATOR\u2029and a PARAGRAPH SEPARATOR (${n})`,
  (n) => `Ünïcödé façade, naïve café, 日本語テキスト, emoji 👩‍💻🎉 — post ${n}`,
  (n) => `Plain announcement number ${n}.`,
  (n) => `Backslash \\ and\ttab, plus a {"json": "looking"} snippet (${n})`,
];

/** `GET posts?q=author&author=<org urn>`: `sortBy` LAST_MODIFIED (default) or CREATED. */
export function postsRoute(ctx: RequestContext, state: SimState): Json {
  const org = finderOrg(ctx, state, "author", POST_ROLES);
  const sortBy = ctx.query.scalar("sortBy") ?? "LAST_MODIFIED";
  if (sortBy !== "LAST_MODIFIED" && sortBy !== "CREATED") throw paramInvalid("sortBy");
  const page = readPaging(ctx.query, MAX_POSTS_COUNT);
  const timeline = org.timeline;
  const indices = sortBy === "CREATED"
    ? timeline.byCreated(page.start, page.count)
    : timeline.byLastModified(page.start, page.count);
  const elements = indices.map((i) => postBody(state, org, i));
  return collection(ctx, elements, page, timeline.size, true);
}

/** The Posts API element for post `index` of `org`. */
export function postBody(state: SimState, org: OrgState, index: number): Json {
  const rand = randomFor(state.seed, "post", org.id, index);
  const number = postNumber(org.ordinal, index);
  const createdAt = org.timeline.createdAt(index);
  const lastModifiedAt = org.timeline.lastModifiedAt(index);
  const post: Json = {
    isReshareDisabledByAuthor: rand("reshare", 0, 9) === 0,
    createdAt,
    lifecycleState: "PUBLISHED",
    lastModifiedAt,
    visibility: "PUBLIC",
    publishedAt: createdAt,
    author: orgUrn(org.id),
    id: state.postUrn(org, index),
    distribution: {
      feedDistribution: "MAIN_FEED",
      targetEntities: [],
      thirdPartyDistributionChannels: [],
    },
    commentary: COMMENTARIES[index % COMMENTARIES.length](index + 1, org.name),
    lifecycleStateInfo: { isEditedByAuthor: lastModifiedAt !== createdAt },
  };
  const content = state.isVideo(org, index)
    ? videoContent(number, index)
    : postContent(rand, number);
  if (content) post.content = content;
  return post;
}

function postContent(rand: Rand, number: string): Json | undefined {
  const image = (n: number) => ({
    id: `urn:li:image:D4D22AQ${n}${number.slice(-8)}`,
    altText: `Image ${n} of post ${number}`,
  });
  const article = {
    source: `https://blog.example.com/posts/${number}`,
    title: "What we learned shipping weekly",
    description: "Notes from a year of small releases",
  };
  const variants = [{ media: image(0) }, { article }, {
    multiImage: { images: [image(1), image(2)] },
  }];
  return variants[rand("content", 0, 3)]; // index 3: no content
}
