/**
 * End-to-end tests of output that cannot be written: standard output on a full disk
 * (`/dev/full`) ends the command with one clear line on stderr and exit code 1.
 *
 * @module
 */
import assert from "node:assert/strict";
import { catalogFor, COMPILE_PERMISSIONS, configFor, readArgs, withSimulator } from "./harness.ts";

const main = new URL("../main.ts", import.meta.url).pathname;

/** Runs the connector with its standard output sent to `/dev/full`. */
async function toFullDisk(args: string[]): Promise<{ code: number; stderr: string }> {
  const quoted = [Deno.execPath(), "run", ...COMPILE_PERMISSIONS, main, ...args]
    .map((arg) => `'${arg.replaceAll("'", "'\\''")}'`).join(" ");
  const { code, stderr } = await new Deno.Command("sh", {
    args: ["-c", `exec ${quoted} > /dev/full`],
    stdout: "null",
    stderr: "piped",
    env: { NO_COLOR: "1" },
  }).output();
  return { code, stderr: new TextDecoder().decode(stderr) };
}

const FULL_DISK =
  /^source-linkedin-pages: cannot write the output: No space left on device \(os error 28\)\n$/;

Deno.test("output: spec to a full disk exits 1 with one line on stderr, no stack trace", async () => {
  const run = await toFullDisk(["spec"]);
  assert.equal(run.code, 1);
  assert.match(run.stderr, FULL_DISK);
});

Deno.test("output: a read to a full disk stops, exits 1 with one line on stderr", async () => {
  await withSimulator(async (sim, workspace) => {
    const run = await toFullDisk(readArgs(
      workspace.file("config.json", configFor(sim)),
      workspace.file("catalog.json", catalogFor(["ugc_posts", "total_follower_count"])),
    ));
    assert.equal(run.code, 1);
    assert.match(run.stderr, FULL_DISK);
  });
});
