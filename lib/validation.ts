/**
 * Records checked against their stream's JSON schema before they are written, by
 * validators precompiled from `schemas/` into `lib/validators/` (`deno task schemas`):
 * nothing is compiled at run time, ajv is not loaded, and a run loads only the
 * validators of the streams it reads.
 *
 * @module
 */
import { loaders } from "./validators/mod.ts";

/** One way a value breaks a schema, in the shape ajv reports it. */
export interface ValidationError {
  /** JSON pointer of the value, "" for the value itself. */
  instancePath: string;
  /** JSON pointer of the schema keyword, from "#". */
  schemaPath: string;
  keyword: string;
  params: Record<string, unknown>;
  message?: string;
}

/** A validator: true when the value matches its schema; otherwise `errors` says why. */
export interface Validator {
  (value: unknown): boolean;
  errors?: ValidationError[] | null;
}

const loaded = new Map<string, Promise<Validator>>();

/**
 * The precompiled validator of the stream `stream`'s schema, loaded on first use.
 * A stream without one is a build defect, and rejects.
 *
 * @example
 * ```ts
 * const validate = await validatorOf("total_follower_count");
 * validate({ firstDegreeSize: 1 }); // false: organizationId is required
 * ```
 */
export function validatorOf(stream: string): Promise<Validator> {
  let validator = loaded.get(stream);
  if (!validator) {
    const load = Object.hasOwn(loaders, stream) ? loaders[stream] : undefined;
    validator = load ? load() as Promise<Validator> : Promise.reject(
      new Error(
        `stream ${stream}: lib/validators/ has no validator for its schema; run deno task schemas`,
      ),
    );
    loaded.set(stream, validator);
  }
  return validator;
}

/**
 * The first error of `validate` on `row`, as "field: problem" (nested fields and
 * array indexes joined with dots, "record" for the row itself), or undefined when
 * it matches.
 *
 * @example
 * ```ts
 * const validate = await validatorOf("total_follower_count");
 * const row = { firstDegreeSize: 5, organizationId: "1", snapshotDate: "2026-03-01" };
 * violationOf(validate, row); // undefined
 * violationOf(validate, { ...row, firstDegreeSize: "many" }); // "firstDegreeSize: must be integer"
 * ```
 */
export function violationOf(validate: Validator, row: unknown): string | undefined {
  if (validate(row)) return undefined;
  const error = validate.errors?.[0];
  return error ? describe(error) : "record: is invalid";
}

function describe(error: ValidationError): string {
  const missing = (error.params as { missingProperty?: string }).missingProperty;
  const path = [
    ...error.instancePath.split("/").slice(1),
    ...(error.keyword === "required" && missing ? [missing] : []),
  ].join(".");
  const problem = error.keyword === "required" ? "is required" : error.message ?? "is invalid";
  return `${path || "record"}: ${problem}`;
}
