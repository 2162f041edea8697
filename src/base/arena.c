/* arena.c - bump allocator for per-line scratch (see arena.h)
 *
 * Invariant: head points at the newest block; every block's `used` is a
 * multiple of 16 and never exceeds its `size`.
 */
#include "src/base/arena.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

struct hn_arena_block {
    hn_arena_block *prev;
    size_t size;
    size_t used;
    _Alignas(16) unsigned char data[];
};

#define ALIGN16(x) (((x) + 15u) & ~(size_t)15u)

void hn_arena_init(hn_arena *a, size_t first_size)
{
    a->head = NULL;
    a->total = 0;
    a->limit = (size_t)1 << 32;
    a->first_size = first_size ? first_size : 4096;
    a->last_need = 0;
}

static hn_arena_block *new_block(hn_arena *a, size_t need)
{
    size_t size = a->head ? a->head->size * 2 : a->first_size;
    hn_arena_block *b;
    while (size < need) size *= 2;
    if (a->total + size > a->limit) {
        size = need;
        if (a->total + size > a->limit) return NULL;
    }
    b = malloc(sizeof *b + size);
    if (!b) return NULL;
    b->prev = a->head;
    b->size = size;
    b->used = 0;
    a->head = b;
    a->total += size;
    return b;
}

void *hn_arena_alloc(hn_arena *a, size_t size)
{
    hn_arena_block *b = a->head;
    void *p;
    size = ALIGN16(size ? size : 1);
    if (size == 0) { a->last_need = SIZE_MAX; return NULL; } /* overflow */
    if (!b || b->size - b->used < size) {
        if (!(b = new_block(a, size))) {
            a->last_need = size;
            return NULL;
        }
    }
    p = b->data + b->used;
    b->used += size;
    return p;
}

void *hn_arena_grow(hn_arena *a, void *p, size_t old_size, size_t new_size)
{
    hn_arena_block *b = a->head;
    size_t o = ALIGN16(old_size ? old_size : 1), n = ALIGN16(new_size);
    void *q;
    if (!p) return hn_arena_alloc(a, new_size);
    if (new_size <= old_size) return p;
    if (n == 0) { a->last_need = SIZE_MAX; return NULL; }
    if (b && (unsigned char *)p + o == b->data + b->used && b->size - (b->used - o) >= n) {
        b->used = b->used - o + n;
        return p;
    }
    if (!(q = hn_arena_alloc(a, new_size))) return NULL;
    memcpy(q, p, old_size);
    return q;
}

void hn_arena_reset(hn_arena *a)
{
    hn_arena_block *b = a->head, *keep = NULL;
    /* keep the largest block: the newest, since sizes only grow */
    if (b) {
        keep = b;
        b = b->prev;
        keep->prev = NULL;
        keep->used = 0;
        a->total = keep->size;
    }
    while (b) {
        hn_arena_block *prev = b->prev;
        free(b);
        b = prev;
    }
    a->head = keep;
    a->last_need = 0;
}

void hn_arena_release(hn_arena *a)
{
    hn_arena_block *b = a->head;
    while (b) {
        hn_arena_block *prev = b->prev;
        free(b);
        b = prev;
    }
    a->head = NULL;
    a->total = 0;
}

size_t hn_arena_need(const hn_arena *a)
{
    return a->last_need;
}
