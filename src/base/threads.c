/* threads.c - the worker pool (see threads.h)
 *
 * One mutex guards the job: its function, the next task to hand out and
 * the number still running. A job is announced by bumping `gen` and
 * broadcasting `work`; the thread that finishes the last task signals
 * `done`. Tasks are coarse (a slice of a batch), so one lock per task
 * costs nothing measurable.
 */
#include "src/base/threads.h"

#include <pthread.h>
#include <stdlib.h>

struct hn_pool {
    int32_t threads;          /* caller + started workers */
    pthread_t *th;
    int32_t started;
    pthread_mutex_t mu;
    pthread_cond_t work, done;
    uint64_t gen;             /* job number, bumped for each hn_pool_run */
    int quit;
    hn_task_fn fn;
    void *arg;
    int32_t next, ntasks, running;
};

/* Take and run tasks of the current job until none is left. Called with
 * the lock held; returns with it held. */
static void drain(hn_pool *p)
{
    while (p->next < p->ntasks) {
        int32_t t = p->next++;
        hn_task_fn fn = p->fn;
        void *arg = p->arg;
        p->running++;
        pthread_mutex_unlock(&p->mu);
        fn(arg, t);
        pthread_mutex_lock(&p->mu);
        if (--p->running == 0 && p->next >= p->ntasks) pthread_cond_broadcast(&p->done);
    }
}

static void *worker(void *arg)
{
    hn_pool *p = arg;
    uint64_t seen = 0;
    pthread_mutex_lock(&p->mu);
    for (;;) {
        while (!p->quit && p->gen == seen) pthread_cond_wait(&p->work, &p->mu);
        if (p->quit) break;
        seen = p->gen;
        drain(p);
    }
    pthread_mutex_unlock(&p->mu);
    return NULL;
}

hn_status hn_pool_create(int32_t threads, hn_pool **out)
{
    hn_pool *p;
    int32_t i;
    *out = NULL;
    if (threads < 1) return HN_ERR_ARG;
    if (!(p = calloc(1, sizeof *p))) return HN_ERR_NOMEM;
    p->threads = 1;
    if (threads > 1 && !(p->th = calloc((size_t)threads - 1, sizeof *p->th))) {
        free(p);
        return HN_ERR_NOMEM;
    }
    pthread_mutex_init(&p->mu, NULL);
    pthread_cond_init(&p->work, NULL);
    pthread_cond_init(&p->done, NULL);
    for (i = 0; i < threads - 1; i++) {
        if (pthread_create(&p->th[i], NULL, worker, p) != 0) break; /* keep the ones we have */
        p->started++;
    }
    p->threads = 1 + p->started;
    *out = p;
    return HN_OK;
}

void hn_pool_run(hn_pool *p, int32_t ntasks, hn_task_fn fn, void *arg)
{
    int32_t t;
    if (ntasks <= 0) return;
    if (!p || p->started == 0 || ntasks == 1) {
        for (t = 0; t < ntasks; t++) fn(arg, t);
        return;
    }
    pthread_mutex_lock(&p->mu);
    p->fn = fn;
    p->arg = arg;
    p->next = 0;
    p->ntasks = ntasks;
    p->running = 0;
    p->gen++;
    pthread_cond_broadcast(&p->work);
    drain(p);
    while (p->running > 0 || p->next < p->ntasks) pthread_cond_wait(&p->done, &p->mu);
    p->fn = NULL;
    p->arg = NULL;
    pthread_mutex_unlock(&p->mu);
}

int32_t hn_pool_threads(const hn_pool *p)
{
    return p ? p->threads : 1;
}

void hn_pool_free(hn_pool *p)
{
    int32_t i;
    if (!p) return;
    pthread_mutex_lock(&p->mu);
    p->quit = 1;
    pthread_cond_broadcast(&p->work);
    pthread_mutex_unlock(&p->mu);
    for (i = 0; i < p->started; i++) pthread_join(p->th[i], NULL);
    pthread_cond_destroy(&p->work);
    pthread_cond_destroy(&p->done);
    pthread_mutex_destroy(&p->mu);
    free(p->th);
    free(p);
}
