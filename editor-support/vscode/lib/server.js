// Finding the `playc` executable the settings name, before starting it, so a
// missing one gets a message that says what to do instead of a spawn error.
'use strict';

const fs = require('fs');
const os = require('os');
const path = require('path');

function isExecutableFile(file) {
  try {
    if (!fs.statSync(file).isFile()) return false;
    if (process.platform !== 'win32') fs.accessSync(file, fs.constants.X_OK);
    return true;
  } catch (_) {
    return false;
  }
}

// `setting` is a bare name (looked up on PATH, like a shell does) or a path
// (absolute, `~/...`, or relative to `cwd`, the first workspace folder).
// Returns the absolute path of the executable, or null when there is none.
function findExecutable(setting, env = process.env, cwd = process.cwd()) {
  const exts = process.platform === 'win32'
    ? ['', ...(env.PATHEXT || '.EXE;.CMD;.BAT;.COM').split(';').filter(Boolean)]
    : [''];
  const first = (base) => {
    for (const ext of exts) if (isExecutableFile(base + ext)) return base + ext;
    return null;
  };
  if (setting.includes('/') || setting.includes(path.sep)) {
    let p = setting;
    if (p === '~' || p.startsWith('~/')) p = path.join(os.homedir(), p.slice(1));
    return first(path.resolve(cwd || process.cwd(), p));
  }
  for (const dir of (env.PATH || '').split(path.delimiter)) {
    if (!dir) continue;
    const found = first(path.join(dir, setting));
    if (found) return found;
  }
  return null;
}

module.exports = { findExecutable };
