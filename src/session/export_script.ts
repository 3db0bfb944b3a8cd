/**
 * A session exported as a replayable `deno run` script: the kept steps in order, the
 * parameters as command-line flags (the session's values as defaults), least-privilege
 * permissions in its header, and the recorded `now()` pinned so the replay means the same
 * time window. Run on the same data, it reproduces the session's result hashes.
 *
 * @module
 */
import { join } from "node:path";
import { formatParam, type ParamInfo } from "./params.ts";
import type { Session } from "./session.ts";
import { SessionError } from "./errors.ts";
import { writeFileAtomic } from "./_files.ts";
import {
  codeArgument,
  comment,
  keptSteps,
  MOD_URL,
  providerCode,
  type ProviderSource,
  providerSource,
  queryOptionsCode,
  recordTemplate,
  REPO_DIR,
  templateCode,
} from "./_export_common.ts";

/** Options of {@link exportScript}. */
export interface ExportScriptOptions {
  /** The casefile home the script uses and is allowed to write (default: the session's). */
  readonly home?: string;
  /** Also write the script here (private to the user, executable). */
  readonly path?: string;
}

/** The flags the script itself takes; parameters with these names get a `param-` prefix. */
const OWN_FLAGS = ["refresh", "no-cache", "home", "session", "help"];

/**
 * The `deno run` permissions a script replaying `source` needs, at least privilege.
 *
 * - read: casefile's `node_modules` (Polars' native library), the data folder or the
 *   Sentinel config file, and the casefile home; write: the casefile home;
 * - ffi: Polars' native library only; sys: `cpus` (Polars' thread pool),
 *   `networkInterfaces` and `hostname` (the session lock);
 * - env: read by the Azure SDK when casefile loads, and for sign-in;
 * - net and run: only for a Sentinel provider (its query and sign-in hosts; `az`).
 */
function permissions(source: ProviderSource, home: string): string[] {
  const modules = join(REPO_DIR, "node_modules");
  const read = [modules];
  const net: string[] = [];
  const run: string[] = [];
  switch (source.kind) {
    case "local":
      // Data inside casefile's folder (the demo case): one grant for both, to keep the #! short.
      if (source.folder.startsWith(`${REPO_DIR}/`)) read.splice(0, 1, REPO_DIR);
      else read.push(source.folder);
      break;
    case "sentinel":
      if (source.configFile) read.push(source.configFile);
      net.push(...source.hosts);
      if (source.credential === "azure-cli") run.push("az");
      if (source.credential === undefined || source.credential === "default") {
        // DefaultAzureCredential: managed identity (IMDS) and the developer tools' sign-ins.
        net.push("169.254.169.254");
        run.push("az", "azd", "pwsh");
      }
      if (source.credential === "interactive-browser") {
        net.push("localhost");
        run.push("xdg-open", "open");
      }
      break;
    case "none":
      break;
  }
  read.push(home);
  const build = (short: boolean) => {
    const name = (long: string, alias: string) => short ? alias : long;
    const flags = [
      `--config=${join(REPO_DIR, "deno.json")}`,
      `${name("--allow-read", "-R")}=${read.join(",")}`,
      `${name("--allow-write", "-W")}=${home}`,
      `--allow-ffi=${modules}`,
      `${name("--allow-sys", "-S")}=cpus,networkInterfaces,hostname`,
      name("--allow-env", "-E"),
    ];
    if (net.length) flags.push(`${name("--allow-net", "-N")}=${[...new Set(net)].join(",")}`);
    if (run.length) flags.push(`--allow-run=${[...new Set(run)].join(",")}`);
    return flags.map((flag) => /\s/.test(flag) ? `"${flag}"` : flag);
  };
  // Linux reads at most 255 bytes of a `#!` line: the short names when the long ones do not fit.
  const long = build(false);
  return shebangOf(long).length <= SHEBANG_MAX ? long : build(true);
}

const SHEBANG_MAX = 255;

function shebangOf(flags: readonly string[]): Uint8Array {
  return new TextEncoder().encode(`#!/usr/bin/env -S deno run ${flags.join(" ")}`);
}

function flagName(param: string): string {
  return OWN_FLAGS.includes(param) ? `param-${param}` : param;
}

function paramUsage(info: ParamInfo): string {
  const shown = info.value === undefined ? "required" : `default ${JSON.stringify(info.text)}`;
  return `--${flagName(info.name)} ${info.kind} (${shown})${
    info.description ? `: ${info.description}` : ""
  }`;
}

/**
 * Exports the session as a TypeScript script for `deno run`: it opens the same provider
 * (the same folder, or the same Sentinel workspace and config), defines the parameters as
 * flags with the session's values as defaults (checked by `parseParam`), replays the kept
 * steps in order (dead ends and failed steps dropped; `now()` pinned to the recorded
 * instant) in a new session under the casefile home, and prints each step's name, rows
 * and result SHA-256. Its first line is a `#!/usr/bin/env -S deno run ...` header with
 * the least permissions it needs (never `-A`).
 *
 * Flags of the script: one per parameter, `--refresh` (run every query again),
 * `--no-cache` (neither read nor write the cache), `--home`, `--session`, `--help`.
 *
 * Code steps are replayed from their recorded source, so they may use only the session's
 * variables, `params` and `pl`; values recorded with {@link Session.record} cannot be
 * replayed and are left as a TODO comment.
 *
 * @param session The session to export.
 * @param options The casefile home the script uses, and a file to write.
 * @returns The script's text.
 *
 * @example Export a session and read its header
 * ```ts
 * import { exportScript } from "./export_script.ts";
 * import { openSession } from "./session.ts";
 * import { kql } from "./kql_template.ts";
 * import { param } from "./params.ts";
 * import { openLocalProvider } from "../providers/local/local_provider.ts";
 *
 * const home = await Deno.makeTempDir();
 * const session = await openSession("spray", {
 *   home,
 *   provider: await openLocalProvider(),
 *   params: { code: param.string("50126") },
 * });
 * await session.query("failures", kql`SigninLogs | where ResultType == ${session.params.code}`);
 * const script = await exportScript(session);
 * console.log(script.split("\n")[0]); // #!/usr/bin/env -S deno run --config=... --allow-read=...
 * console.log(script.includes("--allow-all"), script.includes("kql`SigninLogs")); // false true
 * await session.close();
 * ```
 */
export async function exportScript(
  session: Session,
  options: ExportScriptOptions = {},
): Promise<string> {
  const home = options.home ?? session.home;
  const source = providerSource(session);
  const steps = keptSteps(session);
  if (source.kind === "none" && steps.some((s) => s.record.kind === "query")) {
    throw new SessionError(`Session ${session.name} has no provider to export.`, {
      hint: "Connect the provider its queries ran on: session.connect(provider).",
    });
  }
  const params = session.paramList();
  const flags = permissions(source, home);
  const provider = providerCode(source);
  const imports = new Set(["CasefileError", "openSession", "parseParam", ...provider.imports]);

  const body: string[] = [];
  let skipped = 0;
  for (const { record, note, mark } of steps) {
    const result = record.result;
    const summary = result?.kind === "frame" || result?.kind === "series"
      ? `${result.rows} rows, sha256 ${result.sha256}`
      : result?.kind ?? "";
    body.push("");
    body.push(`    // ${record.position}. ${record.name} (${record.kind}; ${summary})`);
    if (mark === "finding") body.push(comment(`Finding: ${note ?? ""}`.trim(), "    "));
    switch (record.kind) {
      case "query": {
        const { code, usesRaw } = templateCode(recordTemplate(record));
        if (usesRaw) imports.add("rawKql");
        imports.add("kql");
        const opts = ["refresh", ...queryOptionsCode(record)];
        body.push(
          `    await session.query(${JSON.stringify(record.name)}, ${code}, { ${
            opts.join(", ")
          } });`,
        );
        break;
      }
      case "code":
        body.push(
          `    await session.run(${JSON.stringify(record.name)}, ${codeArgument(record)});`,
        );
        break;
      case "value":
        if (result?.kind === "json") {
          body.push(
            `    await session.record(${JSON.stringify(record.name)}, ${
              JSON.stringify(result.value)
            }, { code: ${JSON.stringify(record.code)} });`,
          );
        } else {
          skipped++;
          body.push(
            comment(
              `TODO: this value was recorded by a script (${record.code}); it cannot be ` +
                `replayed.\nCompute it here, then: await session.record(${
                  JSON.stringify(record.name)
                }, value);`,
              "    ",
            ),
          );
        }
        break;
    }
  }

  const usage = [
    `Usage: ${session.name}.ts [flags]`,
    ...params.map((p) => `  ${paramUsage(p)}`),
    "  --refresh   run every query again (fresh results replace cached ones)",
    "  --no-cache  neither read nor write the result cache",
    `  --home DIR  the casefile home (default ${home}; must stay inside the folders allowed above)`,
    `  --session NAME  the replay session's name (default ${session.name}-replay-<time>)`,
  ].join("\n");

  const options_ = params.map((p) => {
    const def = p.value === undefined
      ? ""
      : `, default: ${JSON.stringify(formatParam(p.kind, p.value))}`;
    return `    ${JSON.stringify(flagName(p.name))}: { type: "string"${def} },`;
  });
  const specs = params.map((p) => {
    const flag = `flags[${JSON.stringify(flagName(p.name))}]`;
    const value = `${flag} === undefined ? undefined : parseParam(${JSON.stringify(p.name)}, ${
      JSON.stringify(p.kind)
    }, ${flag})`;
    return `      ${p.name}: { kind: ${JSON.stringify(p.kind)}, default: ${value}${
      p.description ? `, description: ${JSON.stringify(p.description)}` : ""
    } },`;
  });
  const shebang = `#!/usr/bin/env -S deno run ${flags.join(" ")}`;
  const lines = [
    shebang,
    comment(
      [
        `Replays the casefile session "${session.name}" (exported ${new Date().toISOString()}):`,
        `${steps.length} of ${session.steps().length} steps kept (dead ends and failed steps dropped)` +
        (skipped ? `, ${skipped} recorded value(s) left as TODO.` : "."),
        "",
        "Permissions (least privilege; the line above; -R -W -S -E -N are short for these):",
        "  --allow-read   casefile's node_modules (Polars' native library), the data, the casefile home",
        "  --allow-write  the casefile home (the replay's journal and the result cache)",
        "  --allow-ffi    Polars' native library only",
        "  --allow-sys    cpus (Polars' threads), networkInterfaces and hostname (the session lock)",
        "  --allow-env    read by the Azure SDK when casefile loads" +
        (source.kind === "sentinel" ? ", and for sign-in" : ""),
        ...(source.kind === "sentinel"
          ? [
            "  --allow-net    the workspace's query API and sign-in hosts only",
            "  --allow-run    the sign-in tools the credential may call",
          ]
          : []),
        ...(shebangOf(flags).length > SHEBANG_MAX
          ? [
            "The first line is longer than Linux reads (255 bytes): run it as",
            `  deno run ${flags.join(" ")} ${session.name}.ts`,
          ]
          : []),
        "",
        usage,
      ].join("\n"),
    ),
    `import { parseArgs } from "node:util";`,
    `import { ${[...imports].sort().join(", ")} } from ${JSON.stringify(MOD_URL)};`,
    "",
    `const USAGE = ${JSON.stringify(usage)};`,
    "",
    "let flags;",
    "try {",
    "  ({ values: flags } = parseArgs({",
    "    args: Deno.args,",
    "    strict: true,",
    "    options: {",
    ...options_,
    `      refresh: { type: "boolean", default: false },`,
    `      "no-cache": { type: "boolean", default: false },`,
    `      home: { type: "string", default: ${JSON.stringify(home)} },`,
    `      session: { type: "string" },`,
    `      help: { type: "boolean", short: "h", default: false },`,
    "    },",
    "  }));",
    "} catch (error) {",
    "  console.error(`${error instanceof Error ? error.message : error}\\n${USAGE}`);",
    "  Deno.exit(2);",
    "}",
    "if (flags.help) {",
    "  console.log(USAGE);",
    "  Deno.exit(0);",
    "}",
    "const refresh = flags.refresh;",
    "",
    "async function replay(): Promise<void> {",
    '  const stamp = new Date().toISOString().replace(/[-:.]/g, "") + "-" + crypto.randomUUID().slice(0, 4);',
    `  const session = await openSession(flags.session ?? \`${session.name}-replay-\${stamp}\`, {`,
    "    home: flags.home,",
    `    provider: ${provider.code},`,
    `    cache: flags["no-cache"] ? false : undefined,`,
    "    params: {",
    ...specs.map((s) => "  " + s),
    "    },",
    "  });",
    "  try {",
    "    if (session.steps().length > 0) {",
    "      throw new Error(`Session ${session.name} already has steps: replay into a new one (--session NAME).`);",
    "    }",
    ...body,
    "",
    "    for (const { record } of session.steps()) {",
    "      const r = record.result;",
    '      const rows = r?.kind === "frame" || r?.kind === "series" ? r.rows : "-";',
    '      const sha = r?.kind === "frame" || r?.kind === "series" ? r.sha256 : "-";',
    '      console.log(`${record.name}\\trows=${rows}\\tsha256=${sha}\\tcache=${record.cache ?? "-"}`);',
    "    }",
    "  } finally {",
    "    await session.close();",
    "  }",
    "}",
    "",
    "try {",
    "  await replay();",
    "} catch (error) {",
    "  console.error(error instanceof Error ? `${error.name}: ${error.message}` : String(error));",
    "  if (error instanceof CasefileError && error.hint) console.error(`hint: ${error.hint}`);",
    "  Deno.exit(1);",
    "}",
    "",
  ];
  const text = lines.join("\n");
  if (options.path) {
    await writeFileAtomic(options.path, text);
    await Deno.chmod(options.path, 0o700);
  }
  return text;
}
