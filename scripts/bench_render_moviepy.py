"""MoviePy 2 doing the bench-render job its own way: centre crop to 1080x1920, captions as text
clips (word highlight is not available, so plain captions), music mixed 12 dB under the voice, the
same loudness gain studio measured (MoviePy has no loudness meter), libx264 veryfast CRF 20."""
import sys

from moviepy import AudioFileClip, CompositeAudioClip, CompositeVideoClip, TextClip, VideoFileClip
from moviepy.audio.fx import AudioLoop, MultiplyVolume
from moviepy.video.fx import Crop, Resize

src, music, srt, font, gain_db, out = sys.argv[1:7]
clip = VideoFileClip(src)
w, h = clip.size
target_w = h * 9 / 16
clip = clip.with_effects([Crop(x_center=w / 2, width=target_w, height=h), Resize((1080, 1920))])


def cues(path):
    blocks = open(path, encoding="utf-8").read().strip().split("\n\n")
    for b in blocks:
        lines = b.splitlines()
        a, z = lines[1].split(" --> ")
        t = lambda s: sum(float(x) * m for x, m in zip(s.replace(",", ".").split(":"), (3600, 60, 1)))
        yield t(a), t(z), " ".join(lines[2:])


texts = [
    TextClip(font=font, text=txt, font_size=73, color="white", stroke_color="black", stroke_width=6,
             method="caption", size=(900, None)).with_start(s).with_end(e).with_position(("center", 1300))
    for s, e, txt in cues(srt)
]
bed = AudioFileClip(music).with_effects([AudioLoop(duration=clip.duration), MultiplyVolume(10 ** (-12 / 20))])
mix = CompositeAudioClip([clip.audio, bed]).with_effects([MultiplyVolume(10 ** (float(gain_db) / 20))])
final = CompositeVideoClip([clip, *texts]).with_audio(mix)
final.write_videofile(out, fps=30, codec="libx264", preset="veryfast", ffmpeg_params=["-crf", "20"],
                      audio_codec="aac", audio_bitrate="192k", logger=None)
