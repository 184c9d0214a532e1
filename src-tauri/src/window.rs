//! The main window: created in code (so its webview storage lives under our data folder and tests
//! stay hermetic), geometry remembered in the settings table, and closing it hides to the tray so
//! scheduled posts still go out.
use serde::{Deserialize, Serialize};
use tauri::{AppHandle, Manager, WebviewUrl, WebviewWindowBuilder, Window, WindowEvent};

const MAIN: &str = "main";
const GEOMETRY_KEY: &str = "window.main";

#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
struct Geometry {
    x: i32,
    y: i32,
    width: u32,
    height: u32,
    maximized: bool,
}

pub fn create_main(app: &AppHandle) -> tauri::Result<()> {
    let state = crate::state(app);
    let webview_dir = state.paths.cache.join("webview");
    let saved =
        state.ctx().ok().and_then(|ctx| studio_api::settings::get::<Geometry>(&ctx, GEOMETRY_KEY).ok().flatten());
    let saved = saved.filter(|g| g.width >= 200 && g.height >= 200 && on_some_monitor(app, g));

    // Geometry goes into the builder: applied to an unmapped window, set_position/center race
    // the window manager (or its absence) and land the window off-centre.
    let mut builder = WebviewWindowBuilder::new(app, MAIN, WebviewUrl::App("index.html".into()))
        .title("Viral Studio")
        .min_inner_size(880.0, 560.0)
        .data_directory(webview_dir);
    builder = match saved {
        Some(g) => {
            let scale = app.primary_monitor().ok().flatten().map_or(1.0, |m| m.scale_factor());
            builder
                .inner_size(f64::from(g.width) / scale, f64::from(g.height) / scale)
                .position(f64::from(g.x) / scale, f64::from(g.y) / scale)
                .maximized(g.maximized)
        }
        None => builder.inner_size(1200.0, 800.0).center(),
    };
    let window = builder.build()?;
    window.set_focus()?;
    Ok(())
}

/// A saved position on a monitor that has since been unplugged would open the window off-screen.
fn on_some_monitor(app: &AppHandle, g: &Geometry) -> bool {
    let Ok(monitors) = app.available_monitors() else { return true };
    if monitors.is_empty() {
        return true;
    }
    let (cx, cy) = (g.x + g.width as i32 / 2, g.y + g.height as i32 / 2);
    monitors.iter().any(|m| {
        let (p, s) = (m.position(), m.size());
        cx >= p.x && cy >= p.y && cx < p.x + s.width as i32 && cy < p.y + s.height as i32
    })
}

pub fn show_main(app: &AppHandle) {
    match app.get_webview_window(MAIN) {
        Some(w) => {
            let _ = w.unminimize();
            let _ = w.show();
            let _ = w.set_focus();
        }
        None => {
            if let Err(e) = create_main(app) {
                tracing::error!(error = %e, "cannot reopen the main window");
            }
        }
    }
}

pub fn save_geometry(app: &AppHandle) {
    let Some(w) = app.get_webview_window(MAIN) else { return };
    let (Ok(pos), Ok(size)) = (w.outer_position(), w.inner_size()) else { return };
    // Hidden or minimized windows report meaningless geometry on some platforms.
    if !w.is_visible().unwrap_or(false) || w.is_minimized().unwrap_or(false) {
        return;
    }
    let g = Geometry {
        x: pos.x,
        y: pos.y,
        width: size.width,
        height: size.height,
        maximized: w.is_maximized().unwrap_or(false),
    };
    if let Ok(ctx) = crate::state(app).ctx() {
        if let Err(e) = studio_api::settings::set(&ctx, GEOMETRY_KEY, &g) {
            tracing::warn!(error = %e.message, "window geometry not saved");
        }
    }
}

pub fn on_event(window: &Window, event: &WindowEvent) {
    if window.label() != MAIN {
        return;
    }
    if let WindowEvent::CloseRequested { api, .. } = event {
        // Closing keeps the app (and, later, the publisher) running in the tray.
        save_geometry(window.app_handle());
        api.prevent_close();
        if let Err(e) = window.hide() {
            tracing::warn!(error = %e, "cannot hide the window");
        }
    }
}
