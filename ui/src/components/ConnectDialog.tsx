/**
 * "Connect <platform>": the guided setup (numbered steps, the redirect URI and scopes to register,
 * the registration page) and the sign-in form, then the wait for the browser.
 *
 * OAuth platforms open the system browser; the dialog shows the sign-in link (to copy when no
 * browser opened) and Cancel. Closing the dialog while it waits (Escape, Close) cancels the
 * sign-in, like Cancel does. Errors show at their field when it is clear which one (by code),
 * otherwise in a banner; the form keeps its values, except the secrets, which are cleared as soon
 * as the request is sent and never shown again.
 */
import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useLayoutEffect, useRef, useState, type FormEvent } from 'react';
import { toApiError, useBackend, type AccountView, type ApiError, type PlatformView } from '../backend';
import {
  BLUESKY_DEFAULT_SERVER,
  CONNECT_FIELD_ORDER,
  clientIdRequired,
  connectFailureTitle,
  connectKind,
  errorField,
  initialConnectValues,
  newConnectJobId,
  toConnectRequest,
  validateConnectForm,
  withoutSecrets,
  type ConnectFormErrors,
  type ConnectFormValues,
} from '../lib/connectForm';
import { queryKeys } from '../queries';
import { CopyField } from './CopyField';
import { Dialog } from './Dialog';
import { Field } from './Field';
import { Icon } from './Icon';

type Props = {
  platform: PlatformView;
  /** Reconnecting this account: its server and handle are filled in. */
  account?: AccountView;
  /** Whether the platform has an account already (then its app is remembered). */
  hasAccounts: boolean;
  onClose: () => void;
  onConnected: (account: AccountView) => void;
};

type Phase = 'form' | 'connecting';

export function ConnectDialog({ platform, account, hasAccounts, onClose, onConnected }: Props) {
  const backend = useBackend();
  const queryClient = useQueryClient();
  const [values, setValues] = useState<ConnectFormValues>(() => initialConnectValues(platform, account));
  const [errors, setErrors] = useState<ConnectFormErrors>({});
  const [checked, setChecked] = useState(false);
  const [failure, setFailure] = useState<ApiError | null>(null);
  const [cancelled, setCancelled] = useState(false);
  const [phase, setPhase] = useState<Phase>('form');
  const [browserUrl, setBrowserUrl] = useState<string | null>(null);
  const [cancelling, setCancelling] = useState(false);
  const job = useRef<string | null>(null);
  const mounted = useRef(true);
  const bodyRef = useRef<HTMLDivElement>(null);
  const onConnectedRef = useRef(onConnected);
  useLayoutEffect(() => {
    onConnectedRef.current = onConnected;
  });
  const kind = connectKind(platform);

  useEffect(() => {
    mounted.current = true;
    return () => {
      mounted.current = false;
    };
  }, []);

  // Each view puts focus on its main control; back on the form, on the field in error.
  const shownPhase = useRef(phase);
  useLayoutEffect(() => {
    if (shownPhase.current === phase) return;
    shownPhase.current = phase;
    const body = bodyRef.current;
    const first = CONNECT_FIELD_ORDER.find((f) => errors[f]);
    const target =
      (first && body?.querySelector<HTMLElement>(`[data-field="${first}"]`)) ||
      body?.querySelector<HTMLElement>('[data-autofocus]');
    target?.focus();
  }, [phase, errors]);

  /** Asks the backend to stop waiting; right after the start the job may not be registered yet. */
  const stop = (jobId: string) => {
    let tries = 0;
    const ask = () => {
      backend.jobCancel(jobId).then(
        (stopped) => {
          tries += 1;
          if (!stopped && job.current === jobId && tries < 20) setTimeout(ask, 250);
        },
        () => undefined,
      );
    };
    ask();
  };

  const cancel = () => {
    if (!job.current) return;
    setCancelling(true);
    stop(job.current);
  };

  // Escape, Close: a running sign-in is cancelled, then the dialog closes.
  const close = () => {
    if (job.current) stop(job.current);
    onClose();
  };

  const change = (next: ConnectFormValues) => {
    setValues(next);
    if (checked) setErrors(validateConnectForm(platform, next, hasAccounts));
    // An error from the backend stays until its field is edited.
    else setErrors((found) => Object.fromEntries(Object.entries(found).filter(([f]) => next[f as keyof ConnectFormValues] === values[f as keyof ConnectFormValues])));
  };

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (phase !== 'form') return;
    const found = validateConnectForm(platform, values, hasAccounts);
    setErrors(found);
    setChecked(true);
    const first = CONNECT_FIELD_ORDER.find((f) => found[f]);
    if (first) {
      bodyRef.current?.querySelector<HTMLElement>(`[data-field="${first}"]`)?.focus();
      return;
    }
    const request = toConnectRequest(platform, values);
    const sent = withoutSecrets(values);
    // The secrets leave the form's state with the request: a retry means typing them again.
    setValues(sent);
    setFailure(null);
    setCancelled(false);
    setBrowserUrl(null);
    setCancelling(false);
    setPhase('connecting');
    const jobId = newConnectJobId();
    job.current = jobId;
    backend
      .accountConnect(jobId, request, (p) => {
        if (job.current === jobId && mounted.current && p.stage === 'browser') setBrowserUrl(p.item);
      })
      .then(
        (connected) => {
          if (job.current === jobId) job.current = null;
          onConnectedRef.current(connected);
        },
        (err: unknown) => {
          if (job.current !== jobId) return;
          job.current = null;
          if (!mounted.current) return;
          const error = toApiError(err);
          setPhase('form');
          setCancelling(false);
          if (error.code === 'cancelled') {
            setCancelled(true);
            return;
          }
          const field = errorField(platform, sent, error.code);
          if (field) setErrors({ [field]: error.message });
          else setFailure(error);
          setChecked(false);
        },
      )
      .finally(() => void queryClient.invalidateQueries({ queryKey: queryKeys.accounts }));
  };

  const title = account ? `Reconnect ${account.handle}` : `Connect ${platform.name}`;
  const description =
    kind === 'oauth'
      ? `${platform.name} signs in with your own developer app: register it once, then sign in through your browser.`
      : kind === 'mastodon'
        ? 'Sign in on your Mastodon server through your browser, or paste an access token.'
        : 'Bluesky signs in with an app password, never your main password.';

  return (
    <Dialog title={title} description={description} onClose={close} testId="connect-dialog" size="wide">
      <div ref={bodyRef} data-platform={platform.id}>
        {phase === 'form' ? (
          <ConnectForm platform={platform} values={values} errors={errors} failure={failure} cancelled={cancelled}
            clientIdOptional={!clientIdRequired(platform, hasAccounts)} onChange={change} onSubmit={submit} onCancel={close}
            onDismissFailure={() => setFailure(null)} />
        ) : (
          <Waiting platform={platform} browserUrl={browserUrl} cancelling={cancelling} onCancel={cancel} />
        )}
      </div>
    </Dialog>
  );
}

type FormProps = {
  platform: PlatformView;
  values: ConnectFormValues;
  errors: ConnectFormErrors;
  failure: ApiError | null;
  cancelled: boolean;
  clientIdOptional: boolean;
  onChange: (v: ConnectFormValues) => void;
  onSubmit: (e: FormEvent) => void;
  onCancel: () => void;
  onDismissFailure: () => void;
};

function ConnectForm({ platform: p, values, errors, failure, cancelled, clientIdOptional, onChange, onSubmit, onCancel, onDismissFailure }: FormProps) {
  const kind = connectKind(p);
  const set = <K extends keyof ConnectFormValues>(key: K, value: ConnectFormValues[K]) => onChange({ ...values, [key]: value });
  const input = (key: 'clientId' | 'clientSecret' | 'instance' | 'accessToken' | 'handle' | 'appPassword') => (e: { target: { value: string } }) =>
    set(key, e.target.value);

  return (
    <form className="form connect-form" onSubmit={onSubmit} noValidate data-testid="connect-form">
      {failure && (
        <div className="banner banner-error connect-error" role="alert" data-testid="connect-error" data-code={failure.code}>
          <span className="banner-message">
            <strong>{connectFailureTitle(failure.code)}</strong> {failure.message}
          </span>
          <span className="banner-actions">
            <button type="button" className="btn btn-small btn-ghost" onClick={onDismissFailure}>
              Dismiss
            </button>
          </span>
        </div>
      )}
      {cancelled && (
        <p className="banner banner-info" role="status" data-testid="connect-cancelled">
          Sign-in cancelled. Nothing was connected.
        </p>
      )}

      <div className="connect-layout">
        <section className="connect-guide" aria-label="Setup">
          <ol className="connect-steps" data-testid="connect-steps">
            {p.setup.map((s) => (
              <li key={s} data-testid="connect-step">
                {s}
              </li>
            ))}
          </ol>
          {kind !== 'mastodon' && (
            <CopyField label={kind === 'oauth' ? 'Register your app at' : 'Create an app password at'} value={p.register_url}
              testId="connect-register-url" copyLabel="Copy link" hint="Open it in your browser." />
          )}
          {kind === 'oauth' && p.redirect_uri && (
            <CopyField label="Redirect URI" value={p.redirect_uri} testId="connect-redirect-uri"
              hint={
                p.any_port ? (
                  <span data-testid="connect-any-port">Any port works: {p.name} accepts every port on 127.0.0.1, and the app picks a free one each time.</span>
                ) : (
                  'Register it exactly, port included.'
                )
              } />
          )}
          {kind === 'oauth' && p.scopes.length > 0 && (
            <div className="connect-scopes">
              <span className="field-label" id="connect-scopes-label">
                Scopes to request
              </span>
              <ul aria-labelledby="connect-scopes-label" data-testid="connect-scopes">
                {p.scopes.map((s) => (
                  <li key={s}>
                    <code data-testid="connect-scope">{s}</code>
                  </li>
                ))}
              </ul>
            </div>
          )}
          {p.needs_media_relay && (
            <p className="connect-relay muted" data-testid="connect-relay-note">
              <Icon name="warning" /> Needs a team server to publish ({p.name} fetches videos from a public link).
            </p>
          )}
        </section>

        <div className="connect-fields">
          {kind === 'oauth' && (
            <>
              <Field label="Client ID" name="connect-client-id" error={errors.clientId} required={!clientIdOptional}
                hint={clientIdOptional ? 'Leave empty to use the app you connected with before.' : 'Some platforms call it app ID or client key.'}>
                {({ id, describedBy, invalid }) => (
                  <input id={id} type="text" autoComplete="off" spellCheck={false} data-field="clientId" data-autofocus
                    data-testid="connect-client-id" value={values.clientId} onChange={input('clientId')} aria-invalid={invalid}
                    aria-describedby={describedBy} aria-required={!clientIdOptional} />
                )}
              </Field>
              {p.client_secret !== 'none' && (
                <Field label="Client secret" name="connect-client-secret" error={errors.clientSecret} required={p.client_secret === 'required'}
                  hint={p.client_secret === 'required' ? 'Stored in your system keychain, never shown again.' : 'Optional. Stored in your system keychain when given.'}>
                  {({ id, describedBy, invalid }) => (
                    <input id={id} type="password" autoComplete="off" spellCheck={false} data-field="clientSecret"
                      data-testid="connect-client-secret" value={values.clientSecret} onChange={input('clientSecret')}
                      aria-invalid={invalid} aria-describedby={describedBy} aria-required={p.client_secret === 'required'} />
                  )}
                </Field>
              )}
            </>
          )}

          {kind === 'mastodon' && (
            <>
              <Field label="Server" name="connect-instance" error={errors.instance} required hint="Where your account lives.">
                {({ id, describedBy, invalid }) => (
                  <input id={id} type="text" inputMode="url" autoComplete="url" spellCheck={false} placeholder="https://mastodon.social"
                    data-field="instance" data-autofocus data-testid="connect-instance" value={values.instance} onChange={input('instance')}
                    aria-invalid={invalid} aria-describedby={describedBy} aria-required />
                )}
              </Field>
              <label className="toggle">
                <input type="checkbox" checked={values.useToken} onChange={(e) => set('useToken', e.target.checked)} data-testid="connect-use-token" />
                I already have an access token
              </label>
              {values.useToken && (
                <Field label="Access token" name="connect-access-token" error={errors.accessToken} required
                  hint="From Preferences → Development → your application. Stored in your system keychain.">
                  {({ id, describedBy, invalid }) => (
                    <input id={id} type="password" autoComplete="off" spellCheck={false} data-field="accessToken"
                      data-testid="connect-access-token" value={values.accessToken} onChange={input('accessToken')}
                      aria-invalid={invalid} aria-describedby={describedBy} aria-required />
                  )}
                </Field>
              )}
            </>
          )}

          {kind === 'app_password' && (
            <>
              <Field label="Handle" name="connect-handle" error={errors.handle} required>
                {({ id, describedBy, invalid }) => (
                  <input id={id} type="text" autoComplete="username" spellCheck={false} placeholder="you.bsky.social" data-field="handle"
                    data-autofocus data-testid="connect-handle" value={values.handle} onChange={input('handle')} aria-invalid={invalid}
                    aria-describedby={describedBy} aria-required />
                )}
              </Field>
              <Field label="App password" name="connect-app-password" error={errors.appPassword} required
                hint="Not your main password. Stored in your system keychain.">
                {({ id, describedBy, invalid }) => (
                  <input id={id} type="password" autoComplete="off" spellCheck={false} placeholder="xxxx-xxxx-xxxx-xxxx" data-field="appPassword"
                    data-testid="connect-app-password" value={values.appPassword} onChange={input('appPassword')} aria-invalid={invalid}
                    aria-describedby={describedBy} aria-required />
                )}
              </Field>
              <Field label="Server (PDS)" name="connect-instance" error={errors.instance} hint="Optional; only for a self-hosted PDS.">
                {({ id, describedBy, invalid }) => (
                  <input id={id} type="text" inputMode="url" autoComplete="url" spellCheck={false} placeholder={BLUESKY_DEFAULT_SERVER}
                    data-field="instance" data-testid="connect-instance" value={values.instance} onChange={input('instance')}
                    aria-invalid={invalid} aria-describedby={describedBy} />
                )}
              </Field>
            </>
          )}
        </div>
      </div>

      <footer className="dialog-footer">
        <button type="button" className="btn btn-ghost" onClick={onCancel} data-testid="connect-close-form">
          Cancel
        </button>
        <button type="submit" className="btn btn-primary" data-testid="connect-submit">
          {kind === 'app_password' || values.useToken ? 'Connect' : 'Sign in with browser'}
        </button>
      </footer>
    </form>
  );
}

type WaitingProps = { platform: PlatformView; browserUrl: string | null; cancelling: boolean; onCancel: () => void };

function Waiting({ platform, browserUrl, cancelling, onCancel }: WaitingProps) {
  const stage = cancelling ? 'cancelling' : browserUrl ? 'browser' : 'signing-in';
  const headline = cancelling
    ? 'Cancelling…'
    : browserUrl
      ? 'Waiting for you to finish in the browser…'
      : connectKind(platform) === 'oauth' || connectKind(platform) === 'mastodon'
        ? 'Opening the sign-in page…'
        : `Signing in to ${platform.name}…`;
  return (
    <div data-testid="connect-waiting" data-stage={stage}>
      <div className="connect-waiting">
        <p className="connect-waiting-title" aria-live="polite" data-testid="connect-waiting-title">
          {headline}
        </p>
        <div className="progress is-indeterminate" role="progressbar" aria-label="Sign-in progress" aria-valuetext={headline}
          data-testid="connect-progress">
          <div className="progress-fill" />
        </div>
        {browserUrl && (
          <>
            <p className="muted">
              Sign in to {platform.name} and allow Viral Studio in the browser window that opened; the app waits up to 5 minutes.
              No browser opened? Copy the link into one.
            </p>
            <CopyField label="Sign-in link" value={browserUrl} testId="connect-signin-url" copyLabel="Copy link" />
          </>
        )}
      </div>
      <footer className="dialog-footer">
        <button type="button" className="btn" onClick={onCancel} disabled={cancelling} data-autofocus data-testid="connect-cancel">
          {cancelling ? 'Cancelling…' : 'Cancel'}
        </button>
      </footer>
    </div>
  );
}
