/**
 * KQL geo functions.
 *
 * @module
 */
export {};
