/**
 * The Dockerfile cannot be built here (no Docker engine), so its invariants are
 * read from the file: what the Airbyte platform needs to start the image.
 */
import assert from "node:assert/strict";
import { VERSION } from "../lib/version.ts";

const root = new URL("..", import.meta.url);
const dockerfile = Deno.readTextFileSync(new URL("Dockerfile", root));
const lines = dockerfile.split("\n").filter((line) => line.trim() && !line.trim().startsWith("#"));
const stages = dockerfile.split(/^FROM /m).slice(1);
const runtime = stages.at(-1)!;

function instruction(stage: string, name: string): string[] {
  return stage.split("\n").filter((line) => line.startsWith(`${name} `)).map((line) =>
    line.slice(name.length + 1).trim()
  );
}

Deno.test("Dockerfile is multi-stage and the runtime image has /bin/sh and glibc", () => {
  assert.ok(stages.length >= 2, "expected a build stage and a runtime stage");
  const base = runtime.split("\n")[0];
  assert.match(
    base,
    /^debian:[a-z]+-slim$/,
    "runtime base must be a Debian slim image (sh + glibc)",
  );
  assert.doesNotMatch(base, /distroless|scratch/);
});

Deno.test("AIRBYTE_ENTRYPOINT equals the exec-form ENTRYPOINT joined with spaces", () => {
  const entrypoints = instruction(runtime, "ENTRYPOINT");
  assert.equal(entrypoints.length, 1);
  const exec: string[] = JSON.parse(entrypoints[0]);
  assert.ok(exec[0].startsWith("/"), "the entrypoint must be an absolute path");
  const env = instruction(runtime, "ENV").find((value) => value.startsWith("AIRBYTE_ENTRYPOINT="));
  assert.ok(env, "ENV AIRBYTE_ENTRYPOINT is missing");
  const value = env.slice("AIRBYTE_ENTRYPOINT=".length).replace(/^"(.*)"$/, "$1");
  assert.equal(value, exec.join(" "));
  assert.doesNotMatch(
    value,
    /\s/,
    "the platform re-parses the variable with sh; keep it free of spaces",
  );
});

Deno.test("the binary is copied from the build stage to the entrypoint path, owned by uid 1000", () => {
  const exec: string[] = JSON.parse(instruction(runtime, "ENTRYPOINT")[0]);
  const copy = instruction(runtime, "COPY").find((value) => value.includes("--from="));
  assert.ok(copy);
  assert.match(copy, /--chown=1000:1000/);
  assert.ok(copy.endsWith(` ${exec[0]}`), `COPY must place the binary at ${exec[0]}`);
  const compiled = /--output (\S+)/.exec(
    JSON.parse(Deno.readTextFileSync(new URL("deno.json", root))).tasks.compile,
  )![1];
  assert.ok(copy.includes(`/${compiled} `), "COPY must take the compile task's output");
});

Deno.test("the image runs as the non-root user with uid 1000", () => {
  const users = instruction(runtime, "USER");
  assert.equal(users.at(-1), "1000");
  assert.match(runtime, /useradd[^\n]*--uid 1000/);
  assert.equal(lines.filter((line) => line.startsWith("USER ")).at(-1), "USER 1000");
});

Deno.test("io.airbyte labels name the image and match the connector version", () => {
  const labels = instruction(runtime, "LABEL").join(" ");
  assert.match(labels, /io\.airbyte\.name=airbyte\/source-linkedin-pages\b/);
  assert.match(
    labels,
    new RegExp(`io\\.airbyte\\.version=${VERSION.replaceAll(".", "\\.")}(\\s|$)`),
  );
});

Deno.test("the build stage installs the Deno version pinned in .deno-version and runs the compile task", () => {
  const build = stages[0];
  assert.match(build, /COPY \.deno-version/);
  assert.match(build, /deno@\$\(cat \.deno-version\)/);
  assert.match(build, /deno task compile/);
  const ignored = Deno.readTextFileSync(new URL(".dockerignore", root));
  for (const needed of ["main.ts", "lib/", "schemas/", "deno.json", "deno.lock", ".deno-version"]) {
    assert.match(
      ignored,
      new RegExp(`^!${needed.replaceAll(".", "\\.")}$`, "m"),
      `${needed} must reach the build`,
    );
  }
});

Deno.test("the binary is built for the platform the image is built for", () => {
  // No --target: `deno task compile` builds for the machine it runs on, so the build stage
  // (a multi-platform image, run for the `docker build --platform` asked for) makes a binary
  // of that platform, and the runtime stage of the same platform can start it.
  const compile = JSON.parse(Deno.readTextFileSync(new URL("deno.json", root))).tasks.compile;
  assert.doesNotMatch(compile, /--target/);
  for (const stage of stages) {
    const from = stage.split("\n")[0];
    assert.doesNotMatch(from, /--platform/, `${from}: a fixed platform`);
    assert.match(from, /^(node|debian):/, `${from}: an official multi-platform image`);
  }
  assert.doesNotMatch(
    lines.join("\n"),
    /x86_64|amd64|aarch64|arm64/,
    "no platform in an instruction",
  );
});
