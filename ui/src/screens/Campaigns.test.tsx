import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { createMemoryBackend } from '../backend/memory';
import { campaign, renderWithBackend } from '../test/render';
import { Campaigns } from './Campaigns';

const rows = () => screen.queryAllByTestId('campaign-row');
const names = () => rows().map((r) => within(r).getByText(/./, { selector: '.campaign-name' }).textContent);

function seed() {
  return createMemoryBackend({
    campaigns: [
      campaign({ id: 'a', name: 'Spring launch', goal: 'Followers', sponsored: true, budget: '1500.00', currency: 'EUR', starts_on: '2025-03-01', ends_on: '2025-04-30' }),
      campaign({ id: 'b', name: 'Podcast clips', notes: 'weekly SPRING recap' }),
      campaign({ id: 'c', name: 'Holiday recap', archived: true }),
    ],
  });
}

describe('Campaigns list', () => {
  it('lists active campaigns with their details', async () => {
    renderWithBackend(<Campaigns />, seed());
    await waitFor(() => expect(rows()).toHaveLength(2));
    const spring = rows().find((r) => r.dataset.campaignId === 'a');
    expect(spring).toBeDefined();
    const cells = within(spring!);
    expect(cells.getByText('Sponsored')).toBeInTheDocument();
    expect(cells.getByText(/1,500\.00/)).toBeInTheDocument();
    expect(cells.getByText('UTC')).toBeInTheDocument();
    expect(screen.queryByText('Holiday recap')).not.toBeInTheDocument();
  });

  it('filters by name, goal and notes, case-insensitively', async () => {
    const user = userEvent.setup();
    renderWithBackend(<Campaigns />, seed());
    await waitFor(() => expect(rows()).toHaveLength(2));
    const filter = screen.getByRole('searchbox', { name: 'Filter campaigns' });
    await user.type(filter, 'spring');
    expect(names().sort()).toEqual(['Podcast clips', 'Spring launch']);
    await user.clear(filter);
    await user.type(filter, 'followers');
    expect(names()).toEqual(['Spring launch']);
    await user.type(filter, 'zzz');
    expect(rows()).toHaveLength(0);
    expect(screen.getByRole('status')).toHaveTextContent('No campaigns match');
  });

  it('shows archived campaigns only when asked', async () => {
    const user = userEvent.setup();
    renderWithBackend(<Campaigns />, seed());
    await waitFor(() => expect(rows()).toHaveLength(2));
    await user.click(screen.getByRole('checkbox', { name: 'Show archived' }));
    await waitFor(() => expect(rows()).toHaveLength(3));
    const holiday = rows().find((r) => r.dataset.campaignId === 'c')!;
    expect(within(holiday).getByText('Archived')).toBeInTheDocument();
    expect(within(holiday).getByRole('button', { name: /Unarchive/ })).toBeInTheDocument();
  });

  it('archives a campaign, which then leaves the active list', async () => {
    const user = userEvent.setup();
    renderWithBackend(<Campaigns />, seed());
    await waitFor(() => expect(rows()).toHaveLength(2));
    await user.click(screen.getByRole('button', { name: 'Archive Podcast clips' }));
    await waitFor(() => expect(names()).toEqual(['Spring launch']));
  });

  it('deletes only after confirmation', async () => {
    const user = userEvent.setup();
    const backend = seed();
    renderWithBackend(<Campaigns />, backend);
    await waitFor(() => expect(rows()).toHaveLength(2));
    await user.click(screen.getByRole('button', { name: 'Delete Spring launch' }));
    const dialog = screen.getByRole('dialog', { name: 'Delete campaign?' });
    await user.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    expect(rows()).toHaveLength(2);
    await user.click(screen.getByRole('button', { name: 'Delete Spring launch' }));
    await user.click(screen.getByTestId('campaign-delete-confirm'));
    await waitFor(() => expect(names()).toEqual(['Podcast clips']));
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
    expect(backend.dump().find((c) => c.id === 'a')?.deleted).toBe(true);
  });

  it('shows an empty state', async () => {
    renderWithBackend(<Campaigns />, createMemoryBackend());
    expect(await screen.findByRole('heading', { name: 'No active campaigns' })).toBeInTheDocument();
  });

  it('shows a loading state, then a load error with retry', async () => {
    const user = userEvent.setup();
    const backend = createMemoryBackend({ campaigns: [campaign({ name: 'Back again' })] });
    backend.failNext('campaignList', 'database_busy', 'The database is busy.');
    renderWithBackend(<Campaigns />, backend);
    expect(screen.getByRole('status')).toHaveTextContent('Loading campaigns');
    expect(await screen.findByTestId('error-banner')).toHaveTextContent('The database is busy.');
    await user.click(screen.getByRole('button', { name: 'Retry' }));
    expect(await screen.findByText('Back again')).toBeInTheDocument();
  });

  it('opens the new-campaign form with "n", creates, and refreshes the list', async () => {
    const user = userEvent.setup();
    renderWithBackend(<Campaigns />, createMemoryBackend());
    await screen.findByRole('heading', { name: 'No active campaigns' });
    await user.keyboard('n');
    const dialog = screen.getByRole('dialog', { name: 'New campaign' });
    const name = within(dialog).getByLabelText(/^Name/);
    expect(name).toHaveValue(''); // the "n" was not typed into the field
    await user.type(name, 'Fresh');
    await user.click(within(dialog).getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(names()).toEqual(['Fresh']));
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
  });
});
