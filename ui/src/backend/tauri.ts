/**
 * The real backend: thin adapters over the generated tauri-specta bindings.
 * Loaded with a dynamic import only when running inside Tauri, so the
 * in-memory build never pulls in `@tauri-apps/api`.
 */
import { commands, type Result } from './bindings';
import type { ApiError } from './bindings';
import { toBackendError } from './errors';
import type { Backend } from './types';

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

export const tauriBackend: Backend = {
  kind: 'tauri',
  appInfo: () => unwrap(commands.appInfo()),
  timezoneList: () => unwrap(commands.timezoneList()),
  campaignList: (includeArchived) => unwrap(commands.campaignList(includeArchived)),
  campaignGet: (id) => unwrap(commands.campaignGet(id)),
  campaignCreate: (input) => unwrap(commands.campaignCreate(input)),
  campaignUpdate: (id, patch) => unwrap(commands.campaignUpdate(id, patch)),
  campaignArchive: (id, archived) => unwrap(commands.campaignArchive(id, archived)),
  campaignDelete: async (id) => {
    await unwrap(commands.campaignDelete(id));
  },
};
