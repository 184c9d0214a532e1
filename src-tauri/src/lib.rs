//! The Viral Studio desktop app: window, tray and a typed command surface over `studio-api`.
//!
//! Nothing here decides anything a CLI user would also want; it wires studio-api to Tauri.
pub mod bindings;
mod commands;
mod events;
mod jobs;
mod logging;
mod publisher;
mod state;
mod tray;
mod window;

use tauri::Manager;

use crate::state::AppState;

pub fn run() {
    let paths = match studio_core::StudioPaths::resolve(None) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("Viral Studio cannot find a data folder: {e}");
            std::process::exit(1);
        }
    };
    logging::init(&paths.logs);
    tracing::info!(version = env!("CARGO_PKG_VERSION"), data = %paths.data.display(), "starting");

    let state = AppState::open(paths);
    let builder = bindings::builder();

    let app = tauri::Builder::default()
        // Must be first: a second launch hands over to the running app and exits.
        .plugin(tauri_plugin_single_instance::init(|app, _args, _cwd| window::show_main(app)))
        .invoke_handler(builder.invoke_handler())
        .manage(state)
        .manage(jobs::Jobs::default())
        .manage(publisher::Publisher::default())
        .manage(events::Changes::default())
        .plugin(tauri_plugin_dialog::init())
        .plugin(tauri_plugin_notification::init())
        .plugin(tauri_plugin_autostart::init(tauri_plugin_autostart::MacosLauncher::LaunchAgent, None))
        .setup(move |app| {
            builder.mount_events(app);
            commands::assets::allow_library(app.handle());
            window::create_main(app.handle())?;
            tray::install(app.handle())?;
            publisher::start(app.handle());
            Ok(())
        })
        .on_window_event(window::on_event)
        .build(tauri::generate_context!());

    match app {
        Ok(app) => app.run(|handle, event| {
            if let tauri::RunEvent::Exit = event {
                window::save_geometry(handle);
                publisher::stop(handle);
                tracing::info!("exiting");
            }
        }),
        Err(e) => {
            tracing::error!(error = %e, "the app could not start");
            eprintln!("Viral Studio could not start: {e}");
            std::process::exit(1);
        }
    }
}

/// Shared by commands: the studio-api context, or why it could not open.
pub(crate) fn state(app: &tauri::AppHandle) -> tauri::State<'_, AppState> {
    app.state::<AppState>()
}
