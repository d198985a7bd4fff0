/**
 * Seeded, deterministic value sources for the simulated data, and random secrets.
 *
 * @module
 */

/** A seeded integer source: `(label, lo, hi)` gives an integer in `[lo, hi]`, fixed per label. */
export type Rand = (label: string, lo: number, hi: number) => number;

/** A 32-bit FNV-1a hash with a murmur3 finalizer. */
function hash32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** A seeded integer source: the same (seed, scope, label) always gives the same value. */
export function randomFor(seed: number, ...scope: Array<string | number>): Rand {
  const base = [seed, ...scope].join("|");
  return (label, lo, hi) => {
    const low = Math.floor(lo);
    return low + (hash32(`${base}|${label}`) % (Math.max(low, Math.floor(hi)) - low + 1));
  };
}

/** `rand` with every label prefixed, for an independent sub-source. */
export function prefixed(rand: Rand, prefix: string): Rand {
  return (label, lo, hi) => rand(`${prefix}|${label}`, lo, hi);
}

/** Random (not seeded) text for secrets: base64url, or characters of `alphabet`. */
export function randomText(bytes: number, alphabet?: string): string {
  const data = crypto.getRandomValues(new Uint8Array(bytes));
  if (alphabet) return Array.from(data, (b) => alphabet[b % alphabet.length]).join("");
  return btoa(String.fromCharCode(...data)).replaceAll("+", "-").replaceAll("/", "_")
    .replaceAll("=", "");
}
