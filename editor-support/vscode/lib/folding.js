// Folding ranges for a .play file: every {...}, (...) and [...] that spans
// lines, every block comment over several lines, and `// region` ...
// `// endregion` pairs. VS Code by itself folds a TextMate-only language by
// indentation; this folds by the braces themselves, skipping those inside
// strings and comments (a template's `{contact.name}` is no block).
'use strict';

const OPEN = { '{': '}', '(': ')', '[': ']' };
const CLOSE = { '}': '{', ')': '(', ']': '[' };

// Returns [{start, end, kind}] with 0-based lines; kind is undefined (a
// block), 'comment' or 'region'. `end` is the last line hidden under `start`:
// the line before a closing bracket that starts its line, so `}` stays
// visible; the closer's own line when text comes before it.
function foldingRanges(text) {
  const ranges = [];
  const brackets = []; // {ch, line}
  const regions = []; // start lines
  let line = 0;
  let lineStart = true; // only whitespace so far on this line
  const n = text.length;
  let i = 0;
  while (i < n) {
    const c = text[i];
    if (c === '\n') {
      line++;
      lineStart = true;
      i++;
      continue;
    }
    if (c === '/' && text[i + 1] === '/') {
      let j = text.indexOf('\n', i);
      if (j < 0) j = n;
      const body = text.slice(i + 2, j).trim();
      if (lineStart && /^#?region\b/.test(body)) regions.push(line);
      else if (lineStart && /^#?endregion\b/.test(body) && regions.length > 0) {
        const start = regions.pop();
        if (line > start) ranges.push({ start, end: line, kind: 'region' });
      }
      i = j;
      continue;
    }
    if (c === '/' && text[i + 1] === '*') {
      const start = line;
      let j = text.indexOf('*/', i + 2);
      j = j < 0 ? n : j + 2;
      for (let k = i; k < j; k++) if (text[k] === '\n') line++;
      if (line > start) ranges.push({ start, end: line, kind: 'comment' });
      lineStart = false;
      i = j;
      continue;
    }
    const firstOnLine = lineStart;
    lineStart = lineStart && (c === ' ' || c === '\t' || c === '\r');
    const q = i;
    const quote = text[q];
    if (quote === '"' || quote === "'") {
      const triple = text.startsWith(quote.repeat(3), q);
      let j = q + (triple ? 3 : 1);
      for (; j < n; j++) {
        const d = text[j];
        // Even in a raw string a backslash keeps the next character in the
        // string (the lexer's rule: r"\"" is one string); only decoding differs.
        if (d === '\\') {
          if (text[j + 1] === '\n') line++;
          j++;
          continue;
        }
        if (d === '\n') {
          if (!triple) break; // an unclosed quote ends at its line, as the lexer says
          line++;
          continue;
        }
        if (triple ? text.startsWith(quote.repeat(3), j) : d === quote) {
          j += triple ? 3 : 1;
          break;
        }
      }
      i = j;
      continue;
    }
    if (OPEN[c]) brackets.push({ ch: c, line });
    else if (CLOSE[c]) {
      // Pop to the matching opener: a stray closer inside half-typed text
      // must not close everything.
      let k = brackets.length - 1;
      while (k >= 0 && brackets[k].ch !== CLOSE[c]) k--;
      if (k >= 0) {
        const open = brackets[k];
        brackets.length = k;
        // `}` alone on its line stays visible; `"y"]` is hidden with its line.
        const end = firstOnLine ? line - 1 : line;
        if (end > open.line) ranges.push({ start: open.line, end });
      }
    }
    i++;
  }
  return ranges.sort((a, b) => a.start - b.start || b.end - a.end);
}

module.exports = { foldingRanges };
