/**
 * The real backend: thin adapters over the generated tauri-specta bindings.
 * Loaded with a dynamic import only when running inside Tauri, so the
 * in-memory build never pulls in `@tauri-apps/api`.
 */
import { Channel, convertFileSrc } from '@tauri-apps/api/core';
import { getCurrentWebview } from '@tauri-apps/api/webview';
import { open, save, type DialogFilter } from '@tauri-apps/plugin-dialog';
import { MEDIA_EXTENSIONS } from '../lib/media';
import { commands, events, type Result } from './bindings';
import type { ApiError, ProgressEvent, RenderProgress } from './bindings';
import { toBackendError } from './errors';
import type { Backend, PickKind, SaveRequest } from './types';

async function unwrap<T>(call: Promise<Result<T, ApiError>>): Promise<T> {
  let result: Result<T, ApiError>;
  try {
    result = await call;
  } catch (err) {
    // The bindings rethrow JS exceptions (IPC failures) instead of returning them.
    throw toBackendError(err);
  }
  if (result.status === 'ok') return result.data;
  throw toBackendError(result.error);
}

/** Plugin calls reject with a bare string (e.g. a missing permission). */
async function plugin<T>(call: Promise<T>): Promise<T> {
  try {
    return await call;
  } catch (err) {
    throw toBackendError(err);
  }
}

const MEDIA_FILTERS: DialogFilter[] = [
  { name: 'Videos, images and audio', extensions: Object.values(MEDIA_EXTENSIONS).flat() },
  { name: 'Videos', extensions: [...MEDIA_EXTENSIONS.video] },
  { name: 'Images', extensions: [...MEDIA_EXTENSIONS.image] },
  { name: 'Audio', extensions: [...MEDIA_EXTENSIONS.audio] },
  { name: 'All files', extensions: ['*'] },
];

const PICKERS: Record<PickKind, { title: string; filters: DialogFilter[] }> = {
  captions: { title: 'Choose captions', filters: [{ name: 'Captions (SRT, ASS)', extensions: ['srt', 'ass', 'ssa'] }] },
  music: {
    title: 'Choose music',
    filters: [
      { name: 'Audio', extensions: [...MEDIA_EXTENSIONS.audio] },
      { name: 'All files', extensions: ['*'] },
    ],
  },
  revenue_csv: {
    title: 'Import a payout export',
    filters: [
      { name: 'CSV and text exports', extensions: ['csv', 'tsv', 'txt'] },
      { name: 'All files', extensions: ['*'] },
    ],
  },
};

const SAVE_FILTERS: Record<SaveRequest['format'], DialogFilter[]> = {
  csv: [{ name: 'CSV (spreadsheets)', extensions: ['csv'] }],
  html: [{ name: 'Web page (HTML)', extensions: ['html', 'htm'] }],
};


export const tauriBackend: Backend = {
  kind: 'tauri',
  onDataChanged: (listener) => plugin(events.dataChanged.listen((e) => listener(e.payload.topics))),
  appInfo: () => unwrap(commands.appInfo()),
  timezoneList: () => unwrap(commands.timezoneList()),
  campaignList: (includeArchived) => unwrap(commands.campaignList(includeArchived)),
  campaignGet: (id) => unwrap(commands.campaignGet(id)),
  campaignCreate: (input) => unwrap(commands.campaignCreate(input)),
  campaignUpdate: (id, patch) => unwrap(commands.campaignUpdate(id, patch)),
  campaignArchive: (id, archived) => unwrap(commands.campaignArchive(id, archived)),
  campaignDelete: (id) => unwrap(commands.campaignDelete(id)),

  assetList: (query) => unwrap(commands.assetList(query)),
  assetGet: (id) => unwrap(commands.assetGet(id)),
  assetImport: (jobId, paths, options, onProgress) => {
    // Rust throttles progress to ~10 events per second (always sending the last one).
    const channel = new Channel<ProgressEvent>();
    channel.onmessage = onProgress;
    return unwrap(commands.assetImport(jobId, paths, options, channel));
  },
  jobCancel: (jobId) => unwrap(commands.jobCancel(jobId)),
  pickMediaFiles: async () => {
    const picked = await plugin(open({ multiple: true, directory: false, filters: MEDIA_FILTERS, title: 'Import files' }));
    return picked ?? [];
  },
  pickFolder: () => plugin(open({ multiple: false, directory: true, title: 'Import a folder' })),
  pickFile: (kind) => plugin(open({ multiple: false, directory: false, ...PICKERS[kind] })),
  onFileDrop: (h) =>
    plugin(
      getCurrentWebview().onDragDropEvent(({ payload }) => {
        switch (payload.type) {
          case 'enter':
            h.onHover(payload.paths);
            break;
          case 'drop':
            h.onDrop(payload.paths);
            break;
          case 'leave':
            h.onLeave();
            break;
          default: // 'over': only the cursor position changed
        }
      }),
    ),
  fileUrl: (path) => convertFileSrc(path),

  renderPresets: () => unwrap(commands.renderPresets()),
  renderStart: (jobId, request, onProgress) => {
    // Rust throttles progress to ~10 events per second (stage changes always go out).
    const channel = new Channel<RenderProgress>();
    channel.onmessage = onProgress;
    return unwrap(commands.renderStart(jobId, request, channel));
  },
  renderList: (assetId) => unwrap(commands.renderList(assetId)),
  renderDelete: (id) => unwrap(commands.renderDelete(id)),
  renderOpen: (id) => unwrap(commands.renderOpen(id)),
  renderReveal: (id) => unwrap(commands.renderReveal(id)),

  scorePlatforms: () => unwrap(commands.scorePlatforms()),
  scoreAsset: (jobId, request, onProgress) => {
    // Only the first score of a video measures it and sends progress (stage "analyzing").
    const channel = new Channel<ProgressEvent>();
    channel.onmessage = onProgress;
    return unwrap(commands.scoreAsset(jobId, request, channel));
  },
  scoreVariants: (jobId, request, onProgress) => {
    // Progress only while a video that was never scored is measured (stage "analyzing").
    const channel = new Channel<ProgressEvent>();
    channel.onmessage = onProgress;
    return unwrap(commands.scoreVariants(jobId, request, channel));
  },
  scoreModel: (accountId, timeZone) => unwrap(commands.scoreModel(accountId, timeZone)),
  bestTimes: (accountIds, timeZone) => unwrap(commands.bestTimes(accountIds, timeZone)),
  analyticsGet: (filter) => unwrap(commands.analyticsGet(filter)),
  postResults: (postId) => unwrap(commands.postResults(postId)),

  accountPlatforms: () => unwrap(commands.accountPlatforms()),
  accountList: () => unwrap(commands.accountList()),
  accountConnect: (jobId, request, onProgress) => {
    // OAuth sign-ins send the browser URL once (stage "browser"), then wait for the redirect.
    const channel = new Channel<ProgressEvent>();
    channel.onmessage = onProgress;
    return unwrap(commands.accountConnect(jobId, request, channel));
  },
  accountDisconnect: (id) => unwrap(commands.accountDisconnect(id)),
  publishNow: (jobId, request, onProgress) => {
    // Upload progress: stage "uploading" with fractions.
    const channel = new Channel<ProgressEvent>();
    channel.onmessage = onProgress;
    return unwrap(commands.publishNow(jobId, request, channel));
  },

  postCreate: (input) => unwrap(commands.postCreate(input)),
  postUpdate: (id, input, expectedVersion) => unwrap(commands.postUpdate(id, input, expectedVersion)),
  postGet: (id) => unwrap(commands.postGet(id)),
  postList: (query) => unwrap(commands.postList(query)),
  postDelete: (id) => unwrap(commands.postDelete(id)),
  postValidate: (input) => unwrap(commands.postValidate(input)),
  postSchedule: (request) => unwrap(commands.postSchedule(request)),
  postUnschedule: (id) => unwrap(commands.postUnschedule(id)),
  targetRetry: (id) => unwrap(commands.targetRetry(id)),
  targetCancel: (id) => unwrap(commands.targetCancel(id)),
  targetMarkPosted: (id, url) => unwrap(commands.targetMarkPosted(id, url)),
  queueList: () => unwrap(commands.queueList()),
  slotsGet: (accountId) => unwrap(commands.slotsGet(accountId)),
  slotsSet: (input) => unwrap(commands.slotsSet(input)),
  complianceGet: () => unwrap(commands.complianceGet()),
  complianceSet: (settings) => unwrap(commands.complianceSet(settings)),
  schedulerStatus: () => unwrap(commands.schedulerStatus()),
  schedulerSetPaused: (paused) => unwrap(commands.schedulerSetPaused(paused)),
  notificationsRecent: (limit) => unwrap(commands.notificationsRecent(limit)),
  notificationsMarkRead: (ids) => unwrap(commands.notificationsMarkRead(ids)),

  revenueRatesGet: () => unwrap(commands.revenueRatesGet()),
  revenueRatesSet: (rates) => unwrap(commands.revenueRatesSet(rates)),
  revenueAdd: (input) => unwrap(commands.revenueAdd(input)),
  revenueList: (campaignId) => unwrap(commands.revenueList(campaignId)),
  revenueDelete: (id) => unwrap(commands.revenueDelete(id)),
  revenueSummary: (campaignId) => unwrap(commands.revenueSummary(campaignId)),
  revenueImportPreview: (path) => unwrap(commands.revenueImportPreview(path)),
  revenueImport: (request) => unwrap(commands.revenueImport(request)),
  exportCsv: (kind, path) => unwrap(commands.exportCsv(kind, path)),
  reportHtml: (campaignId, path) => unwrap(commands.reportHtml(campaignId, path)),
  reportCsv: (campaignId, path) => unwrap(commands.reportCsv(campaignId, path)),
  pickSavePath: ({ title, defaultName, format }) =>
    plugin(save({ title, defaultPath: defaultName, filters: SAVE_FILTERS[format] })),
};
