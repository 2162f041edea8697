# issue 13, item 17: predict and score show progress (lines, MB/s) on a
# terminal, and print nothing of it when stderr is not one
set -e
TMPDIR=$(mktemp -d "${TMPDIR:-/tmp}/trust.XXXXXX")  # files of its own, beside the runner's
D=tests/data
"$HARDNEG" train -q -o "$TMPDIR/m.hn" $D/tiny_train.txt
awk 'BEGIN { for (i = 0; i < 40000; i++) print "free money and lunch notes " i }' > "$TMPDIR/in.txt"
# a pseudo-terminal on stderr (python's pty); the input comes through a pipe
# in two halves a second apart, so the run lasts past the first half second
/usr/bin/python3 - "$HARDNEG" "$TMPDIR" <<'PY'
import os, pty, sys, subprocess, threading, time
hn, tmp = sys.argv[1], sys.argv[2]
data = open(tmp + "/in.txt", "rb").read()
def feed(pipe):
    pipe.write(data[: len(data) // 2]); pipe.flush()
    time.sleep(1.2)
    pipe.write(data[len(data) // 2 :]); pipe.close()
for cmd in ([hn, "predict", "-o", tmp + "/p.txt", tmp + "/m.hn", "-"],
            [hn, "score", "-o", tmp + "/s.txt", tmp + "/m.hn", "-"]):
    master, slave = pty.openpty()
    p = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=slave)
    os.close(slave)
    threading.Thread(target=feed, args=(p.stdin,)).start()
    seen = b""
    while True:
        try:
            chunk = os.read(master, 4096)
        except OSError:
            break
        if not chunk:
            break
        seen += chunk
    assert p.wait() == 0, cmd
    assert b" lines  " in seen and b"MB/s" in seen, (cmd[1], seen[:300])
PY
# not a terminal: no progress line
"$HARDNEG" predict -o "$TMPDIR/p2.txt" "$TMPDIR/m.hn" "$TMPDIR/in.txt" 2> "$TMPDIR/err"
! grep -q 'MB/s' "$TMPDIR/err"
