/**
 * The read engine: for each configured stream × organization it lets the stream's
 * cursor plan the reading, fetches what the stream definition describes (one
 * answer, a shared feed, or batches of a feed's items), and emits records, state
 * and statuses. Streams and organizations are fetched concurrently under the
 * client's request limit, while each stream's output keeps the order a sequential
 * read would give. It knows the protocol, not LinkedIn, and no stream by name.
 *
 * @module
 */
import { elementsOf, lastPage, pagingTotal, type Row } from "./answers.ts";
import { batchesOf } from "./batches.ts";
import type { ConfiguredStream } from "./catalog.ts";
import type { ApiClient, ApiRequest } from "./client.ts";
import type { Config } from "./config.ts";
import { type PartitionCursor, type ReadPlan, StreamCursors } from "./cursors.ts";
import {
  type Answer,
  type Batch,
  type BatchStream,
  type Endpoint,
  type Feed,
  type RequestContext,
  requestOf,
  type RowContext,
  type StreamDefinition,
} from "./definitions.ts";
import { asConnectorError, configError, ConnectorError, systemError } from "./errors.ts";
import { FeedPass, type FeedWants, type Subscription } from "./feeds.ts";
import { DailyLimitError, malformedAnswer } from "./outcomes.ts";
import { PageQueue, PAGES_AHEAD } from "./pages.ts";
import type { Output } from "./output.ts";
import { errorTraceMessage, logMessage, stateMessage, streamStatusMessage } from "./protocol.ts";
import { NO_CURSOR_STATE } from "./state.ts";
import { wait } from "./timers.ts";
import { type Validator, validatorOf, violationOf } from "./validation.ts";
import { clampedMessage, isoDate, type Start } from "./windows.ts";

/** What the engine reads with. */
export interface EngineContext {
  client: ApiClient;
  output: Output;
  config: Pick<
    Config,
    "granularity" | "startDate" | "lookbackDays" | "maxConcurrentRequests" | "apiTier"
  >;
  /** Aborted on SIGTERM/SIGINT or a closed stdout. */
  signal: AbortSignal;
  now(): number;
}

/** The answers about one batch, what they answered, and the ids LinkedIn has nothing on. */
interface Answers {
  answers: Answer[];
  where: string;
  notFound: Map<string, number>;
}

/** A batch with its answers. */
interface Asked extends Answers {
  batch: Batch;
}

/**
 * How a batch's requests defer to the batches before it: they are cancelled once the
 * partition ends, and retry (or ask again id by id) only after the earlier batches are
 * answered, so that one failing batch does not make every batch behind it retry too.
 */
type Turn = Required<Pick<ApiRequest, "cancelled" | "beforeRetry">>;

/** A stream to read, with the cursors it starts from (incremental mode only). */
export interface Plan {
  stream: ConfiguredStream;
  cursors?: StreamCursors;
}

// Requests that wait for the concurrency limit go longest chain first: a feed page gates
// every request about its items, and the batches of a partition are asked one after the other.
const FEED_PRIORITY = 2;
const BATCH_PRIORITY = 1;

// Partitions (organizations) of one stream read at once: each holds its answers until they are
// written, so this, not the request limit, bounds memory however many organizations there are.
const PARTITIONS_AHEAD = 8;

// Batches of one partition asked while an earlier one is written: their answers are small,
// and the request limit, not this, bounds what is in flight.
const BATCHES_AHEAD = 16;

// Paged endpoints are small collections (taxonomies): a thousand pages means a loop.
const MAX_PAGES = 1_000;

/**
 * Checks the incoming state of every configured stream before anything is read,
 * so a bad state file fails the read up front.
 *
 * @example
 * ```ts
 * import { configuredStreams } from "./catalog.ts";
 *
 * const streams = configuredStreams(
 *   { streams: [{ stream: { name: "ugc_posts" }, sync_mode: "incremental" }] },
 *   "catalog.json",
 * );
 * const states = new Map([["ugc_posts", { organizations: { "1": { lastModifiedAt: 5 } } }]]);
 * planStreams(streams, states, ["1"], "state.json")[0].cursors?.get("1"); // 5
 * ```
 */
export function planStreams(
  streams: readonly ConfiguredStream[],
  states: Map<string, unknown>,
  organizationIds: readonly string[],
  stateFile: string,
): Plan[] {
  return streams.map((stream) => {
    const { name, incremental } = stream.definition;
    if (stream.syncMode !== "incremental" || !incremental) return { stream };
    const where = `${stateFile}: stream ${name}`;
    return {
      stream,
      cursors: StreamCursors.fromState(states.get(name), incremental, organizationIds, where),
    };
  });
}

/**
 * Reads every planned stream for every organization; resolves to the streams that
 * failed (empty when all completed).
 *
 * @example
 * ```ts
 * import type { EngineContext, Plan } from "./engine.ts";
 *
 * declare const plans: Plan[];
 * declare const context: EngineContext;
 * const failed = await readStreams(plans, ["2414183"], context);
 * ```
 */
export async function readStreams(
  plans: readonly Plan[],
  organizationIds: readonly string[],
  context: EngineContext,
): Promise<string[]> {
  const run = new Run(context);
  // Every partition exists before any is read, so each shared feed knows all its readers.
  const partitions = plans.map((plan) => {
    const ids = plan.stream.definition.partitions === "connection" ? [""] : organizationIds;
    return ids.map((id) => new Partition(plan, id, run));
  });
  const outcomes = await Promise.all(
    plans.map((plan, index) => readStream(plan, partitions[index], context, run)),
  );
  return plans.filter((_, index) => !outcomes[index]).map((plan) => plan.stream.definition.name);
}

async function readStream(
  plan: Plan,
  partitions: readonly Partition[],
  context: EngineContext,
  run: Run,
): Promise<boolean> {
  const { output, signal } = context;
  const name = plan.stream.definition.name;
  output.emit(streamStatusMessage(name, "STARTED"));
  let recordsSinceState = 0;
  let running = false;
  let failed = false;
  let rateLimited = false;
  const emitState = () => {
    output.emit(stateMessage(name, plan.cursors?.state() ?? NO_CURSOR_STATE, recordsSinceState));
    recordsSinceState = 0;
  };
  const lookahead = Math.max(1, Math.min(PARTITIONS_AHEAD, context.config.maxConcurrentRequests));
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
      if (partition.error instanceof DailyLimitError && !rateLimited) {
        rateLimited = true;
        output.emit(streamStatusMessage(name, "RUNNING", partition.error.quotaReset));
      }
      failed = true;
      // A failure of the whole run (a refused token) is one error, told once.
      if (run.firstTime(partition.error)) output.emit(errorTraceMessage(partition.error, name));
    } else if (plan.cursors) {
      plan.cursors.advance(partition.organizationId, partition.cursor?.close());
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

/** What the partitions of one read have in common: the clock, the config, the feed passes. */
class Run {
  readonly now: number;
  /** The UTC date of this sync, the same for every record of the run. */
  readonly syncDate: string;
  #passes = new Map<Feed, Map<string, FeedPass>>();
  #oneByOne: boolean;
  #batchCallsKnown: boolean;
  #told = new Set<unknown>();
  // Resolves a turn of the event loop after the first request nothing waits on (see fetch).
  #dependentsFirst?: Promise<void>;

  constructor(readonly context: EngineContext) {
    this.now = context.now();
    this.syncDate = isoDate(this.now);
    this.#oneByOne = context.config.apiTier === "development";
    this.#batchCallsKnown = context.config.apiTier === "standard";
  }

  /** True the first time it is asked about `what` (an error, a message) in this run. */
  firstTime(what: unknown): boolean {
    if (this.#told.has(what)) return false;
    this.#told.add(what);
    return true;
  }

  /** Logs a message of a stream once per run, however many organizations it concerns. */
  logOnce(level: "INFO" | "WARN", stream: string, message: string): void {
    if (this.firstTime(`${stream}\n${message}`)) {
      this.context.output.emit(logMessage(level, `stream ${stream}: ${message}`));
    }
  }

  /** True once batch calls are known to be refused: ask about one id per request. */
  get oneByOne(): boolean {
    return this.#oneByOne;
  }

  /** True once LinkedIn is known to answer batch calls or to refuse them. */
  get batchCallsKnown(): boolean {
    return this.#batchCallsKnown || this.#oneByOne;
  }

  /** Takes note that LinkedIn answered a batch call. */
  batchCallAnswered(): void {
    this.#batchCallsKnown = true;
  }

  /**
   * Takes note that LinkedIn refuses batch calls to the app, which it does to every app
   * on its Development tier: says so once per run, and from then on the batches are asked
   * one id at a time. A refusal although api_tier says "standard" is a config_error.
   */
  batchesRefused(refusal: ConnectorError, where: string, items: string): void {
    if (this.context.config.apiTier === "standard") {
      const error = configError(
        `LinkedIn refused a batch call (${where}, HTTP 403) but answered the same question ` +
          `asked for one id, although api_tier is "standard": the app is on LinkedIn's ` +
          'Development tier, which allows no batch calls. Set api_tier to "development", or ' +
          "leave it empty.",
        refusal.message,
      );
      error.status = refusal.status;
      throw error;
    }
    if (this.#oneByOne) return;
    this.#oneByOne = true;
    this.context.output.emit(logMessage(
      "INFO",
      `LinkedIn refused a batch call (${where}, HTTP 403) and answered the same question asked ` +
        `for one id: apps on LinkedIn's Development tier may make no batch calls. Asking about ` +
        `the ${items} one at a time for the rest of this run; set api_tier to "development" to ` +
        "skip the batch call.",
    ));
  }

  /** A subscription to the one pass over `feed` for an organization in this run. */
  subscribe(feed: Feed, organizationId: string, stream: string, wants: FeedWants): Subscription {
    const byOrganization = this.#passes.get(feed) ?? new Map<string, FeedPass>();
    this.#passes.set(feed, byOrganization);
    let pass = byOrganization.get(organizationId);
    if (!pass) {
      // Messages and statuses go to the streams still reading, not to those already done.
      const fetchPage = async (start: number, count: number, cancelled: AbortSignal) => {
        const readers = pass!.readers();
        const { body, where } = await this.fetch(
          feed.endpoint,
          { organizationId, start, count },
          FEED_PRIORITY,
          `${readers.length > 1 ? "streams" : "stream"} ${readers.join(", ")}, organization ` +
            organizationId,
          (retryAt) => pass!.readers().forEach((name) => this.rateLimited(name, retryAt)),
          { cancelled },
        );
        const elements = elementsOf(body, "elements", where);
        try {
          for (const item of elements) feed.check(item);
        } catch (error) {
          const message = `${where}: ${asConnectorError(error).message}`;
          throw new ConnectorError("system_error", message, undefined, { cause: error });
        }
        return { items: elements, total: pagingTotal(body) };
      };
      pass = new FeedPass(feed, fetchPage, this.context.signal);
      byOrganization.set(organizationId, pass);
    }
    return pass.subscribe(wants, stream);
  }

  /** Sends one request; returns its answer and what it was, for messages. */
  async fetch(
    endpoint: Endpoint,
    context: Omit<RequestContext, "granularity">,
    priority: number,
    label: string,
    onRateLimited: (retryAt: number) => void,
    turn?: Pick<ApiRequest, "cancelled" | "beforeRetry">,
  ): Promise<{ body: unknown; where: string }> {
    // A request nothing else waits on leaves after those others wait on (the pages of posts,
    // made in the same turn): sent first, they are answered first, and the requests that wait
    // on them go out while the rest of the answers are being written. The turn's timer starts
    // only when such a request comes: one started with the run would be due once the first
    // request is made, and would run before that request is sent.
    if (priority === 0) await (this.#dependentsFirst ??= wait());
    const request = requestOf(endpoint, {
      granularity: this.context.config.granularity,
      ...context,
    });
    const body = await this.context.client.get({
      ...request,
      organizationId: context.organizationId || undefined,
      label,
      onRateLimited,
      priority,
      deferrable: priority === 0,
      ...turn,
    });
    return { body, where: `${label}, GET ${request.path}` };
  }

  rateLimited(stream: string, retryAt: number): void {
    this.context.output.emit(streamStatusMessage(stream, "RUNNING", retryAt));
  }
}

/**
 * One stream × organization (or the connection): plans its reading with the stream's
 * cursor, and fetches its pages into a small buffer as soon as it is started, while
 * the stream writes earlier partitions.
 */
class Partition {
  error?: ConnectorError;
  readonly cursor?: PartitionCursor;
  readonly plan: ReadPlan;
  readonly definition: StreamDefinition;
  readonly rowContext: RowContext;
  #since?: Start;
  #items?: Subscription;
  #pages = new PageQueue<Row>();
  #started = false;
  #validate?: Validator;

  constructor(readonly stream: Plan, readonly organizationId: string, readonly run: Run) {
    const definition = this.definition = stream.stream.definition;
    const { config } = run.context;
    this.cursor = definition.incremental?.open(stream.cursors?.get(organizationId), {
      now: run.now,
      granularity: config.granularity,
      startDate: config.startDate,
      lookbackDays: config.lookbackDays,
    });
    this.plan = this.cursor?.plan ?? {};
    this.rowContext = { organizationId, syncDate: run.syncDate };
    if (this.plan.skip) return;
    if (definition.feed) {
      const wants = { newerThan: this.plan.newerThan, limit: definition.limit };
      this.#items = run.subscribe(definition.feed, organizationId, definition.name, wants);
    } else if (typeof definition.partitions === "object") {
      const { parent, since } = definition.partitions;
      const start = this.#since = since(run.now, config.startDate);
      this.#items = run.subscribe(parent, organizationId, definition.name, { from: start.start });
    }
  }

  get label(): string {
    const { name } = this.definition;
    return this.organizationId
      ? `stream ${name}, organization ${this.organizationId}`
      : `stream ${name}`;
  }

  start(): void {
    if (this.#started) return;
    this.#started = true;
    this.#produce().catch((error) => {
      if (!this.run.context.signal.aborted) this.error = asConnectorError(error);
    }).finally(() => {
      this.#items?.cancel();
      this.#pages.end();
    });
  }

  /** The partition's pages of records; a failure ends them and is kept in `error`. */
  pages(): AsyncIterable<Row[]> {
    this.start();
    return this.#pages;
  }

  /** Queues records made from the answer to `where`, once each matches the stream's schema. */
  async #push(rows: Row[], where: string): Promise<void> {
    if (rows.length === 0) return;
    this.#validate ??= await validatorOf(this.definition.name);
    for (const row of rows) {
      const problem = violationOf(this.#validate, row);
      if (problem) throw malformedAnswer(where, problem);
    }
    for (const row of rows) this.cursor?.observe(row);
    await this.#pages.room(PAGES_AHEAD, this.run.context.signal);
    this.#pages.put(rows);
  }

  async #produce(): Promise<void> {
    if (this.plan.skip) {
      if (this.plan.idle) this.run.logOnce("INFO", this.definition.name, this.plan.idle);
      return;
    }
    this.#warnIfClamped();
    const definition = this.definition;
    if (typeof definition.partitions === "object") {
      await this.#produceBatches(definition as BatchStream);
    } else if (definition.feed) {
      const path = definition.feed.endpoint.path({
        organizationId: this.organizationId,
        granularity: this.run.context.config.granularity,
      });
      const where = `${this.label}, GET ${path}`;
      // Feed items shared with other streams of the pass are copied: each makes its own rows.
      const copy = this.#items!.shared;
      for await (const items of this.#items!) {
        await this.#push(
          items.map((item) => definition.toRow(copy ? { ...item } : item, this.rowContext)),
          where,
        );
      }
    } else {
      const { endpoint, extract, pageSize, toRow } = definition;
      const window = this.plan.window;
      for (let start = 0;; start += pageSize ?? 0) {
        const paging = pageSize ? { start, count: pageSize } : {};
        const { body, where } = await this.#fetch(endpoint, { window, ...paging });
        const elements = elementsOf(body, extract, where);
        await this.#push(
          this.#rows(where, () => elements.map((e) => toRow(e, this.rowContext))),
          where,
        );
        if (!pageSize || lastPage(body, start, elements.length, pageSize)) return;
        if (start >= MAX_PAGES * pageSize) {
          throw systemError(`${where}: LinkedIn kept answering full pages past ${MAX_PAGES}.`);
        }
      }
    }
  }

  async #produceBatches(definition: BatchStream): Promise<void> {
    const { accepts, parent } = definition.partitions;
    const skipped: string[] = [];
    const missing = new Map<string, number>();
    let number = 0;
    const ended = new AbortController();
    try {
      const batches = batchesOf(
        this.#items!,
        definition.partitions,
        this.#since!.start,
        (id) => skipped.push(id),
      );
      // Batches are asked ahead of the one being written, so a partition's requests are in
      // flight together; their records are still written in feed order.
      const asked: Promise<Asked>[] = [];
      let earlier: Promise<unknown> = Promise.resolve();
      const write = async () => {
        const { batch, answers, where, notFound } = await asked.shift()!;
        for (const [id, status] of notFound) missing.set(id, status);
        const made = this.#rows(where, () => definition.rows(answers, batch, this.rowContext));
        for (const [id, status] of made.missing ?? []) missing.set(id, status);
        await this.#push(made.rows, where);
      };
      for await (const batch of batches) {
        number += 1;
        const before = earlier;
        const turn: Turn = { cancelled: ended.signal, beforeRetry: async () => void await before };
        const answering = this.#answers(definition, batch, number, turn)
          .then((answers) => ({ batch, ...answers }));
        // Awaited in order by `write`; a failure is thrown there, not left unhandled here.
        answering.catch(() => {});
        asked.push(answering);
        earlier = before.then(() => answering).then(() => {});
        earlier.catch(() => {});
        // Until LinkedIn has answered one batch call, a refusal (Development tier) should
        // cost one request, so the first batch goes alone.
        const probing = definition.single !== undefined && !this.run.batchCallsKnown;
        while (asked.length >= (probing ? 1 : BATCHES_AHEAD)) await write();
      }
      while (asked.length > 0) await write();
      if (number === 0) {
        const since = isoDate(this.#since!.start);
        this.run.context.output.emit(
          logMessage(
            "INFO",
            `${this.label}: no ${parent.name} to ask about since ${since}: nothing to read.`,
          ),
        );
      }
    } finally {
      ended.abort(new DOMException(`${this.label} has ended`, "AbortError"));
      const output = this.run.context.output;
      if (skipped.length > 0) {
        output.emit(logMessage(
          "WARN",
          `${this.label}: skipped ${skipped.length} of the ${parent.name} because this stream ` +
            `can only ask about ${accepts}: ${skipped.join(", ")}.`,
        ));
      }
      if (missing.size > 0) {
        const list = [...missing].map(([id, status]) => `${id} (HTTP ${status})`).join(", ");
        output.emit(logMessage(
          "WARN",
          `${this.label}: LinkedIn has nothing about ${missing.size} of the ${parent.name}, ` +
            `which get no record this sync (deleted, or not the organization's): ${list}.`,
        ));
      }
    }
  }

  /**
   * The answers about one batch: one request per variant, or, once LinkedIn refuses
   * batch calls to the app, one request per id.
   */
  async #answers(
    definition: BatchStream,
    batch: Batch,
    number: number,
    turn: Turn,
  ): Promise<Answers> {
    const what = batch.ids.length === 1
      ? `${batch.ids[0]}`
      : `batch ${number} (${batch.ids.length} ${batch.group} ids from ${batch.ids[0]})`;
    const { single } = definition;
    if (!single) {
      const answers = await Promise.all(
        (definition.variants ?? [undefined]).map(async (variant) => {
          const asked = variant ? `${what}, ${variant}` : what;
          const answer = await this.#fetch(definition.endpoint, { batch, variant }, asked, turn);
          return { ...answer, variant };
        }),
      );
      return { answers, where: answers[0].where, notFound: new Map() };
    }
    if (this.run.oneByOne) return await this.#oneByOne(single, batch, what, turn);
    try {
      const answer = await this.#fetch(definition.endpoint, { batch }, what, turn);
      this.run.batchCallAnswered();
      return { answers: [answer], where: answer.where, notFound: new Map() };
    } catch (error) {
      if (!(error instanceof ConnectorError) || error.status !== 403) throw error;
      // A 403 is a Development-tier app's refusal of batch calls, or a missing scope or role:
      // the same question for one id tells which, and a missing scope then throws its error.
      // It is asked once: the batches behind wait for the earlier ones' verdict.
      await turn.beforeRetry();
      const { parent } = definition.partitions;
      return await this.#oneByOne(
        single,
        batch,
        what,
        turn,
        () => this.run.batchesRefused(error, `${this.label}, ${what}`, parent.name),
      );
    }
  }

  /**
   * Asks about each id of a batch on its own. Until one is answered they go one at a time,
   * so that a refusal costs one request; then the rest at once. `answered` runs after the
   * first answer.
   */
  async #oneByOne(
    single: Endpoint,
    batch: Batch,
    what: string,
    turn: Turn,
    answered: () => void = () => {},
  ): Promise<Answers> {
    const notFound = new Map<string, number>();
    const ask = async (id: string): Promise<Answer | undefined> => {
      try {
        const one = { group: batch.group, ids: [id] };
        return { ...(await this.#fetch(single, { batch: one }, id, turn)), id };
      } catch (error) {
        // A post deleted since the feed listed it: nothing to record.
        if (!(error instanceof ConnectorError) || error.status !== 404) throw error;
        notFound.set(id, 404);
        return undefined;
      }
    };
    const answers: Answer[] = [];
    let next = 0;
    while (next < batch.ids.length && answers.length === 0) {
      const answer = await ask(batch.ids[next++]);
      if (answer) answers.push(answer);
    }
    if (answers.length > 0) answered();
    const rest = await Promise.all(batch.ids.slice(next).map(ask));
    for (const answer of rest) if (answer) answers.push(answer);
    return { answers, where: answers[0]?.where ?? `${this.label}, ${what}`, notFound };
  }

  /** Makes records; a failure names the request whose answer it came from. */
  #rows<T>(where: string, make: () => T): T {
    try {
      return make();
    } catch (error) {
      const { message } = asConnectorError(error);
      if (message.includes(where)) throw error;
      throw new ConnectorError("system_error", `${where}: ${message}`, undefined, { cause: error });
    }
  }

  #fetch(
    endpoint: Endpoint,
    context: Pick<RequestContext, "window" | "batch" | "variant" | "start" | "count">,
    what?: string,
    turn?: Turn,
  ): Promise<{ body: unknown; where: string }> {
    return this.run.fetch(
      endpoint,
      { organizationId: this.organizationId, window: this.plan.window, ...context },
      context.batch ? BATCH_PRIORITY : 0,
      what ? `${this.label}, ${what}` : this.label,
      (retryAt) => this.run.rateLimited(this.definition.name, retryAt),
      turn,
    );
  }

  #warnIfClamped(): void {
    const message = this.plan.warning ??
      (this.#since?.clampedFrom !== undefined
        ? clampedMessage(this.#since.start, this.#since.clampedFrom)
        : undefined);
    if (message) this.run.logOnce("WARN", this.definition.name, message);
  }
}
