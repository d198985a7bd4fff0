/**
 * `deno task demo`: starts the LinkedIn API simulator and runs `check`, `discover`
 * and a full `read` of every stream against it, with the same permissions as the
 * compiled binary, so the connector can be seen working without a LinkedIn account.
 *
 * @module
 */
import {
  catalogFor,
  errorsOf,
  oauthConfigFor,
  recordsOf,
  runConnector,
  statesOf,
  statusesOf,
  Workspace,
} from "./harness.ts";
import { LinkedInSimulator } from "./simulator/mod.ts";
import { STREAMS } from "../lib/streams.ts";

const sim = await LinkedInSimulator.start();
using workspace = new Workspace();
try {
  // No org_id: the connector syncs every organization the member administers.
  const config = workspace.file(
    "config.json",
    oauthConfigFor(sim, { org_id: undefined, start_date: "2026-01-01" }),
  );
  const catalog = workspace.file("catalog.json", catalogFor(undefined, "incremental"));
  console.log(`LinkedIn API simulator on ${sim.url}\n`);

  const check = await runConnector(["check", "--config", config]);
  const status = check.messages.find((m) => m.type === "CONNECTION_STATUS")?.connectionStatus;
  console.log(`$ source-linkedin-pages check   -> ${status?.status} ${status?.message ?? ""}`);

  const discover = await runConnector(["discover", "--config", config]);
  const streams = discover.messages.find((m) => m.type === "CATALOG")?.catalog.streams ?? [];
  console.log(`$ source-linkedin-pages discover -> ${streams.length} streams\n`);

  sim.resetRecording();
  const started = performance.now();
  const read = await runConnector(["read", "--config", config, "--catalog", catalog]);
  const seconds = ((performance.now() - started) / 1000).toFixed(2);
  console.log(
    `$ source-linkedin-pages read     -> exit ${read.code} in ${seconds} s, ${sim.count()} HTTP requests\n`,
  );
  console.log("stream                            records  states  final status");
  for (const { name } of STREAMS) {
    const statuses = statusesOf(read.messages, name);
    console.log(
      `${name.padEnd(32)} ${String(recordsOf(read.messages, name).length).padStart(8)}` +
        `${String(statesOf(read.messages, name).length).padStart(8)}  ${statuses.at(-1)}`,
    );
  }
  const post = recordsOf(read.messages, "ugc_posts")[0];
  const statistics = recordsOf(read.messages, "post_statistics")
    .find((record) => record.totalShareStatistics.impressionCount > 0);
  const reactions = recordsOf(read.messages, "post_social_metadata")
    .find((record) => record.totalReactions > 0);
  const video = recordsOf(read.messages, "video_analytics").find((record) => record.viewers > 0);
  for (
    const [stream, record] of [
      ["ugc_posts", post],
      ["post_statistics", statistics],
      ["post_social_metadata", reactions],
      ["video_analytics", video],
    ]
  ) {
    console.log(`\nA ${stream} record:\n${JSON.stringify(record, null, 2).slice(0, 800)}`);
  }
  console.log();
  for (const error of errorsOf(read.messages)) console.log(`ERROR: ${error.message}`);
  if (
    check.code !== 0 || status?.status !== "SUCCEEDED" || discover.code !== 0 || read.code !== 0
  ) {
    console.error("The demo did not succeed.");
    Deno.exitCode = 1;
  }
} finally {
  await sim.close();
}
