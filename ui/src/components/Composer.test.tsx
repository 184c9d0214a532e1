import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { AccountView } from '../backend';
import { createMemoryBackend, type MemorySeed } from '../backend/memory';
import type { Fixture } from '../backend/memoryFixtures';
import answers from '../backend/fixtures/composer.json';
import scenario from '../backend/fixtures/seeds/composer.json';
import { asset, campaign, renderWithBackend } from '../test/render';
import { Composer } from './Composer';

const account = (id: string, platform: AccountView['platform'], platform_name: string): AccountView => ({
  id, platform, platform_name, instance_url: null, handle: `@${id}`, display_name: null, status: 'connected', auth_mode: 'oauth',
  token_expires_at: null, connected_at: '2025-01-01T00:00:00Z',
});

function open(seed: MemorySeed = {}) {
  const user = userEvent.setup();
  const backend = createMemoryBackend({
    // Newest first: "Launch" is the default campaign.
    campaigns: [campaign({ id: 'paid', name: 'Paid', sponsored: true, timezone: 'UTC' }), campaign({ id: 'c1', name: 'Launch', timezone: 'Europe/Berlin' })],
    accounts: [account('x1', 'x', 'X'), account('bs1', 'bluesky', 'Bluesky'), account('tt1', 'tiktok', 'TikTok')],
    assets: [asset({ id: 'v1', original_name: 'teaser.mp4' })],
    // The composer scenario (fixtures/seeds/composer.json): best times are studio-api's for its clock.
    history: scenario.history,
    answers: answers as Fixture,
    ...seed,
  });
  const onClose = vi.fn();
  const onDone = vi.fn();
  // Every platform needs a video or an image: the composer starts with one (as from an asset's detail).
  renderWithBackend(<Composer media="v1" onClose={onClose} onDone={onDone} />, backend);
  return { user, backend, onClose, onDone };
}

const card = (platform: string) => screen.getAllByTestId('preview-card').find((c) => c.dataset.platform === platform)!;
const tick = async (user: ReturnType<typeof userEvent.setup>, id: string) =>
  user.click(screen.getAllByTestId('composer-account').find((c) => c.dataset.accountId === id)!);

describe('Composer', () => {
  // A fixed "now" (only Date is faked: timers, debounce and queries run for real).
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.parse(scenario.now));
  });
  afterEach(() => vi.useRealTimers());

  it('checks the post live per platform and highlights what is over each limit', async () => {
    const { user } = open();
    await screen.findByTestId('composer-form');
    expect(screen.getByTestId('preview-empty')).toBeInTheDocument();
    fireEvent.change(screen.getByTestId('composer-caption'), { target: { value: `${'a'.repeat(270)} 0123456789 tail-end!` } });
    await tick(user, 'x1');
    await tick(user, 'bs1');
    await waitFor(() => expect(screen.getAllByTestId('preview-card')).toHaveLength(2));

    // 270 + 1 + 10 + 1 + 9 = 291: over X's 280, within Bluesky's 300.
    const x = card('x');
    expect(within(x).getByTestId('preview-count')).toHaveTextContent('291 / 280 weighted characters');
    expect(within(x).getByTestId('preview-count')).toHaveClass('is-over');
    expect(within(x).getByTestId('preview-overflow')).toHaveTextContent('Over the limit: 9 tail-end!');
    expect(within(x).getByTestId('preview-problem')).toHaveTextContent('caption is 291 weighted characters, X allows 280');
    expect(within(x).getByTestId('preview-status')).toHaveTextContent('1 problem');
    const bs = card('bluesky');
    expect(within(bs).getByTestId('preview-count')).toHaveTextContent('291 / 300 characters');
    expect(within(bs).queryByTestId('preview-overflow')).not.toBeInTheDocument();
    expect(within(bs).getByTestId('preview-status')).toHaveTextContent('Ready');

    expect(screen.getByTestId('composer-blocked')).toHaveAttribute('data-reason', 'problems');
    expect(screen.getByTestId('composer-schedule')).toBeDisabled();
    // The X tab says it has a problem.
    expect(screen.getAllByTestId('composer-tab').map((t) => t.textContent)).toEqual(['X @x11', 'Bluesky @bs1']);

    // A shorter caption on X only fixes it.
    await user.click(screen.getAllByTestId('composer-tab')[0]!);
    fireEvent.change(screen.getByTestId('override-caption'), { target: { value: 'Short for X' } });
    await user.type(screen.getByTestId('override-hashtags'), 'launch, #news');
    await waitFor(() => expect(within(card('x')).getByTestId('preview-caption')).toHaveTextContent('Short for X #launch #news'));
    expect(within(card('x')).getByTestId('preview-status')).toHaveTextContent('Ready');
    await waitFor(() => expect(screen.getByTestId('composer-schedule')).toBeEnabled());
  });

  it('draws the media against the platform frame with TikTok’s safe area', async () => {
    const { user } = open();
    await screen.findByRole('option', { name: 'teaser.mp4' });
    await user.selectOptions(screen.getByTestId('composer-media'), 'v1');
    expect(screen.getByTestId('composer-media')).toHaveValue('v1');
    await tick(user, 'tt1');
    await tick(user, 'x1');
    await waitFor(() => expect(screen.getAllByTestId('preview-card')).toHaveLength(2));
    const tiktok = card('tiktok');
    expect(within(tiktok).getByTestId('preview-media')).toHaveAttribute('data-aspect', '9:16');
    expect(within(tiktok).getByTestId('preview-safe-area')).toBeInTheDocument();
    expect(within(tiktok).getByRole('img')).toHaveAccessibleName(/bottom 20% and right 15%/);
    expect(within(card('x')).queryByTestId('preview-safe-area')).not.toBeInTheDocument();
  });

  it('blocks scheduling on compliance issues until a reason is given, then saves and schedules', async () => {
    const { user, backend, onDone } = open();
    const schedule = vi.spyOn(backend, 'postSchedule');
    await screen.findByTestId('composer-form');
    await user.selectOptions(screen.getByTestId('composer-campaign'), 'paid');
    await user.type(screen.getByTestId('composer-caption'), 'Our new launch');
    await tick(user, 'x1');
    const issue = await screen.findByTestId('compliance-issue');
    expect(issue).toHaveAttribute('data-code', 'disclosure_missing');
    expect(issue).toHaveTextContent('this campaign is sponsored: the X caption needs #ad or #sponsored');
    expect(screen.getByTestId('composer-blocked')).toHaveAttribute('data-reason', 'compliance');
    expect(screen.getByTestId('composer-schedule')).toBeDisabled();

    await user.type(screen.getByTestId('composer-override-reason'), 'Disclosed on screen');
    expect(screen.queryByTestId('composer-blocked')).not.toBeInTheDocument();
    // The campaign's zone is the default; the date and time too (an hour from now, on the hour).
    expect(screen.getByTestId('composer-timezone')).toHaveValue('UTC');
    fireEvent.change(screen.getByTestId('composer-date'), { target: { value: '2026-11-20' } });
    fireEvent.change(screen.getByTestId('composer-time'), { target: { value: '18:30' } });
    await user.click(screen.getByTestId('composer-schedule'));
    await waitFor(() => expect(onDone).toHaveBeenCalled());
    expect(schedule).toHaveBeenCalledWith(expect.objectContaining({
      at: '2026-11-20T18:30', timezone: 'UTC', now: false, next_slot: false, override_reason: 'Disclosed on screen', expected_version: 1,
    }));
    const [post, action] = onDone.mock.calls[0]!;
    expect(action).toBe('schedule');
    expect(post).toMatchObject({ state: 'scheduled', scheduled_at: '2026-11-20T18:30:00.000Z', compliance_override: 'Disclosed on screen' });
  });

  it('saves a draft; refuses a past time at the field; shows the backend’s invalid_time there too', async () => {
    const { user, backend, onDone } = open();
    await screen.findByTestId('composer-form');
    await user.click(screen.getByTestId('composer-save'));
    expect(screen.getByTestId('error-composer-accounts')).toHaveTextContent('Choose at least one account');
    await user.type(screen.getByTestId('composer-caption'), 'Hello');
    await tick(user, 'bs1');
    fireEvent.change(screen.getByTestId('composer-date'), { target: { value: '2026-11-17' } });
    await user.click(screen.getByTestId('composer-schedule'));
    expect(screen.getByTestId('error-composer-time')).toHaveTextContent('That time has passed');

    fireEvent.change(screen.getByTestId('composer-date'), { target: { value: '2026-11-19' } });
    backend.failNext('postSchedule', 'invalid_time', 'no such time in Europe/Berlin');
    await waitFor(() => expect(screen.getByTestId('composer-schedule')).toBeEnabled());
    await user.click(screen.getByTestId('composer-schedule'));
    expect(await screen.findByTestId('error-composer-time')).toHaveTextContent('no such time in Europe/Berlin');
    expect(onDone).not.toHaveBeenCalled();
    // The post was saved before scheduling failed; saving again updates it rather than adding one.
    await user.click(screen.getByTestId('composer-save'));
    await waitFor(() => expect(onDone).toHaveBeenCalledWith(expect.objectContaining({ state: 'draft', version: 2 }), 'draft'));
    expect(backend.dumpPosts()).toHaveLength(1);
  });

  it('explains compliance_failed and invalid_input from the backend in a banner', async () => {
    const { user, backend } = open();
    await screen.findByTestId('composer-form');
    await user.type(screen.getByTestId('composer-caption'), 'Hi');
    await tick(user, 'bs1');
    await waitFor(() => expect(screen.getByTestId('composer-schedule')).toBeEnabled());
    backend.failNext('postSchedule', 'compliance_failed', 'The post fails your compliance checks: banned term.');
    await user.click(screen.getByTestId('composer-schedule'));
    const banner = await screen.findByTestId('composer-error');
    expect(banner).toHaveAttribute('data-code', 'compliance_failed');
    expect(banner).toHaveTextContent('Compliance checks failed. The post fails your compliance checks: banned term.');
    backend.failNext('postUpdate', 'invalid_input', 'an account is chosen twice');
    await user.click(screen.getByTestId('composer-schedule'));
    await waitFor(() => expect(screen.getByTestId('composer-error')).toHaveAttribute('data-code', 'invalid_input'));
    expect(screen.getByTestId('composer-error')).toHaveTextContent('Check the post: an account is chosen twice');
  });

  it('sends the repeat rule and "next free slot"', async () => {
    const { user, backend } = open({ slots: [{ account_id: 'bs1', timezone: 'UTC', slots: [{ weekday: 5, time: '09:00' }] }] });
    const schedule = vi.spyOn(backend, 'postSchedule');
    await screen.findByTestId('composer-form');
    await user.type(screen.getByTestId('composer-caption'), 'Weekly');
    await tick(user, 'bs1');
    await user.click(screen.getByTestId('composer-when-slot'));
    await user.selectOptions(screen.getByTestId('composer-repeat'), 'weekly');
    await user.click(screen.getByTestId('composer-weekday-5'));
    await user.click(screen.getByTestId('composer-ends-count'));
    await user.type(screen.getByTestId('composer-count'), '4');
    await waitFor(() => expect(screen.getByTestId('composer-schedule')).toBeEnabled());
    await user.click(screen.getByTestId('composer-schedule'));
    await waitFor(() => expect(schedule).toHaveBeenCalled());
    expect(schedule.mock.calls[0]![0]).toMatchObject({
      at: null, next_slot: true, recurrence: { freq: 'weekly', interval: 1, weekdays: [5], until: null, count: 4 },
    });
    // Friday 2026-11-20 09:00 UTC is the next slot after Wednesday 10:00.
    await waitFor(() => expect(backend.dumpPosts()[0]?.scheduled_at).toBe('2026-11-20T09:00:00.000Z'));
  });
});
