/**
 * How to open a provider again, as recorded with each query step (the journal's
 * `connection`) and read by the exports: a folder of data, or a workspace with its cloud,
 * query endpoint, sign-in host and credential kind. Never a secret: a session signed in
 * with `CASEFILE_SENTINEL_TOKEN` records the kind `token`, and its replay reads the
 * variable again.
 *
 * @module
 */
import { fileURLToPath } from "node:url";
import type { Provider } from "../providers/mod.ts";

/** How to open a session's provider again. */
export type ProviderSource =
  | {
    readonly kind: "local";
    readonly folder: string;
    /** Whether the folder is the bundled demo case (which every casefile has). */
    readonly demo: boolean;
  }
  | {
    readonly kind: "sentinel";
    readonly workspace: string;
    readonly configFile?: string;
    readonly cloud?: string;
    /** The query endpoint, when it is not the cloud's. */
    readonly endpoint?: string;
    /** The Microsoft Entra ID sign-in host, when it is not the cloud's. */
    readonly authorityHost?: string;
    /** The credential kind, when one was chosen; `token` for `CASEFILE_SENTINEL_TOKEN`. */
    readonly credential?: string;
    /** Hosts the provider talks to (query API, sign-in). */
    readonly hosts: readonly string[];
  }
  | {
    readonly kind: "adx";
    /** The cluster URL. */
    readonly cluster: string;
    readonly database: string;
    /** The credential kind, when one was chosen; `token` for `CASEFILE_ADX_TOKEN`. */
    readonly credential?: string;
    /** Hosts the provider talks to (the cluster, sign-in). */
    readonly hosts: readonly string[];
  }
  | {
    readonly kind: "xdr";
    /** The national cloud (`public`, `usgov`, `dod`). */
    readonly cloud?: string;
    /** The Graph endpoint, when it is not the cloud's. */
    readonly endpoint?: string;
    /** The Microsoft Entra ID sign-in host, when it is not the cloud's. */
    readonly authorityHost?: string;
    /** The credential kind, when one was chosen; `token` for `CASEFILE_XDR_TOKEN`. */
    readonly credential?: string;
    /** Hosts the provider talks to (Graph, sign-in). */
    readonly hosts: readonly string[];
  }
  | { readonly kind: "none" };

interface SentinelLike {
  readonly signIn?: string;
  readonly config: {
    readonly file?: string;
    /** Whether `file` was given (option or `CASEFILE_SENTINEL_CONFIG`), not the usual one. */
    readonly fileGiven?: boolean;
    readonly endpoint: string;
    readonly credential: string;
    readonly credentialChosen: boolean;
    readonly authorityHost?: string;
    readonly customAuthorityHost?: boolean;
    readonly cloud: { readonly name: string; readonly authorityHost: string; endpoint: string };
    readonly defaultWorkspace: { readonly id?: string; readonly resourceId?: string };
  };
}

/** The public cloud's hosts: what a workspace known only by its id talks to. */
export const PUBLIC_HOSTS: readonly string[] = ["api.loganalytics.io", "login.microsoftonline.com"];

/** How to open `provider` again, when it is one casefile knows how to open. */
export function sourceOf(provider: Provider | undefined): ProviderSource | undefined {
  if (provider?.kind === "local" && "folder" in provider) {
    const folder = String(provider.folder);
    return { kind: "local", folder, demo: isDemoCase(folder) };
  }
  if (provider?.kind === "sentinel" && "config" in provider) {
    const { config, signIn } = provider as unknown as SentinelLike;
    const workspace = config.defaultWorkspace.id ?? config.defaultWorkspace.resourceId ?? "";
    // By origin: `https://api.loganalytics.io.example.net` is not the cloud's endpoint.
    const custom = new URL(config.endpoint).origin !== new URL(config.cloud.endpoint).origin;
    const authorityHost = config.authorityHost ?? config.cloud.authorityHost;
    const credential = signIn === "token"
      ? "token"
      : config.credentialChosen
      ? config.credential
      : undefined;
    // A bearer token from the environment signs nowhere: only the query API is reached.
    const hosts = [new URL(config.endpoint).host];
    if (credential !== "token") hosts.push(new URL(authorityHost).host);
    return {
      kind: "sentinel",
      workspace,
      // A given file only: the usual one (no `fileGiven`) is found again on any machine,
      // where another analyst's path named with `--config` would not open.
      configFile: config.fileGiven ? config.file : undefined,
      cloud: config.cloud.name,
      endpoint: custom ? config.endpoint : undefined,
      authorityHost: config.customAuthorityHost ? authorityHost : undefined,
      credential,
      hosts,
    };
  }
  if (provider?.kind === "adx" && "cluster" in provider && "database" in provider) {
    const { cluster, database, signIn } = provider as unknown as {
      cluster: string;
      database: string;
      signIn?: string;
    };
    const credential = signIn === "custom" ? undefined : signIn;
    const hosts = [new URL(cluster).host];
    // A bearer token from the environment signs nowhere: only the cluster is reached.
    if (credential !== "token") hosts.push("login.microsoftonline.com");
    return { kind: "adx", cluster, database, credential, hosts };
  }
  if (provider?.kind === "xdr" && "signInHost" in provider) {
    const xdr = provider as unknown as {
      cloud: string;
      endpoint: string;
      customEndpoint: boolean;
      authorityHost?: string;
      signInHost: string;
      signIn: string;
    };
    const credential = xdr.signIn === "custom" ? undefined : xdr.signIn;
    const hosts = [new URL(xdr.endpoint).host];
    // A bearer token from the environment signs nowhere: only Graph is reached.
    if (credential !== "token") hosts.push(new URL(xdr.signInHost).host);
    return {
      kind: "xdr",
      cloud: xdr.cloud,
      endpoint: xdr.customEndpoint ? xdr.endpoint : undefined,
      authorityHost: xdr.authorityHost,
      credential,
      hosts,
    };
  }
  return undefined;
}

/** How to open the provider a query step recorded only the id of (`local:DIR`, `sentinel:ID`). */
export function sourceOfId(id: string | undefined): ProviderSource | undefined {
  if (id?.startsWith("local:")) {
    const folder = id.slice("local:".length);
    return { kind: "local", folder, demo: isDemoCase(folder) };
  }
  if (id?.startsWith("sentinel:")) {
    return { kind: "sentinel", workspace: id.slice("sentinel:".length), hosts: PUBLIC_HOSTS };
  }
  if (id?.startsWith("xdr:")) {
    return { kind: "xdr", hosts: ["graph.microsoft.com", "login.microsoftonline.com"] };
  }
  if (id?.startsWith("adx:")) {
    // `adx:https://cluster/database`.
    const rest = id.slice("adx:".length);
    const cut = rest.lastIndexOf("/");
    const cluster = rest.slice(0, cut);
    return {
      kind: "adx",
      cluster,
      database: rest.slice(cut + 1),
      hosts: [new URL(cluster).host, "login.microsoftonline.com"],
    };
  }
  return undefined;
}

/** Whether two sources open the same provider the same way. */
export function sameSource(a: ProviderSource, b: ProviderSource): boolean {
  return sourceKey(a) === sourceKey(b);
}

/** A source as a stable text (its fields in a fixed order). */
export function sourceKey(source: ProviderSource): string {
  switch (source.kind) {
    case "local":
      return JSON.stringify(["local", source.folder]);
    case "sentinel":
      return JSON.stringify([
        "sentinel",
        source.workspace,
        source.cloud ?? null,
        source.endpoint ?? null,
        source.authorityHost ?? null,
        source.credential ?? null,
      ]);
    case "adx":
      return JSON.stringify(["adx", source.cluster, source.database, source.credential ?? null]);
    case "xdr":
      return JSON.stringify([
        "xdr",
        source.cloud ?? null,
        source.endpoint ?? null,
        source.authorityHost ?? null,
        source.credential ?? null,
      ]);
    case "none":
      return "none";
  }
}

/** The bundled demo case's folder. */
const DEMO_CASE = fileURLToPath(new URL("../../fixtures/demo-case", import.meta.url));

function isDemoCase(folder: string): boolean {
  return folder.replace(/\/$/, "") === DEMO_CASE;
}

/**
 * Whether two sources reach the same data (the same folder, workspace, cluster and
 * database, or Graph endpoint), however they sign in: a step recorded on one may re-run
 * on the other.
 */
export function sameTarget(a: ProviderSource, b: ProviderSource): boolean {
  return targetKey(a) === targetKey(b);
}

function targetKey(source: ProviderSource): string {
  switch (source.kind) {
    case "local":
      // The bundled demo case is the same data wherever casefile is installed.
      return source.demo
        ? JSON.stringify(["local-demo"])
        : JSON.stringify(["local", source.folder.replace(/\/+$/, "")]);
    case "sentinel":
      return JSON.stringify(["sentinel", source.workspace, source.endpoint ?? null]);
    case "adx":
      return JSON.stringify(["adx", source.cluster.replace(/\/+$/, ""), source.database]);
    case "xdr":
      return JSON.stringify(["xdr", source.cloud ?? "public", source.endpoint ?? null]);
    case "none":
      return "none";
  }
}

/** A source in words: `local folder /cases/x`, `Sentinel workspace 1234…`. */
export function describeSource(source: ProviderSource): string {
  switch (source.kind) {
    case "local":
      return source.demo ? "the bundled demo case" : `local folder ${source.folder}`;
    case "sentinel":
      return `Sentinel workspace ${source.workspace}` +
        (source.endpoint ? ` at ${source.endpoint}` : "");
    case "adx":
      return `ADX database ${source.database} on ${source.cluster}`;
    case "xdr":
      return "Defender XDR advanced hunting" + (source.endpoint ? ` at ${source.endpoint}` : "");
    case "none":
      return "no provider";
  }
}

/** The `.connect` words that open `source` again in the REPL, named `name` (none: as the session's provider). */
export function connectCommand(source: ProviderSource, name?: string): string {
  // As the REPL's `.connect` splits words: '…' keeps spaces, "…" (with \ escapes) keeps quotes.
  const quote = (s: string) =>
    /^[\w@%+=:,./-]+$/.test(s)
      ? s
      : /'/.test(s)
      ? `"${s.replace(/["\\]/g, (c) => `\\${c}`)}"`
      : `'${s}'`;
  const as = name === undefined ? "" : ` as ${name}`;
  switch (source.kind) {
    case "local":
      return `.connect local${source.demo ? "" : ` ${quote(source.folder)}`}${as}`;
    case "sentinel": {
      // Where the queries went, so a reconnection reaches the same place (never a secret).
      const flags = [
        source.cloud && source.cloud !== "public" ? ` --cloud ${quote(source.cloud)}` : "",
        source.endpoint ? ` --endpoint ${quote(source.endpoint)}` : "",
        source.authorityHost ? ` --authority-host ${quote(source.authorityHost)}` : "",
        source.configFile ? ` --config ${quote(source.configFile)}` : "",
      ].join("");
      return `.connect sentinel ${quote(source.workspace)}${flags}${as}`;
    }
    case "adx":
      return `.connect adx ${quote(source.cluster)} ${quote(source.database)}${as}`;
    case "xdr":
      return `.connect xdr${as}`;
    case "none":
      return `.connect ...${as}`;
  }
}
