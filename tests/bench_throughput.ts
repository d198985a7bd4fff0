/**
 * The benchmark's throughput scenario: `ugc_posts` of 20 organizations at 100,000 posts
 * (5,000 each) and 10,000 posts (500 each), no latency. Each round runs the connector and the
 * floor at 100,000, then both at 10,000, so the two programs meet the same state of the machine.
 * From those runs come three targets:
 * - throughput: the connector's best records per second at 100,000 posts against the floor's best;
 * - memory: the growth of the highest peak RSS from 10,000 to 100,000 posts against the floor's
 *   growth, and the connector's peak at 100,000 against the cap;
 * - validation: the records one 100,000-post run printed, validated again and timed (the fastest
 *   of 3 passes), against the wall time of that run.
 *
 * @module
 */
import { catalogFor, configFor, readArgs, type Workspace } from "./harness.ts";
import { LinkedInSimulator } from "./simulator/mod.ts";
import {
  benchOrganizations,
  connectorArgs,
  floorArgs,
  measure,
  type Measurement,
  row,
} from "./bench_run.ts";
import { mib, type Report, thousands } from "./bench_report.ts";
import { recordData, timeValidation } from "./bench_validation.ts";

const ORGANIZATIONS = 20;
const THROUGHPUT_TARGET = 0.95;
const GROWTH_ALLOWANCE_MIB = 10;
const PEAK_CAP_MIB = 128;
const VALIDATION_TARGET = 0.05;

type Program = "connector" | "floor";

/** One workload size with its own simulator, config and catalog. */
interface Size {
  records: number;
  sim: LinkedInSimulator;
  ids: string[];
  args: Record<Program, string[]>;
  runs: Record<Program, Measurement[]>;
}

async function startSize(ws: Workspace, postsPerOrganization: number): Promise<Size> {
  const organizations = benchOrganizations(ORGANIZATIONS, postsPerOrganization);
  const sim = await LinkedInSimulator.start({ organizations });
  const ids = organizations.map((org) => org.id);
  const records = ORGANIZATIONS * postsPerOrganization;
  const config = ws.file(
    `throughput-${records}.json`,
    configFor(sim, { org_id: undefined, org_ids: ids }),
  );
  const catalog = ws.file("throughput-catalog.json", catalogFor(["ugc_posts"]));
  return {
    records,
    sim,
    ids,
    args: { connector: connectorArgs(...readArgs(config, catalog)), floor: floorArgs(sim, ids) },
    runs: { connector: [], floor: [] },
  };
}

const recordsPerSecond = (m: Measurement) => m.records / m.seconds;
const best = (runs: Measurement[]) => Math.max(...runs.map(recordsPerSecond));
const highestPeak = (runs: Measurement[]) => Math.max(...runs.map((m) => m.peakRssMiB));

/** Runs the rounds, then reports throughput, memory and validation cost. */
export async function throughputScenario(
  ws: Workspace,
  report: Report,
  rounds: number,
): Promise<void> {
  console.log(
    `\n1. Throughput and memory: ugc_posts, ${ORGANIZATIONS} organizations, no latency, ` +
      `${rounds} interleaved round(s)`,
  );
  const large = await startSize(ws, 5_000);
  const small = await startSize(ws, 500);
  let validated: Measurement | undefined;
  try {
    for (let round = 1; round <= rounds; round++) {
      for (const size of [large, small]) {
        for (const program of ["connector", "floor"] as const) {
          const keepRecords = program === "connector" && size === large && round === 1;
          const run = await measure(size.sim, size.args[program], { keepRecords });
          const label = `round ${round}, ${program}, ${thousands(size.records)} posts`;
          console.log(row(label, run));
          report.expectSuccess(label, run, size.records);
          size.runs[program].push(run);
          if (keepRecords) validated = run;
        }
      }
    }
  } finally {
    await large.sim.close();
    await small.sim.close();
  }
  throughputTarget(report, large, small);
  memoryTargets(report, large, small);
  await validationTarget(report, validated!);
}

function throughputTarget(report: Report, large: Size, small: Size): void {
  for (const size of [large, small]) {
    const connector = best(size.runs.connector);
    const floor = best(size.runs.floor);
    const ratio = connector / floor;
    const comparison = `connector ${thousands(connector)}, floor ${thousands(floor)}: ` +
      `${ratio.toFixed(3)}×`;
    if (size !== large) {
      console.log(`   best records/s at ${thousands(size.records)} posts: ${comparison}`);
      continue;
    }
    const verdict = report.target(
      `throughput, ${thousands(size.records)} posts`,
      `${ratio.toFixed(3)}× the floor`,
      `>= ${THROUGHPUT_TARGET}×`,
      ratio >= THROUGHPUT_TARGET,
    );
    console.log(
      `   best records/s at ${thousands(size.records)} posts: ${comparison} ` +
        `(target >= ${THROUGHPUT_TARGET}×): ${verdict}`,
    );
  }
}

function memoryTargets(report: Report, large: Size, small: Size): void {
  const peaks = (program: Program) => {
    const at10k = highestPeak(small.runs[program]);
    const at100k = highestPeak(large.runs[program]);
    console.log(
      `   peak RSS (highest of the rounds), ${program}: ${mib(at10k)} at ` +
        `${thousands(small.records)}, ${mib(at100k)} at ${thousands(large.records)}, ` +
        `growth ${mib(at100k - at10k)}`,
    );
    return { at100k, growth: at100k - at10k };
  };
  const connector = peaks("connector");
  const floor = peaks("floor");
  const allowed = floor.growth + GROWTH_ALLOWANCE_MIB;
  const grows = report.target(
    "memory growth, 10,000 → 100,000",
    mib(connector.growth),
    `<= floor's ${mib(floor.growth)} + ${GROWTH_ALLOWANCE_MIB} MiB`,
    connector.growth <= allowed,
  );
  console.log(
    `   connector growth ${mib(connector.growth)} (target <= floor's growth + ` +
      `${GROWTH_ALLOWANCE_MIB} MiB = ${mib(allowed)}): ${grows}`,
  );
  const capped = report.target(
    "memory peak, 100,000 posts",
    mib(connector.at100k),
    `< ${PEAK_CAP_MIB} MiB`,
    connector.at100k < PEAK_CAP_MIB,
  );
  console.log(
    `   connector peak at ${thousands(large.records)}: ${mib(connector.at100k)} ` +
      `(target < ${PEAK_CAP_MIB} MiB): ${capped}`,
  );
}

async function validationTarget(report: Report, run: Measurement): Promise<void> {
  const timing = await timeValidation("ugc_posts", recordData(run.recordLines ?? []));
  const cost = timing.seconds / run.seconds;
  const perRecord = (seconds: number) => `${(seconds / timing.records * 1e6).toFixed(2)} µs`;
  const verdict = report.target(
    "record validation cost",
    `${(cost * 100).toFixed(2)}% of the run`,
    `<= ${VALIDATION_TARGET * 100}%`,
    timing.records > 0 && timing.violations === 0 && cost <= VALIDATION_TARGET,
  );
  const violations = timing.violations === 0 ? "" : `, ${timing.violations} violations`;
  const checked = `${(timing.seconds * 1000).toFixed(1)} ms (fastest of 3 passes, ` +
    `${perRecord(timing.seconds)} a record${violations})`;
  console.log(
    `   validation: ${thousands(timing.records)} records of round 1's connector run checked ` +
      `again in ${checked}, against that run's ${run.seconds.toFixed(2)} s ` +
      `(${perRecord(run.seconds)} a record): ${(cost * 100).toFixed(2)}% ` +
      `(target <= ${VALIDATION_TARGET * 100}%): ${verdict}`,
  );
}
