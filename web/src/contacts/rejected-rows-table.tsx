/** A rejected row of a CSV import's report (contacts or do-not-call numbers). */
export interface RejectedRow {
  row: number;
  phoneNumber?: string | null;
  reason: string;
}

/** How many rejected rows an import report shows on the page. */
export const SHOWN_REJECTED_ROWS = 20;

/** The first rejected rows of an import's report: row number, the number as given, why. */
export function RejectedRowsTable({ rows, numberLabel }: { rows: readonly RejectedRow[]; numberLabel: string }) {
  return (
    <div className="table-scroll">
      <table className="table table-compact" aria-label="Rejected rows">
        <thead>
          <tr>
            <th scope="col" className="num">
              Row
            </th>
            <th scope="col">{numberLabel}</th>
            <th scope="col">Reason</th>
          </tr>
        </thead>
        <tbody>
          {rows.slice(0, SHOWN_REJECTED_ROWS).map((r, index) => (
            <tr key={`${r.row}-${index}`}>
              <td className="num">{r.row}</td>
              <td className="mono">{r.phoneNumber || '—'}</td>
              <td>{r.reason}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
