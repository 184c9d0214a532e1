//! CSV exports read back, and the campaign report: numbers present, hostile text escaped,
//! thumbnails embedded.
mod seed;

use studio_api::export::{self, ExportKind};
use studio_api::report;
use studio_api::revenue::{self, RevenueInput};

use seed::{account, campaign, context, ms, post, snapshot, target};

fn read_csv(path: &std::path::Path) -> (Vec<String>, Vec<Vec<String>>) {
    let mut r = csv::Reader::from_path(path).expect("csv");
    let headers = r.headers().expect("headers").iter().map(str::to_string).collect();
    let rows = r.records().map(|x| x.expect("row").iter().map(str::to_string).collect()).collect();
    (headers, rows)
}

fn add(ctx: &studio_api::Context, c: &str, kind: &str, amount: &str, note: &str) {
    revenue::add(
        ctx,
        RevenueInput {
            campaign_id: c.into(),
            kind: kind.into(),
            amount: amount.into(),
            currency: "EUR".into(),
            occurred_on: Some("2026-04-01".into()),
            note: Some(note.into()),
        },
    )
    .expect("revenue");
}

const HOSTILE: &str = "<script>alert('x')</script> \"quoted\", comma\nnew line & <b>bold</b>";

#[test]
fn exports_read_back_row_for_row() {
    let (dir, ctx) = context();
    let c = campaign(&ctx, "Export, \"quoted\"", "UTC");
    let acct = account(&ctx, "tiktok", "@tt");
    let at = ms("2026-05-04T10:00:00Z");
    let p = post(&ctx, &c, HOSTILE);
    let t = target(&ctx, &p, &acct, Some(at));
    snapshot(&ctx, &t, at + 3_600_000, [10, 1, 0, 0, 0]);
    snapshot(&ctx, &t, at + 86_400_000, [500, 40, 5, 2, 3]);
    let formula = post(&ctx, &c, "=HYPERLINK(\"http://evil\")");
    target(&ctx, &formula, &acct, None);
    add(&ctx, &c, "sponsorship", "1500.5", "first");
    add(&ctx, &c, "cost", "200", "-1 discount");

    let out = dir.path().join("posts.csv");
    let r = export::csv(&ctx, ExportKind::Posts, &out).expect("posts");
    assert_eq!(r.rows, 2);
    let (h, rows) = read_csv(&out);
    assert_eq!(h[..5], ["id", "campaign_id", "campaign", "title", "caption"]);
    let caption = |id: &str| rows.iter().find(|r| r[0] == id).map(|r| r[4].clone()).expect("row");
    assert_eq!(caption(&p), HOSTILE, "commas, quotes and newlines survive the round trip");
    assert_eq!(caption(&formula), "'=HYPERLINK(\"http://evil\")", "formulas are defused");
    assert_eq!(rows[0][2], "Export, \"quoted\"");

    let out = dir.path().join("targets.csv");
    assert_eq!(export::csv(&ctx, ExportKind::Targets, &out).expect("targets").rows, 2);
    let (h, rows) = read_csv(&out);
    let row = rows.iter().find(|r| r[0] == t).expect("target row");
    let col = |name: &str| h.iter().position(|x| x == name).expect("column");
    assert_eq!((row[col("state")].as_str(), row[col("views")].as_str()), ("published", "500"));
    assert_eq!(row[col("published_at")], "2026-05-04T10:00:00.000Z");

    let out = dir.path().join("metrics.csv");
    assert_eq!(export::csv(&ctx, ExportKind::Metrics, &out).expect("metrics").rows, 2);
    let (h, rows) = read_csv(&out);
    assert_eq!(
        h,
        [
            "id",
            "target_id",
            "post_id",
            "platform",
            "captured_at",
            "views",
            "likes",
            "comments",
            "shares",
            "saves",
            "watch_time_s"
        ]
    );
    let views: Vec<&str> = rows.iter().map(|r| r[5].as_str()).collect();
    assert_eq!(views, ["10", "500"]);

    let out = dir.path().join("revenue.csv");
    assert_eq!(export::csv(&ctx, ExportKind::Revenue, &out).expect("revenue").rows, 2);
    let (_, rows) = read_csv(&out);
    let amounts: Vec<(&str, &str, &str)> = rows.iter().map(|r| (r[3].as_str(), r[4].as_str(), r[7].as_str())).collect();
    assert!(amounts.contains(&("sponsorship", "1500.50", "first")));
    assert!(amounts.contains(&("cost", "200.00", "'-1 discount")));

    // A failed export leaves nothing under the chosen name.
    let bad = dir.path().join("no-such-dir").join("x.csv");
    assert!(export::csv(&ctx, ExportKind::Posts, &bad).is_err());
    assert!(!bad.exists());
}

#[test]
fn report_escapes_hostile_captions_and_shows_the_numbers() {
    let (dir, ctx) = context();
    let c = campaign(&ctx, "<img src=x onerror=alert(1)> Launch", "UTC");
    let acct = account(&ctx, "youtube", "@yt");
    let at = ms("2026-05-04T10:00:00Z");
    let p = post(&ctx, &c, HOSTILE);
    let t = target(&ctx, &p, &acct, Some(at));
    snapshot(&ctx, &t, at + 86_400_000, [12_345, 600, 50, 30, 20]);
    add(&ctx, &c, "sponsorship", "2500", "deal");
    add(&ctx, &c, "cost", "1000", "ads");

    // A thumbnail on disk for the post's asset is embedded as a data: URI.
    let hash = "ab".repeat(32);
    let thumbs = ctx.paths().cache.join("thumbs").join(&hash);
    std::fs::create_dir_all(&thumbs).expect("dir");
    std::fs::write(thumbs.join("poster.jpg"), b"\xFF\xD8\xFF\xE0fakejpeg").expect("thumb");
    let asset = studio_core::ids::new_id();
    ctx.db()
        .write(|tx| {
            tx.execute(
                "INSERT INTO assets (id, kind, content_hash, storage, library_path, original_name, size_bytes, probe_json,
                                     created_at, updated_at)
                 VALUES (?1, 'video', ?2, 'copied', '/x.mp4', 'x.mp4', 1, '{}', 0, 0)",
                rusqlite::params![asset, hash],
            )?;
            tx.execute("UPDATE post_targets SET asset_id = ?2 WHERE id = ?1", rusqlite::params![t, asset])?;
            Ok(())
        })
        .expect("asset");

    let out = dir.path().join("report.html");
    let r = report::html(&ctx, &c, &out).expect("report");
    let html = std::fs::read_to_string(&out).expect("read");
    assert_eq!(r.bytes as usize, html.len());
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(!html.contains("<script"), "no script element may appear");
    assert!(!html.contains("<img src=x"), "the campaign name is escaped");
    assert!(!html.contains("<b>bold"));
    assert!(html.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"));
    assert!(html.contains("&lt;img src=x onerror=alert(1)&gt; Launch"));
    assert!(html.contains("12\u{202f}345"), "views");
    assert!(html.contains("5.67 %"), "engagement rate 700 / 12345");
    assert!(html.contains("1000.00") && html.contains("2500.00") && html.contains("1500.00"), "spend, revenue, net");
    assert!(html.contains("+150.0 %"), "ROI");
    assert!(html.contains("<img class=\"thumb\" alt=\"\" src=\"data:image/jpeg;base64,/9j/4"), "thumbnail embedded");
    assert!(html.contains("@media print"));
    assert!(!html.contains("http://") && !html.contains("https://"), "self-contained: nothing loaded from outside");

    let out = dir.path().join("report.csv");
    report::csv(&ctx, &c, &out).expect("csv");
    let (h, rows) = read_csv(&out);
    assert_eq!(h, ["section", "name", "value", "unit"]);
    let find = |s: &str, n: &str| rows.iter().find(|r| r[0] == s && r[1] == n).map(|r| r[2].clone());
    assert_eq!(find("totals", "views").as_deref(), Some("12345"));
    assert_eq!(find("money", "roi").as_deref(), Some("1.500000"));
    assert_eq!(find("money", "spend").as_deref(), Some("1000.00"));

    // An empty campaign still gets a report.
    let empty = campaign(&ctx, "Nothing yet", "UTC");
    let html = report::render_html(&ctx, &empty).expect("empty report");
    assert!(html.contains("No published posts with views yet."));
}
