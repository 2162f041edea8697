#!/usr/bin/python3
"""Run one command under a wall-clock cap, restarting it when a line it must
print early does not come; for the benchmark's section (6).

usage: watch.py --out FILE --err FILE --time FILE [--cap SECONDS]
                [--expect TEXT --within SECONDS --tries N] -- CMD [ARG...]

--out, --err  CMD's stdout and stderr (rewritten at each try)
--time        written when CMD has ended: one line "WALL RSS RESTARTS LOST",
              WALL the wall seconds of the last try (start to exit, so the
              writing of the model is counted), RSS its peak resident set in
              KiB (as GNU time's %M), RESTARTS the tries killed for want of
              TEXT and LOST the wall seconds they took
--cap         kill CMD (its whole process group) after this many seconds of
              one try, and exit 124 as timeout(1) does [no cap]
--expect      TEXT that CMD must write to stderr within --within seconds
              [30]; when it has not, CMD is killed and started again, up to
              --tries times in all [5]; exit 125 when no try printed it

Exits with CMD's status (128 + N when signal N ended it).  SIGINT or SIGTERM
to watch.py ends CMD too: CMD runs in its own session so that --cap can end
all of it, and so does not see the terminal's ^C by itself.

Why --expect: fastText 0.9.2's autotune (Autotune::startTimer) starts its
timer thread before it sets the flag the thread loops on.  When the thread
reads the flag first it returns at once: no "Progress: ... Trials:" line is
ever printed and the search never stops, whatever -autotune-duration says.
On a loaded machine this happens often; restarting is the only cure short of
patching fastText.  Only the standard library is used.
"""

import argparse
import os
import signal
import subprocess
import sys
import time


def die(msg, code=2):
    sys.stderr.write("watch.py: %s\n" % msg)
    sys.exit(code)


def stop(p):
    """End CMD's process group: TERM, then KILL after 5 s; reap it."""
    try:
        os.killpg(p.pid, signal.SIGTERM)
    except ProcessLookupError:
        pass
    for _ in range(50):
        if p.poll() is not None:
            return
        time.sleep(0.1)
    try:
        os.killpg(p.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    p.wait()


def seen(path, text):
    try:
        with open(path, "rb") as f:
            return text.encode() in f.read()
    except OSError:
        return False


def main():
    ap = argparse.ArgumentParser(usage="watch.py --out F --err F --time F [--cap S] "
                                       "[--expect TEXT --within S --tries N] -- CMD...")
    ap.add_argument("--out", required=True)
    ap.add_argument("--err", required=True)
    ap.add_argument("--time", required=True)
    ap.add_argument("--cap", type=float)
    ap.add_argument("--expect")
    ap.add_argument("--within", type=float, default=30.0)
    ap.add_argument("--tries", type=int, default=5)
    ap.add_argument("cmd", nargs=argparse.REMAINDER)
    a = ap.parse_args()
    cmd = a.cmd[1:] if a.cmd[:1] == ["--"] else a.cmd
    if not cmd:
        die("no command")
    if a.tries < 1:
        die("--tries must be at least 1")

    def on_term(signum, frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, on_term)
    restarts, lost = 0, 0.0
    p = None
    try:
        while True:
            with open(a.out, "wb") as out, open(a.err, "wb") as err:
                t0 = time.monotonic()
                p = subprocess.Popen(cmd, stdout=out, stderr=err, start_new_session=True)
            checked = a.expect is None
            capped = False
            while True:
                pid, status, ru = os.wait4(p.pid, os.WNOHANG)
                if pid:
                    p.returncode = status  # reaped here; keep Popen from waiting again
                    break
                t = time.monotonic() - t0
                if not checked and seen(a.err, a.expect):
                    checked = True
                if not checked and t >= a.within:
                    break
                if a.cap is not None and t >= a.cap:
                    capped = True
                    break
                time.sleep(0.2)
            wall = time.monotonic() - t0
            if pid:
                p = None
                break
            stop(p)
            p = None
            if capped:
                sys.stderr.write("watch.py: %s killed after %.0f s (--cap)\n" % (cmd[0], wall))
                sys.exit(124)
            restarts += 1
            lost += wall
            sys.stderr.write("watch.py: no %r from %s within %.0f s; killed (%d of %d)\n"
                             % (a.expect, cmd[0], a.within, restarts, a.tries))
            if restarts >= a.tries:
                sys.exit(125)
    except KeyboardInterrupt:
        if p is not None:
            stop(p)
        sys.exit(130)
    with open(a.time, "w") as f:
        f.write("%.2f %d %d %.2f\n" % (wall, ru.ru_maxrss, restarts, lost))
    if os.WIFSIGNALED(status):
        sys.exit(128 + os.WTERMSIG(status))
    sys.exit(os.WEXITSTATUS(status))


if __name__ == "__main__":
    main()
