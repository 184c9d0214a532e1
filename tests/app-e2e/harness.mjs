// Shared set-up for the real-app suites: the binaries and data folder from `make test-app`, the
// `studio` CLI on that folder, and a driver + session that leave a screenshot when they end.
import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
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

/** Starts tauri-driver and the app; `close(screenshotName)` saves a picture and stops both. */
export async function openApp() {
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
  };
  return { session, close };
}
