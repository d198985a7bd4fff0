/**
 * `LinkedIn-Version` checks: 400 VERSION_MISSING without it on `/rest`, 426 NONEXISTENT_VERSION
 * outside the active window.
 *
 * @module
 */

import { coded } from "./errors.ts";

/** The active versions, YYYYMM, inclusive, minus `skipped`. */
export interface VersionWindow {
  /** Oldest active version. */
  oldest: string;
  /** Newest active version. */
  newest: string;
  /** Months without a release. */
  skipped?: string[];
}

// LinkedIn released no 202512.
const DEFAULT_SKIPPED_VERSIONS = ["202512"];

/** YYYYMM of a (possibly out-of-range) month index of `year`. */
function yearMonth(year: number, month0: number): string {
  const d = new Date(Date.UTC(year, month0, 1));
  return `${d.getUTCFullYear()}${String(d.getUTCMonth() + 1).padStart(2, "0")}`;
}

/** 12 months before the current UTC month through it, 202512 skipped. */
export function defaultVersions(now: number): VersionWindow {
  const today = new Date(now);
  const [year, month] = [today.getUTCFullYear(), today.getUTCMonth()];
  return {
    oldest: yearMonth(year, month - 12),
    newest: yearMonth(year, month),
    skipped: DEFAULT_SKIPPED_VERSIONS,
  };
}

/** Checks the header against `window`; returns the version as YYYYMM01, as 403 messages show it. */
export function checkVersion(header: string | null, window: VersionWindow): string {
  if (header === null || header.trim() === "") {
    throw coded(
      400,
      "VERSION_MISSING",
      "A version must be present. Please specify a version by adding the LinkedIn-Version header.",
    );
  }
  const m = /^(\d{4})(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])?$/.exec(header.trim());
  if (!m) {
    const message = `Invalid LinkedIn-Version header '${header}'; expected YYYYMM or YYYYMMDD.`;
    throw coded(400, "INVALID_VERSION", message);
  }
  const version = m[1] + m[2];
  const { oldest, newest, skipped = [] } = window;
  // The gateway normalises YYYYMM to YYYYMM01, and reports future versions as inactive too.
  if (version < oldest || version > newest || skipped.includes(version)) {
    throw coded(426, "NONEXISTENT_VERSION", `Requested version ${version}01 is not active`);
  }
  return `${version}01`;
}
