/* arena.h - bump allocator for per-line scratch
 *
 * src/base: libc only. One arena is reset for every line; everything
 * allocated from it (normalized text, tokens, hashes, the hn_svec) dies at
 * the next reset. The arena grows by chaining blocks up to `limit` bytes in
 * all; past that hn_arena_alloc returns NULL and hn_arena_need() says how
 * many bytes the failed request wanted, so the caller can report
 * HN_ERR_NOMEM with a size. After a reset the arena keeps its largest block
 * and frees the others, so a steady stream of lines allocates nothing.
 * Not thread-safe: one arena per thread.
 */
#ifndef HN_ARENA_H
#define HN_ARENA_H

#include <stddef.h>

typedef struct hn_arena_block hn_arena_block;

typedef struct hn_arena {
    hn_arena_block *head;  /* current block (owned) */
    size_t total;          /* bytes held in all blocks */
    size_t limit;          /* most bytes the arena may hold */
    size_t first_size;     /* size of the first block */
    size_t last_need;      /* size of the last request that failed */
} hn_arena;

/* Prepare an arena whose first block has `first_size` bytes (allocated on
 * first use). The limit defaults to 4 GiB; change a->limit to lower it. */
void hn_arena_init(hn_arena *a, size_t first_size);

/* `size` bytes aligned to 16, or NULL when the limit is reached or malloc
 * fails. Memory is uninitialized. */
void *hn_arena_alloc(hn_arena *a, size_t size);

/* Grow the most recent allocation `p` (of `old_size` bytes) to `new_size`,
 * in place when it is at the top of the current block, else by copying.
 * NULL on failure (the old allocation stays valid). */
void *hn_arena_grow(hn_arena *a, void *p, size_t old_size, size_t new_size);

/* Forget every allocation; keep one block for reuse. */
void hn_arena_reset(hn_arena *a);

/* Free every block. The arena may be initialized again. */
void hn_arena_release(hn_arena *a);

/* Bytes that the last failed request needed (0 if none failed). */
size_t hn_arena_need(const hn_arena *a);

#endif /* HN_ARENA_H */
