/**
 * The partitions of a per-parent stream: the ids of a parent feed's items, grouped
 * by kind and cut into batches of the stream's size, in feed order; and the records
 * of one answered batch.
 *
 * @module
 */
import { asConnectorError, systemError } from "./errors.ts";
import type { Batch, BatchStream, ParentBatches, Row, RowContext } from "./streams.ts";

/**
 * Batches the items of a parent feed, read back to `since`: each included id once,
 * `spec.size` ids of one group per batch, the last batch of each group at the end.
 * Ids of no group are passed to `skipped`.
 *
 * @example
 * ```ts
 * import { STREAMS, type BatchStream } from "./streams.ts";
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

/**
 * The records of one answered batch, in the batch's order: each requested id with the
 * element that names it, or the stream's `absent` element where the answer has none
 * (only a successful answer reaches here, so a missing element means "nothing").
 * Elements about ids that were not asked for are left out; an element that names no
 * id is a `system_error` naming `where`.
 *
 * @example
 * ```ts
 * import { STREAMS, type BatchStream } from "./streams.ts";
 *
 * const stream = STREAMS.find((s) => s.name === "post_statistics") as BatchStream;
 * const batch = { group: "share", ids: ["urn:li:share:1", "urn:li:share:2"] };
 * const answer = [{ share: "urn:li:share:2", totalShareStatistics: { impressionCount: 9 } }];
 * const context = { organizationId: "1", syncDate: "2026-12-01" };
 * rowsOfBatch(stream, answer, batch, context, "GET /rest/organizationalEntityShareStatistics")
 *   .map((row) => row.post); // ["urn:li:share:1", "urn:li:share:2"], the first with zeros
 * ```
 */
export function rowsOfBatch(
  stream: BatchStream,
  elements: readonly Row[],
  batch: Batch,
  context: RowContext,
  where: string,
): Row[] {
  const byId = new Map<string, Row>();
  for (const element of elements) {
    const id = stream.idOf(element);
    if (id === undefined) {
      throw systemError(
        `LinkedIn's answer to ${where} has an element that names none of the ` +
          `${stream.partitions.parent.name}: ${JSON.stringify(element).slice(0, 200)}`,
      );
    }
    byId.set(id, element);
  }
  try {
    return batch.ids.flatMap((id) => {
      const element = byId.get(id) ?? stream.absent?.(id, batch, context);
      return element ? [stream.toRow(element, { ...context, parentId: id })] : [];
    });
  } catch (error) {
    throw systemError(`${where}: ${asConnectorError(error).message}`);
  }
}
