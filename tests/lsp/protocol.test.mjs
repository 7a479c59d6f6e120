// `playc lsp` over stdio, driven by vscode-languageserver-protocol as an
// editor drives it: the lifecycle, document sync, diagnostics (compared with
// `playc check --format json` on the same files), formatting (compared with
// `playc fmt`), code actions' shape and a malformed message. The queries
// (hover, definition, ...) are in queries.test.mjs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { StreamMessageReader } from 'vscode-languageserver-protocol/node.js';
import {
  Client, PLAYC, project, checkJson, fmtStdin, uriOf, PROJECT_PLAY, BROKEN_PLAY, GOOD_PLAY,
} from './client.mjs';

// An LSP diagnostic as `playc check --format json` prints it (ASCII lines:
// columns in code points are UTF-16 characters there).
function asCheck(d) {
  return {
    line: d.range.start.line + 1,
    column: d.range.start.character + 1,
    end_line: d.range.end.line + 1,
    end_column: d.range.end.character + 1,
    severity: ['', 'error', 'warning', 'note'][d.severity],
    code: d.code,
    message: d.message,
  };
}
function stripFile(d) {
  const { file, ...rest } = d;
  return rest;
}

test('initialize advertises exactly what the server answers', async () => {
  const c = new Client();
  const r = await c.initialize(null);
  assert.equal(r.serverInfo.name, 'playc');
  const caps = r.capabilities;
  assert.deepEqual(Object.keys(caps).sort(), [
    'codeActionProvider', 'completionProvider', 'definitionProvider', 'documentFormattingProvider',
    'documentSymbolProvider', 'hoverProvider', 'positionEncoding', 'referencesProvider', 'renameProvider',
    'textDocumentSync',
  ]);
  assert.equal(caps.positionEncoding, 'utf-16');
  assert.equal(caps.textDocumentSync.change, 2); // incremental
  assert.equal(caps.textDocumentSync.openClose, true);
  assert.deepEqual(caps.completionProvider.triggerCharacters, ['.', ' ']);
  assert.deepEqual(caps.codeActionProvider.codeActionKinds, ['quickfix']);
  assert.equal(caps.renameProvider.prepareProvider, true);
  assert.equal(await c.stop(), 0);
});

test('diagnostics for every file of the workspace equal playc check, and follow incremental edits', async () => {
  const dir = project({ 'project.play': PROJECT_PLAY, 'a.play': BROKEN_PLAY, 'sub/q.play': GOOD_PLAY });
  const a = path.join(dir, 'a.play');
  const c = new Client();
  await c.initialize(dir);
  c.open(a, BROKEN_PLAY, 1);
  const first = await c.nextDiagnostics(uriOf(a), 1);
  let expected = checkJson(dir);
  assert.equal(expected[a].length, 3);
  assert.deepEqual(first.diagnostics.map(asCheck), expected[a].map(stripFile));
  for (const d of first.diagnostics) {
    assert.equal(d.source, 'playc');
    assert.match(d.codeDescription.href, new RegExp(`docs/diagnostics\\.md#${d.code.toLowerCase()}$`));
  }
  // Files that are not open are checked too (q.play is clean, project.play is clean).
  const q = path.join(dir, 'sub/q.play');
  await c.until(() => c.diagnostics.get(uriOf(q)), 'diagnostics for the unopened q.play');
  assert.deepEqual(c.diagnostics.get(uriOf(q)).diagnostics, []);

  // Incremental: fix the misspelt property where it is (line 7, "categroy").
  const line = BROKEN_PLAY.split('\n')[6];
  const at = line.indexOf('categroy');
  c.change(a, 2, [{ range: { start: { line: 6, character: at }, end: { line: 6, character: at + 8 } }, text: 'category' }]);
  const second = await c.nextDiagnostics(uriOf(a), 2);
  const fixed = BROKEN_PLAY.replace('categroy', 'category');
  fs.writeFileSync(a, fixed);
  expected = checkJson(dir);
  assert.equal(expected[a].length, 2);
  assert.deepEqual(second.diagnostics.map(asCheck), expected[a].map(stripFile));

  // Two edits in one notification apply in order; a full-text change replaces everything.
  c.change(a, 3, [
    { range: { start: { line: 0, character: 5 }, end: { line: 0, character: 6 } }, text: 'pp' },
    { range: { start: { line: 0, character: 7 }, end: { line: 0, character: 7 } }, text: '2' },
  ]);
  await c.nextDiagnostics(uriOf(a), 3);
  c.change(a, 4, [{ text: BROKEN_PLAY }]);
  const fourth = await c.nextDiagnostics(uriOf(a), 4);
  assert.deepEqual(fourth.diagnostics.map((d) => d.code), ['P0102', 'P0104', 'P0211']);
  assert.equal(await c.stop(), 0);
});

test('every golden check file gets the diagnostics playc check gives it', async () => {
  const golden = 'tests/golden/check';
  const files = {};
  for (const f of fs.readdirSync(golden).filter((f) => f.endsWith('.play'))) files[f] = fs.readFileSync(path.join(golden, f), 'utf8');
  const dir = project(files);
  const expected = checkJson(dir);
  const names = Object.keys(files);
  assert.ok(names.length > 50);
  const c = new Client();
  await c.initialize(dir);
  await c.until(() => names.every((n) => c.diagnostics.has(uriOf(path.join(dir, n)))), 'diagnostics for every file');
  let compared = 0;
  for (const n of names) {
    const file = path.join(dir, n);
    const got = c.diagnostics.get(uriOf(file)).diagnostics.map(asCheck);
    assert.deepEqual(got, (expected[file] ?? []).map(stripFile), n);
    compared += got.length;
  }
  assert.ok(compared > 100);
  assert.equal(await c.stop(), 0);
});

test('positions count UTF-16 code units on lines with non-ASCII text', async () => {
  const dir = project({ 'project.play': PROJECT_PLAY, 'q.play': GOOD_PLAY });
  const q = path.join(dir, 'q.play');
  const c = new Client();
  await c.initialize(dir);
  c.open(q, GOOD_PLAY, 1);
  assert.deepEqual((await c.nextDiagnostics(uriOf(q), 1)).diagnostics, []);
  // Line 9 holds "é😀" in a template: after the emoji, a misspelt field.
  const lines = GOOD_PLAY.split('\n');
  const at = lines[8].indexOf('account.name'); // a JS index is in UTF-16 units
  c.change(q, 2, [{ range: { start: { line: 8, character: at }, end: { line: 8, character: at + 12 } }, text: 'account.nmae' }]);
  const d = (await c.nextDiagnostics(uriOf(q), 2)).diagnostics;
  assert.equal(d.length, 1);
  assert.equal(d[0].code, 'P0104');
  assert.deepEqual(d[0].range, { start: { line: 8, character: at + 8 }, end: { line: 8, character: at + 12 } });
  assert.equal(await c.stop(), 0);
});

test('formatting gives what playc fmt writes, and refuses a file with syntax errors', async () => {
  const messy = 'const   enterprise_floor=1000\nlist target_countries = [ "US","CA" ]\n';
  const dir = project({ 'project.play': messy, 'bad.play': 'play p {\n  title\n' });
  const file = path.join(dir, 'project.play');
  const c = new Client();
  await c.initialize(dir);
  c.open(file, messy);
  const edits = await c.request('textDocument/formatting', {
    textDocument: { uri: uriOf(file) }, options: { tabSize: 2, insertSpaces: true },
  });
  const want = fmtStdin(messy);
  assert.equal(want.status, 0);
  assert.notEqual(want.stdout, messy);
  assert.equal(edits.length, 1);
  assert.deepEqual(edits[0].range.start, { line: 0, character: 0 });
  assert.deepEqual(edits[0].range.end, { line: 2, character: 0 });
  assert.equal(edits[0].newText, want.stdout);
  // Formatted already: no edits.
  c.change(file, 2, [{ text: want.stdout }]);
  assert.deepEqual(await c.request('textDocument/formatting', { textDocument: { uri: uriOf(file) }, options: { tabSize: 2, insertSpaces: true } }), []);

  const bad = path.join(dir, 'bad.play');
  c.open(bad, 'play p {\n  title\n');
  assert.notEqual(fmtStdin('play p {\n  title\n').status, 0);
  const none = await c.request('textDocument/formatting', { textDocument: { uri: uriOf(bad) }, options: { tabSize: 2, insertSpaces: true } });
  assert.deepEqual(none, []);
  const msg = await c.until(() => c.messages.find((m) => m.message.includes('bad.play')), 'the refusal message');
  assert.equal(msg.type, 1);
  assert.match(msg.message, /cannot format .*bad\.play.*syntax error/);
  assert.equal(await c.stop(), 0);
});

test('code actions answer with quick fixes in the LSP shape', async () => {
  const dir = project({ 'project.play': PROJECT_PLAY, 'a.play': BROKEN_PLAY });
  const a = path.join(dir, 'a.play');
  const c = new Client();
  await c.initialize(dir);
  c.open(a, BROKEN_PLAY);
  const { diagnostics } = await c.nextDiagnostics(uriOf(a), 1);
  const actions = await c.request('textDocument/codeAction', {
    textDocument: { uri: uriOf(a) }, range: diagnostics[0].range, context: { diagnostics },
  });
  assert.ok(Array.isArray(actions));
  for (const x of actions) {
    assert.equal(x.kind, 'quickfix');
    assert.equal(typeof x.title, 'string');
    assert.equal(x.diagnostics.length, 1);
    assert.ok(diagnostics.some((d) => d.code === x.diagnostics[0].code));
    for (const [uri, edits] of Object.entries(x.edit.changes)) {
      assert.equal(uri, uriOf(a));
      for (const e of edits) assert.equal(typeof e.newText, 'string');
    }
  }
  // Asked only for refactorings: none.
  const none = await c.request('textDocument/codeAction', {
    textDocument: { uri: uriOf(a) }, range: diagnostics[0].range, context: { diagnostics, only: ['refactor'] },
  });
  assert.deepEqual(none, []);
  assert.equal(await c.stop(), 0);
});

test('closing an unsaved document clears its diagnostics; files changed on disk are read again', async () => {
  const dir = project({ 'project.play': PROJECT_PLAY });
  const c = new Client();
  await c.initialize(dir);
  const untitled = 'untitled:Untitled-1';
  c.conn.sendNotification('textDocument/didOpen', { textDocument: { uri: untitled, languageId: 'play', version: 1, text: BROKEN_PLAY } });
  await c.until(() => c.diagnostics.get(untitled)?.diagnostics.length === 3, 'diagnostics of the unsaved document');
  c.conn.sendNotification('textDocument/didClose', { textDocument: { uri: untitled } });
  await c.until(() => c.diagnostics.get(untitled)?.diagnostics.length === 0, 'the unsaved document cleared');

  const b = path.join(dir, 'b.play');
  fs.writeFileSync(b, BROKEN_PLAY);
  c.conn.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: uriOf(b), type: 1 }] });
  await c.until(() => c.diagnostics.get(uriOf(b))?.diagnostics.length === 3, 'diagnostics of the new file');
  fs.unlinkSync(b);
  c.conn.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: uriOf(b), type: 3 }] });
  await c.until(() => c.diagnostics.get(uriOf(b))?.diagnostics.length === 0, 'the deleted file cleared');
  assert.equal(await c.stop(), 0);
});

// Raw bytes on stdin; answers read with the protocol library's reader.
test('a malformed message is answered with a parse error and the server keeps serving', async () => {
  const proc = spawn(PLAYC, ['lsp'], { stdio: ['pipe', 'pipe', 'pipe'] });
  const exited = new Promise((resolve) => proc.on('exit', (code) => resolve(code)));
  const got = [];
  let wake = () => {};
  new StreamMessageReader(proc.stdout).listen((m) => {
    got.push(m);
    wake();
  });
  const next = (pred) => new Promise((resolve) => {
    wake = () => {
      const m = got.find(pred);
      if (m) resolve(m);
    };
    wake();
  });
  const send = (s) => proc.stdin.write(`Content-Length: ${Buffer.byteLength(s)}\r\n\r\n${s}`);
  send('{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"capabilities":{}}}');
  await next((m) => m.id === 1);
  send('{"jsonrpc":"2.0","id":2,"meth');  // truncated JSON
  const parseError = await next((m) => m.error?.code === -32700);
  assert.equal(parseError.id, null);
  proc.stdin.write('Content-Length: nonsense\r\n\r\n');  // a header without a length: skipped
  send('[1,2');
  send('{"jsonrpc":"2.0","id":3,"method":"no/such/method"}');
  const unknown = await next((m) => m.id === 3);
  assert.equal(unknown.error.code, -32601);
  send('{"jsonrpc":"2.0","id":4,"method":"textDocument/hover","params":{"position":"x"}}');
  assert.equal((await next((m) => m.id === 4)).error.code, -32602);
  send('{"jsonrpc":"2.0","id":5,"method":"shutdown"}');
  assert.equal((await next((m) => m.id === 5)).result, null);
  send('{"jsonrpc":"2.0","method":"exit"}');
  assert.equal(await exited, 0);
});

test('exit without shutdown ends the server with code 1', async () => {
  const c = new Client();
  await c.initialize(null);
  c.conn.sendNotification('exit');
  assert.equal(await c.exited, 1);
  c.conn.dispose();
});
