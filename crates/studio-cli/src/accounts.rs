//! `studio accounts …` and `studio publish`.
use std::io::{IsTerminal, Read, Write};

use studio_api::accounts::{self, ConnectRequest};
use studio_api::publish::{self, PublishNowRequest};
use studio_api::{ApiError, Context, ErrorCode};

use crate::args::{AccountsCmd, ConnectArgs, PublishArgs};
use crate::output::{table, Out};

pub fn run(ctx: &Context, cmd: AccountsCmd, out: &Out) -> Result<(), ApiError> {
    match cmd {
        AccountsCmd::Platforms => {
            let list = accounts::platforms();
            out.value(&list, || {
                let rows = list
                    .iter()
                    .map(|p| {
                        vec![
                            p.id.as_str().to_string(),
                            p.name.clone(),
                            p.auth.clone(),
                            p.redirect_uri.clone().unwrap_or_default() + if p.any_port { " (any port)" } else { "" },
                            format!("{} {}", p.limits.caption_max, p.limits.caption_unit),
                            if p.available { "yes" } else { "not yet" }.to_string(),
                        ]
                    })
                    .collect::<Vec<_>>();
                table(&["ID", "PLATFORM", "SIGN-IN", "REDIRECT URI", "CAPTION", "AVAILABLE"], &rows)
            })
        }
        AccountsCmd::List => {
            let list = accounts::list(ctx)?;
            out.value(&list, || {
                if list.is_empty() {
                    return "No accounts yet: `studio accounts connect PLATFORM`".into();
                }
                let rows = list
                    .iter()
                    .map(|a| vec![a.id.clone(), a.platform_name.clone(), a.handle.clone(), a.status.to_string()])
                    .collect::<Vec<_>>();
                table(&["ID", "PLATFORM", "ACCOUNT", "STATUS"], &rows)
            })
        }
        AccountsCmd::Connect(args) => connect(ctx, args, out),
        AccountsCmd::Disconnect { id } => {
            let d = accounts::disconnect(ctx, &id)?;
            out.value(&d, || match &d.note {
                Some(note) => format!("Disconnected {} ({note})", d.id),
                None => format!("Disconnected {} and revoked its access", d.id),
            })
        }
    }
}

/// One secret from stdin: the first line, without its newline.
fn read_secret(what: &str) -> Result<String, ApiError> {
    if std::io::stdin().is_terminal() {
        eprint!("{what}: ");
        let _ = std::io::stderr().flush();
    }
    let mut buf = String::new();
    std::io::stdin()
        .take(64 * 1024)
        .read_to_string(&mut buf)
        .map_err(|e| ApiError::new(ErrorCode::Io, format!("cannot read the {what} from stdin: {e}")))?;
    let line = buf.lines().next().unwrap_or_default().trim().to_string();
    if line.is_empty() {
        return Err(ApiError::new(ErrorCode::InvalidInput, format!("no {what} on stdin")));
    }
    Ok(line)
}

fn connect(ctx: &Context, args: ConnectArgs, out: &Out) -> Result<(), ApiError> {
    let stdin_flags = [args.client_secret_stdin, args.app_password_stdin, args.access_token_stdin];
    if stdin_flags.iter().filter(|f| **f).count() > 1 {
        return Err(ApiError::new(ErrorCode::InvalidInput, "only one secret can come from stdin at a time"));
    }
    let req = ConnectRequest {
        platform: args.platform,
        client_id: args.client_id,
        client_secret: args.client_secret_stdin.then(|| read_secret("client secret")).transpose()?,
        instance: args.instance,
        handle: args.handle,
        app_password: args.app_password_stdin.then(|| read_secret("app password")).transpose()?,
        access_token: args.access_token_stdin.then(|| read_secret("access token")).transpose()?,
    };
    let no_browser = args.no_browser;
    let mut show = |url: &str| {
        // stderr, so that stdout stays the JSON result; a script or test can follow the link.
        eprintln!("Sign in here: {url}");
        if !no_browser {
            if let Err(e) = open_browser(url) {
                eprintln!("(could not open a browser: {e}; open the link yourself)");
            }
        }
    };
    let account = accounts::connect_showing_link(ctx, req, &mut show, &|| false)?;
    out.value(&account, || format!("Connected {} {} ({})", account.platform_name, account.handle, account.id))
}

fn open_browser(url: &str) -> std::io::Result<()> {
    #[cfg(target_os = "macos")]
    let mut cmd = std::process::Command::new("open");
    #[cfg(target_os = "windows")]
    let mut cmd = {
        let mut c = std::process::Command::new("rundll32");
        c.arg("url.dll,FileProtocolHandler");
        c
    };
    #[cfg(not(any(target_os = "macos", target_os = "windows")))]
    let mut cmd = std::process::Command::new("xdg-open");
    cmd.arg(url).stdout(std::process::Stdio::null()).stderr(std::process::Stdio::null()).spawn().map(|_| ())
}

pub fn publish(ctx: &Context, args: PublishArgs, out: &Out) -> Result<(), ApiError> {
    let mut options = std::collections::BTreeMap::new();
    for o in &args.options {
        let (k, v) = o
            .split_once('=')
            .ok_or_else(|| ApiError::new(ErrorCode::InvalidInput, format!("--option {o}: expected KEY=VALUE")))?;
        options.insert(k.trim().to_string(), v.to_string());
    }
    let req = PublishNowRequest {
        account_id: args.account,
        input: args.input,
        caption: args.caption,
        title: args.title,
        options,
    };
    let json = out.json;
    let mut last_pct = None;
    let mut progress = |done: u64, total: u64| {
        if json || total == 0 {
            return;
        }
        let pct = done * 100 / total;
        if last_pct != Some(pct) {
            last_pct = Some(pct);
            eprint!("\ruploading {pct:>3}%");
            if done == total {
                eprintln!();
            }
        }
    };
    let published = publish::publish_now(ctx, req, &mut progress, &|| false)?;
    out.value(&published, || match &published.url {
        Some(url) => format!("Published {} → {url}", published.post_id),
        None => format!("Published {}", published.post_id),
    })
}
