/**
 * The four Airbyte commands, and the one place where errors become protocol
 * messages and exit codes.
 *
 * @module
 */
import spec from "../schemas/spec.json" with { type: "json" };
import { asConnectorError, ConnectorError } from "./errors.ts";
import { exitCodeOf, type Invocation, type Runtime } from "./invocation.ts";
import { check, discover, read } from "./operations.ts";
import { connectionStatusMessage, errorTraceMessage } from "./protocol.ts";

/**
 * Runs one command and returns the process exit code.
 *
 * @example
 * ```ts
 * import { Output } from "./output.ts";
 *
 * const output = new Output(Deno.stdout);
 * const code = await runCommand({ command: "spec", debug: false }, {
 *   output,
 *   signal: new AbortController().signal,
 * });
 * await output.flush();
 * ```
 */
export async function runCommand(invocation: Invocation, runtime: Runtime): Promise<number> {
  try {
    switch (invocation.command) {
      case "spec":
        runtime.output.emit({ type: "SPEC", spec });
        return 0;
      case "check":
        return await check(invocation, runtime);
      case "discover":
        return await discover(invocation, runtime);
      case "read":
        return await read(invocation, runtime);
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
