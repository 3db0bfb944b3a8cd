/**
 * casefile in the Deno Jupyter kernel (`deno jupyter`). Importing `mod.ts` in a notebook
 * makes DataFrames show as HTML tables (which VS Code renders too), query results show
 * their provenance and warnings (and the chart their `render` asks for), and charts show
 * as vega-lite with a PNG fallback. Outside the kernel nothing changes.
 *
 * @module
 */
import { bundleOf, type MimeBundle } from "./_bundles.ts";

export { frameToHtml } from "./_table.ts";
export type { FrameHtmlOptions } from "./_table.ts";
export type { MimeBundle } from "./_bundles.ts";

const DISPLAY = Symbol.for("Jupyter.display");

type JupyterDisplay = (value: unknown, options?: Record<string, unknown>) => Promise<void>;
interface JupyterNamespace {
  display: JupyterDisplay;
}

/** `Deno.jupyter`, or undefined outside the kernel (where reading it throws). */
function jupyterNamespace(): JupyterNamespace | undefined {
  try {
    const jupyter = (Deno as unknown as { jupyter?: JupyterNamespace }).jupyter;
    return typeof jupyter?.display === "function" ? jupyter : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Whether this code runs in the Deno Jupyter kernel.
 *
 * @returns true inside `deno jupyter`, false elsewhere (a script, a test, the REPL).
 *
 * @example Outside a notebook
 * ```ts
 * import assert from "node:assert/strict";
 * import { isJupyterKernel } from "./mod.ts";
 *
 * assert.equal(isJupyterKernel(), false); // under `deno test`
 * ```
 */
export function isJupyterKernel(): boolean {
  return jupyterNamespace() !== undefined;
}

/**
 * `value` wrapped so the kernel shows it the casefile way: DataFrames as HTML tables, query
 * results with provenance and warnings, charts as vega-lite with a PNG. Anything else is
 * returned as is.
 *
 * @param value Any value.
 * @returns Something the kernel displays (it has the `Jupyter.display` method).
 *
 * @example A frame as the notebook shows it
 * ```ts
 * import assert from "node:assert/strict";
 * import { displayable } from "./mod.ts";
 * import { openLocalProvider } from "../../mod.ts";
 *
 * const alerts = await openLocalProvider().then((p) => p.query("SecurityAlert | take 3"));
 * const shown = displayable(alerts) as Record<symbol, () => Promise<Record<string, string>>>;
 * const bundle = await shown[Symbol.for("Jupyter.display")]();
 * assert.deepEqual(Object.keys(bundle), ["text/html", "text/plain"]);
 * assert.match(bundle["text/plain"], /^3 rows from /);
 * ```
 */
export function displayable(value: unknown): unknown {
  if (value === null || typeof value !== "object") return value;
  return {
    async [DISPLAY](): Promise<MimeBundle> {
      const bundle = await bundleOf(value);
      if (bundle) return bundle;
      const own = (value as Record<symbol, unknown>)[DISPLAY];
      if (typeof own === "function") return await own.call(value);
      return { "text/plain": Deno.inspect(value, { colors: false }) };
    },
  };
}

/**
 * Shows `value` in the notebook now (awaited: the output is there when the promise
 * settles, which keeps notebooks run by `jupyter nbconvert --execute` reproducible).
 * Outside the kernel, prints the text form.
 *
 * @param value A DataFrame, a query result, a chart, or anything the kernel can show.
 *
 * @example Show a query result
 * ```ts
 * import assert from "node:assert/strict";
 * import { display } from "./mod.ts";
 * import { openLocalProvider } from "../../mod.ts";
 *
 * const provider = await openLocalProvider();
 * const result = await provider.query("SecurityAlert | summarize count() by AlertSeverity");
 * const printed: unknown[] = [];
 * const log = console.log;
 * console.log = (...args: unknown[]) => void printed.push(...args);
 * try {
 *   await display(result); // outside the kernel: the text form, printed
 * } finally {
 *   console.log = log;
 * }
 * assert.match(String(printed[0]), new RegExp(`^${result.rowCount} rows from `));
 * ```
 */
export async function display(value: unknown): Promise<void> {
  const jupyter = jupyterNamespace();
  if (jupyter) {
    if (typeof value === "string") await jupyter.display({ "text/plain": value }, { raw: true });
    else await jupyter.display(displayable(value));
    // The kernel forwards display messages to the front end on another task; a cell that
    // ends right after a display could report "idle" before the output is sent, and a
    // headless run (`nbconvert --execute`) would then miss it. A short pause lets the
    // forwarder catch up.
    await flushed();
    return;
  }
  const bundle = await bundleOf(value);
  console.log(bundle ? String(bundle["text/plain"]) : value);
}

/** How long `display()` waits after a display in the kernel (see there). */
const FLUSH_MS = 50;

/** A pause for the kernel to send what was just displayed (see `display`). */
function flushed(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, FLUSH_MS));
}

let installed = false;

/**
 * Makes the kernel show DataFrames and query results the casefile way, both as a cell's
 * last value and through `Deno.jupyter.display`. Runs by itself when `mod.ts` is imported
 * in the kernel; does nothing elsewhere.
 *
 * @returns Whether the notebook display is in place.
 *
 * @example Outside the kernel it does nothing
 * ```ts
 * import assert from "node:assert/strict";
 * import { installNotebookDisplay } from "./mod.ts";
 *
 * assert.equal(installNotebookDisplay(), false);
 * ```
 */
export function installNotebookDisplay(): boolean {
  if (installed) return true;
  const jupyter = jupyterNamespace();
  if (!jupyter) return false;
  const originalDisplay = jupyter.display.bind(jupyter);
  jupyter.display = (value, options) =>
    originalDisplay(options?.raw ? value : displayable(value), options);
  // The kernel formats a cell's last value through this internal hook; where a Deno
  // release moves it, DataFrames fall back to nodejs-polars' own table and `display()`
  // still works.
  const denoInternal = Deno as unknown as Record<symbol, unknown> & { internal?: symbol };
  const internals = denoInternal.internal
    ? denoInternal[denoInternal.internal] as
      | { jupyter?: { broadcastResult?: (count: number, result: unknown) => Promise<void> } }
      | undefined
    : undefined;
  const hook = internals?.jupyter;
  if (hook && typeof hook.broadcastResult === "function") {
    const original = hook.broadcastResult.bind(hook);
    // The kernel sends the result from the worker's thread and "idle" from its own: the
    // same pause as `display()` keeps a headless run from ending the cell first.
    hook.broadcastResult = async (count, result) => {
      if (result === undefined) return await original(count, result);
      await original(count, displayable(result));
      await flushed();
    };
  }
  installed = true;
  return true;
}

installNotebookDisplay();
