/**
 * End-to-end tests of quotas and bad answers: a daily limit stops its endpoint at once
 * (and only it), requests are counted per endpoint at the end of a read, records that
 * break their schema are never written, and a host that cannot be reached fails `check`
 * fast, naming the host.
 *
 * @module
 */
import assert from "node:assert/strict";
import {
  catalogFor,
  closedPort,
  configFor,
  errorsOf,
  lastStatus,
  logsOf,
  type Message,
  ORG,
  OTHER_ORG,
  readArgs,
  recordsOf,
  runConnector,
  statesOf,
  withSimulator,
} from "./harness.ts";
import { nextUtcMidnight } from "../lib/outcomes.ts";
import { dailyLimitReached, LinkedInSimulator, type SimulatorOptions } from "./simulator/mod.ts";

type Config = Record<string, unknown>;

/** Runs `fn` with a simulator and a function that writes an input file. */
function withSim(
  options: SimulatorOptions,
  fn: (sim: LinkedInSimulator, file: (content: unknown) => string) => Promise<void>,
): Promise<void> {
  let n = 0;
  return withSimulator(
    (sim, workspace) => fn(sim, (content) => workspace.file(`input-${n++}.json`, content)),
    options,
  );
}

function rateLimitedStatuses(messages: Message[], stream: string): Message[] {
  return messages.filter((m) =>
    m.type === "TRACE" && m.trace.type === "STREAM_STATUS" &&
    m.trace.stream_status.stream_descriptor.name === stream &&
    m.trace.stream_status.reasons?.some((r: Message) => r.type === "RATE_LIMITED")
  ).map((m) => m.trace.stream_status);
}

const DAILY = dailyLimitReached().body;

Deno.test("daily limit: the endpoint stops at once, RATE_LIMITED until midnight UTC, other endpoints go on", async () => {
  await withSim({}, async (sim, file) => {
    sim.inject({ endpoint: "posts", action: { status: 429, body: DAILY } });
    const config: Config = configFor(sim, {
      org_id: undefined,
      org_ids: [ORG, OTHER_ORG],
      backoff_scale: 1, // production waits: a retry would show in the wall time and the count
    });
    const streams = ["ugc_posts", "shares", "post_statistics", "total_follower_count"];
    const run = await runConnector(readArgs(file(config), file(catalogFor(streams))));
    assert.equal(run.code, 1, run.stdout);
    // Only the requests already sent when the first 429 came back: no retry, no new page.
    const posts = sim.requests.filter((r) => r.endpoint === "posts");
    assert.ok(posts.length >= 1 && posts.length <= 2, `${posts.length} posts requests`);
    assert.ok(posts.every((r) => r.status === 429));
    assert.equal(
      logsOf(run.messages, "WARN").filter((m) => m.startsWith("Caught retryable")).length,
      0,
    );

    const reset = nextUtcMidnight(Date.now());
    const feedStreams = ["ugc_posts", "shares", "post_statistics"];
    for (const stream of feedStreams) {
      const limited = rateLimitedStatuses(run.messages, stream);
      assert.equal(limited.length, 1, stream);
      assert.equal(limited[0].status, "RUNNING");
      assert.equal(limited[0].reasons[0].rate_limited.quota_reset, reset);
      assert.equal(lastStatus(run.messages, stream), "INCOMPLETE", stream);
    }
    // The three streams share one read of the posts: its failure is one error per
    // organization, naming every stream it stops.
    const errors = errorsOf(run.messages);
    assert.equal(errors.length, 2, JSON.stringify(errors));
    const during = errors.map((error) => {
      assert.ok(feedStreams.includes(error.stream_descriptor?.name), error.stream_descriptor?.name);
      assert.equal(error.failure_type, "transient_error");
      assert.match(
        error.message,
        /^Max try rate limit exceded for GET \/rest\/posts: LinkedIn's daily limit for this endpoint is used up/,
      );
      assert.ok(error.message.includes(DAILY.message as string), error.message);
      const at = new Date(reset).toISOString().slice(0, 10);
      assert.match(error.message, new RegExp(`resets at ${at} 00:00 UTC, in \\d+\\.\\d hours`));
      assert.match(error.message, /the next sync resumes from the last saved state/);
      const [, streams, organization] = /, during streams ([a-z_, ]+), organization (\d+)\)/
        .exec(error.message)!;
      return `${streams.split(", ").sort().join(",")} ${organization}`;
    });
    assert.deepEqual(
      during.sort(),
      [ORG, OTHER_ORG].sort().map((id) => `${[...feedStreams].sort().join(",")} ${id}`),
    );
    assert.deepEqual(logsOf(run.messages, "ERROR"), [
      "Streams that did not complete: ugc_posts, shares, post_statistics.",
    ]);
    // Another endpoint is not held back.
    assert.equal(lastStatus(run.messages, "total_follower_count"), "COMPLETE");
    assert.equal(recordsOf(run.messages, "total_follower_count").length, 2);
    // The request summary shows what happened, per endpoint.
    const summary = logsOf(run.messages, "INFO").filter((m) =>
      m.startsWith("LinkedIn requests to ")
    );
    assert.ok(
      summary.includes(
        `LinkedIn requests to GET /rest/posts: ${posts.length} ${
          posts.length === 1 ? "request" : "requests"
        }, 0 retried, ${posts.length} rate-limited.`,
      ),
      summary.join("\n"),
    );
    assert.ok(
      summary.includes(
        "LinkedIn requests to GET /rest/networkSizes: 2 requests, 0 retried, 0 rate-limited.",
      ),
      summary.join("\n"),
    );
  });
});

Deno.test("daily limit: the simulator's per-endpoint quota stops the second organization and keeps the first one's state", async () => {
  await withSim({ dailyLimitPerEndpoint: 1 }, async (sim, file) => {
    const config = configFor(sim, {
      org_id: undefined,
      org_ids: [ORG, OTHER_ORG],
      max_concurrent_requests: 1,
    });
    const run = await runConnector(
      readArgs(file(config), file(catalogFor(["follower_statistics_time_bound"], "incremental"))),
    );
    assert.equal(run.code, 1);
    assert.equal(sim.count("followerStatistics"), 2, "one answered, one refused, none retried");
    const [error] = errorsOf(run.messages, "follower_statistics_time_bound");
    assert.match(error.message, /organization 5515715/);
    assert.match(error.message, /daily limit for this endpoint is used up/);
    const states = statesOf(run.messages, "follower_statistics_time_bound");
    const last = states.at(-1)!.state.stream.stream_state.organizations;
    assert.ok(last[ORG], "the first organization's cursor is saved");
    assert.equal(last[OTHER_ORG], undefined);
    assert.equal(rateLimitedStatuses(run.messages, "follower_statistics_time_bound").length, 1);
  });
});

Deno.test("short-term throttle: the simulator's burst limit is retried until it clears", async () => {
  await withSim({ burstLimit: { calls: 2, perMs: 300 } }, async (sim, file) => {
    const config = configFor(sim, { backoff_scale: 0.2 });
    const streams = [
      "total_follower_count",
      "follower_statistics",
      "page_statistics",
      "share_statistics",
    ];
    const run = await runConnector(readArgs(file(config), file(catalogFor(streams))));
    assert.equal(run.code, 0, run.stdout);
    assert.ok(sim.requests.some((r) => r.status === 429), "the burst limit was hit");
    for (const stream of streams) assert.equal(lastStatus(run.messages, stream), "COMPLETE");
    const retried = logsOf(run.messages, "WARN").filter((m) => m.startsWith("Caught retryable"));
    assert.ok(retried.length >= 1);
    assert.ok(
      retried.every((m) => m.includes("Resource level throttle limit")),
      retried.join("\n"),
    );
    // The limit on requests in flight is halved for each wave of throttled requests, from the
    // default of 100, and said so.
    const lowered = logsOf(run.messages, "INFO").filter((m) =>
      m.startsWith("LinkedIn is throttling")
    );
    assert.ok(lowered.length >= 1 && lowered.length <= retried.length, lowered.join("\n"));
    assert.match(lowered[0], /^LinkedIn is throttling: at most 50 requests in flight from now on/);
  });
});

Deno.test("faults: a burst of three 500s is over after three production waits, from about 1 s", async () => {
  await withSim({}, async (sim, file) => {
    const body = { status: 500, message: "Internal Server Error" };
    sim.inject({ endpoint: "networkSizes", times: 3, action: { status: 500, body } });
    const config = configFor(sim, { backoff_scale: 1 });
    const run = await runConnector(
      readArgs(file(config), file(catalogFor(["total_follower_count"]))),
    );
    assert.equal(run.code, 0, run.stdout);
    assert.equal(sim.count("networkSizes"), 4);
    assert.equal(recordsOf(run.messages, "total_follower_count").length, 1);
    // Each wait as announced: 1, 2 and 4 s, less up to half for jitter.
    const waits = logsOf(run.messages, "WARN")
      .map((m) => /Waiting (\d+(?:\.\d+)?) seconds/.exec(m)?.[1])
      .filter((wait) => wait !== undefined).map(Number);
    assert.equal(waits.length, 3);
    [1, 2, 4].forEach((most, index) => {
      assert.ok(waits[index] >= most / 2 && waits[index] <= most, `${waits[index]} s`);
    });
    assert.ok(
      logsOf(run.messages, "INFO").includes(
        "LinkedIn requests to GET /rest/networkSizes: 4 requests, 3 retried, 0 rate-limited.",
      ),
    );
  });
});

Deno.test("bad answers: a record that breaks its schema ends the partition and is never written", async () => {
  await withSim({}, async (sim, file) => {
    sim.inject({
      endpoint: "networkSizes",
      organizationId: OTHER_ORG,
      action: { status: 200, body: { firstDegreeSize: "many" } },
    });
    const config = configFor(sim, { org_id: undefined, org_ids: [ORG, OTHER_ORG] });
    const run = await runConnector(
      readArgs(file(config), file(catalogFor(["total_follower_count"]))),
    );
    assert.equal(run.code, 1);
    const records = recordsOf(run.messages, "total_follower_count");
    assert.deepEqual(records.map((r) => r.organizationId), [ORG]);
    assert.ok(records.every((r) => Number.isInteger(r.firstDegreeSize)));
    const [error] = errorsOf(run.messages, "total_follower_count");
    assert.equal(error.failure_type, "system_error");
    assert.match(
      error.message,
      /stream total_follower_count, organization 5515715, GET \/rest\/networkSizes\/.* is not what LinkedIn documents: firstDegreeSize: must be integer/,
    );
    assert.doesNotMatch(run.stdout, /"RECORD"[^\n]*"many"/);
  });
});

Deno.test("bad answers: a feed item of the wrong type fails the streams reading it, not the others", async () => {
  await withSim({}, async (sim, file) => {
    const post = { ...sim.posts(ORG)[0], lifecycleState: 42 };
    sim.inject({
      endpoint: "posts",
      action: { status: 200, body: { paging: { start: 0, count: 1 }, elements: [post] } },
    });
    const run = await runConnector(
      readArgs(file(configFor(sim)), file(catalogFor(["ugc_posts", "total_follower_count"]))),
    );
    const [error] = errorsOf(run.messages, "ugc_posts");
    assert.ok(error, run.stdout);
    assert.match(
      error.message,
      /GET \/rest\/posts is not what LinkedIn documents: lifecycleState: must be/,
    );
    assert.equal(recordsOf(run.messages, "ugc_posts").length, 0);
    assert.equal(lastStatus(run.messages, "total_follower_count"), "COMPLETE");
  });
});

Deno.test("check: a host that refuses connections is FAILED within seconds, naming the host and the cause", async () => {
  await withSim({}, async (sim, file) => {
    const closed = closedPort();
    const config = configFor(sim, { api_base_url: closed, backoff_scale: 1 });
    const run = await runConnector(["check", "--config", file(config)]);
    assert.equal(run.code, 0, run.stderr);
    const status = run.messages.find((m) => m.type === "CONNECTION_STATUS")!.connectionStatus;
    assert.equal(status.status, "FAILED");
    assert.ok(status.message.includes(`Cannot reach ${new URL(closed).host}`), status.message);
    assert.match(status.message, /connection refused/);
    assert.doesNotMatch(status.message, /resume|temporary/);
    // Three attempts of each check request (asked together), with production waits of
    // 0.5-1 s and 1-2 s between them.
    const retried = logsOf(run.messages, "WARN").filter((m) => m.startsWith("Caught retryable"));
    const tries = retried.map((m) => Number(/after (\d) tries/.exec(m)?.[1])).sort();
    const requests = tries.length / 2;
    assert.ok(requests >= 1);
    assert.deepEqual(tries, [...Array(requests).fill(1), ...Array(requests).fill(2)]);
  });
});
