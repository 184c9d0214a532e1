import { act, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { App } from '../App';
import type { Backend, ImportReport, ProgressEvent } from '../backend';
import { createMemoryBackend, type MemoryBackend } from '../backend/memory';
import { asset, renderWithBackend } from '../test/render';

type Call = { jobId: string; paths: string[]; onProgress: (p: ProgressEvent) => void; finish: (r: ImportReport) => void };

/** A backend whose imports wait until the test finishes them, reporting progress on demand. */
function gatedBackend() {
  const memory = createMemoryBackend();
  const calls: Call[] = [];
  const backend: Backend & Pick<MemoryBackend, 'simulateFileDrag'> = {
    ...memory,
    assetImport: (jobId, paths, _options, onProgress) =>
      new Promise<ImportReport>((finish) => calls.push({ jobId, paths, onProgress, finish })),
  };
  const jobCancel = vi.spyOn(backend, 'jobCancel').mockResolvedValue(true);
  const assetList = vi.spyOn(backend, 'assetList');
  return { backend, calls, jobCancel, assetList };
}

function setup() {
  const g = gatedBackend();
  window.location.hash = '#/library';
  renderWithBackend(<App />, g.backend);
  return { ...g, user: userEvent.setup() };
}

const progress = (over: Partial<ProgressEvent>): ProgressEvent => ({ item: 'a.mp4', stage: 'hashing', done: 0, total: 4, fraction: null, ...over });
const bar = () => screen.getByRole('progressbar', { name: 'Import progress' });

describe('Import panel', () => {
  it('shows progress, then a summary with each failure explained by its code', async () => {
    const { backend, calls, assetList, user } = setup();
    act(() => backend.simulateFileDrag.hover(['/m/a.mp4', '/m/b.txt']));
    expect(screen.getByTestId('drop-overlay')).toHaveTextContent('Drop to import 2 items');
    act(() => backend.simulateFileDrag.drop(['/m/a.mp4', '/m/b.txt', '/m/broken.mov', '/m/dup.png']));
    expect(screen.queryByTestId('drop-overlay')).not.toBeInTheDocument();
    await waitFor(() => expect(calls).toHaveLength(1));
    expect(calls[0]?.paths).toEqual(['/m/a.mp4', '/m/b.txt', '/m/broken.mov', '/m/dup.png']);

    expect(screen.getByTestId('import-panel')).toHaveTextContent('Preparing');
    expect(bar()).not.toHaveAttribute('aria-valuenow');
    act(() => calls[0]?.onProgress(progress({ item: 'broken.mov', stage: 'probing', done: 2 })));
    expect(bar()).toHaveAttribute('aria-valuenow', '2');
    expect(bar()).toHaveAttribute('aria-valuemax', '4');
    expect(bar()).toHaveAttribute('aria-valuetext', '2 of 4 files');
    expect(screen.getByTestId('import-current')).toHaveTextContent('broken.mov — Reading media info');
    act(() => calls[0]?.onProgress(progress({ done: 1 }))); // late, out-of-order event
    expect(bar()).toHaveAttribute('aria-valuenow', '2');

    const listedBefore = assetList.mock.calls.length;
    act(() =>
      calls[0]?.finish({
        imported: [asset({ id: 'new', original_name: 'a.mp4' })],
        skipped: [{ path: '/m/dup.png', reason: 'already in the library', existing_id: 'x' }],
        failed: [
          { path: '/m/b.txt', code: 'unsupported_format', message: 'b.txt: unknown format' },
          { path: '/m/broken.mov', code: 'corrupt_media', message: 'moov atom not found' },
        ],
      }),
    );
    const summary = await screen.findByTestId('import-summary');
    expect(summary).toHaveTextContent('Imported 1 · Skipped 1 · Failed 2');
    expect(screen.queryByRole('progressbar')).not.toBeInTheDocument();
    await waitFor(() => expect(assetList.mock.calls.length).toBeGreaterThan(listedBefore)); // the grid refreshes

    await user.click(screen.getByText('Show 3 files not imported'));
    const [txt, broken] = screen.getAllByTestId('import-failure');
    expect(txt).toHaveTextContent('b.txt');
    expect(txt).toHaveTextContent('Not a video, image or audio format');
    expect(broken).toHaveAttribute('data-code', 'corrupt_media');
    expect(broken).toHaveTextContent('looks damaged');
    expect(broken).toHaveTextContent('moov atom not found');
    expect(screen.getByTestId('import-skipped')).toHaveTextContent('dup.png');

    await user.click(screen.getByTestId('import-dismiss'));
    expect(screen.queryByTestId('import-panel')).not.toBeInTheDocument();
  });

  it('Cancel calls jobCancel with the running job id and reports a cancelled import', async () => {
    const { backend, calls, jobCancel, user } = setup();
    act(() => backend.simulateFileDrag.drop(['/m/1.mp4', '/m/2.mp4']));
    await waitFor(() => expect(calls).toHaveLength(1));
    act(() => calls[0]?.onProgress(progress({ item: '1.mp4', total: 2 })));
    await user.click(screen.getByTestId('import-cancel'));
    expect(jobCancel).toHaveBeenCalledWith(calls[0]?.jobId);
    expect(screen.getByTestId('import-cancel')).toHaveTextContent('Cancelling…');
    expect(screen.getByTestId('import-cancel')).toBeDisabled();

    act(() =>
      calls[0]?.finish({
        imported: [asset({ original_name: '1.mp4' })],
        skipped: [],
        failed: [{ path: '/m/2.mp4', code: 'cancelled', message: 'cancelled' }],
      }),
    );
    expect(await screen.findByTestId('import-summary')).toHaveTextContent('Imported 1 · Skipped 0 · Failed 1');
    expect(screen.getByTestId('import-panel')).toHaveTextContent('Import cancelled');
  });

  it('queues imports behind the running one and adds their reports up', async () => {
    const { backend, calls, user } = setup();
    act(() => backend.simulateFileDrag.drop(['/m/1.mp4']));
    await waitFor(() => expect(calls).toHaveLength(1));
    await user.click(screen.getByTestId('import-path-toggle'));
    await user.type(screen.getByTestId('import-path'), '/m/2.mp4{Enter}"/m/Folder"');
    await user.click(screen.getByTestId('import-path-submit'));
    expect(screen.getByTestId('import-panel')).toHaveTextContent('1 more import waiting');
    expect(calls).toHaveLength(1);

    act(() => calls[0]?.finish({ imported: [asset()], skipped: [], failed: [] }));
    await waitFor(() => expect(calls).toHaveLength(2));
    expect(calls[1]?.paths).toEqual(['/m/2.mp4', '/m/Folder']);
    expect(screen.getByRole('progressbar')).toBeInTheDocument();
    act(() => calls[1]?.finish({ imported: [asset()], skipped: [], failed: [{ path: '/m/Folder/x', code: 'io', message: 'disk full' }] }));
    expect(await screen.findByTestId('import-summary')).toHaveTextContent('Imported 2 · Skipped 0 · Failed 1');
  });

  it('reports an import that could not run at all', async () => {
    const memory = createMemoryBackend({ pickFiles: ['/m/1.mp4'] });
    memory.failNext('assetImport', 'database_busy', 'The database is busy.');
    window.location.hash = '#/library';
    renderWithBackend(<App />, memory);
    const user = userEvent.setup();
    await screen.findByTestId('library-empty');
    await user.click(screen.getByTestId('import-files'));
    const panel = await screen.findByTestId('import-panel');
    await waitFor(() => expect(panel).toHaveTextContent('Import failed'));
    expect(within(panel).getByRole('alert')).toHaveTextContent('The database is busy.');
  });
});
