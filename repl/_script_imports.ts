/**
 * The check `casefile run` makes of a script's own imports before Deno loads it: a relative
 * import of a file that is not there (the README's `./mod.ts`, copied into a script saved
 * outside the checkout) is a clear error with a hint, not Deno's "Module not found".
 *
 * @module
 */
import { dirname, resolve } from "node:path";
import { ReplError } from "./errors.ts";

/** `import … from "x"`, `import "x"`, `export … from "x"` and `import("x")` with a literal. */
const IMPORT =
  /(?:^|[;\n])\s*(?:import\b(?!\s*\.)[^;'"`]*?(?:\bfrom\s*)?|export\b[^;'"`]*?\bfrom\s*)["']([^"'\n]+)["']|\bimport\s*\(\s*["']([^"'\n]+)["']\s*\)/g;

/** The specifiers of the imports in `source` (comments are not skipped: a false hit only checks a path). */
export function importSpecifiers(source: string): string[] {
  return [...source.matchAll(IMPORT)].map((m) => m[1] ?? m[2]);
}

/**
 * Throws when `script` (a path) imports a relative file that does not exist.
 *
 * @throws {ReplError} naming the import and where it was looked for; the hint says to import
 * from `casefile` (which `casefile run` resolves to this checkout from anywhere).
 */
export async function checkScriptImports(script: string, source: string): Promise<void> {
  for (const specifier of importSpecifiers(source)) {
    if (!specifier.startsWith("./") && !specifier.startsWith("../")) continue;
    const path = resolve(dirname(script), specifier);
    try {
      await Deno.stat(path);
    } catch {
      const casefile = /(^|\/)(src\/([a-z_]+)\/)?mod\.ts$/.exec(specifier);
      const unit = casefile?.[3];
      throw new ReplError(
        `${script} imports "${specifier}", which is not there (${path}).`,
        {
          hint: casefile
            ? `Import from "casefile${unit ? `/${unit}` : ""}" instead: casefile run resolves it ` +
              `to this checkout wherever the script is, e.g. import { openLocalProvider } from "casefile";`
            : "Check the path: it is read relative to the script's folder.",
        },
      );
    }
  }
}
