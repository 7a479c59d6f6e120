"""A throwaway PostgreSQL cluster for the playd tests and benches on
PostgreSQL: initdb into a temporary directory, a unix socket there, as
`nobody` when run as root (PostgreSQL refuses root). No mocks."""
import os
import pwd
import shutil
import subprocess
import tempfile


def pg_bin():
    for d in ("/usr/lib/postgresql/15/bin", "/usr/lib/postgresql/16/bin"):
        if os.path.exists(os.path.join(d, "initdb")):
            return d
    initdb = shutil.which("initdb")
    return os.path.dirname(initdb) if initdb else None


class Cluster:
    def __init__(self, settings=()):
        self.bin = pg_bin()
        if not self.bin:
            raise RuntimeError("no PostgreSQL server binaries (initdb): install postgresql-15")
        self.dir = tempfile.mkdtemp(prefix="playd_pg_", dir="/tmp")  # short: the socket path
        self.prefix = []
        if os.geteuid() == 0:
            nobody = pwd.getpwnam("nobody")
            os.chown(self.dir, nobody.pw_uid, nobody.pw_gid)
            self.prefix = ["runuser", "-u", "nobody", "--"]
        self.run("initdb", "-D", self.dir + "/data", "-A", "trust", "-U", "postgres", "--no-sync", "-E", "UTF8",
                 "--locale=C")
        options = f"-k {self.dir} -c listen_addresses='' -c max_connections=200"
        for s in settings:
            options += f" -c {s}"
        self.run("pg_ctl", "-D", self.dir + "/data", "-w", "-l", self.dir + "/server.log", "-o", options, "start")
        self.run("createdb", "-h", self.dir, "-U", "postgres", "playd")
        self.url = f"postgresql:///playd?host={self.dir}&user=postgres"

    def database(self, name):
        """A new, empty database on this cluster: its URL."""
        self.run("createdb", "-h", self.dir, "-U", "postgres", name)
        return f"postgresql:///{name}?host={self.dir}&user=postgres"

    def run(self, tool, *args):
        subprocess.run(self.prefix + [os.path.join(self.bin, tool), *args], check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)

    def query(self, sql, db="playd"):
        """Rows of `sql` (psql, unaligned), each a list of strings."""
        out = subprocess.run([os.path.join(self.bin, "psql"), "-h", self.dir, "-U", "postgres", "-d", db,
                              "-At", "-F", "\t", "-v", "ON_ERROR_STOP=1", "-c", sql],
                             check=True, capture_output=True, text=True).stdout
        return [line.split("\t") for line in out.splitlines() if line]

    def stop(self):
        try:
            self.run("pg_ctl", "-D", self.dir + "/data", "-m", "immediate", "-w", "stop")
        finally:
            shutil.rmtree(self.dir, ignore_errors=True)
