/**
 * Bearer tokens for the client, and the OAuth scopes they carry: a configured access
 * token, or one obtained from LinkedIn's token endpoint with a refresh token and reused
 * for the whole run; what LinkedIn says about a token when asked (introspection).
 *
 * @module
 */
import type { Credentials } from "./config.ts";
import { isConfigError } from "./errors.ts";
import { isJsonObject } from "./files.ts";
import { type HttpOptions, send } from "./http.ts";
import { judge, oauthAnswerError } from "./outcomes.ts";
import { DAY_MS } from "./windows.ts";

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

/** What LinkedIn's token endpoint answered to a refresh, beyond the access token. */
export interface Grant {
  /** When the refresh token expires (epoch ms), from `refresh_token_expires_in`. */
  refreshTokenExpiresAt?: number;
  /** The refresh token LinkedIn returned, when it differs from the one sent. */
  newRefreshToken?: string;
}

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
  "with LinkedIn's OAuth Token Generator and update the connector's credentials. (If LinkedIn " +
  "replaced it, the connector sent the new one in a CONTROL message: use that one.)";

/**
 * Creates the token source for the configured credentials; every token it
 * obtains is passed to `onSecret` so output can redact it, and what each refresh
 * answered beyond it to `onGrant`. A refresh token LinkedIn replaces is used for the
 * refreshes that follow.
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
  onGrant: (grant: Grant) => void = () => {},
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
  let refreshToken = credentials.refreshToken;
  const mint = () => {
    const minted = refreshAccessToken({ ...credentials, refreshToken }, oauthBaseUrl, http).then(
      ({ token, grant }) => {
        onSecret(token);
        if (grant.newRefreshToken) {
          onSecret(grant.newRefreshToken);
          refreshToken = grant.newRefreshToken;
        }
        onGrant(grant);
        return token;
      },
    );
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
): Promise<{ token: string; grant: Grant }> {
  const body = await postForm(
    oauthBaseUrl,
    "accessToken",
    "the OAuth token refresh",
    {
      grant_type: "refresh_token",
      refresh_token: credentials.refreshToken,
      client_id: credentials.clientId,
      client_secret: credentials.clientSecret,
    },
    http,
    (answer) => typeof answer.access_token === "string",
    REFRESH_TOKEN_HELP,
  );
  const now = Date.now();
  const at = (seconds: unknown) =>
    typeof seconds === "number" && seconds > 0 ? now + seconds * 1000 : undefined;
  const returned = body.refresh_token;
  return {
    token: body.access_token as string,
    grant: {
      refreshTokenExpiresAt: at(body.refresh_token_expires_in),
      newRefreshToken: typeof returned === "string" && returned !== "" &&
          returned !== credentials.refreshToken
        ? returned
        : undefined,
    },
  };
}

// POSTs a form to one of LinkedIn's OAuth endpoints and returns the answer's body, when the
// table of outcomes says to use it and it has the documented fields; otherwise the table's error.
async function postForm(
  oauthBaseUrl: string,
  endpoint: "accessToken" | "introspectToken",
  what: string,
  form: Record<string, string>,
  http: HttpOptions,
  documented: (body: Record<string, unknown>) => boolean,
  refusedHelp: string,
): Promise<Record<string, unknown>> {
  const label = `${what} (POST /oauth/v2/${endpoint})`;
  const response = await send({
    url: `${oauthBaseUrl}/oauth/v2/${endpoint}`,
    init: {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams(form).toString(),
    },
    label,
  }, http);
  const body = response.body;
  if (judge(response, {}).action !== "use" || !isJsonObject(body) || !documented(body)) {
    throw oauthAnswerError(response, label, refusedHelp);
  }
  return body;
}

/** What LinkedIn says about an access token. */
export interface Introspection {
  active: boolean;
  /** "active", "expired" or "revoked". */
  status?: string;
  /** When the token expires (epoch ms). */
  expiresAt?: number;
  /** The scopes granted (3-legged tokens only). */
  scopes?: string[];
}

/**
 * Asks LinkedIn about an access token (`POST /oauth/v2/introspectToken`) with the
 * app's client id and secret.
 *
 * @example
 * ```ts
 * import type { HttpOptions } from "./http.ts";
 *
 * declare const http: HttpOptions;
 * const credentials = { kind: "oauth", clientId: "id", clientSecret: "s", refreshToken: "r" } as const;
 * const { scopes } = await introspect(credentials, "https://www.linkedin.com", "token", http);
 * ```
 */
export async function introspect(
  credentials: Extract<Credentials, { kind: "oauth" }>,
  oauthBaseUrl: string,
  token: string,
  http: HttpOptions,
): Promise<Introspection> {
  const body = await postForm(
    oauthBaseUrl,
    "introspectToken",
    "the token introspection",
    {
      client_id: credentials.clientId,
      client_secret: credentials.clientSecret,
      token,
    },
    http,
    (answer) => typeof answer.active === "boolean",
    "",
  );
  return {
    active: body.active as boolean,
    status: typeof body.status === "string" ? body.status : undefined,
    expiresAt: typeof body.expires_at === "number" ? body.expires_at * 1000 : undefined,
    scopes: typeof body.scope === "string" ? body.scope.split(/[ ,]+/).filter(Boolean) : undefined,
  };
}

/** Warn when the refresh token has fewer days left than this. */
export const REFRESH_TOKEN_WARNING_DAYS = 30;

/**
 * Whether the granted scopes cover `scope`; the read-only admin scope serves the
 * statistics as well as the read-write one.
 *
 * @example
 * ```ts
 * covers(["r_organization_admin"], "rw_organization_admin"); // true
 * ```
 */
export function covers(granted: readonly string[], scope: Scope): boolean {
  return granted.includes(scope) ||
    (scope === "rw_organization_admin" && granted.includes("r_organization_admin"));
}

/**
 * "2027-11-30 (in 364 days)": a time and how far off it is.
 *
 * @example
 * ```ts
 * whenFrom(Date.UTC(2026, 11, 11), Date.UTC(2026, 11, 1)); // "2026-12-11 (in 10 days)"
 * ```
 */
export function whenFrom(time: number, now: number): string {
  const days = Math.floor((time - now) / DAY_MS);
  const date = new Date(time).toISOString().slice(0, 10);
  return days < 0
    ? `${date} (${-days} days ago)`
    : `${date} (in ${days} ${days === 1 ? "day" : "days"})`;
}

/**
 * The warning due when the refresh token expires within 30 days, if it does.
 *
 * @example
 * ```ts
 * refreshTokenWarning(Date.UTC(2026, 11, 11), Date.UTC(2026, 11, 1));
 * // "The refresh token expires on 2026-12-11 (in 10 days): ..."
 * ```
 */
export function refreshTokenWarning(expiresAt: number, now: number): string | undefined {
  if (expiresAt - now > REFRESH_TOKEN_WARNING_DAYS * DAY_MS) return undefined;
  return `The refresh token expires on ${whenFrom(expiresAt, now)}: from then on every sync ` +
    "fails. Before that day, have the member authorize the app again (LinkedIn's OAuth Token " +
    "Generator at https://www.linkedin.com/developers/tools/oauth, or re-authenticate the " +
    "source in Airbyte) and put the new refresh token in credentials.refresh_token. Refreshing " +
    "does not extend it.";
}
