/* fuzz_tok_opts.c - libFuzzer target: any bytes as a model file's tokenizer
 * section through hn_tok_opts_load; options that load go through
 * hn_tok_create and tokenize a few fixed lines.
 *
 * Invariants checked:
 *  - load returns HN_OK or HN_ERR_FORMAT, and on failure err says the
 *    same code with a "tokenizer section: " message;
 *  - options that load pass hn_tok_opts_check and hn_tok_create, and
 *    hn_tok_opts_of gives them back;
 *  - save then load gives the same options (the round trip the model file
 *    relies on);
 *  - tokenizing and featurizing fixed lines return HN_OK, or HN_ERR_REGEX
 *    when a custom pattern hits the PCRE2 match limit; every token is
 *    non-empty valid UTF-8 (the text is normalized, valid UTF-8, and a
 *    token is a piece of it); features are in range and finite.
 *
 * Slow patterns: a custom token_pattern comes from the fuzzer, so it can
 * backtrack catastrophically ("(a+)+$"). The tokenizer bounds each
 * pcre2_match call with a match limit of 10 million, but a line can need
 * one call per token. The fixed lines are therefore short (at most 48
 * bytes), which keeps the worst case to a few seconds, under libFuzzer's
 * -timeout=10 (see the notes in run.sh). A timeout here is a real finding
 * only if it reproduces with a pattern the CLI would accept in practice.
 */
#include "tests/fuzz/fuzz_common.h"

#include <math.h>
#include <string.h>

#include "src/base/arena.h"
#include "tokenizer/tokenizer.h"

static const char *const lines[] = {
    "Hello World, buy now at http://x.co $5.00!",
    ("caf\xc3\xa9 \xef\xac\x81 \xe2\x82\xac" "12,5 <b>STRASSE</b> a@b.de"),
    "\xff\xfe bad \xc0\x80 utf8 \xed\xa0\x80 aaaaaaaaaaaaaaaaaaaaaaaa",
    "",
};

/* RFC 3629 validity (as in fuzz_tokenizer.c). */
static int valid_utf8(const unsigned char *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        uint32_t c = s[i], cp;
        size_t k, need;
        if (c < 0x80) {
            i++;
            continue;
        }
        if ((c & 0xE0) == 0xC0) { need = 1; cp = c & 0x1F; }
        else if ((c & 0xF0) == 0xE0) { need = 2; cp = c & 0x0F; }
        else if ((c & 0xF8) == 0xF0) { need = 3; cp = c & 0x07; }
        else return 0;
        if (n - i - 1 < need) return 0;
        for (k = 1; k <= need; k++) {
            if ((s[i + k] & 0xC0) != 0x80) return 0;
            cp = (cp << 6) | (s[i + k] & 0x3F);
        }
        if ((need == 1 && cp < 0x80) || (need == 2 && cp < 0x800) || (need == 3 && cp < 0x10000)) return 0;
        if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
        i += need + 1;
    }
    return 1;
}

static int opts_equal(const hn_tok_opts *a, const hn_tok_opts *b)
{
    return a->nfkc == b->nfkc && a->casefold == b->casefold && a->strip_marks == b->strip_marks &&
           a->rw_html == b->rw_html && a->rw_url == b->rw_url && a->rw_email == b->rw_email &&
           a->rw_money == b->rw_money && a->rw_number == b->rw_number &&
           strcmp(a->token_pattern, b->token_pattern) == 0 && a->word_ngrams == b->word_ngrams &&
           a->minn == b->minn && a->maxn == b->maxn && a->bits == b->bits && a->seed == b->seed &&
           a->signed_hash == b->signed_hash && a->weighting == b->weighting && a->l2_normalize == b->l2_normalize;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static hn_arena arena;
    static int ready;
    hn_tok_opts o, o2;
    hn_tokenizer *tok = NULL;
    hn_tok_ctx *ctx = NULL;
    hn_err err;
    hn_status st;
    char *buf = NULL;
    size_t len = 0, i;
    if (!ready) {
        hn_arena_init(&arena, 1 << 16);
        ready = 1;
    }
    memset(&err, 0, sizeof err);
    st = hn_tok_opts_load((const char *)data, size, &o, &err);
    if (st != HN_OK) {
        FUZZ_CHECK(st == HN_ERR_FORMAT, "load returned %d (%s): %s", (int)st, hn_status_str(st), err.msg);
        FUZZ_CHECK(err.code == st, "err.code %d, returned %d", (int)err.code, (int)st);
        FUZZ_CHECK(memchr(err.msg, '\0', sizeof err.msg) != NULL, "unterminated message");
        FUZZ_CHECK(strncmp(err.msg, "tokenizer section: ", 19) == 0, "message '%s'", err.msg);
        return 0;
    }
    FUZZ_CHECK(hn_tok_opts_check(&o, &err) == HN_OK, "loaded options fail the check: %s", err.msg);

    /* round trip */
    FUZZ_CHECK(hn_tok_opts_save(&o, &buf, &len) == HN_OK, "save");
    FUZZ_CHECK(strlen(buf) == len, "save: length %zu, strlen %zu", len, strlen(buf));
    st = hn_tok_opts_load(buf, len, &o2, &err);
    FUZZ_CHECK(st == HN_OK, "reloading saved options: %s\n--- saved:\n%s", err.msg, buf);
    FUZZ_CHECK(opts_equal(&o, &o2), "save/load round trip changed the options\n--- saved:\n%s", buf);
    free(buf);

    st = hn_tok_create(&o, &tok, &err);
    FUZZ_CHECK(st == HN_OK, "hn_tok_create on loaded options: %s", err.msg);
    FUZZ_CHECK(opts_equal(hn_tok_opts_of(tok), &o), "hn_tok_opts_of differs");
    FUZZ_CHECK(hn_tok_ctx_create(tok, &ctx, &err) == HN_OK, "ctx: %s", err.msg);

    for (i = 0; i < sizeof lines / sizeof lines[0]; i++) {
        hn_svec x;
        hn_token *tk;
        int32_t k, ntok;
        hn_arena_reset(&arena);
        st = hn_tok_tokens(tok, ctx, lines[i], strlen(lines[i]), &arena, &tk, &ntok, &err);
        if (st == HN_ERR_REGEX && o.token_pattern[0]) continue; /* match limit */
        FUZZ_CHECK(st == HN_OK, "tokens, line %zu: %s", i, err.msg);
        for (k = 0; k < ntok; k++)
            FUZZ_CHECK_KNOWN("pcre-split-utf8", tk[k].len > 0 && valid_utf8((const unsigned char *)tk[k].s, (size_t)tk[k].len),
                             "line %zu: token %d '%.*s' is not valid UTF-8 (pattern '%s')", i, (int)k, (int)tk[k].len,
                             tk[k].s, o.token_pattern);
        hn_arena_reset(&arena);
        st = hn_tok_featurize(tok, ctx, lines[i], strlen(lines[i]), &arena, &x, &err);
        if (st == HN_ERR_REGEX && o.token_pattern[0]) continue; /* match limit */
        FUZZ_CHECK(st == HN_OK, "featurize line %zu: %s", i, err.msg);
        for (k = 0; k < x.n; k++) {
            FUZZ_CHECK(x.idx[k] < ((uint32_t)1 << o.bits), "index %u >= 2^%d", x.idx[k], (int)o.bits);
            FUZZ_CHECK(isfinite(x.val[k]) && x.val[k] != 0, "value %g", (double)x.val[k]);
        }
    }
    hn_tok_ctx_free(ctx);
    hn_tok_free(tok);
    return 0;
}
