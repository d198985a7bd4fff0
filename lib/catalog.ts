/**
 * Catalogs: the one `discover` prints, built from the stream table, and the
 * configured catalog `read` receives, validated against it.
 *
 * @module
 */
import { configError, systemError } from "./errors.ts";
import { isJsonObject } from "./files.ts";
import type { StreamDefinition } from "./definitions.ts";
import { streamNamed, STREAMS } from "./streams.ts";

/** How a configured stream is read. */
export type SyncMode = "full_refresh" | "incremental";

/** A stream the user selected, with its sync mode. */
export interface ConfiguredStream {
  definition: StreamDefinition;
  syncMode: SyncMode;
  /** Configured `incremental` although the stream supports only full refresh: read in full. */
  readInFull?: boolean;
}

/**
 * The sync modes a stream supports.
 *
 * @example
 * ```ts
 * import { streamNamed } from "./streams.ts";
 *
 * syncModesOf(streamNamed("shares")!); // ["full_refresh"]
 * ```
 */
export function syncModesOf(stream: StreamDefinition): SyncMode[] {
  return stream.incremental ? ["full_refresh", "incremental"] : ["full_refresh"];
}

/**
 * The Airbyte stream `discover` announces for a definition, with the schema of its records.
 *
 * @example
 * ```ts
 * import { STREAM_SCHEMAS } from "./schemas.ts";
 * import { streamNamed } from "./streams.ts";
 *
 * airbyteStream(streamNamed("ugc_posts")!, STREAM_SCHEMAS.ugc_posts).default_cursor_field;
 * // ["lastModifiedAt"]
 * ```
 */
export function airbyteStream(
  stream: StreamDefinition,
  schema: Record<string, unknown>,
): Record<string, unknown> {
  const entry: Record<string, unknown> = {
    name: stream.name,
    json_schema: schema,
    supported_sync_modes: syncModesOf(stream),
    source_defined_primary_key: stream.primaryKey,
  };
  if (stream.incremental) {
    entry.source_defined_cursor = true;
    entry.default_cursor_field = [stream.incremental.field];
    entry.is_resumable = true;
  }
  return entry;
}

/**
 * The catalog of every stream, with the schemas of `lib/schemas.ts`.
 *
 * @example
 * ```ts
 * import { STREAM_SCHEMAS } from "./schemas.ts";
 *
 * discoveredCatalog(STREAM_SCHEMAS).streams.length; // 16
 * ```
 */
export function discoveredCatalog(
  schemas: Readonly<Record<string, Record<string, unknown>>>,
): { streams: Record<string, unknown>[] } {
  return {
    streams: STREAMS.map((stream) => {
      const schema = Object.hasOwn(schemas, stream.name) ? schemas[stream.name] : undefined;
      if (!schema) throw systemError(`stream ${stream.name} has no schema in lib/schemas.ts.`);
      return airbyteStream(stream, schema);
    }),
  };
}

/** A jq program that turns discover's output into a configured catalog of every stream. */
export const CONFIGURE_ALL = "{streams: [.catalog.streams[] | {stream: ., sync_mode: " +
  '(if (.supported_sync_modes | index("incremental")) then "incremental" else "full_refresh" ' +
  'end), destination_sync_mode: "append"}]}';

// discover's CATALOG message, or its catalog: streams with a name but no `stream` entry.
function looksDiscovered(raw: unknown): boolean {
  const catalog = isJsonObject(raw) && raw.type === "CATALOG" ? raw.catalog : raw;
  return isJsonObject(catalog) && Array.isArray(catalog.streams) && catalog.streams.length > 0 &&
    catalog.streams.every((entry) =>
      isJsonObject(entry) && typeof entry.name === "string" && !("stream" in entry)
    );
}

/**
 * Validates a parsed configured catalog: every stream must exist and be read in
 * a mode it supports. Errors name the file and the entry.
 *
 * @example
 * ```ts
 * configuredStreams({ streams: [{ stream: { name: "shares" }, sync_mode: "full_refresh" }] }, "catalog.json");
 * ```
 */
export function configuredStreams(raw: unknown, fileName: string): ConfiguredStream[] {
  if (looksDiscovered(raw)) {
    throw configError(
      `${fileName} is the catalog discover prints, not a configured catalog: each entry of ` +
        '"streams" must be {"stream": <a stream of that catalog>, "sync_mode": ..., ' +
        '"destination_sync_mode": ...}. Make one from it with: source-linkedin-pages discover ' +
        `--config config.json | jq '${CONFIGURE_ALL}' > catalog.json`,
    );
  }
  if (!isJsonObject(raw) || !Array.isArray(raw.streams)) {
    throw configError(
      `${fileName} must be a configured catalog: an object with a "streams" array.`,
    );
  }
  const seen = new Set<string>();
  return raw.streams.map((entry, index) => {
    const where = `${fileName}: streams[${index}]`;
    const name = isJsonObject(entry) && isJsonObject(entry.stream) ? entry.stream.name : undefined;
    if (typeof name !== "string") throw configError(`${where}.stream.name is missing.`);
    const definition = streamNamed(name);
    if (!definition) {
      throw configError(
        `${where}.stream.name: unknown stream "${name}". Known streams: ${
          STREAMS.map((s) => s.name).join(", ")
        }.`,
      );
    }
    if (seen.has(name)) throw configError(`${where}: stream "${name}" is listed twice.`);
    seen.add(name);
    const syncMode = (entry as Record<string, unknown>).sync_mode;
    const supported = syncModesOf(definition);
    // As the Airbyte CDK does (and PyAirbyte asks every stream incrementally).
    if (syncMode === "incremental" && !supported.includes("incremental")) {
      return { definition, syncMode: "full_refresh", readInFull: true };
    }
    if (!supported.includes(syncMode as SyncMode)) {
      // JSON.stringify(undefined) is undefined: a missing sync_mode needs its own words.
      const how = syncMode === undefined
        ? "without a sync_mode"
        : `in mode ${JSON.stringify(syncMode)}`;
      throw configError(
        `${where}.sync_mode: stream "${name}" cannot be read ${how}; ` +
          `it supports ${supported.join(" and ")}.`,
      );
    }
    return { definition, syncMode: syncMode as SyncMode };
  });
}
