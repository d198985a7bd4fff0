/**
 * Incoming state: the `--state` file in the current per-stream format or the
 * older shapes, split into each stream's raw state. What a stream's state holds
 * is read by its cursor (`lib/cursors.ts`).
 *
 * @module
 */
import { configError } from "./errors.ts";
import { isJsonObject } from "./files.ts";

/** The stream state a full-refresh stream reports at its end (as the Python CDK does). */
export const NO_CURSOR_STATE = { __ab_no_cursor_state_message: true } as const;

/** The state shapes accepted, for messages. */
const SHAPES =
  "an array of state messages (STREAM, GLOBAL or LEGACY), one state message, a STATE " +
  "line as the connector prints it, an object of stream states by stream name, or, when the " +
  "catalog has one stream, that stream's state itself";

/** Each stream's raw state, and the streams of the file that the catalog does not read. */
export interface IncomingState {
  states: Map<string, unknown>;
  /** Streams with a state in the file but not in the catalog (their state is not used). */
  ignored: string[];
}

/**
 * Splits a parsed state file into each stream's raw `stream_state`, by stream name, for
 * the streams of the catalog (`streams`). Accepts every shape Airbyte and its users pass:
 * no state (`null`, `{}`, `[]`), an array of `STREAM`, `GLOBAL` or `LEGACY` state
 * messages, one state message, a `STATE` line as printed on stdout, an object keyed by
 * stream name (any of `known`), and a single stream's own state when `streams` has one.
 *
 * @example
 * ```ts
 * const line = { type: "STATE", state: { type: "STREAM", stream: { stream_descriptor: { name: "ugc_posts" }, stream_state: {} } } };
 * streamStates(line, "state.json", ["ugc_posts"], ["ugc_posts"]).states;
 * // Map { "ugc_posts" => {} }
 * ```
 */
export function streamStates(
  raw: unknown,
  fileName: string,
  streams: readonly string[],
  known: readonly string[],
): IncomingState {
  const all = allStates(raw, fileName, streams, known);
  const states = new Map([...all].filter(([name]) => streams.includes(name)));
  const ignored = [...all.keys()].filter((name) => !streams.includes(name));
  return { states, ignored };
}

function allStates(
  raw: unknown,
  fileName: string,
  streams: readonly string[],
  known: readonly string[],
): Map<string, unknown> {
  if (raw === null || raw === undefined) return new Map();
  if (Array.isArray(raw)) {
    const states = new Map<string, unknown>();
    raw.forEach((message, index) => {
      for (const [name, state] of messageStates(message, `${fileName}: [${index}]`)) {
        states.set(name, state);
      }
    });
    return states;
  }
  if (!isJsonObject(raw)) {
    throw configError(`${fileName} holds a ${typeof raw}; a state file holds ${SHAPES}.`);
  }
  if (isJsonObject(raw.state) && raw.type === "STATE") return messageStates(raw.state, fileName);
  if (isStateMessage(raw)) return messageStates(raw, fileName);
  const keys = Object.keys(raw);
  if (keys.length === 0 || keys.every((key) => known.includes(key))) {
    return new Map(Object.entries(raw));
  }
  if (streams.length === 1) return new Map([[streams[0], raw]]);
  throw configError(
    `${fileName}: ${keys.map((key) => JSON.stringify(key)).slice(0, 3).join(", ")} ` +
      `${keys.length === 1 ? "is" : "are"} not the name of a stream, and the catalog has ` +
      `${streams.length} ${
        streams.length === 1 ? "stream" : "streams"
      }; a state file holds ${SHAPES}.`,
  );
}

function isStateMessage(value: Record<string, unknown>): boolean {
  return ["STREAM", "GLOBAL", "LEGACY"].includes(value.type as string) ||
    (value.type === undefined && isJsonObject(value.data) && Object.keys(value).length === 1);
}

// One AirbyteStateMessage: STREAM, GLOBAL (its stream_states) or LEGACY (data by stream).
function messageStates(message: unknown, where: string): Map<string, unknown> {
  if (!isJsonObject(message)) throw configError(`${where} must be a state message object.`);
  const states = new Map<string, unknown>();
  const type = message.type ?? "LEGACY";
  if (type === "LEGACY") {
    if (isJsonObject(message.data)) {
      for (const [name, value] of Object.entries(message.data)) states.set(name, value);
    }
    return states;
  }
  if (type === "GLOBAL") {
    const global = isJsonObject(message.global) ? message.global : {};
    const list = Array.isArray(global.stream_states) ? global.stream_states : [];
    list.forEach((entry, index) => {
      const name = streamName(entry, `${where}.global.stream_states[${index}]`);
      states.set(name, (entry as Record<string, unknown>).stream_state);
    });
    return states;
  }
  if (type !== "STREAM") {
    throw configError(`${where}.type is "${type}"; state messages are STREAM, GLOBAL or LEGACY.`);
  }
  const stream = message.stream;
  states.set(
    streamName(stream, `${where}.stream`),
    (stream as Record<string, unknown>).stream_state,
  );
  return states;
}

function streamName(entry: unknown, where: string): string {
  const name = isJsonObject(entry) && isJsonObject(entry.stream_descriptor)
    ? entry.stream_descriptor.name
    : undefined;
  if (typeof name !== "string") {
    throw configError(`${where}.stream_descriptor.name is missing; it must name the stream.`);
  }
  return name;
}
