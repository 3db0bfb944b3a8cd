/**
 * Charts inline in terminals that show images: the kitty graphics protocol (kitty, Ghostty,
 * WezTerm understands it too) and iTerm2's inline images (iTerm2, WezTerm). The terminal is
 * told from the environment; inside tmux or screen (which would need passthrough) nothing
 * is detected. Sixel is not drawn: it needs a palette encoder, and the PNG is in a file.
 *
 * @module
 */
import { Buffer } from "node:buffer";

function encodeBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString("base64");
}

/** A protocol for inline images. */
export type ImageProtocol = "kitty" | "iterm";

/** The protocol the terminal `env` describes understands; undefined for none known. */
export function imageProtocol(
  env: (name: string) => string | undefined,
): ImageProtocol | undefined {
  if (env("TMUX") || (env("TERM") ?? "").startsWith("screen")) return undefined;
  const program = env("TERM_PROGRAM") ?? "";
  if (env("TERM") === "xterm-kitty" || env("KITTY_WINDOW_ID") || program === "ghostty") {
    return "kitty";
  }
  if (program === "iTerm.app" || program === "WezTerm") return "iterm";
  return undefined;
}

/** Base64 bytes per kitty chunk (the protocol's limit). */
export const KITTY_CHUNK = 4096;

/**
 * A PNG as kitty graphics commands: `ESC _ G a=T,f=100,q=2,m=1;<base64> ESC \` and further
 * chunks of at most 4096 base64 bytes with only `m` (1: more follow, 0: the last). `a=T`
 * transmits and shows, `f=100` says PNG, `q=2` asks the terminal not to answer (an answer
 * would arrive as typed keys).
 */
export function kittyImage(png: Uint8Array): string {
  const data = encodeBase64(png);
  const chunks: string[] = [];
  for (let at = 0; at < data.length || at === 0; at += KITTY_CHUNK) {
    chunks.push(data.slice(at, at + KITTY_CHUNK));
  }
  return chunks.map((chunk, i) => {
    const more = i < chunks.length - 1 ? 1 : 0;
    const keys = i === 0 ? `a=T,f=100,q=2,m=${more}` : `m=${more}`;
    return `\x1b_G${keys};${chunk}\x1b\\`;
  }).join("") + "\n";
}

/**
 * A PNG as iTerm2's inline image: `ESC ] 1337 ; File=name=<base64 name>;size=<bytes>;
 * inline=1;preserveAspectRatio=1 : <base64 PNG> BEL`.
 */
export function itermImage(png: Uint8Array, name = "chart.png"): string {
  const encodedName = encodeBase64(new TextEncoder().encode(name));
  return `\x1b]1337;File=name=${encodedName};size=${png.length};inline=1;` +
    `preserveAspectRatio=1:${encodeBase64(png)}\x07\n`;
}

/** `png` in `protocol`'s escape sequence. */
export function inlineImage(protocol: ImageProtocol, png: Uint8Array, name?: string): string {
  switch (protocol) {
    case "kitty":
      return kittyImage(png);
    case "iterm":
      return itermImage(png, name);
  }
}
