/* test_mining.c - selection, ceiling, dedupe, shards + merge, cache, early stop
 *
 * The scorer is a fake: a line's score is the number it starts with, so
 * each fixture states its own scores.
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

#include "mining/mining.h"
#include "src/base/rng.h"

static hn_status fake_score(void *self, int tid, const char *text, size_t len, float *out, hn_err *err)
{
    (void)self;
    (void)tid;
    (void)len;
    (void)err;
    *out = strtof(text, NULL);
    return HN_OK;
}

static const hn_scorer fake = {NULL, fake_score};

static char *write_pool(const char *content)
{
    static char path[64];
    FILE *f;
    int fd;
    strcpy(path, "/tmp/hn_pool_XXXXXX");
    fd = mkstemp(path);
    assert_true(fd >= 0);
    f = fdopen(fd, "w");
    fputs(content, f);
    fclose(f);
    return strdup(path);
}

static void test_topk_keeps_the_best_and_breaks_ties_by_text(void **state)
{
    hn_topk t;
    (void)state;
    assert_int_equal(hn_topk_init(&t, 3), HN_OK);
    hn_topk_push(&t, 0.5f, 1, "e", 1);
    hn_topk_push(&t, 0.9f, 2, "a", 1);
    hn_topk_push(&t, 0.7f, 3, "c", 1);
    hn_topk_push(&t, 0.7f, 4, "b", 1);
    hn_topk_push(&t, 0.1f, 5, "z", 1);
    hn_topk_sort(&t);
    assert_int_equal(t.n, 3);
    assert_string_equal(t.h[0].text, "a");
    assert_string_equal(t.h[1].text, "b");
    assert_string_equal(t.h[2].text, "c");
    hn_topk_free(&t);
}

/* Random pushes with many repeated hashes against a brute force: the best
 * copy of each hash, then the top k of those (what the position map must
 * keep right through evictions and moves). */
static void test_topk_matches_a_brute_force_under_random_duplicates(void **state)
{
    enum { PUSHES = 20000, HASHES = 300, K = 50 };
    static float best[HASHES];
    static char seen[HASHES];
    uint64_t rng = 7;
    int round;
    (void)state;
    for (round = 0; round < 20; round++) {
        hn_topk t;
        int i, j, kept;
        memset(seen, 0, sizeof seen);
        assert_int_equal(hn_topk_init(&t, K), HN_OK);
        for (i = 0; i < PUSHES; i++) {
            uint64_t h = hn_rng_below(&rng, HASHES);
            float sc = (float)hn_rng_below(&rng, 1000) / 1000.0f;
            char txt[16];
            snprintf(txt, sizeof txt, "t%03d", (int)h); /* one text per hash: ties break the same way */
            assert_int_equal(hn_topk_push(&t, sc, h * 0x10001ull, txt, strlen(txt)), HN_OK);
            if (!seen[h] || sc > best[h]) best[h] = sc;
            seen[h] = 1;
        }
        hn_topk_sort(&t);
        /* brute force: every hash's best, sorted by (score desc, text asc) */
        kept = 0;
        for (i = 0; i < t.n; i++) {
            int hh = atoi(t.h[i].text + 1);
            int better = 0;
            assert_true(seen[hh]);
            assert_true(t.h[i].score == best[hh]);
            for (j = 0; j < HASHES; j++) /* hashes that should rank above this one */
                if (seen[j] && (best[j] > best[hh] || (best[j] == best[hh] && j < hh))) better++;
            assert_int_equal(better, i);
            kept++;
        }
        assert_int_equal(kept, K);
        hn_topk_free(&t);
    }
}

static void test_topk_keeps_only_the_best_of_exact_duplicates(void **state)
{
    hn_topk t;
    (void)state;
    assert_int_equal(hn_topk_init(&t, 5), HN_OK);
    hn_topk_push(&t, 0.6f, hn_text_hash("Free Money", 10), "Free Money", 10);
    hn_topk_push(&t, 0.8f, hn_text_hash("free  money", 11), "free  money", 11);
    hn_topk_push(&t, 0.7f, hn_text_hash("FREE money", 10), "FREE money", 10);
    hn_topk_sort(&t);
    assert_int_equal(t.n, 1);
    assert_string_equal(t.h[0].text, "free  money");
    hn_topk_free(&t);
}

static void test_text_hash_folds_case_and_white_space(void **state)
{
    (void)state;
    assert_true(hn_text_hash("  Hello\tWORLD ", 14) == hn_text_hash("hello world", 11));
    assert_true(hn_text_hash("hello world", 11) != hn_text_hash("helloworld", 10));
}

static void test_simhash_is_close_for_near_duplicates_and_far_otherwise(void **state)
{
    const char *a = "the quick brown fox jumps over the lazy dog near the river bank today";
    const char *b = "the quick brown fox jumps over the lazy dog near the river bank today!";
    const char *c = "completely different words about stock markets and interest rates rising";
    (void)state;
    assert_true(__builtin_popcountll(hn_simhash(a, strlen(a)) ^ hn_simhash(b, strlen(b))) <= 8);
    assert_true(__builtin_popcountll(hn_simhash(a, strlen(a)) ^ hn_simhash(c, strlen(c))) > 10);
}

static void test_selection_respects_the_ceiling_and_the_misclassified_rule(void **state)
{
    char *p = write_pool("0.99 probably a mislabeled positive\n0.80 wrong one\n0.55 wrong two\n0.45 nearly wrong\n"
                         "0.20 easy one\n0.60 wrong three\n");
    const char *paths[1] = {p};
    hn_select_opts o;
    hn_topk sel;
    hn_pool_stats st;
    hn_err err;
    (void)state;
    hn_select_opts_default(&o);
    o.max_score = 0.95;
    o.per_round = 10;
    o.near_bits = -1;
    assert_int_equal(hn_mine_select(paths, 1, &fake, &o, NULL, NULL, 0, &sel, &st, NULL, &err), HN_OK);
    assert_int_equal(st.scored, 6);
    assert_int_equal(st.misclassified, 4);
    assert_int_equal(st.above_ceiling, 1);
    assert_int_equal(sel.n, 3);
    assert_string_equal(sel.h[0].text, "0.80 wrong one");
    assert_string_equal(sel.h[2].text, "0.55 wrong two");
    hn_topk_free(&sel);
    /* a margin admits the nearly wrong */
    o.margin = 0.1;
    assert_int_equal(hn_mine_select(paths, 1, &fake, &o, NULL, NULL, 0, &sel, &st, NULL, &err), HN_OK);
    assert_int_equal(sel.n, 4);
    hn_topk_free(&sel);
    /* top-loss ignores the threshold; per_round bounds the selection */
    o.mode = HN_SELECT_TOP_LOSS;
    o.per_round = 2;
    assert_int_equal(hn_mine_select(paths, 1, &fake, &o, NULL, NULL, 0, &sel, &st, NULL, &err), HN_OK);
    assert_int_equal(sel.n, 2);
    assert_string_equal(sel.h[1].text, "0.60 wrong three");
    hn_topk_free(&sel);
    unlink(p);
    free(p);
}

static void test_selection_skips_lines_already_known_and_near_duplicates(void **state)
{
    char *p = write_pool("0.9 buy cheap watches online today at the best price\n"
                         "0.9 buy cheap watches online today at the best price!\n"
                         "0.7 the cache already has this line\n"
                         "0.6 a positive example copied into the pool\n"
                         "0.65 an unrelated sentence about gardening and roses in spring\n");
    const char *paths[1] = {p};
    hn_select_opts o;
    hn_topk sel;
    hn_pool_stats st;
    hn_hashset seen;
    hn_err err;
    uint64_t near[1];
    const char *pos = "0.6 a positive example copied into the pool";
    (void)state;
    hn_hashset_init(&seen);
    assert_int_equal(hn_hashset_add(&seen, hn_text_hash("0.7 the cache already has this line", 35)), HN_OK);
    near[0] = hn_simhash(pos, strlen(pos));
    hn_select_opts_default(&o);
    o.threshold = 0.5;
    assert_int_equal(hn_mine_select(paths, 1, &fake, &o, &seen, near, 1, &sel, &st, NULL, &err), HN_OK);
    assert_int_equal(st.dup_exact, 1);
    assert_int_equal(st.dup_near, 2); /* "!" variant and the positive */
    assert_int_equal(sel.n, 2);
    assert_string_equal(sel.h[0].text, "0.9 buy cheap watches online today at the best price");
    assert_string_equal(sel.h[1].text, "0.65 an unrelated sentence about gardening and roses in spring");
    hn_topk_free(&sel);
    hn_hashset_free(&seen);
    unlink(p);
    free(p);
}

static void test_score_over_four_shards_and_merge_equals_score_over_the_whole_pool(void **state)
{
    uint64_t rng = 42;
    char *whole_path, *shard_path[4], *cand_path[4];
    FILE *whole, *shard[4];
    hn_select_opts o;
    hn_topk all, merged;
    hn_pool_stats st;
    hn_err err;
    int i, s;
    char buf[128];
    const char *wp[1];
    (void)state;
    whole_path = write_pool("");
    whole = fopen(whole_path, "w");
    for (s = 0; s < 4; s++) {
        shard_path[s] = write_pool("");
        shard[s] = fopen(shard_path[s], "w");
    }
    for (i = 0; i < 4000; i++) {
        /* coarse scores: many ties; repeated texts: exact duplicates across shards */
        int n = snprintf(buf, sizeof buf, "%.2f line %d\n", (double)hn_rng_below(&rng, 100) / 100.0,
                         (int)hn_rng_below(&rng, 2500));
        fwrite(buf, 1, (size_t)n, whole);
        fwrite(buf, 1, (size_t)n, shard[hn_rng_below(&rng, 4)]);
    }
    fclose(whole);
    hn_select_opts_default(&o);
    o.mode = HN_SELECT_TOP_LOSS;
    o.per_round = 300;
    o.near_bits = -1;
    o.max_score = 0.97;
    wp[0] = whole_path;
    assert_int_equal(hn_mine_select(wp, 1, &fake, &o, NULL, NULL, 0, &all, &st, NULL, &err), HN_OK);
    for (s = 0; s < 4; s++) {
        hn_topk one;
        const char *sp[1] = {shard_path[s]};
        FILE *out;
        fclose(shard[s]);
        assert_int_equal(hn_mine_select(sp, 1, &fake, &o, NULL, NULL, 0, &one, &st, NULL, &err), HN_OK);
        cand_path[s] = write_pool("");
        out = fopen(cand_path[s], "w");
        assert_int_equal(hn_cands_write(out, &one), HN_OK);
        fclose(out);
        hn_topk_free(&one);
    }
    assert_int_equal(hn_merge_shards((const char *const *)cand_path, 4, o.per_round, &merged, &err), HN_OK);
    assert_int_equal(merged.n, all.n);
    for (i = 0; i < all.n; i++) {
        assert_true(merged.h[i].score == all.h[i].score);
        assert_string_equal(merged.h[i].text, all.h[i].text);
    }
    hn_topk_free(&all);
    hn_topk_free(&merged);
    unlink(whole_path);
    free(whole_path);
    for (s = 0; s < 4; s++) {
        unlink(shard_path[s]);
        unlink(cand_path[s]);
        free(shard_path[s]);
        free(cand_path[s]);
    }
}

static void test_scoring_threads_select_the_same_lines_as_one_thread(void **state)
{
    uint64_t rng = 7;
    char *p = write_pool("");
    FILE *f = fopen(p, "w");
    const char *paths[1] = {p};
    hn_select_opts o;
    hn_topk a, b;
    hn_pool_stats st;
    hn_err err;
    int i;
    (void)state;
    for (i = 0; i < 20000; i++) fprintf(f, "%.4f item %d\n", hn_rng_uniform(&rng), i);
    fclose(f);
    hn_select_opts_default(&o);
    o.per_round = 100;
    assert_int_equal(hn_mine_select(paths, 1, &fake, &o, NULL, NULL, 0, &a, &st, NULL, &err), HN_OK);
    o.threads = 2;
    assert_int_equal(hn_mine_select(paths, 1, &fake, &o, NULL, NULL, 0, &b, &st, NULL, &err), HN_OK);
    assert_int_equal(a.n, b.n);
    for (i = 0; i < a.n; i++) assert_string_equal(a.h[i].text, b.h[i].text);
    hn_topk_free(&a);
    hn_topk_free(&b);
    unlink(p);
    free(p);
}

static void test_cache_drops_easy_entries_then_the_lowest_over_its_limit(void **state)
{
    hn_cache c;
    hn_topk sel;
    int64_t dropped;
    hn_err err;
    (void)state;
    hn_cache_init(&c, 2);
    assert_int_equal(hn_topk_init(&sel, 10), HN_OK);
    /* the fake rescoring reads the number again: 0.01 is easy now */
    hn_topk_push(&sel, 0.9f, 1, "0.9 a", 5);
    hn_topk_push(&sel, 0.8f, 2, "0.01 b", 6);
    hn_topk_push(&sel, 0.7f, 3, "0.7 c", 5);
    hn_topk_push(&sel, 0.6f, 4, "0.6 d", 5);
    hn_topk_sort(&sel);
    assert_int_equal(hn_cache_add(&c, &sel, 1), HN_OK);
    assert_int_equal(c.n, 4);
    assert_int_equal(hn_cache_shrink(&c, &fake, 0.05, &dropped, &err), HN_OK);
    assert_int_equal(dropped, 2);
    assert_int_equal(c.n, 2);
    assert_string_equal(c.e[0].text, "0.9 a");
    assert_string_equal(c.e[1].text, "0.7 c");
    hn_topk_free(&sel);
    hn_cache_free(&c);
}

static void test_early_stopping_waits_for_patience_rounds_without_improvement(void **state)
{
    hn_early_stop e;
    int stop;
    (void)state;
    hn_early_stop_init(&e, 2);
    assert_int_equal(hn_early_stop_update(&e, 0, 0.80, &stop), 1);
    assert_int_equal(stop, 0);
    assert_int_equal(hn_early_stop_update(&e, 1, 0.85, &stop), 1);
    assert_int_equal(hn_early_stop_update(&e, 2, 0.84, &stop), 0);
    assert_int_equal(stop, 0);
    assert_int_equal(hn_early_stop_update(&e, 3, 0.85, &stop), 0); /* equal is not better */
    assert_int_equal(stop, 1);
    assert_int_equal(e.best_round, 1);
}

static void test_merge_rejects_a_malformed_shard_line_with_file_and_line(void **state)
{
    char *p = write_pool("0.5\tok\nnot a score line\n");
    const char *paths[1] = {p};
    hn_topk t;
    hn_err err;
    char want[128];
    (void)state;
    assert_int_equal(hn_merge_shards(paths, 1, 10, &t, &err), HN_ERR_FORMAT);
    snprintf(want, sizeof want, "%s:2:", p);
    assert_non_null(strstr(err.msg, want));
    unlink(p);
    free(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_topk_keeps_the_best_and_breaks_ties_by_text),
        cmocka_unit_test(test_topk_keeps_only_the_best_of_exact_duplicates),
        cmocka_unit_test(test_topk_matches_a_brute_force_under_random_duplicates),
        cmocka_unit_test(test_text_hash_folds_case_and_white_space),
        cmocka_unit_test(test_simhash_is_close_for_near_duplicates_and_far_otherwise),
        cmocka_unit_test(test_selection_respects_the_ceiling_and_the_misclassified_rule),
        cmocka_unit_test(test_selection_skips_lines_already_known_and_near_duplicates),
        cmocka_unit_test(test_score_over_four_shards_and_merge_equals_score_over_the_whole_pool),
        cmocka_unit_test(test_scoring_threads_select_the_same_lines_as_one_thread),
        cmocka_unit_test(test_cache_drops_easy_entries_then_the_lowest_over_its_limit),
        cmocka_unit_test(test_early_stopping_waits_for_patience_rounds_without_improvement),
        cmocka_unit_test(test_merge_rejects_a_malformed_shard_line_with_file_and_line),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
