/* test_plumbing.c - status strings, errors, arena, line reader, PRNG */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "src/base/arena.h"
#include "src/base/lines.h"
#include "src/base/log.h"
#include "src/base/rng.h"
#include "src/base/status.h"

static void test_every_status_has_a_message(void **state)
{
    int s;
    (void)state;
    for (s = 0; s < HN_STATUS_COUNT; s++) {
        assert_non_null(hn_status_str((hn_status)s));
        assert_true(strlen(hn_status_str((hn_status)s)) > 0);
    }
    assert_string_equal(hn_status_str((hn_status)999), "unknown status");
}

static void test_err_set_formats_and_returns_the_code(void **state)
{
    hn_err e;
    (void)state;
    assert_int_equal(hn_err_set(&e, HN_ERR_FORMAT, "%s:%d: bad", "x.txt", 12), HN_ERR_FORMAT);
    assert_string_equal(e.msg, "x.txt:12: bad");
    assert_int_equal(e.code, HN_ERR_FORMAT);
    assert_int_equal(hn_err_set(NULL, HN_ERR_IO, "ignored"), HN_ERR_IO);
    hn_err_clear(&e);
    assert_int_equal(e.code, HN_OK);
}

static void test_arena_allocations_are_aligned_and_reset_reuses_memory(void **state)
{
    hn_arena a;
    void *p, *q;
    int i;
    (void)state;
    hn_arena_init(&a, 64);
    for (i = 0; i < 100; i++) {
        p = hn_arena_alloc(&a, (size_t)i + 1);
        assert_non_null(p);
        assert_int_equal((uintptr_t)p % 16, 0);
        memset(p, 0xAB, (size_t)i + 1);
    }
    hn_arena_reset(&a);
    p = hn_arena_alloc(&a, 10);
    hn_arena_reset(&a);
    q = hn_arena_alloc(&a, 10);
    assert_ptr_equal(p, q);
    hn_arena_release(&a);
}

static void test_arena_grow_extends_the_last_allocation_in_place(void **state)
{
    hn_arena a;
    char *p, *q;
    (void)state;
    hn_arena_init(&a, 1024);
    p = hn_arena_alloc(&a, 16);
    strcpy(p, "hello");
    q = hn_arena_grow(&a, p, 16, 64);
    assert_ptr_equal(p, q);
    q = hn_arena_grow(&a, q, 64, 4096); /* does not fit: copied */
    assert_string_equal(q, "hello");
    hn_arena_release(&a);
}

static void test_arena_past_its_limit_returns_null_and_the_size_needed(void **state)
{
    hn_arena a;
    (void)state;
    hn_arena_init(&a, 64);
    a.limit = 1024;
    assert_non_null(hn_arena_alloc(&a, 512));
    assert_null(hn_arena_alloc(&a, 4096));
    assert_int_equal(hn_arena_need(&a), 4096);
    hn_arena_release(&a);
}

static char *write_tmp(const void *data, size_t n)
{
    static char path[64];
    FILE *f;
    int fd;
    strcpy(path, "/tmp/hn_lines_XXXXXX");
    fd = mkstemp(path);
    assert_true(fd >= 0);
    f = fdopen(fd, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, n, f), n);
    fclose(f);
    return path;
}

static void test_line_reader_strips_crlf_and_bom_and_keeps_a_last_line_without_newline(void **state)
{
    const char data[] = "\xEF\xBB\xBFone\r\ntwo\n\nthree";
    char *path = write_tmp(data, sizeof data - 1);
    hn_lines r;
    char *line;
    size_t len;
    hn_err err;
    (void)state;
    assert_int_equal(hn_lines_open(&r, path, &err), HN_OK);
    assert_int_equal(hn_lines_next(&r, &line, &len, &err), HN_OK);
    assert_string_equal(line, "one");
    assert_int_equal(hn_lines_next(&r, &line, &len, &err), HN_OK);
    assert_string_equal(line, "two");
    assert_int_equal(hn_lines_next(&r, &line, &len, &err), HN_OK);
    assert_int_equal(len, 0);
    assert_int_equal(hn_lines_next(&r, &line, &len, &err), HN_OK);
    assert_string_equal(line, "three");
    assert_int_equal(r.lineno, 4);
    assert_int_equal(hn_lines_next(&r, &line, &len, &err), HN_OK);
    assert_null(line);
    hn_lines_close(&r);
    hn_lines_close(&r); /* twice is safe */
    unlink(path);
}

static void test_line_reader_handles_long_lines_and_nul_bytes(void **state)
{
    size_t n = 5u << 20;
    char *data = malloc(n + 8), *line, *path;
    size_t len;
    hn_lines r;
    hn_err err;
    (void)state;
    memset(data, 'x', n);
    data[10] = '\0';
    memcpy(data + n, "\nend\n", 5);
    path = write_tmp(data, n + 5);
    assert_int_equal(hn_lines_open(&r, path, &err), HN_OK);
    assert_int_equal(hn_lines_next(&r, &line, &len, &err), HN_OK);
    assert_int_equal(len, n);
    assert_int_equal(line[10], '\0');
    assert_int_equal(line[11], 'x');
    assert_int_equal(hn_lines_next(&r, &line, &len, &err), HN_OK);
    assert_string_equal(line, "end");
    hn_lines_close(&r);
    unlink(path);
    free(data);
}

static void test_line_reader_names_a_missing_file(void **state)
{
    hn_lines r;
    hn_err err;
    (void)state;
    assert_int_equal(hn_lines_open(&r, "/nonexistent/x.txt", &err), HN_ERR_IO);
    assert_non_null(strstr(err.msg, "/nonexistent/x.txt: No such file"));
}

static void test_rng_is_deterministic_and_uniform_enough(void **state)
{
    uint64_t a = 7, b = 7, c = 8;
    int i, hist[10] = {0};
    (void)state;
    for (i = 0; i < 1000; i++) assert_true(hn_rng_next(&a) == hn_rng_next(&b));
    assert_true(hn_rng_next(&a) != hn_rng_next(&c));
    for (i = 0; i < 100000; i++) {
        double u = hn_rng_uniform(&a);
        assert_true(u >= 0 && u < 1);
        hist[hn_rng_below(&a, 10)]++;
    }
    for (i = 0; i < 10; i++) assert_true(hist[i] > 9000 && hist[i] < 11000);
}

static int log_calls;
static char log_last[256];
static void capture(hn_log_level level, const char *msg, void *user)
{
    (void)level;
    (void)user;
    log_calls++;
    snprintf(log_last, sizeof log_last, "%s", msg);
}

static void test_log_hook_receives_messages_and_can_be_silenced(void **state)
{
    (void)state;
    hn_log_set(capture, NULL);
    hn_log(HN_LOG_INFO, "hello %d", 42);
    assert_int_equal(log_calls, 1);
    assert_string_equal(log_last, "hello 42");
    hn_log_set(NULL, NULL);
    hn_log(HN_LOG_INFO, "dropped");
    assert_int_equal(log_calls, 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_status_has_a_message),
        cmocka_unit_test(test_err_set_formats_and_returns_the_code),
        cmocka_unit_test(test_arena_allocations_are_aligned_and_reset_reuses_memory),
        cmocka_unit_test(test_arena_grow_extends_the_last_allocation_in_place),
        cmocka_unit_test(test_arena_past_its_limit_returns_null_and_the_size_needed),
        cmocka_unit_test(test_line_reader_strips_crlf_and_bom_and_keeps_a_last_line_without_newline),
        cmocka_unit_test(test_line_reader_handles_long_lines_and_nul_bytes),
        cmocka_unit_test(test_line_reader_names_a_missing_file),
        cmocka_unit_test(test_rng_is_deterministic_and_uniform_enough),
        cmocka_unit_test(test_log_hook_receives_messages_and_can_be_silenced),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
