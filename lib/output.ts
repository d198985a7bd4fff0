/**
 * The only writer to stdout: whole lines, batched writes, back-pressure, a quiet
 * stop on a closed pipe, and redaction of secrets from everything but records.
 *
 * @module
 */
import { type AirbyteMessage, recordLines, toJsonLine } from "./protocol.ts";

/** Where output bytes go; `Deno.stdout` in production. */
export interface Sink {
  write(bytes: Uint8Array): Promise<number>;
}

const HIGH_WATER_BYTES = 1 << 20;
const REDACTED = "****";

/**
 * Replaces every occurrence of the given secrets in a text.
 *
 * @example
 * ```ts
 * redact("Bearer abc123", ["abc123"]); // "Bearer ****"
 * ```
 */
export function redact(text: string, secrets: Iterable<string>): string {
  for (const secret of secrets) {
    if (!secret) continue;
    // Messages are redacted as JSON lines, where `"`, `\` and control characters are escaped.
    for (const form of new Set([secret, JSON.stringify(secret).slice(1, -1)])) {
      if (text.includes(form)) text = text.replaceAll(form, REDACTED);
    }
  }
  return text;
}

/** The chunks as one array (the chunk itself when there is one). */
function concat(chunks: Uint8Array[]): Uint8Array {
  if (chunks.length === 1) return chunks[0];
  const bytes = new Uint8Array(chunks.reduce((sum, chunk) => sum + chunk.length, 0));
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.length;
  }
  return bytes;
}

/**
 * Serialises messages into whole lines and writes them to a sink in order,
 * one write per batch.
 *
 * @example
 * ```ts
 * const output = new Output();
 * output.emit({ type: "LOG", log: { level: "INFO", message: "hi" } });
 * await output.flush();
 * ```
 */
export class Output {
  #sink: Sink;
  #encoder = new TextEncoder();
  #pending: Uint8Array[] = [];
  #pendingLength = 0;
  #pump: Promise<void> | undefined;
  #drained: (() => void)[] = [];
  #secrets = new Set<string>();
  #closed = false;
  #writeError?: Error;
  #onClosed: (writeError?: Error) => void;

  /**
   * `onClosed` runs once when output can no longer be written: the reader closed the
   * pipe (no argument), or a write failed (a full disk, a closed file: the error).
   */
  constructor(sink: Sink = Deno.stdout, onClosed: (writeError?: Error) => void = () => {}) {
    this.#sink = sink;
    this.#onClosed = onClosed;
  }

  /** True once the reader has gone away; later writes are dropped. */
  get closed(): boolean {
    return this.#closed;
  }

  /** The error a write failed with, other than a closed pipe, if one did. */
  get writeError(): Error | undefined {
    return this.#writeError;
  }

  /** Registers values that must never be printed (tokens, client secrets). */
  addSecrets(...secrets: (string | undefined)[]): void {
    for (const secret of secrets) if (secret) this.#secrets.add(secret);
  }

  /** Redacts registered secrets from a text. */
  redact(text: string): string {
    return redact(text, this.#secrets);
  }

  /** Queues one message; secrets are redacted from every message but records. */
  emit(message: AirbyteMessage): void {
    this.#enqueue(this.redact(toJsonLine(message)) + "\n");
  }

  /**
   * Queues one message without redaction: only for a `CONTROL` config update, which
   * must carry the secrets for Airbyte to store them.
   */
  emitUnredacted(message: AirbyteMessage): void {
    this.#enqueue(toJsonLine(message) + "\n");
  }

  /** Queues a page of records of one stream as one batch. */
  records(stream: string, rows: readonly unknown[]): void {
    if (rows.length > 0) this.#enqueue(recordLines(stream, rows, Date.now()));
  }

  /** Resolves once the queue is below its high-water mark. */
  ready(): Promise<void> {
    if (this.#pendingLength < HIGH_WATER_BYTES || this.#closed) return Promise.resolve();
    return new Promise((resolve) => this.#drained.push(resolve));
  }

  /** Resolves once everything queued so far has been written (or the pipe closed). */
  async flush(): Promise<void> {
    while (this.#pump) await this.#pump;
  }

  #enqueue(text: string): void {
    if (this.#closed) return;
    // Encoded at once: bytes wait for the pipe outside the JavaScript heap, and the text
    // is garbage while it is still young.
    const bytes = this.#encoder.encode(text);
    this.#pending.push(bytes);
    this.#pendingLength += bytes.length;
    this.#pump ??= this.#drain();
  }

  async #drain(): Promise<void> {
    try {
      // Start after the current synchronous run, so that what it queues is one batch.
      await Promise.resolve();
      while (this.#pending.length > 0 && !this.#closed) {
        const bytes = concat(this.#pending);
        this.#pending = [];
        this.#pendingLength = 0;
        this.#release();
        try {
          for (let offset = 0; offset < bytes.length;) {
            offset += await this.#sink.write(bytes.subarray(offset));
          }
        } catch (error) {
          this.#closed = true;
          this.#pending = [];
          this.#release();
          if (error instanceof Deno.errors.BrokenPipe) {
            this.#onClosed();
          } else {
            this.#writeError = error as Error;
            this.#onClosed(this.#writeError);
          }
        }
      }
    } finally {
      // Cleared in the tick the queue is found empty, not a microtask later: a message queued
      // in between would otherwise wait behind a finished pump and be lost by flush(). (The
      // first `await` above guarantees this runs after `#enqueue` has stored the pump.)
      this.#pump = undefined;
    }
  }

  #release(): void {
    for (const resolve of this.#drained.splice(0)) resolve();
  }
}
