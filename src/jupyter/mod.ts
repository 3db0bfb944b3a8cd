/**
 * casefile in the Deno Jupyter kernel (`deno jupyter`): DataFrames show as HTML tables
 * (which VS Code renders too), query results show their provenance, warnings and the chart
 * their `render` asks for, and charts show as vega-lite with a PNG fallback. Importing this
 * module in the kernel installs that display ({@link installNotebookDisplay}); outside the
 * kernel nothing changes, and {@link display} prints the text form. The `casefile` kernel
 * spec ({@link writeCasefileKernel}) starts the Deno kernel in a casefile checkout, so
 * notebooks import casefile through its `deno.json`.
 *
 * @example A query result as a notebook shows it
 * ```ts
 * import assert from "node:assert/strict";
 * import { displayable, frameToHtml, frameToText, isJupyterKernel } from "./mod.ts";
 * import { openLocalProvider } from "../../mod.ts";
 *
 * assert.equal(isJupyterKernel(), false); // under `deno test`
 * const provider = await openLocalProvider();
 * const result = await provider.query("SecurityAlert | summarize n = count() by AlertSeverity");
 * const shown = displayable(result) as Record<symbol, () => Promise<Record<string, string>>>;
 * const bundle = await shown[Symbol.for("Jupyter.display")]();
 * assert.deepEqual(Object.keys(bundle), ["text/html", "text/plain"]);
 * assert.ok(bundle["text/html"].includes(frameToHtml(result.frame)));
 * assert.ok(bundle["text/plain"].endsWith(frameToText(result.frame)));
 * ```
 *
 * @module
 */
export { display, displayable, installNotebookDisplay, isJupyterKernel } from "./jupyter.ts";
export { frameToHtml, frameToText } from "./_table.ts";
export type { FrameHtmlOptions } from "./_table.ts";
export type { MimeBundle } from "./_bundles.ts";
export { CASEFILE_KERNEL, casefileKernelSpec, writeCasefileKernel } from "./kernel_spec.ts";
export type { CasefileKernelSpecOptions } from "./kernel_spec.ts";
// Types the signatures refer to, from the units that define them.
export type { DataFrame } from "../polars.ts";
