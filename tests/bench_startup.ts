/**
 * The benchmark's fixed-cost scenarios, where start-up dominates:
 * - a small read: `ugc_posts` of one organization with 100 posts, the connector and the floor
 *   interleaved, median wall time of each; for information, also the floor that parses its
 *   arguments with `node:util`, as the connector must;
 * - `check` and `discover` against an empty Deno program that makes one request
 *   (`bench_empty.ts`), interleaved with `spec` for information, median wall time of each.
 *
 * @module
 */
import { catalogFor, configFor, ORG, readArgs, type Workspace } from "./harness.ts";
import { LinkedInSimulator } from "./simulator/mod.ts";
import {
  benchOrganizations,
  connectorArgs,
  emptyArgs,
  floorArgs,
  measure,
  wallTime,
} from "./bench_run.ts";
import { median, ms, type Report } from "./bench_report.ts";

const SMALL_READ_TARGET = 1.5;
const COMMAND_TARGET = 2;

/** A small read: the connector's median wall time against the floor's. */
export async function smallReadScenario(
  ws: Workspace,
  report: Report,
  repeats: number,
): Promise<void> {
  console.log(
    `\n2. Fixed cost: ugc_posts of one organization with 100 posts, median of ${repeats} ` +
      "interleaved runs each",
  );
  const [organization] = benchOrganizations(1, 100);
  const sim = await LinkedInSimulator.start({ organizations: [organization] });
  const programs = ["connector", "floor", "floor + node:util"] as const;
  const times = { connector: [], floor: [], "floor + node:util": [] } as Record<
    (typeof programs)[number],
    number[]
  >;
  try {
    const config = ws.file("small-read.json", configFor(sim, { org_id: organization.id }));
    const catalog = ws.file("small-read-catalog.json", catalogFor(["ugc_posts"]));
    const args = {
      connector: connectorArgs(...readArgs(config, catalog)),
      floor: floorArgs(sim, [organization.id]),
      "floor + node:util": floorArgs(sim, [organization.id], { parsed: true }),
    };
    for (let i = 0; i < repeats; i++) {
      for (const program of programs) {
        const run = await measure(sim, args[program]);
        report.expectSuccess(`small read, ${program}`, run, 100);
        times[program].push(run.seconds * 1000);
      }
    }
  } finally {
    await sim.close();
  }
  const connector = median(times.connector);
  const floor = median(times.floor);
  const ratio = connector / floor;
  for (const program of programs) {
    const time = median(times[program]);
    console.log(
      `   ${program.padEnd(18)} ${ms(time).padStart(8)} (${(time / floor).toFixed(2)}× the floor)`,
    );
  }
  const verdict = report.target(
    "fixed cost, 100 posts",
    `${ratio.toFixed(2)}× the floor`,
    `<= ${SMALL_READ_TARGET}×`,
    ratio <= SMALL_READ_TARGET,
  );
  console.log(
    `   connector / floor wall time: ${ratio.toFixed(2)}× (target <= ${SMALL_READ_TARGET}×): ` +
      verdict,
  );
}

/** `check`, `discover` (and `spec`) against the empty program that makes one request. */
export async function commandsScenario(
  ws: Workspace,
  report: Report,
  repeats: number,
): Promise<void> {
  console.log(
    `\n3. Start-up: check and discover against an empty Deno script plus one request, median of ` +
      `${repeats} interleaved runs each (wall time including the Deno runtime)`,
  );
  const sim = await LinkedInSimulator.start();
  const times: Record<string, number[]> = {};
  try {
    const config = ws.file("commands.json", configFor(sim));
    const programs: Record<string, string[]> = {
      "empty + 1 request": emptyArgs(sim, ORG),
      check: connectorArgs("check", "--config", config),
      discover: connectorArgs("discover", "--config", config),
      spec: connectorArgs("spec"),
    };
    for (let i = 0; i < repeats; i++) {
      for (const [name, args] of Object.entries(programs)) {
        const run = await wallTime(args);
        report.expectSuccess(name, run);
        (times[name] ??= []).push(run.ms);
      }
    }
  } finally {
    await sim.close();
  }
  const baseline = median(times["empty + 1 request"]);
  for (const [name, values] of Object.entries(times)) {
    const time = median(values);
    const measured = `${ms(time).padStart(8)} (${(time / baseline).toFixed(2)}× the baseline)`;
    if (name === "check" || name === "discover") {
      const verdict = report.target(
        `${name} start-up`,
        `${(time / baseline).toFixed(2)}× empty + 1 request`,
        `<= ${COMMAND_TARGET}×`,
        time <= COMMAND_TARGET * baseline,
      );
      console.log(
        `   ${name.padEnd(18)} ${measured} (target <= ${COMMAND_TARGET}×): ${verdict}`,
      );
    } else {
      console.log(`   ${name.padEnd(18)} ${measured}`);
    }
  }
}
