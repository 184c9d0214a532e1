/**
 * Owns importing for the whole window: the running job and its queue, the
 * "copy or use in place" choice, and OS file drags. It lives above the
 * screens, so an import keeps reporting while the user looks elsewhere, and a
 * drop anywhere imports (and shows the Library).
 */
import { useQueryClient } from '@tanstack/react-query';
import { createContext, useCallback, useContext, useEffect, useMemo, useReducer, useRef, useState, type ReactNode } from 'react';
import { toApiError, useBackend, type ImportOptions, type ProgressEvent } from '../backend';
import { importReducer, initialImportState, newJobId, type ImportState } from '../lib/importJob';
import { queryKeys } from '../queries';
import { navigate } from '../router';

const REFERENCE_KEY = 'viral-studio.import-reference';

type Batch = { paths: string[]; options: ImportOptions };

export interface ImportApi {
  state: ImportState;
  /** Starts importing, or queues behind the running import. Blank paths are ignored. */
  importPaths(paths: string[]): void;
  cancel(): void;
  dismiss(): void;
  /** True: files stay where they are ("Use in place"); false: copied into the library. */
  reference: boolean;
  setReference(reference: boolean): void;
  /** The campaign new imports belong to (the Library's campaign filter), or null. */
  setTargetCampaign(id: string | null): void;
  targetCampaign: string | null;
  /** Files being dragged over the window: how many (0 when the OS does not say), or null. */
  hovering: number | null;
}

const ImportContext = createContext<ImportApi | null>(null);

function readReference(): boolean {
  try {
    return window.localStorage.getItem(REFERENCE_KEY) === 'true';
  } catch {
    return false;
  }
}

export function ImportProvider({ children }: { children: ReactNode }) {
  const backend = useBackend();
  const queryClient = useQueryClient();
  const [state, dispatch] = useReducer(importReducer, initialImportState);
  const [reference, setReferenceState] = useState(readReference);
  const [targetCampaign, setTargetCampaign] = useState<string | null>(null);
  const [hovering, setHovering] = useState<number | null>(null);
  const current = useRef<string | null>(null);
  const queue = useRef<Batch[]>([]);

  const run = useCallback(
    (batch: Batch, fresh: boolean) => {
      const jobId = newJobId();
      current.current = jobId;
      dispatch({ type: 'start', jobId, fresh, queued: queue.current.length });
      let refreshed = Date.now();
      const onProgress = (event: ProgressEvent) => {
        dispatch({ type: 'progress', jobId, event });
        // Long imports: show finished items about once a second, not only at the end.
        if (event.stage === 'done' && Date.now() - refreshed > 1000) {
          refreshed = Date.now();
          void queryClient.invalidateQueries({ queryKey: queryKeys.assets });
        }
      };
      backend
        .assetImport(jobId, batch.paths, batch.options, onProgress)
        .then(
          (report) => dispatch({ type: 'finish', jobId, report }),
          (err: unknown) => dispatch({ type: 'fail', jobId, message: toApiError(err).message }),
        )
        .finally(() => {
          void queryClient.invalidateQueries({ queryKey: queryKeys.assets });
          if (current.current !== jobId) return;
          current.current = null;
          const next = queue.current.shift();
          if (next) run(next, false);
        });
    },
    [backend, queryClient],
  );

  const importPaths = useCallback(
    (paths: string[]) => {
      const clean = paths.map((p) => p.trim()).filter((p) => p !== '');
      if (clean.length === 0) return;
      const batch = { paths: clean, options: { campaign_id: targetCampaign, reference } };
      if (current.current === null) {
        run(batch, true);
      } else {
        queue.current.push(batch);
        dispatch({ type: 'queue', queued: queue.current.length });
      }
    },
    [run, targetCampaign, reference],
  );

  const cancel = useCallback(() => {
    const jobId = current.current;
    const dropped = queue.current.flatMap((b) =>
      b.paths.map((path) => ({ path, code: 'cancelled', message: 'Cancelled before this import started.' })),
    );
    queue.current = [];
    dispatch({ type: 'cancel', dropped });
    if (jobId === null) return;
    // The job may not be registered yet right after it was sent: ask again until it is (or ends).
    let tries = 0;
    const ask = () => {
      backend.jobCancel(jobId).then(
        (stopped) => {
          tries += 1;
          if (!stopped && current.current === jobId && tries < 20) setTimeout(ask, 250);
          else if (!stopped) dispatch({ type: 'cancel-done' });
        },
        () => dispatch({ type: 'cancel-done' }),
      );
    };
    ask();
  }, [backend]);

  const dismiss = useCallback(() => dispatch({ type: 'dismiss' }), []);

  const setReference = useCallback((value: boolean) => {
    setReferenceState(value);
    try {
      window.localStorage.setItem(REFERENCE_KEY, String(value));
    } catch {
      // Storage may be unavailable; the choice still applies for this session.
    }
  }, []);

  // OS file drags. The handlers read the latest importPaths through a ref.
  const importRef = useRef(importPaths);
  useEffect(() => {
    importRef.current = importPaths;
  }, [importPaths]);
  useEffect(() => {
    let off: (() => void) | null = null;
    let gone = false;
    backend
      .onFileDrop({
        onHover: (paths) => setHovering(paths.length),
        onLeave: () => setHovering(null),
        onDrop: (paths) => {
          setHovering(null);
          if (paths.length === 0) return;
          navigate('library');
          importRef.current(paths);
        },
      })
      .then(
        (unsubscribe) => (gone ? unsubscribe() : (off = unsubscribe)),
        (err: unknown) => console.warn('File drops are unavailable:', toApiError(err).message),
      );
    return () => {
      gone = true;
      off?.();
    };
  }, [backend]);

  const api = useMemo<ImportApi>(
    () => ({ state, importPaths, cancel, dismiss, reference, setReference, targetCampaign, setTargetCampaign, hovering }),
    [state, importPaths, cancel, dismiss, reference, setReference, targetCampaign, hovering],
  );
  return <ImportContext.Provider value={api}>{children}</ImportContext.Provider>;
}

export function useImport(): ImportApi {
  const api = useContext(ImportContext);
  if (!api) throw new Error('useImport() used outside <ImportProvider>');
  return api;
}
