/**
 * The tasks of `deno.json`, read where more than one program needs them: the connector's runtime
 * flags come from the compile task, so the test harness and the simulator's command line
 * (`cli.ts`) run `main.ts` exactly as the compiled binary runs; tests read a task to start it as
 * `deno task` would.
 *
 * @module
 */

const DENO_JSON = new URL("../../deno.json", import.meta.url);

/** The repository root, the directory of `deno.json`, where `deno task` runs a task. */
export const ROOT: URL = new URL("../../", import.meta.url);

/**
 * The command line of the `deno.json` task `name`, split on whitespace. Throws when there is no
 * such task.
 */
export function taskWords(name: string): string[] {
  const task = JSON.parse(Deno.readTextFileSync(DENO_JSON)).tasks?.[name];
  if (typeof task !== "string") throw new Error(`deno.json has no task "${name}"`);
  return task.trim().split(/\s+/);
}

/** The runtime flags among command-line words: `--allow-*`, `--deny-*`, `--no-prompt`, `--v8-flags=`. */
export function runtimeFlags(words: readonly string[]): string[] {
  return words.filter((word) => /^--(allow|deny)-|^--no-prompt$|^--v8-flags=/.test(word));
}

/**
 * The runtime flags of the compile task (`--allow-*`, `--deny-*`, `--no-prompt`, `--v8-flags`),
 * read from deno.json: `deno run` with these runs `main.ts` as the binary runs.
 */
export const COMPILE_PERMISSIONS: string[] = runtimeFlags(taskWords("compile"));
