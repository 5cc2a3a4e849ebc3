/*
 * libmpd's thread-safety rules under helgrind (tests/c/run runs it with
 * --tool=helgrind): objects may move between threads but must not be used
 * by two at once, and the last-error message is per thread. T threads
 * (4) each connect their own client to one daemon (argv[1], a simulator
 * in another process, so that only the library's own code is in this
 * one), run reads and failing commands, and read their own last error and
 * the shared result descriptions at the same time. Then one client is
 * handed from thread to thread (moved, never shared). helgrind reports
 * any data race or lock-order problem.
 */
#define _POSIX_C_SOURCE 200809L
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include <mpd.h>

#define THREADS 4
#define ROUNDS 50

static const char *address;
static int failures;
static pthread_mutex_t failures_lock = PTHREAD_MUTEX_INITIALIZER;

static void fail(const char *what)
{
    pthread_mutex_lock(&failures_lock);
    failures++;
    fprintf(stderr, "FAILED: %s\n", what);
    pthread_mutex_unlock(&failures_lock);
}

static void *own_client(void *arg)
{
    long k = (long)arg;
    mpd_client *c = NULL;
    if (mpd_client_connect(address, 0, &c) != MPD_OK) {
        fail(mpd_last_error());
        return NULL;
    }
    char bad[32];
    snprintf(bad, sizeof bad, "nosuch%ld", k);
    for (int i = 0; i < ROUNDS; i++) {
        mpd_map_list *l = NULL;
        if (mpd_client_list_maps(c, &l) != MPD_OK)
            fail(mpd_client_last_error(c));
        mpd_map_list_free(l);
        /* A refusal: this thread's last error names this thread's path. */
        if (mpd_client_fail_path(c, bad) == MPD_OK)
            fail("fail_path of an unknown path succeeded");
        if (!strstr(mpd_last_error(), bad))
            fail("the last error is another thread's");
        if (strncmp(mpd_result_str(MPD_COMMAND_FAILED), "MPD_COMMAND_FAILED", 18) != 0)
            fail("mpd_result_str");
    }
    mpd_client_free(c);
    return NULL;
}

static void *use_moved(void *arg)
{
    mpd_client *c = arg;
    mpd_path_list *l = NULL;
    if (mpd_client_list_paths(c, &l) != MPD_OK)
        fail(mpd_client_last_error(c));
    mpd_path_list_free(l);
    return c;
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: threads ADDRESS\n");
        return 2;
    }
    address = argv[1];
    /* helgrind models pthread primitives only, not the futex-based
     * one-time initialization of Rust's std (OnceLock): the library's one
     * lazily built global, the descriptions of mpd_result_str, is built
     * here before the threads start (pthread_create orders it before
     * them). Everything below runs concurrently. */
    (void)mpd_result_str(MPD_OK);
    pthread_t t[THREADS];
    for (long k = 0; k < THREADS; k++)
        pthread_create(&t[k], NULL, own_client, (void *)k);
    for (int k = 0; k < THREADS; k++)
        pthread_join(t[k], NULL);

    mpd_client *c = NULL;
    if (mpd_client_connect(address, 0, &c) != MPD_OK) {
        fail(mpd_last_error());
    } else {
        for (int k = 0; k < THREADS; k++) {
            pthread_t m;
            pthread_create(&m, NULL, use_moved, c);
            pthread_join(m, NULL);
        }
        mpd_client_free(c);
    }
    if (failures) {
        printf("threads: %d failures\n", failures);
        return 1;
    }
    printf("threads: %d threads x %d rounds with their own clients, one client moved %d times: ok\n",
           THREADS, ROUNDS, THREADS);
    return 0;
}
