/**
 * The commands that read the config and talk to LinkedIn: `check`, `discover`
 * and `read`. Errors they throw are reported by `runCommand` in `commands.ts`.
 *
 * @module
 */
import {
  covers,
  type Grant,
  introspect,
  type Introspection,
  refreshTokenWarning,
  type Scope,
  tokenSource,
  whenFrom,
} from "./auth.ts";
import { configuredStreams, discoveredCatalog } from "./catalog.ts";
import { LinkedInClient } from "./client.ts";
import { type Config, parseConfig, secretValues, unknownFields } from "./config.ts";
import { planStreams, readStreams } from "./engine.ts";
import { asConnectorError, ConnectorError } from "./errors.ts";
import { readJsonFile } from "./files.ts";
import type { HttpOptions } from "./http.ts";
import { exitCodeOf, type Invocation, type Runtime } from "./invocation.ts";
import { RequestLimiter } from "./limiter.ts";
import { resolveOrganizations } from "./organizations.ts";
import type { Output } from "./output.ts";
import { connectionStatusMessage, controlConfigMessage, logMessage } from "./protocol.ts";
import { streamStates } from "./state.ts";
import { checkRequests, scopesOf, STREAMS } from "./streams.ts";
import { Usage } from "./usage.ts";

/**
 * `discover`: validates the config and prints the catalog, without any request.
 *
 * @example
 * ```ts
 * import type { Runtime } from "./invocation.ts";
 *
 * declare const runtime: Runtime;
 * await discover({ command: "discover", config: "config.json", debug: false }, runtime);
 * ```
 */
export async function discover(invocation: Invocation, runtime: Runtime): Promise<number> {
  await loadConfig(invocation.config!, runtime.output);
  // The schemas are loaded here only: no other command needs them.
  const { STREAM_SCHEMAS } = await import("./schemas.ts");
  runtime.output.emit({ type: "CATALOG", catalog: discoveredCatalog(STREAM_SCHEMAS) });
  return 0;
}

/** The validated config, the file's object as read (for config updates), and its warnings. */
interface Loaded {
  config: Config;
  raw: Record<string, unknown>;
  /** Fields the spec does not define, each with the closest one that it does. */
  warnings: string[];
}

async function loadConfig(path: string, output: Output): Promise<Loaded> {
  const raw = await readJsonFile(path);
  // Registered before validation, so even a message about a bad field cannot leak them.
  for (const secret of secretValues(raw)) if (secret.length >= 4) output.addSecrets(secret);
  const config = parseConfig(raw, path);
  const warnings = unknownFields(raw, path);
  for (const warning of warnings) output.emit(logMessage("WARN", warning));
  return { config, raw: raw as Record<string, unknown>, warnings };
}

/** The client of one command, with what the command learns about the token on the way. */
interface Connection {
  client: LinkedInClient;
  http: HttpOptions;
  /** What the last token refresh answered (OAuth only). */
  grant?: Grant;
}

function connect(loaded: Loaded, invocation: Invocation, runtime: Runtime): Connection {
  const { config } = loaded;
  const { output, signal } = runtime;
  const http: HttpOptions = {
    timeoutMs: config.requestTimeoutMs,
    backoffScale: config.backoffScale,
    signal,
    limit: new RequestLimiter(config.maxConcurrentRequests),
    log: (level, message) => {
      if (level !== "DEBUG" || invocation.debug) output.emit(logMessage(level, message));
    },
    usage: new Usage(),
  };
  const connection = {} as Connection;
  let warned = false;
  const onGrant = (grant: Grant) => {
    connection.grant = grant;
    const warning = grant.refreshTokenExpiresAt !== undefined &&
      refreshTokenWarning(grant.refreshTokenExpiresAt, Date.now());
    if (warning && !warned) {
      warned = true;
      output.emit(logMessage("WARN", warning));
    }
    if (grant.newRefreshToken) {
      // Airbyte stores the config a CONTROL message carries; the new token is printed
      // nowhere else (it is a registered secret from here on).
      const credentials = {
        ...(loaded.raw.credentials as object),
        refresh_token: grant.newRefreshToken,
      };
      output.emitUnredacted(controlConfigMessage({ ...loaded.raw, credentials }));
      output.emit(logMessage(
        "INFO",
        "LinkedIn returned a new refresh token; the updated config was sent to Airbyte in a " +
          "CONTROL message. Outside Airbyte, copy credentials.refresh_token from that message " +
          "into the config file.",
      ));
    }
  };
  const tokens = tokenSource(
    config.credentials,
    config.oauthBaseUrl,
    http,
    (token) => output.addSecrets(token),
    onGrant,
  );
  connection.http = http;
  connection.client = new LinkedInClient(config.apiBaseUrl, config.linkedinVersion, tokens, http);
  return connection;
}

/**
 * `check`: authenticates, asks LinkedIn about the token (OAuth), and makes one cheap
 * call per scope for every organization. It reports when the tokens expire, which
 * scopes were granted and which streams a missing scope blocks; it fails when an
 * organization cannot be synced or no stream can be read.
 *
 * @example
 * ```ts
 * import type { Runtime } from "./invocation.ts";
 *
 * declare const runtime: Runtime;
 * await check({ command: "check", config: "config.json", debug: false }, runtime);
 * ```
 */
export async function check(invocation: Invocation, runtime: Runtime): Promise<number> {
  const loaded = await loadConfig(invocation.config!, runtime.output);
  const { config } = loaded;
  const connection = connect(loaded, invocation, runtime);
  const { client } = connection;
  const organizations = await resolveOrganizations(config.organizationIds, client);
  const notes: string[] = [...loaded.warnings];
  let granted: string[] | undefined;
  if (config.credentials.kind === "oauth") {
    const token = await client.tokens.token();
    try {
      const about = await introspect(
        config.credentials,
        config.oauthBaseUrl,
        token,
        connection.http,
      );
      granted = about.scopes;
      notes.push(...tokenNotes(about, connection.grant));
    } catch (error) {
      notes.push(`LinkedIn did not say when the token expires: ${asConnectorError(error).message}`);
    }
  }
  // Scopes the token lacks: from introspection, or refused for every organization
  // while another scope was answered (otherwise the refusal is the pages' role).
  const missing = new Map<Scope, string | undefined>();
  for (const scope of new Set(STREAMS.flatMap(scopesOf))) {
    if (granted && !covers(granted, scope)) missing.set(scope, undefined);
  }
  const probes = await Promise.allSettled(
    organizations.map((id) => checkOrganization(client, id, new Set(missing.keys()))),
  );
  const answered = probes.some((probe) => probe.status === "fulfilled" && probe.value.answered);
  const refusedEverywhere = new Map<Scope, string>();
  if (answered) {
    for (const probe of probes) {
      if (probe.status !== "fulfilled") continue;
      for (const [scope, error] of probe.value.refused) {
        const everywhere = probes.every((other) =>
          other.status === "fulfilled" && other.value.refused.has(scope)
        );
        if (everywhere) refusedEverywhere.set(scope, error.message);
      }
    }
  }
  for (const [scope, message] of refusedEverywhere) missing.set(scope, message);
  // A failure of the whole connection (a refused token, say) is the same error for every
  // organization: it is told once, for all of them.
  const failingBy = new Map<string, string[]>();
  probes.forEach((probe, index) => {
    const messages = probe.status === "rejected"
      ? [asConnectorError(probe.reason).message]
      : [...probe.value.refused].filter(([scope]) => !refusedEverywhere.has(scope))
        .map(([, error]) => error.message);
    for (const message of messages) {
      failingBy.set(message, [...failingBy.get(message) ?? [], organizations[index]]);
    }
  });
  const failing = new Set([...failingBy.values()].flat());
  const failures = [...failingBy].map(([message, ids]) =>
    `${ids.length > 1 ? "organizations" : "organization"} ${ids.join(", ")}: ${message}`
  );
  const blocked = STREAMS.filter((stream) => scopesOf(stream).some((scope) => missing.has(scope)));
  const blockedNote = [...missing.keys()].map((scope) => {
    const names = STREAMS.filter((stream) => scopesOf(stream).includes(scope)).map((s) => s.name);
    return `${names.join(", ")}: need ${scope}`;
  });
  if (blockedNote.length > 0) {
    notes.unshift(
      `Streams that cannot be read with this token: ${blockedNote.join("; ")}. Grant the scope ` +
        "to the app and create a new token to read them.",
    );
  }
  for (const [scope, message] of refusedEverywhere) notes.push(`(${scope}: ${message})`);
  // The taxonomies need no scope: the check is whether any organization's data can be read.
  const readable = STREAMS.filter((s) => s.partitions !== "connection" && !blocked.includes(s));
  const succeeded = failures.length === 0 && readable.length > 0;
  if (failures.length > 0) {
    const reachable = organizations.length - failing.size;
    notes.unshift(
      `${failing.size} of ${organizations.length} ${
        organizations.length === 1 ? "organization" : "organizations"
      } cannot be synced` +
        (reachable > 0 ? ` (${reachable} can)` : "") + `: ${failures.join(" | ")}`,
    );
  } else if (!succeeded) {
    notes.unshift("No organization stream can be read with this token.");
  }
  runtime.output.emit(connectionStatusMessage(succeeded, notes.join(" ") || undefined));
  return 0;
}

// One cheap call per scope, as the streams would send it, except for scopes known to be
// missing, all at once. 403s are kept by scope for the caller to weigh; other failures throw.
async function checkOrganization(
  client: LinkedInClient,
  id: string,
  missing: ReadonlySet<Scope>,
): Promise<{ refused: Map<Scope, ConnectorError>; answered: boolean }> {
  const requests = checkRequests(id).filter((r) => !(r.scope && missing.has(r.scope)));
  // Asked together; the first failure that is not a scope's 403, in request order, is thrown.
  const outcomes = await Promise.allSettled(
    requests.map((request) => client.get({ ...request, organizationId: id, label: "check" })),
  );
  const refused = new Map<Scope, ConnectorError>();
  outcomes.forEach((outcome, index) => {
    if (outcome.status === "fulfilled") return;
    const { scope } = requests[index];
    const error = outcome.reason;
    if (!(error instanceof ConnectorError) || error.status !== 403 || !scope) throw error;
    refused.set(scope, error);
  });
  return { refused, answered: outcomes.some((outcome) => outcome.status === "fulfilled") };
}

function tokenNotes(about: Introspection, grant: Grant | undefined): string[] {
  const now = Date.now();
  const notes: string[] = [];
  if (!about.active) {
    notes.push(`LinkedIn says the access token is ${about.status ?? "not active"}.`);
  }
  const expiries = [
    about.expiresAt !== undefined
      ? `the access token expires on ${whenFrom(about.expiresAt, now)}`
      : undefined,
    grant?.refreshTokenExpiresAt !== undefined
      ? `the refresh token on ${whenFrom(grant.refreshTokenExpiresAt, now)}`
      : undefined,
  ].filter(Boolean);
  if (expiries.length > 0) notes.push(`Token: ${expiries.join("; ")}.`);
  if (about.scopes) notes.push(`Granted scopes: ${about.scopes.join(", ") || "none"}.`);
  return notes;
}

/**
 * `read`: reads the configured streams and returns the exit code.
 *
 * @example
 * ```ts
 * import type { Runtime } from "./invocation.ts";
 *
 * declare const runtime: Runtime;
 * await read({ command: "read", config: "c.json", catalog: "cat.json", debug: false }, runtime);
 * ```
 */
export async function read(invocation: Invocation, runtime: Runtime): Promise<number> {
  const { output, signal } = runtime;
  const loaded = await loadConfig(invocation.config!, output);
  const { config } = loaded;
  const streams = configuredStreams(await readJsonFile(invocation.catalog!), invocation.catalog!);
  const stateFile = invocation.state ?? "state";
  const incoming = invocation.state
    ? streamStates(
      await readJsonFile(invocation.state, { emptyMeans: null }),
      stateFile,
      streams.map((stream) => stream.definition.name),
      STREAMS.map((stream) => stream.name),
    )
    : { states: new Map(), ignored: [] };
  const states = incoming.states;
  if (incoming.ignored.length > 0) {
    output.emit(logMessage(
      "INFO",
      `${stateFile} has state for ${incoming.ignored.join(", ")}, which ` +
        `${incoming.ignored.length === 1 ? "is" : "are"} not in the catalog: not used.`,
    ));
  }
  const inFull = streams.filter((stream) => stream.readInFull).map((s) => s.definition.name);
  if (inFull.length > 0) {
    output.emit(logMessage(
      "INFO",
      `Reading ${inFull.join(", ")} in full: configured as incremental, but ` +
        `${inFull.length === 1 ? "it supports" : "they support"} only full refresh.`,
    ));
  }
  const { client, http } = connect(loaded, invocation, runtime);
  let failed: string[];
  try {
    const organizations = streams.length > 0
      ? await resolveOrganizations(config.organizationIds, client)
      : [];
    const plans = planStreams(streams, states, organizations, stateFile);
    output.emit(logMessage(
      "INFO",
      `Reading ${streams.length} ${streams.length === 1 ? "stream" : "streams"} for ` +
        `${organizations.length === 1 ? "organization" : "organizations"} ${
          organizations.join(", ")
        } ` +
        `starting with LinkedIn-Version ${client.version}.`,
    ));
    failed = await readStreams(plans, organizations, {
      client,
      output,
      config,
      signal,
      now: Date.now,
    });
  } finally {
    // Also when the read fails or is stopped: the counts matter most then.
    for (const line of http.usage.summary()) {
      output.emit(logMessage("INFO", `LinkedIn requests to ${line}`));
    }
  }
  if (signal.aborted) return exitCodeOf(signal);
  if (failed.length > 0) {
    output.emit(logMessage("ERROR", `Streams that did not complete: ${failed.join(", ")}.`));
    return 1;
  }
  return 0;
}
