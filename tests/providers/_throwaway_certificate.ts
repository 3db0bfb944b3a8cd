/** A throwaway client certificate for the credential tests (loopback Entra tenant only). */
import "reflect-metadata";
import * as x509 from "@peculiar/x509";
import { tempFolder } from "../_helpers.ts";

/**
 * A fresh self-signed RSA certificate and its key, written as one PEM file (what
 * `AZURE_CLIENT_CERTIFICATE_PATH` names), readable by its owner only.
 */
export async function throwawayCertificate(
  commonName = "casefile test app (throwaway)",
): Promise<{ certificate: string; key: string; path: string }> {
  const algorithm = {
    name: "RSASSA-PKCS1-v1_5",
    hash: "SHA-256",
    publicExponent: new Uint8Array([1, 0, 1]),
    modulusLength: 2048,
  };
  const keys = await crypto.subtle.generateKey(algorithm, true, ["sign", "verify"]);
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: "01" + crypto.randomUUID().replaceAll("-", "").slice(0, 14),
    name: `CN=${commonName}`,
    notBefore: new Date(Date.now() - 3_600_000),
    notAfter: new Date(Date.now() + 86_400_000),
    signingAlgorithm: algorithm,
    keys,
  });
  const pkcs8 = new Uint8Array(await crypto.subtle.exportKey("pkcs8", keys.privateKey));
  const key = x509.PemConverter.encode(pkcs8.buffer, "PRIVATE KEY");
  const certificate = cert.toString("pem");
  const folder = await tempFolder({ "app.pem": `${key}\n${certificate}\n` });
  await Deno.chmod(`${folder}/app.pem`, 0o600);
  return { certificate, key, path: `${folder}/app.pem` };
}
