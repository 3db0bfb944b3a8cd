/**
 * The REPL's exports of a session: a replayable script, a notebook for the Deno kernel,
 * a report (HTML when the path ends in `.html`, else Markdown), or a bundle (the journal
 * and its results, to open elsewhere).
 *
 * @module
 */
import { resolve } from "node:path";
import type { Session } from "../src/session/session.ts";
import { exportScript } from "../src/session/export_script.ts";
import { exportNotebook } from "../src/session/export_notebook.ts";
import { exportReport } from "../src/session/export_report.ts";
import { exportBundle } from "../src/session/bundle.ts";

import type { ExportKind } from "./_export_kinds.ts";

/**
 * Exports `session` as `kind` to `path` (files private to the user; scripts executable).
 *
 * @returns The absolute path written.
 */
export async function exportSession(
  session: Session,
  kind: ExportKind,
  path: string,
): Promise<string> {
  const target = resolve(path);
  switch (kind) {
    case "script":
      await exportScript(session, { path: target });
      break;
    case "notebook":
      await exportNotebook(session, { path: target });
      break;
    case "report":
      await exportReport(session, { path: target });
      break;
    case "bundle":
      await exportBundle(session, { path: target });
      break;
  }
  return target;
}
