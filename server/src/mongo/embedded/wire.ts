/**
 * MongoDB wire protocol framing: the legacy OP_QUERY/OP_REPLY pair the driver uses for its very
 * first handshake, and OP_MSG for everything after. Pure functions over Buffers; no sockets.
 */
import { deserialize, serialize } from 'bson';
import type { Doc } from './values';

export const OP_REPLY = 1;
export const OP_QUERY = 2004;
export const OP_COMPRESSED = 2012;
export const OP_MSG = 2013;

const HEADER_SIZE = 16;
const FLAG_CHECKSUM_PRESENT = 1 << 0;
/** OP_MSG flag: the sender expects no reply (unacknowledged writes). */
export const FLAG_MORE_TO_COME = 1 << 1;

/** Decoding options for everything read from the wire (and therefore everything stored). */
export const DESERIALIZE_OPTIONS = { promoteValues: true, promoteBuffers: false, bsonRegExp: false } as const;

export interface MessageHeader {
  length: number;
  requestId: number;
  responseTo: number;
  opCode: number;
}

/** A decoded request: the command document with any kind-1 sequences merged in as arrays. */
export interface Request {
  header: MessageHeader;
  /** `OP_QUERY` (handshake only) or `OP_MSG`. */
  kind: 'query' | 'msg';
  /** For OP_QUERY: the full collection name (`admin.$cmd`). */
  namespace?: string;
  command: Doc;
  moreToCome: boolean;
}

/** Length of the first complete message in `buf`, or 0 when more bytes are needed. */
export function completeMessageLength(buf: Buffer): number {
  if (buf.length < 4) return 0;
  const length = buf.readInt32LE(0);
  return buf.length >= length ? length : 0;
}

export function readHeader(buf: Buffer): MessageHeader {
  return {
    length: buf.readInt32LE(0),
    requestId: buf.readInt32LE(4),
    responseTo: buf.readInt32LE(8),
    opCode: buf.readInt32LE(12),
  };
}

function readDoc(buf: Buffer, offset: number): { doc: Doc; next: number } {
  const size = buf.readInt32LE(offset);
  const doc = deserialize(buf.subarray(offset, offset + size), DESERIALIZE_OPTIONS) as Doc;
  return { doc, next: offset + size };
}

function readCString(buf: Buffer, offset: number): { value: string; next: number } {
  const end = buf.indexOf(0, offset);
  if (end < 0) throw new Error('unterminated cstring');
  return { value: buf.toString('utf8', offset, end), next: end + 1 };
}

/** Parses one complete OP_QUERY or OP_MSG message; throws on anything else. */
export function parseMessage(message: Buffer): Request {
  const header = readHeader(message);
  if (header.opCode === OP_QUERY) {
    let offset = HEADER_SIZE + 4; // flags
    const ns = readCString(message, offset);
    offset = ns.next + 8; // numberToSkip, numberToReturn
    const { doc } = readDoc(message, offset);
    // Legacy commands may wrap the command in `$query` alongside `$readPreference`.
    const command = doc['$query'] !== undefined && typeof doc['$query'] === 'object' ? (doc['$query'] as Doc) : doc;
    return { header, kind: 'query', namespace: ns.value, command, moreToCome: false };
  }
  if (header.opCode === OP_MSG) {
    const flags = message.readUInt32LE(HEADER_SIZE);
    const end = flags & FLAG_CHECKSUM_PRESENT ? header.length - 4 : header.length;
    let offset = HEADER_SIZE + 4;
    let command: Doc | undefined;
    const sequences: Array<[string, Doc[]]> = [];
    while (offset < end) {
      const kind = message.readUInt8(offset);
      offset += 1;
      if (kind === 0) {
        const r = readDoc(message, offset);
        command = r.doc;
        offset = r.next;
      } else if (kind === 1) {
        const sectionEnd = offset + message.readInt32LE(offset);
        const id = readCString(message, offset + 4);
        const docs: Doc[] = [];
        let at = id.next;
        while (at < sectionEnd) {
          const r = readDoc(message, at);
          docs.push(r.doc);
          at = r.next;
        }
        sequences.push([id.value, docs]);
        offset = sectionEnd;
      } else {
        throw new Error(`unsupported OP_MSG section kind ${kind}`);
      }
    }
    if (!command) throw new Error('OP_MSG without a body section');
    for (const [id, docs] of sequences) command[id] = docs;
    return { header, kind: 'msg', command, moreToCome: (flags & FLAG_MORE_TO_COME) !== 0 };
  }
  throw new Error(`unsupported opCode ${header.opCode}`);
}

function writeHeader(buf: Buffer, requestId: number, responseTo: number, opCode: number): void {
  buf.writeInt32LE(buf.length, 0);
  buf.writeInt32LE(requestId, 4);
  buf.writeInt32LE(responseTo, 8);
  buf.writeInt32LE(opCode, 12);
}

/** An OP_REPLY carrying one document (the answer to the OP_QUERY handshake). */
export function encodeReply(doc: Doc, requestId: number, responseTo: number): Buffer {
  const body = serialize(doc, { ignoreUndefined: true });
  const buf = Buffer.alloc(HEADER_SIZE + 20 + body.length);
  writeHeader(buf, requestId, responseTo, OP_REPLY);
  buf.writeInt32LE(0, 16); // responseFlags
  buf.writeBigInt64LE(0n, 20); // cursorID
  buf.writeInt32LE(0, 28); // startingFrom
  buf.writeInt32LE(1, 32); // numberReturned
  buf.set(body, 36);
  return buf;
}

/** An OP_MSG with a single kind-0 section. */
export function encodeMsg(doc: Doc, requestId: number, responseTo: number): Buffer {
  const body = serialize(doc, { ignoreUndefined: true });
  const buf = Buffer.alloc(HEADER_SIZE + 5 + body.length);
  writeHeader(buf, requestId, responseTo, OP_MSG);
  buf.writeUInt32LE(0, 16);
  buf.writeUInt8(0, 20);
  buf.set(body, 21);
  return buf;
}
