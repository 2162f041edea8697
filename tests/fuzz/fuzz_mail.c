/* fuzz_mail.c - libFuzzer target: any bytes as a raw e-mail message for
 * hn_mail_to_text, or as an mbox file for hn_mail_reader_open/next.
 *
 * FUZZ_REQUIRES: corpora/mail.h
 *
 *   byte 0  bit 0 include_subject; bit 1 html_to_text; bits 2-3 the extra
 *           headers ("", "From,To", " subject , X-Mailer,Content-Type",
 *           "Received"); bits 4-5 max_bytes (0 = no limit, the default
 *           10 MiB, 64, 1000); bit 6: the rest is an mbox file (written to
 *           a memfd and read with hn_mail_reader), else one message
 *   rest    the message or the mbox
 *
 * Invariants checked (mail.h):
 *  - hn_mail_to_text returns HN_OK (HN_ERR_NOMEM is its only error) with a
 *    malloc'd NUL-terminated text of out_len bytes, the same on a second
 *    call (no hidden state);
 *  - the text is one line: no byte below 0x20, no DEL, no NUL, no leading
 *    or trailing space, no two spaces in a row, no C1 control, no Unicode
 *    space of the collapsed set and no BOM (as UTF-8 sequences);
 *  - its length is linear in the input (<= 4 * len + 64: the largest
 *    expansion is one byte of Latin-1 or an entity to three of UTF-8);
 *  - the counters of one message: messages 1, malformed equal to the
 *    flag, truncated exactly when max_bytes cut the input, none negative;
 *  - mbox: the messages are exactly those an independent splitter finds
 *    (From_ lines, mboxrd unquoting, the blank-preamble rule), each text
 *    equal to hn_mail_to_text of that message (cut at max_bytes), sources
 *    "PATH#1", "PATH#2", ...; the end is sticky; the reader's counters
 *    sum its messages.
 */
#define _GNU_SOURCE
#define FUZZ_WANT_MEMFD
#include "tests/fuzz/fuzz_common.h"

#include <string.h>

#include "corpora/mail.h"

static const char *const header_lists[4] = {"", "From,To", " subject , X-Mailer,Content-Type", "Received"};
static const int64_t max_bytes_opts[4] = {0, -1 /* default */, 64, 1000};

static void check_text(const char *t, size_t n, size_t in_len, const char *what)
{
    size_t i;
    FUZZ_CHECK(t != NULL, "%s: NULL text", what);
    FUZZ_CHECK(t[n] == '\0', "%s: not NUL-terminated at out_len", what);
    FUZZ_CHECK(strlen(t) == n, "%s: NUL byte inside the text (strlen %zu, len %zu)", what, strlen(t), n);
    FUZZ_CHECK(n <= 4 * in_len + 64, "%s: %zu bytes of text from %zu bytes", what, n, in_len);
    if (n == 0) return;
    FUZZ_CHECK(t[0] != ' ' && t[n - 1] != ' ', "%s: space at the start or end", what);
    for (i = 0; i < n; i++) {
        const unsigned char *u = (const unsigned char *)t + i;
        size_t left = n - i;
        FUZZ_CHECK(u[0] >= 0x20 && u[0] != 0x7F, "%s: byte 0x%02x at %zu", what, u[0], i);
        if (u[0] == ' ') FUZZ_CHECK(left < 2 || u[1] != ' ', "%s: two spaces at %zu", what, i);
        if (left >= 2 && u[0] == 0xC2)
            FUZZ_CHECK_KNOWN("mail-split-space", !(u[1] >= 0x80 && u[1] <= 0xA0),
                             "%s: C1 control or NBSP (C2 %02X) at %zu", what, u[1], i);
        if (left >= 3 && u[0] == 0xE2 && u[1] == 0x80)
            FUZZ_CHECK_KNOWN("mail-split-space",
                             !((u[2] >= 0x80 && u[2] <= 0x8A) || u[2] == 0xA8 || u[2] == 0xA9 || u[2] == 0xAF),
                             "%s: Unicode space (E2 80 %02X) at %zu", what, u[2], i);
        if (left >= 3)
            FUZZ_CHECK_KNOWN("mail-split-space",
                             !(u[0] == 0xE2 && u[1] == 0x81 && u[2] == 0x9F) &&
                                 !(u[0] == 0xE3 && u[1] == 0x80 && u[2] == 0x80) &&
                                 !(u[0] == 0xEF && u[1] == 0xBB && u[2] == 0xBF),
                             "%s: Unicode space or BOM (%02X %02X %02X) at %zu", what, u[0], u[1], u[2], i);
    }
}

/* Does t hold a sequence the white-space collapse should have removed
 * (C1, NBSP, a Unicode space of the set, a BOM)? */
static int has_space_seq(const char *t, size_t n)
{
    const unsigned char *u = (const unsigned char *)t;
    size_t i;
    for (i = 0; i + 1 < n; i++) {
        if (u[i] == 0xC2 && u[i + 1] >= 0x80 && u[i + 1] <= 0xA0) return 1;
        if (i + 2 < n && u[i] == 0xE2 && u[i + 1] == 0x80 &&
            ((u[i + 2] >= 0x80 && u[i + 2] <= 0x8A) || u[i + 2] == 0xA8 || u[i + 2] == 0xA9 || u[i + 2] == 0xAF))
            return 1;
        if (i + 2 < n && ((u[i] == 0xE2 && u[i + 1] == 0x81 && u[i + 2] == 0x9F) ||
                          (u[i] == 0xE3 && u[i + 1] == 0x80 && u[i + 2] == 0x80) ||
                          (u[i] == 0xEF && u[i + 1] == 0xBB && u[i + 2] == 0xBF)))
            return 1;
    }
    return 0;
}

static void check_one_stats(const hn_mail_stats *s, int malformed, int truncated)
{
    FUZZ_CHECK(s->messages == 1, "messages %lld", (long long)s->messages);
    FUZZ_CHECK(s->malformed == malformed, "stats malformed %lld, flag %d", (long long)s->malformed, malformed);
    FUZZ_CHECK(s->truncated == truncated, "stats truncated %lld, expected %d", (long long)s->truncated, truncated);
    FUZZ_CHECK(s->decoded_base64 >= 0 && s->decoded_qp >= 0 && s->html_parts >= 0 && s->charset_converted >= 0 &&
                   s->unknown_charset >= 0,
               "negative counter");
}

/* One message through hn_mail_to_text, checked; returns the text (owned). */
static char *to_text(const char *msg, size_t len, const hn_mail_opts *o, size_t *out_len)
{
    char *t = NULL, *t2 = NULL;
    size_t n = 0, n2 = 0;
    int mal = -1, mal2 = -1;
    hn_mail_stats s, s2;
    hn_status st;
    memset(&s, 0, sizeof s);
    memset(&s2, 0, sizeof s2);
    st = hn_mail_to_text(msg, len, o, &t, &n, &mal, &s);
    FUZZ_CHECK(st == HN_OK, "hn_mail_to_text: status %d", (int)st);
    FUZZ_CHECK(mal == 0 || mal == 1, "malformed flag %d", mal);
    check_text(t, n, len, "text");
    check_one_stats(&s, mal, o->max_bytes > 0 && (uint64_t)len > (uint64_t)o->max_bytes);
    st = hn_mail_to_text(msg, len, o, &t2, &n2, &mal2, &s2);
    FUZZ_CHECK(st == HN_OK && n2 == n && !memcmp(t, t2, n) && mal2 == mal && !memcmp(&s, &s2, sizeof s),
               "a second call gave another result");
    free(t2);
    *out_len = n;
    return t;
}

/* The independent mbox splitter: message k (0-based) into buf. Returns 1
 * when it exists. Lines keep their '\n'. */
static int is_ws(int c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f';
}

static int all_ws(const char *s, size_t n)
{
    size_t i;
    for (i = 0; i < n; i++)
        if (!is_ws((unsigned char)s[i])) return 0;
    return 1;
}

typedef struct msgbuf {
    char *p;
    size_t n, cap;
} msgbuf;

static void mb_put(msgbuf *b, const char *s, size_t n)
{
    if (b->n + n + 1 > b->cap) {
        b->cap = (b->n + n + 1) * 2;
        b->p = realloc(b->p, b->cap);
        FUZZ_CHECK(b->p != NULL, "realloc");
    }
    memcpy(b->p + b->n, s, n);
    b->n += n;
}

/* Split the whole mbox into messages; calls back for each. */
typedef struct split_msgs {
    msgbuf *m;
    size_t n, cap;
} split_msgs;

static void split_add(split_msgs *sm, const msgbuf *cur)
{
    if (sm->n == sm->cap) {
        sm->cap = sm->cap ? sm->cap * 2 : 8;
        sm->m = realloc(sm->m, sm->cap * sizeof *sm->m);
        FUZZ_CHECK(sm->m != NULL, "realloc");
    }
    sm->m[sm->n].p = malloc(cur->n + 1);
    FUZZ_CHECK(sm->m[sm->n].p != NULL, "malloc");
    memcpy(sm->m[sm->n].p, cur->p ? cur->p : "", cur->n);
    sm->m[sm->n].n = cur->n;
    sm->n++;
}

/* A preamble is judged blank on the bytes the reader keeps (its first
 * max_bytes), as mail.h documents (tests/fuzz/regress/mail-mbox-truncated-preamble
 * found the two disagreeing). */
static int blank_msg(const msgbuf *cur, size_t limit)
{
    size_t n = cur->n;
    if (n > limit) n = limit;
    return all_ws(cur->p ? cur->p : "", n);
}

static void split_mbox(const char *s, size_t n, size_t limit, split_msgs *sm)
{
    msgbuf cur = {NULL, 0, 0};
    size_t i = 0;
    int started = 0;
    while (i < n) {
        const char *nl = memchr(s + i, '\n', n - i);
        size_t e = nl ? (size_t)(nl - s) + 1 : n, len = e - i, k = 0;
        const char *line = s + i;
        i = e;
        if (len >= 5 && memcmp(line, "From ", 5) == 0) {
            if (started || !blank_msg(&cur, limit)) split_add(sm, &cur);
            started = 1;
            cur.n = 0;
            continue;
        }
        while (k < len && line[k] == '>') k++;
        if (k > 0 && len - k >= 5 && memcmp(line + k, "From ", 5) == 0) {
            line++;
            len--;
        }
        mb_put(&cur, line, len);
    }
    if (started || !blank_msg(&cur, limit)) split_add(sm, &cur);
    free(cur.p);
}

static void fuzz_mbox(const uint8_t *data, size_t size, const hn_mail_opts *o)
{
    const char *path = fuzz_as_file(data, size);
    hn_mail_reader *r = NULL;
    hn_err err;
    hn_status st;
    split_msgs sm = {NULL, 0, 0};
    hn_mail_stats total;
    size_t k = 0, j;
    char want_src[96];
    st = hn_mail_reader_open(path, o, 0, &r, &err);
    FUZZ_CHECK(st == HN_OK, "open: %s", err.msg);
    split_mbox((const char *)data, size, o->max_bytes > 0 ? (size_t)o->max_bytes : SIZE_MAX, &sm);
    for (;; k++) {
        const char *label = "x", *text = NULL, *src = NULL;
        size_t len = 0, rl, tn = 0;
        char *t;
        int got = -1;
        st = hn_mail_reader_next(r, &label, &text, &len, &src, &got, &err);
        FUZZ_CHECK(st == HN_OK, "next: %s", err.msg);
        if (!got) break;
        FUZZ_CHECK(k < sm.n, "the reader gives message %zu, the splitter finds %zu", k + 1, sm.n);
        FUZZ_CHECK(label == NULL, "a label without label_from_dir");
        snprintf(want_src, sizeof want_src, "%s#%zu", path, k + 1);
        FUZZ_CHECK(src && !strcmp(src, want_src), "source '%s', expected '%s'", src ? src : "(null)", want_src);
        check_text(text, len, size, "mbox text");
        rl = sm.m[k].n;
        if (o->max_bytes > 0 && (uint64_t)rl > (uint64_t)o->max_bytes) rl = (size_t)o->max_bytes;
        t = to_text(sm.m[k].p, rl, o, &tn);
        /* known bug (tests/fuzz/regress/mail-mbox-split-nbsp): the reader
         * skips the final white-space collapse hn_mail_to_text does; with
         * HN_FUZZ_IGNORE=mail-split-space a difference is allowed only
         * when the reader's text holds such a sequence */
        if (!(tn == len && !memcmp(t, text, len)) && fuzz_ignored("mail-split-space") && has_space_seq(text, len)) {
            free(t);
            continue;
        }
        FUZZ_CHECK(tn == len && !memcmp(t, text, len), "message %zu: the reader's text differs from hn_mail_to_text's",
                   k + 1);
        free(t);
    }
    FUZZ_CHECK(k == sm.n, "the reader gives %zu messages, the splitter finds %zu", k, sm.n);
    {
        const char *text = NULL;
        int got = -1;
        st = hn_mail_reader_next(r, NULL, &text, NULL, NULL, &got, &err);
        FUZZ_CHECK(st == HN_OK && !got, "after the end: status %d got %d", (int)st, got);
    }
    hn_mail_reader_stats(r, &total);
    FUZZ_CHECK(total.messages == (int64_t)k, "stats: %lld messages, %zu returned", (long long)total.messages, k);
    FUZZ_CHECK(total.malformed <= total.messages && total.truncated <= total.messages, "stats out of range");
    hn_mail_reader_free(r);
    for (j = 0; j < sm.n; j++) free(sm.m[j].p);
    free(sm.m);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_in in = {data, size};
    hn_mail_opts o;
    uint8_t b0;
    if (size < 1) return 0;
    b0 = fuzz_byte(&in);
    hn_mail_opts_default(&o);
    o.include_subject = b0 & 1;
    o.html_to_text = (b0 >> 1) & 1;
    snprintf(o.headers, sizeof o.headers, "%s", header_lists[(b0 >> 2) & 3]);
    if (max_bytes_opts[(b0 >> 4) & 3] >= 0) o.max_bytes = max_bytes_opts[(b0 >> 4) & 3];
    if (b0 & 0x40) {
        fuzz_mbox(in.p, in.n, &o);
    } else {
        size_t n = 0;
        char *t = to_text((const char *)in.p, in.n, &o, &n);
        free(t);
    }
    return 0;
}
