/**
 * Bracketed paste: a terminal in that mode (turned on with `ESC [?2004h`) wraps pasted text
 * in `ESC [200~` … `ESC [201~`, so a pasted block can be taken as one input instead of a
 * line at a time. {@link PasteReader} picks the block out of the keypresses node:readline
 * decodes; {@link pastedInput} makes it an input.
 *
 * @module
 */
import { inputKind, parseKqlInput } from "./_input.ts";

/** Turns bracketed paste on (written to the terminal at start). */
export const PASTE_ON = "\x1b[?2004h";
/** Turns bracketed paste off (written at exit, a crash included). */
export const PASTE_OFF = "\x1b[?2004l";

/** A keypress as node:readline's `emitKeypressEvents` gives it. */
export interface Keypress {
  readonly sequence?: string;
  readonly name?: string;
}

/** What to do with a keypress. */
export type PasteStep =
  /** Not part of a paste: the line editor handles it. */
  | { readonly kind: "key" }
  /** Part of a paste (or one of its markers): held back from the line editor. */
  | { readonly kind: "held" }
  /** The paste ended: its text, as the terminal sent it. */
  | { readonly kind: "pasted"; readonly text: string };

const KEY: PasteStep = { kind: "key" };
const HELD: PasteStep = { kind: "held" };

/**
 * Collects the text between the paste markers, fed one keypress at a time. Node names the
 * markers `paste-start` and `paste-end`; Deno's node:readline decodes them as `ESC [200` (or
 * `ESC [201`) followed by a `~` keypress, which is held back too.
 *
 * @example A paste among typed keys
 * ```ts
 * import { deepStrictEqual } from "node:assert/strict";
 * import { PasteReader } from "./_paste.ts";
 *
 * const reader = new PasteReader();
 * const keys: [string | undefined, string][] = [
 *   ["a", "a"], [undefined, "\x1b[200"], ["~", "~"], ["x", "x"], ["\r", "\r"], ["y", "y"],
 *   [undefined, "\x1b[201"], ["~", "~"],
 * ];
 * deepStrictEqual(keys.map(([s, sequence]) => reader.feed(s, { sequence }).kind), [
 *   "key", "held", "held", "held", "held", "held", "pasted", "held",
 * ]);
 * ```
 */
export class PasteReader {
  #text: string | undefined;
  #tilde = false;

  /** Whether a paste has started and not ended. */
  get pasting(): boolean {
    return this.#text !== undefined;
  }

  /** Takes one keypress: `s` is the text readline passes (undefined for escape sequences). */
  feed(s: string | undefined, key: Keypress | undefined): PasteStep {
    const sequence = key?.sequence ?? s ?? "";
    if (this.#tilde) {
      this.#tilde = false;
      if (sequence === "~") return HELD;
    }
    const marker = markerOf(sequence, key?.name);
    if (this.#text === undefined) {
      if (marker?.kind !== "start") return KEY;
      this.#text = "";
      this.#tilde = !marker.whole;
      return HELD;
    }
    if (marker?.kind === "end") {
      const text = this.#text;
      this.#text = undefined;
      this.#tilde = !marker.whole;
      return { kind: "pasted", text };
    }
    // A marker of a paste inside a paste is dropped; any other key is pasted text.
    if (marker === undefined) this.#text += s ?? sequence;
    return HELD;
  }
}

function markerOf(
  sequence: string,
  name: string | undefined,
): { kind: "start" | "end"; whole: boolean } | undefined {
  if (name === "paste-start" || sequence === "\x1b[200~") return { kind: "start", whole: true };
  if (name === "paste-end" || sequence === "\x1b[201~") return { kind: "end", whole: true };
  if (sequence === "\x1b[200") return { kind: "start", whole: false };
  if (sequence === "\x1b[201") return { kind: "end", whole: false };
  return undefined;
}

/**
 * A pasted block as one input: line endings made `\n` (terminals paste lines ending in
 * `\r`), blank lines at the start and the end dropped. A `%kql name =` block, which an empty line ends
 * when typed, is ended by the paste's end: it keeps one empty last line.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { pastedInput } from "./_paste.ts";
 *
 * strictEqual(pastedInput("%kql s = SigninLogs\r| take 3\r\r"), "%kql s = SigninLogs\n| take 3");
 * strictEqual(pastedInput("%kql s =\r\nSigninLogs\r\n| take 3\r\n"), "%kql s =\nSigninLogs\n| take 3\n");
 * ```
 */
export function pastedInput(text: string): string {
  const lines = text.replace(/\r\n?/g, "\n").split("\n");
  while (lines.length && lines[lines.length - 1].trim() === "") lines.pop();
  while (lines.length && lines[0].trim() === "") lines.shift();
  const input = lines.join("\n");
  const block = inputKind(input) === "kql" && lines.length > 1 &&
    parseKqlInput(lines[0]).query === "";
  return block ? `${input}\n` : input;
}
