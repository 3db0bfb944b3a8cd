/**
 * `deno task jupyter:install`: installs the Deno kernel spec (`deno jupyter --install`) and,
 * beside it, the `casefile` kernel (Deno started in this checkout, so notebooks, exported
 * sessions among them, import `casefile`). Checks that Jupyter is there first and says
 * what to install if not. Extra arguments go to `deno jupyter` (`--name`, `--display`).
 *
 * @module
 */
import { dirname } from "node:path";
import { CASEFILE_KERNEL, writeCasefileKernel } from "../../src/jupyter/kernel_spec.ts";

async function run(
  command: string,
  args: string[],
): Promise<{ ok: boolean; output: string; stdout: string }> {
  try {
    const { success, stdout, stderr } = await new Deno.Command(command, {
      args,
      stdout: "piped",
      stderr: "piped",
    }).output();
    const decoder = new TextDecoder();
    const out = decoder.decode(stdout);
    return { ok: success, output: out + decoder.decode(stderr), stdout: out };
  } catch {
    return { ok: false, output: `${command} was not found`, stdout: "" };
  }
}

const jupyter = await run("jupyter", ["--version"]);
if (!jupyter.ok) {
  console.error(`Jupyter is not installed (${jupyter.output.trim()}).
Install it, then run this task again:
  Debian / Ubuntu: sudo apt-get install jupyter-notebook jupyter-nbconvert python3-nbclient
  (headless runs need only jupyter-nbconvert and python3-nbclient)
  elsewhere:       pipx install jupyterlab   (or: pip install jupyterlab)
VS Code users need the Jupyter extension as well.`);
  Deno.exit(1);
}

const install = await run(Deno.execPath(), ["jupyter", "--install", "--force", ...Deno.args]);
console.log(install.output.trim());
if (!install.ok) Deno.exit(1);

const nameFlag = Deno.args.findIndex((a) => a === "--name" || a === "-n");
const name = nameFlag >= 0 ? Deno.args[nameFlag + 1] : "deno";
/** The Python that runs the `jupyter` command on PATH (from its `#!` line), if any. */
async function jupyterPython(): Promise<string | undefined> {
  for (const dir of (Deno.env.get("PATH") ?? "").split(":").filter(Boolean)) {
    try {
      const first = (await Deno.readTextFile(`${dir}/jupyter`)).split("\n", 1)[0];
      return /^#!\s*(\S*python\S*)\s*$/.exec(first)?.[1];
    } catch {
      // Not in this folder.
    }
  }
  return undefined;
}

/**
 * The kernel specs Jupyter sees. Debian's `jupyter-nbconvert` and `python3-nbclient` (all a
 * headless run needs) ship no `jupyter-kernelspec` command, so `jupyter kernelspec list`
 * fails there: jupyter_client's own module answers the same question.
 */
async function kernelSpecs(): Promise<Record<string, { resource_dir: string }>> {
  const module = ["-m", "jupyter_client.kernelspecapp", "list", "--json"];
  const ways: [string | undefined, string[]][] = [
    ["jupyter", ["kernelspec", "list", "--json"]],
    [await jupyterPython(), module],
    ["python3", module],
  ];
  for (const [command, args] of ways) {
    if (!command) continue;
    const list = await run(command, args);
    if (!list.ok) continue;
    try {
      return JSON.parse(list.stdout).kernelspecs ?? {};
    } catch {
      // Not JSON: try the next way.
    }
  }
  return {};
}

let kernels = await kernelSpecs();
// The casefile kernel goes beside the Deno one (the same Jupyter data folder).
const denoDir = kernels[name]?.resource_dir;
if (denoDir) {
  const written = await writeCasefileKernel(dirname(dirname(denoDir)));
  console.log(`Installed the ${CASEFILE_KERNEL.display} kernel in ${written}`);
  kernels = await kernelSpecs();
}
const specs = Object.keys(kernels);
if (!specs.includes(name)) {
  console.error(
    `The kernel spec "${name}" is not in \`jupyter kernelspec list\`; check JUPYTER_PATH.`,
  );
  Deno.exit(1);
}
if (!specs.includes(CASEFILE_KERNEL.name)) {
  console.error(
    `The kernel spec "${CASEFILE_KERNEL.name}" could not be installed beside "${name}".`,
  );
  Deno.exit(1);
}
console.log(
  `Kernels "${name}" and "${CASEFILE_KERNEL.name}" are ready: open ` +
    "examples/demo_case_investigation.ipynb, or a notebook exported from a session " +
    `(it asks for "${CASEFILE_KERNEL.display}").`,
);
