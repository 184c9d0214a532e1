//! What every operation runs against: resolved paths and the open database.
use std::sync::{Mutex, MutexGuard};

use studio_core::{Db, StudioPaths};

use crate::ApiResult;

pub struct Context {
    paths: StudioPaths,
    db: Mutex<Db>,
    /// Who the audit log says made a change ("desktop", "cli", later a team member).
    actor: String,
}

impl Context {
    /// Creates the folders and opens (migrating) the database.
    pub fn open(paths: StudioPaths, actor: impl Into<String>) -> ApiResult<Self> {
        paths.ensure()?;
        let db = Db::open(&paths.database())?;
        Ok(Self { paths, db: Mutex::new(db), actor: actor.into() })
    }

    pub fn paths(&self) -> &StudioPaths {
        &self.paths
    }

    pub fn actor(&self) -> &str {
        &self.actor
    }

    /// A panic mid-operation rolls its transaction back on drop, so the connection behind a
    /// poisoned lock is still consistent: recover it instead of failing every later call.
    pub fn db(&self) -> MutexGuard<'_, Db> {
        self.db.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}
