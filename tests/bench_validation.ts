/**
 * The cost of record validation, measured on real output: the records a connector run printed are
 * checked again, one call each, with the stream's precompiled validator (`violationOf` of
 * `lib/validation.ts`, the check the connector makes before it writes a record), and timed.
 *
 * @module
 */
import type { Row } from "../lib/answers.ts";
import { validatorOf, violationOf } from "../lib/validation.ts";

/** How long validating `records` took, and how many broke the schema (none should). */
export interface ValidationTiming {
  seconds: number;
  records: number;
  violations: number;
}

/** The `data` of each RECORD line. */
export function recordData(lines: readonly string[]): Row[] {
  return lines.map((line) => JSON.parse(line).record.data);
}

/**
 * Times checking every record of `records` with the stream's validator, after one warm-up call:
 * the fastest of `passes` passes, as the other figures are the best of their rounds (a pass over
 * 100,000 records held in memory can meet a full garbage collection the connector, which checks
 * each page as it arrives, does not).
 */
export async function timeValidation(
  stream: string,
  records: readonly Row[],
  passes = 3,
): Promise<ValidationTiming> {
  const validate = await validatorOf(stream);
  violationOf(validate, records[0] ?? {});
  let violations = 0;
  let fastest = Infinity;
  for (let pass = 0; pass < passes; pass++) {
    violations = 0;
    const started = performance.now();
    for (const record of records) {
      if (violationOf(validate, record) !== undefined) violations++;
    }
    fastest = Math.min(fastest, performance.now() - started);
  }
  return { seconds: fastest / 1000, records: records.length, violations };
}
