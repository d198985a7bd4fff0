/**
 * End-to-end process tests: a reader that closes stdout early, and SIGTERM/SIGINT
 * during a read. The connector runs as a subprocess with the compiled binary's
 * permissions; every stdout line must be a whole, valid Airbyte message.
 *
 * @module
 */
import assert from "node:assert/strict";
import {
  catalogFor,
  COMPILE_PERMISSIONS,
  configFor,
  errorsOf,
  lastStatus,
  ORG,
  OTHER_ORG,
  parseMessages,
  recordsOf,
  statusesOf,
  Workspace,
} from "./harness.ts";
import { LinkedInSimulator, type SimulatorOptions } from "./simulator/mod.ts";

const mainPath = new URL("../main.ts", import.meta.url).pathname;

/** A running connector with its stdout as text chunks and its stderr collected. */
class Connector {
  readonly child: Deno.ChildProcess;
  readonly stderr: Promise<string>;
  readonly reader: ReadableStreamDefaultReader<string>;
  text = "";

  constructor(args: string[]) {
    this.child = new Deno.Command(Deno.execPath(), {
      args: ["run", ...COMPILE_PERMISSIONS, mainPath, ...args],
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
      env: { NO_COLOR: "1" },
    }).spawn();
    this.stderr = new Response(this.child.stderr).text();
    this.reader = this.child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  }

  /** Reads stdout until `done(text)` holds; fails when stdout ends first or time runs out. */
  async readUntil(done: (text: string) => boolean, timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!done(this.text)) {
      assert.ok(Date.now() < deadline, `timed out waiting; stdout so far:\n${this.text}`);
      const { value, done: ended } = await this.reader.read();
      assert.ok(!ended, `stdout ended early:\n${this.text}`);
      this.text += value;
    }
  }

  /** Reads the rest of stdout and waits for the exit; resolves to the exit code and time. */
  async finish(): Promise<{ code: number; ms: number }> {
    const started = performance.now();
    for (;;) {
      const { value, done } = await this.reader.read();
      if (done) break;
      this.text += value;
    }
    const status = await this.child.status;
    return { code: status.code, ms: performance.now() - started };
  }

  /** Stops a connector a failed test left running, and releases its pipes. */
  async dispose(): Promise<void> {
    try {
      this.child.kill("SIGKILL");
    } catch {
      // Already exited.
    }
    await this.reader.cancel().catch(() => {});
    await this.child.status;
    await this.stderr;
  }
}

async function withSim(
  options: SimulatorOptions,
  fn: (sim: LinkedInSimulator, workspace: Workspace) => Promise<void>,
): Promise<void> {
  const sim = await LinkedInSimulator.start(options);
  using workspace = new Workspace();
  try {
    await fn(sim, workspace);
  } finally {
    await sim.close();
  }
}

const hasStatus = (stream: string, status: string) => (text: string) =>
  text.includes(
    `"stream_status":{"stream_descriptor":{"name":"${stream}"},"status":"${status}"`,
  );

Deno.test("process: a reader that closes stdout early stops the connector quietly", async () => {
  const organizations = [ORG, OTHER_ORG].map((id) => ({
    id,
    name: `Org ${id}`,
    vanityName: `org-${id}`,
    postCount: 20_000,
  }));
  await withSim({ organizations }, async (sim, workspace) => {
    const config = workspace.file(
      "config.json",
      configFor(sim, { org_id: undefined, org_ids: [ORG, OTHER_ORG] }),
    );
    const catalog = workspace.file("catalog.json", catalogFor(["ugc_posts", "shares"]));
    const connector = new Connector(["read", "--config", config, "--catalog", catalog]);
    try {
      await connector.readUntil((text) => text.includes("\n"));
      const firstLine = connector.text.slice(0, connector.text.indexOf("\n") + 1);
      assert.equal(parseMessages(firstLine).length, 1);
      const started = performance.now();
      await connector.reader.cancel();
      const status = await connector.child.status;
      const ms = performance.now() - started;
      assert.ok(ms < 5_000, `exited after ${ms} ms`);
      // 141 = 128 + SIGPIPE, as main.ts documents; nothing on stderr.
      assert.equal(status.code, 141);
      assert.equal(await connector.stderr, "");
      // It stopped reading: 400 pages were there to fetch.
      assert.ok(sim.count("posts") < 40, `${sim.count("posts")} posts requests`);
    } finally {
      await connector.dispose();
    }
  });
});

const SIGNALS: { signal: Deno.Signal; code: number; slow: "fault" | "latency" }[] = [
  { signal: "SIGTERM", code: 143, slow: "fault" },
  { signal: "SIGINT", code: 130, slow: "fault" },
  { signal: "SIGTERM", code: 143, slow: "latency" },
];

for (const { signal, code, slow } of SIGNALS) {
  const how = slow === "fault" ? "slow posts ({delayMs})" : "a slow API (latencyMs)";
  Deno.test(`process: ${signal} during a read with ${how} → in-flight streams INCOMPLETE, exit ${code}`, async () => {
    const options = slow === "latency" ? { latencyMs: 1_500 } : {};
    await withSim(options, async (sim, workspace) => {
      if (slow === "fault") sim.inject({ endpoint: "posts", action: { delayMs: 1_500 } });
      const config = workspace.file("config.json", configFor(sim));
      const streams = ["total_follower_count", "ugc_posts", "shares"];
      const catalog = workspace.file("catalog.json", catalogFor(streams, "incremental"));
      const connector = new Connector(["read", "--config", config, "--catalog", catalog]);
      try {
        // With slow posts, wait for the fast stream to finish; with a slow API, for the starts.
        await connector.readUntil(
          slow === "fault"
            ? hasStatus("total_follower_count", "COMPLETE")
            : hasStatus("shares", "STARTED"),
        );
        await new Promise((resolve) => setTimeout(resolve, 50));
        // ugc_posts and shares wait on the one read of the posts they share.
        assert.equal(sim.count("posts"), 1, "the posts request is in flight");
        connector.child.kill(signal);
        const { code: exit, ms } = await connector.finish();
        assert.equal(exit, code);
        assert.ok(ms < 1_000, `exited ${ms} ms after ${signal}`);
        assert.equal(await connector.stderr, "");

        // Every line is whole and valid; the last one too.
        assert.ok(connector.text.endsWith("\n"));
        const messages = parseMessages(connector.text);
        const inFlight = slow === "fault" ? ["ugc_posts", "shares"] : streams;
        for (const stream of inFlight) {
          const statuses = statusesOf(messages, stream);
          assert.equal(statuses.at(-1), "INCOMPLETE", `${stream}: ${statuses}`);
          assert.ok(!statuses.includes("COMPLETE"));
          assert.equal(recordsOf(messages, stream).length, 0);
        }
        if (slow === "fault") {
          assert.deepEqual(statusesOf(messages, "total_follower_count"), [
            "STARTED",
            "RUNNING",
            "COMPLETE",
          ]);
        }
        // Stopping is not a failure of LinkedIn or of the config.
        assert.equal(errorsOf(messages).length, 0);
      } finally {
        await connector.dispose();
      }
    });
  });
}

Deno.test("process: SIGTERM while backing off after a 429 exits at once", async () => {
  await withSim({}, async (sim, workspace) => {
    sim.inject({
      endpoint: "networkSizes",
      action: {
        status: 429,
        body: {
          status: 429,
          message: "Resource level throttle limit for calls to this resource is reached.",
        },
        headers: { "retry-after": "60" },
      },
    });
    // Real waits: backoff_scale 1, so the connector would sleep 60 s.
    const config = workspace.file("config.json", configFor(sim, { backoff_scale: 1 }));
    const catalog = workspace.file("catalog.json", catalogFor(["total_follower_count"]));
    const connector = new Connector(["read", "--config", config, "--catalog", catalog]);
    try {
      await connector.readUntil((text) => text.includes('"RATE_LIMITED"'));
      connector.child.kill("SIGTERM");
      const { code, ms } = await connector.finish();
      assert.equal(code, 143);
      assert.ok(ms < 1_000, `exited ${ms} ms after SIGTERM`);
      assert.equal(sim.count("networkSizes"), 1);
      const messages = parseMessages(connector.text);
      assert.equal(lastStatus(messages, "total_follower_count"), "INCOMPLETE");
      assert.equal(errorsOf(messages).length, 0);
      assert.equal(await connector.stderr, "");
    } finally {
      await connector.dispose();
    }
  });
});
