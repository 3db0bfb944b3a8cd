/**
 * The `casefile` Jupyter kernel: the Deno kernel started in a casefile checkout, so that
 * notebooks (exported sessions among them) import `casefile` and its npm packages through
 * casefile's `deno.json`. `deno jupyter` reads its configuration from its working folder
 * and takes no `--config`, so the kernel changes to the checkout first.
 *
 * @module
 */
import { join } from "node:path";
import { fileURLToPath } from "node:url";

/** The kernel's name and display name. */
export const CASEFILE_KERNEL = { name: "casefile", display: "Deno (casefile)" } as const;

/** The casefile checkout this module is in. */
const REPO = fileURLToPath(new URL("../../", import.meta.url)).replace(/\/$/, "");

/** Options of {@link casefileKernelSpec}. */
export interface CasefileKernelSpecOptions {
  /** The casefile checkout the kernel starts in (default: this one). */
  readonly repo?: string;
  /** The `deno` executable (default: the running one). */
  readonly deno?: string;
}

/**
 * The `kernel.json` of the casefile kernel: `deno jupyter --kernel` run in `repo` (default:
 * this checkout) by `deno` (default: the running one).
 *
 * @param options The checkout and the `deno` executable.
 * @returns The kernel spec, as Jupyter reads it.
 */
export function casefileKernelSpec(
  options: CasefileKernelSpecOptions = {},
): Record<string, unknown> {
  return {
    argv: [
      "/bin/sh",
      "-c",
      'cd "$0" && exec "$1" jupyter --kernel --conn "$2"',
      options.repo ?? REPO,
      options.deno ?? Deno.execPath(),
      "{connection_file}",
    ],
    display_name: CASEFILE_KERNEL.display,
    language: "typescript",
  };
}

/**
 * Writes the casefile kernel's spec into `kernels/casefile` under a Jupyter data folder.
 *
 * @param dataDir A Jupyter data folder (`jupyter --data-dir`).
 * @returns The kernel's folder.
 *
 * @example Install the kernel into a scratch data folder
 * ```ts
 * import assert from "node:assert/strict";
 * import { CASEFILE_KERNEL, writeCasefileKernel } from "./mod.ts";
 *
 * const kernels = await Deno.makeTempDir();
 * const dir = await writeCasefileKernel(kernels);
 * const spec = JSON.parse(await Deno.readTextFile(`${dir}/kernel.json`));
 * assert.equal(spec.display_name, CASEFILE_KERNEL.display);
 * assert.equal(spec.language, "typescript");
 * await Deno.remove(kernels, { recursive: true });
 * ```
 */
export async function writeCasefileKernel(dataDir: string): Promise<string> {
  const dir = join(dataDir, "kernels", CASEFILE_KERNEL.name);
  await Deno.mkdir(dir, { recursive: true });
  await Deno.writeTextFile(
    join(dir, "kernel.json"),
    JSON.stringify(casefileKernelSpec(), null, 2) + "\n",
  );
  return dir;
}
