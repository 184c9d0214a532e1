import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { createMemoryBackend, type MemorySeed } from '../backend/memory';
import { asset, renderRecord, renderWithBackend } from '../test/render';
import { AssetDetail } from './AssetDetail';
import { RenderProvider } from './RenderProvider';

function setup(seed: MemorySeed = {}) {
  const backend = createMemoryBackend({
    assets: [asset({ id: 'v1', original_name: 'launch-teaser.mp4' }), asset({ id: 'v2', original_name: 'other.mp4' })],
    renders: [
      renderRecord({ id: 'r-new', output: '/renders/launch-teaser-tiktok.mp4', created_at: '2025-02-03T10:00:00Z' }),
      renderRecord({
        id: 'r-failed', preset: 'square', state: 'failed', output: null, output_exists: false, size_bytes: null, width: null, height: null,
        duration_s: null, encoder: null, error_code: 'invalid_captions', error_message: 'The captions file cannot be used (line 12): bad time',
        created_at: '2025-02-02T10:00:00Z',
      }),
      renderRecord({
        id: 'r-gone', preset: 'youtube', width: 1920, height: 1080, duration_s: 64.2, output: '/renders/launch-teaser-youtube.mp4',
        output_exists: false, size_bytes: null, created_at: '2025-02-01T10:00:00Z',
      }),
      renderRecord({ id: 'r-other', asset_id: 'v2', created_at: '2025-02-04T10:00:00Z' }),
    ],
    ...seed,
  });
  const onClose = vi.fn();
  renderWithBackend(
    <RenderProvider>
      <AssetDetail assetId="v1" onClose={onClose} />
    </RenderProvider>,
    backend,
  );
  return { backend, onClose, user: userEvent.setup() };
}

const row = (id: string) => screen.getAllByTestId('render-row').find((r) => r.dataset.renderId === id)!;

describe('Renders list', () => {
  it('lists the asset’s renders newest first: preset, state, size, duration, file size and time', async () => {
    setup();
    await waitFor(() => expect(screen.getAllByTestId('render-row')).toHaveLength(3));
    expect(screen.getAllByTestId('render-row').map((r) => r.dataset.renderId)).toEqual(['r-new', 'r-failed', 'r-gone']);
    expect(screen.getByRole('heading', { name: 'Renders (3)' })).toBeInTheDocument();

    const done = row('r-new');
    expect(done).toHaveAttribute('data-state', 'done');
    expect(done).toHaveTextContent('TikTok');
    expect(within(done).getByTestId('render-state')).toHaveTextContent('Done');
    expect(done).toHaveTextContent('1080×1920 · 0:12 · 12.4 MB');
    expect(done.querySelector('time')).toHaveAttribute('datetime', '2025-02-03T10:00:00Z');
    expect(done).toHaveTextContent('launch-teaser-tiktok.mp4');
    expect(within(done).queryByTestId('render-missing')).not.toBeInTheDocument();
    expect(within(done).getByTestId('render-row-open')).toBeEnabled();

    const failed = row('r-failed');
    expect(within(failed).getByTestId('render-state')).toHaveTextContent('Failed');
    expect(failed).toHaveTextContent('Square');
    expect(within(failed).getByTestId('render-row-error')).toHaveTextContent('The captions file cannot be used (line 12): bad time');
    expect(within(failed).queryByTestId('render-row-open')).not.toBeInTheDocument();
    expect(within(failed).getByTestId('render-row-delete')).toBeEnabled();
  });

  it('a missing file is marked and cannot be opened, shown or previewed', async () => {
    setup();
    await waitFor(() => expect(screen.getAllByTestId('render-row')).toHaveLength(3));
    const gone = row('r-gone');
    expect(within(gone).getByTestId('render-missing')).toHaveTextContent('file missing');
    expect(gone).toHaveTextContent('1920×1080 · 1:04');
    expect(within(gone).getByTestId('render-row-open')).toBeDisabled();
    expect(within(gone).getByTestId('render-row-reveal')).toBeDisabled();
    expect(within(gone).getByTestId('render-row-preview')).toBeDisabled();
  });

  it('previews a finished render on click; Open and Show in folder ask the backend', async () => {
    const { backend, user } = setup();
    const open = vi.spyOn(backend, 'renderOpen');
    const reveal = vi.spyOn(backend, 'renderReveal');
    await waitFor(() => expect(screen.getAllByTestId('render-row')).toHaveLength(3));
    const done = row('r-new');
    expect(within(done).queryByTestId('render-video')).not.toBeInTheDocument();
    await user.click(within(done).getByTestId('render-row-preview'));
    expect(within(done).getByTestId('render-video')).toHaveAttribute('src', expect.stringMatching(/^data:audio\/wav/));
    expect(within(done).getByTestId('render-row-preview')).toHaveAttribute('aria-expanded', 'true');
    await user.click(within(done).getByTestId('render-row-open'));
    await user.click(within(done).getByTestId('render-row-reveal'));
    expect(open).toHaveBeenCalledWith('r-new');
    expect(reveal).toHaveBeenCalledWith('r-new');
    expect(screen.queryByTestId('error-banner')).not.toBeInTheDocument();
  });

  it('a file that went away since the list loaded: Open explains, and the row turns "file missing"', async () => {
    const { backend, user } = setup();
    await waitFor(() => expect(screen.getAllByTestId('render-row')).toHaveLength(3));
    backend.removeRenderFile('/renders/launch-teaser-tiktok.mp4');
    await user.click(within(row('r-new')).getByTestId('render-row-open'));
    expect(await screen.findByTestId('error-banner')).toHaveTextContent(
      'Could not open launch-teaser-tiktok.mp4: /renders/launch-teaser-tiktok.mp4 was moved or deleted.',
    );
    await waitFor(() => expect(within(row('r-new')).getByTestId('render-missing')).toBeInTheDocument());
  });

  it('deletes after a confirmation; Cancel (or Escape) keeps it', async () => {
    const { backend, onClose, user } = setup();
    const remove = vi.spyOn(backend, 'renderDelete');
    await waitFor(() => expect(screen.getAllByTestId('render-row')).toHaveLength(3));

    await user.click(within(row('r-new')).getByTestId('render-row-delete'));
    const confirm = screen.getByRole('dialog', { name: 'Delete render?' });
    expect(confirm).toHaveTextContent('“launch-teaser-tiktok.mp4” will be deleted from disk and removed from this list.');
    // Escape closes the confirmation only, not the asset detail around it.
    fireEvent(confirm, new Event('cancel', { cancelable: true }));
    expect(screen.queryByRole('dialog', { name: 'Delete render?' })).not.toBeInTheDocument();
    expect(onClose).not.toHaveBeenCalled();
    await user.click(within(row('r-new')).getByTestId('render-row-delete'));
    await user.click(within(screen.getByRole('dialog', { name: 'Delete render?' })).getByRole('button', { name: 'Cancel' }));
    expect(remove).not.toHaveBeenCalled();

    await user.click(within(row('r-new')).getByTestId('render-row-delete'));
    await user.click(screen.getByTestId('render-delete-confirm'));
    await waitFor(() => expect(screen.getAllByTestId('render-row')).toHaveLength(2));
    expect(remove).toHaveBeenCalledWith('r-new');
    expect(screen.queryByRole('dialog', { name: 'Delete render?' })).not.toBeInTheDocument();
    expect(backend.dumpRenders().map((r) => r.id).sort()).toEqual(['r-failed', 'r-gone', 'r-other']);

    // A render without a file is only taken off the list.
    await user.click(within(row('r-failed')).getByTestId('render-row-delete'));
    expect(screen.getByRole('dialog', { name: 'Delete render?' })).toHaveTextContent('This render will be removed from the list.');
  });

  it('a failed delete keeps the confirmation open with the reason', async () => {
    const { backend, user } = setup();
    await waitFor(() => expect(screen.getAllByTestId('render-row')).toHaveLength(3));
    backend.failNext('renderDelete', 'io', 'cannot delete /renders/launch-teaser-tiktok.mp4: Permission denied (os error 13)');
    await user.click(within(row('r-new')).getByTestId('render-row-delete'));
    await user.click(screen.getByTestId('render-delete-confirm'));
    const confirm = screen.getByRole('dialog', { name: 'Delete render?' });
    expect(await within(confirm).findByRole('alert')).toHaveTextContent('Permission denied');
    expect(screen.getAllByTestId('render-row')).toHaveLength(3);
  });

  it('a render running elsewhere shows as running and cannot be deleted (or cancelled) here', async () => {
    setup({ renders: [renderRecord({ id: 'r-run', state: 'running', output: null, output_exists: false, size_bytes: null })] });
    const running = await screen.findByTestId('render-row');
    expect(within(running).getByTestId('render-state')).toHaveTextContent('Running');
    expect(within(running).getByTestId('render-row-delete')).toBeDisabled();
    expect(within(running).queryByTestId('render-row-cancel')).not.toBeInTheDocument();
  });

  it('says so when there are no renders yet', async () => {
    setup({ renders: [] });
    expect(await screen.findByTestId('renders-empty')).toHaveTextContent('No renders yet.');
  });
});
