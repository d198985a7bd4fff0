/**
 * End to end: `deno task simulator` run as deno.json says (its flags read from the task), then
 * the connector's `check` and `read` with the files it wrote, then SIGINT; `--port`, a port in
 * use and bad flags.
 */
import assert from "node:assert/strict";
import {
  assertOk,
  COMPILE_PERMISSIONS,
  onlyMessage,
  recordsOf,
  runConnector,
  STREAM_NAMES,
  Workspace,
} from "./harness.ts";
import { ROOT, taskWords } from "./simulator/tasks.ts";

const TIMEOUT_MS = 30_000;
const READY = /^Press Ctrl\+C to stop\.$/m;
const mainPath = new URL("main.ts", ROOT).pathname;

/** Rejects after `ms` unless `promise` settles first. */
async function within<T>(promise: Promise<T>, what: string, ms = TIMEOUT_MS): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** `deno task simulator` with extra arguments, as its own process, with its output collected. */
class SimulatorProcess {
  readonly child: Deno.ChildProcess;
  stdout = "";
  stderr = "";
  /** Resolves once the process has exited and both streams are read to the end. */
  readonly finished: Promise<Deno.CommandStatus>;

  constructor(extra: string[] = []) {
    const words = taskWords("simulator");
    assert.deepEqual(words.slice(0, 2), ["deno", "run"], "the task is a deno run command");
    this.child = new Deno.Command(Deno.execPath(), {
      args: [...words.slice(1), ...extra],
      cwd: ROOT.pathname,
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
      env: { NO_COLOR: "1" },
    }).spawn();
    const collect = async (stream: ReadableStream<Uint8Array>, into: "stdout" | "stderr") => {
      for await (const text of stream.pipeThrough(new TextDecoderStream())) this[into] += text;
    };
    this.finished = Promise.all([
      collect(this.child.stdout, "stdout"),
      collect(this.child.stderr, "stderr"),
    ]).then(() => this.child.status);
  }

  /** Waits until stdout matches `pattern` (rejects if the process exits first or on timeout). */
  async waitFor(pattern: RegExp): Promise<void> {
    let exited = false;
    this.finished.then(() => exited = true, () => exited = true);
    await within(
      (async () => {
        while (!pattern.test(this.stdout)) {
          if (exited) throw new Error(`exited before printing ${pattern}:\n${this.output()}`);
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
      })(),
      `${pattern} in the output:\n${this.output()}`,
    );
  }

  /** The value of the first group of `pattern` in stdout. */
  printed(pattern: RegExp): string {
    const match = pattern.exec(this.stdout);
    assert.ok(match, `${pattern} not in:\n${this.stdout}`);
    return match[1];
  }

  /** Both streams, for failure messages. */
  output(): string {
    return `stdout:\n${this.stdout}\nstderr:\n${this.stderr}`;
  }

  /** Sends SIGINT and waits for the exit; kills the process if it does not stop. */
  async interrupt(): Promise<Deno.CommandStatus> {
    this.child.kill("SIGINT");
    return await this.stopped();
  }

  /** Waits for the exit; kills the process if it takes longer than the timeout. */
  async stopped(): Promise<Deno.CommandStatus> {
    try {
      return await within(this.finished, "the simulator to exit");
    } catch (error) {
      await this[Symbol.asyncDispose]();
      throw error;
    }
  }

  /** Kills the process if it still runs, and waits for its end. */
  async [Symbol.asyncDispose](): Promise<void> {
    try {
      this.child.kill("SIGKILL");
    } catch {
      // It has already exited.
    }
    await this.finished;
  }
}

/** A port on 127.0.0.1 that was free a moment ago. */
function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = listener.addr.port;
  listener.close();
  return port;
}

/** Whether something accepts connections on the port of 127.0.0.1. */
async function listening(port: number): Promise<boolean> {
  try {
    (await Deno.connect({ hostname: "127.0.0.1", port })).close();
    return true;
  } catch {
    return false;
  }
}

Deno.test("deno task simulator: check and read every stream with its files, stops on SIGINT", async () => {
  await using sim = new SimulatorProcess();
  await sim.waitFor(READY);
  const url = sim.printed(/^LinkedIn API simulator listening on (http:\/\/127\.0\.0\.1:\d+)$/m);
  const config = sim.printed(/^Config: +(\S+)$/m);
  const catalog = sim.printed(
    new RegExp(`^Catalog: +(\\S+) \\(${STREAM_NAMES.length} streams\\)$`, "m"),
  );
  for (const path of [config, catalog]) {
    assert.ok(path.startsWith("/"), `${path} is absolute`);
    assert.match(path, /\/linkedin-simulator-[^/]+\/(config|catalog)\.json$/);
  }
  const written = JSON.parse(Deno.readTextFileSync(config));
  assert.equal(written.api_base_url, url);
  assert.equal(written.oauth_base_url, url);
  assert.deepEqual(written.org_ids, ["2414183", "5515715"]);
  const modes = Object.fromEntries(
    JSON.parse(Deno.readTextFileSync(catalog)).streams.map((
      entry: { stream: { name: string }; sync_mode: string },
    ) => [entry.stream.name, entry.sync_mode]),
  );
  assert.deepEqual(Object.keys(modes), STREAM_NAMES);
  assert.equal(modes.shares, "full_refresh");
  assert.equal(modes.ugc_posts, "incremental");

  // The printed command lines run main.ts exactly as runConnector does.
  // Started through npx (as .ci/run does), it names Deno through npx too.
  const runner = Deno.env.get("npm_lifecycle_event") === "npx"
    ? `npx -y deno@${Deno.version.deno}`
    : "deno";
  const deno = `${runner} run ${COMPILE_PERMISSIONS.join(" ")} ${mainPath}`;
  assert.ok(sim.stdout.includes(`  ${deno} check --config ${config}\n`), sim.stdout);
  assert.ok(
    sim.stdout.includes(
      `  ${deno} read --config ${config} --catalog ${catalog} | jq -c 'select(.type=="RECORD") ` +
        `| .record.stream' | sort | uniq -c\n`,
    ),
    sim.stdout,
  );

  const check = await runConnector(["check", "--config", config]);
  assert.equal(check.code, 0, check.stderr);
  assert.equal(onlyMessage(check, "CONNECTION_STATUS").connectionStatus.status, "SUCCEEDED");

  const read = await runConnector(["read", "--config", config, "--catalog", catalog]);
  assertOk(read);
  const empty = STREAM_NAMES.filter((name) => recordsOf(read.messages, name).length === 0);
  assert.deepEqual(empty, [], "every stream has records");

  const status = await sim.interrupt();
  assert.deepEqual([status.code, status.signal], [0, null], sim.output());
  assert.match(sim.stdout, /^SIGINT: stopping after \d+ requests\.$/m);
  assert.equal(sim.stderr, "");
  assert.equal(await listening(Number(new URL(url).port)), false, "the port is closed");
  assert.throws(() => Deno.statSync(config), Deno.errors.NotFound, "the temporary files are gone");
});

Deno.test("deno task simulator --port N --dir D listens on N and writes its files into D", async () => {
  using workspace = new Workspace();
  const port = freePort();
  const dir = `${workspace.dir}/files`;
  await using sim = new SimulatorProcess(["--port", String(port), "--dir", dir]);
  await sim.waitFor(READY);
  assert.match(
    sim.stdout,
    new RegExp(`^LinkedIn API simulator listening on http://127\\.0\\.0\\.1:${port}$`, "m"),
  );
  assert.equal(await listening(port), true);
  const config = sim.printed(/^Config: +(\S+)$/m);
  assert.equal(config, `${Deno.realPathSync(dir)}/config.json`);
  assert.equal(JSON.parse(Deno.readTextFileSync(config)).api_base_url, `http://127.0.0.1:${port}`);
  const status = await sim.interrupt();
  assert.equal(status.code, 0, sim.output());
  assert.ok(Deno.statSync(config).isFile, "files in a given directory are kept");
  assert.ok(Deno.statSync(`${dir}/catalog.json`).isFile);
});

Deno.test("deno task simulator on a port in use exits 1 with one line saying so", async () => {
  using listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  await using sim = new SimulatorProcess(["--port", String(listener.addr.port)]);
  const status = await sim.stopped();
  assert.equal(status.code, 1, sim.output());
  assert.equal(sim.stdout, "");
  assert.equal(
    sim.stderr,
    `error: port ${listener.addr.port} on 127.0.0.1 is already in use\n`,
  );
});

Deno.test("deno task simulator with a bad flag exits 2 with the usage", async () => {
  for (
    const [args, reason] of [
      [["--frobnicate"], /--frobnicate/],
      [["--port", "http"], /--port must be a port number from 0 to 65535, not "http"/],
      [["--port", "70000"], /--port must be a port number/],
      [["extra"], /extra/],
    ] as const
  ) {
    await using sim = new SimulatorProcess([...args]);
    const status = await sim.stopped();
    assert.equal(status.code, 2, `${args}: ${sim.output()}`);
    assert.equal(sim.stdout, "");
    assert.match(sim.stderr.split("\n")[0], /^error: /);
    assert.match(sim.stderr, reason);
    assert.match(sim.stderr, /Usage: deno task simulator \[--port N\] \[--dir D\]/);
  }
  await using help = new SimulatorProcess(["--help"]);
  assert.equal((await help.stopped()).code, 0);
  assert.match(help.stdout, /^Usage: deno task simulator/);
});
