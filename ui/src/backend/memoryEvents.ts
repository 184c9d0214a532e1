/**
 * The in-memory backend's `DataChanged` events, mirroring what the Rust commands announce
 * (src-tauri/src/commands/*.rs): after a change succeeds, its topics go to every listener.
 * Kept apart from the stores so the fake's data rules and its events change independently.
 */
import type { Topic } from './bindings';
import type { Backend } from './types';

type Method = Exclude<keyof Backend, 'kind' | 'fileUrl' | 'onFileDrop' | 'onDataChanged'>;

const SCHEDULING: Topic[] = ['posts', 'queue', 'scheduler', 'analytics'];
const MONEY: Topic[] = ['revenue', 'analytics'];
const ALL: Topic[] = ['campaigns', 'assets', 'renders', 'accounts', 'posts', 'queue', 'scheduler', 'notifications', 'analytics', 'revenue', 'settings'];

/** What each changing call announces; calls not listed only read. */
export const METHOD_TOPICS: Partial<Record<Method, Topic[]>> = {
  campaignCreate: ['campaigns'],
  campaignUpdate: ['campaigns', 'analytics'],
  campaignArchive: ['campaigns', 'analytics'],
  campaignDelete: ALL,
  assetImport: ['assets'],
  renderStart: ['renders'],
  renderDelete: ['renders'],
  accountConnect: ['accounts'],
  accountDisconnect: ['accounts', 'posts', 'queue', 'scheduler'],
  publishNow: ['accounts', ...SCHEDULING],
  postCreate: ['posts'],
  postUpdate: ['posts', 'queue'],
  postDelete: SCHEDULING,
  postSchedule: SCHEDULING,
  postUnschedule: SCHEDULING,
  targetRetry: SCHEDULING,
  targetCancel: SCHEDULING,
  targetMarkPosted: SCHEDULING,
  slotsSet: ['settings'],
  complianceSet: ['settings'],
  schedulerSetPaused: ['scheduler'],
  notificationsMarkRead: ['notifications'],
  revenueRatesSet: MONEY,
  revenueAdd: MONEY,
  revenueDelete: MONEY,
  revenueImport: MONEY,
};

/** Calls whose partial work stays when they fail (an import, a render, an upload), as in Rust. */
const EVEN_ON_FAILURE = new Set<Method>(['assetImport', 'renderStart', 'publishNow']);

export interface ChangeFeed {
  subscribe(listener: (topics: Topic[]) => void): () => void;
  /** Announces `topics`, as the Rust watcher does for changes made elsewhere (tests use it). */
  emit(topics: Topic[]): void;
  /** Announces what `method` changed, once it finished (`ok`: it succeeded). */
  after(method: Method, ok: boolean): void;
}

export function createChangeFeed(): ChangeFeed {
  const listeners = new Set<(topics: Topic[]) => void>();
  const emit = (topics: Topic[]) => {
    for (const l of [...listeners]) l([...topics]);
  };
  return {
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    emit,
    after(method, ok) {
      const topics = METHOD_TOPICS[method];
      if (topics && (ok || EVEN_ON_FAILURE.has(method))) emit(topics);
    },
  };
}
