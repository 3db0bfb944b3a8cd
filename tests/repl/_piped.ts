/** The REPL with piped standard input, as a script or a person piping a file would run it. */
import { type CasefileRun, runCasefile } from "../_helpers.ts";

/**
 * Runs `lines` through `casefile repl` on the demo case; its exit code and output. `env`
 * adds to the child's environment (a twin's CA and token); `args` to the command line
 * (another provider, `--incident ID`).
 */
export async function pipeRepl(
  home: string,
  session: string,
  lines: readonly string[],
  options: { env?: Record<string, string>; args?: readonly string[] } = {},
): Promise<CasefileRun> {
  const args = ["repl", "--home", home, "--session", session, ...(options.args ?? [])];
  return await runCasefile(args, {
    stdin: lines.join("\n") + "\n",
    env: options.env,
  });
}
