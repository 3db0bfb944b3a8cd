/**
 * A test run leaves nothing in the temporary folder, and neither does casefile (issue T23:
 * 70,000 leftovers of test runs had piled up in /tmp). Each check runs a real process with
 * an empty temporary folder of its own (TMPDIR in the child's environment only: this
 * process's environment is shared with the test files running beside it) and lists what is
 * left in it once the process has ended. `.ci/run` does the same for the whole suite.
 */
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { pl } from "../src/polars.ts";
import { runCasefile, tempDir, tempFolder } from "./_helpers.ts";

const PROBE = fileURLToPath(new URL("./_temp_probe.ts", import.meta.url));

/** The names in `dir`, sorted. */
function entries(dir: string): string[] {
  return [...Deno.readDirSync(dir)].map((e) => e.name).sort();
}

Deno.test("a test file's temporary folders, files and tmux terminals are gone when it ends", async () => {
  const tmp = await tempDir("casefile-tmpdir-");
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["test", "--allow-all", "--parallel", PROBE],
    env: { TMPDIR: tmp, NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const said = new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
  assert.equal(out.code, 0, said);
  assert.match(said, /3 passed/);
  // What the probe made was there, in its temporary folder (a folder, a folder with
  // subfolders, a file in a folder of its own), and is gone now with all the rest.
  const made: string[] = JSON.parse(/made (\[.*\])/.exec(said)?.[1] ?? "[]");
  assert.equal(made.length, 3, said);
  for (const path of made) assert.ok(path.startsWith(`${tmp}/`), `${path} is under ${tmp}`);
  assert.deepEqual(entries(tmp), [], "nothing is left in the test file's temporary folder");
});

Deno.test("casefile query leaves nothing in the temporary folder, a damaged file's stand-in copy included", async () => {
  // Eight rows, uncompressed, the Account data page header's value count flipped (8 → -9,
  // as in tests/hostile/scan_evidence_test.ts): the sound Bytes column is read through a
  // stand-in copy made in the temporary folder, whose damaged chunk is zeroed.
  const bytes = new Uint8Array(
    pl.DataFrame({
      Account: ["ana", "ben", "cy", "dee", "eve", "fay", "gus", "hal"],
      Bytes: pl.Series("Bytes", [1000, 2000, 3000, 4000, 5000, 6000, 7000, 8000], pl.Int64),
    }).writeParquet({ compression: "uncompressed" }),
  );
  assert.equal(bytes[80], 0x10);
  bytes[80] ^= 1;
  const folder = await tempFolder({ "T.parquet": bytes });
  const tmp = await tempDir("casefile-tmpdir-");
  const run = await runCasefile(
    ["query", "--data", folder, "--format", "json", "T | summarize Total = sum(Bytes)"],
    { env: { TMPDIR: tmp } },
  );
  assert.equal(run.code, 0, run.stderr);
  assert.deepEqual(JSON.parse(run.stdout), [{ Total: 36000 }]); // 1000 + 2000 + … + 8000
  assert.deepEqual(entries(tmp), [], "nothing is left in casefile's temporary folder");
});
