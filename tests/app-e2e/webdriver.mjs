// A minimal W3C WebDriver client for tauri-driver. The protocol subset the e2e suite needs is a
// dozen JSON-over-HTTP calls; a full client library would add ~100 npm packages for them.
import { spawn } from "node:child_process";
import { createServer } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";

const ELEMENT = "element-6066-11e4-a52e-4f735466cecf";

export async function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

export async function startDriver(driverBin) {
  const port = await freePort();
  const nativePort = await freePort();
  const proc = spawn(driverBin, ["--port", String(port), "--native-port", String(nativePort)], {
    stdio: ["ignore", "inherit", "inherit"],
  });
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (proc.exitCode !== null) throw new Error(`tauri-driver exited with ${proc.exitCode}`);
    try {
      const r = await fetch(`${base}/status`);
      if (r.ok) return { base, proc, stop: () => stopProcess(proc) };
    } catch {
      // not listening yet
    }
    await sleep(200);
  }
  proc.kill("SIGKILL");
  throw new Error("tauri-driver did not start within 30 s");
}

/** SIGTERM, then SIGKILL if the driver has not exited within 3 s: a hung driver must not hang CI. */
async function stopProcess(proc) {
  if (proc.exitCode !== null || proc.signalCode !== null) return;
  const exited = new Promise((resolve) => proc.once("exit", resolve));
  proc.kill("SIGTERM");
  const timedOut = await Promise.race([exited.then(() => false), sleep(3000).then(() => true)]);
  if (timedOut) proc.kill("SIGKILL");
}

async function call(base, method, path, body) {
  const r = await fetch(`${base}${path}`, {
    method,
    headers: { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = await r.json().catch(() => ({}));
  if (!r.ok || json?.value?.error) {
    const err = new Error(`${method} ${path}: ${json?.value?.error ?? r.status} ${json?.value?.message ?? ""}`);
    err.webdriver = json?.value?.error;
    throw err;
  }
  return json.value;
}

export class Session {
  static async open(base, application) {
    const value = await call(base, "POST", "/session", {
      capabilities: { alwaysMatch: { "tauri:options": { application } } },
    });
    return new Session(base, value.sessionId);
  }

  constructor(base, id) {
    this.base = base;
    this.id = id;
  }

  cmd(method, path, body) {
    return call(this.base, method, `/session/${this.id}${path}`, body);
  }

  /** Waits for an element matching `css` (and, if given, whose text includes `text`). */
  async find(css, { text, timeout = 15_000 } = {}) {
    const deadline = Date.now() + timeout;
    let last = "";
    while (Date.now() < deadline) {
      try {
        const els = await this.cmd("POST", "/elements", { using: "css selector", value: css });
        for (const el of els) {
          const id = el[ELEMENT];
          if (text === undefined) return id;
          const t = await this.cmd("GET", `/element/${id}/text`);
          last = t;
          if (t.includes(text)) return id;
        }
      } catch (e) {
        last = String(e);
      }
      await sleep(150);
    }
    throw new Error(`no element ${css}${text ? ` with text "${text}"` : ""} after ${timeout} ms (last: ${last})`);
  }

  async click(css, opts) {
    const id = await this.find(css, opts);
    await this.cmd("POST", `/element/${id}/click`, {});
  }

  async type(css, value) {
    const id = await this.find(css);
    await this.cmd("POST", `/element/${id}/clear`, {});
    await this.cmd("POST", `/element/${id}/value`, { text: value });
  }

  async text(css) {
    const id = await this.find(css);
    return this.cmd("GET", `/element/${id}/text`);
  }

  async texts(css) {
    const els = await this.cmd("POST", "/elements", { using: "css selector", value: css });
    return Promise.all(els.map((el) => this.cmd("GET", `/element/${el[ELEMENT]}/text`)));
  }

  refresh() {
    return this.cmd("POST", "/refresh", {});
  }

  async screenshot() {
    return Buffer.from(await this.cmd("GET", "/screenshot"), "base64");
  }

  async close() {
    try {
      await call(this.base, "DELETE", `/session/${this.id}`);
    } catch {
      // the app may already be gone; the driver is killed next anyway
    }
  }
}
