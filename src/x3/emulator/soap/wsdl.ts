/**
 * The WSDL Syracuse serves at `/soap-wsdl/…?wsdl` (X3-SOAP.md §1.1): the captured V7+ WSDL, kept next
 * to this file, with its service address rewritten to the emulator's own.
 *
 * The server build (tsconfig.server.json) compiles src/ to build/ and copies no other file, so the
 * file is found from the repository root: this folder is four levels below it both as src/x3/emulator/soap
 * and as build/x3/emulator/soap.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";

export const WSDL_FILE = join(__dirname, "..", "..", "..", "..", "src", "x3", "emulator", "soap", "CAdxWebServiceXmlCC.wsdl");

/** The address in the captured file; replaced as text, since it is a known literal. */
const CAPTURED_ADDRESS = "http://localhost:8126/soap-generic/syracuse/collaboration/syracuse/CAdxWebServiceXmlCC";

let captured: string | undefined;

export function wsdlFor(serviceAddress: string): string {
  captured ??= readFileSync(WSDL_FILE, "utf8");
  if (!captured.includes(CAPTURED_ADDRESS)) throw new Error(`X3 emulator: ${WSDL_FILE} lacks the captured service address`);
  return captured.split(CAPTURED_ADDRESS).join(serviceAddress);
}
