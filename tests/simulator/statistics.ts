/**
 * Organization-level statistics finders: follower, page and share statistics, lifetime (one
 * faceted element) or time-bound (one element per whole bucket).
 *
 * @module
 */

import { finderOrg, type RequestContext } from "./context.ts";
import { FACET_VALUES } from "./facets.ts";
import {
  buckets,
  checkWindow,
  GRAIN_SCALE,
  type Granularity,
  type Range,
  readTimeIntervals,
} from "./intervals.ts";
import { statisticsEnvelope } from "./paging.ts";
import { ADMIN_ROLES } from "./permissions.ts";
import { prefixed, type Rand, randomFor } from "./random.ts";
import type { OrgState, SimState } from "./state.ts";
import type { Json } from "./types.ts";
import { orgUrn } from "./urns.ts";

/** The three organization-level statistics endpoints. */
export type StatisticsEndpoint = "followerStatistics" | "pageStatistics" | "shareStatistics";

const FOLLOWER_FACETS: Array<[field: string, key: string, values: string[]]> = [
  ["followerCountsByAssociationType", "associationType", ["EMPLOYEE"]],
  ["followerCountsBySeniority", "seniority", FACET_VALUES.seniority],
  ["followerCountsByIndustry", "industry", FACET_VALUES.industry],
  ["followerCountsByFunction", "function", FACET_VALUES.function],
  ["followerCountsByStaffCountRange", "staffCountRange", FACET_VALUES.staffCountRange],
  ["followerCountsByGeoCountry", "geo", FACET_VALUES.country],
  ["followerCountsByGeo", "geo", FACET_VALUES.region],
];
const PAGE_FACETS: Array<[field: string, key: string, values: string[]]> = [
  ["pageStatisticsBySeniority", "seniority", FACET_VALUES.seniority],
  ["pageStatisticsByFunction", "function", FACET_VALUES.function],
  ["pageStatisticsByIndustryV2", "industryV2", FACET_VALUES.industry],
  ["pageStatisticsByStaffCountRange", "staffCountRange", FACET_VALUES.staffCountRange],
  ["pageStatisticsByGeoCountry", "geo", FACET_VALUES.country],
  ["pageStatisticsByGeo", "geo", FACET_VALUES.region],
];
const PAGE_SECTIONS = "overview about careers jobs lifeAt people products insights".split(" ");

/** A route handler for one statistics endpoint (the name also seeds its values). */
export function statisticsRoute(
  endpoint: StatisticsEndpoint,
): (ctx: RequestContext, state: SimState) => Json {
  return (ctx, state) => {
    const finder = endpoint === "pageStatistics" ? "organization" : "organizationalEntity";
    const org = finderOrg(ctx, state, finder, ADMIN_ROLES);
    const intervals = readTimeIntervals(ctx.query);
    const now = state.now();
    if (intervals) checkWindow(intervals, now);
    const elements = intervals
      ? buckets(intervals, now).map((b) =>
        bucketElement(state, endpoint, org, b, intervals.granularity)
      )
      : [lifetimeElement(state, endpoint, org)];
    return statisticsEnvelope(elements);
  };
}

function lifetimeElement(state: SimState, endpoint: StatisticsEndpoint, org: OrgState): Json {
  const urn = orgUrn(org.id);
  const rand = randomFor(state.seed, endpoint, org.id, "lifetime");
  if (endpoint === "followerStatistics") {
    return followerLifetime(rand, urn, state.followerCount(org.id));
  }
  if (endpoint === "pageStatistics") return pageLifetime(rand, urn);
  return { totalShareStatistics: shareTotals(rand, 300), organizationalEntity: urn };
}

/** One time-bound element; values depend only on (seed, organization, bucket, granularity). */
function bucketElement(
  state: SimState,
  endpoint: StatisticsEndpoint,
  org: OrgState,
  timeRange: Range,
  grain: Granularity,
): Json {
  const urn = orgUrn(org.id);
  const rand = randomFor(state.seed, endpoint, org.id, timeRange.start, grain);
  const scale = GRAIN_SCALE[grain];
  if (endpoint === "followerStatistics") {
    return { timeRange, followerGains: followerGains(rand, scale), organizationalEntity: urn };
  }
  if (endpoint === "pageStatistics") {
    const totalPageStatistics = {
      views: pageViews(rand, scale, true),
      clicks: pageClicks(rand, scale),
    };
    return { timeRange, totalPageStatistics, organization: urn };
  }
  return { timeRange, totalShareStatistics: shareTotals(rand, scale), organizationalEntity: urn };
}

function followerLifetime(rand: Rand, urn: string, total: number): Json {
  const element: Json = {};
  for (const [field, key, values] of FOLLOWER_FACETS) {
    // Facets are rolled into the organic count; the docs say paidFollowerCount is meaningless here.
    element[field] = values.map((value) => ({
      followerCounts: {
        organicFollowerCount: Math.floor((total * rand(`${field}|${value}`, 5, 300)) / 1000),
        paidFollowerCount: 0,
      },
      [key]: value,
    }));
  }
  element.organizationalEntity = urn;
  return element;
}

function followerGains(rand: Rand, scale: number): Json {
  return {
    organicFollowerGain: rand("organic", -3 * scale, 15 * scale),
    paidFollowerGain: rand("paid", 0, scale),
  };
}

function pageViews(rand: Rand, scale: number, unique: boolean): Json {
  const value = (label: string, n: number) =>
    unique
      ? { pageViews: n, uniquePageViews: Math.floor((n * rand(`${label}|u`, 40, 90)) / 100) }
      : { pageViews: n };
  const sections = PAGE_SECTIONS.map((name) => {
    const desktop = rand(`${name}|desktop`, 0, 8 * scale);
    const mobile = rand(`${name}|mobile`, 0, 6 * scale);
    // allPageViews and overview views include traffic the device breakdowns do not.
    return { name, desktop, mobile, total: desktop + mobile + rand(`${name}|other`, 0, scale) };
  });
  const sum = (pick: (s: (typeof sections)[number]) => number) =>
    sections.reduce((acc, s) => acc + pick(s), 0);
  const views: Json = {
    allPageViews: value("all", sum((s) => s.total) + rand("all", 0, 2 * scale)),
    allDesktopPageViews: value("allDesktop", sum((s) => s.desktop)),
    allMobilePageViews: value("allMobile", sum((s) => s.mobile)),
  };
  for (const s of sections) {
    const cap = s.name[0].toUpperCase() + s.name.slice(1);
    views[`${s.name}PageViews`] = value(s.name, s.total);
    views[`desktop${cap}PageViews`] = value(`desktop${cap}`, s.desktop);
    views[`mobile${cap}PageViews`] = value(`mobile${cap}`, s.mobile);
  }
  return views;
}

function pageClicks(rand: Rand, scale: number): Json {
  const c = (label: string) => rand(`clicks|${label}`, 0, 2 * scale);
  return {
    careersPageClicks: {
      careersPageBannerPromoClicks: c("banner"),
      careersPagePromoLinksClicks: c("promo"),
      careersPageJobsClicks: c("jobs"),
      careersPageEmployeesClicks: c("employees"),
    },
    mobileCareersPageClicks: {
      careersPagePromoLinksClicks: c("mobilePromo"),
      careersPageJobsClicks: c("mobileJobs"),
      careersPageEmployeesClicks: c("mobileEmployees"),
    },
    desktopCustomButtonClickCounts: [{ customButtonType: "VISIT_WEBSITE", clicks: c("desktop") }],
    mobileCustomButtonClickCounts: [{ customButtonType: "VISIT_WEBSITE", clicks: c("mobile") }],
  };
}

function pageLifetime(rand: Rand, urn: string): Json {
  const element: Json = {};
  for (const [field, key, values] of PAGE_FACETS) {
    element[field] = values.map((value) => ({
      [key]: value,
      pageStatistics: { views: pageViews(prefixed(rand, `${field}|${value}`), 20, false) },
    }));
  }
  element.totalPageStatistics = {
    views: pageViews(rand, 400, false),
    clicks: pageClicks(rand, 400),
  };
  element.organization = urn;
  return element;
}

function shareTotals(rand: Rand, scale: number): Json {
  const impressionCount = rand("impressions", 40 * scale, 400 * scale);
  const clickCount = rand("clicks", 1, impressionCount / 20);
  const likeCount = rand("likes", 0, impressionCount / 25);
  const commentCount = rand("comments", 0, impressionCount / 200);
  const shareCount = rand("shares", 0, impressionCount / 300);
  return {
    uniqueImpressionsCount: Math.floor((impressionCount * rand("unique", 50, 85)) / 100),
    shareCount,
    engagement: (clickCount + likeCount + commentCount + shareCount) / impressionCount,
    clickCount,
    likeCount,
    impressionCount,
    commentCount,
    shareMentionsCount: rand("shareMentions", 0, scale / 4),
    commentMentionsCount: rand("commentMentions", 0, scale / 4),
  };
}
