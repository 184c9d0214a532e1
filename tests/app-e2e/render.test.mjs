// The real app renders through its crash-isolated helper (`studio render-helper`): the render
// dialog shows live progress and the result, the Renders list offers the file and deletes it, and
// a cancelled render leaves no file behind. The CLI and ffprobe check what the app did.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, dirname } from "node:path";
import { studio, openApp } from "./harness.mjs";

let app;
let s;
let media;
let short;
let long;

const ff = (...args) => execFileSync("ffmpeg", ["-nostdin", "-loglevel", "error", "-y", ...args]);

before(async () => {
  media = mkdtempSync(join(tmpdir(), "studio-e2e-render-"));
  const clip = (name, seconds) => {
    const p = join(media, name);
    ff("-f", "lavfi", "-i", "testsrc2=size=640x360:rate=30", "-f", "lavfi", "-i", "sine=frequency=330",
      "-t", String(seconds), "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-c:a", "aac", p);
    return p;
  };
  const imported = studio("import", clip("render me.mp4", 2), clip("long take.mp4", 40));
  const byName = Object.fromEntries(imported.imported.map((a) => [a.original_name, a.id]));
  short = byName["render me.mp4"];
  long = byName["long take.mp4"];
  assert.ok(short && long, JSON.stringify(imported));
  app = await openApp();
  s = app.session;
});

after(async () => {
  await app?.close("app-render.png");
  if (media) rmSync(media, { recursive: true, force: true });
});

/** Sets a form control's value the way a user would (React listens for input/change events). */
const setValue = (css, value) =>
  s.cmd("POST", "/execute/sync", {
    script: `const el = document.querySelector(arguments[0]);
      const proto = el instanceof HTMLSelectElement ? HTMLSelectElement.prototype : HTMLInputElement.prototype;
      Object.getOwnPropertyDescriptor(proto, 'value').set.call(el, arguments[1]);
      el.dispatchEvent(new Event('input', { bubbles: true }));
      el.dispatchEvent(new Event('change', { bubbles: true }));`,
    args: [css, value],
  });

const attr = async (css, name) => s.cmd("GET", `/element/${await s.find(css)}/attribute/${name}`);

async function openRenderDialog(assetId) {
  await s.click('[data-testid="nav-library"]');
  await s.click(`[data-testid="asset-card"][data-asset-id="${assetId}"]`);
  await s.find('[data-testid="asset-detail"]');
  // The detail animates open while its score panel starts measuring; on a busy 2-core machine a
  // click can land mid-animation and miss, so click again until the form is there.
  // (A click that lands after the form opened is intercepted by it; that is fine too.)
  for (let attempt = 1; ; attempt++) {
    await s.click('[data-testid="asset-render"]').catch(() => {});
    try {
      await s.find('[data-testid="render-form"]', { timeout: 5_000 });
      return;
    } catch (e) {
      if (attempt === 3) throw e;
    }
  }
}

const partials = () => {
  const dir = join(dirname(studio("info").database_path), "renders");
  return existsSync(dir) ? readdirSync(dir).filter((n) => n.startsWith(".render-")) : [];
};

test("a render runs in the helper with progress, lands in the Renders list and can be deleted", async () => {
  await openRenderDialog(short);
  await setValue('[data-testid="render-preset"]', "square");
  await s.type('[data-testid="render-hook-text"]', "Watch this");
  await s.click('[data-testid="render-submit"]');
  await s.find('[data-testid="render-result"]', { timeout: 120_000 });
  assert.equal(await s.text('[data-testid="render-result-encoder"]'), "libx264");

  const [r] = studio("renders", "list", "--asset", short);
  assert.equal(r.state, "done");
  // Named after the original file (unsafe characters become "_"), not the library's hash name.
  assert.ok(r.output_exists && r.output.endsWith("render_me-square.mp4"), r.output);
  assert.equal(r.request.hook_text, "Watch this");
  const dims = execFileSync("ffprobe", ["-v", "error", "-select_streams", "v:0", "-show_entries",
    "stream=width,height", "-of", "csv=p=0", r.output], { encoding: "utf8" }).trim();
  assert.equal(dims, "1080,1080");

  await s.click('[data-testid="render-close"]');
  const row = `[data-testid="render-row"][data-render-id="${r.id}"]`;
  assert.equal(await attr(row, "data-state"), "done");
  await s.click(`${row} [data-testid="render-row-delete"]`);
  await s.click('[data-testid="render-delete-confirm"]');
  for (let i = 0; i < 40 && studio("renders", "list", "--asset", short).length > 0; i++) {
    await new Promise((res) => setTimeout(res, 250));
  }
  assert.deepEqual(studio("renders", "list", "--asset", short), []);
  assert.ok(!existsSync(r.output), "the file is deleted with the render");
});

test("cancelling a render stops the helper and leaves no file", async () => {
  await s.click('[data-testid="asset-detail-close"]');
  await openRenderDialog(long);
  await setValue('[data-testid="render-preset"]', "youtube");
  await s.click('[data-testid="render-submit"]');
  await s.find('[data-testid="render-running"]', { timeout: 30_000 });
  // Wait until frames flow, so the cancel lands mid-encode rather than before the helper starts.
  await s.find('[data-testid="render-stage"]', { text: "Rendering", timeout: 60_000 });
  await s.click('[data-testid="render-cancel"]');
  await s.find('[data-testid="render-cancelled"]', { timeout: 30_000 });
  const [r] = studio("renders", "list", "--asset", long);
  assert.equal(r.state, "cancelled");
  assert.equal(r.output_exists, false);
  assert.deepEqual(partials(), []);
});
