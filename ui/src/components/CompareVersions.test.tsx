import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { createMemoryBackend, type MemorySeed } from '../backend/memory';
import type { Fixture } from '../backend/memoryFixtures';
import answers from '../backend/fixtures/compare-versions.json';
import scenario from '../backend/fixtures/seeds/compare-versions.json';
import { asset, renderRecord, renderWithBackend } from '../test/render';
import { AssetDetail } from './AssetDetail';
import { RenderProvider } from './RenderProvider';

const HOOKY = 'Did you know 3 tricks double your views? Follow for more 🚀 #video #tips #growth';

// The wide original and its 9:16 render, measured, are the scenario's; their scores are studio-score's (make fixtures).
const { features: _a, ...original } = scenario.score.assets[0]!;
const { features: _r, ...render } = scenario.score.renders[0]!;

function setup(seed: MemorySeed = {}) {
  const backend = createMemoryBackend({
    assets: [asset(original)],
    renders: [renderRecord(render), renderRecord({ id: 'r-gone', asset_id: 'v1', output_exists: false })],
    answers: answers as Fixture,
    ...seed,
  });
  renderWithBackend(
    <RenderProvider>
      <AssetDetail assetId="v1" onClose={vi.fn()} />
    </RenderProvider>,
    backend,
  );
  return { backend, user: userEvent.setup() };
}

async function openCompare(user: ReturnType<typeof userEvent.setup>) {
  await user.click(await screen.findByTestId('asset-compare'));
  const dialog = await screen.findByTestId('compare-versions');
  await waitFor(() => expect(within(dialog).getAllByTestId('compare-version')).toHaveLength(2));
  return dialog;
}

describe('Compare versions', () => {
  it('offers the asset and its finished renders, all ticked, and counts the combinations (at most 12)', async () => {
    const { user } = setup({
      renders: Array.from({ length: 5 }, (_, i) => renderRecord({ id: `r${i}`, asset_id: 'v1' })),
    });
    await user.click(await screen.findByTestId('asset-compare'));
    const dialog = await screen.findByTestId('compare-versions');
    await waitFor(() => expect(within(dialog).getAllByTestId('compare-version')).toHaveLength(6));
    const boxes = within(dialog).getAllByTestId('compare-version');
    expect(boxes.every((b) => (b as HTMLInputElement).checked)).toBe(true);
    expect(dialog).toHaveTextContent('Original');
    expect(dialog).toHaveTextContent('TikTok render');
    expect(within(dialog).getByTestId('compare-count')).toHaveTextContent('6 combinations to score');
    expect(within(dialog).getByTestId('compare-start')).toBeInTheDocument();

    // Three captions × six versions is too many.
    await user.click(within(dialog).getByTestId('compare-add-caption'));
    await user.click(within(dialog).getByTestId('compare-add-caption'));
    expect(within(dialog).queryByTestId('compare-add-caption')).not.toBeInTheDocument();
    within(dialog).getAllByTestId('compare-caption').forEach((c, i) => fireEvent.change(c, { target: { value: `caption ${i}` } }));
    expect(within(dialog).getByTestId('compare-count')).toHaveTextContent('18 combinations is too many: compare up to 12 at once');
    expect(within(dialog).getByTestId('compare-run')).toBeDisabled();
    for (const b of boxes.slice(2)) await user.click(b);
    expect(within(dialog).getByTestId('compare-count')).toHaveTextContent('6 combinations to score');
    expect(within(dialog).getByTestId('compare-run')).toBeEnabled();
    for (const b of boxes.slice(0, 2)) await user.click(b);
    expect(within(dialog).getByTestId('compare-count')).toHaveTextContent('Pick at least one version to compare.');
    expect(within(dialog).getByTestId('compare-run')).toBeDisabled();
  });

  it('measures with progress and Cancel, then ranks the versions best first with why', async () => {
    const { user } = setup({ scoreStepMs: 30 });
    const dialog = await openCompare(user);
    fireEvent.change(within(dialog).getByTestId('compare-caption'), { target: { value: HOOKY } });
    await user.click(within(dialog).getByTestId('compare-run'));
    expect(await within(dialog).findByTestId('compare-progress')).toBeInTheDocument();
    await waitFor(() => expect(within(dialog).getByTestId('compare-label')).toHaveTextContent(/^Video [12] of 2 · \d+%$/));
    await user.click(within(dialog).getByTestId('compare-cancel'));
    const banner = await within(dialog).findByTestId('compare-error');
    expect(banner).toHaveAttribute('data-code', 'cancelled');
    expect(banner).toHaveTextContent('The comparison was cancelled.');

    await user.click(within(dialog).getByTestId('compare-run'));
    await waitFor(() => expect(within(dialog).getAllByTestId('variant')).toHaveLength(2), { timeout: 5_000 });
    const [first, second] = within(dialog).getAllByTestId('variant');
    expect(within(dialog).getByRole('list', { name: 'Versions, best first' })).toBeInTheDocument();
    expect(first).toHaveAttribute('data-rank', '1');
    expect(first).toHaveAttribute('data-input', 'r1');
    expect(within(first!).getByTestId('variant-name')).toHaveTextContent('TikTok render');
    expect(within(first!).getByTestId('variant-caption')).toHaveTextContent('“Did you know 3 tricks');
    expect(within(first!).getByTestId('variant-why')).toHaveTextContent(/^\+\d+\.\d pts on Aspect ratio vs #2$/);
    expect(within(second!).getByTestId('variant-name')).toHaveTextContent('Original');
    expect(within(second!).getByTestId('variant-why')).toHaveTextContent(/^−\d+\.\d pts on Aspect ratio vs #1 — 16:9 landscape — TikTok wants 9:16 vertical/);
    expect(Number(within(first!).getByTestId('variant-score').textContent)).toBeGreaterThan(Number(within(second!).getByTestId('variant-score').textContent));
    // Factor bars on demand.
    await user.click(within(first!).getByText('Factors'));
    expect(within(first!).getAllByTestId('score-factor').length).toBeGreaterThan(10);
    expect(within(dialog).getByTestId('compare-run')).toHaveTextContent('Compare again');
  });

  it('shows a failure by its code', async () => {
    const { user, backend } = setup();
    const dialog = await openCompare(user);
    backend.failNext('scoreVariants', 'not_found', 'No asset or finished render with id r1.');
    await user.click(within(dialog).getByTestId('compare-run'));
    const banner = await within(dialog).findByTestId('compare-error');
    expect(banner).toHaveAttribute('data-code', 'not_found');
    expect(banner).toHaveTextContent('A version is no longer there: No asset or finished render with id r1.');
    expect(banner).toHaveAttribute('role', 'alert');
  });
});
