// lib/folding.js: folding by braces, skipping braces in strings and comments.
'use strict';

const test = require('node:test');
const assert = require('node:assert');
const { foldingRanges } = require('../../lib/folding');

test('a play folds from its `{` to the line before its `}`', () => {
  const text = ['play p {', '  owner "x"', '  on website.page_viewed', '}'].join('\n');
  assert.deepStrictEqual(foldingRanges(text), [{ start: 0, end: 2 }]);
});

test('braces inside strings, templates, triple strings and comments are not blocks', () => {
  const text = [
    'play p {', // 0
    '  do notify(channel: "#c", text: "{account.name} {{ }} {")', // 1
    '  // a { in a comment', // 2
    '  let s = """ { ', // 3
    '  """', // 4
    "  let t = r'\\' {'", // 5: raw: the backslash does not escape the quote
    '}', // 6
  ].join('\n');
  assert.deepStrictEqual(foldingRanges(text), [{ start: 0, end: 5 }]);
});

test('a multi-line call folds with its closing line when text precedes the `)`', () => {
  const text = ['  do notify(channel: "#c",', '            text: "x")'].join('\n');
  assert.deepStrictEqual(foldingRanges(text), [{ start: 0, end: 1 }]);
});

test('block comments over several lines and // region markers fold', () => {
  const text = ['// region lists', 'list a = [1]', '/* one', '   two */', '// endregion'].join('\n');
  assert.deepStrictEqual(foldingRanges(text), [
    { start: 0, end: 4, kind: 'region' },
    { start: 2, end: 3, kind: 'comment' },
  ]);
});

test('an unclosed string ends at its line, and a stray closer does not close the play', () => {
  const text = ['play p {', '  owner "x', '  where a == b)', '  on x', '}'].join('\n');
  assert.deepStrictEqual(foldingRanges(text), [{ start: 0, end: 3 }]);
});
