/**
 * The composer's "Best times": for each chosen account its best weekday-hour slots in the
 * composer's time zone, from its own published posts or (without enough of them) the platform's
 * typical busy hours. A slot is a button: it schedules the post at that slot's next start.
 */
import { useId } from 'react';
import { toApiError, type AccountView, type BestTimesView } from '../backend';
import { slotDateTime, slotLabel, timesSource } from '../lib/learning';
import { formatInZone } from '../lib/zoned';
import { useBestTimes } from '../queries';

/** How many slots each account offers. */
const SHOWN = 4;

type Props = {
  /** The chosen accounts, in the order they were ticked. */
  accounts: AccountView[];
  timezone: string;
  /** The date and time now in the fields (the matching slot shows as chosen). */
  date: string;
  time: string;
  onPick: (at: { date: string; time: string }) => void;
};

export function BestTimes({ accounts, timezone, date, time, onPick }: Props) {
  const headingId = useId();
  const ids = accounts.map((a) => a.id);
  const query = useBestTimes(ids, timezone);
  const views = query.data ?? [];
  return (
    <section className="best-times" aria-labelledby={headingId} data-testid="best-times" aria-busy={query.isFetching}>
      <h4 id={headingId} className="best-times-title">
        Best times <span className="muted">in {timezone}</span>
      </h4>
      {ids.length === 0 ? (
        <p className="muted" data-testid="best-times-empty">
          Choose an account to see when its audience is most active.
        </p>
      ) : query.isError ? (
        <div className="banner banner-error" role="alert" data-testid="best-times-error" data-code={toApiError(query.error).code}>
          <span className="banner-message">Could not load the best times: {toApiError(query.error).message}</span>
          <span className="banner-actions">
            <button type="button" className="btn btn-small" onClick={() => void query.refetch()}>
              Retry
            </button>
          </span>
        </div>
      ) : query.isPending ? (
        <p className="muted" role="status" data-testid="best-times-loading">
          Finding the best times…
        </p>
      ) : (
        <ul className="best-times-list">
          {accounts.map((a) => {
            const view = views.find((v) => v.account_id === a.id);
            return view ? <AccountTimes key={a.id} account={a} view={view} timezone={timezone} date={date} time={time} onPick={onPick} /> : null;
          })}
        </ul>
      )}
    </section>
  );
}

type RowProps = { account: AccountView; view: BestTimesView; timezone: string; date: string; time: string; onPick: Props['onPick'] };

function AccountTimes({ account: a, view, timezone, date, time, onPick }: RowProps) {
  const source = timesSource(view);
  const slots = view.top.slice(0, SHOWN);
  return (
    <li className="best-times-account" data-testid="best-times-account" data-account-id={a.id}>
      <div className="best-times-who">
        <span>
          <strong>{a.platform_name}</strong> <span className="muted">{a.handle}</span>
        </span>
        <span className={`badge ${source.own ? 'badge-accent' : 'badge-neutral'}`} title={source.detail} data-testid="best-times-source"
          data-own={source.own}>
          {source.text}
        </span>
      </div>
      {slots.length === 0 ? (
        <p className="muted">No times to suggest yet.</p>
      ) : (
        <div className="best-times-slots" role="group" aria-label={`Best times for ${a.platform_name} ${a.handle}`}>
          {slots.map((s) => {
            const at = slotDateTime(s.next_at, timezone);
            const chosen = at !== null && at.date === date && at.time === time;
            const pct = Math.round(s.heat * 100);
            const next = formatInZone(Date.parse(s.next_at), timezone, { hour: undefined, minute: undefined });
            return (
              <button key={`${s.weekday}-${s.hour}`} type="button" className="best-slot" aria-pressed={chosen} disabled={at === null}
                onClick={() => at && onPick(at)} data-testid="best-time" data-next-at={s.next_at}
                title={`Next: ${next}${s.posts > 0 ? ` · ${s.posts} of your posts went out then` : ''}`}>
                <span className="best-slot-label">{slotLabel(s)}</span>
                <span className="best-slot-bar" aria-hidden="true">
                  <span className="best-slot-fill" style={{ width: `${pct}%` }} />
                </span>
                <span className="sr-only">, {pct}% of the week’s best, next on {next}</span>
              </button>
            );
          })}
        </div>
      )}
    </li>
  );
}
