/**
 * The composer: one post to several accounts. A base caption, title and media; per account what
 * differs; live validation (debounced, 300 ms) with a preview per platform; the compliance
 * checks with a reason field to schedule anyway; and when it goes out. "Save draft" saves;
 * "Schedule" saves, then schedules. Errors show by code: a bad time at the time field,
 * compliance and input problems in a banner.
 */
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useMemo, useRef, useState, type FormEvent } from 'react';
import { toApiError, useBackend, type AccountView, type ApiError, type Asset, type Campaign, type PostInput, type PostView, type RenderRecord } from '../backend';
import {
  composerValuesFromPost,
  emptyTarget,
  initialComposerValues,
  toPostInput,
  toScheduleRequest,
  validateDraft,
  validateSchedule,
  type ComposerErrors,
  type ComposerValues,
} from '../lib/composerForm';
import { useDebounced } from '../lib/useDebounced';
import { invalidateScheduling, queryKeys, useAccounts, useAllRenders, useAppInfo, useAssetList, useCampaignList, useTimezones } from '../queries';
import { ComposerTargets } from './ComposerTargets';
import { Dialog } from './Dialog';
import { Field } from './Field';
import { Icon } from './Icon';
import { PostPreview } from './PostPreview';
import { ScheduleFields } from './ScheduleFields';

export const VALIDATE_DEBOUNCE_MS = 300;

type Action = 'draft' | 'schedule';
type Props = {
  /** Editing this post (a draft or a scheduled one); otherwise a new post. */
  post?: PostView;
  /** Media to start with (from an asset's detail). */
  media?: string;
  onClose: () => void;
  onDone: (post: PostView, action: Action) => void;
};

const ALL_ASSETS = { kind: null, campaign_id: null, search: null };

export function Composer({ post, media, onClose, onDone }: Props) {
  const campaigns = useCampaignList(false);
  const accounts = useAccounts();
  const info = useAppInfo();
  const ready = campaigns.data && accounts.data && info.data;
  const failed = campaigns.error ?? accounts.error ?? info.error;
  return (
    <Dialog title={post ? 'Edit post' : 'New post'} onClose={onClose} size="wide" testId="composer"
      description="Write once, adjust per account, and see how it fits every platform before it goes out.">
      {ready ? (
        <ComposerForm post={post} media={media} campaigns={campaigns.data} accounts={accounts.data} defaultZone={info.data.default_timezone}
          onClose={onClose} onDone={onDone} />
      ) : failed ? (
        <div className="composer-message">
          <div className="banner banner-error" role="alert">
            {`Could not open the composer: ${toApiError(failed).message}`}
          </div>
          <footer className="dialog-footer">
            <button type="button" className="btn" onClick={onClose} data-autofocus>
              Close
            </button>
          </footer>
        </div>
      ) : (
        <p className="state-message" role="status">
          Loading…
        </p>
      )}
    </Dialog>
  );
}

type FormProps = Omit<Props, 'media'> & { media: string | undefined; campaigns: Campaign[]; accounts: AccountView[]; defaultZone: string };

function mediaLabel(a: Asset): string {
  return a.original_name;
}

function ComposerForm({ post, media, campaigns, accounts, defaultZone, onClose, onDone }: FormProps) {
  const backend = useBackend();
  const queryClient = useQueryClient();
  const assets = useAssetList(ALL_ASSETS);
  const renders = useAllRenders();
  const timezones = useTimezones();
  const zoneOf = (campaignId: string) => campaigns.find((c) => c.id === campaignId)?.timezone ?? defaultZone;
  const [values, setValues] = useState<ComposerValues>(() => {
    if (post) return composerValuesFromPost(post, zoneOf(post.campaign_id));
    const first = campaigns[0]?.id ?? '';
    return { ...initialComposerValues(first, zoneOf(first)), media: media ?? '' };
  });
  const [zoneTouched, setZoneTouched] = useState(post !== undefined);
  const [errors, setErrors] = useState<ComposerErrors>({});
  const [active, setActive] = useState<string | null>(null);
  const [saved, setSaved] = useState<PostView | null>(post ?? null);
  const [failure, setFailure] = useState<ApiError | null>(null);
  const captionRef = useRef<HTMLTextAreaElement>(null);
  // The dialog focused its first control before the form loaded: the caption gets it now.
  useEffect(() => captionRef.current?.focus(), []);

  const input = toPostInput(values);
  const inputKey = JSON.stringify(input);
  const settledKey = useDebounced(inputKey, VALIDATE_DEBOUNCE_MS);
  const settled = useMemo(() => JSON.parse(settledKey) as PostInput, [settledKey]);
  const validation = useQuery({
    queryKey: [...queryKeys.postValidate, settledKey],
    queryFn: () => backend.postValidate(settled),
    enabled: settled.targets.length > 0 && settled.campaign_id !== '',
    placeholderData: keepPreviousData,
  });
  const check = values.accounts.length > 0 ? validation.data : undefined;
  const checking = values.accounts.length > 0 && (settledKey !== inputKey || validation.isFetching);

  const change = (patch: Partial<ComposerValues>) => {
    setValues((v) => {
      const next = { ...v, ...patch };
      // A new post follows its campaign's zone until the zone is chosen by hand.
      if (patch.campaignId !== undefined && !zoneTouched) next.timezone = zoneOf(patch.campaignId);
      return next;
    });
    if (patch.timezone !== undefined) setZoneTouched(true);
    setErrors((e) => {
      const keys = Object.keys(patch);
      const left = { ...e };
      if (keys.includes('date')) delete left.date;
      if (keys.some((k) => ['time', 'date', 'timezone', 'when'].includes(k))) delete left.time;
      if (keys.includes('interval')) delete left.interval;
      if (keys.includes('until') || keys.includes('ends')) delete left.until;
      if (keys.includes('count') || keys.includes('ends')) delete left.count;
      if (keys.includes('accounts')) delete left.accounts;
      if (keys.includes('targets')) delete left.options;
      if (keys.includes('campaignId')) delete left.campaign;
      return left;
    });
  };

  const toggleAccount = (id: string, on: boolean) => {
    const accountsNext = on ? [...values.accounts.filter((a) => a !== id), id] : values.accounts.filter((a) => a !== id);
    change({ accounts: accountsNext, targets: { ...values.targets, [id]: values.targets[id] ?? emptyTarget() } });
    if (on) setActive(id);
  };

  const run = useMutation({
    mutationFn: async (action: Action): Promise<PostView> => {
      const body = toPostInput(values);
      let current = saved ? await backend.postUpdate(saved.id, body, saved.version) : await backend.postCreate(body);
      setSaved(current);
      if (action === 'schedule') current = await backend.postSchedule(toScheduleRequest(values, current));
      return current;
    },
    onSuccess: async (result, action) => {
      await invalidateScheduling(queryClient);
      onDone(result, action);
    },
    onError: async (err) => {
      const e = toApiError(err);
      await invalidateScheduling(queryClient);
      if (e.code === 'invalid_time' && values.when === 'at') {
        setErrors((x) => ({ ...x, time: e.message }));
        setFailure(null);
      } else {
        setFailure(e);
      }
    },
  });

  const complianceIssues = check?.compliance ?? [];
  const needsReason = complianceIssues.length > 0 && values.overrideReason.trim() === '';
  const blocked = check !== undefined && !checking ? (!check.valid ? 'problems' : needsReason ? 'compliance' : null) : null;

  const submit = (action: Action) => (e?: FormEvent) => {
    e?.preventDefault();
    if (run.isPending) return;
    const found = { ...validateDraft(values, accounts), ...(action === 'schedule' ? validateSchedule(values) : {}) };
    setErrors(found);
    setFailure(null);
    if (Object.keys(found).length > 0) return;
    if (action === 'schedule' && blocked) return;
    run.mutate(action);
  };

  const assetList = (assets.data ?? []).filter((a) => a.kind !== 'audio');
  const renderList = (renders.data ?? []).filter((r: RenderRecord) => r.state === 'done' && r.output_exists);
  const nameOf = (assetId: string) => assetList.find((a) => a.id === assetId)?.original_name ?? assetId;
  const mediaOptions = (
    <>
      {assetList.length > 0 && (
        <optgroup label="Library">
          {assetList.map((a) => (
            <option key={a.id} value={a.id}>
              {mediaLabel(a)}
            </option>
          ))}
        </optgroup>
      )}
      {renderList.length > 0 && (
        <optgroup label="Renders">
          {renderList.map((r) => (
            <option key={r.id} value={r.id}>
              {nameOf(r.asset_id)} · {r.preset} {r.width && r.height ? `${r.width}×${r.height}` : ''}
            </option>
          ))}
        </optgroup>
      )}
    </>
  );

  const failureText = failure
    ? failure.code === 'compliance_failed'
      ? failure.message
      : failure.code === 'invalid_input'
        ? `Check the post: ${failure.message}`
        : failure.code === 'invalid_time'
          ? `Pick another time: ${failure.message}`
          : failure.message
    : null;

  return (
    <form className="form composer-form" onSubmit={submit('schedule')} noValidate data-testid="composer-form">
      {failure && (
        <div className="banner banner-error" role="alert" data-testid="composer-error" data-code={failure.code}>
          <span className="banner-message">
            {failure.code === 'compliance_failed' && <strong>Compliance checks failed. </strong>}
            {failureText}
          </span>
          <span className="banner-actions">
            <button type="button" className="btn btn-small btn-ghost" onClick={() => setFailure(null)}>
              Dismiss
            </button>
          </span>
        </div>
      )}
      <div className="composer-layout">
        <div className="composer-main">
          <div className="form-grid composer-grid">
            <Field label="Campaign" name="composer-campaign" error={errors.campaign} required>
              {({ id, describedBy, invalid }) => (
                <select id={id} className="select render-select" value={values.campaignId} onChange={(e) => change({ campaignId: e.target.value })}
                  aria-describedby={describedBy} aria-invalid={invalid} data-testid="composer-campaign">
                  {campaigns.length === 0 && <option value="">No active campaign</option>}
                  {campaigns.map((c) => (
                    <option key={c.id} value={c.id}>
                      {c.name}
                      {c.sponsored ? ' (sponsored)' : ''}
                    </option>
                  ))}
                </select>
              )}
            </Field>
            <Field label="Media" name="composer-media" hint="A library file or one of its renders.">
              {({ id, describedBy }) => (
                <select id={id} className="select render-select" value={values.media} onChange={(e) => change({ media: e.target.value })}
                  aria-describedby={describedBy} data-testid="composer-media">
                  <option value="">No media (text only)</option>
                  {mediaOptions}
                </select>
              )}
            </Field>
            <Field label="Caption" name="composer-caption" className="span-2">
              {({ id }) => (
                <textarea id={id} rows={4} value={values.caption} onChange={(e) => change({ caption: e.target.value })} ref={captionRef}
                  placeholder="What the post says — hashtags and emoji included" data-testid="composer-caption" />
              )}
            </Field>
            <Field label="Title" name="composer-title" className="span-2" hint="Optional; YouTube and Pinterest show it.">
              {({ id, describedBy }) => (
                <input id={id} type="text" value={values.title} onChange={(e) => change({ title: e.target.value })} aria-describedby={describedBy}
                  data-testid="composer-title" />
              )}
            </Field>
          </div>
          <div className="composer-section">
            <ComposerTargets accounts={accounts} chosen={values.accounts} targets={values.targets} checks={check?.targets ?? []} active={active}
              error={errors.accounts} optionsError={errors.options} mediaOptions={mediaOptions} onToggle={toggleAccount} onActivate={setActive}
              onChange={(id, next) => change({ targets: { ...values.targets, [id]: next } })} />
          </div>
          <div className="composer-section">
            <ScheduleFields values={values} errors={errors} timezones={timezones.data ?? [values.timezone]} onChange={change}
              accounts={values.accounts.map((id) => accounts.find((a) => a.id === id)).filter((a): a is AccountView => a !== undefined)} />
          </div>
        </div>

        <aside className="composer-side" aria-label="Previews and checks" aria-busy={checking}>
          <h3 className="composer-side-title">
            Previews
            <span className="muted composer-checking" data-testid="composer-checking" aria-live="polite">
              {checking ? 'Checking…' : check ? (check.valid ? 'Fits every platform' : 'Some platforms need changes') : ''}
            </span>
          </h3>
          {values.accounts.length === 0 ? (
            <p className="muted" data-testid="preview-empty">
              Choose accounts to see how the post looks on each.
            </p>
          ) : validation.isError ? (
            <p className="field-error" role="alert">
              Could not check the post: {toApiError(validation.error).message}
            </p>
          ) : (
            <div className="preview-list" data-testid="previews">
              {(check?.targets ?? []).map((t) => (
                <PostPreview key={t.account_id} check={t} />
              ))}
            </div>
          )}
          {(complianceIssues.length > 0 || (saved?.compliance_override ?? null) !== null) && (
            <section className="compliance-box" aria-labelledby="composer-compliance" data-testid="compliance-issues">
              <h3 id="composer-compliance">
                <Icon name="warning" /> Compliance
              </h3>
              {complianceIssues.length > 0 ? (
                <ul>
                  {complianceIssues.map((c, i) => (
                    <li key={i} data-testid="compliance-issue" data-code={c.code}>
                      {c.message}
                      {c.account_id !== null && <span className="muted"> ({accounts.find((a) => a.id === c.account_id)?.handle ?? c.account_id})</span>}
                    </li>
                  ))}
                </ul>
              ) : (
                <p className="muted">No issues now.</p>
              )}
              <Field label="Override and schedule anyway — reason" name="composer-override-reason"
                hint="Recorded in the audit log with the post.">
                {({ id, describedBy }) => (
                  <textarea id={id} rows={2} value={values.overrideReason} aria-describedby={describedBy}
                    onChange={(e) => change({ overrideReason: e.target.value })} data-testid="composer-override-reason" />
                )}
              </Field>
            </section>
          )}
        </aside>
      </div>

      <footer className="dialog-footer composer-footer">
        {blocked && (
          <p className="composer-blocked footer-start" id="composer-blocked" data-testid="composer-blocked" data-reason={blocked} role="status">
            {blocked === 'problems' ? 'Fix the problems shown in the previews to schedule.' : 'Give a reason to schedule despite the compliance issues.'}
          </p>
        )}
        <button type="button" className="btn btn-ghost" onClick={onClose} data-testid="composer-cancel">
          Cancel
        </button>
        <button type="button" className="btn" onClick={submit('draft')} disabled={run.isPending} data-testid="composer-save">
          {run.isPending && run.variables === 'draft' ? 'Saving…' : saved?.state === 'scheduled' ? 'Save changes' : 'Save draft'}
        </button>
        <button type="submit" className="btn btn-primary" disabled={run.isPending || blocked !== null} aria-describedby={blocked ? 'composer-blocked' : undefined}
          data-testid="composer-schedule">
          {run.isPending && run.variables === 'schedule' ? 'Scheduling…' : values.when === 'now' ? 'Post now' : 'Schedule'}
        </button>
      </footer>
    </form>
  );
}
