import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import type { AccountView } from '../backend';
import { createMemoryBackend, type MemorySeed } from '../backend/memory';
import type { Fixture } from '../backend/memoryFixtures';
import newAccount from '../backend/fixtures/model-card-new.json';
import newSeed from '../backend/fixtures/seeds/model-card-new.json';
import emptyAccount from '../backend/fixtures/model-card-empty.json';
import learnedAccount from '../backend/fixtures/model-card-learned.json';
import learnedSeed from '../backend/fixtures/seeds/model-card-learned.json';
import { Accounts } from '../screens/Accounts';
import { renderWithBackend } from '../test/render';
import { ModelDialog } from './ModelCard';

const tiktok: AccountView = {
  id: 'tt1', platform: 'tiktok', platform_name: 'TikTok', instance_url: null, handle: '@maker', display_name: null, status: 'connected',
  auth_mode: 'oauth', token_expires_at: null, connected_at: '2025-01-01T00:00:00Z',
};

function show(seed: MemorySeed = {}) {
  const backend = createMemoryBackend({ accounts: [tiktok], ...seed });
  renderWithBackend(<ModelDialog account={tiktok} onClose={vi.fn()} />, backend);
  return { backend, user: userEvent.setup() };
}

describe('Model card', () => {
  it('below the minimum: the platform prior, progress toward learning, the reason and the heat map', async () => {
    // studio-api's model card for the seed's 7 posts (fixtures/seeds/model-card-new.json).
    show({
      history: newSeed.history,
      slots: [{ account_id: 'tt1', timezone: 'Asia/Tokyo', slots: [{ weekday: 2, time: '09:00' }] }],
      answers: newAccount as Fixture,
    });
    expect(screen.getByRole('status')).toHaveTextContent('Loading…');
    const card = await screen.findByTestId('model-card');
    expect(card).toHaveAttribute('data-kind', 'prior');
    expect(screen.getByTestId('model-kind')).toHaveTextContent('Using the platform prior');
    const progress = within(screen.getByTestId('model-progress')).getByRole('progressbar');
    expect(progress).toHaveAttribute('aria-valuenow', '7');
    expect(progress).toHaveAttribute('aria-valuemax', '20');
    expect(screen.getByTestId('model-progress')).toHaveTextContent('7 of 20 published posts with metrics.');
    expect(screen.getByTestId('model-decision')).toHaveTextContent('Kept the prior: 7 posts with metrics, learning needs at least 20.');
    expect(screen.queryByTestId('model-heldout')).not.toBeInTheDocument();
    expect(screen.queryByTestId('model-weights')).not.toBeInTheDocument();
    // The account's zone is its posting slots' zone.
    expect(screen.getByTestId('model-best-times')).toHaveTextContent('Best times in Asia/Tokyo');
    const cells = screen.getAllByTestId('heatmap-cell');
    expect(cells).toHaveLength(168);
    expect(cells[1 * 24 + 18]!.getAttribute('aria-label')).toMatch(/^Tue 18:00, \d{1,3}%$/);
    expect(screen.getByRole('table', { name: 'Audience heat by weekday and hour (Asia/Tokyo)' })).toBeInTheDocument();
    expect(screen.getAllByRole('rowheader').map((r) => r.textContent)).toEqual(['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun']);
  });

  it('learned: held-out Spearman of both models in plain words, the decision and what changed most', async () => {
    // studio-api learns from 40 posts whose engagement follows the caption length
    // (fixtures/seeds/model-card-learned.json, planted as in tests/learning.rs).
    show({ history: learnedSeed.history, answers: learnedAccount as Fixture });
    const card = await screen.findByTestId('model-card');
    expect(card).toHaveAttribute('data-kind', 'learned');
    expect(screen.getByTestId('model-kind')).toHaveTextContent('Learned from your posts');
    expect(screen.queryByTestId('model-progress')).not.toBeInTheDocument();
    expect(screen.getByTestId('model-posts')).toHaveTextContent('40 published posts with metrics: learned from the older 28, checked on the newest 12.');
    const heldout = screen.getByTestId('model-heldout');
    expect(heldout).toHaveTextContent('1 is the same order, 0 is no better than chance');
    expect(within(heldout).getByTestId('model-rho-learned')).toHaveTextContent(/Learned from your posts \(in use\)ρ 0\.\d\d/);
    expect(within(heldout).getByTestId('model-rho-prior')).toHaveTextContent(/Platform priorρ 0\.\d\d/);
    expect(screen.getByTestId('model-decision')).toHaveTextContent(/^Learned: on the newest 12 posts the learned weights ranked engagement at Spearman/);
    const weights = screen.getAllByTestId('model-weight');
    expect(weights).toHaveLength(6);
    expect(weights[0]!.textContent).toMatch(/^[A-Z][\w ]+\d+(\.\d)?% → \d+(\.\d)?%$/);
    // Best times come from the account's own posts now (in the app's default zone).
    expect(screen.getByTestId('model-best-times')).toHaveTextContent('Best times in UTC');
    expect(screen.getByTestId('model-times-source')).toHaveTextContent('From your 40 posts');
  });

  it('shows a failure with Retry, then the card', async () => {
    // studio-api's model card for an account with no posts (fixtures/seeds/model-card-empty.json).
    const { backend, user } = show({ answers: emptyAccount as Fixture });
    backend.failNext('scoreModel', 'database_busy', 'The database is busy.');
    const banner = await screen.findByTestId('model-error');
    expect(banner).toHaveAttribute('data-code', 'database_busy');
    expect(banner).toHaveTextContent('Could not load what the score knows: The database is busy.');
    await user.click(screen.getByTestId('model-retry'));
    expect(await screen.findByTestId('model-card')).toHaveAttribute('data-kind', 'prior');
    expect(screen.getByTestId('model-progress')).toHaveTextContent('No published posts with metrics yet.');
  });

  it('opens from the account’s row on the Accounts screen and closes again', async () => {
    const user = userEvent.setup();
    renderWithBackend(<Accounts />, createMemoryBackend({ accounts: [tiktok], answers: emptyAccount as Fixture }));
    const button = await screen.findByRole('button', { name: 'How well the score knows @maker' });
    await user.click(button);
    const dialog = await screen.findByTestId('model-dialog');
    expect(within(dialog).getByRole('heading', { level: 2 })).toHaveTextContent('How well the score knows @maker');
    await within(dialog).findByTestId('model-card');
    await user.click(within(dialog).getByTestId('model-close'));
    await waitFor(() => expect(screen.queryByTestId('model-dialog')).not.toBeInTheDocument());
  });
});
