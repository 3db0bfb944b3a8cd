/**
 * KQL stats functions.
 *
 * @module
 */
export {};
