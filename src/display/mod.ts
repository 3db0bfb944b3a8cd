/**
 * Values as a person reads them on a terminal: the record view of one row
 * ({@link show}: every column, whole values, JSON pretty-printed, long text wrapped), and
 * the text of one cell ({@link cellText}: floats rounded, datetimes in UTC, strings raw but
 * {@link terminalSafe}, so an escape sequence in log data never reaches the terminal), and
 * the columns text takes on a terminal ({@link displayWidth}: wide characters and emoji
 * two, combining marks and escapes none).
 *
 * @example One row of the password spray's sign-ins, whole
 * ```ts
 * import assert from "node:assert/strict";
 * import { show } from "./mod.ts";
 * import { openLocalProvider } from "../../mod.ts";
 *
 * const provider = await openLocalProvider();
 * const { frame } = await provider.query(
 *   'SigninLogs | where ResultType == "50126" | sort by TimeGenerated asc | take 2',
 * );
 * const record = show(frame, -1, { columns: ["ResultType", "LocationDetails"] });
 * assert.equal(record.row, 1);
 * assert.equal(record.fields[0].text, "50126");
 * // The dynamic column, pretty-printed over several lines.
 * assert.match(record.fields[1].text, /^\{\n {2}"city": /);
 * ```
 *
 * @module
 */
export { DisplayError } from "./errors.ts";
export { show } from "./record.ts";
export type { RecordField, RecordView, ShowOptions } from "./record.ts";
export { cellText, terminalSafe } from "./text.ts";
export type { CellTextOptions, TerminalSafeOptions } from "./text.ts";
export { displayWidth, fitWidth, padWidth } from "./width.ts";
