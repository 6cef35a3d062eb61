/**
 * All server state: databases → collections, and open cursors. One instance per embedded
 * server, shared by all its connections (the driver may send a `getMore` on any pooled
 * connection, so cursors cannot be per connection).
 */
import { Collection } from './collection';
import type { Doc } from './values';

/** Idle cursors are dropped after this long, like mongod's 10-minute cursor timeout. */
const CURSOR_TIMEOUT_MS = 10 * 60 * 1000;
/** Default size of a first batch, as in mongod. */
export const DEFAULT_FIRST_BATCH = 101;

/** A server-side cursor over precomputed results. */
export interface Cursor {
  id: number;
  ns: string;
  docs: Doc[];
  pos: number;
  /** Applied to each document as it is sent (documents are kept unprojected until then). */
  transform: (doc: Doc) => Doc;
  lastUsed: number;
}

export class Store {
  private readonly databases = new Map<string, Map<string, Collection>>();
  private readonly cursors = new Map<number, Cursor>();
  /** Counters for tests and benchmarks (e.g. to prove a cursor used getMore). */
  readonly counters = { commands: 0, getMores: 0, cursorsOpened: 0 };
  /** mongod's `serverStatus.opcounters`: documents inserted, statements updated/deleted, finds, getMores, other commands. */
  readonly opcounters = { insert: 0, query: 0, update: 0, delete: 0, getmore: 0, command: 0 };

  collection(db: string, name: string): Collection | undefined {
    return this.databases.get(db)?.get(name);
  }

  /** The collection, created (implicitly, as mongod does on first write) when missing. */
  ensureCollection(db: string, name: string): Collection {
    let colls = this.databases.get(db);
    if (!colls) {
      colls = new Map();
      this.databases.set(db, colls);
    }
    let coll = colls.get(name);
    if (!coll) {
      coll = new Collection(db, name);
      colls.set(name, coll);
    }
    return coll;
  }

  dropCollection(db: string, name: string): boolean {
    const colls = this.databases.get(db);
    const dropped = colls?.delete(name) ?? false;
    if (colls && colls.size === 0) this.databases.delete(db);
    return dropped;
  }

  renameCollection(db: string, from: string, toDb: string, to: string): void {
    const coll = this.databases.get(db)?.get(from);
    if (!coll) return;
    this.dropCollection(db, from);
    const target = this.ensureCollection(toDb, to);
    for (const spec of coll.indexSpecs().slice(1)) target.createIndex(spec);
    for (const entry of coll.all()) target.insert(entry.doc);
  }

  dropDatabase(db: string): void {
    this.databases.delete(db);
  }

  collections(db: string): Collection[] {
    return [...(this.databases.get(db)?.values() ?? [])];
  }

  databaseNames(): string[] {
    return [...this.databases.keys()];
  }

  /** Registers a cursor over the documents left after the first batch; returns its id. */
  openCursor(ns: string, docs: Doc[], pos: number, transform: (doc: Doc) => Doc): number {
    const now = Date.now();
    for (const [id, c] of this.cursors) if (now - c.lastUsed > CURSOR_TIMEOUT_MS) this.cursors.delete(id);
    let id = 0;
    // Ids stay below 2^53 so they survive the driver's Long → number promotion both ways.
    while (id === 0 || this.cursors.has(id)) id = Math.floor(Math.random() * Number.MAX_SAFE_INTEGER) + 1;
    this.cursors.set(id, { id, ns, docs, pos, transform, lastUsed: now });
    this.counters.cursorsOpened++;
    return id;
  }

  cursor(id: number): Cursor | undefined {
    return this.cursors.get(id);
  }

  closeCursor(id: number): boolean {
    return this.cursors.delete(id);
  }

  get openCursors(): number {
    return this.cursors.size;
  }
}
