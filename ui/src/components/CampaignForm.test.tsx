import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import type { Backend, Campaign } from '../backend';
import { createMemoryBackend } from '../backend/memory';
import { campaign, renderWithBackend } from '../test/render';
import { CampaignForm } from './CampaignForm';

function setup(backend: Backend = createMemoryBackend(), existing?: Campaign) {
  const onSaved = vi.fn();
  const onCancel = vi.fn();
  const user = userEvent.setup();
  renderWithBackend(<CampaignForm campaign={existing} onSaved={onSaved} onCancel={onCancel} />, backend);
  return { user, onSaved, onCancel, backend };
}

const save = () => screen.getByRole('button', { name: 'Save' });

describe('CampaignForm field errors', () => {
  it('shows invalid_name next to Name and marks it invalid', async () => {
    const { user, onSaved } = setup();
    await user.click(save());
    const error = await screen.findByTestId('error-name');
    expect(error).toHaveTextContent(/name/i);
    const name = screen.getByLabelText(/^Name/);
    expect(name).toHaveAttribute('aria-invalid', 'true');
    expect(name).toHaveAccessibleDescription(error.textContent ?? '');
    await waitFor(() => expect(name).toHaveFocus());
    expect(screen.queryByTestId('error-banner')).not.toBeInTheDocument();
    expect(onSaved).not.toHaveBeenCalled();
  });

  it('shows invalid_date_range next to End date', async () => {
    const { user } = setup();
    await user.type(screen.getByLabelText(/^Name/), 'Launch');
    await user.type(screen.getByLabelText('Start date'), '2025-05-10');
    await user.type(screen.getByLabelText('End date'), '2025-05-01');
    await user.click(save());
    expect(await screen.findByTestId('error-ends')).toBeInTheDocument();
    expect(screen.queryByTestId('error-name')).not.toBeInTheDocument();
  });

  // studio-core asks for the currency before it reads the amount, so the bad amount comes with one.
  it.each([
    ['budget', '12abc', 'EUR', 'error-budget'],
    ['currency', '100', '', 'error-currency'],
  ])('routes the %s error to its field', async (_f, budget, currency, testId) => {
    const { user } = setup();
    await user.type(screen.getByLabelText(/^Name/), 'Launch');
    await user.type(screen.getByLabelText('Budget'), budget);
    if (currency) await user.type(screen.getByLabelText('Currency'), currency);
    await user.click(save());
    expect(await screen.findByTestId(testId)).toBeInTheDocument();
  });

  it('routes invalid_timezone to Time zone and clears it on edit', async () => {
    const { user } = setup();
    await user.type(screen.getByLabelText(/^Name/), 'Launch');
    const tz = screen.getByLabelText('Time zone');
    await waitFor(() => expect(tz).toHaveValue('UTC')); // the default arrives from appInfo
    await user.clear(tz);
    await user.type(tz, 'Mars/Base');
    await user.click(save());
    expect(await screen.findByTestId('error-timezone')).toBeInTheDocument();
    await user.type(tz, 'x');
    expect(screen.queryByTestId('error-timezone')).not.toBeInTheDocument();
  });

  it('shows non-field errors (conflict) in the banner', async () => {
    const b = createMemoryBackend({ campaigns: [campaign({ id: 'c1', name: 'Old', version: 3 })] });
    const stale = campaign({ id: 'c1', name: 'Old', version: 2 });
    const { user } = setup(b, stale);
    await user.type(screen.getByLabelText(/^Name/), ' name');
    await user.click(save());
    expect(await screen.findByTestId('error-banner')).toHaveTextContent(/changed elsewhere/);
    expect(screen.queryByTestId('error-name')).not.toBeInTheDocument();
  });
});

describe('CampaignForm saving', () => {
  it('shows a pending state until the backend answers, then reports the saved campaign', async () => {
    const memory = createMemoryBackend();
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const backend: Backend = { ...memory, campaignCreate: async (i) => { await gate; return memory.campaignCreate(i); } };
    const { user, onSaved } = setup(backend);
    await user.type(screen.getByLabelText(/^Name/), 'Launch');
    await user.click(save());
    const pending = await screen.findByRole('button', { name: 'Saving…' });
    expect(pending).toBeDisabled();
    expect(screen.getByLabelText(/^Name/)).toBeDisabled();
    expect(onSaved).not.toHaveBeenCalled();
    release();
    await waitFor(() => expect(onSaved).toHaveBeenCalledTimes(1));
    expect(onSaved.mock.calls[0]?.[0]).toMatchObject({ name: 'Launch', timezone: 'UTC' });
    expect(await memory.campaignList(false)).toHaveLength(1);
  });

  it('edits send only changed fields with the loaded version', async () => {
    const existing = campaign({ id: 'c9', name: 'Before', goal: 'Keep me', version: 4 });
    const memory = createMemoryBackend({ campaigns: [existing] });
    const update = vi.spyOn(memory, 'campaignUpdate');
    const { user, onSaved } = setup(memory, existing);
    const name = screen.getByLabelText(/^Name/);
    expect(name).toHaveValue('Before');
    await user.clear(name);
    await user.type(name, 'After');
    await user.click(save());
    await waitFor(() => expect(onSaved).toHaveBeenCalled());
    expect(update).toHaveBeenCalledWith('c9', expect.objectContaining({ name: 'After', goal: null, expected_version: 4 }));
  });
});
