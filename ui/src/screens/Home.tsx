import { toApiError } from '../backend';
import { ScreenHeader } from '../components/ScreenHeader';
import { useCampaignList } from '../queries';
import { hrefFor } from '../router';

export function Home() {
  const active = useCampaignList(false);
  const count = active.data?.length;
  return (
    <>
      <ScreenHeader title="Welcome to Viral Studio" subtitle="Plan campaigns, render cuts and publish — all on your own machine." />
      <section className="card stat-card" aria-labelledby="home-campaigns">
        <h2 id="home-campaigns" className="stat-label">
          Active campaigns
        </h2>
        <p className="stat-value" data-testid="home-active-count" aria-live="polite">
          {active.isPending ? '…' : active.isError ? '—' : count}
        </p>
        {active.isError && <p className="muted">Could not load campaigns: {toApiError(active.error).message}</p>}
        <a className="btn btn-primary" href={hrefFor('campaigns')}>
          Go to Campaigns
        </a>
      </section>
    </>
  );
}
