/**
 * How LinkedIn's elements become records: LinkedIn's element kept as it is, plus the
 * fields the connector adds (the organization, the snapshot date, the post, a time
 * range's bounds, counts LinkedIn leaves out). Each function is the `toRow` or `rows`
 * of one or more streams in `lib/streams.ts`; every record is a fresh object or an
 * element the engine owns.
 *
 * @module
 */
import { batchResults, elementsOf, type Row } from "./answers.ts";
import type { Answer, Batch, BatchRows, RowContext } from "./definitions.ts";
import { systemError } from "./errors.ts";
import { isJsonObject } from "./files.ts";
import { batchItemError } from "./outcomes.ts";
import { organizationUrn } from "./restli.ts";
import { isoDate } from "./windows.ts";

/**
 * The record of an element that belongs to an organization: the element plus `organizationId`.
 *
 * @example
 * ```ts
 * withOrganization({ id: "urn:li:share:1" }, { organizationId: "7", syncDate: "2026-12-01" });
 * // { id: "urn:li:share:1", organizationId: "7" }
 * ```
 */
export function withOrganization(element: Row, { organizationId }: RowContext): Row {
  element.organizationId = organizationId;
  return element;
}

/**
 * The record of a lifetime value: the element plus `organizationId` and `snapshotDate`, the
 * date that tells one day's snapshot from the next.
 *
 * @example
 * ```ts
 * withSnapshot({ firstDegreeSize: 5 }, { organizationId: "7", syncDate: "2026-12-01" });
 * // { firstDegreeSize: 5, organizationId: "7", snapshotDate: "2026-12-01" }
 * ```
 */
export function withSnapshot(element: Row, { organizationId, syncDate }: RowContext): Row {
  element.organizationId = organizationId;
  element.snapshotDate = syncDate;
  return element;
}

/**
 * The record of a time-bound statistics element: plus `organizationId`, `timeRangeStart`,
 * `timeRangeEnd` and the bucket's UTC `date`.
 *
 * @example
 * ```ts
 * withTimeRange({ timeRange: { start: 0, end: 86_400_000 } }, { organizationId: "7", syncDate: "2026-12-01" }).date;
 * // "1970-01-01"
 * ```
 */
export function withTimeRange(element: Row, { organizationId }: RowContext): Row {
  const { start, end } = timeRangeOf(element, "time-bound statistics element");
  element.organizationId = organizationId;
  element.timeRangeStart = start;
  element.timeRangeEnd = end;
  element.date = isoDate(start);
  return element;
}

/** The counts of a post LinkedIn leaves out of per-post statistics: "assumed to be 0". */
const NO_SHARE_ACTIVITY = {
  impressionCount: 0,
  uniqueImpressionsCount: 0,
  clickCount: 0,
  likeCount: 0,
  commentCount: 0,
  shareCount: 0,
  engagement: 0,
};

/**
 * The records of one answered batch of per-post share statistics, one per post of the
 * batch, in its order: LinkedIn's element, or zero counts for a post it left out.
 *
 * @example
 * ```ts
 * const batch = { group: "share", ids: ["urn:li:share:1", "urn:li:share:2"] };
 * const body = { elements: [{ share: "urn:li:share:2", totalShareStatistics: { impressionCount: 9 } }] };
 * postStatisticsRows([{ body, where: "GET …" }], batch, { organizationId: "7", syncDate: "2026-12-01" })
 *   .rows.map((row) => row.post); // ["urn:li:share:1", "urn:li:share:2"]
 * ```
 */
export function postStatisticsRows(
  answers: readonly Answer[],
  batch: Batch,
  context: RowContext,
): BatchRows {
  const byId = new Map<string, Row>();
  for (const answer of answers) {
    for (const element of elementsOf(answer.body, "elements", answer.where)) {
      const id = typeof element.share === "string"
        ? element.share
        : typeof element.ugcPost === "string"
        ? element.ugcPost
        : undefined;
      if (id === undefined) {
        throw systemError(
          `LinkedIn's answer to ${answer.where} has an element that names no post: ` +
            JSON.stringify(element).slice(0, 200),
        );
      }
      byId.set(id, element);
    }
  }
  // Only answers that succeeded reach here: a post left out of one had no activity.
  const rows = batch.ids.map((id) =>
    perPost(
      byId.get(id) ?? {
        organizationalEntity: organizationUrn(context.organizationId),
        [batch.group]: id,
        totalShareStatistics: { ...NO_SHARE_ACTIVITY },
      },
      id,
      context,
    )
  );
  return { rows };
}

/** The reaction types of social metadata, with the record field each one's count goes in. */
const REACTION_FIELDS: Record<string, string> = {
  LIKE: "likeReactions",
  PRAISE: "praiseReactions",
  EMPATHY: "empathyReactions",
  INTEREST: "interestReactions",
  APPRECIATION: "appreciationReactions",
  ENTERTAINMENT: "entertainmentReactions",
};

/**
 * The records of social metadata, from a batch get (`results` by URN) or from one answer
 * per post: LinkedIn's element plus the counts by reaction type (0 for a type LinkedIn
 * leaves out), `totalReactions`, `comments` and `topLevelComments`.
 *
 * @example
 * ```ts
 * const batch = { group: "post", ids: ["urn:li:share:1"] };
 * const element = { reactionSummaries: { LIKE: { reactionType: "LIKE", count: 3 } } };
 * const body = { results: { "urn:li:share:1": element }, statuses: {}, errors: {} };
 * socialMetadataRows([{ body, where: "GET …" }], batch, { organizationId: "7", syncDate: "2026-12-01" })
 *   .rows[0].likeReactions; // 3
 * ```
 */
export function socialMetadataRows(
  answers: readonly Answer[],
  batch: Batch,
  context: RowContext,
): BatchRows {
  const found = new Map<string, { element: Row; where: string }>();
  const missing = new Map<string, number>();
  for (const answer of answers) {
    const { where } = answer;
    if (answer.id !== undefined) {
      found.set(answer.id, { element: elementsOf(answer.body, "body", where)[0], where });
      continue;
    }
    const { results, failed } = batchResults(answer.body, batch.ids, where);
    for (const [id, element] of results) found.set(id, { element, where });
    for (const [id, status] of failed) {
      // Not found: the post is gone. Any other status is a failure, never "no reactions".
      if (status !== 404) throw batchItemError(id, status, where);
      missing.set(id, status);
    }
  }
  const rows = batch.ids.flatMap((id) => {
    if (!found.has(id)) return [];
    const { element, where } = found.get(id)!;
    const reactions = isJsonObject(element.reactionSummaries) ? element.reactionSummaries : {};
    const row = perPost(element, id, context);
    let total = 0;
    for (const field of Object.values(REACTION_FIELDS)) row[field] = 0;
    for (const [type, summary] of Object.entries(reactions)) {
      const count = countOf(isJsonObject(summary) ? summary.count : undefined, where, type);
      total += count;
      if (type in REACTION_FIELDS) row[REACTION_FIELDS[type]] = count;
    }
    row.totalReactions = total;
    const comments = isJsonObject(element.commentSummary) ? element.commentSummary : {};
    row.comments = countOf(comments.count ?? 0, where, "commentSummary.count");
    row.topLevelComments = countOf(
      comments.topLevelCount ?? 0,
      where,
      "commentSummary.topLevelCount",
    );
    return [row];
  });
  return { rows, missing };
}

/** The record field of each video analytics metric type. */
export const VIDEO_METRICS: Record<string, string> = {
  VIDEO_VIEW: "videoViews",
  VIEWER: "viewers",
  TIME_WATCHED: "timeWatchedMs",
  TIME_WATCHED_FOR_VIDEO_VIEWS: "timeWatchedForVideoViewsMs",
};

/**
 * The records of one video's analytics: one per UTC day any metric has an element for,
 * with every metric as a field (0 on a day LinkedIn has no element of that metric for).
 *
 * @example
 * ```ts
 * const day = { start: Date.UTC(2026, 10, 1), end: Date.UTC(2026, 10, 2) };
 * const answers = [{ variant: "VIDEO_VIEW", where: "GET …", body: { elements: [{ value: 4, timeRange: day }] } }];
 * const batch = { group: "video", ids: ["urn:li:ugcPost:9"] };
 * videoAnalyticsRows(answers, batch, { organizationId: "7", syncDate: "2026-12-01" }).rows[0].videoViews; // 4
 * ```
 */
export function videoAnalyticsRows(
  answers: readonly Answer[],
  batch: Batch,
  context: RowContext,
): BatchRows {
  const [post] = batch.ids;
  const days = new Map<number, Row>();
  for (const answer of answers) {
    const field = VIDEO_METRICS[answer.variant ?? ""];
    if (!field) throw systemError(`${answer.where}: no video metric named ${answer.variant}.`);
    for (const element of elementsOf(answer.body, "elements", answer.where)) {
      const { start, end } = timeRangeOf(element, "video analytics element", answer.where);
      if (typeof element.value !== "number") {
        throw systemError(
          `LinkedIn's answer to ${answer.where} has an element without a numeric value: ` +
            JSON.stringify(element).slice(0, 200),
        );
      }
      let row = days.get(start);
      if (!row) {
        row = { organizationId: context.organizationId, post, date: isoDate(start) };
        row.timeRangeStart = start;
        row.timeRangeEnd = end;
        for (const metric of Object.values(VIDEO_METRICS)) row[metric] = 0;
        days.set(start, row);
      }
      row[field] = element.value;
    }
  }
  return { rows: [...days.keys()].sort((a, b) => a - b).map((day) => days.get(day)!) };
}

/**
 * The record of a taxonomy entry (a function, seniority or industry): LinkedIn's element
 * with `urn` (as in follower and page statistics), `id`, the English `name`, and LinkedIn's
 * localized name object as `localizedName`.
 *
 * @example
 * ```ts
 * const toRow = lookupRow("function");
 * toRow({ id: 8, name: { localized: { en_US: "Engineering" } } }, { organizationId: "", syncDate: "2026-12-01" });
 * // { id: 8, urn: "urn:li:function:8", name: "Engineering", localizedName: { localized: { en_US: "Engineering" } } }
 * ```
 */
export function lookupRow(kind: string): (element: Row, context: RowContext) => Row {
  return (element) => {
    if (!Number.isInteger(element.id)) {
      throw systemError(
        `LinkedIn returned a ${kind} without an integer id: ${
          JSON.stringify(element).slice(0, 200)
        }`,
      );
    }
    const { name, ...rest } = element;
    const localized = isJsonObject(name) && isJsonObject(name.localized) ? name.localized : {};
    const englishLocale = "en_US" in localized
      ? "en_US"
      : Object.keys(localized).find((locale) => locale.startsWith("en_"));
    const english = englishLocale ? localized[englishLocale] : undefined;
    return {
      ...rest,
      urn: typeof element.$URN === "string" ? element.$URN : `urn:li:${kind}:${element.id}`,
      name: typeof english === "string" ? english : null,
      localizedName: name,
    };
  };
}

function perPost(element: Row, post: string, { organizationId, syncDate }: RowContext): Row {
  element.organizationId = organizationId;
  element.post = post;
  element.snapshotDate = syncDate;
  return element;
}

function countOf(value: unknown, where: string, what: string): number {
  if (Number.isInteger(value) && (value as number) >= 0) return value as number;
  throw systemError(
    `LinkedIn's answer to ${where} has a count that is not a whole number (${what}).`,
  );
}

function timeRangeOf(element: Row, what: string, where?: string): { start: number; end: number } {
  const range = element.timeRange as { start?: unknown; end?: unknown } | undefined;
  if (!Number.isInteger(range?.start) || !Number.isInteger(range?.end)) {
    throw systemError(
      `${where ? `LinkedIn's answer to ${where}: ` : ""}LinkedIn returned a ${what} without ` +
        `integer timeRange.start/end: ${JSON.stringify(element).slice(0, 200)}`,
    );
  }
  return { start: range!.start as number, end: range!.end as number };
}
