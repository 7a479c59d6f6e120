// The Play extension: starts `playc lsp` (the language server, LSP 3.17 over
// stdio) through vscode-languageclient, and folds .play files by their braces.
// Plain JavaScript with no build step: VS Code loads this file as it is.
'use strict';

const vscode = require('vscode');
const { LanguageClient } = require('vscode-languageclient/node');
const { findExecutable } = require('./lib/server');
const { foldingRanges } = require('./lib/folding');

let client = null;
let output = null;
let watcher = null; // one for the extension's life: restarts reuse it

// The command that starts the server, from the settings `play.server.path`
// and `play.server.args`. `playc lsp` takes no arguments of its own; extra
// ones (a future flag, a wrapper's) go after it.
function serverCommand(config, env = process.env, cwd) {
  const setting = (config.get('server.path') || 'playc').trim() || 'playc';
  const extra = config.get('server.args') || [];
  if (!Array.isArray(extra) || extra.some((a) => typeof a !== 'string'))
    throw new Error('play.server.args must be a list of strings');
  const command = findExecutable(setting, env, cwd);
  return { setting, command, args: ['lsp', ...extra] };
}

function notFoundMessage(setting) {
  const where = setting.includes('/') || setting.includes('\\')
    ? `"${setting}" does not exist or is not executable`
    : `"${setting}" was not found on PATH`;
  return `Play: cannot start the language server: ${where}. ` +
    'Build playc (scripts/build.sh puts it in build/apps/playc/playc) and set "play.server.path" to it, ' +
    'or put playc on PATH. Highlighting and snippets work without it.';
}

function firstFolder() {
  const folders = vscode.workspace.workspaceFolders;
  return folders && folders.length > 0 ? folders[0].uri.fsPath : undefined;
}

async function startClient() {
  const config = vscode.workspace.getConfiguration('play');
  let cmd;
  try {
    cmd = serverCommand(config, process.env, firstFolder());
  } catch (e) {
    vscode.window.showErrorMessage(`Play: ${e.message}`);
    return;
  }
  if (!cmd.command) {
    const open = 'Open Settings';
    vscode.window.showErrorMessage(notFoundMessage(cmd.setting), open).then((choice) => {
      if (choice === open) vscode.commands.executeCommand('workbench.action.openSettings', 'play.server');
    });
    return;
  }
  // No `transport`: given TransportKind.stdio, the client would append
  // `--stdio` to the arguments, and `playc lsp` takes none. Without it the
  // client still talks over the process's stdin and stdout.
  const run = { command: cmd.command, args: cmd.args };
  const serverOptions = { run, debug: run };
  const clientOptions = {
    documentSelector: [
      { scheme: 'file', language: 'play' },
      { scheme: 'untitled', language: 'play' },
    ],
    outputChannel: output,
    // Files changed outside the editor (a git checkout) reach the server too.
    synchronize: { fileEvents: watcher },
  };
  // The id 'play' makes the client read the `play.trace.server` setting.
  client = new LanguageClient('play', 'Play language server', serverOptions, clientOptions);
  try {
    await client.start();
  } catch (e) {
    vscode.window.showErrorMessage(`Play: the language server (${cmd.command} lsp) failed to start: ${e.message || e}`);
  }
}

async function stopClient() {
  const c = client;
  client = null;
  if (c) {
    try {
      await c.stop();
    } catch (_) {
      // A server that already died has nothing left to stop.
    }
  }
}

async function activate(context) {
  output = vscode.window.createOutputChannel('Play');
  context.subscriptions.push(output);
  watcher = vscode.workspace.createFileSystemWatcher('**/*.play');
  context.subscriptions.push(watcher);
  context.subscriptions.push(
    vscode.languages.registerFoldingRangeProvider({ language: 'play' }, {
      provideFoldingRanges(document) {
        return foldingRanges(document.getText()).map((r) => new vscode.FoldingRange(
          r.start, r.end,
          r.kind === 'comment' ? vscode.FoldingRangeKind.Comment
            : r.kind === 'region' ? vscode.FoldingRangeKind.Region : undefined));
      },
    }));
  context.subscriptions.push(vscode.commands.registerCommand('play.restartServer', async () => {
    await stopClient();
    await startClient();
  }));
  context.subscriptions.push(vscode.workspace.onDidChangeConfiguration(async (e) => {
    if (e.affectsConfiguration('play.server')) {
      await stopClient();
      await startClient();
    }
  }));
  await startClient();
}

function deactivate() {
  return stopClient();
}

module.exports = { activate, deactivate, serverCommand, notFoundMessage };
