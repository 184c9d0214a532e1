//! The system-tray icon: the app's presence while the window is closed. Its menu lists the next
//! three scheduled posts, pauses or resumes publishing, toggles start at login, and warns before
//! quitting when a post is due soon (nothing publishes while the app is closed, unless a
//! `studio daemon` runs).
use tauri::menu::{CheckMenuItem, Menu, MenuItem, PredefinedMenuItem};
use tauri::tray::{MouseButton, MouseButtonState, TrayIconBuilder, TrayIconEvent};
use tauri::{AppHandle, Wry};
use tauri_plugin_autostart::ManagerExt;
use tauri_plugin_dialog::{DialogExt, MessageDialogButtons, MessageDialogKind};

use crate::window;

const TRAY: &str = "main";
/// Quitting with a post due within this window asks first.
const DUE_SOON_MS: i64 = 15 * 60_000;

fn short_time(rfc: &str) -> String {
    rfc.parse::<jiff::Timestamp>()
        .ok()
        .map(|t| t.to_zoned(jiff::tz::TimeZone::system()).strftime("%a %H:%M").to_string())
        .unwrap_or_else(|| rfc.to_string())
}

fn build_menu(app: &AppHandle) -> tauri::Result<Menu<Wry>> {
    // Only what the menu shows: the tray is rebuilt often, the full health status is not needed.
    let ctx = crate::state(app).ctx().ok();
    let next = ctx.as_ref().and_then(|c| studio_api::schedule::queue(c, 3).ok());
    let menu = Menu::new(app)?;
    match next.as_deref() {
        Some(next) if !next.is_empty() => {
            for (i, item) in next.iter().enumerate() {
                let caption: String = item.caption.chars().take(32).collect();
                let text = format!("{} · {} {} — {}", short_time(&item.due_at), item.platform, item.handle, caption);
                menu.append(&MenuItem::with_id(app, format!("next-{i}"), text, false, None::<&str>)?)?;
            }
        }
        _ => menu.append(&MenuItem::with_id(app, "next-none", "Nothing scheduled", false, None::<&str>)?)?,
    }
    menu.append(&PredefinedMenuItem::separator(app)?)?;
    let paused = ctx.as_ref().is_some_and(|c| studio_api::publisher::is_paused(c).unwrap_or(false));
    let pause_text = if paused { "Resume publishing" } else { "Pause publishing" };
    menu.append(&MenuItem::with_id(app, "pause", pause_text, ctx.is_some(), None::<&str>)?)?;
    let autostart = app.autolaunch().is_enabled().unwrap_or(false);
    menu.append(&CheckMenuItem::with_id(app, "autostart", "Start at login", true, autostart, None::<&str>)?)?;
    menu.append(&PredefinedMenuItem::separator(app)?)?;
    menu.append(&MenuItem::with_id(app, "open", "Open Viral Studio", true, None::<&str>)?)?;
    menu.append(&MenuItem::with_id(app, "quit", "Quit Viral Studio", true, Some("CmdOrCtrl+Q"))?)?;
    Ok(menu)
}

/// Rebuilds the menu (after a publish, a pause, a schedule change).
pub fn refresh(app: &AppHandle) {
    let Some(tray) = app.tray_by_id(TRAY) else { return };
    match build_menu(app) {
        Ok(menu) => {
            let _ = tray.set_menu(Some(menu));
        }
        Err(e) => tracing::warn!(error = %e, "cannot rebuild the tray menu"),
    }
}

fn toggle_pause(app: &AppHandle) {
    let Ok(ctx) = crate::state(app).ctx() else { return };
    let paused = studio_api::publisher::is_paused(&ctx).unwrap_or(false);
    if let Err(e) = studio_api::publisher::set_paused(&ctx, !paused) {
        tracing::warn!(error = %e.message, "cannot change pause");
    }
    refresh(app);
}

fn toggle_autostart(app: &AppHandle) {
    let launcher = app.autolaunch();
    let r = if launcher.is_enabled().unwrap_or(false) { launcher.disable() } else { launcher.enable() };
    if let Err(e) = r {
        tracing::warn!(error = %e, "cannot change start at login");
    }
    refresh(app);
}

fn quit(app: &AppHandle) {
    let due_soon =
        crate::state(app).ctx().ok().and_then(|c| studio_api::schedule::queue(&c, 3).ok()).and_then(|next| {
            let now = studio_core::clock::now_ms();
            next.into_iter()
                .find(|n| n.due_at.parse::<jiff::Timestamp>().is_ok_and(|t| t.as_millisecond() - now < DUE_SOON_MS))
        });
    let Some(next) = due_soon else {
        exit(app);
        return;
    };
    let handle = app.clone();
    app.dialog()
        .message(format!(
            "A post to {} is due at {}. Nothing is published while Viral Studio is closed. Quit anyway?",
            next.handle,
            short_time(&next.due_at)
        ))
        .title("A post is due soon")
        .kind(MessageDialogKind::Warning)
        .buttons(MessageDialogButtons::OkCancelCustom("Quit".into(), "Keep running".into()))
        .show(move |quit| {
            if quit {
                exit(&handle);
            }
        });
}

fn exit(app: &AppHandle) {
    window::save_geometry(app);
    app.exit(0);
}

pub fn install(app: &AppHandle) -> tauri::Result<()> {
    let menu = build_menu(app)?;
    let mut tray = TrayIconBuilder::with_id(TRAY)
        .tooltip("Viral Studio")
        .menu(&menu)
        .show_menu_on_left_click(false)
        .on_menu_event(|app, event| match event.id.as_ref() {
            "open" => window::show_main(app),
            "pause" => toggle_pause(app),
            "autostart" => toggle_autostart(app),
            "quit" => quit(app),
            _ => {}
        })
        .on_tray_icon_event(|tray, event| {
            if let TrayIconEvent::Click { button: MouseButton::Left, button_state: MouseButtonState::Up, .. } = event {
                window::show_main(tray.app_handle());
            }
        });
    if let Some(icon) = app.default_window_icon() {
        tray = tray.icon(icon.clone());
    }
    tray.build(app)?;
    Ok(())
}
