/* test_corpora.c - the labeled-line readers: formats, detection, errors
 *
 * Fixtures are written into a fresh mkdtemp directory under /tmp by each
 * test (removed by the group teardown), so the bytes under test (CRLF, a
 * BOM, NUL, a 5 MB line) are spelled out next to the assertions.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "corpora/corpora.h"
#include "src/base/log.h"
#include "src/base/status.h"

/* ---- fixtures ---------------------------------------------------------- */

static char g_dir[64];
static char g_files[256][128];
static int g_nfiles;

static int make_dir(void **state)
{
    (void)state;
    snprintf(g_dir, sizeof g_dir, "/tmp/hn_corpora_XXXXXX");
    return mkdtemp(g_dir) ? 0 : -1;
}

static int remove_dir(void **state)
{
    int i;
    (void)state;
    for (i = 0; i < g_nfiles; i++) unlink(g_files[i]);
    hn_log_set(NULL, NULL);
    return rmdir(g_dir);
}

/* Write `len` bytes to a new file `name` in the temp dir; return its path
 * (static storage, valid for the whole run). */
static const char *fixture_n(const char *name, const void *data, size_t len)
{
    char *p;
    FILE *f;
    assert_true(g_nfiles < 256);
    p = g_files[g_nfiles++];
    snprintf(p, sizeof g_files[0], "%s/%s", g_dir, name);
    f = fopen(p, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, len, f), len);
    assert_int_equal(fclose(f), 0);
    return p;
}

static const char *fixture(const char *name, const char *text)
{
    return fixture_n(name, text, strlen(text));
}

/* ---- captured log ------------------------------------------------------ */

static int g_nlog;
static hn_log_level g_log_level[32];
static char g_log[32][1100];

static void capture(hn_log_level level, const char *msg, void *user)
{
    (void)user;
    if (g_nlog < 32) {
        g_log_level[g_nlog] = level;
        snprintf(g_log[g_nlog], sizeof g_log[0], "%s", msg);
    }
    g_nlog++;
}

static void log_reset(void)
{
    g_nlog = 0;
    hn_log_set(capture, NULL);
}

/* ---- helpers ----------------------------------------------------------- */

static hn_reader_opts opts(hn_format f, int need_labels, int skip_bad)
{
    hn_reader_opts o;
    hn_reader_opts_default(&o);
    o.format = f;
    o.need_labels = need_labels;
    o.skip_bad = skip_bad;
    return o;
}

static hn_reader *open_ok(const char *path, const hn_reader_opts *o)
{
    hn_reader *r = NULL;
    hn_err err;
    hn_status st = hn_reader_open(path, o, &r, &err);
    if (st != HN_OK) print_error("open %s: %s\n", path, err.msg);
    assert_int_equal(st, HN_OK);
    assert_non_null(r);
    return r;
}

/* Read the next record, which must exist. */
static void next_ok(hn_reader *r, hn_record *rec)
{
    hn_err err;
    int got = -1;
    hn_status st = hn_reader_next(r, rec, &got, &err);
    if (st != HN_OK) print_error("next: %s\n", err.msg);
    assert_int_equal(st, HN_OK);
    assert_int_equal(got, 1);
}

static void next_end(hn_reader *r)
{
    hn_record rec;
    hn_err err;
    int got = -1;
    assert_int_equal(hn_reader_next(r, &rec, &got, &err), HN_OK);
    assert_int_equal(got, 0);
}

static void assert_text(const hn_record *rec, const char *want)
{
    assert_int_equal(rec->text_len, strlen(want));
    assert_memory_equal(rec->text, want, rec->text_len + 1); /* and the NUL after it */
}

/* The file `name` holding `data` fails at `line` with exactly
 * "path:line: msg" (HN_ERR_FORMAT), reading with options `o`. */
static void expect_error(const char *name, const char *data, hn_reader_opts o, int line, const char *msg)
{
    const char *path = fixture(name, data);
    hn_reader *r = open_ok(path, &o);
    hn_record rec;
    hn_err err;
    hn_status st;
    int got;
    char want[600];
    while ((st = hn_reader_next(r, &rec, &got, &err)) == HN_OK && got) {}
    snprintf(want, sizeof want, "%s:%d: %s", path, line, msg);
    assert_int_equal(st, HN_ERR_FORMAT);
    assert_int_equal(err.code, HN_ERR_FORMAT);
    assert_int_equal(got, 0);
    assert_string_equal(err.msg, want);
    hn_reader_free(r);
}

/* ---- tests ------------------------------------------------------------- */

static void test_format_names_parse_back_and_unknown_names_are_arg_errors(void **state)
{
    int f;
    hn_format out = HN_FORMAT_TEXT;
    (void)state;
    for (f = 0; f < HN_FORMAT_COUNT; f++) {
        assert_int_equal(hn_format_parse(hn_format_name((hn_format)f), &out), HN_OK);
        assert_int_equal(out, f);
    }
    assert_string_equal(hn_format_name(HN_FORMAT_FASTTEXT), "fasttext");
    assert_string_equal(hn_format_name(HN_FORMAT_TSV), "tsv");
    assert_string_equal(hn_format_name((hn_format)77), "?");
    out = HN_FORMAT_TSV;
    assert_int_equal(hn_format_parse("csv", &out), HN_ERR_ARG);
    assert_int_equal(hn_format_parse(NULL, &out), HN_ERR_ARG);
    assert_int_equal(out, HN_FORMAT_TSV);
}

static void test_defaults_are_auto_with_the_fasttext_prefix(void **state)
{
    hn_reader_opts o;
    (void)state;
    memset(&o, 0x55, sizeof o);
    hn_reader_opts_default(&o);
    assert_int_equal(o.format, HN_FORMAT_AUTO);
    assert_string_equal(o.label_prefix, "__label__");
    assert_int_equal(o.skip_bad, 0);
    assert_int_equal(o.need_labels, 0);
}

static void test_fasttext_line_gives_several_labels_and_the_rest_as_text(void **state)
{
    hn_reader_opts o = opts(HN_FORMAT_FASTTEXT, 1, 0);
    const char *p = fixture("ft.txt", "__label__spam __label__promo  buy now, cheap!  \n"
                                      "\t__label__ham\tsee you at 5 __label__not_a_label\n");
    hn_reader *r = open_ok(p, &o);
    hn_record rec;
    (void)state;
    next_ok(r, &rec);
    assert_int_equal(rec.nlabels, 2);
    assert_string_equal(rec.labels[0], "spam");
    assert_string_equal(rec.labels[1], "promo");
    assert_null(rec.labels[2]);
    assert_text(&rec, "buy now, cheap!  ");
    assert_true(rec.weight == 1.0f);
    assert_int_equal(rec.lineno, 1);
    next_ok(r, &rec);
    assert_int_equal(rec.nlabels, 1);
    assert_string_equal(rec.labels[0], "ham");
    assert_text(&rec, "see you at 5 __label__not_a_label");
    assert_int_equal(rec.lineno, 2);
    next_end(r);
    next_end(r); /* and again */
    assert_int_equal(hn_reader_format(r), HN_FORMAT_FASTTEXT);
    hn_reader_free(r);
}

static void test_many_labels_on_one_line_grow_the_labels_array(void **state)
{
    char line[8192];
    size_t n = 0;
    int i;
    hn_reader_opts o = opts(HN_FORMAT_FASTTEXT, 1, 0);
    hn_reader *r;
    hn_record rec;
    (void)state;
    for (i = 0; i < 300; i++) n += (size_t)snprintf(line + n, sizeof line - n, "__label__L%d ", i);
    n += (size_t)snprintf(line + n, sizeof line - n, "text\n__label__x short\n");
    r = open_ok(fixture_n("many.txt", line, n), &o);
    next_ok(r, &rec);
    assert_int_equal(rec.nlabels, 300);
    assert_string_equal(rec.labels[0], "L0");
    assert_string_equal(rec.labels[299], "L299");
    assert_null(rec.labels[300]);
    assert_text(&rec, "text");
    next_ok(r, &rec);
    assert_int_equal(rec.nlabels, 1);
    assert_null(rec.labels[1]);
    hn_reader_free(r);
}

static void test_a_custom_prefix_marks_labels_and_the_default_one_is_text(void **state)
{
    hn_reader_opts o = opts(HN_FORMAT_AUTO, 1, 0);
    hn_reader *r;
    hn_record rec;
    (void)state;
    snprintf(o.label_prefix, sizeof o.label_prefix, "#");
    log_reset();
    r = open_ok(fixture("prefix.txt", "#intent #other __label__x hello\n#a b\n"), &o);
    next_ok(r, &rec);
    assert_int_equal(hn_reader_format(r), HN_FORMAT_FASTTEXT);
    assert_int_equal(rec.nlabels, 2);
    assert_string_equal(rec.labels[0], "intent");
    assert_string_equal(rec.labels[1], "other");
    assert_text(&rec, "__label__x hello");
    next_ok(r, &rec);
    assert_string_equal(rec.labels[0], "a");
    assert_text(&rec, "b");
    next_end(r);
    hn_reader_free(r);
}

static void test_bad_options_are_refused_at_open(void **state)
{
    hn_reader_opts o = opts(HN_FORMAT_TEXT, 1, 0);
    hn_reader *r = (hn_reader *)(void *)g_dir; /* not NULL: open must clear it */
    hn_err err;
    const char *p = fixture("opts.txt", "x\n");
    (void)state;
    assert_int_equal(hn_reader_open(p, &o, &r, &err), HN_ERR_ARG);
    assert_null(r);
    assert_non_null(strstr(err.msg, "format text has no labels"));
    o = opts(HN_FORMAT_AUTO, 0, 0);
    o.label_prefix[0] = '\0';
    assert_int_equal(hn_reader_open(p, &o, &r, &err), HN_ERR_ARG);
    snprintf(o.label_prefix, sizeof o.label_prefix, "a b");
    assert_int_equal(hn_reader_open(p, &o, &r, &err), HN_ERR_ARG);
    memset(o.label_prefix, 'x', sizeof o.label_prefix); /* not terminated */
    assert_int_equal(hn_reader_open(p, &o, &r, &err), HN_ERR_ARG);
    o = opts((hn_format)9, 0, 0);
    assert_int_equal(hn_reader_open(p, &o, &r, &err), HN_ERR_ARG);
    assert_null(r);
    hn_reader_free(NULL);
}

static void test_a_missing_file_is_an_io_error_naming_it(void **state)
{
    hn_reader *r = NULL;
    hn_err err;
    char path[200];
    (void)state;
    snprintf(path, sizeof path, "%s/does_not_exist.txt", g_dir);
    assert_int_equal(hn_reader_open(path, NULL, &r, &err), HN_ERR_IO);
    assert_null(r);
    assert_true(strncmp(err.msg, path, strlen(path)) == 0);
    assert_non_null(strstr(err.msg, "No such file"));
}

static void test_weight_tokens_set_the_weight_in_fasttext_and_tsv(void **state)
{
    hn_reader_opts o = opts(HN_FORMAT_FASTTEXT, 1, 0);
    hn_reader *r;
    hn_record rec;
    (void)state;
    r = open_ok(fixture("w.txt", "__label__a __weight__2.5 one\n"
                                 "__weight__0.25 __label__b two\n"
                                 "__label__c three __weight__9\n"
                                 "__label__d __weight__1e3 four\n"),
                &o);
    next_ok(r, &rec);
    assert_true(rec.weight == 2.5f);
    assert_string_equal(rec.labels[0], "a");
    assert_text(&rec, "one");
    next_ok(r, &rec);
    assert_true(rec.weight == 0.25f);
    assert_string_equal(rec.labels[0], "b");
    assert_text(&rec, "two");
    next_ok(r, &rec);
    assert_true(rec.weight == 1.0f); /* after the text starts it is text */
    assert_text(&rec, "three __weight__9");
    next_ok(r, &rec);
    assert_true(rec.weight == 1000.0f);
    hn_reader_free(r);

    o = opts(HN_FORMAT_TSV, 1, 0);
    r = open_ok(fixture("w.tsv", "spam\t__weight__3 win money\nham\thi __weight__3\n"), &o);
    next_ok(r, &rec);
    assert_true(rec.weight == 3.0f);
    assert_string_equal(rec.labels[0], "spam");
    assert_text(&rec, "win money");
    next_ok(r, &rec);
    assert_true(rec.weight == 1.0f);
    assert_text(&rec, "hi __weight__3");
    hn_reader_free(r);
}

static void test_tsv_label_is_before_the_first_tab_and_the_text_is_all_after(void **state)
{
    hn_reader_opts o = opts(HN_FORMAT_TSV, 1, 0);
    hn_reader *r;
    hn_record rec;
    (void)state;
    r = open_ok(fixture("t.tsv", "spam\tfree\tmoney now\n"
                                 " ham \t lunch?\n"
                                 "__label__oos\twhat is love\n"
                                 "two words\tok\n"),
                &o);
    next_ok(r, &rec);
    assert_int_equal(rec.nlabels, 1);
    assert_string_equal(rec.labels[0], "spam");
    assert_null(rec.labels[1]);
    assert_text(&rec, "free\tmoney now");
    next_ok(r, &rec);
    assert_string_equal(rec.labels[0], "ham"); /* trimmed */
    assert_text(&rec, " lunch?");
    next_ok(r, &rec);
    assert_string_equal(rec.labels[0], "oos"); /* the prefix is dropped */
    next_ok(r, &rec);
    assert_string_equal(rec.labels[0], "two words");
    assert_text(&rec, "ok");
    assert_int_equal(rec.lineno, 4);
    next_end(r);
    hn_reader_free(r);
}

static void test_auto_detects_fasttext_and_logs_the_decision(void **state)
{
    hn_reader_opts o = opts(HN_FORMAT_AUTO, 1, 0);
    const char *p = fixture("auto_ft.txt", "\n  \n  __label__a x\tb\n");
    hn_reader *r = open_ok(p, &o);
    hn_record rec;
    hn_reader_stats s;
    char want[300];
    (void)state;
    log_reset();
    assert_int_equal(hn_reader_format(r), HN_FORMAT_AUTO);
    next_ok(r, &rec);
    assert_int_equal(hn_reader_format(r), HN_FORMAT_FASTTEXT);
    assert_int_equal(rec.lineno, 3);
    assert_string_equal(rec.labels[0], "a");
    assert_text(&rec, "x\tb");
    snprintf(want, sizeof want, "%s: format auto: detected fasttext", p);
    assert_int_equal(g_nlog, 1);
    assert_int_equal(g_log_level[0], HN_LOG_INFO);
    assert_string_equal(g_log[0], want);
    next_end(r);
    hn_reader_stats_get(r, &s);
    assert_int_equal(s.lines, 3);
    assert_int_equal(s.records, 1);
    assert_int_equal(s.empty, 2);
    assert_int_equal(s.skipped_bad, 0);
    hn_reader_free(r);
}

static void test_auto_detects_tsv_from_a_tab(void **state)
{
    hn_reader_opts o = opts(HN_FORMAT_AUTO, 1, 0);
    const char *p = fixture("auto.tsv", "spam\tbuy\nham\thello\n");
    hn_reader *r = open_ok(p, &o);
    hn_record rec;
    char want[300];
    (void)state;
    log_reset();
    next_ok(r, &rec);
    assert_int_equal(hn_reader_format(r), HN_FORMAT_TSV);
    assert_string_equal(rec.labels[0], "spam");
    snprintf(want, sizeof want, "%s: format auto: detected tsv", p);
    assert_string_equal(g_log[0], want);
    next_ok(r, &rec);
    assert_string_equal(rec.labels[0], "ham");
    next_end(r);
    hn_reader_free(r);
}

static void test_auto_detects_text_and_keeps_every_line_as_a_record(void **state)
{
    hn_reader_opts o = opts(HN_FORMAT_AUTO, 0, 0);
    const char *p = fixture("auto_text.txt", "\n \nhello world\n\nbye\n");
    hn_reader *r = open_ok(p, &o);
    hn_record rec;
    hn_reader_stats s;
    char want[300];
    (void)state;
    log_reset();
    next_ok(r, &rec); /* the empty lines before detection come first */
    assert_int_equal(hn_reader_format(r), HN_FORMAT_TEXT);
    assert_int_equal(rec.lineno, 1);
    assert_int_equal(rec.nlabels, 0);
    assert_non_null(rec.labels);
    assert_null(rec.labels[0]);
    assert_text(&rec, "");
    next_ok(r, &rec);
    assert_int_equal(rec.lineno, 2);
    assert_text(&rec, "");
    next_ok(r, &rec);
    assert_int_equal(rec.lineno, 3);
    assert_text(&rec, "hello world");
    next_ok(r, &rec);
    assert_int_equal(rec.lineno, 4);
    assert_text(&rec, "");
    next_ok(r, &rec);
    assert_int_equal(rec.lineno, 5);
    assert_text(&rec, "bye");
    next_end(r);
    snprintf(want, sizeof want, "%s: format auto: detected text", p);
    assert_int_equal(g_nlog, 1);
    assert_string_equal(g_log[0], want);
    hn_reader_stats_get(r, &s);
    assert_int_equal(s.lines, 5);
    assert_int_equal(s.records, 5);
    assert_int_equal(s.empty, 0);
    hn_reader_free(r);
}

static void test_an_input_of_only_empty_lines_is_empty_text_records_or_nothing(void **state)
{
    hn_reader_opts o = opts(HN_FORMAT_AUTO, 0, 0);
    const char *p = fixture("blank.txt", "\n\t\n\n");
    hn_reader *r = open_ok(p, &o);
    hn_record rec;
    hn_reader_stats s;
    (void)state;
    next_ok(r, &rec);
    assert_int_equal(rec.lineno, 1);
    next_ok(r, &rec);
    next_ok(r, &rec);
    assert_int_equal(rec.lineno, 3);
    assert_int_equal(rec.text_len, 0);
    next_end(r);
    assert_int_equal(hn_reader_format(r), HN_FORMAT_TEXT);
    hn_reader_free(r);

    o = opts(HN_FORMAT_AUTO, 1, 0);
    r = open_ok(p, &o);
    next_end(r);
    assert_int_equal(hn_reader_format(r), HN_FORMAT_AUTO);
    hn_reader_stats_get(r, &s);
    assert_int_equal(s.lines, 3);
    assert_int_equal(s.empty, 3);
    assert_int_equal(s.records, 0);
    hn_reader_free(r);

    r = open_ok(fixture("zero.txt", ""), &o);
    next_end(r);
    hn_reader_free(r);
}

static void test_empty_lines_before_detected_fasttext_are_counted_not_records(void **state)
{
    hn_reader_opts o = opts(HN_FORMAT_AUTO, 0, 0);
    hn_reader *r = open_ok(fixture("blank_ft.txt", "\n\n__label__a x\n\nno label here\n"), &o);
    hn_record rec;
    hn_reader_stats s;
    (void)state;
    next_ok(r, &rec);
    assert_int_equal(rec.lineno, 3);
    next_ok(r, &rec); /* labels optional: the whole line is the text */
    assert_int_equal(rec.lineno, 5);
    assert_int_equal(rec.nlabels, 0);
    assert_text(&rec, "no label here");
    next_end(r);
    hn_reader_stats_get(r, &s);
    assert_int_equal(s.lines, 5);
    assert_int_equal(s.records, 2);
    assert_int_equal(s.empty, 3);
    hn_reader_free(r);
}

static void test_unlabeled_lines_are_fine_when_labels_are_optional(void **state)
{
    hn_reader_opts o = opts(HN_FORMAT_FASTTEXT, 0, 0);
    hn_reader *r = open_ok(fixture("opt.txt", "  plain text\n__label__x  labeled\n__weight__2 weighted\n"), &o);
    hn_record rec;
    (void)state;
    next_ok(r, &rec);
    assert_int_equal(rec.nlabels, 0);
    assert_text(&rec, "  plain text"); /* untouched line */
    next_ok(r, &rec);
    assert_int_equal(rec.nlabels, 1);
    assert_text(&rec, "labeled");
    next_ok(r, &rec);
    assert_int_equal(rec.nlabels, 0);
    assert_true(rec.weight == 2.0f);
    assert_text(&rec, "weighted");
    hn_reader_free(r);

    o = opts(HN_FORMAT_TSV, 0, 0);
    r = open_ok(fixture("opt.tsv", "no tab at all\nspam\tyes\n"), &o);
    next_ok(r, &rec);
    assert_int_equal(rec.nlabels, 0);
    assert_text(&rec, "no tab at all");
    next_ok(r, &rec);
    assert_int_equal(rec.nlabels, 1);
    assert_text(&rec, "yes");
    hn_reader_free(r);

    o = opts(HN_FORMAT_TEXT, 0, 0);
    r = open_ok(fixture("opt_text.txt", "__label__a\tkept as is\n"), &o);
    next_ok(r, &rec);
    assert_int_equal(rec.nlabels, 0);
    assert_text(&rec, "__label__a\tkept as is");
    hn_reader_free(r);
}

static void test_crlf_endings_and_a_bom_are_dropped(void **state)
{
    hn_reader_opts o = opts(HN_FORMAT_AUTO, 1, 0);
    hn_reader *r = open_ok(fixture("crlf.txt", "\xEF\xBB\xBF__label__a first\r\n__label__b second\r\n\r\n"), &o);
    hn_record rec;
    hn_reader_stats s;
    (void)state;
    next_ok(r, &rec);
    assert_int_equal(hn_reader_format(r), HN_FORMAT_FASTTEXT); /* the BOM did not hide the prefix */
    assert_string_equal(rec.labels[0], "a");
    assert_text(&rec, "first");
    next_ok(r, &rec);
    assert_string_equal(rec.labels[0], "b");
    assert_text(&rec, "second");
    next_end(r);
    hn_reader_stats_get(r, &s);
    assert_int_equal(s.empty, 1);
    hn_reader_free(r);

    r = open_ok(fixture("crlf.tsv", "\xEF\xBB\xBFspam\tbuy\r\n"), &o);
    next_ok(r, &rec);
    assert_string_equal(rec.labels[0], "spam");
    assert_text(&rec, "buy");
    hn_reader_free(r);
}

static void test_a_last_line_without_newline_is_read(void **state)
{
    hn_reader_opts o = opts(HN_FORMAT_AUTO, 1, 0);
    hn_reader *r = open_ok(fixture("nonl.txt", "__label__a one\n__label__b two"), &o);
    hn_record rec;
    (void)state;
    next_ok(r, &rec);
    next_ok(r, &rec);
    assert_int_equal(rec.lineno, 2);
    assert_string_equal(rec.labels[0], "b");
    assert_text(&rec, "two");
    next_end(r);
    hn_reader_free(r);
}

static void test_a_five_megabyte_line_is_one_record(void **state)
{
    size_t big = 5u << 20, i, n;
    char *buf = malloc(big + 64);
    hn_reader_opts o = opts(HN_FORMAT_AUTO, 1, 0);
    hn_reader *r;
    hn_record rec;
    (void)state;
    assert_non_null(buf);
    n = (size_t)sprintf(buf, "__label__big ");
    for (i = 0; i < big; i++) buf[n + i] = (char)('a' + i % 26);
    n += big;
    n += (size_t)sprintf(buf + n, "\n__label__small ok\n");
    r = open_ok(fixture_n("big.txt", buf, n), &o);
    next_ok(r, &rec);
    assert_string_equal(rec.labels[0], "big");
    assert_int_equal(rec.text_len, big);
    assert_memory_equal(rec.text, buf + 13, big);
    next_ok(r, &rec);
    assert_text(&rec, "ok");
    assert_int_equal(rec.lineno, 2);
    hn_reader_free(r);

    /* a 5 MB label works too */
    memcpy(buf, "__label__", 9);
    for (i = 9; i < big; i++) buf[i] = 'L';
    memcpy(buf + big, " text\n", 6);
    r = open_ok(fixture_n("big_label.txt", buf, big + 6), &o);
    next_ok(r, &rec);
    assert_int_equal(strlen(rec.labels[0]), big - 9);
    assert_text(&rec, "text");
    hn_reader_free(r);
    free(buf);
}

static void test_a_nul_byte_inside_the_text_is_kept(void **state)
{
    static const char data[] = "__label__a x\0y z\n" "b\0c\n";
    hn_reader_opts o = opts(HN_FORMAT_AUTO, 0, 0);
    hn_reader *r = open_ok(fixture_n("nul.txt", data, sizeof data - 1), &o);
    hn_record rec;
    (void)state;
    next_ok(r, &rec);
    assert_string_equal(rec.labels[0], "a");
    assert_int_equal(rec.text_len, 5);
    assert_memory_equal(rec.text, "x\0y z", 5);
    next_ok(r, &rec);
    assert_int_equal(rec.nlabels, 0);
    assert_int_equal(rec.text_len, 3);
    assert_memory_equal(rec.text, "b\0c", 3);
    next_end(r);
    hn_reader_free(r);

    /* in text format too, and in TSV text */
    o = opts(HN_FORMAT_TEXT, 0, 0);
    r = open_ok(fixture_n("nul_text.txt", "\0\0\n", 3), &o);
    next_ok(r, &rec);
    assert_int_equal(rec.text_len, 2);
    hn_reader_free(r);
    o = opts(HN_FORMAT_TSV, 1, 0);
    r = open_ok(fixture_n("nul.tsv", "s\tq\0r\n", 6), &o);
    next_ok(r, &rec);
    assert_string_equal(rec.labels[0], "s");
    assert_int_equal(rec.text_len, 3);
    assert_memory_equal(rec.text, "q\0r", 3);
    hn_reader_free(r);
}

static void test_a_fasttext_line_without_a_label_is_an_error_naming_file_and_line(void **state)
{
    (void)state;
    expect_error("e_nolabel.txt", "__label__a fine\n\nno label here\n", opts(HN_FORMAT_FASTTEXT, 1, 0), 3,
                 "no label (expected __label__NAME at the start)");
    expect_error("e_weight_only.txt", "__weight__2 text\n", opts(HN_FORMAT_FASTTEXT, 1, 0), 1,
                 "no label (expected __label__NAME at the start)");
}

static void test_a_custom_prefix_is_named_in_the_no_label_message(void **state)
{
    hn_reader_opts o = opts(HN_FORMAT_FASTTEXT, 1, 0);
    (void)state;
    snprintf(o.label_prefix, sizeof o.label_prefix, "@@");
    expect_error("e_prefix.txt", "@@a ok\n__label__b not mine\n", o, 2, "no label (expected @@NAME at the start)");
}

static void test_auto_with_an_unlabeled_first_line_is_an_error(void **state)
{
    static const char data[] = "\0\1\377\376garbage\n";
    (void)state;
    expect_error("e_auto.txt", "just words\n__label__a x\n", opts(HN_FORMAT_AUTO, 1, 0), 1,
                 "no label (expected __label__NAME at the start, or label<TAB>text)");
    {
        hn_reader_opts o = opts(HN_FORMAT_AUTO, 1, 0);
        const char *p = fixture_n("e_binary.txt", data, sizeof data - 1);
        hn_reader *r = open_ok(p, &o);
        hn_record rec;
        hn_err err;
        int got;
        char want[300];
        assert_int_equal(hn_reader_next(r, &rec, &got, &err), HN_ERR_FORMAT);
        snprintf(want, sizeof want, "%s:1: no label (expected __label__NAME at the start, or label<TAB>text)", p);
        assert_string_equal(err.msg, want);
        hn_reader_free(r);
    }
}

static void test_a_label_without_text_is_an_error(void **state)
{
    (void)state;
    expect_error("e_notext.txt", "__label__a hello\n__label__b\n", opts(HN_FORMAT_FASTTEXT, 1, 0), 2,
                 "label but no text");
    expect_error("e_notext2.txt", "__label__a __label__b   \t \n", opts(HN_FORMAT_AUTO, 1, 0), 1,
                 "label but no text");
    expect_error("e_notext3.txt", "__label__a __weight__2\n", opts(HN_FORMAT_FASTTEXT, 0, 0), 1,
                 "label but no text");
    expect_error("e_notext.tsv", "spam\tx\nham\t\n", opts(HN_FORMAT_TSV, 1, 0), 2, "label but no text");
    expect_error("e_notext2.tsv", "ham\t  \n", opts(HN_FORMAT_TSV, 1, 0), 1, "label but no text");
    expect_error("e_notext3.tsv", "ham\t__weight__2\n", opts(HN_FORMAT_TSV, 1, 0), 1, "label but no text");
}

static void test_an_empty_label_name_is_an_error(void **state)
{
    (void)state;
    expect_error("e_empty.txt", "__label__a x\n__label__a __label__ text\n", opts(HN_FORMAT_FASTTEXT, 1, 0), 2,
                 "empty label name ('__label__' alone)");
    expect_error("e_empty2.txt", "__label__\n", opts(HN_FORMAT_AUTO, 0, 0), 1,
                 "empty label name ('__label__' alone)");
}

static void test_a_nul_byte_inside_a_label_is_an_error(void **state)
{
    static const char ft[] = "__label__sp\0am text\n";
    static const char tsv[] = "a\tb\nsp\0am\ttext\n";
    hn_reader_opts o = opts(HN_FORMAT_FASTTEXT, 1, 0);
    const char *p = fixture_n("e_nul.txt", ft, sizeof ft - 1);
    hn_reader *r = open_ok(p, &o);
    hn_record rec;
    hn_err err;
    int got;
    char want[300];
    (void)state;
    assert_int_equal(hn_reader_next(r, &rec, &got, &err), HN_ERR_FORMAT);
    snprintf(want, sizeof want, "%s:1: NUL byte in a label", p);
    assert_string_equal(err.msg, want);
    hn_reader_free(r);
    o = opts(HN_FORMAT_TSV, 1, 0);
    p = fixture_n("e_nul.tsv", tsv, sizeof tsv - 1);
    r = open_ok(p, &o);
    next_ok(r, &rec);
    assert_int_equal(hn_reader_next(r, &rec, &got, &err), HN_ERR_FORMAT);
    snprintf(want, sizeof want, "%s:2: NUL byte in a label", p);
    assert_string_equal(err.msg, want);
    hn_reader_free(r);
}

static void test_a_tsv_line_without_a_tab_is_an_error(void **state)
{
    (void)state;
    expect_error("e_notab.tsv", "spam\tx\nham and no tab\n", opts(HN_FORMAT_TSV, 1, 0), 2,
                 "no TAB (expected label<TAB>text)");
    expect_error("e_notab2.tsv", "\nspam\tx\n\nham and no tab\n", opts(HN_FORMAT_AUTO, 1, 0), 4,
                 "no TAB (expected label<TAB>text)");
}

static void test_a_tsv_line_with_an_empty_label_is_an_error(void **state)
{
    (void)state;
    expect_error("e_tsvempty.tsv", "a\tb\n\ttext\n", opts(HN_FORMAT_TSV, 1, 0), 2, "empty label before the TAB");
    expect_error("e_tsvempty2.tsv", "  \ttext\n", opts(HN_FORMAT_TSV, 0, 0), 1, "empty label before the TAB");
    expect_error("e_tsvempty3.tsv", "__label__\ttext\n", opts(HN_FORMAT_TSV, 1, 0), 1, "empty label before the TAB");
}

static void test_a_bad_weight_is_an_error(void **state)
{
    static const char *const bad[] = {"abc", "nan", "inf", "-inf", "0", "-1", "1e39", "", "2x", "1e-50", "0x"};
    size_t i;
    (void)state;
    for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char name[64], data[128], msg[128];
        snprintf(name, sizeof name, "e_weight%zu.txt", i);
        snprintf(data, sizeof data, "__label__a __weight__1 ok\n__label__a __weight__%s text\n", bad[i]);
        snprintf(msg, sizeof msg, "bad weight '__weight__%s' (need a finite number > 0)", bad[i]);
        expect_error(name, data, opts(HN_FORMAT_FASTTEXT, 1, 0), 2, msg);
    }
    expect_error("e_weight.tsv", "spam\t__weight__NaN text\n", opts(HN_FORMAT_TSV, 1, 0), 1,
                 "bad weight '__weight__NaN' (need a finite number > 0)");
    expect_error("e_weight2.txt", "__label__a __weight__2 __weight__3 text\n", opts(HN_FORMAT_FASTTEXT, 1, 0), 1,
                 "more than one __weight__ token");
}

static void test_skip_bad_counts_skipped_lines_and_logs_only_the_first_five(void **state)
{
    hn_reader_opts o = opts(HN_FORMAT_FASTTEXT, 1, 1);
    const char *p = fixture("skip.txt", "__label__a one\n"     /* 1 ok */
                                        "bad one\n"            /* 2 */
                                        "__label__b\n"         /* 3 */
                                        "\n"                   /* 4 empty */
                                        "__label__ x\n"        /* 5 */
                                        "__label__c __weight__0 x\n" /* 6 */
                                        "no\n"                 /* 7 */
                                        "__label__d two\n"     /* 8 ok */
                                        "nope\n"               /* 9: counted, not logged */
                                        "__label__e three");   /* 10 ok */
    hn_reader *r;
    hn_record rec;
    hn_reader_stats s;
    char want[300];
    (void)state;
    log_reset();
    r = open_ok(p, &o);
    next_ok(r, &rec);
    assert_int_equal(rec.lineno, 1);
    next_ok(r, &rec);
    assert_int_equal(rec.lineno, 8);
    assert_string_equal(rec.labels[0], "d");
    next_ok(r, &rec);
    assert_int_equal(rec.lineno, 10);
    next_end(r);
    hn_reader_stats_get(r, &s);
    assert_int_equal(s.lines, 10);
    assert_int_equal(s.records, 3);
    assert_int_equal(s.skipped_bad, 6);
    assert_int_equal(s.empty, 1);
    assert_int_equal(s.lines, s.records + s.skipped_bad + s.empty);
    assert_int_equal(g_nlog, 5);
    assert_int_equal(g_log_level[0], HN_LOG_WARN);
    snprintf(want, sizeof want, "%s:2: no label (expected __label__NAME at the start) (skipped)", p);
    assert_string_equal(g_log[0], want);
    snprintf(want, sizeof want, "%s:3: label but no text (skipped)", p);
    assert_string_equal(g_log[1], want);
    snprintf(want, sizeof want, "%s:5: ", p);
    assert_true(strncmp(g_log[2], want, strlen(want)) == 0);
    snprintf(want, sizeof want, "%s:7: ", p);
    assert_true(strncmp(g_log[4], want, strlen(want)) == 0);
    hn_reader_free(r);
}

static void test_skip_bad_lets_auto_detection_pass_over_an_unlabeled_first_line(void **state)
{
    hn_reader_opts o = opts(HN_FORMAT_AUTO, 1, 1);
    hn_reader *r = open_ok(fixture("skip_auto.tsv", "header line\nspam\tbuy\n"), &o);
    hn_record rec;
    hn_reader_stats s;
    (void)state;
    log_reset();
    next_ok(r, &rec);
    assert_int_equal(hn_reader_format(r), HN_FORMAT_TSV);
    assert_string_equal(rec.labels[0], "spam");
    assert_int_equal(rec.lineno, 2);
    hn_reader_stats_get(r, &s);
    assert_int_equal(s.skipped_bad, 1);
    assert_int_equal(g_nlog, 2); /* the warning, then the decision */
    assert_int_equal(g_log_level[0], HN_LOG_WARN);
    assert_int_equal(g_log_level[1], HN_LOG_INFO);
    hn_reader_free(r);
}

static void test_the_reader_goes_on_after_a_format_error(void **state)
{
    hn_reader_opts o = opts(HN_FORMAT_FASTTEXT, 1, 0);
    hn_reader *r = open_ok(fixture("resume.txt", "bad\n__label__a good\n"), &o);
    hn_record rec;
    hn_err err;
    int got = 1;
    (void)state;
    assert_int_equal(hn_reader_next(r, &rec, &got, &err), HN_ERR_FORMAT);
    assert_int_equal(got, 0);
    next_ok(r, &rec);
    assert_int_equal(rec.lineno, 2);
    next_end(r);
    hn_reader_free(r);
}

static void test_dash_reads_standard_input_and_names_it_in_errors(void **state)
{
    hn_reader_opts o = opts(HN_FORMAT_AUTO, 1, 0);
    const char *p = fixture("stdin.txt", "__label__a x\nbad line\n");
    hn_reader *r;
    hn_record rec;
    hn_err err;
    int got;
    (void)state;
    assert_non_null(freopen(p, "rb", stdin));
    r = open_ok("-", &o);
    next_ok(r, &rec);
    assert_string_equal(rec.labels[0], "a");
    assert_int_equal(hn_reader_next(r, &rec, &got, &err), HN_ERR_FORMAT);
    assert_string_equal(err.msg, "-:2: no label (expected __label__NAME at the start)");
    hn_reader_free(r); /* must not close stdin */
    assert_int_equal(fgetc(stdin), EOF);
    assert_int_equal(ferror(stdin), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_format_names_parse_back_and_unknown_names_are_arg_errors),
        cmocka_unit_test(test_defaults_are_auto_with_the_fasttext_prefix),
        cmocka_unit_test(test_fasttext_line_gives_several_labels_and_the_rest_as_text),
        cmocka_unit_test(test_many_labels_on_one_line_grow_the_labels_array),
        cmocka_unit_test(test_a_custom_prefix_marks_labels_and_the_default_one_is_text),
        cmocka_unit_test(test_bad_options_are_refused_at_open),
        cmocka_unit_test(test_a_missing_file_is_an_io_error_naming_it),
        cmocka_unit_test(test_weight_tokens_set_the_weight_in_fasttext_and_tsv),
        cmocka_unit_test(test_tsv_label_is_before_the_first_tab_and_the_text_is_all_after),
        cmocka_unit_test(test_auto_detects_fasttext_and_logs_the_decision),
        cmocka_unit_test(test_auto_detects_tsv_from_a_tab),
        cmocka_unit_test(test_auto_detects_text_and_keeps_every_line_as_a_record),
        cmocka_unit_test(test_an_input_of_only_empty_lines_is_empty_text_records_or_nothing),
        cmocka_unit_test(test_empty_lines_before_detected_fasttext_are_counted_not_records),
        cmocka_unit_test(test_unlabeled_lines_are_fine_when_labels_are_optional),
        cmocka_unit_test(test_crlf_endings_and_a_bom_are_dropped),
        cmocka_unit_test(test_a_last_line_without_newline_is_read),
        cmocka_unit_test(test_a_five_megabyte_line_is_one_record),
        cmocka_unit_test(test_a_nul_byte_inside_the_text_is_kept),
        cmocka_unit_test(test_a_fasttext_line_without_a_label_is_an_error_naming_file_and_line),
        cmocka_unit_test(test_a_custom_prefix_is_named_in_the_no_label_message),
        cmocka_unit_test(test_auto_with_an_unlabeled_first_line_is_an_error),
        cmocka_unit_test(test_a_label_without_text_is_an_error),
        cmocka_unit_test(test_an_empty_label_name_is_an_error),
        cmocka_unit_test(test_a_nul_byte_inside_a_label_is_an_error),
        cmocka_unit_test(test_a_tsv_line_without_a_tab_is_an_error),
        cmocka_unit_test(test_a_tsv_line_with_an_empty_label_is_an_error),
        cmocka_unit_test(test_a_bad_weight_is_an_error),
        cmocka_unit_test(test_skip_bad_counts_skipped_lines_and_logs_only_the_first_five),
        cmocka_unit_test(test_skip_bad_lets_auto_detection_pass_over_an_unlabeled_first_line),
        cmocka_unit_test(test_the_reader_goes_on_after_a_format_error),
        cmocka_unit_test(test_dash_reads_standard_input_and_names_it_in_errors),
    };
    return cmocka_run_group_tests(tests, make_dir, remove_dir);
}
