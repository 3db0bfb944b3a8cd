/**
 * `decode()` on short base64 (under 20 characters): text is unpacked, while words, names,
 * hashes and ids of the same length are left alone. The encodings were made with the
 * `base64` tool (`printf 'whoami /all' | base64`), not with casefile.
 */
import { deepStrictEqual as assertEquals, ok } from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { join } from "node:path";
import { decode } from "../../src/enrich/decode.ts";
import { pl } from "../../src/polars.ts";

const REPO = fileURLToPath(new URL("../../", import.meta.url));

Deno.test("decode() unpacks short base64 that decodes to text", () => {
  const cases: Array<[string, string]> = [
    ["aGVsbG8gd29ybGQ=", "hello world"],
    ["d2hvYW1pIC9hbGw=", "whoami /all"],
    ["bmV0IHVzZXI=", "net user"],
    ["SGVsbG8h", "Hello!"],
    ["dGVzdA==", "test"],
  ];
  for (const [encoded, text] of cases) {
    const result = decode(encoded);
    assertEquals([result.status, result.decoded], ["decoded", text], encoded);
    assertEquals(result.layers.map((l) => l.kind), ["base64"]);
  }
  // Inside a command line, the token is replaced in place.
  assertEquals(
    decode("cmd.exe /c echo d2hvYW1pIC9hbGw= | cmd").decoded,
    "cmd.exe /c echo whoami /all | cmd",
  );
});

Deno.test("decode() leaves short words, names, hashes and ids alone", () => {
  const values = [
    "Administrator",
    "Password",
    "PowerShell",
    "Microsoft",
    "WindowsUpdate",
    "ReportOnly",
    "BAV2ROPC",
    "IMAP4",
    "LKS-WS-1042",
    "adm-tom.harper",
    "svc-helpdesk",
    "msedgeupdate.exe",
    "C:\\Windows\\System32\\svchost.exe",
    "S-1-5-21-3623811015",
    "0x3e7",
    "deadbeefcafebabe",
    "c3a1e7f4-92d8-4b6a-8f15-6d0e9b2c4a77",
    "Test1234",
    "userName",
    "AccountName",
    "GetCimInstance",
    "Base64String",
    "aGVsbG8gd29ybGQ", // unpadded: not whole base64, may be an id
    "MTIzNDU2Nzg=", // "12345678": no letters, not text worth unpacking
  ];
  const unpacked = values.filter((v) => decode(v).layers.some((l) => l.kind === "base64"));
  assertEquals(unpacked, []);
});

Deno.test("decode() unpacks no short token among the demo case's real values", () => {
  // Every word of 8-19 characters in the text columns of the case's busiest tables.
  const words = new Set<string>();
  for (const table of ["DeviceProcessEvents", "SecurityEvent", "SigninLogs", "OfficeActivity"]) {
    const frame = pl.readParquet(join(REPO, `fixtures/demo-case/${table}.parquet`));
    for (const [i, column] of frame.columns.entries()) {
      if (frame.dtypes[i].variant !== "String" && frame.dtypes[i].variant !== "Utf8") continue;
      for (const value of frame.getColumn(column).unique().toArray() as Array<string | null>) {
        for (const word of (value ?? "").split(/[\s"',;()[\]{}|]+/)) {
          if (word.length >= 8 && word.length < 20) words.add(word);
        }
      }
    }
  }
  ok(words.size > 1000, `${words.size} words`);
  const unpacked = [...words].filter((w) => decode(w).layers.some((l) => l.kind === "base64"));
  assertEquals(unpacked, []);
});
