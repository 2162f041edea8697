/* test_helpers.h - small helpers shared by the cmocka suites */
#ifndef HN_TEST_HELPERS_H
#define HN_TEST_HELPERS_H

#include <math.h>
#include <stdio.h>

/* cmocka 1.1.5's assert_float_equal is float-only: a double version. */
#define assert_double_near(a, b, tol)                                                              \
    do {                                                                                           \
        double hn_a_ = (a), hn_b_ = (b);                                                           \
        if (!(fabs(hn_a_ - hn_b_) <= (tol))) {                                                     \
            print_error("%.17g != %.17g (tolerance %g)\n", hn_a_, hn_b_, (double)(tol));           \
            fail();                                                                                \
        }                                                                                          \
    } while (0)

#endif
