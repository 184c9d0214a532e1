//! Progress as the UI receives it: the wire view lives beside the one progress type in
//! studio-core; this path stays so the API's users (the app, the CLI) keep one import.
pub use studio_core::progress::{ProgressEvent, Throttle};
