/* rng.h - small deterministic PRNG (splitmix64) with explicit state
 *
 * src/base: libc only. Never rand(): every stream of random numbers has
 * its own state, seeded from --seed (threads use seed + thread id), so
 * single-thread runs are reproducible bit for bit on every platform.
 */
#ifndef HN_RNG_H
#define HN_RNG_H

#include <stdint.h>

/* Next 64 random bits; advances *state. */
static inline uint64_t hn_rng_next(uint64_t *state)
{
    uint64_t z = (*state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

/* Uniform double in [0, 1) with 53 random bits. */
static inline double hn_rng_uniform(uint64_t *state)
{
    return (double)(hn_rng_next(state) >> 11) * (1.0 / 9007199254740992.0);
}

/* Uniform integer in [0, n) for n > 0 (Lemire's multiply-shift; the tiny
 * bias for huge n is irrelevant for shuffling). */
static inline uint64_t hn_rng_below(uint64_t *state, uint64_t n)
{
    return (uint64_t)(((unsigned __int128)hn_rng_next(state) * n) >> 64);
}

#endif /* HN_RNG_H */
