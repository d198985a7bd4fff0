/**
 * The JSON schema string formats the schemas use, `date` and `date-time`, as plain
 * checks: the same answers as ajv-formats 3.0.1 in its full mode (RFC 3339), with
 * no dependency. The precompiled validators (`lib/validators/`) call
 * them; `tests/formats_test.ts` compares them with ajv-formats.
 *
 * @module
 */

// https://tools.ietf.org/html/rfc3339#appendix-C
function isLeapYear(year: number): boolean {
  return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
}

const DATE = /^(\d\d\d\d)-(\d\d)-(\d\d)$/;
const DAYS = [0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const TIME = /^(\d\d):(\d\d):(\d\d(?:\.\d+)?)(z|([+-])(\d\d)(?::?(\d\d))?)?$/i;
// As in ajv-formats: any one "T", "t" or whitespace character.
const DATE_TIME_SEPARATOR = /t|\s/i;

/**
 * An RFC 3339 full-date, `YYYY-MM-DD`, with the days of its month (February 29
 * only in leap years).
 *
 * @example
 * ```ts
 * isDate("2028-02-29"); // true
 * isDate("2026-02-29"); // false
 * ```
 */
export function isDate(value: string): boolean {
  const matches = DATE.exec(value);
  if (!matches) return false;
  const year = +matches[1];
  const month = +matches[2];
  const day = +matches[3];
  return month >= 1 && month <= 12 && day >= 1 &&
    day <= (month === 2 && isLeapYear(year) ? 29 : DAYS[month]);
}

/**
 * An RFC 3339 full-time with its time zone (`Z` or an offset of at most 23:59),
 * optional fractional seconds, and a leap second only at 23:59 UTC.
 *
 * @example
 * ```ts
 * isTime("23:59:60Z"); // true
 * isTime("12:00:00"); // false: no time zone
 * ```
 */
export function isTime(value: string): boolean {
  const matches = TIME.exec(value);
  if (!matches) return false;
  const hr = +matches[1];
  const min = +matches[2];
  const sec = +matches[3];
  const tz = matches[4];
  const tzSign = matches[5] === "-" ? -1 : 1;
  const tzH = +(matches[6] || 0);
  const tzM = +(matches[7] || 0);
  if (tzH > 23 || tzM > 59 || !tz) return false;
  if (hr <= 23 && min <= 59 && sec < 60) return true;
  // A leap second: 23:59:60 in UTC.
  const utcMin = min - tzM * tzSign;
  const utcHr = hr - tzH * tzSign - (utcMin < 0 ? 1 : 0);
  return (utcHr === 23 || utcHr === -1) && (utcMin === 59 || utcMin === -1) && sec < 61;
}

/**
 * An RFC 3339 date-time: a {@linkcode isDate} full-date and a {@linkcode isTime}
 * full-time, separated by `T`, `t` or one whitespace character.
 *
 * @example
 * ```ts
 * isDateTime("2026-03-01T08:30:00.5+01:00"); // true
 * isDateTime("2026-03-01T08:30:00"); // false: no time zone
 * ```
 */
export function isDateTime(value: string): boolean {
  const parts = value.split(DATE_TIME_SEPARATOR);
  return parts.length === 2 && isDate(parts[0]) && isTime(parts[1]);
}

/**
 * The format checks by the name schemas give them in `format`, as ajv's
 * `addFormat` takes them.
 *
 * @example
 * ```ts
 * formats.date("2026-03-01"); // true
 * formats["date-time"]("2026-03-01"); // false
 * ```
 */
export const formats: Readonly<Record<"date" | "date-time", (value: string) => boolean>> = {
  date: isDate,
  "date-time": isDateTime,
};
