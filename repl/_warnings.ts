/**
 * Imported first by the `casefile` command: silences Node's DEP0040 warning (see
 * `src/viz/_warnings.ts`) before anything loads.
 *
 * @module
 */
import { quietPunycode } from "../src/viz/_warnings.ts";

quietPunycode();
