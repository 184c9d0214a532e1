/**
 * The composer's accounts: a checklist of connected accounts, then one tab per chosen account
 * with what differs there (caption, title, hashtags, first comment, thread parts, privacy,
 * media, platform options). Arrow keys move between tabs, as the ARIA tabs pattern says.
 * A first comment and thread parts are posted as replies where the platform can (`replies`),
 * each part counted in the platform's own unit; elsewhere a note says they cannot be.
 */
import { useId, useRef, type KeyboardEvent, type ReactNode } from 'react';
import type { AccountView, PlatformView, TargetCheck } from '../backend';
import { captionLength, unitLabel } from '../lib/captionCount';
import { PRIVACY_CHOICES, THREAD_SEPARATOR, emptyTarget, parseThreadParts, type TargetForm } from '../lib/composerForm';
import { useAccountPlatforms } from '../queries';
import { Field } from './Field';

type Props = {
  accounts: AccountView[];
  chosen: string[];
  targets: Record<string, TargetForm>;
  checks: TargetCheck[];
  active: string | null;
  error: string | undefined;
  optionsError: string | undefined;
  mediaOptions: ReactNode;
  onToggle: (id: string, on: boolean) => void;
  onActivate: (id: string) => void;
  onChange: (id: string, next: TargetForm) => void;
};

export function ComposerTargets(p: Props) {
  const legendId = useId();
  const tabsRef = useRef<HTMLDivElement>(null);
  const chosen = p.chosen.map((id) => p.accounts.find((a) => a.id === id)).filter((a): a is AccountView => a !== undefined);
  const active = chosen.find((a) => a.id === p.active) ?? chosen[0];

  const onTabKey = (e: KeyboardEvent) => {
    const i = chosen.findIndex((a) => a.id === active?.id);
    const next = e.key === 'ArrowRight' ? i + 1 : e.key === 'ArrowLeft' ? i - 1 : e.key === 'Home' ? 0 : e.key === 'End' ? chosen.length - 1 : null;
    if (next === null) return;
    e.preventDefault();
    const target = chosen[(next + chosen.length) % chosen.length];
    if (!target) return;
    p.onActivate(target.id);
    tabsRef.current?.querySelector<HTMLElement>(`[data-tab="${target.id}"]`)?.focus();
  };

  return (
    <>
      <fieldset className="plain-fieldset composer-accounts" aria-describedby={p.error ? `${legendId}-error` : undefined}>
        <legend id={legendId}>Post to</legend>
        {p.accounts.length === 0 ? (
          <p className="muted" data-testid="composer-no-accounts">
            No accounts connected. Connect one on the <a href="#/accounts">Accounts</a> screen first.
          </p>
        ) : (
          <ul className="composer-account-list">
            {p.accounts.map((a) => (
              <li key={a.id}>
                <label className="toggle">
                  <input type="checkbox" checked={p.chosen.includes(a.id)} onChange={(e) => p.onToggle(a.id, e.target.checked)}
                    data-testid="composer-account" data-account-id={a.id} />
                  <span>
                    <strong>{a.platform_name}</strong> {a.handle}
                    {a.status === 'needs_reconnect' && <span className="badge badge-danger">Needs reconnect</span>}
                  </span>
                </label>
              </li>
            ))}
          </ul>
        )}
        {p.error && (
          <p id={`${legendId}-error`} className="field-error" data-testid="error-composer-accounts">
            {p.error}
          </p>
        )}
      </fieldset>

      {active && (
        <section className="composer-overrides" aria-label="Per-account changes">
          <div className="tabs" role="tablist" aria-label="Accounts" ref={tabsRef} onKeyDown={onTabKey}>
            {chosen.map((a) => {
              const problems = p.checks.find((c) => c.account_id === a.id)?.problems.length ?? 0;
              const selected = a.id === active.id;
              return (
                <button key={a.id} type="button" role="tab" id={`tab-${a.id}`} aria-selected={selected} aria-controls={`panel-${a.id}`}
                  tabIndex={selected ? 0 : -1} className="tab" data-tab={a.id} data-testid="composer-tab" onClick={() => p.onActivate(a.id)}>
                  {a.platform_name} <span className="muted">{a.handle}</span>
                  {problems > 0 && (
                    <span className="badge badge-danger" aria-label={`${problems} problems`}>
                      {problems}
                    </span>
                  )}
                </button>
              );
            })}
          </div>
          <TargetPanel key={active.id} account={active} form={p.targets[active.id] ?? emptyTarget()} optionsError={p.optionsError}
            mediaOptions={p.mediaOptions} onChange={(next) => p.onChange(active.id, next)} />
        </section>
      )}
    </>
  );
}

type PanelProps = { account: AccountView; form: TargetForm; optionsError: string | undefined; mediaOptions: ReactNode; onChange: (f: TargetForm) => void };

function TargetPanel({ account: a, form, optionsError, mediaOptions, onChange }: PanelProps) {
  const set = <K extends keyof TargetForm>(key: K, value: TargetForm[K]) => onChange({ ...form, [key]: value });
  const platforms = useAccountPlatforms();
  const platform = platforms.data?.find((p) => p.id === a.platform);
  const replies = platform?.replies;
  return (
    <div role="tabpanel" id={`panel-${a.id}`} aria-labelledby={`tab-${a.id}`} className="composer-panel" data-testid="composer-panel"
      data-account-id={a.id}>
      <p className="muted composer-panel-hint">Leave a field empty to use the post’s own for {a.platform_name}.</p>
      <Field label={`Caption on ${a.platform_name}`} name="override-caption" className="span-2">
        {({ id }) => (
          <textarea id={id} rows={3} value={form.caption} placeholder="Same as the post’s caption" onChange={(e) => set('caption', e.target.value)}
            data-testid="override-caption" />
        )}
      </Field>
      <Field label="Title" name="override-title">
        {({ id }) => <input id={id} type="text" value={form.title} placeholder="Same as the post’s" onChange={(e) => set('title', e.target.value)} data-testid="override-title" />}
      </Field>
      <Field label="Extra hashtags" name="override-hashtags" hint="Added at the end of the caption.">
        {({ id, describedBy }) => (
          <input id={id} type="text" value={form.hashtags} placeholder="#launch #behindthescenes" aria-describedby={describedBy}
            onChange={(e) => set('hashtags', e.target.value)} data-testid="override-hashtags" />
        )}
      </Field>
      <Field label="Media" name="override-media">
        {({ id }) => (
          <select id={id} className="select render-select" value={form.media} onChange={(e) => set('media', e.target.value)} data-testid="override-media">
            <option value="">Same as the post</option>
            {mediaOptions}
          </select>
        )}
      </Field>
      <Field label="Privacy" name="override-privacy">
        {({ id }) => (
          <select id={id} className="select render-select" value={form.privacy} onChange={(e) => set('privacy', e.target.value)} data-testid="override-privacy">
            <option value="">The platform’s default</option>
            {PRIVACY_CHOICES.map((c) => (
              <option key={c} value={c}>
                {c.charAt(0).toUpperCase() + c.slice(1)}
              </option>
            ))}
          </select>
        )}
      </Field>
      {replies === false && (
        <p className="replies-note span-2" data-testid="replies-unsupported">
          {a.platform_name} can’t post these through its API: a first comment or thread parts have to be added by hand after publishing.
        </p>
      )}
      <Field label="First comment" name="override-first-comment" className="span-2"
        hint={replies ? <>Posted as a reply after the post. {platform && form.firstComment.trim() !== '' && <Count platform={platform} text={form.firstComment.trim()} testId="first-comment-count" />}</> : undefined}>
        {({ id, describedBy }) => (
          <textarea id={id} rows={2} value={form.firstComment} placeholder="Posted as the first reply (links work well here)" aria-describedby={describedBy}
            onChange={(e) => set('firstComment', e.target.value)} data-testid="override-first-comment" />
        )}
      </Field>
      <Field label="Thread parts" name="override-thread" className="span-2"
        hint={`${replies ? 'Posted as replies after the post, in order' : 'Replies after the post'}; separate parts with a line “${THREAD_SEPARATOR}”.`}>
        {({ id, describedBy }) => (
          <>
            <textarea id={id} rows={3} value={form.threadParts} aria-describedby={describedBy} onChange={(e) => set('threadParts', e.target.value)}
              data-testid="override-thread" />
            {replies && platform && <PartCounts platform={platform} text={form.threadParts} />}
          </>
        )}
      </Field>
      <Field label="Platform options" name="composer-options" className="span-2" error={optionsError}
        hint="key=value, one per line: branded_content=true, board_id=…, alt_text=…">
        {({ id, describedBy, invalid }) => (
          <textarea id={id} rows={2} value={form.options} spellCheck={false} aria-describedby={describedBy} aria-invalid={invalid}
            className="mono" onChange={(e) => set('options', e.target.value)} data-testid="override-options" />
        )}
      </Field>
    </div>
  );
}

function Count({ platform, text, testId }: { platform: PlatformView; text: string; testId: string }) {
  const n = captionLength(platform, text);
  const max = platform.limits.caption_max;
  return (
    <span className={`reply-count ${n > max ? 'is-over' : ''}`} data-testid={testId} data-over={n > max}>
      {n.toLocaleString('en-US')} / {max.toLocaleString('en-US')} {unitLabel(platform.limits.caption_unit)}
    </span>
  );
}

/** Each thread part's length as the platform counts it; the post itself is part 1. */
function PartCounts({ platform, text }: { platform: PlatformView; text: string }) {
  const parts = parseThreadParts(text);
  if (parts.length === 0) return null;
  return (
    <ol className="reply-counts" aria-label="Thread part lengths" data-testid="thread-counts" aria-live="polite">
      {parts.map((part, i) => (
        <li key={i} data-testid="thread-part-count">
          Part {i + 2}: <Count platform={platform} text={part} testId="thread-part-length" />
        </li>
      ))}
    </ol>
  );
}
