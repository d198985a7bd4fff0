/**
 * Reading Rest.li query strings: 2.0 syntax (`List(…)`, `(key:value)`) and the 1.0 dotted and
 * indexed forms, with structure split first and each leaf percent-decoded afterwards.
 *
 * @module
 */

import { badRequest, paramInvalid } from "./errors.ts";

/** A parsed Rest.li value: a string leaf, a list, or an object. */
export type RestliValue = string | RestliValue[] | { [key: string]: RestliValue };

/** Percent-decodes one leaf; a malformed escape is a 400 PARAM_INVALID for `param`. */
export function decodeLeaf(raw: string, param: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    throw paramInvalid(param);
  }
}

/** Parses a Rest.li 2.0 value: structure first (`List(`, `(`, `:`, `,`, `)`), then decodes leaves. */
function parseRestli(raw: string, param: string): RestliValue {
  let pos = 0;
  const fail = (): never => {
    throw paramInvalid(param);
  };
  const leaf = (stops: string): string => {
    const begin = pos;
    while (pos < raw.length && !stops.includes(raw[pos])) pos++;
    return decodeLeaf(raw.slice(begin, pos), param);
  };
  const closeOrComma = (): boolean => {
    const c = raw[pos++];
    if (c === ")") return true;
    return c === "," ? false : fail();
  };
  const value = (stops: string): RestliValue => {
    if (raw.startsWith("List(", pos)) {
      pos += 5;
      const items: RestliValue[] = [];
      if (raw[pos] === ")") return pos++, items;
      do items.push(value(",)")); while (!closeOrComma());
      return items;
    }
    if (raw[pos] !== "(") return leaf(stops);
    pos++;
    const fields: Record<string, RestliValue> = {};
    if (raw[pos] === ")") return pos++, fields;
    do {
      const key = leaf(":,()");
      if (key === "" || raw[pos++] !== ":") fail();
      fields[key] = value(",)");
    } while (!closeOrComma());
    return fields;
  };
  const result = value("");
  return pos === raw.length ? result : fail();
}

/** Query parameters read with both Rest.li 2.0 syntax and the 1.0 dotted and indexed forms. */
export class RestliQuery {
  // Decoded name -> raw values in order of appearance.
  private readonly params = new Map<string, string[]>();

  /** Splits `raw` (a query string without `?`) into parameters; names are percent-decoded. */
  constructor(raw: string) {
    for (const part of raw.split("&")) {
      if (part === "") continue;
      const eq = part.indexOf("=");
      const name = eq < 0 ? part : part.slice(0, eq);
      let decoded = name;
      try {
        decoded = decodeURIComponent(name);
      } catch { /* keep the raw name */ }
      const values = this.params.get(decoded) ?? [];
      values.push(eq < 0 ? "" : part.slice(eq + 1));
      this.params.set(decoded, values);
    }
  }

  /** Whether `name` is given in any form: plain, dotted (`name.x`) or indexed (`name[0]`). */
  has(name: string): boolean {
    for (const key of this.params.keys()) {
      if (key === name || key.startsWith(`${name}.`) || key.startsWith(`${name}[`)) return true;
    }
    return false;
  }

  /** The decoded value of `name` (the last one if repeated). */
  scalar(name: string): string | undefined {
    const raw = this.params.get(name)?.at(-1);
    return raw === undefined ? undefined : decodeLeaf(raw, name);
  }

  /** An object parameter: 2.0 `name=(k:v,…)` or 1.0 `name.k=v`. */
  object(name: string): Record<string, RestliValue> | undefined {
    const raw = this.params.get(name)?.at(-1);
    if (raw === undefined) return this.dotted(name);
    // Structural characters must be literal; percent-encoded ones make the value a mere string.
    if (!raw.startsWith("(")) throw paramInvalid(name);
    return parseRestli(raw, name) as Record<string, RestliValue>;
  }

  /**
   * A list of strings: 2.0 `name=List(a,b)` (items percent-encoded or raw, the `List(`, `,` and
   * `)` literal), 1.0 indexed `name[0]=a&name[1]=b` (brackets raw or encoded), or 1.0 plain
   * `name=a`, possibly repeated. Undefined when the parameter is not given at all.
   */
  list(name: string): string[] | undefined {
    const plain = this.params.get(name);
    const indexed: Array<[index: number, raw: string, key: string]> = [];
    for (const [key, values] of this.params) {
      if (!key.startsWith(`${name}[`)) continue;
      const index = /^\[(\d{1,6})\]$/.exec(key.slice(name.length))?.[1];
      if (index === undefined) throw paramInvalid(key);
      for (const raw of values) indexed.push([Number(index), raw, key]);
    }
    if (plain === undefined && indexed.length === 0) return undefined;
    const items: string[] = [];
    for (const raw of plain ?? []) {
      if (!raw.startsWith("List(")) {
        items.push(decodeLeaf(raw, name));
        continue;
      }
      const value = parseRestli(raw, name);
      if (!Array.isArray(value)) throw paramInvalid(name);
      for (const item of value) {
        if (typeof item !== "string") throw paramInvalid(name);
        items.push(item);
      }
    }
    indexed.sort((a, b) => a[0] - b[0]);
    for (const [, raw, key] of indexed) items.push(decodeLeaf(raw, key));
    return items;
  }

  /** A 1.0 dotted object (`name.a.b=v`), if any key has that prefix. */
  private dotted(name: string): Record<string, RestliValue> | undefined {
    let result: Record<string, RestliValue> | undefined;
    for (const [key, values] of this.params) {
      if (!key.startsWith(`${name}.`)) continue;
      const path = key.slice(name.length + 1).split(".");
      let node: Record<string, RestliValue> = result ??= {};
      for (const step of path.slice(0, -1)) {
        const next = node[step];
        node = node[step] = typeof next === "object" && !Array.isArray(next) ? next : {};
      }
      node[path[path.length - 1]] = decodeLeaf(values[values.length - 1], key);
    }
    return result;
  }
}

/** Checks that the request names the finder `q=<finder>`; a 400 otherwise. */
export function requireFinder(query: RestliQuery, finder: string): void {
  const q = query.scalar("q");
  if (q === undefined) throw badRequest(`Missing required query parameter 'q' (q=${finder})`);
  if (q !== finder) throw badRequest(`Unsupported finder q=${q}; expected q=${finder}`);
}
