/**
 * The simulator as the PyAirbyte end-to-end test needs it: `deno run … simulator.ts DIR` starts
 * the LinkedIn API simulator with its default organizations and a control server beside it, both
 * on 127.0.0.1, and writes into DIR
 *
 * - `config.json`: the connector's config, pointing at the simulator, with a valid access token
 *   and the organizations the member administers, and `lookback_days` 0 (see below);
 * - `expected.json`: what the test expects to read (each organization's name, post count and
 *   follower count) and the control server's URL;
 * - `ready`: written last, once both servers listen.
 *
 * The control server answers `GET /requests` with the number of requests the simulator has
 * received so far, in all and per endpoint, so the test can tell how many requests each read
 * cost. It is a second server of this launcher: the simulator itself is not changed. Both stop
 * on SIGTERM or SIGINT, and the launcher then exits 0.
 *
 * @module
 */
import { STREAMS } from "../../lib/streams.ts";
import { LinkedInSimulator } from "../simulator/mod.ts";
import { DEFAULT_ORGANIZATIONS } from "../simulator/state.ts";

/** The organizations the connector can sync: approved, with the ADMINISTRATOR role. */
const SYNCED = DEFAULT_ORGANIZATIONS.filter((org) =>
  (org.role ?? "ADMINISTRATOR") === "ADMINISTRATOR" && (org.state ?? "APPROVED") === "APPROVED"
);

/** The requests the simulator has received: in all, and per endpoint name. */
function requestCounts(sim: LinkedInSimulator): Record<string, unknown> {
  const byEndpoint: Record<string, number> = {};
  for (const request of sim.requests) {
    byEndpoint[request.endpoint] = (byEndpoint[request.endpoint] ?? 0) + 1;
  }
  return { total: sim.count(), byEndpoint };
}

async function main(dir: string | undefined): Promise<number> {
  if (dir === undefined) {
    console.error("usage: simulator.ts DIR");
    return 2;
  }
  const sim = await LinkedInSimulator.start();
  const control = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => {} },
    (request) =>
      new URL(request.url).pathname === "/requests"
        ? Response.json(requestCounts(sim))
        : new Response("not found\n", { status: 404 }),
  );
  const config = {
    credentials: { auth_method: "access_token", access_token: sim.accessToken },
    org_ids: SYNCED.map((org) => org.id),
    api_base_url: sim.url,
    oauth_base_url: sim.url,
    // Each time-bound statistics window (and each video's analytics window) is one request however
    // long it is, and a later sync re-reads the last `lookback_days` days: with the default 3, a
    // second sync on the same day makes as many requests as the first (only fewer records). With 0,
    // the cursors the first sync saved leave no window to ask for, so a read that resumes from the
    // state makes no time-bound or video request, and the test can see that in the request counts.
    lookback_days: 0,
  };
  const expected = {
    // The connector's streams, in the order `discover` lists them.
    streams: STREAMS.map((stream) => stream.name),
    simulator_url: sim.url,
    control_url: `http://127.0.0.1:${control.addr.port}`,
    organizations: SYNCED.map((org) => ({
      id: org.id,
      name: org.name,
      vanity_name: org.vanityName,
      post_count: sim.posts(org.id).length,
      follower_count: sim.followerCount(org.id),
    })),
  };
  await Deno.writeTextFile(`${dir}/config.json`, JSON.stringify(config, null, 2) + "\n");
  await Deno.writeTextFile(`${dir}/expected.json`, JSON.stringify(expected, null, 2) + "\n");
  await Deno.writeTextFile(`${dir}/ready`, `${sim.url}\n`);
  console.error(`simulator listening on ${sim.url}, control on ${expected.control_url}`);

  const { promise: stopped, resolve } = Promise.withResolvers<Deno.Signal>();
  for (const signal of ["SIGTERM", "SIGINT"] as const) {
    Deno.addSignalListener(signal, () => resolve(signal));
  }
  const signal = await stopped;
  console.error(`${signal}: simulator stopping after ${sim.count()} requests`);
  await control.shutdown();
  await sim.close();
  return 0;
}

if (import.meta.main) Deno.exit(await main(Deno.args[0]));
