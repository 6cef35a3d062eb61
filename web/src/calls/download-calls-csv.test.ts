// @vitest-environment node
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { downloadCsv } from './download-calls-csv';
import type { ExportProgress } from './download-calls-csv';

/** A real HTTP server standing in for the export route: the header, then rows in chunks. */
async function startServer(handler: Parameters<typeof createServer>[1]) {
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  stops.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}
const stops: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const stop of stops.splice(0)) await stop();
});

describe('downloadCsv', () => {
  it('sends the token, reports rows as they stream in, and returns the whole file', async () => {
    let authorization: string | undefined;
    const url = await startServer((req, res) => {
      authorization = req.headers.authorization;
      res.writeHead(200, { 'content-type': 'text/csv', 'x-export-rows': '4' });
      res.write('call_id,status\r\n1,COMPLETED\r\n');
      setTimeout(() => {
        res.write('2,FAILED\r\n3,"multi\nline"\r\n');
        setTimeout(() => res.end('4,BUSY\r\n'), 20);
      }, 20);
    });
    const seen: ExportProgress[] = [];
    const blob = await downloadCsv({ url: `${url}/api/calls.csv`, token: 'tok', onProgress: (p) => seen.push(p) });
    expect(authorization).toBe('Bearer tok');
    expect(await blob.text()).toBe('call_id,status\r\n1,COMPLETED\r\n2,FAILED\r\n3,"multi\nline"\r\n4,BUSY\r\n');
    expect(seen[0]).toEqual({ rows: 0, total: 4 });
    // Several updates as chunks arrive, never past the total (the quoted line break would overcount).
    expect(seen.length).toBeGreaterThanOrEqual(3);
    expect(seen.every((p) => p.rows <= 4)).toBe(true);
    expect(seen.at(-1)).toEqual({ rows: 4, total: 4 });
  });

  it("throws the server's message when it refuses the export", async () => {
    const url = await startServer((_req, res) => {
      res.writeHead(400, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { code: 'BAD_USER_INPUT', message: 'status: must be one of …' } }));
    });
    await expect(downloadCsv({ url, token: 'tok' })).rejects.toThrow('status: must be one of …');
  });
});
