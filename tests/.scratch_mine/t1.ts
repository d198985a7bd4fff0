import { catalogFor, configFor, runConnector, Workspace } from "/work/main/tests/harness.ts";
import { LinkedInSimulator } from "/work/main/tests/simulator.ts";
const sim = await LinkedInSimulator.start();
using ws = new Workspace();
try {
  const config = ws.file("c.json", configFor(sim));
  const catalog = ws.file("cat.json", catalogFor(["shares", "total_follower_count"]));
  let t = performance.now();
  const r = await runConnector(["read", "--config", config, "--catalog", catalog]);
  console.log(performance.now() - t, r.code, r.stderr);
  for (const m of r.messages) if (m.type !== "RECORD") console.log(JSON.stringify(m).slice(0, 300));
  t = performance.now();
  const r2 = await runConnector(["spec"]);
  console.log(performance.now() - t, r2.code);
} finally { await sim.close(); }
