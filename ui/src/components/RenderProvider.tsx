/**
 * Owns rendering for the whole window: running renders live here, not in the dialog that
 * started them, so closing the dialog (or the asset) never loses one. The Renders list shows
 * their live progress and can cancel them; the render dialog shows one in full.
 */
import { useQueryClient } from '@tanstack/react-query';
import { createContext, useCallback, useContext, useMemo, useReducer, useRef, type ReactNode } from 'react';
import { toApiError, useBackend, type RenderRequest } from '../backend';
import { newRenderJobId, renderReducer, type RenderJob, type RenderJobs } from '../lib/renderJob';
import { queryKeys } from '../queries';

export interface RenderApi {
  jobs: RenderJobs;
  /** Starts a render of `request.input`; returns its job id. */
  start(assetId: string, request: RenderRequest): string;
  cancel(jobId: string): void;
  /** Drops an ended job from memory (its record stays in the history). */
  forget(jobId: string): void;
}

const RenderContext = createContext<RenderApi | null>(null);

export function RenderProvider({ children }: { children: ReactNode }) {
  const backend = useBackend();
  const queryClient = useQueryClient();
  const [jobs, dispatch] = useReducer(renderReducer, {});
  const running = useRef(new Set<string>());

  const refreshRenders = useCallback(() => void queryClient.invalidateQueries({ queryKey: queryKeys.renders }), [queryClient]);

  const start = useCallback(
    (assetId: string, request: RenderRequest) => {
      const jobId = newRenderJobId();
      running.current.add(jobId);
      dispatch({ type: 'start', jobId, assetId, request });
      let listed = false;
      backend
        .renderStart(jobId, request, (progress) => {
          dispatch({ type: 'progress', jobId, progress });
          // The history has a "running" row from the first event on: show it in the Renders list.
          if (!listed && progress.render_id) {
            listed = true;
            refreshRenders();
          }
        })
        .then(
          (result) => dispatch({ type: 'finish', jobId, result }),
          (err: unknown) => dispatch({ type: 'fail', jobId, error: toApiError(err) }),
        )
        .finally(() => {
          running.current.delete(jobId);
          refreshRenders();
        });
      return jobId;
    },
    [backend, refreshRenders],
  );

  const cancel = useCallback(
    (jobId: string) => {
      dispatch({ type: 'cancel', jobId });
      // Right after the start the job may not be registered yet: ask again until it is (or ends).
      let tries = 0;
      const ask = () => {
        backend.jobCancel(jobId).then(
          (stopped) => {
            tries += 1;
            if (!stopped && running.current.has(jobId) && tries < 20) setTimeout(ask, 250);
            else if (!stopped) dispatch({ type: 'cancel-done', jobId });
          },
          () => dispatch({ type: 'cancel-done', jobId }),
        );
      };
      ask();
    },
    [backend],
  );

  const forget = useCallback((jobId: string) => dispatch({ type: 'forget', jobId }), []);

  const api = useMemo<RenderApi>(() => ({ jobs, start, cancel, forget }), [jobs, start, cancel, forget]);
  return <RenderContext.Provider value={api}>{children}</RenderContext.Provider>;
}

export function useRenderJobs(): RenderApi {
  const api = useContext(RenderContext);
  if (!api) throw new Error('useRenderJobs() used outside <RenderProvider>');
  return api;
}

/** The running render of an asset started in this window, if any. */
export function runningJobFor(jobs: RenderJobs, assetId: string): RenderJob | undefined {
  return Object.values(jobs).find((j) => j.assetId === assetId && j.phase === 'running');
}
