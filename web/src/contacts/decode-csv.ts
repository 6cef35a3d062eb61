/**
 * Decodes a CSV file's bytes for the preview the way the API decodes the upload
 * (server/src/contacts/contact.import.ts): UTF-8 with a leading BOM dropped, or, when the bytes
 * are not valid UTF-8, Windows-1252 (what Excel writes as "CSV" on Western Windows). A UTF-16
 * BOM is honoured too. Only the preview uses this text: the upload sends the file's own bytes,
 * so the API, not the browser, decides what they mean.
 */
export function decodeCsvBytes(bytes: ArrayBuffer | Uint8Array): string {
  const view = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  if (view[0] === 0xff && view[1] === 0xfe) return new TextDecoder('utf-16le').decode(view.subarray(2));
  if (view[0] === 0xfe && view[1] === 0xff) return new TextDecoder('utf-16be').decode(view.subarray(2));
  try {
    // `ignoreBOM: false` (the default) drops a UTF-8 BOM; `fatal` makes bad UTF-8 throw.
    return new TextDecoder('utf-8', { fatal: true }).decode(view);
  } catch {
    return new TextDecoder('windows-1252').decode(view);
  }
}
