import { describe, expect, it } from 'vitest';
import { callsToCsv } from './calls-csv';

describe('callsToCsv', () => {
  it('writes a header and one neutralized row per call', () => {
    const csv = callsToCsv([
      {
        id: 'c1',
        attempt: 2,
        status: 'COMPLETED',
        providerCallId: 'sim-1',
        startedAt: '2030-01-01T10:00:00.000Z',
        answeredAt: '2030-01-01T10:00:02.000Z',
        endedAt: '2030-01-01T10:01:00.000Z',
        durationSeconds: 58,
        error: null,
        contact: { id: 'k1', name: '=cmd|"/c calc"!A1', phoneNumber: '+15550000001', email: null },
      },
    ]);
    const [header, row] = csv.split('\r\n');
    expect(header).toBe(
      'call_id,contact_name,phone_number,email,attempt,status,started_at,answered_at,ended_at,duration_seconds,provider_call_id,error',
    );
    expect(row).toBe(
      `c1,"'=cmd|""/c calc""!A1",'+15550000001,,2,COMPLETED,2030-01-01T10:00:00.000Z,2030-01-01T10:00:02.000Z,2030-01-01T10:01:00.000Z,58,sim-1,`,
    );
  });
});
