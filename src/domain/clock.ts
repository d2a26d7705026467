/** Injectable time, so expiry, schedules and tests do not depend on the wall clock. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** A clock that stands still until moved (tests). */
export class FixedClock implements Clock {
  constructor(private current: Date) {}
  now(): Date {
    return new Date(this.current);
  }
  set(to: Date): void {
    this.current = new Date(to);
  }
  advance(ms: number): void {
    this.current = new Date(this.current.getTime() + ms);
  }
}

/** ISO 8601 UTC with milliseconds: the one timestamp format stored and served. */
export function isoNow(clock: Clock = systemClock): string {
  return clock.now().toISOString();
}
