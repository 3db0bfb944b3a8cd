/**
 * How extractIocs() resolves overlapping indicators and reads custom types, with every
 * expected value written by hand from the text: the higher priority wins, then the longer,
 * then the earlier; a URL's host is kept beside its URL; custom patterns with and without a
 * capture group, empty matches, values dropped by `normalise`; clear errors.
 */
import assert from "node:assert/strict";
import { extractIocs } from "../../src/enrich/ioc.ts";
import { EnrichmentError } from "../../src/enrich/errors.ts";

const show = (text: string, options: Parameters<typeof extractIocs>[1] = {}) =>
  extractIocs(text, options).map((m) => `${m.type} ${m.value} ${m.start}-${m.end}`);

Deno.test("extractIocs() overlap: at equal priority the longer indicator wins, then the earlier", () => {
  //           0123456789012345678
  const text = "ref ABCDEFGH end";
  const a = { name: "short", pattern: /ABCD/g, priority: 50 };
  const b = { name: "long", pattern: /BCDEFG/g, priority: 50 };
  assert.deepEqual(show(text, { custom: [a, b] }), ["long BCDEFG 5-11"]);
  assert.deepEqual(show(text, { custom: [b, a] }), ["long BCDEFG 5-11"]);
  // Same priority, same length, overlapping: the one that starts first.
  const c = { name: "left", pattern: /ABCD/g, priority: 50 };
  const d = { name: "right", pattern: /BCDE/g, priority: 50 };
  assert.deepEqual(show(text, { custom: [d, c] }), ["left ABCD 4-8"]);
  assert.deepEqual(show(text, { custom: [c, d] }), ["left ABCD 4-8"]);
  // A higher priority beats a longer match; indicators that only touch both stay.
  const e = { name: "high", pattern: /CD/g, priority: 60 };
  const f = { name: "touch", pattern: /EFGH/g, priority: 10 };
  assert.deepEqual(show(text, { custom: [b, e, f] }), ["high CD 6-8", "touch EFGH 8-12"]);
  const g = { name: "right", pattern: /EF/g, priority: 60 };
  const h = { name: "left", pattern: /ABCD/g, priority: 10 };
  assert.deepEqual(show(text, { custom: [g, h] }), ["left ABCD 4-8", "right EF 8-10"]);
});

Deno.test("extractIocs() keeps a URL's host beside its URL when custom types are in play", () => {
  const text = "get http://evil.example/a now CASE-17";
  const ticket = { name: "ticket", pattern: /CASE-(\d+)/g };
  assert.deepEqual(show(text, { urlParts: true, custom: [ticket] }), [
    "url http://evil.example/a 4-25",
    "domain evil.example 11-23",
    "ticket 17 35-37",
  ]);
  // Only the types asked for, custom ones included.
  assert.deepEqual(show(text, { types: ["ticket"], custom: [ticket] }), ["ticket 17 35-37"]);
  assert.deepEqual(show(text, { types: ["domain"], urlParts: true, custom: [ticket] }), [
    "domain evil.example 11-23",
  ]);
});

Deno.test("extractIocs() custom types: capture groups, empty matches, dropped values, default priority", () => {
  // A pattern that can match nothing at every position still finds the real matches.
  const digits = { name: "digits", pattern: /\d*/ };
  assert.deepEqual(show("a1b22c", { custom: [digits] }), ["digits 1 1-2", "digits 22 3-5"]);
  const odd = {
    name: "odd",
    pattern: /n(\d)/g,
    normalise: (s: string) => Number(s) % 2 ? `#${s}` : undefined,
  };
  assert.deepEqual(show("n1 n2 n3", { custom: [odd] }), ["odd #1 1-2", "odd #3 7-8"]);
  // Custom types default to priority 100: above a URL (90).
  const site = { name: "site", pattern: /http:\/\/intranet\.example\/\S*/g };
  assert.deepEqual(show("see http://intranet.example/wiki", { custom: [site] }), [
    "site http://intranet.example/wiki 4-32",
  ]);
});

Deno.test("extractIocs() says what is wrong with a custom type or a type name", () => {
  assert.throws(
    () => extractIocs("x", { custom: [{ name: "", pattern: /x/ }] }),
    (e: unknown) =>
      e instanceof EnrichmentError && e.message === "A custom IoC type needs a name" &&
      /name/.test(e.hint ?? ""),
  );
  assert.throws(
    () => extractIocs("x", { custom: [{ name: "cve", pattern: "CVE" as unknown as RegExp }] }),
    (e: unknown) =>
      e instanceof EnrichmentError && e.message === "Custom IoC type cve has no regex pattern" &&
      e.capability === "ioc" && e.hint === "Set `pattern` to a RegExp.",
  );
  assert.throws(
    () => extractIocs("x", { types: ["ticket"] }),
    (e: unknown) =>
      e instanceof EnrichmentError && e.message === "Unknown IoC type ticket" &&
      /url/.test(e.hint ?? ""),
  );
  // Declared as custom, the name is known.
  assert.deepEqual(
    extractIocs("x", { types: ["ticket"], custom: [{ name: "ticket", pattern: /T-\d/ }] }),
    [],
  );
});

Deno.test("extractIocs() URL hosts: defanged names, IPv4, IPv6 in brackets, user info skipped", () => {
  const text = "hxxp://evil[.]example/x https://user@198.51.100.7:8443/y http://[2001:DB8::1]/z";
  const hosts = extractIocs(text, { urlParts: true }).filter((m) => m.type !== "url");
  assert.deepEqual(hosts.map((m) => `${m.type} ${m.value} ${text.slice(m.start, m.end)}`), [
    "domain evil.example evil[.]example",
    "ipv4 198.51.100.7 198.51.100.7",
    "ipv6 2001:db8::1 2001:DB8::1",
  ]);
});

Deno.test("extractIocs() with urlParts reports only the host types asked for", () => {
  const text = "http://198.51.100.7/a https://[2001:db8::5]/b http://evil.example/c";
  const only = (types: string[]) =>
    extractIocs(text, { urlParts: true, types }).map((m) => `${m.type} ${m.value}`);
  assert.deepEqual(only(["ipv6"]), ["ipv6 2001:db8::5"]);
  assert.deepEqual(only(["ipv4"]), ["ipv4 198.51.100.7"]);
  assert.deepEqual(only(["domain"]), ["domain evil.example"]);
  assert.deepEqual(only(["url"]), [
    "url http://198.51.100.7/a",
    "url https://[2001:db8::5]/b",
    "url http://evil.example/c",
  ]);
});
