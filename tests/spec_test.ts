/**
 * Tests of `schemas/spec.json` as the Airbyte platform reads it: the SPEC message is a valid
 * `ConnectorSpecification`, and its `advanced_auth` block describes LinkedIn's 3-legged OAuth
 * flow in Airbyte's declarative form (`oauth_connector_input_specification`), so that the
 * platform can build the consent URL, exchange the code and write the refresh token into
 * `credentials.refresh_token` of the `oAuth2.0` option.
 *
 * The templates are rendered here the way the platform's `DeclarativeOAuthSpecHandler` fills
 * them: `*_value` is the raw value, `*_param` is `key=value` with the redirect URI and the scope
 * form-encoded, and the client secret is not offered to the consent URL.
 *
 * @module
 */
import assert from "node:assert/strict";
import { Ajv } from "ajv";
import addFormats from "ajv-formats";
import { parse as parseYaml } from "yaml";
import spec from "../schemas/spec.json" with { type: "json" };
import { NEEDS_PAGE_ROLE, type Scope } from "../lib/auth.ts";
import { parseConfig } from "../lib/config.ts";
import { assertAirbyteMessage } from "./harness.ts";

// deno-lint-ignore no-explicit-any
type Json = any;

/** The scopes the connector needs (see `Scope` in lib/auth.ts). */
const SCOPES: readonly Scope[] = [
  "r_organization_social",
  "rw_organization_admin",
  "r_organization_social_feed",
  "r_basicprofile",
];
const AUTHORIZATION_URL = "https://www.linkedin.com/oauth/v2/authorization";
const TOKEN_URL = "https://www.linkedin.com/oauth/v2/accessToken";

// Sample values with characters that reveal missing or double encoding.
const CLIENT_ID = "86abcdEF12gh";
const CLIENT_SECRET = "WPL_AP1.s3cr+t/==";
const REDIRECT_URI = "http://localhost:8000/auth_flow";
const STATE = "q7Z-x_9.LmPw2RtYk4";
const AUTH_CODE = "AQTn+code/with=chars";

const advanced: Json = spec.advanced_auth;
const oauthSpec: Json = advanced.oauth_config_specification;
const connectorInput: Json = oauthSpec.oauth_connector_input_specification;
const credentials: Json = spec.connectionSpecification.properties.credentials;

/** The credentials option whose `auth_method` const is `method`. */
function credentialsOption(method: string): Json {
  const options = (credentials.oneOf as Json[]).filter((option) =>
    option.properties?.auth_method?.const === method
  );
  assert.equal(options.length, 1, `exactly one credentials option has auth_method ${method}`);
  return options[0];
}

/** `value` encoded as in an application/x-www-form-urlencoded body (Java's URLEncoder). */
const formEncode = (value: string): string => new URLSearchParams({ v: value }).toString().slice(2);

/** The template variables the platform offers when it builds the consent URL. */
function consentValues(): Record<string, string> {
  const scope: string = connectorInput.scope;
  return {
    client_id_value: CLIENT_ID,
    client_id_param: `client_id=${CLIENT_ID}`,
    redirect_uri_value: REDIRECT_URI,
    redirect_uri_param: `redirect_uri=${formEncode(REDIRECT_URI)}`,
    scope_value: scope,
    scope_param: `scope=${formEncode(scope)}`,
    state_value: STATE,
    state_param: `state=${STATE}`,
  };
}

/** The template variables the platform offers when it exchanges the code for tokens. */
function tokenValues(): Record<string, string> {
  return {
    ...consentValues(),
    client_secret_value: CLIENT_SECRET,
    client_secret_param: `client_secret=${CLIENT_SECRET}`,
    auth_code_value: AUTH_CODE,
    auth_code_param: `code=${AUTH_CODE}`,
  };
}

/**
 * Replaces every `{{ name }}` of `template`. Unknown names fail, and so do filters (`| ...`):
 * their names differ between platform versions (`urlEncoder` in the older template engine,
 * `urlencode` in the Jinjava one), while the plain variables render the same in both.
 */
function render(template: string, values: Record<string, string>): string {
  const rendered = template.replace(/\{\{\s*([^{}]*?)\s*\}\}/g, (_, name: string) => {
    assert.match(name, /^[a-z_]+$/, `"${name}" in ${template} is not a plain template variable`);
    assert.ok(name in values, `unknown template variable ${name} in ${template}`);
    return values[name];
  });
  assert.ok(!/[{}]/.test(rendered), `unrendered braces in ${rendered}`);
  return rendered;
}

/** Every `path_in_connector_config` of one of the OAuth specification objects, by property. */
function mappedPaths(section: string): Record<string, string[]> {
  const properties: Record<string, Json> = oauthSpec[section]?.properties ?? {};
  return Object.fromEntries(
    Object.entries(properties)
      .filter(([, property]) => "path_in_connector_config" in property)
      .map(([key, property]) => [key, property.path_in_connector_config]),
  );
}

const MAPPED_SECTIONS = [
  "oauth_user_input_from_connector_config_specification",
  "complete_oauth_output_specification",
  "complete_oauth_server_output_specification",
];

const protocol = new Ajv({ allErrors: true, strict: false });
addFormats.default(protocol);
protocol.addSchema(
  parseYaml(Deno.readTextFileSync(new URL("fixtures/airbyte_protocol.yaml", import.meta.url))),
  "protocol",
);
const validateSpecification = protocol.getSchema("protocol#/definitions/ConnectorSpecification")!;

Deno.test("spec: the SPEC message is a valid Airbyte ConnectorSpecification", () => {
  assertAirbyteMessage({ type: "SPEC", spec }, "SPEC message");
  assert.ok(validateSpecification(spec), protocol.errorsText(validateSpecification.errors));

  // The schema does look into advanced_auth: breaking it there is caught.
  const broken = (edit: (copy: Json) => void): Json => {
    const copy = structuredClone(spec) as Json;
    edit(copy);
    return copy;
  };
  for (
    const [what, copy] of [
      [
        "no access_token_url",
        broken((c) =>
          delete c.advanced_auth.oauth_config_specification.oauth_connector_input_specification
            .access_token_url
        ),
      ],
      [
        "no consent_url",
        broken((c) =>
          delete c.advanced_auth.oauth_config_specification.oauth_connector_input_specification
            .consent_url
        ),
      ],
      ["an unknown auth_flow_type", broken((c) => c.advanced_auth.auth_flow_type = "oauth3")],
      ["a string predicate_key", broken((c) => c.advanced_auth.predicate_key = "credentials")],
      [
        "extract_output of numbers",
        broken((c) =>
          c.advanced_auth.oauth_config_specification.oauth_connector_input_specification
            .extract_output = [1]
        ),
      ],
    ] as const
  ) {
    assert.ok(!validateSpecification(copy), `a spec with ${what} passed validation`);
    assert.throws(() => assertAirbyteMessage({ type: "SPEC", spec: copy }), `SPEC with ${what}`);
  }
});

Deno.test("spec: the OAuth specification objects are draft-07 schemas that accept the flow's output", () => {
  assert.equal(advanced.auth_flow_type, "oauth2.0");
  const ajv = new Ajv({ allErrors: true, strict: false });
  const output = ajv.compile(oauthSpec.complete_oauth_output_specification);
  assert.ok(output({ refresh_token: "AQX-refresh" }), ajv.errorsText(output.errors));
  assert.ok(
    !output({ access_token: "AQV-access" }),
    "an output without refresh_token was accepted",
  );
  const serverInput = ajv.compile(oauthSpec.complete_oauth_server_input_specification);
  assert.ok(serverInput({ client_id: CLIENT_ID, client_secret: CLIENT_SECRET }));
  assert.ok(!serverInput({ client_id: CLIENT_ID }), "server input without client_secret accepted");
  const serverOutput = ajv.compile(oauthSpec.complete_oauth_server_output_specification);
  assert.ok(serverOutput({ client_id: CLIENT_ID, client_secret: CLIENT_SECRET }));
  // Extra fields from the merged OAuth input must not make the platform reject the user input.
  const userInput = ajv.compile(oauthSpec.oauth_user_input_from_connector_config_specification);
  assert.ok(userInput({ client_id: CLIENT_ID, client_secret: CLIENT_SECRET, scope: "x" }));
});

Deno.test("spec: every path_in_connector_config is a secret field of the oAuth2.0 option", () => {
  const option = credentialsOption("oAuth2.0");
  const optionProperties: Record<string, Json> = option.properties;
  const all: string[] = [];
  for (const section of MAPPED_SECTIONS) {
    for (const [key, path] of Object.entries(mappedPaths(section))) {
      const where = `${section}.${key}`;
      assert.equal(path.length, 2, `${where} is not credentials.<field>: ${path.join(".")}`);
      assert.equal(path[0], "credentials", where);
      assert.notEqual(path[1], "auth_method", `${where} would overwrite the selector`);
      const property = optionProperties[path[1]];
      assert.ok(property, `${where} points at ${path.join(".")}, not in the oAuth2.0 option`);
      assert.equal(property.type, "string", where);
      assert.equal(property.airbyte_secret, true, `${where}: ${path[1]} is not marked secret`);
      all.push(path.join("."));
    }
  }
  assert.equal(new Set(all).size, all.length, `a field is mapped twice: ${all}`);

  // LinkedIn's answer fills the refresh token; the app's id and secret come from the server side
  // (an instance/workspace override, or what the user typed when there is none).
  assert.deepEqual(mappedPaths("complete_oauth_output_specification"), {
    refresh_token: ["credentials", "refresh_token"],
  });
  assert.deepEqual(mappedPaths("complete_oauth_server_output_specification"), {
    client_id: ["credentials", "client_id"],
    client_secret: ["credentials", "client_secret"],
  });
  assert.deepEqual(mappedPaths("oauth_user_input_from_connector_config_specification"), {});
  assert.deepEqual(
    Object.keys(oauthSpec.complete_oauth_server_input_specification.properties).sort(),
    Object.keys(oauthSpec.complete_oauth_server_output_specification.properties).sort(),
  );

  // After the flow every required field of the option is filled.
  const filled = all.map((path) => path.split(".")[1]);
  const required = (option.required as string[]).filter((key) => key !== "auth_method");
  assert.deepEqual([...new Set(filled)].sort(), [...required].sort());
});

Deno.test("spec: the predicate selects the oAuth2.0 option by its auth_method const", () => {
  assert.deepEqual(advanced.predicate_key, ["credentials", "auth_method"]);
  const [objectKey, selectorKey] = advanced.predicate_key as string[];
  assert.equal(spec.connectionSpecification.properties[objectKey as "credentials"], credentials);
  const matching = (credentials.oneOf as Json[]).filter((option) =>
    option.properties?.[selectorKey]?.const === advanced.predicate_value
  );
  assert.equal(matching.length, 1, `${advanced.predicate_value} selects one option`);
  const option = matching[0];
  assert.equal(option, credentialsOption("oAuth2.0"));
  assert.equal(advanced.predicate_value, "oAuth2.0");
  // The form preselects the option through its default, so the button shows up for it.
  assert.equal(option.properties[selectorKey].default, advanced.predicate_value);
  assert.ok("refresh_token" in option.properties);
  assert.ok(!("refresh_token" in credentialsOption("access_token").properties));
});

Deno.test("spec: the consent URL is LinkedIn's authorization endpoint with code, scopes, client id, redirect URI and state", () => {
  const template: string = connectorInput.consent_url;
  assert.ok(!template.includes("secret"), `the consent URL mentions the secret: ${template}`);
  const url = new URL(render(template, consentValues()));
  assert.equal(`${url.origin}${url.pathname}`, AUTHORIZATION_URL);
  const query = url.searchParams;
  assert.deepEqual(
    [...query.keys()].sort(),
    ["client_id", "redirect_uri", "response_type", "scope", "state"],
  );
  for (const key of query.keys()) assert.equal(query.getAll(key).length, 1, `${key} repeated`);
  assert.equal(query.get("response_type"), "code");
  assert.equal(query.get("client_id"), CLIENT_ID);
  assert.equal(query.get("redirect_uri"), REDIRECT_URI);
  assert.equal(query.get("state"), STATE);
  // LinkedIn wants the scopes space-delimited.
  assert.deepEqual(query.get("scope")!.split(" ").sort(), [...SCOPES].sort());
  assert.deepEqual((connectorInput.scope as string).split(" ").sort(), [...SCOPES].sort());
  assert.deepEqual(Object.keys(NEEDS_PAGE_ROLE).sort(), [...SCOPES].sort());

  const state: Json = connectorInput.state;
  assert.ok(Number.isInteger(state.min) && Number.isInteger(state.max), "state bounds");
  assert.ok(state.min >= 16 && state.min <= state.max, `state length ${state.min}..${state.max}`);
});

Deno.test("spec: the code goes form-encoded in the body of a POST to LinkedIn's accessToken endpoint", () => {
  assert.equal(connectorInput.access_token_url, TOKEN_URL);
  // Nothing in the URL: the client secret must not end up in logged URLs.
  assert.equal(new URL(render(connectorInput.access_token_url, tokenValues())).search, "");
  assert.equal(
    connectorInput.access_token_headers["Content-Type"],
    "application/x-www-form-urlencoded",
  );
  const body = Object.fromEntries(
    Object.entries(connectorInput.access_token_params as Record<string, string>).map((
      [key, value],
    ) => [render(key, tokenValues()), render(value, tokenValues())]),
  );
  // Raw values: the platform form-encodes the body itself, so an encoded template would be
  // encoded twice.
  assert.deepEqual(body, {
    grant_type: "authorization_code",
    code: AUTH_CODE,
    client_id: CLIENT_ID,
    client_secret: CLIENT_SECRET,
    redirect_uri: REDIRECT_URI,
  });
  // LinkedIn rejects the exchange unless the redirect URI is the one of the consent request.
  const consent = new URL(render(connectorInput.consent_url, consentValues()));
  assert.equal(body.redirect_uri, consent.searchParams.get("redirect_uri"));
});

Deno.test("spec: refresh_token is extracted and lands in a config the connector accepts", () => {
  const extract: string[] = connectorInput.extract_output;
  assert.ok(extract.includes("refresh_token"), `extract_output: ${extract}`);
  const outputs: Record<string, Json> = oauthSpec.complete_oauth_output_specification.properties;
  assert.deepEqual(outputs.refresh_token.path_in_oauth_response, ["refresh_token"]);
  // The platform fails the flow when an extracted field is missing, so only what the
  // connector stores is extracted, and everything stored is extracted.
  assert.deepEqual(
    [...extract].sort(),
    Object.values(outputs).map((output) => output.path_in_oauth_response.join(".")).sort(),
  );

  // A code-exchange answer as LinkedIn gives it, mapped the way the platform maps it.
  const answer: Record<string, unknown> = {
    access_token: "AQV-access-token",
    expires_in: 5183999,
    refresh_token: "AQX-refresh-token",
    refresh_token_expires_in: 31536059,
    scope: SCOPES.join(","),
  };
  const config: Json = { credentials: { auth_method: advanced.predicate_value } };
  const set = (path: string[], value: unknown) => {
    let node = config;
    for (const key of path.slice(0, -1)) node = node[key] ??= {};
    node[path.at(-1)!] = value;
  };
  for (const output of Object.values(outputs)) {
    const value = (output.path_in_oauth_response as string[]).reduce(
      (node: Json, key) => node?.[key],
      answer,
    );
    assert.equal(typeof value, "string", output.path_in_oauth_response.join("."));
    set(output.path_in_connector_config, value);
  }
  const server: Record<string, string> = { client_id: CLIENT_ID, client_secret: CLIENT_SECRET };
  for (
    const [key, path] of Object.entries(mappedPaths("complete_oauth_server_output_specification"))
  ) {
    set(path, server[key]);
  }
  assert.deepEqual(parseConfig(config, "config.json").credentials, {
    kind: "oauth",
    clientId: CLIENT_ID,
    clientSecret: CLIENT_SECRET,
    refreshToken: "AQX-refresh-token",
  });
});
