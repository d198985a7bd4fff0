/**
 * What LinkedIn's answers hold, checked against their documented shapes: a single
 * object, a collection's `elements`, or a batch get's `results` by id with
 * per-id `statuses` and `errors`. An answer of another shape is a `system_error`
 * naming the request.
 *
 * @module
 */
import { isJsonObject } from "./files.ts";
import { malformedAnswer } from "./outcomes.ts";

/** A record or an element of an answer: a JSON object. */
export type Row = Record<string, unknown>;

/** Where an element comes from in an answer: the whole body, or its `elements`. */
export type Extract = "body" | "elements";

/**
 * The elements of an answer: the body itself, or the objects of its `elements`.
 *
 * @example
 * ```ts
 * elementsOf({ paging: {}, elements: [{ id: 1 }] }, "elements", "GET /rest/posts"); // [{ id: 1 }]
 * elementsOf({ firstDegreeSize: 5 }, "body", "GET /rest/networkSizes/…"); // [{ firstDegreeSize: 5 }]
 * ```
 */
export function elementsOf(body: unknown, extract: Extract, where: string): Row[] {
  if (extract === "body") {
    if (!isJsonObject(body)) {
      throw malformedAnswer(where, "it is not a JSON object");
    }
    return [body];
  }
  const elements = isJsonObject(body) ? body.elements : undefined;
  if (!Array.isArray(elements)) {
    throw malformedAnswer(where, 'it has no "elements" array');
  }
  if (!elements.every(isJsonObject)) {
    throw malformedAnswer(where, "an element is not an object");
  }
  return elements;
}

/**
 * Whether a page of `count` elements from offset `start` was the last of its collection:
 * shorter than asked for, or reaching the `paging.total` LinkedIn gave.
 *
 * @example
 * ```ts
 * lastPage({ paging: { total: 230 } }, 200, 30, 100); // true
 * lastPage({ paging: {} }, 0, 100, 100); // false
 * ```
 */
export function lastPage(body: unknown, start: number, count: number, pageSize: number): boolean {
  const total = pagingTotal(body);
  return count < pageSize || (total !== undefined && start + count >= total);
}

/**
 * The length of the collection a page belongs to, if LinkedIn gave it (`paging.total`;
 * sometimes missing).
 *
 * @example
 * ```ts
 * pagingTotal({ paging: { start: 0, count: 100, total: 230 }, elements: [] }); // 230
 * pagingTotal({ paging: { start: 0, count: 10, links: [] } }); // undefined
 * ```
 */
export function pagingTotal(body: unknown): number | undefined {
  const paging = isJsonObject(body) && isJsonObject(body.paging) ? body.paging : {};
  return Number.isInteger(paging.total) && (paging.total as number) >= 0
    ? paging.total as number
    : undefined;
}

/** A batch get's answer: the element of each id found, and the status of each id not. */
export interface BatchResults {
  results: Map<string, Row>;
  /** The HTTP status of each id LinkedIn has no result for. */
  failed: Map<string, number>;
}

/**
 * Reads a batch get's answer, `{"results": {id: …}, "statuses": {id: …}, "errors": {id: …}}`.
 * An id with neither a result nor an error counts as failed with its status, or 404.
 *
 * @example
 * ```ts
 * const answer = { results: { "urn:li:share:1": { entity: "urn:li:share:1" } }, statuses: {}, errors: {} };
 * batchResults(answer, ["urn:li:share:1", "urn:li:share:2"], "GET /rest/socialMetadata").failed;
 * // Map { "urn:li:share:2" => 404 }
 * ```
 */
export function batchResults(body: unknown, ids: readonly string[], where: string): BatchResults {
  const results = isJsonObject(body) ? body.results : undefined;
  if (!isJsonObject(results) || !Object.values(results).every(isJsonObject)) {
    throw malformedAnswer(where, 'it has no "results" object of objects');
  }
  const statuses = isJsonObject(body) && isJsonObject(body.statuses) ? body.statuses : {};
  const errors = isJsonObject(body) && isJsonObject(body.errors) ? body.errors : {};
  const found = new Map<string, Row>();
  const failed = new Map<string, number>();
  for (const id of ids) {
    const result = results[id];
    if (isJsonObject(result)) {
      found.set(id, result);
      continue;
    }
    const error = errors[id];
    const status = isJsonObject(error) && Number.isInteger(error.status)
      ? error.status as number
      : Number.isInteger(statuses[id]) && statuses[id] !== 200
      ? statuses[id] as number
      : 404;
    failed.set(id, status);
  }
  return { results: found, failed };
}
