/**
 * What the exports (script, notebook, report, bundle) share: their one shape (options with
 * a `path` to write to), the kept steps, the provider a session ran on and how to open it
 * again, and steps written back as TypeScript.
 *
 * @module
 */
import { basename } from "node:path";
import { type ProviderSource, sameSource, sourceOf, sourceOfId } from "./_provider_source.ts";
import type { StepRecord, TemplatePart } from "./_journal.ts";
import type { Session } from "./session.ts";
import type { Step } from "./_step_list.ts";
import { formatParam, type ParamInfo } from "./params.ts";

/**
 * What every export takes: `exportScript`, `exportNotebook`, `exportReport` and
 * `exportBundle` each return what they made and, given a `path`, also write it there.
 */
export interface ExportOptions {
  /**
   * Also write the export to this file, private to the user (replaced atomically: a crash
   * leaves the old file or the new one; missing folders are made).
   */
  readonly path?: string;
}

/**
 * The steps an export keeps, in order: those that ran well and are not dead ends, and the
 * dead ends whose values a kept step reads (without them it could not run again).
 */
export function keptSteps(session: Session): Step[] {
  const all = session.steps();
  const kept = new Set<number>();
  const queue = all.filter((s) => s.record.status === "ok" && s.mark !== "dead-end");
  for (const s of queue) kept.add(s.record.position);
  while (queue.length) {
    const step = queue.pop()!;
    for (const position of Object.values(step.record.uses ?? {})) {
      const needed = all[position - 1];
      if (needed?.record.status === "ok" && !kept.has(position)) {
        kept.add(position);
        queue.push(needed);
      }
    }
  }
  return all.filter((s) => kept.has(s.record.position));
}

/** The kept steps that read the values of `step` (for a dead end an export keeps). */
export function readersOf(session: Session, step: Step): number[] {
  return keptSteps(session).filter((s) =>
    Object.values(s.record.uses ?? {}).includes(step.record.position)
  ).map((s) => s.record.position);
}

export type { ProviderSource } from "./_provider_source.ts";

/**
 * How to open the provider a query step ran on: what the step recorded, else the live
 * provider with its id, else what its id tells.
 */
export function stepSource(session: Session, record: StepRecord): ProviderSource | undefined {
  if (record.connection) return record.connection;
  const live = record.providerName === undefined
    ? session.provider
    : session.providers[record.providerName];
  if (live && live.id === record.provider) return sourceOf(live);
  return sourceOfId(record.provider);
}

/**
 * The providers the kept query steps ran on, each once, in the order first used, and the
 * index of each query step's (by position). Without query steps: the session's provider.
 * Steps that named their provider (`{ provider: "adx" }`) are left to {@link namedSources}.
 */
export function stepSources(
  session: Session,
): { sources: ProviderSource[]; byStep: Map<number, number> } {
  const sources: ProviderSource[] = [];
  const byStep = new Map<number, number>();
  for (const { record } of keptSteps(session)) {
    if (record.kind !== "query" || record.providerName !== undefined) continue;
    const source = stepSource(session, record);
    if (!source) continue;
    let index = sources.findIndex((s) => sameSource(s, source));
    if (index < 0) index = sources.push(source) - 1;
    byStep.set(record.position, index);
  }
  if (!sources.length) {
    const live = sourceOf(session.provider) ?? sourceOfId(session.provider?.id);
    if (live) sources.push(live);
  }
  return { sources, byStep };
}

/**
 * The providers kept query steps named (`session.query(n, q, { provider: "adx" })`), by
 * name, each as the first step of that name ran on it, in the order first used.
 */
export function namedSources(session: Session): Map<string, ProviderSource> {
  const named = new Map<string, ProviderSource>();
  for (const { record } of keptSteps(session)) {
    const name = record.providerName;
    if (record.kind !== "query" || name === undefined || named.has(name)) continue;
    const source = stepSource(session, record);
    if (source) named.set(name, source);
  }
  return named;
}

/** The provider the session's first kept query ran on, else the one it runs on. */
export function providerSource(session: Session): ProviderSource {
  return stepSources(session).sources[0] ?? { kind: "none" };
}

/**
 * TypeScript that opens the provider (an expression), with the names it imports, holding
 * no path of this machine: the demo case is casefile's own, a folder of data comes from
 * `CASEFILE_DATA`, a Sentinel config from the user's (or `CASEFILE_SENTINEL_CONFIG`).
 */
export function providerCode(source: ProviderSource): { code: string; imports: string[] } {
  switch (source.kind) {
    case "local":
      return source.demo ? { code: "await openLocalProvider()", imports: ["openLocalProvider"] } : {
        code: `await openLocalProvider(Deno.env.get("CASEFILE_DATA") ?? ${
          JSON.stringify(basename(source.folder))
        })`,
        imports: ["openLocalProvider"],
      };
    case "sentinel": {
      const options: Record<string, string> = { workspace: source.workspace };
      if (source.cloud) options.cloud = source.cloud;
      if (source.endpoint) options.endpoint = source.endpoint;
      if (source.authorityHost) options.authorityHost = source.authorityHost;
      if (source.credential && source.credential !== "token") {
        options.credential = source.credential;
      }
      const fields = Object.entries(options).map(([k, v]) => `${k}: ${JSON.stringify(v)}`);
      // Signed in with CASEFILE_SENTINEL_TOKEN: read it again (the token is never written).
      if (source.credential === "token") fields.push("credential: envTokenCredential()");
      return {
        code: `await openSentinelProvider({ ${fields.join(", ")} })`,
        imports: source.credential === "token"
          ? ["envTokenCredential", "openSentinelProvider"]
          : ["openSentinelProvider"],
      };
    }
    case "adx": {
      const fields = [
        `cluster: ${JSON.stringify(source.cluster)}`,
        `database: ${JSON.stringify(source.database)}`,
      ];
      if (source.credential && source.credential !== "token") {
        fields.push(`credential: ${JSON.stringify(source.credential)}`);
      }
      // Signed in with CASEFILE_ADX_TOKEN: openAdxProvider reads it again (never written).
      return {
        code: `await openAdxProvider({ ${fields.join(", ")} })`,
        imports: ["openAdxProvider"],
      };
    }
    case "xdr": {
      const options: Record<string, string> = {};
      if (source.cloud && source.cloud !== "public") options.cloud = source.cloud;
      if (source.endpoint) options.endpoint = source.endpoint;
      if (source.authorityHost) options.authorityHost = source.authorityHost;
      if (source.credential && source.credential !== "token") {
        options.credential = source.credential;
      }
      const fields = Object.entries(options).map(([k, v]) => `${k}: ${JSON.stringify(v)}`);
      // Signed in with CASEFILE_XDR_TOKEN: openXdrProvider reads it again (never written).
      return {
        code: `await openXdrProvider({ ${fields.join(", ")} })`,
        imports: ["openXdrProvider"],
      };
    }
    case "none":
      return { code: "undefined", imports: [] };
  }
}

/**
 * A recorded query template as TypeScript: a `kql` template with its parameters as
 * `${<params>.name}` (text that a template literal cannot hold goes in as `rawKql(...)`),
 * or a string when the query had no parameters and is plain.
 */
export function templateCode(
  parts: readonly TemplatePart[],
  params = "session.params",
): { code: string; usesRaw: boolean } {
  let code = "kql`";
  let usesRaw = false;
  for (const part of parts) {
    if ("param" in part) {
      code += "${" + params + "." + part.param + "}";
    } else if ("expr" in part) {
      // Computed again from the earlier steps' variables, which the script binds by name.
      code += "${" + part.expr + "}";
    } else if (/`|\$\{|\\$|\r/.test(part.text)) {
      // `kql` reads the raw text: a backtick or `${` cannot be escaped in it.
      code += "${rawKql(" + JSON.stringify(part.text) + ")}";
      usesRaw = true;
    } else {
      code += part.text;
    }
  }
  return { code: code + "`", usesRaw };
}

/** The template of a query step (a string query is one text part). */
export function recordTemplate(record: StepRecord): readonly TemplatePart[] {
  return record.template ?? [{ text: record.code }];
}

/** The options of a replayed query (`now` pinned, the time window), as TypeScript. */
export function queryOptionsCode(record: StepRecord, params = "session.params"): string[] {
  const out: string[] = [];
  if (record.providerName !== undefined) {
    out.push(`provider: ${JSON.stringify(record.providerName)}`);
  }
  if (record.timespanParam) out.push(`timespan: ${params}.${record.timespanParam}`);
  else if (record.timespan) {
    out.push(
      `timespan: { start: new Date(${JSON.stringify(record.timespan.start)}), end: new Date(${
        JSON.stringify(record.timespan.end)
      }) }`,
    );
  }
  if (record.now) out.push(`now: new Date(${JSON.stringify(record.now)})`);
  if (record.providerOptions && Object.keys(record.providerOptions).length) {
    out.push(`providerOptions: ${JSON.stringify(record.providerOptions)}`);
  }
  return out;
}

/** A parameter's definition as code: `code: param.string({ default: "50126" })`. */
export function paramCode(p: ParamInfo): string {
  const parts: string[] = [];
  if (p.value !== undefined) parts.push(`default: ${JSON.stringify(formatParam(p.kind, p.value))}`);
  if (p.description) parts.push(`description: ${JSON.stringify(p.description)}`);
  return `${p.name}: param.${p.kind}(${parts.length ? `{ ${parts.join(", ")} }` : ""})`;
}

/** A line of text as a `//` comment block (each line prefixed). */
export function comment(text: string, indent = ""): string {
  return text.split("\n").map((line) => `${indent}// ${line}`.trimEnd()).join("\n");
}

/**
 * TypeScript laid out as `deno fmt` would (100 columns), when this process may run Deno;
 * else as it is.
 */
export async function formatTypeScript(text: string): Promise<string> {
  try {
    const deno = Deno.execPath();
    if (Deno.permissions.querySync({ name: "run", command: deno }).state !== "granted") {
      return text;
    }
    const child = new Deno.Command(deno, {
      args: ["fmt", "--ext=ts", "--line-width=100", "-"],
      stdin: "piped",
      stdout: "piped",
      stderr: "null",
      env: { NO_COLOR: "1" },
    }).spawn();
    const writer = child.stdin.getWriter();
    await writer.write(new TextEncoder().encode(text));
    await writer.close();
    const { success, stdout } = await child.output();
    return success ? new TextDecoder().decode(stdout) : text;
  } catch {
    return text;
  }
}
