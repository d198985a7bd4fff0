/**
 * URNs: organization URNs, post numbers (unique across organizations) and post URN parsing.
 *
 * @module
 */

/** The two kinds of post URN the Posts API returns. */
export type PostKind = "share" | "ugcPost";

const POST_ID_BASE = 7_100_000_000_000_000_000n;
const POST_ID_ORG_STRIDE = 1_000_000_000_000n;

/** `urn:li:organization:<id>`. */
export function orgUrn(id: string): string {
  return `urn:li:organization:${id}`;
}

/** The 19-digit number of post `index` of the organization with `ordinal`. */
export function postNumber(ordinal: number, index: number): string {
  return (POST_ID_BASE + BigInt(ordinal) * POST_ID_ORG_STRIDE + BigInt(index)).toString();
}

/** (organization ordinal, post index) for a post URN or bare post number, if it is well-formed. */
export function parsePostId(id: string): { ordinal: number; index: number } | undefined {
  const m = /^(?:urn:li:(?:share|ugcPost):)?(\d{19})$/.exec(id);
  if (!m) return undefined;
  const offset = BigInt(m[1]) - POST_ID_BASE;
  if (offset < 0n) return undefined;
  return {
    ordinal: Number(offset / POST_ID_ORG_STRIDE),
    index: Number(offset % POST_ID_ORG_STRIDE),
  };
}

/** The kind a URN claims (`urn:li:share:…` or `urn:li:ugcPost:…`), if it is a post URN at all. */
export function kindOfUrn(urn: string): PostKind | undefined {
  return /^urn:li:(share|ugcPost):/.exec(urn)?.[1] as PostKind | undefined;
}
