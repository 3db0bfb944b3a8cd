/** Shared test helpers: paths to shared material and temporary files. */
import { fileURLToPath as fromFileUrl } from "node:url";
import { join } from "node:path";

const REPO = fromFileUrl(new URL("../", import.meta.url));

/** What one run of the `casefile` command gave: its exit code and output. */
export interface CasefileRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Options of {@link runCasefile}. */
export interface RunCasefileOptions {
  /** Text piped to its standard input (none: stdin is closed at once). */
  readonly stdin?: string;
  /** Added to the child's environment (`NO_COLOR=1` is always set). */
  readonly env?: Record<string, string>;
  /** Working folder (default: the checkout). */
  readonly cwd?: string;
}

/**
 * Runs `casefile ARGS` (`deno run --allow-all repl/main.ts ARGS` from the checkout), as a
 * person or a script in a shell would, and returns its exit code and output.
 */
export async function runCasefile(
  args: readonly string[],
  options: RunCasefileOptions = {},
): Promise<CasefileRun> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-all", join(REPO, "repl/main.ts"), ...args],
    cwd: options.cwd ?? REPO,
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1", ...options.env },
  }).spawn();
  const writer = child.stdin.getWriter();
  await writer.write(new TextEncoder().encode(options.stdin ?? ""));
  await writer.close();
  const out = await child.output();
  const decode = (b: Uint8Array) => new TextDecoder().decode(b);
  return { code: out.code, stdout: decode(out.stdout), stderr: decode(out.stderr) };
}

/** Runs `deno run scripts/kql_corpus.ts DIR` (the hunting-query corpus runner) over `dir`. */
export async function runKqlCorpus(dir: string): Promise<CasefileRun> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-all", join(REPO, "scripts/kql_corpus.ts"), dir],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const decode = (b: Uint8Array) => new TextDecoder().decode(b);
  return { code: out.code, stdout: decode(out.stdout), stderr: decode(out.stderr) };
}

/**
 * A seeded pseudo-random source of numbers in [0, 1) (a linear congruential generator), so
 * a randomised test makes the same cases on every run.
 */
export function lcg(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648;
  };
}

/** `../shared/realdata`, beside the repository (as DEVELOPERS.md lays it out). */
export const REALDATA_DIR = fromFileUrl(new URL("../../shared/realdata", import.meta.url));

/**
 * What {@link tempDir}, {@link tempFolder} and {@link tempFile} made in this test module,
 * removed when the module ends (its `unload` event: each test file runs in its own process
 * or worker, also under `deno test --parallel`). A test may remove its own earlier.
 */
const madeHere = new Set<string>();

globalThis.addEventListener("unload", () => {
  for (const path of madeHere) {
    try {
      Deno.removeSync(path, { recursive: true });
    } catch {
      // already removed by its test
    }
  }
});

/**
 * A fresh, empty temporary folder (its name starts with `prefix`), removed when the test
 * module ends: a test run leaves nothing in the temporary folder.
 */
export async function tempDir(prefix = "casefile-test-"): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix });
  madeHere.add(dir);
  return dir;
}

/** A fresh temporary folder holding `files` (name → text or bytes), removed as {@link tempDir}. */
export async function tempFolder(files: Record<string, string | Uint8Array> = {}): Promise<string> {
  const dir = await tempDir();
  for (const [name, content] of Object.entries(files)) {
    const path = join(dir, name);
    await Deno.mkdir(join(path, ".."), { recursive: true });
    if (typeof content === "string") await Deno.writeTextFile(path, content);
    else await Deno.writeFile(path, content);
  }
  return dir;
}

/** A temporary file named `name` holding `content`; returns its path. */
export async function tempFile(name: string, content: string | Uint8Array): Promise<string> {
  const dir = await tempFolder({ [name]: content });
  return join(dir, name);
}

/** Whether the shared material is there; under CI it must be. */
export async function hasShared(): Promise<boolean> {
  try {
    await Deno.stat(REALDATA_DIR);
    return true;
  } catch {
    if (Deno.env.get("CI") === "true") throw new Error(`missing ${REALDATA_DIR} under CI`);
    return false;
  }
}

/** The Python that runs nbconvert and nbclient (Debian's, as `.ci/run` installs them). */
export const PYTHON = "/usr/bin/python3";

/** Whether {@link PYTHON} can import nbconvert and nbclient; under CI it must. */
export async function hasNbconvert(): Promise<boolean> {
  let success = false;
  try {
    ({ success } = await new Deno.Command(PYTHON, {
      args: ["-c", "import nbconvert, nbclient"],
      stdout: "null",
      stderr: "null",
    }).output());
  } catch {
    success = false;
  }
  if (!success && Deno.env.get("CI") === "true") {
    throw new Error(`jupyter-nbconvert is missing under CI (${PYTHON} cannot import nbconvert)`);
  }
  return success;
}

/**
 * The environment of a Jupyter run whose kernel specs (see {@link writeTestKernel}), data,
 * runtime and config folders are all under `dir`, not the user's profile.
 */
export function jupyterEnv(dir: string): Record<string, string> {
  return {
    JUPYTER_PATH: dir,
    JUPYTER_DATA_DIR: join(dir, "data"),
    JUPYTER_RUNTIME_DIR: join(dir, "runtime"),
    JUPYTER_CONFIG_DIR: join(dir, "config"),
    NO_COLOR: "1",
  };
}

/**
 * Writes a kernel spec of this Deno's Jupyter kernel under `dir` (as `casefile-deno`), so a
 * test runs notebooks with `JUPYTER_PATH=dir`, whatever the user's profile has installed.
 */
export async function writeTestKernel(dir: string): Promise<void> {
  const kernel = join(dir, "kernels", "casefile-deno");
  await Deno.mkdir(kernel, { recursive: true });
  await Deno.writeTextFile(
    join(kernel, "kernel.json"),
    JSON.stringify({
      argv: [Deno.execPath(), "jupyter", "--kernel", "--conn", "{connection_file}"],
      display_name: "Deno (casefile test)",
      language: "typescript",
    }),
  );
}
