/* threads.h - one worker pool: run a job split into tasks on N threads
 *
 * src/base: libc and pthread only. The one place the library starts
 * threads; training (Hogwild slices, deterministic phases), predict (slices
 * of a batch of lines) and pool scoring (slices of a batch of pool lines)
 * all use it.
 *
 *     hn_pool *p;
 *     if (hn_pool_create(threads, &p) != HN_OK) ...;
 *     for each batch:
 *         hn_pool_run(p, ntasks, score_slice, &batch);  // blocks until done
 *     hn_pool_free(p);
 *
 * A pool of T threads is the calling thread plus T - 1 workers, started
 * once and parked on a condition variable between jobs. hn_pool_run hands
 * the tasks 0..ntasks-1 to whichever thread is free (the caller takes part)
 * and returns when every task has finished; each task runs exactly once.
 * With T = 1 (or a NULL pool) the tasks run on the caller in order 0, 1,
 * ..., so a single-threaded run is deterministic. A task knows its index,
 * not the thread that runs it: keep per-task scratch indexed by task, or
 * use the hn_work_fn form, which also gets the running thread's index.
 *
 * Pipelines: hn_pool_start hands a job to the workers and returns at once,
 * so the caller can read the next batch (or write the last one) while the
 * workers score this one; hn_pool_wait then joins in on the tasks left and
 * returns when all are done:
 *
 *     read batch 0; hn_pool_start(p, n0, score, &b0);
 *     loop: read batch k+1 (workers busy on k); hn_pool_wait(p);
 *           hn_pool_start(p, n, score, &b[k+1]); write batch k
 *
 * With T = 1 hn_pool_start only records the job and hn_pool_wait runs it
 * in order on the caller, exactly as hn_pool_run does. hn_pool_free waits
 * for a started job first.
 *
 * If some workers cannot be started the pool keeps the ones it has (at
 * least the caller): jobs still run, only slower. Not reentrant: one job
 * at a time per pool (hn_pool_start, then hn_pool_wait before the next),
 * and a task must not start a job on its own pool.
 */
#ifndef HN_THREADS_H
#define HN_THREADS_H

#include <stddef.h>
#include <stdint.h>

#include "src/base/status.h"

typedef struct hn_pool hn_pool;

/* Task `task` of a job; `arg` is hn_pool_run's. */
typedef void (*hn_task_fn)(void *arg, int32_t task);

/* Task `task` of a job run by thread `thread` (0 = the caller, 1 .. T - 1
 * the workers): scratch indexed by thread is never used by two tasks at
 * once. */
typedef void (*hn_work_fn)(void *arg, int32_t task, int32_t thread);

/* A pool of `threads` (>= 1) threads. HN_ERR_NOMEM when even the pool
 * cannot be allocated; HN_ERR_ARG for threads < 1. *out is owned:
 * hn_pool_free. */
hn_status hn_pool_create(int32_t threads, hn_pool **out);

/* Run fn(arg, 0) .. fn(arg, ntasks - 1) and wait for all of them. p may be
 * NULL: the tasks run on the caller, in order. */
void hn_pool_run(hn_pool *p, int32_t ntasks, hn_task_fn fn, void *arg);

/* Start fn(arg, task, thread) for task 0 .. ntasks - 1 on the workers and
 * return at once; hn_pool_wait must follow before the next job. Without
 * workers the tasks run in hn_pool_wait, on the caller, in order; with a
 * NULL pool they run here, on the caller, in order.
 * `arg` and what it points to must stay valid until hn_pool_wait returns. */
void hn_pool_start(hn_pool *p, int32_t ntasks, hn_work_fn fn, void *arg);

/* Take part in the started job until no task is left, then wait for the
 * running ones. A no-op when no job was started. */
void hn_pool_wait(hn_pool *p);

/* Threads in the pool, the caller included (1 for NULL). */
int32_t hn_pool_threads(const hn_pool *p);

/* Stop and join the workers. NULL is a no-op. */
void hn_pool_free(hn_pool *p);

/* Cutting a batch of lines into tasks for a pool: add line n - 1 (n
 * lines so far) of `bytes` bytes; a new task starts when the open one holds
 * max_bytes or more, or max_lines lines. task_end[t] is one past the last
 * line of task t; *ntasks and *task_bytes (text in the open task) start at
 * 0 for each batch. */
void hn_tasks_add_line(int32_t *task_end, int32_t *ntasks, size_t *task_bytes, int32_t n, size_t bytes,
                       size_t max_bytes, int32_t max_lines);

#endif /* HN_THREADS_H */
