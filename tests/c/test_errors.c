/*
 * Every result code of libmpd from a real cause, against simulated
 * daemons (and, for MPD_CONNECT, against nothing; for MPD_MAP_IN_USE, a
 * 0.11.1 simulator with a map marked open; for MPD_WAIT_TIMEOUT, waits
 * that cannot be met and a safe removal of a map that stays open), plus
 * the last-error
 * rules: the client's message, the thread's message, out-pointers reset
 * to NULL.
 */
#define _POSIX_C_SOURCE 200809L
#include <time.h>
#include <unistd.h>

#include "check.h"

/* A non-NULL pointer value to put in out-pointers, to see them reset. */
#define SENTINEL ((void *)&checks_run)

static mpd_sim *start_sim(const char *version, uint32_t flags)
{
    mpd_sim *sim = NULL;
    CHECK_OK(mpd_sim_start(version, 2, 2, flags, &sim));
    return sim;
}

static mpd_client *connect_to(mpd_sim *sim, uint32_t timeout_ms)
{
    mpd_client *c = NULL;
    CHECK_OK(mpd_client_connect(mpd_sim_address(sim), timeout_ms, &c));
    return c;
}

/* After a failure, the client's message and the thread's are the same,
 * not empty, and contain `needle`. */
static void check_error(mpd_client *c, const char *needle)
{
    CHECK_CONTAINS(mpd_client_last_error(c), needle);
    CHECK_STR(mpd_last_error(), mpd_client_last_error(c));
}

/* mpd_result_str(code) is "NAME: what it means", a static string. */
#define CHECK_DESCRIBED(code)                                                 \
    do {                                                                      \
        const char *s_ = mpd_result_str(code);                                \
        CHECK(s_ != NULL && strncmp(s_, #code ": ", strlen(#code ": ")) == 0); \
        CHECK(strlen(s_) > strlen(#code ": "));                               \
        CHECK(mpd_result_str(code) == s_);                                    \
    } while (0)

static void test_result_names(void)
{
    CHECK_DESCRIBED(MPD_OK);
    CHECK_DESCRIBED(MPD_INVALID_ARGUMENT);
    CHECK_DESCRIBED(MPD_CONNECT);
    CHECK_DESCRIBED(MPD_TIMEOUT);
    CHECK_DESCRIBED(MPD_CONNECTION_CLOSED);
    CHECK_DESCRIBED(MPD_PROTOCOL);
    CHECK_DESCRIBED(MPD_PERMISSION_DENIED);
    CHECK_DESCRIBED(MPD_COMMAND_FAILED);
    CHECK_DESCRIBED(MPD_UNKNOWN_COMMAND);
    CHECK_DESCRIBED(MPD_BLACKLISTED);
    CHECK_DESCRIBED(MPD_MAP_IN_USE);
    CHECK_DESCRIBED(MPD_IO);
    CHECK_DESCRIBED(MPD_NULL_ARGUMENT);
    CHECK_DESCRIBED(MPD_INVALID_UTF8);
    CHECK_DESCRIBED(MPD_PANIC);
    CHECK_DESCRIBED(MPD_NOT_FOUND);
    CHECK_DESCRIBED(MPD_DAEMON_TIMEOUT);
    CHECK_DESCRIBED(MPD_WAIT_TIMEOUT);
    CHECK_DESCRIBED(MPD_UNTRUSTED_PEER);
    CHECK_STR(mpd_result_str(MPD_TIMEOUT),
              "MPD_TIMEOUT: no complete reply within the client's timeout: the command may "
              "have run (an action is not sent again by the library)");
    CHECK_CONTAINS(mpd_result_str(1000), "MPD_UNKNOWN_RESULT: ");
}

static void test_connect(void)
{
    char address[128];
    snprintf(address, sizeof address, "@mpd-ffi-test-nothing-here-%ld", (long)getpid());
    mpd_client *c = SENTINEL;
    CHECK_RESULT(mpd_client_connect(address, 500, &c), MPD_CONNECT);
    CHECK(c == NULL);
    CHECK_CONTAINS(mpd_last_error(), "cannot connect to multipathd at @mpd-ffi-test-nothing-here");

    c = SENTINEL;
    CHECK_RESULT(mpd_client_connect("/nonexistent/mpd-ffi/socket", 0, &c), MPD_CONNECT);
    CHECK(c == NULL);
    CHECK_CONTAINS(mpd_last_error(), "/nonexistent/mpd-ffi/socket");

    c = SENTINEL;
    CHECK_RESULT(mpd_client_connect("", 0, &c), MPD_INVALID_ARGUMENT);
    CHECK(c == NULL);
    CHECK_STR(mpd_last_error(), "address is empty");

    c = SENTINEL;
    CHECK_RESULT(mpd_client_connect("@\xff\xfe", 0, &c), MPD_INVALID_UTF8);
    CHECK(c == NULL);
    CHECK_CONTAINS(mpd_last_error(), "address is not valid UTF-8");
}

/* Refused before anything is sent: control characters, empty names,
 * commands over the daemon's 512-byte limit. */
static void test_invalid_arguments(mpd_client *c)
{
    CHECK_RESULT(mpd_client_fail_path(c, "sda\nshutdown"), MPD_INVALID_ARGUMENT);
    check_error(c, "invalid argument");
    CHECK_RESULT(mpd_client_remove_map(c, ""), MPD_INVALID_ARGUMENT);
    check_error(c, "must not be empty");
    CHECK_RESULT(mpd_client_suspend_map(c, "mpatha\t"), MPD_INVALID_ARGUMENT);

    char longname[700];
    memset(longname, 'a', sizeof longname - 1);
    longname[sizeof longname - 1] = '\0';
    CHECK_RESULT(mpd_client_add_path(c, longname), MPD_INVALID_ARGUMENT);
    check_error(c, "512");

    char *out = SENTINEL;
    CHECK_RESULT(mpd_client_command(c, "", &out), MPD_INVALID_ARGUMENT);
    CHECK(out == NULL);
    CHECK_RESULT(mpd_client_command(c, "show paths\nshutdown", &out), MPD_INVALID_ARGUMENT);
    CHECK(out == NULL);

    /* Nothing was sent: the daemon still runs, sda is untouched. */
    mpd_path_list *list = NULL;
    CHECK_OK(mpd_client_list_paths(c, &list));
    CHECK_STR(mpd_client_last_error(c), "");
    CHECK_STR(mpd_path_dm_state(mpd_path_list_find(list, "sda")), "active");
    mpd_path_list_free(list);
}

static void test_invalid_utf8(mpd_client *c)
{
    CHECK_RESULT(mpd_client_fail_path(c, "sd\xc3\x28"), MPD_INVALID_UTF8);
    check_error(c, "path is not valid UTF-8");
    CHECK_RESULT(mpd_client_resume_map(c, "\xff"), MPD_INVALID_UTF8);
    check_error(c, "map is not valid UTF-8");
    char *out = SENTINEL;
    CHECK_RESULT(mpd_client_command(c, "show \x80", &out), MPD_INVALID_UTF8);
    CHECK(out == NULL);
    check_error(c, "text is not valid UTF-8");
}

static void test_null_arguments(mpd_client *c)
{
    CHECK_RESULT(mpd_client_fail_path(c, NULL), MPD_NULL_ARGUMENT);
    check_error(c, "path is NULL");
    CHECK_RESULT(mpd_client_list_paths(c, NULL), MPD_NULL_ARGUMENT);
    check_error(c, "out is NULL");
    CHECK_RESULT(mpd_client_fail_path(NULL, "sda"), MPD_NULL_ARGUMENT);
    CHECK_STR(mpd_last_error(), "client is NULL");
    CHECK(mpd_client_last_error(NULL) == NULL);
}

/* 0.10+ say "device not found" for a missing path or a missing map's
 * topology: MPD_NOT_FOUND; a bare "fail" (as for `suspend map`) stays
 * MPD_COMMAND_FAILED. */
static void test_not_found(void)
{
    mpd_sim *sim = start_sim("0.11.1", 0);
    mpd_client *c = connect_to(sim, 0);
    CHECK_RESULT(mpd_client_fail_path(c, "sdx"), MPD_NOT_FOUND);
    check_error(c, "no such map or path");
    mpd_map_topology *m = SENTINEL;
    CHECK_RESULT(mpd_client_map_topology(c, "mpathx", &m), MPD_NOT_FOUND);
    CHECK(m == NULL);
    CHECK_RESULT(mpd_client_suspend_map(c, "nosuchmap"), MPD_COMMAND_FAILED);
    mpd_client_free(c);
    mpd_sim_free(sim);
}

static void test_daemon_refusals(mpd_client *c)
{
    /* Unknown map or path: the daemon answers "fail". */
    CHECK_RESULT(mpd_client_fail_path(c, "sdx"), MPD_COMMAND_FAILED);
    check_error(c, "fail path \\\"sdx\\\"");
    CHECK_RESULT(mpd_client_remove_map(c, "mpathx"), MPD_COMMAND_FAILED);
    check_error(c, "del map");
    CHECK_RESULT(mpd_client_suspend_map(c, "nosuchmap"), MPD_COMMAND_FAILED);
    mpd_map_topology *m = SENTINEL;
    CHECK_RESULT(mpd_client_map_topology(c, "mpathx", &m), MPD_COMMAND_FAILED);
    CHECK(m == NULL);

    /* A device the blacklist excludes. */
    CHECK_RESULT(mpd_client_add_path(c, "loop0"), MPD_BLACKLISTED);
    check_error(c, "blacklisted");

    /* A success clears the client's message but not the thread's. */
    CHECK_OK(mpd_client_reconfigure(c));
    CHECK_STR(mpd_client_last_error(c), "");
    CHECK_CONTAINS(mpd_last_error(), "blacklisted");
}

static void test_permission_denied(void)
{
    mpd_sim *sim = start_sim("0.9.4", MPD_SIM_FORCE_NONROOT);
    mpd_client *c = connect_to(sim, 0);
    CHECK_RESULT(mpd_client_fail_path(c, "sda"), MPD_PERMISSION_DENIED);
    check_error(c, "permission denied");
    CHECK_RESULT(mpd_client_reconfigure(c), MPD_PERMISSION_DENIED);
    /* show/list commands are allowed to anyone. */
    mpd_path_list *list = NULL;
    CHECK_OK(mpd_client_list_paths(c, &list));
    CHECK_INT(mpd_path_list_len(list), 4);
    mpd_path_list_free(list);
    /* And back to judging by the peer's uid (the tests may run as
     * anyone, so only check that the switch is accepted). */
    CHECK_OK(mpd_sim_set_force_nonroot(sim, false));
    CHECK_OK(mpd_sim_set_force_nonroot(sim, true));
    CHECK_RESULT(mpd_client_remove_path(c, "sda"), MPD_PERMISSION_DENIED);
    /* Waits and health only read: allowed. A safe removal is refused at
     * once, not retried until its deadline. */
    mpd_map *m = NULL;
    CHECK_OK(mpd_client_wait_for_map(c, "mpatha", 1, 500, &m));
    mpd_map_free(m);
    mpd_health *h = NULL;
    CHECK_OK(mpd_client_health(c, &h));
    CHECK(mpd_health_all_healthy(h));
    mpd_health_free(h);
    mpd_removal r = {0};
    CHECK_RESULT(mpd_client_remove_map_safely(c, "mpatha", 0, true, &r), MPD_PERMISSION_DENIED);
    check_error(c, "permission denied");
    CHECK_INT(r.attempts, 0);
    mpd_client_free(c);
    mpd_sim_free(sim);
}

static void test_unknown_command(void)
{
    /* 0.8.5 has no "reconfigure all": it answers with its help text. */
    mpd_sim *sim = start_sim("0.8.5", 0);
    mpd_client *c = connect_to(sim, 0);
    char *out = SENTINEL;
    CHECK_RESULT(mpd_client_command(c, "reconfigure all", &out), MPD_UNKNOWN_COMMAND);
    CHECK(out == NULL);
    check_error(c, "not supported by this multipathd (0.8.5)");
    CHECK_RESULT(mpd_client_reconfigure_all(c), MPD_UNKNOWN_COMMAND);
    CHECK_RESULT(mpd_client_command(c, "frobnicate maps", &out), MPD_UNKNOWN_COMMAND);
    mpd_client_free(c);
    mpd_sim_free(sim);
}

/* The transport failures, injected into a running simulator. */
static void test_faults(void)
{
    mpd_sim *sim = start_sim("0.11.1", 0);
    mpd_client *c = connect_to(sim, 300);
    mpd_path_list *list = NULL;

    CHECK_OK(mpd_sim_set_fault(sim, "hang"));
    list = SENTINEL;
    CHECK_RESULT(mpd_client_list_paths(c, &list), MPD_TIMEOUT);
    CHECK(list == NULL);
    check_error(c, "no complete reply within");

    CHECK_OK(mpd_sim_set_fault(sim, "timeout"));
    CHECK_RESULT(mpd_client_fail_path(c, "sda"), MPD_DAEMON_TIMEOUT);
    check_error(c, "the command was not run");

    CHECK_OK(mpd_sim_set_fault(sim, "drop-mid-reply"));
    CHECK_RESULT(mpd_client_list_paths(c, &list), MPD_CONNECTION_CLOSED);
    check_error(c, "closed the connection");

    CHECK_OK(mpd_sim_set_fault(sim, "close"));
    mpd_map_list *maps = SENTINEL;
    CHECK_RESULT(mpd_client_list_maps(c, &maps), MPD_CONNECTION_CLOSED);
    CHECK(maps == NULL);

    CHECK_OK(mpd_sim_set_fault(sim, "bad-length=0"));
    CHECK_RESULT(mpd_client_list_paths(c, &list), MPD_PROTOCOL);
    check_error(c, "protocol error");

    CHECK_OK(mpd_sim_set_fault(sim, "bad-length"));
    mpd_status *status = SENTINEL;
    CHECK_RESULT(mpd_client_status(c, &status), MPD_PROTOCOL);
    CHECK(status == NULL);

    /* A slow daemon within the timeout is fine; beyond it, a timeout. */
    CHECK_OK(mpd_sim_set_fault(sim, "none"));
    CHECK_OK(mpd_sim_set_reply_delay(sim, 50));
    CHECK_OK(mpd_client_list_paths(c, &list));
    CHECK_INT(mpd_path_list_len(list), 4);
    mpd_path_list_free(list);
    CHECK_OK(mpd_sim_set_reply_delay(sim, 1000));
    CHECK_RESULT(mpd_client_list_paths(c, &list), MPD_TIMEOUT);
    CHECK_OK(mpd_sim_set_reply_delay(sim, 0));

    /* After each failure the client reconnects for the next call. */
    CHECK_OK(mpd_client_list_paths(c, &list));
    CHECK_INT(mpd_path_list_len(list), 4);
    mpd_path_list_free(list);

    CHECK_RESULT(mpd_sim_set_fault(sim, "explode"), MPD_INVALID_ARGUMENT);
    CHECK_CONTAINS(mpd_last_error(), "unknown fault");
    mpd_client_free(c);
    mpd_sim_free(sim);
}

static void test_sim_errors(void)
{
    mpd_sim *sim = SENTINEL;
    CHECK_RESULT(mpd_sim_start("1.0", 2, 2, 0, &sim), MPD_INVALID_ARGUMENT);
    CHECK(sim == NULL);
    CHECK_CONTAINS(mpd_last_error(), "1.0");
    CHECK_RESULT(mpd_sim_start(NULL, 2, 2, 0x100, &sim), MPD_INVALID_ARGUMENT);
    CHECK_CONTAINS(mpd_last_error(), "flags");
    CHECK_RESULT(mpd_sim_start(NULL, 2, 0, 0, &sim), MPD_INVALID_ARGUMENT);
    CHECK_CONTAINS(mpd_last_error(), "paths per map");
    CHECK_RESULT(mpd_sim_start("\xff", 2, 2, 0, &sim), MPD_INVALID_UTF8);
    CHECK(sim == NULL);

    sim = start_sim(NULL, 0);
    CHECK_RESULT(mpd_sim_set_path_health(sim, "sdzz", false), MPD_INVALID_ARGUMENT);
    mpd_sim_free(sim);
}

static bool map_listed(mpd_client *c, const char *name)
{
    mpd_map_list *maps = NULL;
    CHECK_OK(mpd_client_list_maps(c, &maps));
    bool found = mpd_map_list_find(maps, name) != NULL;
    mpd_map_list_free(maps);
    return found;
}

/* A map in use (open: mounted, held by another device) cannot be
 * removed. 0.11.1 says so (MPD_MAP_IN_USE); 0.8.5 and 0.9.4 answer a bare
 * "fail" (MPD_COMMAND_FAILED). The map stays either way. */
static void test_map_in_use(void)
{
    const char *versions[] = {"0.8.5", "0.9.4", "0.11.1"};
    for (size_t i = 0; i < sizeof versions / sizeof versions[0]; i++) {
        bool says_so = strcmp(versions[i], "0.11.1") == 0;
        mpd_sim *sim = start_sim(versions[i], MPD_SIM_NO_CHECKER);
        mpd_client *c = connect_to(sim, 0);
        CHECK_OK(mpd_sim_set_map_in_use(sim, "mpatha", true));
        CHECK_RESULT(mpd_client_remove_map(c, "mpatha"),
                     says_so ? MPD_MAP_IN_USE : MPD_COMMAND_FAILED);
        check_error(c, "del map \\\"mpatha\\\"");
        if (says_so)
            check_error(c, "map or partition in use");
        CHECK(map_listed(c, "mpatha"));
        /* The other map is not in use; once closed, mpatha goes too. */
        CHECK_OK(mpd_client_remove_map(c, "mpathb"));
        CHECK_OK(mpd_sim_set_map_in_use(sim, "mpatha", false));
        CHECK_OK(mpd_client_remove_map(c, "mpatha"));
        CHECK(!map_listed(c, "mpatha"));

        CHECK_RESULT(mpd_sim_set_map_in_use(sim, "mpathx", true), MPD_INVALID_ARGUMENT);
        CHECK_CONTAINS(mpd_last_error(), "no map \"mpathx\"");
        mpd_client_free(c);
        mpd_sim_free(sim);
    }
}

/* The simulator's checker, driven by hand: a disk that stops answering
 * fails its path at the next checker pass. */
static void test_path_health(void)
{
    mpd_sim *sim = start_sim("0.9.4", MPD_SIM_NO_CHECKER);
    mpd_client *c = connect_to(sim, 0);
    CHECK_OK(mpd_sim_set_path_health(sim, "sdb", false));
    CHECK_OK(mpd_sim_checker_pass(sim));
    mpd_path_list *list = NULL;
    CHECK_OK(mpd_client_list_paths(c, &list));
    CHECK_STR(mpd_path_dm_state(mpd_path_list_find(list, "sdb")), "failed");
    mpd_path_list_free(list);
    CHECK_OK(mpd_sim_set_immediate(sim, true));
    CHECK_OK(mpd_sim_set_path_health(sim, "sdb", true));
    CHECK_OK(mpd_client_list_paths(c, &list));
    CHECK_STR(mpd_path_dm_state(mpd_path_list_find(list, "sdb")), "active");
    mpd_path_list_free(list);
    mpd_client_free(c);
    mpd_sim_free(sim);
}

static long long now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (long long)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

/* How far past its deadline a wait may return: one poll of a simulator
 * under valgrind. */
#define MARGIN_MS 1500

/* A wait that cannot be met: MPD_WAIT_TIMEOUT after its deadline (not
 * much later), the message saying what was waited for and what was seen
 * last, the out-pointer NULL. */
static void test_wait_timeout(void)
{
    mpd_sim *sim = start_sim("0.11.1", MPD_SIM_NO_CHECKER);
    mpd_client *c = connect_to(sim, 0);

    mpd_map *m = SENTINEL;
    long long start = now_ms();
    CHECK_RESULT(mpd_client_wait_for_map(c, "mpathx", 1, 200, &m), MPD_WAIT_TIMEOUT);
    long long took = now_ms() - start;
    CHECK(m == NULL);
    CHECK(took >= 200);
    CHECK(took < 200 + MARGIN_MS);
    check_error(c, "map \"mpathx\" with 1 active paths: not reached within 200ms");
    check_error(c, "(last seen: no such map)");

    /* There, but not with enough paths. */
    CHECK_RESULT(mpd_client_wait_for_map(c, "mpatha", 3, 200, &m), MPD_WAIT_TIMEOUT);
    check_error(c, "(last seen: map mpatha with 2 active paths)");

    mpd_path *p = SENTINEL;
    start = now_ms();
    CHECK_RESULT(mpd_client_wait_for_path(c, "sda", "failed", NULL, 300, &p), MPD_WAIT_TIMEOUT);
    took = now_ms() - start;
    CHECK(p == NULL);
    CHECK(took >= 300 && took < 300 + MARGIN_MS);
    check_error(c, "(last seen: path sda dm active checker ready)");

    const char *paths[] = {"sda", "sdb"};
    CHECK_RESULT(mpd_client_wait_paths_gone(c, paths, 2, 200), MPD_WAIT_TIMEOUT);
    check_error(c, "paths still there: sda, sdb");

    CHECK_RESULT(mpd_client_wait_map_gone(c, "mpatha", 200), MPD_WAIT_TIMEOUT);
    check_error(c, "map \"mpatha\" gone: not reached within 200ms");

    /* Quiet for 10 s cannot happen within 300 ms. */
    start = now_ms();
    CHECK_RESULT(mpd_client_wait_settled(c, 10000, 300), MPD_WAIT_TIMEOUT);
    took = now_ms() - start;
    CHECK(took >= 300 && took < 300 + MARGIN_MS);
    check_error(c, "busy: false, unchanged for");

    /* A daemon that does not answer does not end a wait: it times out
     * with what it saw last, no answer. */
    mpd_client *quick = connect_to(sim, 100);
    CHECK_OK(mpd_sim_set_fault(sim, "hang"));
    CHECK_RESULT(mpd_client_wait_for_map(quick, "mpatha", 1, 400, &m), MPD_WAIT_TIMEOUT);
    CHECK(m == NULL);
    check_error(quick, "(last seen: no answer (");
    /* Other failures end it at once, with their own code. */
    CHECK_OK(mpd_sim_set_fault(sim, "bad-length=0"));
    start = now_ms();
    CHECK_RESULT(mpd_client_wait_for_map(quick, "mpatha", 1, 5000, &m), MPD_PROTOCOL);
    CHECK(now_ms() - start < 5000);
    CHECK_OK(mpd_sim_set_fault(sim, "none"));
    CHECK_OK(mpd_client_wait_for_map(quick, "mpatha", 1, 5000, &m));
    mpd_map_free(m);
    mpd_client_free(quick);

    /* Bad arguments are refused before anything is sent. */
    CHECK_RESULT(mpd_client_wait_for_path(c, "sda", "\xff", NULL, 200, &p), MPD_INVALID_UTF8);
    check_error(c, "dm_state is not valid UTF-8");
    const char *holey[] = {"sda", NULL};
    CHECK_RESULT(mpd_client_wait_paths_gone(c, holey, 2, 200), MPD_NULL_ARGUMENT);
    check_error(c, "paths[1] is NULL");

    mpd_client_free(c);
    mpd_sim_free(sim);
}

/* remove_map_safely of a map that stays in use: it retries until its
 * deadline, restores queueing, and fails with MPD_WAIT_TIMEOUT; *out
 * stays zeroed and the message says what was done, with the code of the
 * last refusal (0.11.1: MPD_MAP_IN_USE; older releases answer a bare
 * "fail": MPD_COMMAND_FAILED). */
static void test_remove_map_in_use_times_out(void)
{
    const char *versions[] = {"0.8.5", "0.9.4", "0.11.1"};
    for (size_t i = 0; i < sizeof versions / sizeof versions[0]; i++) {
        bool says_so = strcmp(versions[i], "0.11.1") == 0;
        mpd_sim *sim = start_sim(versions[i], MPD_SIM_NO_CHECKER);
        mpd_client *c = connect_to(sim, 0);
        CHECK_OK(mpd_sim_set_map_in_use(sim, "mpatha", true));

        mpd_removal r = {7, true, true, true, MPD_PANIC, 7};
        long long start = now_ms();
        CHECK_RESULT(mpd_client_remove_map_safely(c, "mpatha", 1000, true, &r), MPD_WAIT_TIMEOUT);
        long long took = now_ms() - start;
        CHECK(took < 1000 + MARGIN_MS);
        CHECK(r.attempts == 0 && !r.already_gone && !r.queueing_disabled &&
              !r.queueing_restored && r.last_error == MPD_OK && r.elapsed_ms == 0);
        check_error(c, "remove map \"mpatha\": not reached within 1s (last seen: ");
        check_error(c, " attempts, last: ");
        if (says_so) {
            check_error(c, "map or partition in use");
            check_error(c, "[last refusal: MPD_MAP_IN_USE; queueing disabled, then restored]");
        } else {
            check_error(c, "[last refusal: MPD_COMMAND_FAILED; queueing disabled, then restored]");
        }
        /* The map is still there, queueing as before. */
        mpd_map_list *maps = NULL;
        CHECK_OK(mpd_client_list_maps(c, &maps));
        const mpd_map *a = mpd_map_list_find(maps, "mpatha");
        CHECK(a != NULL);
        CHECK(mpd_map_queueing(a) == NULL);
        mpd_map_list_free(maps);

        /* Closed, it goes. */
        CHECK_OK(mpd_sim_set_map_in_use(sim, "mpatha", false));
        CHECK_OK(mpd_client_remove_map_safely(c, "mpatha", 0, true, &r));
        CHECK(r.attempts >= 1 && r.last_error == MPD_OK);
        mpd_client_free(c);
        mpd_sim_free(sim);
    }
}

/* The peer check: a simulator run by this process's uid is refused by a
 * policy naming another uid (MPD_UNTRUSTED_PEER, nothing sent), accepted
 * by the default, by its own uid and by MPD_TRUST_ANY; a negative value
 * other than the two constants is refused. (tests/trust.rs of mpd-client
 * runs an impostor of another user.) */
static void test_untrusted_peer(void)
{
    mpd_sim *sim = start_sim("0.9.4", 0);
    mpd_client *c = SENTINEL;
    CHECK_RESULT(mpd_client_connect_with(mpd_sim_address(sim), 500, 4000000, &c),
                 MPD_UNTRUSTED_PEER);
    CHECK(c == NULL);
    CHECK_CONTAINS(mpd_last_error(), "expected uid 4000000");
    char uid[32];
    snprintf(uid, sizeof uid, "uid %ld", (long)geteuid());
    CHECK_CONTAINS(mpd_last_error(), uid);
    CHECK_RESULT(mpd_client_connect_with(mpd_sim_address(sim), 500, -7, &c),
                 MPD_INVALID_ARGUMENT);
    CHECK_OK(mpd_client_connect_with(mpd_sim_address(sim), 500, (int64_t)geteuid(), &c));
    mpd_client_free(c);
    CHECK_OK(mpd_client_connect_with(mpd_sim_address(sim), 500, MPD_TRUST_ROOT_OR_SELF, &c));
    mpd_client_free(c);
    CHECK_OK(mpd_client_connect_with(mpd_sim_address(sim), 500, MPD_TRUST_ANY, &c));
    mpd_client_free(c);
    mpd_watch *w = NULL;
    CHECK_OK(mpd_watch_new(mpd_sim_address(sim), 0, MPD_WATCH_TRUST_ANY, 500, &w));
    mpd_watch_free(w);
    mpd_sim_free(sim);
}

int main(void)
{
    CHECK_STR(mpd_last_error(), "");
    test_result_names();
    test_connect();

    mpd_sim *sim = start_sim("0.9.4", 0);
    mpd_client *c = connect_to(sim, 0);
    test_invalid_arguments(c);
    test_invalid_utf8(c);
    test_null_arguments(c);
    test_daemon_refusals(c);
    mpd_client_free(c);
    mpd_sim_free(sim);
    test_not_found();

    test_permission_denied();
    test_unknown_command();
    test_faults();
    test_sim_errors();
    test_path_health();
    test_map_in_use();
    test_wait_timeout();
    test_remove_map_in_use_times_out();
    test_untrusted_peer();
    return checks_done("test_errors");
}
