/**
 * Plain data factories shared by Vitest and Playwright (no React, no DOM), so the two suites
 * describe a library asset the same way.
 */
import type { Asset, Campaign, RenderRecord } from '../backend/bindings';

/** The fields every fake asset shares: a 27.4 s 1080×1920 H.264/AAC video in the library. */
export function assetBase(id: string): Omit<Asset, 'rotation' | 'poster' | 'filmstrip' | 'created_at'> {
  return {
    id,
    kind: 'video',
    path: `/library/${id}.mp4`,
    original_name: `${id}.mp4`,
    storage: 'copied',
    size_bytes: 24_100_000,
    content_hash: `hash-${id}`,
    campaign_id: null,
    width: 1080,
    height: 1920,
    duration_s: 27.4,
    fps: 29.97,
    variable_frame_rate: false,
    container: 'mp4',
    video_codec: 'h264',
    audio_codec: 'aac',
    audio_channels: 2,
    sample_rate: 48000,
    waveform: null,
  };
}

/** An active, unsponsored campaign without dates or budget, created and last changed at `at`. */
export function campaignBase(id: string, name: string, at: string): Campaign {
  return {
    id,
    name,
    goal: null,
    starts_on: null,
    ends_on: null,
    timezone: 'UTC',
    sponsored: false,
    budget: null,
    currency: null,
    notes: null,
    archived: false,
    created_at: at,
    updated_at: at,
    version: 1,
  };
}

/** A finished TikTok render of `assetId`: a 12 s 1080×1920 file of 12.4 MB that is still on disk. */
export function renderBase(id: string, assetId: string, at: string): RenderRecord {
  return {
    id,
    asset_id: assetId,
    preset: 'tiktok',
    state: 'done',
    output: `/renders/${assetId}-tiktok-${id}.mp4`,
    output_exists: true,
    size_bytes: 12_400_000,
    width: 1080,
    height: 1920,
    duration_s: 12,
    encoder: 'libx264',
    error_code: null,
    error_message: null,
    request: null,
    created_at: at,
  };
}
