import { describe, expect, it } from 'vitest';
import { parsePaths } from '../components/LibraryToolbar';
import { baseName, extensionOf, formatBytes, formatChannels, formatDuration, formatFps, formatResolution, formatSampleRate } from './media';

describe('media formatting', () => {
  it('formats durations as m:ss or h:mm:ss', () => {
    expect(formatDuration(0)).toBe('0:00');
    expect(formatDuration(27.9)).toBe('0:27');
    expect(formatDuration(605)).toBe('10:05');
    expect(formatDuration(3725)).toBe('1:02:05');
  });

  it('formats sizes, resolutions, rates and channels', () => {
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(355_000)).toBe('355 KB');
    expect(formatBytes(24_100_000)).toBe('24.1 MB');
    expect(formatBytes(4_120_000_000)).toBe('4.12 GB');
    expect(formatResolution(1080, 1920)).toBe('1080×1920');
    expect(formatResolution(null, 1920)).toBeNull();
    expect(formatFps(29.97002997)).toBe('29.97 fps');
    expect(formatFps(30)).toBe('30 fps');
    expect(formatSampleRate(44100)).toBe('44.1 kHz');
    expect(formatChannels(1)).toBe('mono');
    expect(formatChannels(6)).toBe('5.1');
    expect(formatChannels(4)).toBe('4 channels');
  });

  it('reads names and extensions from POSIX and Windows paths', () => {
    expect(baseName('/home/me/clip.MP4')).toBe('clip.MP4');
    expect(baseName('C:\\Users\\me\\Videos\\take 1.mov')).toBe('take 1.mov');
    expect(baseName('/home/me/Footage/')).toBe('Footage');
    expect(extensionOf('/a/b/Clip.MOV')).toBe('mov');
    expect(extensionOf('/a/b/.hidden')).toBe('');
    expect(extensionOf('/a/b/Folder')).toBe('');
  });

  it('parses "Add by path" input: one per line, quotes and blanks removed', () => {
    expect(parsePaths('  /a/b.mp4 \n\n"C:\\My Videos\\x.mov"\r\n\'/c/d\'\n')).toEqual(['/a/b.mp4', 'C:\\My Videos\\x.mov', '/c/d']);
    expect(parsePaths(' \n ')).toEqual([]);
  });
});
