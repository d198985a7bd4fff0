/**
 * The read engine: for each configured stream × organization it asks the stream
 * definition for requests, pages through the answers and emits records, state and
 * statuses. Streams and organizations are fetched concurrently under the client's
 * request limit, while each stream's output keeps the order a sequential read
 * would give. It knows the protocol, not LinkedIn.
 *
 * @module
 */
import type { ConfiguredStream } from "./catalog.ts";
import type { LinkedInClient } from "./client.ts";
import type { Config } from "./config.ts";
import { asConnectorError, type ConnectorError, systemError } from "./errors.ts";
import { isJsonObject } from "./files.ts";
import type { Output } from "./output.ts";
import { errorTraceMessage, logMessage, stateMessage, streamStatusMessage } from "./protocol.ts";
import { query as encodeQuery } from "./restli.ts";
import { type Cursors, cursorsOf, NO_CURSOR_STATE, stateOf } from "./state.ts";
import type { Row, StreamDefinition } from "./streams.ts";
import { isoDate, planWindow } from "./windows.ts";

/** What the engine reads with. */
export interface EngineContext {
  client: LinkedInClient;
  output: Output;
  config: Config;
  /** Aborted on SIGTERM/SIGINT or a closed stdout. */
  signal: AbortSignal;
  now(): number;
}

/** A stream to read, with the cursors it starts from (incremental mode only). */
interface Plan {
  stream: ConfiguredStream;
  cursors?: Cursors;
}

// Pages buffered per organization ahead of output; bounds memory.
const PAGES_AHEAD = 2;

/**
 * Checks the incoming state of every configured stream before anything is read,
 * so a bad state file fails the read up front.
 *
 * @example
 * ```ts
 * const plans = planStreams(streams, states, ["2414183"], "state.json");
 * ```
 */
export function planStreams(
  streams: readonly ConfiguredStream[],
  states: Map<string, unknown>,
  organizationIds: readonly string[],
  stateFile: string,
): Plan[] {
  return streams.map((stream) => {
    const incremental = stream.syncMode === "incremental"
      ? stream.definition.incremental
      : undefined;
    if (!incremental) return { stream };
    const saved = cursorsOf(
      states.get(stream.definition.name),
      incremental,
      organizationIds,
      `${stateFile}: stream ${stream.definition.name}`,
    );
    // Cursors of organizations no longer configured are dropped.
    const cursors: Cursors = new Map();
    for (const id of organizationIds) if (saved.has(id)) cursors.set(id, saved.get(id)!);
    return { stream, cursors };
  });
}

/**
 * Reads every planned stream for every organization; resolves to the streams that
 * failed (empty when all completed).
 *
 * @example
 * ```ts
 * const failed = await readStreams(plans, ["2414183"], context);
 * ```
 */
export async function readStreams(
  plans: readonly Plan[],
  organizationIds: readonly string[],
  context: EngineContext,
): Promise<string[]> {
  const outcomes = await Promise.all(
    plans.map((plan) => readStream(plan, organizationIds, context)),
  );
  return plans.filter((_, index) => !outcomes[index]).map((plan) => plan.stream.definition.name);
}

async function readStream(
  plan: Plan,
  organizationIds: readonly string[],
  context: EngineContext,
): Promise<boolean> {
  const { output, signal } = context;
  const definition = plan.stream.definition;
  const name = definition.name;
  output.emit(streamStatusMessage(name, "STARTED"));
  let recordsSinceState = 0;
  let running = false;
  let failed = false;
  const emitState = () => {
    const streamState = plan.cursors
      ? stateOf(plan.cursors, definition.incremental!.cursorField)
      : NO_CURSOR_STATE;
    output.emit(stateMessage(name, streamState, recordsSinceState));
    recordsSinceState = 0;
  };
  const partitions = organizationIds.map((id) => new Partition(plan, id, context));
  const lookahead = Math.max(1, context.config.maxConcurrentRequests);
  for (const [index, partition] of partitions.entries()) {
    for (const next of partitions.slice(index, index + lookahead)) next.start();
    for await (const rows of partition.pages()) {
      if (!running) {
        output.emit(streamStatusMessage(name, "RUNNING"));
        running = true;
      }
      output.records(name, rows);
      recordsSinceState += rows.length;
      await output.ready();
    }
    if (signal.aborted) break;
    if (partition.error) {
      failed = true;
      output.emit(errorTraceMessage(partition.error, name));
    } else if (plan.cursors) {
      const before = plan.cursors.get(partition.organizationId);
      const after = partition.cursor;
      // A cursor never moves backwards.
      if (after !== undefined && (before === undefined || after > before)) {
        plan.cursors.set(partition.organizationId, after);
      }
      emitState();
    }
  }
  if (signal.aborted) {
    output.emit(streamStatusMessage(name, "INCOMPLETE"));
    return false;
  }
  if (!plan.cursors || recordsSinceState > 0 || failed) emitState();
  output.emit(streamStatusMessage(name, failed ? "INCOMPLETE" : "COMPLETE"));
  return !failed;
}

/**
 * One stream × organization: fetches its pages into a small buffer as soon as it is
 * started, while the stream writes earlier organizations.
 */
class Partition {
  error?: ConnectorError;
  cursor?: number;
  #buffer: Row[][] = [];
  #done = false;
  #started = false;
  #wake: (() => void) | undefined;

  constructor(
    readonly plan: Plan,
    readonly organizationId: string,
    readonly context: EngineContext,
  ) {}

  start(): void {
    if (this.#started) return;
    this.#started = true;
    this.#produce().catch((error) => {
      if (!this.context.signal.aborted) this.error = asConnectorError(error);
    }).finally(() => {
      this.#done = true;
      this.#notify();
    });
  }

  async *pages(): AsyncGenerator<Row[]> {
    this.start();
    for (;;) {
      const rows = this.#buffer.shift();
      if (rows) {
        this.#notify();
        yield rows;
      } else if (this.#done) {
        return;
      } else {
        await new Promise<void>((resolve) => (this.#wake = resolve));
      }
    }
  }

  #notify(): void {
    const wake = this.#wake;
    this.#wake = undefined;
    wake?.();
  }

  async #push(rows: Row[]): Promise<void> {
    while (this.#buffer.length >= PAGES_AHEAD && !this.context.signal.aborted) {
      await new Promise<void>((resolve) => (this.#wake = resolve));
    }
    this.#buffer.push(rows);
    this.#notify();
  }

  async #produce(): Promise<void> {
    const definition = this.plan.stream.definition;
    const incremental = definition.incremental;
    const saved = this.plan.cursors?.get(this.organizationId);
    if (incremental?.kind === "window") return await this.#produceWindow(definition, saved);
    if (definition.paging.kind === "none") {
      await this.#push(await this.#fetch(definition, {}));
      return;
    }
    const pageSize = definition.paging.pageSize;
    const stopAt = incremental?.kind === "newest_first" && this.plan.cursors ? saved : undefined;
    let newest = saved;
    for (let start = 0;; start += pageSize) {
      const page = await this.#fetch(definition, { start, count: pageSize });
      const rows = stopAt === undefined
        ? page
        // Strictly newer: the post at the cursor was emitted by the run that saved it.
        : page.filter((row) => (row.lastModifiedAt as number) > stopAt);
      for (const row of rows) newest = Math.max(newest ?? 0, row.lastModifiedAt as number);
      if (rows.length > 0) await this.#push(rows);
      // Pages come newest first: once one reaches the cursor, the rest are older.
      if (page.length < pageSize || rows.length < page.length) break;
    }
    this.cursor = newest;
  }

  async #produceWindow(definition: StreamDefinition, saved: number | undefined): Promise<void> {
    const { config, output } = this.context;
    const plan = planWindow({
      now: this.context.now(),
      granularity: config.granularity,
      startDate: config.startDate,
      cursor: saved,
      lookbackDays: config.lookbackDays,
    });
    if (plan.clampedFrom !== undefined && plan.window) {
      output.emit(logMessage(
        "WARN",
        `${definition.name}, organization ${this.organizationId}: LinkedIn serves statistics for about ` +
          `12 months only, so reading starts on ${isoDate(plan.window.start)} instead of ` +
          `${isoDate(plan.clampedFrom)}.`,
      ));
    }
    if (!plan.window) {
      this.cursor = saved;
      return;
    }
    await this.#push(await this.#fetch(definition, { window: plan.window }));
    this.cursor = plan.window.end;
  }

  async #fetch(
    definition: StreamDefinition,
    extra: { start?: number; count?: number; window?: { start: number; end: number } },
  ): Promise<Row[]> {
    const { client, config, output } = this.context;
    const request = {
      organizationId: this.organizationId,
      granularity: config.granularity,
      ...extra,
    };
    const label = `stream ${definition.name}, organization ${this.organizationId}`;
    const path = definition.path(request);
    const body = await client.get({
      path,
      query: encodeQuery(definition.query(request)),
      scope: definition.scope,
      label,
      onRateLimited: (retryAt) =>
        output.emit(streamStatusMessage(definition.name, "RUNNING", retryAt)),
    });
    const where = `${label}, GET ${path}`;
    const elements = elementsOf(body, definition, where);
    try {
      return elements.map((element) => definition.toRow(element, this.organizationId));
    } catch (error) {
      throw systemError(`${where}: ${asConnectorError(error).message}`);
    }
  }
}

function elementsOf(body: unknown, definition: StreamDefinition, where: string): Row[] {
  if (definition.extract === "body") {
    if (!isJsonObject(body)) {
      throw systemError(`LinkedIn's answer to ${where} is not a JSON object.`);
    }
    return [body];
  }
  const elements = isJsonObject(body) ? body.elements : undefined;
  if (!Array.isArray(elements)) {
    throw systemError(`LinkedIn's answer to ${where} has no "elements" array.`);
  }
  if (!elements.every(isJsonObject)) {
    throw systemError(`LinkedIn's answer to ${where} has an element that is not an object.`);
  }
  return elements;
}
