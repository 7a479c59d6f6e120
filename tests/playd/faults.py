"""Real faults for playd's tests: a small tmpfs that fills up (ENOSPC), and a
way to get the privileges to mount one.

Mounting needs root. As root (CI runs as root) the tmpfs is mounted
directly; otherwise the test re-runs itself inside a new user and mount
namespace (`unshare --user --map-root-user --mount`), where it may mount a
tmpfs of its own. Neither available: the test fails, it does not skip --
a full disk is the fault under test."""
import contextlib
import os
import shutil
import subprocess
import sys


def ensure_can_mount():
    """Re-executes the current test under unshare when not root."""
    if os.geteuid() == 0:
        return
    if os.environ.get("PLAYD_TEST_UNSHARED"):
        raise SystemExit("faults: cannot mount a tmpfs even in a user namespace")
    unshare = shutil.which("unshare")
    if not unshare:
        raise SystemExit("faults: not root and no `unshare`: cannot mount a tmpfs to fill")
    env = dict(os.environ, PLAYD_TEST_UNSHARED="1")
    rc = subprocess.call([unshare, "--user", "--map-root-user", "--mount", sys.executable] + sys.argv, env=env)
    raise SystemExit(rc)


@contextlib.contextmanager
def tmpfs(path, size_mb):
    os.makedirs(path, exist_ok=True)
    subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size_mb}m", "tmpfs", path], check=True)
    try:
        yield path
    finally:
        subprocess.run(["umount", "-l", path], check=False)


def resize(path, size_mb):
    """Grows (or shrinks) a mounted tmpfs: space returns, or goes."""
    subprocess.run(["mount", "-o", f"remount,size={size_mb}m", path], check=True)


def free_bytes(path):
    st = os.statvfs(path)
    return st.f_bavail * st.f_frsize
