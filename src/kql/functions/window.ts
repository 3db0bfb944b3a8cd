/**
 * KQL window functions.
 *
 * @module
 */
export {};
