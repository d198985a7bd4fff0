import assert from "node:assert/strict";
import {
  asConnectorError,
  configError,
  ConnectorError,
  systemError,
  transientError,
} from "../lib/errors.ts";
import {
  connectionStatusMessage,
  errorTraceMessage,
  logMessage,
  recordLines,
  stateMessage,
  streamStatusMessage,
  toJsonLine,
} from "../lib/protocol.ts";
import { assertAirbyteMessage } from "./harness.ts";

const BREAKERS = ["\u2028", "\u2029", "\u0085"];
// deno-lint-ignore no-explicit-any
type Json = any;

Deno.test("protocol: toJsonLine escapes U+2028, U+2029 and U+0085 and still round-trips", () => {
  for (const c of BREAKERS) {
    const value = { text: `a${c}b${c}`, [`key${c}`]: [c] };
    const line = toJsonLine(value);
    assert.ok(!line.includes(c), `raw U+${c.charCodeAt(0).toString(16)} in ${line}`);
    const escape = `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`;
    assert.ok(line.includes(escape), line);
    assert.deepEqual(JSON.parse(line), value);
  }
  assert.equal(toJsonLine({ text: "a\u2028b" }), '{"text":"a\\u2028b"}');
});

Deno.test("protocol: toJsonLine is compact, single-line JSON", () => {
  const value = { a: [1, { b: "x\ny\r\nz" }], c: null, d: "tab\there", e: "é😀" };
  const line = toJsonLine(value);
  assert.equal(line, JSON.stringify(value));
  assert.equal(line.split(/\r\n|\r|\n|\u2028|\u2029|\u0085/).length, 1);
  assert.deepEqual(JSON.parse(line), value);
});

Deno.test("protocol: recordLines writes one RECORD line per row with an integer emitted_at", () => {
  const emittedAt = 1_700_000_000_123;
  const rows = [
    { id: "urn:li:share:1", text: "line\nbreak" },
    { id: "urn:li:share:2", text: BREAKERS.join("|") },
    { id: "urn:li:share:3", nested: { list: [1, 2, 3] } },
  ];
  const text = recordLines("shares", rows, emittedAt);
  assert.ok(text.endsWith("\n"));
  for (const c of BREAKERS) assert.ok(!text.includes(c));
  const lines = text.slice(0, -1).split("\n");
  assert.equal(lines.length, rows.length);
  lines.forEach((line, index) => {
    const message = JSON.parse(line);
    assert.deepEqual(message, {
      type: "RECORD",
      record: { stream: "shares", data: rows[index], emitted_at: emittedAt },
    });
    assert.ok(Number.isInteger(message.record.emitted_at));
  });
  assert.equal(recordLines("shares", [], emittedAt), "");
});

Deno.test("protocol: recordLines escapes the stream name", () => {
  const text = recordLines('we"ird\\name', [{}], 1);
  assert.equal(JSON.parse(text).record.stream, 'we"ird\\name');
});

Deno.test("protocol: logMessage", () => {
  assert.deepEqual(logMessage("INFO", "Starting read"), {
    type: "LOG",
    log: { level: "INFO", message: "Starting read" },
  });
  assert.deepEqual(logMessage("ERROR", "boom", "at x"), {
    type: "LOG",
    log: { level: "ERROR", message: "boom", stack_trace: "at x" },
  });
  assert.ok(!("stack_trace" in (logMessage("WARN", "w").log as Json)));
});

Deno.test("protocol: stateMessage is a per-stream state with sourceStats.recordCount", () => {
  const streamState = { organizations: { "1": { lastModifiedAt: 5 } } };
  const message: Json = JSON.parse(toJsonLine(stateMessage("ugc_posts", streamState, 3)));
  assert.deepEqual(message, {
    type: "STATE",
    state: {
      type: "STREAM",
      stream: { stream_descriptor: { name: "ugc_posts" }, stream_state: streamState },
      sourceStats: { recordCount: 3 },
    },
  });
  assert.equal(typeof message.state.sourceStats.recordCount, "number");
  const zero: Json = stateMessage("shares", { __ab_no_cursor_state_message: true }, 0);
  assert.equal(zero.state.sourceStats.recordCount, 0);
});

Deno.test("protocol: streamStatusMessage, with and without a rate limit", () => {
  const before = Date.now();
  const started: Json = streamStatusMessage("shares", "STARTED");
  assert.equal(started.type, "TRACE");
  assert.equal(started.trace.type, "STREAM_STATUS");
  assert.ok(Number.isInteger(started.trace.emitted_at));
  assert.ok(started.trace.emitted_at >= before && started.trace.emitted_at <= Date.now());
  assert.deepEqual(started.trace.stream_status, {
    stream_descriptor: { name: "shares" },
    status: "STARTED",
  });
  const limited: Json = streamStatusMessage("shares", "RUNNING", 1_800_000_000_000);
  assert.deepEqual(limited.trace.stream_status, {
    stream_descriptor: { name: "shares" },
    status: "RUNNING",
    reasons: [{ type: "RATE_LIMITED", rate_limited: { quota_reset: 1_800_000_000_000 } }],
  });
});

Deno.test("protocol: errorTraceMessage carries failure_type, message and stream", () => {
  const before = Date.now();
  const kinds = [
    [configError("bad org_id"), "config_error"],
    [transientError("try later"), "transient_error"],
    [systemError("bug"), "system_error"],
  ] as const;
  for (const [error, kind] of kinds) {
    const message: Json = errorTraceMessage(error, "shares");
    assert.equal(message.type, "TRACE");
    assert.equal(message.trace.type, "ERROR");
    assert.ok(Number.isInteger(message.trace.emitted_at) && message.trace.emitted_at >= before);
    const body = message.trace.error;
    assert.equal(body.failure_type, kind);
    assert.equal(body.message, error.message);
    assert.deepEqual(body.stream_descriptor, { name: "shares" });
    assert.ok(!("internal_message" in body), "internal_message without one");
    assert.equal(typeof body.stack_trace, "string");
  }
  const unbound: Json = errorTraceMessage(configError("x"));
  assert.ok(!("stream_descriptor" in unbound.trace.error));
});

Deno.test("protocol: errorTraceMessage keeps the internal message and the cause's stack", () => {
  const withInternal: Json = errorTraceMessage(configError("user text", "operator text"));
  assert.equal(withInternal.trace.error.internal_message, "operator text");
  assert.equal(withInternal.trace.error.message, "user text");

  const cause = new TypeError("boom");
  const wrapped = asConnectorError(cause);
  assert.ok(wrapped instanceof ConnectorError);
  const message: Json = errorTraceMessage(wrapped);
  assert.equal(message.trace.error.failure_type, "system_error");
  assert.ok(message.trace.error.message.includes("boom"));
  assert.equal(message.trace.error.stack_trace, cause.stack);
  // The whole message is one protocol line.
  assert.equal(toJsonLine(message).includes("\n"), false);
});

Deno.test("protocol: connectionStatusMessage", () => {
  assert.deepEqual(connectionStatusMessage(true), {
    type: "CONNECTION_STATUS",
    connectionStatus: { status: "SUCCEEDED" },
  });
  assert.deepEqual(connectionStatusMessage(false, "token expired"), {
    type: "CONNECTION_STATUS",
    connectionStatus: { status: "FAILED", message: "token expired" },
  });
});

Deno.test("protocol: every builder's message is valid against the Airbyte protocol schema", () => {
  const messages: unknown[] = [
    logMessage("INFO", "hi"),
    logMessage("ERROR", "boom", "stack"),
    stateMessage("ugc_posts", { organizations: {} }, 2),
    streamStatusMessage("shares", "STARTED"),
    streamStatusMessage("shares", "INCOMPLETE", Date.now() + 1000),
    errorTraceMessage(configError("bad", "internal"), "shares"),
    errorTraceMessage(asConnectorError(new Error("x"))),
    connectionStatusMessage(true),
    connectionStatusMessage(false, "no"),
    ...recordLines("shares", [{ id: "1" }, { id: "2\u2028" }], Date.now())
      .trim().split("\n").map((line) => JSON.parse(line)),
  ];
  for (const message of messages) {
    assertAirbyteMessage(JSON.parse(toJsonLine(message)), toJsonLine(message));
  }
});
