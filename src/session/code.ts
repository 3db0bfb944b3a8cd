/**
 * Reading code before it runs as a step, for hosts that take code as typed (the REPL):
 * whether TypeScript input is complete or continues on the next line, what it binds and
 * reads, and the names a step cannot bind. The TypeScript compiler loads on first use
 * ({@link loadTypeScript}); the session's `run` applies the same transform.
 *
 * @example What a line of input binds
 * ```ts
 * import assert from "node:assert/strict";
 * import { isCompleteTypeScript, loadTypeScript, RESERVED_STEP_NAMES, transformInput } from "./code.ts";
 *
 * const ts = await loadTypeScript();
 * assert.equal(isCompleteTypeScript(ts, "const top = spray.head("), false);
 * const input = transformInput(ts, "const top = spray.head(3)");
 * assert.deepEqual([input.declared, input.uses], [["top"], ["spray"]]);
 * assert.equal(RESERVED_STEP_NAMES.has("params"), true);
 * ```
 *
 * @module
 */
export { isCompleteTypeScript, transformInput } from "./_transform.ts";
export { typescript as loadTypeScript } from "./_transform.ts";
export type { TransformedInput } from "./_transform.ts";
export { RESERVED_NAMES as RESERVED_STEP_NAMES } from "./_environment.ts";
/** The TypeScript compiler's API, as {@link loadTypeScript} gives it. */
export type { default as TypeScriptCompiler } from "typescript";
