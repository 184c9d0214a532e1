import { toApiError, useBackend } from '../backend';
import { ComplianceSettings } from '../components/ComplianceSettings';
import { DataExport } from '../components/DataExport';
import { ErrorBanner } from '../components/ErrorBanner';
import { RatesSettings } from '../components/RatesSettings';
import { ScreenHeader } from '../components/ScreenHeader';
import { useAppInfo } from '../queries';
import { useTheme, type ThemeChoice } from '../theme';

const THEMES: { value: ThemeChoice; label: string; hint: string }[] = [
  { value: 'system', label: 'System', hint: 'Follow the operating system' },
  { value: 'light', label: 'Light', hint: 'Always light' },
  { value: 'dark', label: 'Dark', hint: 'Always dark' },
];

export function Settings() {
  const [theme, setTheme] = useTheme();
  const info = useAppInfo();
  const backend = useBackend();
  return (
    <>
      <ScreenHeader title="Settings" />
      <section className="card" aria-labelledby="settings-appearance">
        <h2 id="settings-appearance">Appearance</h2>
        <fieldset className="plain-fieldset">
          <legend>Theme</legend>
          <div className="segmented">
          {THEMES.map((t) => (
            <label key={t.value} className="segment" title={t.hint}>
              <input type="radio" name="theme" value={t.value} checked={theme === t.value}
                onChange={() => setTheme(t.value)} data-testid={`theme-${t.value}`} />
              <span>{t.label}</span>
            </label>
          ))}
          </div>
        </fieldset>
      </section>
      <ComplianceSettings />
      <RatesSettings />
      <DataExport />
      <section className="card" aria-labelledby="settings-about">
        <h2 id="settings-about">About</h2>
        {info.isPending ? (
          <p role="status">Loading…</p>
        ) : info.isError ? (
          <ErrorBanner message={toApiError(info.error).message} onRetry={() => void info.refetch()} />
        ) : (
          <dl className="about" data-testid="about">
            <dt>Version</dt>
            <dd data-testid="about-version">
              {info.data.version}
              {backend.kind === 'memory' && <span className="badge badge-neutral">in-memory backend</span>}
            </dd>
            <dt>Data folder</dt>
            <dd className="path">{info.data.data_dir}</dd>
            <dt>Database</dt>
            <dd className="path">{info.data.database_path}</dd>
            <dt>Log folder</dt>
            <dd className="path">{info.data.log_dir}</dd>
            <dt>Default time zone</dt>
            <dd>{info.data.default_timezone}</dd>
          </dl>
        )}
      </section>
    </>
  );
}
