/**
 * KQL strings functions.
 *
 * @module
 */
export {};
