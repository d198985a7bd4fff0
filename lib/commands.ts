/**
 * The four Airbyte commands, and the one place where errors become protocol
 * messages and exit codes. `spec` is answered here; the commands that need the
 * config and LinkedIn are loaded only when asked for, so `spec` starts fast.
 *
 * @module
 */
import spec from "../schemas/spec.json" with { type: "json" };
import { asConnectorError, ConnectorError } from "./errors.ts";
import type { Output } from "./output.ts";
import { connectionStatusMessage, errorTraceMessage } from "./protocol.ts";

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
 * Runs one command and returns the process exit code.
 *
 * @example
 * ```ts
 * const code = await runCommand({ command: "spec", debug: false }, { output, signal });
 * ```
 */
export async function runCommand(invocation: Invocation, runtime: Runtime): Promise<number> {
  try {
    switch (invocation.command) {
      case "spec":
        runtime.output.emit({ type: "SPEC", spec });
        return 0;
      case "check":
        return await (await import("./operations.ts")).check(invocation, runtime);
      case "discover":
        return await (await import("./operations.ts")).discover(invocation, runtime);
      case "read":
        return await (await import("./operations.ts")).read(invocation, runtime);
    }
  } catch (error) {
    if (runtime.signal.aborted) return exitCodeOf(runtime.signal);
    const failure = asConnectorError(error);
    if (invocation.command === "check" && error instanceof ConnectorError) {
      runtime.output.emit(connectionStatusMessage(false, failure.message));
      return 0;
    }
    runtime.output.emit(errorTraceMessage(failure));
    return 1;
  }
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
