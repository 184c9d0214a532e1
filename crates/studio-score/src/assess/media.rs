//! Factors measured in the video and its sound.
use super::assessed::Assessed;
use crate::curve::{Band, Ramp};
use crate::factor::FactorId;
use crate::features::MediaFeatures;
use crate::platform::PlatformProfile;
use crate::wording::{aspect, duration, orientation, percent, range, trim};

pub(super) fn assess(id: FactorId, p: &PlatformProfile, m: &MediaFeatures) -> Assessed {
    use FactorId as F;
    let t = &p.targets;
    let no_picture = m.format.has_video == Some(false);
    if no_picture && id != F::Aspect && is_picture_factor(id) {
        // The aspect factor carries "no picture" once; repeating it everywhere would bury it.
        return Assessed::unknown();
    }
    match id {
        F::HookMotion => seconds_sooner(m.hook.first_motion_s, t.first_motion_s, "first motion", |good| {
            format!("move within {good}: open on the action, not the set-up")
        }),
        F::HookCut => hook_cut(m, t.first_cut_s),
        F::HookSpeech => seconds_sooner(m.hook.speech_onset_s, t.speech_onset_s, "speech starts", |good| {
            format!("start talking within {good}, or put the words on screen")
        }),
        F::HookLoudness => known(m.hook.hook_loudness_lufs, |v| {
            Assessed::scored(v, t.hook_loudness_lufs.at(v), || {
                format!(
                    "opening 3 s at {v:.0} LUFS — start at {} LUFS or louder: a quiet open reads as broken",
                    trim(t.hook_loudness_lufs.good)
                )
            })
        }),
        F::HookText => flag(m.hook.text_on_screen_early, t.absent.hook_text, || {
            "no text on screen in the first 3 s — put the key message on screen early".into()
        }),
        F::CutRate => known(m.pacing.cuts_per_minute, |v| cut_rate(v, t.cuts_per_minute, &p.label)),
        F::StaticStretch => known(m.pacing.longest_static_s, |v| {
            Assessed::scored(v, t.longest_static_s.at(v), || {
                format!(
                    "longest static stretch {} — break anything over {} with a cut, zoom or b-roll",
                    duration(v),
                    duration(t.longest_static_s.good)
                )
            })
        }),
        F::Brightness => known(m.picture.brightness, |v| {
            band_advice(v, t.brightness, |low| {
                let aim = format!("aim {:.2}–{:.2}", t.brightness.low, t.brightness.high);
                if low {
                    format!("dark picture (brightness {v:.2}, {aim}) — expose up or add light")
                } else {
                    format!("washed-out picture (brightness {v:.2}, {aim}) — bring exposure down")
                }
            })
        }),
        F::Contrast => known(m.picture.contrast, |v| {
            band_advice(v, t.contrast, |low| {
                let aim = format!("aim {:.2}–{:.2}", t.contrast.low, t.contrast.high);
                if low {
                    format!("flat picture (contrast {v:.2}, {aim}) — add contrast in the grade")
                } else {
                    format!("harsh contrast ({v:.2}, {aim}) — lift the shadows")
                }
            })
        }),
        F::Colourfulness => known(m.picture.colourfulness, |v| {
            Assessed::scored(v, t.colourfulness.at(v), || {
                format!(
                    "muted colour (colourfulness {v:.0}, aim {}+) — a more saturated grade or a colourful subject",
                    trim(t.colourfulness.good)
                )
            })
        }),
        F::Sharpness => known(m.picture.sharpness, |v| {
            Assessed::scored(v, t.sharpness.at(v), || {
                format!(
                    "soft picture (sharpness {v:.0}, aim {}+) — check focus and do not upscale",
                    trim(t.sharpness.good)
                )
            })
        }),
        F::BlackFrames => known(m.picture.black_ratio, |v| {
            Assessed::scored(v, t.black_ratio.at(v), || {
                format!("{} of the video is black frames — trim them", percent(v))
            })
        }),
        F::FrozenFrames => known(m.picture.frozen_ratio, |v| {
            Assessed::scored(v, t.frozen_ratio.at(v), || {
                format!("{} of the video is frozen frames — cut the freezes or re-export", percent(v))
            })
        }),
        F::Loudness => loudness(m, p),
        F::LoudnessRange => audio(m, m.sound.loudness_range_lu, |v| {
            Assessed::scored(v, t.loudness_range_lu.at(v), || {
                format!(
                    "loudness range {v:.0} LU — compress to {} LU or less so quiet words survive phone speakers",
                    trim(t.loudness_range_lu.good)
                )
            })
        }),
        F::Silence => audio(m, m.sound.silence_ratio, |v| {
            Assessed::scored(v, t.silence_ratio.at(v), || {
                format!("{} silence — trim the pauses (aim under {})", percent(v), percent(t.silence_ratio.good))
            })
        }),
        F::SoundPresence => {
            let v = match (m.sound.speech_ratio, m.sound.music_presence) {
                (Some(a), Some(b)) => Some(a.max(b)),
                (a, b) => a.or(b),
            };
            audio(m, v, |v| {
                Assessed::scored(v, t.sound_presence.at(v), || {
                    format!("speech or music in only {} of the video — add a voice-over or music", percent(v))
                })
            })
        }
        F::Duration => known(m.format.duration_s, |v| duration_factor(v, p)),
        F::Aspect => aspect_factor(m, p),
        F::Resolution => match (m.format.width, m.format.height) {
            (Some(w), Some(h)) => {
                let short = f64::from(w.min(h));
                Assessed::scored(short, t.short_side_px.at(short), || {
                    format!("{} px on the short side — export at {} px", trim(short), trim(t.short_side_px.good))
                })
            }
            _ => Assessed::unknown(),
        },
        F::FrameRate => known(m.format.fps, |v| {
            Assessed::scored(v, t.fps.at(v), || {
                format!("{v:.0} fps looks choppy — export at {} fps or more", trim(t.fps.good))
            })
        }),
        F::Captions => flag(m.format.has_captions, t.absent.captions, || {
            "no captions: most feed video plays muted — burn in captions".into()
        }),
        // Text and schedule factors are assessed elsewhere.
        _ => Assessed::unknown(),
    }
}

fn is_picture_factor(id: FactorId) -> bool {
    use FactorId as F;
    matches!(
        id,
        F::HookMotion
            | F::HookCut
            | F::HookText
            | F::CutRate
            | F::StaticStretch
            | F::Brightness
            | F::Contrast
            | F::Colourfulness
            | F::Sharpness
            | F::BlackFrames
            | F::FrozenFrames
            | F::Resolution
            | F::FrameRate
            | F::Captions
    )
}

fn known(v: Option<f64>, f: impl FnOnce(f64) -> Assessed) -> Assessed {
    v.map_or_else(Assessed::unknown, f)
}

/// Sound factors are unknown for a file without sound: the loudness factor says "no audio" once.
fn audio(m: &MediaFeatures, v: Option<f64>, f: impl FnOnce(f64) -> Assessed) -> Assessed {
    if m.format.has_audio == Some(false) {
        return Assessed::unknown();
    }
    known(v, f)
}

fn flag(v: Option<bool>, absent: f64, advise: impl FnOnce() -> String) -> Assessed {
    match v {
        Some(true) => Assessed::scored(1.0, 1.0, String::new),
        Some(false) => Assessed::scored(0.0, absent, advise),
        None => Assessed::unknown(),
    }
}

fn seconds_sooner(v: Option<f64>, ramp: Ramp, what: &str, todo: impl FnOnce(String) -> String) -> Assessed {
    known(v, |v| {
        Assessed::scored(v, ramp.at(v), || format!("{what} at {} — {}", duration(v), todo(duration(ramp.good))))
    })
}

fn hook_cut(m: &MediaFeatures, ramp: Ramp) -> Assessed {
    match (m.hook.first_cut_s, m.pacing.cuts_per_minute, m.format.duration_s) {
        (Some(v), _, _) => seconds_sooner(Some(v), ramp, "first cut", |good| format!("cut within {good}")),
        // Measured, and there is no cut at all: as late as a cut can be.
        (None, Some(0.0), Some(d)) => Assessed::scored(d, ramp.at(d), || {
            format!("no cut in the whole video — cut within {}", duration(ramp.good))
        }),
        _ => Assessed::unknown(),
    }
}

fn band_advice(v: f64, band: Band, say: impl FnOnce(bool) -> String) -> Assessed {
    Assessed::scored(v, band.at(v), || say(v < band.low))
}

fn cut_rate(v: f64, band: Band, platform: &str) -> Assessed {
    let aim = range(band.low, band.high, false);
    band_advice(v, band, |low| {
        if low {
            format!("{v:.0} cuts per minute — aim for {aim} on {platform}")
        } else {
            format!("{v:.0} cuts per minute — above {} viewers lose the thread", trim(band.high))
        }
    })
}

fn loudness(m: &MediaFeatures, p: &PlatformProfile) -> Assessed {
    let t = &p.targets;
    if m.format.has_audio == Some(false) {
        return Assessed::scored(0.0, t.absent.audio, || {
            format!("no audio track — add voice or music; {} feeds play sound", p.label)
        })
        .without_value();
    }
    known(m.sound.integrated_lufs, |v| {
        let target = t.loudness_lufs;
        let err = (v - target).abs();
        Assessed::scored(v, t.loudness_error_lu.at(err), || {
            if v < target {
                format!("integrated loudness {v:.0} LUFS, target {} — raise it", trim(target))
            } else {
                format!("integrated loudness {v:.0} LUFS, target {} — it will be turned down", trim(target))
            }
        })
    })
}

impl Assessed {
    fn without_value(mut self) -> Assessed {
        self.value = None;
        self
    }
}

fn duration_factor(d: f64, p: &PlatformProfile) -> Assessed {
    let v = &p.video;
    let [lo, hi] = v.duration_best_s;
    let edge = p.targets.duration_edge;
    if d < v.duration_min_s || d > v.duration_max_s {
        return Assessed::blocked(
            Some(d),
            format!(
                "{} long — {} accepts {} to {}",
                duration(d),
                p.label,
                duration(v.duration_min_s),
                duration(v.duration_max_s)
            ),
        );
    }
    // Log scale: 30 s against a 60 s sweet spot is as far off as 4 min against 2 min.
    let sub = if d < lo && lo > v.duration_min_s {
        edge + (1.0 - edge) * (d / v.duration_min_s).ln() / (lo / v.duration_min_s).ln()
    } else if d > hi && v.duration_max_s > hi {
        edge + (1.0 - edge) * (v.duration_max_s / d).ln() / (v.duration_max_s / hi).ln()
    } else {
        1.0
    };
    Assessed::scored(d, sub, || format!("{} long — the {} sweet spot is {}", duration(d), p.label, range(lo, hi, true)))
}

fn aspect_factor(m: &MediaFeatures, p: &PlatformProfile) -> Assessed {
    if m.format.has_video == Some(false) {
        return Assessed::blocked(
            None,
            format!("no video stream — {} needs a picture: add a still, a waveform or footage", p.label),
        );
    }
    let (Some(w), Some(h)) = (m.format.width, m.format.height) else { return Assessed::unknown() };
    let ratio = f64::from(w) / f64::from(h);
    let t = &p.targets;
    let best = p.aspect_best();
    let mut sub = t.aspect_log_error.at((ratio / best).ln().abs());
    if p.aspects_ok().iter().any(|ok| (ratio / ok).ln().abs() <= t.aspect_log_error.good) {
        sub = sub.max(t.aspect_ok_subscore);
    }
    Assessed::scored(ratio, sub, || {
        format!(
            "{} {} — {} wants {} {}: reframe",
            aspect(ratio),
            orientation(ratio),
            p.label,
            aspect(best),
            orientation(best)
        )
    })
}
