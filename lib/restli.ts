/**
 * Rest.li 2.0 query encoding: the structure of `List(...)` and `(key:value)` stays
 * literal while every leaf value, URNs included, is percent-encoded. Generic URL
 * builders encode the structure too, which LinkedIn rejects with `PARAM_INVALID`.
 *
 * @module
 */

/** A value Rest.li can encode: scalars, lists and objects of them. */
export type RestliValue =
  | string
  | number
  | boolean
  | readonly RestliValue[]
  | { readonly [key: string]: RestliValue };

/**
 * Percent-encodes one leaf value, including the characters Rest.li treats as structure.
 *
 * @example
 * ```ts
 * encodeLeaf("urn:li:organization:1"); // "urn%3Ali%3Aorganization%3A1"
 * ```
 */
export function encodeLeaf(value: string | number | boolean): string {
  return encodeURIComponent(String(value)).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

/**
 * Encodes a value in Rest.li 2.0 syntax for use in a query string.
 *
 * @example
 * ```ts
 * encode(["urn:li:share:1", "urn:li:share:2"]); // "List(urn%3Ali%3Ashare%3A1,urn%3Ali%3Ashare%3A2)"
 * encode({ timeRange: { start: 1, end: 2 }, timeGranularityType: "DAY" });
 * // "(timeRange:(start:1,end:2),timeGranularityType:DAY)"
 * ```
 */
export function encode(value: RestliValue): string {
  if (Array.isArray(value)) return `List(${value.map(encode).join(",")})`;
  if (typeof value === "object") {
    const fields = Object.entries(value as Record<string, RestliValue>);
    return `(${fields.map(([key, field]) => `${encodeLeaf(key)}:${encode(field)}`).join(",")})`;
  }
  return encodeLeaf(value as string | number | boolean);
}

/**
 * Builds a query string (without `?`) from named Rest.li values, in the given order;
 * `undefined` values are left out.
 *
 * @example
 * ```ts
 * query({ q: "author", author: "urn:li:organization:1", count: 100 });
 * // "q=author&author=urn%3Ali%3Aorganization%3A1&count=100"
 * ```
 */
export function query(params: Readonly<Record<string, RestliValue | undefined>>): string {
  return Object.entries(params)
    .filter(([, value]) => value !== undefined)
    .map(([name, value]) => `${encodeLeaf(name)}=${encode(value as RestliValue)}`)
    .join("&");
}

/**
 * The URN of an organization.
 *
 * @example
 * ```ts
 * organizationUrn("2414183"); // "urn:li:organization:2414183"
 * ```
 */
export function organizationUrn(id: string): string {
  return `urn:li:organization:${id}`;
}

/**
 * The numeric id of an organization URN, or `undefined` for any other URN.
 *
 * @example
 * ```ts
 * organizationIdOf("urn:li:organization:2414183"); // "2414183"
 * ```
 */
export function organizationIdOf(urn: string): string | undefined {
  return /^urn:li:organization:(\d+)$/.exec(urn)?.[1];
}
