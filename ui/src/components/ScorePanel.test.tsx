import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it } from 'vitest';
import { createMemoryBackend, type MemoryBackend, type MemorySeed } from '../backend/memory';
import type { Fixture } from '../backend/memoryFixtures';
import answers from '../backend/fixtures/score-panel.json';
import scenario from '../backend/fixtures/seeds/score-panel.json';
import { asset, renderWithBackend } from '../test/render';
import { ScorePanel } from './ScorePanel';

// The video and its measured features are the scenario's; its scores are studio-score's (make fixtures).
const { features: _, ...seeded } = scenario.score.assets[0]!;
const video = () => asset(seeded);
const base = (): MemorySeed => ({ assets: [video()], answers: answers as Fixture });

function setup(seed: MemorySeed = {}, backend?: MemoryBackend) {
  const b = backend ?? createMemoryBackend({ ...base(), ...seed });
  const a = b.dumpAssets()[0]!;
  const result = renderWithBackend(<ScorePanel asset={a} />, b);
  return { ...result, backend: b, user: userEvent.setup() };
}

const value = () => screen.getByTestId('score-value');
const factorRow = (id: string) => screen.getAllByTestId('score-factor').find((f) => f.dataset.factor === id)!;
const scoreNow = () => Number(value().textContent);

beforeEach(() => window.sessionStorage.clear());

describe('Score panel', () => {
  it('shows the score with its coverage, model, advice and factor bars by group; unknown factors greyed', async () => {
    setup();
    await waitFor(() => expect(screen.getByTestId('score-panel')).toHaveAttribute('data-state', 'ready'));
    expect(value().textContent).toMatch(/^\d{1,3}$/);
    expect(screen.getByTestId('score-gauge')).toHaveAccessibleName(`Viral score ${value().textContent} out of 100`);
    expect(screen.getByTestId('score-coverage')).toHaveTextContent(/^Based on \d+% of the factors$/);
    expect(screen.getByTestId('score-model')).toHaveTextContent('Model: prior weights');
    expect(screen.getAllByTestId('score-group').map((g) => g.dataset.group)).toEqual(['hook', 'pacing', 'picture', 'sound', 'format', 'text', 'schedule']);
    const speech = factorRow('hook_speech');
    expect(speech).toHaveAttribute('data-known', 'false');
    expect(speech).toHaveClass('is-unknown');
    expect(within(speech).getByTestId('score-factor-value')).toHaveTextContent('not measured');
    expect(within(speech).getByRole('meter')).toHaveAttribute('aria-valuetext', 'not measured');
    const aspect = factorRow('aspect');
    expect(aspect).toHaveAttribute('data-known', 'true');
    expect(within(aspect).getByTestId('score-factor-value')).toHaveTextContent('0.56 w/h');
    expect(within(aspect).getByRole('meter')).toHaveAttribute('aria-valuenow', '100');
    expect(screen.queryByTestId('score-blockers')).toBeNull();
  });

  it('orders the advice by points to gain, at most five', async () => {
    setup();
    await waitFor(() => expect(screen.getAllByTestId('score-advice-item').length).toBeGreaterThan(0));
    const items = screen.getAllByTestId('score-advice-item');
    expect(items.length).toBeLessThanOrEqual(5);
    const gains = items.map((i) => Number(/([+−][\d.]+) pts/.exec(i.textContent ?? '')![1]!.replace('−', '-')));
    expect(gains).toEqual([...gains].sort((a, b) => b - a));
    expect(items.map((i) => i.dataset.factor)).toContain('hook_cut');
  });

  it('re-scores as the caption is typed: text factors change, the score rises, the panel stays', async () => {
    setup();
    await waitFor(() => expect(screen.getByTestId('score-panel')).toHaveAttribute('data-state', 'ready'));
    const before = scoreNow();
    expect(within(factorRow('caption_hook')).getByTestId('score-factor-value')).toHaveTextContent('not measured');
    fireEvent.change(screen.getByTestId('score-caption'), {
      target: { value: 'Did you know 3 tricks double your views? Follow for more 🚀 #video #tips #growth' },
    });
    expect(screen.getByTestId('score-caption-count')).toHaveTextContent('79 / 2,200');
    // The old result stays while the new one loads.
    expect(screen.getByTestId('score-value')).toBeInTheDocument();
    await waitFor(() => expect(within(factorRow('caption_hook')).getByTestId('score-factor-value')).toHaveTextContent('3 signals'));
    expect(within(factorRow('call_to_action')).getByTestId('score-factor-value')).toHaveTextContent('yes');
    expect(within(factorRow('hashtags')).getByTestId('score-factor-value')).toHaveTextContent('3 count');
    expect(scoreNow()).toBeGreaterThan(before);
    expect(screen.getAllByTestId('score-advice-item').map((i) => i.dataset.factor)).not.toContain('caption_hook');
  });

  it('switches platform (remembered for the session) and shows a blocking over-limit caption first', async () => {
    const { user, unmount, backend } = setup();
    await waitFor(() => expect(screen.getByTestId('score-panel')).toHaveAttribute('data-state', 'ready'));
    expect(screen.getByTestId('score-platform')).toHaveValue('tiktok');
    fireEvent.change(screen.getByTestId('score-caption'), { target: { value: 'word '.repeat(80).trim() } });
    await user.selectOptions(screen.getByTestId('score-platform'), 'x');
    expect(screen.getByTestId('score-caption-count')).toHaveTextContent('399 / 280');
    expect(screen.getByTestId('score-caption-count')).toHaveClass('is-over');
    await waitFor(() => expect(screen.getByTestId('score-blockers')).toBeInTheDocument());
    expect(screen.getByTestId('score-blocker')).toHaveTextContent('caption 399 characters, X allows 280');
    const first = screen.getAllByTestId('score-advice-item')[0]!;
    expect(first).toHaveAttribute('data-factor', 'caption_length');
    expect(first).toHaveTextContent('blocking');
    expect(factorRow('caption_length')).toHaveClass('is-blocking');

    unmount();
    renderWithBackend(<ScorePanel asset={backend.dumpAssets()[0]!} />, backend);
    expect(screen.getByTestId('score-platform')).toHaveValue('x');
  });

  it('shows an error with a retry', async () => {
    const backend = createMemoryBackend(base());
    backend.failNext('scoreAsset', 'invalid_media', 'No video stream.');
    const { user } = setup({}, backend);
    const error = await screen.findByTestId('score-error');
    expect(error).toHaveAttribute('data-code', 'invalid_media');
    expect(error).toHaveTextContent('This file can’t be measured: No video stream.');
    expect(screen.queryByTestId('score-factors')).toBeNull();
    await user.click(screen.getByTestId('score-retry'));
    await waitFor(() => expect(screen.getByTestId('score-panel')).toHaveAttribute('data-state', 'ready'));
    expect(screen.queryByTestId('score-error')).toBeNull();
  });

  it('shows progress while the first measurement runs; Cancel stops it, "Score again" measures again', async () => {
    const { user } = setup({ scoreStepMs: 40 });
    const bar = await screen.findByTestId('score-progress');
    expect(screen.getByTestId('score-panel')).toHaveAttribute('data-state', 'measuring');
    expect(screen.getByText('Measuring the video…')).toBeInTheDocument();
    await waitFor(() => expect(Number(bar.getAttribute('aria-valuenow'))).toBeGreaterThan(0));
    await user.click(screen.getByTestId('score-cancel'));
    const error = await screen.findByTestId('score-error');
    expect(error).toHaveAttribute('data-code', 'cancelled');
    expect(error).toHaveTextContent('Scoring was cancelled.');
    await user.click(screen.getByTestId('score-retry'));
    expect(await screen.findByTestId('score-progress')).toBeInTheDocument();
    await waitFor(() => expect(screen.getByTestId('score-panel')).toHaveAttribute('data-state', 'ready'), { timeout: 2000 });
  });

  it('keeps one measurement while the caption is typed during it', async () => {
    const backend = createMemoryBackend({ ...base(), scoreStepMs: 30 });
    let calls = 0;
    const scoreAsset = backend.scoreAsset.bind(backend);
    backend.scoreAsset = (jobId, request, onProgress) => {
      calls += 1;
      return scoreAsset(jobId, request, onProgress);
    };
    setup({}, backend);
    await screen.findByTestId('score-progress');
    fireEvent.change(screen.getByTestId('score-caption'), { target: { value: 'What 1 thing would you change?' } });
    await waitFor(() => expect(within(factorRow('caption_hook')).getByTestId('score-factor-value')).toHaveTextContent('4 signals'), { timeout: 2000 });
    expect(calls).toBe(2); // the measurement, then one cached read with the caption
  });
});
