/**
 * A guided investigation as a notebook shows it (issue 21): a cell ending in
 * `await investigateIp(provider, …)`, executed through the real Deno kernel by nbclient
 * (what `jupyter nbconvert --execute` runs), displays the findings as an HTML table and the timeline as an SVG
 * chart. The address and what it finds are the demo case's exfiltration endpoint
 * (fixtures/demo-case/ANSWERS.md, stage 14: 198.51.100.199 from LKS-FS01, 10.10.1.20,
 * 2026-03-13T03:15:02Z to 04:05:38Z).
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { hasNbconvert, jupyterEnv, PYTHON, tempFolder, writeTestKernel } from "../_helpers.ts";

const REPO = fileURLToPath(new URL("../../", import.meta.url));

const available = await hasNbconvert();

interface Output {
  output_type: string;
  data?: Record<string, unknown>;
  ename?: string;
  evalue?: string;
}

const text = (value: unknown) => (Array.isArray(value) ? value.join("") : String(value ?? ""));

function notebook(cells: string[]) {
  return {
    cells: cells.map((source) => ({
      cell_type: "code",
      execution_count: null,
      metadata: {},
      outputs: [],
      source,
    })),
    metadata: {
      kernelspec: { display_name: "Deno", language: "typescript", name: "casefile-deno" },
      language_info: { name: "typescript" },
    },
    nbformat: 4,
    nbformat_minor: 5,
  };
}

Deno.test({
  name: "notebook: investigateIp's result shows as a findings table and a timeline chart",
  ignore: !available,
  sanitizeResources: false,
  async fn() {
    const dir = await tempFolder();
    await writeTestKernel(dir);
    const input = join(dir, "guided.ipynb");
    await Deno.writeTextFile(
      input,
      JSON.stringify(notebook([
        `import { investigateIp, openLocalProvider } from "./mod.ts";\n` +
        `const provider = await openLocalProvider();`,
        `await investigateIp(provider, "198.51.100.199")`,
      ])),
    );
    // nbclient runs the kernel in the checkout (its deno.json maps the imports), the notebook
    // itself staying in the temporary folder.
    const script = [
      "import sys, nbformat",
      "from nbclient import NotebookClient",
      "nb = nbformat.read(sys.argv[1], as_version=4)",
      "NotebookClient(nb, kernel_name='casefile-deno', timeout=600, iopub_timeout=120,",
      "  resources={'metadata': {'path': sys.argv[3]}}).execute()",
      "nbformat.write(nb, sys.argv[2])",
    ].join("\n");
    const run = await new Deno.Command(PYTHON, {
      args: ["-c", script, input, join(dir, "executed.ipynb"), REPO],
      env: jupyterEnv(dir),
      stdout: "piped",
      stderr: "piped",
    }).output();
    assert.ok(run.success, `nbclient failed:\n${new TextDecoder().decode(run.stderr)}`);
    const executed = JSON.parse(await Deno.readTextFile(join(dir, "executed.ipynb")));
    const outputs = executed.cells[1].outputs as Output[];
    for (const o of outputs) assert.notEqual(o.output_type, "error", `${o.ename}: ${o.evalue}`);
    const html = outputs.map((o) => text(o.data?.["text/html"])).join("\n");
    // The findings table: the exfiltration, from 03:15:02 on 13 March, by the address asked.
    assert.match(html, /<table>[\s\S]*Exfiltration[\s\S]*<\/table>/);
    assert.match(html, /2026-03-13T03:15:02Z/);
    assert.match(html, /198\.51\.100\.199/);
    // What it met to pivot from next: the file server and its address.
    assert.match(html, /LKS-FS01/);
    assert.match(html, /10\.10\.1\.20/);
    // The timeline chart, drawn.
    assert.match(html, /<svg[\s\S]*<\/svg>/);
  },
});
