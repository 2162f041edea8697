/* test_mail.c - the e-mail reader: MIME, encodings, charsets, HTML, mbox, trees
 *
 * Fixture messages live in tests/data/mail/ ($HN_TESTDATA/mail when set);
 * variants (CRLF, truncations, corruptions, deep nesting) are made from
 * them or spelled out inline. Directory trees and mbox files that a test
 * needs are written into a fresh mkdtemp directory, removed at the end.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "corpora/mail.h"
#include "src/base/log.h"
#include "src/base/rng.h"
#include "src/base/status.h"

/* ---- helpers ------------------------------------------------------------ */

static const char *const g_fixtures[] = {"alternative.eml", "nested.eml",  "base64.eml",  "qp.eml",
                                         "latin1_cp1252.eml", "html_only.eml", "no_body.eml", "three.mbox"};

static char g_tmp[64];
static char g_made[32][256]; /* files and dirs to remove, in creation order */
static int g_nmade;

static int make_tmp(void **state)
{
    (void)state;
    snprintf(g_tmp, sizeof g_tmp, "/tmp/hn_mail_XXXXXX");
    return mkdtemp(g_tmp) ? 0 : -1;
}

static int remove_tmp(void **state)
{
    int i;
    (void)state;
    for (i = g_nmade - 1; i >= 0; i--) remove(g_made[i]);
    hn_log_set(NULL, NULL);
    return rmdir(g_tmp);
}

/* Path of a fixture file (static storage, valid until the next call). */
static const char *fixture_path(const char *name)
{
    static char path[512];
    const char *dir = getenv("HN_TESTDATA");
    snprintf(path, sizeof path, "%s/mail/%s", dir && *dir ? dir : "tests/data", name);
    return path;
}

/* Read a fixture; the caller frees. */
static char *slurp(const char *name, size_t *len)
{
    FILE *f = fopen(fixture_path(name), "rb");
    char *buf;
    long n;
    assert_non_null(f);
    assert_int_equal(fseek(f, 0, SEEK_END), 0);
    n = ftell(f);
    assert_true(n >= 0);
    rewind(f);
    buf = malloc((size_t)n + 1);
    assert_non_null(buf);
    assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
    buf[n] = '\0';
    fclose(f);
    *len = (size_t)n;
    return buf;
}

/* Create a file (or, with data NULL, a directory) under the temp dir. */
static const char *make(const char *rel, const char *data)
{
    char *p;
    assert_true(g_nmade < 32);
    p = g_made[g_nmade++];
    snprintf(p, sizeof g_made[0], "%s/%s", g_tmp, rel);
    if (!data) {
        assert_int_equal(mkdir(p, 0700), 0);
    } else {
        FILE *f = fopen(p, "wb");
        assert_non_null(f);
        assert_int_equal(fwrite(data, 1, strlen(data), f), strlen(data));
        assert_int_equal(fclose(f), 0);
    }
    return p;
}

/* The text is one line: no line break, no NUL, no control byte, no space
 * at either end, never two spaces in a row. */
static void assert_one_line(const char *t, size_t n)
{
    size_t i;
    assert_int_equal(strlen(t), n);
    for (i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)t[i];
        assert_true(ch >= 0x20 && ch != 0x7F);
        if (ch == ' ') assert_true(i > 0 && i + 1 < n && t[i + 1] != ' ');
    }
}

typedef struct result {
    char *text;
    size_t len;
    int malformed;
    hn_mail_stats st;
} result;

static result parse_n(const char *msg, size_t len, const hn_mail_opts *o)
{
    result r;
    memset(&r, 0, sizeof r);
    assert_int_equal(hn_mail_to_text(msg, len, o, &r.text, &r.len, &r.malformed, &r.st), HN_OK);
    assert_non_null(r.text);
    assert_one_line(r.text, r.len);
    assert_int_equal(r.st.messages, 1);
    assert_int_equal(r.st.malformed, r.malformed);
    return r;
}

static result parse(const char *msg) { return parse_n(msg, strlen(msg), NULL); }

static result parse_fixture(const char *name)
{
    size_t len;
    char *msg = slurp(name, &len);
    result r = parse_n(msg, len, NULL);
    free(msg);
    return r;
}

/* ---- MIME structure ----------------------------------------------------- */

static void test_alternative_prefers_the_plain_text_part(void **state)
{
    result r = parse_fixture("alternative.eml");
    (void)state;
    assert_string_equal(r.text, "Lunch plans Shall we meet at noon?");
    assert_int_equal(r.malformed, 0);
    assert_int_equal(r.st.html_parts, 0);
    free(r.text);
}

static void test_alternative_falls_back_to_html_when_the_plain_part_is_empty(void **state)
{
    result r = parse("Subject: s\n"
                     "Content-Type: multipart/alternative; boundary=b\n\n"
                     "--b\nContent-Type: text/plain\n\n \n\n"
                     "--b\nContent-Type: text/html\n\n<p>Only&nbsp;HTML</p>\n"
                     "--b--\n");
    (void)state;
    assert_string_equal(r.text, "s Only HTML");
    assert_int_equal(r.st.html_parts, 1);
    free(r.text);
}

static void test_nested_multipart_keeps_text_parts_in_order_and_skips_attachments(void **state)
{
    result r = parse_fixture("nested.eml");
    (void)state;
    /* alternative inside mixed: text/plain wins over the html and the
     * multipart/related; the pdf is skipped (never decoded); the text
     * attachment is text, so it is kept. */
    assert_string_equal(r.text, "Your order Order shipped. Thank you for shopping.");
    assert_int_equal(r.malformed, 0);
    assert_int_equal(r.st.decoded_base64, 0);
    free(r.text);
}

static void test_message_rfc822_part_gives_its_subject_and_body(void **state)
{
    result r = parse("Subject: Fwd: hi\n"
                     "Content-Type: multipart/mixed; boundary=\"x y\"\n\n"
                     "--x y\n\nsee below\n"
                     "--x y\nContent-Type: message/rfc822\n\n"
                     "From: c@d\nSubject: inner subject\n\ninner body\n"
                     "--x y--\n");
    (void)state;
    assert_string_equal(r.text, "Fwd: hi see below inner subject inner body");
    assert_int_equal(r.malformed, 0);
    free(r.text);
}

static void test_deep_nesting_stops_at_the_depth_limit(void **state)
{
    char *msg = malloc(64 * 1024);
    size_t n = 0;
    int depth, levels;
    (void)state;
    assert_non_null(msg);
    for (levels = 10; levels <= 40; levels += 30) {
        result r;
        n = 0;
        n += (size_t)sprintf(msg + n, "Subject: deep\n");
        for (depth = 0; depth < levels; depth++)
            n += (size_t)sprintf(msg + n, "Content-Type: multipart/mixed; boundary=b%d\n\n--b%d\n", depth, depth);
        n += (size_t)sprintf(msg + n, "Content-Type: text/plain\n\nbottom\n");
        for (depth = levels - 1; depth >= 0; depth--) n += (size_t)sprintf(msg + n, "--b%d--\n", depth);
        r = parse_n(msg, n, NULL);
        if (levels == 10) {
            assert_string_equal(r.text, "deep bottom");
            assert_int_equal(r.malformed, 0);
        } else {
            assert_string_equal(r.text, "deep"); /* level 17 and below skipped */
            assert_int_equal(r.malformed, 1);
        }
        free(r.text);
    }
    free(msg);
}

/* ---- transfer encodings and charsets ------------------------------------ */

static void test_base64_body_is_decoded(void **state)
{
    result r = parse_fixture("base64.eml");
    (void)state;
    assert_string_equal(r.text, "Hello world Grüße aus Köln Zweite Zeile – mit Gedankenstrich.");
    assert_int_equal(r.malformed, 0);
    assert_int_equal(r.st.decoded_base64, 2); /* the encoded word and the body */
    free(r.text);
}

static void test_base64_footer_of_a_mailing_list_stays_text(void **state)
{
    result r = parse("Subject: s\nContent-Transfer-Encoding: base64\n\n"
                     "aGVsbG8gd29ybGQ=\n\n"
                     "-----\nlist-talk mailing list\n");
    (void)state;
    assert_string_equal(r.text, "s hello world ----- list-talk mailing list");
    assert_int_equal(r.malformed, 1);
    free(r.text);
}

static void test_quoted_printable_soft_breaks_are_joined(void **state)
{
    result r = parse_fixture("qp.eml");
    (void)state;
    assert_string_equal(r.text, "QP test This is a long line that was wrapped by the encoder at seventy-six "
                                "characters, with caf\xc3\xa9 and 1+1=2 and a lone = sign. Soft break at the end");
    assert_int_equal(r.st.decoded_qp, 1);
    assert_int_equal(r.st.charset_converted, 1);
    free(r.text);
}

static void test_latin1_subject_and_cp1252_body_become_utf8(void **state)
{
    result r = parse_fixture("latin1_cp1252.eml");
    (void)state;
    assert_string_equal(r.text, "Caf\xc3\xa9 cr\xc3\xa8me \xc3\xa0 la fran\xc3\xa7" "aise "
                                "\xe2\x80\x9cQuoted\xe2\x80\x9d price: \xe2\x82\xac 5 \xe2\x80\x93 "
                                "it\xe2\x80\x99s na\xc3\xafve\xe2\x80\xa6");
    assert_int_equal(r.st.decoded_qp, 1);        /* the ?Q? word */
    assert_int_equal(r.st.charset_converted, 2); /* the word and the body */
    assert_int_equal(r.st.unknown_charset, 0);
    free(r.text);
}

static void test_latin9_has_the_euro_sign_where_latin1_has_the_currency_sign(void **state)
{
    result a = parse("Content-Type: text/plain; charset=ISO-8859-15\n\n\xa4 \xbd\n");
    result b = parse("Content-Type: text/plain; charset=\"latin1\"\n\n\xa4\n");
    (void)state;
    assert_string_equal(a.text, "\xe2\x82\xac \xc5\x93");
    assert_string_equal(b.text, "\xc2\xa4");
    free(a.text);
    free(b.text);
}

static void test_unknown_charset_passes_bytes_through_and_is_counted(void **state)
{
    result r = parse("Subject: =?koi8-r?B?8NLJ?=\nContent-Type: text/plain; charset=koi8-r\n\n\xf0\xd2\xc9\n");
    (void)state;
    assert_string_equal(r.text, "\xf0\xd2\xc9 \xf0\xd2\xc9");
    assert_int_equal(r.st.unknown_charset, 2);
    assert_int_equal(r.st.charset_converted, 0);
    free(r.text);
}

static void test_encoded_words_join_without_the_space_between_them(void **state)
{
    result r = parse("Subject: =?utf-8?q?Hello?= \n =?UTF-8?Q?_World?= and =?utf-8*en?b?w6k=?=  plain =?bad\n\n");
    (void)state;
    assert_string_equal(r.text, "Hello World and \xc3\xa9 plain =?bad");
    free(r.text);
}

/* ---- HTML --------------------------------------------------------------- */

static void test_html_only_mail_loses_tags_entities_and_scripts(void **state)
{
    result r = parse_fixture("html_only.eml");
    (void)state;
    assert_string_equal(r.text, "Special offer Offer Buy now Fish & chips <cheap> \"fresh\" it's "
                                "\xe2\x82\xac" "5 or \xe2\x82\xac" "6 Viagra one two click tail &unknown; a < b");
    assert_int_equal(r.st.html_parts, 1);
    free(r.text);
}

static void test_html_edge_cases_never_hide_text_or_leak_markup(void **state)
{
    result r = parse("Content-Type: text/html\n\n"
                     "A<!--#rotate>B &#0; &#xD800; &#99999999999; &#150; &shy;x&amp &nbspy &copy; "
                     "<style>p{}</style >C<br/>D<script src=x/>E<img alt='a>b'>F<!x>G<?php ?>H");
    (void)state;
    /* unclosed comment ends at '>'; bad numbers give U+FFFD; &#150; is the
     * cp1252 en dash; &shy; vanishes; "&amp" is a legacy form, "&nbspy" is not */
    assert_string_equal(r.text, "AB \xef\xbf\xbd \xef\xbf\xbd \xef\xbf\xbd \xe2\x80\x93 x& &nbspy \xc2\xa9 C D EFGH");
    free(r.text);
}

static void test_html_is_kept_as_markup_when_conversion_is_off(void **state)
{
    hn_mail_opts o;
    const char *msg = "Content-Type: text/html\n\n<p>Hi &amp; bye</p>\n";
    result r;
    (void)state;
    hn_mail_opts_default(&o);
    o.html_to_text = 0;
    r = parse_n(msg, strlen(msg), &o);
    assert_string_equal(r.text, "<p>Hi &amp; bye</p>");
    assert_int_equal(r.st.html_parts, 1);
    free(r.text);
}

/* ---- headers ------------------------------------------------------------ */

static void test_folded_headers_are_unfolded(void **state)
{
    result r = parse("Subject: This is a very long subject\n"
                     " that continues here\n"
                     "\tand here\n"
                     "Content-Type: text/plain;\n"
                     " charset=\"iso-8859-1\"\n"
                     "\n"
                     "body \xe9\n");
    (void)state;
    assert_string_equal(r.text, "This is a very long subject that continues here and here body \xc3\xa9");
    assert_int_equal(r.st.charset_converted, 1); /* the folded parameter was read */
    free(r.text);
}

static void test_extra_headers_are_included_in_the_order_asked(void **state)
{
    hn_mail_opts o;
    const char *msg = "X-Mailer: Bulk 1.0\nFrom: =?iso-8859-1?q?Jos=E9?= <j@x>\nSubject: S\nfrom: second\n\nbody\n";
    result r;
    (void)state;
    hn_mail_opts_default(&o);
    snprintf(o.headers, sizeof o.headers, " from , x-mailer,,Subject");
    r = parse_n(msg, strlen(msg), &o);
    assert_string_equal(r.text, "S Jos\xc3\xa9 <j@x> second Bulk 1.0 body");
    free(r.text);
    o.include_subject = 0;
    r = parse_n(msg, strlen(msg), &o);
    assert_string_equal(r.text, "Jos\xc3\xa9 <j@x> second Bulk 1.0 S body");
    free(r.text);
}

static void test_message_without_body_gives_only_the_subject(void **state)
{
    result r = parse_fixture("no_body.eml"), e;
    (void)state;
    assert_string_equal(r.text, "Nothing inside");
    assert_int_equal(r.malformed, 0);
    free(r.text);
    e = parse_n("", 0, NULL);
    assert_string_equal(e.text, "");
    assert_int_equal(e.len, 0);
    free(e.text);
}

/* ---- broken input ------------------------------------------------------- */

static void test_truncated_mid_header_is_malformed_but_readable(void **state)
{
    result a = parse("Subject: Hello there\nFrom: someone@exa");
    result b = parse("Subject: Hello\nContent-Ty");
    result c = parse("Subject: Hel");
    (void)state;
    assert_string_equal(a.text, "Hello there");
    assert_int_equal(a.malformed, 1);
    assert_string_equal(b.text, "Hello"); /* the cut field name is dropped */
    assert_int_equal(b.malformed, 1);
    assert_string_equal(c.text, "Hel");
    assert_int_equal(c.malformed, 1);
    free(a.text);
    free(b.text);
    free(c.text);
}

static void test_truncated_mid_base64_is_malformed_but_readable(void **state)
{
    size_t len;
    char *msg = slurp("base64.eml", &len);
    const char *cut = strstr(msg, "R3LDvMOfZSBhdXMgS8O2bG4K") + 22; /* 16 bytes: "Grüße aus Köl" */
    result r;
    (void)state;
    r = parse_n(msg, (size_t)(cut - msg), NULL);
    assert_string_equal(r.text, "Hello world Grüße aus Köl");
    assert_int_equal(r.malformed, 1);
    free(r.text);
    free(msg);
    /* inside a multipart: the closing boundary is missing too */
    r = parse("Subject: t\nContent-Type: multipart/mixed; boundary=zz\n\n--zz\n"
              "Content-Type: text/plain\nContent-Transfer-Encoding: base64\n\naGVsbG8gd29y");
    assert_string_equal(r.text, "t hello wor");
    assert_int_equal(r.malformed, 1);
    free(r.text);
}

static void test_missing_boundaries_read_the_body_as_text(void **state)
{
    result a = parse("Content-Type: multipart/mixed\n\nno boundary parameter\n");
    result b = parse("Content-Type: multipart/mixed; boundary=q\n\nthe boundary never comes\n");
    result c = parse("Content-Type: garbage\n\nstill text\n");
    (void)state;
    assert_string_equal(a.text, "no boundary parameter");
    assert_string_equal(b.text, "the boundary never comes");
    assert_string_equal(c.text, "still text");
    assert_int_equal(a.malformed + b.malformed + c.malformed, 3);
    free(a.text);
    free(b.text);
    free(c.text);
}

static void test_header_line_without_colon_starts_the_body(void **state)
{
    result r = parse("Subject: s\nthis is not a header\nmore\n");
    (void)state;
    assert_string_equal(r.text, "s this is not a header more");
    assert_int_equal(r.malformed, 1);
    free(r.text);
}

/* Every prefix of every fixture, and CR-only / CRLF versions, parse to one
 * line without error (ASan and UBSan watch the reads). */
static void test_every_prefix_of_every_fixture_parses_to_one_line(void **state)
{
    size_t f;
    (void)state;
    for (f = 0; f < sizeof g_fixtures / sizeof g_fixtures[0]; f++) {
        size_t len, cut, i, k;
        char *msg = slurp(g_fixtures[f], &len);
        char *cr = malloc(2 * len + 1);
        assert_non_null(cr);
        for (cut = 0; cut <= len; cut++) {
            char *copy = malloc(cut ? cut : 1); /* exact size: ASan sees any overread */
            result r;
            assert_non_null(copy);
            memcpy(copy, msg, cut);
            r = parse_n(copy, cut, NULL);
            free(r.text);
            free(copy);
        }
        for (i = 0, k = 0; i < len; i++) cr[k++] = msg[i] == '\n' ? '\r' : msg[i];
        free(parse_n(cr, k, NULL).text);
        free(msg);
        free(cr);
    }
}

static void test_random_corruption_never_breaks_the_parser(void **state)
{
    static const char junk[] = "=?\"-<>&;#:\n\r\t \x80\xff\xc3--b--";
    uint64_t rng = 42;
    int round;
    (void)state;
    for (round = 0; round < 3000; round++) {
        size_t len, j, edits;
        const char *name = g_fixtures[hn_rng_below(&rng, sizeof g_fixtures / sizeof g_fixtures[0])];
        char *msg = slurp(name, &len);
        result r;
        edits = 1 + (size_t)hn_rng_below(&rng, 8);
        for (j = 0; j < edits && len > 0; j++) {
            size_t at = (size_t)hn_rng_below(&rng, len);
            switch (hn_rng_below(&rng, 3)) {
            case 0: msg[at] = junk[hn_rng_below(&rng, sizeof junk - 1)]; break;
            case 1: msg[at] = (char)hn_rng_below(&rng, 256); break;
            default: memmove(msg + at, msg + at + 1, len - at - 1); len--; break;
            }
        }
        r = parse_n(msg, len, NULL);
        free(r.text);
        free(msg);
    }
}

static void test_crlf_and_lf_give_the_same_text(void **state)
{
    size_t f;
    (void)state;
    for (f = 0; f < sizeof g_fixtures / sizeof g_fixtures[0]; f++) {
        size_t len, i, k = 0;
        char *msg = slurp(g_fixtures[f], &len);
        char *crlf = malloc(2 * len + 1);
        result a, b;
        assert_non_null(crlf);
        for (i = 0; i < len; i++) {
            if (msg[i] == '\n') crlf[k++] = '\r';
            crlf[k++] = msg[i];
        }
        a = parse_n(msg, len, NULL);
        b = parse_n(crlf, k, NULL);
        assert_string_equal(a.text, b.text);
        assert_int_equal(a.malformed, b.malformed);
        free(a.text);
        free(b.text);
        free(msg);
        free(crlf);
    }
}

static void test_max_bytes_truncates_and_counts(void **state)
{
    hn_mail_opts o;
    const char *msg = "Subject: big\n\n0123456789 0123456789 0123456789\n";
    hn_mail_stats sum;
    char *out;
    size_t n;
    int bad;
    (void)state;
    hn_mail_opts_default(&o);
    assert_int_equal(o.max_bytes, 10 * 1024 * 1024);
    o.max_bytes = 25;
    memset(&sum, 0, sizeof sum);
    assert_int_equal(hn_mail_to_text(msg, strlen(msg), &o, &out, &n, &bad, &sum), HN_OK);
    assert_string_equal(out, "big 0123456789");
    free(out);
    assert_int_equal(hn_mail_to_text(msg, strlen(msg), NULL, &out, NULL, NULL, &sum), HN_OK);
    assert_string_equal(out, "big 0123456789 0123456789 0123456789");
    free(out);
    assert_int_equal(sum.messages, 2); /* counters add up over calls */
    assert_int_equal(sum.truncated, 1);
}

/* ---- the reader --------------------------------------------------------- */

static void test_mbox_splits_three_messages_and_unescapes_from(void **state)
{
    hn_mail_reader *r;
    hn_err err;
    const char *label, *text, *src;
    size_t len;
    int got;
    char want[600];
    hn_mail_stats st;
    (void)state;
    assert_int_equal(hn_mail_reader_open(fixture_path("three.mbox"), NULL, 0, &r, &err), HN_OK);
    assert_int_equal(hn_mail_reader_next(r, &label, &text, &len, &src, &got, &err), HN_OK);
    assert_int_equal(got, 1);
    assert_null(label);
    assert_string_equal(text, "first Hello from the first message. From the archives: escaped line. "
                              ">From stays quoted once.");
    assert_int_equal(len, strlen(text));
    snprintf(want, sizeof want, "%s#1", fixture_path("three.mbox"));
    assert_string_equal(src, want);
    assert_int_equal(hn_mail_reader_next(r, &label, &text, &len, &src, &got, &err), HN_OK);
    assert_int_equal(got, 1);
    assert_string_equal(text, "second Second body.");
    assert_int_equal(hn_mail_reader_next(r, NULL, &text, NULL, &src, &got, &err), HN_OK);
    assert_int_equal(got, 1);
    assert_string_equal(text, "third \xe2\x9c\x93 Third body.");
    snprintf(want, sizeof want, "%s#3", fixture_path("three.mbox"));
    assert_string_equal(src, want);
    assert_int_equal(hn_mail_reader_next(r, &label, &text, &len, &src, &got, &err), HN_OK);
    assert_int_equal(got, 0);
    assert_int_equal(hn_mail_reader_next(r, &label, &text, &len, &src, &got, &err), HN_OK);
    assert_int_equal(got, 0);
    hn_mail_reader_stats(r, &st);
    assert_int_equal(st.messages, 3);
    assert_int_equal(st.malformed, 0);
    hn_mail_reader_free(r);
}

static void test_mbox_reader_handles_crlf_a_bare_message_and_long_lines(void **state)
{
    hn_mail_reader *r;
    hn_err err;
    const char *text;
    int got, i;
    char *big = malloc(200 * 1024);
    size_t k = 0;
    hn_mail_opts o;
    hn_mail_stats st;
    (void)state;
    assert_non_null(big);
    /* text before the first From_ line is a message; CRLF lines; a
     * 150 KB line longer than the read block; an empty last message */
    k += (size_t)sprintf(big + k, "Subject: bare\r\n\r\nno From line\r\nFrom x\r\nSubject: long\r\n\r\n");
    for (i = 0; i < 150 * 1024; i++) big[k++] = (char)('a' + i % 26);
    k += (size_t)sprintf(big + k, "\r\n>From quoted\r\nFrom y\r\n");
    big[k] = '\0';
    make("crlf.mbox", big);
    hn_mail_opts_default(&o);
    o.max_bytes = 100 * 1024;
    assert_int_equal(hn_mail_reader_open(g_made[g_nmade - 1], &o, 0, &r, &err), HN_OK);
    assert_int_equal(hn_mail_reader_next(r, NULL, &text, NULL, NULL, &got, &err), HN_OK);
    assert_int_equal(got, 1);
    assert_string_equal(text, "bare no From line");
    assert_int_equal(hn_mail_reader_next(r, NULL, &text, NULL, NULL, &got, &err), HN_OK);
    assert_int_equal(got, 1);
    assert_int_equal(strncmp(text, "long abcdefghij", 15), 0);
    assert_true(strlen(text) < 100 * 1024);
    assert_null(strstr(text, "quoted")); /* beyond max_bytes */
    assert_int_equal(hn_mail_reader_next(r, NULL, &text, NULL, NULL, &got, &err), HN_OK);
    assert_int_equal(got, 1);
    assert_string_equal(text, "");
    assert_int_equal(hn_mail_reader_next(r, NULL, &text, NULL, NULL, &got, &err), HN_OK);
    assert_int_equal(got, 0);
    hn_mail_reader_stats(r, &st);
    assert_int_equal(st.messages, 3);
    assert_int_equal(st.truncated, 1);
    hn_mail_reader_free(r);
    free(big);
}

static int g_warnings;
static void count_warnings(hn_log_level level, const char *msg, void *user)
{
    (void)msg;
    (void)user;
    if (level == HN_LOG_WARN) g_warnings++;
}

static void test_directory_tree_gives_labels_from_top_level_dirs(void **state)
{
    hn_mail_reader *r;
    hn_err err;
    const char *label, *text, *src;
    size_t len;
    int got, n;
    char root[128];
    static const char *const want_label[] = {"ham", "spam", "spam"};
    static const char *const want_text[] = {"hi mom", "win cash", "deep spam"};
    static const char *const want_src[] = {"ham/0001", "spam/0001", "spam/sub/0002"};
    (void)state;
    snprintf(root, sizeof root, "%s/tree", g_tmp);
    make("tree", NULL);
    make("tree/spam", NULL);
    make("tree/ham", NULL);
    make("tree/spam/sub", NULL);
    make("tree/spam/sub/0002", "Subject: deep\n\nspam\n");
    make("tree/spam/0001", "Subject: win\n\ncash\n");
    make("tree/ham/0001", "Subject: hi\r\n\r\nmom\r\n");
    make("tree/ham/.hidden", "Subject: never\n\nread\n");
    make("tree/loose.eml", "Subject: no label\n\n");
    g_warnings = 0;
    hn_log_set(count_warnings, NULL);
    strcat(root, "/"); /* a trailing slash is fine */
    assert_int_equal(hn_mail_reader_open(root, NULL, 1, &r, &err), HN_OK);
    for (n = 0; n < 3; n++) {
        char want[256];
        assert_int_equal(hn_mail_reader_next(r, &label, &text, &len, &src, &got, &err), HN_OK);
        assert_int_equal(got, 1);
        assert_string_equal(label, want_label[n]);
        assert_string_equal(text, want_text[n]);
        snprintf(want, sizeof want, "%s/tree/%s", g_tmp, want_src[n]);
        assert_string_equal(src, want);
    }
    assert_int_equal(hn_mail_reader_next(r, &label, &text, &len, &src, &got, &err), HN_OK);
    assert_int_equal(got, 0);
    assert_null(label);
    assert_int_equal(g_warnings, 1); /* loose.eml: not in a label directory */
    hn_mail_reader_free(r);
    hn_log_set(NULL, NULL);
    /* without labels the loose file is a message too */
    assert_int_equal(hn_mail_reader_open(root, NULL, 0, &r, &err), HN_OK);
    for (n = 0;; n++) {
        assert_int_equal(hn_mail_reader_next(r, &label, &text, &len, &src, &got, &err), HN_OK);
        if (!got) break;
        assert_null(label);
    }
    assert_int_equal(n, 4);
    hn_mail_reader_free(r);
}

static void test_reader_open_reports_a_missing_path_and_a_bad_label_mode(void **state)
{
    hn_mail_reader *r = (hn_mail_reader *)&r;
    hn_err err;
    (void)state;
    assert_int_equal(hn_mail_reader_open("/nonexistent/hn_mail", NULL, 0, &r, &err), HN_ERR_IO);
    assert_null(r);
    assert_non_null(strstr(err.msg, "/nonexistent/hn_mail: "));
    assert_int_equal(hn_mail_reader_open(fixture_path("three.mbox"), NULL, 1, &r, &err), HN_ERR_ARG);
    assert_null(r);
    assert_non_null(strstr(err.msg, "not a folder: labeled mail is a folder"));
    hn_mail_reader_free(NULL);
}

static void test_options_have_the_documented_defaults(void **state)
{
    hn_mail_opts o;
    (void)state;
    memset(&o, 0x5a, sizeof o);
    hn_mail_opts_default(&o);
    assert_int_equal(o.include_subject, 1);
    assert_string_equal(o.headers, "");
    assert_int_equal(o.html_to_text, 1);
    assert_int_equal(o.max_bytes, 10 * 1024 * 1024);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_alternative_prefers_the_plain_text_part),
        cmocka_unit_test(test_alternative_falls_back_to_html_when_the_plain_part_is_empty),
        cmocka_unit_test(test_nested_multipart_keeps_text_parts_in_order_and_skips_attachments),
        cmocka_unit_test(test_message_rfc822_part_gives_its_subject_and_body),
        cmocka_unit_test(test_deep_nesting_stops_at_the_depth_limit),
        cmocka_unit_test(test_base64_body_is_decoded),
        cmocka_unit_test(test_base64_footer_of_a_mailing_list_stays_text),
        cmocka_unit_test(test_quoted_printable_soft_breaks_are_joined),
        cmocka_unit_test(test_latin1_subject_and_cp1252_body_become_utf8),
        cmocka_unit_test(test_latin9_has_the_euro_sign_where_latin1_has_the_currency_sign),
        cmocka_unit_test(test_unknown_charset_passes_bytes_through_and_is_counted),
        cmocka_unit_test(test_encoded_words_join_without_the_space_between_them),
        cmocka_unit_test(test_html_only_mail_loses_tags_entities_and_scripts),
        cmocka_unit_test(test_html_edge_cases_never_hide_text_or_leak_markup),
        cmocka_unit_test(test_html_is_kept_as_markup_when_conversion_is_off),
        cmocka_unit_test(test_folded_headers_are_unfolded),
        cmocka_unit_test(test_extra_headers_are_included_in_the_order_asked),
        cmocka_unit_test(test_message_without_body_gives_only_the_subject),
        cmocka_unit_test(test_truncated_mid_header_is_malformed_but_readable),
        cmocka_unit_test(test_truncated_mid_base64_is_malformed_but_readable),
        cmocka_unit_test(test_missing_boundaries_read_the_body_as_text),
        cmocka_unit_test(test_header_line_without_colon_starts_the_body),
        cmocka_unit_test(test_every_prefix_of_every_fixture_parses_to_one_line),
        cmocka_unit_test(test_random_corruption_never_breaks_the_parser),
        cmocka_unit_test(test_crlf_and_lf_give_the_same_text),
        cmocka_unit_test(test_max_bytes_truncates_and_counts),
        cmocka_unit_test(test_mbox_splits_three_messages_and_unescapes_from),
        cmocka_unit_test(test_mbox_reader_handles_crlf_a_bare_message_and_long_lines),
        cmocka_unit_test(test_directory_tree_gives_labels_from_top_level_dirs),
        cmocka_unit_test(test_reader_open_reports_a_missing_path_and_a_bad_label_mode),
        cmocka_unit_test(test_options_have_the_documented_defaults),
    };
    return cmocka_run_group_tests(tests, make_tmp, remove_tmp);
}
