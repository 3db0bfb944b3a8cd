/**
 * KQL string and text functions (src/kql/functions/_strings.ts): query in, values out.
 *
 * Most functions have two implementations, a constant-folded one and one over columns
 * (native Polars or row by row); `both()` runs an expression through each and expects the
 * same answer from both.
 */
import assert from "node:assert/strict";
import { KqlSemanticError, KqlUnsupportedError, runKql } from "../../src/kql/mod.ts";
import { commandLineToArgv, xxhash64 } from "../../src/kql/functions/_strings.ts";

/** The value of `r` in the first row of `query`'s result. */
async function value(query: string): Promise<unknown> {
  const frame = await runKql(query);
  return frame.toRecords()[0].r;
}

/** A KQL string literal of `text`. */
function lit(text: string): string {
  return JSON.stringify(text);
}

/**
 * `template` with `{s}` as a constant (folded) and as a column (compiled over a table);
 * asserts both agree and returns the value.
 */
async function both(template: string, s: string): Promise<unknown> {
  const folded = await value(`print r = ${template.replaceAll("{s}", lit(s))}`);
  const column = await value(
    `datatable(s: string) [${lit(s)}] | extend r = ${template.replaceAll("{s}", "s")}`,
  );
  assert.deepEqual(column, folded, `${template} over a column differs from the constant`);
  return folded;
}

/** The values of `r` over several input strings (column path only). */
async function column(template: string, values: string[]): Promise<unknown[]> {
  const frame = await runKql(
    `datatable(s: string) [${values.map(lit).join(", ")}] | extend r = ${template}`,
  );
  return frame.toRecords().map((row) => row.r);
}

async function semanticError(query: string, pattern: RegExp): Promise<void> {
  await assert.rejects(() => runKql(query), (e: unknown) => {
    assert.ok(e instanceof KqlSemanticError, `expected a KqlSemanticError, got ${e}`);
    assert.match((e as Error).message, pattern);
    return true;
  });
}

// ---------------------------------------------------------------- substring

Deno.test("substring() takes from a start, with an optional length", async () => {
  assert.equal(await both("substring({s}, 1)", "123456"), "23456");
  assert.equal(await both("substring({s}, 2, 2)", "123456"), "34");
  assert.equal(await both("substring({s}, 0, 2)", "ABCD"), "AB");
});

Deno.test("substring() counts from the end with a negative start", async () => {
  assert.equal(await both("substring({s}, -2, 2)", "123456"), "56");
  assert.equal(await both("substring({s}, -3)", "123456"), "456");
  // Before the first character, it starts at the first character.
  assert.equal(await both("substring({s}, -10, 3)", "123456"), "123");
});

Deno.test("substring() past the end or with a negative length is empty", async () => {
  assert.equal(await both("substring({s}, 10)", "123456"), "");
  assert.equal(await both("substring({s}, 1, -1)", "123456"), "");
  assert.equal(await both("substring({s}, 1)", ""), "");
});

Deno.test("substring() converts numbers to strings and counts characters", async () => {
  assert.equal(await value("print r = substring(123456, 1, 2)"), "23");
  assert.equal(await both("substring({s}, 1, 2)", "Café 東京"), "af");
  assert.equal(await both("substring({s}, -2)", "Café 東京"), "東京");
});

Deno.test("substring() with a start from a column runs row by row", async () => {
  const frame = await runKql(
    "datatable(s: string, n: long) ['abcdef', 2, 'abcdef', -1] | extend r = substring(s, n, 2)",
  );
  assert.deepEqual(frame.toRecords().map((r) => r.r), ["cd", "f"]);
});

Deno.test("substring() rejects a non-integer start", async () => {
  await semanticError(
    `print substring("abc", "1")`,
    /argument 2 of substring\(\) must be an integer/,
  );
  await semanticError(`print substring("abc", 1.5)`, /must be an integer, not real/);
});

// ---------------------------------------------------------------- trim

Deno.test("trim() removes leading and trailing matches of a regex", async () => {
  assert.equal(await both(`trim("--", {s})`, "--https://bing.com--"), "https://bing.com");
  assert.equal(await both(`trim(@"[^\\w]+", {s})`, "-  Te st1// $"), "Te st1");
  assert.equal(await both(`trim(@"\\s+", {s})`, "    Hello, world!    "), "Hello, world!");
});

Deno.test("trim_start() and trim_end() remove matches at one end only", async () => {
  assert.equal(await both(`trim_start("https://", {s})`, "https://bing.com"), "bing.com");
  assert.equal(await both(`trim_start(@"[^\\w]+", {s})`, "-  Te st1// $"), "Te st1// $");
  assert.equal(await both(`trim_end(".com", {s})`, "bing.com"), "bing");
  assert.equal(await both(`trim_end(@"[^\\w]+", {s})`, "-  Te st1// $"), "-  Te st1");
});

Deno.test("trim() removes repeated matches, and leaves the middle alone", async () => {
  assert.equal(await both(`trim("-", {s})`, "---a-b---"), "a-b");
  assert.equal(await both(`trim("x", {s})`, "xxx"), "");
  assert.equal(await both(`trim("x", {s})`, ""), "");
});

Deno.test("trim() needs a constant, valid regular expression", async () => {
  await semanticError(
    `datatable(s: string, p: string) ['a', 'b'] | extend r = trim(p, s)`,
    /regular expression of trim\(\) must be a constant/,
  );
  await semanticError(
    `datatable(s: string) ['a'] | extend r = trim("(", s)`,
    /invalid regular expression "\(" in trim\(\): unclosed group/,
  );
  await semanticError(`print trim("a", 5)`, /argument 2 of trim\(\) must be a string, not long/);
});

// ---------------------------------------------------------------- replace

Deno.test("replace_string() replaces every literal occurrence", async () => {
  assert.equal(
    await both(`replace_string({s}, "cat", "hamster")`, "A magic trick can turn a cat into a dog"),
    "A magic trick can turn a hamster into a dog",
  );
  assert.equal(await both(`replace_string({s}, ".", "$1")`, "a.b.c"), "a$1b$1c");
  assert.equal(await both(`replace_string({s}, "aa", "b")`, "aaaaa"), "bba");
  assert.equal(await both(`replace_string({s}, "", "x")`, "abc"), "abc");
});

Deno.test("replace_string() with lookups from a column runs row by row", async () => {
  const frame = await runKql(
    "datatable(s: string, l: string) ['abcabc', 'b', 'xyz', 'y'] | extend r = replace_string(s, l, '-')",
  );
  assert.deepEqual(frame.toRecords().map((r) => r.r), ["a-ca-c", "x-z"]);
});

Deno.test("replace_regex() rewrites matches with \\1-style group references", async () => {
  assert.equal(
    await both(`replace_regex({s}, @'is (\\d+)', @'was: \\1')`, "Number is 12"),
    "Number was: 12",
  );
  assert.equal(await both(`replace_regex({s}, @"(\\w)(\\d)", @"\\2\\1\\0")`, "a1 b2"), "1aa1 2bb2");
  // `$` is literal in a Kusto rewrite; `\\` is a backslash.
  assert.equal(await both(`replace_regex({s}, "b", @"$1\\\\")`, "abc"), "a$1\\c");
  assert.equal(await both(`replace_regex({s}, "x*", "-")`, "ab"), "-a-b-");
});

Deno.test("replace_regex() understands RE2 syntax: inline flags, named groups, POSIX classes", async () => {
  assert.equal(await both(`replace_regex({s}, "(?i)hello", "bye")`, "HeLLo there"), "bye there");
  assert.equal(
    await both(`replace_regex({s}, @"(?P<n>[[:digit:]]+)", @"<\\1>")`, "a12b3"),
    "a<12>b<3>",
  );
  assert.equal(await both(`replace_regex({s}, @"\\Q.*\\E", "!")`, "a.*b"), "a!b");
  assert.equal(await both(`replace_regex({s}, @"\\Aa", "X")`, "aa"), "Xa");
});

Deno.test("replace() is the deprecated replace_regex() with the text last", async () => {
  assert.equal(
    await both(`replace(@'is (\\d+)', @'was: \\1', {s})`, "Number is 1"),
    "Number was: 1",
  );
});

Deno.test("replace_regex() checks its pattern and its group references", async () => {
  await semanticError(
    `print replace_regex("abc", "(b", "x")`,
    /invalid regular expression "\(b" in replace_regex\(\)/,
  );
  await semanticError(
    `print replace_regex("abc", "(b)", @"\\2")`,
    /refers to group \\2, but the regular expression has 1 capture group/,
  );
  await semanticError(
    `datatable(s: string, p: string) ['a', 'b'] | extend r = replace_regex(s, p, "")`,
    /must be a constant/,
  );
});

// ---------------------------------------------------------------- split

Deno.test("split() returns a dynamic array of the parts", async () => {
  assert.equal(await both(`split({s}, "_")`, "aa_bb"), '["aa","bb"]');
  assert.equal(await both(`split({s}, "_")`, ""), '[""]');
  assert.equal(await both(`split({s}, "_")`, "a__b"), '["a","","b"]');
  assert.equal(await both(`split({s}, "bb")`, "aabbcc"), '["aa","cc"]');
  assert.equal(await both(`split({s}, "")`, "abc"), '["abc"]');
});

Deno.test("split() with an index returns an array of that part, or an empty array", async () => {
  assert.equal(await both(`split({s}, "_", 1)`, "aaa_bbb_ccc"), '["bbb"]');
  assert.equal(await both(`split({s}, "_", 5)`, "aaa_bbb_ccc"), "[]");
  assert.equal(await both(`split({s}, "_", -1)`, "aaa_bbb_ccc"), "[]");
});

Deno.test("split() over a column escapes quotes, backslashes and control characters", async () => {
  assert.equal(await both(`split({s}, "|")`, 'C:\\x|say "hi"\n'), '["C:\\\\x","say \\"hi\\"\\n"]');
  assert.equal(await both(`split({s}, "|", 1)`, 'C:\\x|say "hi"\n'), '["say \\"hi\\"\\n"]');
});

Deno.test("split() parts can be indexed and converted back to strings", async () => {
  assert.deepEqual(
    await column(`tostring(split(s, @"\\")[-1])`, ["C:\\Windows\\cmd.exe", "noslash"]),
    ["cmd.exe", "noslash"],
  );
});

// ---------------------------------------------------------------- extract, extract_all

Deno.test("extract() returns a capture group, or an empty string without a match", async () => {
  assert.equal(
    await both(`extract("User: ([^,]+)", 1, {s})`, "User: JohnDoe, Email: j@x.com"),
    "JohnDoe",
  );
  assert.equal(await both(`extract(@"\\d+", 0, {s})`, "abc 123 456"), "123");
  assert.equal(await both(`extract(@"x(\\d)", 1, {s})`, "abc"), "");
  assert.equal(await both(`extract(@"(a)|(b)", 2, {s})`, "a"), "");
});

Deno.test("extract() with a type converts the match, null without one", async () => {
  // `typeof(int)` compiles to the type's name; the name as a constant stands for it here.
  const frame = await runKql(
    `datatable(d: string) ["15-12-2024", "21-07-2023", "x"] | extend m = extract(@"-(\\d{2})-", 1, d, "int")`,
  );
  assert.deepEqual(frame.toRecords().map((r) => r.m), [12, 7, null]);
  assert.equal(await value(`print r = extract(@"(\\d+)", 1, "abc", "long")`), null);
  assert.equal(await value(`print r = extract(@"(\\d+)", 1, "a 42", "long")`), 42);
});

Deno.test("extract() checks its group against the pattern", async () => {
  await semanticError(
    `print extract("(a)", 2, "a")`,
    /asks for capture group 2, but the regular expression has 1/,
  );
  await semanticError(`print extract("a", 0, 12)`, /argument 3 of extract\(\) must be a string/);
  await semanticError(
    `print extract("a", 0, "a", 5)`,
    /last argument of extract\(\) must be a type/,
  );
});

Deno.test("extract_all() returns every match of one group, or arrays of several", async () => {
  assert.equal(
    await both(`extract_all(@"(\\d+)", {s})`, "a set of numbers: 123, 567 and 789"),
    '["123","567","789"]',
  );
  const id = "82b8be2d-dfa7-4bd1-8f63-24ad26d31449";
  assert.equal(
    await both(`extract_all(@"(\\w)(\\w+)(\\w)", {s})`, id),
    '[["8","2b8be2","d"],["d","fa","7"],["4","bd","1"],["8","f6","3"],["2","4ad26d3144","9"]]',
  );
  assert.equal(
    await both(`extract_all(@"(\\w)(\\w+)(\\w)", dynamic([1,3]), {s})`, id),
    '[["8","d"],["d","7"],["4","1"],["8","3"],["2","9"]]',
  );
});

Deno.test("extract_all() accepts named groups and gives null without a match", async () => {
  assert.equal(
    await both(
      `extract_all(@"(?P<first>\\w)(?P<middle>\\w+)(?P<last>\\w)", dynamic(['first',2,'last']), {s})`,
      "ab1-cd2",
    ),
    '[["a","b","1"],["c","d","2"]]',
  );
  assert.equal(await both(`extract_all(@"(\\d)", {s})`, "abc"), null);
  await semanticError(
    `print extract_all(@"(\\d)", dynamic([2]), "1")`,
    /extract_all\(\) has no capture group 2/,
  );
});

// ---------------------------------------------------------------- indexof, countof

Deno.test("indexof() finds a match from a start, within a length, by occurrence", async () => {
  const query = `print
    i1 = indexof("abcdefg","cde"), i2 = indexof("abcdefg","cde",1,4),
    i3 = indexof("abcdefg","cde",1,2), i4 = indexof("abcdefg","cde",3,4),
    i5 = indexof("abcdefg","cde",-5), i6 = indexof(1234567,5,1,4),
    i7 = indexof("abcdefg","cde",2,-1), i8 = indexof("abcdefgabcdefg", "cde", 1, 10, 2),
    i9 = indexof("abcdefgabcdefg", "cde", 1, -1, 3), n1 = indexof("abc", "a", -10),
    n2 = indexof("abc", "a", 0, -2)`;
  const row = (await runKql(query)).toRecords()[0];
  assert.deepEqual(Object.values(row), [2, 2, 2, -1, 2, 4, 2, 9, -1, null, null]);
});

Deno.test("indexof() and indexof_regex() run over columns", async () => {
  assert.deepEqual(await column(`indexof(s, "cd")`, ["abcd", "x", ""]), [2, -1, -1]);
  assert.deepEqual(await column(`indexof_regex(s, @"\\d")`, ["ab1", "x"]), [2, -1]);
});

Deno.test("countof() counts overlapping plain matches and non-overlapping regex matches", async () => {
  assert.equal(await both(`countof({s}, "a")`, "aaa"), 3);
  assert.equal(await both(`countof({s}, "aa")`, "aaaa"), 3);
  assert.equal(await both(`countof({s}, "ab", "normal")`, "ababa"), 2);
  assert.equal(await both(`countof({s}, "aba")`, "ababa"), 2);
  assert.equal(await both(`countof({s}, "aba", "regex")`, "ababa"), 1);
  assert.equal(await both(`countof({s}, "a.c", "regex")`, "abcabc"), 2);
  assert.equal(await both(`countof({s}, @"\\")`, "C:\\a\\b"), 2);
  assert.equal(await both(`countof({s}, "x")`, ""), 0);
});

Deno.test("countof() knows only the normal and regex kinds", async () => {
  await semanticError(`print countof("a", "a", "fuzzy")`, /must be "normal" or "regex"/);
});

// ---------------------------------------------------------------- concatenation and friends

Deno.test("strcat_delim() converts its arguments and joins them", async () => {
  assert.equal(await value(`print r = strcat_delim('-', 1, '2', 'A', 1s)`), "1-2-A-00:00:01");
  assert.equal(await both(`strcat_delim(",", {s}, 1, {s})`, "x"), "x,1,x");
});

Deno.test("strcat_array() joins an array's values", async () => {
  assert.equal(await value(`print r = strcat_array(dynamic([1, 2, 3]), "->")`), "1->2->3");
  assert.equal(await value(`print r = strcat_array(dynamic([1, 2, 3]), '"')`), '1"2"3');
  assert.equal(
    await value(`print r = strcat_array(dynamic(["a", null, {"k": 1}]), ",")`),
    'a,,{"k":1}',
  );
  await semanticError(`print strcat_array("abc", ",")`, /must be a dynamic array, not string/);
});

Deno.test("reverse() reverses the text of any value", async () => {
  assert.equal(await both("reverse({s})", "ABCDEFG"), "GFEDCBA");
  const row = (await runKql(
    "print a = reverse(12345), b = reverse(123.45), c = reverse(datetime(2017-10-15 12:00)), d = reverse(3h)",
  )).toRecords()[0];
  assert.deepEqual(Object.values(row), [
    "54321",
    "54.321",
    "Z0000000.00:00:21T51-01-7102",
    "00:00:30",
  ]);
});

Deno.test("strrep() repeats a value with an optional delimiter", async () => {
  const row = (await runKql(
    "print a = strrep('ABC', 2), b = strrep(123, 3, '.'), c = strrep(3s, 2, ' '), d = strrep('x', 0)",
  )).toRecords()[0];
  assert.deepEqual(Object.values(row), ["ABCABC", "123.123.123", "00:00:03 00:00:03", ""]);
});

Deno.test("translate() maps characters, repeating the last replacement or deleting", async () => {
  assert.equal(await both(`translate("krasp", "otsku", {s})`, "spark"), "kusto");
  assert.equal(await both(`translate("abc", "x", {s})`, "abc"), "xxx");
  assert.equal(await both(`translate("abc", "", {s})`, "ab"), "");
});

Deno.test("string_size() counts UTF-8 bytes", async () => {
  assert.equal(await both("string_size({s})", "hello"), 5);
  assert.equal(await both("string_size({s})", "⒦⒰⒮⒯⒪"), 15);
  assert.equal(await both("string_size({s})", ""), 0);
});

Deno.test("isascii() and regex_quote()", async () => {
  assert.equal(await both("isascii({s})", "some string"), true);
  assert.equal(await both("isascii({s})", "café"), false);
  assert.equal(await both("regex_quote({s})", "(so$me.Te^xt)"), "\\(so\\$me\\.Te\\^xt\\)");
});

// ---------------------------------------------------------------- base64

Deno.test("base64_encode_tostring() and base64_decode_tostring() round-trip UTF-8", async () => {
  assert.equal(await both("base64_encode_tostring({s})", "Kusto"), "S3VzdG8=");
  assert.equal(await both("base64_encode_tostring({s})", "Café"), "Q2Fmw6k=");
  assert.equal(await both("base64_decode_tostring({s})", "S3VzdG8="), "Kusto");
  assert.equal(await both("base64_decode_tostring({s})", "Q2Fmw6k="), "Café");
});

Deno.test("base64_decode_tostring() is empty for bad base64 or bytes that are not UTF-8", async () => {
  assert.equal(await both("base64_decode_tostring({s})", "U3RyaW5n0KHR0tGA0L7Rh9C60LA="), "");
  assert.equal(await both("base64_decode_tostring({s})", "S3VzdG8"), "");
  assert.equal(await both("base64_decode_tostring({s})", "not base64!"), "");
  // PowerShell's -EncodedCommand is UTF-16LE: as UTF-8 it keeps its NUL bytes.
  assert.equal(await both("base64_decode_tostring({s})", "dwBoAG8AYQBtAGkA"), "w\0h\0o\0a\0m\0i\0");
});

Deno.test("base64_decode_toarray() and base64_encode_fromarray() work on byte arrays", async () => {
  assert.equal(await both("base64_decode_toarray({s})", "S3VzdG8="), "[75,117,115,116,111]");
  assert.equal(await both("base64_decode_toarray({s})", "S3VzdG8"), null);
  assert.equal(
    await value("print r = base64_encode_fromarray(dynamic([75, 117, 115, 116, 111]))"),
    "S3VzdG8=",
  );
  assert.equal(await value("print r = base64_encode_fromarray(dynamic([256]))"), "");
  assert.equal(
    await value(`print r = base64_encode_fromarray(base64_decode_toarray("S3VzdG8"))`),
    "",
  );
});

Deno.test("base64 of a guid uses .NET's byte order", async () => {
  assert.equal(
    await value(`print r = base64_encode_fromguid(toguid("ae3133f2-6e22-49ae-b06a-16e6a9b212eb"))`),
    "8jMxriJurkmwahbmqbIS6w==",
  );
  assert.equal(
    await value(`print r = base64_decode_toguid("8jMxriJurkmwahbmqbIS6w==")`),
    "ae3133f2-6e22-49ae-b06a-16e6a9b212eb",
  );
  assert.equal(await value(`print r = base64_decode_toguid("abcd1231")`), null);
  await semanticError(`print base64_encode_fromguid("abcd1231")`, /must be a guid, not string/);
});

// ---------------------------------------------------------------- compression

Deno.test("gzip and zlib compression write Kusto's bytes and read any compressed data", async () => {
  const text = "1234567890qwertyuiop";
  assert.equal(
    await both("gzip_compress_to_base64_string({s})", text),
    "H4sIAAAAAAAA/wEUAOv/MTIzNDU2Nzg5MHF3ZXJ0eXVpb3A6m7f2FAAAAA==",
  );
  assert.equal(
    await both("zlib_compress_to_base64_string({s})", text),
    "eAEBFADr/zEyMzQ1Njc4OTBxd2VydHl1aW9wOAkGdw==",
  );
  assert.equal(
    await both("gzip_decompress_from_base64_string(gzip_compress_to_base64_string({s}))", text),
    text,
  );
  // Compressed by other tools (zlib level 6, gzip from a Unix host).
  assert.equal(
    await both(
      "zlib_decompress_from_base64_string({s})",
      "eJwzNDI2MTUzt7A0KCxPLSqpLM3MLwAAOAkGdw==",
    ),
    text,
  );
  assert.equal(
    await both(
      "gzip_decompress_from_base64_string({s})",
      "H4sIAAAAAAAAAzM0MjYxNTO3sDQoLE8tKqkszcwvAAA6m7f2FAAAAA==",
    ),
    text,
  );
});

Deno.test("decompressing what is not compressed base64 gives an empty string", async () => {
  assert.equal(await both("zlib_decompress_from_base64_string({s})", "x0x0x0"), "");
  assert.equal(await both("gzip_decompress_from_base64_string({s})", "S3VzdG8="), "");
});

// ---------------------------------------------------------------- URLs

Deno.test("url_encode() and url_encode_component() escape like .NET, in lowercase hex", async () => {
  assert.equal(
    await both("url_encode({s})", "https://www.bing.com/hello world"),
    "https%3a%2f%2fwww.bing.com%2fhello+world",
  );
  assert.equal(
    await both("url_encode_component({s})", "https://www.bing.com/hello world/"),
    "https%3a%2f%2fwww.bing.com%2fhello%20world%2f",
  );
  assert.equal(await both("url_encode({s})", "ü-_.!*()~"), "%c3%bc-_.!*()%7e");
});

Deno.test("url_decode() decodes %xx as UTF-8, + as a space, and leaves bad escapes", async () => {
  assert.equal(
    await both("url_decode({s})", "https%3a%2f%2fwww.bing.com%2f"),
    "https://www.bing.com/",
  );
  assert.equal(await both("url_decode({s})", "a+b%C3%BC%zz%u0041%"), "a bü%zzA%");
});

Deno.test("parse_url() splits an absolute URL into its parts", async () => {
  assert.deepEqual(
    JSON.parse(
      await both(
        "parse_url({s})",
        "scheme://username:password@host:1234/this/is/a/path?k1=v1&k2=v2#fragment",
      ) as string,
    ),
    {
      Scheme: "scheme",
      Host: "host",
      Port: "1234",
      Path: "/this/is/a/path",
      Username: "username",
      Password: "password",
      "Query Parameters": { k1: "v1", k2: "v2" },
      Fragment: "fragment",
    },
  );
  assert.deepEqual(JSON.parse(await both("parse_url({s})", "bing.com") as string), {
    Scheme: "",
    Host: "",
    Port: "",
    Path: "",
    Username: "",
    Password: "",
    "Query Parameters": {},
    Fragment: "",
  });
});

Deno.test("parse_urlquery() returns the decoded query parameters", async () => {
  assert.equal(
    await both("parse_urlquery({s})", "k1=v1&k2=v2&k3=v3"),
    '{"Query Parameters":{"k1":"v1","k2":"v2","k3":"v3"}}',
  );
  assert.equal(
    await both("parse_urlquery({s})", "?q=a+b%26c&flag"),
    '{"Query Parameters":{"q":"a b&c","flag":""}}',
  );
  const frame = await runKql(`
    let getQueryParamValue = (querystring: string, param: string) {
      let params = parse_urlquery(querystring);
      tostring(params["Query Parameters"].[param])
    };
    print UrlQuery = 'view=vs-2019&preserve-view=true'
    | extend view = getQueryParamValue(UrlQuery, 'view')`);
  assert.equal(frame.toRecords()[0].view, "vs-2019");
});

// ---------------------------------------------------------------- paths, command lines, CSV

Deno.test("parse_path() splits Windows, UNC, scheme and POSIX paths", async () => {
  const parts = async (p: string) => JSON.parse(await both("parse_path({s})", p) as string);
  assert.deepEqual(await parts("C:\\temp\\file.txt"), {
    Scheme: "",
    RootPath: "C:",
    DirectoryPath: "C:\\temp",
    DirectoryName: "temp",
    Filename: "file.txt",
    Extension: "txt",
    AlternateDataStreamName: "",
  });
  assert.deepEqual(await parts("file://C:/temp/file.txt:some.exe"), {
    Scheme: "file",
    RootPath: "C:",
    DirectoryPath: "C:/temp",
    DirectoryName: "temp",
    Filename: "file.txt",
    Extension: "txt",
    AlternateDataStreamName: "some.exe",
  });
  const unc = await parts("\\\\shared\\users\\temp\\file.txt.gz");
  assert.deepEqual([unc.RootPath, unc.DirectoryPath, unc.DirectoryName, unc.Extension], [
    "",
    "\\\\shared\\users\\temp",
    "temp",
    "gz",
  ]);
  const posix = await parts("/usr/lib/temp/file.txt");
  assert.deepEqual([posix.DirectoryPath, posix.Filename], ["/usr/lib/temp", "file.txt"]);
  const bare = await parts("temp\\file.txt");
  assert.deepEqual([bare.RootPath, bare.DirectoryPath, bare.DirectoryName], ["", "temp", "temp"]);
});

Deno.test("parse_command_line() splits like CommandLineToArgvW", async () => {
  assert.equal(
    await both(`parse_command_line({s}, "windows")`, 'echo "hello world!"'),
    '["echo","hello world!"]',
  );
  assert.deepEqual(
    commandLineToArgv('"C:\\Program Files\\app.exe" /c "a b" x\\\\"y z" q\\"r s\\\\t'),
    ["C:\\Program Files\\app.exe", "/c", "a b", "x\\y z", 'q"r', "s\\\\t"],
  );
  // Inside quotes, `""` is a quote that also ends the quoting (CommandLineToArgvW's quirk).
  assert.deepEqual(commandLineToArgv('a "b""c" d'), ["a", 'b"c d']);
  assert.deepEqual(commandLineToArgv("  lead trail  "), ["", "lead", "trail"]);
  assert.deepEqual(commandLineToArgv(""), []);
  await semanticError(`print parse_command_line("a b", "unix")`, /only knows the "windows" parser/);
});

Deno.test("parse_csv() splits the first record, honouring quotes", async () => {
  assert.equal(
    await both("parse_csv({s})", 'aa,"b,b,b",cc,"Escaping quotes: ""Title""","line1\nline2"'),
    '["aa","b,b,b","cc","Escaping quotes: \\"Title\\"","line1\\nline2"]',
  );
  assert.equal(
    await both("parse_csv({s})", "record1,a,b,c\nrecord2,x,y,z"),
    '["record1","a","b","c"]',
  );
  assert.equal(await both("parse_csv({s})", "a,"), '["a",""]');
});

// ---------------------------------------------------------------- hashes

Deno.test("hash_md5(), hash_sha1() and hash_sha256() hash the value's text", async () => {
  assert.equal(await both("hash_md5({s})", "World"), "f5a7924e621e84c9280a9a27e1bcb7f6");
  assert.equal(
    await value("print r = hash_md5(datetime(2020-01-01))"),
    "786c530672d1f8db31fee25ea8a9390b",
  );
  assert.equal(await both("hash_sha1({s})", "World"), "70c07ec18ef89c5309bbb0937f3a6342411e1fdd");
  assert.equal(
    await both("hash_sha256({s})", ""),
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
  );
  await semanticError(`print hash_sha256(dynamic([1]))`, /cannot hash a dynamic value/);
});

Deno.test("hash() is Kusto's xxhash64, exact to all 64 bits", async () => {
  assert.equal(await both("tostring(hash({s}))", "World"), "1846988464401551951");
  assert.equal(await both("tostring(hash({s}))", "Hello"), "753694413698530628");
  assert.equal(
    await value(`print r = tostring(hash(datetime("2015-01-01")))`),
    "1380966698541616202",
  );
  assert.equal(await both("hash({s}, 100)", "World"), 51);
  assert.equal(xxhash64(new TextEncoder().encode("World")), 1846988464401551951n);
});

Deno.test("hash() refuses types whose byte layout is not known", async () => {
  await assert.rejects(() => runKql("print hash(1.5)"), KqlUnsupportedError);
  await semanticError(`print hash(dynamic({}))`, /cannot hash a dynamic value/);
});

// ---------------------------------------------------------------- Unicode, has_any_index

Deno.test("unicode_codepoints_from_string() and unicode_codepoints_to_string() invert each other", async () => {
  assert.equal(
    await both("unicode_codepoints_from_string({s})", "⒦⒰⒮⒯⒪"),
    "[9382,9392,9390,9391,9386]",
  );
  assert.equal(await both("to_utf8({s})", "K😀"), "[75,128512]");
  assert.equal(
    await value("print r = unicode_codepoints_to_string(75, 117, 115, 116, 111)"),
    "Kusto",
  );
  assert.equal(
    await value("print r = unicode_codepoints_to_string(dynamic([75, 117, 115]), 116, 111)"),
    "Kusto",
  );
  assert.equal(
    await value("print r = make_string(unicode_codepoints_from_string('Kusto'))"),
    "Kusto",
  );
  assert.equal(await value("print r = unicode_codepoints_to_string(55296)"), "");
  await semanticError(
    `print unicode_codepoints_to_string("a")`,
    /must be an integer or a dynamic array/,
  );
});

Deno.test("has_any_index() gives the position of the first term found", async () => {
  const t = "this is an example";
  assert.equal(await both(`has_any_index({s}, dynamic(['this', 'example']))`, t), 0);
  assert.equal(await both(`has_any_index({s}, dynamic(['not', 'example']))`, t), 1);
  assert.equal(await both(`has_any_index({s}, dynamic(['not', 'found']))`, t), -1);
  assert.equal(await both(`has_any_index({s}, dynamic(['xample']))`, t), -1);
  assert.equal(await both(`has_any_index({s}, dynamic([]))`, t), -1);
  assert.equal(await both(`has_any_index({s}, dynamic([1, 2]))`, "Example number 2"), 1);
});
