// Extracts the `simple` conformance tests of the CEL specification from npm's
// @bufbuild/cel-spec (installed at test time into tests/cel/node_modules) and
// writes them as plain JSON for the C++ conformance runner:
//   [{"section":"basic","suite":"self_eval_zeroish","name":"...","expr":"...",
//     "value":{...} | "error":true, "bindings":{...}, "disableCheck":bool, "typeEnv":[...]}]
// Only the fields of the upstream SimpleTest message are passed through; the
// runner decides what our types can express (see skip-list.txt).
'use strict';
const path = require('path');
const SECTIONS = ['basic', 'comparisons', 'logic', 'integer_math', 'fp_math', 'string', 'lists', 'macros',
                  'conversions', 'timestamps'];
const data = require(path.join(__dirname, 'node_modules/@bufbuild/cel-spec/dist/cjs/testdata/conformance.js')).tests;
const out = [];
for (const section of data.suites) {
  if (!SECTIONS.includes(section.name)) continue;
  const walk = (suite, prefix) => {
    for (const t of suite.tests || []) {
      const o = t.original;
      out.push({
        section: section.name,
        suite: prefix,
        name: o.name || o.expr,
        expr: o.expr,
        value: o.value,
        typedResult: o.typedResult,
        evalError: o.evalError !== undefined,
        anyEvalErrors: o.anyEvalErrors !== undefined,
        unknown: o.unknown !== undefined,
        bindings: o.bindings,
        disableCheck: !!o.disableCheck,
        disableMacros: !!o.disableMacros,
        typeEnv: o.typeEnv,
        container: o.container,
        checkOnly: !!o.checkOnly,
      });
    }
    for (const s of suite.suites || []) walk(s, prefix ? prefix + '/' + s.name : s.name);
  };
  walk(section, '');
}
// Doubles are written as strings (as protobuf JSON allows): integral doubles
// beyond 2^64 would otherwise print as plain integers no int64/uint64 parser
// accepts (e.g. 18446744073709552000).
const replacer = (key, v) => (key === 'doubleValue' && typeof v === 'number' ? String(v) : v);
process.stdout.write(JSON.stringify(out, replacer, 0) + '\n');
