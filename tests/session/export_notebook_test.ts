import assert from "node:assert/strict";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { exportNotebook } from "../../src/session/export_notebook.ts";
import { openSession, type Session } from "../../src/session/session.ts";
import { executeNotebook, hasNbconvert } from "../scenarios/_harness.ts";
import { tempFolder } from "../_helpers.ts";
import { demoSession, SPRAY_IPS } from "./_export_fixture.ts";

const PYTHON = "/usr/bin/python3";
const REPO = fileURLToPath(new URL("../../", import.meta.url)).replace(/\/$/, "");

async function hasPython(module: string): Promise<boolean> {
  try {
    const out = await new Deno.Command(PYTHON, { args: ["-c", `import ${module}`] }).output();
    if (out.success) return true;
  } catch {
    // No python3.
  }
  if (Deno.env.get("CI") === "true") throw new Error(`python3 ${module} is needed under CI`);
  return false;
}

interface Cell {
  id: string;
  cell_type: string;
  source: string[];
  outputs?: {
    output_type: string;
    name?: string;
    text?: string[];
    data?: Record<string, string[]>;
    ename?: string;
    evalue?: string;
  }[];
}

const text = (lines: string[] | undefined) => (lines ?? []).join("");

function hashes(session: Session): [string, string, string | undefined][] {
  return session.steps()
    .filter((s) => s.record.status === "ok" && s.mark !== "dead-end")
    .map((s) => {
      const r = s.record.result!;
      return [s.record.name, r.kind, "sha256" in r ? r.sha256 : undefined];
    });
}

Deno.test("exportNotebook() writes a notebook for the casefile kernel, with what each step showed", async (t) => {
  const { session } = await demoSession("notebook");
  await session.run("printed", 'const printed = spray.height; console.log("sprayers:", printed)');
  const dir = await tempFolder();
  const path = join(dir, "spray.ipynb");
  const notebookText = await exportNotebook(session, { path });
  assert.equal(await Deno.readTextFile(path), notebookText, "written to the path given");
  assert.equal((await Deno.stat(path)).mode! & 0o777, 0o600);
  const notebook = JSON.parse(notebookText);
  const cells = notebook.cells as Cell[];
  const source = (id: string) => text(cells.find((c) => c.id === id)?.source);

  await t.step("nbformat 4 for the casefile kernel; no path of this machine", () => {
    assert.equal(notebook.nbformat, 4);
    assert.deepEqual(notebook.metadata.kernelspec, {
      name: "casefile",
      display_name: "Deno (casefile)",
      language: "typescript",
    });
    assert.ok(!notebookText.includes(REPO), "no path of the checkout");
    assert.ok(!/"\/tmp\//.test(notebookText), "no temporary path");
  });

  await t.step("cells: title, setup, the finding's note before its step, kept steps", () => {
    assert.deepEqual(cells.map((c) => `${c.cell_type}:${c.id}`), [
      "markdown:session",
      "code:setup",
      "markdown:finding-1",
      "code:step-1",
      "code:step-2",
      "code:step-5",
      "code:step-6",
      "code:step-7",
      "code:step-8",
      "code:step-9",
      "code:close",
    ]);
    assert.match(
      source("setup"),
      /^import \{ kql, openLocalProvider, openSession, param, rawKql \} from "casefile";/,
    );
    assert.match(source("setup"), /provider: await openLocalProvider\(\),/);
    assert.match(
      source("setup"),
      /window: param\.timerange\(\{ default: "2026-03-11T00:00:00Z\.\.2026-03-12T00:00:00Z", description: "the day of the spray" \}\),/,
    );
    assert.equal(
      source("finding-1"),
      "**Finding** (step 1, spray): Three IPs sprayed &#60;script&#62;x&#60;/script&#62; 20+ accounts",
    );
    assert.match(source("step-1"), /^\/\/ 1\. spray \(query\): a frame of 3 rows\n\/\/ Finding: /);
    assert.match(
      source("step-1"),
      /const spray = await session\.query\("spray", kql`SigninLogs\n\| where ResultType == \$\{session\.params\.code\}/,
    );
    assert.match(source("step-1"), /\{ timespan: session\.params\.window \}\);\nspray;$/);
    assert.match(source("step-2"), /now: new Date\("2026-03-12T06:00:00\.000Z"\)/);
    assert.match(
      source("step-6"),
      /const count = await session\.run\("count", \(\{ spray \}\) => spray\.height\);\ncount;$/,
    );
    assert.ok(!cells.some((c) => /"wide"|"broken"/.test(text(c.source))));
  });

  await t.step("each step's cell shows what the step showed", () => {
    const outputs = (id: string) => cells.find((c) => c.id === id)!.outputs!;
    const html = text(outputs("step-1")[0].data!["text/html"]);
    for (const ip of SPRAY_IPS) assert.ok(html.includes(`<td>${ip}</td>`), ip);
    assert.deepEqual(outputs("step-6").map((o) => text(o.data?.["text/plain"])), ["3"]);
    const printed = outputs("step-9");
    assert.deepEqual(printed[0], {
      output_type: "stream",
      name: "stdout",
      text: ["sprayers: 3\n"],
    });
  });

  // Outside CI a missing tool is reported as an ignored step (under CI it throws).
  await t.step({
    name: "nbformat validates it",
    ignore: !(await hasPython("nbformat")),
    fn: async () => {
      const out = await new Deno.Command(PYTHON, {
        args: [
          "-c",
          "import sys, nbformat; nb = nbformat.read(sys.argv[1], as_version=4); nbformat.validate(nb); print('valid', len(nb.cells))",
          path,
        ],
      }).output();
      assert.equal(new TextDecoder().decode(out.stderr), "");
      assert.equal(new TextDecoder().decode(out.stdout).trim(), "valid 11");
    },
  });

  await t.step({
    name: "run by nbconvert in the casefile kernel, it gives every hash",
    ignore: !(await hasNbconvert()),
    fn: async () => {
      const home = await tempFolder();
      // No cell may fail (executeNotebook asserts it).
      await executeNotebook(path, home);
      const copy = await openSession("notebook-notebook", { home });
      assert.deepEqual(hashes(copy), hashes(session));
      assert.equal(copy.value("count"), 3);
      await copy.close();
    },
  });
  await session.close();
});
