/**
 * The schema's version, in a module of its own so that tests outside the page (the migration
 * spec) can check against it without importing the database code. migrations.ts takes any
 * earlier version to this one.
 */
export const DB_VERSION = 8;
