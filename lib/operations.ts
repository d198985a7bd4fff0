/**
 * The commands that read the config and talk to LinkedIn: `check`, `discover`
 * and `read`. Errors they throw are reported by `runCommand` in `commands.ts`.
 *
 * @module
 */
import PQueue from "p-queue";
import { tokenSource } from "./auth.ts";
import { configuredStreams, discoveredCatalog } from "./catalog.ts";
import { LinkedInClient } from "./client.ts";
import type { Config } from "./config.ts";
import { planStreams, readStreams } from "./engine.ts";
import { asConnectorError } from "./errors.ts";
import { isJsonObject, readJsonFile } from "./files.ts";
import type { HttpOptions } from "./http.ts";
import { exitCodeOf, type Invocation, type Runtime } from "./invocation.ts";
import { resolveOrganizations } from "./organizations.ts";
import type { Output } from "./output.ts";
import { connectionStatusMessage, logMessage } from "./protocol.ts";
import { streamStates } from "./state.ts";
import { checkRequests } from "./streams.ts";

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
  runtime.output.emit({ type: "CATALOG", catalog: discoveredCatalog() });
  return 0;
}

async function loadConfig(path: string, output: Output): Promise<Config> {
  const raw = await readJsonFile(path);
  // Registered before validation, so even a message about a bad field cannot leak them.
  if (isJsonObject(raw) && isJsonObject(raw.credentials)) {
    const { access_token, refresh_token, client_secret, client_id } = raw.credentials;
    for (const secret of [access_token, refresh_token, client_secret, client_id]) {
      if (typeof secret === "string" && secret.length >= 4) output.addSecrets(secret);
    }
  }
  // Loaded on demand: the validator takes longer to load than `spec` takes to run.
  const { parseConfig } = await import("./config.ts");
  return parseConfig(raw, path);
}

function connect(config: Config, invocation: Invocation, runtime: Runtime): LinkedInClient {
  const { output, signal } = runtime;
  const queue = new PQueue({ concurrency: config.maxConcurrentRequests });
  const http: HttpOptions = {
    timeoutMs: config.requestTimeoutMs,
    backoffScale: config.backoffScale,
    signal,
    limit: (attempt, priority) => queue.add(attempt, { priority }),
    log: (level, message) => {
      if (level !== "DEBUG" || invocation.debug) output.emit(logMessage(level, message));
    },
  };
  const tokens = tokenSource(
    config.credentials,
    config.oauthBaseUrl,
    http,
    (token) => output.addSecrets(token),
  );
  return new LinkedInClient(config.apiBaseUrl, config.linkedinVersion, tokens, http);
}

/**
 * `check`: authenticates and makes one cheap call per scope for every organization.
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
  const config = await loadConfig(invocation.config!, runtime.output);
  const client = connect(config, invocation, runtime);
  const organizations = await resolveOrganizations(config.organizationIds, client);
  const results = await Promise.allSettled(
    organizations.map((id) => checkOrganization(client, id)),
  );
  const failures = results.flatMap((result, index) =>
    result.status === "rejected"
      ? [`organization ${organizations[index]}: ${asConnectorError(result.reason).message}`]
      : []
  );
  if (failures.length === 0) {
    runtime.output.emit(connectionStatusMessage(true));
    return 0;
  }
  const reachable = organizations.length - failures.length;
  const summary = `${failures.length} of ${organizations.length} organizations cannot be synced` +
    (reachable > 0 ? ` (${reachable} can)` : "");
  runtime.output.emit(connectionStatusMessage(false, `${summary}: ${failures.join(" | ")}`));
  return 0;
}

// One cheap call per scope, as the streams would send it.
async function checkOrganization(client: LinkedInClient, id: string): Promise<void> {
  for (const request of checkRequests(id)) {
    await client.get({ ...request, organizationId: id, label: "check" });
  }
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
  const config = await loadConfig(invocation.config!, output);
  const streams = configuredStreams(await readJsonFile(invocation.catalog!), invocation.catalog!);
  const stateFile = invocation.state ?? "state";
  const states = invocation.state
    ? streamStates(await readJsonFile(invocation.state, { emptyMeans: null }), stateFile)
    : new Map();
  const client = connect(config, invocation, runtime);
  const organizations = streams.length > 0
    ? await resolveOrganizations(config.organizationIds, client)
    : [];
  const plans = planStreams(streams, states, organizations, stateFile);
  output.emit(logMessage(
    "INFO",
    `Reading ${streams.length} streams for organizations ${organizations.join(", ")} ` +
      `starting with LinkedIn-Version ${client.version}.`,
  ));
  const failed = await readStreams(plans, organizations, {
    client,
    output,
    config,
    signal,
    now: Date.now,
  });
  if (signal.aborted) return exitCodeOf(signal);
  if (failed.length > 0) {
    output.emit(logMessage("ERROR", `Streams that did not complete: ${failed.join(", ")}.`));
    return 1;
  }
  return 0;
}
