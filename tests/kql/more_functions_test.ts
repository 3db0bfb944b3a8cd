/**
 * The functions and aggregates added to reach Kusto.Language's list (issue 16, part 3):
 * query in, values out. Expected values are the documented results of Microsoft's Kusto
 * docs (named per test), the column names Kusto.Language's binder gives, or hand
 * computation shown beside the value.
 */
import assert from "node:assert/strict";
import { executeKql, KqlSemanticError } from "../../src/kql/mod.ts";

/** Every row of `query`, dynamic columns parsed, with the column names and Kusto types. */
async function run(query: string) {
  const { frame, schema } = await executeKql(query);
  const types = Object.fromEntries(schema.columns.map((c) => [c.name, c.type as string]));
  const rows = frame.toRecords().map((record) =>
    Object.fromEntries(
      Object.entries(record).map(([k, v]) => [
        k,
        types[k] === "dynamic" && typeof v === "string" ? JSON.parse(v) : v,
      ]),
    )
  );
  return { rows, types, columns: schema.columns.map((c) => c.name) };
}

async function first(query: string): Promise<Record<string, unknown>> {
  return (await run(query)).rows[0];
}

function close(actual: unknown, expected: number, tolerance = 1e-9): void {
  assert.equal(typeof actual, "number", `${actual} is not a number`);
  assert.ok(
    Math.abs((actual as number) - expected) <= tolerance * Math.max(1, Math.abs(expected)),
    `${actual} ≉ ${expected}`,
  );
}

// ---------------------------------------------------------------- aggregates

Deno.test("binary_all_and/or/xor fold the bits of a group, exactly on 64 bits", async () => {
  // 5 & 3 & -1 = 1; 5 | 3 | -1 = -1; 5 ^ 3 ^ -1 = 6 ^ -1 = -7 (hand computed).
  const { rows, columns } = await run(
    "datatable(x:long)[5, 3, -1] | summarize binary_all_and(x), binary_all_or(x), xo = binary_all_xor(x)",
  );
  assert.deepEqual(columns, ["x", "x1", "xo"]);
  assert.deepEqual(rows.map((r) => Object.values(r).map(Number)), [[1, -1, -7]]);
  // 2^63-1 xor 1 = 2^63-2, past what a JS number holds.
  const big = await first(
    "datatable(x:long)[9223372036854775807, 1] | summarize v = binary_all_xor(x) | project s = tostring(v)",
  );
  assert.equal(big.s, "9223372036854775806");
  const empty = await first(
    "datatable(x:long, k:string)[1, 'a'] | where k == 'b' | summarize v = binary_all_or(x)",
  );
  assert.equal(empty.v, null);
});

Deno.test("take_anyif takes a value where the predicate holds; anyif is its old name", async () => {
  const { rows, columns } = await run(
    "datatable(x:long, y:string)[5,'a', 3,'b', -1,'c'] | summarize take_anyif(y, x < 0), anyif(y, x > 4)",
  );
  // Kusto.Language names them y and anyif_y.
  assert.deepEqual(columns, ["y", "anyif_y"]);
  assert.deepEqual(rows, [{ y: "c", anyif_y: "a" }]);
});

Deno.test("buildschema() gives the minimal schema of dynamic values (docs example)", async () => {
  const row = await first(`datatable(value: dynamic) [
    dynamic({"x":1, "y":3.5}),
    dynamic({"x":"somevalue", "z":[1, 2, 3]}),
    dynamic({"y":{"w":"zzz"}, "t":["aa", "bb"], "z":["foo"]})
  ] | summarize buildschema(value)`);
  assert.deepEqual(row.schema_value, {
    x: ["long", "string"],
    y: ["double", { w: "string" }],
    z: { "`indexer`": ["long", "string"] },
    t: { "`indexer`": "string" },
  });
});

Deno.test("old aggregate names keep their old column names (Kusto.Language's)", async () => {
  const { rows, columns } = await run(`datatable(x:long, y:string, b:dynamic)
      [5, 'a', dynamic({"k":1}), -1, 'c', dynamic({"j":2})]
    | summarize argmax(x, y), argmin(x, y), cnt(), make_dictionary(b)`);
  assert.deepEqual(columns, [
    "max_x",
    "max_x_y",
    "min_x",
    "min_x_y",
    "cnt_",
    "dictionary_b",
  ]);
  const [r] = rows;
  assert.deepEqual(
    [r.max_x, r.max_x_y, r.min_x, r.min_x_y, Number(r.cnt_)],
    [5, "a", -1, "c", 2],
  );
  assert.deepEqual(r.dictionary_b, { k: 1, j: 2 });
});

Deno.test("hll, hll_merge and dcount_hll count distinct values (docs example: 20)", async () => {
  const row = await first(`range x from 1 to 10 step 1
    | extend y = x + 10
    | summarize hll_x = hll(x), hll_y = hll(y)
    | project merged = hll_merge(hll_x, hll_y)
    | project n = dcount_hll(merged)`);
  assert.equal(Number(row.n), 20);
  // The aggregate hll_merge over groups, and hll_if; overlapping groups count once.
  const merged = await first(`range x from 1 to 1000 step 1
    | extend g = x % 4
    | summarize h = hll(x % 700), hi = hll_if(x, x > 900) by g
    | summarize m = hll_merge(h), mi = hll_merge(hi)
    | project n = dcount_hll(m), ni = dcount_hll(mi)`);
  assert.deepEqual([Number(merged.n), Number(merged.ni)], [700, 100]);
});

Deno.test("hll() of many values estimates within its accuracy", async () => {
  const row = await first(
    "range x from 1 to 100000 step 1 | summarize h = hll(x) | project n = dcount_hll(h)",
  );
  // Accuracy 1 (2^14 registers) has a standard error of 0.8%.
  close(row.n, 100000, 0.03);
});

// ---------------------------------------------------------------- text

Deno.test("strcmp() compares ordinally (docs example)", async () => {
  const { rows } = await run(`datatable(string1:string, string2:string)
    ["ABC","ABC", "abc","ABC", "ABC","abc", "abcde","abc"]
    | extend result = strcmp(string1, string2)`);
  assert.deepEqual(rows.map((r) => Number(r.result)), [0, 1, -1, 1]);
});

Deno.test("replace_strings() replaces lookups in order, without overlaps (docs examples)", async () => {
  const row = await first(`print Message="A magic trick can turn a cat into a dog",
      M2 = "This is an example of using replace_strings()"
    | extend o1 = replace_strings(Message, dynamic(['cat', 'dog']), dynamic(['dog', 'pigeon'])),
      o2 = replace_strings(Message, dynamic(['turn', ' into a dog']), dynamic(['disappear', ''])),
      o3 = replace_strings(M2, dynamic(['This', 'is']), dynamic(['This', 'was'])),
      o4 = replace_strings(M2, dynamic(['is', 'This']), dynamic(['was', 'This'])),
      o5 = replace_strings(M2, dynamic(['This', 'is']), dynamic([12345, 'was']))`);
  assert.equal(row.o1, "A magic trick can turn a dog into a pigeon");
  assert.equal(row.o2, "A magic trick can disappear a cat");
  assert.equal(row.o3, "This was an example of using replace_strings()");
  assert.equal(row.o4, "Thwas was an example of using replace_strings()");
  assert.equal(row.o5, "This was an example of using replace_strings()");
});

Deno.test("tohex() writes two's complement by width (docs example)", async () => {
  const row = await first(`print a = tohex(256), b = tohex(-256), c = tohex(toint(-256), 8),
    d = tohex(256, 8), e = tohex(256, 2), f = tohex(hash("Hello"))`);
  assert.deepEqual(Object.values(row), [
    "100",
    "ffffffffffffff00",
    "ffffff00",
    "00000100",
    "100",
    // hash("Hello") = 753694413698530628 (Kusto's docs), in hex: a75a91375b27d44.
    "a75a91375b27d44",
  ]);
});

Deno.test("format_bytes() picks units and rounds (docs example)", async () => {
  const row = await first(`print v1 = format_bytes(564), v2 = format_bytes(10332, 1),
    v3 = format_bytes(20010332), v4 = format_bytes(20010332, 2),
    v5 = format_bytes(20010332, 0, "KB")`);
  assert.deepEqual(Object.values(row), ["564 Bytes", "10.1 KB", "19 MB", "19.08 MB", "19541 KB"]);
});

Deno.test("parse_version() makes versions comparable (docs examples)", async () => {
  const { rows, types } = await run(`datatable(v: string)
    ["0.0.0.5", "0.0.7.0", "0.0.3", "0.2", "0.1.2.0", "1.2.3.4", "1", "1.2.3.4.5", "a.b"]
    | extend p = parse_version(v), needs_update = parse_version(v) < parse_version("1.0.0.0")`);
  assert.equal(types.p, "decimal");
  const expected = [5, 7e8, 3e8, 2e16, 1.00000002e16, 1.000000020000000300000004e24, 1e24];
  expected.forEach((e, i) => close(rows[i].p, e));
  assert.deepEqual(rows.slice(7).map((r) => r.p), [null, null]);
  assert.deepEqual(
    rows.slice(0, 7).map((r) => r.needs_update),
    [true, true, true, true, true, false, false],
  );
});

Deno.test("punycode functions encode and decode labels (docs examples)", async () => {
  const row = await first(`print a = punycode_from_string('académie-française'),
    b = punycode_from_string('艺术'), c = punycode_to_string('acadmie-franaise-npb1a'),
    d = punycode_to_string('cqv902d')`);
  assert.deepEqual(Object.values(row), [
    "acadmie-franaise-npb1a",
    "cqv902d",
    "académie-française",
    "艺术",
  ]);
  const { rows } = await run(`datatable(encoded:string)
    ["xn--Ge-mia.Bulg.edu", "xn--Lin-8na.Celtchair.org", "xn--Ry-lja8c.xn--Jng-uta63a.xn--Bng-9ka.com"]
    | extend domain = punycode_domain_from_string(encoded)`);
  assert.deepEqual(rows.map((r) => r.domain), [
    "Gáe.Bulg.edu",
    "Lúin.Celtchair.org",
    "Rúyì.Jīngū.Bàng.com",
  ]);
  const encoded = await run(`datatable(domain:string)
    ['Lê Lợi。Thuận Thiên。com', 'Riðill｡Skáldskaparmál｡org', "Kaledvoulc'h.Artorījos.edu"]
    | extend str = punycode_domain_to_string(domain)`);
  assert.deepEqual(encoded.rows.map((r) => r.str), [
    "xn--L Li-gpa4517b.xn--Thun Thin-s4a7194f.com",
    "xn--Riill-jta.xn--Skldskaparml-dbbj.org",
    "Kaledvoulc'h.xn--Artorjos-ejb.edu",
  ]);
});

Deno.test("punycode functions follow RFC 3492 (its sample strings, section 7.1)", async () => {
  const samples: Array<[string, string]> = [
    ["ليهمابتكلموشعربي؟", "egbpdaj6bu4bxfgehfvwxn"],
    ["他们为什么不说中文", "ihqwcrb4cv8a8dqg056pqjye"],
    ["Pročprostěnemluvíčesky", "Proprostnemluvesky-uyb24dma41a"],
    ["3年B組金八先生", "3B-ww4c5e180e575a65lsy2b"],
  ];
  for (const [text, encoded] of samples) {
    const row = await first(
      `print e = punycode_from_string(${
        JSON.stringify(text)
      }), d = punycode_to_string("${encoded}")`,
    );
    assert.deepEqual([row.e, row.d], [encoded, text], text);
  }
});

Deno.test("isutf8() is true for text (docs example)", async () => {
  assert.equal((await first(`print result = isutf8("some string")`)).result, true);
});

Deno.test("hash_many() is hash_combine() of the values' hash()es, as documented", async () => {
  const row = await first(`print a = "Hello", b = "World"
    | extend m = hash_many(a, b), c = hash_combine(hash(a), hash(b)), r = hash_many(b, a)
    | project same = m == c, ordered = m != r, t = gettype(m)`);
  assert.deepEqual(row, { same: true, ordered: true, t: "long" });
});

Deno.test("parse_xml() converts as Kusto documents", async () => {
  const cases: Array<[string, unknown]> = [
    ["<e/>", { e: null }],
    ["<e>text</e>", { e: "text" }],
    ['<e name="value" />', { e: { "@name": "value" } }],
    ['<e name="value">text</e>', { e: { "@name": "value", "#text": "text" } }],
    ["<e> <a>text</a> <b>text</b> </e>", { e: { a: "text", b: "text" } }],
    ["<e> <a>text</a> <a>text</a> </e>", { e: { a: ["text", "text"] } }],
    ["<e> text <a>text</a> </e>", { e: { "#text": " text ", a: "text" } }],
    ['<?xml version="1.0"?><!-- c --><d><v>118.0</v><x>&lt;&amp;&#65;</x></d>', {
      d: { v: "118.0", x: "<&A" },
    }],
    ["<a><b></a>", null],
    ["not xml", null],
  ];
  for (const [xml, expected] of cases) {
    const row = await first(`print x = parse_xml(${JSON.stringify(xml)})`);
    assert.deepEqual(row.x, expected, xml);
  }
});

// ---------------------------------------------------------------- user agents, IPs

Deno.test("parse_user_agent() reads browser, OS and device (docs examples)", async () => {
  const browser = await first(`print x = parse_user_agent(
    "Mozilla/5.0 (Windows; U; en-US) AppleWebKit/531.9 (KHTML, like Gecko) AdobeAIR/2.5.1",
    "browser")`);
  assert.deepEqual(browser.x, {
    Browser: { Family: "AdobeAIR", MajorVersion: "2", MinorVersion: "5", Patch: "1" },
  });
  const all = await first(`print x = parse_user_agent(
    "Mozilla/5.0 (SymbianOS/9.2; U; Series60/3.1 NokiaN81-3/10.0.032 Profile/MIDP-2.0 Configuration/CLDC-1.1 ) AppleWebKit/413 (KHTML, like Gecko) Safari/4",
    dynamic(["browser","os","device"]))`);
  assert.deepEqual(all.x, {
    Browser: { Family: "Nokia OSS Browser", MajorVersion: "3", MinorVersion: "1", Patch: "" },
    OperatingSystem: {
      Family: "Symbian OS",
      MajorVersion: "9",
      MinorVersion: "2",
      Patch: "",
      PatchMinor: "",
    },
    Device: { Family: "Nokia N81", Brand: "Nokia", Model: "N81-3" },
  });
});

Deno.test("ipv4_range_to_cidr_list() covers a range with the fewest blocks (docs example)", async () => {
  const row = await first(`print start_IP="1.1.128.0", end_IP="1.1.140.255"
    | project l = ipv4_range_to_cidr_list(start_IP, end_IP),
      all = ipv4_range_to_cidr_list("0.0.0.0", "255.255.255.255"),
      bad = ipv4_range_to_cidr_list("1.2.3", "1.2.3.4")`);
  assert.deepEqual(row.l, ["1.1.128.0/21", "1.1.136.0/22", "1.1.140.0/24"]);
  assert.deepEqual(row.all, ["0.0.0.0/0"]);
  assert.equal(row.bad, null);
});

Deno.test("geo_info_from_ip_address() places an address (docs example's city)", async () => {
  const row = await first(`print a = geo_info_from_ip_address('20.53.203.50'),
    b = geo_info_from_ip_address('2a03:2880:f12c:83:face:b00c::25de'),
    c = geo_info_from_ip_address('10.1.2.3')`);
  const a = row.a as Record<string, unknown>;
  // Kusto: {"country": "Australia", "state": "New South Wales", "city": "Sydney",
  // "latitude": -33.8715, "longitude": 151.2006}.
  assert.deepEqual([a.country, a.state, a.city], ["Australia", "New South Wales", "Sydney"]);
  close(a.latitude, -33.8715, 0.01);
  close(a.longitude, 151.2006, 0.01);
  const b = row.b as Record<string, unknown>;
  assert.deepEqual([b.country, b.state], ["United States", "Florida"]);
  assert.equal(row.c, null);
});

// ---------------------------------------------------------------- where a call is

Deno.test("column_ifexists() and iscolumnexists() look at the row's columns", async () => {
  const row = await first(`datatable(x:long, s:string)[1, "a"]
    | extend a = column_ifexists("s", "none"), b = column_ifexists("y", 5),
      c = iscolumnexists("s"), d = iscolumnexists("y"), e = column_ifexists("x", "")`);
  assert.deepEqual(
    [row.a, Number(row.b), row.c, row.d, row.e],
    ["a", 5, true, false, "1"],
  );
});

Deno.test("column_names_of() lists a tabular expression's columns (docs example)", async () => {
  const row = await first(`let MyFunction1 = (param1:int) { print A="", B=1 };
    print Columns = column_names_of(MyFunction1(1))`);
  assert.deepEqual(row.Columns, ["A", "B"]);
});

Deno.test("estimate_data_size() sums the columns' sizes (docs example: 180)", async () => {
  const row = await first(`range x from 1 to 10 step 1
    | extend Text = '1234567890'
    | summarize Total = sum(estimate_data_size(*))`);
  assert.equal(Number(row.Total), 180);
});

Deno.test("new_guid() is a new guid on each row", async () => {
  const { rows, types } = await run("range x from 1 to 50 step 1 | extend g = new_guid()");
  assert.equal(types.g, "guid");
  assert.equal(new Set(rows.map((r) => r.g)).size, 50);
  assert.match(
    String(rows[0].g),
    /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}$/,
  );
});

Deno.test("ingestion_time() is null where no ingestion time was recorded", async () => {
  const { rows, types } = await run("datatable(x:long)[1] | extend i = ingestion_time()");
  assert.equal(types.i, "datetime");
  assert.equal(rows[0].i, null);
});

Deno.test("assert() passes a true constant and fails the query on a false one", async () => {
  assert.equal((await first(`print a = assert(1 < 2, "fine")`)).a, true);
  await assert.rejects(
    () => executeKql(`let n = 0; print a = assert(n > 0, "Length must be greater than zero")`),
    (e: unknown) =>
      e instanceof KqlSemanticError && /Length must be greater than zero/.test(e.message),
  );
});

Deno.test("bin_auto() bins by the query's set options (docs example)", async () => {
  const { rows } = await run(`set query_bin_auto_size=1h;
    set query_bin_auto_at=datetime(2017-01-01 00:05);
    range Timestamp from datetime(2017-01-01 00:05) to datetime(2017-01-01 02:00) step 1m
    | summarize n = count() by b = bin_auto(Timestamp)`);
  const start = Date.UTC(2017, 0, 1, 0, 5);
  assert.deepEqual(
    rows.map((r) => [(r.b as Date).getTime(), Number(r.n)]),
    [[start, 60], [start + 3600_000, 56]],
  );
  await assert.rejects(
    () => executeKql("print b = bin_auto(1.5)"),
    (e: unknown) => e instanceof KqlSemanticError && /query_bin_auto_size/.test(e.message),
  );
});

Deno.test("datetime_list_timezones() lists IANA zones with their aliases (docs)", async () => {
  const zones = (await first("print z = datetime_list_timezones()")).z as string[];
  // The docs' list starts Africa/Abidjan, Africa/Accra, Africa/Addis_Ababa, ... and keeps
  // old names such as Africa/Asmera and US/Pacific.
  assert.deepEqual(zones.slice(0, 3), ["Africa/Abidjan", "Africa/Accra", "Africa/Addis_Ababa"]);
  for (const z of ["Africa/Asmera", "US/Pacific", "Etc/GMT+10", "Asia/Kolkata"]) {
    assert.ok(zones.includes(z), z);
  }
  assert.ok(!zones.includes("Factory"));
  assert.deepEqual([...zones].sort(), zones);
});

// ---------------------------------------------------------------- numbers, series, dynamic

Deno.test("welch_test() gives Welch's p-value (docs example: 0.021378)", async () => {
  const row = await first(`print
      s1 = dynamic([27.5, 21.0, 19.0, 23.6, 17.0, 17.9, 16.9, 20.1, 21.9, 22.6, 23.1, 19.6, 19.0, 21.7, 21.4]),
      s2 = dynamic([27.1, 22.0, 20.8, 23.4, 23.4, 23.5, 25.8, 22.0, 24.8, 20.2, 21.9, 22.1, 22.9, 20.5, 24.4])
    | mv-expand s1 to typeof(double), s2 to typeof(double)
    | summarize m1=avg(s1), v1=variance(s1), c1=count(), m2=avg(s2), v2=variance(s2), c2=count()
    | extend pValue = welch_test(m1, v1, c1, m2, v2, c2)`);
  close(row.pValue, 0.02137800146286441, 1e-9);
});

Deno.test("series_fft() and series_ifft() transform and invert (hand computed)", async () => {
  const row = await first(`print x = dynamic([1, 2, 3, 4])
    | extend (re, im) = series_fft(x)
    | extend (back, backim) = series_ifft(re, im)
    | extend (r3, i3) = series_fft(dynamic([1, 0, 0]))`);
  // FFT of [1,2,3,4]: [10, -2+2i, -2, -2-2i].
  (row.re as number[]).forEach((v, i) => close(v, [10, -2, -2, -2][i], 1e-12));
  (row.im as number[]).forEach((v, i) => close(v, [0, 2, 0, -2][i], 1e-12));
  (row.back as number[]).forEach((v, i) => close(v, [1, 2, 3, 4][i], 1e-12));
  (row.backim as number[]).forEach((v) => close(v, 0, 1e-12));
  (row.r3 as number[]).forEach((v) => close(v, 1, 1e-12));
  (row.i3 as number[]).forEach((v) => close(v, 0, 1e-12));
});

Deno.test("series_product(), around() and percentrank_tdigest() (hand computed)", async () => {
  const row = await first(`range x from 1 to 10 step 1
    | summarize d = tdigest(x)
    | project p = series_product(dynamic([1, 2, 3, 4])), rank = percentrank_tdigest(d, 5),
      a1 = around(1.5, 1, 0.5), a2 = around(1.6, 1, 0.5),
      a3 = around(datetime(2024-01-01 10:00), datetime(2024-01-01), 12h)`);
  assert.deepEqual([row.p, row.rank, row.a1, row.a2, row.a3], [24, 50, true, false, true]);
});

Deno.test("set_equals(), treepath() and extract_json() (docs and hand computed)", async () => {
  const row = await first(`print s1 = set_equals(dynamic([1, 2, 3]), dynamic([3, 2, 1, 2])),
      s2 = set_equals(dynamic([1, 2]), dynamic([1, 3])),
      t1 = treepath(parse_json('{"a":"b", "c":123}')),
      t2 = treepath(parse_json('{"prop1":[1,2,3,4], "prop2":"value2"}')),
      t3 = treepath(parse_json('{"listProperty":[100,200,300,"abcde",{"x":"y"}]}')),
      j1 = extract_json("$.a.b[1]", '{"a":{"b":[1,22]}}', typeof(long)),
      j2 = extractjson("$['a']", '{"a":{"b":[1,22]}}'),
      j3 = extract_json("$.missing", '{"a":1}', typeof(long))`);
  assert.deepEqual([row.s1, row.s2], [true, false]);
  assert.deepEqual(row.t1, ["['a']", "['c']"]);
  assert.deepEqual(row.t2, ["['prop1']", "['prop1'][0]", "['prop2']"]);
  assert.deepEqual(row.t3, ["['listProperty']", "['listProperty'][0]", "['listProperty'][0]['x']"]);
  assert.deepEqual([Number(row.j1), row.j2, row.j3], [22, '{"b":[1,22]}', null]);
});

Deno.test("old scalar names run as the functions they became", async () => {
  const row = await first(`print a = notnull(1), b = notempty(""), c = arraylength(dynamic([1, 2])),
    d = parsejson('{"k": 7}').k`);
  assert.deepEqual([row.a, row.b, Number(row.c), row.d], [true, false, 2, 7]);
});

Deno.test("row_rank() is row_rank_dense() under its obsolete name (Kusto.Language)", async () => {
  // Kusto.Language marks row_rank Obsolete("row_rank_dense"). Dense ranks of 1 1 5 5 5 9 by
  // hand: 1 1 2 2 2 3 (row_rank_min would give 1 1 3 3 3 6).
  const { rows } = await run(
    "datatable(x:long)[1, 1, 5, 5, 5, 9] | serialize | extend r = row_rank(x)",
  );
  assert.deepEqual(rows.map((r) => Number(r.r)), [1, 1, 2, 2, 2, 3]);
});

// ---------------------------------------------------------------- geo buffers and lines

Deno.test("geo_point_buffer() is the circle within its tolerance (hand computed)", async () => {
  // 20 km around a point: a spherical cap of area 2πR²(1 - cos(r/R)), R = 6,371,010 m.
  const row = await first(`print b = geo_point_buffer(-115.1745008278, 36.1497251277, 20000)
    | project a = geo_polygon_area(b),
      near = geo_point_in_polygon(-115.1745008278, 36.1497251277 + 19950 / 111195.08, b),
      far = geo_point_in_polygon(-115.1745008278, 36.1497251277 + 20050 / 111195.08, b),
      invalid = isnull(geo_point_buffer(200, 1, 0.1)), negative = isnull(geo_point_buffer(10, 10, -1))`);
  const R = 6371010;
  const cap = 2 * Math.PI * R * R * (1 - Math.cos(20000 / R));
  // The inscribed polygon is within the 10 m tolerance: its area within 2 * 10 / 20000.
  close(row.a, cap, 1e-3);
  assert.deepEqual([row.near, row.far, row.invalid, row.negative], [true, false, true, true]);
});

Deno.test("geo_line_buffer() and geo_polygon_buffer() cover what lies within the radius", async () => {
  const row = await first(
    `let line = dynamic({"type":"LineString","coordinates":[[-73.96,40.78],[-73.95,40.78]]});
    let poly = dynamic({"type":"Polygon","coordinates":[[[-73.96,40.78],[-73.95,40.78],[-73.95,40.79],[-73.96,40.78]]]});
    print lb = geo_line_buffer(line, 100), pb = geo_polygon_buffer(poly, 100)
    | project l_in = geo_point_in_polygon(-73.955, 40.78 + 90 / 111195.08, lb),
      l_out = geo_point_in_polygon(-73.955, 40.78 + 110 / 111195.08, lb),
      l_end = geo_point_in_polygon(-73.96 - 90 / 84300.0, 40.78, lb),
      p_in = geo_point_in_polygon(-73.955, 40.78 - 90 / 111195.08, pb),
      p_out = geo_point_in_polygon(-73.955, 40.78 - 110 / 111195.08, pb),
      p_core = geo_point_in_polygon(-73.951, 40.785, pb),
      bad_line = isnull(geo_line_buffer(dynamic({"type":"LineString"}), 5)),
      zero = isnull(geo_polygon_buffer(poly, 0))`,
  );
  assert.deepEqual(Object.values(row), [true, false, true, true, false, true, true, true]);
});

Deno.test("geo_line_to_s2cells() joins points to nearby lines (docs example)", async () => {
  const { rows } = await run(`let radius = 500;
    let tube_stations = datatable(tube_station_name:string, lng:real, lat: real)
    [
        "St. James' Park",        -0.13451078568013486, 51.49919145858172,
        "London Bridge station", -0.08492752160134387, 51.504876316440914,
    ];
    let streets = datatable(street_name:string, line:dynamic)
    [
        "Buckingham Palace", dynamic({"type":"LineString","coordinates":[[-0.1399656708283601,51.50190802248855],[-0.14088438832752104,51.50012082761452]]}),
        "London Bridge",    dynamic({"type":"LineString","coordinates":[[-0.087152,51.509596],[-0.088340,51.506110]]}),
    ];
    let join_level = 14;
    let points = tube_stations;
    let lines = materialize(streets | extend id = new_guid());
    let res =
        lines
        | project id, covering = geo_line_to_s2cells(line, join_level, radius)
        | mv-expand covering to typeof(string)
        | join kind=inner hint.strategy=broadcast
        (
            points
            | extend covering = geo_point_to_s2cell(lng, lat, join_level)
        ) on covering;
    res | lookup lines on id
    | extend distance = geo_distance_point_to_line(lng, lat, line)
    | where distance <= radius
    | project tube_station_name, street_name, distance
    | order by street_name asc`);
  assert.deepEqual(rows.map((r) => [r.tube_station_name, r.street_name]), [
    ["St. James' Park", "Buckingham Palace"],
    ["London Bridge station", "London Bridge"],
  ]);
  close(rows[0].distance, 451.692474409721, 1e-6);
  close(rows[1].distance, 273.133133711648, 1e-6);
});

Deno.test("a line meets a polygon where it crosses or enters it (hand computed)", async () => {
  const row = await first(
    `let square = dynamic({"type":"Polygon","coordinates":[[[-74,40.7],[-73.85,40.7],[-73.85,40.8],[-74,40.8],[-74,40.7]]]});
    print crosses = geo_intersects_line_with_polygon(dynamic({"type":"LineString","coordinates":[[-73.9,40.6],[-73.9,40.9]]}), square),
      inside = geo_intersects_line_with_polygon(dynamic({"type":"LineString","coordinates":[[-73.95,40.75],[-73.9,40.75]]}), square),
      apart = geo_intersects_line_with_polygon(dynamic({"type":"LineString","coordinates":[[-73.5,40.6],[-73.5,40.9]]}), square),
      part = geo_intersection_line_with_polygon(dynamic({"type":"LineString","coordinates":[[-73.9,40.6],[-73.9,40.9]]}), square)`,
  );
  assert.deepEqual([row.crosses, row.inside, row.apart], [true, true, false]);
  const part = row.part as { type: string; coordinates: number[][] };
  assert.equal(part.type, "LineString");
  // The meridian -73.9 enters the square at latitude 40.7 and leaves at 40.8.
  close(part.coordinates[0][0], -73.9, 1e-9);
  close(part.coordinates[0][1], 40.7, 1e-4);
  close(part.coordinates[1][1], 40.8, 1e-4);
});
