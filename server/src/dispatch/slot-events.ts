/**
 * A slot's pending campaign event. A call's outcome and the slot's next claim follow each other
 * within milliseconds; published apart, the second would wait out the live hub's pacing (at most
 * 4 snapshots a second). So the outcome's event is held, and the next claim's counter update,
 * which returns numbers that include the outcome's, publishes for both. Anything else the slot
 * does first (waits, finds nothing, stops, fails) sends the held event at once.
 */
export interface SlotEvents {
  held: (() => void) | null;
}

/** Sends the held event now, if any. */
export function sendHeld(events: SlotEvents): void {
  const send = events.held;
  events.held = null;
  send?.();
}
