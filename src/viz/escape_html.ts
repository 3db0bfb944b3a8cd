/**
 * HTML escaping, shared by the chart pages, the notebook tables and the session reports. It
 * imports nothing, so a module that only escapes text loads nothing else of the charts.
 *
 * @module
 */

/** Options of {@link escapeHtml}. */
export interface EscapeHtmlOptions {
  /**
   * How the five characters are written: `named` (default: `&amp;`, `&lt;`, `&gt;`,
   * `&quot;`, `&#39;`) or `numeric` (`&#38;`, `&#60;`, `&#62;`, `&#34;`, `&#39;`, what
   * session reports write, in HTML and Markdown alike).
   */
  readonly entities?: "named" | "numeric";
}

const NAMED: Readonly<Record<string, string>> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

/**
 * Escapes text for HTML content and attribute values: `&`, `<`, `>`, `"` and `'` become
 * character references, so the text shows as written and never as markup.
 *
 * @param text Any text.
 * @param options Named (default) or numeric references.
 * @returns The escaped text.
 *
 * @example A script tag shown as text
 * ```ts
 * import assert from "node:assert/strict";
 * import { escapeHtml } from "./mod.ts";
 *
 * assert.equal(escapeHtml(`<b title="x">R&D</b>`), "&lt;b title=&quot;x&quot;&gt;R&amp;D&lt;/b&gt;");
 * assert.equal(escapeHtml("<i>", { entities: "numeric" }), "&#60;i&#62;");
 * ```
 */
export function escapeHtml(text: string, options: EscapeHtmlOptions = {}): string {
  return options.entities === "numeric"
    ? text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)
    : text.replace(/[&<>"']/g, (c) => NAMED[c]);
}
