// A static file server on an ephemeral loopback port, run in a worker thread so that its
// latency does not depend on the main thread (which drives Chromium over CDP and would
// otherwise delay every response by tens of milliseconds during a navigation).
// workerData: { pages: { path: text }, files: { path: bytes }, dir: folder served under /pkg/ }
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { join, extname, normalize } from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';

const { pages, files, dir } = workerData;
const types = { '.js': 'text/javascript', '.wasm': 'application/wasm', '.html': 'text/html', '.json': 'application/json' };

const server = createServer(async (req, res) => {
  const path = new URL(req.url, 'http://x').pathname;
  try {
    let body;
    if (pages[path] !== undefined) body = pages[path];
    else if (files[path] !== undefined) body = files[path];
    else if (dir && path.startsWith('/pkg/')) {
      const file = normalize(join(dir, path.slice(5)));
      if (!file.startsWith(dir)) throw new Error('outside');
      body = await readFile(file);
    } else throw new Error('not found');
    res.writeHead(200, { 'content-type': types[extname(path)] ?? 'application/octet-stream', 'cache-control': 'no-store' });
    res.end(body);
  } catch {
    res.writeHead(404).end();
  }
});
server.listen(0, '127.0.0.1', () => parentPort.postMessage(server.address().port));
