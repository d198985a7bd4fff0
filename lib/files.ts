/**
 * Reading the JSON files the platform hands over (config, catalog, state).
 * Comments, trailing commas and a UTF-8 byte-order mark are accepted; `-` (or
 * `/dev/stdin`) is standard input; every failure names the file.
 *
 * @module
 */
import type { ParseError } from "jsonc-parser";
import { configError } from "./errors.ts";

/**
 * The line and column (both 1-based) of a character offset in a text.
 *
 * @example
 * ```ts
 * lineAndColumn("{\n  x", 4); // { line: 2, column: 3 }
 * ```
 */
export function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const line = before.split("\n").length;
  return { line, column: offset - before.lastIndexOf("\n") };
}

/**
 * Parses JSON with comments and trailing commas; a syntax error becomes a
 * `config_error` naming the file, line and column.
 *
 * @example
 * ```ts
 * await parseJsonc('{"a": 1, // note\n}', "config.json"); // { a: 1 }
 * ```
 */
export async function parseJsonc(text: string, fileName: string): Promise<unknown> {
  // Editors on Windows save a byte-order mark that JSON does not allow.
  if (text.startsWith("\uFEFF")) text = text.slice(1);
  if (text.trim() === "") throw configError(`${fileName} is empty; it must hold a JSON document.`);
  try {
    return JSON.parse(text);
  } catch {
    // Not plain JSON: comments, trailing commas, or an error to locate. The JSONC parser is
    // loaded only then, since loading it takes longer than a whole `discover`'s other work.
  }
  const { parse, printParseErrorCode } = await import("jsonc-parser");
  const errors: ParseError[] = [];
  const value = parse(text, errors, { allowTrailingComma: true, disallowComments: false });
  if (errors.length > 0) {
    const { error, offset } = errors[0];
    const { line, column } = lineAndColumn(text, offset);
    throw configError(
      `${fileName} is not valid JSON: ${
        printParseErrorCode(error)
      } at line ${line}, column ${column}.`,
    );
  }
  return value;
}

/**
 * Reads and parses a JSON(C) file, or standard input for `-` and `/dev/stdin`; a
 * missing or unreadable file becomes a `config_error`. With `emptyMeans`, an empty
 * file stands for that value instead of an error.
 *
 * @example
 * ```ts
 * const config = await readJsonFile("secrets/config.json");
 * const state = await readJsonFile("state.json", { emptyMeans: null });
 * ```
 */
export async function readJsonFile(
  path: string,
  options: { emptyMeans?: null } = {},
): Promise<unknown> {
  let text: string;
  try {
    // Files are read synchronously: they are small, and the first asynchronous file read costs
    // a run's start about a millisecond.
    text = path === "-" || path === "/dev/stdin"
      ? await new Response(Deno.stdin.readable).text()
      : Deno.readTextFileSync(path);
  } catch (error) {
    const reason = error instanceof Deno.errors.NotFound
      ? "does not exist"
      : error instanceof Deno.errors.PermissionDenied
      ? "cannot be read (permission denied)"
      : error instanceof Deno.errors.IsADirectory
      ? "is a directory, not a file"
      : `cannot be read (${(error as Error).message})`;
    throw configError(`File ${path} ${reason}.`);
  }
  const name = path === "-" ? "standard input" : path;
  if ("emptyMeans" in options && text.replace(/^\uFEFF/, "").trim() === "") {
    return options.emptyMeans;
  }
  return await parseJsonc(text, name);
}

/**
 * True for a JSON object (not an array, not null).
 *
 * @example
 * ```ts
 * isJsonObject({}); // true
 * isJsonObject([]); // false
 * ```
 */
export function isJsonObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
