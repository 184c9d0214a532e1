// A real Bluesky PDS (@atproto/pds) with an in-memory PLC directory (@did-plc/server), both on
// 127.0.0.1, for the connector tests. Prints one JSON line {"pds": url, "plc": url} once the PDS
// answers /xrpc/_health, then runs until stdin closes (the test that spawned it exits or dies),
// and removes its temporary data directory on the way out.
//
//   node tests/peers/pds.mjs        (needs `make peers` first: cd tests/peers && npm ci)
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { generateKeyPairSync, randomBytes } from 'node:crypto'

import pdsPkg from '@atproto/pds'
import plcPkg from '@did-plc/server'

const { PDS, envToCfg, envToSecrets } = pdsPkg
const { PlcServer, Database: PlcDatabase } = plcPkg

const HOST = '127.0.0.1'

// Both servers call app.listen(port) on every interface: make every listen of this process bind
// to loopback only, whatever the caller passes.
function loopbackOnly(app) {
  const listen = app.listen.bind(app)
  app.listen = (port, ...rest) => listen(port, HOST, ...rest.filter((a) => typeof a === 'function'))
}

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer()
    srv.on('error', reject)
    srv.listen(0, HOST, () => {
      const { port } = srv.address()
      srv.close(() => resolve(port))
    })
  })
}

async function healthy(url, ms) {
  const deadline = Date.now() + ms
  for (;;) {
    try {
      const res = await fetch(`${url}/xrpc/_health`)
      if (res.ok) return
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`${url} is not healthy after ${ms} ms`)
    await new Promise((r) => setTimeout(r, 100))
  }
}

const dataDir = mkdtempSync(path.join(os.tmpdir(), 'studio-pds-'))
let plc
let pds
let stopping = false

async function stop(code) {
  if (stopping) return
  stopping = true
  try {
    await pds?.destroy()
  } catch {}
  try {
    await plc?.destroy()
  } catch {}
  rmSync(dataDir, { recursive: true, force: true })
  process.exit(code)
}

// The parent closes our stdin by exiting: that is the signal to go.
process.stdin.on('end', () => stop(0))
process.stdin.on('close', () => stop(0))
process.stdin.resume()
process.on('SIGTERM', () => stop(0))
process.on('SIGINT', () => stop(0))

try {
  const plcPort = await freePort()
  plc = PlcServer.create({ db: PlcDatabase.mock(), port: plcPort })
  loopbackOnly(plc.app)
  await plc.start()
  const plcUrl = `http://${HOST}:${plcPort}`

  const port = await freePort()
  const hex = (bytes) => Buffer.from(bytes).toString('hex')
  // The PLC rotation key: a fresh secp256k1 private key (its JWK `d` is the raw 32 bytes).
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'secp256k1' })
  const rotationKeyHex = hex(Buffer.from(privateKey.export({ format: 'jwk' }).d, 'base64url'))
  const env = {
    port,
    // 'localhost' keeps every URL the PDS builds plain http (anything else makes them https).
    hostname: 'localhost',
    devMode: true,
    version: '0.0.0-test',
    dataDirectory: path.join(dataDir, 'data'),
    blobstoreDiskLocation: path.join(dataDir, 'blobs'),
    blobstoreDiskTmpLocation: path.join(dataDir, 'blobs-tmp'),
    // app.bsky.embed.video allows 100 MB; the 5 MB default would refuse real videos.
    blobUploadLimit: 110 * 1024 * 1024,
    didPlcUrl: plcUrl,
    serviceHandleDomains: ['.test'],
    inviteRequired: false,
    disableSsrfProtection: true,
    crawlers: [],
    rateLimitsEnabled: false,
    jwtSecret: hex(randomBytes(32)),
    adminPassword: 'admin-pass',
    plcRotationKeyK256PrivateKeyHex: rotationKeyHex,
  }
  mkdirSync(env.dataDirectory, { recursive: true })
  pds = await PDS.create(envToCfg(env), envToSecrets(env))
  loopbackOnly(pds.app)
  await pds.start()
  const pdsUrl = `http://localhost:${port}`
  await healthy(pdsUrl, 30_000)
  process.stdout.write(JSON.stringify({ pds: pdsUrl, plc: plcUrl, admin_password: env.adminPassword }) + '\n')
} catch (e) {
  process.stderr.write(`pds.mjs: ${e?.stack || e}\n`)
  await stop(1)
}
