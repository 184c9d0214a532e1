/** The campaigns table. Purely presentational: the screen owns data and actions. */
import type { Campaign } from '../backend';
import { formatDateRange, formatMoney } from '../lib/format';

type Props = {
  campaigns: Campaign[];
  onEdit: (c: Campaign) => void;
  onArchive: (c: Campaign) => void;
  onDelete: (c: Campaign) => void;
  /** Opens the campaign's revenue, costs, ROI and reports. */
  onMoney: (c: Campaign) => void;
  /** Disables a row's buttons while an action on it is running. */
  busyId?: string | null;
};

export function CampaignList({ campaigns, onEdit, onArchive, onDelete, onMoney, busyId }: Props) {
  return (
    <div className="table-wrap">
      <table className="table">
        <caption className="sr-only">Campaigns</caption>
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Dates</th>
            <th scope="col">Time zone</th>
            <th scope="col">Budget</th>
            <th scope="col">
              <span className="sr-only">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {campaigns.map((c) => (
            <tr key={c.id} data-testid="campaign-row" data-campaign-id={c.id} data-archived={c.archived} className={c.archived ? 'row-archived' : undefined}>
              <th scope="row" className="cell-name">
                <span className="campaign-name">{c.name}</span>
                <span className="badges">
                  {c.sponsored && <span className="badge badge-accent">Sponsored</span>}
                  {c.archived && <span className="badge badge-neutral">Archived</span>}
                </span>
                {c.goal && <span className="campaign-goal muted">{c.goal}</span>}
              </th>
              <td className="nowrap">{formatDateRange(c.starts_on, c.ends_on)}</td>
              <td className="nowrap">{c.timezone}</td>
              <td className="nowrap num">{c.budget ? formatMoney(c.budget, c.currency) : <span className="muted">—</span>}</td>
              <td className="cell-actions">
                <button type="button" className="btn btn-small" data-testid="campaign-money" onClick={() => onMoney(c)} aria-label={`Money and reports for ${c.name}`}>
                  Money
                </button>
                <button type="button" className="btn btn-small" data-testid="campaign-edit" onClick={() => onEdit(c)} disabled={busyId === c.id}
                  aria-label={`Edit ${c.name}`}>
                  Edit
                </button>
                <button type="button" className="btn btn-small" data-testid="campaign-archive" onClick={() => onArchive(c)} disabled={busyId === c.id}
                  aria-label={`${c.archived ? 'Unarchive' : 'Archive'} ${c.name}`}>
                  {c.archived ? 'Unarchive' : 'Archive'}
                </button>
                <button type="button" className="btn btn-small btn-danger-ghost" data-testid="campaign-delete" onClick={() => onDelete(c)} disabled={busyId === c.id}
                  aria-label={`Delete ${c.name}`}>
                  Delete
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** Case-insensitive match on name, goal and notes. */
export function filterCampaigns(campaigns: Campaign[], text: string): Campaign[] {
  const q = text.trim().toLocaleLowerCase();
  if (!q) return campaigns;
  return campaigns.filter((c) =>
    [c.name, c.goal, c.notes].some((s) => s !== null && s.toLocaleLowerCase().includes(q)),
  );
}
