/* classify.c - label lines of text with a hardneg model, using only the
 * installed library: the example at the top of <hardneg.h> as a program
 *
 *     cc classify.c $(pkg-config --cflags --libs hardneg) -o classify
 *     ./classify spam.hn "win a free prize now" "lunch at noon?"
 *
 * Prints "label<TAB>probability" for each text argument (or each line of
 * standard input when there is none). Outside the library: it sees the
 * public header only, as any program of a user would.
 */
#define _POSIX_C_SOURCE 200809L
#include <hardneg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int classify(const hn_classifier *c, hn_tok_ctx *ctx, hn_arena *a, const char *text, float *p)
{
    hn_err err;
    int32_t k;
    if (hn_classifier_probs(c, ctx, a, text, strlen(text), p, &err) != HN_OK) {
        fprintf(stderr, "classify: %s\n", err.msg);
        return 1;
    }
    k = hn_classifier_decide(c, p);
    printf("%s\t%g\n", c->labels[k], (double)p[k]);
    return 0;
}

int main(int argc, char **argv)
{
    hn_classifier *c = NULL;
    hn_tok_ctx *ctx = NULL;
    hn_arena a;
    hn_err err;
    float *p;
    int i, rc = 0;
    if (argc < 2) {
        fprintf(stderr, "usage: classify MODEL [TEXT...]\n");
        return 2;
    }
    if (hn_classifier_load(argv[1], &c, &err) != HN_OK || hn_tok_ctx_create(c->tok, &ctx, &err) != HN_OK) {
        fprintf(stderr, "classify: %s\n", err.msg);
        hn_classifier_free(c);
        return 1;
    }
    hn_arena_init(&a, 1 << 16);
    if (!(p = malloc((size_t)c->nlabels * sizeof *p))) return 1;
    if (argc > 2) {
        for (i = 2; i < argc && rc == 0; i++) rc = classify(c, ctx, &a, argv[i], p);
    } else {
        char *line = NULL;
        size_t cap = 0;
        ssize_t n;
        while (rc == 0 && (n = getline(&line, &cap, stdin)) >= 0) {
            if (n > 0 && line[n - 1] == '\n') line[n - 1] = '\0';
            rc = classify(c, ctx, &a, line, p);
        }
        free(line);
    }
    free(p);
    hn_arena_release(&a);
    hn_tok_ctx_free(ctx);
    hn_classifier_free(c);
    return rc;
}
