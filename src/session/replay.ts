/**
 * Replaying an exported session: what an exported script calls to read its flags, open the
 * provider and a new session, run its steps with the results they gave when recorded, and
 * say what broke. A step whose result kind or SHA-256 differs, or that throws, is a
 * failure (named with its step number, name, code and the difference); a step that cannot
 * be reproduced (`rand()`, a live service) is reported as volatile, not as a failure.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { basename, resolve as resolvePath } from "node:path";
import { CasefileError } from "../errors.ts";
import type { Provider } from "../providers/mod.ts";
import type { CloudName, CredentialKind } from "../providers/sentinel/mod.ts";
import type { AdxCredentialKind } from "../providers/adx/mod.ts";
import type { XdrCloud, XdrCredentialKind } from "../providers/xdr/mod.ts";
import { DEMO_CASE_DIR, openLocalProvider } from "../providers/mod.ts";
import { openSession, type Session } from "./session.ts";
import { defaultHome, removeSession } from "./home.ts";
import type { RecordedStep } from "./_replay_run.ts";
import { formatParam, type ParamSpec, parseParam } from "./params.ts";
import { ReplayError, SessionError } from "./errors.ts";

/** Where a replay's data comes from. */
export type ReplayProvider =
  | {
    readonly kind: "local";
    /**
     * The name of the folder of data the session read (its location is given by
     * `CASEFILE_DATA`); absent: the bundled demo case.
     */
    readonly data?: string;
  }
  | {
    readonly kind: "sentinel";
    readonly workspace: string;
    readonly cloud?: CloudName;
    readonly endpoint?: string;
    /** The Microsoft Entra ID sign-in host, when it is not the cloud's. */
    readonly authorityHost?: string;
    /**
     * How to sign in: a credential kind, or `token` for the bearer token in
     * `CASEFILE_SENTINEL_TOKEN` (read when the replay runs; never written in the script).
     * `CASEFILE_SENTINEL_TOKEN`, when set, signs in whatever the kind.
     */
    readonly credential?: CredentialKind | "token";
  }
  | {
    readonly kind: "adx";
    /** The Azure Data Explorer cluster URL. */
    readonly cluster: string;
    readonly database: string;
    /**
     * How to sign in: a credential kind, or `token` for the bearer token in
     * `CASEFILE_ADX_TOKEN` (read when the replay runs; never written in the script).
     */
    readonly credential?: string;
  }
  | {
    readonly kind: "xdr";
    /** The national cloud (`public`, `usgov`, `dod`; default public). */
    readonly cloud?: string;
    /** The Graph endpoint, when it is not the cloud's. */
    readonly endpoint?: string;
    /** The Microsoft Entra ID sign-in host, when it is not the cloud's. */
    readonly authorityHost?: string;
    /**
     * How to sign in: a credential kind, or `token` for the bearer token in
     * `CASEFILE_XDR_TOKEN` (read when the replay runs; never written in the script).
     */
    readonly credential?: string;
  }
  | { readonly kind: "none" };

/** What an exported script says of the session it replays. */
export interface ReplaySpec {
  /** The name of the session replayed. */
  readonly session: string;
  /** Where the replay's data comes from (the provider the session starts on). */
  readonly provider: ReplayProvider;
  /**
   * Every provider the steps ran on, by name, when they ran on more than one (a session
   * that switched between a folder and a workspace, or whose steps named their provider):
   * each is opened and added to the session by its name (`session.addProvider`), so a step
   * can name it (`{ provider: "adx" }`) or switch to it with `session.connect(providers.NAME)`.
   * One equal to `provider` is that one.
   */
  readonly providers?: Readonly<Record<string, ReplayProvider>>;
  /** What each step gave when the session was recorded, in order (see `RecordedStep`). */
  readonly recorded?: readonly RecordedStep[];
  /** The parameters, with the recorded values as defaults (each is a flag). */
  readonly params?: Readonly<Record<string, ParamSpec>>;
  /** The command line (default: `Deno.args`). */
  readonly args?: readonly string[];
  /** Where the report goes (default: standard output and standard error). */
  readonly output?: { log(text: string): void; error(text: string): void };
}

/** The flags a replay takes besides its parameters. */
const OWN_FLAGS = ["keep-going", "refresh", "no-cache", "home", "session", "keep", "help"];

/** A parameter's flag: its name, or `param-<name>` when that is one of the replay's own. */
export function paramFlag(name: string): string {
  return OWN_FLAGS.includes(name) ? `param-${name}` : name;
}

/** The usage text of a replay. */
export function replayUsage(spec: ReplaySpec, script = `${spec.session}.ts`): string {
  const params = Object.entries(spec.params ?? {}).map(([name, p]) => {
    return `  --${paramFlag(name)} ${p.kind.toUpperCase()}${
      p.description ? `  ${p.description}` : ""
    }`;
  });
  return [
    `Usage: ${script} [flags]`,
    ...(params.length ? ["Parameters (the recorded values are the defaults):", ...params] : []),
    "  --keep-going     replay every step, even after one fails",
    "  --refresh        run every query again (fresh results replace cached ones)",
    "  --no-cache       neither read nor write the result cache",
    "  --home DIR       the casefile home (default: $CASEFILE_HOME, else ./.casefile)",
    "  --session NAME   the replay's session (default: <name>-replay-<time>); kept",
    "  --keep           keep the replay's session when it fails (it is removed otherwise)",
  ].join("\n");
}

/**
 * Replays a session: reads the flags, opens the provider and a new session under the
 * casefile home (with the parameters' values from the flags), runs `steps` with it, and
 * reports every step: `equal`, `volatile` (differs, and cannot be reproduced), or the
 * failure (the step's number, name and code, the error or the difference). Without
 * `--keep-going`, the first failure stops the replay.
 *
 * A replay that fails removes its session (unless `--keep` or `--session` is given); one
 * that succeeds keeps it, as evidence (list and remove them with `casefile sessions`).
 *
 * @param spec The session replayed, its provider and its parameters.
 * @param steps The steps, run with the new session.
 * @returns The exit code: 0 when every step gave its recorded result (volatile ones
 *   aside), 1 when one failed or differed, 2 for bad flags.
 *
 * @example A replay of one query step (an exported script is a longer one of these)
 * ```ts
 * import assert from "node:assert/strict";
 * import { replaySession } from "./replay.ts";
 *
 * const home = await Deno.makeTempDir();
 * const lines: string[] = [];
 * const code = await replaySession(
 *   {
 *     session: "demo",
 *     provider: { kind: "local" },
 *     args: ["--home", home],
 *     output: { log: (l) => lines.push(l), error: (l) => lines.push(l) },
 *   },
 *   async (session) => {
 *     await session.query("alerts", "SecurityAlert | count", {
 *       expect: { position: 1, kind: "frame", rows: 1 },
 *     });
 *   },
 * );
 * assert.deepEqual([code, lines.at(-1)], [0, "1 step replayed: 1 equal"]);
 * await Deno.remove(home, { recursive: true });
 * ```
 */
export async function replaySession(
  spec: ReplaySpec,
  steps: (session: Session, providers: Readonly<Record<string, Provider>>) => Promise<void>,
): Promise<number> {
  const out = spec.output ?? { log: console.log, error: console.error };
  const usage = replayUsage(spec);
  let flags: Record<string, string | boolean | undefined>;
  try {
    const options: Record<string, { type: "string" | "boolean" }> = {};
    for (const name of Object.keys(spec.params ?? {})) {
      options[paramFlag(name)] = { type: "string" };
    }
    for (const flag of ["keep-going", "refresh", "no-cache", "keep", "help"]) {
      options[flag] = { type: "boolean" };
    }
    for (const flag of ["home", "session"]) options[flag] = { type: "string" };
    flags = parseArgs({ args: [...(spec.args ?? Deno.args)], strict: true, options }).values;
  } catch (error) {
    out.error(`${(error as Error).message}\n${usage}`);
    return 2;
  }
  if (flags.help) {
    out.log(usage);
    return 0;
  }
  let session: Session | undefined;
  let provider: (Provider & { close?: () => void }) | undefined;
  const opened: (Provider & { close?: () => void })[] = [];
  const byName: Record<string, Provider> = {};
  let failed = false;
  const named = typeof flags.session === "string";
  try {
    const params: Record<string, ParamSpec> = {};
    const changed: string[] = [];
    for (const [name, p] of Object.entries(spec.params ?? {})) {
      const given = flags[paramFlag(name)];
      if (typeof given !== "string") {
        params[name] = p;
        continue;
      }
      const value = parseParam(name, p.kind, given);
      params[name] = { ...p, default: value };
      const recorded = p.default === undefined ? undefined : formatParam(p.kind, p.default);
      if (formatParam(p.kind, value) !== recorded) changed.push(`${name}=${given}`);
    }
    provider = await openProvider(spec.provider);
    if (provider) opened.push(provider);
    for (const [key, other] of Object.entries(spec.providers ?? {})) {
      if (JSON.stringify(other) === JSON.stringify(spec.provider) && provider) {
        byName[key] = provider;
        continue;
      }
      const p = await openProvider(other);
      if (p) {
        opened.push(p);
        byName[key] = p;
      }
    }
    const stamp = new Date().toISOString().replace(/[-:]/g, "").slice(0, 15) + "-" +
      crypto.randomUUID().slice(0, 4);
    const name = (flags.session as string | undefined) ?? `${spec.session}-replay-${stamp}`;
    session = await openSession(name, {
      home: (flags.home as string | undefined) ?? defaultHome(),
      provider,
      params,
      cache: flags["no-cache"] ? false : undefined,
      replay: {
        keepGoing: Boolean(flags["keep-going"]),
        refresh: Boolean(flags.refresh),
        compare: changed.length === 0,
        recorded: spec.recorded,
      },
    });
    if (session.steps().length > 0) {
      throw new SessionError(`Session ${name} already has steps.`, {
        hint: "Replay into a new session: another --session NAME, or none.",
      });
    }
    for (const [key, p] of Object.entries(byName)) session.addProvider(key, p);
    out.log(
      `replaying session ${spec.session} as ${name} (home ${session.home}; ` +
        `${providersText(spec)})`,
    );
    if (changed.length) {
      out.log(
        `with other parameter values (${changed.join(", ")}): results are not compared ` +
          "with the recorded ones",
      );
    }
    let stoppedBy: unknown;
    try {
      await steps(session, byName);
    } catch (error) {
      stoppedBy = error;
    }
    failed = report(session, stoppedBy, Boolean(flags["keep-going"]), out);
  } catch (error) {
    failed = true;
    out.error(describe(error));
  } finally {
    const keep = !failed || named || Boolean(flags.keep);
    if (session) {
      await session.close();
      if (!keep) {
        await removeSession(session.name, session.home).catch(() => {});
        out.error(`the failed replay's session ${session.name} was removed (--keep keeps it)`);
      }
    }
    for (const p of opened) p.close?.();
  }
  return failed ? 1 : 0;
}

/** Prints each step's outcome and the failures; true when the replay failed. */
function report(
  session: Session,
  stoppedBy: unknown,
  keepGoing: boolean,
  out: { log(text: string): void; error(text: string): void },
): boolean {
  const counts = { equal: 0, volatile: 0, differs: 0, failed: 0, unchecked: 0 };
  for (const { record } of session.steps()) {
    const r = record.result;
    const what = !r
      ? "-"
      : r.kind === "frame" || r.kind === "series"
      ? `${r.kind}, ${r.rows} rows`
      : r.kind === "other"
      ? r.type
      : "json";
    const position = record.check?.position ?? record.position;
    let outcome: string;
    if (record.status === "error") {
      outcome = "FAILED";
      counts.failed++;
    } else if (!record.check) {
      outcome = "ran (not compared)";
      counts.unchecked++;
    } else if (record.check.outcome === "equal") {
      outcome = "equal";
      counts.equal++;
    } else if (record.check.outcome === "volatile") {
      outcome = `volatile: differs, as expected (${record.volatile})`;
      counts.volatile++;
    } else {
      outcome = "DIFFERS";
      counts.differs++;
    }
    const sha = r && "sha256" in r && r.sha256 ? `  sha256 ${r.sha256.slice(0, 16)}` : "";
    out.log(`  step ${position} ${record.name}: ${what}  ${outcome}${sha}`);
  }
  const failures = session.replayFailures;
  for (const failure of failures) {
    const record = session.steps().findLast((s) => s.record.name === failure.name)?.record;
    const position = failure.position ?? record?.position;
    const lines = [
      `step ${position ?? "?"} (${failure.name}) ${
        failure.error instanceof ReplayError ? "differs" : "failed"
      }: ${describe(failure.error)}`,
    ];
    const at = scriptLocation(failure.error);
    if (at) lines.push(`  at ${at}`);
    if (record) {
      lines.push(`  code: ${clip(record.code, 6)}`);
      const uses = Object.entries(record.uses ?? {});
      if (uses.length) {
        lines.push(`  it reads ${uses.map(([n]) => n).join(", ")}`);
      }
    }
    out.error(lines.join("\n"));
  }
  // An error outside any step (the script's own code): report it too.
  const unreported = stoppedBy !== undefined &&
    !failures.some((f) => f.error === stoppedBy);
  if (unreported) out.error(`the replay stopped: ${describe(stoppedBy)}`);
  const total = session.steps().length;
  const parts = [`${counts.equal} equal`];
  if (counts.volatile) parts.push(`${counts.volatile} volatile`);
  if (counts.differs) parts.push(`${counts.differs} differ`);
  if (failures.length - counts.differs > 0) {
    parts.push(`${failures.length - counts.differs} failed`);
  }
  if (counts.unchecked) parts.push(`${counts.unchecked} not compared`);
  const stopped = stoppedBy !== undefined && !keepGoing
    ? " (stopped at the first failure; --keep-going replays the rest)"
    : "";
  out.log(`${total} step${total === 1 ? "" : "s"} replayed: ${parts.join(", ")}${stopped}`);
  return failures.length > 0 || counts.differs > 0 || unreported;
}

async function openProvider(
  spec: ReplayProvider,
): Promise<(Provider & { close?: () => void }) | undefined> {
  switch (spec.kind) {
    case "none":
      return undefined;
    case "local": {
      if (!spec.data) return await openLocalProvider(DEMO_CASE_DIR);
      const folder = readEnv("CASEFILE_DATA");
      if (!folder) {
        throw new SessionError(
          `This replay reads a folder of data ("${spec.data}" when it was recorded); ` +
            "CASEFILE_DATA says where it is, and it is not set.",
          { hint: "Set CASEFILE_DATA=DIR (the script's first line allows reading it)." },
        );
      }
      try {
        if (!(await Deno.stat(folder)).isDirectory) throw new Error("not a folder");
      } catch (error) {
        throw new SessionError(
          `CASEFILE_DATA is ${folder}, which is not a folder this replay can read ` +
            `(${(error as Error).message}).`,
          {
            hint: `Point it at the folder of data the session read ("${spec.data}" when it ` +
              "was recorded), moved or copied here.",
          },
        );
      }
      return await openLocalProvider(resolvePath(folder));
    }
    case "sentinel": {
      const { envTokenCredential, openSentinelProvider } = await import(
        SENTINEL_URL.href
      ) as typeof import("../providers/sentinel/mod.ts");
      const token = envTokenCredential();
      if (!token && spec.credential === "token") {
        throw new SessionError(
          `The session signed in to workspace ${spec.workspace} with the token in ` +
            "CASEFILE_SENTINEL_TOKEN, and it is not set.",
          {
            hint: "Set CASEFILE_SENTINEL_TOKEN to a current token for the workspace (or edit " +
              'the script\'s credential to another kind, e.g. "azure-cli").',
          },
        );
      }
      return await openSentinelProvider({
        workspace: spec.workspace,
        cloud: spec.cloud,
        endpoint: spec.endpoint,
        authorityHost: spec.authorityHost,
        credential: token ?? (spec.credential === "token" ? undefined : spec.credential),
      });
    }
    case "adx": {
      const { adxTokenCredential, openAdxProvider } = await import(
        ADX_URL.href
      ) as typeof import("../providers/adx/mod.ts");
      const token = adxTokenCredential();
      if (!token && spec.credential === "token") {
        throw new SessionError(
          `The session signed in to ${spec.cluster} with the token in CASEFILE_ADX_TOKEN, ` +
            "and it is not set.",
          {
            hint: "Set CASEFILE_ADX_TOKEN to a current token for the cluster (az account " +
              `get-access-token --resource ${spec.cluster}), or edit the script's credential.`,
          },
        );
      }
      return await openAdxProvider({
        cluster: spec.cluster,
        database: spec.database,
        credential: token ??
          (spec.credential === "token" ? undefined : spec.credential as AdxCredentialKind),
      });
    }
    case "xdr": {
      const { openXdrProvider } = await import(
        XDR_URL.href
      ) as typeof import("../providers/xdr/mod.ts");
      if (spec.credential === "token" && !readEnv("CASEFILE_XDR_TOKEN")) {
        throw new SessionError(
          "The session signed in to Defender XDR with the token in CASEFILE_XDR_TOKEN, and it " +
            "is not set.",
          {
            hint: "Set CASEFILE_XDR_TOKEN to a current Graph token (az account get-access-token " +
              "--resource https://graph.microsoft.com), or edit the script's credential.",
          },
        );
      }
      // CASEFILE_XDR_TOKEN, when set and no kind is given, signs in (openXdrProvider reads it).
      return await openXdrProvider({
        cloud: spec.cloud as XdrCloud | undefined,
        endpoint: spec.endpoint,
        authorityHost: spec.authorityHost,
        credential: spec.credential === "token"
          ? undefined
          : spec.credential as XdrCredentialKind | undefined,
      });
    }
  }
}

/** The Defender XDR provider, loaded only for an XDR replay. */
const XDR_URL = new URL("../providers/xdr/mod.ts", import.meta.url);

/** The ADX provider (and the Kusto client), loaded only for an ADX replay. */
const ADX_URL = new URL("../providers/adx/mod.ts", import.meta.url);

/** The Sentinel provider (and the Azure SDK), loaded only for a Sentinel replay. */
const SENTINEL_URL = new URL("../providers/sentinel/mod.ts", import.meta.url);

/** The providers a replay opens, in words: the first, then each other one by name. */
function providersText(spec: ReplaySpec): string {
  const others = Object.entries(spec.providers ?? {}).filter(([, p]) =>
    JSON.stringify(p) !== JSON.stringify(spec.provider)
  );
  return [
    describeProvider(spec.provider),
    ...others.map(([key, p]) => `${key}: ${describeProvider(p)}`),
  ].join("; ");
}

function describeProvider(spec: ReplayProvider): string {
  switch (spec.kind) {
    case "none":
      return "no provider";
    case "local":
      return spec.data
        ? `data ${basename(resolvePath(readEnv("CASEFILE_DATA") ?? spec.data))}`
        : "the bundled demo case";
    case "sentinel":
      return `Log Analytics workspace ${spec.workspace}`;
    case "adx":
      return `Azure Data Explorer database ${spec.database} on ${spec.cluster}`;
    case "xdr":
      return "Defender XDR advanced hunting";
  }
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const hint = error instanceof CasefileError && error.hint ? ` (hint: ${error.hint})` : "";
  return `${error.name}: ${error.message}${hint}`;
}

/** Where in the replaying script an error was thrown (`spray.ts:52:40`), if there. */
function scriptLocation(error: unknown): string | undefined {
  const stack = error instanceof Error ? error.stack ?? "" : "";
  const main = Deno.mainModule;
  for (const match of stack.matchAll(/(file:\/\/[^\s)]+):(\d+):(\d+)/g)) {
    if (match[1] === main) return `${basename(new URL(match[1]).pathname)}:${match[2]}:${match[3]}`;
  }
  return undefined;
}

function clip(code: string, lines: number): string {
  const all = code.trim().split("\n");
  const shown = all.slice(0, lines).join("\n        ");
  return all.length > lines ? `${shown}\n        … ${all.length - lines} more lines` : shown;
}

function readEnv(name: string): string | undefined {
  try {
    return Deno.env.get(name) || undefined;
  } catch {
    return undefined;
  }
}
