import assert from "node:assert/strict";
import { join } from "node:path";
import { exportNotebook } from "../../src/session/export_notebook.ts";
import { openSession } from "../../src/session/session.ts";
import { tempFolder } from "../_helpers.ts";
import { demoSession } from "./_export_fixture.ts";

const PYTHON = "/usr/bin/python3";

async function hasNbformat(): Promise<boolean> {
  try {
    const out = await new Deno.Command(PYTHON, { args: ["-c", "import nbformat"] }).output();
    if (out.success) return true;
  } catch {
    // No python3.
  }
  if (Deno.env.get("CI") === "true") throw new Error("python3-nbformat is needed under CI");
  return false;
}

Deno.test("exportNotebook() writes a Deno-kernel notebook, one cell per kept step", async (t) => {
  const { session } = await demoSession("notebook");
  const home = await tempFolder();
  const text = exportNotebook(session, { home });
  const notebook = JSON.parse(text);
  const sources = notebook.cells.map((c: { source: string[] }) => c.source.join(""));

  await t.step("nbformat 4 with the Deno kernel", () => {
    assert.equal(notebook.nbformat, 4);
    assert.deepEqual(notebook.metadata.kernelspec, {
      name: "deno",
      display_name: "Deno",
      language: "typescript",
    });
    assert.equal(notebook.metadata.language_info.name, "typescript");
  });

  await t.step(
    "cells: title, setup, the finding's note before its step, kept steps in order",
    () => {
      assert.deepEqual(
        notebook.cells.map((c: { id: string; cell_type: string }) => `${c.cell_type}:${c.id}`),
        [
          "markdown:session",
          "code:setup",
          "markdown:finding-1",
          "code:step-1",
          "code:step-2",
          "code:step-5",
          "code:step-6",
          "code:step-7",
          "code:step-8",
          "code:close",
        ],
      );
      assert.match(sources[1], /from "file:\/\/\/.*\/mod\.ts";/);
      assert.match(sources[1], /await openLocalProvider\(".*fixtures\/demo-case"\)/);
      assert.match(
        sources[1],
        /window: \{ kind: "timerange", default: parseParam\("window", "timerange", "2026-03-11T00:00:00Z\.\.2026-03-12T00:00:00Z"\)/,
      );
      assert.equal(
        sources[2],
        "**Finding** (step 1, spray): Three IPs sprayed &#60;script&#62;x&#60;/script&#62; 20+ accounts",
      );
      assert.match(
        sources[3],
        /^const spray = await session\.query\("spray", kql`SigninLogs\n\| where ResultType == \$\{session\.params\.code\}/,
      );
      assert.match(sources[3], /\{ timespan: session\.params\.window \}\);\nspray;$/);
      assert.match(sources[4], /now: new Date\("2026-03-12T06:00:00\.000Z"\)/);
      assert.match(sources[5], /^const top = await session\.run\("top", \(\{ spray \}\) ?=>/);
      assert.equal(sources[6], 'const count = await session.run("count", "spray.height");\ncount;');
      assert.match(sources[7], /\$\{rawKql\("/);
      assert.ok(!sources.some((s: string) => s.includes('"wide"') || s.includes('"broken"')));
    },
  );

  await t.step("nbformat validates it", async () => {
    if (!(await hasNbformat())) {
      console.warn("skipped: python3-nbformat is not installed (apt-get install python3-nbformat)");
      return;
    }
    const path = join(await tempFolder(), "notebook.ipynb");
    await Deno.writeTextFile(path, text);
    const out = await new Deno.Command(PYTHON, {
      args: [
        "-c",
        "import sys, nbformat; nb = nbformat.read(sys.argv[1], as_version=4); nbformat.validate(nb); print('valid', len(nb.cells))",
        path,
      ],
    }).output();
    assert.equal(new TextDecoder().decode(out.stderr), "");
    assert.equal(new TextDecoder().decode(out.stdout).trim(), "valid 10");
  });

  await t.step("its code cells, run in order, reproduce the results", async () => {
    const code = notebook.cells
      .filter((c: { cell_type: string }) => c.cell_type === "code")
      .map((c: { source: string[] }) => c.source.join(""))
      .join("\n\n");
    const path = join(await tempFolder(), "cells.ts");
    await Deno.writeTextFile(path, code);
    const repo = new URL("../../", import.meta.url).pathname;
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["run", `--config=${repo}deno.json`, "--allow-all", path],
      env: { NO_COLOR: "1" },
      stdout: "piped",
      stderr: "piped",
    }).output();
    assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
    const copy = await openSession("notebook-notebook", { home });
    const hashes = (s: typeof session) =>
      s.steps().filter((x) =>
        x.record.result?.kind === "frame" && x.mark !== "dead-end" && x.record.status === "ok"
      )
        .map((x) => [x.record.name, (x.record.result as { sha256: string }).sha256]);
    assert.deepEqual(hashes(copy), hashes(session));
    assert.deepEqual(copy.value("count"), 3);
    await copy.close();
  });
  await session.close();
});
