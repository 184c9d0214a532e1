//! `studio`: every Viral Studio operation from a terminal or a script.
//!
//! Exit codes: 0 success, 1 a user-facing error (message on stderr; with `--json` also
//! `{code, message}` on stdout), 2 a usage error (clap's own).
mod accounts;
mod analytics;
mod args;
mod asset;
mod campaign;
mod output;
mod post;
mod render;
mod score;

use std::process::ExitCode;

use clap::Parser;
use studio_api::{ApiError, Context};
use studio_core::StudioPaths;

use crate::args::{Cli, Command};
use crate::output::{Out, Status};

fn main() -> ExitCode {
    let cli = Cli::parse();
    init_logging();
    let out = Out { json: cli.json };
    match run(cli, &out) {
        Ok(Status::Ok) => ExitCode::SUCCESS,
        // The command did its work and printed its report, but some of it failed.
        Ok(Status::Partial) => ExitCode::from(1),
        Err(e) => {
            out.error(&e);
            ExitCode::from(1)
        }
    }
}

fn init_logging() {
    // Logs go to stderr so that stdout stays clean JSON; quiet unless asked (STUDIO_LOG=info).
    let filter = tracing_subscriber::EnvFilter::try_from_env("STUDIO_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn"));
    let _ = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr).try_init();
}

fn run(cli: Cli, out: &Out) -> Result<Status, ApiError> {
    let paths = StudioPaths::resolve(cli.data_dir.as_deref())?;
    if let Command::Daemon(args) = cli.command {
        let ctx = std::sync::Arc::new(Context::open(paths, "daemon")?);
        return post::daemon(ctx, args).map(|()| Status::Ok);
    }
    let ctx = Context::open(paths, "cli")?;
    match cli.command {
        Command::Campaign(cmd) => campaign::run(&ctx, cmd, out).map(|()| Status::Ok),
        Command::Import(args) => asset::import(&ctx, args, out),
        Command::Render(args) => render::run(&ctx, *args, out).map(|()| Status::Ok),
        Command::Captions { srt, preset, out: file, hook_text } => {
            let written = studio_api::renders::captions_to_ass(&ctx, &srt, &preset, hook_text.as_deref(), &file)?;
            out.value(&serde_json::json!({ "output": written }), || format!("Wrote {written}")).map(|()| Status::Ok)
        }
        Command::Score(args) => score::run(&ctx, args, out).map(|()| Status::Ok),
        Command::Renders(cmd) => render::run_renders(&ctx, cmd, out).map(|()| Status::Ok),
        Command::RenderHelper => Ok(render::helper(&ctx)),
        Command::Presets => render::presets(&ctx, out).map(|()| Status::Ok),
        Command::Encoders => {
            let list = studio_api::renders::encoders();
            out.value(&list, || list.join("\n")).map(|()| Status::Ok)
        }
        Command::Asset(cmd) => asset::run(&ctx, cmd, out).map(|()| Status::Ok),
        Command::Accounts(cmd) => accounts::run(&ctx, cmd, out).map(|()| Status::Ok),
        Command::Publish(args) => accounts::publish(&ctx, args, out).map(|()| Status::Ok),
        Command::Post(cmd) => post::run(&ctx, cmd, out).map(|()| Status::Ok),
        Command::Schedule(args) => post::schedule(&ctx, args, out).map(|()| Status::Ok),
        Command::Queue(cmd) => post::queue(&ctx, cmd, out).map(|()| Status::Ok),
        Command::Slots(cmd) => post::slots(&ctx, cmd, out).map(|()| Status::Ok),
        Command::Status => post::status(&ctx, out).map(|()| Status::Ok),
        Command::Daemon(_) => Ok(Status::Ok),
        Command::Analytics(args) => analytics::show(&ctx, args, out).map(|()| Status::Ok),
        Command::Revenue(cmd) => analytics::revenue(&ctx, cmd, out),
        Command::Export(cmd) => analytics::export(&ctx, cmd, out).map(|()| Status::Ok),
        Command::Report(args) => analytics::report(&ctx, args, out).map(|()| Status::Ok),
        Command::Info => {
            let info = studio_api::app::info(&ctx)?;
            out.value(&info, || {
                format!(
                    "Viral Studio {}\ndata:     {}\ndatabase: {}\nlogs:     {}\ntimezone: {}",
                    info.version, info.data_dir, info.database_path, info.log_dir, info.default_timezone
                )
            })
            .map(|()| Status::Ok)
        }
    }
}
