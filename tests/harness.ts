/**
 * Test harness: runs `main.ts` exactly as the compiled binary would run (the same
 * permission flags as `deno task compile`), writes input files, and validates
 * every output line against the Airbyte protocol schema and every record against
 * its stream's schema.
 *
 * @module
 */
import { Ajv, type ValidateFunction } from "ajv";
import addFormats from "ajv-formats";
import { parse as parseYaml } from "yaml";
import { STREAMS } from "../lib/streams.ts";
import type { LinkedInSimulator } from "./simulator.ts";

const root = new URL("..", import.meta.url);
const mainPath = new URL("main.ts", root).pathname;

/** The `--allow-*`/`--deny-*`/`--no-prompt` flags of the compile task, read from deno.json. */
export const COMPILE_PERMISSIONS: string[] = (() => {
  const denoJson = JSON.parse(Deno.readTextFileSync(new URL("deno.json", root)));
  const task: string = denoJson.tasks.compile;
  return task.split(/\s+/).filter((flag) => /^--(allow|deny)-|^--no-prompt$/.test(flag));
})();

/** An Airbyte message as parsed from stdout. */
// deno-lint-ignore no-explicit-any
export type Message = Record<string, any>;

/** What one connector run produced. */
export interface Run {
  code: number;
  stdout: string;
  stderr: string;
  messages: Message[];
}

const ajv = new Ajv({ allErrors: true, strict: false });
addFormats.default(ajv);
ajv.addSchema(
  parseYaml(Deno.readTextFileSync(new URL("tests/fixtures/airbyte_protocol.yaml", root))),
  "protocol",
);
const messageValidator = ajv.getSchema("protocol#/definitions/AirbyteMessage")!;
const recordValidators = new Map<string, ValidateFunction>(
  STREAMS.map((stream) => [stream.name, ajv.compile(stream.schema)]),
);

/**
 * Parses stdout into messages, asserting that every line is one compact JSON
 * object valid against the Airbyte protocol, and every record valid against its
 * stream schema.
 */
export function parseMessages(stdout: string): Message[] {
  if (stdout === "") return [];
  if (!stdout.endsWith("\n")) throw new Error("stdout does not end with a newline");
  return stdout.slice(0, -1).split("\n").map((line, index) => {
    if (/[\u2028\u2029\u0085]/.test(line)) {
      throw new Error(`line ${index + 1} has a raw line separator`);
    }
    const message = JSON.parse(line);
    if (!messageValidator(message)) {
      throw new Error(
        `line ${index + 1} is not a valid Airbyte message: ${
          ajv.errorsText(messageValidator.errors)
        }\n${line}`,
      );
    }
    if (message.type === "RECORD") {
      const validate = recordValidators.get(message.record.stream);
      if (!validate) throw new Error(`record of unknown stream ${message.record.stream}`);
      if (!validate(message.record.data)) {
        throw new Error(
          `record of ${message.record.stream} does not match its schema: ${
            ajv.errorsText(validate.errors)
          }\n${line}`,
        );
      }
      if (!Number.isInteger(message.record.emitted_at)) {
        throw new Error("emitted_at is not an integer");
      }
    }
    return message;
  });
}

/** Runs the connector with arguments; resolves when it exits. */
export async function runConnector(
  args: string[],
  options: { signal?: AbortSignal; validate?: boolean } = {},
): Promise<Run> {
  const command = new Deno.Command(Deno.execPath(), {
    args: ["run", ...COMPILE_PERMISSIONS, mainPath, ...args],
    stdout: "piped",
    stderr: "piped",
    stdin: "null",
    signal: options.signal,
    env: { NO_COLOR: "1" },
  });
  const { code, stdout, stderr } = await command.output();
  const out = new TextDecoder().decode(stdout);
  return {
    code,
    stdout: out,
    stderr: new TextDecoder().decode(stderr),
    messages: options.validate === false ? [] : parseMessages(out),
  };
}

/** A temporary directory for input files, removed by `using`. */
export class Workspace {
  readonly dir = Deno.makeTempDirSync({ prefix: "linkedin-pages-test-" });

  /** Writes a JSON (or raw text) file and returns its path. */
  file(name: string, content: unknown): string {
    const path = `${this.dir}/${name}`;
    Deno.writeTextFileSync(path, typeof content === "string" ? content : JSON.stringify(content));
    return path;
  }

  [Symbol.dispose](): void {
    Deno.removeSync(this.dir, { recursive: true });
  }
}

/** A config pointing at the simulator, with fast retries; `overrides` replace fields. */
export function configFor(
  sim: LinkedInSimulator,
  overrides: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    credentials: { auth_method: "access_token", access_token: sim.accessToken },
    org_id: "2414183",
    api_base_url: sim.url,
    oauth_base_url: sim.url,
    backoff_scale: 0.001,
    request_timeout_seconds: 5,
    ...overrides,
  };
}

/** An OAuth config pointing at the simulator. */
export function oauthConfigFor(
  sim: LinkedInSimulator,
  overrides: Record<string, unknown> = {},
): Record<string, unknown> {
  return configFor(sim, {
    credentials: {
      auth_method: "oAuth2.0",
      client_id: sim.clientId,
      client_secret: sim.clientSecret,
      refresh_token: sim.refreshToken,
    },
    ...overrides,
  });
}

/** A configured catalog of the named streams (default: all) in a sync mode. */
export function catalogFor(
  names: string[] = STREAMS.map((stream) => stream.name),
  syncMode: "full_refresh" | "incremental" = "full_refresh",
): Record<string, unknown> {
  return {
    streams: names.map((name) => {
      const definition = STREAMS.find((stream) => stream.name === name);
      const mode = syncMode === "incremental" && definition?.incremental
        ? "incremental"
        : "full_refresh";
      return {
        stream: { name, json_schema: {}, supported_sync_modes: ["full_refresh"] },
        sync_mode: mode,
        destination_sync_mode: mode === "incremental" ? "append_dedup" : "overwrite",
      };
    }),
  };
}

/** The records of one stream, in output order. */
export function recordsOf(messages: Message[], stream: string): Message[] {
  return messages.filter((m) => m.type === "RECORD" && m.record.stream === stream).map((m) =>
    m.record.data
  );
}

/** The STATE messages of one stream. */
export function statesOf(messages: Message[], stream: string): Message[] {
  return messages.filter((m) =>
    m.type === "STATE" && m.state.stream.stream_descriptor.name === stream
  );
}

/** The stream statuses of one stream, in order. */
export function statusesOf(messages: Message[], stream: string): string[] {
  return messages.filter((m) =>
    m.type === "TRACE" && m.trace.type === "STREAM_STATUS" &&
    m.trace.stream_status.stream_descriptor.name === stream
  ).map((m) => m.trace.stream_status.status);
}

/** The ERROR traces, optionally of one stream. */
export function errorsOf(messages: Message[], stream?: string): Message[] {
  return messages.filter((m) =>
    m.type === "TRACE" && m.trace.type === "ERROR" &&
    (stream === undefined || m.trace.error.stream_descriptor?.name === stream)
  ).map((m) => m.trace.error);
}

/** The last STATE of each stream, as a state file for the next run. */
export function lastStates(messages: Message[]): Message[] {
  const last = new Map<string, Message>();
  for (const m of messages) {
    if (m.type === "STATE") last.set(m.state.stream.stream_descriptor.name, m.state);
  }
  return [...last.values()];
}
