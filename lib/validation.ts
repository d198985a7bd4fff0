/**
 * Records checked against their stream's JSON schema before they are written: one
 * compiled validator per stream, made on first use.
 *
 * @module
 */
import { Ajv, type ErrorObject, type ValidateFunction } from "ajv";
import addFormats from "ajv-formats";
import type { Row } from "./answers.ts";

let ajv: Ajv | undefined;
const compiled = new WeakMap<object, ValidateFunction>();

/**
 * The first way `row` breaks `schema`, as "field: problem", or undefined when it
 * matches. The validator is compiled once per schema object.
 *
 * @example
 * ```ts
 * const schema = { type: "object", properties: { firstDegreeSize: { type: "integer" } } };
 * schemaViolation(schema, { firstDegreeSize: "many" }); // "firstDegreeSize: must be integer"
 * schemaViolation(schema, { firstDegreeSize: 5 }); // undefined
 * ```
 */
export function schemaViolation(schema: Row, row: Row): string | undefined {
  let validate = compiled.get(schema);
  if (!validate) {
    ajv ??= addFormats.default(new Ajv({ strict: false, allErrors: false }), ["date", "date-time"]);
    validate = ajv.compile(schema);
    compiled.set(schema, validate);
  }
  if (validate(row)) return undefined;
  return describe(validate.errors![0]);
}

function describe(error: ErrorObject): string {
  const missing = (error.params as { missingProperty?: string }).missingProperty;
  const path = [
    ...error.instancePath.split("/").slice(1),
    ...(error.keyword === "required" && missing ? [missing] : []),
  ].join(".");
  const problem = error.keyword === "required" ? "is required" : error.message ?? "is invalid";
  return `${path || "record"}: ${problem}`;
}
