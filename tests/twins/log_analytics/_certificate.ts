/**
 * The loopback service's TLS material, made fresh at every start: a throwaway CA and a
 * server certificate it signs for 127.0.0.1 and localhost. Nothing is written to the
 * repository. Two certificates, not one: rustls (Deno's `fetch`) refuses a CA certificate
 * used as the server's own ("CaUsedAsEndEntity").
 *
 * @module
 */
import "reflect-metadata";
import * as x509 from "@peculiar/x509";

/** PEM texts of the CA, the server certificate and the server's private key. */
export interface TlsMaterial {
  readonly caCertificate: string;
  readonly certificate: string;
  readonly privateKey: string;
}

const ALGORITHM = { name: "ECDSA", namedCurve: "P-256", hash: "SHA-256" } as const;
const HOUR = 3_600_000;

/** Makes a CA and a server certificate valid for a day (from an hour ago, for clock skew). */
export async function createTlsMaterial(): Promise<TlsMaterial> {
  const notBefore = new Date(Date.now() - HOUR);
  const notAfter = new Date(Date.now() + 24 * HOUR);
  const caKeys = await crypto.subtle.generateKey(ALGORITHM, true, ["sign", "verify"]);
  const ca = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: randomSerial(),
    name: "CN=casefile loopback Log Analytics CA (throwaway)",
    notBefore,
    notAfter,
    signingAlgorithm: ALGORITHM,
    keys: caKeys,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(
        x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign,
        true,
      ),
      await x509.SubjectKeyIdentifierExtension.create(caKeys.publicKey),
    ],
  });
  const keys = await crypto.subtle.generateKey(ALGORITHM, true, ["sign", "verify"]);
  const server = await x509.X509CertificateGenerator.create({
    serialNumber: randomSerial(),
    subject: "CN=127.0.0.1",
    issuer: ca.subject,
    notBefore,
    notAfter,
    signingAlgorithm: ALGORITHM,
    publicKey: keys.publicKey,
    signingKey: caKeys.privateKey,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
      new x509.SubjectAlternativeNameExtension([
        { type: "ip", value: "127.0.0.1" },
        { type: "dns", value: "localhost" },
      ]),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
      await x509.AuthorityKeyIdentifierExtension.create(ca),
    ],
  });
  const pkcs8 = new Uint8Array(await crypto.subtle.exportKey("pkcs8", keys.privateKey));
  return {
    caCertificate: ca.toString("pem") + "\n",
    certificate: server.toString("pem") + "\n",
    privateKey: pem("PRIVATE KEY", pkcs8),
  };
}

function randomSerial(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[0] &= 0x7f; // a positive serial number
  return [...bytes].map((b) => b.toString(16).padStart(2, "0")).join("");
}

function pem(label: string, der: Uint8Array): string {
  let binary = "";
  for (const byte of der) binary += String.fromCharCode(byte);
  const lines = btoa(binary).match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join("\n")}\n-----END ${label}-----\n`;
}
