//! The OS keychain through `keyring`: Secret Service on Linux, Keychain on macOS, Credential
//! Manager on Windows. The only place a token or client secret is ever stored.
//!
//! Entries are namespaced by a service name per build channel (`viral-studio` for release builds,
//! `viral-studio-dev` for debug builds, or `STUDIO_KEYCHAIN_SERVICE`), so a development build
//! never reads or clobbers the tokens of the installed app.
use crate::sensitive::Sensitive;
use crate::{PublishError, Result};

pub const SERVICE_ENV: &str = "STUDIO_KEYCHAIN_SERVICE";

#[derive(Debug, Clone)]
pub struct Keychain {
    service: String,
}

impl Default for Keychain {
    fn default() -> Self {
        Self::new()
    }
}

impl Keychain {
    pub fn new() -> Self {
        let service = std::env::var(SERVICE_ENV)
            .ok()
            .filter(|s| !s.trim().is_empty())
            .unwrap_or_else(|| if cfg!(debug_assertions) { "viral-studio-dev" } else { "viral-studio" }.to_string());
        Self { service }
    }

    pub fn with_service(service: impl Into<String>) -> Self {
        Self { service: service.into() }
    }

    pub fn service(&self) -> &str {
        &self.service
    }

    fn entry(&self, key: &str) -> Result<keyring::Entry> {
        keyring::Entry::new(&self.service, key).map_err(map_err)
    }

    pub fn get(&self, key: &str) -> Result<Option<Sensitive<String>>> {
        match self.entry(key)?.get_password() {
            Ok(v) => Ok(Some(Sensitive::new(v))),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(e) => Err(map_err(e)),
        }
    }

    pub fn set(&self, key: &str, value: &Sensitive<String>) -> Result<()> {
        self.entry(key)?.set_password(value.expose()).map_err(map_err)
    }

    /// Deleting what is not there is fine: disconnect must be repeatable.
    pub fn delete(&self, key: &str) -> Result<()> {
        match self.entry(key)?.delete_credential() {
            Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
            Err(e) => Err(map_err(e)),
        }
    }
}

fn map_err(e: keyring::Error) -> PublishError {
    // keyring's messages describe the store, never the secret.
    PublishError::Keychain(e.to_string())
}
