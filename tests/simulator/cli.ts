/**
 * `deno task simulator [--port N] [--dir D]`: the LinkedIn API simulator as a tool. It starts the
 * simulator on 127.0.0.1, writes `config.json` (pointing the connector at it, with a valid access
 * token and the organizations the member administers) and `catalog.json` (every stream,
 * incremental where supported), prints where it listens, the two files and ready-to-paste
 * `check` and `read` command lines, then serves until SIGINT or SIGTERM and exits 0. Its output
 * is for people, not Airbyte messages.
 *
 * Exit codes: 0 after a clean stop, 1 when the server cannot listen (e.g. the port is in use) or
 * the files cannot be written, 2 for bad flags.
 *
 * @module
 */
import { resolve as resolvePath } from "node:path";
import { parseArgs } from "node:util";
import { airbyteStream, syncModesOf } from "../../lib/catalog.ts";
import { STREAM_SCHEMAS } from "../../lib/schemas.ts";
import { STREAMS } from "../../lib/streams.ts";
import { LinkedInSimulator } from "./server.ts";
import { DEFAULT_ORGANIZATIONS } from "./state.ts";
import { COMPILE_PERMISSIONS, ROOT } from "./tasks.ts";

/** What `--help` prints on stdout, and a bad flag on stderr. */
export const USAGE = `Usage: deno task simulator [--port N] [--dir D]

Serves the LinkedIn API simulator on 127.0.0.1 until interrupted, and writes config.json and
catalog.json with which the connector reads all of its data.

  --port N  listen on port N (default: any free port)
  --dir D   write the files into directory D (default: a new temporary directory,
            removed when the simulator stops)
  --help    print this help`;

/** The parsed command line. */
export interface CliOptions {
  /** The port to listen on; 0 is any free port. */
  port: number;
  /** Where to write the files; undefined is a new temporary directory. */
  dir?: string;
  /** `--help`. */
  help: boolean;
}

/** Parses the arguments; throws a `TypeError` with a one-line reason when they are not valid. */
export function parseCli(args: string[]): CliOptions {
  const { values } = parseArgs({
    args,
    options: {
      port: { type: "string" },
      dir: { type: "string" },
      help: { type: "boolean", short: "h" },
    },
    strict: true,
    allowPositionals: false,
  });
  const port = Number(values.port ?? 0);
  if (!/^\d+$/.test(values.port ?? "0") || port > 65535) {
    throw new TypeError(`--port must be a port number from 0 to 65535, not "${values.port}"`);
  }
  if (values.dir === "") throw new TypeError("--dir must name a directory");
  return { port, dir: values.dir, help: values.help ?? false };
}

/**
 * A config pointing the connector at `sim`: its access token and the organizations the member
 * administers (an ANALYST page cannot be synced).
 */
export function simulatorConfig(sim: LinkedInSimulator): Record<string, unknown> {
  return {
    credentials: { auth_method: "access_token", access_token: sim.accessToken },
    org_ids: DEFAULT_ORGANIZATIONS
      .filter((org) => (org.role ?? "ADMINISTRATOR") === "ADMINISTRATOR")
      .filter((org) => (org.state ?? "APPROVED") === "APPROVED")
      .map((org) => org.id),
    api_base_url: sim.url,
    oauth_base_url: sim.url,
  };
}

/** The configured catalog of every stream: incremental where the stream supports it. */
export function everyStreamCatalog(): { streams: Record<string, unknown>[] } {
  return {
    streams: STREAMS.map((definition) => {
      const incremental = syncModesOf(definition).includes("incremental");
      return {
        stream: airbyteStream(definition, STREAM_SCHEMAS[definition.name]),
        sync_mode: incremental ? "incremental" : "full_refresh",
        destination_sync_mode: incremental ? "append_dedup" : "overwrite",
        ...(definition.incremental ? { cursor_field: [definition.incremental.field] } : {}),
        primary_key: definition.primaryKey,
      };
    }),
  };
}

/** A word as a POSIX shell reads it: unchanged when safe, else single-quoted. */
function quote(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`;
}

/**
 * The command line that runs the connector with `args` as the compiled binary runs: the compile
 * task's permission flags. Under `npx` it names the same Deno through npx, since `deno` may not be
 * installed.
 */
export function connectorCommand(args: string[]): string {
  const deno = Deno.env.get("npm_lifecycle_event") === "npx"
    ? ["npx", "-y", `deno@${Deno.version.deno}`]
    : ["deno"];
  const main = new URL("main.ts", ROOT).pathname;
  return [...deno, "run", ...COMPILE_PERMISSIONS, main, ...args].map(quote).join(" ");
}

/** What is printed once the simulator listens and the files are written. */
export function banner(sim: LinkedInSimulator, config: string, catalog: string): string {
  const read = connectorCommand(["read", "--config", config, "--catalog", catalog]);
  return [
    `LinkedIn API simulator listening on ${sim.url}`,
    "",
    `Config:  ${config}`,
    `Catalog: ${catalog} (${STREAMS.length} streams)`,
    "",
    JSON.stringify(JSON.parse(Deno.readTextFileSync(config)), null, 2),
    "",
    "Check the connection:",
    `  ${connectorCommand(["check", "--config", config])}`,
    "",
    "Read every stream and count the records:",
    `  ${read} | jq -c 'select(.type=="RECORD") | .record.stream' | sort | uniq -c`,
    "",
    "Press Ctrl+C to stop.",
  ].join("\n");
}

/** Creates the directory `path` (and its parents) if needed; resolves with `path`. */
async function mkdir(path: string): Promise<string> {
  await Deno.mkdir(path, { recursive: true });
  return path;
}

/** Pretty JSON with a final newline, as the files are written. */
function json(value: unknown): string {
  return JSON.stringify(value, null, 2) + "\n";
}

/** Runs the command with `args`; resolves with the exit code once the simulator has stopped. */
export async function main(args: string[]): Promise<number> {
  let options: CliOptions;
  try {
    options = parseCli(args);
  } catch (error) {
    console.error(`error: ${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (options.help) {
    console.log(USAGE);
    return 0;
  }
  let sim: LinkedInSimulator;
  try {
    sim = await LinkedInSimulator.start({ port: options.port });
  } catch (error) {
    const reason = error instanceof Deno.errors.AddrInUse
      ? "is already in use"
      : `cannot be listened on: ${(error as Error).message}`;
    console.error(`error: port ${options.port} on 127.0.0.1 ${reason}`);
    return 1;
  }
  const temporary = options.dir === undefined;
  let dir: string;
  try {
    dir = await Deno.realPath(
      options.dir === undefined
        ? await Deno.makeTempDir({ prefix: "linkedin-simulator-" })
        // `deno task` runs in the directory of deno.json; INIT_CWD is where it was invoked.
        : await mkdir(resolvePath(Deno.env.get("INIT_CWD") ?? Deno.cwd(), options.dir)),
    );
    await Deno.writeTextFile(`${dir}/config.json`, json(simulatorConfig(sim)));
    await Deno.writeTextFile(`${dir}/catalog.json`, json(everyStreamCatalog()));
  } catch (error) {
    console.error(`error: cannot write the files: ${(error as Error).message}`);
    await sim.close();
    return 1;
  }
  console.log(banner(sim, `${dir}/config.json`, `${dir}/catalog.json`));

  const signals: Deno.Signal[] = Deno.build.os === "windows" ? ["SIGINT"] : ["SIGINT", "SIGTERM"];
  const { promise: stop, resolve } = Promise.withResolvers<Deno.Signal>();
  const handlers = signals.map((signal) => [signal, () => resolve(signal)] as const);
  for (const [signal, handler] of handlers) Deno.addSignalListener(signal, handler);
  const signal = await stop;
  // A second Ctrl+C while closing ends the process at once.
  for (const [signal, handler] of handlers) Deno.removeSignalListener(signal, handler);
  console.log(`\n${signal}: stopping after ${sim.count()} requests.`);
  await sim.close();
  if (temporary) await Deno.remove(dir, { recursive: true });
  return 0;
}

if (import.meta.main) Deno.exit(await main(Deno.args));
