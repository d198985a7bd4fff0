import assert from "node:assert/strict";
import { NO_LIMIT, RequestLimiter } from "../lib/limiter.ts";

/** A task that runs until released, recording when it started. */
function gate(started: string[], name: string) {
  let release!: () => void;
  const done = new Promise<void>((resolve) => (release = resolve));
  return {
    task: () => {
      started.push(name);
      return done.then(() => name);
    },
    release: () => release(),
  };
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 0));

Deno.test("limiter: never more tasks in flight than the limit", async () => {
  const limiter = new RequestLimiter(3);
  let inFlight = 0;
  let most = 0;
  const task = async () => {
    most = Math.max(most, ++inFlight);
    await tick();
    inFlight--;
  };
  await Promise.all(Array.from({ length: 20 }, () => limiter.run(task, 0)));
  assert.equal(most, 3);
  assert.equal(limiter.active, 0);
  assert.equal(limiter.waiting, 0);
});

Deno.test("limiter: waiting tasks start by priority, then in the order they came", async () => {
  const limiter = new RequestLimiter(1);
  const started: string[] = [];
  const first = gate(started, "first");
  const running = limiter.run(first.task, 0);
  const gates = [["low-1", 0], ["high-1", 2], ["mid", 1], ["high-2", 2], ["low-2", 0]] as const;
  const all = gates.map(([name, priority]) => {
    const { task, release } = gate(started, name);
    release();
    return limiter.run(task, priority);
  });
  assert.equal(limiter.waiting, 5);
  first.release();
  await Promise.all([running, ...all]);
  assert.deepEqual(started, ["first", "high-1", "high-2", "mid", "low-1", "low-2"]);
});

Deno.test("limiter: a task that throws frees its place, and its caller gets the error", async () => {
  const limiter = new RequestLimiter(1);
  await assert.rejects(limiter.run(() => Promise.reject(new Error("refused")), 0), /refused/);
  await assert.rejects(
    limiter.run(() => {
      throw new Error("thrown at once");
    }, 0),
    /thrown at once/,
  );
  assert.equal(await limiter.run(() => Promise.resolve("next"), 0), "next");
  assert.equal(limiter.active, 0);
});

Deno.test("limiter: a throttle halves the limit once per wave of requests in flight", async () => {
  const limiter = new RequestLimiter(8);
  const started: string[] = [];
  const gates = Array.from({ length: 8 }, (_, index) => gate(started, `r${index}`));
  const runs = gates.map((g) => limiter.run(g.task, 0));
  assert.equal(limiter.active, 8);
  // All eight were sent before LinkedIn throttled: their throttles are one wave.
  assert.equal(limiter.throttled(), 4);
  assert.equal(limiter.throttled(), undefined);
  assert.equal(limiter.limit, 4);
  for (const g of gates) g.release();
  await Promise.all(runs);
  // A throttle of a later wave halves it again, down to one and no further.
  assert.equal(limiter.throttled(), 2);
  await limiter.run(() => Promise.resolve(), 0);
  await limiter.run(() => Promise.resolve(), 0);
  assert.equal(limiter.throttled(), 1);
  assert.equal(limiter.throttled(), undefined);
  assert.equal(limiter.limit, 1);
});

Deno.test("limiter: the limit climbs back by one after as many answers as it allows", () => {
  const limiter = new RequestLimiter(4);
  limiter.throttled();
  assert.equal(limiter.limit, 2);
  limiter.answered();
  assert.equal(limiter.limit, 2);
  limiter.answered();
  assert.equal(limiter.limit, 3);
  for (let i = 0; i < 3; i++) limiter.answered();
  assert.equal(limiter.limit, 4);
  for (let i = 0; i < 10; i++) limiter.answered();
  assert.equal(limiter.limit, 4, "never above the configured maximum");
});

Deno.test("limiter: a raised limit starts the waiting tasks at once", async () => {
  const limiter = new RequestLimiter(2);
  const started: string[] = [];
  const gates = Array.from({ length: 3 }, (_, index) => gate(started, `r${index}`));
  const runs = gates.map((g) => limiter.run(g.task, 0));
  limiter.throttled();
  assert.equal(limiter.limit, 1);
  gates[0].release();
  await runs[0];
  assert.deepEqual(started, ["r0", "r1"], "the third waits: r1 holds the one place");
  limiter.answered();
  assert.equal(limiter.limit, 2);
  assert.deepEqual(started, ["r0", "r1", "r2"]);
  gates[1].release();
  gates[2].release();
  await Promise.all(runs);
});

Deno.test("limiter: NO_LIMIT runs every task at once and never lowers", async () => {
  let inFlight = 0;
  let most = 0;
  await Promise.all(Array.from({ length: 5 }, () =>
    NO_LIMIT.run(async () => {
      most = Math.max(most, ++inFlight);
      await tick();
      inFlight--;
    }, 0)));
  assert.equal(most, 5);
  assert.equal(NO_LIMIT.throttled(), undefined);
});

Deno.test("limiter: the last request of a wave still counts as that wave, however many finished", async () => {
  const limiter = new RequestLimiter(4);
  const started: string[] = [];
  const [a, b, c, d] = ["a", "b", "c", "d"].map((name) => gate(started, name));
  const runs = [a, b, c, d].map((g) => limiter.run(g.task, 0));
  // a is throttled: 4 → 2. Then a, b and c finish, and a request of the next wave runs.
  assert.equal(limiter.throttled(), 2);
  for (const g of [a, b, c]) g.release();
  await Promise.all(runs.slice(0, 3));
  const e = gate(started, "e");
  const later = limiter.run(e.task, 0);
  // d was in flight when the limit was lowered: its throttle is the same wave's.
  assert.equal(limiter.throttled(), undefined);
  assert.equal(limiter.limit, 2);
  d.release();
  await runs[3];
  // e started after the lowering: its throttle is a new wave.
  assert.equal(limiter.throttled(), 1);
  e.release();
  await later;
});
