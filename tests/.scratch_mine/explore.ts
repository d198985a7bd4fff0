import { catalogFor, configFor, oauthConfigFor, runConnector, Workspace } from "../harness.ts";
import { LinkedInSimulator, type Fault, type SimulatorOptions } from "../simulator.ts";
type Case = { name: string; opts?: SimulatorOptions; faults?: Fault[]; setup?: (s: LinkedInSimulator) => void; config?: (s: LinkedInSimulator) => Record<string, unknown>; streams?: string[]; cmd?: string; mode?: "incremental"|"full_refresh" };
const cases: Case[] = [
  { name: "500x2", faults: [{ endpoint: "networkSizes", times: 2, action: { status: 500, body: { status: 500, message: "Internal Server Error" } } }], streams: ["total_follower_count"] },
  { name: "429 always", faults: [{ endpoint: "networkSizes", action: { status: 429, body: { serviceErrorCode: 101, message: "Resource level throttle limit for calls to this resource is reached.", status: 429 }, headers: { "x-li-uuid": "UUID-1" } } }], streams: ["total_follower_count", "shares"] },
  { name: "drop always", faults: [{ endpoint: "networkSizes", action: { drop: true } }], streams: ["total_follower_count"] },
  { name: "truncate x2", faults: [{ endpoint: "networkSizes", times: 2, action: { truncate: true } }], streams: ["total_follower_count"] },
  { name: "html200 always", faults: [{ endpoint: "networkSizes", action: { html: true, status: 200 } }], streams: ["total_follower_count"] },
  { name: "delay", faults: [{ endpoint: "networkSizes", times: 2, action: { delayMs: 400 } }], streams: ["total_follower_count"], config: (s) => configFor(s, { request_timeout_seconds: 0.1 }) },
  { name: "refused api", streams: ["total_follower_count"], config: (s) => configFor(s, { api_base_url: "http://127.0.0.1:9" }) },
  { name: "refused oauth", streams: ["total_follower_count"], config: (s) => oauthConfigFor(s, { oauth_base_url: "http://127.0.0.1:9" }) },
  { name: "posts bad type", faults: [{ endpoint: "posts", action: { status: 200, body: { elements: [{ id: "urn:li:share:1", lastModifiedAt: "x" }] } } }], streams: ["shares"] },
  { name: "no elements", faults: [{ endpoint: "followerStatistics", action: { status: 200, body: { foo: 1 } } }], streams: ["follower_statistics"] },
  { name: "expired refresh", setup: (s) => s.expireRefreshToken(), config: (s) => oauthConfigFor(s), streams: ["total_follower_count", "shares"] },
  { name: "426 none", opts: { activeVersions: { oldest: "202701", newest: "202712" } }, streams: ["total_follower_count", "shares"] },
  { name: "426 step", opts: { activeVersions: { oldest: "202609", newest: "202611", skipped: ["202609"] } }, streams: ["total_follower_count", "shares"] },
  { name: "400 tI", faults: [{ endpoint: "followerStatistics", action: { status: 400, body: { status: 400, message: "Invalid timeIntervals parameter. Start time must be at least 2 days before the request date (UTC)." } } }], streams: ["follower_statistics_time_bound"] },
];
const only = Deno.args[0];
for (const c of cases) {
  if (only && !c.name.includes(only)) continue;
  const sim = await LinkedInSimulator.start(c.opts);
  using ws = new Workspace();
  try {
    for (const f of c.faults ?? []) sim.inject(f);
    c.setup?.(sim);
    const config = ws.file("c.json", (c.config ?? configFor)(sim));
    const catalog = ws.file("cat.json", catalogFor(c.streams, c.mode));
    const t = performance.now();
    const r = await runConnector(c.cmd === "check" ? ["check", "--config", config] : ["read", "--config", config, "--catalog", catalog, "--debug"]);
    console.log(`=== ${c.name} code=${r.code} ${Math.round(performance.now() - t)}ms counts=${JSON.stringify(Object.groupBy(sim.requests, (q) => q.endpoint + ":" + q.headers["linkedin-version"]), (k, v) => Array.isArray(v) ? v.length : v)} stderr=${r.stderr}`);
    for (const m of r.messages) if (m.type !== "RECORD") console.log(JSON.stringify(m).replace(/"stack_trace":"[^"]*"/, '"stack_trace":"…"').slice(0, 700));
  } finally { await sim.close(); }
}
