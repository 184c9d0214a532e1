import { act, fireEvent, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { App } from './App';
import { createMemoryBackend } from './backend/memory';
import type { Fixture } from './backend/memoryFixtures';
import answers from './backend/fixtures/empty.json';
import scenario from './backend/fixtures/seeds/empty.json';
import { renderWithBackend } from './test/render';

/** Nothing published yet: Home and Analytics replay studio-api's answers (fixtures/seeds/empty.json). */
const empty = () => createMemoryBackend({ answers: answers as Fixture });

describe('App shell', () => {
  // The scenario's clock: its answers are for the date ranges seen from this instant.
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['Date'], now: Date.parse(scenario.now), shouldAdvanceTime: true });
  });
  afterEach(() => vi.useRealTimers());

  it('switches screens with Alt+digit and Ctrl+digit and marks the current link', async () => {
    renderWithBackend(<App />, empty());
    expect(screen.getByRole('heading', { level: 1 })).toHaveTextContent('Welcome');
    act(() => {
      fireEvent.keyDown(window, { key: '3', code: 'Digit3', altKey: true });
    });
    await waitFor(() => expect(screen.getByRole('heading', { level: 1 })).toHaveTextContent('Campaigns'));
    expect(screen.getByTestId('nav-campaigns')).toHaveAttribute('aria-current', 'page');
    expect(screen.getByTestId('nav-home')).not.toHaveAttribute('aria-current');
    act(() => {
      fireEvent.keyDown(window, { key: '7', code: 'Digit7', ctrlKey: true });
    });
    await waitFor(() => expect(screen.getByRole('heading', { level: 1 })).toHaveTextContent('Settings'));
    expect(screen.getByRole('heading', { level: 1 })).toHaveFocus();
  });

  it('Analytics without published posts says so plainly instead of showing empty charts', async () => {
    const user = userEvent.setup();
    renderWithBackend(<App />, empty());
    await user.click(screen.getByTestId('nav-analytics'));
    expect(await screen.findByTestId('analytics-empty')).toHaveTextContent('No results in this range');
    expect(screen.queryByTestId('series-chart')).not.toBeInTheDocument();
  });

  it('switches the theme and remembers it', async () => {
    const user = userEvent.setup();
    window.location.hash = '#/settings';
    renderWithBackend(<App />, empty());
    await user.click(screen.getByRole('radio', { name: 'Dark' }));
    expect(document.documentElement).toHaveAttribute('data-theme', 'dark');
    expect(window.localStorage.getItem('viral-studio.theme')).toBe('dark');
    await user.click(screen.getByRole('radio', { name: 'Light' }));
    expect(document.documentElement).toHaveAttribute('data-theme', 'light');
    await user.click(screen.getByRole('radio', { name: 'System' }));
    expect(window.localStorage.getItem('viral-studio.theme')).toBeNull();
  });
});
