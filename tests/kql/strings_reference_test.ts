/**
 * String functions against published reference values: Kusto's documentation examples
 * (regex_quote, extract_all without groups, base64_encode_fromarray), XXH64's reference
 * vectors for inputs of 32 bytes and more (the bulk loop of the hash behind `hash()`), the
 * caret of an error at the argument at fault, and substring() with a start from a column.
 */
import assert from "node:assert/strict";
import { KqlSemanticError, runKql } from "../../src/kql/mod.ts";
import { xxhash64 } from "../../src/kql/functions/_strings.ts";

async function rows(query: string): Promise<Record<string, unknown>[]> {
  return (await runKql(query)).toRecords();
}

Deno.test("xxhash64() matches XXH64's reference vectors, short and past one 32-byte stripe", () => {
  const utf8 = new TextEncoder();
  const vectors: Array<[string, bigint]> = [
    ["", 0xef46db3751d8e999n],
    ["abc", 0x44bc2cf5ad770999n],
    ["a".repeat(32), 0x856e843298f99ad7n],
    ["Nobody inspects the spammish repetition", 0xfbcea83c8a378bf1n],
    ["The quick brown fox jumps over the lazy dog", 0x0b242d361fda71bcn],
  ];
  for (const [text, hash] of vectors) assert.equal(xxhash64(utf8.encode(text)), hash, text);
});

Deno.test("hash() of a long string is XXH64 as a signed long, as Kusto returns it", async () => {
  const [row] = await rows(`print r = tostring(hash("Nobody inspects the spammish repetition"))`);
  assert.equal(row.r, BigInt.asIntN(64, 0xfbcea83c8a378bf1n).toString());
});

Deno.test("extract_all() without capture groups returns the whole matches (Kusto docs)", async () => {
  const [row] = await rows(`print r = extract_all(@"\\d+", "a1 b22 c333")`);
  assert.equal(row.r, '["1","22","333"]');
});

Deno.test("regex_quote() escapes regex characters (Kusto docs: Hello.World)", async () => {
  const [row] = await rows(`print r = regex_quote("Hello.World")`);
  assert.equal(row.r, "Hello\\.World");
  // It takes one argument.
  await assert.rejects(() => runKql(`print r = regex_quote("a", "b")`), KqlSemanticError);
});

Deno.test("base64_encode_fromarray() takes every byte from 0 to 255", async () => {
  // 0x00 0xFF: 000000 001111 111100 → A P 8, padded.
  const [row] = await rows(`print r = base64_encode_fromarray(dynamic([0, 255]))`);
  assert.equal(row.r, "AP8=");
  const [bad] = await rows(`print r = base64_encode_fromarray(dynamic([256]))`);
  assert.equal(bad.r, "");
});

Deno.test("extract() with a capture group the regex lacks points at the group argument", async () => {
  // print r = extract("(a)", 2, "abc"): the `2` is at column 26.
  await assert.rejects(
    () => runKql(`print r = extract("(a)", 2, "abc")`),
    (e: unknown) =>
      e instanceof KqlSemanticError && (e as KqlSemanticError & { column: number }).column === 26 &&
      /capture group 2, but the regular expression has 1/.test(e.message),
  );
});

Deno.test("substring() with starts from a column: negative from the end, never before the first character", async () => {
  const out = await rows(
    `datatable(s:string, i:long)["abcdef", 0, "abcdef", -2, "abcdef", -10, "abcdef", 4] | extend r = substring(s, i, 2)`,
  );
  assert.deepEqual(out.map((r) => r.r), ["ab", "ef", "ab", "ef"]);
});
