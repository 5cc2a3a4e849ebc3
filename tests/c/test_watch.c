/*
 * The watch (mpd_watch, mpd_event) against a simulated multipathd: the
 * exact events of failed, reinstated, removed and added paths and maps;
 * the daemon going away and coming back (the simulator cannot be
 * restarted on the same address from C, so the outage is its "close" and
 * "hang" faults); other errors returned while the watch goes on; no event
 * when nothing changes, with every mpd_watch_next returning within its
 * timeout (plus a margin for valgrind).
 *
 * usage: test_watch VERSION    (0.8.5, 0.9.4 or 0.11.1)
 *
 * The simulator has 2 maps x 2 paths: mpatha = sda + sdc, mpathb = sdb +
 * sdd. It runs without a background checker and in immediate mode, so
 * every change comes from the test.
 */
#define _POSIX_C_SOURCE 200809L
#include <time.h>

#include "check.h"

/* The watch's poll interval, and how long a test waits for an event. */
#define INTERVAL_MS 200
#define WAIT_MS 5000
/* What valgrind on a loaded machine may add to a timeout. */
#define MARGIN_MS 2500

static const char *version;
static int is_0_8;

static double now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1000.0 + t.tv_nsec / 1e6;
}

/* The next event, which must come within WAIT_MS and be of `kind`. */
static mpd_event *next_event(mpd_watch *w, mpd_event_type kind)
{
    mpd_event *e = NULL;
    CHECK_OK(mpd_watch_next(w, WAIT_MS, &e));
    if (e == NULL)
        FAIL_AT("no event within %d ms, expected %s", WAIT_MS, mpd_event_kind_str(kind));
    if (mpd_event_kind(e) != kind)
        FAIL_AT("got %s, expected %s", mpd_event_text(e), mpd_event_kind_str(kind));
    CHECK_STR(mpd_watch_last_error(w), "");
    return e;
}

/* No event within `ms`, and mpd_watch_next returns in time. */
static void quiet(mpd_watch *w, uint32_t ms)
{
    mpd_event *e = (mpd_event *)&checks_run; /* reset to NULL by the call */
    double start = now_ms();
    CHECK_OK(mpd_watch_next(w, ms, &e));
    double took = now_ms() - start;
    if (e != NULL)
        FAIL_AT("unexpected event: %s", mpd_event_text(e));
    CHECK(took >= ms - 1.0);
    if (took > ms + MARGIN_MS)
        FAIL_AT("mpd_watch_next(%u) took %.0f ms", ms, took);
}

/* Nothing of the kind-specific accessors but what `e` carries. */
static void check_path_state(mpd_event *e, const char *dev, const char *map,
                             const char *old_dm, const char *old_checker,
                             const char *new_dm, const char *new_checker)
{
    CHECK_STR(mpd_event_device(e), dev);
    CHECK_STR(mpd_event_map(e), map);
    CHECK_STR(mpd_event_old_dm_state(e), old_dm);
    CHECK_STR(mpd_event_new_dm_state(e), new_dm);
    CHECK_STR(mpd_event_old_checker_state(e), old_checker);
    CHECK_STR(mpd_event_new_checker_state(e), new_checker);
    CHECK(mpd_event_wwid(e) == NULL);
    CHECK_INT(mpd_event_old_active_paths(e), -1);
    CHECK_INT(mpd_event_new_active_paths(e), -1);
    CHECK_INT(mpd_event_total_paths(e), -1);
    CHECK(mpd_event_old_health(e) == NULL);
    CHECK(mpd_event_new_health(e) == NULL);
    CHECK(mpd_event_error(e) == NULL);
    mpd_daemon_version v = {1, 2, 3};
    CHECK(!mpd_event_version(e, &v));
    CHECK_INT(v.major + v.minor + v.patch, 0);
    char text[160];
    snprintf(text, sizeof text, "path %s (%s): %s %s -> %s %s", dev, map, old_dm,
             old_checker, new_dm, new_checker);
    CHECK_STR(mpd_event_text(e), text);
    char json[320];
    snprintf(json, sizeof json,
             "{\"event\":\"path_state_changed\",\"device\":\"%s\",\"map\":\"%s\","
             "\"old_dm_state\":\"%s\",\"new_dm_state\":\"%s\","
             "\"old_checker_state\":\"%s\",\"new_checker_state\":\"%s\"}",
             dev, map, old_dm, new_dm, old_checker, new_checker);
    CHECK_STR(mpd_event_json(e), json);
}

static void expect_path_state(mpd_watch *w, const char *dev, const char *map, int up)
{
    mpd_event *e = next_event(w, MPD_EVENT_PATH_STATE_CHANGED);
    if (up)
        check_path_state(e, dev, map, "failed", "faulty", "active", "ready");
    else
        check_path_state(e, dev, map, "active", "ready", "failed", "faulty");
    mpd_event_free(e);
}

static void expect_active(mpd_watch *w, const char *map, int old, int new_, int total)
{
    mpd_event *e = next_event(w, MPD_EVENT_ACTIVE_PATHS_CHANGED);
    CHECK_STR(mpd_event_map(e), map);
    CHECK(mpd_event_device(e) == NULL);
    CHECK_INT(mpd_event_old_active_paths(e), old);
    CHECK_INT(mpd_event_new_active_paths(e), new_);
    CHECK_INT(mpd_event_total_paths(e), total);
    CHECK(mpd_event_old_dm_state(e) == NULL);
    CHECK(mpd_event_old_health(e) == NULL);
    char json[160];
    snprintf(json, sizeof json,
             "{\"event\":\"active_paths_changed\",\"map\":\"%s\",\"old\":%d,\"new\":%d,"
             "\"total\":%d}",
             map, old, new_, total);
    CHECK_STR(mpd_event_json(e), json);
    mpd_event_free(e);
}

static void expect_health(mpd_watch *w, const char *map, const char *wwid,
                          const char *old, const char *new_, int total)
{
    mpd_event *e = next_event(w, MPD_EVENT_MAP_HEALTH_CHANGED);
    CHECK_STR(mpd_event_map(e), map);
    CHECK_STR(mpd_event_wwid(e), wwid);
    CHECK_STR(mpd_event_old_health(e), old);
    CHECK_STR(mpd_event_new_health(e), new_);
    CHECK_INT(mpd_event_total_paths(e), total);
    CHECK_INT(mpd_event_old_active_paths(e), -1);
    CHECK(mpd_event_device(e) == NULL);
    char text[128];
    snprintf(text, sizeof text, "map %s: %s -> %s", map, old, new_);
    CHECK_STR(mpd_event_text(e), text);
    CHECK_CONTAINS(mpd_event_json(e), "{\"event\":\"map_health_changed\",");
    CHECK_CONTAINS(mpd_event_json(e), "\"health\":{");
    mpd_event_free(e);
}

/* A path added to or removed from a map. */
static void expect_path(mpd_watch *w, mpd_event_type kind, const char *dev, const char *map)
{
    mpd_event *e = next_event(w, kind);
    CHECK_STR(mpd_event_device(e), dev);
    CHECK_STR(mpd_event_map(e), map);
    CHECK(mpd_event_old_dm_state(e) == NULL);
    CHECK(mpd_event_wwid(e) == NULL);
    char json[128];
    snprintf(json, sizeof json, "{\"event\":\"%s\",\"device\":\"%s\",\"map\":\"%s\"}",
             mpd_event_kind_str(kind), dev, map);
    CHECK_STR(mpd_event_json(e), json);
    mpd_event_free(e);
}

static void expect_map(mpd_watch *w, mpd_event_type kind, const char *map, const char *wwid)
{
    mpd_event *e = next_event(w, kind);
    CHECK_STR(mpd_event_map(e), map);
    CHECK_STR(mpd_event_wwid(e), wwid);
    CHECK(mpd_event_device(e) == NULL);
    CHECK_INT(mpd_event_total_paths(e), -1);
    char text[128];
    snprintf(text, sizeof text, "map %s (%s) %s", map, wwid,
             kind == MPD_EVENT_MAP_ADDED ? "added" : "removed");
    CHECK_STR(mpd_event_text(e), text);
    mpd_event_free(e);
}

/* The version a DaemonBack event carries is the simulator's. */
static void expect_back(mpd_watch *w)
{
    mpd_event *e = next_event(w, MPD_EVENT_DAEMON_BACK);
    mpd_daemon_version v = {0};
    CHECK(mpd_event_version(e, &v));
    char text[32];
    snprintf(text, sizeof text, "%u.%u.%u", v.major, v.minor, v.patch);
    CHECK_STR(text, version);
    CHECK(mpd_event_map(e) == NULL);
    CHECK(mpd_event_error(e) == NULL);
    char words[48];
    snprintf(words, sizeof words, "daemon back (%s)", version);
    CHECK_STR(mpd_event_text(e), words);
    char json[96];
    snprintf(json, sizeof json,
             "{\"event\":\"daemon_back\",\"version\":{\"major\":%u,\"minor\":%u,\"patch\":%u}}",
             v.major, v.minor, v.patch);
    CHECK_STR(mpd_event_json(e), json);
    mpd_event_free(e);
    CHECK_INT(mpd_watch_daemon_reachable(w), 1);
}

static void expect_unreachable(mpd_watch *w, const char *words)
{
    mpd_event *e = next_event(w, MPD_EVENT_DAEMON_UNREACHABLE);
    CHECK_CONTAINS(mpd_event_error(e), words);
    CHECK_CONTAINS(mpd_event_text(e), "daemon unreachable: ");
    CHECK_CONTAINS(mpd_event_json(e), "{\"event\":\"daemon_unreachable\",\"error\":\"");
    CHECK(mpd_event_map(e) == NULL);
    mpd_daemon_version v;
    CHECK(!mpd_event_version(e, &v));
    mpd_event_free(e);
    CHECK_INT(mpd_watch_daemon_reachable(w), 0);
}

static void test_kinds(void)
{
    static const char *names[] = {
        "map_added", "map_removed", "path_added", "path_removed", "path_state_changed",
        "active_paths_changed", "map_health_changed", "daemon_unreachable", "daemon_back",
    };
    CHECK_INT(MPD_EVENT_MAP_ADDED, 1);
    CHECK_INT(MPD_EVENT_DAEMON_BACK, 9);
    for (uint32_t k = MPD_EVENT_MAP_ADDED; k <= MPD_EVENT_DAEMON_BACK; k++)
        CHECK_STR(mpd_event_kind_str(k), names[k - 1]);
    CHECK(mpd_event_kind_str(MPD_EVENT_UNKNOWN) == NULL);
    CHECK(mpd_event_kind_str(10) == NULL);
}

static mpd_watch *new_watch(mpd_sim *sim, uint32_t flags, uint32_t timeout_ms)
{
    mpd_watch *w = NULL;
    CHECK_OK(mpd_watch_new(mpd_sim_address(sim), INTERVAL_MS, flags, timeout_ms, &w));
    CHECK(w != NULL);
    CHECK_STR(mpd_watch_address(w), mpd_sim_address(sim));
    CHECK_INT(mpd_watch_commands_sent(w), 0);
    /* The first call polls at once: the baseline, no event. */
    quiet(w, 0);
    CHECK_INT(mpd_watch_commands_sent(w), 1);
    CHECK_INT(mpd_watch_listings_sent(w), 1);
    CHECK_INT(mpd_watch_daemon_reachable(w), 1);
    return w;
}

static void test_new(mpd_sim *sim)
{
    mpd_watch *w = (mpd_watch *)&checks_run;
    CHECK_RESULT(mpd_watch_new(mpd_sim_address(sim), 0, 0x100, 0, &w), MPD_INVALID_ARGUMENT);
    CHECK(w == NULL);
    CHECK_CONTAINS(mpd_last_error(), "unknown watch flags 0x100");
    CHECK_RESULT(mpd_watch_new("", 0, 0, 0, &w), MPD_INVALID_ARGUMENT);
    CHECK_RESULT(mpd_watch_new("@mpd-c-test-nobody-listens-here", 0, 0, 500, &w), MPD_CONNECT);
    CHECK(w == NULL);
    CHECK_CONTAINS(mpd_last_error(), "mpd-c-test-nobody-listens-here");

    /* With uevents: either the socket opened, or the watch says why not;
     * polling works either way. */
    w = new_watch(sim, MPD_WATCH_UEVENTS, 0);
    int active = mpd_watch_uevents_active(w);
    CHECK(active == 0 || active == 1);
    CHECK((mpd_watch_uevent_error(w) == NULL) == (active == 1));
    printf("uevents active: %d (%s)\n", active,
           active ? "-" : mpd_watch_uevent_error(w));
    /* A zero timeout never sleeps, and sends nothing before the interval. */
    double start = now_ms();
    for (int i = 0; i < 20; i++)
        quiet(w, 0);
    CHECK(now_ms() - start < INTERVAL_MS + MARGIN_MS);
    mpd_watch_free(w);

    w = new_watch(sim, 0, 0);
    CHECK_INT(mpd_watch_uevents_active(w), 0);
    CHECK(mpd_watch_uevent_error(w) == NULL);
    mpd_watch_free(w);
}

/* The WWID of map `name`, into `buf`. */
static const char *map_wwid(mpd_client *c, const char *name, char *buf, size_t len)
{
    mpd_map_list *maps = NULL;
    CHECK_OK(mpd_client_list_maps(c, &maps));
    const char *uuid = mpd_map_uuid(mpd_map_list_find(maps, name));
    CHECK(uuid != NULL);
    snprintf(buf, len, "%s", uuid);
    mpd_map_list_free(maps);
    return buf;
}

static void test_fail_and_reinstate(mpd_client *c, mpd_sim *sim)
{
    mpd_watch *w = new_watch(sim, 0, 0);
    const char *wwid_a = "1Linux_scsi_debug_2000";
    char wwid_b[64];
    map_wwid(c, "mpathb", wwid_b, sizeof wwid_b);

    CHECK_OK(mpd_client_fail_path(c, "sda"));
    expect_path_state(w, "sda", "mpatha", 0);
    expect_active(w, "mpatha", 2, 1, 2);
    expect_health(w, "mpatha", wwid_a, "healthy", "degraded", 2);
    quiet(w, 2 * INTERVAL_MS);

    CHECK_OK(mpd_client_reinstate_path(c, "sda")); /* immediate mode */
    expect_path_state(w, "sda", "mpatha", 1);
    expect_active(w, "mpatha", 1, 2, 2);
    expect_health(w, "mpatha", wwid_a, "degraded", "healthy", 2);
    quiet(w, INTERVAL_MS);

    /* Both disks of mpathb stop answering; the checker finds them at its
     * next pass (run by the test). */
    CHECK_OK(mpd_sim_set_path_health(sim, "sdb", false));
    CHECK_OK(mpd_sim_set_path_health(sim, "sdd", false));
    CHECK_OK(mpd_sim_checker_pass(sim));
    expect_path_state(w, "sdb", "mpathb", 0);
    expect_path_state(w, "sdd", "mpathb", 0);
    expect_active(w, "mpathb", 2, 0, 2);
    mpd_event *e = next_event(w, MPD_EVENT_MAP_HEALTH_CHANGED);
    CHECK_STR(mpd_event_new_health(e), "all_paths_down_failing");
    mpd_event_free(e);
    CHECK_OK(mpd_sim_set_path_health(sim, "sdb", true));
    CHECK_OK(mpd_sim_set_path_health(sim, "sdd", true));
    CHECK_OK(mpd_sim_checker_pass(sim));
    expect_path_state(w, "sdb", "mpathb", 1);
    expect_path_state(w, "sdd", "mpathb", 1);
    expect_active(w, "mpathb", 0, 2, 2);
    expect_health(w, "mpathb", wwid_b, "all_paths_down_failing", "healthy", 2);
    quiet(w, INTERVAL_MS);

    CHECK_INT(mpd_watch_listings_sent(w), mpd_watch_commands_sent(w));
    CHECK(mpd_watch_commands_sent(w) >= 4);
    mpd_watch_free(w);
}

static void test_remove_and_add(mpd_client *c, mpd_sim *sim)
{
    char wwid_b[64];
    map_wwid(c, "mpathb", wwid_b, sizeof wwid_b);

    mpd_watch *w = new_watch(sim, 0, 0);
    CHECK_OK(mpd_client_remove_path(c, "sdc"));
    expect_path(w, MPD_EVENT_PATH_REMOVED, "sdc", "mpatha");
    expect_active(w, "mpatha", 2, 1, 1);
    quiet(w, 0);

    CHECK_OK(mpd_client_add_path(c, "sdc"));
    expect_path(w, MPD_EVENT_PATH_ADDED, "sdc", "mpatha");
    expect_active(w, "mpatha", 1, 2, 2);

    CHECK_OK(mpd_client_remove_map(c, "mpathb"));
    expect_path(w, MPD_EVENT_PATH_REMOVED, "sdb", "mpathb");
    expect_path(w, MPD_EVENT_PATH_REMOVED, "sdd", "mpathb");
    expect_map(w, MPD_EVENT_MAP_REMOVED, "mpathb", wwid_b);
    quiet(w, INTERVAL_MS);

    /* 0.8 cannot add a map device-mapper no longer has; reconfigure
     * brings it back there. */
    if (is_0_8)
        CHECK_OK(mpd_client_reconfigure(c));
    else
        CHECK_OK(mpd_client_add_map(c, "mpathb"));
    expect_map(w, MPD_EVENT_MAP_ADDED, "mpathb", wwid_b);
    expect_path(w, MPD_EVENT_PATH_ADDED, "sdb", "mpathb");
    expect_path(w, MPD_EVENT_PATH_ADDED, "sdd", "mpathb");
    quiet(w, 2 * INTERVAL_MS);
    mpd_watch_free(w);
}

/* The daemon closes every connection without a reply, then behaves again;
 * a change made meanwhile (in the simulator, not through the socket) is
 * reported after the DaemonBack. */
static void test_outage(mpd_sim *sim)
{
    mpd_watch *w = new_watch(sim, 0, 0);
    CHECK_OK(mpd_sim_set_fault(sim, "close"));
    expect_unreachable(w, "closed the connection");
    /* Exactly one such event: the watch retries, quietly. */
    uint64_t sent = mpd_watch_commands_sent(w);
    quiet(w, 600);
    CHECK(mpd_watch_commands_sent(w) > sent);
    CHECK_INT(mpd_watch_daemon_reachable(w), 0);

    CHECK_OK(mpd_sim_set_path_health(sim, "sda", false));
    CHECK_OK(mpd_sim_checker_pass(sim));
    CHECK_OK(mpd_sim_set_fault(sim, "none"));
    expect_back(w);
    expect_path_state(w, "sda", "mpatha", 0);
    expect_active(w, "mpatha", 2, 1, 2);
    expect_health(w, "mpatha", "1Linux_scsi_debug_2000", "healthy", "degraded", 2);
    quiet(w, INTERVAL_MS);
    CHECK_OK(mpd_sim_set_path_health(sim, "sda", true));
    CHECK_OK(mpd_sim_checker_pass(sim));
    expect_path_state(w, "sda", "mpatha", 1);
    expect_active(w, "mpatha", 1, 2, 2);
    expect_health(w, "mpatha", "1Linux_scsi_debug_2000", "degraded", "healthy", 2);
    mpd_watch_free(w);

    /* A daemon that hangs is unreachable after the watch's timeout. */
    w = new_watch(sim, 0, 500);
    CHECK_OK(mpd_sim_set_fault(sim, "hang"));
    expect_unreachable(w, "no complete reply");
    CHECK_OK(mpd_sim_set_fault(sim, "none"));
    expect_back(w);
    quiet(w, INTERVAL_MS);
    mpd_watch_free(w);
}

/* An error that is not about reaching the daemon is returned; the watch
 * stays usable. */
static void test_other_error(mpd_client *c, mpd_sim *sim)
{
    mpd_watch *w = new_watch(sim, 0, 0);
    CHECK_OK(mpd_sim_set_fault(sim, "bad-length"));
    mpd_event *e = (mpd_event *)&checks_run;
    CHECK_RESULT(mpd_watch_next(w, WAIT_MS, &e), MPD_PROTOCOL);
    CHECK(e == NULL);
    CHECK(strlen(mpd_watch_last_error(w)) > 0);
    CHECK_STR(mpd_watch_last_error(w), mpd_last_error());
    CHECK_INT(mpd_watch_daemon_reachable(w), 1);
    CHECK_OK(mpd_sim_set_fault(sim, "none"));
    quiet(w, 0);
    CHECK_STR(mpd_watch_last_error(w), "");

    CHECK_OK(mpd_client_fail_path(c, "sdd"));
    expect_path_state(w, "sdd", "mpathb", 0);
    expect_active(w, "mpathb", 2, 1, 2);
    mpd_event_free(next_event(w, MPD_EVENT_MAP_HEALTH_CHANGED));
    CHECK_OK(mpd_client_reinstate_path(c, "sdd"));
    expect_path_state(w, "sdd", "mpathb", 1);
    mpd_watch_free(w);
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: %s VERSION\n", argv[0]);
        return 2;
    }
    version = argv[1];
    is_0_8 = strcmp(version, "0.8.5") == 0;

    test_kinds();

    mpd_sim *sim = NULL;
    CHECK_OK(mpd_sim_start(version, 2, 2, MPD_SIM_IMMEDIATE | MPD_SIM_NO_CHECKER, &sim));
    mpd_client *c = NULL;
    CHECK_OK(mpd_client_connect(mpd_sim_address(sim), 0, &c));

    double start = now_ms();
    test_new(sim);
    test_fail_and_reinstate(c, sim);
    test_remove_and_add(c, sim);
    test_outage(sim);
    test_other_error(c, sim);

    mpd_client_free(c);
    mpd_sim_free(sim);

    char name[64];
    snprintf(name, sizeof name, "test_watch %s (%.1f s)", version, (now_ms() - start) / 1000);
    return checks_done(name);
}
