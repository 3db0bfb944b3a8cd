/**
 * Registers every function family.
 *
 * @module
 */
import "./core.ts";
import "./aggregates.ts";
