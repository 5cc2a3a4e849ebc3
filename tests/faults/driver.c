/*
 * The C participant of the fault campaign (tests/faults/campaign):
 *
 *   driver SOCKET DIR PATH TIMEOUT_MS
 *
 * One client issuing a mix of reads and actions (fail/reinstate PATH)
 * through libmpd until DIR/stop appears; then a read must succeed within
 * DIR/recover-ms. Prints one JSON object like the Rust driver's, with the
 * errors keyed by the Rust kind name (MPD_NOT_FOUND -> not_found).
 */
#define _POSIX_C_SOURCE 200809L
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <mpd.h>

#define KINDS 64
static unsigned long calls, ok, errors[KINDS], sent[2], acted[2];
static double longest_ms;
static const char *dir;

static void pause_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int stopped(void)
{
    char p[4096];
    snprintf(p, sizeof p, "%s/stop", dir);
    return access(p, F_OK) == 0;
}

static void record(double started, mpd_result r)
{
    double ms = now_ms() - started;
    calls++;
    if (ms > longest_ms)
        longest_ms = ms;
    if (r == MPD_OK)
        ok++;
    else if ((unsigned)r < KINDS)
        errors[r]++;
}

int main(int argc, char **argv)
{
    if (argc != 5) {
        fprintf(stderr, "usage: driver SOCKET DIR PATH TIMEOUT_MS\n");
        return 2;
    }
    const char *sock = argv[1], *path = argv[3];
    dir = argv[2];
    uint32_t timeout_ms = (uint32_t)atoi(argv[4]);
    int64_t trust = getenv("MPD_CAMPAIGN_TRUST_ANY") ? MPD_TRUST_ANY : MPD_TRUST_ROOT_OR_SELF;

    mpd_client *c = NULL;
    while (!c && !stopped()) {
        double t = now_ms();
        mpd_result r = mpd_client_connect_with(sock, timeout_ms, trust, &c);
        record(t, r);
        if (r != MPD_OK)
            pause_ms(50);
    }
    long recovered_ms = -1;
    if (c) {
        for (unsigned long i = 1; !stopped(); i++) {
            double t = now_ms();
            mpd_result r;
            switch (i % 6) {
            case 0:
            case 3: {
                mpd_path_list *l = NULL;
                r = mpd_client_list_paths(c, &l);
                mpd_path_list_free(l);
                break;
            }
            case 1: {
                mpd_map_list *l = NULL;
                r = mpd_client_list_maps(c, &l);
                mpd_map_list_free(l);
                break;
            }
            case 4: {
                mpd_status *s = NULL;
                r = mpd_client_status(c, &s);
                mpd_status_free(s);
                break;
            }
            default: {
                int reinstate = i % 12 >= 6;
                r = reinstate ? mpd_client_reinstate_path(c, path) : mpd_client_fail_path(c, path);
                sent[reinstate]++;
                if (r == MPD_OK)
                    acted[reinstate]++;
            }
            }
            record(t, r);
            pause_ms(10);
        }
        long limit = 15000;
        char p[4096];
        snprintf(p, sizeof p, "%s/recover-ms", dir);
        FILE *f = fopen(p, "r");
        if (f) {
            if (fscanf(f, "%ld", &limit) != 1)
                limit = 15000;
            fclose(f);
        }
        double t = now_ms();
        while (now_ms() - t < limit) {
            mpd_map_list *l = NULL;
            mpd_result r = mpd_client_list_maps(c, &l);
            mpd_map_list_free(l);
            if (r == MPD_OK) {
                recovered_ms = (long)(now_ms() - t);
                break;
            }
            pause_ms(50);
        }
        mpd_client_free(c);
    }

    printf("{\"participant\": \"c\", \"deadline_ms\": %u, \"client\": {\"calls\": %lu, "
           "\"ok\": %lu, \"longest_ms\": %.1f, \"errors\": {",
           2 * timeout_ms, calls, ok, longest_ms);
    int first = 1;
    for (unsigned k = 1; k < KINDS; k++) {
        if (!errors[k])
            continue;
        /* "MPD_NOT_FOUND: ..." -> "not_found" */
        const char *s = mpd_result_str((mpd_result)k);
        char name[64];
        size_t n = 0;
        for (const char *q = s + 4; *q && *q != ':' && n + 1 < sizeof name; q++)
            name[n++] = (char)tolower((unsigned char)*q);
        name[n] = 0;
        printf("%s\"%s\": %lu", first ? "" : ", ", name, errors[k]);
        first = 0;
    }
    printf("}, \"actions_sent\": {\"fail_path\": %lu, \"reinstate_path\": %lu}, "
           "\"actions_ok\": {\"fail_path\": %lu, \"reinstate_path\": %lu}}, ",
           sent[0], sent[1], acted[0], acted[1]);
    if (recovered_ms >= 0)
        printf("\"recovered_ms\": %ld}\n", recovered_ms);
    else
        printf("\"recovered_ms\": null}\n");
    return 0;
}
