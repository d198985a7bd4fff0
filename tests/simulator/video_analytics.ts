/**
 * Video analytics: `videoAnalytics?q=entity&entity=<ugcPost urn>&type=<metric>&aggregation=…`,
 * one metric per call, by UTC day, by 7-day bucket or in total. Days without activity are left
 * out, as are days that have not ended; views, viewers and time watched for views are gone
 * after 6 months.
 *
 * @module
 */

import { orgFor, type RequestContext } from "./context.ts";
import { badRequest, paramInvalid } from "./errors.ts";
import { addUnits, DAY_MS, type Range, startOfDay } from "./intervals.ts";
import { statisticsEnvelope } from "./paging.ts";
import { VIDEO_ROLES } from "./permissions.ts";
import { prefixed, randomFor } from "./random.ts";
import { requireFinder, type RestliQuery, type RestliValue } from "./restli.ts";
import type { OrgState, SimState } from "./state.ts";
import type { Json, VideoMetric } from "./types.ts";
import { kindOfUrn } from "./urns.ts";

const METRICS: readonly VideoMetric[] = [
  "VIDEO_VIEW",
  "VIEWER",
  "TIME_WATCHED",
  "TIME_WATCHED_FOR_VIDEO_VIEWS",
];
const AGGREGATIONS = ["DAY", "WEEK", "ALL"] as const;
type Aggregation = (typeof AGGREGATIONS)[number];
/**
 * The metrics LinkedIn documents as kept for 6 months: views and viewers "not available after
 * 6 months", time watched for views "available for six months".
 */
const SIX_MONTH_METRICS: readonly VideoMetric[] = [
  "VIDEO_VIEW",
  "VIEWER",
  "TIME_WATCHED_FOR_VIDEO_VIEWS",
];
const WEEK_MS = 7 * DAY_MS;
// The docs say DAY and WEEK are limited without a timeRange once a video has more than ten
// days or weeks of records; the rest of the sentence is unread. Here: the last ten buckets.
const BUCKETS_WITHOUT_RANGE = 10;

/** The route handler: the finder envelope with the buckets that have activity, oldest first. */
export function videoAnalyticsRoute(ctx: RequestContext, state: SimState): Json {
  requireFinder(ctx.query, "entity");
  const entity = ctx.query.scalar("entity");
  if (entity === undefined) {
    throw badRequest("Missing required parameter 'entity' for finder 'entity'");
  }
  const type = oneOf(ctx.query, "type", METRICS);
  const aggregation = oneOf(ctx.query, "aggregation", AGGREGATIONS);
  const range = readTimeRange(ctx.query);
  const { org, index } = videoFor(ctx, state, entity);
  const value = (r: Range) => rangeTotal(state, org, index, type, r);
  const elements = aggregation === "ALL"
    ? [{ entity, type, value: value(range ?? lifetime(state, org, index)) }]
    : bucketsOf(state, org, index, aggregation, range).map((timeRange) => ({
      entity,
      type,
      value: value(timeRange),
      timeRange,
    }));
  const active = elements.filter((e) => e.value > 0);
  return statisticsEnvelope(range ? active : active.slice(-BUCKETS_WITHOUT_RANGE));
}

/**
 * The value of `type` for the video post `index` on the UTC day starting `day`, or undefined
 * when LinkedIn leaves the day out: no activity, before the publication day, not ended yet, or
 * (views, viewers, time watched for views) older than 6 calendar months. Values of a day never change.
 */
export function videoDayValue(
  state: SimState,
  org: OrgState,
  index: number,
  type: VideoMetric,
  day: number,
): number | undefined {
  const today = startOfDay(state.now());
  const published = startOfDay(org.timeline.createdAt(index));
  if (day < published || day >= today) return undefined;
  if (SIX_MONTH_METRICS.includes(type) && day < addUnits(today, "MONTH", -6)) return undefined;
  const value = dayMetrics(state, org, index, day, published)[type];
  return value > 0 ? value : undefined;
}

/** `videoDayValue` for a post URN of `org`: undefined unless it is a ugcPost video. */
export function videoAnalyticsValue(
  state: SimState,
  org: OrgState,
  urn: string,
  type: VideoMetric,
  day: number,
): number | undefined {
  const index = state.findPost(org, urn);
  if (index === undefined || kindOfUrn(urn) !== "ugcPost" || !state.isVideo(org, index)) {
    return undefined;
  }
  return videoDayValue(state, org, index, type, startOfDay(day));
}

/** All four metrics of one day: most views come in the first days, then an occasional trickle. */
function dayMetrics(
  state: SimState,
  org: OrgState,
  index: number,
  day: number,
  published: number,
): Record<VideoMetric, number> {
  const video = randomFor(state.seed, "videoAnalytics", org.id, index);
  const rand = prefixed(video, String(day));
  const age = (day - published) / DAY_MS;
  const launch = Math.floor(
    (video("launch", 40, 900) * 0.55 ** age * rand("noise", 50, 150)) / 100,
  );
  const views = launch + (rand("trickle", 0, 3) === 0 ? rand("trickleViews", 1, 4) : 0);
  const forViews = views * rand("msPerView", 3_000, 40_000);
  // Plays under 3 seconds are no views, but their time counts in TIME_WATCHED.
  const shortPlays = rand("short", 0, 4) === 0
    ? rand("shortMs", 300, 2_999) * rand("plays", 1, 3)
    : 0;
  return {
    VIDEO_VIEW: views,
    VIEWER: Math.ceil((views * rand("unique", 55, 100)) / 100),
    TIME_WATCHED: forViews + shortPlays,
    TIME_WATCHED_FOR_VIDEO_VIEWS: forViews,
  };
}

/** The sum of the day values served for the UTC days that start within `range`. */
function rangeTotal(
  state: SimState,
  org: OrgState,
  index: number,
  type: VideoMetric,
  range: Range,
): number {
  const today = startOfDay(state.now());
  const first = Math.max(startOfDay(org.timeline.createdAt(index)), range.start);
  let total = 0;
  for (
    let day = Math.ceil(first / DAY_MS) * DAY_MS;
    day < Math.min(range.end, today);
    day += DAY_MS
  ) {
    total += videoDayValue(state, org, index, type, day) ?? 0;
  }
  return total;
}

/** From the publication day to the end of yesterday (UTC). */
function lifetime(state: SimState, org: OrgState, index: number): Range {
  return { start: startOfDay(org.timeline.createdAt(index)), end: startOfDay(state.now()) };
}

/**
 * The buckets that have ended: DAY, the UTC days starting within the range; WEEK, the whole
 * 7-day buckets within it from its start (without a range, from the publication day).
 */
function bucketsOf(
  state: SimState,
  org: OrgState,
  index: number,
  aggregation: Exclude<Aggregation, "ALL">,
  range: Range | undefined,
): Range[] {
  const life = lifetime(state, org, index);
  const end = Math.min(range?.end ?? Infinity, life.end);
  if (aggregation === "DAY") {
    const out = [];
    const from = Math.max(Math.ceil((range?.start ?? 0) / DAY_MS) * DAY_MS, life.start);
    for (let day = from; day < end; day += DAY_MS) out.push({ start: day, end: day + DAY_MS });
    return out;
  }
  const origin = range?.start ?? life.start;
  const out = [];
  // Buckets that end before the publication day hold nothing: start at the first that may not.
  for (let k = Math.max(0, Math.floor((life.start - origin) / WEEK_MS));; k++) {
    const bucket = { start: origin + k * WEEK_MS, end: origin + (k + 1) * WEEK_MS };
    if (bucket.end > end) return out;
    out.push(bucket);
  }
}

/** The required parameter `name`, one of `allowed`: a 400 naming it when missing. */
function oneOf<T extends string>(query: RestliQuery, name: string, allowed: readonly T[]): T {
  const value = query.scalar(name);
  if (value === undefined) throw badRequest(`Parameter '${name}' is required`);
  if (!(allowed as readonly string[]).includes(value)) throw paramInvalid(name);
  return value as T;
}

/** `timeRange=(start:…,end:…)` or the 1.0 `timeRange.start=…&timeRange.end=…`, if given. */
function readTimeRange(query: RestliQuery): Range | undefined {
  const value = query.object("timeRange");
  if (value === undefined) return undefined;
  const integer = (v: RestliValue | undefined) =>
    typeof v === "string" && /^\d{1,15}$/.test(v) ? Number(v) : undefined;
  const start = integer(value.start);
  const end = integer(value.end);
  if (start === undefined || end === undefined) throw paramInvalid("timeRange");
  // LinkedIn's answer to an empty or reversed range is undocumented; this 400 is the simulator's.
  if (end <= start) throw badRequest("Invalid timeRange: end must be greater than start");
  return { start, end };
}

/** The video post `entity` names: 403 for a page the member may not read it on, else 400. */
function videoFor(
  ctx: RequestContext,
  state: SimState,
  entity: string,
): { org: OrgState; index: number } {
  if (!/^urn:li:[A-Za-z]+:\S+$/.test(entity)) throw paramInvalid("entity");
  // The docs say entity must be the ugcPost that holds the video; how LinkedIn answers a share
  // URN, another post or an unknown URN is undocumented: this 400 is the simulator's.
  const invalid = () =>
    badRequest(`Invalid entity '${entity}': not the ugcPost URN of a video post`);
  const owner = state.postOwner(entity);
  if (!owner) throw invalid();
  orgFor(ctx, state, owner.org.id, VIDEO_ROLES);
  if (kindOfUrn(entity) !== "ugcPost" || !state.isVideo(owner.org, owner.index)) throw invalid();
  return owner;
}
