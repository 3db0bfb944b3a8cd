/**
 * IoC extraction: tricky strings with hand-checked answers, the real command lines of
 * ../shared/realdata, and the demo case's DeviceProcessEvents.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { pl } from "../../src/polars.ts";
import { loadTable } from "../../src/data/load.ts";
import { openLocalProvider } from "../../src/providers/local/local_provider.ts";
import { extractIocs, extractIocsFrame, refang } from "../../src/enrich/ioc.ts";
import { EnrichmentError } from "../../src/enrich/errors.ts";
import { ANSWER_KEY } from "../../scripts/demo_case/_attack.ts";
import { hasShared, REALDATA_DIR } from "../_helpers.ts";
import { assertOrdered, assertSameList, permutation, sha } from "../_order.ts";

const pairs = (text: string, options = {}) =>
  extractIocs(text, options).map((m) => `${m.type} ${m.value}`);

const TRICKY: Array<[string, string[]]> = [
  // Defanged forms refanged.
  ["hxxps://cdn.edgeupdate-sync[.]example/a/u.ps1", [
    "url https://cdn.edgeupdate-sync.example/a/u.ps1",
  ]],
  ["seen 203.0.113[.]45 and evil(.)com and a[at]b[.]co.uk", [
    "ipv4 203.0.113.45",
    "domain evil.com",
    "email a@b.co.uk",
  ]],
  ["hXXp[:]//bad[.]example/x", ["url http://bad.example/x"]],
  // IPv6: compressed, full, bracketed with a port, zone id, IPv4-mapped; not scope operators.
  ["fe80::1%eth0 [2001:db8::1]:443 2001:0db8:0000:0000:0000:0000:0000:0001 ::1", [
    "ipv6 fe80::1",
    "ipv6 2001:db8::1",
    "ipv6 2001:db8::1",
    "ipv6 ::1",
  ]],
  ["::ffff:192.0.2.1 and 2001:db8:0:0:1:0:0:1", ["ipv6 ::ffff:c000:201", "ipv6 2001:db8::1:0:0:1"]],
  ["[System.Convert]::FromBase64String($x); std::cout; 10:20:30; 00:1a:2b:3c:4d:5e", []],
  // IPv4 with ports and punctuation; versions and leading zeros are not addresses.
  ["connect 1.2.3.4:8080, then (5.6.7.8). Done.", ["ipv4 1.2.3.4", "ipv4 5.6.7.8"]],
  ["v1.2.3.4 10.0.14393.2602 tsetup.1.0.14.exe 01.02.03.04 1.2.3.256", []],
  ["FileVersion 1.2.3.4", ["ipv4 1.2.3.4"]],
  // URLs: trailing punctuation, quotes, balanced parentheses.
  [`see (http://x.com/a_(b)). "https://q.com/x?y=1", 'http://z.org/p';`, [
    "url http://x.com/a_(b)",
    "url https://q.com/x?y=1",
    "url http://z.org/p",
  ]],
  // Paths, UNC, registry keys (quoted with spaces, lower case, PowerShell drive form).
  [`"C:\\Program Files\\My App\\app.exe" /x C:\\Temp\\a.txt`, [
    "windows_path C:\\Program Files\\My App\\app.exe",
    "windows_path C:\\Temp\\a.txt",
  ]],
  ["net use \\\\fileserver\\share$ and \\\\.\\pipe\\evil and \\??\\C:\\Windows\\x.exe", [
    "windows_path \\\\fileserver\\share$",
    "windows_path \\\\.\\pipe\\evil",
    "windows_path \\??\\C:\\Windows\\x.exe",
  ]],
  [`reg add "HKLM\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion\\Winlogon" /v Shell`, [
    "registry_key HKLM\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion\\Winlogon",
  ]],
  ["gp HKCU:\\Software\\Run; HKEY_LOCAL_MACHINE\\SYSTEM\\x", [
    "registry_key HKCU:\\Software\\Run",
    "registry_key HKEY_LOCAL_MACHINE\\SYSTEM\\x",
  ]],
  ["cat /etc/passwd; ls ~/bin/tool /c /d", ["linux_path /etc/passwd", "linux_path ~/bin/tool"]],
  // Hashes by length; all-digit runs are not hashes.
  [
    "d41d8cd98f00b204e9800998ecf8427e da39a3ee5e6b4b0d3255bfef95601890afd80709 " +
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855 12345678901234567890123456789012",
    [
      "md5 d41d8cd98f00b204e9800998ecf8427e",
      "sha1 da39a3ee5e6b4b0d3255bfef95601890afd80709",
      "sha256 e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    ],
  ],
  // Domains against the public-suffix list; file names and method calls are not domains.
  ['google.png ServiceState.mof setup.zip Shell.Run(x) CreateObject("Wscript.Shell")', []],
  ["evil[.]zip example.co.uk login.microsoftonline.com", [
    "domain evil.zip",
    "domain example.co.uk",
    "domain login.microsoftonline.com",
  ]],
];

Deno.test("extractIocs() finds tricky indicators and refuses look-alikes", () => {
  for (const [text, expected] of TRICKY) {
    assert.deepEqual(pairs(text), expected, text);
  }
});

Deno.test("extractIocs() offsets point at the indicator in the original text", () => {
  const text = "x hxxp://a[.]example/p y 10.0.0.1";
  const [url, ip] = extractIocs(text);
  assert.equal(text.slice(url.start, url.end), "hxxp://a[.]example/p");
  assert.equal(text.slice(ip.start, ip.end), "10.0.0.1");
});

Deno.test("extractIocs() reports a URL's host only when urlParts is set", () => {
  const text =
    "curl http://files.quickdrop-share.example/u and https://[2001:db8::5]/x http://198.51.100.1/";
  assert.deepEqual(pairs(text), [
    "url http://files.quickdrop-share.example/u",
    "url https://[2001:db8::5]/x",
    "url http://198.51.100.1/",
  ]);
  const parts = extractIocs(text, { urlParts: true });
  assert.deepEqual(parts.map((m) => `${m.type} ${m.value}`), [
    "url http://files.quickdrop-share.example/u",
    "domain files.quickdrop-share.example",
    "url https://[2001:db8::5]/x",
    "ipv6 2001:db8::5",
    "url http://198.51.100.1/",
    "ipv4 198.51.100.1",
  ]);
  const host = parts[1];
  assert.equal(text.slice(host.start, host.end), "files.quickdrop-share.example");
});

Deno.test("extractIocs() takes custom types and resolves overlaps by priority", () => {
  const cve = {
    name: "cve",
    pattern: /CVE-\d{4}-\d{4,}/gi,
    normalise: (s: string) => s.toUpperCase(),
  };
  assert.deepEqual(pairs("patch cve-2021-44228 now", { custom: [cve] }), ["cve CVE-2021-44228"]);
  // A custom type that covers a built-in one wins with a higher priority, loses with a lower.
  const host = { name: "internal_host", pattern: /\b[a-z0-9-]+\.corp\.example\b/g, priority: 95 };
  assert.deepEqual(pairs("ping lks-fs01.corp.example", { custom: [host] }), [
    "internal_host lks-fs01.corp.example",
  ]);
  assert.deepEqual(pairs("ping lks-fs01.corp.example", { custom: [{ ...host, priority: 1 }] }), [
    "domain lks-fs01.corp.example",
  ]);
  assert.deepEqual(pairs("a 1.2.3.4 b.example", { types: ["ipv4"] }), ["ipv4 1.2.3.4"]);
  assert.throws(() => extractIocs("x", { types: ["ipv5"] }), EnrichmentError);
  assert.throws(
    () => extractIocs("x", { custom: [{ name: "x", pattern: "y" as unknown as RegExp }] }),
    EnrichmentError,
  );
});

Deno.test("refang() turns defanged indicators live", () => {
  assert.equal(refang("hxxps[:]//a[.]b(.)c[dot]d/e"), "https://a.b.c.d/e");
  assert.equal(refang("user[at]mail[.]example"), "user@mail.example");
});

Deno.test("extractIocs() survives enormous and binary input", () => {
  const big = "A".repeat(2_000_000) + " 8.8.8.8 " + "\u0000\uffff".repeat(1000);
  assert.deepEqual(pairs(big), ["ipv4 8.8.8.8"]);
});

// Outside CI a missing ../shared is reported as ignored (under CI hasShared() throws).
Deno.test({
  name: "extractIocsFrame() on the real command lines of processes_on_host.csv",
  ignore: !(await hasShared()),
  fn: async () => {
    const { frame } = await loadTable(join(REALDATA_DIR, "processes_on_host.csv"));
    const iocs = extractIocsFrame(frame, { columns: ["CommandLine", "NewProcessName"] });
    assert.deepEqual(iocs.columns, ["row", "column", "type", "value", "start", "end"]);
    const of = (type: string) =>
      [...new Set(iocs.filter(pl.col("type").eq(pl.lit(type))).getColumn("value").toArray())]
        .sort();
    assert.deepEqual(of("email"), [
      "dotanp@microsoft.com",
      "ianhelle@microsoft.com",
      "liengli@microsoft.com",
      "marcook@microsoft.com",
      "romead@microsoft.com",
      "timb@microsoft.com",
    ]);
    assert.deepEqual(of("md5"), ["81ed03caf6901e444c72ac67d192fb9c"]);
    assert.deepEqual(of("ipv4"), ["1.2.3.4"]);
    assert.deepEqual(of("url"), [
      "http://127.0.0.1/",
      "http://badguyserver/pwnme",
      "http://server/file.sct",
      "http://somedomain/best-kitten-names-1.jpg",
      "http://system.management.automation.amsiutils",
      "https://blah/png",
    ]);
    assert.deepEqual(of("registry_key"), [
      "HKLM:Software\\Microsoft\\Windows\\CurrentVersion",
      "HKLM\\KEY_LOCAL_MACHINE\\...securityproviders\\wdigest",
      "HKLM\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion\\Svchost\\MyNastySvcHostConfig",
      "HKLM\\system\\CurrentControlSet\\Control\\Terminal Server",
      "hkcu\\console",
      "hkcu\\software\\microsoft\\some\\key\\Run",
    ]);
    const paths = of("windows_path");
    for (
      const p of [
        "C:\\Program Files\\Microsoft Monitoring Agent\\Agent\\Health Service State\\CT_602681692\\NativeDSC\\DesiredStateConfiguration\\ASMHost.exe",
        "\\\\MSTICAlertsWin1\\TestShare",
        "\\\\.\\pipe\\blahtest",
        "\\??\\C:\\Windows\\system32\\conhost.exe",
        "C:\\Users\\user\\AppData\\Local\\Temp\\bzzzzzz.txt",
      ]
    ) assert.ok(paths.includes(p), p);
    // Every row's NewProcessName is one full path.
    const names = iocs.filter(pl.col("column").eq(pl.lit("NewProcessName")));
    assert.equal(names.height, frame.height);
    // Offsets point back into the source text.
    const texts = frame.getColumn("CommandLine").toArray() as string[];
    for (const r of iocs.filter(pl.col("type").eq(pl.lit("email"))).toRecords()) {
      assert.equal(texts[r.row as number].slice(r.start as number, r.end as number), r.value);
    }
  },
});

Deno.test("extractIocsFrame() finds the demo case's planted indicators", async () => {
  const provider = await openLocalProvider();
  const events = (await provider.query(
    "SecurityEvent | where EventID == 4688 and Computer startswith 'LKS-FS01'",
  )).frame;
  const iocs = extractIocsFrame(events, { columns: "CommandLine" });
  const values = new Set(iocs.getColumn("value").toArray());
  assert.ok(values.has(ANSWER_KEY.exfiltration.toolPath), "rclone path");
  const dedup = extractIocsFrame(events, { columns: "CommandLine", dedupe: false });
  assert.equal(dedup.height, iocs.height);
  assert.deepEqual(
    dedup.sort(["row", "start"]).getColumn("value").toArray(),
    iocs.sort(["row", "start"]).getColumn("value").toArray(),
  );
  assert.throws(
    () => extractIocsFrame(events, { columns: "CommandLin" }),
    (e: EnrichmentError) => e.hint === "Did you mean `CommandLine`?",
  );
});

Deno.test("extractIocs() extends quoted paths to the quote on the same line only", () => {
  assert.deepEqual(pairs(`run "C:\\Program Files\\A B\\x.exe " -f 'C:\\Temp\\y z.txt'`), [
    "windows_path C:\\Program Files\\A B\\x.exe",
    "windows_path C:\\Temp\\y z.txt",
  ]);
  // No closing quote before the line ends: the path stops at the space.
  assert.deepEqual(pairs(`"C:\\Program Files\\A B\nmore" text`), [
    "windows_path C:\\Program Files\\A",
  ]);
  // Escaped backslashes collapse (a UNC prefix stays); trailing punctuation is dropped.
  assert.deepEqual(pairs(`C:\\\\Windows\\\\Temp\\\\a.ps1; \\\\\\\\srv\\\\share\\\\x.`), [
    "windows_path C:\\Windows\\Temp\\a.ps1",
    "windows_path \\\\srv\\share\\x",
  ]);
});

Deno.test("extractIocsFrame() builds typed columns, with and without dedupe and custom types", () => {
  const frame = pl.DataFrame({
    a: ["see 10.0.0.1 and evil.example", null, "see 10.0.0.1 and evil.example", "nothing"],
    b: ["C:\\x\\y.exe CVE-2021-44228", "", "10.0.0.1", null],
  });
  const cve = { name: "cve", pattern: /CVE-\d{4}-\d{4,}/g };
  for (const dedupe of [true, false]) {
    const iocs = extractIocsFrame(frame, { columns: ["a", "b"], dedupe, custom: [cve] });
    assert.deepEqual(iocs.dtypes.map(String), [
      "DataType(UInt32)",
      "DataType(String)",
      "DataType(String)",
      "DataType(String)",
      "DataType(UInt32)",
      "DataType(UInt32)",
    ]);
    assert.deepEqual(
      iocs.toRecords().map((r) => `${r.row} ${r.column} ${r.type} ${r.value} ${r.start}-${r.end}`),
      [
        "0 a ipv4 10.0.0.1 4-12",
        "0 a domain evil.example 17-29",
        "2 a ipv4 10.0.0.1 4-12",
        "2 a domain evil.example 17-29",
        "0 b windows_path C:\\x\\y.exe 0-10",
        "0 b cve CVE-2021-44228 11-25",
        "2 b ipv4 10.0.0.1 0-8",
      ],
    );
  }
  const none = extractIocsFrame(frame, { columns: "a", types: ["md5"] });
  assert.equal(none.height, 0);
  assert.deepEqual(none.columns, ["row", "column", "type", "value", "start", "end"]);
  assert.deepEqual(none.dtypes.map(String)[2], "DataType(String)");
});

Deno.test("extractIocsFrame() keeps odd values intact in large frames", () => {
  // Over 10,000 indicators take the bulk path into Polars: quotes, line breaks, commas,
  // empty strings and non-ASCII must come back as they went in.
  const odd = ['say "hi"', "two\nlines", "a,b", "", "é\r\n", "NA"];
  const texts = Array.from(
    { length: 12_000 },
    (_, i) => `<<${odd[i % odd.length]}>> 10.0.0.${i % 256}`,
  );
  const marker = { name: "marker", pattern: /<<([\s\S]*?)>>/g };
  const expected = texts.flatMap((t) => extractIocs(t, { custom: [marker] }).map((m) => m.value));
  for (const dedupe of [false, true]) {
    const iocs = extractIocsFrame(pl.DataFrame({ t: texts }), {
      columns: "t",
      custom: [marker],
      dedupe,
    });
    assert.equal(iocs.height, 24_000);
    assert.deepEqual(iocs.getColumn("value").toArray(), expected, `dedupe: ${dedupe}`);
  }
});

Deno.test("extractIocsFrame() without a column (untyped code) says so and lists the columns", () => {
  const frame = pl.DataFrame({ CommandLine: ["ping 10.0.0.1"] });
  // deno-lint-ignore no-explicit-any
  const untyped = extractIocsFrame as (...args: any[]) => unknown;
  for (const columns of [undefined, [], [7]]) {
    for (const call of [() => untyped(frame, columns), () => untyped(frame, { columns })]) {
      assert.throws(
        call,
        (e: unknown) =>
          e instanceof EnrichmentError && /no column to scan is named/.test(e.message) &&
          /CommandLine/.test(e.hint ?? ""),
      );
    }
  }
});

Deno.test("extractIocsFrame() lists indicators by column, row and place in the text, with or without dedupe", async () => {
  const provider = await openLocalProvider();
  const processes = (await provider.table("DeviceProcessEvents")).frame
    .select("ProcessCommandLine", "InitiatingProcessCommandLine").head(20_000);
  // Repeated texts, so dedupe joins one text's indicators back to many rows.
  const input = pl.concat([
    processes,
    pl.DataFrame({
      ProcessCommandLine: ["a 10.0.0.1 then http://x.example/p 10.0.0.2", null],
      InitiatingProcessCommandLine: ["b 10.0.0.3", "a 10.0.0.1 then http://x.example/p 10.0.0.2"],
    }),
    processes.head(500),
  ]);
  const columns = ["InitiatingProcessCommandLine", "ProcessCommandLine"];
  const rank = new Map(columns.map((c, i) => [c, i]));
  const order = [{ column: "column", map: (c: unknown) => rank.get(c as string) }, "row", "start"];
  const found = extractIocsFrame(input, { columns, urlParts: true });
  assert.ok(found.height > 1000);
  assertOrdered(found, order);
  const plain = extractIocsFrame(input, { columns, urlParts: true, dedupe: false });
  assert.equal(sha(plain), sha(found), "dedupe changes nothing");
  assert.equal(sha(extractIocsFrame(input, { columns, urlParts: true })), sha(found), "again");
  // Each row's indicators are its own text's, in the text's order.
  const texts = columns.map((c) => input.getColumn(c).toArray() as (string | null)[]);
  const expected = columns.flatMap((c, k) =>
    texts[k].flatMap((t, row) =>
      t === null
        ? []
        : extractIocs(t, { urlParts: true }).map((m) =>
          `${c}|${row}|${m.type}|${m.value}|${m.start}`
        )
    )
  );
  const got = found.select(
    pl.concatString(
      ["column", "row", "type", "value", "start"].map((c) => pl.col(c).cast(pl.Utf8)),
      "|",
    )
      .alias("k"),
  ).getColumn("k").toArray();
  assertSameList(got, expected);
  // Rows in another order: the same indicators, their `row` moved with them.
  const perm = permutation(input.height, 11);
  const moved = extractIocsFrame(input.select(pl.all().gather(perm)), { columns, urlParts: true });
  const back = moved.withColumn(
    pl.col("row").replaceStrict(perm.map((_, i) => i), perm, undefined, pl.UInt32).alias("row"),
  );
  const restored = back.sort(["column", "row", "start"]);
  assert.equal(sha(restored), sha(found));
});
