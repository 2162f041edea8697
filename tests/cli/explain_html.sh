# explain --html: one self-contained page (no scripts, no external
# resources), every byte of the input escaped, one section per record, the
# words coloured; then opened in a real browser: when Chromium is installed,
# headless Chromium parses the page (its DOM has the sections and the
# coloured words) and takes a screenshot; otherwise that part is skipped
# with the reason printed.
set -u
D=tests/data
T=$TMPDIR
PY=/usr/bin/python3
die() { echo "explain_html: $*" >&2; exit 1; }
# a model whose tokens keep their bytes (no rewrites), so markup reaches the page
"$HARDNEG" train -q --token-pattern '\S+' -o "$T/m.hn" $D/tiny_train.txt || die "train"
printf '%s\n' '<script>alert("x")</script> free money & prize' \
    "it's \"quoted\" <b>bold</b> &amp; café" '' 'claim cheap prize' >"$T/in.txt"
printf 'bad \377\376 bytes\n' >>"$T/in.txt"
"$HARDNEG" explain -q --html "$T/page.html" "$T/m.hn" "$T/in.txt" >"$T/out" || die "explain --html: exit $?"
[ "$(grep -c '^	\|^'"$T"'/in.txt:[0-9]*	' "$T/out")" = 5 ] || die "text output: expected 5 records"
grep -qi '<script' "$T/page.html" && die "the page holds a <script> tag"
grep -q '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;' "$T/page.html" || die "markup not escaped"
grep -q '&amp;amp;' "$T/page.html" || die "'&amp;' not escaped"
grep -qi 'src=\|href=\|url(' "$T/page.html" && die "the page loads something from outside"
"$PY" - "$T/page.html" <<'PYEOF' || die "the page is not well-formed"
import sys
from html.parser import HTMLParser
VOID = {"meta", "br"}
class P(HTMLParser):
    def __init__(self):
        super().__init__()
        self.stack, self.sections, self.coloured = [], 0, 0
    def handle_starttag(self, tag, attrs):
        if tag not in VOID:
            self.stack.append(tag)
        if tag == "section":
            self.sections += 1
        if tag == "span" and any(k == "style" and "background:rgba" in (v or "") for k, v in attrs):
            self.coloured += 1
    def handle_endtag(self, tag):
        assert self.stack and self.stack[-1] == tag, (tag, self.stack[-5:])
        self.stack.pop()
p = P()
p.feed(open(sys.argv[1], encoding="utf-8").read())
p.close()
assert not p.stack, p.stack
assert p.sections == 5, p.sections
assert p.coloured >= 5, p.coloured
PYEOF

# a real browser
CHROME=
for c in chromium chromium-browser google-chrome; do
    command -v "$c" >/dev/null 2>&1 && { CHROME=$c; break; }
done
if [ -z "$CHROME" ]; then
    echo "skip: Chromium is not installed (apt-get install chromium): the page was checked by Python's parser only"
    exit 0
fi
export HOME="$T"   # Chromium's profile and caches stay in the test's folder
flags="--headless --no-sandbox --disable-gpu --disable-dev-shm-usage --user-data-dir=$T/chrome"
timeout 120 "$CHROME" $flags --dump-dom "file://$T/page.html" >"$T/dom.html" 2>"$T/chrome.err" ||
    die "$CHROME --dump-dom failed: $(tail -3 "$T/chrome.err")"
[ "$(grep -o '<section>' "$T/dom.html" | wc -l)" = 5 ] || die "the browser's DOM does not have 5 sections"
grep -q 'background:rgba(214,39,40' "$T/dom.html" || die "the browser's DOM has no word coloured toward the label"
timeout 120 "$CHROME" $flags --screenshot="$T/page.png" --window-size=1200,900 "file://$T/page.html" >/dev/null 2>&1 ||
    die "$CHROME --screenshot failed"
[ "$(head -c 8 "$T/page.png" | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a ] || die "the screenshot is not a PNG"
[ "$(wc -c <"$T/page.png")" -gt 10000 ] || die "the screenshot is nearly empty"
echo "$CHROME rendered the page: $(wc -c <"$T/page.png") byte screenshot"
exit 0
