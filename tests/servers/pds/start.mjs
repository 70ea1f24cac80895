// A real Bluesky PDS and PLC directory on loopback, for the Bluesky channel tests.
//
// Usage: node start.mjs <modules-dir> <pds-port> <plc-port>
// <modules-dir> is the folder where tools/install-test-tools.sh installed package.json's
// dependencies (.cache/node/pds); ES modules do not honour NODE_PATH, so the package is resolved
// from there explicitly. Prints one JSON line {"pds": url, "plc": url} when both answer, and
// closes the network cleanly on SIGTERM or SIGINT.
import { createRequire } from 'node:module'
import net from 'node:net'
import path from 'node:path'
import { pathToFileURL } from 'node:url'

const [modulesDir, pdsPort, plcPort] = process.argv.slice(2)
if (!modulesDir || !pdsPort || !plcPort) {
  console.error('usage: node start.mjs <modules-dir> <pds-port> <plc-port>')
  process.exit(2)
}

// The PDS and PLC servers call listen(port) and so bind every interface. Tests must not expose
// a server beyond the machine, so a listen() without a host is pinned to 127.0.0.1.
const listen = net.Server.prototype.listen
net.Server.prototype.listen = function (...args) {
  if (typeof args[0] === 'number' && typeof args[1] !== 'string') {
    args.splice(1, 0, '127.0.0.1')
  } else if (args[0] && typeof args[0] === 'object' && !args[0].host && !args[0].path) {
    args[0] = { ...args[0], host: '127.0.0.1' }
  }
  return listen.apply(this, args)
}

const require = createRequire(path.join(path.resolve(modulesDir), 'package.json'))
const { TestNetworkNoAppView } = await import(pathToFileURL(require.resolve('@atproto/dev-env')).href)

const network = await TestNetworkNoAppView.create({
  pds: { port: Number(pdsPort) },
  plc: { port: Number(plcPort) },
})

let closing = false
async function close() {
  if (closing) return
  closing = true
  try {
    await network.close()
  } finally {
    process.exit(0)
  }
}
process.on('SIGTERM', close)
process.on('SIGINT', close)

console.log(JSON.stringify({ pds: network.pds.url, plc: network.plc.url }))
