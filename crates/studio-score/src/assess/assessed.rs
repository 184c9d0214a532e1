//! The result type every factor's assessment returns, apart from the dispatch in `mod.rs` so the
//! per-area files (media, text, schedule) do not import the module that calls them.
/// What one factor measured. `subscore: None` means unknown.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Assessed {
    pub value: Option<f64>,
    pub subscore: Option<f64>,
    pub advice: Option<String>,
    pub blocking: bool,
    /// Replaces the factor's usual unit where the platform counts differently (YouTube counts a
    /// description in bytes).
    pub unit: Option<&'static str>,
}

impl Assessed {
    pub fn unknown() -> Assessed {
        Assessed::default()
    }

    /// A known value with its sub-score; `advise` is asked for words only when off target.
    pub fn scored(value: f64, subscore: f64, advise: impl FnOnce() -> String) -> Assessed {
        let subscore = subscore.clamp(0.0, 1.0);
        let advice = (subscore < 0.999).then(advise);
        Assessed { value: Some(value), subscore: Some(subscore), advice, blocking: false, unit: None }
    }

    pub fn blocked(value: Option<f64>, advice: String) -> Assessed {
        Assessed { value, subscore: Some(0.0), advice: Some(advice), blocking: true, unit: None }
    }
}
