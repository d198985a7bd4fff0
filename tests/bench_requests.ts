/**
 * The benchmark's request scenarios, full syncs of every stream (incremental catalog, no state):
 * - per-post requests: 3 organizations of 60 posts and 5 videos, no latency; the per-post
 *   statistics take 50 URNs of one kind a request, and the posts are paged once per run however
 *   many streams need them (the same pages as for `ugc_posts` alone);
 * - dependent requests: the same sync at 200 ms of latency with `api_tier: standard`, against its
 *   longest chain of requests that wait on each other (the pages of an organization's posts, then
 *   a per-post request), with the waves of requests the last run made; then one run with
 *   `api_tier` left out, where the first batch call of each organization goes alone;
 * - concurrency: 20 organizations of 250 posts and 5 videos at 50 ms of latency, the default
 *   concurrency against one request at a time, and the requests against the minimum the API
 *   allows;
 * - quota: one page of 60 posts and 5 videos on LinkedIn's Standard and Development tiers,
 *   against the cost the README gives.
 *
 * @module
 */
import {
  catalogFor,
  configFor,
  postStatisticsRequests,
  readArgs,
  type Workspace,
} from "./harness.ts";
import { LinkedInSimulator, type RecordedRequest } from "./simulator/mod.ts";
import { benchOrganizations, connectorArgs, measure, row } from "./bench_run.ts";
import { median, ms, type Report } from "./bench_report.ts";

const CHAIN_LATENCY_MS = 200;
const CHAIN_TARGET = 1.5;
const SPEED_UP_TARGET = 3;

/** The 100-post pages that list `posts` posts: the last one is short (or empty). */
const pagesOfPosts = (posts: number) => Math.floor(posts / 100) + 1;

/** The pages of posts of the organizations `ids`, all together. */
const postPages = (sim: LinkedInSimulator, ids: readonly string[]) =>
  ids.reduce((sum, id) => sum + pagesOfPosts(sim.posts(id).length), 0);

/**
 * The README's cost of a full sync of every stream for the organizations `ids`: per
 * organization 5 single answers, 3 windows, the pages of posts, per-post statistics per URN kind,
 * social metadata (50 a batch; on Development tier one per post plus the refused batch call, as
 * for a single organization) and 4 per video; and one page of each of the 3 taxonomies.
 */
function readmeCost(
  sim: LinkedInSimulator,
  ids: readonly string[],
  tier: "standard" | "development",
): number {
  const perOrganization = ids.map((id) => {
    const posts = sim.posts(id);
    const socialMetadata = tier === "standard" ? Math.ceil(posts.length / 50) : posts.length + 1;
    return 5 + 3 + pagesOfPosts(posts.length) + postStatisticsRequests(posts) + socialMetadata +
      4 * sim.videoPosts(id).length;
  });
  return perOrganization.reduce((a, b) => a + b, 0) + 3;
}

function syncFiles(
  ws: Workspace,
  sim: LinkedInSimulator,
  ids: string[],
  name: string,
  overrides: Record<string, unknown> = {},
) {
  const config = ws.file(
    `${name}.json`,
    configFor(sim, { org_id: undefined, org_ids: ids, ...overrides }),
  );
  const everyStream = ws.file(`${name}-all.json`, catalogFor(undefined, "incremental"));
  const postsOnly = ws.file(`${name}-posts.json`, catalogFor(["ugc_posts"], "incremental"));
  return { everyStream: readArgs(config, everyStream), postsOnly: readArgs(config, postsOnly) };
}

/** Per-post statistics 50 a request, and the posts paged once whatever streams need them. */
export async function perPostScenario(ws: Workspace, report: Report): Promise<void> {
  console.log("\n4. Per-post requests: every stream, 3 organizations of 60 posts and 5 videos");
  const organizations = benchOrganizations(3, 60, 5);
  const ids = organizations.map((org) => org.id);
  const sim = await LinkedInSimulator.start({ organizations });
  try {
    const files = syncFiles(ws, sim, ids, "per-post");
    const everyStream = await measure(sim, connectorArgs(...files.everyStream));
    report.expectSuccess("per-post requests, every stream", everyStream);
    console.log(row("every stream", everyStream));
    const statistics = sim.count("postStatistics");
    const pagesForEveryStream = sim.count("posts");
    const postsOnly = await measure(sim, connectorArgs(...files.postsOnly));
    report.expectSuccess("per-post requests, ugc_posts only", postsOnly);
    console.log(row("ugc_posts only", postsOnly));
    const pagesForPostsOnly = sim.count("posts");

    const expectedStatistics = ids.reduce((n, id) => n + postStatisticsRequests(sim.posts(id)), 0);
    const statisticsVerdict = report.target(
      "postStatistics requests",
      String(statistics),
      `= ${expectedStatistics} (50 URNs of a kind each)`,
      statistics === expectedStatistics,
    );
    console.log(
      `   postStatistics requests: ${statistics} (target: ceil(shares / 50) + ceil(ugcPosts / 50) ` +
        `per organization = ${expectedStatistics}): ${statisticsVerdict}`,
    );
    const pages = postPages(sim, ids);
    const pagesVerdict = report.target(
      "posts paged once per run",
      `${pagesForEveryStream} (ugc_posts only: ${pagesForPostsOnly})`,
      `= ${pages} (floor(n / 100) + 1 each)`,
      pagesForEveryStream === pages && pagesForPostsOnly === pages,
    );
    console.log(
      `   posts requests: ${pagesForEveryStream} for every stream, ${pagesForPostsOnly} for ` +
        `ugc_posts alone (target: both = the ${pages} pages of 100 posts): ${pagesVerdict}`,
    );
  } finally {
    await sim.close();
  }
}

/** Requests grouped by start: a wave starts with a request half a latency after the last wave. */
function waves(requests: readonly RecordedRequest[], latencyMs: number): RecordedRequest[][] {
  const groups: RecordedRequest[][] = [];
  for (const request of [...requests].sort((a, b) => a.startedAt - b.startedAt)) {
    const wave = groups.at(-1);
    if (wave && request.startedAt - wave[0].startedAt < latencyMs / 2) wave.push(request);
    else groups.push([request]);
  }
  return groups;
}

function describeWave(wave: RecordedRequest[], origin: number, index: number): string {
  const endpoints = new Map<string, number>();
  for (const request of wave) {
    endpoints.set(request.endpoint, (endpoints.get(request.endpoint) ?? 0) + 1);
  }
  const counts = [...endpoints].map(([endpoint, n]) => `${endpoint} ${n}`).join(", ");
  const ended = Math.max(...wave.map((request) => request.endedAt)) - origin;
  return `      wave ${index + 1} at +${ms(wave[0].startedAt - origin)}, all answered by ` +
    `+${ms(ended)}: ${wave.length} requests (${counts})`;
}

/** The waves of requests of the last run, and its time outside requests. */
function describeLastRun(sim: LinkedInSimulator, wallMs: number): void {
  const origin = Math.min(...sim.requests.map((r) => r.startedAt));
  const span = Math.max(...sim.requests.map((r) => r.endedAt)) - origin;
  const groups = waves(sim.requests, CHAIN_LATENCY_MS);
  console.log(
    `   requests from the first start to the last end ${ms(span)}, ` +
      `${groups.length} waves, at most ${sim.maxConcurrency()} in flight, ` +
      `${ms(wallMs - span)} of the wall time outside requests (start-up and exit)`,
  );
  groups.forEach((wave, index) => console.log(describeWave(wave, origin, index)));
}

/**
 * The sync at 200 ms of latency against its longest chain of dependent requests, with
 * `api_tier: standard` (batch calls known to be answered); then once with api_tier left out,
 * where the first batch call of post_social_metadata per organization goes alone (one more
 * request in the chain when an organization has more than one batch), for the record.
 */
export async function dependentRequestsScenario(
  ws: Workspace,
  report: Report,
  runs: number,
): Promise<void> {
  console.log(
    `\n5. Dependent requests: every stream, 3 organizations of 60 posts and 5 videos, ` +
      `${CHAIN_LATENCY_MS} ms latency per request, default concurrency, api_tier standard, ` +
      `median of ${runs} run(s)`,
  );
  const organizations = benchOrganizations(3, 60, 5);
  const ids = organizations.map((org) => org.id);
  const sim = await LinkedInSimulator.start({ organizations, latencyMs: CHAIN_LATENCY_MS });
  try {
    const standard = { api_tier: "standard" };
    const args = connectorArgs(...syncFiles(ws, sim, ids, "chain", standard).everyStream);
    const walls: number[] = [];
    for (let i = 0; i < runs; i++) {
      const run = await measure(sim, args);
      report.expectSuccess("dependent requests, every stream", run);
      console.log(row(`run ${i + 1}`, run));
      walls.push(run.seconds * 1000);
    }
    // Each page of posts waits for the one before; a per-post request waits for the pages.
    const chainRequests = Math.max(...ids.map((id) => pagesOfPosts(sim.posts(id).length))) + 1;
    const chainMs = chainRequests * CHAIN_LATENCY_MS;
    const wall = median(walls);
    console.log(
      `   longest chain: ${chainRequests} dependent requests × ${CHAIN_LATENCY_MS} ms = ` +
        ms(chainMs),
    );
    if (sim.requests.length === 0) {
      report.target("sync at 200 ms vs longest chain", "no requests", "", false);
      return;
    }
    describeLastRun(sim, walls.at(-1)!);
    const verdict = report.target(
      "sync at 200 ms vs longest chain",
      `${ms(wall)} (${(wall / chainMs).toFixed(2)}× ${ms(chainMs)})`,
      `<= ${CHAIN_TARGET}× = ${ms(CHAIN_TARGET * chainMs)}`,
      wall <= CHAIN_TARGET * chainMs,
    );
    console.log(
      `   wall time ${ms(wall)} (median), ${(wall / chainMs).toFixed(2)}× the chain ` +
        `(target <= ${CHAIN_TARGET}× = ${ms(CHAIN_TARGET * chainMs)}): ${verdict}`,
    );

    const unknownTier = await measure(
      sim,
      connectorArgs(...syncFiles(ws, sim, ids, "chain-tier-unknown").everyStream),
    );
    report.expectSuccess("dependent requests, api_tier left out", unknownTier);
    console.log(row("api_tier left out, 1 run", unknownTier));
    describeLastRun(sim, unknownTier.seconds * 1000);
  } finally {
    await sim.close();
  }
}

/** Every stream at 50 ms of latency: default concurrency against one request at a time. */
export async function concurrencyScenario(ws: Workspace, report: Report): Promise<void> {
  console.log(
    "\n6. Concurrency: all 16 streams, 20 organizations of 250 posts and 5 videos, " +
      "50 ms latency per request",
  );
  const organizations = benchOrganizations(20, 250, 5);
  const ids = organizations.map((org) => org.id);
  const sim = await LinkedInSimulator.start({ organizations, latencyMs: 50 });
  try {
    const catalog = ws.file("concurrency-catalog.json", catalogFor(undefined, "incremental"));
    const run = async (label: string, limit?: number) => {
      const config = ws.file(
        `concurrency-${limit ?? "default"}.json`,
        configFor(sim, { org_id: undefined, org_ids: ids, max_concurrent_requests: limit }),
      );
      const measured = await measure(sim, connectorArgs(...readArgs(config, catalog)));
      report.expectSuccess(`concurrency, ${label}`, measured);
      console.log(row(label, measured));
      return measured;
    };
    const concurrent = await run("default concurrency");
    const inFlight = sim.maxConcurrency();
    const sequential = await run("one request at a time", 1);
    const speedUp = sequential.seconds / concurrent.seconds;
    const speedUpVerdict = report.target(
      "concurrency speed-up at 50 ms",
      `${speedUp.toFixed(1)}×`,
      `>= ${SPEED_UP_TARGET}×`,
      speedUp >= SPEED_UP_TARGET,
    );
    console.log(
      `   speed-up over one request at a time: ${speedUp.toFixed(1)}× (at most ${inFlight} in ` +
        `flight; target >= ${SPEED_UP_TARGET}×): ${speedUpVerdict}`,
    );
    const minimum = readmeCost(sim, ids, "standard");
    const requestsVerdict = report.target(
      "requests at 50 ms",
      String(concurrent.requests),
      `= ${minimum}, the API's minimum`,
      concurrent.requests === minimum,
    );
    console.log(
      `   HTTP requests: ${concurrent.requests} (minimum the API allows: ${minimum}): ` +
        requestsVerdict,
    );
  } finally {
    await sim.close();
  }
}

// Each endpoint a full sync calls, for the quota scenario's table.
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

/** One page of 60 posts and 5 videos on both tiers, against the README's cost. */
export async function quotaScenario(ws: Workspace, report: Report): Promise<void> {
  console.log("\n7. Quota: a full sync of every stream, one page of 60 posts and 5 videos");
  const page = { id: "1000001", name: "Budget Org", vanityName: "budget-org" };
  for (const tier of ["standard", "development"] as const) {
    const sim = await LinkedInSimulator.start({
      organizations: [{ ...page, postCount: 60, videoPosts: 5 }],
      apiTier: tier,
    });
    try {
      const config = ws.file(`budget-${tier}.json`, configFor(sim, { org_id: page.id }));
      const catalog = ws.file("budget-catalog.json", catalogFor(undefined, "incremental"));
      const run = await measure(sim, connectorArgs(...readArgs(config, catalog)));
      report.expectSuccess(`quota, ${tier} tier`, run);
      const counts = BUDGET_ENDPOINTS.map((endpoint) => `${endpoint} ${sim.count(endpoint)}`);
      const expected = readmeCost(sim, [page.id], tier);
      const verdict = report.target(
        `requests, ${tier} tier`,
        String(run.requests),
        `= ${expected}, the README's cost`,
        run.requests === expected,
      );
      console.log(
        `   ${tier.padEnd(12)} ${run.requests} requests (README's cost: ${expected}): ${verdict}`,
      );
      console.log(`      ${counts.join(", ")}`);
    } finally {
      await sim.close();
    }
  }
}
