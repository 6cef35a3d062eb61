/**
 * Running operations per organization in one process, for the per-organization cap, without
 * reading every socket of the organization on each subscribe: that walk cost ~1.6 s of each
 * API's CPU while 2,500 dashboards of one organization connected (O(n²) over the storm).
 *
 * A socket's own count stays the protocol library's (graphql-ws's `ctx.subscriptions`, the
 * legacy library's `operations`): the libraries drop an operation on paths that call no hook of
 * ours (a failed validation, a client's `complete`, a send that throws). So the organization's
 * sum is kept from each socket's count as last read, refreshed when that socket subscribes (the
 * one way a count grows, and every subscribe is checked) and removed when it closes. Endings in
 * between are not seen, so the sum is an upper bound of the truth: while it is within the cap
 * the truth is too, and only past it are the organization's sockets read again, exactly.
 *
 * Why by hand: nothing in graphql-ws or ws counts operations across sockets.
 */
export interface SocketOperations {
  /**
   * Reads this socket's count again and returns its organization's total: exact when above
   * `max`, else at least the truth (so "over the cap" is decided exactly either way).
   */
  total(max: number): number;
  /** Removes this socket's operations from its organization (at close). Safe to call twice. */
  release(): void;
}

interface Counted {
  /** Reads the socket's running operations from its protocol library. */
  active: () => number;
  /** What `active` returned when last read. */
  last: number;
}

interface Organization {
  sum: number;
  sockets: Set<Counted>;
}

export class OperationCounts {
  private readonly organizations = new Map<string, Organization>();

  /** Starts counting a socket's operations (`active` reads them) towards `organizationId`. */
  track(organizationId: string, active: () => number): SocketOperations {
    let organization = this.organizations.get(organizationId);
    if (!organization) this.organizations.set(organizationId, (organization = { sum: 0, sockets: new Set() }));
    const org = organization;
    const counted: Counted = { active, last: 0 };
    org.sockets.add(counted);
    return {
      total: (max) => {
        const now = counted.active();
        org.sum += now - counted.last;
        counted.last = now;
        if (org.sum <= max) return org.sum;
        // Past the cap by the last reads: read every socket of the organization again.
        let sum = 0;
        for (const socket of org.sockets) sum += socket.last = socket.active();
        org.sum = sum;
        return sum;
      },
      release: () => {
        if (!org.sockets.delete(counted)) return;
        org.sum -= counted.last;
        if (org.sockets.size === 0 && this.organizations.get(organizationId) === org)
          this.organizations.delete(organizationId);
      },
    };
  }

  /** The organization's total as last read (an upper bound); 0 for one with no socket. */
  sum(organizationId: string): number {
    return this.organizations.get(organizationId)?.sum ?? 0;
  }
}
