#!/bin/sh
# mkheader.sh HEADER... - write hardneg.h, the library's one public header,
# to stdout: the preamble below, then each public folder header in the
# order given (src/sources.mk's PUBLIC_HEADERS) without its project
# #include lines, so the result stands alone with only system headers.
set -eu
cat <<'TOP'
/* hardneg.h - text classification for imbalanced tasks, with hard-negative
 * mining: the public API of libhardneg (static and shared)
 *
 * Build against it with  cc prog.c $(pkg-config --cflags --libs hardneg)
 *
 * Classify a line of text with a model trained by `hardneg train`:
 *
 *     #include <hardneg.h>
 *     hn_classifier *c; hn_tok_ctx *ctx; hn_arena a; hn_err err;
 *     float p[1024];                                  // >= c->nlabels
 *     if (hn_classifier_load("spam.hn", &c, &err) != HN_OK) { puts(err.msg); return 1; }
 *     if (hn_tok_ctx_create(c->tok, &ctx, &err) != HN_OK) { puts(err.msg); return 1; }
 *     hn_arena_init(&a, 1 << 16);
 *     if (hn_classifier_probs(c, ctx, &a, text, strlen(text), p, &err) == HN_OK) {
 *         int32_t k = hn_classifier_decide(c, p);     // threshold / reject label applied
 *         printf("%s\t%g\n", c->labels[k], p[k]);
 *     }
 *     hn_arena_release(&a);
 *     hn_tok_ctx_free(ctx);
 *     hn_classifier_free(c);
 *
 * (src/examples/classify.c in the source tree is this example as a whole
 * program.) Training is hn_fit_files (fit.h part below), mining hn_mine_run
 * (mine.h part), evaluation the metrics.h part. Conventions throughout:
 * fallible calls return hn_status and fill an optional hn_err with one
 * line; create/free pairs, free(NULL) a no-op; the library never prints
 * (hn_log_set installs a log hook) and never exits.
 *
 * This file is generated from the folder headers of the source tree; each
 * part below keeps its own documentation.
 */
#ifndef HARDNEG_H
#define HARDNEG_H

#ifdef __cplusplus
extern "C" {
#endif
TOP
for h in "$@"; do
    printf '\n/* ======== %s ======== */\n' "$h"
    grep -v '^[[:space:]]*#[[:space:]]*include[[:space:]]*"' "$h"
done
cat <<'BOTTOM'

#ifdef __cplusplus
}
#endif

#endif /* HARDNEG_H */
BOTTOM
