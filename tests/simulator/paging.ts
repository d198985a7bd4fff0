/**
 * Collection envelopes: `start`/`count` paging with a `next` link, and the nominal paging of the
 * statistics finders.
 *
 * @module
 */

import type { RequestContext } from "./context.ts";
import { paramInvalid } from "./errors.ts";
import type { RestliQuery } from "./restli.ts";
import type { Json } from "./types.ts";

/** `count` when the request gives none. */
export const DEFAULT_COUNT = 10;

/** A page request. */
export interface Page {
  /** Offset of the first element. */
  start: number;
  /** Page size. */
  count: number;
}

/** Reads `start` and `count` (count clamped to `max`); a non-integer is a 400 PARAM_INVALID. */
export function readPaging(query: RestliQuery, max = Infinity): Page {
  const read = (name: string, fallback: number) => {
    const value = query.scalar(name);
    if (value === undefined) return fallback;
    if (!/^\d{1,9}$/.test(value)) throw paramInvalid(name);
    return Number(value);
  };
  return { start: read("start", 0), count: Math.min(read("count", DEFAULT_COUNT), max) };
}

/** A finder envelope for one page of `total` elements, with a `next` link while more remain. */
export function collection(
  ctx: RequestContext,
  elements: unknown[],
  page: Page,
  total: number,
  showTotal: boolean,
): Json {
  const links = [];
  const next = page.start + page.count;
  if (page.count > 0 && next < total) {
    const kept = ctx.rawQuery.split("&").filter((p) => !/^(start|count)=/.test(p) && p !== "");
    const href = `${ctx.base}/${ctx.resource}?${
      [...kept, `start=${next}`, `count=${page.count}`].join("&")
    }`;
    links.push({ type: "application/json", rel: "next", href });
  }
  const paging: Json = { start: page.start, count: page.count, links };
  if (showTotal) paging.total = total;
  return { paging, elements };
}

/** The statistics finders' envelope: all elements at once under a nominal paging. */
export function statisticsEnvelope(elements: unknown[]): Json {
  return { paging: { start: 0, count: DEFAULT_COUNT, links: [] }, elements };
}
