/** Shared by the SOAP client tests: fixtures by name and the answer reader with the default settings. */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { X3Error } from "../../../src/x3/errors";
import type { SoapOperation } from "../../../src/x3/soap/envelope";
import { BUILT_IN_MESSAGES, type MessageCatalogue } from "../../../src/x3/soap/messageCatalogue";
import { readSoapAnswer, type SoapResult } from "../../../src/x3/soap/response";
import { DEFAULT_XML_LIMITS } from "../../../src/x3/soap/xml";

export function fixture(name: string): string {
  return readFileSync(join(__dirname, "fixtures", name), "utf8");
}

export function answer(status: number, text: string, operation: SoapOperation = "read", language = "ENG", catalogue: MessageCatalogue = BUILT_IN_MESSAGES): SoapResult {
  return readSoapAnswer(status, text, { operation, label: `${operation} YSYP(JDOE)`, language, catalogue, limits: DEFAULT_XML_LIMITS });
}

/** The X3Error a call throws; fails the test when it does not throw one. */
export function thrown(fn: () => unknown): X3Error {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(X3Error);
    return error as X3Error;
  }
  throw new Error("expected an X3Error, got a result");
}

/** The X3Error a promise rejects with; fails the test when it resolves or rejects with something else. */
export async function failure(promise: Promise<unknown>): Promise<X3Error> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(X3Error);
    return error as X3Error;
  }
  throw new Error("expected a failure");
}
