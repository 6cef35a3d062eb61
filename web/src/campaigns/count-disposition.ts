/** A campaign's calls per disposition, as `Campaign.dispositions` gives them. */
export type DispositionCounts = readonly { disposition: string; count: number }[];

/**
 * Keeps the dispositions breakdown live from `callUpdated`: a call's disposition counts once.
 * `counted` holds the calls already in the counts: those the page loaded with a disposition
 * (the server's counts hold them), then each one counted here. It is kept apart from the
 * Apollo cache, which already carries the new disposition when the event is handled.
 * Returns null when nothing changes.
 */
export function countDisposition(
  counts: DispositionCounts,
  counted: Set<string>,
  call: { id: string; disposition?: string | null },
): { __typename: 'DispositionCount'; disposition: string; count: number }[] | null {
  if (!call.disposition || counted.has(call.id)) return null;
  counted.add(call.id);
  // __typename keeps the Apollo cache's shape for these entries.
  const typed = counts.map((c) => ({
    __typename: 'DispositionCount' as const,
    disposition: c.disposition,
    count: c.count,
  }));
  const next = typed.some((c) => c.disposition === call.disposition)
    ? typed.map((c) => (c.disposition === call.disposition ? { ...c, count: c.count + 1 } : c))
    : [...typed, { __typename: 'DispositionCount' as const, disposition: call.disposition, count: 1 }];
  return next.sort((a, b) => b.count - a.count || a.disposition.localeCompare(b.disposition));
}
