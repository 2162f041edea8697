/* threads.c - the worker pool (see threads.h)
 *
 * One mutex guards the job: its function, the next task to hand out and
 * the number not finished yet. A job is announced by bumping `gen` and
 * broadcasting `work`; the thread that finishes the last task signals
 * `done`. Tasks are coarse (a slice of a batch), so one lock per task
 * costs nothing measurable.
 *
 * A job is either the hn_task_fn kind (hn_pool_run) or the hn_work_fn
 * kind (hn_pool_start), which also gets the running thread's index: the
 * caller is 0, worker i is i + 1. hn_pool_run is hn_pool_start +
 * hn_pool_wait for a task function without the thread argument.
 *
 * Waiting spins a little before it sleeps: a worker that finished a job
 * polls `gen` for SPIN_ROUNDS rounds before it waits on `work`, and the
 * caller polls the count of unfinished tasks before it waits on `done`.
 * Deterministic training runs thousands of short jobs a second (one
 * block of examples, then its updates), and a condition-variable wake-up
 * cost more than a job; on an idle pool the workers sleep after the spin
 * and cost nothing. The signals are only sent when someone sleeps.
 *
 * Without workers (T = 1) hn_pool_start only records the job and
 * hn_pool_wait runs its tasks on the caller in order 0, 1, ...; with a
 * NULL pool hn_pool_start runs them at once. `pending` is the caller's
 * own flag (only the thread that starts jobs reads or writes it).
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
    uint64_t gen;             /* job number, bumped for each job (read without the lock while spinning) */
    int32_t unfinished;       /* tasks of the job not finished yet (idem) */
    int32_t sleepers;         /* workers waiting on `work` */
    int caller_sleeps;        /* the caller waits on `done` */
    int quit;
    hn_task_fn fn;            /* the job: one of fn / wfn */
    hn_work_fn wfn;
    void *arg;
    int32_t next, ntasks;
    int pending;              /* a job started and not yet waited for */
};

#define SPIN_ROUNDS 20000 /* about 50-200 microseconds of polling */

static inline void cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#endif
}

/* Take and run tasks of the current job until none is left. Called with
 * the lock held; returns with it held. `self` is the thread's index. */
static void drain(hn_pool *p, int32_t self)
{
    while (p->next < p->ntasks) {
        int32_t t = p->next++;
        hn_task_fn fn = p->fn;
        hn_work_fn wfn = p->wfn;
        void *arg = p->arg;
        pthread_mutex_unlock(&p->mu);
        if (wfn) wfn(arg, t, self);
        else fn(arg, t);
        pthread_mutex_lock(&p->mu);
        __atomic_store_n(&p->unfinished, p->unfinished - 1, __ATOMIC_RELEASE);
        if (p->unfinished == 0 && p->caller_sleeps) pthread_cond_broadcast(&p->done);
    }
}

typedef struct worker_arg {
    hn_pool *p;
    int32_t self;
} worker_arg;

static void *worker(void *arg)
{
    hn_pool *p = ((worker_arg *)arg)->p;
    int32_t self = ((worker_arg *)arg)->self;
    uint64_t seen = 0;
    free(arg);
    pthread_mutex_lock(&p->mu);
    for (;;) {
        if (!p->quit && p->gen == seen) { /* spin a little for the next job, then sleep */
            int k;
            pthread_mutex_unlock(&p->mu);
            for (k = 0; k < SPIN_ROUNDS && __atomic_load_n(&p->gen, __ATOMIC_ACQUIRE) == seen &&
                        !__atomic_load_n(&p->quit, __ATOMIC_ACQUIRE); k++)
                cpu_relax();
            pthread_mutex_lock(&p->mu);
            while (!p->quit && p->gen == seen) {
                p->sleepers++;
                pthread_cond_wait(&p->work, &p->mu);
                p->sleepers--;
            }
        }
        if (p->quit) break;
        seen = p->gen;
        drain(p, self);
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
        worker_arg *wa = malloc(sizeof *wa);
        if (!wa) break;
        wa->p = p;
        wa->self = i + 1;
        if (pthread_create(&p->th[i], NULL, worker, wa) != 0) { /* keep the ones we have */
            free(wa);
            break;
        }
        p->started++;
    }
    p->threads = 1 + p->started;
    *out = p;
    return HN_OK;
}

/* Announce a job of either kind to the workers (they must exist). */
static void announce(hn_pool *p, int32_t ntasks, hn_task_fn fn, hn_work_fn wfn, void *arg)
{
    pthread_mutex_lock(&p->mu);
    p->fn = fn;
    p->wfn = wfn;
    p->arg = arg;
    p->next = 0;
    p->ntasks = ntasks;
    p->unfinished = ntasks;
    __atomic_store_n(&p->gen, p->gen + 1, __ATOMIC_RELEASE);
    if (p->sleepers) pthread_cond_broadcast(&p->work);
    pthread_mutex_unlock(&p->mu);
}

/* The caller's part of the announced job, then the wait for the rest. */
static void join(hn_pool *p)
{
    int k;
    pthread_mutex_lock(&p->mu);
    drain(p, 0);
    if (p->unfinished > 0) { /* spin a little for the workers' last tasks, then sleep */
        pthread_mutex_unlock(&p->mu);
        for (k = 0; k < SPIN_ROUNDS && __atomic_load_n(&p->unfinished, __ATOMIC_ACQUIRE) > 0; k++) cpu_relax();
        pthread_mutex_lock(&p->mu);
    }
    while (p->unfinished > 0) {
        p->caller_sleeps = 1;
        pthread_cond_wait(&p->done, &p->mu);
        p->caller_sleeps = 0;
    }
    p->fn = NULL;
    p->wfn = NULL;
    p->arg = NULL;
    pthread_mutex_unlock(&p->mu);
}

void hn_pool_run(hn_pool *p, int32_t ntasks, hn_task_fn fn, void *arg)
{
    int32_t t;
    if (ntasks <= 0) return;
    if (!p || p->started == 0 || ntasks == 1) {
        for (t = 0; t < ntasks; t++) fn(arg, t);
        return;
    }
    announce(p, ntasks, fn, NULL, arg);
    join(p);
}

void hn_pool_start(hn_pool *p, int32_t ntasks, hn_work_fn fn, void *arg)
{
    int32_t t;
    if (ntasks <= 0) return;
    if (!p) { /* no pool: the job runs now, on the caller */
        for (t = 0; t < ntasks; t++) fn(arg, t, 0);
        return;
    }
    p->pending = 1;
    if (p->started == 0) { /* recorded; hn_pool_wait runs it on the caller */
        p->wfn = fn;
        p->arg = arg;
        p->ntasks = ntasks;
        return;
    }
    announce(p, ntasks, NULL, fn, arg);
}

void hn_pool_wait(hn_pool *p)
{
    int32_t t;
    if (!p || !p->pending) return;
    p->pending = 0;
    if (p->started == 0) {
        for (t = 0; t < p->ntasks; t++) p->wfn(p->arg, t, 0);
        p->wfn = NULL;
        p->arg = NULL;
        p->ntasks = 0;
        return;
    }
    join(p);
}

int32_t hn_pool_threads(const hn_pool *p)
{
    return p ? p->threads : 1;
}

void hn_pool_free(hn_pool *p)
{
    int32_t i;
    if (!p) return;
    hn_pool_wait(p);
    pthread_mutex_lock(&p->mu);
    __atomic_store_n(&p->quit, 1, __ATOMIC_RELEASE);
    pthread_cond_broadcast(&p->work);
    pthread_mutex_unlock(&p->mu);
    for (i = 0; i < p->started; i++) pthread_join(p->th[i], NULL);
    pthread_cond_destroy(&p->work);
    pthread_cond_destroy(&p->done);
    pthread_mutex_destroy(&p->mu);
    free(p->th);
    free(p);
}

void hn_tasks_add_line(int32_t *task_end, int32_t *ntasks, size_t *task_bytes, int32_t n, size_t bytes,
                       size_t max_bytes, int32_t max_lines)
{
    int32_t t = *ntasks;
    if (t == 0 || *task_bytes >= max_bytes || task_end[t - 1] - (t > 1 ? task_end[t - 2] : 0) >= max_lines) {
        *ntasks = ++t;
        *task_bytes = 0;
    }
    task_end[t - 1] = n;
    *task_bytes += bytes;
}
