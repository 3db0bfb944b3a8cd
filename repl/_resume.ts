/**
 * Reopening a session on every provider its steps named: `%kql @archive ...` recorded the
 * provider's name and how to open it (a folder, a workspace, a cluster; never a secret), so
 * a resumed session connects each local folder again under its name, and a step re-runs
 * where it ran. A remote provider, or a folder that cannot be opened now, is named with the
 * `.connect` that would open it: no credential is used on a journal's word.
 *
 * @module
 */
import type { ProviderSource } from "../src/session/mod.ts";
import type { Session } from "../src/session/mod.ts";
import { connect, type Connection, type ProviderSpec } from "./_providers.ts";

/** What reconnecting needs of the REPL. */
export interface ResumeHost {
  readonly session: Session;
  readonly connections: Map<string, Connection>;
  readonly output: { write(text: string): void };
}

/** The REPL's way to open `source` again; undefined for a session without a provider. */
export function specOf(source: ProviderSource): ProviderSpec | undefined {
  switch (source.kind) {
    case "local":
      return source.demo ? { kind: "local" } : { kind: "local", dir: source.folder };
    case "sentinel":
      // Where the session's queries went (cloud, endpoint, sign-in host, config file);
      // never a secret: the credential is the analyst's, found again on connecting.
      return {
        kind: "sentinel",
        workspace: source.workspace,
        ...(source.cloud !== undefined && source.cloud !== "public" ? { cloud: source.cloud } : {}),
        ...(source.endpoint !== undefined ? { endpoint: source.endpoint } : {}),
        ...(source.authorityHost !== undefined ? { authorityHost: source.authorityHost } : {}),
        ...(source.configFile !== undefined ? { configFile: source.configFile } : {}),
      };
    case "adx":
      return { kind: "adx", cluster: source.cluster, database: source.database };
    case "xdr":
      return { kind: "xdr" };
    case "none":
      return undefined;
  }
}

/**
 * `word` as `.connect` reads it back as one argument: quoted when it holds a space, a quote
 * or a backslash (a folder named `my case`), as is otherwise.
 */
export function quotedWord(word: string): string {
  if (word !== "" && !/[\s"'\\]/.test(word)) return word;
  if (!/['\n]/.test(word)) return `'${word}'`;
  return `"${word.replace(/["\\]/g, (c) => `\\${c}`)}"`;
}

/** `.connect` words opening `source` as `name` (what to type when it could not be opened). */
export function connectWords(source: ProviderSource, name: string): string {
  const spec = specOf(source);
  switch (spec?.kind) {
    case "local":
      return `.connect local ${spec.dir ? `${quotedWord(spec.dir)} ` : ""}as ${name}`;
    case "sentinel": {
      const flags = [
        spec.cloud !== undefined ? ` --cloud ${quotedWord(spec.cloud)}` : "",
        spec.endpoint !== undefined ? ` --endpoint ${quotedWord(spec.endpoint)}` : "",
        spec.authorityHost !== undefined
          ? ` --authority-host ${quotedWord(spec.authorityHost)}`
          : "",
        spec.configFile !== undefined ? ` --config ${quotedWord(spec.configFile)}` : "",
      ].join("");
      const workspace = spec.workspace ? ` ${quotedWord(spec.workspace)}` : "";
      return `.connect sentinel${workspace}${flags} as ${name}`;
    }
    case "adx":
      return `.connect adx ${quotedWord(spec.cluster ?? "")} ${
        quotedWord(spec.database ?? "")
      } as ${name}`;
    case "xdr":
      return `.connect xdr as ${name}`;
    case undefined:
      return `.connect KIND ... as ${name}`;
  }
}

/**
 * Connects, under its name, each local folder the session's steps ran on that is not
 * connected yet, and adds it to the session; says what it did, and what to type for one it
 * could not open, or for a remote provider (Sentinel, ADX, XDR: never signed in to on the
 * journal's word). Steps on a provider not connected refuse to re-run rather than run
 * elsewhere.
 */
export async function reconnectRecorded(host: ResumeHost): Promise<void> {
  for (const [name, source] of Object.entries(host.session.recordedProviders())) {
    if (host.connections.has(name)) continue;
    const spec = specOf(source);
    if (!spec) continue;
    // A remote provider signs in with the analyst's credentials: the journal (perhaps a
    // colleague's bundle) names where, so the analyst connects it, not the resume.
    if (spec.kind !== "local") {
      host.output.write(
        `note: steps on @${name} ran on ${spec.kind}; to re-run them, connect it with: ${
          connectWords(source, name)
        } (it becomes the default: .connect the session's own data again after it)`,
      );
      continue;
    }
    try {
      const connection = await connect(spec);
      host.connections.set(name, connection);
      host.session.addProvider(name, connection.provider);
      host.output.write(`reconnected @${name}: ${connection.provider.description}`);
    } catch (error) {
      const hint = (error as { hint?: string }).hint;
      host.output.write(
        `note: steps on @${name} cannot re-run until it is connected: ${(error as Error).message}${
          hint ? ` (${hint})` : ""
        }\n  connect it with: ${connectWords(source, name)}`,
      );
    }
  }
}
