import { useSearchParams } from 'react-router';
import { humanize } from './format';

/**
 * A list's status filter, kept in the URL (`?status=`), so a filtered view can be linked and
 * survives a reload. Returns the status when it is one of the list's, else null, and a setter
 * that keeps the other search parameters ('' clears the filter).
 */
export function useStatusParam<S extends string>(
  isStatus: (value: string | null) => value is S,
): [S | null, (value: string) => void] {
  const [params, setParams] = useSearchParams();
  const param = params.get('status');
  const setStatus = (value: string) =>
    setParams((prev) => {
      const next = new URLSearchParams(prev);
      if (value) next.set('status', value);
      else next.delete('status');
      return next;
    });
  return [isStatus(param) ? param : null, setStatus];
}

/** The status `<select>` of a list ("All statuses" first), with its label. */
export function StatusSelect({
  id,
  label,
  hideLabel = false,
  statuses,
  value,
  onChange,
}: {
  id: string;
  label: string;
  hideLabel?: boolean;
  statuses: readonly string[];
  value: string | null;
  onChange: (value: string) => void;
}) {
  return (
    <>
      <label htmlFor={id} className={hideLabel ? 'visually-hidden' : undefined}>
        {label}
      </label>
      <select id={id} value={value ?? ''} onChange={(event) => onChange(event.target.value)}>
        <option value="">All statuses</option>
        {statuses.map((status) => (
          <option key={status} value={status}>
            {humanize(status)}
          </option>
        ))}
      </select>
    </>
  );
}
