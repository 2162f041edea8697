#!/usr/bin/python3
"""Convert CLINC150 (clinc/oos-eval data_full.json) to hardneg files.

Called by corpora/clinc150.sh; run that script, not this one.  Usage:

    clinc150.py DATA_FULL_JSON WIKI_TXT|- OUTDIR

Writes fastText-style lines "__label__INTENT text", in the original order of
the JSON lists, and the wiki sentences as they are (see clinc150.sh).  In a
text, every run of whitespace (tab, newline, repeated spaces: a few queries
have two spaces in a row) becomes one space and the ends are trimmed, so one
example is one line; nothing else changes.
"""

import json
import os
import re
import sys

WS = re.compile(r"[ \t\n\r\v\f]+")
PARTS = ("train", "val", "test", "oos_train", "oos_val", "oos_test")


def die(msg):
    sys.stderr.write("clinc150.py: %s\n" % msg)
    sys.exit(1)


def clean(text):
    return WS.sub(" ", text).strip()


def main():
    if len(sys.argv) != 4:
        die("usage: clinc150.py DATA_FULL_JSON WIKI_TXT|- OUTDIR")
    path, wiki_path, out = sys.argv[1:]
    with open(path, encoding="utf-8") as f:
        data = json.load(f)
    for k in PARTS:
        if not isinstance(data.get(k), list):
            die("%s: no list \"%s\" (is this data_full.json?)" % (path, k))
    lines = {}
    for k in PARTS:
        rows = []
        for i, pair in enumerate(data[k]):
            if (not isinstance(pair, list) or len(pair) != 2
                    or not all(isinstance(x, str) for x in pair)):
                die("%s: %s[%d] is not a [text, intent] pair" % (path, k, i))
            text, intent = clean(pair[0]), pair[1]
            if not text or not intent or WS.search(intent):
                die("%s: %s[%d]: empty text or bad intent %r" % (path, k, i, intent))
            rows.append("__label__%s %s\n" % (intent, text))
        lines[k] = rows

    wiki = None
    if wiki_path != "-":
        with open(wiki_path, encoding="utf-8") as f:
            wiki = [clean(s) for s in f]
        wiki = [s + "\n" for s in wiki if s]

    os.makedirs(out, exist_ok=True)
    outputs = [
        ("train.txt", lines["train"] + lines["oos_train"]),
        ("val.txt", lines["val"] + lines["oos_val"]),
        ("test.txt", lines["test"] + lines["oos_test"]),
        ("train_inscope.txt", lines["train"]),
    ]
    if wiki is not None:
        outputs.append(("pool.txt", wiki))
        outputs.append(("train_plus_wiki.txt", lines["train"] + lines["oos_train"]
                        + ["__label__oos " + s for s in wiki]))
    for name, rows in outputs:
        tmp = os.path.join(out, name + ".tmp.%d" % os.getpid())
        with open(tmp, "w", encoding="utf-8", newline="\n") as f:
            f.writelines(rows)
        os.replace(tmp, os.path.join(out, name))

    intents = {p[1] for k in ("train", "val", "test") for p in data[k]}
    print("CLINC150: %d in-scope intents + oos, from %s" % (len(intents), path))
    print("%-22s %8s %6s %7s" % ("file", "inscope", "oos", "lines"))
    for name, rows in outputs:
        if name == "pool.txt":
            print("%-22s %8s %6s %7d  (unlabeled wiki sentences)" % (name, "-", "-", len(rows)))
            continue
        oos = sum(1 for r in rows if r.startswith("__label__oos "))
        print("%-22s %8d %6d %7d" % (name, len(rows) - oos, oos, len(rows)))
    if wiki is None:
        print("note: no all_wiki_sents.txt; pool.txt and train_plus_wiki.txt not written")
    print("written to %s" % out)


if __name__ == "__main__":
    main()
