/**
 * Airbyte protocol messages: small pure builders and the one serialiser.
 *
 * @module
 */
import { ConnectorError } from "./errors.ts";

/** Any Airbyte message, as a plain object. */
export type AirbyteMessage = Record<string, unknown> & { type: string };

/** Log levels of an Airbyte `LOG` message. */
export type LogLevel = "FATAL" | "ERROR" | "WARN" | "INFO" | "DEBUG" | "TRACE";

/** Stream statuses of a `STREAM_STATUS` trace. */
export type StreamStatus = "STARTED" | "RUNNING" | "COMPLETE" | "INCOMPLETE";

// U+2028, U+2029 and U+0085 are legal raw in JSON, but Python's splitlines()
// (used by Airbyte's acceptance tests) breaks lines on them. They can only occur inside
// JSON strings, where their escapes mean the same. `includes` and `replaceAll` of one
// character are many times faster than a character class.
const LINE_BREAKERS: readonly [string, string][] = [
  ["\u2028", "\\u2028"],
  ["\u2029", "\\u2029"],
  ["\u0085", "\\u0085"],
];

function escapeLineBreakers(text: string): string {
  for (const [breaker, escape] of LINE_BREAKERS) {
    if (text.includes(breaker)) text = text.replaceAll(breaker, escape);
  }
  return text;
}

/**
 * Serialises a value as compact JSON that is safe to put on one line.
 *
 * @example
 * ```ts
 * toJsonLine({ text: "a\u2028b" }); // '{"text":"a\\u2028b"}'
 * ```
 */
export function toJsonLine(value: unknown): string {
  return escapeLineBreakers(JSON.stringify(value));
}

/**
 * Serialises a page of records of one stream as whole `RECORD` lines, each ending in `\n`.
 *
 * @example
 * ```ts
 * recordLines("shares", [{ id: "urn:li:share:1" }], 1700000000000);
 * // '{"type":"RECORD","record":{"stream":"shares","data":{"id":"urn:li:share:1"},"emitted_at":1700000000000}}\n'
 * ```
 */
export function recordLines(stream: string, rows: readonly unknown[], emittedAt: number): string {
  const head = `{"type":"RECORD","record":{"stream":${JSON.stringify(stream)},"data":`;
  const tail = `,"emitted_at":${emittedAt}}}\n`;
  let text = "";
  for (const row of rows) text += head + JSON.stringify(row) + tail;
  // Line separators can only occur inside JSON strings, so one pass over the page suffices.
  return escapeLineBreakers(text);
}

/**
 * A `LOG` message.
 *
 * @example
 * ```ts
 * logMessage("INFO", "Starting read"); // { type: "LOG", log: { level: "INFO", message: "Starting read" } }
 * ```
 */
export function logMessage(level: LogLevel, message: string, stackTrace?: string): AirbyteMessage {
  return {
    type: "LOG",
    log: stackTrace ? { level, message, stack_trace: stackTrace } : { level, message },
  };
}

/**
 * A per-stream `STATE` message with the stream's complete state and the number of
 * records emitted for it since its previous state.
 *
 * @example
 * ```ts
 * stateMessage("ugc_posts", { organizations: {} }, 3).state;
 * ```
 */
export function stateMessage(
  stream: string,
  streamState: unknown,
  recordCount: number,
): AirbyteMessage {
  return {
    type: "STATE",
    state: {
      type: "STREAM",
      stream: { stream_descriptor: { name: stream }, stream_state: streamState },
      sourceStats: { recordCount },
    },
  };
}

/**
 * A `STREAM_STATUS` trace, optionally rate-limited until `quotaReset` (epoch ms).
 *
 * @example
 * ```ts
 * streamStatusMessage("shares", "STARTED");
 * ```
 */
export function streamStatusMessage(
  stream: string,
  status: StreamStatus,
  quotaReset?: number,
): AirbyteMessage {
  const streamStatus: Record<string, unknown> = { stream_descriptor: { name: stream }, status };
  if (quotaReset !== undefined) {
    streamStatus.reasons = [{ type: "RATE_LIMITED", rate_limited: { quota_reset: quotaReset } }];
  }
  return {
    type: "TRACE",
    trace: { type: "STREAM_STATUS", emitted_at: Date.now(), stream_status: streamStatus },
  };
}

/**
 * An `ERROR` trace for a {@linkcode ConnectorError}, tied to a stream when given.
 *
 * @example
 * ```ts
 * import { configError } from "./errors.ts";
 *
 * errorTraceMessage(configError("bad org_id")).trace;
 * ```
 */
export function errorTraceMessage(error: ConnectorError, stream?: string): AirbyteMessage {
  const body: Record<string, unknown> = { message: error.message, failure_type: error.kind };
  if (error.internalMessage) body.internal_message = error.internalMessage;
  // The stack of the original failure, not of the connector's errors that explain it.
  let root: Error = error;
  while (root instanceof ConnectorError && root.cause instanceof Error) root = root.cause;
  const stack = root.stack;
  if (stack) body.stack_trace = stack;
  if (stream) body.stream_descriptor = { name: stream };
  return { type: "TRACE", trace: { type: "ERROR", emitted_at: Date.now(), error: body } };
}

/**
 * The single `CONNECTION_STATUS` answer of `check`.
 *
 * @example
 * ```ts
 * connectionStatusMessage(false, "token expired");
 * ```
 */
export function connectionStatusMessage(succeeded: boolean, message?: string): AirbyteMessage {
  const status = succeeded ? "SUCCEEDED" : "FAILED";
  return {
    type: "CONNECTION_STATUS",
    connectionStatus: message ? { status, message } : { status },
  };
}

/**
 * A `CONTROL` message asking Airbyte to store an updated config (e.g. a refresh token
 * LinkedIn replaced). It carries the whole config, secrets included.
 *
 * @example
 * ```ts
 * controlConfigMessage({ credentials: { refresh_token: "new" } }).control;
 * ```
 */
export function controlConfigMessage(config: Record<string, unknown>): AirbyteMessage {
  return {
    type: "CONTROL",
    control: { type: "CONNECTOR_CONFIG", emitted_at: Date.now(), connectorConfig: { config } },
  };
}
