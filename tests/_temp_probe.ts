/**
 * A test file for tests/temp_cleanup_test.ts, run by it with a temporary folder (TMPDIR) of
 * its own: it makes temporary folders, files and a tmux terminal the way the tests do, says
 * their paths, and leaves some of them for the end of the file to remove.
 */
import assert from "node:assert/strict";
import { tempDir, tempFile, tempFolder } from "./_helpers.ts";
import { Terminal, tmuxAvailable } from "./_tmux.ts";

Deno.test("probe: folders and files, left for the end of the file", async () => {
  const made = [
    await tempDir("probe-"),
    await tempFolder({ "deep/er/notes.txt": "x" }),
    await tempFile("alerts.csv", "Account\nana\n"),
  ];
  for (const path of made) await Deno.stat(path);
  console.log(`made ${JSON.stringify(made)}`);
});

Deno.test("probe: a folder its test removes itself", async () => {
  const dir = await tempDir("probe-own-");
  await Deno.remove(dir);
});

Deno.test("probe: a terminal, closed", async () => {
  if (!(await tmuxAvailable())) return;
  const terminal = new Terminal({ scrollback: 100 });
  try {
    await terminal.start(["--help"]);
    assert.match(await terminal.waitFor(/\[exited 0\]/, 120_000), /casefile/);
  } finally {
    await terminal.close();
  }
});
