/*
 * Tiny assertion helpers for the C tests of libmpd. Each failed check
 * prints where and why and exits with status 1; a passing program prints
 * how many checks it ran.
 */
#ifndef MPD_TEST_CHECK_H
#define MPD_TEST_CHECK_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mpd.h"

static unsigned long checks_run;

#define FAIL_AT(...)                                                   \
    do {                                                               \
        fprintf(stderr, "%s:%d: check failed: ", __FILE__, __LINE__);  \
        fprintf(stderr, __VA_ARGS__);                                  \
        fprintf(stderr, "\n");                                         \
        exit(1);                                                       \
    } while (0)

/* A condition that must hold. */
#define CHECK(cond)                                                    \
    do {                                                               \
        checks_run++;                                                  \
        if (!(cond))                                                   \
            FAIL_AT("%s", #cond);                                      \
    } while (0)

/* A call that must return `expected` (an mpd_result). */
#define CHECK_RESULT(call, expected)                                   \
    do {                                                               \
        mpd_result r_ = (call);                                        \
        checks_run++;                                                  \
        if (r_ != (expected))                                          \
            FAIL_AT("%s returned %s, expected %s (last error: %s)",    \
                    #call, mpd_result_str(r_), mpd_result_str(expected), \
                    mpd_last_error());                                 \
    } while (0)

#define CHECK_OK(call) CHECK_RESULT(call, MPD_OK)

/* Two strings that must be equal; NULL equals only NULL. */
#define CHECK_STR(actual, expected)                                    \
    do {                                                               \
        const char *a_ = (actual), *e_ = (expected);                   \
        checks_run++;                                                  \
        if ((a_ == NULL) != (e_ == NULL) || (a_ && strcmp(a_, e_) != 0)) \
            FAIL_AT("%s is \"%s\", expected \"%s\"", #actual,          \
                    a_ ? a_ : "(null)", e_ ? e_ : "(null)");           \
    } while (0)

/* A string that must contain `needle`. */
#define CHECK_CONTAINS(actual, needle)                                 \
    do {                                                               \
        const char *a_ = (actual);                                     \
        checks_run++;                                                  \
        if (a_ == NULL || strstr(a_, (needle)) == NULL)                \
            FAIL_AT("%s is \"%s\", expected it to contain \"%s\"",     \
                    #actual, a_ ? a_ : "(null)", (needle));            \
    } while (0)

/* Two integers that must be equal. */
#define CHECK_INT(actual, expected)                                    \
    do {                                                               \
        long long a_ = (long long)(actual), e_ = (long long)(expected); \
        checks_run++;                                                  \
        if (a_ != e_)                                                  \
            FAIL_AT("%s is %lld, expected %lld", #actual, a_, e_);     \
    } while (0)

/* Prints the summary line; returns the exit status for main. */
static inline int checks_done(const char *program)
{
    printf("%s: %lu checks passed\n", program, checks_run);
    return 0;
}

#endif
