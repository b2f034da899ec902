/**
 * The part of api1's `where=` grammar the gateway sends: comparisons (`eq`, `ne`) of a property, or of
 * `upper(…)` / `lower(…)` of one, with a quoted string or a number, joined by `and`. Like X3, `eq` on
 * text is case-sensitive.
 */
import type { X3Value } from "./tables";

export type RowPredicate = (values: Readonly<Record<string, X3Value>>) => boolean;

export class WhereSyntaxError extends Error {}

type Token =
  | { kind: "word"; text: string }
  | { kind: "string"; text: string }
  | { kind: "number"; value: number }
  | { kind: "paren"; text: "(" | ")" };

function tokenize(where: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < where.length) {
    const ch = where.charAt(i);
    if (/\s/.test(ch)) {
      i++;
    } else if (ch === "(" || ch === ")") {
      tokens.push({ kind: "paren", text: ch });
      i++;
    } else if (ch === "'") {
      let text = "";
      i++;
      for (;;) {
        if (i >= where.length) throw new WhereSyntaxError("Unterminated string in where clause");
        if (where.charAt(i) === "'") {
          if (where.charAt(i + 1) === "'") {
            text += "'";
            i += 2;
            continue;
          }
          i++;
          break;
        }
        text += where.charAt(i++);
      }
      tokens.push({ kind: "string", text });
    } else {
      const m = /^(-?\d+(?:\.\d+)?)|^([A-Za-z_][A-Za-z0-9_]*)/.exec(where.slice(i));
      if (!m) throw new WhereSyntaxError(`Unexpected character ${JSON.stringify(ch)} in where clause`);
      if (m[1] !== undefined) tokens.push({ kind: "number", value: Number(m[1]) });
      else tokens.push({ kind: "word", text: m[2] ?? "" });
      i += m[0].length;
    }
  }
  return tokens;
}

const FUNCTIONS: Readonly<Record<string, (s: string) => string>> = {
  upper: (s) => s.toUpperCase(),
  lower: (s) => s.toLowerCase(),
};

/** Compiles a where clause against a table's columns; unknown properties and syntax errors throw. */
export function compileWhere(where: string, columns: ReadonlySet<string>): RowPredicate {
  const tokens = tokenize(where);
  let pos = 0;
  const next = (): Token | undefined => tokens[pos++];
  const expectWord = (): string => {
    const t = next();
    if (t?.kind !== "word") throw new WhereSyntaxError("Property name expected in where clause");
    return t.text;
  };
  const property = (name: string): string => {
    if (!columns.has(name)) throw new WhereSyntaxError(`Unknown property ${name} in where clause`);
    return name;
  };

  const comparison = (): RowPredicate => {
    const first = expectWord();
    let field: string;
    let transform: (s: string) => string = (s) => s;
    const maybeParen = tokens[pos];
    if (maybeParen?.kind === "paren" && maybeParen.text === "(") {
      const fn = FUNCTIONS[first.toLowerCase()];
      if (!fn) throw new WhereSyntaxError(`Unknown function ${first} in where clause`);
      pos++;
      field = property(expectWord());
      const close = next();
      if (close?.kind !== "paren" || close.text !== ")") throw new WhereSyntaxError("')' expected in where clause");
      transform = fn;
    } else {
      field = property(first);
    }
    const op = expectWord().toLowerCase();
    if (op !== "eq" && op !== "ne") throw new WhereSyntaxError(`Unsupported operator ${op} in where clause`);
    const literal = next();
    if (literal?.kind !== "string" && literal?.kind !== "number") throw new WhereSyntaxError("Value expected in where clause");
    const wanted = literal.kind === "string" ? literal.text : String(literal.value);
    return (values) => {
      const equal = transform(String(values[field] ?? "")) === wanted;
      return op === "eq" ? equal : !equal;
    };
  };

  const parts: RowPredicate[] = [comparison()];
  while (pos < tokens.length) {
    const t = next();
    if (t?.kind !== "word" || t.text.toLowerCase() !== "and") throw new WhereSyntaxError("'and' expected in where clause");
    parts.push(comparison());
  }
  return (values) => parts.every((p) => p(values));
}
