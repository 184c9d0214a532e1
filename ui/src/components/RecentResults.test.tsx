import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { AccountView } from '../backend/bindings';
import { createMemoryBackend } from '../backend/memory';
import type { Fixture } from '../backend/memoryFixtures';
import weekAnswers from '../backend/fixtures/recent-results.json';
import oneAnswers from '../backend/fixtures/recent-results-one.json';
import quietAnswers from '../backend/fixtures/recent-results-quiet.json';
import week from '../backend/fixtures/seeds/recent-results.json';
import one from '../backend/fixtures/seeds/recent-results-one.json';
import quiet from '../backend/fixtures/seeds/recent-results-quiet.json';
import { renderWithBackend } from '../test/render';
import { RecentResults } from './RecentResults';

const X1: AccountView = {
  id: 'x1', platform: 'x', platform_name: 'X', instance_url: null, handle: '@x1', display_name: null, status: 'connected', auth_mode: 'oauth',
  token_expires_at: null, connected_at: '2025-01-01T00:00:00Z',
};

/** A scenario's state with studio-api's answers for it (fixtures/seeds/recent-results*.json; make fixtures). */
const backend = (seed: { history: typeof week.history }, answers: unknown) =>
  createMemoryBackend({ accounts: [X1], history: seed.history, answers: answers as Fixture });

describe('Home: recent results', () => {
  // The scenarios' clock (all three share it): the answers were computed for this instant.
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['Date'], now: Date.parse(week.now), shouldAdvanceTime: true });
  });
  afterEach(() => vi.useRealTimers());

  it('compares the last 7 days with the 7 before, lists the week’s top posts and links to Analytics', async () => {
    // This week: 1,500 views, 160 engagements (10.7 %); the week before: 1,000 views, 200 engagements (20 %).
    renderWithBackend(<RecentResults />, backend(week, weekAnswers));
    const views = await screen.findByTestId('recent-views');
    expect(views).toHaveTextContent('1,500');
    expect(within(views).getByTestId('trend')).toHaveAttribute('data-direction', 'up');
    expect(within(views).getByTestId('trend')).toHaveTextContent('↑ +50% vs the 7 days before (1,000)');
    expect(within(screen.getByTestId('recent-engagements')).getByTestId('trend')).toHaveAttribute('data-direction', 'down');
    expect(within(screen.getByTestId('recent-rate')).getByTestId('trend')).toHaveTextContent('-9.3 pts vs the 7 days before (20.0%)');
    const top = within(screen.getByTestId('home-results-top')).getAllByRole('listitem');
    expect(top.map((li) => li.textContent?.split(' ·')[0])).toEqual(['Caption a', 'Caption b']);
    expect(screen.getByTestId('home-results-link')).toHaveAttribute('href', '#/analytics?range=7');
  });

  it('says so when nothing was published in the last two weeks', async () => {
    renderWithBackend(<RecentResults />, backend(quiet, quietAnswers));
    expect(await screen.findByTestId('home-results-empty')).toHaveTextContent('Nothing was published in the last two weeks');
  });

  it('shows an error with Retry', async () => {
    const b = backend(one, oneAnswers);
    b.failNext('analyticsGet', 'database_busy', 'Busy.');
    renderWithBackend(<RecentResults />, b);
    expect(await screen.findByTestId('home-results-error')).toHaveTextContent('Could not load recent results: Busy.');
    await userEvent.setup().click(screen.getByRole('button', { name: 'Retry' }));
    await waitFor(() => expect(screen.getByTestId('recent-views')).toHaveTextContent('1,000'));
  });
});
