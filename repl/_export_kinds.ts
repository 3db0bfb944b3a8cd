/**
 * The kinds of export, apart from the exporters (which load the charting libraries), so
 * the REPL's commands and help can name them without loading those.
 *
 * @module
 */

/** What can be exported. */
export type ExportKind = "script" | "notebook" | "report" | "bundle";

/** The export kinds, for help and completion. */
export const EXPORT_KINDS: readonly ExportKind[] = ["script", "notebook", "report", "bundle"];
