// Shared set-up for the real-app suites: the binaries and data folder from `make test-app`, the
// `studio` CLI on that folder, and a driver + session that leave a screenshot when they end.
import { execFileSync } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { startDriver, Session } from "./webdriver.mjs";

export const need = (name) => {
  const v = process.env[name];
  if (!v) throw new Error(`${name} must be set (run through 'make test-app')`);
  return v;
};

const OUT = join(dirname(fileURLToPath(import.meta.url)), "../../target-e2e");

/** `studio --json ARGS...` on the app's data folder, parsed. */
export const studio = (...args) =>
  JSON.parse(execFileSync(need("STUDIO_BIN"), ["--json", "--data-dir", need("STUDIO_DATA_DIR"), ...args], { encoding: "utf8" }));

/** Pids of running copies of the app under test (Linux: the suite runs under Xvfb). */
function appPids() {
  const bin = need("APP_BIN");
  const pids = [];
  for (const pid of readdirSync("/proc").filter((d) => /^\d+$/.test(d))) {
    try {
      if (readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0")[0] === bin) pids.push(Number(pid));
    } catch {
      // gone meanwhile
    }
  }
  return pids;
}

/**
 * Ends any copy of the app still running. Closing its window only hides it to the tray, and the
 * driver does not always take it down; a survivor would then receive the next suite's launch
 * (single instance) and that suite would wait for a window that never comes.
 */
async function reapApp() {
  for (let i = 0; i < 30; i++) {
    const pids = appPids();
    if (pids.length === 0) return;
    for (const pid of pids) {
      try {
        process.kill(pid, i < 15 ? "SIGTERM" : "SIGKILL");
      } catch {
        // already gone
      }
    }
    await sleep(200);
  }
  throw new Error(`the app would not exit: ${appPids().join(", ")}`);
}

/** Starts tauri-driver and the app; `close(screenshotName)` saves a picture and stops both. */
export async function openApp() {
  await reapApp();
  const driver = await startDriver(need("TAURI_DRIVER"));
  const session = await Session.open(driver.base, need("APP_BIN"));
  const close = async (screenshotName) => {
    try {
      mkdirSync(OUT, { recursive: true });
      writeFileSync(join(OUT, screenshotName), await session.screenshot());
    } catch (e) {
      console.error("screenshot failed:", e.message);
    }
    await session.close();
    await driver.stop();
    await reapApp();
  };
  return { session, close };
}
