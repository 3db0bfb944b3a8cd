/**
 * What every loopback twin (Log Analytics, Kusto, Graph hunting, ARM) starts the same way:
 * fresh TLS material, its CA written to a temporary PEM file for the client, an HTTPS server
 * on 127.0.0.1, the Entra ID tenant pointed at that endpoint, and a close that runs once.
 * The other twins import it white-box, like `_certificate.ts` and `_entra.ts`.
 *
 * @module
 */
import { createTlsMaterial } from "./_certificate.ts";
import type { EntraService } from "./_entra.ts";
import type { EntraTenant } from "./_types.ts";

/** What {@link serveLoopback} needs. */
export interface LoopbackOptions {
  /** Prefix of the temporary CA file's name (`casefile-kusto-ca-`). */
  readonly caPrefix: string;
  /** The port to listen on; 0 (the default) picks a free one. */
  readonly port?: number;
  /** The twin's Entra ID tenant, pointed at the server's endpoint once it listens. */
  readonly entra?: EntraService;
  /** Answers one request. */
  readonly handler: (request: Request) => Response | Promise<Response>;
  /** Runs first on close (e.g. abort the service's long waits so shutdown can finish). */
  readonly onClose?: () => void;
}

/** A running loopback HTTPS server: the parts every twin's service returns. */
export interface LoopbackServer {
  /** `https://127.0.0.1:<port>`. */
  readonly endpoint: string;
  /** PEM text of the throwaway CA. */
  readonly caCertificate: string;
  /** A temporary file holding {@link caCertificate}, removed on close. */
  readonly caCertificatePath: string;
  /** The tenant's test-side handle, when the twin has one. */
  readonly entra?: EntraTenant;
  /** Stops the server and removes the CA file (once; later calls share the first). */
  close(): Promise<void>;
}

/** Starts an HTTPS server on 127.0.0.1 with fresh TLS material (see the module doc). */
export async function serveLoopback(options: LoopbackOptions): Promise<LoopbackServer> {
  const tls = await createTlsMaterial();
  const caCertificatePath = await Deno.makeTempFile({ prefix: options.caPrefix, suffix: ".pem" });
  let server: Deno.HttpServer<Deno.NetAddr>;
  try {
    await Deno.writeTextFile(caCertificatePath, tls.caCertificate);
    server = Deno.serve({
      hostname: "127.0.0.1",
      port: options.port ?? 0,
      cert: tls.certificate,
      key: tls.privateKey,
      onListen() {},
    }, options.handler);
  } catch (error) {
    await Deno.remove(caCertificatePath).catch(() => {});
    throw error;
  }
  const endpoint = `https://127.0.0.1:${server.addr.port}`;
  const entra = options.entra;
  if (entra) entra.authorityHost = endpoint;
  let closed: Promise<void> | undefined;
  return {
    endpoint,
    caCertificate: tls.caCertificate,
    caCertificatePath,
    ...(entra ? { entra: tenantOf(entra) } : {}),
    close() {
      closed ??= (async () => {
        options.onClose?.();
        await server.shutdown();
        await Deno.remove(caCertificatePath).catch(() => {});
      })();
      return closed;
    },
  };
}

/** The test-side handle of a twin's Entra ID tenant. */
export function tenantOf(entra: EntraService): EntraTenant {
  return {
    authorityHost: entra.authorityHost,
    tenantId: entra.tenantId,
    domains: entra.domains,
    registerApp: (app) => entra.registerApp(app),
    pendingUserCodes: () => entra.pendingUserCodes(),
    approve: (userCode, user) => entra.approve(userCode, user),
    decline: (userCode) => entra.decline(userCode),
    issued: entra.issued,
  };
}

/** A request's headers as recorded: bearer tokens and managed-identity secrets redacted. */
export function redactedHeaders(headers: Headers): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of headers) {
    out[name] = name === "authorization"
      ? value.replace(/^(\S+\s+).*$/, "$1<redacted>")
      : name === "x-identity-header" || name === "secret" || name === "metadata-secret"
      ? "<redacted>"
      : value;
  }
  return out;
}
