//! A value that must never be printed, logged or serialized: tokens, client secrets, passwords.
//!
//! `Debug` and `Display` show `<redacted>` and `Serialize` fails, so a secret that strays into a
//! log line, an error message or a JSON reply is caught instead of leaked. The one way out is
//! [`Sensitive::expose`], which is easy to grep for.
use std::fmt;

#[derive(Clone, Default, PartialEq, Eq)]
pub struct Sensitive<T>(T);

impl<T> Sensitive<T> {
    pub fn new(value: T) -> Self {
        Self(value)
    }

    pub fn expose(&self) -> &T {
        &self.0
    }
}

impl From<String> for Sensitive<String> {
    fn from(s: String) -> Self {
        Self(s)
    }
}

impl Sensitive<String> {
    pub fn is_empty(&self) -> bool {
        self.0.trim().is_empty()
    }
}

impl<T> fmt::Debug for Sensitive<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

impl<T> fmt::Display for Sensitive<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

impl<T> serde::Serialize for Sensitive<T> {
    fn serialize<S: serde::Serializer>(&self, _: S) -> Result<S::Ok, S::Error> {
        Err(serde::ser::Error::custom("refusing to serialize a secret"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn never_prints_or_serializes() {
        let s = Sensitive::new("hunter2".to_string());
        assert_eq!(format!("{s} {s:?} {:?}", Some(&s)), "<redacted> <redacted> Some(<redacted>)");
        assert!(serde_json::to_string(&s).is_err());
        #[derive(serde::Serialize)]
        struct Holder {
            token: Sensitive<String>,
        }
        assert!(serde_json::to_string(&Holder { token: s.clone() }).is_err());
        assert_eq!(s.expose(), "hunter2");
    }
}
