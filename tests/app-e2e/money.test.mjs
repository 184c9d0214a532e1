// The real desktop app under Xvfb: money entered in a campaign's Money dialog goes through Rust
// (its currency rules answer at the field), lands where the `studio` CLI reads it, and the totals
// and ROI shown come back from Rust's analytics.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { studio, openApp } from "./harness.mjs";

let app;
let s;

before(async () => {
  app = await openApp();
  s = app.session;
});

after(async () => {
  await app?.close("app-money.png");
});

/** Text without spaces or group separators: the webview formats money by the system locale. */
const bare = (t) => t.replace(/[\s,.\u00a0\u202f']/g, "");

/** Waits until some element matching `css` reads `want` (compared bare). */
async function shows(css, want) {
  const deadline = Date.now() + 15_000;
  let last = [];
  while (Date.now() < deadline) {
    last = await s.texts(css);
    if (last.some((t) => bare(t).includes(bare(want)))) return;
    await new Promise((r) => setTimeout(r, 150));
  }
  assert.fail(`no ${css} reading ${want}: ${JSON.stringify(last)}`);
}

async function add(kind, amount) {
  await s.click(`[data-testid="revenue-kind"] option[value="${kind}"]`);
  await s.type('[data-testid="revenue-amount"]', amount);
  await s.click('[data-testid="revenue-add"]');
}

test("revenue and a cost entered in the window give the ROI the CLI reports", async () => {
  const campaign = studio("campaign", "create", "Paid in yen", "--timezone", "Asia/Tokyo");
  await s.refresh();
  await s.click('[data-testid="nav-campaigns"]');
  await s.click('button[aria-label="Money and reports for Paid in yen"]');
  await s.find('[data-testid="revenue-empty"]');

  await s.type('[data-testid="revenue-currency"]', "JPY");
  await add("sponsorship", "1200.5");
  // Yen have no minor unit: only Rust's currency table knows that for every code.
  assert.match(await s.text('[data-testid="error-revenue-amount"]'), /JPY amounts have no decimal places/);
  assert.deepEqual(studio("revenue", "list", "--campaign", campaign.id), [], "nothing written on an error");

  await add("sponsorship", "250000");
  await shows('[data-testid="revenue-row"]', "¥250000");
  await add("cost", "100000");
  await shows('[data-testid="money-roi"]', "+150%");

  const entries = studio("revenue", "list", "--campaign", campaign.id);
  assert.deepEqual(entries.map((e) => [e.kind, e.amount, e.currency]).sort(), [
    ["cost", "100000", "JPY"],
    ["sponsorship", "250000", "JPY"],
  ]);
  const analytics = studio("analytics", "--campaign", campaign.id);
  assert.equal(analytics.revenue.roi, 1.5);
});

test("an entry added with the CLI shows up in the window's totals", async () => {
  const campaign = studio("campaign", "create", "Affiliate only", "--timezone", "UTC");
  studio("revenue", "add", "--campaign", campaign.id, "--amount", "80.25", "--currency", "USD", "--kind", "affiliate");
  await s.refresh();
  await s.click('[data-testid="nav-campaigns"]');
  await s.click('button[aria-label="Money and reports for Affiliate only"]');
  await shows('[data-testid="money-total"]', "$80.25");
  // No cost: ROI is not a number to show.
  assert.equal((await s.text('[data-testid="money-roi"]')).trim(), "—");
});
