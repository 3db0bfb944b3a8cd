/**
 * Silences Node's DEP0040 warning ("the `punycode` module is deprecated"), which vega's
 * dependencies trigger when they load. It says nothing an investigator can act on, and it
 * would show in every script, replay and notebook that draws a chart; every other warning
 * still shows.
 *
 * @module
 */
import process from "node:process";

let installed = false;

/** Installs the filter (once). */
export function quietPunycode(): void {
  if (installed) return;
  installed = true;
  const emit = process.emitWarning.bind(process);
  process.emitWarning = ((warning: string | Error, ...rest: unknown[]) => {
    const [type, code] = rest;
    const codeOf = typeof type === "object" && type !== null
      ? (type as { code?: string }).code
      : code;
    if (codeOf === "DEP0040") return;
    (emit as (...args: unknown[]) => void)(warning, ...rest);
  }) as typeof process.emitWarning;
}
