"""A real IMAP server for tests: Debian's dovecot on 127.0.0.1, all of it in a temporary folder.

The config, the password file, the mail store, the sockets and the log are
written under one temporary directory; nothing of the system's dovecot set-up
(/etc/dovecot, /run/dovecot) is read or touched. Dovecot runs in the
foreground as a child of the test (``dovecot -F -c <conf>``), as the current
user, and is stopped by its own process id.

Messages are delivered by writing Maildir files into the store, as a local
delivery agent would: the server sees them at the next look, like mail a live
site sent.
"""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

#: Where Debian puts the binary (``/usr/sbin`` is not on every user's PATH).
_CANDIDATES = ("/usr/sbin/dovecot", "/usr/local/sbin/dovecot")
INSTALL_HINT = "apt-get install -y dovecot-imapd (.ci/run installs it when missing)"


def find_dovecot() -> str | None:
    """The dovecot binary, or None when it is not installed."""
    found = shutil.which("dovecot")
    if found:
        return found
    return next((path for path in _CANDIDATES if os.access(path, os.X_OK)), None)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Dovecot:
    """One IMAP account (``user``/``password``) on ``127.0.0.1:port``, plain IMAP, no TLS.

    Dovecot refuses to run its login processes as root and to open mail as
    uid 0, so under root (a CI container) those run as ``nobody`` and the
    store belongs to it; as any other user everything runs as that user.
    """

    def __init__(self, binary: str, *, user: str = "audit", password: str = "imap-test-pw"):
        self.binary, self.user, self.password = binary, user, password
        self.port = _free_port()
        # Short and world-traversable: socket paths have a length limit, and under
        # root the login processes (as nobody) must reach the sockets inside.
        self.root = Path(tempfile.mkdtemp(prefix="cxdv-"))
        self.root.chmod(0o755)
        self.maildir = self.root / "home" / user / "Maildir"
        self._process: subprocess.Popen[bytes] | None = None
        self._delivered = 0
        me = pwd.getpwuid(os.getuid())
        if os.getuid() == 0:
            nobody = pwd.getpwnam("nobody")
            self._login_user, self._mail_uid, self._mail_gid = (
                "nobody",
                nobody.pw_uid,
                nobody.pw_gid,
            )
        else:
            self._login_user, self._mail_uid, self._mail_gid = me.pw_name, me.pw_uid, me.pw_gid
        self._internal_user = me.pw_name
        self._internal_group = _group_name(me.pw_gid)

    @property
    def log(self) -> str:
        path = self.root / "dovecot.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def _config(self) -> str:
        r = self.root
        return f"""\
instance_name = cxaudit-test-{self.port}
base_dir = {r}/run
state_dir = {r}/state
log_path = {r}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
default_login_user = {self._login_user}
default_internal_user = {self._internal_user}
default_internal_group = {self._internal_group}
first_valid_uid = {self._mail_uid}
last_valid_uid = {self._mail_uid}
mail_location = maildir:{r}/home/%u/Maildir
service imap-login {{
  chroot =
  inet_listener imap {{
    address = 127.0.0.1
    port = {self.port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
service anvil {{
  chroot =
}}
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {r}/passwd
}}
userdb {{
  driver = static
  args = uid={self._mail_uid} gid={self._mail_gid} home={r}/home/%u
}}
"""

    def start(self, ready_s: float = 15) -> Dovecot:
        for sub in ("run", "state"):
            (self.root / sub).mkdir()
        for sub in ("new", "cur", "tmp"):
            (self.maildir / sub).mkdir(parents=True)
        self._own(self.root / "home")
        (self.root / "passwd").write_text(f"{self.user}:{{PLAIN}}{self.password}\n")
        conf = self.root / "dovecot.conf"
        conf.write_text(self._config())
        self._process = subprocess.Popen(
            [self.binary, "-F", "-c", str(conf)],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + ready_s
        while True:
            if self._process.poll() is not None:
                out = self._process.stdout.read().decode(errors="replace")  # type: ignore[union-attr]
                self.stop()
                raise RuntimeError(f"dovecot exited ({self._process.returncode}): {out}{self.log}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1) as sock:
                    if sock.recv(200).startswith(b"* OK"):
                        return self
            except OSError:
                pass
            if time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"dovecot did not answer on port {self.port}: {self.log}")
            time.sleep(0.1)

    def deliver(self, raw: bytes) -> Path:
        """Put ``raw`` (RFC 5322 bytes) into the inbox, as a delivery agent does (tmp, then new)."""
        self._delivered += 1
        name = f"{int(time.time())}.M{self._delivered}P{os.getpid()}.cxaudit"
        staged = self.maildir / "tmp" / name
        staged.write_bytes(raw)
        self._own(staged)
        target = self.maildir / "new" / name
        staged.rename(target)
        return target

    def _own(self, path: Path) -> None:
        """Give ``path`` (and what is under it) to the mail user, when that is another user."""
        if self._mail_uid == os.getuid():
            return
        for item in [path, *path.rglob("*")] if path.is_dir() else [path]:
            os.chown(item, self._mail_uid, self._mail_gid)

    def stop(self) -> None:
        process, self._process = self._process, None
        if process is not None and process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=5)
        if process is not None and process.stdout is not None:
            process.stdout.close()

    def remove(self) -> None:
        self.stop()
        shutil.rmtree(self.root, ignore_errors=True)

    def __enter__(self) -> Dovecot:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.remove()


def _group_name(gid: int) -> str:
    import grp

    try:
        return grp.getgrgid(gid).gr_name
    except KeyError:
        return str(gid)
