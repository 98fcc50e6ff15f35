// Opens YAML files in the real yaml-language-server, as an editor does,
// and prints what it says about each: one JSON line per file,
// {"file", "diagnostics": [{"line", "message", "source"}]}.
//
//   node lsp.mjs SERVER_JS FILE...
//
// The client speaks LSP over the server's stdio (Content-Length frames):
// initialize, the `yaml` settings (validation on, no schema store: the
// schema comes from each file's `# yaml-language-server: $schema=` line),
// didOpen every file, then it collects textDocument/publishDiagnostics
// until every file has had some and the server has been quiet for a
// while. Exits 2 when the server dies or a file gets none in time.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const [serverJs, ...files] = process.argv.slice(2);
if (!serverJs || files.length === 0) {
  console.error('usage: node lsp.mjs SERVER_JS FILE...');
  process.exit(2);
}
const QUIET_MS = 1500; // after the last diagnostics, once every file has some
const LIMIT_MS = 60000; // for the whole run

const server = spawn(process.execPath, [serverJs, '--stdio'], { stdio: ['pipe', 'pipe', 'inherit'] });
server.on('exit', (code, signal) => {
  if (!done) fail(`yaml-language-server exited (${code ?? signal}) before it answered`);
});
let done = false;
function fail(message) {
  console.error(`lsp: ${message}`);
  done = true;
  server.kill();
  process.exit(2);
}

// --- framing
let nextId = 1;
const pending = new Map();
function send(message) {
  const body = Buffer.from(JSON.stringify({ jsonrpc: '2.0', ...message }), 'utf8');
  server.stdin.write(`Content-Length: ${body.length}\r\n\r\n`);
  server.stdin.write(body);
}
function request(method, params) {
  const id = nextId++;
  send({ id, method, params });
  return new Promise((ok) => pending.set(id, ok));
}
const notify = (method, params) => send({ method, params });

let buffer = Buffer.alloc(0);
server.stdout.on('data', (chunk) => {
  buffer = Buffer.concat([buffer, chunk]);
  for (;;) {
    const end = buffer.indexOf('\r\n\r\n');
    if (end < 0) return;
    const length = /Content-Length: *(\d+)/i.exec(buffer.subarray(0, end).toString('ascii'));
    if (!length) fail('a frame without Content-Length');
    const start = end + 4;
    const stop = start + Number(length[1]);
    if (buffer.length < stop) return;
    const message = JSON.parse(buffer.subarray(start, stop).toString('utf8'));
    buffer = buffer.subarray(stop);
    receive(message);
  }
});

// --- what the client answers and keeps
const settings = {
  validate: true,
  hover: false,
  completion: false,
  format: { enable: false },
  schemaStore: { enable: false },
  schemas: {},
};
const diagnostics = new Map(); // uri -> the latest list
let lastPublish = Date.now();
function receive(message) {
  if (message.id !== undefined && message.method === undefined) {
    pending.get(message.id)?.(message);
    pending.delete(message.id);
    return;
  }
  if (message.id !== undefined) {
    // A request from the server: settings for each section asked, and
    // an empty answer to capability registrations and progress.
    const result =
      message.method === 'workspace/configuration'
        ? message.params.items.map((item) => (item.section === 'yaml' ? settings : null))
        : null;
    send({ id: message.id, result });
    return;
  }
  if (message.method === 'textDocument/publishDiagnostics') {
    diagnostics.set(message.params.uri, message.params.diagnostics);
    lastPublish = Date.now();
  }
}

// --- the session
const root = pathToFileURL(process.cwd()).href;
const init = await request('initialize', {
  processId: process.pid,
  rootUri: root,
  workspaceFolders: [{ uri: root, name: 'permspec' }],
  capabilities: {
    workspace: { configuration: true, didChangeConfiguration: { dynamicRegistration: true } },
    textDocument: { publishDiagnostics: { relatedInformation: false } },
  },
});
if (init.error) fail(`initialize: ${JSON.stringify(init.error)}`);
notify('initialized', {});
notify('workspace/didChangeConfiguration', { settings: { yaml: settings } });

const uris = files.map((file) => {
  const path = resolve(file);
  const uri = pathToFileURL(path).href;
  notify('textDocument/didOpen', {
    textDocument: { uri, languageId: 'yaml', version: 1, text: readFileSync(path, 'utf8') },
  });
  return { file, uri };
});

const began = Date.now();
await new Promise((ok) => {
  const tick = setInterval(() => {
    const all = uris.every(({ uri }) => diagnostics.has(uri));
    if (all && Date.now() - lastPublish >= QUIET_MS) {
      clearInterval(tick);
      ok();
    } else if (Date.now() - began > LIMIT_MS) {
      const missing = uris.filter(({ uri }) => !diagnostics.has(uri)).map(({ file }) => file);
      fail(`no diagnostics within ${LIMIT_MS / 1000} s for ${missing.join(', ')}`);
    }
  }, 100);
});

for (const { file, uri } of uris) {
  const found = diagnostics.get(uri).map((d) => ({
    line: d.range.start.line + 1,
    message: d.message,
    source: d.source ?? '',
  }));
  console.log(JSON.stringify({ file, diagnostics: found }));
}
done = true;
await request('shutdown', null);
notify('exit', null);
setTimeout(() => server.kill(), 1000).unref();
