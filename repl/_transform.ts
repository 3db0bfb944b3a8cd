/**
 * The TypeScript tools the REPL's input handling needs, from the session's code steps.
 *
 * @module
 */
export {
  isCompleteTypeScript,
  loadTypeScript as typescript,
  type TransformedInput,
  transformInput,
} from "../src/session/code.ts";
