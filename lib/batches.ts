/**
 * The partitions of a per-parent stream: the ids of a parent feed's items, grouped
 * by kind and cut into batches of the stream's size, in feed order.
 *
 * @module
 */
import type { Batch, ParentBatches, Row } from "./definitions.ts";

/**
 * Batches the items of a parent feed, read back to `since`: each included id once,
 * `spec.size` ids of one group per batch, the last batch of each group at the end.
 * Ids of no group are passed to `skipped`.
 *
 * @example
 * ```ts
 * import type { BatchStream } from "./definitions.ts";
 * import { STREAMS } from "./streams.ts";
 *
 * const spec = (STREAMS.find((s) => s.name === "post_statistics") as BatchStream).partitions;
 * const posts = [{ id: "urn:li:share:1", publishedAt: 5 }, { id: "urn:li:ugcPost:2", publishedAt: 5 }];
 * async function* pages() {
 *   yield posts;
 * }
 * for await (const batch of batchesOf(pages(), spec, 0, console.warn)) console.log(batch);
 * // { group: "share", ids: ["urn:li:share:1"] }, then { group: "ugcPost", ids: ["urn:li:ugcPost:2"] }
 * ```
 */
export async function* batchesOf(
  pages: AsyncIterable<readonly Row[]>,
  spec: ParentBatches,
  since: number,
  skipped: (id: string) => void,
): AsyncGenerator<Batch> {
  const seen = new Set<string>();
  const open = new Map<string, string[]>();
  for await (const page of pages) {
    for (const item of page) {
      const id = item.id as string;
      // Offset paging can return an item twice when it is modified during the pass.
      if (seen.has(id) || !spec.includes(item, since)) continue;
      seen.add(id);
      const group = spec.groupOf(id);
      if (group === undefined) {
        skipped(id);
        continue;
      }
      const ids = open.get(group) ?? [];
      ids.push(id);
      if (ids.length < spec.size) {
        open.set(group, ids);
      } else {
        open.delete(group);
        yield { group, ids };
      }
    }
  }
  for (const [group, ids] of open) yield { group, ids };
}
