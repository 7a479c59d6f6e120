// The editor queries over stdio: hover, definition, references, rename,
// completion, document symbols and quick fixes, as compiler/ide/ide.h
// documents them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { Client, project, checkJson, uriOf, PROJECT_PLAY, BROKEN_PLAY, GOOD_PLAY } from './client.mjs';

// Applies LSP TextEdits (non-overlapping) to `text`.
function applyEdits(text, edits) {
  const lines = text.split('\n');
  const offset = (p) => lines.slice(0, p.line).reduce((n, l) => n + l.length + 1, 0) + p.character;
  const sorted = [...edits].sort((a, b) => offset(b.range.start) - offset(a.range.start));
  for (const e of sorted) text = text.slice(0, offset(e.range.start)) + e.newText + text.slice(offset(e.range.end));
  return text;
}

const USES_FLOOR = GOOD_PLAY.replace('where account.country in target_countries',
  'where account.country in target_countries and account.employees > enterprise_floor');

async function start(files) {
  const dir = project(files);
  const c = new Client();
  await c.initialize(dir);
  for (const [name, text] of Object.entries(files)) c.open(path.join(dir, name), text);
  await c.until(() => Object.keys(files).every((n) => c.diagnostics.has(uriOf(path.join(dir, n)))), 'first diagnostics');
  return { dir, c };
}

function positionOf(text, word, nth = 0, delta = 1) {
  const lines = text.split('\n');
  let seen = 0;
  for (let i = 0; i < lines.length; i++) {
    let at = lines[i].indexOf(word);
    while (at >= 0) {
      if (seen++ === nth) return { line: i, character: at + delta };
      at = lines[i].indexOf(word, at + 1);
    }
  }
  throw new Error(`no ${word}`);
}

test('hover shows a const definition and a signal property type', async () => {
  const { dir, c } = await start({ 'project.play': PROJECT_PLAY, 'q.play': USES_FLOOR });
  const q = path.join(dir, 'q.play');
  const h = await c.request('textDocument/hover', { textDocument: { uri: uriOf(q) }, position: positionOf(USES_FLOOR, 'enterprise_floor') });
  assert.equal(h.contents.kind, 'markdown');
  assert.match(h.contents.value, /enterprise_floor/);
  assert.match(h.contents.value, /1000/);
  const at = positionOf(USES_FLOOR, 'enterprise_floor', 0, 0);
  assert.deepEqual(h.range, { start: at, end: { line: at.line, character: at.character + 'enterprise_floor'.length } });
  const p = await c.request('textDocument/hover', { textDocument: { uri: uriOf(q) }, position: positionOf(USES_FLOOR, 'category') });
  assert.match(p.contents.value, /string/);
  await c.stop();
});

test('definition and references of a const across files', async () => {
  const { dir, c } = await start({ 'project.play': PROJECT_PLAY, 'q.play': USES_FLOOR });
  const q = path.join(dir, 'q.play');
  const defs = await c.request('textDocument/definition', { textDocument: { uri: uriOf(q) }, position: positionOf(USES_FLOOR, 'enterprise_floor') });
  assert.equal(defs.length, 1);
  assert.equal(defs[0].uri, uriOf(path.join(dir, 'project.play')));
  assert.equal(defs[0].range.start.line, 0);
  const refs = await c.request('textDocument/references', {
    textDocument: { uri: uriOf(q) }, position: positionOf(USES_FLOOR, 'enterprise_floor'), context: { includeDeclaration: true },
  });
  assert.deepEqual(refs.map((r) => path.basename(new URL(r.uri).pathname)).sort(), ['project.play', 'q.play']);
  const uses = await c.request('textDocument/references', {
    textDocument: { uri: uriOf(q) }, position: positionOf(USES_FLOOR, 'enterprise_floor'), context: { includeDeclaration: false },
  });
  assert.equal(uses.length, 1);
  await c.stop();
});

test('rename a const in every file; the stdlib cannot be renamed', async () => {
  const { dir, c } = await start({ 'project.play': PROJECT_PLAY, 'q.play': USES_FLOOR });
  const q = path.join(dir, 'q.play');
  const pos = positionOf(USES_FLOOR, 'enterprise_floor');
  const prep = await c.request('textDocument/prepareRename', { textDocument: { uri: uriOf(q) }, position: pos });
  assert.equal(prep.placeholder, 'enterprise_floor');
  const edit = await c.request('textDocument/rename', { textDocument: { uri: uriOf(q) }, position: pos, newName: 'big_floor' });
  const texts = { 'project.play': PROJECT_PLAY, 'q.play': USES_FLOOR };
  assert.deepEqual(Object.keys(edit.changes).length, 2);
  for (const [uri, edits] of Object.entries(edit.changes)) {
    const name = path.basename(new URL(uri).pathname);
    fs.writeFileSync(path.join(dir, name), applyEdits(texts[name], edits));
  }
  assert.ok(!fs.readFileSync(q, 'utf8').includes('enterprise_floor'));
  assert.deepEqual(checkJson(dir), {});
  await assert.rejects(
    c.request('textDocument/rename', { textDocument: { uri: uriOf(q) }, position: pos, newName: 'not a name' }));
  await assert.rejects(
    c.request('textDocument/prepareRename', { textDocument: { uri: uriOf(q) }, position: positionOf(USES_FLOOR, 'page_viewed') }));
  await c.stop();
});

test('completion: properties after signal., signal types after on', async () => {
  const { dir, c } = await start({ 'project.play': PROJECT_PLAY, 'q.play': GOOD_PLAY });
  const q = path.join(dir, 'q.play');
  const typed = GOOD_PLAY.replace('where signal.category == "pricing"', 'where signal.');
  c.change(q, 2, [{ text: typed }]);
  const props = await c.request('textDocument/completion', {
    textDocument: { uri: uriOf(q) }, position: positionOf(typed, 'where signal.', 0, 'where signal.'.length),
  });
  const items = Array.isArray(props) ? props : props.items;
  assert.ok(items.some((i) => i.label === 'category'), JSON.stringify(items.map((i) => i.label)));
  const on = GOOD_PLAY.replace('on website.page_viewed', 'on ');
  c.change(q, 3, [{ text: on }]);
  const types = await c.request('textDocument/completion', {
    textDocument: { uri: uriOf(q) }, position: positionOf(on, '  on ', 0, 5), context: { triggerKind: 2, triggerCharacter: ' ' },
  });
  assert.ok((Array.isArray(types) ? types : types.items).some((i) => i.label === 'website.page_viewed'));
  await c.stop();
});

test('document symbols outline the file', async () => {
  const { dir, c } = await start({ 'project.play': PROJECT_PLAY, 'q.play': GOOD_PLAY });
  const symbols = await c.request('textDocument/documentSymbol', { textDocument: { uri: uriOf(path.join(dir, 'project.play')) } });
  assert.deepEqual(symbols.map((s) => s.name), ['enterprise_floor', 'target_countries']);
  const plays = await c.request('textDocument/documentSymbol', { textDocument: { uri: uriOf(path.join(dir, 'q.play')) } });
  assert.equal(plays.length, 1);
  assert.equal(plays[0].name, 'q');
  assert.equal(plays[0].kind, 12);
  await c.stop();
});

test('a did-you-mean diagnostic has a quick fix that fixes it', async () => {
  const { dir, c } = await start({ 'project.play': PROJECT_PLAY, 'a.play': BROKEN_PLAY });
  const a = path.join(dir, 'a.play');
  const { diagnostics } = c.diagnostics.get(uriOf(a));
  const typo = diagnostics.find((d) => d.code === 'P0102');
  const actions = await c.request('textDocument/codeAction', {
    textDocument: { uri: uriOf(a) }, range: typo.range, context: { diagnostics: [typo] },
  });
  assert.equal(actions.length, 1);
  assert.match(actions[0].title, /category/);
  const fixed = applyEdits(BROKEN_PLAY, actions[0].edit.changes[uriOf(a)]);
  assert.ok(fixed.includes('signal.category == "pricing"'));
  await c.stop();
});
