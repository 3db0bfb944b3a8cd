/**
 * Client assertions for certificate sign-in (see `../_client_certificate.ts`, shared with
 * the Defender XDR provider), with the Sentinel provider's configuration error.
 *
 * @module
 */
import {
  clientAssertion,
  type ClientCertificate,
  readClientCertificate as readShared,
} from "../_client_certificate.ts";
import { SentinelConfigError } from "./_errors.ts";

export { clientAssertion };
export type { ClientCertificate };

/**
 * Reads a PEM file holding a private key and its certificate (what
 * AZURE_CLIENT_CERTIFICATE_PATH names).
 *
 * @throws {SentinelConfigError} when the file cannot be read, lacks the key or the
 *   certificate, or the key cannot be opened (a wrong or missing password).
 */
export function readClientCertificate(path: string, password?: string): ClientCertificate {
  return readShared(
    path,
    password,
    (message, options) => new SentinelConfigError(message, options),
  );
}
