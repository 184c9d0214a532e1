/**
 * When a post goes out: a date and time in a zone, now, or the next free slot; the chosen
 * accounts' best times (a click picks one); and how it repeats.
 */
import type { AccountView } from '../backend';
import type { ComposerErrors, ComposerValues, Ends, Repeat, When } from '../lib/composerForm';
import { WEEKDAYS } from '../lib/posts';
import { BestTimes } from './BestTimes';
import { Field } from './Field';

type Props = {
  values: ComposerValues;
  errors: ComposerErrors;
  timezones: string[];
  /** The accounts the post goes to (their best times are offered). */
  accounts: AccountView[];
  onChange: (patch: Partial<ComposerValues>) => void;
};

const WHEN: { value: When; label: string }[] = [
  { value: 'at', label: 'At a time' },
  { value: 'now', label: 'Post now' },
  { value: 'slot', label: 'Next free slot' },
];

export function ScheduleFields({ values: v, errors, timezones, accounts, onChange }: Props) {
  const zones = timezones.includes(v.timezone) ? timezones : [v.timezone, ...timezones];
  return (
    <section className="composer-schedule" aria-label="Schedule">
      <fieldset className="plain-fieldset">
        <legend>When</legend>
        <div className="segmented">
          {WHEN.map((w) => (
            <label key={w.value} className="segment">
              <input type="radio" name="composer-when" value={w.value} checked={v.when === w.value} onChange={() => onChange({ when: w.value })}
                data-testid={`composer-when-${w.value}`} />
              <span>{w.label}</span>
            </label>
          ))}
        </div>
      </fieldset>
      <div className="composer-when-fields">
        {v.when === 'at' && (
          <>
            <Field label="Date" name="composer-date" error={errors.date}>
              {({ id, describedBy, invalid }) => (
                <input id={id} type="date" value={v.date} onChange={(e) => onChange({ date: e.target.value })} aria-describedby={describedBy}
                  aria-invalid={invalid} data-testid="composer-date" />
              )}
            </Field>
            <Field label="Time" name="composer-time" error={errors.time}>
              {({ id, describedBy, invalid }) => (
                <input id={id} type="time" value={v.time} onChange={(e) => onChange({ time: e.target.value })} aria-describedby={describedBy}
                  aria-invalid={invalid} data-testid="composer-time" data-field="time" />
              )}
            </Field>
          </>
        )}
        <Field label="Time zone" name="composer-timezone" hint={v.when === 'slot' ? 'Slots keep their own zone.' : undefined}>
          {({ id, describedBy }) => (
            <select id={id} className="select render-select" value={v.timezone} onChange={(e) => onChange({ timezone: e.target.value })}
              aria-describedby={describedBy} data-testid="composer-timezone">
              {zones.map((z) => (
                <option key={z} value={z}>
                  {z}
                </option>
              ))}
            </select>
          )}
        </Field>
        {v.when !== 'at' && errors.time && (
          <p className="field-error" data-testid="error-composer-time">
            {errors.time}
          </p>
        )}
      </div>
      {v.when !== 'now' && (
        <BestTimes accounts={accounts} timezone={v.timezone} date={v.when === 'at' ? v.date : ''} time={v.when === 'at' ? v.time : ''}
          onPick={(at) => onChange({ when: 'at', ...at })} />
      )}
      <div className="composer-repeat">
        <Field label="Repeat" name="composer-repeat">
          {({ id }) => (
            <select id={id} className="select render-select" value={v.repeat} onChange={(e) => onChange({ repeat: e.target.value as Repeat })}
              data-testid="composer-repeat">
              <option value="none">Does not repeat</option>
              <option value="daily">Daily</option>
              <option value="weekly">Weekly</option>
            </select>
          )}
        </Field>
        {v.repeat !== 'none' && (
          <>
            <Field label={v.repeat === 'daily' ? 'Every … days' : 'Every … weeks'} name="composer-interval" error={errors.interval}>
              {({ id, describedBy, invalid }) => (
                <input id={id} type="number" min={1} max={365} value={v.interval} onChange={(e) => onChange({ interval: e.target.value })}
                  aria-describedby={describedBy} aria-invalid={invalid} data-testid="composer-interval" className="input-number" />
              )}
            </Field>
            {v.repeat === 'weekly' && (
              <fieldset className="plain-fieldset span-2">
                <legend>On</legend>
                <div className="weekday-toggles">
                  {WEEKDAYS.map((d) => (
                    <label key={d.iso} className="weekday-toggle" title={d.long}>
                      <input type="checkbox" checked={v.weekdays.includes(d.iso)} aria-label={d.long} data-testid={`composer-weekday-${d.iso}`}
                        onChange={(e) => onChange({ weekdays: e.target.checked ? [...v.weekdays, d.iso] : v.weekdays.filter((x) => x !== d.iso) })} />
                      <span aria-hidden="true">{d.short}</span>
                    </label>
                  ))}
                </div>
                <p className="field-hint">None ticked: the first post’s weekday.</p>
              </fieldset>
            )}
            <fieldset className="plain-fieldset span-2">
              <legend>Ends</legend>
              <div className="composer-ends">
                {(['never', 'until', 'count'] as Ends[]).map((e) => (
                  <label key={e} className="toggle">
                    <input type="radio" name="composer-ends" checked={v.ends === e} onChange={() => onChange({ ends: e })} data-testid={`composer-ends-${e}`} />
                    {e === 'never' ? 'Never' : e === 'until' ? 'On' : 'After'}
                    {e === 'until' && (
                      <input type="date" value={v.until} aria-label="Last date" disabled={v.ends !== 'until'} aria-invalid={Boolean(errors.until)}
                        onChange={(ev) => onChange({ until: ev.target.value, ends: 'until' })} data-testid="composer-until" />
                    )}
                    {e === 'count' && (
                      <>
                        <input type="number" min={1} value={v.count} aria-label="Number of posts" disabled={v.ends !== 'count'}
                          aria-invalid={Boolean(errors.count)} className="input-number"
                          onChange={(ev) => onChange({ count: ev.target.value, ends: 'count' })} data-testid="composer-count" />
                        posts
                      </>
                    )}
                  </label>
                ))}
              </div>
              {(errors.until ?? errors.count) && (
                <p className="field-error" data-testid="error-composer-ends">
                  {errors.until ?? errors.count}
                </p>
              )}
            </fieldset>
          </>
        )}
      </div>
    </section>
  );
}
