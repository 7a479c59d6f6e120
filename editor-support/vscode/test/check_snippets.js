// The snippets expand to Play that `playc check` accepts: each snippet is
// expanded with its default values (the first choice of a `|a,b|` list), the
// top-level ones into one file, the play items into a play, the test items
// into a test, and the project is checked with the real playc.
//   node test/check_snippets.js PLAYC
'use strict';

const fs = require('fs');
const os = require('os');
const path = require('path');
const { spawnSync } = require('child_process');

// Expands a snippet body (TextMate/VS Code snippet syntax) with its defaults.
function expand(body) {
  const values = {};
  const text = body.join('\n');
  let i = 0;
  function parse(stopAt) {
    let out = '';
    while (i < text.length) {
      const c = text[i];
      if (c === '\\' && i + 1 < text.length && '$}\\|,'.includes(text[i + 1])) {
        out += text[i + 1];
        i += 2;
      } else if (stopAt && c === stopAt) {
        return out;
      } else if (c === '$' && /[0-9]/.test(text[i + 1] || '')) {
        let j = i + 1;
        while (/[0-9]/.test(text[j] || '')) j++;
        out += values[text.slice(i + 1, j)] || '';
        i = j;
      } else if (c === '$' && text[i + 1] === '{') {
        let j = i + 2;
        while (/[0-9]/.test(text[j])) j++;
        const n = text.slice(i + 2, j);
        if (text[j] === '}') {
          out += values[n] || '';
          i = j + 1;
        } else if (text[j] === ':') {
          i = j + 1;
          const v = parse('}');
          i++; // the closing brace
          values[n] = v;
          out += v;
        } else if (text[j] === '|') {
          const close = text.indexOf('|}', j + 1);
          const v = text.slice(j + 1, close).split(',')[0];
          values[n] = v;
          out += v;
          i = close + 2;
        } else {
          throw new Error(`cannot read the placeholder at ${text.slice(i, i + 20)}`);
        }
      } else {
        out += c;
        i++;
      }
    }
    return out;
  }
  return parse(null);
}

const playc = process.argv[2];
if (!playc) {
  console.error('usage: node test/check_snippets.js PLAYC');
  process.exit(2);
}
const snippets = require('../snippets/play.json');
const topLevel = ['play', 'test', 'icp', 'suppress', 'list', 'const', 'pool', 'signal declaration', 'entity'];
const testItems = ['expect do', 'expect outcome'];
const playItems = Object.keys(snippets).filter((k) => !topLevel.includes(k) && !testItems.includes(k));

const files = {
  'snippets_top.play': topLevel.map((k) => `// snippet "${k}"\n` + expand(snippets[k].body)).join('\n\n'),
  'snippets_items.play': [
    'play snippet_items {',
    '  owner "x"', '  title "t"', '  oncall "o"', '  runbook "r"',
    '  on website.page_viewed',
    '  unless suppressed',
    ...playItems.map((k) => `  // snippet "${k}"\n  ` + expand(snippets[k].body)),
    '}',
    'test "snippet test items" {',
    ...testItems.map((k) => `  // snippet "${k}"\n  ` + expand(snippets[k].body)),
    '}',
  ].join('\n'),
};
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'play-snippets-'));
for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), text + '\n');
const r = spawnSync(playc, ['check', dir], { encoding: 'utf8' });
process.stdout.write(r.stdout);
process.stderr.write(r.stderr);
if (r.status !== 0) {
  for (const [name, text] of Object.entries(files)) console.log(`--- ${name}\n${text}`);
  console.log(`FAILED: playc check rejected the expanded snippets (exit ${r.status})`);
  process.exit(1);
}
console.log(`snippets: ${Object.keys(snippets).length} expanded, playc check accepts them`);
fs.rmSync(dir, { recursive: true, force: true });
