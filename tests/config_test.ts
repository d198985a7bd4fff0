import assert from "node:assert/strict";
import spec from "../schemas/spec.json" with { type: "json" };
import { type Config, normalize, parseConfig, secretValues, unknownFields } from "../lib/config.ts";
import type { ConnectorError } from "../lib/errors.ts";
import { assertConnectorError } from "./assertions.ts";

// deno-lint-ignore no-explicit-any
type Json = any;

const FILE = "secrets/config.json";
const properties = spec.connectionSpecification.properties as Record<string, Json>;
const defaultOf = (key: string) => {
  assert.ok(key in properties, `spec has no property ${key}`);
  assert.ok("default" in properties[key], `spec property ${key} has no default`);
  return properties[key].default;
};

const ACCESS_TOKEN = "AQV-access-token-SECRET-1234567890";
const CLIENT_ID = "client-id-SECRET-77";
const CLIENT_SECRET = "WPL_AP1.client-secret-SECRET.Zm9v";
const REFRESH_TOKEN = "AQX-refresh-token-SECRET-abcdef";
const SECRETS = [ACCESS_TOKEN, CLIENT_ID, CLIENT_SECRET, REFRESH_TOKEN];

const accessTokenCredentials = { auth_method: "access_token", access_token: ACCESS_TOKEN };
const oauthCredentials = {
  auth_method: "oAuth2.0",
  client_id: CLIENT_ID,
  client_secret: CLIENT_SECRET,
  refresh_token: REFRESH_TOKEN,
};

/**
 * Parses a config that must fail with a config_error naming the file and `parts`, and leaking
 * no secret in its message or internal message; returns the error.
 */
function configFails(raw: unknown, ...parts: string[]): ConnectorError {
  const thrown = assertConnectorError(() => parseConfig(raw, FILE), "config_error", FILE, ...parts);
  for (const secret of SECRETS) {
    assert.ok(!thrown.message.includes(secret), `"${thrown.message}" leaks a secret`);
    assert.ok(!(thrown.internalMessage ?? "").includes(secret), "internal message leaks a secret");
  }
  return thrown;
}

/** For each spec property: a value to set and the Config it must produce. */
const FIELD_CASES: Record<
  string,
  { value: unknown; read: (c: Config) => unknown; expected: unknown }
> = {
  credentials: {
    value: oauthCredentials,
    read: (c) => c.credentials,
    expected: {
      kind: "oauth",
      clientId: CLIENT_ID,
      clientSecret: CLIENT_SECRET,
      refreshToken: REFRESH_TOKEN,
    },
  },
  org_id: { value: "2414183", read: (c) => c.organizationIds, expected: ["2414183"] },
  org_ids: { value: ["5", "6"], read: (c) => c.organizationIds, expected: ["5", "6"] },
  start_date: {
    value: "2026-03-04",
    read: (c) => c.startDate,
    expected: Date.UTC(2026, 2, 4),
  },
  time_granularity_type: { value: "MONTH", read: (c) => c.granularity, expected: "MONTH" },
  lookback_days: { value: 17, read: (c) => c.lookbackDays, expected: 17 },
  linkedin_version: { value: "202601", read: (c) => c.linkedinVersion, expected: "202601" },
  max_concurrent_requests: { value: 9, read: (c) => c.maxConcurrentRequests, expected: 9 },
  api_tier: { value: "development", read: (c) => c.apiTier, expected: "development" },
  api_base_url: {
    value: "http://127.0.0.1:8080",
    read: (c) => c.apiBaseUrl,
    expected: "http://127.0.0.1:8080",
  },
  oauth_base_url: {
    value: "http://localhost:9",
    read: (c) => c.oauthBaseUrl,
    expected: "http://localhost:9",
  },
  request_timeout_seconds: { value: 2.5, read: (c) => c.requestTimeoutMs, expected: 2500 },
  backoff_scale: { value: 0.01, read: (c) => c.backoffScale, expected: 0.01 },
};

/** How a default in the spec shows up in the Config. */
const DEFAULT_READERS: Record<string, (c: Config) => unknown> = {
  time_granularity_type: (c) => c.granularity,
  lookback_days: (c) => c.lookbackDays,
  max_concurrent_requests: (c) => c.maxConcurrentRequests,
  api_base_url: (c) => c.apiBaseUrl,
  oauth_base_url: (c) => c.oauthBaseUrl,
  request_timeout_seconds: (c) => c.requestTimeoutMs / 1000,
  backoff_scale: (c) => c.backoffScale,
};

Deno.test("config: the test covers every field of the spec", () => {
  assert.deepEqual(Object.keys(FIELD_CASES).sort(), Object.keys(properties).sort());
  const withDefaults = Object.keys(properties).filter((key) => "default" in properties[key]);
  assert.deepEqual(Object.keys(DEFAULT_READERS).sort(), withDefaults.sort());
});

Deno.test("config: a minimal config gets every default from the spec", () => {
  const config = parseConfig({ credentials: accessTokenCredentials }, FILE);
  for (const [key, read] of Object.entries(DEFAULT_READERS)) {
    assert.deepEqual(read(config), defaultOf(key), key);
  }
  assert.deepEqual(config.credentials, { kind: "access_token", accessToken: ACCESS_TOKEN });
  assert.equal(config.organizationIds, undefined);
  assert.equal(config.startDate, undefined);
  assert.equal(config.linkedinVersion, undefined);
});

Deno.test("config: every spec field is read when set", () => {
  for (const [key, { value, read, expected }] of Object.entries(FIELD_CASES)) {
    const raw: Record<string, unknown> = { credentials: accessTokenCredentials, [key]: value };
    assert.deepEqual(read(parseConfig(raw, FILE)), expected, key);
  }
  // All together.
  const raw = Object.fromEntries(
    Object.entries(FIELD_CASES).map(([key, { value }]) => [key, value]),
  );
  const config = parseConfig(raw, FILE);
  for (const [key, { read, expected }] of Object.entries(FIELD_CASES)) {
    if (key === "org_ids") continue; // org_id wins, see below.
    assert.deepEqual(read(config), expected, key);
  }
});

Deno.test("config: zero is kept, not replaced by the default", () => {
  const config = parseConfig({ credentials: accessTokenCredentials, lookback_days: 0 }, FILE);
  assert.equal(config.lookbackDays, 0);
  assert.notEqual(defaultOf("lookback_days"), 0);
});

Deno.test("config: a missing auth_method is inferred from the credentials", () => {
  const { auth_method: _a, ...legacyOauth } = oauthCredentials;
  assert.deepEqual(parseConfig({ credentials: legacyOauth }, FILE).credentials, {
    kind: "oauth",
    clientId: CLIENT_ID,
    clientSecret: CLIENT_SECRET,
    refreshToken: REFRESH_TOKEN,
  });
  assert.deepEqual(parseConfig({ credentials: { access_token: ACCESS_TOKEN } }, FILE).credentials, {
    kind: "access_token",
    accessToken: ACCESS_TOKEN,
  });
  // Neither token: nothing to infer, so the user is told which methods exist.
  configFails(
    { credentials: { client_id: CLIENT_ID } },
    "credentials.auth_method",
    "oAuth2.0",
    "access_token",
  );
});

Deno.test("config: an integer org_id (legacy) becomes a string; an empty one means all", () => {
  const config = parseConfig({ credentials: { access_token: ACCESS_TOKEN }, org_id: 12345 }, FILE);
  assert.deepEqual(config.organizationIds, ["12345"]);
  const empty = parseConfig({ credentials: accessTokenCredentials, org_id: "" }, FILE);
  assert.equal(empty.organizationIds, undefined);
  configFails({ credentials: accessTokenCredentials, org_id: 1.5 }, "org_id");
  const ids = parseConfig({ credentials: accessTokenCredentials, org_ids: [2414183, "5"] }, FILE);
  assert.deepEqual(ids.organizationIds, ["2414183", "5"]);
});

Deno.test("config: an org id number too large to be exact is named, with the fix", () => {
  // 2^53 + 1 cannot be a JavaScript number: JSON.parse already turned it into 2^53.
  const huge = JSON.parse('{"org_id": 9007199254740993}').org_id;
  const error = configFails({ credentials: accessTokenCredentials, org_id: huge }, "org_id");
  assert.equal(
    error.message,
    `${FILE}: org_id is the number 9007199254740992, too large to be read exactly (its last ` +
      'digits may already be lost); write the id as a string, in quotes, e.g. "2414183".',
  );
  configFails(
    { credentials: accessTokenCredentials, org_ids: ["1", 12345678901234567890] },
    "org_ids[1] is the number",
    "write the id as a string",
  );
  // The largest exact integer is still an id.
  const exact = parseConfig(
    { credentials: accessTokenCredentials, org_id: Number.MAX_SAFE_INTEGER },
    FILE,
  );
  assert.deepEqual(exact.organizationIds, [String(Number.MAX_SAFE_INTEGER)]);
});

Deno.test("config: normalize brings legacy shapes to the current one without mutating them", () => {
  const legacy = { credentials: { access_token: "t" }, org_id: 1 };
  const copy = structuredClone(legacy);
  assert.deepEqual(normalize(legacy), {
    credentials: { access_token: "t", auth_method: "access_token" },
    org_id: "1",
  });
  assert.deepEqual(legacy, copy);
  // An explicit auth_method is never overridden.
  const explicit = {
    credentials: { auth_method: "access_token", refresh_token: "r", access_token: "t" },
  };
  assert.deepEqual(normalize(explicit), explicit);
  // Non-objects pass through.
  for (const value of [null, [], "x", 3]) assert.deepEqual(normalize(value), value);
});

Deno.test("config: org_ids are deduplicated in order, and org_id is preferred", () => {
  const many = parseConfig({
    credentials: accessTokenCredentials,
    org_ids: ["2", "1", "2", "3", "1"],
  }, FILE);
  assert.deepEqual(many.organizationIds, ["2", "1", "3"]);
  const none = parseConfig({ credentials: accessTokenCredentials, org_ids: [] }, FILE);
  assert.equal(none.organizationIds, undefined);
  const both = parseConfig(
    { credentials: accessTokenCredentials, org_id: "9", org_ids: ["1", "2"] },
    FILE,
  );
  assert.deepEqual(both.organizationIds, ["9"]);
  const emptyOrgId = parseConfig(
    { credentials: accessTokenCredentials, org_id: "", org_ids: ["1", "2"] },
    FILE,
  );
  assert.deepEqual(emptyOrgId.organizationIds, ["1", "2"]);
});

Deno.test("config: trailing slashes are stripped from the base URLs", () => {
  const config = parseConfig({
    credentials: accessTokenCredentials,
    api_base_url: "http://127.0.0.1:8080/",
    oauth_base_url: "https://www.linkedin.com///",
  }, FILE);
  assert.equal(config.apiBaseUrl, "http://127.0.0.1:8080");
  assert.equal(config.oauthBaseUrl, "https://www.linkedin.com");
  const withPath = parseConfig({
    credentials: accessTokenCredentials,
    api_base_url: "http://h/prefix/",
  }, FILE);
  assert.equal(withPath.apiBaseUrl, "http://h/prefix");
});

Deno.test("config: start_date accepts real dates and date-times in UTC", () => {
  const cases: [string, number][] = [
    ["2026-01-01", Date.UTC(2026, 0, 1)],
    ["2024-02-29", Date.UTC(2024, 1, 29)],
    ["2026-01-01T00:00:00Z", Date.UTC(2026, 0, 1)],
    ["2026-06-15T12:30:45Z", Date.UTC(2026, 5, 15, 12, 30, 45)],
    ["2026-06-15T12:30:45.250Z", Date.UTC(2026, 5, 15, 12, 30, 45, 250)],
  ];
  for (const [text, expected] of cases) {
    const config = parseConfig({ credentials: accessTokenCredentials, start_date: text }, FILE);
    assert.equal(config.startDate, expected, text);
  }
});

Deno.test("config: a start_date that is not a real calendar date is named", () => {
  for (
    const text of [
      "2026-02-30",
      "2025-02-29",
      "2026-04-31",
      "2026-13-01",
      "2026-00-10",
      "2026-02-30T00:00:00Z",
    ]
  ) {
    configFails({ credentials: accessTokenCredentials, start_date: text }, "start_date", text);
  }
  for (
    const text of [
      "01/02/2026",
      "2026-1-1",
      "2026-01-01 00:00:00",
      "2026-01-01T00:00:00+02:00",
      " ",
    ]
  ) {
    configFails({ credentials: accessTokenCredentials, start_date: text }, "start_date");
  }
  configFails(
    { credentials: accessTokenCredentials, start_date: "2026-01-01T25:00:00Z" },
    "start_date",
  );
});

Deno.test("config: an empty optional string is a field left blank: not set, no error", () => {
  const blank = parseConfig({
    credentials: accessTokenCredentials,
    org_id: "",
    start_date: "",
    linkedin_version: "",
    time_granularity_type: "",
    api_tier: "",
    api_base_url: "",
    oauth_base_url: "",
  }, FILE);
  assert.deepEqual(blank, parseConfig({ credentials: accessTokenCredentials }, FILE));
  assert.equal(blank.startDate, undefined);
  assert.equal(blank.linkedinVersion, undefined);
  assert.equal(blank.granularity, defaultOf("time_granularity_type"));
  assert.equal(blank.apiBaseUrl, defaultOf("api_base_url"));
});

Deno.test("config: missing credentials fields are named", () => {
  configFails({}, "credentials is required");
  configFails({ org_id: "1" }, "credentials is required");
  const { refresh_token: _r, ...noRefresh } = oauthCredentials;
  configFails({ credentials: noRefresh }, "credentials.refresh_token is required");
  const { client_secret: _s, ...noSecret } = oauthCredentials;
  configFails({ credentials: noSecret }, "credentials.client_secret is required");
  configFails(
    { credentials: { auth_method: "access_token" } },
    "credentials.access_token is required",
  );
  // The access-token branch's complaints do not confuse an OAuth config, and vice versa.
  const oauthError = configFails({ credentials: noRefresh });
  assert.ok(!oauthError.message.includes("access_token"), oauthError.message);
  const tokenError = configFails({ credentials: { auth_method: "access_token" } });
  assert.ok(!tokenError.message.includes("refresh_token"), tokenError.message);
});

Deno.test("config: an unknown auth_method lists the known ones", () => {
  const methods = properties.credentials.oneOf.map((o: Json) => o.properties.auth_method.const);
  const error = configFails(
    { credentials: { ...oauthCredentials, auth_method: "password" } },
    "credentials.auth_method",
    '"password"',
  );
  for (const method of methods) assert.ok(error.message.includes(method), error.message);
});

Deno.test("config: bad values are rejected with the field named", () => {
  const base = { credentials: accessTokenCredentials };
  configFails({ ...base, org_id: "abc" }, "org_id", properties.org_id.pattern_descriptor);
  configFails({ ...base, org_id: "urn:li:organization:1" }, "org_id");
  configFails({ ...base, org_ids: ["1", "x"] }, "org_ids");
  configFails({ ...base, org_ids: "1" }, "org_ids");
  configFails({ ...base, time_granularity_type: "WEEK" }, "time_granularity_type", "DAY", "MONTH");
  configFails({ ...base, time_granularity_type: "day" }, "time_granularity_type");
  configFails({ ...base, lookback_days: "3" }, "lookback_days", "integer");
  configFails({ ...base, lookback_days: 1.5 }, "lookback_days");
  configFails({ ...base, lookback_days: -1 }, "lookback_days");
  configFails({ ...base, lookback_days: properties.lookback_days.maximum + 1 }, "lookback_days");
  configFails({ ...base, max_concurrent_requests: 0 }, "max_concurrent_requests");
  configFails(
    { ...base, max_concurrent_requests: properties.max_concurrent_requests.maximum + 1 },
    "max_concurrent_requests",
  );
  configFails({ ...base, linkedin_version: "2026-08" }, "linkedin_version", "YYYYMM");
  configFails({ ...base, api_base_url: "ftp://example.com" }, "api_base_url");
  configFails({ ...base, oauth_base_url: 5 }, "oauth_base_url");
  configFails({ ...base, request_timeout_seconds: 0 }, "request_timeout_seconds");
  configFails({ ...base, backoff_scale: 0 }, "backoff_scale");
  configFails({ ...base, backoff_scale: 2 }, "backoff_scale");
  configFails({ credentials: "token" }, "credentials must be of type object");
  configFails(
    { credentials: { auth_method: "access_token", access_token: 123 } },
    "credentials.access_token",
    "string",
  );
  configFails(
    { credentials: { ...oauthCredentials, client_id: 42 } },
    "credentials.client_id",
    "string",
  );
});

Deno.test("config: a config that is not an object is rejected", () => {
  for (const raw of [null, [], "config", 42]) configFails(raw, "JSON object");
});

Deno.test("config: unknown fields are accepted", () => {
  const config = parseConfig(
    { credentials: { ...accessTokenCredentials, extra: 1 }, something_new: true },
    FILE,
  );
  assert.equal(config.credentials.kind, "access_token");
});

Deno.test("config: each unknown field gets one warning naming the closest known field", () => {
  assert.deepEqual(
    unknownFields({
      credentials: { ...oauthCredentials, refresh_tokn: "x", extra: 1 },
      start_dat: "2026-01-01",
      Lookback_Days: 3,
      something_new: true,
      org_id: "1",
    }, FILE),
    [
      `${FILE}: start_dat: not a known field; did you mean start_date?`,
      `${FILE}: Lookback_Days: not a known field; did you mean lookback_days?`,
      `${FILE}: something_new: not a known field; it is ignored.`,
      `${FILE}: credentials.refresh_tokn: not a known field; did you mean credentials.refresh_token?`,
      `${FILE}: credentials.extra: not a known field; it is ignored.`,
    ],
  );
  assert.deepEqual(unknownFields({ credentials: oauthCredentials, org_id: "1" }, FILE), []);
  for (const value of [null, [], "x"]) assert.deepEqual(unknownFields(value, FILE), []);
});

Deno.test("config: secretValues are the spec's secret fields of the config", () => {
  assert.deepEqual(
    secretValues({ credentials: oauthCredentials, org_id: "1" }).sort(),
    [CLIENT_ID, CLIENT_SECRET, REFRESH_TOKEN].sort(),
  );
  assert.deepEqual(secretValues({ credentials: accessTokenCredentials }), [ACCESS_TOKEN]);
  assert.deepEqual(secretValues("x"), []);
});

Deno.test("config: no error message ever contains a secret from the config", () => {
  // Secrets everywhere a user might misplace them, next to another mistake.
  const bad: unknown[] = [
    { credentials: { ...oauthCredentials, auth_method: "oauth" } },
    { credentials: { ...oauthCredentials, refresh_token: undefined } },
    { credentials: { ...accessTokenCredentials, auth_method: "oAuth2" } },
    { credentials: { auth_method: "access_token", access_token: [ACCESS_TOKEN] } },
    { credentials: oauthCredentials, org_id: CLIENT_SECRET },
    { credentials: oauthCredentials, org_ids: [REFRESH_TOKEN] },
    { credentials: oauthCredentials, linkedin_version: ACCESS_TOKEN },
    { credentials: oauthCredentials, time_granularity_type: CLIENT_ID },
    { credentials: oauthCredentials, lookback_days: CLIENT_SECRET },
    { credentials: ACCESS_TOKEN },
  ];
  for (const raw of bad) configFails(raw);
});

Deno.test("config: api_tier is development, standard, or left out (also as an empty string)", () => {
  for (const tier of ["development", "standard"]) {
    assert.equal(
      parseConfig({ credentials: accessTokenCredentials, api_tier: tier }, FILE).apiTier,
      tier,
    );
  }
  assert.equal(parseConfig({ credentials: accessTokenCredentials }, FILE).apiTier, undefined);
  assert.equal(
    parseConfig({ credentials: accessTokenCredentials, api_tier: "" }, FILE).apiTier,
    undefined,
  );
  assertConnectorError(
    () => parseConfig({ credentials: accessTokenCredentials, api_tier: "premium" }, FILE),
    "config_error",
    FILE,
    "api_tier must be one of development, standard",
  );
});
