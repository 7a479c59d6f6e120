// A language client for the tests: starts `playc lsp` and talks to it over
// stdio with vscode-languageserver-protocol, as VS Code's client does. The
// playc binary comes from the PLAYC environment variable (ctest sets it).
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  createProtocolConnection,
  StreamMessageReader,
  StreamMessageWriter,
} from 'vscode-languageserver-protocol/node.js';

export const PLAYC = process.env.PLAYC || 'build/apps/playc/playc';

export function uriOf(file) {
  return pathToFileURL(file).href;
}

const made = [];
process.on('exit', () => made.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

// A temporary project folder holding `files` ({name: text}), removed at exit.
export function project(files) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'playc-lsp-'));
  made.push(dir);
  for (const [name, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), text);
  }
  return dir;
}

// `playc check --format json DIR`, per file path.
export function checkJson(dir) {
  const r = spawnSync(PLAYC, ['check', '--format', 'json', dir], { encoding: 'utf8' });
  const out = JSON.parse(r.stdout);
  const byFile = {};
  for (const d of out.diagnostics) (byFile[path.resolve(d.file)] ??= []).push(d);
  return byFile;
}

// What `playc fmt -` prints for `text` (status != 0: refused).
export function fmtStdin(text) {
  return spawnSync(PLAYC, ['fmt', '-'], { input: text, encoding: 'utf8' });
}

export class Client {
  constructor(args = ['lsp']) {
    this.proc = spawn(PLAYC, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    this.stderr = '';
    this.proc.stderr.on('data', (d) => (this.stderr += d));
    this.exited = new Promise((resolve) => this.proc.on('exit', (code) => resolve(code)));
    this.conn = createProtocolConnection(
      new StreamMessageReader(this.proc.stdout),
      new StreamMessageWriter(this.proc.stdin),
    );
    this.diagnostics = new Map(); // uri -> the last published params
    this.messages = []; // window/showMessage params
    this.waiters = [];
    this.conn.onNotification('textDocument/publishDiagnostics', (p) => {
      this.diagnostics.set(p.uri, p);
      this.wake();
    });
    this.conn.onNotification('window/showMessage', (p) => {
      this.messages.push(p);
      this.wake();
    });
    this.conn.onRequest('client/registerCapability', () => null);
    this.conn.listen();
  }

  wake() {
    for (const w of [...this.waiters]) w();
  }

  // Resolves when `test()` returns something truthy (checked after each notification).
  until(test, what, ms = 20000) {
    return new Promise((resolve, reject) => {
      const check = () => {
        const v = test();
        if (v) {
          this.waiters = this.waiters.filter((w) => w !== check);
          clearTimeout(timer);
          resolve(v);
        }
      };
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== check);
        reject(new Error(`timed out waiting for ${what}; server stderr: ${this.stderr}`));
      }, ms);
      this.waiters.push(check);
      check();
    });
  }

  // Diagnostics for `uri` published after `after` notifications had arrived for it.
  async nextDiagnostics(uri, version) {
    return this.until(() => {
      const p = this.diagnostics.get(uri);
      return p && (version === undefined || p.version === version) ? p : null;
    }, `diagnostics for ${uri} version ${version}`);
  }

  async initialize(rootDir, extra = {}) {
    const result = await this.conn.sendRequest('initialize', {
      processId: process.pid,
      rootUri: rootDir ? uriOf(rootDir) : null,
      capabilities: {},
      ...extra,
    });
    this.conn.sendNotification('initialized', {});
    return result;
  }

  open(file, text, version = 1) {
    this.conn.sendNotification('textDocument/didOpen', {
      textDocument: { uri: uriOf(file), languageId: 'play', version, text },
    });
  }

  change(file, version, contentChanges) {
    this.conn.sendNotification('textDocument/didChange', {
      textDocument: { uri: uriOf(file), version },
      contentChanges,
    });
  }

  request(method, params) {
    return this.conn.sendRequest(method, params);
  }

  async stop() {
    await this.conn.sendRequest('shutdown');
    this.conn.sendNotification('exit');
    const code = await this.exited;
    this.conn.dispose();
    return code;
  }
}

// A project like the ones authors write: shared declarations, a play with
// three errors and one whose title is not ASCII.
export const PROJECT_PLAY = `const enterprise_floor = 1000
list target_countries = ["US", "CA"]
`;
export const BROKEN_PLAY = `play p {
  title "T"
  owner "revops@acme.com"
  oncall "#gtm-oncall"
  runbook "https://wiki.acme.com/p"
  on website.page_viewed
  where signal.categroy == "pricing"
  where account.employes > enterprise_floor
  where now - contact.last_enrolled_at > 30
  do notify(channel: "#alerts", text: "x")
}
`;
export const GOOD_PLAY = `play q {
  title "Café 😀 visits"
  owner "revops@acme.com"
  oncall "#gtm-oncall"
  runbook "https://wiki.acme.com/q"
  on website.page_viewed
  where signal.category == "pricing"
  where account.country in target_countries
  do notify(channel: "#alerts", text: "é😀 {account.name}")
}
`;
