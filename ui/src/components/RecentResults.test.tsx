import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { createMemoryBackend } from '../backend/memory';
import type { HistoryPost } from '../backend/memoryLearning';
import { renderWithBackend } from '../test/render';
import { RecentResults } from './RecentResults';

const DAY = 86_400_000;
const row = (post_id: string, days: number, views: number, likes: number): HistoryPost => ({
  post_id, account_id: 'x1', published_at: new Date(Date.now() - days * DAY).toISOString(), views, likes, comments: 0, shares: 0, saves: 0,
  caption: `Caption ${post_id}`,
});

describe('Home: recent results', () => {
  it('compares the last 7 days with the 7 before, lists the week’s top posts and links to Analytics', async () => {
    // This week: 1,500 views, 160 engagements (10.7 %); the week before: 1,000 views, 200 engagements (20 %).
    renderWithBackend(<RecentResults />, createMemoryBackend({ history: [row('a', 2, 1000, 120), row('b', 4, 500, 40), row('old', 9, 1000, 200)] }));
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
    renderWithBackend(<RecentResults />, createMemoryBackend({ history: [row('old', 30, 1000, 10)] }));
    expect(await screen.findByTestId('home-results-empty')).toHaveTextContent('Nothing was published in the last two weeks');
  });

  it('shows an error with Retry', async () => {
    const b = createMemoryBackend({ history: [row('a', 2, 1000, 120)] });
    b.failNext('analyticsGet', 'database_busy', 'Busy.');
    renderWithBackend(<RecentResults />, b);
    expect(await screen.findByTestId('home-results-error')).toHaveTextContent('Could not load recent results: Busy.');
    await userEvent.setup().click(screen.getByRole('button', { name: 'Retry' }));
    await waitFor(() => expect(screen.getByTestId('recent-views')).toHaveTextContent('1,000'));
  });
});
