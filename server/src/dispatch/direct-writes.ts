// Moved to ../direct-writes.ts (calls/ uses it too, and calls/ must not import dispatch/);
// re-exported here for existing importers.
export * from '../direct-writes';
