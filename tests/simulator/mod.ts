/**
 * An in-process stand-in for LinkedIn's Community Management (Pages) APIs, faithful to the behaviour
 * documented in `shared/reference/linkedin-api.md` and `linkedin-beyond.md`. Used by the
 * connector's tests, demo and benchmark.
 *
 * @module
 */

export { dailyLimitReached, throttled } from "./errors.ts";
export { LinkedInSimulator } from "./server.ts";
export type {
  ApiTier,
  Fault,
  FaultAction,
  RecordedRequest,
  SimOrganization,
  SimulatorOptions,
  TaxonomyName,
  VideoMetric,
} from "./types.ts";
