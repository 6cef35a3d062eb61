import { Bar, BarChart, CartesianGrid, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { MinuteBucket } from './calls-per-minute';

/** Calls placed per minute over the last minutes. */
export function CallsPerMinuteChart({ buckets }: { buckets: readonly MinuteBucket[] }) {
  const total = buckets.reduce((sum, bucket) => sum + bucket.calls, 0);
  return (
    <figure className="chart">
      <ResponsiveContainer width="100%" height={200} initialDimension={{ width: 480, height: 200 }}>
        <BarChart data={[...buckets]} margin={{ top: 8, right: 8, bottom: 0, left: -16 }}>
          <CartesianGrid vertical={false} stroke="#e2e8f0" />
          <XAxis
            dataKey="label"
            tick={{ fontSize: 11, fill: '#64748b' }}
            tickLine={false}
            axisLine={{ stroke: '#cbd5e1' }}
            interval="preserveStartEnd"
          />
          <YAxis allowDecimals={false} tick={{ fontSize: 11, fill: '#64748b' }} tickLine={false} axisLine={false} />
          <Tooltip cursor={{ fill: 'rgba(79, 70, 229, 0.08)' }} formatter={(value) => [value, 'Calls']} />
          <Bar dataKey="calls" fill="#4f46e5" radius={[3, 3, 0, 0]} isAnimationActive={false} />
        </BarChart>
      </ResponsiveContainer>
      <figcaption className="visually-hidden">
        {total} calls placed in the last {buckets.length} minutes.
      </figcaption>
    </figure>
  );
}
