#!/usr/bin/env python3
"""gen_model_seeds.py - derive the model_load seeds from the two real models

Run from the repo root after (re)training the real models:

    build/hardneg train -q -o tests/fuzz/corpus/model_load/tiny.hn \
        tests/data/tiny_train.txt --bits 10
    awk '{ if ($1=="__label__ham" && NR%3==0) $1="__label__promo"; print }' \
        tests/data/tiny_train.txt > /tmp/tiny3.txt
    build/hardneg train -q -o tests/fuzz/corpus/model_load/tiny3.hn /tmp/tiny3.txt \
        --bits 8 --char-ngrams 2:3 --ngrams 1 --signed-hash --weighting tf --epochs 2
    build/hardneg train -q --model mlp --dim 4 --hidden 3 --epochs 2 --bits 8 \
        -o tests/fuzz/corpus/model_load/mlp.hn tests/data/tiny_train.txt
    python3 tests/fuzz/gen_model_seeds.py

Input modes are those of fuzz_model_load.c: a file starting with HNMODEL is
used as is; else byte 0 % 3 picks 0 raw, 1 body + computed trailer, 2 four
sections separated by "\\n%%\\n".
"""
import os
import re

D = "tests/fuzz/corpus/model_load"


def sections(raw):
    """The four section payloads of a model file."""
    out, pos = [], raw.index(b"\n") + 1
    for name in (b"tokenizer", b"labels", b"meta", b"model"):
        m = re.compile(rb"section " + name + rb" (\d+)\n").match(raw, pos)
        n = int(m.group(1))
        out.append(raw[m.end():m.end() + n])
        pos = m.end() + n
    return out


def write(name, data):
    with open(os.path.join(D, name), "wb") as f:
        f.write(data)


for base in ("tiny", "tiny3", "mlp"):
    raw = open(os.path.join(D, base + ".hn"), "rb").read()
    body = raw[:-21]
    tok, lab, meta, mdl = sections(raw)
    write(base + "-body", b"\x01" + body)
    write(base + "-sections", b"\x02" + b"\n%%\n".join([tok, lab, meta, mdl]))

raw = open(os.path.join(D, "tiny.hn"), "rb").read()
body = raw[:-21]
tok, lab, meta, mdl = sections(raw)
# corrupted: raw files whose checks fail in turn
write("bad-truncated", raw[: len(raw) // 2])
write("bad-checksum", raw[:-2] + (b"0" if raw[-2:-1] != b"0" else b"1") + b"\n")
write("bad-version", b"HNMODEL 2" + raw[9:])
# corrupted bodies (valid checksum): section length, labels, model shape
write("bad-seclen", b"\x01" + body.replace(b"section labels 9", b"section labels 99", 1))
write("bad-onelabel", b"\x02" + b"\n%%\n".join([tok, b"ham\n", meta, mdl]))
write("bad-rows", b"\x02" + b"\n%%\n".join([tok, lab, meta, mdl.replace(b"rows 292", b"rows 291", 1)]))
write("bad-reject", b"\x02" + b"\n%%\n".join([tok, lab, meta.replace(b"reject_label -1", b"reject_label 2"), mdl]))
# a model reduced to its bias: no rows
write("norows", b"\x02" + b"\n%%\n".join(
    [tok, lab, meta, b"linear 1\nclasses 2\nbits 10\nrows 0\n\n" + b"\x00\x00\x80\x3f"]))
