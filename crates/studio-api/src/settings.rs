//! Preferences stored in the database (so CLI, app and sync see the same values).
use serde::{de::DeserializeOwned, Serialize};
use studio_core::settings;

use crate::{ApiResult, Context};

pub fn get<T: DeserializeOwned>(ctx: &Context, key: &str) -> ApiResult<Option<T>> {
    Ok(settings::get(&ctx.db(), key)?)
}

pub fn set<T: Serialize>(ctx: &Context, key: &str, value: &T) -> ApiResult<()> {
    Ok(settings::set(&mut ctx.db(), key, value)?)
}
