/**
 * `deno task bench [--rounds N]`: measures the connector against the LinkedIn API simulator and
 * prints, for each target of the performance issue, what it measured, the target and whether it
 * holds. Every program (the connector as bundled by `deno task bundle` for the compile task, the
 * floor `bench_floor.ts` and the empty baseline `bench_empty.ts`) runs under
 * `deno run --cached-only` with the compile task's runtime and V8 flags, as the compiled binary
 * runs, once `deno install` has cached their imports, so comparisons isolate the code.
 *
 * Scenarios (`N` rounds, default 3; start-up scenarios repeat 2N + 1 times):
 * 1. throughput and memory: `ugc_posts` of 20 organizations at 100,000 and 10,000 posts, no
 *    latency, the connector and the floor interleaved over N rounds; best records per second,
 *    highest peak RSS at each size, and the cost of record validation in one 100,000-post run;
 * 2. fixed cost: `ugc_posts` of one organization with 100 posts, connector against floor;
 * 3. start-up: `check` and `discover` against an empty Deno script plus one request (`spec` too);
 * 4. per-post requests: every stream of 3 organizations of 60 posts and 5 videos;
 * 5. dependent requests: the same sync at 200 ms latency with `api_tier: standard` against its
 *    longest chain of requests, median of N runs; then one run with `api_tier` left out;
 * 6. concurrency: every stream of 20 organizations of 250 posts and 5 videos at 50 ms latency,
 *    default concurrency against one request at a time;
 * 7. quota: every stream of one page of 60 posts and 5 videos, Standard and Development tiers.
 *
 * Ends with a summary, one line per target. Exits 0 whether or not the targets hold (it is a
 * report), and 1 when a run that should have succeeded failed.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { Workspace } from "./harness.ts";
import { Report } from "./bench_report.ts";
import { preparePrograms } from "./bench_run.ts";
import { commandsScenario, smallReadScenario } from "./bench_startup.ts";
import { throughputScenario } from "./bench_throughput.ts";
import {
  concurrencyScenario,
  dependentRequestsScenario,
  perPostScenario,
  quotaScenario,
} from "./bench_requests.ts";

function roundsOption(): number {
  const { values } = parseArgs({
    args: Deno.args,
    options: { rounds: { type: "string", default: "3" } },
  });
  const rounds = Number(values.rounds);
  if (!Number.isInteger(rounds) || rounds < 1) {
    console.error(`bench: --rounds must be a positive integer, not "${values.rounds}"`);
    Deno.exit(2);
  }
  return rounds;
}

function printMachine(): void {
  const cpu = Deno.readTextFileSync("/proc/cpuinfo").match(/model name\s*:\s*(.*)/)?.[1] ??
    "unknown CPU";
  console.log(
    `Machine: ${cpu}, ${navigator.hardwareConcurrency} cores, ` +
      `${(Deno.systemMemoryInfo().total / 2 ** 30).toFixed(0)} GiB; Deno ${Deno.version.deno}`,
  );
}

const rounds = roundsOption();
if (!await preparePrograms()) {
  console.error("bench: the connector could not be bundled, or its imports cached");
  Deno.exit(1);
}
const repeats = 2 * rounds + 1;
printMachine();
const report = new Report();
{
  using ws = new Workspace();
  await throughputScenario(ws, report, rounds);
  await smallReadScenario(ws, report, repeats);
  await commandsScenario(ws, report, repeats);
  await perPostScenario(ws, report);
  await dependentRequestsScenario(ws, report, rounds);
  await concurrencyScenario(ws, report);
  await quotaScenario(ws, report);
}
report.printSummary();
Deno.exit(report.failures.length === 0 ? 0 : 1);
