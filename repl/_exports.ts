/**
 * The REPL's door to session exports (script, notebook, report). The export functions are
 * built in `src/session/export_*.ts` and re-exported from `mod.ts`; this adapter finds them
 * there at run time, so a build without them says so instead of failing to load.
 *
 * Expected interface (from the Sessions capability):
 * - `exportScript(session, { path })`: writes a runnable TypeScript script (may return its text);
 * - `exportNotebook(session)`: returns the notebook (JSON text or an object);
 * - `exportReport(session, { format })`: returns the report text (`md` or `html`).
 *
 * @module
 */
import { extname, resolve } from "node:path";
import type { Session } from "../src/session/session.ts";
import { ReplError } from "./errors.ts";

/** What can be exported. */
export type ExportKind = "script" | "notebook" | "report";

/** The export kinds, for help and completion. */
export const EXPORT_KINDS: readonly ExportKind[] = ["script", "notebook", "report"];

type AnyFunction = (...args: unknown[]) => unknown;

async function exportFunction(name: string): Promise<AnyFunction | undefined> {
  const mod = await import("../mod.ts") as Record<string, unknown>;
  const fn = mod[name];
  return typeof fn === "function" ? fn as AnyFunction : undefined;
}

/**
 * Exports `session` as `kind` to `path`.
 *
 * @returns The absolute path written.
 * @throws {ReplError} when this build has no such export, or for a bad kind or path.
 */
export async function exportSession(
  session: Session,
  kind: ExportKind,
  path: string,
): Promise<string> {
  const target = resolve(path);
  switch (kind) {
    case "script": {
      const fn = await need("exportScript", kind);
      const text = await fn(session, { path: target });
      if (typeof text === "string" && !(await exists(target))) {
        await Deno.writeTextFile(target, text);
      }
      return target;
    }
    case "notebook": {
      const fn = await need("exportNotebook", kind);
      const notebook = await fn(session, { path: target });
      if (!(await exists(target))) {
        await Deno.writeTextFile(
          target,
          typeof notebook === "string" ? notebook : JSON.stringify(notebook, null, 1),
        );
      }
      return target;
    }
    case "report": {
      const fn = await need("exportReport", kind);
      const format = extname(target).toLowerCase() === ".html" ? "html" : "md";
      const report = await fn(session, { format, path: target });
      if (!(await exists(target))) {
        if (report instanceof Uint8Array) await Deno.writeFile(target, report);
        else await Deno.writeTextFile(target, String(report));
      }
      return target;
    }
  }
}

async function need(name: string, kind: ExportKind): Promise<AnyFunction> {
  const fn = await exportFunction(name);
  if (!fn) {
    throw new ReplError(`Exporting a ${kind} is not available in this build of casefile.`, {
      hint: "The session is journaled; export it with a casefile that has session exports.",
    });
  }
  return fn;
}

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch {
    return false;
  }
}
