// The real app scores a library video through studio-media's feature pass and studio-score: the
// panel shows the number, measured factors and advice, re-scores from the cache as a caption is
// typed, and agrees with `studio score` on the same asset.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { studio, openApp } from "./harness.mjs";

let app;
let s;
let media;
let id;

before(async () => {
  media = mkdtempSync(join(tmpdir(), "studio-e2e-score-"));
  const clip = join(media, "vertical take.mp4");
  execFileSync("ffmpeg", ["-nostdin", "-loglevel", "error", "-y", "-f", "lavfi", "-i", "testsrc2=size=360x640:rate=30",
    "-f", "lavfi", "-i", "sine=frequency=330", "-t", "4", "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt",
    "yuv420p", "-c:a", "aac", clip]);
  id = studio("import", clip).imported[0].id;
  app = await openApp();
  s = app.session;
});

after(async () => {
  await app?.close("app-score.png");
  if (media) rmSync(media, { recursive: true, force: true });
});

const js = (script, ...args) => s.cmd("POST", "/execute/sync", { script, args });

/** Waits until the panel is ready and its score differs from `not` (or any score). */
async function readyScore(not) {
  for (let i = 0; i < 240; i++) {
    const v = await js(`const p = document.querySelector('[data-testid=score-panel]');
      const v = document.querySelector('[data-testid=score-value]');
      return p && p.dataset.state === 'ready' && !document.querySelector('[data-testid=score-updating]') && v ? v.textContent : null`);
    if (v !== null && v !== not) return Number.parseFloat(v);
    await sleep(250);
  }
  throw new Error("the score panel never became ready");
}

test("the score panel measures a real video and re-scores as a caption is typed", async () => {
  await s.click('[data-testid="nav-library"]');
  await s.click(`[data-testid="asset-card"][data-asset-id="${id}"]`);
  await s.find('[data-testid="score-panel"]');
  const first = await readyScore();
  assert.ok(first >= 0 && first <= 100, `score ${first}`);

  // Measured by libav: the aspect is the real 9:16, the first motion is known.
  const known = await js(`return Object.fromEntries([...document.querySelectorAll('[data-testid=score-factor]')]
    .map(f => [f.dataset.factor, f.dataset.known]))`);
  assert.equal(known.aspect, "true");
  assert.equal(known.hook_motion, "true");
  assert.equal(known.hook_text, "false", "text on screen is not measured and says so");

  await s.type('[data-testid="score-caption"]', "3 edits you can do today? Follow for part 2 #edit #tips #video");
  const typed = await readyScore(String(first));
  assert.ok(typed > first, `a hooky caption raises the score: ${first} -> ${typed}`);

  // The CLI, on the same data folder and caption, agrees to the point.
  const [cli] = studio("score", id, "--caption", "3 edits you can do today? Follow for part 2 #edit #tips #video");
  assert.equal(Math.round(cli.score), Math.round(typed));
  assert.equal(cli.cached, true, "the app's measurement is in the shared feature cache");
});
