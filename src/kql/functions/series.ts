/**
 * KQL series functions.
 *
 * @module
 */
export {};
