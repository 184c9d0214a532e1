/**
 * The in-memory backend's long jobs (imports, renders, measuring, sign-ins, uploads) under one
 * registry, as the app has one `jobCancel` for all of them. A job moves in steps: each waits
 * `stepMs` (a microtask when 0) and tells whether the creator cancelled meanwhile.
 */
export type Job = {
  readonly cancelled: boolean;
  /** Waits one step (cut short by a cancel); false once the job is cancelled. */
  step(): Promise<boolean>;
};

export type Jobs = ReturnType<typeof createJobs>;

export function createJobs() {
  const running = new Map<string, { cancelled: boolean; wake: () => void }>();
  return {
    async run<T>(jobId: string, stepMs: number | undefined, body: (job: Job) => Promise<T>): Promise<T> {
      const state = { cancelled: false, wake: () => {} };
      running.set(jobId, state);
      const job: Job = {
        get cancelled() {
          return state.cancelled;
        },
        async step() {
          await new Promise<void>((resolve) => {
            state.wake = resolve;
            if (stepMs) setTimeout(resolve, stepMs);
            else void Promise.resolve().then(resolve);
          });
          return !state.cancelled;
        },
      };
      try {
        return await body(job);
      } finally {
        running.delete(jobId);
      }
    },
    /** True when the job was running (it stops at its next step). */
    cancel(jobId: string): boolean {
      const state = running.get(jobId);
      if (!state) return false;
      state.cancelled = true;
      state.wake();
      return true;
    },
  };
}
