import { ScreenHeader } from './ScreenHeader';

/** A screen whose feature has not landed yet: say so plainly. */
export function Placeholder({ title, what }: { title: string; what: string }) {
  return (
    <>
      <ScreenHeader title={title} />
      <section className="card placeholder" aria-label={`${title} status`}>
        <span className="badge badge-neutral">Not available yet</span>
        <p>{what}</p>
      </section>
    </>
  );
}
