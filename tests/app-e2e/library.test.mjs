// The real app imports media through the Library screen (the "Add by path" field: native file
// dialogs and OS drags cannot be driven through WebDriver) and shows real thumbnails served by the
// scoped asset protocol; the CLI sees the same assets.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, mkdirSync, writeFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { studio, openApp } from "./harness.mjs";

let app;
let s;
let media;

before(async () => {
  media = mkdtempSync(join(tmpdir(), "studio-e2e-media-"));
  const ff = (...args) => execFileSync("ffmpeg", ["-nostdin", "-loglevel", "error", "-y", ...args]);
  mkdirSync(join(media, "clips"));
  ff("-f", "lavfi", "-i", "testsrc2=size=640x360:rate=30", "-f", "lavfi", "-i", "sine=frequency=440",
    "-t", "2", "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-c:a", "aac",
    join(media, "clips", "launch teaser.mp4"));
  ff("-f", "lavfi", "-i", "testsrc2=size=800x600", "-frames:v", "1", join(media, "clips", "cover.png"));
  writeFileSync(join(media, "clips", "notes.txt"), "not media");
  app = await openApp();
  s = app.session;
});

after(async () => {
  await app?.close("app-library.png");
  if (media) rmSync(media, { recursive: true, force: true });
});

test("importing a folder by path shows thumbnails and typed failures", async () => {
  await s.click('[data-testid="nav-library"]');
  await s.click('[data-testid="import-mode-copy"]');
  await s.click('[data-testid="import-path-toggle"]');
  await s.type('[data-testid="import-path"]', join(media, "clips"));
  await s.click('[data-testid="import-path-submit"]');
  const summary = await s.find('[data-testid="import-summary"]', { timeout: 60_000 });
  const attr = (name) => s.cmd("GET", `/element/${summary}/attribute/${name}`);
  assert.equal(await attr("data-imported"), "2");
  assert.equal(await attr("data-failed"), "1");
  const codes = await s.cmd("POST", "/execute/sync", {
    script: "return [...document.querySelectorAll('[data-testid=import-failure]')].map(e => e.dataset.code)",
    args: [],
  });
  assert.deepEqual(codes, ["unsupported_format"]);

  let names = [];
  for (let i = 0; i < 40 && names.length < 2; i++) {
    names = await s.cmd("POST", "/execute/sync", {
      script: "return [...document.querySelectorAll('[data-testid=asset-card] .asset-name')].map(e => e.textContent).sort()",
      args: [],
    });
    if (names.length < 2) await sleep(250);
  }
  assert.deepEqual(names, ["cover.png", "launch teaser.mp4"]);
  // Thumbnails come from the asset protocol; a zero natural width would mean the scope refused it.
  let widths = [];
  for (let i = 0; i < 40; i++) {
    widths = await s.cmd("POST", "/execute/sync", {
      script: "return [...document.querySelectorAll('[data-testid=asset-card] img')].map(i => i.complete ? i.naturalWidth : -1)",
      args: [],
    });
    if (widths.length === 2 && widths.every((w) => w > 0)) break;
    await sleep(250);
  }
  assert.ok(widths.length === 2 && widths.every((w) => w > 0), `thumbnails loaded: ${JSON.stringify(widths)}`);

  const assets = studio("asset", "list");
  assert.deepEqual(assets.map((a) => a.original_name).sort(), ["cover.png", "launch teaser.mp4"]);
});
