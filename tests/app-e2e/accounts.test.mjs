// The real app connects a Bluesky account against a real PDS (@atproto/pds from tests/peers):
// handle and app password typed into the Accounts screen, the tokens go to the real keychain of
// the test session, the CLI on the same data folder sees the account, and disconnecting in the
// window signs the session out and removes it for the CLI too.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { setTimeout as sleep } from "node:timers/promises";
import { studio, openApp } from "./harness.mjs";

const PEERS = join(dirname(fileURLToPath(import.meta.url)), "../peers");

let app;
let s;
let pds;
let pdsUrl;
let handle;
let appPassword;

async function startPds() {
  const child = spawn("node", ["pds.mjs"], { cwd: PEERS, stdio: ["pipe", "pipe", "inherit"] });
  const line = await new Promise((resolve, reject) => {
    const rl = createInterface({ input: child.stdout });
    rl.once("line", resolve);
    child.once("exit", (code) => reject(new Error(`pds.mjs exited (${code}); run 'make peers'`)));
  });
  return { child, url: JSON.parse(line).pds };
}

async function xrpc(method, body, token) {
  const r = await fetch(`${pdsUrl}/xrpc/${method}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  const json = await r.json();
  if (!r.ok) throw new Error(`${method}: ${r.status} ${JSON.stringify(json)}`);
  return json;
}

before(async () => {
  pds = await startPds();
  pdsUrl = pds.url;
  handle = `app${process.pid % 100000}-vs.test`;
  const created = await xrpc("com.atproto.server.createAccount", {
    handle, email: `${handle}@example.com`, password: "main-password-123",
  });
  appPassword = (await xrpc("com.atproto.server.createAppPassword", { name: "Viral Studio" }, created.accessJwt)).password;
  app = await openApp();
  s = app.session;
});

after(async () => {
  await app?.close("app-accounts.png");
  pds?.child.stdin.end();
  pds?.child.kill();
});

const js = (script, ...args) => s.cmd("POST", "/execute/sync", { script, args });

test("a Bluesky account connects in the window, shows for the CLI, and disconnects", async () => {
  await s.click('[data-testid="nav-accounts"]');
  await s.click('[data-testid="platform-card"][data-platform="bluesky"] [data-testid="platform-connect"]');
  await s.type('[data-testid="connect-handle"]', handle);
  await s.type('[data-testid="connect-app-password"]', appPassword);
  await s.type('[data-testid="connect-instance"]', pdsUrl);
  await s.click('[data-testid="connect-submit"]');

  let row = null;
  for (let i = 0; i < 120 && !row; i++) {
    row = await js(`const r = document.querySelector('[data-testid=platform-card][data-platform=bluesky] [data-testid=account-row]');
      return r ? { id: r.dataset.accountId, status: r.dataset.status, text: r.textContent } : null`);
    if (!row) {
      const err = await js(`const e = document.querySelector('[data-testid=connect-error]'); return e ? e.textContent : null`);
      assert.equal(err, null, "connecting failed in the window");
      await sleep(250);
    }
  }
  assert.ok(row, "the account never appeared");
  assert.equal(row.status, "connected");
  assert.ok(row.text.includes(handle), row.text);

  const listed = studio("accounts", "list");
  assert.equal(listed.length, 1);
  assert.equal(listed[0].id, row.id);
  assert.equal(listed[0].platform, "bluesky");
  assert.equal(listed[0].auth_mode, "app_password");

  // The app password went to the keychain, not the database or the page.
  const html = await js("return document.documentElement.outerHTML");
  assert.ok(!html.includes(appPassword), "the app password is still on the page");

  await s.click(`[data-testid="account-row"][data-account-id="${row.id}"] [data-testid="account-disconnect"]`);
  await s.click('[data-testid="account-disconnect-confirm"]');
  for (let i = 0; i < 60; i++) {
    if (studio("accounts", "list").length === 0) break;
    await sleep(250);
  }
  assert.equal(studio("accounts", "list").length, 0);
});
