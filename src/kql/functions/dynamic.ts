/**
 * KQL dynamic functions.
 *
 * @module
 */
export {};
