"""Every malformed flag of `playd serve` / `playd dlq` / `playd review` and
every malformed config value ends playd with exit code 2 and one line naming the flag or key
and what was expected -- never an exception trace, an abort, or a start with
the value silently ignored or clamped. An exception nothing else catches (here:
std::bad_alloc under an address-space limit) exits 70 with one line.

Table-driven: each row runs the real binary."""
import os
import re
import resource
import subprocess
import sys
import tempfile
import time

from playd_harness import PLAYS

# (name, argv after the binary, [substrings the error line must contain]).
# "{tmp}" is the test's temporary directory, "{file}" a regular file in it.
FLAG_CASES = [
    ("listen port not a number", ["serve", "--plays", PLAYS, "--listen", "host:abc"], ["--listen", "port 'abc'", "0 to 65535"]),
    ("listen port out of range", ["serve", "--plays", PLAYS, "--listen", "127.0.0.1:99999"], ["--listen", "port '99999'"]),
    ("listen negative port", ["serve", "--plays", PLAYS, "--listen", "127.0.0.1:-1"], ["--listen", "port '-1'"]),
    ("listen port with junk", ["serve", "--plays", PLAYS, "--listen", "127.0.0.1:80x"], ["--listen", "port '80x'"]),
    ("listen without port", ["serve", "--plays", PLAYS, "--listen", "127.0.0.1"], ["--listen", "HOST:PORT"]),
    ("listen empty port", ["serve", "--plays", PLAYS, "--listen", "127.0.0.1:"], ["--listen", "port ''"]),
    ("listen empty", ["serve", "--plays", PLAYS, "--listen", ""], ["--listen", "HOST:PORT"]),
    ("listen without host", ["serve", "--plays", PLAYS, "--listen", ":8080"], ["--listen", "host is missing"]),
    ("listen host not an address", ["serve", "--plays", PLAYS, "--listen", "example.com:8080"], ["--listen", "'example.com' is not an IP address"]),
    ("listen IPv6 without brackets", ["serve", "--plays", PLAYS, "--listen", "::1:8080"], ["--listen", "brackets"]),
    ("plays missing", ["serve", "--plays", "{tmp}/nope"], ["--plays", "nope", "No such file"]),
    ("plays empty", ["serve", "--plays", ""], ["--plays", "empty"]),
    ("plays not given", ["serve"], ["--plays", "required"]),
    ("plays without value", ["serve", "--plays"], ["--plays"]),
    ("data is a file", ["serve", "--plays", PLAYS, "--data", "{file}"], ["--data", "not a directory"]),
    ("data empty", ["serve", "--plays", PLAYS, "--data", ""], ["--data", "empty"]),
    ("config missing", ["serve", "--plays", PLAYS, "--config", "{tmp}/nope.toml"], ["--config", "nope.toml", "No such file"]),
    ("config empty", ["serve", "--plays", PLAYS, "--config", ""], ["--config", "empty"]),
    ("unknown flag", ["serve", "--plays", PLAYS, "--port", "8080"], ["--port"]),
    ("one of several plays missing", ["serve", "--plays", PLAYS, "extra.play"], ["--plays", "extra.play"]),
    ("stray argument", ["serve", "extra", "--plays", PLAYS], ["extra"]),
    ("no subcommand", [], ["subcommand"]),
    ("unknown subcommand", ["start"], ["'start'", "serve, dlq, replay, review or migrate"]),
    ("dlq without command", ["dlq"], ["command"]),
    ("dlq unknown command", ["dlq", "purge"], ["dlq", "'purge'", "list, show"]),
    ("dlq show without key", ["dlq", "show", "--data", "{store}"], ["dlq", "show needs a KEY"]),
    ("dlq replay without key", ["dlq", "replay", "--data", "{store}"], ["dlq", "replay needs a KEY or --all"]),
    ("dlq replay key and all", ["dlq", "replay", "abc", "--all", "--data", "{store}"], ["dlq", "not both"]),
    ("dlq list with key", ["dlq", "list", "abc", "--data", "{store}"], ["dlq", "list takes no KEY"]),
    ("dlq list --all", ["dlq", "list", "--all", "--data", "{store}"], ["dlq", "--all is for replay"]),
    ("review without command", ["review"], ["command"]),
    ("review unknown command", ["review", "purge"], ["review", "'purge'", "list or done"]),
    ("review done without key", ["review", "done", "--data", "{store}"], ["review", "done needs a KEY"]),
    ("review list with key", ["review", "list", "abc", "--data", "{store}"], ["review", "list takes no KEY"]),
    ("review list --by", ["review", "list", "--by", "x", "--data", "{store}"], ["review", "--by and --comment"]),
    ("review bad status", ["review", "list", "--status", "x", "--data", "{store}"], ["review", "--status", "'x'"]),
    ("review data without store", ["review", "list", "--data", "{tmp}/nowhere"], ["--data", "nowhere", "no playd store"]),
    ("dlq data without store", ["dlq", "list", "--data", "{tmp}/nowhere"], ["--data", "nowhere", "no playd store"]),
    ("replay without a filter", ["replay", "--data", "{store}"], ["replay needs --since TIME or --play-set VERSION"]),
    ("replay since not a time", ["replay", "--since", "yesterday", "--data", "{store}"], ["since", "RFC 3339", "'yesterday'"]),
    ("replay data without store", ["replay", "--since", "2026-01-01T00:00:00Z", "--data", "{tmp}/nowhere"], ["--data", "no playd store"]),
    ("allow-no-plays takes no value", ["serve", "--plays", PLAYS, "--allow-no-plays=maybe"], ["--allow-no-plays"]),
]

# (name, config text, [substrings]). The file is named playd.toml.
CONFIG_CASES = [
    ("listen port not a number", '[server]\nlisten = "host:abc"\n', ["playd.toml", "server.listen", "port 'abc'"]),
    ("listen port out of range", '[server]\nlisten = "127.0.0.1:70000"\n', ["server.listen", "0 to 65535"]),
    ("listen not a string", "[server]\nlisten = 8080\n", ["server.listen", "expected a string, got an integer"]),
    ("threads zero", "[server]\nthreads = 0\n", ["server.threads", "from 1 to 256", "got 0"]),
    ("threads negative", "[server]\nthreads = -4\n", ["server.threads", "from 1 to 256"]),
    ("threads too many", "[server]\nthreads = 100000\n", ["server.threads", "from 1 to 256"]),
    ("threads a string", '[server]\nthreads = "2"\n', ["server.threads", "expected an integer, got a string"]),
    ("threads a float", "[server]\nthreads = 2.5\n", ["server.threads", "expected an integer, got a floating-point"]),
    ("max_body_bytes negative", "[server]\nmax_body_bytes = -1\n", ["server.max_body_bytes", "at least 1", "got -1"]),
    ("max_body_bytes zero", "[server]\nmax_body_bytes = 0\n", ["server.max_body_bytes", "at least 1", "got 0"]),
    ("data empty", '[server]\ndata = ""\n', ["server.data", "non-empty"]),
    ("admin_token not a string", "[server]\nadmin_token = 1234\n", ["server.admin_token", "expected a string"]),
    ("unknown server key", '[server]\nlisen = "127.0.0.1:0"\n', ["server.lisen", "unknown key", "listen"]),
    ("unknown table", "[sever]\nthreads = 2\n", ["sever", "unknown key", "server"]),
    ("server not a table", "server = 3\n", ["server", "expected a table"]),
    ("synchronous unknown", '[store]\nsynchronous = "full"\n', ["store.synchronous", "FULL, NORMAL, EXTRA, OFF"]),
    ("dedup_ttl words", '[store]\ndedup_ttl = "30 days"\n', ["store.dedup_ttl", "expected a duration"]),
    ("dedup_ttl negative", "[store]\ndedup_ttl = -5\n", ["store.dedup_ttl", "greater than zero"]),
    ("dedup_ttl overflows", '[store]\ndedup_ttl = "99999999999999999d"\n', ["store.dedup_ttl", "expected a duration"]),
    ("trace_ttl zero", '[store]\ntrace_ttl = "0s"\n', ["store.trace_ttl", "greater than zero"]),
    ("trace_ttl a bool", "[store]\ntrace_ttl = true\n", ["store.trace_ttl", "expected a duration", "boolean"]),
    ("max_queue_depth zero", "[store]\nmax_queue_depth = 0\n", ["store.max_queue_depth", "at least 1"]),
    ("max_queue_depth negative", "[store]\nmax_queue_depth = -1\n", ["store.max_queue_depth", "at least 1"]),
    ("unknown store key", '[store]\nsync = "FULL"\n', ["store.sync", "unknown key", "synchronous"]),
    ("source without secret", '[[sources]]\nname = "web"\nkind = "bearer"\n', ["sources[0].secret", "needs a secret"]),
    ("source without name", '[[sources]]\nkind = "bearer"\nsecret = "s"\n', ["sources[0].name", "needs a name"]),
    ("source empty secret", '[[sources]]\nname = "web"\nsecret = ""\n', ["sources[0].secret", "needs a secret"]),
    ("source kind unknown", '[[sources]]\nname = "web"\nkind = "oauth"\nsecret = "s"\n', ["sources[0].kind", "bearer, segment, webhooks", "oauth"]),
    ("two sources one name", '[[sources]]\nname = "web"\nsecret = "a"\n[[sources]]\nname = "web"\nsecret = "b"\n', ["sources[1].name", "another source is named 'web'"]),
    ("webhooks secret not base64", '[[sources]]\nname = "v"\nkind = "webhooks"\nsecret = "whsec_not base64!"\n', ["sources[0].secret", "whsec_<base64>"]),
    ("sources a table", '[sources]\nname = "web"\n', ["sources", "array of tables"]),
    ("unknown source key", '[[sources]]\nname = "web"\nsecret = "s"\ntoken = "t"\n', ["sources[0].token", "unknown key", "secret"]),
    ("max_event_bytes zero", "[segment]\nmax_event_bytes = 0\n", ["segment.max_event_bytes", "at least 1"]),
    ("max_batch_bytes negative", "[segment]\nmax_batch_bytes = -10\n", ["segment.max_batch_bytes", "at least 1"]),
    ("events not a table", '[segment]\nevents = "x"\n', ["segment.events", "expected a table"]),
    ("event type not a string", '[segment.events]\n"Signed Up" = 3\n', ['segment.events."Signed Up"', "signal type name"]),
    ("event type empty", '[segment.events]\n"Signed Up" = ""\n', ['segment.events."Signed Up"', "signal type name"]),
    ("page_type undeclared", '[segment]\npage_type = "website.page_view"\n', ["segment.page_type", "not a signal type"]),
    ("event maps to undeclared type", '[segment.events]\n"Demo" = "web.demo"\n', ['segment.events."Demo"', "not a signal type"]),
    ("retry_schedule a string", '[execution]\nretry_schedule = "1m"\n', ["execution.retry_schedule", "an array of durations"]),
    ("retry_schedule empty", "[execution]\nretry_schedule = []\n", ["execution.retry_schedule", "at least one delay"]),
    ("retry_schedule bad item", '[execution]\nretry_schedule = ["1m", "soon"]\n', ["execution.retry_schedule[1]", "expected a duration", "soon"]),
    ("retry_schedule zero delay", '[execution]\nretry_schedule = ["0s"]\n', ["execution.retry_schedule[0]", "greater than zero"]),
    ("max_attempts zero", "[execution]\nmax_attempts = 0\n", ["execution.max_attempts", "from 1 to 1000000"]),
    ("undelivered_alert words", '[execution]\nundelivered_alert = "2 hours"\n', ["execution.undelivered_alert", "expected a duration"]),
    ("fallback unknown", '[execution]\nfallback = "crm"\n', ["execution.fallback", "no sink named 'crm'"]),
    ("sink kind unknown", '[sinks.crm]\nkind = "smtp"\nurl = "http://x/"\n', ["sinks.crm.kind", "http, slack, file", "smtp"]),
    ("http sink without url", '[sinks.crm]\nkind = "http"\n', ["sinks.crm.url", "needs a url"]),
    ("http sink empty url", '[sinks.crm]\nurl = ""\n', ["sinks.crm.url", "needs a url"]),
    ("sink url not http", '[sinks.crm]\nurl = "file:///etc/passwd"\n', ["sinks.crm.url", "http:// or https://"]),
    ("slack url not a url", '[sinks.chat]\nkind = "slack"\nurl = "hooks.slack.com/x"\n', ["sinks.chat.url", "http:// or https://"]),
    ("file sink with url", '[sinks.review]\nkind = "file"\nurl = "http://x/"\n', ["sinks.review.url", "a file sink has no url"]),
    ("concurrency zero", '[sinks.crm]\nurl = "http://x/"\nconcurrency = 0\n', ["sinks.crm.concurrency", "from 1 to 256"]),
    ("concurrency too high", '[sinks.crm]\nurl = "http://x/"\nconcurrency = 1000\n', ["sinks.crm.concurrency", "from 1 to 256"]),
    ("rate negative", '[sinks.crm]\nurl = "http://x/"\nrate_per_hour = -1\n', ["sinks.crm.rate_per_hour", "at least 0"]),
    ("rate a string", '[sinks.crm]\nurl = "http://x/"\nrate_per_hour = "fast"\n', ["sinks.crm.rate_per_hour", "expected a number"]),
    ("rate nan", '[sinks.crm]\nurl = "http://x/"\nrate_per_hour = nan\n', ["sinks.crm.rate_per_hour", "at least 0"]),
    ("timeout words", '[sinks.crm]\nurl = "http://x/"\ntimeout = "10 seconds"\n', ["sinks.crm.timeout", "expected a duration"]),
    ("timeout zero", '[sinks.crm]\nurl = "http://x/"\ntimeout = 0\n', ["sinks.crm.timeout", "greater than zero"]),
    ("unknown sink key", '[sinks.crm]\nurl = "http://x/"\nretries = 3\n', ["sinks.crm.retries", "unknown key", "url"]),
    ("sinks not a table", "sinks = 3\n", ["sinks", "expected a table"]),
    ("sink not a table", '[sinks]\ncrm = "http://x/"\n', ["sinks.crm", "expected a table"]),
    ("file sinks share a file", '[sinks.review]\nkind = "file"\npath = "outbox.ndjson"\n', ["sinks.review.path", "already written"]),
    ("not TOML", "[server\nlisten = 1\n", ["playd.toml:1:"]),
    ("disk reserve negative", "[store]\nmin_free_disk_mb = -1\n", ["store.min_free_disk_mb", "got -1"]),
    ("context cache tiny", "[store]\ncontext_cache = 3\n", ["store.context_cache", "at least 16"]),
    ("integrity check words", '[store]\nintegrity_check_timeout = "soon"\n', ["store.integrity_check_timeout", "duration"]),
    ("pending actions negative", "[execution]\nmax_pending_actions = -5\n", ["execution.max_pending_actions", "at least 0"]),
    ("retry-after cap zero", '[execution]\nmax_retry_after = "0s"\n', ["execution.max_retry_after", "greater than zero"]),
    ("allow_no_plays a string", 'allow_no_plays = "yes"\n', ["allow_no_plays", "expected a boolean"]),
    ("source signals not a list", '[[sources]]\nname = "w"\nsecret = "t"\nsignals = "website.*"\n', ["sources[0].signals", "list of strings"]),
]


def shared_libraries(path):
    """The shared libraries `path` loads, as ldd resolves them."""
    out = subprocess.run(["ldd", path], capture_output=True, text=True).stdout
    return [m.group(1) for m in re.finditer(r"=> (/\S+)", out)]


def llvm_bytes(binary):
    """The size of libLLVM and of the libraries it loads, if `binary` links it (a -DPLAY_JIT=ON build); else 0."""
    llvm = [lib for lib in shared_libraries(binary) if "libLLVM" in os.path.basename(lib)]
    if not llvm:
        return 0
    return sum(os.path.getsize(lib) for lib in set(llvm + shared_libraries(llvm[0])))


def run_playd(binary, args, cwd, limit_as=None):
    """Runs playd; a start (it printed "listening on") is stopped at once and reported."""
    def preexec():
        if limit_as:
            resource.setrlimit(resource.RLIMIT_AS, (limit_as, limit_as))
    with tempfile.TemporaryFile() as err:
        proc = subprocess.Popen([binary] + args, cwd=cwd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                stderr=err, preexec_fn=preexec if limit_as else None)
        deadline = time.time() + 30
        started = False
        while proc.poll() is None and time.time() < deadline:
            err.seek(0)
            if b"listening on" in err.read():
                started = True
                proc.terminate()
                break
            time.sleep(0.02)
        if proc.poll() is None and not started:
            proc.kill()
        rc = proc.wait()
        err.seek(0)
        return (None if started else rc), err.read().decode(errors="replace")


def check(name, rc, stderr, want, failures, code=2):
    lines = [l for l in stderr.splitlines() if l.strip()]
    problems = []
    if rc != code:
        problems.append(f"exit code {rc} (want {code}{'; it started' if rc is None else ''})")
    if any(bad in stderr for bad in ("terminate called", "what():", "Aborted", "Traceback")):
        problems.append("an exception trace")
    if not any(all(w in l for w in want) for l in lines):
        problems.append(f"no line with {want}")
    # Beyond the no-sources warning, the error is one line.
    if len([l for l in lines if "warning:" not in l]) != 1:
        problems.append(f"{len(lines)} lines")
    if os.environ.get("VERBOSE"):
        print(f"{name}: exit {rc}: {lines[-1] if lines else ''}")
    if problems:
        failures.append(f"{name}: {'; '.join(problems)}\n    stderr: {stderr.strip()[:400]!r}")


def main(binary):
    failures = []
    with tempfile.TemporaryDirectory() as tmp:
        afile = os.path.join(tmp, "a-file")
        open(afile, "w").close()
        # A real (empty) store for the dlq usage cases: a `dlq list` on a fresh
        # directory is refused, so make one with a short serve.
        store = os.path.join(tmp, "store")
        rc, err = run_playd(binary, ["serve", "--plays", PLAYS, "--data", store, "--listen", "127.0.0.1:0"], tmp)
        assert rc is None and os.path.exists(os.path.join(store, "playd.db")), (rc, err)
        n = 0
        for name, args, want in FLAG_CASES:
            args = [a.replace("{tmp}", tmp).replace("{file}", afile).replace("{store}", store) for a in args]
            if args and args[0] == "serve" and "--data" not in args:
                args += ["--data", os.path.join(tmp, "data")]
            rc, err = run_playd(binary, args, tmp)
            check("flag: " + name, rc, err, want, failures)
            n += 1
        for name, text, want in CONFIG_CASES:
            config = os.path.join(tmp, "playd.toml")
            with open(config, "w") as f:
                f.write(text)
            # --listen keeps a wrongly started playd off port 8080 (server.listen is still parsed).
            rc, err = run_playd(binary, ["serve", "--plays", PLAYS, "--data", os.path.join(tmp, "data"),
                                         "--config", config, "--listen", "127.0.0.1:0"], tmp)
            check("config: " + name, rc, err, want, failures)
            n += 1
        # The last resort: std::bad_alloc loading a 40 MB plays file under a
        # 200 MB address-space limit is caught: one line, exit 70, no abort.
        # A JIT build's playd maps libLLVM and what it links (ICU, ...) before
        # main(): the limit grows by their size, so the margin stays the same.
        big = os.path.join(tmp, "big.play")
        with open(big, "w") as f:
            f.write(("// " + "x" * 76 + "\n") * 500000)
        rc, err = run_playd(binary, ["serve", "--plays", big, "--data", os.path.join(tmp, "data"),
                                     "--listen", "127.0.0.1:0"], tmp, limit_as=(200 << 20) + llvm_bytes(binary))
        check("internal error (bad_alloc)", rc, err, ["playd: internal error:", "bad_alloc"], failures, code=70)
        n += 1
    if failures:
        print(f"{len(failures)} of {n} cases failed:")
        for f in failures:
            print("  " + f)
        sys.exit(1)
    print(f"flags: ok ({n} cases)")


if __name__ == "__main__":
    main(os.path.abspath(sys.argv[1]))
