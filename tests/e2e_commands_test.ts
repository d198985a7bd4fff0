/**
 * End-to-end tests of `spec`, `check`, `discover` and the command line: `main.ts` runs as a
 * subprocess with the compiled binary's permissions (see `harness.ts`), against the simulator.
 *
 * @module
 */
import assert from "node:assert/strict";
import { VERSION } from "../lib/version.ts";
import {
  ANALYST_ORG,
  configFor,
  oauthConfigFor,
  onlyMessage,
  ORG,
  OTHER_ORG,
  runConnector,
  STREAM_NAMES,
  TIME_BOUND_STREAMS,
  withSimulator,
} from "./harness.ts";

const INCREMENTAL = [
  "ugc_posts",
  "post_statistics",
  "post_social_metadata",
  "video_analytics",
  ...TIME_BOUND_STREAMS,
];
const LOOKUPS = ["lookup_functions", "lookup_seniorities", "lookup_industries"];
const SECRET_FIELDS = ["client_id", "client_secret", "refresh_token", "access_token"];

type Json = Record<string, unknown>;

/** The only message of a run, which must be of `type`. */
/** Every node of a JSON value with its path, depth first. */
function* nodes(value: unknown, path = "$"): Generator<[string, unknown]> {
  yield [path, value];
  if (Array.isArray(value)) {
    for (const [index, item] of value.entries()) yield* nodes(item, `${path}[${index}]`);
  } else if (typeof value === "object" && value !== null) {
    for (const [key, item] of Object.entries(value)) yield* nodes(item, `${path}.${key}`);
  }
}

/** `additionalProperties` is `true` wherever it appears, and on every object with `properties`. */
function assertOpenSchemas(schema: unknown, where: string): void {
  for (const [path, node] of nodes(schema)) {
    if (typeof node !== "object" || node === null || Array.isArray(node)) continue;
    const object = node as Json;
    if ("additionalProperties" in object) {
      assert.equal(object.additionalProperties, true, `${where} ${path}.additionalProperties`);
    }
    const isSchema = typeof object.type === "string" || Array.isArray(object.type);
    if (isSchema && "properties" in object && !path.endsWith(".properties")) {
      assert.equal(object.additionalProperties, true, `${where} ${path} must allow extra fields`);
    }
  }
}

function assertNoRef(value: unknown, where: string): void {
  for (const [path, node] of nodes(value)) {
    if (typeof node === "object" && node !== null && !Array.isArray(node)) {
      assert.ok(!("$ref" in node), `${where} ${path} has a $ref`);
    }
  }
}

/** The schema a config path leads to, following `properties` and the OAuth `oneOf` branch. */
function schemaAt(connectionSpecification: Json, path: string[]): Json | undefined {
  let node: Json | undefined = connectionSpecification;
  for (const key of path) {
    const oneOf = node?.oneOf as Json[] | undefined;
    const holder: Json | undefined = oneOf ? oneOf[0] : node;
    node = (holder?.properties as Record<string, Json> | undefined)?.[key];
  }
  return node;
}

Deno.test("spec runs offline without a config and prints exactly one valid SPEC", async () => {
  const run = await runConnector(["spec"]);
  assert.equal(run.code, 0, run.stderr);
  assert.equal(run.stderr, "");
  const spec = onlyMessage(run, "SPEC").spec;
  const connection = spec.connectionSpecification;
  assert.equal(connection.type, "object");
  assert.equal(connection.$schema, "http://json-schema.org/draft-07/schema#");
  assert.ok(
    typeof spec.documentationUrl === "string" && spec.documentationUrl.startsWith("https://"),
  );
  assert.ok(connection.required.includes("credentials"));
  assert.ok(!connection.required.includes("org_id"), "org_id is optional (organizationAcls)");

  // Credentials: a oneOf of objects selected by a distinct auth_method const, OAuth first.
  const credentials = connection.properties.credentials;
  assert.equal(credentials.type, "object");
  const options: Json[] = credentials.oneOf;
  assert.equal(options.length, 2);
  const methods = options.map((option) => {
    assert.equal(option.type, "object");
    const properties = option.properties as Record<string, Json>;
    const selector = properties.auth_method;
    assert.equal(selector.type, "string");
    assert.equal(selector.default, selector.const, "a const's default equals the const");
    return selector.const;
  });
  assert.deepEqual(methods, ["oAuth2.0", "access_token"]);
  assert.deepEqual(options[0].required, ["client_id", "client_secret", "refresh_token"]);
  assert.deepEqual(options[1].required, ["access_token"]);

  // Every secret is marked, and nothing else is: not org_id, not the selector.
  const marked: string[] = [];
  for (const [path, node] of nodes(connection)) {
    if (typeof node !== "object" || node === null || !(node as Json).airbyte_secret) continue;
    assert.equal((node as Json).type, "string", `${path} is a secret but not a string`);
    assert.ok(!("const" in (node as Json)), `${path} is a const marked secret`);
    marked.push(path.split(".").at(-1)!);
  }
  assert.deepEqual(marked.sort(), [...SECRET_FIELDS].sort());
  assert.equal(connection.properties.org_id.airbyte_secret, undefined);

  assertOpenSchemas(connection, "spec");
  assertNoRef(spec, "spec");

  // advanced_auth: the OAuth button is tied to credentials.auth_method = the first option's const.
  const advanced = spec.advanced_auth;
  assert.equal(advanced.auth_flow_type, "oauth2.0");
  assert.deepEqual(advanced.predicate_key, ["credentials", "auth_method"]);
  assert.equal(advanced.predicate_value, methods[0]);
  const oauthSpec = advanced.oauth_config_specification;
  assertOpenSchemas(oauthSpec, "advanced_auth");
  const paths = [...nodes(oauthSpec)].filter(([path]) => path.endsWith(".path_in_connector_config"))
    .map(([, value]) => value as string[]);
  assert.deepEqual(
    paths.map((path) => path.join(".")).sort(),
    ["credentials.client_id", "credentials.client_secret", "credentials.refresh_token"],
  );
  for (const path of paths) {
    assert.ok(schemaAt(connection, path), `${path.join(".")} exists in the spec`);
  }
});

Deno.test("check succeeds with an access token after reading each scope once", async () => {
  await withSimulator(async (sim, workspace) => {
    const config = workspace.file("config.json", configFor(sim));
    const run = await runConnector(["check", "--config", config]);
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(onlyMessage(run, "CONNECTION_STATUS").connectionStatus, {
      status: "SUCCEEDED",
    });
    // One cheap call per scope: the organization (admin) and one post (social).
    assert.equal(sim.count("organizations"), 1);
    assert.equal(sim.count("posts"), 1);
    assert.equal(sim.count(), 2);
    for (const request of sim.requests) {
      assert.equal(request.status, 200);
      assert.equal(request.headers.authorization, `Bearer ${sim.accessToken}`);
    }
    assert.ok(!run.stdout.includes(sim.accessToken));
  });
});

Deno.test("check succeeds with OAuth: one token refresh, the minted token used, no secret printed", async () => {
  await withSimulator(async (sim, workspace) => {
    const config = workspace.file("config.json", oauthConfigFor(sim));
    const run = await runConnector(["check", "--config", config]);
    assert.equal(run.code, 0, run.stderr);
    const status = onlyMessage(run, "CONNECTION_STATUS").connectionStatus;
    assert.equal(status.status, "SUCCEEDED");
    // What introspection and the token answer said: both expiries and the scopes.
    assert.match(
      status.message,
      /Token: the access token expires on \d{4}-\d\d-\d\d \(in (59|60) days\); the refresh token on \d{4}-\d\d-\d\d \(in 36[45] days\)\./,
    );
    assert.match(
      status.message,
      /Granted scopes: rw_organization_admin, r_organization_social, r_organization_social_feed, r_basicprofile\./,
    );
    assert.equal(sim.count("accessToken"), 1);
    assert.equal(sim.count("introspectToken"), 1);
    const api = sim.requests.filter((r) => r.path.startsWith("/rest/"));
    assert.equal(api.length, 2);
    const bearer = api[0].headers.authorization;
    assert.match(bearer, /^Bearer \S+$/);
    assert.notEqual(bearer, `Bearer ${sim.refreshToken}`);
    for (const request of api) assert.equal(request.headers.authorization, bearer);
    for (const secret of [sim.clientSecret, sim.refreshToken, bearer.slice(7)]) {
      assert.ok(!run.stdout.includes(secret) && !run.stderr.includes(secret));
    }
  });
});

Deno.test("check fails (exit 0) naming the one configured organization that is not administered", async () => {
  await withSimulator(async (sim, workspace) => {
    const config = workspace.file(
      "config.json",
      configFor(sim, { org_id: undefined, org_ids: [ORG, ANALYST_ORG] }),
    );
    const run = await runConnector(["check", "--config", config]);
    assert.equal(run.code, 0, run.stderr);
    const status = onlyMessage(run, "CONNECTION_STATUS").connectionStatus;
    assert.equal(status.status, "FAILED");
    assert.match(status.message, new RegExp(`organization ${ANALYST_ORG}\\b`));
    assert.match(status.message, /403/);
    assert.ok(!status.message.includes(`organization ${ORG}:`), status.message);
    // The administered organization was checked too, and passed.
    assert.ok(
      sim.requests.some((r) => r.path === `/rest/organizations/${ORG}` && r.status === 200),
    );
    assert.ok(
      sim.requests.some((r) => r.path === `/rest/organizations/${ANALYST_ORG}` && r.status === 403),
    );
  });
});

Deno.test("check without organizations checks every administered one, found through organizationAcls", async () => {
  await withSimulator(async (sim, workspace) => {
    const config = workspace.file("config.json", configFor(sim, { org_id: undefined }));
    const run = await runConnector(["check", "--config", config]);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(onlyMessage(run, "CONNECTION_STATUS").connectionStatus.status, "SUCCEEDED");
    assert.equal(sim.count("organizationAcls"), 1);
    const checked = sim.requests.filter((r) => r.endpoint === "organizations").map((r) => r.path);
    assert.deepEqual(checked.sort(), [
      `/rest/organizations/${ORG}`,
      `/rest/organizations/${OTHER_ORG}`,
    ]);
    assert.ok(
      !sim.requests.some((r) => decodeURIComponent(r.path + r.query).includes(ANALYST_ORG)),
    );
  });
});

Deno.test("discover lists the sixteen streams with schemas, sync modes and keys, without any request", async () => {
  await withSimulator(async (sim, workspace) => {
    const config = workspace.file("config.json", configFor(sim));
    const run = await runConnector(["discover", "--config", config]);
    assert.equal(run.code, 0, run.stderr);
    const streams: Json[] = onlyMessage(run, "CATALOG").catalog.streams;
    assert.deepEqual(streams.map((stream) => stream.name), STREAM_NAMES);
    for (const stream of streams) {
      const name = stream.name as string;
      const schema = stream.json_schema as Json;
      const properties = schema.properties as Json;
      assert.equal(schema.type, "object", name);
      assert.ok(Object.keys(properties).length > 1, name);
      // Taxonomies belong to no organization.
      assert.equal("organizationId" in properties, !LOOKUPS.includes(name), name);
      assertOpenSchemas(schema, name);
      assertNoRef(schema, name);
      const incremental = INCREMENTAL.includes(name);
      assert.deepEqual(
        stream.supported_sync_modes,
        incremental ? ["full_refresh", "incremental"] : ["full_refresh"],
        name,
      );
      const key = stream.source_defined_primary_key as string[][];
      const expectedKey = name === "shares" || name === "ugc_posts"
        ? [["id"]]
        : name === "post_statistics" || name === "post_social_metadata"
        ? [["post"], ["snapshotDate"]]
        : name === "video_analytics"
        ? [["post"], ["date"]]
        : LOOKUPS.includes(name)
        ? [["urn"]]
        : TIME_BOUND_STREAMS.includes(name)
        ? [["organizationId"], ["timeRangeStart"]]
        : [["organizationId"]];
      assert.deepEqual(key, expectedKey, name);
      for (const [field] of key) {
        const type = (properties[field] as Json | undefined)?.type;
        assert.ok(type !== undefined, `${name}: key ${field} is in the schema`);
        assert.ok(![type].flat().some((t) => t === "object" || t === "array"), `${name}.${field}`);
      }
      if (incremental) {
        const cursor = name === "ugc_posts"
          ? "lastModifiedAt"
          : name === "post_statistics" || name === "post_social_metadata"
          ? "snapshotDate"
          : "timeRangeEnd";
        assert.equal(stream.source_defined_cursor, true, name);
        assert.deepEqual(stream.default_cursor_field, [cursor], name);
        assert.ok(cursor in properties, `${name}: cursor ${cursor} is in the schema`);
        assert.equal(stream.is_resumable, true, name);
      } else {
        assert.equal(stream.source_defined_cursor, undefined, name);
        assert.equal(stream.default_cursor_field, undefined, name);
      }
    }
    assert.equal(sim.count(), 0, "discover makes no HTTP request");
  });
});

Deno.test("a JSONC config with comments and trailing commas is accepted", async () => {
  await withSimulator(async (sim, workspace) => {
    const text = `// LinkedIn Pages, written by hand
{
  /* the token from the OAuth Token Generator */
  "credentials": {
    "auth_method": "access_token", // selector
    "access_token": ${JSON.stringify(sim.accessToken)},
  },
  "org_ids": ["${ORG}", "${OTHER_ORG}",],
  "api_base_url": ${JSON.stringify(sim.url)},
  "backoff_scale": 0.001,
}
`;
    const config = workspace.file("config.jsonc", text);
    const check = await runConnector(["check", "--config", config]);
    assert.equal(check.code, 0, check.stderr);
    assert.equal(onlyMessage(check, "CONNECTION_STATUS").connectionStatus.status, "SUCCEEDED");
    assert.deepEqual(
      sim.requests.filter((r) => r.endpoint === "organizations").map((r) => r.path).sort(),
      [`/rest/organizations/${ORG}`, `/rest/organizations/${OTHER_ORG}`],
    );
    const discover = await runConnector(["discover", "--config", config]);
    assert.equal(discover.code, 0, discover.stderr);
    assert.equal(onlyMessage(discover, "CATALOG").catalog.streams.length, 16);
  });
});

Deno.test("--help and --version print to stdout and exit 0", async () => {
  for (const args of [["--help"], ["-h"], ["read", "--help"]]) {
    const run = await runConnector(args, { validate: false });
    assert.equal(run.code, 0, `${args}: ${run.stderr}`);
    assert.match(run.stdout, /^Usage: source-linkedin-pages <command>/);
    for (const command of ["spec", "check", "discover", "read"]) {
      assert.ok(run.stdout.includes(`  ${command} `), `${args}: usage lists ${command}`);
    }
    assert.equal(run.stderr, "");
  }
  const version = await runConnector(["--version"], { validate: false });
  assert.equal(version.code, 0);
  assert.equal(version.stdout, `${VERSION}\n`);
  assert.equal(version.stderr, "");
});

Deno.test("usage errors: an unknown option, or an option without its value, in our words", async () => {
  await withSimulator(async (sim, workspace) => {
    const config = workspace.file("config.json", configFor(sim));
    const help = await runConnector(["--help"], { validate: false });
    const usage = help.stdout;
    const cases: Array<[string[], string]> = [
      [["--foo"], "unknown option --foo"],
      [["check", "--config", config, "--foo"], "unknown option --foo"],
      [["read", "--config"], "--config needs a value"],
      [["read", "--config", config, "--catalog"], "--catalog needs a value"],
      [["read", "--config", "--catalog", "catalog.json"], "--config needs a value"],
      [["check", "--debug=yes", "--config", config], "--debug takes no value"],
    ];
    for (const [args, reason] of cases) {
      const run = await runConnector(args, { validate: false });
      assert.equal(run.code, 2, args.join(" "));
      assert.equal(run.stdout, "", args.join(" "));
      assert.equal(run.stderr, `source-linkedin-pages: ${reason}\n\n${usage}`, args.join(" "));
    }
    assert.equal(sim.count(), 0);
  });
});

Deno.test("usage errors: usage on stderr, non-zero exit, nothing on stdout", async () => {
  await withSimulator(async (sim, workspace) => {
    const config = workspace.file("config.json", configFor(sim));
    const cases: Array<[string[], RegExp]> = [
      [["frobnicate"], /unknown command "frobnicate"/],
      [[], /no command given/],
      [["spec", "--bogus"], /bogus/],
      [["check", "--config", config, "--org", "1"], /org/],
      [["check"], /check needs --config/],
      [["read", "--config", config], /read needs --catalog/],
      [["discover", "--config", config, "extra"], /unexpected argument "extra"/],
    ];
    for (const [args, reason] of cases) {
      const run = await runConnector(args, { validate: false });
      assert.notEqual(run.code, 0, args.join(" "));
      assert.equal(run.stdout, "", args.join(" "));
      assert.match(run.stderr, reason, args.join(" "));
      assert.match(run.stderr, /Usage: source-linkedin-pages <command>/, args.join(" "));
    }
    assert.equal(sim.count(), 0);
  });
});
