/**
 * "Save as" then write: asks for a path with the native dialog, runs the write, and keeps the
 * outcome for a success line ("Saved to … (12 rows)") or an error banner. Cancelling the
 * dialog is not an error and leaves the previous outcome in place.
 */
import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { toApiError, useBackend, type SaveRequest } from '../backend';

export type Saved = { label: string; path: string; detail: string };

export function useSaveFile() {
  const backend = useBackend();
  const [saved, setSaved] = useState<Saved | null>(null);
  const run = useMutation({
    mutationFn: async (job: { label: string; request: SaveRequest; write: (path: string) => Promise<string> }) => {
      const path = await backend.pickSavePath(job.request);
      if (path === null) return null;
      const detail = await job.write(path);
      return { label: job.label, path, detail };
    },
    onMutate: () => setSaved(null),
    onSuccess: (result) => {
      if (result) setSaved(result);
    },
  });
  return {
    save: run.mutate,
    pendingLabel: run.isPending ? run.variables.label : null,
    saved,
    error: run.isError ? toApiError(run.error).message : null,
    dismiss: () => {
      run.reset();
      setSaved(null);
    },
  };
}
