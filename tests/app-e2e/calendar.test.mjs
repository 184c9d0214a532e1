// The real desktop app under Xvfb runs the publisher itself: the Calendar's health panel shows the
// app holding the publisher lease (the same record `studio status` reads), and pausing in the
// window pauses publishing for the daemon and the CLI too.
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
  await app?.close("app-calendar.png");
});

test("the app holds the publisher lease and the health panel says so", async () => {
  await s.click('[data-testid="nav-calendar"]');
  await s.find('[data-testid="scheduler-lease"]', { text: "Viral Studio app" });
  const status = studio("status");
  assert.match(status.lease?.owner_label ?? "", /^Viral Studio app \(pid \d+\)$/, JSON.stringify(status));
  assert.equal(status.lease.alive, true);
  assert.equal(status.paused, false);
});

test("pausing in the window pauses publishing everywhere", async () => {
  await s.click('[data-testid="scheduler-paused"]');
  await s.find('[data-testid="scheduler-state"]', { text: "Paused" });
  assert.equal(studio("status").paused, true);
  await s.click('[data-testid="scheduler-paused"]');
  await s.find('[data-testid="scheduler-state"]', { text: "Publishing on schedule" });
  assert.equal(studio("status").paused, false);
});
