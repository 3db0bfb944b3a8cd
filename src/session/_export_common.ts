/**
 * What the exports (script, notebook, report) share: the kept steps, the provider a
 * session ran on and how to open it again, and steps written back as TypeScript.
 *
 * @module
 */
import { fileURLToPath, pathToFileURL } from "node:url";
import { join } from "node:path";
import type { Provider } from "../providers/provider.ts";
import type { StepRecord, TemplatePart } from "./_journal.ts";
import type { Session, Step } from "./session.ts";

/** The repository casefile runs from (exports import its `mod.ts`). */
export const REPO_DIR: string = fileURLToPath(new URL("../../", import.meta.url)).replace(
  /\/$/,
  "",
);

/** `mod.ts` as a `file:` URL, for imports from a script outside the repository. */
export const MOD_URL: string = pathToFileURL(join(REPO_DIR, "mod.ts")).href;

/** The steps an export keeps: ok and not a dead end, in order. */
export function keptSteps(session: Session): Step[] {
  return session.steps().filter((s) => s.record.status === "ok" && s.mark !== "dead-end");
}

/** How to open a session's provider again. */
export type ProviderSource =
  | { readonly kind: "local"; readonly folder: string }
  | {
    readonly kind: "sentinel";
    readonly workspace: string;
    readonly configFile?: string;
    readonly cloud?: string;
    readonly endpoint?: string;
    readonly credential?: string;
    /** Hosts the provider talks to (query API, sign-in). */
    readonly hosts: readonly string[];
  }
  | { readonly kind: "none" };

interface SentinelLike {
  readonly config: {
    readonly file?: string;
    readonly endpoint: string;
    readonly credential: string;
    readonly credentialChosen: boolean;
    readonly cloud: { readonly name: string; readonly authorityHost: string; endpoint: string };
    readonly defaultWorkspace: { readonly id?: string; readonly resourceId?: string };
  };
}

const PUBLIC_HOSTS = ["api.loganalytics.io", "login.microsoftonline.com"];

/** The provider the session runs on, else the one its last kept query ran on. */
export function providerSource(session: Session): ProviderSource {
  const provider: Provider | undefined = session.provider;
  if (provider?.kind === "local" && "folder" in provider) {
    return { kind: "local", folder: String(provider.folder) };
  }
  if (provider?.kind === "sentinel" && "config" in provider) {
    const { config } = provider as unknown as SentinelLike;
    const workspace = config.defaultWorkspace.id ?? config.defaultWorkspace.resourceId ?? "";
    const custom = !config.endpoint.startsWith(config.cloud.endpoint);
    return {
      kind: "sentinel",
      workspace,
      configFile: config.file,
      cloud: config.cloud.name,
      endpoint: custom ? config.endpoint : undefined,
      credential: config.credentialChosen ? config.credential : undefined,
      hosts: [new URL(config.endpoint).host, new URL(config.cloud.authorityHost).host],
    };
  }
  const id = keptSteps(session).findLast((s) => s.record.kind === "query")?.record.provider ??
    provider?.id;
  if (id?.startsWith("local:")) return { kind: "local", folder: id.slice("local:".length) };
  if (id?.startsWith("sentinel:")) {
    return { kind: "sentinel", workspace: id.slice("sentinel:".length), hosts: PUBLIC_HOSTS };
  }
  return { kind: "none" };
}

/** TypeScript that opens the provider (an expression), with the names it imports. */
export function providerCode(source: ProviderSource): { code: string; imports: string[] } {
  switch (source.kind) {
    case "local":
      return {
        code: `await openLocalProvider(${JSON.stringify(source.folder)})`,
        imports: ["openLocalProvider"],
      };
    case "sentinel": {
      const options: Record<string, string> = { workspace: source.workspace };
      if (source.configFile) options.configFile = source.configFile;
      if (source.cloud) options.cloud = source.cloud;
      if (source.endpoint) options.endpoint = source.endpoint;
      if (source.credential) options.credential = source.credential;
      return {
        code: `await openSentinelProvider(${JSON.stringify(options)})`,
        imports: ["openSentinelProvider"],
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

/** Whether a code step's source is a function (`fn.toString()`) rather than source text. */
export function isFunctionSource(source: string): boolean {
  return /^(async\s+)?(function\b|\(|[A-Za-z_$][\w$]*\s*=>)/.test(source.trim());
}

/** A code step's source as the argument of `session.run`. */
export function codeArgument(record: StepRecord): string {
  return isFunctionSource(record.code) ? record.code.trim() : JSON.stringify(record.code);
}

/** The options of a replayed query (`now` pinned, the time window), as TypeScript. */
export function queryOptionsCode(record: StepRecord, params = "session.params"): string[] {
  const out: string[] = [];
  if (record.timespanParam) out.push(`timespan: ${params}.${record.timespanParam}`);
  else if (record.timespan) {
    out.push(
      `timespan: { start: new Date(${JSON.stringify(record.timespan.start)}), end: new Date(${
        JSON.stringify(record.timespan.end)
      }) }`,
    );
  }
  if (record.now) out.push(`now: new Date(${JSON.stringify(record.now)})`);
  return out;
}

/** A line of text as a `//` comment block (each line prefixed). */
export function comment(text: string, indent = ""): string {
  return text.split("\n").map((line) => `${indent}// ${line}`.trimEnd()).join("\n");
}
