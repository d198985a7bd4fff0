/**
 * Video posts: the `content.media` of a post that carries a video, and the organization's video
 * posts. Which posts are videos is the state's (`SimState.isVideo`).
 *
 * @module
 */

import type { OrgState, SimState } from "./state.ts";
import type { Json } from "./types.ts";

const TITLES = [
  "Product tour in 90 seconds",
  "Meet the team",
  "Customer story: from spreadsheets to dashboards",
  "Release walkthrough",
];

/** The Posts API `content` of a video post: `{media: {id: urn:li:video:…, title}}`. */
export function videoContent(number: string, index: number): Json {
  return { media: { id: `urn:li:video:${number}`, title: TITLES[index % TITLES.length] } };
}

/** The URNs (ugcPost and share) of the organization's video posts, newest lastModifiedAt first. */
export function videoPostUrns(state: SimState, org: OrgState): string[] {
  return org.timeline.byLastModified(0, org.timeline.size)
    .filter((i) => state.isVideo(org, i))
    .map((i) => state.postUrn(org, i));
}
