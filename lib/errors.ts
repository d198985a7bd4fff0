/**
 * Errors as values with a kind, decided where the failure is understood and
 * turned into protocol messages in one place (`lib/commands.ts`).
 *
 * @module
 */

/** The Airbyte `failure_type` of an error trace. */
export type FailureKind = "config_error" | "transient_error" | "system_error";

/**
 * A failure the connector understands: a user-facing message, an optional
 * internal message for operators, and the stream it belongs to, if any.
 *
 * @example
 * ```ts
 * throw new ConnectorError("config_error", "config.json: org_id must be numeric");
 * ```
 */
export class ConnectorError extends Error {
  /** The HTTP status of LinkedIn's answer, when an answer decided the failure. */
  status?: number;

  constructor(
    readonly kind: FailureKind,
    message: string,
    readonly internalMessage?: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = "ConnectorError";
  }
}

/** Shorthand for a {@linkcode ConnectorError} the user must act on. */
export function configError(message: string, internalMessage?: string): ConnectorError {
  return new ConnectorError("config_error", message, internalMessage);
}

/** Shorthand for a {@linkcode ConnectorError} a later retry may clear. */
export function transientError(message: string, internalMessage?: string): ConnectorError {
  return new ConnectorError("transient_error", message, internalMessage);
}

/** Shorthand for a {@linkcode ConnectorError} that is a bug or an unexpected answer. */
export function systemError(message: string, internalMessage?: string): ConnectorError {
  return new ConnectorError("system_error", message, internalMessage);
}

/**
 * True for a {@linkcode ConnectorError} the user must act on: retrying cannot help.
 *
 * @example
 * ```ts
 * isConfigError(configError("bad token")); // true
 * ```
 */
export function isConfigError(error: unknown): boolean {
  return error instanceof ConnectorError && error.kind === "config_error";
}

/**
 * Turns anything thrown into a {@linkcode ConnectorError}; unknown errors become
 * `system_error` with their message, never a bare stack trace.
 *
 * @example
 * ```ts
 * asConnectorError(new TypeError("boom")).kind; // "system_error"
 * ```
 */
export function asConnectorError(error: unknown): ConnectorError {
  if (error instanceof ConnectorError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new ConnectorError("system_error", `Unexpected error: ${message}`, message, {
    cause: error,
  });
}
