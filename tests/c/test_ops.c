/*
 * Every operation of libmpd against a simulated multipathd, with the
 * values the daemon reports afterwards.
 *
 * usage: test_ops VERSION    (0.8.5, 0.9.4 or 0.11.1)
 *
 * The simulator has 2 maps x 2 paths: mpatha = sda (8:0, prio 50) + sdc
 * (8:32, prio 10), mpathb = sdb (8:16) + sdd (8:48); one path group per
 * priority. It runs without a background checker and applies reinstated
 * and added paths at once, so every state below is deterministic.
 */
#define _POSIX_C_SOURCE 200809L
#include <pthread.h>
#include <time.h>
#include <unistd.h>

#include "check.h"

static const char *version;
static int is_0_8;

static mpd_path_list *paths(mpd_client *c)
{
    mpd_path_list *list = NULL;
    CHECK_OK(mpd_client_list_paths(c, &list));
    CHECK(list != NULL);
    return list;
}

static mpd_map_list *maps(mpd_client *c)
{
    mpd_map_list *list = NULL;
    CHECK_OK(mpd_client_list_maps(c, &list));
    CHECK(list != NULL);
    return list;
}

/* The dm state and checker state of one path, checked in one go. */
static void check_path_state(mpd_client *c, const char *dev, const char *dm,
                             const char *checker)
{
    mpd_path_list *list = paths(c);
    const mpd_path *p = mpd_path_list_find(list, dev);
    CHECK(p != NULL);
    CHECK_STR(mpd_path_dm_state(p), dm);
    CHECK_STR(mpd_path_checker_state(p), checker);
    mpd_path_list_free(list);
}

static void check_map_dm_state(mpd_client *c, const char *map, const char *dm)
{
    mpd_map_list *list = maps(c);
    CHECK_STR(mpd_map_dm_state(mpd_map_list_find(list, map)), dm);
    mpd_map_list_free(list);
}

static void test_list_paths(mpd_client *c)
{
    mpd_path_list *list = paths(c);
    CHECK_INT(mpd_path_list_len(list), 4);
    const mpd_path *sda = mpd_path_list_get(list, 0);
    CHECK_STR(mpd_path_device(sda), "sda");
    CHECK_INT(mpd_path_major(sda), 8);
    CHECK_INT(mpd_path_minor(sda), 0);
    CHECK_STR(mpd_path_uuid(sda), "1Linux_scsi_debug_2000");
    CHECK_STR(mpd_path_dev_state(sda), "running");
    CHECK_STR(mpd_path_dm_state(sda), "active");
    CHECK_STR(mpd_path_checker_state(sda), "ready");
    CHECK_STR(mpd_path_map(sda), "mpatha");
    CHECK_STR(mpd_path_hcil(sda), "0:0:0:0");
    CHECK_INT(mpd_path_priority(sda), 50);
    CHECK_STR(mpd_path_vendor(sda), "Linux");
    CHECK_STR(mpd_path_product(sda), "scsi_debug");
    CHECK_STR(mpd_path_serial(sda), "2000");
    CHECK_INT(mpd_path_marginal(sda), 0);
    CHECK_STR(mpd_path_checker(sda), "tur");
    /* Only 0.11+ report the revision with the vendor. */
    if (strcmp(version, "0.11.1") == 0)
        CHECK(mpd_path_revision(sda) != NULL);
    else
        CHECK(mpd_path_revision(sda) == NULL);

    const mpd_path *sdc = mpd_path_list_find(list, "sdc");
    CHECK(sdc != NULL);
    CHECK_INT(mpd_path_minor(sdc), 32);
    CHECK_INT(mpd_path_priority(sdc), 10);
    CHECK_STR(mpd_path_map(sdc), "mpatha");
    CHECK_STR(mpd_path_hcil(sdc), "1:0:0:0");

    CHECK(mpd_path_list_get(list, 4) == NULL);
    CHECK(mpd_path_list_find(list, "sdx") == NULL);
    mpd_path_list_free(list);
}

static void test_list_maps(mpd_client *c)
{
    mpd_map_list *list = maps(c);
    CHECK_INT(mpd_map_list_len(list), 2);
    const mpd_map *a = mpd_map_list_get(list, 0);
    CHECK_STR(mpd_map_name(a), "mpatha");
    CHECK_STR(mpd_map_uuid(a), "1Linux_scsi_debug_2000");
    CHECK_STR(mpd_map_device(a), "dm-0");
    CHECK_INT(mpd_map_active_paths(a), 2);
    CHECK_STR(mpd_map_dm_state(a), "active");
    CHECK_STR(mpd_map_size(a), "16M");
    CHECK_STR(mpd_map_features(a), "0");
    CHECK_STR(mpd_map_hwhandler(a), "1 alua");
    CHECK_STR(mpd_map_write_prot(a), "rw");
    CHECK_STR(mpd_map_queueing(a), NULL); /* "-": no queue_if_no_path */
    CHECK_STR(mpd_map_vendor(a), "Linux");
    CHECK_STR(mpd_map_product(a), "scsi_debug");
    CHECK(mpd_map_revision(a) != NULL);
    if (strcmp(version, "0.11.1") == 0)
        CHECK_STR(mpd_map_failback(a), "manual");
    else
        CHECK_STR(mpd_map_failback(a), NULL);
    CHECK_STR(mpd_map_device(mpd_map_list_find(list, "mpathb")), "dm-1");
    CHECK(mpd_map_list_get(list, 2) == NULL);
    mpd_map_list_free(list);
}

static void test_topology(mpd_client *c)
{
    mpd_topology *t = NULL;
    CHECK_OK(mpd_client_topology(c, &t));
    CHECK_INT(mpd_topology_map_count(t), 2);
    CHECK_INT(mpd_topology_major_version(t), 0);
    CHECK(mpd_topology_minor_version(t) >= 1);
    const mpd_map_topology *a = mpd_topology_map(t, 0);
    CHECK_STR(mpd_map_topology_name(a), "mpatha");
    CHECK_STR(mpd_map_topology_uuid(a), "1Linux_scsi_debug_2000");
    CHECK_STR(mpd_map_topology_device(a), "dm-0");
    CHECK_INT(mpd_map_topology_active_paths(a), 2);
    CHECK_STR(mpd_map_topology_dm_state(a), "active");
    CHECK_STR(mpd_map_topology_write_prot(a), "rw");
    CHECK_STR(mpd_map_topology_features(a), "0");
    CHECK_STR(mpd_map_topology_hwhandler(a), "1 alua");
    CHECK_STR(mpd_map_topology_action(a), "create");
    CHECK_STR(mpd_map_topology_vendor(a), "Linux");
    CHECK_STR(mpd_map_topology_product(a), "scsi_debug");
    CHECK(mpd_map_topology_revision(a) != NULL);
    CHECK(mpd_map_topology_queueing(a) == NULL);
    CHECK(mpd_map_topology_failback(a) == NULL || strcmp(version, "0.11.1") == 0);
    CHECK_INT(mpd_map_topology_path_faults(a), 0);
    CHECK_INT(mpd_map_topology_switch_grp(a), 0);
    CHECK_INT(mpd_map_topology_map_loads(a), 1);
    CHECK_INT(mpd_map_topology_total_q_time(a), 0);
    CHECK_INT(mpd_map_topology_q_timeouts(a), 0);
    CHECK(mpd_map_topology_size(a) == NULL); /* not in the JSON */
    CHECK_INT(mpd_map_topology_group_count(a), 2);

    const mpd_path_group *g1 = mpd_map_topology_group(a, 0);
    CHECK_INT(mpd_path_group_number(g1), 1);
    CHECK_STR(mpd_path_group_selector(g1), "service-time 0");
    CHECK_INT(mpd_path_group_priority(g1), 50);
    CHECK_STR(mpd_path_group_dm_state(g1), "active");
    CHECK_INT(mpd_path_group_marginal(g1), 0);
    CHECK_INT(mpd_path_group_path_count(g1), 1);
    const mpd_topology_path *sda = mpd_path_group_path(g1, 0);
    CHECK_STR(mpd_topology_path_device(sda), "sda");
    CHECK_INT(mpd_topology_path_major(sda), 8);
    CHECK_INT(mpd_topology_path_minor(sda), 0);
    CHECK_STR(mpd_topology_path_dm_state(sda), "active");
    CHECK_STR(mpd_topology_path_dev_state(sda), "running");
    CHECK_STR(mpd_topology_path_checker_state(sda), "ready");
    CHECK_STR(mpd_topology_path_checker(sda), "tur");
    CHECK_INT(mpd_topology_path_priority(sda), 50);
    CHECK_INT(mpd_topology_path_marginal(sda), 0);
    if (is_0_8)
        CHECK(mpd_topology_path_lun_hex(sda) == NULL);
    else
        CHECK_STR(mpd_topology_path_lun_hex(sda), "0x0000000000000000");
    /* scsi_debug is not Fibre Channel: the daemon says "[undef]". */
    CHECK(mpd_topology_path_host_wwnn(sda) == NULL);
    CHECK(mpd_topology_path_target_wwnn(sda) == NULL);
    CHECK(mpd_topology_path_host_wwpn(sda) == NULL);
    CHECK(mpd_topology_path_target_wwpn(sda) == NULL);
    CHECK(mpd_topology_path_host_adapter(sda) == NULL);
    CHECK(mpd_topology_path_hcil(sda) == NULL); /* not in the JSON */
    CHECK(mpd_path_group_path(g1, 1) == NULL);

    const mpd_path_group *g2 = mpd_map_topology_group(a, 1);
    CHECK_INT(mpd_path_group_number(g2), 2);
    CHECK_INT(mpd_path_group_priority(g2), 10);
    CHECK_STR(mpd_path_group_dm_state(g2), "enabled");
    CHECK_STR(mpd_topology_path_device(mpd_path_group_path(g2, 0)), "sdc");
    CHECK(mpd_map_topology_group(a, 2) == NULL);

    const mpd_map_topology *b = mpd_topology_find_map(t, "mpathb");
    CHECK(b == mpd_topology_map(t, 1));
    CHECK(mpd_topology_find_map(t, "mpathx") == NULL);
    CHECK(mpd_topology_map(t, 2) == NULL);
    mpd_topology_free(t);

    mpd_map_topology *mb = NULL;
    CHECK_OK(mpd_client_map_topology(c, "mpathb", &mb));
    CHECK_STR(mpd_map_topology_name(mb), "mpathb");
    CHECK_INT(mpd_map_topology_group_count(mb), 2);
    CHECK_STR(mpd_topology_path_device(
                  mpd_path_group_path(mpd_map_topology_group(mb, 1), 0)), "sdd");
    mpd_map_topology_free(mb);
}

static void test_status(mpd_client *c)
{
    mpd_status *s = NULL;
    CHECK_OK(mpd_client_status(c, &s));
    CHECK_INT(mpd_status_paths(s), 4);
    CHECK(!mpd_status_busy(s));
    CHECK_INT(mpd_status_state_count(s), 1);
    CHECK_STR(mpd_status_state_name(s, 0), "up");
    CHECK_INT(mpd_status_state_paths(s, 0), 4);
    CHECK_INT(mpd_status_paths_in_state(s, "up"), 4);
    CHECK_INT(mpd_status_paths_in_state(s, "down"), 0);
    CHECK(mpd_status_state_name(s, 1) == NULL);
    mpd_status_free(s);

    mpd_daemon_state *d = NULL;
    CHECK_OK(mpd_client_daemon_state(c, &d));
    CHECK_INT(mpd_daemon_state_pid(d), getpid()); /* the simulator is in-process */
    CHECK_STR(mpd_daemon_state_state(d), "idle");
    mpd_daemon_state_free(d);

    mpd_daemon_version v = {0};
    CHECK_OK(mpd_client_daemon_version(c, &v));
    char text[32];
    snprintf(text, sizeof text, "%u.%u.%u", v.major, v.minor, v.patch);
    CHECK_STR(text, version);

    char *state = NULL;
    CHECK_OK(mpd_client_path_state(c, "sda", &state));
    CHECK_STR(state, "running");
    mpd_string_free(state);

    char *config = NULL;
    CHECK_OK(mpd_client_config(c, &config));
    CHECK_CONTAINS(config, "defaults {");
    mpd_string_free(config);
}

/* The operations beyond the contract: map status and stats, the text
 * topology, the configuration texts, daemon queueing, the stats resets
 * and persistent reservations. */
static void test_more_queries(mpd_client *c)
{
    mpd_map_status_list *st = NULL;
    CHECK_OK(mpd_client_map_status(c, &st));
    CHECK_INT(mpd_map_status_list_len(st), 2);
    const mpd_map_status *a = mpd_map_status_list_find(st, "mpatha");
    CHECK(a == mpd_map_status_list_get(st, 0));
    CHECK(mpd_map_status_list_get(st, 2) == NULL);
    CHECK(mpd_map_status_list_find(st, "nosuch") == NULL);
    CHECK_STR(mpd_map_status_name(a), "mpatha");
    CHECK_INT(mpd_map_status_active_paths(a), 2);
    CHECK_STR(mpd_map_status_dm_state(a), "active");
    CHECK_STR(mpd_map_status_write_prot(a), "rw");
    CHECK(mpd_map_status_queueing(a) == NULL); /* "-": no_path_retry not set */
    if (strcmp(version, "0.11.1") == 0)
        CHECK_STR(mpd_map_status_failback(a), "manual");
    else
        CHECK(mpd_map_status_failback(a) == NULL);
    mpd_map_status_list_free(st);

    CHECK_OK(mpd_client_reload_map(c, "mpathb"));
    mpd_map_stats_list *ss = NULL;
    CHECK_OK(mpd_client_map_stats(c, &ss));
    CHECK_INT(mpd_map_stats_list_len(ss), 2);
    const mpd_map_stats *b = mpd_map_stats_list_find(ss, "mpathb");
    CHECK(b == mpd_map_stats_list_get(ss, 1));
    CHECK(mpd_map_stats_list_find(ss, "nosuch") == NULL);
    CHECK_STR(mpd_map_stats_name(b), "mpathb");
    CHECK(mpd_map_stats_map_loads(b) >= 2);
    CHECK_INT(mpd_map_stats_path_faults(b), 0);
    CHECK_INT(mpd_map_stats_switch_grp(b), 0);
    CHECK_INT(mpd_map_stats_total_q_time(b), 0);
    CHECK_INT(mpd_map_stats_q_timeouts(b), 0);
    mpd_map_stats_list_free(ss);
    CHECK_OK(mpd_client_reset_map_stats(c, "mpathb"));
    CHECK_OK(mpd_client_map_stats(c, &ss));
    CHECK_INT(mpd_map_stats_map_loads(mpd_map_stats_list_find(ss, "mpathb")), 0);
    mpd_map_stats_list_free(ss);
    CHECK_OK(mpd_client_reset_maps_stats(c));
    CHECK_OK(mpd_client_map_stats(c, &ss));
    CHECK_INT(mpd_map_stats_map_loads(mpd_map_stats_list_find(ss, "mpatha")), 0);
    mpd_map_stats_list_free(ss);

    mpd_topology *t = NULL;
    CHECK_OK(mpd_client_topology_text(c, &t));
    CHECK_INT(mpd_topology_map_count(t), 2);
    const mpd_map_topology *ta = mpd_topology_find_map(t, "mpatha");
    CHECK_INT(mpd_map_topology_total_paths(ta), 2);
    CHECK_INT(mpd_topology_major_version(t), -1); /* parsed from text */
    CHECK_STR(mpd_map_topology_size(ta), "16M");
    mpd_topology_free(t);

    char *text = NULL;
    CHECK_OK(mpd_client_config_local(c, &text));
    mpd_string_free(text);
    CHECK_OK(mpd_client_wildcards(c, &text));
    CHECK_CONTAINS(text, "%w");
    mpd_string_free(text);
    CHECK_OK(mpd_client_blacklist(c, &text));
    CHECK_CONTAINS(text, "device node rules:");
    mpd_string_free(text);
    CHECK_OK(mpd_client_devices(c, &text));
    CHECK_CONTAINS(text, "sda");
    mpd_string_free(text);

    CHECK_OK(mpd_client_force_queuing_daemon(c));
    CHECK_OK(mpd_client_restore_queuing_daemon(c));

    mpd_pr_status prs = MPD_PR_SET;
    CHECK_OK(mpd_client_pr_status(c, "mpatha", &prs));
    CHECK_INT(prs, MPD_PR_UNSET);
    CHECK_OK(mpd_client_set_pr_status(c, "mpatha"));
    CHECK_OK(mpd_client_pr_status(c, "mpatha", &prs));
    CHECK_INT(prs, MPD_PR_SET);
    CHECK_OK(mpd_client_unset_pr_status(c, "mpatha"));
    CHECK_OK(mpd_client_pr_status(c, "mpatha", &prs));
    CHECK_INT(prs, MPD_PR_UNSET);

    mpd_pr_key key = {true, 7, true};
    CHECK_OK(mpd_client_pr_key(c, "mpatha", &key));
    CHECK(!key.has_key && key.key == 0 && !key.aptpl);
    /* The simulator from C has no prkeys file: the daemon refuses. */
    CHECK_RESULT(mpd_client_set_pr_key(c, "mpatha", "0x1a"), MPD_COMMAND_FAILED);
    CHECK_RESULT(mpd_client_set_pr_key(c, "mpatha", "not a key"), MPD_INVALID_ARGUMENT);
    CHECK_OK(mpd_client_unset_pr_key(c, "mpatha"));
}

/* `del maps` removes every map; `reconfigure` brings them back. */
static void test_remove_maps(mpd_client *c)
{
    CHECK_OK(mpd_client_remove_maps(c));
    mpd_map_list *list = maps(c);
    CHECK_INT(mpd_map_list_len(list), 0);
    mpd_map_list_free(list);
    CHECK_OK(mpd_client_reconfigure(c));
    list = maps(c);
    CHECK_INT(mpd_map_list_len(list), 2);
    mpd_map_list_free(list);
}

static void test_fail_and_reinstate(mpd_client *c)
{
    CHECK_OK(mpd_client_fail_path(c, "sda"));
    check_path_state(c, "sda", "failed", "faulty");
    mpd_status *s = NULL;
    CHECK_OK(mpd_client_status(c, &s));
    CHECK_INT(mpd_status_paths_in_state(s, "up"), 3);
    CHECK_INT(mpd_status_paths_in_state(s, "down"), 1);
    mpd_status_free(s);

    CHECK_OK(mpd_client_reinstate_path(c, "sda"));
    check_path_state(c, "sda", "active", "ready");
}

static void test_remove_and_add_path(mpd_client *c)
{
    CHECK_OK(mpd_client_remove_path(c, "sdd"));
    mpd_path_list *list = paths(c);
    CHECK_INT(mpd_path_list_len(list), 3);
    CHECK(mpd_path_list_find(list, "sdd") == NULL);
    mpd_path_list_free(list);

    CHECK_OK(mpd_client_add_path(c, "sdd"));
    list = paths(c);
    CHECK_INT(mpd_path_list_len(list), 4);
    CHECK_STR(mpd_path_map(mpd_path_list_find(list, "sdd")), "mpathb");
    CHECK_STR(mpd_path_checker_state(mpd_path_list_find(list, "sdd")), "ready");
    mpd_path_list_free(list);
}

static void test_remove_and_add_map(mpd_client *c)
{
    CHECK_OK(mpd_client_remove_map(c, "mpathb"));
    mpd_map_list *list = maps(c);
    CHECK_INT(mpd_map_list_len(list), 1);
    CHECK(mpd_map_list_find(list, "mpathb") == NULL);
    mpd_map_list_free(list);
    mpd_path_list *plist = paths(c);
    CHECK_STR(mpd_path_map(mpd_path_list_find(plist, "sdb")), NULL); /* orphan */
    mpd_path_list_free(plist);

    if (is_0_8) {
        /* 0.8 only adopts an existing dm map; reconfigure re-creates it. */
        CHECK_RESULT(mpd_client_add_map(c, "mpathb"), MPD_COMMAND_FAILED);
        CHECK_OK(mpd_client_reconfigure(c));
    } else {
        CHECK_OK(mpd_client_add_map(c, "mpathb"));
    }
    list = maps(c);
    CHECK_INT(mpd_map_list_len(list), 2);
    CHECK_INT(mpd_map_active_paths(mpd_map_list_find(list, "mpathb")), 2);
    mpd_map_list_free(list);
}

static void test_map_actions(mpd_client *c)
{
    CHECK_OK(mpd_client_suspend_map(c, "mpatha"));
    check_map_dm_state(c, "mpatha", "suspend");
    check_map_dm_state(c, "mpathb", "active");
    CHECK_OK(mpd_client_resume_map(c, "mpatha"));
    check_map_dm_state(c, "mpatha", "active");

    mpd_map_topology *m = NULL;
    CHECK_OK(mpd_client_map_topology(c, "mpatha", &m));
    int64_t loads = mpd_map_topology_map_loads(m);
    mpd_map_topology_free(m);
    CHECK_OK(mpd_client_reload_map(c, "mpatha"));
    CHECK_OK(mpd_client_map_topology(c, "mpatha", &m));
    CHECK_INT(mpd_map_topology_map_loads(m), loads + 1);
    mpd_map_topology_free(m);

    CHECK_OK(mpd_client_resize_map(c, "mpatha"));
    CHECK_OK(mpd_client_reset_map(c, "mpatha"));
    check_map_dm_state(c, "mpatha", "active");

    CHECK_OK(mpd_client_switch_group(c, "mpatha", 2));
    CHECK_OK(mpd_client_map_topology(c, "mpatha", &m));
    /* The daemon marks the old group enabled; the kernel picks the new one
     * at the next I/O. */
    CHECK_STR(mpd_path_group_dm_state(mpd_map_topology_group(m, 0)), "enabled");
    mpd_map_topology_free(m);
    CHECK_RESULT(mpd_client_switch_group(c, "mpatha", 9), MPD_COMMAND_FAILED);
}

static void check_queueing(mpd_client *c, const char *a, const char *b)
{
    mpd_map_list *list = maps(c);
    CHECK_STR(mpd_map_queueing(mpd_map_list_find(list, "mpatha")), a);
    CHECK_STR(mpd_map_queueing(mpd_map_list_find(list, "mpathb")), b);
    mpd_map_list_free(list);
}

static void test_queueing(mpd_client *c)
{
    check_queueing(c, NULL, NULL);
    CHECK_OK(mpd_client_disable_map_queuing(c, "mpatha"));
    check_queueing(c, "off", NULL);
    CHECK_OK(mpd_client_restore_map_queuing(c, "mpatha"));
    check_queueing(c, NULL, NULL);
    CHECK_OK(mpd_client_disable_queuing(c));
    check_queueing(c, "off", "off");
    CHECK_OK(mpd_client_restore_queuing(c));
    check_queueing(c, NULL, NULL);
}

static void test_marginal(mpd_client *c)
{
    CHECK_OK(mpd_client_set_marginal(c, "sdc"));
    mpd_path_list *list = paths(c);
    CHECK_INT(mpd_path_marginal(mpd_path_list_find(list, "sdc")), 1);
    CHECK_INT(mpd_path_marginal(mpd_path_list_find(list, "sda")), 0);
    mpd_path_list_free(list);
    CHECK_OK(mpd_client_unset_marginal(c, "sdc"));
    list = paths(c);
    CHECK_INT(mpd_path_marginal(mpd_path_list_find(list, "sdc")), 0);
    mpd_path_list_free(list);
    CHECK_OK(mpd_client_set_marginal(c, "sdc"));
    CHECK_OK(mpd_client_unset_map_marginal(c, "mpatha"));
    list = paths(c);
    CHECK_INT(mpd_path_marginal(mpd_path_list_find(list, "sdc")), 0);
    mpd_path_list_free(list);
}

static void test_reconfigure(mpd_client *c)
{
    CHECK_OK(mpd_client_reconfigure(c));
    if (is_0_8)
        CHECK_RESULT(mpd_client_reconfigure_all(c), MPD_UNKNOWN_COMMAND);
    else
        CHECK_OK(mpd_client_reconfigure_all(c));
    mpd_map_list *list = maps(c);
    CHECK_INT(mpd_map_list_len(list), 2);
    mpd_map_list_free(list);
}

static void test_raw_command(mpd_client *c)
{
    char *out = NULL;
    CHECK_OK(mpd_client_command(c, "show daemon", &out));
    CHECK_CONTAINS(out, "idle");
    mpd_string_free(out);

    /* An action answers "ok", which comes back as "". */
    CHECK_OK(mpd_client_command(c, "fail path sdb", &out));
    CHECK_STR(out, "");
    mpd_string_free(out);
    check_path_state(c, "sdb", "failed", "faulty");
    CHECK_OK(mpd_client_command(c, "reinstate path sdb", &out));
    mpd_string_free(out);
    check_path_state(c, "sdb", "active", "ready");

    /* Keywords abbreviate as in the daemon's own parser. */
    CHECK_OK(mpd_client_command(c, "show paths raw format %d", &out));
    CHECK_STR(out, "sda\nsdb\nsdc\nsdd\n");
    mpd_string_free(out);
}

/* ----- the jobs ----- */

static void test_health_states(void)
{
    CHECK_STR(mpd_health_state_str(MPD_HEALTH_HEALTHY), "healthy");
    CHECK_STR(mpd_health_state_str(MPD_HEALTH_DEGRADED), "degraded");
    CHECK_STR(mpd_health_state_str(MPD_HEALTH_SUSPENDED), "suspended");
    CHECK_STR(mpd_health_state_str(MPD_HEALTH_ALL_PATHS_DOWN_QUEUEING), "all_paths_down_queueing");
    CHECK_STR(mpd_health_state_str(MPD_HEALTH_ALL_PATHS_DOWN_FAILING), "all_paths_down_failing");
    CHECK_STR(mpd_health_state_str(MPD_HEALTH_NO_PATHS), "no_paths");
    CHECK(mpd_health_state_str(MPD_HEALTH_UNKNOWN) == NULL);
    CHECK(mpd_health_state_str(MPD_HEALTH_NO_PATHS + 1) == NULL);
    /* Static strings: the same pointer every time. */
    CHECK(mpd_health_state_str(MPD_HEALTH_DEGRADED) == mpd_health_state_str(MPD_HEALTH_DEGRADED));
}

/* Health follows the paths: degraded after one fail, all paths down
 * after both, suspended while suspended; the total stays. */
static void test_health(mpd_client *c)
{
    mpd_health *h = NULL;
    CHECK_OK(mpd_client_health(c, &h));
    CHECK_INT(mpd_health_map_count(h), 2);
    CHECK(mpd_health_all_healthy(h));
    CHECK_INT(mpd_health_count(h, MPD_HEALTH_HEALTHY), 2);
    CHECK_INT(mpd_health_count(h, MPD_HEALTH_DEGRADED), 0);
    mpd_health_free(h);

    CHECK_OK(mpd_client_fail_path(c, "sda"));
    CHECK_OK(mpd_client_health(c, &h));
    CHECK(!mpd_health_all_healthy(h));
    CHECK_INT(mpd_health_count(h, MPD_HEALTH_HEALTHY), 1);
    CHECK_INT(mpd_health_count(h, MPD_HEALTH_DEGRADED), 1);
    CHECK_INT(mpd_health_count(h, MPD_HEALTH_NO_PATHS), 0);
    CHECK_INT(mpd_health_count(h, MPD_HEALTH_UNKNOWN), 0);
    const mpd_map_health *a = mpd_health_find_map(h, "mpatha");
    CHECK(a != NULL && a == mpd_health_map(h, 0));
    CHECK(mpd_health_map(h, 2) == NULL);
    CHECK(mpd_health_find_map(h, "mpathx") == NULL);
    CHECK_STR(mpd_map_health_name(a), "mpatha");
    CHECK_STR(mpd_map_health_uuid(a), "1Linux_scsi_debug_2000");
    CHECK_INT(mpd_map_health_state(a), MPD_HEALTH_DEGRADED);
    CHECK_STR(mpd_health_state_str(mpd_map_health_state(a)), "degraded");
    CHECK_INT(mpd_map_health_up_paths(a), 1);
    CHECK_INT(mpd_map_health_total_paths(a), 2);
    CHECK(!mpd_map_health_queues(a)); /* features "0", no no_path_retry */
    CHECK_INT(mpd_map_health_down_path_count(a), 1);
    const mpd_down_path *d = mpd_map_health_down_path(a, 0);
    CHECK_STR(mpd_down_path_device(d), "sda");
    CHECK_STR(mpd_down_path_dm_state(d), "failed");
    CHECK_STR(mpd_down_path_checker_state(d), "faulty");
    CHECK(mpd_map_health_down_path(a, 1) == NULL);
    const mpd_map_health *b = mpd_health_find_map(h, "mpathb");
    CHECK_INT(mpd_map_health_state(b), MPD_HEALTH_HEALTHY);
    CHECK_INT(mpd_map_health_down_path_count(b), 0);
    mpd_health_free(h);

    /* One map alone, owned by the caller. */
    mpd_map_health *m = NULL;
    CHECK_OK(mpd_client_fail_path(c, "sdc"));
    CHECK_OK(mpd_client_map_health(c, "mpatha", &m));
    CHECK_STR(mpd_map_health_name(m), "mpatha");
    CHECK_INT(mpd_map_health_up_paths(m), 0);
    CHECK_INT(mpd_map_health_total_paths(m), 2); /* the total stays */
    CHECK_INT(mpd_map_health_down_path_count(m), 2);
    CHECK_INT(mpd_map_health_state(m), MPD_HEALTH_ALL_PATHS_DOWN_FAILING);
    mpd_map_health_free(m);

    CHECK_OK(mpd_client_reinstate_path(c, "sda"));
    CHECK_OK(mpd_client_reinstate_path(c, "sdc"));
    CHECK_OK(mpd_client_suspend_map(c, "mpathb"));
    CHECK_OK(mpd_client_health(c, &h));
    CHECK_INT(mpd_map_health_state(mpd_health_find_map(h, "mpatha")), MPD_HEALTH_HEALTHY);
    CHECK_INT(mpd_map_health_state(mpd_health_find_map(h, "mpathb")), MPD_HEALTH_SUSPENDED);
    CHECK_INT(mpd_health_count(h, MPD_HEALTH_SUSPENDED), 1);
    mpd_health_free(h);
    CHECK_OK(mpd_client_resume_map(c, "mpathb"));
    CHECK_OK(mpd_client_map_health(c, "mpathb", &m));
    CHECK_INT(mpd_map_health_state(m), MPD_HEALTH_HEALTHY);
    mpd_map_health_free(m);
}

/* The waits, each met at once (the simulator applies commands at once):
 * what they return and that they see the state a command left. */
static void test_waits(mpd_client *c)
{
    /* By name, then by WWID: the map's row (name, WWID, active paths). */
    mpd_map *m = NULL;
    CHECK_OK(mpd_client_wait_for_map(c, "mpatha", 2, 5000, &m));
    CHECK_STR(mpd_map_name(m), "mpatha");
    CHECK_STR(mpd_map_uuid(m), "1Linux_scsi_debug_2000");
    CHECK_INT(mpd_map_active_paths(m), 2);
    mpd_map_free(m);
    m = NULL;
    CHECK_OK(mpd_client_wait_for_map(c, "1Linux_scsi_debug_2000", 1, 0, &m));
    CHECK_STR(mpd_map_name(m), "mpatha");
    mpd_map_free(m);

    /* A path failed, then up again (dm "active" and checker "ready"). */
    mpd_path *p = NULL;
    CHECK_OK(mpd_client_fail_path(c, "sdb"));
    CHECK_OK(mpd_client_wait_for_path(c, "sdb", "failed", NULL, 5000, &p));
    CHECK_STR(mpd_path_device(p), "sdb");
    CHECK_STR(mpd_path_dm_state(p), "failed");
    CHECK_STR(mpd_path_checker_state(p), "faulty");
    CHECK_STR(mpd_path_map(p), "mpathb");
    CHECK_INT(mpd_path_major(p), 8);
    CHECK_INT(mpd_path_minor(p), 16);
    mpd_path_free(p);
    CHECK_OK(mpd_client_reinstate_path(c, "sdb"));
    CHECK_OK(mpd_client_wait_for_path(c, "sdb", "active", "ready", 5000, &p));
    CHECK_STR(mpd_path_dm_state(p), "active");
    mpd_path_free(p);
    /* Neither state given: the path in any state. */
    CHECK_OK(mpd_client_wait_for_path(c, "sdc", NULL, NULL, 0, &p));
    CHECK_STR(mpd_path_device(p), "sdc");
    mpd_path_free(p);

    /* Paths gone after `del path`; an empty list is met at once. */
    const char *gone[] = {"sdd", "sdx"};
    CHECK_OK(mpd_client_remove_path(c, "sdd"));
    CHECK_OK(mpd_client_wait_paths_gone(c, gone, 2, 5000));
    CHECK_OK(mpd_client_wait_paths_gone(c, NULL, 0, 0));
    CHECK_OK(mpd_client_add_path(c, "sdd"));
    CHECK_OK(mpd_client_wait_for_path(c, "sdd", "active", "ready", 5000, &p));
    CHECK_STR(mpd_path_map(p), "mpathb");
    mpd_path_free(p);

    /* A map gone after `del map`, by name. */
    CHECK_OK(mpd_client_remove_map(c, "mpathb"));
    CHECK_OK(mpd_client_wait_map_gone(c, "mpathb", 5000));
    if (is_0_8)
        CHECK_OK(mpd_client_reconfigure(c));
    else
        CHECK_OK(mpd_client_add_map(c, "mpathb"));
    CHECK_OK(mpd_client_wait_for_map(c, "mpathb", 2, 5000, &m));
    mpd_map_free(m);

    /* Nothing changes: settled once quiet for 200 ms. */
    CHECK_OK(mpd_client_wait_settled(c, 200, 10000));
}

/* remove_map_safely on a map nothing holds, then on a map that is gone. */
static void test_remove_map_safely(mpd_client *c)
{
    mpd_removal r = {99, true, true, true, MPD_PANIC, 99};
    CHECK_OK(mpd_client_remove_map_safely(c, "mpathb", 0, true, &r));
    CHECK(r.attempts >= 1);
    CHECK(!r.already_gone);
    CHECK(r.queueing_disabled);
    CHECK(!r.queueing_restored);
    CHECK_INT(r.last_error, MPD_OK);
    CHECK(r.elapsed_ms < 30000);
    mpd_map_list *list = maps(c);
    CHECK(mpd_map_list_find(list, "mpathb") == NULL);
    mpd_map_list_free(list);

    /* Gone already: success, nothing sent but the listing. */
    CHECK_OK(mpd_client_remove_map_safely(c, "mpathb", 0, true, &r));
    CHECK(r.already_gone);
    CHECK_INT(r.attempts, 0);
    CHECK(!r.queueing_disabled);
    CHECK_INT(r.last_error, MPD_OK);

    if (is_0_8)
        CHECK_OK(mpd_client_reconfigure(c));
    else
        CHECK_OK(mpd_client_add_map(c, "mpathb"));

    /* Without disabling queueing first. */
    CHECK_OK(mpd_client_remove_map_safely(c, "mpathb", 5000, false, &r));
    CHECK(!r.queueing_disabled && r.attempts >= 1 && !r.already_gone);
    if (is_0_8)
        CHECK_OK(mpd_client_reconfigure(c));
    else
        CHECK_OK(mpd_client_add_map(c, "mpathb"));
    list = maps(c);
    CHECK_INT(mpd_map_list_len(list), 2);
    mpd_map_list_free(list);
}

/* Another thread closes the map after a while (its result is checked
 * after the join: the check counter is not shared between threads). */
struct release {
    mpd_sim *sim;
    const char *map;
    long after_ms;
    mpd_result result;
};

static void *release_later(void *arg)
{
    struct release *rel = arg;
    struct timespec pause = {rel->after_ms / 1000, (rel->after_ms % 1000) * 1000000L};
    nanosleep(&pause, NULL);
    rel->result = mpd_sim_set_map_in_use(rel->sim, rel->map, false);
    return NULL;
}

/* A map in use while the removal starts: it retries until the map is
 * closed, and reports the last refusal (0.11.1 says "in use"; older
 * releases a bare "fail"). */
static void test_remove_map_safely_retries(mpd_client *c, mpd_sim *sim)
{
    CHECK_OK(mpd_sim_set_map_in_use(sim, "mpathb", true));
    struct release rel = {sim, "mpathb", 400, MPD_PANIC};
    pthread_t t;
    CHECK(pthread_create(&t, NULL, release_later, &rel) == 0);
    mpd_removal r = {0};
    mpd_result removed = mpd_client_remove_map_safely(c, "mpathb", 10000, true, &r);
    CHECK(pthread_join(t, NULL) == 0);
    CHECK_OK(rel.result);
    CHECK_OK(removed);
    CHECK(r.attempts >= 2);
    CHECK(r.queueing_disabled && !r.queueing_restored && !r.already_gone);
    CHECK_INT(r.last_error, strcmp(version, "0.11.1") == 0 ? MPD_MAP_IN_USE : MPD_COMMAND_FAILED);
    CHECK(r.elapsed_ms >= 400);
    mpd_map_list *list = maps(c);
    CHECK(mpd_map_list_find(list, "mpathb") == NULL);
    mpd_map_list_free(list);
    if (is_0_8)
        CHECK_OK(mpd_client_reconfigure(c));
    else
        CHECK_OK(mpd_client_add_map(c, "mpathb"));
}

/* Waits that do wait: a simulator with its background checker (a run
 * every second) fails a path whose disk stopped answering, and brings it
 * back when the disk answers again. */
static void test_waits_with_checker(void)
{
    mpd_sim *sim = NULL;
    CHECK_OK(mpd_sim_start(version, 2, 2, 0, &sim));
    mpd_client *c = NULL;
    CHECK_OK(mpd_client_connect(mpd_sim_address(sim), 0, &c));

    mpd_path *p = NULL;
    CHECK_OK(mpd_sim_set_path_health(sim, "sdb", false));
    CHECK_OK(mpd_client_wait_for_path(c, "sdb", "failed", "faulty", 10000, &p));
    CHECK_STR(mpd_path_map(p), "mpathb");
    mpd_path_free(p);

    mpd_map_health *m = NULL;
    CHECK_OK(mpd_client_map_health(c, "mpathb", &m));
    CHECK_INT(mpd_map_health_state(m), MPD_HEALTH_DEGRADED);
    CHECK_STR(mpd_down_path_device(mpd_map_health_down_path(m, 0)), "sdb");
    mpd_map_health_free(m);

    CHECK_OK(mpd_sim_set_path_health(sim, "sdb", true));
    CHECK_OK(mpd_client_wait_for_path(c, "sdb", "active", "ready", 10000, &p));
    mpd_path_free(p);
    mpd_map *map = NULL;
    CHECK_OK(mpd_client_wait_for_map(c, "mpathb", 2, 10000, &map));
    CHECK_INT(mpd_map_active_paths(map), 2);
    mpd_map_free(map);

    mpd_client_free(c);
    mpd_sim_free(sim);
}

static void test_connection(mpd_client *c, mpd_sim *sim)
{
    CHECK_STR(mpd_client_address(c), mpd_sim_address(sim));
    CHECK_STR(mpd_client_last_error(c), "");
    CHECK_INT(mpd_client_timeout(c), 4000);
    CHECK_OK(mpd_client_set_timeout(c, 2000));
    CHECK_INT(mpd_client_timeout(c), 2000);
    CHECK_INT(mpd_client_is_connected(c), 1);
    CHECK_OK(mpd_client_close(c));
    CHECK_INT(mpd_client_is_connected(c), 0);
    /* The next call opens a new connection. */
    mpd_path_list *list = paths(c);
    CHECK_INT(mpd_path_list_len(list), 4);
    mpd_path_list_free(list);
    CHECK_OK(mpd_client_set_timeout(c, 0));
}

/* The retry policy: reads are asked again after the daemon's "timeout" or
 * a closed connection; actions never are. */
static void test_retry_policy(mpd_client *c, mpd_sim *sim)
{
    mpd_retry_policy p = {9, 9, 9, 9};
    CHECK_OK(mpd_client_retry_policy(c, &p));
    CHECK_INT(p.attempts, 1); /* the default: never */
    mpd_retry_policy three = {3, 10, 20, 0};
    CHECK_OK(mpd_client_set_retry_policy(c, three));
    CHECK_OK(mpd_client_retry_policy(c, &p));
    CHECK(p.attempts == 3 && p.backoff_ms == 10 && p.max_backoff_ms == 20 && p.deadline_ms == 0);

    uint64_t retries = mpd_client_retries(c), sent = mpd_client_commands_sent(c);
    CHECK_OK(mpd_sim_set_fault(sim, "timeout"));
    mpd_path_list *list = NULL;
    CHECK_RESULT(mpd_client_list_paths(c, &list), MPD_DAEMON_TIMEOUT);
    CHECK_INT(mpd_client_retries(c) - retries, 2);
    CHECK_INT(mpd_client_commands_sent(c) - sent, 3);
    CHECK_RESULT(mpd_client_reload_map(c, "mpatha"), MPD_DAEMON_TIMEOUT);
    CHECK_INT(mpd_client_retries(c) - retries, 2); /* an action: not again */

    CHECK_OK(mpd_sim_set_fault(sim, "close"));
    CHECK_RESULT(mpd_client_reload_map(c, "mpatha"), MPD_CONNECTION_CLOSED);
    CHECK_INT(mpd_client_retries(c) - retries, 2); /* an action: not again */
    CHECK_RESULT(mpd_client_list_paths(c, &list), MPD_CONNECTION_CLOSED);
    CHECK_INT(mpd_client_retries(c) - retries, 4); /* a read: again */

    CHECK_OK(mpd_sim_set_fault(sim, "none"));
    mpd_retry_policy never = {1, 0, 0, 0};
    CHECK_OK(mpd_client_set_retry_policy(c, never));
    list = paths(c);
    mpd_path_list_free(list);
}

static void test_shutdown(mpd_client *c)
{
    CHECK_OK(mpd_client_shutdown(c));
    /* The daemon is gone: the next call cannot connect (or finds the
     * connection closed if the simulator had not closed it yet). */
    struct timespec pause = {0, 100 * 1000 * 1000};
    nanosleep(&pause, NULL);
    mpd_path_list *list = NULL;
    mpd_result r = mpd_client_list_paths(c, &list);
    CHECK(r == MPD_CONNECT || r == MPD_CONNECTION_CLOSED);
    CHECK(list == NULL);
    CHECK(strlen(mpd_client_last_error(c)) > 0);
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: %s VERSION\n", argv[0]);
        return 2;
    }
    version = argv[1];
    is_0_8 = strcmp(version, "0.8.5") == 0;

    CHECK_CONTAINS(mpd_version(), ".");

    mpd_sim *sim = NULL;
    CHECK_OK(mpd_sim_start(version, 2, 2, MPD_SIM_IMMEDIATE | MPD_SIM_NO_CHECKER, &sim));
    CHECK_CONTAINS(mpd_sim_address(sim), "@");

    mpd_client *c = NULL;
    CHECK_OK(mpd_client_connect(mpd_sim_address(sim), 0, &c));
    CHECK(c != NULL);

    test_connection(c, sim);
    test_list_paths(c);
    test_list_maps(c);
    test_topology(c);
    test_status(c);
    test_more_queries(c);
    test_fail_and_reinstate(c);
    test_remove_and_add_path(c);
    test_remove_and_add_map(c);
    test_map_actions(c);
    test_queueing(c);
    test_marginal(c);
    test_reconfigure(c);
    test_health_states();
    test_health(c);
    test_waits(c);
    test_remove_map_safely(c);
    test_remove_map_safely_retries(c, sim);
    test_remove_maps(c);
    test_raw_command(c);
    test_retry_policy(c, sim);
    test_shutdown(c);

    mpd_client_free(c);
    mpd_sim_free(sim);

    test_waits_with_checker();

    char name[64];
    snprintf(name, sizeof name, "test_ops %s", version);
    return checks_done(name);
}
