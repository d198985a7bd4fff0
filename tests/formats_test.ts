import assert from "node:assert/strict";
import { fullFormats } from "ajv-formats/dist/formats.js";
import { formats, isDate, isDateTime, isTime } from "../lib/formats.ts";

type Check = (value: string) => boolean;

function reference(name: "date" | "time" | "date-time"): Check {
  const format = fullFormats[name] as { validate: Check };
  return format.validate;
}

const DATES = [
  "2026-03-01",
  "2028-02-29",
  "2026-02-29",
  "2026-02-28",
  "1900-02-29",
  "2000-02-29",
  "2100-02-29",
  "2400-02-29",
  "2200-02-29",
  "1800-02-29",
  "1600-02-29",
  "2024-02-29",
  "2023-02-29",
  "2024-02-30",
  "0000-02-29",
  "0004-02-29",
  "9999-12-31",
  "2026-13-01",
  "2026-00-10",
  "2026-01-00",
  "2026-01-32",
  "2026-04-31",
  "2026-06-30",
  "2026-09-31",
  "2026-11-31",
  "2026-12-31",
  "2026-1-01",
  "2026-01-1",
  "226-01-01",
  "20260-01-01",
  "+2026-01-01",
  "2026/01/01",
  "20260101",
  "2026-01-01 ",
  " 2026-01-01",
  "2026-01-01\n",
  "2026-01-01x",
  "2026-01-01T00:00:00Z",
  "01/03/2026",
  "",
  "２０２６-01-01",
  "2026-٠١-01",
];

const TIMES = [
  "00:00:00Z",
  "23:59:59Z",
  "23:59:60Z",
  "23:59:60z",
  "23:59:61Z",
  "23:58:60Z",
  "22:59:60Z",
  "00:59:60+01:00",
  "00:59:60+0100",
  "00:59:60+01",
  "18:29:60-05:30",
  "18:29:60+05:30",
  "05:29:60+05:30",
  "23:59:60-00:00",
  "23:59:60+00:00",
  "00:00:60+00:01",
  "12:00:00",
  "12:00:00.5",
  "12:00:00.5Z",
  "12:00:00.123456789Z",
  "12:00:00.Z",
  "12:00:00,5Z",
  "12:00:00+14:00",
  "12:00:00-12:00",
  "12:00:00+23:59",
  "12:00:00+24:00",
  "12:00:00+23:60",
  "12:00:00-00:00",
  "12:00:00+5:00",
  "12:00:00+05:0",
  "12:00:00+05:00:00",
  "12:00:00 Z",
  "12:00:00UTC",
  "24:00:00Z",
  "23:60:00Z",
  "23:00:60Z",
  "99:99:99Z",
  "1:00:00Z",
  "12:00Z",
  "12:00:00Zz",
  "",
];

const SEPARATORS = ["T", "t", " ", "\t", "\n", "\u00a0", "\u2028", "\ufeff", "_", "", "TT", "T "];

/** A deterministic pseudo-random generator (mulberry32), so a failure can be replayed. */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function randomCases(count: number, seed: number): { dates: string[]; times: string[] } {
  const next = random(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)];
  // Mostly a valid piece, sometimes one just out of range or of the wrong width.
  const either = (valid: () => string, ...others: (() => string)[]) =>
    next() < 0.9 ? valid() : pick(others)();
  const digits = (n: number) => Array.from({ length: n }, () => pick([..."0123456789"])).join("");
  const number = (from: number, to: number, width = 2) =>
    String(from + Math.floor(next() * (to - from + 1))).padStart(width, "0");
  const year = () =>
    either(
      () =>
        pick([digits(4), "1600", "1900", "2000", "2024", "2026", "2100", "2200", "2400", "0000"]),
      () => digits(pick([2, 3, 5])),
    );
  const month = () => either(() => number(1, 12), () => pick(["00", "13", "1", "001"]));
  const day = () =>
    either(() => pick([number(1, 28), "29", "30", "31"]), () => pick(["00", "32", "9", "010"]));
  const hour = () => either(() => number(0, 23), () => pick(["24", "25", "1", "99"]));
  const minute = () => either(() => number(0, 59), () => pick(["60", "5", "99"]));
  const second = () => either(() => number(0, 59), () => pick(["60", "61", "5"]));
  const fraction = () => pick(["", "", "." + digits(1 + Math.floor(next() * 6)), ".", ",5"]);
  const offset = () => `${pick(["+", "-"])}${number(0, 23)}:${number(0, 59)}`;
  const zone = () =>
    either(
      () => pick(["Z", "z", "+00:00", "-00:00", "+14:00", "-12:00", offset()]),
      () => "",
      () => pick(["+24:00", "-23:60", "UTC", "+5:00", "+05:0"]),
      () => `${pick(["+", "-"])}${number(0, 25)}${number(0, 61)}`,
      () => `${pick(["+", "-"])}${number(0, 25)}`,
    );
  // A leap second: 23:59:60 in UTC, written in some offset (or off by a minute or an hour).
  const leapSecond = () => {
    const sign = pick([1, -1]);
    const [h, m] = [Math.floor(next() * 24), pick([0, 30, 45, Math.floor(next() * 60)])];
    const utc = 23 * 60 + 59 + pick([0, 0, 0, 1, -1, 60, -60]);
    const local = (((utc + sign * (h * 60 + m)) % 1440) + 1440) % 1440;
    const hhmm = `${String(Math.floor(local / 60)).padStart(2, "0")}:${
      String(local % 60).padStart(2, "0")
    }`;
    const zoneText = `${sign > 0 ? "+" : "-"}${String(h).padStart(2, "0")}` +
      pick([":", ""]) + String(m).padStart(2, "0");
    return `${hhmm}:60${fraction()}${zoneText}`;
  };
  const junk = () => pick(["", "", "", "", "", "", " ", "x", "\n", "Z", "0"]);
  const dates: string[] = [];
  const times: string[] = [];
  for (let i = 0; i < count; i++) {
    const date = `${year()}-${month()}-${day()}`;
    const time = next() < 0.1
      ? leapSecond()
      : `${hour()}:${minute()}:${second()}${fraction()}${zone()}`;
    dates.push(pick([date, date, date + junk(), junk() + date]));
    times.push(pick([time, time, time + junk()]));
  }
  return { dates, times };
}

function assertSame(check: Check, expected: Check, values: Iterable<string>, name: string): number {
  let count = 0;
  for (const value of values) {
    assert.equal(check(value), expected(value), `${name} ${JSON.stringify(value)}`);
    count++;
  }
  return count;
}

Deno.test("formats: date agrees with ajv-formats' full mode on every case", () => {
  const { dates } = randomCases(4000, 1);
  const count = assertSame(isDate, reference("date"), [...DATES, ...dates], "date");
  assert.ok(count > 4000);
  assert.equal(formats.date, isDate);
});

Deno.test("formats: time agrees with ajv-formats' full mode (time zone required)", () => {
  const { times } = randomCases(4000, 2);
  assertSame(isTime, reference("time"), [...TIMES, ...times], "time");
});

Deno.test("formats: date-time agrees with ajv-formats' full mode on every case", () => {
  const cases = new Set<string>();
  for (const date of DATES) {
    for (const time of TIMES) cases.add(`${date}T${time}`);
  }
  for (const separator of SEPARATORS) cases.add(`2026-03-01${separator}12:00:00Z`);
  for (const separator of SEPARATORS) cases.add(`2016-12-31${separator}23:59:60Z`);
  for (const value of [...DATES, ...TIMES]) cases.add(value);
  const { dates, times } = randomCases(5000, 3);
  const next = random(4);
  for (let i = 0; i < dates.length; i++) {
    const separator = next() < 0.7 ? "T" : SEPARATORS[Math.floor(next() * SEPARATORS.length)];
    cases.add(`${dates[i]}${separator}${times[i]}`);
  }
  assert.ok(cases.size > 5000);
  assertSame(isDateTime, reference("date-time"), cases, "date-time");
  assert.equal(formats["date-time"], isDateTime);
});

Deno.test("formats: the corpus holds both answers for the hand-picked edge cases", () => {
  // Guards the comparison itself: these are the RFC 3339 answers, not just agreement.
  assert.ok(isDate("2000-02-29") && !isDate("1900-02-29") && isDate("2028-02-29"));
  assert.ok(!isDate("2026-13-01") && !isDate("2026-01-00") && !isDate("2026-01-32"));
  assert.ok(isDateTime("2016-12-31T23:59:60Z") && isDateTime("2016-12-31t18:59:60-05:00"));
  assert.ok(isDateTime("2026-03-01 12:00:00z") && !isDateTime("2026-03-01T12:00:00"));
  assert.ok(
    isDateTime("2026-03-01T12:00:00.123+14:00") && !isDateTime("2026-03-01T12:00:00+24:00"),
  );
  assert.ok(!isDateTime("2016-12-31T12:59:60Z") && !isDateTime("2026-03-01T12:00:00Z "));
  assert.ok(!isDate("") && !isDateTime("") && !isTime(""));
});
