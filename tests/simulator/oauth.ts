/**
 * OAuth: the access tokens the simulator issued, bearer authentication of API calls, the
 * refresh-token grant (`/oauth/v2/accessToken`) and token introspection
 * (`/oauth/v2/introspectToken`).
 *
 * @module
 */

import { ApiError, coded, oauthError } from "./errors.ts";
import { ALL_SCOPES } from "./permissions.ts";
import { randomText } from "./random.ts";
import type { Json, SimulatorOptions } from "./types.ts";

/** Access tokens live 60 days. */
export const ACCESS_TOKEN_TTL_S = 5_184_000;
/** Refresh tokens live 365 days; refreshing never extends them. */
export const REFRESH_TOKEN_TTL_S = 31_536_000;

/** What the simulator knows about an access token it issued. */
export interface TokenInfo {
  /** Granted scopes. */
  scopes: string[];
  /** Forced state; a valid token still expires at `expiresAt`. */
  state: "valid" | "expired" | "revoked";
  /** Issue time, epoch ms. */
  createdAt: number;
  /** Expiry time, epoch ms. */
  expiresAt: number;
}

/** The token options of {@link SimulatorOptions}. */
export type TokenOptions = Pick<
  SimulatorOptions,
  "scopes" | "rotateRefreshTokens" | "refreshTokenTtlSeconds"
>;

/** The OAuth client, its refresh token, and every access token issued. */
export class TokenStore {
  /** OAuth client id accepted by the token endpoint. */
  readonly clientId: string = randomText(14, "abcdefghijklmnopqrstuvwxyz0123456789");
  /** OAuth client secret accepted by the token endpoint. */
  readonly clientSecret: string = randomText(
    16,
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz",
  );
  /** The initial refresh token. */
  readonly refreshToken: string = newRefreshToken();

  private current: string = this.refreshToken;
  private readonly tokens = new Map<string, TokenInfo>();
  private readonly scopes: string[];
  private readonly refreshExpiresAt: number;
  private refreshExpired = false;

  /** A store whose refresh token expires `refreshTokenTtlSeconds` (default 365 days) after `now()`. */
  constructor(private readonly now: () => number, private readonly options: TokenOptions = {}) {
    this.scopes = options.scopes ?? ALL_SCOPES;
    const ttl = options.refreshTokenTtlSeconds ?? REFRESH_TOKEN_TTL_S;
    this.refreshExpiresAt = now() + ttl * 1000;
  }

  /**
   * Mints an access token (default: valid, the granted scopes). An expired one was created 60 days
   * ago and expires now, so introspection's times agree with its status.
   */
  issue(opts: { scopes?: string[]; state?: "valid" | "expired" | "revoked" }): string {
    const token = `AQ${randomText(360)}`;
    const state = opts.state ?? "valid";
    const ttl = ACCESS_TOKEN_TTL_S * 1000;
    const createdAt = state === "expired" ? this.now() - ttl : this.now();
    this.tokens.set(token, {
      scopes: opts.scopes ?? this.scopes,
      state,
      createdAt,
      expiresAt: createdAt + ttl,
    });
    return token;
  }

  /** The refresh token the token endpoint accepts now (the newest one, when rotating). */
  currentRefreshToken(): string {
    return this.current;
  }

  /** From now on the refresh token is rejected as invalid, expired or revoked. */
  expireRefreshToken(): void {
    this.refreshExpired = true;
  }

  /** Revokes every access token issued so far. */
  revokeAll(): void {
    for (const info of this.tokens.values()) info.state = "revoked";
  }

  /** Checks an `Authorization` header: the token's info, or the documented 401 bodies. */
  authenticate(header: string | null): TokenInfo {
    const token = /^Bearer\s+(\S+)\s*$/i.exec(header ?? "")?.[1];
    if (!token) {
      throw new ApiError(401, {
        message: "Empty oauth2_access_token",
        serviceErrorCode: 401,
        status: 401,
      });
    }
    const info = this.tokens.get(token);
    if (!info) throw coded(401, "INVALID_ACCESS_TOKEN", "Invalid access token", 65600);
    if (info.state === "revoked") {
      const message = "The token used in the request has been revoked by the user";
      throw coded(401, "REVOKED_ACCESS_TOKEN", message, 65601);
    }
    if (info.state === "expired" || this.now() >= info.expiresAt) {
      const message = "The token used in the request has expired";
      throw coded(401, "EXPIRED_ACCESS_TOKEN", message, 65602);
    }
    return info;
  }

  /** Serves the form-encoded POST of the token or the introspection endpoint. */
  async serve(req: Request, endpoint: "accessToken" | "introspectToken"): Promise<Json> {
    if (req.method !== "POST") {
      throw oauthError(405, "invalid_request", `Method ${req.method} is not supported`);
    }
    const form = new URLSearchParams(await req.text());
    const need = (name: string): string => {
      const value = form.get(name);
      if (!value) {
        throw oauthError(400, "invalid_request", `A required parameter "${name}" is missing`);
      }
      return value;
    };
    return endpoint === "accessToken" ? this.grant(need) : this.introspect(need);
  }

  /** The refresh-token grant; other grant types are unsupported. */
  private grant(need: (name: string) => string): Json {
    const grantType = need("grant_type");
    if (grantType !== "refresh_token") {
      throw oauthError(400, "unsupported_grant_type", `Unsupported grant_type "${grantType}"`);
    }
    const refreshToken = need("refresh_token");
    this.checkClient(need("client_id"), need("client_secret"));
    // Refreshing never extends the refresh token's own lifetime.
    const remaining = Math.floor((this.refreshExpiresAt - this.now()) / 1000);
    if (refreshToken !== this.current || this.refreshExpired || remaining <= 0) {
      throw oauthError(
        400,
        "invalid_request",
        "The provided authorization grant or refresh token is invalid, expired or revoked",
      );
    }
    if (this.options.rotateRefreshTokens) this.current = newRefreshToken();
    return {
      access_token: this.issue({}),
      expires_in: ACCESS_TOKEN_TTL_S,
      refresh_token: this.current,
      refresh_token_expires_in: remaining,
      scope: this.scopes.join(","),
    };
  }

  /** 401 invalid_client unless both credentials match. */
  private checkClient(clientId: string, clientSecret: string): void {
    if (clientId !== this.clientId || clientSecret !== this.clientSecret) {
      throw oauthError(401, "invalid_client", "Client authentication failed");
    }
  }

  /** Token introspection; times in epoch seconds. */
  private introspect(need: (name: string) => string): Json {
    const [clientId, clientSecret, token] = ["client_id", "client_secret", "token"].map(need);
    if (clientId !== this.clientId) throw oauthError(400, "invalid_request", "Invalid client_id");
    if (clientSecret !== this.clientSecret) {
      throw oauthError(401, "invalid_client", "Client authentication failed");
    }
    const info = this.tokens.get(token);
    if (!info) throw oauthError(400, "invalid_request", "The provided token is invalid");
    const expired = info.state === "expired" || this.now() >= info.expiresAt;
    const status = info.state === "revoked" ? "revoked" : expired ? "expired" : "active";
    const seconds = (ms: number) => Math.floor(ms / 1000);
    return {
      active: status === "active",
      client_id: this.clientId,
      authorized_at: seconds(info.createdAt),
      created_at: seconds(info.createdAt),
      status,
      expires_at: seconds(info.expiresAt),
      scope: info.scopes.join(","),
      auth_type: "3L",
    };
  }
}

/** A fresh refresh-token string. */
function newRefreshToken(): string {
  return `AQ${randomText(260)}`;
}
