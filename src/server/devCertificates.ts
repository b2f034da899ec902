/**
 * TLS material for development: `npm start` must serve HTTPS on a machine with nothing but Node.
 *
 * 1. When `npm run certs:install` (office-addin-dev-certs install) has run, its files (trusted by the OS, so Outlook on the web
 *    loads the pane) are used.
 * 2. Otherwise a self-signed certificate for localhost is made once with `selfsigned` and kept in the data
 *    folder; it is made again when it is about to expire. No sudo, no browser, no network.
 */
import { X509Certificate } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { generate } from "selfsigned";

export interface TlsMaterial {
  readonly key: string;
  readonly cert: string;
  /** The certificate a client must trust to reach this server (the CA, or the self-signed certificate). */
  readonly ca: string;
  readonly source: "office-addin-dev-certs" | "self-signed";
  readonly certFile: string;
}

const RENEW_BEFORE_MS = 7 * 24 * 3600 * 1000;

function usable(certPem: string): boolean {
  try {
    return new Date(new X509Certificate(certPem).validTo).getTime() - Date.now() > RENEW_BEFORE_MS;
  } catch {
    return false;
  }
}

export function officeAddinDevCertsFolder(): string {
  return join(homedir(), ".office-addin-dev-certs");
}

function fromOfficeAddinDevCerts(folder: string): TlsMaterial | null {
  const certFile = join(folder, "localhost.crt");
  const keyFile = join(folder, "localhost.key");
  const caFile = join(folder, "ca.crt");
  if (!existsSync(certFile) || !existsSync(keyFile)) return null;
  const cert = readFileSync(certFile, "utf8");
  if (!usable(cert)) return null;
  return {
    key: readFileSync(keyFile, "utf8"),
    cert,
    ca: existsSync(caFile) ? readFileSync(caFile, "utf8") : cert,
    source: "office-addin-dev-certs",
    certFile,
  };
}

export async function developmentTls(
  dataDir: string,
  officeCertsFolder: string | null = officeAddinDevCertsFolder(),
): Promise<TlsMaterial> {
  const trusted = officeCertsFolder ? fromOfficeAddinDevCerts(officeCertsFolder) : null;
  if (trusted) return trusted;

  const folder = join(dataDir, "certs");
  const certFile = join(folder, "localhost.crt");
  const keyFile = join(folder, "localhost.key");
  if (existsSync(certFile) && existsSync(keyFile)) {
    const cert = readFileSync(certFile, "utf8");
    if (usable(cert)) return { key: readFileSync(keyFile, "utf8"), cert, ca: cert, source: "self-signed", certFile };
  }

  const notBeforeDate = new Date(Date.now() - 60_000);
  const notAfterDate = new Date(notBeforeDate.getTime() + 365 * 24 * 3600 * 1000);
  const pems = await generate([{ name: "commonName", value: "localhost" }], {
    algorithm: "sha256",
    keySize: 2048,
    notBeforeDate,
    notAfterDate,
    extensions: [
      { name: "basicConstraints", cA: false },
      { name: "keyUsage", digitalSignature: true, keyEncipherment: true },
      { name: "extKeyUsage", serverAuth: true },
      {
        name: "subjectAltName",
        altNames: [
          { type: 2, value: "localhost" },
          { type: 7, ip: "127.0.0.1" },
          { type: 7, ip: "::1" },
        ],
      },
    ],
  });
  mkdirSync(folder, { recursive: true });
  writeFileSync(keyFile, pems.private, { mode: 0o600 });
  writeFileSync(certFile, pems.cert);
  return { key: pems.private, cert: pems.cert, ca: pems.cert, source: "self-signed", certFile };
}
