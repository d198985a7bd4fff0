import assert from "node:assert/strict";
import type { Granularity } from "../lib/config.ts";
import {
  addMonths,
  ceilToBucket,
  DAY_MS,
  floorToBucket,
  isoDate,
  newestBucketEnd,
  nothingYetMessage,
  oldestBucketStart,
  planWindow,
} from "../lib/windows.ts";

const utc = Date.UTC;
const GRANULARITIES: Granularity[] = ["DAY", "MONTH"];

/** True when `ms` is a UTC midnight (DAY) or the first of a month at UTC midnight (MONTH). */
function isBucketStart(ms: number, granularity: Granularity): boolean {
  const d = new Date(ms);
  const midnight = d.getUTCHours() === 0 && d.getUTCMinutes() === 0 &&
    d.getUTCSeconds() === 0 && d.getUTCMilliseconds() === 0;
  return midnight && (granularity === "DAY" || d.getUTCDate() === 1);
}

/** The bucket start right after the bucket that starts at `ms`, computed by the calendar. */
function nextBucket(ms: number, granularity: Granularity): number {
  const d = new Date(ms);
  return granularity === "DAY"
    ? utc(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() + 1)
    : utc(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
}

/** A deterministic pseudo-random generator (mulberry32). */
function prng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

Deno.test("windows: floorToBucket aligns to UTC midnight and to the first of the month", () => {
  assert.equal(floorToBucket(utc(2026, 4, 17, 13), "MONTH"), utc(2026, 4, 1));
  assert.equal(floorToBucket(utc(2026, 4, 17, 13), "DAY"), utc(2026, 4, 17));
  assert.equal(floorToBucket(utc(2024, 1, 29, 23, 59, 59, 999), "DAY"), utc(2024, 1, 29));
  assert.equal(floorToBucket(utc(2024, 1, 29, 23, 59, 59, 999), "MONTH"), utc(2024, 1, 1));
  assert.equal(floorToBucket(utc(2026, 11, 31, 23, 59), "MONTH"), utc(2026, 11, 1));
  // A bucket start is its own floor.
  assert.equal(floorToBucket(utc(2026, 0, 1), "DAY"), utc(2026, 0, 1));
  assert.equal(floorToBucket(utc(2026, 0, 1), "MONTH"), utc(2026, 0, 1));
  // One millisecond before midnight belongs to the previous day and month.
  assert.equal(floorToBucket(utc(2026, 2, 1) - 1, "DAY"), utc(2026, 1, 28));
  assert.equal(floorToBucket(utc(2026, 2, 1) - 1, "MONTH"), utc(2026, 1, 1));
});

Deno.test("windows: ceilToBucket rounds up to the next bucket start", () => {
  assert.equal(ceilToBucket(utc(2026, 4, 17, 13), "DAY"), utc(2026, 4, 18));
  assert.equal(ceilToBucket(utc(2026, 4, 17, 13), "MONTH"), utc(2026, 5, 1));
  assert.equal(ceilToBucket(utc(2026, 4, 17), "DAY"), utc(2026, 4, 17));
  assert.equal(ceilToBucket(utc(2026, 4, 1), "MONTH"), utc(2026, 4, 1));
  assert.equal(ceilToBucket(utc(2026, 4, 1) + 1, "MONTH"), utc(2026, 5, 1));
  assert.equal(ceilToBucket(utc(2026, 11, 31, 0, 0, 0, 1), "DAY"), utc(2027, 0, 1));
  assert.equal(ceilToBucket(utc(2026, 11, 2), "MONTH"), utc(2027, 0, 1));
  assert.equal(ceilToBucket(utc(2024, 1, 28, 1), "DAY"), utc(2024, 1, 29));
});

Deno.test("windows: addMonths keeps the day where it exists and clamps month ends", () => {
  assert.equal(addMonths(utc(2026, 10, 23), -12), utc(2025, 10, 23));
  // Jan 31 − 1 month is Dec 31; Mar 31 − 1 month is the last day of February.
  assert.equal(addMonths(utc(2026, 0, 31), -1), utc(2025, 11, 31));
  assert.equal(addMonths(utc(2026, 2, 31), -1), utc(2026, 1, 28));
  assert.equal(addMonths(utc(2024, 2, 31), -1), utc(2024, 1, 29));
  assert.equal(addMonths(utc(2026, 0, 31), 1), utc(2026, 1, 28));
  assert.equal(addMonths(utc(2024, 0, 31), 1), utc(2024, 1, 29));
  assert.equal(addMonths(utc(2026, 4, 31), -1), utc(2026, 3, 30));
  // Leap day ± 12 months lands on Feb 28 of a common year.
  assert.equal(addMonths(utc(2024, 1, 29), -12), utc(2023, 1, 28));
  assert.equal(addMonths(utc(2024, 1, 29), 12), utc(2025, 1, 28));
  assert.equal(addMonths(utc(2024, 1, 29), 48), utc(2028, 1, 29));
  // Across years and with the time of day kept.
  assert.equal(addMonths(utc(2026, 4, 17, 13, 5, 7, 9), -1), utc(2026, 3, 17, 13, 5, 7, 9));
  assert.equal(addMonths(utc(2026, 0, 15, 6), -13), utc(2024, 11, 15, 6));
  assert.equal(addMonths(utc(2026, 11, 31, 23, 59), 2), utc(2027, 1, 28, 23, 59));
  assert.equal(addMonths(utc(2026, 6, 4), 0), utc(2026, 6, 4));
});

Deno.test("windows: addMonths agrees with the calendar for every day of several years", () => {
  for (let ms = utc(2023, 0, 1, 7); ms < utc(2029, 0, 1); ms += DAY_MS) {
    const d = new Date(ms);
    for (const months of [-13, -12, -1, 1, 12]) {
      const y = d.getUTCFullYear();
      const m = d.getUTCMonth() + months;
      const lastDay = new Date(utc(y, m + 1, 0)).getUTCDate();
      const expected = utc(y, m, Math.min(d.getUTCDate(), lastDay), 7);
      assert.equal(addMonths(ms, months), expected, `${d.toISOString()} ${months}`);
    }
  }
});

Deno.test("windows: the oldest bucket is 12 calendar months back, rounded up", () => {
  assert.equal(oldestBucketStart(utc(2026, 10, 23, 9), "DAY"), utc(2025, 10, 24));
  assert.equal(oldestBucketStart(utc(2026, 10, 23), "DAY"), utc(2025, 10, 23));
  assert.equal(oldestBucketStart(utc(2026, 10, 23, 9), "MONTH"), utc(2025, 11, 1));
  assert.equal(oldestBucketStart(utc(2026, 10, 1), "MONTH"), utc(2025, 10, 1));
  // Leap years: Feb 28 2025 → Feb 28 2024 (+ rounding); Feb 29 2024 → Feb 28 2023.
  assert.equal(oldestBucketStart(utc(2025, 1, 28, 12), "DAY"), utc(2024, 1, 29));
  assert.equal(oldestBucketStart(utc(2024, 1, 29, 12), "DAY"), utc(2023, 2, 1));
  assert.equal(oldestBucketStart(utc(2024, 1, 29), "DAY"), utc(2023, 1, 28));
  assert.equal(oldestBucketStart(utc(2027, 0, 1, 0, 0, 0, 1), "MONTH"), utc(2026, 1, 1));
});

Deno.test("windows: the newest bucket end leaves out the last 2 days", () => {
  assert.equal(newestBucketEnd(utc(2026, 10, 23, 9), "DAY"), utc(2026, 10, 21));
  assert.equal(newestBucketEnd(utc(2026, 10, 23), "DAY"), utc(2026, 10, 21));
  assert.equal(newestBucketEnd(utc(2026, 10, 23) - 1, "DAY"), utc(2026, 10, 20));
  assert.equal(newestBucketEnd(utc(2026, 10, 23, 9), "MONTH"), utc(2026, 10, 1));
  // Early in a month the last 2 days reach into the previous month.
  assert.equal(newestBucketEnd(utc(2026, 11, 2, 23), "MONTH"), utc(2026, 10, 1));
  assert.equal(newestBucketEnd(utc(2026, 11, 3), "MONTH"), utc(2026, 11, 1));
  assert.equal(newestBucketEnd(utc(2027, 0, 1, 12), "DAY"), utc(2026, 11, 30));
  assert.equal(newestBucketEnd(utc(2024, 2, 1, 12), "DAY"), utc(2024, 1, 28));
});

Deno.test("windows: planWindow with no cursor and no start date spans what LinkedIn serves", () => {
  const now = utc(2026, 10, 23, 9);
  for (const granularity of GRANULARITIES) {
    const plan = planWindow({ now, granularity, lookbackDays: 3 });
    assert.deepEqual(plan, {
      from: oldestBucketStart(now, granularity),
      window: {
        start: oldestBucketStart(now, granularity),
        end: newestBucketEnd(now, granularity),
      },
    });
  }
  assert.deepEqual(planWindow({ now, granularity: "DAY", lookbackDays: 3 }).window, {
    start: utc(2025, 10, 24),
    end: utc(2026, 10, 21),
  });
  assert.deepEqual(planWindow({ now, granularity: "MONTH", lookbackDays: 3 }).window, {
    start: utc(2025, 11, 1),
    end: utc(2026, 10, 1),
  });
});

Deno.test("windows: planWindow moves a start date older than 12 months up, and says so", () => {
  const now = utc(2026, 10, 23, 9);
  const startDate = utc(2020, 0, 15, 10);
  const day = planWindow({ now, granularity: "DAY", startDate, lookbackDays: 3 });
  assert.equal(day.clampedFrom, utc(2020, 0, 15));
  assert.deepEqual(day.window, { start: utc(2025, 10, 24), end: utc(2026, 10, 21) });
  const month = planWindow({ now, granularity: "MONTH", startDate, lookbackDays: 3 });
  assert.equal(month.clampedFrom, utc(2020, 0, 1));
  assert.deepEqual(month.window, { start: utc(2025, 11, 1), end: utc(2026, 10, 1) });
  // One day too old is clamped as well.
  const justTooOld = planWindow({
    now,
    granularity: "DAY",
    startDate: utc(2025, 10, 23),
    lookbackDays: 0,
  });
  assert.equal(justTooOld.clampedFrom, utc(2025, 10, 23));
  assert.equal(justTooOld.window?.start, utc(2025, 10, 24));
});

Deno.test("windows: planWindow starts at a recent start date floored to a bucket", () => {
  const now = utc(2026, 10, 23, 9);
  const startDate = utc(2026, 5, 15, 13);
  const day = planWindow({ now, granularity: "DAY", startDate, lookbackDays: 3 });
  assert.deepEqual(day, {
    from: utc(2026, 5, 15),
    window: { start: utc(2026, 5, 15), end: utc(2026, 10, 21) },
  });
  const month = planWindow({ now, granularity: "MONTH", startDate, lookbackDays: 3 });
  assert.deepEqual(month, {
    from: utc(2026, 5, 1),
    window: { start: utc(2026, 5, 1), end: utc(2026, 10, 1) },
  });
  // The oldest day LinkedIn serves is not clamped.
  const oldest = planWindow({
    now,
    granularity: "DAY",
    startDate: utc(2025, 10, 24),
    lookbackDays: 0,
  });
  assert.deepEqual(oldest, {
    from: utc(2025, 10, 24),
    window: { start: utc(2025, 10, 24), end: utc(2026, 10, 21) },
  });
});

Deno.test("windows: planWindow re-reads the lookback before the cursor, which beats start_date", () => {
  const now = utc(2026, 10, 23, 9);
  const cursor = utc(2026, 10, 20);
  const plan = planWindow({ now, granularity: "DAY", lookbackDays: 3, cursor });
  assert.deepEqual(plan, {
    from: utc(2026, 10, 17),
    window: { start: utc(2026, 10, 17), end: utc(2026, 10, 21) },
  });
  const withStartDate = planWindow({
    now,
    granularity: "DAY",
    lookbackDays: 3,
    cursor,
    startDate: utc(2026, 0, 1),
  });
  assert.deepEqual(withStartDate, plan);
  // MONTH: the cursor minus the lookback is floored to the month.
  const month = planWindow({
    now,
    granularity: "MONTH",
    lookbackDays: 3,
    cursor: utc(2026, 9, 1),
  });
  assert.deepEqual(month, {
    from: utc(2026, 8, 1),
    window: { start: utc(2026, 8, 1), end: utc(2026, 10, 1) },
  });
  // No lookback: the window starts at the cursor.
  const noLookback = planWindow({ now, granularity: "DAY", lookbackDays: 0, cursor });
  assert.deepEqual(noLookback.window, { start: cursor, end: utc(2026, 10, 21) });
});

Deno.test("windows: planWindow clamps a cursor older than 12 months", () => {
  const now = utc(2026, 10, 23, 9);
  const plan = planWindow({ now, granularity: "DAY", lookbackDays: 3, cursor: utc(2025, 0, 10) });
  assert.equal(plan.clampedFrom, utc(2025, 0, 7));
  assert.equal(plan.from, utc(2025, 10, 24));
  assert.deepEqual(plan.window, { start: utc(2025, 10, 24), end: utc(2026, 10, 21) });
});

Deno.test("windows: planWindow plans nothing for a far-future cursor", () => {
  const now = utc(2026, 10, 23, 9);
  for (const granularity of GRANULARITIES) {
    const plan = planWindow({ now, granularity, lookbackDays: 3, cursor: utc(2099, 0, 1) });
    assert.equal(plan.window, undefined);
    assert.equal(plan.clampedFrom, undefined);
    // Where reading will start: the cursor less the lookback, on a bucket start.
    assert.equal(plan.from, granularity === "DAY" ? utc(2098, 11, 29) : utc(2098, 11, 1));
  }
});

Deno.test("windows: planWindow plans nothing when less than one bucket is finished", () => {
  const now = utc(2026, 10, 23, 9);
  // The cursor is already at the newest finished bucket end.
  assert.deepEqual(
    planWindow({ now, granularity: "DAY", lookbackDays: 0, cursor: utc(2026, 10, 21) }),
    { from: utc(2026, 10, 21) },
  );
  assert.deepEqual(
    planWindow({ now, granularity: "MONTH", lookbackDays: 0, cursor: utc(2026, 10, 1) }),
    { from: utc(2026, 10, 1) },
  );
  // A start date within the last 2 days, or in the unfinished month.
  assert.deepEqual(
    planWindow({ now, granularity: "DAY", lookbackDays: 3, startDate: utc(2026, 10, 22) }),
    { from: utc(2026, 10, 22) },
  );
  assert.deepEqual(
    planWindow({ now, granularity: "MONTH", lookbackDays: 3, startDate: utc(2026, 10, 2) }),
    { from: utc(2026, 10, 1) },
  );
  // Early in a month, even a start at the previous month's first is not finished.
  assert.deepEqual(
    planWindow({
      now: utc(2026, 11, 2, 12),
      granularity: "MONTH",
      lookbackDays: 0,
      startDate: utc(2026, 10, 1),
    }),
    { from: utc(2026, 10, 1) },
  );
});

Deno.test("windows: nothingYetMessage says from when the first bucket can be read", () => {
  assert.equal(
    nothingYetMessage(utc(2026, 10, 22), "DAY"),
    "nothing to read yet: LinkedIn serves a DAY of statistics 2 days after it ends, so the " +
      "first one from 2026-11-22 can be read from 2026-11-25.",
  );
  assert.equal(
    nothingYetMessage(utc(2026, 11, 1), "MONTH"),
    "nothing to read yet: LinkedIn serves a MONTH of statistics 2 days after it ends, so the " +
      "first one from 2026-12-01 can be read from 2027-01-03.",
  );
  assert.equal(
    nothingYetMessage(utc(2026, 10, 22), "DAY", { months: 6, what: "video views and viewers" }),
    "nothing to read yet: LinkedIn serves a DAY of video views and viewers 2 days after it " +
      "ends, so the first one from 2026-11-22 can be read from 2026-11-25.",
  );
  // The day it names is the first on which planWindow plans that bucket.
  const from = utc(2026, 10, 22);
  const at = (now: number) =>
    planWindow({ now, granularity: "DAY", lookbackDays: 0, cursor: from }).window;
  assert.equal(at(utc(2026, 10, 25) - 1), undefined);
  assert.deepEqual(at(utc(2026, 10, 25)), { start: from, end: utc(2026, 10, 23) });
});

Deno.test("windows: every planned window is whole buckets within LinkedIn's limits", () => {
  const random = prng(20261123);
  const nows: number[] = [];
  // Every 7 h 13 min over three years, plus month edges around leap days and year ends.
  for (let now = utc(2023, 0, 1); now < utc(2026, 0, 1); now += 7 * 3_600_000 + 13 * 60_000) {
    nows.push(now);
  }
  for (const [y, m] of [[2024, 1], [2024, 2], [2025, 1], [2025, 2], [2026, 0], [2027, 0]]) {
    for (let d = 1; d <= 4; d++) {
      nows.push(utc(y, m, d), utc(y, m, d) - 1, utc(y, m, d, 12));
    }
  }
  let planned = 0;
  for (const now of nows) {
    for (const granularity of GRANULARITIES) {
      const oldest = oldestBucketStart(now, granularity);
      const newest = newestBucketEnd(now, granularity);
      const inputs = [
        {},
        { startDate: now - Math.floor(random() * 800 * DAY_MS) },
        { cursor: now - Math.floor(random() * 800 * DAY_MS) },
        { cursor: now - Math.floor(random() * 10 * DAY_MS) },
        { cursor: now + Math.floor(random() * 10 * DAY_MS) },
      ];
      for (const extra of inputs) {
        const input = { now, granularity, lookbackDays: Math.floor(random() * 61), ...extra };
        const where = `${JSON.stringify(input)} (now ${new Date(now).toISOString()})`;
        const { window, clampedFrom, from } = planWindow(input);
        assert.ok(isBucketStart(from, granularity), `from not a bucket start: ${where}`);
        assert.ok(from >= oldest, `from before the oldest bucket: ${where}`);
        if (window) assert.equal(from, window.start, where);
        if (clampedFrom !== undefined) {
          assert.ok(clampedFrom < oldest, where);
          assert.ok(isBucketStart(clampedFrom, granularity), where);
        }
        if (!window) {
          // Nothing planned only when nothing finished lies after the wanted start.
          const wanted = input.cursor !== undefined
            ? input.cursor - input.lookbackDays * DAY_MS
            : input.startDate ?? oldest;
          assert.ok(
            nextBucket(floorToBucket(Math.max(wanted, oldest), granularity), granularity) > newest,
            where,
          );
          continue;
        }
        planned++;
        const { start, end } = window;
        assert.ok(isBucketStart(start, granularity), `start not a bucket start: ${where}`);
        assert.ok(isBucketStart(end, granularity), `end not a bucket start: ${where}`);
        assert.ok(start >= oldest, `start before the oldest bucket: ${where}`);
        assert.ok(start >= addMonths(now, -12), `start more than 12 months back: ${where}`);
        assert.ok(end <= now - 2 * DAY_MS, `end within the last 2 days: ${where}`);
        assert.ok(end === newest, `end is not the newest finished bucket: ${where}`);
        assert.ok(end >= nextBucket(start, granularity), `shorter than one bucket: ${where}`);
        if (granularity === "DAY") assert.equal((end - start) % DAY_MS, 0, where);
      }
    }
  }
  assert.ok(planned > 1000, `only ${planned} windows were planned`);
});

Deno.test("windows: oldest and newest bounds hold for every hour of a leap year", () => {
  for (let now = utc(2024, 0, 1); now < utc(2025, 0, 1); now += 3_600_000) {
    for (const granularity of GRANULARITIES) {
      const oldest = oldestBucketStart(now, granularity);
      const yearBack = addMonths(now, -12);
      assert.ok(isBucketStart(oldest, granularity));
      assert.ok(oldest >= yearBack && floorToBucket(oldest - 1, granularity) < yearBack);
      const newest = newestBucketEnd(now, granularity);
      assert.ok(isBucketStart(newest, granularity));
      assert.ok(newest <= now - 2 * DAY_MS && nextBucket(newest, granularity) > now - 2 * DAY_MS);
    }
  }
});

Deno.test("windows: isoDate is the UTC calendar date", () => {
  assert.equal(isoDate(utc(2026, 0, 5)), "2026-01-05");
  assert.equal(isoDate(utc(2024, 1, 29, 23, 59, 59, 999)), "2024-02-29");
  assert.equal(isoDate(utc(2026, 11, 31, 23, 59)), "2026-12-31");
  assert.equal(isoDate(0), "1970-01-01");
});
