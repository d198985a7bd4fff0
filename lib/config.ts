/**
 * The connector's config: legacy shapes normalised, validated against the spec
 * (`schemas/spec.json`, the single source of truth), and turned into a typed
 * {@linkcode Config} once.
 *
 * @module
 */
import spec from "../schemas/spec.json" with { type: "json" };
import { configError } from "./errors.ts";
import { isJsonObject } from "./files.ts";
import type { ValidationError, Validator } from "./validation.ts";
import precompiledConfigValidator from "./validators/config.ts";

/** How the connector authenticates. */
export type Credentials =
  | { kind: "oauth"; clientId: string; clientSecret: string; refreshToken: string }
  | { kind: "access_token"; accessToken: string };

/** Bucket size of the time-bound statistics. */
export type Granularity = "DAY" | "MONTH";

/** A LinkedIn app's access tier: Development allows no batch calls. */
export type ApiTier = "development" | "standard";

/** The validated, normalised config. */
export interface Config {
  credentials: Credentials;
  /** Organizations to sync; `undefined` means every organization the member administers. */
  organizationIds?: string[];
  /** Where a first sync of time-bound statistics starts (epoch ms, UTC). */
  startDate?: number;
  granularity: Granularity;
  lookbackDays: number;
  /** A `LinkedIn-Version` the user pinned; `undefined` lets the connector choose. */
  linkedinVersion?: string;
  maxConcurrentRequests: number;
  /** The app's LinkedIn access tier, if the user set it; `undefined` finds out from LinkedIn. */
  apiTier?: ApiTier;
  apiBaseUrl: string;
  oauthBaseUrl: string;
  requestTimeoutMs: number;
  backoffScale: number;
}

const schema = spec.connectionSpecification;
const credentialOptions = schema.properties.credentials.oneOf;
const authMethods = credentialOptions.map((option) => option.properties.auth_method.const);

// Precompiled from the spec's connectionSpecification by `deno task schemas`.
const validator = precompiledConfigValidator as Validator;

/**
 * Brings older config shapes (Airbyte's own connector) to the current one:
 * a missing `auth_method` is inferred and a numeric `org_id` becomes a string.
 *
 * @example
 * ```ts
 * normalize({ credentials: { access_token: "t" }, org_id: 1 });
 * // { credentials: { access_token: "t", auth_method: "access_token" }, org_id: "1" }
 * ```
 */
export function normalize(raw: unknown): unknown {
  if (!isJsonObject(raw)) return raw;
  const config: Record<string, unknown> = { ...raw };
  if (isJsonObject(config.credentials) && config.credentials.auth_method === undefined) {
    const credentials = config.credentials;
    const inferred = "refresh_token" in credentials
      ? "oAuth2.0"
      : "access_token" in credentials
      ? "access_token"
      : undefined;
    if (inferred) config.credentials = { ...credentials, auth_method: inferred };
  }
  if (typeof config.org_id === "number" && Number.isSafeInteger(config.org_id)) {
    config.org_id = String(config.org_id);
  }
  if (Array.isArray(config.org_ids)) {
    config.org_ids = config.org_ids.map((id) => Number.isSafeInteger(id) ? String(id) : id);
  }
  // An empty optional string is a field left blank in a form: not set.
  for (const [name, property] of Object.entries(schema.properties)) {
    if ("type" in property && property.type === "string" && config[name] === "") {
      delete config[name];
    }
  }
  return config;
}

/**
 * The values of the config's secret fields (those the spec marks `airbyte_secret`),
 * to keep out of every output.
 *
 * @example
 * ```ts
 * secretValues({ credentials: { auth_method: "access_token", access_token: "AQV1x" } }); // ["AQV1x"]
 * ```
 */
export function secretValues(raw: unknown): string[] {
  if (!isJsonObject(raw)) return [];
  const secrets: string[] = [];
  const collect = (value: Record<string, unknown>, properties: Record<string, unknown>) => {
    for (const [name, property] of Object.entries(properties)) {
      const secret = isJsonObject(property) && property.airbyte_secret === true;
      if (secret && typeof value[name] === "string") secrets.push(value[name] as string);
    }
  };
  collect(raw, schema.properties);
  if (isJsonObject(raw.credentials)) {
    for (const option of credentialOptions) collect(raw.credentials, option.properties);
  }
  return [...new Set(secrets)];
}

/**
 * One warning for each field the spec does not define, naming the closest defined
 * field: a misspelt optional field is otherwise silently left at its default.
 *
 * @example
 * ```ts
 * unknownFields({ start_dat: "2026-01-01" }, "config.json");
 * // ["config.json: start_dat: not a known field; did you mean start_date?"]
 * ```
 */
export function unknownFields(raw: unknown, fileName: string): string[] {
  if (!isJsonObject(raw)) return [];
  const warnings: string[] = [];
  const check = (value: Record<string, unknown>, known: string[], prefix: string) => {
    for (const name of Object.keys(value)) {
      if (known.includes(name)) continue;
      const closest = closestOf(name, known);
      warnings.push(
        `${fileName}: ${prefix}${name}: not a known field` +
          (closest ? `; did you mean ${prefix}${closest}?` : "; it is ignored."),
      );
    }
  };
  check(raw, Object.keys(schema.properties), "");
  const credentials = raw.credentials;
  if (isJsonObject(credentials)) {
    const option = credentialOptions.find((o) =>
      o.properties.auth_method.const === credentials.auth_method
    );
    if (option) check(credentials, Object.keys(option.properties), "credentials.");
  }
  return warnings;
}

// The known name within a third of the name's length in edits, if any.
function closestOf(name: string, known: readonly string[]): string | undefined {
  let best: { name: string; distance: number } | undefined;
  for (const candidate of known) {
    const distance = editDistance(name.toLowerCase(), candidate.toLowerCase());
    if (!best || distance < best.distance) best = { name: candidate, distance };
  }
  return best && best.distance <= Math.max(2, Math.floor(name.length / 3)) ? best.name : undefined;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(
        previous[j] + 1,
        current[j - 1] + 1,
        previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
    }
    previous = current;
  }
  return previous[b.length];
}

/**
 * Validates a parsed config file against the spec and returns the typed config.
 * Every problem becomes one `config_error` naming the file and the field.
 *
 * @example
 * ```ts
 * const config = parseConfig(
 *   { credentials: { auth_method: "access_token", access_token: "t" }, org_id: "1" },
 *   "config.json",
 * );
 * config.organizationIds; // ["1"]
 * ```
 */
export function parseConfig(raw: unknown, fileName: string): Config {
  for (const [field, value] of orgIdValues(raw)) {
    if (typeof value === "number" && !Number.isSafeInteger(value)) {
      throw configError(
        `${fileName}: ${field} is the number ${value}, too large to be read exactly (its last ` +
          'digits may already be lost); write the id as a string, in quotes, e.g. "2414183".',
      );
    }
  }
  const value = normalize(raw);
  if (!isJsonObject(value)) throw configError(`${fileName} must hold a JSON object.`);
  if (!validator(value)) {
    throw configError(`${fileName}: ${describeErrors(validator.errors ?? [], value)}`);
  }
  checkSendable(value.credentials as Record<string, unknown>, fileName);
  return toConfig(value, fileName);
}

const CREDENTIAL_FIELDS = ["access_token", "refresh_token", "client_id", "client_secret"];

// Tokens travel in an Authorization header and credentials in a form: a stray character
// would make every request fail, so it is named before any request (without the secret).
function checkSendable(credentials: Record<string, unknown>, fileName: string): void {
  for (const field of CREDENTIAL_FIELDS) {
    const value = credentials[field];
    if (typeof value !== "string") continue;
    const problem = unsendable(value);
    if (problem) {
      throw configError(
        `${fileName}: credentials.${field} has ${problem}, which cannot be sent in an HTTP ` +
          "header. Paste the value again, without spaces, line breaks or characters added by a " +
          "word processor.",
      );
    }
  }
}

/**
 * What in a credential cannot go into an HTTP header, if anything: a control
 * character, a space or a non-ASCII character, with its position.
 *
 * @example
 * ```ts
 * unsendable("AQV\u2026"); // "a non-ASCII character (U+2026) at position 4"
 * unsendable("AQV123"); // undefined
 * ```
 */
export function unsendable(value: string): string | undefined {
  const index = value.search(/[^\x21-\x7e]/);
  if (index < 0) return undefined;
  const code = value.codePointAt(index)!;
  const hex = code.toString(16).toUpperCase().padStart(4, "0");
  const what = code === 0x20
    ? "a space"
    : code < 0x20 || code === 0x7f
    ? `a control character (U+${hex})`
    : `a non-ASCII character (U+${hex})`;
  return `${what} at position ${index + 1}`;
}

function orgIdValues(raw: unknown): [string, unknown][] {
  if (!isJsonObject(raw)) return [];
  const ids: [string, unknown][] = [["org_id", raw.org_id]];
  if (Array.isArray(raw.org_ids)) raw.org_ids.forEach((id, i) => ids.push([`org_ids[${i}]`, id]));
  return ids;
}

function toConfig(value: Record<string, unknown>, fileName: string): Config {
  const get = <T>(key: string) => (value[key] ?? defaultOf(key)) as T;
  const credentials = value.credentials as Record<string, string>;
  const orgIds = value.org_id
    ? [value.org_id as string]
    : (value.org_ids as string[] | undefined)?.length
    ? [...new Set(value.org_ids as string[])]
    : undefined;
  return {
    credentials: credentials.auth_method === "oAuth2.0"
      ? {
        kind: "oauth",
        clientId: credentials.client_id,
        clientSecret: credentials.client_secret,
        refreshToken: credentials.refresh_token,
      }
      : { kind: "access_token", accessToken: credentials.access_token },
    organizationIds: orgIds,
    startDate: value.start_date ? parseStartDate(value.start_date as string, fileName) : undefined,
    granularity: get<Granularity>("time_granularity_type"),
    lookbackDays: get<number>("lookback_days"),
    linkedinVersion: value.linkedin_version as string | undefined,
    maxConcurrentRequests: get<number>("max_concurrent_requests"),
    apiTier: value.api_tier as ApiTier | undefined,
    apiBaseUrl: get<string>("api_base_url").replace(/\/+$/, ""),
    oauthBaseUrl: get<string>("oauth_base_url").replace(/\/+$/, ""),
    requestTimeoutMs: get<number>("request_timeout_seconds") * 1000,
    backoffScale: get<number>("backoff_scale"),
  };
}

function defaultOf(key: string): unknown {
  return (schema.properties as Record<string, { default?: unknown }>)[key]?.default;
}

function parseStartDate(text: string, fileName: string): number {
  const ms = Date.parse(text.length === 10 ? `${text}T00:00:00Z` : text);
  if (Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 10) !== text.slice(0, 10)) {
    throw configError(`${fileName}: start_date "${text}" is not a real calendar date.`);
  }
  return ms;
}

function describeErrors(errors: ValidationError[], config: Record<string, unknown>): string {
  const credentials = config.credentials;
  if (isJsonObject(credentials) && !authMethods.includes(credentials.auth_method as string)) {
    // Long values are not echoed: a pasted token may sit in the wrong field.
    const value = credentials.auth_method;
    const given = value === undefined
      ? "it is missing"
      : typeof value === "string" && value.length <= 20
      ? `got ${JSON.stringify(value)}`
      : "got another value";
    return `credentials.auth_method must be one of ${authMethods.map((m) => `"${m}"`).join(", ")}` +
      ` (${given}).`;
  }
  // Of the oneOf branches, only the one selected by auth_method explains the problem.
  const selected = isJsonObject(credentials)
    ? authMethods.indexOf(credentials.auth_method as string)
    : -1;
  const relevant = errors.filter((error) => {
    const branch = /\/oneOf\/(\d+)\//.exec(error.schemaPath);
    if (error.keyword === "oneOf") return false;
    return !branch || Number(branch[1]) === selected;
  });
  const messages = [...new Set(relevant.map(describeError))];
  return messages.slice(0, 3).join("; ") + ".";
}

function describeError(error: ValidationError): string {
  const path = error.instancePath.slice(1).replaceAll("/", ".");
  const field = (name: string) => (path ? `${path}.${name}` : name);
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case "required":
      return `${field(params.missingProperty as string)} is required`;
    case "type":
      return `${path} must be of type ${params.type}`;
    case "pattern": {
      const descriptor = patternDescriptor(path);
      return `${path} must match ${descriptor ?? params.pattern}`;
    }
    case "enum":
      return `${path} must be one of ${(params.allowedValues as unknown[]).join(", ")}`;
    default:
      return `${path || "config"} ${error.message}`;
  }
}

function patternDescriptor(path: string): string | undefined {
  const key = path.split(".")[0];
  const property = (schema.properties as Record<string, { pattern_descriptor?: string }>)[key];
  return property?.pattern_descriptor;
}
