/** A task the worker runs on an interval (Outline's BaseTask: each task owns its options). */
export interface PeriodicTask {
  readonly name: string;
  /** Milliseconds between the end of one run and the start of the next. */
  readonly intervalMs: number;
  run(signal: AbortSignal): Promise<void>;
}
