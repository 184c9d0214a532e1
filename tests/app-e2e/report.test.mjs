// The campaign report opened in a real browser: a report made by the real `studio` CLI from a
// data folder holding published posts with metrics (written straight into the database, as the
// publisher would leave them: no platform is contacted), revenue and a cost, then loaded from
// disk in Debian's Chromium through Playwright. It must render its numbers, show a hostile
// caption as text without running it, and load nothing from the network.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { need } from "./harness.mjs";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "../..");
const OUT = join(ROOT, "target-e2e");
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
// The launch arguments of ui/playwright.config.ts.
const ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

const HOSTILE = `<script>window.__pwned = true</script><img src=x onerror="window.__pwned = 'img'"> Spring drop teaser`;

/** better-sqlite3 where `make peers` installed it (make test-app does), else the sqlite3 CLI. */
function runSql(dbPath, sql) {
  try {
    const Database = createRequire(join(ROOT, "tests/peers/package.json"))("better-sqlite3");
    const db = new Database(dbPath);
    try {
      db.exec(sql);
    } finally {
      db.close();
    }
  } catch (err) {
    if (err?.code !== "MODULE_NOT_FOUND") throw err;
    execFileSync("sqlite3", ["-bail", dbPath], { input: sql });
  }
}

const q = (s) => `'${String(s).replaceAll("'", "''")}'`;

test("the campaign report renders in Chromium with its numbers, escaped captions and no network", async (t) => {
  const bin = need("STUDIO_BIN");
  const dir = mkdtempSync(join(tmpdir(), "studio-report-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  // This test's own folder, whatever make test-app exported for the app suites.
  const { STUDIO_DATA_DIR: _ignored, ...env } = process.env;
  const studio = (...args) => JSON.parse(execFileSync(bin, ["--json", "--data-dir", dir, ...args], { encoding: "utf8", env }));

  const campaign = studio("campaign", "create", "Spring <launch> & co", "--timezone", "UTC", "--goal", "50k views", "--sponsored",
    "--budget", "1000", "--currency", "EUR");
  const info = studio("info");

  // Three published posts on two accounts, each with an early and a latest metrics snapshot
  // (the report reads the latest). Views 12000 + 8000 + 5000; engagements 1050 + 440 + 120.
  const tiktok = randomUUID();
  const youtube = randomUUID();
  const published = Date.parse("2026-03-10T18:00:00Z");
  const posts = [
    { caption: HOSTILE, account: tiktok, latest: [12000, 900, 80, 40, 30] },
    { caption: "Behind the scenes", account: tiktok, latest: [8000, 400, 20, 10, 10] },
    { caption: "Unboxing, part 2", account: youtube, latest: [5000, 100, 10, 5, 5] },
  ];
  let sql = `BEGIN;
INSERT INTO accounts (id, platform, handle, created_at, updated_at) VALUES (${q(tiktok)}, 'tiktok', '@creator', 0, 0);
INSERT INTO accounts (id, platform, handle, created_at, updated_at) VALUES (${q(youtube)}, 'youtube', '@creator', 0, 0);
`;
  posts.forEach((p, i) => {
    const post = randomUUID();
    const target = randomUUID();
    const at = published + i * 3_600_000;
    sql += `INSERT INTO posts (id, campaign_id, caption, state, created_at, updated_at) VALUES (${q(post)}, ${q(campaign.id)}, ${q(p.caption)}, 'done', 0, 0);
INSERT INTO post_targets (id, post_id, account_id, state, idempotency_key, published_at, created_at, updated_at)
  VALUES (${q(target)}, ${q(post)}, ${q(p.account)}, 'published', ${q(target)}, ${at}, 0, 0);
`;
    for (const [when, c] of [[at + 3_600_000, p.latest.map((n) => Math.floor(n / 10))], [at + 86_400_000, p.latest]]) {
      sql += `INSERT INTO metric_snapshots (id, post_target_id, captured_at, views, likes, comments, shares, saves, created_at, updated_at)
  VALUES (${q(randomUUID())}, ${q(target)}, ${when}, ${c.join(", ")}, ${when}, ${when});
`;
    }
  });
  runSql(info.database_path, `${sql}COMMIT;\n`);

  studio("revenue", "add", "--campaign", campaign.id, "--amount", "2500", "--currency", "EUR", "--kind", "sponsorship", "--date", "2026-03-20",
    "--note", "Brand deal");
  studio("revenue", "add", "--campaign", campaign.id, "--amount", "1000", "--currency", "EUR", "--kind", "cost", "--date", "2026-03-01");
  const analytics = studio("analytics", "--campaign", campaign.id);
  assert.equal(analytics.totals.views, 25000, "the seeded metrics are what analytics reads");

  const html = join(dir, "campaign-report.html");
  const written = studio("report", campaign.id, "--out", html);
  assert.ok(written.bytes > 1000, `report of ${written.bytes} bytes`);

  const require = createRequire(join(ROOT, "ui/package.json"));
  const { chromium } = require("playwright");
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS, headless: true });
  t.after(() => browser.close());
  const context = await browser.newContext({ viewport: { width: 1100, height: 900 }, javaScriptEnabled: true });
  const requests = [];
  // Anything but the report file itself would be the network (or another file): record and refuse it.
  const url = pathToFileURL(html).href;
  await context.route("**/*", (route) => {
    const u = route.request().url();
    if (u === url) return route.continue();
    requests.push(u);
    return route.abort();
  });
  const page = await context.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(e.message));
  await page.goto(url);

  assert.equal(await page.locator("h1").textContent(), "Spring <launch> & co");
  assert.equal(await page.title(), "Spring <launch> & co — campaign report");
  assert.equal(await page.locator("body > p").first().textContent(), "50k views");

  const card = async (label) => (await page.locator(".card", { has: page.locator(".k", { hasText: new RegExp(`^${label}$`) }) }).locator(".v").textContent());
  const nb = (s) => s.replaceAll("\u202f", " ");
  assert.equal(await card("Posts"), "3");
  assert.equal(await card("Published"), "3");
  assert.equal(nb(await card("Views")), "25 000");
  assert.equal(await card("Engagement rate"), "6.44 %");
  assert.equal(nb(await card("Likes")), "1 400");

  // Money: one currency, so its ROI is the campaign's: (2500 − 1000) / 1000.
  const money = page.locator("h2", { hasText: "Spend, revenue and ROI" }).locator("xpath=following-sibling::table[1]");
  const cells = await money.locator("tbody tr").first().locator("td").allTextContents();
  assert.deepEqual(cells, ["EUR", "1000.00", "2500.00", "1500.00", "+150.0 %"]);
  assert.match(await page.locator("body").textContent(), /Budget: 1000\.00 EUR/);

  // Best posts, by engagement rate: the hostile caption first, shown as the text it is.
  const best = page.locator("h2", { hasText: "Best posts" }).locator("xpath=following-sibling::table[1]");
  const rows = best.locator("tbody tr");
  assert.equal(await rows.count(), 3);
  const first = rows.nth(0);
  assert.match(await first.locator("td.caption").textContent(), /^<script>window\.__pwned = true<\/script><img src=x onerror=/);
  assert.deepEqual((await first.locator("td.n").allTextContents()).map(nb), ["12 000", "1 050", "8.75 %"]);
  // Platforms by name and times on the campaign's clock (UTC here), as a sponsor reads them.
  assert.match(await first.locator("td.caption .muted").textContent(), /^TikTok · 2026-03-10 18:00$/);
  assert.match(await rows.nth(1).locator("td.caption").textContent(), /^Behind the scenes/);
  assert.match(await rows.nth(2).locator("td.caption").textContent(), /^Unboxing, part 2/);

  const platforms = page.locator("h2", { hasText: "By platform" }).locator("xpath=following-sibling::table[1]");
  assert.deepEqual(await platforms.locator("tbody tr td:first-child").allTextContents(), ["TikTok", "YouTube"]);

  assert.equal(await page.evaluate(() => window.__pwned), undefined, "the caption's script must not run");
  assert.equal(await page.locator("script, img:not(.thumb)").count(), 0, "no markup came from a caption");
  assert.deepEqual(errors, []);
  assert.deepEqual(requests, [], "the report loads nothing: styles are inline, thumbnails are data: URIs");

  mkdirSync(OUT, { recursive: true });
  await page.screenshot({ path: join(OUT, "report.png"), fullPage: true });
  // Print styles work too: the report is meant to be sent as a PDF.
  await page.emulateMedia({ media: "print" });
  assert.equal(nb(await card("Views")), "25 000");
});
