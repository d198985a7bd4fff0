import assert from "node:assert/strict";
import { batchesOf } from "../lib/batches.ts";
import type { ParentBatches, Row } from "../lib/definitions.ts";

const FEED = {
  name: "items",
  endpoint: { scope: "r_organization_social", path: () => "/x", query: () => ({}) },
  pageSize: 3,
  sortField: "at",
  check: () => {},
} as const;

/** Batches of 2 ids per kind ("a:" or "b:"), of items at or after `since`. */
const SPEC: ParentBatches = {
  parent: FEED,
  size: 2,
  since: () => ({ start: 0 }),
  includes: (item, since) => (item.at as number) >= since,
  groupOf: (id) => /^(a|b):/.exec(id)?.[1],
  accepts: "a: and b: ids",
};

async function* pagesOf(...pages: Row[][]): AsyncGenerator<Row[]> {
  for (const page of pages) yield page;
}

const item = (id: string, at = 10) => ({ id, at });

async function collect(pages: AsyncIterable<Row[]>, since = 0) {
  const skipped: string[] = [];
  const batches = [];
  for await (const batch of batchesOf(pages, SPEC, since, (id) => skipped.push(id))) {
    batches.push(batch);
  }
  return { batches, skipped };
}

Deno.test("batches: full batches of one kind as soon as they fill, the rest at the end", async () => {
  const { batches, skipped } = await collect(pagesOf(
    [item("a:1"), item("b:1"), item("a:2")],
    [item("a:3"), item("b:2"), item("b:3")],
    [item("a:4"), item("a:5")],
  ));
  assert.deepEqual(batches, [
    { group: "a", ids: ["a:1", "a:2"] },
    { group: "b", ids: ["b:1", "b:2"] },
    { group: "a", ids: ["a:3", "a:4"] },
    { group: "b", ids: ["b:3"] },
    { group: "a", ids: ["a:5"] },
  ]);
  assert.deepEqual(skipped, []);
});

Deno.test("batches: each id once, only included items, other kinds skipped", async () => {
  const { batches, skipped } = await collect(
    pagesOf([item("a:1"), item("c:9"), item("a:1"), item("a:2", 3), item("b:1")], [item("d:1")]),
    5,
  );
  assert.deepEqual(batches, [{ group: "a", ids: ["a:1"] }, { group: "b", ids: ["b:1"] }]);
  assert.deepEqual(skipped, ["c:9", "d:1"]);
});

Deno.test("batches: no items, no batches", async () => {
  assert.deepEqual(await collect(pagesOf()), { batches: [], skipped: [] });
  assert.deepEqual(await collect(pagesOf([], [])), { batches: [], skipped: [] });
});

Deno.test("batches: a batch is handed over before the next page is read", async () => {
  const read: number[] = [];
  async function* pages() {
    for (const [index, page] of [[item("a:1"), item("a:2")], [item("a:3")]].entries()) {
      read.push(index);
      yield page;
    }
  }
  const iterator = batchesOf(pages(), SPEC, 0, () => {});
  assert.deepEqual((await iterator.next()).value, { group: "a", ids: ["a:1", "a:2"] });
  assert.deepEqual(read, [0]);
});
