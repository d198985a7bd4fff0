/**
 * Assertions about {@linkcode ConnectorError}s, shared by the unit tests: that a call fails
 * with one, of a given kind, whose message mentions what the user needs to read.
 *
 * @module
 */
import assert from "node:assert/strict";
import { ConnectorError, type FailureKind } from "../lib/errors.ts";

/** What a call did: threw (or rejected with) `error`, or returned (or resolved to) `value`. */
type Outcome = { error: unknown } | { value: unknown };

function checkOutcome(
  outcome: Outcome,
  kind: FailureKind | undefined,
  mentions: string[],
): ConnectorError {
  if (!("error" in outcome)) {
    assert.fail(`expected a ConnectorError, but it returned ${Deno.inspect(outcome.value)}`);
  }
  const thrown = outcome.error;
  assert.ok(thrown instanceof ConnectorError, `expected a ConnectorError, got ${thrown}`);
  if (kind !== undefined) assert.equal(thrown.kind, kind);
  for (const part of mentions) {
    assert.ok(thrown.message.includes(part), `"${thrown.message}" does not mention "${part}"`);
  }
  return thrown;
}

/**
 * Asserts that `fn` throws a {@linkcode ConnectorError}, of `kind` unless that is undefined,
 * whose message includes every one of `mentions`; returns the error for further checks.
 *
 * @example
 * ```ts
 * assertConnectorError(() => parseConfig({}, "config.json"), "config_error", "credentials");
 * ```
 */
export function assertConnectorError(
  fn: () => unknown,
  kind?: FailureKind,
  ...mentions: string[]
): ConnectorError {
  let outcome: Outcome;
  try {
    outcome = { value: fn() };
  } catch (error) {
    outcome = { error };
  }
  return checkOutcome(outcome, kind, mentions);
}

/**
 * {@linkcode assertConnectorError} for what may fail asynchronously: awaits `promise`, or
 * `fn()` (which may also throw synchronously).
 *
 * @example
 * ```ts
 * await assertConnectorErrorAsync(tokens.token(), "config_error", "client_id");
 * await assertConnectorErrorAsync(() => readJsonFile(path), "config_error", path);
 * ```
 */
export async function assertConnectorErrorAsync(
  action: Promise<unknown> | (() => unknown),
  kind?: FailureKind,
  ...mentions: string[]
): Promise<ConnectorError> {
  let outcome: Outcome;
  try {
    outcome = { value: await (typeof action === "function" ? action() : action) };
  } catch (error) {
    outcome = { error };
  }
  return checkOutcome(outcome, kind, mentions);
}
