/*
 * Smoke test of libmpd against a real multipathd: the basic round trip
 * through the C API.
 *
 * usage: test_real
 *
 * Reads MPD_REAL_SOCKET (root peer), MPD_REAL_NONROOT_SOCKET (non-root
 * peer), MPD_REAL_VERSION, MPD_REAL_LUNS, MPD_REAL_PATHS and
 * MPD_REAL_SPACE_ALIAS (optional), as set by tests/real/start. Without
 * MPD_REAL_SOCKET it prints that it did not run and exits with 77.
 * tests/real/conformance runs it under valgrind (through tests/c/run
 * --real) against multipathd 0.8.5, 0.9.4 and 0.11.1 in QEMU guests.
 *
 * Checks: list_paths, list_maps and topology agree; fail_path makes the
 * path "failed" within the checker interval and reinstate_path makes it
 * active again; the non-root peer gets MPD_PERMISSION_DENIED for actions
 * and can still list; a missing map or path gives MPD_COMMAND_FAILED (and
 * add_path MPD_BLACKLISTED).
 */
#define _POSIX_C_SOURCE 200809L
#include <time.h>

#include "check.h"

#define NOT_RUN_STATUS 77

/* Long enough for what the daemon does on its own in a slow guest. */
#define SLOW_SECONDS 60.0

static const char *env(const char *name)
{
    const char *value = getenv(name);
    if (value == NULL || *value == '\0')
        FAIL_AT("%s is not set (tests/real/start sets it)", name);
    return value;
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void pause_a_little(void)
{
    struct timespec ts = {0, 200 * 1000 * 1000};
    nanosleep(&ts, NULL);
}

static mpd_client *connect_to(const char *var)
{
    mpd_client *c = NULL;
    CHECK_OK(mpd_client_connect(env(var), 20000, &c));
    return c;
}

static int healthy(const mpd_path *p)
{
    const char *dm = mpd_path_dm_state(p), *chk = mpd_path_checker_state(p);
    return dm && chk && strcmp(dm, "active") == 0 && strcmp(chk, "ready") == 0;
}

/* Every map and path listed and healthy. */
static int settled(mpd_client *c, size_t luns, size_t per_map)
{
    mpd_map_list *maps = NULL;
    mpd_path_list *paths = NULL;
    int ok = 0;
    if (mpd_client_list_maps(c, &maps) == MPD_OK &&
        mpd_client_list_paths(c, &paths) == MPD_OK &&
        mpd_map_list_len(maps) == luns &&
        mpd_path_list_len(paths) == luns * per_map) {
        ok = 1;
        for (size_t i = 0; i < mpd_path_list_len(paths); i++)
            ok = ok && healthy(mpd_path_list_get(paths, i));
    }
    mpd_map_list_free(maps);
    mpd_path_list_free(paths);
    return ok;
}

/* The dm state of a path, compared with `dm` (and checker "ready" when
 * `ready`); 0 if the path is not listed. */
static int path_is(mpd_client *c, const char *dev, const char *dm, int ready)
{
    mpd_path_list *paths = NULL;
    CHECK_OK(mpd_client_list_paths(c, &paths));
    const mpd_path *p = mpd_path_list_find(paths, dev);
    int ok = p != NULL && mpd_path_dm_state(p) != NULL &&
             strcmp(mpd_path_dm_state(p), dm) == 0 &&
             (!ready || healthy(p));
    mpd_path_list_free(paths);
    return ok;
}

/* Polls path_is() until it holds or `limit` seconds pass. */
static void wait_path(mpd_client *c, const char *dev, const char *dm, int ready,
                      double limit)
{
    double start = now();
    while (!path_is(c, dev, dm, ready)) {
        if (now() - start > limit)
            FAIL_AT("%s not %s within %.0f s", dev, dm, limit);
        pause_a_little();
    }
    printf("%s %s after %.1f s\n", dev, dm, now() - start);
}

/* A number from `show config` ("\tkey N"), or -1. */
static long config_value(const char *config, const char *key)
{
    size_t len = strlen(key);
    for (const char *line = config; line && *line;) {
        while (*line == ' ' || *line == '\t')
            line++;
        if (strncmp(line, key, len) == 0 && line[len] == ' ')
            return strtol(line + len + 1, NULL, 10);
        line = strchr(line, '\n');
        if (line)
            line++;
    }
    return -1;
}

/* max_polling_interval plus one polling_interval of slack, in seconds. */
static double checker_interval(mpd_client *c)
{
    char *config = NULL;
    CHECK_OK(mpd_client_config(c, &config));
    long polling = config_value(config, "polling_interval");
    long max = config_value(config, "max_polling_interval");
    mpd_string_free(config);
    CHECK(polling > 0);
    if (max <= 0)
        max = 4 * polling;
    return (double)(max + polling);
}

static void test_lists_agree(mpd_client *c, size_t luns, size_t per_map)
{
    mpd_map_list *maps = NULL;
    mpd_path_list *paths = NULL;
    mpd_topology *topo = NULL;
    CHECK_OK(mpd_client_list_maps(c, &maps));
    CHECK_OK(mpd_client_list_paths(c, &paths));
    CHECK_OK(mpd_client_topology(c, &topo));
    CHECK_INT(mpd_map_list_len(maps), luns);
    CHECK_INT(mpd_path_list_len(paths), luns * per_map);
    CHECK_INT(mpd_topology_map_count(topo), luns);
    size_t in_topology = 0;
    for (size_t i = 0; i < mpd_map_list_len(maps); i++) {
        const mpd_map *m = mpd_map_list_get(maps, i);
        const mpd_map_topology *t = mpd_topology_find_map(topo, mpd_map_name(m));
        CHECK(t != NULL);
        CHECK_STR(mpd_map_topology_uuid(t), mpd_map_uuid(m));
        CHECK_STR(mpd_map_topology_device(t), mpd_map_device(m));
        int64_t n = 0;
        for (size_t g = 0; g < mpd_map_topology_group_count(t); g++) {
            const mpd_path_group *pg = mpd_map_topology_group(t, g);
            for (size_t k = 0; k < mpd_path_group_path_count(pg); k++) {
                const mpd_topology_path *tp = mpd_path_group_path(pg, k);
                const mpd_path *p = mpd_path_list_find(paths, mpd_topology_path_device(tp));
                CHECK(p != NULL);
                CHECK_STR(mpd_path_map(p), mpd_map_name(m));
                CHECK_STR(mpd_path_uuid(p), mpd_map_uuid(m));
                CHECK_INT(mpd_path_major(p), mpd_topology_path_major(tp));
                CHECK_INT(mpd_path_minor(p), mpd_topology_path_minor(tp));
                n++;
            }
        }
        CHECK_INT(mpd_map_active_paths(m), n);
        in_topology += (size_t)n;
    }
    CHECK_INT(in_topology, mpd_path_list_len(paths));
    mpd_status *st = NULL;
    CHECK_OK(mpd_client_status(c, &st));
    CHECK_INT(mpd_status_paths(st), mpd_path_list_len(paths));
    mpd_status_free(st);
    mpd_topology_free(topo);
    mpd_path_list_free(paths);
    mpd_map_list_free(maps);
}

/* Copies a map without a space in its name, and one of its paths. */
static void map_and_path(mpd_client *c, char *map, char *dev, size_t size)
{
    const char *alias = getenv("MPD_REAL_SPACE_ALIAS");
    mpd_map_list *maps = NULL;
    mpd_path_list *paths = NULL;
    CHECK_OK(mpd_client_list_maps(c, &maps));
    CHECK_OK(mpd_client_list_paths(c, &paths));
    map[0] = dev[0] = '\0';
    for (size_t i = 0; i < mpd_map_list_len(maps) && !map[0]; i++) {
        const char *name = mpd_map_name(mpd_map_list_get(maps, i));
        if (!alias || strcmp(name, alias) != 0)
            snprintf(map, size, "%s", name);
    }
    for (size_t i = 0; i < mpd_path_list_len(paths) && !dev[0]; i++) {
        const mpd_path *p = mpd_path_list_get(paths, i);
        if (mpd_path_map(p) && strcmp(mpd_path_map(p), map) == 0)
            snprintf(dev, size, "%s", mpd_path_device(p));
    }
    CHECK(map[0] && dev[0]);
    mpd_path_list_free(paths);
    mpd_map_list_free(maps);
}

static void test_fail_and_reinstate(mpd_client *c, const char *dev)
{
    double limit = checker_interval(c);
    CHECK_OK(mpd_client_fail_path(c, dev));
    wait_path(c, dev, "failed", 0, limit);
    CHECK_OK(mpd_client_reinstate_path(c, dev));
    wait_path(c, dev, "active", 1, limit);
}

/* Health, waits and the watch: a failed path is a failure event and a
 * degraded map; its reinstatement the reverse. */
static void test_jobs_and_watch(mpd_client *c, const char *map, const char *dev)
{
    double limit = checker_interval(c);
    uint32_t limit_ms = (uint32_t)(limit * 1000);
    mpd_health *h = NULL;
    CHECK_OK(mpd_client_health(c, &h));
    CHECK(mpd_health_all_healthy(h));
    mpd_health_free(h);

    mpd_watch *w = NULL;
    CHECK_OK(mpd_watch_new(getenv("MPD_REAL_SOCKET"), 500, 0, 20000, &w));
    mpd_event *e = NULL;
    CHECK_OK(mpd_watch_next(w, 200, &e)); /* the baseline: no event */
    CHECK(e == NULL);

    CHECK_OK(mpd_client_fail_path(c, dev));
    mpd_path *p = NULL;
    CHECK_OK(mpd_client_wait_for_path(c, dev, "failed", NULL, limit_ms, &p));
    CHECK_STR(mpd_path_dm_state(p), "failed");
    mpd_path_free(p);
    mpd_map_health *mh = NULL;
    CHECK_OK(mpd_client_map_health(c, map, &mh));
    CHECK_INT(mpd_map_health_state(mh), MPD_HEALTH_DEGRADED);
    mpd_map_health_free(mh);
    int seen = 0;
    double start = now();
    while (!seen && now() - start < limit) {
        CHECK_OK(mpd_watch_next(w, limit_ms, &e));
        if (e) {
            printf("event: %s\n", mpd_event_text(e));
            seen = mpd_event_kind(e) == MPD_EVENT_PATH_STATE_CHANGED &&
                   strcmp(mpd_event_device(e), dev) == 0;
            mpd_event_free(e);
        }
    }
    CHECK(seen);
    CHECK_OK(mpd_client_reinstate_path(c, dev));
    CHECK_OK(mpd_client_wait_for_path(c, dev, "active", "ready", 2 * limit_ms, &p));
    mpd_path_free(p);
    mpd_watch_free(w);
    mpd_map *m = NULL;
    CHECK_OK(mpd_client_wait_for_map(c, map, 1, limit_ms, &m));
    CHECK_STR(mpd_map_name(m), map);
    mpd_map_free(m);
}

static void test_nonroot(size_t luns, const char *map, const char *dev)
{
    mpd_client *u = connect_to("MPD_REAL_NONROOT_SOCKET");
    mpd_map_list *maps = NULL;
    CHECK_OK(mpd_client_list_maps(u, &maps));
    CHECK_INT(mpd_map_list_len(maps), luns);
    mpd_map_list_free(maps);
    CHECK_RESULT(mpd_client_reconfigure(u), MPD_PERMISSION_DENIED);
    CHECK_CONTAINS(mpd_client_last_error(u), "root");
    CHECK_RESULT(mpd_client_fail_path(u, dev), MPD_PERMISSION_DENIED);
    CHECK_RESULT(mpd_client_suspend_map(u, map), MPD_PERMISSION_DENIED);
    CHECK_RESULT(mpd_client_remove_map(u, map), MPD_PERMISSION_DENIED);
    CHECK_RESULT(mpd_client_disable_queuing(u), MPD_PERMISSION_DENIED);
    mpd_path_list *paths = NULL;
    CHECK_OK(mpd_client_list_paths(u, &paths));
    CHECK(paths != NULL && mpd_path_list_len(paths) > 0);
    mpd_path_list_free(paths);
    mpd_client_free(u);
}

static void test_missing(mpd_client *c, const mpd_daemon_version *v)
{
    /* 0.10+ add "device not found" to some failures (MPD_NOT_FOUND);
     * the others, and every one before 0.10, are a bare "fail"
     * (MPD_COMMAND_FAILED). */
    int says_not_found = v->major > 0 || v->minor >= 10;
    mpd_result missing = says_not_found ? MPD_NOT_FOUND : MPD_COMMAND_FAILED;
    mpd_map_topology *t = (void *)&checks_run; /* to see it reset */
    CHECK_RESULT(mpd_client_map_topology(c, "nosuchmap", &t), missing);
    CHECK(t == NULL);
    if (says_not_found)
        CHECK_CONTAINS(mpd_client_last_error(c), "device not found");
    CHECK_RESULT(mpd_client_reload_map(c, "nosuchmap"), missing);
    CHECK_RESULT(mpd_client_suspend_map(c, "nosuchmap"), MPD_COMMAND_FAILED);
    CHECK_RESULT(mpd_client_fail_path(c, "nosuchpath"), missing);
    CHECK_RESULT(mpd_client_add_path(c, "nosuchpath"), MPD_BLACKLISTED);
}

/* getprhold/setprhold/unsetprhold (0.13+) and setprstatus with a path
 * list (0.13.1+); before, MPD_UNKNOWN_COMMAND however the release refused
 * (help text on 0.8.5, a bare "fail" on 0.9.4 and 0.11.1). */
static void test_pr_hold(mpd_client *c, const mpd_daemon_version *v, const char *map,
                         const char *dev)
{
    int has = v->major > 0 || v->minor >= 13;
    enum mpd_pr_status st = MPD_PR_SET;
    const char *const paths[] = {dev};
    if (has) {
        CHECK_OK(mpd_client_pr_hold(c, map, &st));
        CHECK_INT(st, MPD_PR_UNSET);
        CHECK_OK(mpd_client_set_pr_hold(c, map));
        CHECK_OK(mpd_client_pr_hold(c, map, &st));
        CHECK_OK(mpd_client_unset_pr_hold(c, map));
        CHECK_INT(st, MPD_PR_SET);
        CHECK_OK(mpd_client_pr_hold(c, map, &st));
        CHECK_INT(st, MPD_PR_UNSET);
        CHECK_OK(mpd_client_set_pr_status_paths(c, map, paths, 1));
        CHECK_RESULT(mpd_client_pr_hold(c, "nosuchmap", &st), MPD_NOT_FOUND);
    } else {
        CHECK_RESULT(mpd_client_pr_hold(c, map, &st), MPD_UNKNOWN_COMMAND);
        CHECK_RESULT(mpd_client_set_pr_hold(c, map), MPD_UNKNOWN_COMMAND);
        CHECK_RESULT(mpd_client_set_pr_status_paths(c, map, paths, 1), MPD_UNKNOWN_COMMAND);
    }
}

int main(void)
{
    if (getenv("MPD_REAL_SOCKET") == NULL || *getenv("MPD_REAL_SOCKET") == '\0') {
        printf("test_real: NOT RUN: MPD_REAL_SOCKET is unset "
               "(tests/real/conformance runs it against real daemons)\n");
        return NOT_RUN_STATUS;
    }
    size_t luns = (size_t)strtoul(env("MPD_REAL_LUNS"), NULL, 10);
    size_t per_map = (size_t)strtoul(env("MPD_REAL_PATHS"), NULL, 10);
    const char *version = env("MPD_REAL_VERSION");

    mpd_client *c = connect_to("MPD_REAL_SOCKET");
    mpd_daemon_version v;
    CHECK_OK(mpd_client_daemon_version(c, &v));
    char text[32];
    snprintf(text, sizeof text, "%u.%u.%u", v.major, v.minor, v.patch);
    CHECK_STR(text, version);

    /* Settled for a second: the daemon may still drop and re-add a map
     * right after a change. */
    double start = now(), since = -1;
    while (since < 0 || now() - since < 1.0) {
        if (!settled(c, luns, per_map))
            since = -1;
        else if (since < 0)
            since = now();
        if (now() - start > SLOW_SECONDS)
            FAIL_AT("maps and paths not back and healthy within %.0f s", SLOW_SECONDS);
        pause_a_little();
    }

    char map[256], dev[256];
    map_and_path(c, map, dev, sizeof map);
    printf("multipathd %s: map %s, path %s\n", text, map, dev);

    test_lists_agree(c, luns, per_map);
    test_fail_and_reinstate(c, dev);
    test_jobs_and_watch(c, map, dev);
    test_nonroot(luns, map, dev);
    test_missing(c, &v);
    test_pr_hold(c, &v, map, dev);

    mpd_client_free(c);
    return checks_done("test_real");
}
