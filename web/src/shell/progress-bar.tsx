import { formatPercent } from './format';

/** A labelled progress bar (0–100). */
export function ProgressBar({
  value,
  label,
  size = 'normal',
}: {
  value: number;
  label: string;
  size?: 'normal' | 'large';
}) {
  const clamped = Math.max(0, Math.min(100, value));
  return (
    <div className={`progress progress-${size}`}>
      <div
        className="progress-track"
        role="progressbar"
        aria-label={label}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={Math.round(clamped * 10) / 10}
      >
        <div className={`progress-fill${clamped >= 100 ? ' progress-done' : ''}`} style={{ width: `${clamped}%` }} />
      </div>
      <span className="progress-value">{formatPercent(clamped)}</span>
    </div>
  );
}
