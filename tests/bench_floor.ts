/**
 * The benchmark's floor: the least code that fetches the same post pages as the
 * connector's `ugc_posts` stream and prints them as Airbyte RECORD lines, one
 * write per page. Usage: bench_floor.ts <api base url> <access token> <org id>...
 *
 * @module
 */
const [baseUrl, token, ...organizations] = Deno.args;
const encoder = new TextEncoder();
const headers = {
  authorization: `Bearer ${token}`,
  "linkedin-version": "202608",
  "x-restli-protocol-version": "2.0.0",
};
for (const id of organizations) {
  for (let start = 0;; start += 100) {
    const url = `${baseUrl}/rest/posts?q=author&author=urn%3Ali%3Aorganization%3A${id}` +
      `&sortBy=LAST_MODIFIED&start=${start}&count=100`;
    const { elements } = await (await fetch(url, { headers })).json();
    let text = "";
    const now = Date.now();
    for (const element of elements) {
      element.organizationId = id;
      text += `{"type":"RECORD","record":{"stream":"ugc_posts","data":${
        JSON.stringify(element)
      },"emitted_at":${now}}}\n`;
    }
    const bytes = encoder.encode(text);
    for (let offset = 0; offset < bytes.length;) {
      offset += await Deno.stdout.write(bytes.subarray(offset));
    }
    if (elements.length < 100) break;
  }
}
