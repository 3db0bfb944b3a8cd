/**
 * installNotebookDisplay() in the real Deno Jupyter kernel, executed by nbclient (what
 * `jupyter nbconvert --execute` runs): once `mod.ts` is imported, a cell whose last value is a
 * DataFrame or a query result shows casefile's HTML table (not nodejs-polars' data resource),
 * `Deno.jupyter.display()` shows frames the same way, and `{ raw: true }` still sends a MIME
 * bundle as it is (issue 23: it had no direct test). The query's numbers are the demo case's
 * password spray (fixtures/demo-case/ANSWERS.md, stage 1: 486 attempts, 449 failures 50126).
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { hasNbconvert, jupyterEnv, PYTHON, tempFolder, writeTestKernel } from "../_helpers.ts";

const REPO = fileURLToPath(new URL("../../", import.meta.url));
const DATA_RESOURCE = "application/vnd.dataresource+json";

const available = await hasNbconvert();

interface Output {
  output_type: string;
  data?: Record<string, unknown>;
  text?: string | string[];
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

/** Runs the cells in the kernel (in the checkout, for its deno.json) and returns each one's outputs. */
async function execute(cells: string[]): Promise<Output[][]> {
  const dir = await tempFolder();
  try {
    await writeTestKernel(dir);
    const input = join(dir, "display.ipynb");
    await Deno.writeTextFile(input, JSON.stringify(notebook(cells)));
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
    return (executed.cells as { outputs: Output[] }[]).map((c) => c.outputs);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test({
  name: "notebook: installNotebookDisplay shows frames and query results as casefile tables",
  ignore: !available,
  sanitizeResources: false,
  async fn() {
    const [installed, last, shown, raw, result] = await execute([
      `import { installNotebookDisplay, openLocalProvider, pl } from "./mod.ts";\n` +
      `const frame = pl.DataFrame({\n` +
      `  Account: ["daniel.reyes@larkspurlogistics.example", "<script>x</script>"],\n` +
      `  Failures: [449, 27],\n` +
      `});\n` +
      `installNotebookDisplay()`,
      `frame`,
      `await Deno.jupyter.display(frame);`,
      `await Deno.jupyter.display({ "text/markdown": "**raw** bundle" }, { raw: true });`,
      `const provider = await openLocalProvider();\n` +
      `await provider.query(\n` +
      `  "SigninLogs | where TimeGenerated between (datetime(2026-03-11T02:10:00Z) .. " +\n` +
      `    "datetime(2026-03-11T03:47:29Z)) and ClientAppUsed == 'IMAP4' " +\n` +
      `    "| summarize Attempts = count(), Failures = countif(ResultType == '50126')",\n` +
      `)`,
    ]);
    for (const outputs of [installed, last, shown, raw, result]) {
      for (const o of outputs) assert.notEqual(o.output_type, "error", `${o.ename}: ${o.evalue}`);
    }
    // In the kernel it is in place (already by the import: calling it again says so).
    assert.equal(installed.length, 1);
    assert.equal(text(installed[0].data?.["text/plain"]), "true");

    // A frame as the cell's last value, then through Deno.jupyter.display: the same table.
    for (
      const [how, outputs, kind] of [
        ["last value", last, "execute_result"],
        ["display()", shown, "display_data"],
      ] as const
    ) {
      assert.equal(outputs.length, 1, how);
      assert.equal(outputs[0].output_type, kind, how);
      const data = outputs[0].data!;
      assert.deepEqual(Object.keys(data).sort(), ["text/html", "text/plain"], how);
      const html = text(data["text/html"]);
      assert.match(html, /<td>daniel\.reyes@larkspurlogistics\.example<\/td>/, how);
      assert.match(html, /<td class="num">449<\/td>/, how);
      assert.ok(html.includes("&lt;script&gt;x&lt;/script&gt;"), `${how}: text escaped`);
      assert.ok(!html.includes("<script>x"), `${how}: text escaped`);
      assert.match(html, /2 rows × 2 columns/, how);
    }

    // `raw: true` sends the bundle untouched.
    assert.equal(raw.length, 1);
    assert.deepEqual(Object.keys(raw[0].data!), ["text/markdown"]);
    assert.equal(text(raw[0].data!["text/markdown"]), "**raw** bundle");

    // A query result: provenance above the spray's counts.
    assert.equal(result.length, 1);
    assert.ok(!(DATA_RESOURCE in result[0].data!), "a query result is not a data resource");
    const html = text(result[0].data?.["text/html"]);
    assert.match(html, /<b>1 rows<\/b> from <code>local:/);
    assert.match(html, /<pre class="casefile-query">SigninLogs \| where TimeGenerated between/);
    assert.match(html, /<td class="num">486<\/td><td class="num">449<\/td>/);
  },
});
