/**
 * `parse_xml()`: XML text to a dynamic value, in the shape Kusto documents (Json.NET's
 * conversion): an element holding only text becomes its text, an empty element null,
 * attributes `@name`, text beside attributes or child elements `#text`, repeated child
 * elements an array. Only elements, attributes and text (CDATA included) are kept;
 * declarations, comments, processing instructions and DOCTYPE are skipped. Text that is not
 * well-formed XML gives null.
 *
 * @module
 */
import { toStringTyped } from "../compile/_conversion.ts";
import { defineScalar } from "./_registry.ts";

type Json = null | string | Json[] | { [key: string]: Json };

class XmlError extends Error {}

const ENTITIES: Record<string, string> = { lt: "<", gt: ">", amp: "&", quot: '"', apos: "'" };

function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-fA-F]+|#\d+|\w+);/g, (whole, name: string) => {
    if (name.startsWith("#x")) return String.fromCodePoint(parseInt(name.slice(2), 16));
    if (name.startsWith("#")) return String.fromCodePoint(parseInt(name.slice(1), 10));
    const value = ENTITIES[name];
    if (value === undefined) throw new XmlError(`unknown entity ${whole}`);
    return value;
  });
}

const NAME = /[A-Za-z_:][\w:.\-\u00b7\u00c0-\uffff]*/y;

/** A minimal, strict XML reader producing Json.NET's JSON form. */
class Reader {
  #text: string;
  #at = 0;

  constructor(text: string) {
    this.#text = text;
  }

  document(): Json {
    this.#misc();
    if (this.#text[this.#at] !== "<") throw new XmlError("no root element");
    const [name, value] = this.#element();
    this.#misc();
    if (this.#at < this.#text.length) throw new XmlError("content after the root element");
    return { [name]: value };
  }

  /** Skips whitespace, comments, processing instructions and DOCTYPE. */
  #misc(): void {
    for (;;) {
      while (/\s/.test(this.#text[this.#at] ?? "")) this.#at++;
      if (this.#text.startsWith("<?", this.#at)) this.#skipTo("?>");
      else if (this.#text.startsWith("<!--", this.#at)) this.#skipTo("-->");
      else if (this.#text.startsWith("<!DOCTYPE", this.#at)) this.#skipDoctype();
      else return;
    }
  }

  #skipTo(end: string): void {
    const i = this.#text.indexOf(end, this.#at);
    if (i < 0) throw new XmlError(`unterminated markup, expected ${end}`);
    this.#at = i + end.length;
  }

  #skipDoctype(): void {
    let depth = 0;
    for (; this.#at < this.#text.length; this.#at++) {
      const c = this.#text[this.#at];
      if (c === "[") depth++;
      else if (c === "]") depth--;
      else if (c === ">" && depth === 0) {
        this.#at++;
        return;
      }
    }
    throw new XmlError("unterminated DOCTYPE");
  }

  #name(): string {
    NAME.lastIndex = this.#at;
    const m = NAME.exec(this.#text);
    if (!m) throw new XmlError("expected a name");
    this.#at += m[0].length;
    return m[0];
  }

  #space(): void {
    while (/\s/.test(this.#text[this.#at] ?? "")) this.#at++;
  }

  #element(): [string, Json] {
    this.#at++; // <
    const name = this.#name();
    const attributes: Array<[string, string]> = [];
    for (;;) {
      this.#space();
      const c = this.#text[this.#at];
      if (c === "/" || c === ">") break;
      if (c === undefined) throw new XmlError("unterminated start tag");
      const attribute = this.#name();
      this.#space();
      if (this.#text[this.#at++] !== "=") throw new XmlError("expected '='");
      this.#space();
      const quote = this.#text[this.#at++];
      if (quote !== '"' && quote !== "'") throw new XmlError("expected a quoted value");
      const end = this.#text.indexOf(quote, this.#at);
      if (end < 0) throw new XmlError("unterminated attribute value");
      attributes.push([attribute, decodeEntities(this.#text.slice(this.#at, end))]);
      this.#at = end + 1;
    }
    const texts: string[] = [];
    const children: Array<[string, Json]> = [];
    if (this.#text.startsWith("/>", this.#at)) {
      this.#at += 2;
    } else {
      this.#at++; // >
      this.#content(name, texts, children);
    }
    return [name, shape(attributes, texts, children)];
  }

  #content(name: string, texts: string[], children: Array<[string, Json]>): void {
    for (;;) {
      const lt = this.#text.indexOf("<", this.#at);
      if (lt < 0) throw new XmlError(`unterminated element <${name}>`);
      const text = this.#text.slice(this.#at, lt);
      if (text.trim()) texts.push(decodeEntities(text));
      this.#at = lt;
      if (this.#text.startsWith("</", this.#at)) {
        this.#at += 2;
        if (this.#name() !== name) throw new XmlError(`mismatched end tag of <${name}>`);
        this.#space();
        if (this.#text[this.#at++] !== ">") throw new XmlError("expected '>'");
        return;
      }
      if (this.#text.startsWith("<![CDATA[", this.#at)) {
        const end = this.#text.indexOf("]]>", this.#at);
        if (end < 0) throw new XmlError("unterminated CDATA");
        texts.push(this.#text.slice(this.#at + 9, end));
        this.#at = end + 3;
      } else if (this.#text.startsWith("<!--", this.#at)) this.#skipTo("-->");
      else if (this.#text.startsWith("<?", this.#at)) this.#skipTo("?>");
      else children.push(this.#element());
    }
  }
}

function shape(
  attributes: Array<[string, string]>,
  texts: string[],
  children: Array<[string, Json]>,
): Json {
  if (attributes.length === 0 && children.length === 0) {
    return texts.length === 0 ? null : texts.length === 1 ? texts[0] : texts;
  }
  const out: { [key: string]: Json } = {};
  for (const [k, v] of attributes) out[`@${k}`] = v;
  if (texts.length > 0) out["#text"] = texts.length === 1 ? texts[0] : texts;
  // Repeated child elements become one array, in the place of the first.
  const byName = new Map<string, Json[]>();
  for (const [k, v] of children) (byName.get(k) ?? byName.set(k, []).get(k)!).push(v);
  for (const [k, values] of byName) out[k] = values.length === 1 ? values[0] : values;
  return out;
}

/** Kusto's parse_xml(): the JSON form of an XML document, or null if it is not XML. */
export function parseXml(text: string): Json {
  if (text.length > 1_048_576) return null;
  try {
    return new Reader(text).document();
  } catch (e) {
    if (e instanceof XmlError || e instanceof RangeError) return null;
    throw e;
  }
}

defineScalar("parse_xml", {
  minArgs: 1,
  maxArgs: 1,
  compile([xml], site) {
    if (xml.type !== "string" && xml.type !== "dynamic") {
      throw site.env.ctx.error(
        `parse_xml() needs a string, not ${xml.type}`,
        site.call.args[0].span,
      );
    }
    const text = toStringTyped(xml, site.env);
    return site.env.rowwise(
      [text],
      "dynamic",
      ([t]) => (t === null || t === "" ? null : parseXml(String(t))),
    );
  },
});
