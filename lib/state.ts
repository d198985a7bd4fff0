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
