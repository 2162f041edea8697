/* labels.c - the label table (see labels.h)
 *
 * Invariants: names[0..n) are distinct; slot[] holds each id exactly once
 * at the first free position of its probe sequence (FNV-1a, linear
 * probing); nslot is 0 (empty table) or a power of two >= 2n + 2.
 */
#include "src/base/labels.h"

#include <stdlib.h>
#include <string.h>

static uint64_t fnv1a(const char *s, size_t len)
{
    uint64_t h = 1469598103934665603ull;
    size_t i;
    for (i = 0; i < len; i++) {
        h ^= (unsigned char)s[i];
        h *= 1099511628211ull;
    }
    return h;
}

void hn_labels_init(hn_labels *l)
{
    memset(l, 0, sizeof *l);
}

void hn_labels_free(hn_labels *l)
{
    int32_t i;
    for (i = 0; i < l->n; i++) free(l->names[i]);
    free(l->names);
    free(l->count);
    free(l->slot);
    memset(l, 0, sizeof *l);
}

/* Id of the name, or -1 with *pos at the free slot where it would go. */
static int32_t lookup(const hn_labels *l, const char *s, size_t len, size_t *pos)
{
    size_t i;
    if (!l->nslot) return -1;
    i = (size_t)fnv1a(s, len) & (l->nslot - 1);
    while (l->slot[i] >= 0) {
        const char *nm = l->names[l->slot[i]];
        if (strlen(nm) == len && memcmp(nm, s, len) == 0) return l->slot[i];
        i = (i + 1) & (l->nslot - 1);
    }
    if (pos) *pos = i;
    return -1;
}

static int rehash(hn_labels *l, size_t nslot)
{
    int32_t *slot = malloc(nslot * sizeof *slot), i;
    size_t j;
    if (!slot) return -1;
    for (j = 0; j < nslot; j++) slot[j] = -1;
    for (i = 0; i < l->n; i++) {
        j = (size_t)fnv1a(l->names[i], strlen(l->names[i])) & (nslot - 1);
        while (slot[j] >= 0) j = (j + 1) & (nslot - 1);
        slot[j] = i;
    }
    free(l->slot);
    l->slot = slot;
    l->nslot = nslot;
    return 0;
}

int32_t hn_labels_findn(const hn_labels *l, const char *name, size_t len)
{
    return lookup(l, name, len, NULL);
}

int32_t hn_labels_find(const hn_labels *l, const char *name)
{
    return lookup(l, name, strlen(name), NULL);
}

int32_t hn_labels_addn(hn_labels *l, const char *name, size_t len)
{
    size_t pos = 0;
    int32_t id;
    char *copy;
    if ((id = lookup(l, name, len, &pos)) >= 0) return id;
    if ((size_t)l->n * 2 + 2 > l->nslot) {
        if (rehash(l, l->nslot ? l->nslot * 2 : 64)) return -1;
        lookup(l, name, len, &pos);
    }
    if (l->n == l->cap) {
        int32_t cap = l->cap ? l->cap * 2 : 16;
        char **names = realloc(l->names, (size_t)cap * sizeof *names);
        int64_t *count;
        if (!names) return -1;
        l->names = names;
        if (!(count = realloc(l->count, (size_t)cap * sizeof *count))) return -1;
        l->count = count;
        l->cap = cap;
    }
    if (!(copy = malloc(len + 1))) return -1;
    memcpy(copy, name, len);
    copy[len] = '\0';
    l->names[l->n] = copy;
    l->count[l->n] = 0;
    l->slot[pos] = l->n;
    return l->n++;
}

int32_t hn_labels_add(hn_labels *l, const char *name)
{
    return hn_labels_addn(l, name, strlen(name));
}

hn_status hn_labels_copy(const hn_labels *src, hn_labels *dst)
{
    int32_t i;
    hn_labels_init(dst);
    for (i = 0; i < src->n; i++) {
        int32_t id = hn_labels_add(dst, src->names[i]);
        if (id < 0) {
            hn_labels_free(dst);
            return HN_ERR_NOMEM;
        }
        dst->count[id] = src->count[i];
    }
    return HN_OK;
}

/* Rebuild the index after ids moved (cannot fail: same size). */
static void reindex(hn_labels *l)
{
    size_t j;
    int32_t i;
    for (j = 0; j < l->nslot; j++) l->slot[j] = -1;
    for (i = 0; i < l->n; i++) {
        j = (size_t)fnv1a(l->names[i], strlen(l->names[i])) & (l->nslot - 1);
        while (l->slot[j] >= 0) j = (j + 1) & (l->nslot - 1);
        l->slot[j] = i;
    }
}

void hn_labels_swap(hn_labels *l, int32_t a, int32_t b)
{
    char *tn;
    int64_t tc;
    if (a == b) return;
    tn = l->names[a];
    l->names[a] = l->names[b];
    l->names[b] = tn;
    tc = l->count[a];
    l->count[a] = l->count[b];
    l->count[b] = tc;
    reindex(l);
}

typedef struct named_id {
    const char *name;
    int32_t id;
} named_id;

static int named_id_cmp(const void *pa, const void *pb)
{
    return strcmp(((const named_id *)pa)->name, ((const named_id *)pb)->name);
}

hn_status hn_labels_sort(hn_labels *l, int32_t *newid)
{
    int32_t k = l->n, i;
    named_id *order = malloc((size_t)(k ? k : 1) * sizeof *order);
    char **names = malloc((size_t)(k ? k : 1) * sizeof *names);
    int64_t *count = malloc((size_t)(k ? k : 1) * sizeof *count);
    if (!order || !names || !count) {
        free(order);
        free(names);
        free(count);
        return HN_ERR_NOMEM;
    }
    for (i = 0; i < k; i++) {
        order[i].name = l->names[i];
        order[i].id = i;
    }
    qsort(order, (size_t)k, sizeof *order, named_id_cmp);
    for (i = 0; i < k; i++) {
        newid[order[i].id] = i;
        names[i] = l->names[order[i].id];
        count[i] = l->count[order[i].id];
    }
    free(l->names);
    free(l->count);
    l->names = names;
    l->count = count;
    l->cap = k;
    free(order);
    if (l->nslot) reindex(l);
    return HN_OK;
}

char **hn_labels_take_names(hn_labels *l, int32_t *n)
{
    char **names = l->names;
    *n = l->n;
    l->names = NULL;
    l->n = 0;
    hn_labels_free(l);
    return names;
}
