/**
 * The TypeScript tools the REPL's input handling needs, from the session's code steps.
 *
 * @module
 */
export {
  isCompleteTypeScript,
  type TransformedInput,
  transformInput,
  typescript,
} from "../src/session/_transform.ts";
