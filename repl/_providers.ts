/**
 * Opening the REPL's providers: a local folder (the demo case by default) or a Log
 * Analytics workspace by friendly name (the Sentinel config file and environment).
 *
 * `CASEFILE_SENTINEL_TOKEN`, when set, is used as the bearer token (for a token obtained
 * elsewhere, or the loopback service); it is never printed or recorded.
 *
 * @module
 */
import {
  DEMO_CASE_DIR,
  openLocalProvider,
  type Provider,
  type TableInfo,
} from "../src/providers/mod.ts";
import { SENTINEL_SCHEMAS } from "../src/schema/mod.ts";
import { importLater } from "./_later.ts";

/** Which provider to open. */
export type ProviderSpec =
  | { readonly kind: "local"; readonly dir?: string }
  | {
    readonly kind: "sentinel";
    readonly workspace?: string;
    /** `public`, `usgov` or `china` (default: the config file's, else public). */
    readonly cloud?: string;
    /** Another query endpoint than the cloud's (a proxy, a private link). */
    readonly endpoint?: string;
    /** Another Microsoft Entra ID sign-in host than the cloud's. */
    readonly authorityHost?: string;
    /** The Sentinel config file (default: `CASEFILE_SENTINEL_CONFIG`, then the usual one). */
    readonly configFile?: string;
  }
  | { readonly kind: "adx"; readonly cluster?: string; readonly database?: string }
  | { readonly kind: "xdr" };

/** An open provider with what completion needs. */
export interface Connection {
  readonly spec: ProviderSpec;
  readonly provider: Provider;
  /** Tables with columns, loaded in the background (empty until loaded). */
  tables: readonly TableInfo[];
  readonly ready: Promise<void>;
  close(): void;
}

/** A provider as the command line opens it: close it when done. */
export type OpenProvider = Provider & { close?: () => void };

/**
 * Opens the provider `spec` names: a folder (default: the demo case), or a workspace by
 * friendly name or id with the Sentinel config and environment (signed in with
 * `CASEFILE_SENTINEL_TOKEN` when it is set).
 */
export async function openProvider(spec: ProviderSpec): Promise<OpenProvider> {
  switch (spec.kind) {
    case "local":
      return await openLocalProvider(spec.dir ?? DEMO_CASE_DIR, {
        knownSchemas: SENTINEL_SCHEMAS,
      });
    case "sentinel": {
      const { envTokenCredential, openSentinelProvider } = await importLater<
        typeof import("../src/providers/sentinel/mod.ts")
      >(new URL("../src/providers/sentinel/mod.ts", import.meta.url));
      // Only what the spec names: the config file and environment settle the rest.
      return await openSentinelProvider({
        workspace: spec.workspace,
        credential: envTokenCredential(),
        ...(spec.cloud !== undefined ? { cloud: spec.cloud as "public" } : {}),
        ...(spec.endpoint !== undefined ? { endpoint: spec.endpoint } : {}),
        ...(spec.authorityHost !== undefined ? { authorityHost: spec.authorityHost } : {}),
        ...(spec.configFile !== undefined ? { configFile: spec.configFile } : {}),
      });
    }
    case "adx": {
      // CASEFILE_ADX_TOKEN when set, else the default Azure credential chain.
      const { openAdxProvider } = await importLater<
        typeof import("../src/providers/adx/mod.ts")
      >(new URL("../src/providers/adx/mod.ts", import.meta.url));
      return await openAdxProvider({ cluster: spec.cluster, database: spec.database });
    }
    case "xdr": {
      // CASEFILE_XDR_TOKEN when set, else CASEFILE_XDR_CREDENTIAL (default: the chain).
      const { openXdrProvider } = await importLater<
        typeof import("../src/providers/xdr/mod.ts")
      >(new URL("../src/providers/xdr/mod.ts", import.meta.url));
      return await openXdrProvider();
    }
  }
}

/** Opens the provider `spec` names, and loads its tables for completion in the background. */
export async function connect(spec: ProviderSpec): Promise<Connection> {
  const provider = await openProvider(spec);
  const connection: Connection = {
    spec,
    provider,
    tables: [],
    ready: Promise.resolve(),
    close: () => provider.close?.(),
  };
  (connection as { ready: Promise<void> }).ready = provider.tables().then(
    (tables) => {
      connection.tables = tables;
    },
    () => {
      // Completion does without table names (a workspace that cannot be reached yet).
    },
  );
  return connection;
}
