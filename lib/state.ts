/**
 * Incoming state: the `--state` file in the current per-stream format or the
 * older shapes, validated per stream, and the cursors kept per organization.
 *
 * Stream state format: `{"organizations": {"<id>": {"<cursorField>": <epoch ms>}}}`.
 *
 * @module
 */
import { configError } from "./errors.ts";
import { isJsonObject } from "./files.ts";
import type { Incremental } from "./streams.ts";

/** Cursors of one stream, by organization id. */
export type Cursors = Map<string, number>;

/** The stream state a full-refresh stream reports at its end (as the Python CDK does). */
export const NO_CURSOR_STATE = { __ab_no_cursor_state_message: true } as const;

/**
 * Splits a parsed state file into each stream's raw `stream_state`, by stream name.
 * Accepts no state (`null`, `{}`, `[]`), an array of `STREAM` (or `LEGACY`) state
 * messages, and a bare legacy object keyed by stream name.
 *
 * @example
 * ```ts
 * streamStates([{ type: "STREAM", stream: { stream_descriptor: { name: "ugc_posts" }, stream_state: {} } }], "state.json");
 * // Map { "ugc_posts" => {} }
 * ```
 */
export function streamStates(raw: unknown, fileName: string): Map<string, unknown> {
  const states = new Map<string, unknown>();
  if (raw === null || raw === undefined) return states;
  if (isJsonObject(raw)) {
    for (const [name, value] of Object.entries(raw)) states.set(name, value);
    return states;
  }
  if (!Array.isArray(raw)) {
    throw configError(
      `${fileName} must hold an array of state messages (or an object); got ${typeof raw}.`,
    );
  }
  raw.forEach((message, index) => {
    const where = `${fileName}: [${index}]`;
    if (!isJsonObject(message)) throw configError(`${where} must be a state message object.`);
    const type = message.type ?? "LEGACY";
    if (type === "LEGACY") {
      if (isJsonObject(message.data)) {
        for (const [name, value] of Object.entries(message.data)) states.set(name, value);
      }
      return;
    }
    if (type !== "STREAM") {
      throw configError(`${where}.type is "${type}"; this connector only keeps STREAM state.`);
    }
    const stream = message.stream;
    const name = isJsonObject(stream) && isJsonObject(stream.stream_descriptor)
      ? stream.stream_descriptor.name
      : undefined;
    if (typeof name !== "string") {
      throw configError(
        `${where}.stream.stream_descriptor.name is missing; it must name the stream.`,
      );
    }
    states.set(name, (stream as Record<string, unknown>).stream_state);
  });
  return states;
}

/**
 * Reads the cursors of an incremental stream from its raw state. An older shape
 * with one cursor for the whole stream (`{"timeRangeEnd": 1700000000000}`, as
 * Airbyte's own connector kept it) applies to every organization in `organizationIds`.
 *
 * @example
 * ```ts
 * cursorsOf({ organizations: { "1": { lastModifiedAt: 5 } } }, { kind: "newest_first", cursorField: "lastModifiedAt" }, ["1"], "state.json: ugc_posts");
 * // Map { "1" => 5 }
 * ```
 */
export function cursorsOf(
  raw: unknown,
  incremental: Incremental,
  organizationIds: readonly string[],
  where: string,
): Cursors {
  const cursors: Cursors = new Map();
  if (raw === null || raw === undefined) return cursors;
  if (!isJsonObject(raw)) throw configError(`${where}: stream_state must be an object.`);
  const field = incremental.cursorField;
  if (raw.organizations === undefined) {
    if (raw[field] === undefined) return cursors;
    const legacy = epochMs(raw[field], `${where}: stream_state.${field}`);
    for (const id of organizationIds) cursors.set(id, legacy);
    return cursors;
  }
  if (!isJsonObject(raw.organizations)) {
    throw configError(
      `${where}: stream_state.organizations must be an object keyed by organization id.`,
    );
  }
  for (const [id, value] of Object.entries(raw.organizations)) {
    const path = `${where}: stream_state.organizations.${id}`;
    if (!isJsonObject(value)) {
      throw configError(`${path} must be an object like {"${field}": <epoch ms>}.`);
    }
    cursors.set(id, epochMs(value[field], `${path}.${field}`));
  }
  return cursors;
}

/**
 * The stream state to emit: the cursors of the configured organizations.
 *
 * @example
 * ```ts
 * stateOf(new Map([["1", 5]]), "lastModifiedAt"); // { organizations: { "1": { lastModifiedAt: 5 } } }
 * ```
 */
export function stateOf(cursors: Cursors, cursorField: string): Record<string, unknown> {
  const organizations: Record<string, unknown> = {};
  for (const [id, cursor] of cursors) organizations[id] = { [cursorField]: cursor };
  return { organizations };
}

function epochMs(value: unknown, path: string): number {
  const number = typeof value === "string" && /^\d+$/.test(value) ? Number(value) : value;
  if (typeof number !== "number" || !Number.isSafeInteger(number) || number < 0) {
    throw configError(
      `${path} must be a time in epoch milliseconds (a non-negative integer); got ${
        JSON.stringify(value)
      }.`,
    );
  }
  return number;
}
