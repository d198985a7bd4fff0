/**
 * The simulated world: the organizations, their posts' timelines and kinds (and which posts carry
 * a video), the member, the seed and the clock. Route handlers read it; the simulator's test hooks
 * change it.
 *
 * @module
 */

import { DAY_MS } from "./intervals.ts";
import { randomFor } from "./random.ts";
import { PostTimeline } from "./timeline.ts";
import type { SimOrganization } from "./types.ts";
import { parsePostId, type PostKind, postNumber } from "./urns.ts";

/** The organizations a simulator starts with when none are given. */
export const DEFAULT_ORGANIZATIONS: SimOrganization[] = [
  { id: "2414183", name: "Devtestco", vanityName: "devtestco", postCount: 120 },
  { id: "5515715", name: "Acme Analytics", vanityName: "acme-analytics", postCount: 30 },
  {
    id: "90362860",
    name: "Showcase Labs",
    vanityName: "showcase-labs",
    role: "ANALYST",
    postCount: 5,
  },
];

/** An organization as the simulator holds it. */
export interface OrgState {
  /** Numeric id as a string. */
  id: string;
  /** `localizedName`. */
  name: string;
  /** `vanityName`. */
  vanityName: string;
  /** The member's role on the page. */
  role: string;
  /** The member's ACL state. */
  state: string;
  /** Position among the configured organizations; part of every post number. */
  ordinal: number;
  /** Post order and times. */
  timeline: PostTimeline;
  /** Post indices whose kind differs from the seeded one, so that both kinds occur. */
  kindOverrides: Map<number, PostKind>;
  /** Post indices that carry a video though the seed says not, so that enough videos occur. */
  videoOverrides: Set<number>;
  /** When the organization names its number of videos: exactly these posts are videos. */
  videoChoice?: Set<number>;
}

/** The simulated data shared by every route. */
export class SimState {
  /** The authenticated member, `urn:li:person:…`. */
  readonly memberUrn: string;
  /** The organizations by id. */
  readonly orgs = new Map<string, OrgState>();

  /** Builds the organizations; `postsPerOrganization` applies where `postCount` is not given. */
  constructor(
    readonly seed: number,
    readonly now: () => number,
    organizations: SimOrganization[],
    private readonly postsPerOrganization: number,
  ) {
    this.memberUrn = `urn:li:person:${randomFor(seed, "member")("id", 1e8, 9e8).toString(36)}`;
    organizations.forEach((org, ordinal) => this.orgs.set(org.id, this.createOrg(org, ordinal)));
  }

  /** The organization with `id`; an Error (not an API error) when there is none. */
  org(id: string): OrgState {
    const org = this.orgs.get(id);
    if (!org) throw new Error(`unknown organization ${id}`);
    return org;
  }

  /** The organization's total follower count (networkSizes `firstDegreeSize`). */
  followerCount(organizationId: string): number {
    return randomFor(this.seed, "followers", this.org(organizationId).id)("total", 800, 250_000);
  }

  /** Whether post `index` is a share or a ugcPost: about one in four is a ugcPost. */
  postKind(org: OrgState, index: number): PostKind {
    return org.kindOverrides.get(index) ?? this.seededKind(org, index);
  }

  /**
   * Whether post `index` is a video post: about one in ten. Videos are ugcPosts, except that
   * LinkedIn returns a few (here about one video in fifteen) with a share URN.
   */
  isVideo(org: OrgState, index: number): boolean {
    if (org.videoChoice) return org.videoChoice.has(index);
    return org.videoOverrides.has(index) || this.seededVideo(org, index);
  }

  /** The post's `id`, `urn:li:share:…` or `urn:li:ugcPost:…`. */
  postUrn(org: OrgState, index: number): string {
    return `urn:li:${this.postKind(org, index)}:${postNumber(org.ordinal, index)}`;
  }

  /** The index of the post `urn` names, if it is a post of `org` of exactly that kind. */
  findPost(org: OrgState, urn: string): number | undefined {
    const parsed = /^urn:li:(?:share|ugcPost):\d{19}$/.test(urn) ? parsePostId(urn) : undefined;
    if (!parsed || parsed.ordinal !== org.ordinal || parsed.index >= org.timeline.size) {
      return undefined;
    }
    return this.postUrn(org, parsed.index) === urn ? parsed.index : undefined;
  }

  /** The organization and index of the post `urn` names, exactly as served, if any. */
  postOwner(urn: string): { org: OrgState; index: number } | undefined {
    for (const org of this.orgs.values()) {
      const index = this.findPost(org, urn);
      if (index !== undefined) return { org, index };
    }
    return undefined;
  }

  /** Adds `n` posts, newer than every existing post. */
  addPosts(organizationId: string, n: number): void {
    const timeline = this.org(organizationId).timeline;
    timeline.append(n, timeline.freshTime(this.now()), 1);
  }

  /** Sets a post's lastModifiedAt to now; the post may be named by URN or bare number. */
  touchPost(organizationId: string, postId: string): void {
    const org = this.org(organizationId);
    const parsed = parsePostId(postId);
    if (!parsed || parsed.ordinal !== org.ordinal || parsed.index >= org.timeline.size) {
      throw new Error(`unknown post ${postId} for organization ${organizationId}`);
    }
    org.timeline.touch(parsed.index, this.now());
  }

  /** The kind from the seed alone. */
  private seededKind(org: OrgState, index: number): PostKind {
    return randomFor(this.seed, "post", org.id, index)("kind", 0, 3) === 0 ? "ugcPost" : "share";
  }

  /** Video or not from the seed alone: 40% of ugcPosts, about 1% of shares. */
  private seededVideo(org: OrgState, index: number): boolean {
    const rand = randomFor(this.seed, "video", org.id, index);
    return this.postKind(org, index) === "ugcPost"
      ? rand("ugcPost", 0, 4) < 2
      : rand("share", 0, 104) === 0;
  }

  /** The organization with its initial posts. */
  private createOrg(org: SimOrganization, ordinal: number): OrgState {
    const count = org.postCount ?? this.postsPerOrganization;
    const step = org.postSpanDays === undefined
      // By default posts are at most 6 hours apart, newest about an hour ago.
      ? Math.max(60_000, Math.min(6 * 3_600_000, Math.floor((730 * DAY_MS) / count)))
      : spanStep(org.postSpanDays, count);
    const base = this.now() - 3_600_000 - (count - 1) * step;
    const rand = randomFor(this.seed, "edits", org.id);
    const timeline = new PostTimeline();
    timeline.append(
      count,
      base,
      step,
      (k) => rand(`${k}`, 0, 3) ? 0 : rand(`${k}|delta`, 1, step / 2),
    );
    const state: OrgState = {
      id: org.id,
      name: org.name,
      vanityName: org.vanityName,
      role: org.role ?? "ADMINISTRATOR",
      state: org.state ?? "APPROVED",
      ordinal,
      timeline,
      kindOverrides: new Map(),
      videoOverrides: new Set(),
    };
    this.mixKinds(state, count);
    if (org.videoPosts === undefined) this.mixVideos(state, count);
    else state.videoChoice = this.chooseVideos(state, count, org.videoPosts);
    return state;
  }

  /** `n` ugcPosts spread evenly over the organization's ugcPosts, newest first. */
  private chooseVideos(org: OrgState, count: number, n: number): Set<number> {
    const ugcPosts: number[] = [];
    for (let i = count - 1; i >= 0; i--) {
      if (this.postKind(org, i) === "ugcPost") ugcPosts.push(i);
    }
    if (n > ugcPosts.length) {
      throw new Error(`${org.id} has ${ugcPosts.length} ugcPosts, fewer than videoPosts ${n}`);
    }
    const step = ugcPosts.length / Math.max(n, 1);
    return new Set(Array.from({ length: n }, (_, k) => ugcPosts[Math.floor(k * step)]));
  }

  /** With 5 or more initial posts, makes sure both kinds occur by flipping one seeded post. */
  private mixKinds(org: OrgState, count: number): void {
    if (count < 5) return;
    const first = this.seededKind(org, count - 1);
    for (let i = count - 2; i >= 0; i--) {
      if (this.seededKind(org, i) !== first) return;
    }
    const index = randomFor(this.seed, "kinds", org.id)("flip", 0, count - 1);
    org.kindOverrides.set(index, first === "share" ? "ugcPost" : "share");
  }

  /**
   * With 20 or more initial posts, makes sure at least one post in 25 is a ugcPost video, and with
   * 100 or more that a share-URN video occurs, by making the newest fitting posts videos. Kinds
   * never change: only ugcPosts become ugcPost videos, only shares share-URN videos.
   */
  private mixVideos(org: OrgState, count: number): void {
    if (count < 20) return;
    const wanted: Record<PostKind, number> = {
      ugcPost: Math.ceil(count / 25),
      share: count >= 100 ? 1 : 0,
    };
    for (let i = 0; i < count; i++) {
      if (this.isVideo(org, i)) wanted[this.postKind(org, i)]--;
    }
    for (let i = count - 1; i >= 0; i--) {
      const kind = this.postKind(org, i);
      if (wanted[kind] > 0 && !this.isVideo(org, i)) {
        org.videoOverrides.add(i);
        wanted[kind]--;
      }
    }
  }
}

/** createdAt spacing that spreads `count` posts over `days` days. */
function spanStep(days: number, count: number): number {
  if (!Number.isFinite(days) || days < 0) throw new Error(`invalid postSpanDays ${days}`);
  return count > 1 ? Math.max(1, Math.floor((days * DAY_MS) / (count - 1))) : 0;
}
