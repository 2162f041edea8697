/* scorer.h - the adapter from a classifier to mining/'s hn_scorer (src/core)
 *
 * score(line) = 1 - p(negative label): the model's belief that a pool line
 * is not the negative class, which for a negative is its loss ordering.
 */
#ifndef HN_SCORER_H
#define HN_SCORER_H

#include "mining/mining.h"
#include "src/core/classifier.h"

typedef struct hn_clf_scorer hn_clf_scorer;

/* Scorer over `cl` (borrowed, must outlive it) for `threads` threads.
 * `negative` is the class id of the negative label. */
hn_status hn_clf_scorer_create(const hn_classifier *cl, int32_t negative, int threads, hn_clf_scorer **out,
                               hn_scorer *iface, hn_err *err);
/* Point the scorer at another classifier of the same labels (mining swaps models). */
void hn_clf_scorer_set(hn_clf_scorer *s, const hn_classifier *cl);
void hn_clf_scorer_free(hn_clf_scorer *s);

#endif
