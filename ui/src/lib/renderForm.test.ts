import { describe, expect, it } from 'vitest';
import { initialRenderValues, parseSeconds, toRenderRequest, trimWindow, validateRenderForm, type RenderFormValues } from './renderForm';

const v = (over: Partial<RenderFormValues> = {}): RenderFormValues => ({ ...initialRenderValues(), ...over });

describe('render form', () => {
  it('reads seconds with a dot or a comma; anything else is NaN', () => {
    expect(parseSeconds('')).toBeNull();
    expect(parseSeconds(' 12.5 ')).toBe(12.5);
    expect(parseSeconds('12,5')).toBe(12.5);
    expect(parseSeconds('.5')).toBe(0.5);
    expect(parseSeconds('7')).toBe(7);
    for (const bad of ['-1', '1:20', 'abc', '1e3', '1.2.3']) expect(parseSeconds(bad)).toBeNaN();
  });

  it('checks the trim: start before end, inside the video', () => {
    expect(validateRenderForm(v(), 27.4)).toEqual({});
    expect(validateRenderForm(v({ trimStart: '2.5', trimEnd: '14' }), 27.4)).toEqual({});
    expect(validateRenderForm(v({ trimStart: '9', trimEnd: '3' }), 27.4)).toEqual({ trimEnd: 'The end must be after the start.' });
    expect(validateRenderForm(v({ trimEnd: '0' }), 27.4)).toEqual({ trimEnd: 'The end must be after 0 s.' });
    expect(validateRenderForm(v({ trimEnd: '27.4' }), 27.4)).toEqual({});
    expect(validateRenderForm(v({ trimEnd: '30' }), 27.4)).toEqual({ trimEnd: 'The video is only 27.4 s long.' });
    expect(validateRenderForm(v({ trimStart: '28' }), 27.4)).toEqual({ trimStart: 'The video is only 27.4 s long.' });
    expect(validateRenderForm(v({ trimStart: 'soon', trimEnd: 'x' }), 27.4)).toEqual({
      trimStart: 'Enter the start in seconds, e.g. 2.5.',
      trimEnd: 'Enter the end in seconds, e.g. 14.',
    });
  });

  it('checks the hook text (120 characters, 3 lines) and its duration (0.5–30 s)', () => {
    expect(validateRenderForm(v({ hookText: 'x'.repeat(120) }), 10)).toEqual({});
    expect(validateRenderForm(v({ hookText: 'x'.repeat(121) }), 10)).toEqual({ hookText: 'At most 120 characters fit the screen.' });
    expect(validateRenderForm(v({ hookText: 'a\nb\nc\nd' }), 10)).toEqual({ hookText: 'At most 3 lines.' });
    expect(validateRenderForm(v({ hookText: 'Hi', hookSeconds: '0.2' }), 10)).toEqual({ hookSeconds: 'Between 0.5 and 30 seconds.' });
    expect(validateRenderForm(v({ hookText: 'Hi', hookSeconds: '31' }), 10)).toEqual({ hookSeconds: 'Between 0.5 and 30 seconds.' });
    expect(validateRenderForm(v({ hookText: 'Hi', hookSeconds: '2,5' }), 10)).toEqual({});
  });

  it('tells the rendered window, or null while the trim is invalid', () => {
    expect(trimWindow(v(), 27.4)).toEqual({ start: 0, end: 27.4 });
    expect(trimWindow(v({ trimStart: '5' }), 27.4)).toEqual({ start: 5, end: 27.4 });
    expect(trimWindow(v({ trimEnd: '10' }), 27.4)).toEqual({ start: 0, end: 10 });
    expect(trimWindow(v({ trimStart: '9', trimEnd: '3' }), 27.4)).toBeNull();
    expect(trimWindow(v({ trimEnd: '40' }), 27.4)).toBeNull();
  });

  it('builds the request: trims as START-END, empty means default (null)', () => {
    expect(toRenderRequest('v1', v(), 27.4)).toEqual({
      input: 'v1', preset: 'tiktok', output: null, trim: null, reframe: null, encoder: null, x264_preset: null, crf: null,
      captions: null, hook_text: null, hook_seconds: null, music: null,
    });
    const full = toRenderRequest('v1', v({
      preset: 'youtube', reframe: 'center', trimStart: '2,5', trimEnd: '14', captions: '/c/a.srt', hookText: '  Wait for it  ',
      hookSeconds: '4', music: '/m/bed.mp3',
    }), 27.4);
    expect(full).toMatchObject({
      preset: 'youtube', reframe: 'center', trim: '2.5-14', captions: '/c/a.srt', hook_text: 'Wait for it', hook_seconds: 4, music: '/m/bed.mp3',
    });
    expect(toRenderRequest('v1', v({ trimStart: '5' }), 27.4).trim).toBe('5-27.4');
    expect(toRenderRequest('v1', v({ trimEnd: '8' }), 27.4).trim).toBe('0-8');
    // A hook duration without a hook is not sent.
    expect(toRenderRequest('v1', v({ hookSeconds: '4' }), 27.4).hook_seconds).toBeNull();
  });
});
