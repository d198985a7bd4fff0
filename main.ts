/**
 * source-linkedin-pages: an Airbyte source for LinkedIn Pages.
 * Parses the command line and dispatches; everything else lives in `lib/`.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { runCommand } from "./lib/commands.ts";
import { Output } from "./lib/output.ts";
import { VERSION } from "./lib/version.ts";

const USAGE = `Usage: source-linkedin-pages <command> [options]

Commands:
  spec                                         print the connector's specification
  check    --config FILE                       test the credentials and organizations
  discover --config FILE                       list the streams and their schemas
  read     --config FILE --catalog FILE [--state FILE]
                                               read the configured streams

Options:
  --debug      also log each HTTP request
  --help, -h   show this help
  --version    print the version
`;

const REQUIRED: Record<string, string[]> = {
  spec: [],
  check: ["config"],
  discover: ["config"],
  read: ["config", "catalog"],
};

function usageError(message: string): never {
  console.error(`source-linkedin-pages: ${message}\n\n${USAGE}`);
  Deno.exit(2);
}

function parseCommandLine(args: string[]) {
  try {
    return parseArgs({
      args,
      allowPositionals: true,
      strict: true,
      options: {
        config: { type: "string" },
        catalog: { type: "string" },
        state: { type: "string" },
        debug: { type: "boolean", default: false },
        help: { type: "boolean", short: "h", default: false },
        version: { type: "boolean", default: false },
      },
    });
  } catch (error) {
    usageError(inOurWords(error as Error & { code?: string }));
  }
}

// node:util's messages speak of its own syntax; say what is wrong with the command line.
function inOurWords(error: Error & { code?: string }): string {
  const option = /'(-[^' ]+)/.exec(error.message)?.[1] ?? "";
  if (error.code === "ERR_PARSE_ARGS_UNKNOWN_OPTION") return `unknown option ${option}`;
  if (error.code === "ERR_PARSE_ARGS_INVALID_OPTION_VALUE") {
    return /does not take an argument/.test(error.message)
      ? `${option} takes no value`
      : `${option} needs a value`;
  }
  return error.message;
}

const { values, positionals } = parseCommandLine(Deno.args);
if (values.help) {
  console.log(USAGE);
  Deno.exit(0);
}
if (values.version) {
  console.log(VERSION);
  Deno.exit(0);
}
const [command, ...extra] = positionals;
if (!command || !(command in REQUIRED)) {
  usageError(command ? `unknown command "${command}"` : "no command given");
}
if (extra.length > 0) usageError(`unexpected argument "${extra[0]}"`);
for (const flag of REQUIRED[command]) {
  if (!values[flag as "config"]) usageError(`${command} needs --${flag} FILE`);
}

const cancel = new AbortController();
// The abort reason is the exit code: 143 for SIGTERM, 130 for SIGINT, 141 for a closed pipe,
// 1 when output cannot be written (a full disk, a closed file).
const output = new Output(Deno.stdout, (writeError) => cancel.abort(writeError ? 1 : 141));
Deno.addSignalListener("SIGTERM", () => cancel.abort(143));
Deno.addSignalListener("SIGINT", () => cancel.abort(130));

const code = await runCommand(
  { command: command as "read", ...values },
  { output, signal: cancel.signal },
);
await output.flush();
if (output.writeError) {
  console.error(`source-linkedin-pages: cannot write the output: ${output.writeError.message}`);
  Deno.exit(1);
}
Deno.exit(code);
