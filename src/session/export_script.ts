/**
 * A session exported as a replayable `deno run` script: the kept steps in order, the
 * parameters as command-line flags (the session's values as defaults), least-privilege
 * permissions in its header, and the recorded `now()` pinned so the replay means the same
 * time window. Run on the same data, it reproduces the session's result hashes.
 *
 * @module
 */
import { type ParamInfo, paramToJson } from "./params.ts";
import type { Session } from "./session.ts";
import type { Step } from "./_step_list.ts";
import { SessionError } from "./errors.ts";
import { writeFileAtomic } from "./_files.ts";
import {
  comment,
  type ExportOptions,
  formatTypeScript,
  keptSteps,
  namedSources,
  paramCode,
  type ProviderSource,
  stepSources,
} from "./_export_common.ts";
import { type ExportedSteps, exportSteps, recordedCode } from "./_export_steps.ts";
import { paramFlag, type ReplayProvider } from "./replay.ts";
import { indent } from "./_step_code.ts";
import { basename } from "node:path";
import type { CloudName, CredentialKind } from "../providers/sentinel/mod.ts";
import { checkOptions, defineOptions } from "../options.ts";

const SCRIPT_OPTIONS = defineOptions<ExportScriptOptions>("exportScript", {
  path: { kind: "string", aliases: ["file", "output"] },
});

/** Options of {@link exportScript}. */
export interface ExportScriptOptions extends ExportOptions {
  /**
   * Also write the script here (private to the user, executable). Modules the steps
   * imported from local files are imported relative to it.
   */
  readonly path?: string;
}

/**
 * The `deno run` flags of the script's first line, at least privilege. Paths come from
 * the environment when it runs (`env -S` expands `${NAME}`), so the script holds no path
 * of the machine it was exported on:
 *
 * - `CASEFILE_DIR`: a casefile checkout (its `deno.json`, code, and Polars' native library);
 * - `CASEFILE_HOME`: the casefile home (the replay's session, the result cache);
 * - `CASEFILE_DATA`: the folder of data, for a session that read one (not the demo case).
 *
 * read: casefile, the home, the data (or the Sentinel config folder); write: the home;
 * ffi: Polars' native library only; sys: `cpus` (Polars' thread pool), `networkInterfaces`
 * and `hostname` (the session lock), all of it for Sentinel; env: settings, and the Azure SDK
 * at load; net and run: only for a Sentinel provider (its query and sign-in hosts; `az`).
 */
function permissions(sources: readonly ProviderSource[]): string[] {
  const read = ["${CASEFILE_DIR}", "${CASEFILE_HOME}"];
  // Polars' thread pool (cpus) and the session lock (networkInterfaces, hostname).
  let sys: string[] | undefined = ["cpus", "networkInterfaces", "hostname"];
  const net: string[] = [];
  const run: string[] = [];
  for (const source of sources) {
    switch (source.kind) {
      case "local":
        if (!source.demo) read.push("${CASEFILE_DATA}");
        break;
      case "sentinel":
        read.push("${HOME}/.config/casefile");
        // The Azure SDK names the OS in its user agent (osRelease), and Deno's TLS asks for
        // sys access to "ca" (the system's certificates), a name --allow-sys does not take
        // (Deno 2.9.6: "unknown sys descriptor"): sys access is granted whole.
        sys = undefined;
        net.push(...source.hosts);
        if (source.credential === "azure-cli") run.push("az");
        // A token from CASEFILE_SENTINEL_TOKEN: no sign-in, no tools.
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
      case "adx":
        // As for Sentinel: the SDK's user agent and Deno's TLS want sys access whole.
        sys = undefined;
        net.push(...source.hosts);
        if (source.credential === "azure-cli") run.push("az");
        if (source.credential === undefined || source.credential === "default") {
          net.push("169.254.169.254");
          run.push("az", "azd", "pwsh");
        }
        break;
      case "xdr":
        // Deno's TLS wants sys access whole (see Sentinel above).
        sys = undefined;
        net.push(...source.hosts);
        if (source.credential === "azure-cli") run.push("az");
        if (source.credential === undefined || source.credential === "default") {
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
  }
  const build = (short: boolean) => {
    const name = (long: string, alias: string) => short ? alias : long;
    const flags = [
      "--config=${CASEFILE_DIR}/deno.json",
      `${name("--allow-read", "-R")}=${read.join(",")}`,
      `${name("--allow-write", "-W")}=\${CASEFILE_HOME}`,
      "--allow-ffi=${CASEFILE_DIR}/node_modules",
      sys ? `${name("--allow-sys", "-S")}=${sys.join(",")}` : name("--allow-sys", "-S"),
      name("--allow-env", "-E"),
    ];
    if (net.length) flags.push(`${name("--allow-net", "-N")}=${[...new Set(net)].join(",")}`);
    if (run.length) flags.push(`--allow-run=${[...new Set(run)].join(",")}`);
    return flags;
  };
  // Linux reads at most 255 bytes of a `#!` line: the short names when the long ones do not fit.
  const long = build(false);
  return shebangOf(long).length <= SHEBANG_MAX ? long : build(true);
}

const SHEBANG_MAX = 255;

function shebangOf(flags: readonly string[]): Uint8Array {
  return new TextEncoder().encode(`#!/usr/bin/env -S deno run ${flags.join(" ")}`);
}

/** How the replay opens the provider, with no path of this machine in it. */
function replayProvider(source: ProviderSource): ReplayProvider {
  switch (source.kind) {
    case "local":
      return source.demo ? { kind: "local" } : { kind: "local", data: basename(source.folder) };
    case "sentinel":
      return {
        kind: "sentinel",
        workspace: source.workspace,
        cloud: source.cloud as CloudName | undefined,
        endpoint: source.endpoint,
        authorityHost: source.authorityHost,
        credential: source.credential as CredentialKind | "token" | undefined,
      };
    case "adx":
      return {
        kind: "adx",
        cluster: source.cluster,
        database: source.database,
        credential: source.credential,
      };
    case "xdr":
      return {
        kind: "xdr",
        cloud: source.cloud,
        endpoint: source.endpoint,
        authorityHost: source.authorityHost,
        credential: source.credential,
      };
    case "none":
      return { kind: "none" };
  }
}

/** A flat object of strings as TypeScript: `{ kind: "local", data: "exports" }`. */
function objectCode(value: object): string {
  const parts = Object.entries(value).filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}: ${JSON.stringify(v)}`);
  return `{ ${parts.join(", ")} }`;
}

/**
 * Exports the session as a TypeScript script for `deno run` that replays it and checks
 * every step against the result it gave: ordinary TypeScript a person can read, edit and
 * `deno check`. Each query is a `session.query` with its `kql` template (parameters kept);
 * each code step is a function of the earlier values it reads (`({ spray }) =>
 * spray.head(3)`), typed through a `Steps` type of the steps' values. Parameters are flags
 * (the session's values are the defaults), `now()` is pinned to the recorded instant, and
 * failed steps and dead ends no kept step reads are dropped. `replaySession` runs it: it says which step
 * broke and how, and exits non-zero.
 *
 * The script is portable: its first line is a `#!/usr/bin/env -S deno run ...` header with
 * the least permissions it needs (never `-A`), whose paths come from `CASEFILE_DIR` (a
 * casefile checkout), `CASEFILE_HOME` (the casefile home) and, for a folder of data,
 * `CASEFILE_DATA`; it imports `casefile` (mapped by casefile's `deno.json`). From a
 * casefile checkout, `deno task casefile run SCRIPT` fills those in.
 *
 * Values recorded with {@link Session.record} that are not JSON cannot be replayed and
 * are left as a TODO comment.
 *
 * @param session The session to export.
 * @param options A file to write it to (see {@link ExportOptions}).
 * @returns The script's text.
 * @throws {SessionError} when the session's queries have no provider to replay them on.
 *
 * @example Export a session and read its header
 * ```ts
 * import assert from "node:assert/strict";
 * import { exportScript } from "./export_script.ts";
 * import { openSession } from "./session.ts";
 * import { kql } from "./kql_template.ts";
 * import { param } from "./params.ts";
 * import { openLocalProvider } from "../providers/mod.ts";
 *
 * const home = await Deno.makeTempDir();
 * const session = await openSession("spray", {
 *   home,
 *   provider: await openLocalProvider(),
 *   params: { code: param.string("50126") },
 * });
 * await session.query("failures", kql`SigninLogs | where ResultType == ${session.params.code}`);
 * await session.run("top", "const top = failures.head(3)");
 * const script = await exportScript(session);
 * assert.equal(
 *   script.split("\n")[0].startsWith(
 *     "#!/usr/bin/env -S deno run --config=${CASEFILE_DIR}/deno.json ",
 *   ),
 *   true,
 * );
 * assert.equal(script.includes('({ failures }: Pick<Steps, "failures">) => failures.head(3)'), true);
 * await session.close();
 * await Deno.remove(home, { recursive: true });
 * ```
 */
export async function exportScript(
  session: Session,
  options: ExportScriptOptions = {},
): Promise<string> {
  checkOptions("exportScript", options, SCRIPT_OPTIONS);
  const { sources, byStep } = stepSources(session);
  const named = namedSources(session);
  const source = sources[0] ?? { kind: "none" };
  const kept = keptSteps(session);
  if (source.kind === "none" && kept.some((s) => s.record.kind === "query")) {
    throw new SessionError(`Session ${session.name} has no provider to export.`, {
      hint: "Connect the provider its queries ran on: session.connect(provider).",
    });
  }
  const exported = await exportSteps(session, { types: true, path: options.path });
  const params = session.paramList();
  const current = Object.fromEntries(
    params.filter((p) => p.value !== undefined).map((p) => [p.name, paramToJson(p.kind, p.value!)]),
  );
  const everySource = [...sources, ...named.values()];
  const flags = permissions(everySource);
  const names = providerNames(sources, new Set(named.keys()));
  // The replay opens each provider below, and adds it to the session by its name.
  const providerEntries = [
    ...(names.length > 1 ? names.map((n, i) => [n, sources[i]] as const) : []),
    ...named.entries(),
  ];
  const script = options.path ? basename(options.path) : `${session.name}.ts`;
  const imports = new Set(["param", "replaySession", "type RecordedStep", ...exported.api]);
  if (params.length === 0) imports.delete("param");
  const lines = [
    `#!/usr/bin/env -S deno run ${flags.join(" ")}`,
    comment(
      scriptHeader(session, { sources: everySource, named, flags, script, params, kept, exported }),
    ),
    `import { ${
      [...imports].sort((a, b) => a.replace("type ", "").localeCompare(b.replace("type ", "")))
        .join(", ")
    } } from "casefile";`,
    ...exported.imports,
    "",
    "const code = await replaySession({",
    `  session: ${JSON.stringify(session.name)},`,
    `  provider: ${objectCode(replayProvider(source))},`,
    ...(providerEntries.length
      ? [
        "  providers: {",
        // A name read back from a hand-edited journal may not be an identifier: quoted then.
        ...providerEntries.map(([n, s]) =>
          `    ${/^[A-Za-z_$][\w$]*$/.test(n) ? n : JSON.stringify(n)}: ${
            objectCode(replayProvider(s))
          },`
        ),
        "  },",
      ]
      : []),
    ...(params.length ? ["  params: {", ...params.map((p) => `    ${paramCode(p)},`), "  },"] : []),
    "  recorded: recorded(),",
    `}, async (session${names.length > 1 ? ", providers" : ""}) => {`,
    indent(scriptBody(exported, names.length > 1 ? { names, byStep } : undefined), "  "),
    "});",
    "Deno.exit(code);",
    "",
    "/**",
    " * What each step gave when the session was recorded: [step, name, kind, rows, SHA-256],",
    " * and the parameter values it ran with where they are not the defaults above.",
    " */",
    "function recorded(): RecordedStep[] {",
    "  return [",
    ...kept.map((s) => recordedCode(s.record, current)).filter((c) => c !== undefined).map((
      c,
    ) => `    ${c},`),
    "  ];",
    "}",
    "",
  ];
  const text = await formatTypeScript(lines.join("\n"));
  if (options.path) {
    await writeFileAtomic(options.path, text);
    await Deno.chmod(options.path, 0o700);
  }
  return text;
}

/**
 * Names for the providers of a session that ran on more than one: `local`, `sentinel`,
 * then `local_2`, `sentinel_2` for a second of a kind (never one of the names steps gave
 * their providers, `taken`).
 */
function providerNames(sources: readonly ProviderSource[], taken: ReadonlySet<string>): string[] {
  const seen = new Map<string, number>();
  return sources.map((s) => {
    let n = seen.get(s.kind) ?? 0;
    let name: string;
    do {
      n++;
      name = n === 1 ? s.kind : `${s.kind}_${n}`;
    } while (taken.has(name));
    seen.set(s.kind, n);
    return name;
  });
}

/**
 * The replay's steps: the host names they read, then each step with its heading and notes;
 * for a session on several providers, a `session.connect(...)` where a query step's
 * provider is not the one before.
 */
function scriptBody(
  exported: ExportedSteps,
  switching?: { names: readonly string[]; byStep: ReadonlyMap<number, number> },
): string {
  const body: string[] = [];
  if (exported.provided.has("params")) body.push("const params = session.params;");
  if (exported.provided.has("provider")) body.push("const provider = session.provider!;");
  if (exported.provided.has("signal")) body.push("const signal = new AbortController().signal;");
  let current = 0;
  for (const step of exported.steps) {
    if (body.length) body.push("");
    body.push(comment(step.heading));
    for (const note of step.notes) body.push(comment(note));
    const index = switching?.byStep.get(step.step.record.position);
    if (switching && index !== undefined && index !== current) {
      body.push(`session.connect(providers.${switching.names[index]});`);
      current = index;
    }
    body.push(step.code);
  }
  if (exported.stepsType) {
    body.push(
      "",
      "/** The steps' values, for the types of the step functions. */",
      exported.stepsType,
    );
  }
  return body.join("\n");
}

/** What the script's header comment says: what it replays, how to run it, its permissions. */
function scriptHeader(
  session: Session,
  facts: {
    sources: readonly ProviderSource[];
    named: ReadonlyMap<string, ProviderSource>;
    flags: readonly string[];
    script: string;
    params: readonly ParamInfo[];
    kept: readonly Step[];
    exported: ExportedSteps;
  },
): string {
  const { sources, named, flags, script, params, kept, exported } = facts;
  const data = sources.find((s) => s.kind === "local" && !s.demo);
  const folder = data?.kind === "local";
  const env = ["CASEFILE_DIR=~/casefile", "CASEFILE_HOME=~/.casefile"];
  if (data?.kind === "local") {
    env.push(`CASEFILE_DATA=path/to/${basename(data.folder)}`);
  }
  return [
    `Replays the casefile session "${session.name}" (exported ${new Date().toISOString()}):`,
    `${kept.length} of ${session.steps().length} steps kept (failed steps, and dead ends no kept step reads, dropped)` +
    (exported.skipped ? `, ${exported.skipped} recorded value(s) left as TODO.` : "."),
    "Every step must give the result it gave then: the first that does not stops the replay",
    "with its number, name, code and the difference, and the script exits with 1.",
    "",
    "Run it from any folder, with a casefile checkout and a casefile home:",
    `  ${env.join(" ")} ./${script}`,
    `or from a casefile checkout, which fills those in: deno task casefile run ${script}`,
    ...(folder
      ? [
        "CASEFILE_DATA is the folder of data the session read; unset, Deno stops with",
        '"Empty path is not allowed" (the first line allows reading it).',
      ]
      : []),
    `Type-check it: deno check --config=$CASEFILE_DIR/deno.json ${script}`,
    ...(shebangOf(flags).length > SHEBANG_MAX
      ? [
        "The first line is longer than Linux reads (255 bytes): run it as",
        `  deno run ${flags.join(" ")} ${script}`,
      ]
      : []),
    "",
    ...namedNotes(named),
    ...permissionNotes(sources),
    "",
    ...scriptUsage(params),
  ].join("\n");
}

/** The header's list of the providers steps named, and what each is. */
function namedNotes(named: ReadonlyMap<string, ProviderSource>): string[] {
  if (!named.size) return [];
  return [
    "Steps that name their provider (session.query(..., { provider: NAME })) run on:",
    ...[...named].map(([name, source]) => `  ${name}: ${sourceText(source)}`),
    "",
  ];
}

/** A provider source in words, with no secret and no path of this machine. */
function sourceText(source: ProviderSource): string {
  switch (source.kind) {
    case "local":
      return source.demo
        ? "the bundled demo case"
        : `the folder of data ${basename(source.folder)}`;
    case "sentinel":
      return `Log Analytics workspace ${source.workspace}`;
    case "adx":
      return `Azure Data Explorer database ${source.database} on ${source.cluster}`;
    case "xdr":
      return `Defender XDR advanced hunting (${source.endpoint ?? source.cloud ?? "public"})`;
    case "none":
      return "no provider";
  }
}

/** The header's account of the permissions the first line grants. */
function permissionNotes(sources: readonly ProviderSource[]): string[] {
  const data = sources.some((s) => s.kind === "local" && !s.demo);
  const sentinel = sources.some((s) => s.kind === "sentinel");
  const adx = sources.some((s) => s.kind === "adx");
  const xdr = sources.some((s) => s.kind === "xdr");
  const services = [
    sentinel ? "the workspace's query API" : "",
    adx ? "the Azure Data Explorer cluster" : "",
    xdr ? "Microsoft Graph" : "",
  ].filter(Boolean);
  return [
    "Permissions (the first line, nothing more):",
    "  read   casefile (its code, Polars' native library), the casefile home" +
    (data ? ", the data" : "") + (sentinel ? ", the Sentinel config folder" : ""),
    "  write  the casefile home (the replay's session and the result cache)",
    "  ffi    Polars' native library only; env: settings",
    services.length
      ? "  sys    all: the Azure SDK and TLS ask for OS details --allow-sys cannot name"
      : "  sys    cpus (Polars' threads), network interfaces and hostname (the session lock)",
    ...(services.length
      ? [
        `  net    ${services.join(", ")} and sign-in hosts only`,
        "  run    the sign-in tools the credential may call",
      ]
      : []),
  ];
}

/** The header's list of the replay's flags and parameters. */
function scriptUsage(params: readonly ParamInfo[]): string[] {
  return [
    `Flags: --keep-going (replay every step even after a failure), --refresh, --no-cache,`,
    `  --home DIR, --session NAME, --keep, --help; parameters:${params.length ? "" : " none"}`,
    ...params.map((p) =>
      `  --${paramFlag(p.name)} ${p.kind} (${
        p.value === undefined ? "required" : `default ${JSON.stringify(p.text)}`
      })${p.description ? `: ${p.description}` : ""}`
    ),
  ];
}
