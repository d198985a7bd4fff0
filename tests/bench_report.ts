/**
 * The benchmark's report: each target of the issue with what this run measured and whether it
 * holds, the runs that should have succeeded and did not, the summary table printed at the end,
 * and the small statistics and number formats the scenarios share.
 *
 * @module
 */

/** One target and how this run fared against it. */
export interface TargetResult {
  /** What is measured, e.g. "throughput, 100,000 posts". */
  name: string;
  /** The measured value, formatted. */
  measured: string;
  /** The target, formatted, e.g. ">= 0.95× the floor". */
  target: string;
  holds: boolean;
}

/** "holds" or "DOES NOT HOLD". */
export const verdict = (holds: boolean): string => holds ? "holds" : "DOES NOT HOLD";

/** The targets and failures of one benchmark run. */
export class Report {
  readonly targets: TargetResult[] = [];
  readonly failures: string[] = [];

  /** Records a target for the summary; returns its verdict for the scenario's own line. */
  target(name: string, measured: string, target: string, holds: boolean): string {
    this.targets.push({ name, measured, target, holds });
    return verdict(holds);
  }

  /**
   * Checks that a run expected to succeed exited 0 (and, when `records` is given, printed that
   * many records); a failure is printed now and makes the benchmark exit 1.
   */
  expectSuccess(
    label: string,
    run: { code: number; records?: number },
    records?: number,
  ): void {
    const problems = [];
    if (run.code !== 0) problems.push(`exited ${run.code}`);
    if (records !== undefined && run.records !== records) {
      problems.push(`printed ${run.records} records, not ${records}`);
    }
    if (problems.length === 0) return;
    const failure = `${label}: ${problems.join(", ")}`;
    this.failures.push(failure);
    console.log(`   FAILED: ${failure}`);
  }

  /** Prints one line per target, then the failed runs, if any. */
  printSummary(): void {
    console.log("\nSummary");
    const width = (pick: (t: TargetResult) => string, title: string) =>
      Math.max(title.length, ...this.targets.map((t) => pick(t).length));
    const widths = [width((t) => t.name, "target"), width((t) => t.measured, "measured")];
    const targetWidth = width((t) => t.target, "aim");
    const line = (name: string, measured: string, target: string, result: string) =>
      `   ${name.padEnd(widths[0])}  ${measured.padEnd(widths[1])}  ${
        target.padEnd(targetWidth)
      }  ${result}`;
    console.log(line("target", "measured", "aim", "result"));
    for (const t of this.targets) console.log(line(t.name, t.measured, t.target, verdict(t.holds)));
    const held = this.targets.filter((t) => t.holds).length;
    console.log(`   ${held} of ${this.targets.length} targets hold.`);
    if (this.failures.length > 0) {
      console.log(`\n${this.failures.length} run(s) that should have succeeded failed:`);
      for (const failure of this.failures) console.log(`   ${failure}`);
    }
  }
}

/** The median of `values` (the lower middle one for an even count). */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)];
}

/** An integer with thousands separators: 100000 → "100,000". */
export const thousands = (n: number): string => Math.round(n).toLocaleString("en-US");

/** Milliseconds, rounded: "412 ms". */
export const ms = (value: number): string => `${value.toFixed(0)} ms`;

/** MiB with one decimal: "85.2 MiB". */
export const mib = (value: number): string => `${value.toFixed(1)} MiB`;
