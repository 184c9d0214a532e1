import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { App } from '../App';
import { createMemoryBackend, type MemorySeed } from '../backend/memory';
import { asset, campaign, renderWithBackend } from '../test/render';

const cards = () => screen.queryAllByTestId('asset-card');
const names = () => cards().map((c) => within(c).getByText(/./, { selector: '.asset-name' }).textContent);

function seed(extra: MemorySeed = {}) {
  return createMemoryBackend({
    campaigns: [campaign({ id: 'c1', name: 'Spring launch' })],
    assets: [
      asset({ id: 'v1', original_name: 'teaser-vertical.mp4', campaign_id: 'c1', created_at: '2025-01-04T00:00:00Z' }),
      asset({ id: 'v2', original_name: 'Drone 4K.mov', width: 3840, height: 2160, duration_s: 3725, created_at: '2025-01-03T00:00:00Z' }),
      asset({ id: 'i1', kind: 'image', original_name: 'cover.png', duration_s: null, fps: null, created_at: '2025-01-02T00:00:00Z' }),
      asset({
        id: 'a1', kind: 'audio', original_name: 'theme.mp3', width: null, height: null, poster: null, filmstrip: null,
        waveform: '/thumbs/a1/waveform.png', created_at: '2025-01-01T00:00:00Z',
      }),
    ],
    ...extra,
  });
}

function renderLibrary(backend = seed()) {
  window.location.hash = '#/library';
  return { user: userEvent.setup(), ...renderWithBackend(<App />, backend) };
}

describe('Library grid', () => {
  it('shows cards newest first with duration, resolution and thumbnails', async () => {
    renderLibrary();
    await waitFor(() => expect(cards()).toHaveLength(4));
    expect(names()).toEqual(['teaser-vertical.mp4', 'Drone 4K.mov', 'cover.png', 'theme.mp3']);
    const drone = cards()[1]!;
    expect(drone).toHaveAttribute('data-asset-id', 'v2');
    expect(within(drone).getByTestId('asset-duration')).toHaveTextContent('1:02:05');
    expect(within(drone).getByTestId('asset-resolution')).toHaveTextContent('3840×2160');
    expect(drone.querySelector('img')?.getAttribute('src')).toMatch(/^data:image\/svg\+xml/);
    const image = cards()[2]!;
    expect(within(image).queryByTestId('asset-duration')).not.toBeInTheDocument();
    expect(within(cards()[3]!).queryByTestId('asset-resolution')).not.toBeInTheDocument();
  });

  it('filters by kind, campaign and (debounced) file name', async () => {
    const backend = seed();
    const list = vi.spyOn(backend, 'assetList');
    const { user } = renderLibrary(backend);
    await waitFor(() => expect(cards()).toHaveLength(4));

    await user.click(screen.getByTestId('asset-filter-kind-video'));
    await waitFor(() => expect(names()).toEqual(['teaser-vertical.mp4', 'Drone 4K.mov']));
    await user.click(screen.getByTestId('asset-filter-kind-audio'));
    await waitFor(() => expect(names()).toEqual(['theme.mp3']));
    await user.click(screen.getByTestId('asset-filter-kind-all'));
    await waitFor(() => expect(cards()).toHaveLength(4));

    await user.selectOptions(screen.getByTestId('asset-filter-campaign'), 'c1');
    await waitFor(() => expect(names()).toEqual(['teaser-vertical.mp4']));
    await user.selectOptions(screen.getByTestId('asset-filter-campaign'), '');
    await waitFor(() => expect(cards()).toHaveLength(4));

    list.mockClear();
    await user.type(screen.getByTestId('asset-search'), 'drone');
    await waitFor(() => expect(names()).toEqual(['Drone 4K.mov']));
    // One backend query for the whole word, not one per keystroke.
    expect(list.mock.calls.map(([q]) => q.search)).toEqual(['drone']);

    await user.clear(screen.getByTestId('asset-search'));
    await user.type(screen.getByTestId('asset-search'), 'zzz');
    expect(await screen.findByText('No assets match these filters.')).toBeInTheDocument();
    await user.click(screen.getByTestId('asset-filter-clear'));
    await waitFor(() => expect(cards()).toHaveLength(4));
  });

  it('shows the drop-target empty state with import buttons', async () => {
    renderLibrary(createMemoryBackend());
    const empty = await screen.findByTestId('library-empty');
    expect(empty).toHaveTextContent('Drop videos, images or audio here');
    expect(within(empty).getByRole('button', { name: /Import files/ })).toBeInTheDocument();
    expect(within(empty).getByRole('button', { name: /Import folder/ })).toBeInTheDocument();
  });

  it('opens the detail with Enter and shows player and facts', async () => {
    const { user } = renderLibrary();
    await waitFor(() => expect(cards()).toHaveLength(4));
    cards()[0]!.focus();
    await user.keyboard('{Enter}');
    const detail = await screen.findByTestId('asset-detail');
    expect(within(detail).getByRole('heading', { name: 'teaser-vertical.mp4' })).toBeInTheDocument();
    expect(detail.querySelector('video')).toHaveAttribute('src');
    expect(within(detail).getByTestId('asset-filmstrip')).toBeInTheDocument();
    const facts = within(detail).getByTestId('asset-facts');
    expect(facts).toHaveTextContent('1080 × 1920 px (portrait)');
    expect(facts).toHaveTextContent('29.97 fps');
    expect(facts).toHaveTextContent('aac · stereo · 48 kHz');
    expect(facts).toHaveTextContent('Copied into the library');
    await waitFor(() => expect(facts).toHaveTextContent('Spring launch'));
    await user.click(within(detail).getByRole('button', { name: 'Close' }));
    expect(screen.queryByTestId('asset-detail')).not.toBeInTheDocument();
  });

  it('moves between cards with the arrow keys', async () => {
    const { user } = renderLibrary();
    await waitFor(() => expect(cards()).toHaveLength(4));
    cards()[0]!.focus();
    await user.keyboard('{ArrowRight}');
    expect(cards()[1]).toHaveFocus();
    await user.keyboard('{End}');
    expect(cards()[3]).toHaveFocus();
    await user.keyboard('{Home}');
    expect(cards()[0]).toHaveFocus();
  });

  it('imports into the filtered campaign, copying unless "Use in place" is chosen', async () => {
    const backend = seed({ pickFiles: ['/m/new.mp4'] });
    const assetImport = vi.spyOn(backend, 'assetImport');
    const { user } = renderLibrary(backend);
    await waitFor(() => expect(cards()).toHaveLength(4));
    await user.selectOptions(screen.getByTestId('asset-filter-campaign'), 'c1');
    await user.click(screen.getByTestId('import-mode-reference'));
    await user.click(screen.getByTestId('import-files'));
    await waitFor(() => expect(assetImport).toHaveBeenCalled());
    expect(assetImport.mock.calls[0]?.[1]).toEqual(['/m/new.mp4']);
    expect(assetImport.mock.calls[0]?.[2]).toEqual({ campaign_id: 'c1', reference: true });
    await waitFor(() => expect(names()).toEqual(['new.mp4', 'teaser-vertical.mp4']));
  });
});
