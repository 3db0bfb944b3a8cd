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

/**
 * The `kernel.json` of the casefile kernel: `deno jupyter --kernel` run in `repo` (default:
 * this checkout) by `deno` (default: the running one).
 */
export function casefileKernelSpec(
  options: { repo?: string; deno?: string } = {},
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

/** Writes the casefile kernel's spec into `kernels/casefile` under a Jupyter data folder. */
export async function writeCasefileKernel(dataDir: string): Promise<string> {
  const dir = join(dataDir, "kernels", CASEFILE_KERNEL.name);
  await Deno.mkdir(dir, { recursive: true });
  await Deno.writeTextFile(
    join(dir, "kernel.json"),
    JSON.stringify(casefileKernelSpec(), null, 2) + "\n",
  );
  return dir;
}
