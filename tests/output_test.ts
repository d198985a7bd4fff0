import assert from "node:assert/strict";
import { configError } from "../lib/errors.ts";
import { Output, redact, type Sink } from "../lib/output.ts";
import { errorTraceMessage, logMessage, stateMessage } from "../lib/protocol.ts";

// deno-lint-ignore no-explicit-any
type Json = any;

const decoder = new TextDecoder();

/** A sink that records every write; it may accept only part of each buffer, or be slow. */
class RecordingSink implements Sink {
  writes: Uint8Array[] = [];
  constructor(readonly maxBytesPerWrite = Infinity, readonly slow = false) {}
  async write(bytes: Uint8Array): Promise<number> {
    if (this.slow) await new Promise((resolve) => setTimeout(resolve, 0));
    const accepted = Math.min(bytes.length, this.maxBytesPerWrite);
    this.writes.push(bytes.slice(0, accepted));
    return accepted;
  }
  get bytes(): Uint8Array {
    const all = new Uint8Array(this.writes.reduce((sum, write) => sum + write.length, 0));
    let offset = 0;
    for (const write of this.writes) {
      all.set(write, offset);
      offset += write.length;
    }
    return all;
  }
  get text(): string {
    return decoder.decode(this.bytes);
  }
  get messages(): Json[] {
    return parseLines(this.text);
  }
}

/** A sink whose writes wait until the test opens the gate. */
class GatedSink extends RecordingSink {
  #open = Promise.withResolvers<void>();
  calls = 0;
  override async write(bytes: Uint8Array): Promise<number> {
    this.calls++;
    await this.#open.promise;
    return super.write(bytes);
  }
  open(): void {
    this.#open.resolve();
  }
}

/** A sink whose reader has gone away after `okWrites` successful writes. */
class BrokenSink extends RecordingSink {
  calls = 0;
  constructor(readonly okWrites = 0) {
    super();
  }
  override write(bytes: Uint8Array): Promise<number> {
    this.calls++;
    if (this.calls > this.okWrites) {
      return Promise.reject(new Deno.errors.BrokenPipe("Broken pipe (os error 32)"));
    }
    return super.write(bytes);
  }
}

function parseLines(text: string): Json[] {
  if (text === "") return [];
  assert.ok(text.endsWith("\n"), "output does not end with a whole line");
  return text.slice(0, -1).split("\n").map((line) => JSON.parse(line));
}

/** Lets pending promise callbacks and timers run. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 5));

function isPending(promise: Promise<unknown>): () => boolean {
  let done = false;
  promise.then(() => (done = true), () => (done = true));
  return () => !done;
}

Deno.test("output: messages queued synchronously go out in one write, in order", async () => {
  const sink = new RecordingSink();
  const output = new Output(sink);
  output.emit(logMessage("INFO", "first"));
  output.records("shares", [{ id: "1" }, { id: "2" }, { id: "3" }]);
  output.emit(stateMessage("shares", { a: 1 }, 3));
  output.emit(logMessage("INFO", "last"));
  await output.flush();
  assert.equal(sink.writes.length, 1, "one write for one synchronous batch");
  const messages = sink.messages;
  assert.deepEqual(messages.map((m) => m.type), [
    "LOG",
    "RECORD",
    "RECORD",
    "RECORD",
    "STATE",
    "LOG",
  ]);
  assert.deepEqual(messages.slice(1, 4).map((m) => m.record.data.id), ["1", "2", "3"]);
  assert.equal(messages[0].log.message, "first");
  assert.equal(messages[5].log.message, "last");
});

Deno.test("output: a page of records is one write; an empty page writes nothing", async () => {
  const sink = new RecordingSink();
  const output = new Output(sink);
  output.records("shares", []);
  await output.flush();
  assert.equal(sink.writes.length, 0);
  const rows = Array.from({ length: 250 }, (_, i) => ({ id: `urn:li:share:${i}` }));
  const before = Date.now();
  output.records("shares", rows);
  await output.flush();
  assert.equal(sink.writes.length, 1);
  const messages = sink.messages;
  assert.deepEqual(messages.map((m) => m.record.data), rows);
  for (const message of messages) {
    assert.equal(message.record.stream, "shares");
    assert.ok(Number.isInteger(message.record.emitted_at));
    assert.ok(message.record.emitted_at >= before && message.record.emitted_at <= Date.now());
  }
});

Deno.test("output: order is kept and every write holds whole lines across async gaps", async () => {
  const sink = new RecordingSink(Infinity, true);
  const output = new Output(sink);
  const expected: string[] = [];
  for (let i = 0; i < 60; i++) {
    output.emit(logMessage("INFO", `log ${i}`));
    expected.push(`log ${i}`);
    if (i % 3 === 0) await Promise.resolve();
    output.records("s", [{ n: i }, { n: i + 0.5 }]);
    expected.push(`record ${i}`, `record ${i + 0.5}`);
    if (i % 4 === 0) await settle();
    if (i % 7 === 0) await output.ready();
  }
  await output.flush();
  assert.ok(sink.writes.length > 1, "the test should span several writes");
  for (const write of sink.writes) {
    assert.equal(write.at(-1), 0x0a, "a write that does not end with a whole line");
  }
  const seen = sink.messages.map((m) =>
    m.type === "LOG" ? m.log.message : `record ${m.record.data.n}`
  );
  assert.deepEqual(seen, expected);
});

Deno.test("output: a sink that takes a few bytes per call still gets every byte once", async () => {
  for (const chunk of [1, 3, 7]) {
    const sink = new RecordingSink(chunk, chunk === 3);
    const output = new Output(sink);
    const rows = [{ text: "héllo 😀 wörld" }, { text: "\u2028 line breaker" }, { n: 1 }];
    output.emit(logMessage("INFO", "ünïcode ✓"));
    output.records("s", rows);
    await output.flush();
    output.emit(logMessage("INFO", "after flush"));
    await output.flush();
    const messages = sink.messages;
    assert.deepEqual(messages.map((m) => m.log?.message ?? m.record.data), [
      "ünïcode ✓",
      ...rows,
      "after flush",
    ]);
    assert.ok(sink.writes.every((write) => write.length <= chunk));
    assert.ok(sink.writes.length >= Math.ceil(sink.bytes.length / chunk));
  }
});

Deno.test("output: flush resolves only after every queued byte is written", async () => {
  const sink = new RecordingSink(1000, true);
  const output = new Output(sink);
  await output.flush(); // Nothing queued: resolves at once.
  const rows = Array.from({ length: 500 }, (_, i) => ({ id: i, text: "x".repeat(50) }));
  output.records("s", rows);
  output.emit(logMessage("INFO", "tail"));
  const expectedLength = sink.bytes.length; // nothing yet
  assert.equal(expectedLength, 0);
  await output.flush();
  const messages = sink.messages;
  assert.equal(messages.length, 501);
  assert.equal(messages.at(-1).log.message, "tail");
  assert.ok(sink.writes.length > 10, "the sink took many partial writes");
});

Deno.test("output: ready() waits while the queue is above its high-water mark", async () => {
  const sink = new GatedSink();
  const output = new Output(sink);
  // Below the mark, ready() resolves at once.
  await output.ready();
  output.emit(logMessage("INFO", "first")); // Its write is stuck behind the gate.
  await settle();
  assert.equal(sink.calls, 1);
  const pendingSmall = isPending(output.ready());
  await settle();
  assert.equal(pendingSmall(), false, "ready() with a small queue must resolve");
  // Queue far more than any sensible high-water mark (8 MiB) while the sink is blocked.
  const row = { text: "y".repeat(1024) };
  for (let i = 0; i < 8; i++) output.records("s", Array.from({ length: 1024 }, () => row));
  const ready = output.ready();
  const waiting = isPending(ready);
  await settle();
  assert.equal(waiting(), true, "ready() must wait while the sink is blocked");
  sink.open();
  await ready;
  await output.flush();
  const messages = sink.messages;
  assert.equal(messages.length, 1 + 8 * 1024);
  assert.equal(messages[0].log.message, "first");
});

Deno.test("output: a closed pipe calls onClosed once and drops later writes", async () => {
  const sink = new BrokenSink();
  let closedCalls = 0;
  const output = new Output(sink, () => closedCalls++);
  assert.equal(output.closed, false);
  output.emit(logMessage("INFO", "lost"));
  await output.flush();
  assert.equal(output.closed, true);
  assert.equal(closedCalls, 1);
  const calls = sink.calls;
  for (let i = 0; i < 5; i++) {
    output.emit(logMessage("INFO", `after ${i}`));
    output.records("s", [{ i }]);
    await output.flush();
  }
  assert.equal(sink.calls, calls, "writes after the pipe closed reached the sink");
  assert.equal(closedCalls, 1);
  await output.ready();
});

Deno.test("output: a pipe closing mid-run keeps what was written and stops once", async () => {
  const sink = new BrokenSink(1);
  let closedCalls = 0;
  const output = new Output(sink, () => closedCalls++);
  output.emit(logMessage("INFO", "kept"));
  await output.flush();
  // A large queue, so that ready() would wait if the pipe were still open.
  const row = { text: "z".repeat(1024) };
  for (let i = 0; i < 4; i++) output.records("s", Array.from({ length: 1024 }, () => row));
  output.emit(logMessage("INFO", "dropped"));
  await output.ready();
  await output.flush();
  output.emit(logMessage("INFO", "dropped too"));
  await output.flush();
  assert.equal(closedCalls, 1);
  assert.equal(sink.calls, 2);
  assert.deepEqual(sink.messages.map((m) => m.log.message), ["kept"]);
});

Deno.test("output: secrets are redacted from logs and traces but not from records", async () => {
  const sink = new RecordingSink();
  const output = new Output(sink);
  const token = "AQXtoken-123_abc";
  const clientSecret = "WPL_AP1.secret.Zm9v==";
  output.addSecrets(token, undefined, "", clientSecret);
  output.emit(logMessage("WARN", `Bearer ${token} failed; client_secret=${clientSecret}`));
  const failure = configError(`token ${token} rejected`, `internal ${clientSecret}`);
  output.emit(errorTraceMessage(failure, "shares"));
  output.records("shares", [{ id: "urn:li:share:1", commentary: `contains ${token}` }]);
  await output.flush();
  const [log, trace, record] = sink.messages;
  assert.equal(log.log.message, "Bearer **** failed; client_secret=****");
  assert.equal(trace.trace.error.message, "token **** rejected");
  assert.equal(trace.trace.error.internal_message, "internal ****");
  assert.equal(record.record.data.commentary, `contains ${token}`);
  const [logLine, traceLine] = sink.text.split("\n");
  for (const line of [logLine, traceLine]) {
    assert.ok(!line.includes(token) && !line.includes(clientSecret), line);
  }
  assert.equal(output.redact(`x${token}y${token}`), "x****y****");
  assert.equal(output.redact("nothing secret"), "nothing secret");
});

Deno.test("output: redact replaces every occurrence and ignores empty secrets", () => {
  assert.equal(redact("Bearer abc123", ["abc123"]), "Bearer ****");
  assert.equal(redact("abc abc abc", ["abc"]), "**** **** ****");
  assert.equal(redact("a-b", ["", "-"]), "a****b");
  assert.equal(redact("plain", []), "plain");
  assert.equal(redact("one two", new Set(["one", "two"])), "**** ****");
});

Deno.test("output: messages queued while a batch finishes are not lost by flush()", async () => {
  for (const slow of [false, true]) {
    const sink = new RecordingSink(Infinity, slow);
    const output = new Output(sink);
    const count = 200;
    for (let i = 0; i < count; i++) {
      output.emit(logMessage("INFO", `m${i}`));
      // Vary the gap, so that some messages land just as a write completes.
      for (let k = 0; k < i % 7; k++) await Promise.resolve();
      if (i % 50 === 49) await output.flush();
    }
    await output.flush();
    assert.deepEqual(
      sink.messages.map((m) => m.log.message),
      Array.from({ length: count }, (_, i) => `m${i}`),
    );
  }
});
