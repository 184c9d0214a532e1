/**
 * Compliance settings: words a post must never contain and how many links it may carry. The
 * composer checks every post against them (and sponsored campaigns for #ad / #sponsored); a
 * post that fails can only be scheduled with a reason, which the audit log keeps.
 */
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { toApiError, useBackend, type ComplianceSettings as Settings } from '../backend';
import { queryKeys, useCompliance } from '../queries';
import { ErrorBanner } from './ErrorBanner';
import { Field } from './Field';

export function ComplianceSettings() {
  const compliance = useCompliance();
  return (
    <section className="card" aria-labelledby="settings-compliance" data-testid="compliance-settings">
      <h2 id="settings-compliance">Compliance</h2>
      <p className="muted">
        Checked on every post before it is scheduled. Sponsored campaigns also need #ad or #sponsored (or the branded_content=true option).
      </p>
      {compliance.isPending ? (
        <p role="status">Loading…</p>
      ) : compliance.isError ? (
        <ErrorBanner message={toApiError(compliance.error).message} onRetry={() => void compliance.refetch()} />
      ) : (
        <ComplianceForm initial={compliance.data} />
      )}
    </section>
  );
}

function ComplianceForm({ initial }: { initial: Settings }) {
  const backend = useBackend();
  const queryClient = useQueryClient();
  const [terms, setTerms] = useState(initial.banned_terms.join('\n'));
  const [maxLinks, setMaxLinks] = useState(String(initial.max_links));
  const [error, setError] = useState<string | undefined>();
  const [saved, setSaved] = useState(false);
  const save = useMutation({
    mutationFn: (s: Settings) => backend.complianceSet(s),
    onSuccess: async (s) => {
      queryClient.setQueryData(queryKeys.compliance, s);
      await queryClient.invalidateQueries({ queryKey: queryKeys.postValidate });
      setTerms(s.banned_terms.join('\n'));
      setMaxLinks(String(s.max_links));
      setSaved(true);
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const n = Number(maxLinks);
    if (maxLinks.trim() === '' || !Number.isInteger(n) || n < 0 || n > 100) {
      setError('A whole number from 0 to 100.');
      return;
    }
    setError(undefined);
    save.mutate({ banned_terms: terms.split('\n'), max_links: n });
  };
  return (
    <form className="compliance-form" onSubmit={submit} data-testid="compliance-form">
      {save.isError && <ErrorBanner message={toApiError(save.error).message} />}
      <Field label="Banned terms" name="compliance-terms" hint="One per line; matched anywhere in captions, titles and comments, any case.">
        {({ id, describedBy }) => (
          <textarea id={id} rows={4} value={terms} aria-describedby={describedBy} data-testid="compliance-terms"
            onChange={(e) => { setTerms(e.target.value); setSaved(false); }} />
        )}
      </Field>
      <Field label="Links per post, at most" name="compliance-max-links" error={error}>
        {({ id, describedBy, invalid }) => (
          <input id={id} type="number" min={0} max={100} className="input-number" value={maxLinks} aria-describedby={describedBy} aria-invalid={invalid}
            data-testid="compliance-max-links" onChange={(e) => { setMaxLinks(e.target.value); setSaved(false); }} />
        )}
      </Field>
      <div className="compliance-actions">
        <button type="submit" className="btn btn-primary" disabled={save.isPending} data-testid="compliance-save">
          {save.isPending ? 'Saving…' : 'Save'}
        </button>
        <span className="muted" role="status" data-testid="compliance-status">
          {saved ? 'Saved.' : ''}
        </span>
      </div>
    </form>
  );
}
