/**
 * The baseline of the benchmark's `check` and `discover` timings: an empty Deno program plus one
 * request. It fetches one organization from the API with the headers the floor sends, reads the
 * answer and exits (1 when the answer is not a success). Usage:
 * bench_empty.ts <api base url> <access token> <org id>
 *
 * @module
 */
const [baseUrl, token, organization] = Deno.args;
const response = await fetch(`${baseUrl}/rest/organizations/${organization}`, {
  headers: {
    authorization: `Bearer ${token}`,
    "linkedin-version": "202608",
    "x-restli-protocol-version": "2.0.0",
  },
});
await response.text();
if (!response.ok) Deno.exit(1);
