/**
 * LinkedIn's documented error answers, thrown as {@link ApiError} by the route handlers.
 *
 * @module
 */

import type { Json } from "./types.ts";

/** An HTTP error answer with its JSON body. */
export class ApiError extends Error {
  /** `status` is the HTTP status; `body` the JSON body sent with it. */
  constructor(readonly status: number, readonly body: Json) {
    super(String(body.message ?? body.error_description ?? status));
  }
}

/** A plain 400: `{status: 400, message}`. */
export function badRequest(message: string): ApiError {
  return new ApiError(400, { status: 400, message });
}

/** The 400 LinkedIn answers for a parameter of the wrong type or bad Rest.li syntax. */
export function paramInvalid(param: string): ApiError {
  return new ApiError(400, {
    errorDetailType: "com.linkedin.common.error.BadRequest",
    message: "Invalid param. Please see errorDetails for more information.",
    errorDetails: {
      inputErrors: [{
        description: "Invalid value for param; wrong type or other syntax error",
        input: { inputPath: { fieldPath: param } },
        code: "PARAM_INVALID",
      }],
    },
    status: 400,
  });
}

/** The newer gateway error shape: `{status, serviceErrorCode?, code, message}`. */
export function coded(
  status: number,
  code: string,
  message: string,
  serviceErrorCode?: number,
): ApiError {
  return new ApiError(status, { status, serviceErrorCode, code, message });
}

/** 404 RESOURCE_NOT_FOUND, for unknown paths and entities. */
export function notFound(): ApiError {
  return coded(404, "RESOURCE_NOT_FOUND", "No virtual resource found");
}

/**
 * 403 ACCESS_DENIED naming LinkedIn's internal resource, the Rest.li method and the version, e.g.
 * `….GET.20260101` or `….BATCH_GET.20260101`.
 */
export function accessDenied(
  internalName: string,
  versionTag: string,
  method = "GET",
): ApiError {
  const message = `Not enough permissions to access: ${internalName}.${method}.${versionTag}`;
  return coded(403, "ACCESS_DENIED", message, 100);
}

/**
 * The documented generic 429, `{serviceErrorCode: 101, message, status: 429}`: what LinkedIn's
 * short-term "infrastructure protection" throttle answers (it clears by itself). No Retry-After.
 */
export function throttled(): ApiError {
  return new ApiError(429, {
    serviceErrorCode: 101,
    message: "Resource level throttle limit for calls to this resource is reached.",
    status: 429,
  });
}

/**
 * The 429 LinkedIn was observed to answer once a daily quota is used up (until 00:00 UTC):
 * `code: "TOO_MANY_REQUESTS"` and a message naming the `APPLICATION_AND_MEMBER DAY limit`.
 * No Retry-After.
 */
export function dailyLimitReached(): ApiError {
  return new ApiError(429, {
    status: 429,
    serviceErrorCode: 101,
    code: "TOO_MANY_REQUESTS",
    message:
      "Resource level throttle APPLICATION_AND_MEMBER DAY limit for calls to this resource is reached.",
  });
}

/** An OAuth endpoint error: `{error, error_description}`. */
export function oauthError(status: number, error: string, description: string): ApiError {
  return new ApiError(status, { error, error_description: description });
}
