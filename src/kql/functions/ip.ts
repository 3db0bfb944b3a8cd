/**
 * KQL ip functions.
 *
 * @module
 */
export {};
