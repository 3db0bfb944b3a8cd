/**
 * KQL's IP address functions: query in, values out. IPv4 checks run both on constants
 * (folded in JavaScript) and on table columns (native Polars expressions), which must
 * agree.
 */
import assert from "node:assert/strict";
import { executeKql, KqlSemanticError } from "../../src/kql/mod.ts";
import { pl } from "../../src/polars.ts";

async function rows(query: string, tables = {}): Promise<Record<string, unknown>[]> {
  return (await executeKql(query, { tables })).frame.toRecords();
}

async function value(expression: string): Promise<unknown> {
  return (await rows(`print v = ${expression}`))[0].v;
}

/** `expression` over a table `T(ip: string)` of `ips`, then each ip folded as a constant. */
async function both(expression: (ip: string) => string, ips: string[]): Promise<unknown[]> {
  const T = pl.DataFrame({ ip: ips });
  const native = (await rows(`T | project v = ${expression("ip")}`, { T })).map((r) => r.v);
  const folded = await Promise.all(ips.map((ip) => value(expression(`'${ip}'`))));
  assert.deepEqual(native, folded, `native and folded ${expression("ip")} differ`);
  return native;
}

async function rejects(query: string, message: RegExp): Promise<void> {
  await assert.rejects(() => executeKql(query), (e: unknown) => {
    assert.ok(e instanceof KqlSemanticError, String(e));
    assert.match(e.message, message);
    return true;
  });
}

const IPS = [
  "10.1.2.3",
  "192.168.1.1/24",
  "127.0.0.1",
  "172.31.255.255",
  "172.32.0.1",
  "010.001.002.003",
  "1.2.3.4/33",
  "256.1.1.1",
  "10.1.2",
  "",
  "not an ip",
];

Deno.test("parse_ipv4() reads dotted quads, applies their prefix, null otherwise", async () => {
  assert.deepEqual(await both((ip) => `parse_ipv4(${ip})`, IPS), [
    167838211,
    3232235776,
    2130706433,
    2887778303,
    2887778305,
    167838211,
    null,
    null,
    null,
    null,
    null,
  ]);
  assert.equal(await value("parse_ipv4('255.255.255.255/31')"), 4294967294);
});

Deno.test("parse_ipv4_mask() and ipv4_netmask_suffix() use the shortest prefix", async () => {
  assert.equal(await value("parse_ipv4_mask('127.0.0.1', 24)"), 2130706432);
  assert.deepEqual(await both((ip) => `parse_ipv4_mask(${ip}, 16)`, IPS.slice(0, 3)), [
    167837696,
    3232235520,
    2130706432,
  ]);
  assert.equal(await value("parse_ipv4_mask('127.0.0.1', 33)"), null);
  assert.deepEqual(await both((ip) => `ipv4_netmask_suffix(${ip})`, IPS.slice(0, 3)), [32, 24, 32]);
  assert.equal(await value("ipv4_netmask_suffix('x')"), null);
});

Deno.test("ipv4_is_private() checks the RFC 1918 ranges; null for non-addresses", async () => {
  assert.deepEqual(await both((ip) => `ipv4_is_private(${ip})`, IPS), [
    true,
    true,
    false,
    true,
    false,
    true,
    null,
    null,
    null,
    null,
    null,
  ]);
});

Deno.test("ipv4_is_in_range() compares under the range's and the address's prefix", async () => {
  assert.deepEqual(await both((ip) => `ipv4_is_in_range(${ip}, '10.0.0.0/8')`, IPS), [
    true,
    false,
    false,
    false,
    false,
    true,
    null,
    null,
    null,
    null,
    null,
  ]);
  assert.equal(await value("ipv4_is_in_range('192.168.1.1', '192.168.1.255/24')"), true);
  assert.equal(await value("ipv4_is_in_range('192.168.1.1', '192.168.1.1')"), true);
  assert.equal(await value("ipv4_is_in_range('192.168.1.1', 'x')"), null);
  // Both sides columns: computed by numbers rather than one regex.
  const T = pl.DataFrame({
    ip: ["10.0.0.5", "10.0.1.5", "x"],
    net: ["10.0.0.0/24", "10.0.0.0/24", "10.0.0.0/8"],
  });
  assert.deepEqual(
    (await rows("T | project v = ipv4_is_in_range(ip, net)", { T })).map((r) => r.v),
    [
      true,
      false,
      null,
    ],
  );
});

Deno.test("ipv4_is_in_any_range() takes ranges as arguments or one dynamic array", async () => {
  assert.equal(
    await value("ipv4_is_in_any_range('192.168.1.6', '192.168.1.1/24', '10.0.0.1/8')"),
    true,
  );
  assert.equal(
    await value("ipv4_is_in_any_range('127.0.0.1', dynamic(['127.0.0.1', '192.168.1.1']))"),
    true,
  );
  assert.deepEqual(
    await both(
      (ip) => `ipv4_is_in_any_range(${ip}, dynamic(['192.168.1.1/16', '127.0.0.1/8']))`,
      IPS,
    ),
    [false, true, true, false, false, false, null, null, null, null, null],
  );
  const T = pl.DataFrame({ ip: ["10.1.2.3", "1.1.1.1"] });
  assert.deepEqual(
    (await rows(
      "T | extend nets = dynamic(['10.0.0.0/8']) | project v = ipv4_is_in_any_range(ip, nets)",
      { T },
    )).map((r) => r.v),
    [true, false],
  );
});

Deno.test("ipv4_is_match() and ipv4_compare() take an optional prefix", async () => {
  const pairs = [
    ["192.168.1.0", "192.168.1.0"],
    ["192.168.1.1/24", "192.168.1.255"],
    ["192.168.1.1", "192.168.1.255/24"],
    ["192.168.1.1/30", "192.168.1.255/24"],
  ];
  for (const [a, b] of pairs) {
    assert.equal(await value(`ipv4_is_match('${a}', '${b}')`), true);
    assert.equal(await value(`ipv4_compare('${a}', '${b}')`), 0);
  }
  assert.equal(await value("ipv4_is_match('192.168.1.1', '192.168.1.0', 31)"), true);
  assert.equal(await value("ipv4_compare('192.168.1.1', '192.168.1.0')"), 1);
  assert.equal(await value("ipv4_compare('10.0.0.1', '192.168.1.0')"), -1);
  assert.equal(await value("ipv4_compare('10.0.0.1', 'x')"), null);
  assert.deepEqual(await both((ip) => `ipv4_compare(${ip}, '127.0.0.1', 8)`, IPS.slice(0, 3)), [
    -1,
    1,
    0,
  ]);
  assert.deepEqual(await both((ip) => `ipv4_is_match(${ip}, '127.9.9.9', 8)`, IPS.slice(0, 4)), [
    false,
    false,
    true,
    false,
  ]);
});

Deno.test('format_ipv4() and format_ipv4_mask() give "" when they cannot', async () => {
  const out = await rows(`
    datatable(address: string, mask: long)
      ['192.168.1.1', 24, '192.168.1.1', 32, '192.168.1.1/24', 32, '192.168.1.1/24', long(-1)]
    | project r = format_ipv4(address, mask), m = format_ipv4_mask(address, mask)`);
  assert.deepEqual(out.map((r) => [r.r, r.m]), [
    ["192.168.1.0", "192.168.1.0/24"],
    ["192.168.1.1", "192.168.1.1/32"],
    ["192.168.1.0", "192.168.1.0/24"],
    ["", ""],
  ]);
  assert.equal(await value("format_ipv4(3232235777)"), "192.168.1.1");
  assert.equal(await value("format_ipv4_mask(3232235777, 16)"), "192.168.0.0/16");
  assert.equal(await value("format_ipv4(-1)"), "");
});

Deno.test("parse_ipv6() and parse_ipv6_mask() write the canonical text", async () => {
  const cases: Array<[string, string]> = [
    ["parse_ipv6('192.168.255.255')", "0000:0000:0000:0000:0000:ffff:c0a8:ffff"],
    ["parse_ipv6('192.168.255.255/24')", "0000:0000:0000:0000:0000:ffff:c0a8:ff00"],
    ["parse_ipv6('fe80::85d:e82c:9446:7994')", "fe80:0000:0000:0000:085d:e82c:9446:7994"],
    ["parse_ipv6('::')", "0000:0000:0000:0000:0000:0000:0000:0000"],
    ["parse_ipv6('1:2:3:4:5:6:1.2.3.4')", "0001:0002:0003:0004:0005:0006:0102:0304"],
    ["parse_ipv6('1::2::3')", ""],
    ["parse_ipv6('fe80::1/129')", ""],
    ["parse_ipv6_mask('192.168.255.255', 120)", "0000:0000:0000:0000:0000:ffff:c0a8:ff00"],
    [
      "parse_ipv6_mask('fe80::85d:e82c:9446:7994/120', 124)",
      "fe80:0000:0000:0000:085d:e82c:9446:7900",
    ],
    ["parse_ipv6_mask('::192.168.255.255/24', 128)", "0000:0000:0000:0000:0000:ffff:c0a8:ff00"],
  ];
  for (const [expression, expected] of cases) assert.equal(await value(expression), expected);
});

Deno.test("ipv6_compare(), ipv6_is_match() and ipv6 ranges mix IPv4 and IPv6", async () => {
  const equal = [
    ["192.168.1.1/24", "192.168.1.255", undefined],
    ["fe80::85d:e82c:9446:7994/120", "fe80::85d:e82c:9446:7998", undefined],
    ["192.168.1.1", "::ffff:c0a8:0101", undefined],
    ["::192.168.1.1/30", "192.168.1.255/24", undefined],
    ["fe80::85d:e82c:9446:7994", "fe80::85d:e82c:9446:7995", 127],
    ["::ffff:c0a8:0101", "192.168.1.255", 120],
  ] as const;
  for (const [a, b, p] of equal) {
    const prefix = p === undefined ? "" : `, ${p}`;
    assert.equal(await value(`ipv6_compare('${a}', '${b}'${prefix})`), 0, `${a} ${b}`);
    assert.equal(await value(`ipv6_is_match('${a}', '${b}'${prefix})`), true, `${a} ${b}`);
  }
  assert.equal(await value("ipv6_compare('fe80::2', 'fe80::1')"), 1);
  assert.equal(await value("ipv6_compare('fe80::2', 'nope')"), null);
  const T = pl.DataFrame({
    ip: [
      "a5e:f127:8a9d:146d:e102:b5d3:c755:abcd",
      "a5e:f127:8a9d:146d:e102:b5d3:c756:abd1",
    ],
  });
  assert.deepEqual(
    (await rows(
      "T | project r = ipv6_is_in_range(ip, 'a5e:f127:8a9d:146d:e102:b5d3:c755:0000/112'), a = ipv6_is_in_any_range(ip, dynamic(['0:0:0:0:0:ffff:c0a8:ac/60', 'a5e:f127:8a9d:146d:e102:b5d3:c756:0/112']))",
      { T },
    )).map((r) => [r.r, r.a]),
    [[true, false], [false, true]],
  );
});

Deno.test("has_ipv4() finds delimited, valid addresses in text", async () => {
  const texts = [
    "05:04:54 127.0.0.1 GET /favicon.ico 404",
    "05:04:54127.0.0.1 GET",
    "from 127.0.0.1.",
    "127.0.0.1.5",
    "127.0.0.256",
    "",
  ];
  assert.deepEqual(await both((t) => `has_ipv4(${t}, '127.0.0.1')`, texts), [
    true,
    false,
    true,
    false,
    false,
    false,
  ]);
  assert.deepEqual(await both((t) => `has_ipv4_prefix(${t}, '127.0.')`, texts), [
    true,
    false,
    true,
    false,
    false,
    false,
  ]);
  assert.equal(await value("has_ipv4_prefix('127.0.0.1', '127.0')"), false);
  assert.equal(await value("has_ipv4('127.0.0.256', '127.0.0.256')"), false);
});

Deno.test("has_any_ipv4() and has_any_ipv4_prefix() take lists or arrays", async () => {
  const texts = ["GET 127.0.0.1 x", "a 192.168.5.5 b", "10.0.0.1"];
  assert.deepEqual(
    await both((t) => `has_any_ipv4(${t}, '127.0.0.1', '10.0.0.1')`, texts),
    [true, false, true],
  );
  assert.deepEqual(
    await both((t) => `has_any_ipv4_prefix(${t}, dynamic(['127.0', '192.168.']))`, texts),
    [false, true, false],
  );
  assert.equal(await value("has_any_ipv4('10.0.0.1', dynamic([]))"), false);
  // The needles may come from a column too.
  const T = pl.DataFrame({ text: texts, needle: ["127.0.0.1", "192.168.5.6", "10.0.0.1"] });
  assert.deepEqual(
    (await rows("T | project v = has_ipv4(text, needle)", { T })).map((r) => r.v),
    [true, false, true],
  );
});

Deno.test("IP functions reject arguments of the wrong type", async () => {
  await rejects("print ipv4_is_private(10)", /argument 1 of ipv4_is_private\(\) must be string/);
  await rejects("print ipv4_is_match('1.2.3.4', '1.2.3.4', 'x')", /argument 3 of ipv4_is_match/);
  await rejects("print parse_ipv6(1.5)", /argument 1 of parse_ipv6\(\) must be string/);
  await rejects("print has_ipv4('text', 1)", /argument 2 of has_ipv4\(\) must be string/);
});
