/**
 * An account's weekly posting slots ("Mon, Wed, Fri at 18:00"), which "Next free slot" in the
 * composer fills: a row per time, a toggle per weekday, and the zone the times are in.
 */
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { toApiError, useBackend, type AccountView, type SlotView } from '../backend';
import { WEEKDAYS } from '../lib/posts';
import { queryKeys, useAppInfo, useSlots, useTimezones } from '../queries';
import { Dialog } from './Dialog';
import { ErrorBanner } from './ErrorBanner';
import { Field } from './Field';

type Props = { account: AccountView; onClose: () => void; onSaved: (count: number) => void };

export function SlotsDialog({ account, onClose, onSaved }: Props) {
  const slots = useSlots(account.id);
  const info = useAppInfo();
  return (
    <Dialog title={`Posting slots: ${account.handle}`} onClose={onClose} testId="slots-dialog"
      description={`When “Next free slot” may post to ${account.platform_name}. Each ticked box is a weekly slot.`}>
      {slots.data && info.data ? (
        <SlotsForm account={account} initial={slots.data} defaultZone={info.data.default_timezone} onClose={onClose} onSaved={onSaved} />
      ) : slots.isError ? (
        <div className="slots-body">
          <ErrorBanner message={`Could not load the slots: ${toApiError(slots.error).message}`} onRetry={() => void slots.refetch()} />
        </div>
      ) : (
        <p className="state-message" role="status">
          Loading…
        </p>
      )}
    </Dialog>
  );
}

const key = (weekday: number, time: string) => `${weekday} ${time}`;

function SlotsForm({ account, initial, defaultZone, onClose, onSaved }: Props & { initial: SlotView[]; defaultZone: string }) {
  const backend = useBackend();
  const queryClient = useQueryClient();
  const timezones = useTimezones();
  const [times, setTimes] = useState<string[]>(() => [...new Set(initial.map((s) => s.time))].sort());
  const [on, setOn] = useState<Set<string>>(() => new Set(initial.map((s) => key(s.weekday, s.time))));
  const [zone, setZone] = useState(initial[0]?.timezone ?? defaultZone);
  const [newTime, setNewTime] = useState('18:00');
  const [timeError, setTimeError] = useState<string | undefined>();

  const save = useMutation({
    mutationFn: () =>
      backend.slotsSet({
        account_id: account.id, timezone: zone,
        slots: times.flatMap((time) => WEEKDAYS.filter((d) => on.has(key(d.iso, time))).map((d) => ({ weekday: d.iso, time }))),
      }),
    onSuccess: (saved) => {
      queryClient.setQueryData(queryKeys.slots(account.id), saved);
      onSaved(saved.length);
    },
  });

  const addTime = () => {
    if (!/^\d{2}:\d{2}$/.test(newTime)) {
      setTimeError('Enter a time like 18:00.');
      return;
    }
    if (times.includes(newTime)) {
      setTimeError('That time is already there.');
      return;
    }
    setTimeError(undefined);
    setTimes([...times, newTime].sort());
    // A new time starts on weekdays, a common default the creator can change.
    setOn(new Set([...on, ...[1, 2, 3, 4, 5].map((d) => key(d, newTime))]));
  };

  const toggle = (k: string, value: boolean) => {
    const next = new Set(on);
    if (value) next.add(k);
    else next.delete(k);
    setOn(next);
  };

  const zones = (timezones.data ?? []).includes(zone) ? (timezones.data ?? []) : [zone, ...(timezones.data ?? [])];
  return (
    <form onSubmit={(e) => { e.preventDefault(); save.mutate(); }} data-testid="slots-form">
      {save.isError && <ErrorBanner message={toApiError(save.error).message} />}
      <div className="slots-body">
        {times.length === 0 ? (
          <p className="muted" data-testid="slots-empty">
            No slots yet. Add a time below.
          </p>
        ) : (
          <table className="slots-grid" data-testid="slots-grid">
            <thead>
              <tr>
                <th scope="col">Time</th>
                {WEEKDAYS.map((d) => (
                  <th key={d.iso} scope="col" abbr={d.long}>
                    {d.short}
                  </th>
                ))}
                <td />
              </tr>
            </thead>
            <tbody>
              {times.map((time) => (
                <tr key={time} data-testid="slots-row" data-time={time}>
                  <th scope="row">{time}</th>
                  {WEEKDAYS.map((d) => (
                    <td key={d.iso}>
                      <input type="checkbox" checked={on.has(key(d.iso, time))} aria-label={`${d.long} ${time}`}
                        onChange={(e) => toggle(key(d.iso, time), e.target.checked)} data-testid={`slot-${d.iso}-${time}`} />
                    </td>
                  ))}
                  <td>
                    <button type="button" className="btn btn-small btn-ghost" aria-label={`Remove ${time}`}
                      onClick={() => setTimes(times.filter((t) => t !== time))}>
                      Remove
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        <div className="slots-add">
          <Field label="Add a time" name="slots-time" error={timeError}>
            {({ id, describedBy, invalid }) => (
              <input id={id} type="time" value={newTime} onChange={(e) => setNewTime(e.target.value)} aria-describedby={describedBy}
                aria-invalid={invalid} data-testid="slots-time" />
            )}
          </Field>
          <button type="button" className="btn" onClick={addTime} data-testid="slots-add">
            Add
          </button>
        </div>
        <Field label="Time zone" name="slots-zone">
          {({ id }) => (
            <select id={id} className="select render-select" value={zone} onChange={(e) => setZone(e.target.value)} data-testid="slots-zone">
              {zones.map((z) => (
                <option key={z} value={z}>
                  {z}
                </option>
              ))}
            </select>
          )}
        </Field>
      </div>
      <footer className="dialog-footer">
        <button type="button" className="btn btn-ghost" onClick={onClose}>
          Cancel
        </button>
        <button type="submit" className="btn btn-primary" disabled={save.isPending} data-testid="slots-save">
          {save.isPending ? 'Saving…' : 'Save slots'}
        </button>
      </footer>
    </form>
  );
}
