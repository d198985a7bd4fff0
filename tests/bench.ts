/**
 * `deno task bench`: measures the connector's real `read` path against the LinkedIn
 * API simulator and compares it with a floor (`bench_floor.ts`) in the same run.
 * Prints throughput, stdout MB/s, peak resident memory, HTTP requests and wall
 * time, plus start-up time of `spec`, `check` and `discover`.
 *
 * Scenarios:
 * 1. throughput: `ugc_posts` of 20 organizations at two sizes (10× apart), no latency;
 *    the connector against the floor on the larger size, and peak memory at both sizes;
 * 2. concurrency: every stream of 20 organizations (250 posts, 5 videos each) with 50 ms of
 *    latency per request,
 *    at the default concurrency and one request at a time, and the requests it took
 *    against the minimum the API allows;
 * 3. start-up: `spec`, `check` and `discover`, median of 5 runs;
 * 4. requests: a full sync of every stream for one page of 60 posts and 5 videos, on LinkedIn's
 *    Standard and Development tiers, against the cost the README gives.
 *
 * @module
 */
import {
  catalogFor,
  COMPILE_PERMISSIONS,
  configFor,
  postStatisticsRequests,
  Workspace,
} from "./harness.ts";
import { LinkedInSimulator, type SimOrganization } from "./simulator/mod.ts";

const root = new URL("..", import.meta.url);
const mainPath = new URL("main.ts", root).pathname;
const floorPath = new URL("tests/bench_floor.ts", root).pathname;
const ORGANIZATIONS = 20;
const SMALL_POSTS = 5_000;
const LARGE_POSTS = 50_000;

interface Measurement {
  seconds: number;
  records: number;
  bytes: number;
  peakRssMb: number;
  requests: number;
  code: number;
}

function organizations(postCount: number, videoPosts?: number): SimOrganization[] {
  return Array.from({ length: ORGANIZATIONS }, (_, index) => ({
    id: String(1_000_001 + index),
    name: `Benchmark Org ${index + 1}`,
    vanityName: `benchmark-org-${index + 1}`,
    postCount,
    videoPosts,
  }));
}

// VmHWM is the process's peak resident set; poll it until the process exits.
async function peakRssMb(pid: number, done: Promise<unknown>): Promise<number> {
  let peak = 0;
  let finished = false;
  done.finally(() => (finished = true));
  while (!finished) {
    try {
      const status = await Deno.readTextFile(`/proc/${pid}/status`);
      const kb = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0);
      peak = Math.max(peak, kb / 1024);
    } catch {
      break;
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return peak;
}

async function measure(sim: LinkedInSimulator, args: string[]): Promise<Measurement> {
  sim.resetRecording();
  const started = performance.now();
  const child = new Deno.Command(Deno.execPath(), {
    args,
    stdout: "piped",
    stderr: "inherit",
    stdin: "null",
  }).spawn();
  const counting = (async () => {
    let records = 0;
    let bytes = 0;
    let partial = "";
    const decoder = new TextDecoder();
    for await (const chunk of child.stdout) {
      bytes += chunk.length;
      const lines = (partial + decoder.decode(chunk, { stream: true })).split("\n");
      partial = lines.pop()!;
      for (const line of lines) if (line.startsWith('{"type":"RECORD"')) records++;
    }
    return { records, bytes };
  })();
  const status = child.status;
  const peak = await peakRssMb(child.pid, status);
  const { code } = await status;
  const { records, bytes } = await counting;
  return {
    seconds: (performance.now() - started) / 1000,
    records,
    bytes,
    peakRssMb: peak,
    requests: sim.count(),
    code,
  };
}

const connectorArgs = (config: string, catalog: string) => [
  "run",
  ...COMPILE_PERMISSIONS,
  mainPath,
  "read",
  "--config",
  config,
  "--catalog",
  catalog,
];

function row(label: string, m: Measurement): string {
  return `${label.padEnd(34)} ${m.records.toString().padStart(8)} rec ${
    (m.records / m.seconds).toFixed(0).padStart(7)
  } rec/s ${(m.bytes / 1e6 / m.seconds).toFixed(1).padStart(6)} MB/s ${
    m.peakRssMb.toFixed(1).padStart(6)
  } MB peak ${m.requests.toString().padStart(5)} req ${m.seconds.toFixed(2).padStart(6)} s` +
    (m.code === 0 ? "" : `  (exit ${m.code})`);
}

async function throughput(ws: Workspace): Promise<void> {
  console.log(`\n1. Throughput: ugc_posts, ${ORGANIZATIONS} organizations, no latency`);
  const results: Record<string, Measurement> = {};
  for (const posts of [SMALL_POSTS, LARGE_POSTS]) {
    const sim = await LinkedInSimulator.start({ organizations: organizations(posts) });
    try {
      const ids = organizations(posts).map((org) => org.id);
      const config = ws.file(
        `throughput-${posts}.json`,
        configFor(sim, { org_id: undefined, org_ids: ids }),
      );
      const catalog = ws.file("posts-catalog.json", catalogFor(["ugc_posts"]));
      const connector = await measure(sim, connectorArgs(config, catalog));
      results[`connector-${posts}`] = connector;
      console.log(row(`connector, ${posts * ORGANIZATIONS} posts`, connector));
      if (posts === LARGE_POSTS) {
        const floor = await measure(sim, [
          "run",
          "--allow-net",
          floorPath,
          sim.url,
          sim.accessToken,
          ...ids,
        ]);
        results.floor = floor;
        console.log(row(`floor, ${posts * ORGANIZATIONS} posts`, floor));
      }
    } finally {
      await sim.close();
    }
  }
  const large = results[`connector-${LARGE_POSTS}`];
  const small = results[`connector-${SMALL_POSTS}`];
  const floor = results.floor;
  const ratio = (large.records / large.seconds) / (floor.records / floor.seconds);
  console.log(
    `   connector / floor records per second: ${(ratio * 100).toFixed(0)}% (target >= 80%)`,
  );
  console.log(
    `   peak memory at 10x the records: ${
      ((large.peakRssMb / small.peakRssMb - 1) * 100).toFixed(1)
    }% higher (target <= 10%)`,
  );
}

async function concurrency(ws: Workspace): Promise<void> {
  console.log(
    `\n2. Concurrency: all 16 streams, ${ORGANIZATIONS} organizations of 250 posts and 5 videos, ` +
      "50 ms latency per request",
  );
  const sim = await LinkedInSimulator.start({
    organizations: organizations(250, 5),
    latencyMs: 50,
  });
  try {
    const ids = organizations(250, 5).map((org) => org.id);
    const catalog = ws.file("all-catalog.json", catalogFor(undefined, "incremental"));
    const timings: Record<string, Measurement> = {};
    for (
      const [label, limit] of [["default concurrency", undefined], [
        "one request at a time",
        1,
      ]] as const
    ) {
      const config = ws.file(
        `concurrency-${limit ?? "default"}.json`,
        configFor(sim, { org_id: undefined, org_ids: ids, max_concurrent_requests: limit }),
      );
      timings[label] = await measure(sim, connectorArgs(config, catalog));
      console.log(row(label, timings[label]));
    }
    const speedup = timings["one request at a time"].seconds /
      timings["default concurrency"].seconds;
    console.log(`   speed-up over one request at a time: ${speedup.toFixed(1)}x (target >= 3x)`);
    // Per organization: 5 single-answer streams, 3 windows, 3 pages of 100 posts shared by the
    // post streams, per-post statistics for 50 posts of one URN kind at a time, social metadata
    // for 50 posts at a time and 4 requests per video; once for the connection, 3 lookups.
    const postStatistics = ids.reduce((sum, id) => sum + postStatisticsRequests(sim.posts(id)), 0);
    const minimum = ORGANIZATIONS * (5 + 3 + 3 + 5 + 4 * 5) + postStatistics + 3;
    console.log(
      `   HTTP requests: ${timings["default concurrency"].requests} (minimum ${minimum})`,
    );
  } finally {
    await sim.close();
  }
}

// Each endpoint a full sync calls, for the table of scenario 4.
const BUDGET_ENDPOINTS = [
  "organizations",
  "followerStatistics",
  "pageStatistics",
  "shareStatistics",
  "networkSizes",
  "posts",
  "postStatistics",
  "socialMetadataBatch",
  "socialMetadata",
  "videoAnalytics",
  "functions",
  "seniorities",
  "industries",
];

async function requestBudget(ws: Workspace): Promise<void> {
  console.log("\n4. Requests: a full sync of every stream, one page of 60 posts and 5 videos");
  const page = { id: "1000001", name: "Budget Org", vanityName: "budget-org" };
  for (const tier of ["standard", "development"] as const) {
    const sim = await LinkedInSimulator.start({
      organizations: [{ ...page, postCount: 60, videoPosts: 5 }],
      apiTier: tier,
    });
    try {
      const config = ws.file(`budget-${tier}.json`, configFor(sim, { org_id: page.id }));
      const catalog = ws.file("budget-catalog.json", catalogFor(undefined, "incremental"));
      const run = await measure(sim, connectorArgs(config, catalog));
      const counts = BUDGET_ENDPOINTS.map((endpoint) => `${endpoint} ${sim.count(endpoint)}`);
      // The README's cost: 5 single answers, 3 windows, the pages of posts, per-post statistics
      // per URN kind, social metadata (50 a batch, or one per post and the refused batch call on
      // Development tier), 4 per video, and one page of each taxonomy.
      const posts = sim.posts(page.id);
      const expected = 5 + 3 + (Math.floor(posts.length / 100) + 1) +
        postStatisticsRequests(posts) +
        (tier === "standard" ? Math.ceil(posts.length / 50) : posts.length + 1) +
        4 * sim.videoPosts(page.id).length + 3;
      console.log(
        `   ${tier.padEnd(12)} ${run.requests} requests (README's cost: ${expected}; ` +
          `${run.requests === expected ? "holds" : "DOES NOT HOLD"}), exit ${run.code}`,
      );
      console.log(`      ${counts.join(", ")}`);
    } finally {
      await sim.close();
    }
  }
}

async function startup(ws: Workspace): Promise<void> {
  console.log("\n3. Start-up (median of 5 runs, wall time including the Deno runtime)");
  const sim = await LinkedInSimulator.start();
  try {
    const config = ws.file("startup.json", configFor(sim));
    for (const command of ["spec", "discover", "check"]) {
      const times: number[] = [];
      for (let i = 0; i < 5; i++) {
        const started = performance.now();
        const args = ["run", ...COMPILE_PERMISSIONS, mainPath, command];
        if (command !== "spec") args.push("--config", config);
        await new Deno.Command(Deno.execPath(), { args, stdout: "null", stderr: "null" }).output();
        times.push(performance.now() - started);
      }
      times.sort((a, b) => a - b);
      console.log(`   ${command.padEnd(9)} ${times[2].toFixed(0).padStart(5)} ms`);
    }
  } finally {
    await sim.close();
  }
}

const cpu = Deno.readTextFileSync("/proc/cpuinfo").match(/model name\s*:\s*(.*)/)?.[1] ??
  "unknown CPU";
console.log(
  `Machine: ${cpu}, ${navigator.hardwareConcurrency} cores, ` +
    `${(Deno.systemMemoryInfo().total / 2 ** 30).toFixed(0)} GiB; Deno ${Deno.version.deno}`,
);
using ws = new Workspace();
await throughput(ws);
await concurrency(ws);
await startup(ws);
await requestBudget(ws);
