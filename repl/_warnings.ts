/**
 * Imported first by the `casefile` command: silences Node's DEP0040 warning ("the
 * `punycode` module is deprecated"), which vega's dependencies trigger when charts load.
 * It says nothing an investigator can act on; every other warning still shows.
 *
 * @module
 */
import process from "node:process";

const emit = process.emitWarning.bind(process);
process.emitWarning = ((warning: string | Error, ...rest: unknown[]) => {
  const [type, code] = rest;
  const codeOf = typeof type === "object" && type !== null
    ? (type as { code?: string }).code
    : code;
  if (codeOf === "DEP0040") return;
  (emit as (...args: unknown[]) => void)(warning, ...rest);
}) as typeof process.emitWarning;
