#!/usr/bin/env python3
"""Checks that a packaged .vsix holds what the extension needs at run time.

vsce builds the package from package.json, .vscodeignore and `npm list
--production`; a wrong ignore pattern or a dependency moved to
devDependencies would give a .vsix that installs and then fails. This reads
the zip and fails, naming what is missing.
"""
import json
import sys
import zipfile

vsix = sys.argv[1]
with zipfile.ZipFile(vsix) as z:
    names = set(z.namelist())
    manifest = json.loads(z.read("extension/package.json"))

required = [
    "extension.vsixmanifest",
    "extension/package.json",
    "extension/extension.js",
    "extension/lib/server.js",
    "extension/lib/folding.js",
    "extension/language-configuration.json",
    "extension/syntaxes/play.tmLanguage.json",
    "extension/snippets/play.json",
    # the runtime dependency and what it needs to load
    "extension/node_modules/vscode-languageclient/package.json",
    "extension/node_modules/vscode-languageclient/node.js",
    "extension/node_modules/vscode-languageserver-protocol/package.json",
    "extension/node_modules/vscode-jsonrpc/package.json",
]
# Every file package.json points at must be inside.
contributes = manifest.get("contributes", {})
required.append("extension/" + manifest["main"].lstrip("./"))
for key in ("languages", "grammars", "snippets"):
    for entry in contributes.get(key, []):
        for field in ("configuration", "path"):
            if field in entry:
                required.append("extension/" + entry[field].lstrip("./"))

missing = sorted(set(r for r in required if r not in names))
# Development-only files must stay out.
unwanted = sorted(n for n in names if n.startswith(("extension/test/", "extension/node_modules/@vscode/vsce",
                                                      "extension/node_modules/vscode-tmgrammar-test")))
for m in missing:
    print(f"{vsix}: missing {m}")
for u in unwanted[:10]:
    print(f"{vsix}: should not contain {u}")
if missing or unwanted:
    sys.exit(1)
print(f"{vsix}: {len(names)} files, all {len(set(required))} required ones present, no test or build tools")
