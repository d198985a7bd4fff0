/**
 * What a command is given: the parsed command line and the runtime it writes to.
 * Shared by the dispatcher (`commands.ts`) and the commands (`operations.ts`),
 * so neither imports the other's names.
 *
 * @module
 */
import type { Output } from "./output.ts";

/** The command line, parsed. */
export interface Invocation {
  command: "spec" | "check" | "discover" | "read";
  config?: string;
  catalog?: string;
  state?: string;
  debug: boolean;
}

/** Where a command writes and what stops it. */
export interface Runtime {
  output: Output;
  /** Aborted by SIGTERM/SIGINT (reason: the exit code) or a closed stdout. */
  signal: AbortSignal;
}

/**
 * The exit code a cancelled run ends with: the abort reason (143 SIGTERM, 130 SIGINT,
 * 141 closed stdout), else 1.
 *
 * @example
 * ```ts
 * exitCodeOf(AbortSignal.abort(143)); // 143
 * ```
 */
export function exitCodeOf(signal: AbortSignal): number {
  return typeof signal.reason === "number" ? signal.reason : 1;
}
