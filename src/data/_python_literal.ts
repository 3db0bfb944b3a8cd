/**
 * Reads Python literals (`['a', 'b']`, `{'k': True}`) as JSON values. pandas writes lists
 * and dicts into CSV cells this way, and real Sentinel exports made with pandas are full of
 * them; read as JSON they become `dynamic` values a query can index.
 *
 * @module
 */

/** The JSON value of a Python literal, or undefined if `text` is not one. */
export function parsePythonLiteral(text: string): unknown {
  const parser = new LiteralParser(text);
  try {
    const value = parser.value();
    parser.skipSpace();
    return parser.atEnd() ? value : undefined;
  } catch {
    return undefined;
  }
}

class LiteralParser {
  #pos = 0;
  readonly #text: string;

  constructor(text: string) {
    this.#text = text;
  }

  atEnd(): boolean {
    return this.#pos >= this.#text.length;
  }

  skipSpace(): void {
    while (/\s/.test(this.#text[this.#pos] ?? "")) this.#pos++;
  }

  value(): unknown {
    this.skipSpace();
    const c = this.#text[this.#pos];
    if (c === "[") return this.#sequence("[", "]");
    if (c === "(") return this.#sequence("(", ")");
    if (c === "{") return this.#dict();
    if (c === "'" || c === '"') return this.#string(c);
    return this.#atom();
  }

  #sequence(open: string, close: string): unknown[] {
    this.#expect(open);
    const items: unknown[] = [];
    this.skipSpace();
    while (this.#text[this.#pos] !== close) {
      items.push(this.value());
      this.skipSpace();
      if (this.#text[this.#pos] === ",") {
        this.#pos++;
        this.skipSpace();
      } else if (this.#text[this.#pos] !== close) {
        throw new SyntaxError("expected , or " + close);
      }
    }
    this.#pos++;
    return items;
  }

  #dict(): Record<string, unknown> {
    this.#expect("{");
    const result: Record<string, unknown> = {};
    this.skipSpace();
    while (this.#text[this.#pos] !== "}") {
      const key = this.value();
      this.skipSpace();
      this.#expect(":");
      result[typeof key === "string" ? key : JSON.stringify(key)] = this.value();
      this.skipSpace();
      if (this.#text[this.#pos] === ",") {
        this.#pos++;
        this.skipSpace();
      } else if (this.#text[this.#pos] !== "}") {
        throw new SyntaxError("expected , or }");
      }
    }
    this.#pos++;
    return result;
  }

  #string(quote: string): string {
    this.#pos++;
    let out = "";
    for (;;) {
      const c = this.#text[this.#pos++];
      if (c === undefined) throw new SyntaxError("unterminated string");
      if (c === quote) return out;
      if (c !== "\\") {
        out += c;
        continue;
      }
      const e = this.#text[this.#pos++];
      const simple: Record<string, string> = { n: "\n", t: "\t", r: "\r", "0": "\0" };
      if (e === "x" || e === "u") {
        const width = e === "x" ? 2 : 4;
        out += String.fromCharCode(parseInt(this.#text.slice(this.#pos, this.#pos + width), 16));
        this.#pos += width;
      } else {
        out += simple[e] ?? e;
      }
    }
  }

  #atom(): unknown {
    const match = /^(True|False|None|-?(?:\d+\.?\d*(?:[eE][+-]?\d+)?|\.\d+))/.exec(
      this.#text.slice(this.#pos),
    );
    if (!match) throw new SyntaxError("unexpected character");
    this.#pos += match[0].length;
    if (match[0] === "True") return true;
    if (match[0] === "False") return false;
    if (match[0] === "None") return null;
    return Number(match[0]);
  }

  #expect(c: string): void {
    if (this.#text[this.#pos] !== c) throw new SyntaxError(`expected ${c}`);
    this.#pos++;
  }
}
