import assert from "node:assert/strict";
import {
  encode,
  encodeLeaf,
  organizationIdOf,
  organizationUrn,
  query,
  type RestliValue,
} from "../lib/restli.ts";

/** The percent-encoding of one character, upper-case hex, as RFC 3986 writes it. */
const pct = (c: string) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, "0")}`;

Deno.test("restli: a list of URNs encodes as LinkedIn documents it", () => {
  assert.equal(encode(["urn:li:organization:12345"]), "List(urn%3Ali%3Aorganization%3A12345)");
  assert.equal(
    encode(["urn:li:share:1", "urn:li:ugcPost:2"]),
    "List(urn%3Ali%3Ashare%3A1,urn%3Ali%3AugcPost%3A2)",
  );
});

Deno.test("restli: the timeIntervals object encodes as LinkedIn documents it", () => {
  assert.equal(
    encode({
      timeRange: { start: 1704067200000, end: 1704672000000 },
      timeGranularityType: "DAY",
    }),
    "(timeRange:(start:1704067200000,end:1704672000000),timeGranularityType:DAY)",
  );
});

Deno.test("restli: structure stays literal while ( ) , : in leaf values are encoded", () => {
  const leaf = "a(b)c,d:e";
  const expected = ["a", pct("("), "b", pct(")"), "c", pct(","), "d", pct(":"), "e"].join("");
  assert.equal(encodeLeaf(leaf), expected);
  assert.equal(encode(leaf), expected);
  // Inside a list and an object, only the structure stays literal.
  assert.equal(encode([leaf, "x"]), `List(${expected},x)`);
  assert.equal(encode({ "k:(1)": leaf }), `(k${pct(":")}${pct("(")}1${pct(")")}:${expected})`);
  // Other reserved characters are encoded too, so a leaf never breaks the structure.
  for (const c of ["!", "'", "*", "&", "=", "?", "#", "/", "+", " ", "%"]) {
    assert.equal(encodeLeaf(`x${c}y`), `x${pct(c)}y`, `character ${JSON.stringify(c)}`);
  }
});

Deno.test("restli: nested, empty and scalar values", () => {
  assert.equal(encode([]), "List()");
  assert.equal(encode({}), "()");
  assert.equal(encode([["a"], []]), "List(List(a),List())");
  assert.equal(encode({ a: [1, 2], b: { c: true } }), "(a:List(1,2),b:(c:true))");
  assert.equal(encode(0), "0");
  assert.equal(encode(false), "false");
  assert.equal(encode(-1.5), "-1.5");
});

Deno.test("restli: encodeLeaf output is URL-safe and decodes back to the value", () => {
  let seed = 42;
  const random = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  const alphabet = "abcXYZ019 :(),!'*~-_.%&=?#/+\"\\\u00e9\u2028\u{1F600}";
  const chars = [...alphabet];
  for (let i = 0; i < 500; i++) {
    const length = Math.floor(random() * 12);
    let text = "";
    for (let j = 0; j < length; j++) text += chars[Math.floor(random() * chars.length)];
    const encoded = encodeLeaf(text);
    assert.match(encoded, /^[A-Za-z0-9\-_.~%]*$/, `encodeLeaf(${JSON.stringify(text)})`);
    assert.equal(decodeURIComponent(encoded), text);
  }
});

Deno.test("restli: query keeps the given order, leaves out undefined and encodes names", () => {
  assert.equal(
    query({ q: "author", author: "urn:li:organization:1", count: 100 }),
    "q=author&author=urn%3Ali%3Aorganization%3A1&count=100",
  );
  assert.equal(
    query({ q: "author", start: undefined, author: "urn:li:organization:1", count: undefined }),
    "q=author&author=urn%3Ali%3Aorganization%3A1",
  );
  assert.equal(query({}), "");
  assert.equal(query({ a: undefined }), "");
  assert.equal(query({ "a b": "c" }), "a%20b=c");
  // Falsy but defined values are kept.
  assert.equal(query({ start: 0, flag: false, text: "" }), "start=0&flag=false&text=");
});

Deno.test("restli: a query string decodes back to the Rest.li values with URLSearchParams", () => {
  const values: Record<string, RestliValue> = {
    q: "organizationalEntity",
    organizationalEntity: "urn:li:organization:2414183",
    shares: ["urn:li:share:1", "urn:li:share:2"],
    timeIntervals: { timeRange: { start: 1, end: 2 }, timeGranularityType: "MONTH" },
  };
  const params = new URLSearchParams(query(values));
  assert.deepEqual([...params.keys()], Object.keys(values));
  assert.equal(params.get("organizationalEntity"), "urn:li:organization:2414183");
  assert.equal(params.get("shares"), "List(urn:li:share:1,urn:li:share:2)");
  assert.equal(
    params.get("timeIntervals"),
    "(timeRange:(start:1,end:2),timeGranularityType:MONTH)",
  );
});

Deno.test("restli: organizationUrn and organizationIdOf", () => {
  assert.equal(organizationUrn("2414183"), "urn:li:organization:2414183");
  assert.equal(organizationIdOf("urn:li:organization:2414183"), "2414183");
  for (const id of ["0", "1", "12345678901234567890"]) {
    assert.equal(organizationIdOf(organizationUrn(id)), id);
  }
});

Deno.test("restli: organizationIdOf is undefined for other URN types and malformed URNs", () => {
  for (
    const urn of [
      "urn:li:share:123",
      "urn:li:ugcPost:123",
      "urn:li:person:abc",
      "urn:li:organizationBrand:123",
      "urn:li:organizationalEntity:123",
      "urn:li:organization:",
      "urn:li:organization:12a",
      "urn:li:organization:-1",
      "urn:li:organization:1 ",
      " urn:li:organization:1",
      "urn:li:organization:1:2",
      "urn%3Ali%3Aorganization%3A1",
      "URN:LI:ORGANIZATION:1",
      "2414183",
      "",
    ]
  ) {
    assert.equal(organizationIdOf(urn), undefined, urn);
  }
});
