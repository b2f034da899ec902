/**
 * Reads a `save`/`modify` payload (`objectXml`: `<PARAM><GRP ID><FLD NAME>…`) against a publication:
 * each field must be in the group that publishes it, so a client that guesses group IDs is caught.
 * `NAM` is taken for `NAME` (LM); the ADXTEC group a client echoes back is ignored. Errors are
 * Syracuse's structure messages (X3-SOAP.md §5.1).
 */
import { STRUCTURE_MESSAGES } from "./messages";
import type { Publication } from "./publications";
import { parseXml, XmlSyntaxError, type XmlElement } from "./xml";

export type ParamResult =
  | { readonly ok: true; readonly values: ReadonlyMap<string, string> }
  | { readonly ok: false; readonly errors: readonly string[] };

function fieldName(fld: XmlElement): string {
  return fld.attributes.NAME ?? fld.attributes.NAM ?? "";
}

export function readParam(objectXml: string, publication: Publication): ParamResult {
  let root: XmlElement;
  try {
    root = parseXml(objectXml);
  } catch (error) {
    if (error instanceof XmlSyntaxError) return { ok: false, errors: [error.message] };
    throw error;
  }
  const values = new Map<string, string>();
  const errors: string[] = [];
  for (const node of root.children) {
    if (node.name === "FLD" || node.name === "LST") {
      errors.push(STRUCTURE_MESSAGES.unknownField(fieldName(node)));
      continue;
    }
    if (node.name !== "GRP" && node.name !== "TAB") continue; // Syracuse ignores what it does not map
    const id = node.attributes.ID;
    if (!id) {
      errors.push(STRUCTURE_MESSAGES.groupWithoutId());
      continue;
    }
    if (id === "ADXTEC") continue;
    const group = node.name === "GRP" ? publication.groups.find((g) => g.id === id) : undefined;
    if (!group) {
      errors.push(STRUCTURE_MESSAGES.unknownGroup(id));
      continue;
    }
    for (const fld of node.children) {
      const name = fieldName(fld);
      if (fld.name !== "FLD" || !group.fields.some((f) => f.name === name)) {
        errors.push(STRUCTURE_MESSAGES.unknownField(name));
        continue;
      }
      values.set(name, fld.text);
    }
  }
  return errors.length > 0 ? { ok: false, errors } : { ok: true, values };
}
