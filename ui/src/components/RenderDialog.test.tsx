import { act, fireEvent, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import type { Backend, RenderProgress, RenderRequest, RenderResult } from '../backend';
import { BackendError } from '../backend/errors';
import { createMemoryBackend, type MemoryBackend, type MemorySeed } from '../backend/memory';
import { asset, renderWithBackend } from '../test/render';
import { AssetDetail } from './AssetDetail';
import { RenderProvider } from './RenderProvider';

const library = () => [
  asset({ id: 'v1', original_name: 'launch-teaser.mp4', duration_s: 27.4 }),
  asset({ id: 'i1', kind: 'image', original_name: 'cover.png', duration_s: null, fps: null }),
];

function memory(seed: MemorySeed = {}): MemoryBackend {
  return createMemoryBackend({ assets: library(), ...seed });
}

type Call = { jobId: string; request: RenderRequest; onProgress: (p: RenderProgress) => void; finish: (r: RenderResult) => void; fail: (e: unknown) => void };

/** Renders wait until the test ends them; jobCancel ends one as cancelled. */
function gated() {
  const calls: Call[] = [];
  const backend: Backend = {
    ...memory(),
    renderStart: (jobId, request, onProgress) => new Promise<RenderResult>((finish, fail) => calls.push({ jobId, request, onProgress, finish, fail })),
  };
  const jobCancel = vi.spyOn(backend, 'jobCancel').mockImplementation(async (jobId) => {
    calls.find((c) => c.jobId === jobId)?.fail(new BackendError('cancelled', 'Cancelled.'));
    return true;
  });
  return { backend, calls, jobCancel };
}

async function openDetail(backend: Backend, assetId = 'v1') {
  const user = userEvent.setup();
  const onClose = vi.fn();
  renderWithBackend(
    <RenderProvider>
      <AssetDetail assetId={assetId} onClose={onClose} />
    </RenderProvider>,
    backend,
  );
  await screen.findByTestId('asset-facts');
  return { user, onClose };
}

async function openDialog(backend: Backend) {
  const r = await openDetail(backend);
  await r.user.click(screen.getByTestId('asset-render'));
  await screen.findByRole('option', { name: 'TikTok — 1080×1920, 30 fps' });
  return r;
}

const progress = (over: Partial<RenderProgress>): RenderProgress => ({ render_id: 'r-live', stage: 'starting', fraction: null, elapsed_s: 0, eta_s: null, ...over });

describe('Render dialog', () => {
  it('defaults to TikTok, checks the trim and hook before rendering, then sends the request', async () => {
    const { backend, calls } = gated();
    const { user } = await openDialog(backend);
    const dialog = screen.getByTestId('render-dialog');
    expect(within(dialog).getByRole('heading')).toHaveTextContent('Render “launch-teaser.mp4”');
    expect(screen.getByTestId('render-preset')).toHaveValue('tiktok');
    expect(screen.getByTestId('render-preset')).toHaveFocus();
    expect(screen.getAllByRole('option').map((o) => o.textContent)).toContain('Portrait 4:5 — 1080×1350, 30 fps');
    expect(screen.getByRole('option', { name: 'Smart — follow the subject' })).toBeEnabled();
    expect(screen.getByTestId('render-trim-length')).toHaveTextContent('The whole video: 27.4 s (0:27).');

    await user.type(screen.getByTestId('render-trim-start'), '9');
    await user.type(screen.getByTestId('render-trim-end'), '3');
    await user.click(screen.getByTestId('render-submit'));
    expect(screen.getByTestId('error-render-trim-end')).toHaveTextContent('The end must be after the start.');
    expect(screen.getByTestId('render-trim-end')).toHaveFocus();
    expect(screen.getByTestId('render-trim-end')).toHaveAttribute('aria-invalid', 'true');
    expect(calls).toHaveLength(0);

    // Errors follow the typing once shown.
    await user.clear(screen.getByTestId('render-trim-end'));
    await user.type(screen.getByTestId('render-trim-end'), '30');
    expect(screen.getByTestId('error-render-trim-end')).toHaveTextContent('The video is only 27.4 s long.');
    await user.clear(screen.getByTestId('render-trim-end'));
    await user.type(screen.getByTestId('render-trim-end'), '21');
    expect(screen.queryByTestId('error-render-trim-end')).not.toBeInTheDocument();
    expect(screen.getByTestId('render-trim-length')).toHaveTextContent('Renders 12 s (0:12) of 27.4 s.');

    expect(screen.getByTestId('render-hook-seconds')).toBeDisabled();
    await user.type(screen.getByTestId('render-hook-text'), 'Wait for the drop');
    expect(screen.getByTestId('render-hook-count')).toHaveTextContent('17 / 120');
    await user.type(screen.getByTestId('render-hook-seconds'), '45');
    await user.click(screen.getByTestId('render-submit'));
    expect(screen.getByTestId('error-render-hook-seconds')).toHaveTextContent('Between 0.5 and 30 seconds.');
    await user.clear(screen.getByTestId('render-hook-seconds'));
    await user.type(screen.getByTestId('render-hook-seconds'), '2.5');

    await user.click(screen.getByTestId('render-captions-pick'));
    expect(await screen.findByTestId('render-captions-name')).toHaveTextContent(/^take-\d+\.srt$/);
    await user.click(screen.getByTestId('render-music-pick'));
    expect(await screen.findByTestId('render-music-name')).toHaveTextContent(/^bed-\d+\.mp3$/);
    await user.click(screen.getByTestId('render-music-clear'));
    expect(screen.queryByTestId('render-music-name')).not.toBeInTheDocument();
    await user.selectOptions(screen.getByTestId('render-preset'), 'shorts');
    await user.selectOptions(screen.getByTestId('render-reframe'), 'center');

    await user.click(screen.getByTestId('render-submit'));
    await waitFor(() => expect(calls).toHaveLength(1));
    expect(calls[0]?.request).toEqual({
      input: 'v1', preset: 'shorts', output: null, trim: '9-21', reframe: 'center', encoder: null, x264_preset: null, crf: null,
      captions: expect.stringMatching(/\.srt$/), hook_text: 'Wait for the drop', hook_seconds: 2.5, music: null,
    });
  });

  it('shows live progress (stage, percent, elapsed, ETA) and cancels; Back keeps the values', async () => {
    const { backend, calls, jobCancel } = gated();
    const { user } = await openDialog(backend);
    await user.selectOptions(screen.getByTestId('render-preset'), 'youtube');
    await user.type(screen.getByTestId('render-hook-text'), 'Big news');
    await user.click(screen.getByTestId('render-submit'));
    await waitFor(() => expect(calls).toHaveLength(1));
    const call = calls[0]!;

    expect(screen.getByTestId('render-stage')).toHaveTextContent('Starting');
    expect(screen.getByTestId('render-progress')).not.toHaveAttribute('aria-valuenow');
    expect(screen.getByTestId('render-cancel')).toHaveFocus();
    act(() => call.onProgress(progress({ stage: 'measuring', fraction: 0.5, elapsed_s: 1.2 })));
    expect(screen.getByTestId('render-stage')).toHaveTextContent('Measuring loudness');
    expect(screen.getByTestId('render-progress')).toHaveAttribute('aria-valuenow', '50');
    expect(screen.getByTestId('render-progress')).toHaveAttribute('aria-valuetext', 'Measuring loudness, 50%');
    expect(screen.getByTestId('render-percent')).toHaveTextContent('50%');
    expect(screen.getByTestId('render-eta')).toHaveTextContent('Estimating time left…');
    act(() => call.onProgress(progress({ stage: 'analyzing', fraction: 0.1, elapsed_s: 3 })));
    expect(screen.getByTestId('render-stage')).toHaveTextContent('Following the subject');
    act(() => call.onProgress(progress({ stage: 'rendering', fraction: 0.25, elapsed_s: 42, eta_s: 80 })));
    expect(screen.getByTestId('render-stage')).toHaveTextContent('Rendering');
    expect(screen.getByTestId('render-percent')).toHaveTextContent('25%');
    expect(screen.getByTestId('render-elapsed')).toHaveTextContent('Elapsed 0:42');
    expect(screen.getByTestId('render-eta')).toHaveTextContent('about 1 min 20 s left');

    await user.click(screen.getByTestId('render-cancel'));
    expect(jobCancel).toHaveBeenCalledWith(call.jobId);
    expect(await screen.findByTestId('render-cancelled')).toHaveTextContent('Render cancelled. No file was kept.');
    expect(screen.getByTestId('render-back')).toHaveFocus();
    await user.click(screen.getByTestId('render-back'));
    expect(screen.getByTestId('render-preset')).toHaveValue('youtube');
    expect(screen.getByTestId('render-hook-text')).toHaveValue('Big news');
  });

  it('shows a failure clearly (human title, backend detail); Back keeps the values', async () => {
    const { user } = await openDialog(memory({ pickCaptions: '/subs/broken.srt' }));
    await user.click(screen.getByTestId('render-captions-pick'));
    await user.type(screen.getByTestId('render-trim-end'), '10');
    await user.click(screen.getByTestId('render-submit'));
    const error = await screen.findByTestId('render-error');
    expect(error).toHaveAttribute('data-code', 'invalid_input');
    expect(error).toHaveAttribute('role', 'alert');
    expect(error).toHaveTextContent('These settings can’t be used.');
    expect(error).toHaveTextContent('The captions file cannot be used (line 3)');
    await user.click(screen.getByTestId('render-back'));
    expect(screen.getByTestId('render-captions-name')).toHaveTextContent('broken.srt');
    expect(screen.getByTestId('render-trim-end')).toHaveValue('10');
    // The failure is in the history too.
    const row = await screen.findByTestId('render-row');
    expect(row).toHaveAttribute('data-state', 'failed');
    expect(within(row).getByTestId('render-row-error')).toHaveTextContent('The captions file cannot be used');
  });

  it('on success shows size, encoder, duration and loudness; Open and Show in folder; the list has it', async () => {
    const backend = memory();
    const open = vi.spyOn(backend, 'renderOpen');
    const reveal = vi.spyOn(backend, 'renderReveal');
    const { user } = await openDialog(backend);
    expect(screen.getByTestId('renders-empty')).toBeInTheDocument();
    await user.type(screen.getByTestId('render-trim-start'), '2.5');
    await user.type(screen.getByTestId('render-trim-end'), '14.5');
    await user.click(screen.getByTestId('render-submit'));
    await screen.findByTestId('render-result');
    const [record] = backend.dumpRenders();
    expect(screen.getByTestId('render-result-size')).toHaveTextContent('1080 × 1920 px · 30 fps');
    expect(screen.getByTestId('render-result-duration')).toHaveTextContent('0:12 (12 s)');
    expect(screen.getByTestId('render-result-encoder')).toHaveTextContent('libx264');
    expect(screen.getByTestId('render-result-gain')).toHaveTextContent(/^[+−]\d+\.\d dB \(the source was −\d+\.\d LUFS\)$/);
    expect(screen.getByTestId('render-result-file')).toHaveTextContent('launch-teaser-tiktok.mp4');
    expect(screen.getByTestId('render-open')).toHaveFocus();
    await user.click(screen.getByTestId('render-open'));
    await user.click(screen.getByTestId('render-reveal'));
    expect(open).toHaveBeenCalledWith(record?.id);
    expect(reveal).toHaveBeenCalledWith(record?.id);
    await user.click(screen.getByTestId('render-close'));
    expect(screen.queryByTestId('render-dialog')).not.toBeInTheDocument();

    const row = await screen.findByTestId('render-row');
    expect(row).toHaveAttribute('data-render-id', record?.id);
    expect(row).toHaveAttribute('data-state', 'done');
    expect(row).toHaveTextContent('1080×1920 · 0:12 · 12.4 MB');
  });

  it('Hide (or Escape) keeps it rendering: the Renders list shows its progress and can cancel it', async () => {
    const backend = memory({ renderStepMs: 40 });
    const { user } = await openDialog(backend);
    await user.click(screen.getByTestId('render-submit'));
    await screen.findByTestId('render-running');
    // Escape on the render dialog closes only that dialog.
    fireEvent(screen.getByTestId('render-dialog'), new Event('cancel', { cancelable: true }));
    expect(screen.queryByTestId('render-dialog')).not.toBeInTheDocument();
    expect(screen.getByTestId('asset-detail')).toBeInTheDocument();

    const row = await screen.findByTestId('render-row');
    await waitFor(() => expect(row).toHaveAttribute('data-state', 'running'));
    expect(await within(row).findByTestId('render-row-progress')).toBeInTheDocument();
    expect(within(row).getByTestId('render-state')).toHaveTextContent('Running');
    expect(within(row).getByTestId('render-row-delete')).toBeDisabled();

    // Reopening the dialog shows the running render, not a new form.
    await user.click(screen.getByTestId('asset-render'));
    expect(screen.getByTestId('render-running')).toBeInTheDocument();
    await user.click(screen.getByTestId('render-hide'));

    await user.click(within(row).getByTestId('render-row-cancel'));
    await waitFor(() => expect(screen.getByTestId('render-row')).toHaveAttribute('data-state', 'cancelled'), { timeout: 3000 });
    expect(backend.dumpRenders()[0]?.state).toBe('cancelled');
  });

  it('R opens it from the detail of a video; ignored while another dialog is open', async () => {
    const { user } = await openDetail(memory());
    await user.keyboard('r');
    expect(await screen.findByTestId('render-dialog')).toBeInTheDocument();
    await user.click(screen.getByTestId('render-close-form'));
    await user.click(screen.getByTestId('asset-facts'));
    await user.keyboard('r');
    await screen.findByTestId('render-dialog');
    fireEvent.keyDown(screen.getByTestId('render-reframe'), { key: 'r' });
    expect(screen.getAllByTestId('render-dialog')).toHaveLength(1);
    await user.click(screen.getByTestId('render-close-form'));
    expect(screen.queryByTestId('render-dialog')).not.toBeInTheDocument();
  });

  it('has no Render… for an image', async () => {
    const { user } = await openDetail(memory(), 'i1');
    expect(screen.queryByTestId('asset-render')).not.toBeInTheDocument();
    expect(screen.queryByTestId('renders')).not.toBeInTheDocument();
    await user.keyboard('r');
    expect(screen.queryByTestId('render-dialog')).not.toBeInTheDocument();
  });
});
