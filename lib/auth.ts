/**
 * Bearer tokens for the client, and the OAuth scopes they carry: a configured access
 * token, or one obtained from LinkedIn's token endpoint with a refresh token and reused
 * for the whole run.
 *
 * @module
 */
import type { Credentials } from "./config.ts";
import { configError, isConfigError, systemError } from "./errors.ts";
import { type HttpOptions, linkedInMessage, send } from "./http.ts";

/** The OAuth scope an endpoint needs. */
export type Scope =
  | "rw_organization_admin"
  | "r_organization_social"
  | "r_organization_social_feed"
  | "r_basicprofile";

/**
 * Whether a scope's data also needs a role on the organization's page (the taxonomy's does not).
 *
 * @example
 * ```ts
 * NEEDS_PAGE_ROLE.r_basicprofile; // false
 * ```
 */
export const NEEDS_PAGE_ROLE: Record<Scope, boolean> = {
  rw_organization_admin: true,
  r_organization_social: true,
  r_organization_social_feed: true,
  r_basicprofile: false,
};

/** Gives the client a bearer token and, where possible, a fresh one on demand. */
export interface TokenSource {
  /** True when a rejected token can be replaced (OAuth). */
  readonly refreshable: boolean;
  token(): Promise<string>;
  /** A new token, unless `stale` was already replaced; then the current one. */
  refresh(stale: string): Promise<string>;
  /** What to tell the user when LinkedIn rejects the token anyway. */
  rejectedMessage(linkedInSays: string): string;
}

const ACCESS_TOKEN_HELP =
  "Access tokens last 60 days: create a new one with LinkedIn's OAuth Token Generator " +
  "(https://www.linkedin.com/developers/tools/oauth) with the scopes r_organization_social and " +
  "rw_organization_admin, or switch to the OAuth2.0 method so the connector refreshes tokens itself.";
const REFRESH_TOKEN_HELP =
  "The refresh token is invalid, expired or revoked and must be re-created: refresh tokens last " +
  "365 days from the member's consent and refreshing does not extend them. Generate a new one " +
  "with LinkedIn's OAuth Token Generator and update the connector's credentials.";

/**
 * Creates the token source for the configured credentials; every token it
 * obtains is passed to `onSecret` so output can redact it.
 *
 * @example
 * ```ts
 * import type { HttpOptions } from "./http.ts";
 *
 * declare const http: HttpOptions;
 * const tokens = tokenSource({ kind: "access_token", accessToken: "t" }, "", http, () => {});
 * await tokens.token(); // "t"
 * ```
 */
export function tokenSource(
  credentials: Credentials,
  oauthBaseUrl: string,
  http: HttpOptions,
  onSecret: (secret: string) => void,
): TokenSource {
  if (credentials.kind === "access_token") {
    return {
      refreshable: false,
      token: () => Promise.resolve(credentials.accessToken),
      refresh: () => Promise.resolve(credentials.accessToken),
      rejectedMessage: (says) =>
        `LinkedIn rejected the access token ("${says}"): it is invalid, expired or revoked. ${ACCESS_TOKEN_HELP}`,
    };
  }
  let current: Promise<string> | undefined;
  const mint = () => {
    const minted = refreshAccessToken(credentials, oauthBaseUrl, http).then((token) => {
      onSecret(token);
      return token;
    });
    // A refused grant stays refused for the whole run; anything else may be tried again.
    minted.catch((error) => {
      if (!isConfigError(error) && current === minted) current = undefined;
    });
    return minted;
  };
  return {
    refreshable: true,
    token: () => (current ??= mint()),
    refresh: async (stale) => {
      // Re-check after each wait: a concurrent caller may have started a new mint meanwhile.
      for (let pending = current; pending; pending = current === pending ? undefined : current) {
        const latest = await pending;
        if (latest !== stale) return latest;
      }
      return await (current = mint());
    },
    rejectedMessage: (says) =>
      `LinkedIn rejected a freshly refreshed access token ("${says}"). ${REFRESH_TOKEN_HELP}`,
  };
}

async function refreshAccessToken(
  credentials: Extract<Credentials, { kind: "oauth" }>,
  oauthBaseUrl: string,
  http: HttpOptions,
): Promise<string> {
  const form = new URLSearchParams({
    grant_type: "refresh_token",
    refresh_token: credentials.refreshToken,
    client_id: credentials.clientId,
    client_secret: credentials.clientSecret,
  });
  const label = "the OAuth token refresh (POST /oauth/v2/accessToken)";
  const response = await send({
    url: `${oauthBaseUrl}/oauth/v2/accessToken`,
    init: {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: form.toString(),
    },
    label,
  }, http);
  const body = response.body as Record<string, unknown> | undefined;
  if (response.status === 200 && typeof body?.access_token === "string") return body.access_token;
  const says = linkedInMessage(body) ?? `HTTP ${response.status}`;
  const code = typeof body?.error === "string" ? body.error : undefined;
  if (code === "invalid_client" || response.status === 401) {
    throw configError(
      `LinkedIn rejected the client_id or client_secret during ${label} ("${says}"). ` +
        "Copy both again from your app's Auth tab at https://www.linkedin.com/developers/apps.",
    );
  }
  if (response.status === 400) {
    throw configError(`LinkedIn refused ${label} ("${says}"). ${REFRESH_TOKEN_HELP}`);
  }
  throw systemError(`Unexpected answer to ${label}: HTTP ${response.status} ("${says}").`);
}
