/* engines.h - score a mining round's pool shards outside this process
 * (`mine --pool-shards GLOB --score-with ENGINE`)
 *
 * src/cli. Each round: the round's model, the hashes of the lines not to
 * mine again (training lines, earlier picks) and those judged positive
 * are written to a work folder; one `hardneg score` command a shard goes
 * into a commands file; an engine script of mining/engines/ runs them
 * (GNU parallel, a Slurm job array) or a template of the user's does;
 * then the shards' candidates are merged here. Each shard keeps its K best
 * after the same filters the local selection applies, so the merged K are
 * the K a local run selects, and the round goes on identically.
 */
#ifndef HN_CLI_ENGINES_H
#define HN_CLI_ENGINES_H

#include <stdint.h>

#include "corpora/corpora.h"
#include "src/core/mine.h"

typedef struct hn_engine {
    const char *name;          /* parallel, slurm, or a template holding {cmd} */
    const char *const *shards; /* borrowed */
    int nshards;
    int32_t jobs;              /* parallel: jobs at once */
    const char *sshloginfile;  /* parallel: hosts (GNU parallel's --sshloginfile), or NULL */
    char work[4096];           /* the work folder */
    int own_work;              /* made here: removed at the end */
    char self[4096];           /* this program */
    char scripts[4096];        /* the folder of the engine scripts */
    hn_reader_opts pool_ro;    /* how shards are read */
    int32_t score_threads;     /* --threads of each score command */
} hn_engine;

/* Check the engine's name and tools, find this program and the scripts,
 * make the work folder (work_dir, or a new one under $TMPDIR). Returns an
 * exit code (messages printed). */
int hn_engine_init(hn_engine *e, const char *name, const char *work_dir);

/* hn_mine_opts.score_pool for an hn_engine (user). */
hn_status hn_engine_score_pool(void *user, const hn_classifier *cl, int32_t negative, int32_t round,
                               const hn_hashset *known, const hn_hashset *exclude, const hn_select_opts *so,
                               hn_topk *out, hn_pool_stats *ps, hn_err *err);

/* Remove the work folder if it was made here. */
void hn_engine_done(hn_engine *e);

#endif /* HN_CLI_ENGINES_H */
