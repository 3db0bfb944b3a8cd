/**
 * KQL datetime functions.
 *
 * @module
 */
export {};
