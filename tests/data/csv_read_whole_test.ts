/**
 * Text files are read into one buffer of their size, 1 MiB at a time (`readWholeFile`):
 * every byte must land where it was, across the reads' boundaries, or a large CSV's check
 * (in the worker) would name the wrong line or miss a NUL. The fixed-width CSV below puts
 * record `r` (0-based) at byte 13 + 64·r, on line r + 2, so lines are computed by hand.
 */
import assert from "node:assert/strict";
import { readWholeFile } from "../../src/data/_csv_check.ts";
import { PARALLEL_CHECK_BYTES } from "../../src/data/_csv.ts";
import { type CasefileRun, runCasefile, tempFile } from "../_helpers.ts";

const MIB = 2 ** 20;

/** `size` bytes of a pattern no shifted or repeated read reproduces: (i·31 + i>>16) mod 251. */
function pattern(size: number): Uint8Array {
  const bytes = new Uint8Array(size);
  for (let i = 0; i < size; i++) bytes[i] = (i * 31 + (i >> 16)) % 251;
  return bytes;
}

Deno.test("readWholeFile returns every byte in place, at and around the 1 MiB reads' edges", async () => {
  for (const size of [0, 1, MIB - 1, MIB, MIB + 1, 3 * MIB + 7]) {
    const file = await Deno.makeTempFile();
    try {
      const expected = pattern(size);
      await Deno.writeFile(file, expected);
      const read = await readWholeFile(file);
      assert.equal(read.length, size, `size ${size}`);
      // Spot checks first (a clear message), then the whole.
      for (const i of [0, MIB - 1, MIB, 2 * MIB, size - 1].filter((i) => i >= 0 && i < size)) {
        assert.equal(read[i], (i * 31 + (i >> 16)) % 251, `byte ${i} of ${size}`);
      }
      assert.deepEqual(read, expected, `size ${size}`);
    } finally {
      await Deno.remove(file);
    }
  }
});

const HEADER = "id,host,note\n"; // 13 bytes
const ROWS = 140_000;

/** Record r: `0000042,host-42,ok....` padded to 63 characters and a line feed. */
function record(r: number): string {
  const line = `${String(r).padStart(7, "0")},host-${String(r % 50).padStart(2, "0")},ok`;
  return line.padEnd(63, ".") + "\n";
}

function fixedCsv(edit: (r: number, line: string) => string = (_, l) => l): string {
  let text = HEADER;
  for (let r = 0; r < ROWS; r++) text += edit(r, record(r));
  return text;
}

async function casefileLoad(file: string): Promise<CasefileRun> {
  return await runCasefile(["load", file, "--format", "csv"]);
}

Deno.test("casefile load names the line of a NUL byte that starts the third 1 MiB read", async () => {
  // Byte 2 MiB = 2,097,152: record floor((2,097,152 − 13) / 64) = 32,767 starts at
  // 13 + 32,767·64 = 2,097,101, so the byte is its 51st character (in the note) on line 32,769.
  const text = fixedCsv((r, l) => r === 32_767 ? l.slice(0, 51) + "\0" + l.slice(52) : l);
  assert.equal(text.indexOf("\0"), 2 * MIB, "the NUL sits on the read boundary");
  const file = await tempFile("nul.csv", text);
  assert.ok((await Deno.stat(file)).size >= PARALLEL_CHECK_BYTES, "checked in the worker");
  const out = await casefileLoad(file);
  assert.equal(out.code, 1, out.stderr);
  assert.ok(out.stderr.includes(file), out.stderr);
  assert.match(out.stderr, /NUL byte at line 32769\b/);
});

Deno.test("casefile load names a stray quote in the file's last record, after the last full read", async () => {
  // The last record, r = 139,999, is on line 140,001; its note is "ok" then dots.
  const text = fixedCsv((r, l) => r === ROWS - 1 ? l.replace("ok.", 'ok"') : l);
  const file = await tempFile("stray.csv", text);
  const out = await casefileLoad(file);
  assert.equal(out.code, 1, out.stderr);
  assert.match(out.stderr, /quote inside a field that is not quoted at line 140001\b/);
});

Deno.test("casefile load reads the fixed-width CSV whole, its last record intact", async () => {
  const file = await tempFile("fine.csv", fixedCsv());
  const out = await casefileLoad(file);
  assert.equal(out.code, 0, out.stderr);
  const lines = out.stdout.trimEnd().split("\n");
  assert.equal(lines.length, ROWS + 1);
  // 139,999 = 50·2,799 + 49: host-49. Ids with leading zeros stay text, zeros kept; the
  // note is padded to 63 − 18 = 45 dots.
  assert.match(lines[ROWS], /^0139999,host-49,ok\.{45}$/);
});
