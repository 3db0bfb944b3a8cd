/**
 * KQL math functions.
 *
 * @module
 */
export {};
