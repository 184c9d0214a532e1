//! The command-line grammar.
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(name = "studio", version, about = "Viral Studio: plan, render, score and publish from your own machine")]
pub struct Cli {
    /// Keep all data (database, library, logs) under DIR instead of the OS default.
    #[arg(long, global = true, value_name = "DIR", env = "STUDIO_DATA_DIR")]
    pub data_dir: Option<PathBuf>,

    /// Machine-readable JSON on stdout (errors as {"code","message"}).
    #[arg(long, global = true)]
    pub json: bool,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create, list and edit campaigns.
    #[command(subcommand)]
    Campaign(CampaignCmd),
    /// Import video, image and audio files (folders recurse) into the library.
    Import(ImportArgs),
    /// Render a platform-ready MP4 of an asset or a video file.
    Render(Box<RenderArgs>),
    /// Turn an .srt into the styled, word-highlighted .ass a render would burn.
    Captions {
        srt: String,
        #[arg(long)]
        preset: String,
        #[arg(long, value_name = "FILE.ass")]
        out: String,
        #[arg(long, value_name = "TEXT")]
        hook_text: Option<String>,
    },
    /// Viral-potential score (0-100) with the factors behind it and what to change.
    Score(ScoreArgs),
    /// List and delete renders (the history of each asset's renders).
    #[command(subcommand)]
    Renders(RendersCmd),
    /// Used by the app: reads a render request as JSON on stdin, reports JSON lines on stderr.
    #[command(hide = true)]
    RenderHelper,
    /// List render presets (built in, plus your own in the config folder's presets/).
    Presets,
    /// List the H.264 encoders that work on this machine.
    Encoders,
    /// List and inspect imported media.
    #[command(subcommand)]
    Asset(AssetCmd),
    /// Connect, list and disconnect platform accounts.
    #[command(subcommand)]
    Accounts(AccountsCmd),
    /// Publish a file (or an asset or render) to one account now; prints the post id and URL.
    Publish(PublishArgs),
    /// Compose posts (one target per account) and act on their targets.
    #[command(subcommand)]
    Post(PostCmd),
    /// Schedule a post: at a time, now, or in the next free queue slot of its accounts.
    Schedule(ScheduleArgs),
    /// What is waiting to be published, soonest first.
    #[command(subcommand)]
    Queue(QueueCmd),
    /// Weekly posting slots of an account ("Mon/Wed/Fri 18:00").
    #[command(subcommand)]
    Slots(SlotsCmd),
    /// Run the publisher headless: publishes due posts until stopped (one publisher per data
    /// folder: a second one waits for the first's lease).
    Daemon(DaemonArgs),
    /// The publisher's health: lease holder, queue, restarts, last error per account.
    Status,
    /// Views, engagement, best and worst posts, best times and ROI over a filter.
    Analytics(AnalyticsArgs),
    /// Record, list, delete and import a campaign's revenue and costs.
    #[command(subcommand)]
    Revenue(RevenueCmd),
    /// Export data for spreadsheets.
    #[command(subcommand)]
    Export(ExportCmd),
    /// A campaign report: one printable HTML file (or CSV) with reach, engagement, spend, revenue, ROI.
    Report(ReportArgs),
    /// Show version, data folder, database and log locations.
    Info,
}

#[derive(Debug, Args)]
pub struct AnalyticsArgs {
    #[arg(long, value_name = "ID")]
    pub campaign: Option<String>,
    #[arg(long, value_name = "ID")]
    pub account: Option<String>,
    /// tiktok, youtube, instagram, ...
    #[arg(long)]
    pub platform: Option<String>,
    /// First day (YYYY-MM-DD, inclusive) in --tz.
    #[arg(long, value_name = "DATE")]
    pub from: Option<String>,
    /// Last day (YYYY-MM-DD, inclusive) in --tz.
    #[arg(long, value_name = "DATE")]
    pub to: Option<String>,
    /// IANA zone for days and hours (default: the campaign's, else this machine's).
    #[arg(long, value_name = "ZONE")]
    pub tz: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum RevenueCmd {
    /// Record money earned (sponsorship, affiliate, payout, other) or spent (cost).
    Add {
        #[arg(long, value_name = "ID")]
        campaign: String,
        /// Decimal amount in the currency's units (1500.50).
        #[arg(long)]
        amount: String,
        /// ISO 4217 code (EUR, USD, JPY...).
        #[arg(long)]
        currency: String,
        /// sponsorship, affiliate, payout, other or cost.
        #[arg(long)]
        kind: String,
        /// YYYY-MM-DD (default: today in the campaign's zone).
        #[arg(long, value_name = "DATE")]
        date: Option<String>,
        #[arg(long)]
        note: Option<String>,
    },
    /// A campaign's entries, newest first.
    List {
        #[arg(long, value_name = "ID")]
        campaign: String,
    },
    /// Delete an entry (kept in the audit log).
    Delete { id: String },
    /// Import a payout export (CSV; encoding and delimiter are detected).
    Import {
        file: PathBuf,
        #[arg(long, value_name = "ID")]
        campaign: String,
        /// Which column is which field: "COLUMN=FIELD", fields amount, currency, date, kind, note,
        /// external_id (default: guessed from the headers).
        #[arg(long = "map", value_name = "COLUMN=FIELD")]
        map: Vec<String>,
        /// Currency of every row when the file has no currency column.
        #[arg(long)]
        currency: Option<String>,
        /// Kind of every row when the file has no kind column (default payout).
        #[arg(long)]
        kind: Option<String>,
        /// Show headers, the guessed mapping and what would be imported; store nothing.
        #[arg(long)]
        dry_run: bool,
    },
    /// Exchange rates to one base currency, for converted totals: --base EUR --rate USD=0.92
    Rates {
        #[arg(long)]
        base: Option<String>,
        #[arg(long = "rate", value_name = "CODE=RATE")]
        rate: Vec<String>,
    },
}

#[derive(Debug, Subcommand)]
pub enum ExportCmd {
    /// posts, targets, metrics (every snapshot) or revenue as CSV.
    Csv {
        #[arg(long, value_parser = ["posts", "targets", "metrics", "revenue"])]
        what: String,
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
    },
}

#[derive(Debug, Args)]
pub struct ReportArgs {
    pub campaign: String,
    #[arg(long, value_name = "FILE")]
    pub out: PathBuf,
    /// The numbers as CSV instead of HTML.
    #[arg(long)]
    pub csv: bool,
}

#[derive(Debug, Subcommand)]
pub enum PostCmd {
    /// Create a draft post; schedule it with `studio schedule`.
    Create(PostCreateArgs),
    /// A post with every target's state and timeline.
    Show { id: String },
    /// Posts by scheduled time.
    List {
        #[arg(long, value_name = "RFC3339")]
        from: Option<String>,
        #[arg(long, value_name = "RFC3339")]
        to: Option<String>,
        #[arg(long)]
        campaign: Option<String>,
        /// Include drafts without a time.
        #[arg(long)]
        drafts: bool,
    },
    /// Check a post against its platforms' rules and the compliance checks.
    Check { id: String },
    /// A published post's metrics over time, per platform.
    Results { id: String },
    /// Try a failed, unconfirmed or missed target again (now).
    Retry { target: String },
    /// Cancel a target that has not started.
    Cancel { target: String },
    /// Record that a target is on the platform (posted by hand, or checked after "unconfirmed").
    MarkPosted {
        target: String,
        #[arg(long)]
        url: Option<String>,
    },
    /// Take a scheduled post back to draft.
    Unschedule { id: String },
    /// Delete a post that is not being published.
    Delete { id: String },
}

#[derive(Debug, Args)]
pub struct PostCreateArgs {
    #[arg(long)]
    pub campaign: String,
    /// An asset or render id.
    #[arg(long)]
    pub media: Option<String>,
    #[arg(long, default_value = "")]
    pub caption: String,
    #[arg(long)]
    pub title: Option<String>,
    /// Accounts to post to (repeat, or comma-separated).
    #[arg(long = "account", required = true, value_delimiter = ',')]
    pub accounts: Vec<String>,
    /// Per-account changes: ACCOUNT:field=value with field caption, title, hashtags (comma
    /// list), privacy, media, first_comment, thread_part (repeat, in order), or any platform
    /// option (board_id=…).
    #[arg(long = "override", value_name = "ACCOUNT:FIELD=VALUE")]
    pub overrides: Vec<String>,
}

#[derive(Debug, Args)]
pub struct ScheduleArgs {
    pub post: String,
    /// RFC 3339 (2026-03-29T18:00:00+02:00), or a local time (2026-03-29T18:00) in --tz.
    #[arg(long, value_name = "TIME", conflicts_with_all = ["next_slot", "now"])]
    pub at: Option<String>,
    /// IANA zone (default: the campaign's).
    #[arg(long, value_name = "ZONE")]
    pub tz: Option<String>,
    #[arg(long, conflicts_with = "now")]
    pub next_slot: bool,
    #[arg(long)]
    pub now: bool,
    /// Repeat: daily or weekly.
    #[arg(long, value_name = "FREQ")]
    pub repeat: Option<String>,
    #[arg(long, default_value_t = 1)]
    pub every: u32,
    /// Weekly repeat days, ISO numbers or names (mon,wed,fri).
    #[arg(long, value_delimiter = ',')]
    pub on: Vec<String>,
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub until: Option<String>,
    #[arg(long)]
    pub count: Option<u32>,
    /// Schedule despite compliance issues; the reason is kept in the audit log.
    #[arg(long, value_name = "REASON")]
    pub override_compliance: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum QueueCmd {
    /// Targets waiting or in flight.
    List,
}

#[derive(Debug, Subcommand)]
pub enum SlotsCmd {
    Show {
        account: String,
    },
    /// Replace an account's slots: --at mon@18:00 --at wed@18:00 --tz Europe/Berlin
    Set {
        account: String,
        #[arg(long = "at", value_name = "DAY@HH:MM")]
        at: Vec<String>,
        #[arg(long)]
        tz: String,
    },
}

#[derive(Debug, Args)]
pub struct DaemonArgs {
    /// Stop when nothing is queued or running (scripts and tests).
    #[arg(long)]
    pub exit_when_idle: bool,
}

#[derive(Debug, Subcommand)]
pub enum AccountsCmd {
    /// Every platform: how it signs in, what to register, and its limits.
    Platforms,
    /// Connect an account. OAuth platforms open your browser; Bluesky takes an app password.
    Connect(ConnectArgs),
    /// Connected accounts and their status (connected, expiring, needs_reconnect).
    List,
    /// Revoke the app's access where the platform allows it and forget the account's sign-in.
    Disconnect { id: String },
}

#[derive(Debug, Args)]
pub struct ConnectArgs {
    /// youtube, tiktok, instagram, facebook, x, linkedin, threads, pinterest, mastodon or bluesky.
    pub platform: String,
    /// Your app's client ID (once per platform; remembered in the OS keychain).
    #[arg(long, value_name = "ID")]
    pub client_id: Option<String>,
    /// Read your app's client secret from stdin (never as an argument: it would land in shell history).
    #[arg(long)]
    pub client_secret_stdin: bool,
    /// Your Mastodon server, or a Bluesky PDS (default https://bsky.social).
    #[arg(long, value_name = "URL")]
    pub instance: Option<String>,
    /// Bluesky handle (e.g. you.bsky.social).
    #[arg(long, value_name = "HANDLE")]
    pub handle: Option<String>,
    /// Read a Bluesky app password from stdin.
    #[arg(long)]
    pub app_password_stdin: bool,
    /// Read an access token from stdin (Mastodon: Preferences → Development → your application).
    #[arg(long)]
    pub access_token_stdin: bool,
    /// Print the sign-in URL instead of opening a browser (for a headless machine or another device).
    #[arg(long)]
    pub no_browser: bool,
}

#[derive(Debug, Args)]
pub struct PublishArgs {
    /// A file, an asset id or a render id.
    pub input: String,
    #[arg(long, value_name = "ID")]
    pub account: String,
    #[arg(long, value_name = "TEXT", default_value = "")]
    pub caption: String,
    #[arg(long, value_name = "TEXT")]
    pub title: Option<String>,
    /// Platform options as key=value (privacy=private, visibility=unlisted, board_id=…).
    #[arg(long = "option", value_name = "KEY=VALUE")]
    pub options: Vec<String>,
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// Files and folders to import.
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// Attach the imported media to this campaign.
    #[arg(long, value_name = "ID")]
    pub campaign: Option<String>,
    /// Use the files where they are instead of copying them into the library.
    #[arg(long)]
    pub reference: bool,
}

#[derive(Debug, Subcommand)]
pub enum AssetCmd {
    /// List assets, newest first.
    List {
        #[arg(long, value_parser = ["video", "image", "audio"])]
        kind: Option<String>,
        #[arg(long, value_name = "ID")]
        campaign: Option<String>,
        /// Part of the original file name.
        #[arg(long)]
        search: Option<String>,
    },
    /// Show one asset with its probe facts.
    Show { id: String },
}

#[derive(Debug, Args)]
pub struct ScoreArgs {
    /// Asset ids, render ids or video files; several are ranked side by side. `studio score
    /// model --account ID` reports the account's learned model and its held-out evaluation.
    #[arg(required = true, value_name = "INPUT")]
    pub inputs: Vec<String>,
    /// Score with this account's learned model and best times.
    #[arg(long, value_name = "ID")]
    pub account: Option<String>,
    /// With `model`: the zone the best times are given in (default: the system's).
    #[arg(long, value_name = "IANA")]
    pub tz: Option<String>,
    /// tiktok, instagram, youtube, youtube_shorts, x, linkedin, facebook, bluesky, threads,
    /// pinterest, snapchat. Default: the account's platform, else tiktok.
    #[arg(long)]
    pub platform: Option<String>,
    #[arg(long)]
    pub caption: Option<String>,
    #[arg(long)]
    pub title: Option<String>,
    /// When it will be posted, RFC 3339 (e.g. 2026-11-24T18:00:00+01:00).
    #[arg(long, value_name = "TIME")]
    pub at: Option<String>,
    /// Measure the video again even if its features are cached.
    #[arg(long)]
    pub no_cache: bool,
}

#[derive(Debug, Subcommand)]
pub enum RendersCmd {
    /// List renders, newest first.
    List {
        /// Only this asset's renders.
        #[arg(long, value_name = "ID")]
        asset: Option<String>,
    },
    /// Delete a render: its file and its place in the history.
    Delete { id: String },
}

#[derive(Debug, Subcommand)]
pub enum CampaignCmd {
    /// Create a campaign and print it.
    Create(Box<CreateArgs>),
    /// List campaigns (active ones; --all adds archived).
    List {
        /// Include archived campaigns.
        #[arg(long)]
        all: bool,
    },
    /// Show one campaign.
    Show { id: String },
    /// Change fields of a campaign; pass "" to clear an optional field.
    Update(Box<UpdateArgs>),
    /// Archive a campaign (hidden from the default list, kept with its history).
    Archive {
        id: String,
        /// Bring it back instead.
        #[arg(long)]
        undo: bool,
    },
    /// Bring an archived campaign back.
    Unarchive { id: String },
    /// Delete a campaign.
    Delete { id: String },
}

#[derive(Debug, Args)]
pub struct CreateArgs {
    pub name: String,
    #[arg(long)]
    pub goal: Option<String>,
    /// Start date, YYYY-MM-DD.
    #[arg(long, value_name = "DATE")]
    pub starts: Option<String>,
    /// End date, YYYY-MM-DD.
    #[arg(long, value_name = "DATE")]
    pub ends: Option<String>,
    /// IANA time zone, e.g. Europe/Berlin (default: this machine's).
    #[arg(long, value_name = "IANA")]
    pub timezone: Option<String>,
    /// The campaign is paid or sponsored (posts will need a disclosure).
    #[arg(long)]
    pub sponsored: bool,
    #[arg(long, value_name = "AMOUNT", allow_hyphen_values = true)]
    pub budget: Option<String>,
    /// ISO 4217 code, e.g. USD.
    #[arg(long, value_name = "CODE")]
    pub currency: Option<String>,
    #[arg(long)]
    pub notes: Option<String>,
}

#[derive(Debug, Args)]
pub struct UpdateArgs {
    pub id: String,
    #[arg(long)]
    pub name: Option<String>,
    #[arg(long)]
    pub goal: Option<String>,
    #[arg(long, value_name = "DATE")]
    pub starts: Option<String>,
    #[arg(long, value_name = "DATE")]
    pub ends: Option<String>,
    #[arg(long, value_name = "IANA")]
    pub timezone: Option<String>,
    #[arg(long, value_name = "BOOL")]
    pub sponsored: Option<bool>,
    #[arg(long, value_name = "AMOUNT", allow_hyphen_values = true)]
    pub budget: Option<String>,
    #[arg(long, value_name = "CODE")]
    pub currency: Option<String>,
    #[arg(long)]
    pub notes: Option<String>,
    /// Only apply if the campaign is still at this version.
    #[arg(long, value_name = "N")]
    pub expected_version: Option<u32>,
}

#[derive(Debug, Args)]
pub struct RenderArgs {
    /// An asset id or a path to a video file.
    pub input: String,
    /// tiktok, reels, shorts, youtube, square, portrait, x, linkedin, or one of yours.
    #[arg(long)]
    pub preset: String,
    /// Output .mp4 (default: the renders folder).
    #[arg(long, value_name = "FILE")]
    pub out: Option<String>,
    /// Seconds to keep, START-END (e.g. 12.5-40).
    #[arg(long, value_name = "START-END")]
    pub trim: Option<String>,
    /// How to change the aspect ratio.
    #[arg(long, value_parser = ["blur", "center", "smart"])]
    pub reframe: Option<String>,
    /// auto (hardware when it works, else libx264), cpu, or an encoder name.
    #[arg(long, default_value = "auto")]
    pub encoder: String,
    #[arg(long, value_name = "P")]
    pub x264_preset: Option<String>,
    #[arg(long, value_name = "N")]
    pub crf: Option<u8>,
    /// Burn in captions: .srt (styled, word-by-word highlight) or .ass (as authored).
    #[arg(long, value_name = "FILE")]
    pub captions: Option<String>,
    /// Big text at the top for the first seconds.
    #[arg(long, value_name = "TEXT")]
    pub hook_text: Option<String>,
    #[arg(long, value_name = "SECONDS")]
    pub hook_seconds: Option<f64>,
    /// Background music, mixed under the source audio and ducked while it speaks.
    #[arg(long, value_name = "FILE")]
    pub music: Option<String>,
    /// Progress as JSON lines on stderr ({"event":"progress","stage":"rendering","fraction":0.42}).
    #[arg(long)]
    pub progress_json: bool,
}
