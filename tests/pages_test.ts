import assert from "node:assert/strict";
import { PageQueue } from "../lib/pages.ts";

const never = new AbortController().signal;

/** Every page of a queue, read to its end. */
async function readAll<T>(queue: AsyncIterable<T[]>): Promise<T[][]> {
  const pages: T[][] = [];
  for await (const page of queue) pages.push(page);
  return pages;
}

Deno.test("pages: pages are read in order, also those put before the end", async () => {
  const queue = new PageQueue<number>();
  queue.put([1, 2]);
  queue.put([3]);
  queue.end();
  queue.put([4]); // after the end: ignored
  assert.deepEqual(await readAll(queue), [[1, 2], [3]]);
  assert.equal(queue.ended, true);
});

Deno.test("pages: the reader waits for pages and throws the producer's error last", async () => {
  const queue = new PageQueue<string>();
  const read = readAll(queue);
  queue.put(["a"]);
  await Promise.resolve();
  queue.put(["b"]);
  queue.end(new Error("LinkedIn failed"));
  await assert.rejects(read, /LinkedIn failed/);
  const seen: string[][] = [];
  const again = new PageQueue<string>();
  again.put(["x"]);
  again.end(new Error("late"));
  await assert.rejects(async () => {
    for await (const page of again) seen.push(page);
  }, /late/);
  assert.deepEqual(seen, [["x"]]);
});

Deno.test("pages: the producer waits for room until the reader takes a page", async () => {
  let reads = 0;
  const queue = new PageQueue<number>(() => reads++);
  queue.put([1]);
  queue.put([2]);
  let roomy = false;
  const room = queue.room(2, never).then(() => (roomy = true));
  await new Promise((resolve) => setTimeout(resolve, 5));
  assert.equal(roomy, false, "two pages wait: no room");
  const iterator = queue[Symbol.asyncIterator]();
  assert.deepEqual((await iterator.next()).value, [1]);
  await room;
  assert.equal(roomy, true);
  assert.equal(queue.backlog, 1);
  assert.equal(reads, 1);
});

Deno.test("pages: cancel drops unread pages, ends the queue and frees the producer", async () => {
  const queue = new PageQueue<number>();
  queue.put([1]);
  const room = queue.room(1, never);
  queue.cancel();
  await room;
  assert.deepEqual(await readAll(queue), []);
  assert.equal(queue.backlog, 0);
});
