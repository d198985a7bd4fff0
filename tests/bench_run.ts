/**
 * How the benchmark runs its programs: the connector as the compile task builds it (the bundle
 * `deno task bundle` writes to `dist/bundle/`, which the binary is compiled from), the floor
 * (`bench_floor.ts`, and `bench_floor_cli.ts`, which parses its arguments first) and the empty
 * baseline (`bench_empty.ts`), each under `deno run` with the compile task's runtime flags
 * (permissions and V8 flags), so every program runs as the compiled binary would and a comparison
 * isolates the code. A measured run reports its wall time, the RECORD lines and bytes it printed,
 * its peak resident memory (VmHWM, polled from /proc) and the requests it made.
 *
 * @module
 */
import { COMPILE_PERMISSIONS } from "./harness.ts";
import type { LinkedInSimulator, SimOrganization } from "./simulator/mod.ts";

const root = new URL("..", import.meta.url);
/** The connector's entry in the bundle that the compile task compiles. */
const bundlePath = new URL("dist/bundle/main.js", root).pathname;
const floorPath = new URL("tests/bench_floor.ts", root).pathname;
const floorCliPath = new URL("tests/bench_floor_cli.ts", root).pathname;
const emptyPath = new URL("tests/bench_empty.ts", root).pathname;

/** How often the peak resident memory of a running program is read. */
const RSS_POLL_MS = 20;

/** What one measured run of a program did. */
export interface Measurement {
  /** Wall time from spawning the process to its exit. */
  seconds: number;
  /** RECORD lines printed. */
  records: number;
  /** Bytes printed on stdout. */
  bytes: number;
  /** The highest VmHWM seen while it ran, in MiB. */
  peakRssMiB: number;
  /** Requests the simulator recorded during the run. */
  requests: number;
  /** Exit code. */
  code: number;
  /** The RECORD lines themselves, when the run was asked to keep them. */
  recordLines?: string[];
}

/** `count` organizations of `postCount` posts (and `videoPosts` videos), ids from 1000001. */
export function benchOrganizations(
  count: number,
  postCount: number,
  videoPosts?: number,
): SimOrganization[] {
  return Array.from({ length: count }, (_, index) => ({
    id: String(1_000_001 + index),
    name: `Benchmark Org ${index + 1}`,
    vanityName: `benchmark-org-${index + 1}`,
    postCount,
    videoPosts,
  }));
}

// The compiled binary carries its modules; `--cached-only` keeps every program's module loading
// off the network, as it is for the binary.
const RUN = ["run", "--cached-only", ...COMPILE_PERMISSIONS];

/**
 * Builds the connector's bundle as the compile task does and caches whatever the measured
 * programs import, so that their `--cached-only` runs find it; false when Deno could not.
 */
export async function preparePrograms(): Promise<boolean> {
  const steps = [
    ["task", "bundle"],
    ["install", "--entrypoint", bundlePath, floorPath, floorCliPath, emptyPath],
  ];
  for (const args of steps) {
    const { code } = await new Deno.Command(Deno.execPath(), {
      args,
      cwd: root.pathname,
      stdout: "null",
      stderr: "inherit",
    }).output();
    if (code !== 0) return false;
  }
  return true;
}

/** The `deno` arguments that run the connector with `args`, as the compiled binary runs. */
export function connectorArgs(...args: string[]): string[] {
  return [...RUN, bundlePath, ...args];
}

/**
 * The `deno` arguments that run the floor over the posts of `organizationIds`; with `parsed`,
 * the floor that also parses its arguments with `node:util` (`bench_floor_cli.ts`).
 */
export function floorArgs(
  sim: LinkedInSimulator,
  organizationIds: readonly string[],
  options: { parsed?: boolean } = {},
): string[] {
  const program = options.parsed ? floorCliPath : floorPath;
  return [...RUN, program, sim.url, sim.accessToken, ...organizationIds];
}

/** The `deno` arguments that run the empty baseline: one request for `organizationId`. */
export function emptyArgs(sim: LinkedInSimulator, organizationId: string): string[] {
  return [...RUN, emptyPath, sim.url, sim.accessToken, organizationId];
}

// VmHWM is the process's peak resident set; poll it until the process exits.
async function peakRssMiB(pid: number, done: Promise<unknown>): Promise<number> {
  let peakKb = 0;
  let finished = false;
  done.finally(() => (finished = true));
  while (!finished) {
    try {
      const status = await Deno.readTextFile(`/proc/${pid}/status`);
      peakKb = Math.max(peakKb, Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0));
    } catch {
      break;
    }
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([done, new Promise((resolve) => timer = setTimeout(resolve, RSS_POLL_MS))]);
    clearTimeout(timer);
  }
  return peakKb / 1024;
}

const RECORD_START = new TextEncoder().encode('{"type":"RECORD"');

// Counts the RECORD lines and bytes of stdout as they arrive, keeping the lines when asked. The
// bytes are counted without decoding them: the benchmark's process also runs the simulator, and
// decoding and splitting every line took time from both the simulator and the measured program.
async function countRecords(stdout: ReadableStream<Uint8Array>, keep: boolean) {
  let records = 0;
  let bytes = 0;
  // The first bytes of the line being read, until there are as many as RECORD_START has; then
  // whether they are RECORD_START. A line counts once its newline has come.
  let head: number[] | undefined = [];
  let isRecord = false;
  const kept: string[] = [];
  let partial = "";
  const decoder = new TextDecoder();
  for await (const chunk of stdout) {
    bytes += chunk.length;
    if (keep) {
      const lines = (partial + decoder.decode(chunk, { stream: true })).split("\n");
      partial = lines.pop()!;
      kept.push(...lines.filter((line) => line.startsWith('{"type":"RECORD"')));
    }
    for (let start = 0;;) {
      const newline = chunk.indexOf(10, start);
      const end = newline === -1 ? chunk.length : newline;
      if (head) {
        for (let i = start; i < end && head.length < RECORD_START.length; i++) head.push(chunk[i]);
        if (head.length === RECORD_START.length) {
          isRecord = head.every((byte, i) => byte === RECORD_START[i]);
          head = undefined;
        }
      }
      if (newline === -1) break;
      if (isRecord) records++;
      head = [];
      isRecord = false;
      start = newline + 1;
    }
  }
  return { records, bytes, recordLines: keep ? kept : undefined };
}

/**
 * Runs `deno` with `args` after clearing the simulator's recording, and measures the run. With
 * `keepRecords`, the measurement holds the RECORD lines printed.
 */
export async function measure(
  sim: LinkedInSimulator,
  args: string[],
  options: { keepRecords?: boolean } = {},
): Promise<Measurement> {
  sim.resetRecording();
  const started = performance.now();
  const child = new Deno.Command(Deno.execPath(), {
    args,
    stdout: "piped",
    stderr: "inherit",
    stdin: "null",
  }).spawn();
  const counting = countRecords(child.stdout, options.keepRecords ?? false);
  // The wall time ends when the process does and its output is read, not at the next poll.
  const status = child.status;
  const ended = Promise.all([status, counting]).then(() => performance.now());
  const peak = await peakRssMiB(child.pid, status);
  const { code } = await status;
  const seconds = (await ended - started) / 1000;
  return { seconds, ...(await counting), peakRssMiB: peak, requests: sim.count(), code };
}

/** Runs `deno` with `args`, output discarded; the wall time in ms and the exit code. */
export async function wallTime(args: string[]): Promise<{ ms: number; code: number }> {
  const started = performance.now();
  const { code } = await new Deno.Command(Deno.execPath(), {
    args,
    stdout: "null",
    stderr: "null",
    stdin: "null",
  }).output();
  return { ms: performance.now() - started, code };
}

/** One line for a measured run: records, records/s, MB/s, peak MiB, requests, wall time. */
export function row(label: string, m: Measurement): string {
  return `   ${label.padEnd(34)} ${m.records.toString().padStart(7)} rec ${
    (m.records / m.seconds).toFixed(0).padStart(7)
  } rec/s ${(m.bytes / 1e6 / m.seconds).toFixed(1).padStart(5)} MB/s ${
    m.peakRssMiB.toFixed(1).padStart(6)
  } MiB peak ${m.requests.toString().padStart(5)} req ${m.seconds.toFixed(2).padStart(6)} s` +
    (m.code === 0 ? "" : `  (exit ${m.code})`);
}
