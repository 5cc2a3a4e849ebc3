/*
 * NULL passed to every function of libmpd, argument by argument: the
 * fallible ones return MPD_NULL_ARGUMENT (and reset their out-pointers),
 * accessors return NULL, 0 or -1, and every _free accepts NULL. Nothing
 * crashes. The Rust driver checks that every function declared in mpd.h
 * is called here.
 */
#include "check.h"

/* A non-NULL pointer value to put in out-pointers, to see them reset. */
#define SENTINEL ((void *)&checks_run)

static void test_accessors(void)
{
    CHECK(mpd_client_last_error(NULL) == NULL);
    CHECK(mpd_client_address(NULL) == NULL);
    CHECK_INT(mpd_path_list_len(NULL), 0);
    CHECK(mpd_path_list_get(NULL, 0) == NULL);
    CHECK(mpd_path_list_find(NULL, "x") == NULL);
    CHECK(mpd_path_device(NULL) == NULL);
    CHECK_INT(mpd_path_major(NULL), -1);
    CHECK_INT(mpd_path_minor(NULL), -1);
    CHECK(mpd_path_uuid(NULL) == NULL);
    CHECK(mpd_path_dev_state(NULL) == NULL);
    CHECK(mpd_path_dm_state(NULL) == NULL);
    CHECK(mpd_path_checker_state(NULL) == NULL);
    CHECK(mpd_path_map(NULL) == NULL);
    CHECK(mpd_path_hcil(NULL) == NULL);
    CHECK_INT(mpd_path_priority(NULL), -1);
    CHECK(mpd_path_vendor(NULL) == NULL);
    CHECK(mpd_path_product(NULL) == NULL);
    CHECK(mpd_path_revision(NULL) == NULL);
    CHECK(mpd_path_serial(NULL) == NULL);
    CHECK_INT(mpd_path_marginal(NULL), -1);
    CHECK(mpd_path_checker(NULL) == NULL);
    CHECK_INT(mpd_map_list_len(NULL), 0);
    CHECK(mpd_map_list_get(NULL, 0) == NULL);
    CHECK(mpd_map_list_find(NULL, "x") == NULL);
    CHECK(mpd_map_name(NULL) == NULL);
    CHECK(mpd_map_uuid(NULL) == NULL);
    CHECK(mpd_map_device(NULL) == NULL);
    CHECK_INT(mpd_map_active_paths(NULL), -1);
    CHECK(mpd_map_queueing(NULL) == NULL);
    CHECK(mpd_map_dm_state(NULL) == NULL);
    CHECK(mpd_map_size(NULL) == NULL);
    CHECK(mpd_map_features(NULL) == NULL);
    CHECK(mpd_map_hwhandler(NULL) == NULL);
    CHECK(mpd_map_write_prot(NULL) == NULL);
    CHECK(mpd_map_failback(NULL) == NULL);
    CHECK(mpd_map_vendor(NULL) == NULL);
    CHECK(mpd_map_product(NULL) == NULL);
    CHECK(mpd_map_revision(NULL) == NULL);
    CHECK_INT(mpd_topology_map_count(NULL), 0);
    CHECK(mpd_topology_map(NULL, 0) == NULL);
    CHECK(mpd_topology_find_map(NULL, "x") == NULL);
    CHECK(mpd_map_topology_name(NULL) == NULL);
    CHECK(mpd_map_topology_uuid(NULL) == NULL);
    CHECK(mpd_map_topology_device(NULL) == NULL);
    CHECK(mpd_map_topology_failback(NULL) == NULL);
    CHECK(mpd_map_topology_queueing(NULL) == NULL);
    CHECK_INT(mpd_map_topology_active_paths(NULL), -1);
    CHECK(mpd_map_topology_write_prot(NULL) == NULL);
    CHECK(mpd_map_topology_dm_state(NULL) == NULL);
    CHECK(mpd_map_topology_features(NULL) == NULL);
    CHECK(mpd_map_topology_hwhandler(NULL) == NULL);
    CHECK(mpd_map_topology_action(NULL) == NULL);
    CHECK_INT(mpd_map_topology_path_faults(NULL), -1);
    CHECK(mpd_map_topology_vendor(NULL) == NULL);
    CHECK(mpd_map_topology_product(NULL) == NULL);
    CHECK(mpd_map_topology_revision(NULL) == NULL);
    CHECK_INT(mpd_map_topology_switch_grp(NULL), -1);
    CHECK_INT(mpd_map_topology_map_loads(NULL), -1);
    CHECK_INT(mpd_map_topology_total_q_time(NULL), -1);
    CHECK_INT(mpd_map_topology_q_timeouts(NULL), -1);
    CHECK(mpd_map_topology_size(NULL) == NULL);
    CHECK_INT(mpd_map_topology_group_count(NULL), 0);
    CHECK(mpd_map_topology_group(NULL, 0) == NULL);
    CHECK(mpd_path_group_selector(NULL) == NULL);
    CHECK_INT(mpd_path_group_priority(NULL), -1);
    CHECK(mpd_path_group_dm_state(NULL) == NULL);
    CHECK_INT(mpd_path_group_marginal(NULL), -1);
    CHECK_INT(mpd_path_group_number(NULL), -1);
    CHECK_INT(mpd_path_group_path_count(NULL), 0);
    CHECK(mpd_path_group_path(NULL, 0) == NULL);
    CHECK(mpd_topology_path_device(NULL) == NULL);
    CHECK_INT(mpd_topology_path_major(NULL), -1);
    CHECK_INT(mpd_topology_path_minor(NULL), -1);
    CHECK(mpd_topology_path_dm_state(NULL) == NULL);
    CHECK(mpd_topology_path_dev_state(NULL) == NULL);
    CHECK(mpd_topology_path_checker_state(NULL) == NULL);
    CHECK(mpd_topology_path_checker(NULL) == NULL);
    CHECK_INT(mpd_topology_path_priority(NULL), -1);
    CHECK(mpd_topology_path_host_wwnn(NULL) == NULL);
    CHECK(mpd_topology_path_target_wwnn(NULL) == NULL);
    CHECK(mpd_topology_path_host_wwpn(NULL) == NULL);
    CHECK(mpd_topology_path_target_wwpn(NULL) == NULL);
    CHECK(mpd_topology_path_host_adapter(NULL) == NULL);
    CHECK(mpd_topology_path_lun_hex(NULL) == NULL);
    CHECK_INT(mpd_topology_path_marginal(NULL), -1);
    CHECK(mpd_topology_path_hcil(NULL) == NULL);
    CHECK_INT(mpd_status_paths(NULL), 0);
    CHECK(!mpd_status_busy(NULL));
    CHECK_INT(mpd_status_state_count(NULL), 0);
    CHECK(mpd_status_state_name(NULL, 0) == NULL);
    CHECK_INT(mpd_status_state_paths(NULL, 0), 0);
    CHECK_INT(mpd_status_paths_in_state(NULL, "x"), 0);
    CHECK_INT(mpd_daemon_state_pid(NULL), 0);
    CHECK(mpd_daemon_state_state(NULL) == NULL);
    CHECK(mpd_sim_address(NULL) == NULL);
    CHECK_INT(mpd_map_topology_total_paths(NULL), -1);
    CHECK_INT(mpd_topology_major_version(NULL), -1);
    CHECK_INT(mpd_topology_minor_version(NULL), -1);
    CHECK_INT(mpd_client_timeout(NULL), 0);
    CHECK_INT(mpd_client_is_connected(NULL), -1);
    CHECK_INT(mpd_client_retries(NULL), 0);
    CHECK_INT(mpd_client_commands_sent(NULL), 0);
    CHECK_INT(mpd_map_status_list_len(NULL), 0);
    CHECK(mpd_map_status_list_get(NULL, 0) == NULL);
    CHECK(mpd_map_status_list_find(NULL, "x") == NULL);
    CHECK(mpd_map_status_name(NULL) == NULL);
    CHECK(mpd_map_status_failback(NULL) == NULL);
    CHECK(mpd_map_status_queueing(NULL) == NULL);
    CHECK_INT(mpd_map_status_active_paths(NULL), -1);
    CHECK(mpd_map_status_dm_state(NULL) == NULL);
    CHECK(mpd_map_status_write_prot(NULL) == NULL);
    CHECK_INT(mpd_map_stats_list_len(NULL), 0);
    CHECK(mpd_map_stats_list_get(NULL, 0) == NULL);
    CHECK(mpd_map_stats_list_find(NULL, "x") == NULL);
    CHECK(mpd_map_stats_name(NULL) == NULL);
    CHECK_INT(mpd_map_stats_path_faults(NULL), -1);
    CHECK_INT(mpd_map_stats_switch_grp(NULL), -1);
    CHECK_INT(mpd_map_stats_map_loads(NULL), -1);
    CHECK_INT(mpd_map_stats_total_q_time(NULL), -1);
    CHECK_INT(mpd_map_stats_q_timeouts(NULL), -1);
    CHECK_INT(mpd_health_map_count(NULL), 0);
    CHECK(mpd_health_map(NULL, 0) == NULL);
    CHECK(mpd_health_find_map(NULL, "x") == NULL);
    CHECK_INT(mpd_health_count(NULL, MPD_HEALTH_HEALTHY), 0);
    CHECK(!mpd_health_all_healthy(NULL));
    CHECK(mpd_map_health_name(NULL) == NULL);
    CHECK(mpd_map_health_uuid(NULL) == NULL);
    CHECK_INT(mpd_map_health_state(NULL), MPD_HEALTH_UNKNOWN);
    CHECK(mpd_health_state_str(mpd_map_health_state(NULL)) == NULL);
    CHECK_INT(mpd_map_health_up_paths(NULL), -1);
    CHECK_INT(mpd_map_health_total_paths(NULL), -1);
    CHECK(!mpd_map_health_queues(NULL));
    CHECK_INT(mpd_map_health_down_path_count(NULL), 0);
    CHECK(mpd_map_health_down_path(NULL, 0) == NULL);
    CHECK(mpd_down_path_device(NULL) == NULL);
    CHECK(mpd_down_path_dm_state(NULL) == NULL);
    CHECK(mpd_down_path_checker_state(NULL) == NULL);
}

static void test_frees(void)
{
    mpd_client_free(NULL);
    mpd_path_list_free(NULL);
    mpd_map_list_free(NULL);
    mpd_topology_free(NULL);
    mpd_map_topology_free(NULL);
    mpd_status_free(NULL);
    mpd_daemon_state_free(NULL);
    mpd_map_status_list_free(NULL);
    mpd_map_stats_list_free(NULL);
    mpd_string_free(NULL);
    mpd_sim_free(NULL);
    mpd_map_free(NULL);
    mpd_path_free(NULL);
    mpd_health_free(NULL);
    mpd_map_health_free(NULL);
}

static void test_calls(mpd_client *c, mpd_sim *sim)
{
    mpd_path_list *paths_out = SENTINEL;
    mpd_map_list *maps_out = SENTINEL;
    mpd_topology *topology_out = SENTINEL;
    mpd_map_topology *map_out = SENTINEL;
    mpd_status *status_out = SENTINEL;
    mpd_daemon_state *state_out = SENTINEL;
    mpd_daemon_version version_out = {1, 2, 3};
    char *string_out = SENTINEL;

    CHECK_RESULT(mpd_client_connect("x", 0, NULL), MPD_NULL_ARGUMENT);
    CHECK_RESULT(mpd_client_connect_with("x", 0, MPD_TRUST_ANY, NULL), MPD_NULL_ARGUMENT);
    CHECK_RESULT(mpd_client_set_timeout(NULL, 0), MPD_NULL_ARGUMENT);
    CHECK_RESULT(mpd_client_close(NULL), MPD_NULL_ARGUMENT);
    CHECK_RESULT(mpd_client_list_paths(NULL, &paths_out), MPD_NULL_ARGUMENT);
    CHECK_RESULT(mpd_client_list_paths(c, NULL), MPD_NULL_ARGUMENT);
    CHECK_RESULT(mpd_client_list_maps(NULL, &maps_out), MPD_NULL_ARGUMENT);
    CHECK_RESULT(mpd_client_list_maps(c, NULL), MPD_NULL_ARGUMENT);
    CHECK_RESULT(mpd_client_topology(NULL, &topology_out), MPD_NULL_ARGUMENT);
    CHECK_RESULT(mpd_client_topology(c, NULL), MPD_NULL_ARGUMENT);
    CHECK_RESULT(mpd_client_map_topology(NULL, "x", &map_out), MPD_NULL_ARGUMENT);
    CHECK_RESULT(mpd_client_map_topology(c, NULL, &map_out), MPD_NULL_ARGUMENT);
    CHECK_RESULT(mpd_client_map_topology(c, "x", NULL), MPD_NULL_ARGUMENT);
    CHECK_RESULT(mpd_client_status(NULL, &status_out), MPD_NULL_ARGUMENT);
    CHECK_RESULT(mpd_client_status(c, NULL), MPD_NULL_ARGUMENT);
    CHECK_RESULT(mpd_client_daemon_state(NULL, &state_out), MPD_NULL_ARGUMENT);
    CHECK_RESULT(mpd_client_daemon_state(c, NULL), MPD_NULL_ARGUMENT);
    CHECK_RESULT(mpd_client_daemon_version(NULL, &version_out), MPD_NULL_ARGUMENT);
    CHECK_RESULT(mpd_client_daemon_version(c, NULL), MPD_NULL_ARGUMENT);
    CHECK_RESULT(mpd_client_path_state(NULL, "x", &string_out), MPD_NULL_ARGUMENT);
    CHECK_RESULT(mpd_client_path_state(c, NULL, &string_out), MPD_NULL_ARGUMENT);
    CHECK_RESULT(mpd_client_path_state(c, "x", NULL), MPD_NULL_ARGUMENT);
    CHECK_RESULT(mpd_client_config(NULL, &string_out), MPD_NULL_ARGUMENT);
    CHECK_RESULT(mpd_client_config(c, NULL), MPD_NULL_ARGUMENT);
    CHECK_RESULT(mpd_client_command(NULL, "x", &string_out), MPD_NULL_ARGUMENT);
    CHECK_RESULT(mpd_client_command(c, NULL, &string_out), MPD_NULL_ARGUMENT);
    CHECK_RESULT(mpd_client_command(c, "x", NULL), MPD_NULL_ARGUMENT);
    CHECK_RESULT(mpd_client_reconfigure(NULL), MPD_NULL_ARGUMENT);
    CHECK_RESULT(mpd_client_reconfigure_all(NULL), MPD_NULL_ARGUMENT);
    CHECK_RESULT(mpd_client_add_path(NULL, "x"), MPD_NULL_ARGUMENT);
    CHECK_RESULT(mpd_client_add_path(c, NULL), MPD_NULL_ARGUMENT);
    CHECK_RESULT(mpd_client_remove_path(NULL, "x"), MPD_NULL_ARGUMENT);
    CHECK_RESULT(mpd_client_remove_path(c, NULL), MPD_NULL_ARGUMENT);
    CHECK_RESULT(mpd_client_add_map(NULL, "x"), MPD_NULL_ARGUMENT);
    CHECK_RESULT(mpd_client_add_map(c, NULL), MPD_NULL_ARGUMENT);
    CHECK_RESULT(mpd_client_remove_map(NULL, "x"), MPD_NULL_ARGUMENT);
    CHECK_RESULT(mpd_client_remove_map(c, NULL), MPD_NULL_ARGUMENT);
    CHECK_RESULT(mpd_client_suspend_map(NULL, "x"), MPD_NULL_ARGUMENT);
    CHECK_RESULT(mpd_client_suspend_map(c, NULL), MPD_NULL_ARGUMENT);
    CHECK_RESULT(mpd_client_resume_map(NULL, "x"), MPD_NULL_ARGUMENT);
    CHECK_RESULT(mpd_client_resume_map(c, NULL), MPD_NULL_ARGUMENT);
    CHECK_RESULT(mpd_client_resize_map(NULL, "x"), MPD_NULL_ARGUMENT);
    CHECK_RESULT(mpd_client_resize_map(c, NULL), MPD_NULL_ARGUMENT);
    CHECK_RESULT(mpd_client_reset_map(NULL, "x"), MPD_NULL_ARGUMENT);
    CHECK_RESULT(mpd_client_reset_map(c, NULL), MPD_NULL_ARGUMENT);
    CHECK_RESULT(mpd_client_reload_map(NULL, "x"), MPD_NULL_ARGUMENT);
    CHECK_RESULT(mpd_client_reload_map(c, NULL), MPD_NULL_ARGUMENT);
    CHECK_RESULT(mpd_client_fail_path(NULL, "x"), MPD_NULL_ARGUMENT);
    CHECK_RESULT(mpd_client_fail_path(c, NULL), MPD_NULL_ARGUMENT);
    CHECK_RESULT(mpd_client_reinstate_path(NULL, "x"), MPD_NULL_ARGUMENT);
    CHECK_RESULT(mpd_client_reinstate_path(c, NULL), MPD_NULL_ARGUMENT);
    CHECK_RESULT(mpd_client_disable_map_queuing(NULL, "x"), MPD_NULL_ARGUMENT);
    CHECK_RESULT(mpd_client_disable_map_queuing(c, NULL), MPD_NULL_ARGUMENT);
    CHECK_RESULT(mpd_client_disable_queuing(NULL), MPD_NULL_ARGUMENT);
    CHECK_RESULT(mpd_client_restore_map_queuing(NULL, "x"), MPD_NULL_ARGUMENT);
    CHECK_RESULT(mpd_client_restore_map_queuing(c, NULL), MPD_NULL_ARGUMENT);
    CHECK_RESULT(mpd_client_restore_queuing(NULL), MPD_NULL_ARGUMENT);
    CHECK_RESULT(mpd_client_switch_group(NULL, "x", 0), MPD_NULL_ARGUMENT);
    CHECK_RESULT(mpd_client_switch_group(c, NULL, 0), MPD_NULL_ARGUMENT);
    CHECK_RESULT(mpd_client_set_marginal(NULL, "x"), MPD_NULL_ARGUMENT);
    CHECK_RESULT(mpd_client_set_marginal(c, NULL), MPD_NULL_ARGUMENT);
    CHECK_RESULT(mpd_client_unset_marginal(NULL, "x"), MPD_NULL_ARGUMENT);
    CHECK_RESULT(mpd_client_unset_marginal(c, NULL), MPD_NULL_ARGUMENT);
    CHECK_RESULT(mpd_client_unset_map_marginal(NULL, "x"), MPD_NULL_ARGUMENT);
    CHECK_RESULT(mpd_client_unset_map_marginal(c, NULL), MPD_NULL_ARGUMENT);
    CHECK_RESULT(mpd_client_shutdown(NULL), MPD_NULL_ARGUMENT);

    /* The operations beyond the contract: NULL client, NULL name, NULL out. */
    mpd_map_status_list *map_status_out = SENTINEL;
    mpd_map_stats_list *map_stats_out = SENTINEL;
    mpd_pr_status pr_status_out = MPD_PR_SET;
    mpd_pr_key pr_key_out = {true, 1, true};
    CHECK_RESULT(mpd_client_map_status(NULL, &map_status_out), MPD_NULL_ARGUMENT);
    CHECK(map_status_out == NULL);
    CHECK_RESULT(mpd_client_map_status(c, NULL), MPD_NULL_ARGUMENT);
    CHECK_RESULT(mpd_client_map_stats(NULL, &map_stats_out), MPD_NULL_ARGUMENT);
    CHECK(map_stats_out == NULL);
    CHECK_RESULT(mpd_client_map_stats(c, NULL), MPD_NULL_ARGUMENT);
    topology_out = SENTINEL;
    CHECK_RESULT(mpd_client_topology_text(NULL, &topology_out), MPD_NULL_ARGUMENT);
    CHECK(topology_out == NULL);
    CHECK_RESULT(mpd_client_topology_text(c, NULL), MPD_NULL_ARGUMENT);
    CHECK_RESULT(mpd_client_config_local(NULL, &string_out), MPD_NULL_ARGUMENT);
    CHECK_RESULT(mpd_client_config_local(c, NULL), MPD_NULL_ARGUMENT);
    CHECK_RESULT(mpd_client_wildcards(NULL, &string_out), MPD_NULL_ARGUMENT);
    CHECK_RESULT(mpd_client_wildcards(c, NULL), MPD_NULL_ARGUMENT);
    CHECK_RESULT(mpd_client_blacklist(NULL, &string_out), MPD_NULL_ARGUMENT);
    CHECK_RESULT(mpd_client_blacklist(c, NULL), MPD_NULL_ARGUMENT);
    CHECK_RESULT(mpd_client_devices(NULL, &string_out), MPD_NULL_ARGUMENT);
    CHECK_RESULT(mpd_client_devices(c, NULL), MPD_NULL_ARGUMENT);
    CHECK(string_out == NULL);
    CHECK_RESULT(mpd_client_pr_status(NULL, "x", &pr_status_out), MPD_NULL_ARGUMENT);
    CHECK_INT(pr_status_out, MPD_PR_UNKNOWN);
    CHECK_RESULT(mpd_client_pr_status(c, NULL, &pr_status_out), MPD_NULL_ARGUMENT);
    CHECK_RESULT(mpd_client_pr_status(c, "x", NULL), MPD_NULL_ARGUMENT);
    CHECK_RESULT(mpd_client_pr_key(NULL, "x", &pr_key_out), MPD_NULL_ARGUMENT);
    CHECK(!pr_key_out.has_key && pr_key_out.key == 0 && !pr_key_out.aptpl);
    CHECK_RESULT(mpd_client_pr_key(c, NULL, &pr_key_out), MPD_NULL_ARGUMENT);
    CHECK_RESULT(mpd_client_pr_key(c, "x", NULL), MPD_NULL_ARGUMENT);
    CHECK_RESULT(mpd_client_set_pr_status(NULL, "x"), MPD_NULL_ARGUMENT);
    CHECK_RESULT(mpd_client_set_pr_status(c, NULL), MPD_NULL_ARGUMENT);
    CHECK_RESULT(mpd_client_unset_pr_status(NULL, "x"), MPD_NULL_ARGUMENT);
    CHECK_RESULT(mpd_client_unset_pr_status(c, NULL), MPD_NULL_ARGUMENT);
    CHECK_RESULT(mpd_client_set_pr_key(NULL, "x", "0x1"), MPD_NULL_ARGUMENT);
    CHECK_RESULT(mpd_client_set_pr_key(c, NULL, "0x1"), MPD_NULL_ARGUMENT);
    CHECK_RESULT(mpd_client_set_pr_key(c, "x", NULL), MPD_NULL_ARGUMENT);
    CHECK_RESULT(mpd_client_unset_pr_key(NULL, "x"), MPD_NULL_ARGUMENT);
    CHECK_RESULT(mpd_client_unset_pr_key(c, NULL), MPD_NULL_ARGUMENT);
    CHECK_RESULT(mpd_client_reset_map_stats(NULL, "x"), MPD_NULL_ARGUMENT);
    CHECK_RESULT(mpd_client_reset_map_stats(c, NULL), MPD_NULL_ARGUMENT);
    CHECK_RESULT(mpd_client_reset_maps_stats(NULL), MPD_NULL_ARGUMENT);
    CHECK_RESULT(mpd_client_force_queuing_daemon(NULL), MPD_NULL_ARGUMENT);
    CHECK_RESULT(mpd_client_restore_queuing_daemon(NULL), MPD_NULL_ARGUMENT);
    CHECK_RESULT(mpd_client_remove_maps(NULL), MPD_NULL_ARGUMENT);
    mpd_retry_policy policy = {5, 5, 5, 5};
    CHECK_RESULT(mpd_client_set_retry_policy(NULL, policy), MPD_NULL_ARGUMENT);
    CHECK_RESULT(mpd_client_retry_policy(NULL, &policy), MPD_NULL_ARGUMENT);
    CHECK(policy.attempts == 0 && policy.backoff_ms == 0); /* zeroed first */
    CHECK_RESULT(mpd_client_retry_policy(c, NULL), MPD_NULL_ARGUMENT);

    /* The jobs: NULL client, NULL name or list, NULL out; a NULL state
     * for wait_for_path means any state, an empty list is NULL and 0. */
    mpd_health *health_out = SENTINEL;
    mpd_map_health *map_health_out = SENTINEL;
    mpd_map *map_row_out = SENTINEL;
    mpd_path *path_row_out = SENTINEL;
    mpd_removal removal_out = {1, true, true, true, MPD_PANIC, 1};
    const char *one_path[] = {"x"};
    const char *holey[] = {"x", NULL};
    CHECK_RESULT(mpd_client_health(NULL, &health_out), MPD_NULL_ARGUMENT);
    CHECK(health_out == NULL);
    CHECK_RESULT(mpd_client_health(c, NULL), MPD_NULL_ARGUMENT);
    CHECK_RESULT(mpd_client_map_health(NULL, "x", &map_health_out), MPD_NULL_ARGUMENT);
    CHECK(map_health_out == NULL);
    CHECK_RESULT(mpd_client_map_health(c, NULL, &map_health_out), MPD_NULL_ARGUMENT);
    CHECK_RESULT(mpd_client_map_health(c, "x", NULL), MPD_NULL_ARGUMENT);
    CHECK_RESULT(mpd_client_wait_for_map(NULL, "x", 0, 1, &map_row_out), MPD_NULL_ARGUMENT);
    CHECK(map_row_out == NULL);
    CHECK_RESULT(mpd_client_wait_for_map(c, NULL, 0, 1, &map_row_out), MPD_NULL_ARGUMENT);
    CHECK_RESULT(mpd_client_wait_for_map(c, "x", 0, 1, NULL), MPD_NULL_ARGUMENT);
    CHECK_RESULT(mpd_client_wait_map_gone(NULL, "x", 1), MPD_NULL_ARGUMENT);
    CHECK_RESULT(mpd_client_wait_map_gone(c, NULL, 1), MPD_NULL_ARGUMENT);
    CHECK_RESULT(mpd_client_wait_for_path(NULL, "x", "failed", "faulty", 1, &path_row_out),
                 MPD_NULL_ARGUMENT);
    CHECK(path_row_out == NULL);
    CHECK_RESULT(mpd_client_wait_for_path(c, NULL, "failed", "faulty", 1, &path_row_out),
                 MPD_NULL_ARGUMENT);
    CHECK_RESULT(mpd_client_wait_for_path(c, "x", "failed", "faulty", 1, NULL), MPD_NULL_ARGUMENT);
    /* NULL states: sda (the simulator's one path) in any state. */
    CHECK_OK(mpd_client_wait_for_path(c, "sda", NULL, "ready", 0, &path_row_out));
    mpd_path_free(path_row_out);
    CHECK_OK(mpd_client_wait_for_path(c, "sda", "active", NULL, 0, &path_row_out));
    mpd_path_free(path_row_out);
    CHECK_OK(mpd_client_wait_for_path(c, "sda", NULL, NULL, 0, &path_row_out));
    CHECK_STR(mpd_path_device(path_row_out), "sda");
    mpd_path_free(path_row_out);
    CHECK_RESULT(mpd_client_wait_paths_gone(NULL, one_path, 1, 1), MPD_NULL_ARGUMENT);
    CHECK_RESULT(mpd_client_wait_paths_gone(c, NULL, 1, 1), MPD_NULL_ARGUMENT);
    CHECK_STR(mpd_client_last_error(c), "paths is NULL");
    CHECK_RESULT(mpd_client_wait_paths_gone(c, holey, 2, 1), MPD_NULL_ARGUMENT);
    CHECK_STR(mpd_client_last_error(c), "paths[1] is NULL");
    CHECK_OK(mpd_client_wait_paths_gone(c, NULL, 0, 1)); /* nothing to wait for */
    CHECK_RESULT(mpd_client_wait_settled(NULL, 0, 1), MPD_NULL_ARGUMENT);
    CHECK_RESULT(mpd_client_remove_map_safely(NULL, "x", 1, true, &removal_out),
                 MPD_NULL_ARGUMENT);
    CHECK(removal_out.attempts == 0 && !removal_out.already_gone &&
          !removal_out.queueing_disabled && !removal_out.queueing_restored &&
          removal_out.last_error == MPD_OK && removal_out.elapsed_ms == 0);
    CHECK_RESULT(mpd_client_remove_map_safely(c, "x", 1, true, NULL), MPD_NULL_ARGUMENT);
    CHECK_RESULT(mpd_client_remove_map_safely(c, NULL, 1, true, &removal_out),
                 MPD_NULL_ARGUMENT);

    CHECK_RESULT(mpd_sim_start("x", 0, 0, 0, NULL), MPD_NULL_ARGUMENT);
    CHECK_RESULT(mpd_sim_set_fault(NULL, "x"), MPD_NULL_ARGUMENT);
    CHECK_RESULT(mpd_sim_set_fault(sim, NULL), MPD_NULL_ARGUMENT);
    CHECK_RESULT(mpd_sim_set_reply_delay(NULL, 0), MPD_NULL_ARGUMENT);
    CHECK_RESULT(mpd_sim_set_force_nonroot(NULL, true), MPD_NULL_ARGUMENT);
    CHECK_RESULT(mpd_sim_set_immediate(NULL, true), MPD_NULL_ARGUMENT);
    CHECK_RESULT(mpd_sim_set_path_health(NULL, "x", true), MPD_NULL_ARGUMENT);
    CHECK_RESULT(mpd_sim_set_path_health(sim, NULL, true), MPD_NULL_ARGUMENT);
    CHECK_RESULT(mpd_sim_set_map_in_use(NULL, "x", true), MPD_NULL_ARGUMENT);
    CHECK_RESULT(mpd_sim_set_map_in_use(sim, NULL, true), MPD_NULL_ARGUMENT);
    CHECK_RESULT(mpd_sim_checker_pass(NULL), MPD_NULL_ARGUMENT);

    /* Every out-pointer was reset, though the call failed (connect and
     * sim_start: see test_errors). */
    CHECK(paths_out == NULL);
    CHECK(maps_out == NULL);
    CHECK(topology_out == NULL);
    CHECK(map_out == NULL);
    CHECK(status_out == NULL);
    CHECK(state_out == NULL);
    CHECK(version_out.major == 0 && version_out.minor == 0 && version_out.patch == 0);
    CHECK(string_out == NULL);
    CHECK(health_out == NULL);
    CHECK(map_health_out == NULL);
    CHECK(map_row_out == NULL);
}

/* NULL string arguments to accessors of real objects. */
static void test_lookups(mpd_client *c)
{
    mpd_path_list *paths = NULL;
    CHECK_OK(mpd_client_list_paths(c, &paths));
    CHECK(mpd_path_list_find(paths, NULL) == NULL);
    CHECK(mpd_path_list_find(paths, "\xff") == NULL);
    mpd_path_list_free(paths);

    mpd_map_list *maps = NULL;
    CHECK_OK(mpd_client_list_maps(c, &maps));
    CHECK(mpd_map_list_find(maps, NULL) == NULL);
    mpd_map_list_free(maps);

    mpd_topology *topology = NULL;
    CHECK_OK(mpd_client_topology(c, &topology));
    CHECK(mpd_topology_find_map(topology, NULL) == NULL);
    mpd_topology_free(topology);

    mpd_status *status = NULL;
    CHECK_OK(mpd_client_status(c, &status));
    CHECK_INT(mpd_status_paths_in_state(status, NULL), 0);
    mpd_status_free(status);

    mpd_health *health = NULL;
    CHECK_OK(mpd_client_health(c, &health));
    CHECK(mpd_health_find_map(health, NULL) == NULL);
    CHECK(mpd_health_find_map(health, "\xff") == NULL);
    CHECK(mpd_health_find_map(health, "mpatha") != NULL);
    mpd_health_free(health);
}

/* The watch and its events (tests/c/test_watch.c tests them for real). */
static void test_watch_nulls(mpd_sim *sim)
{
    CHECK_INT(mpd_event_kind(NULL), MPD_EVENT_UNKNOWN);
    CHECK(mpd_event_kind_str(mpd_event_kind(NULL)) == NULL);
    CHECK(mpd_event_map(NULL) == NULL);
    CHECK(mpd_event_device(NULL) == NULL);
    CHECK(mpd_event_wwid(NULL) == NULL);
    CHECK(mpd_event_old_dm_state(NULL) == NULL);
    CHECK(mpd_event_new_dm_state(NULL) == NULL);
    CHECK(mpd_event_old_checker_state(NULL) == NULL);
    CHECK(mpd_event_new_checker_state(NULL) == NULL);
    CHECK_INT(mpd_event_old_active_paths(NULL), -1);
    CHECK_INT(mpd_event_new_active_paths(NULL), -1);
    CHECK_INT(mpd_event_total_paths(NULL), -1);
    CHECK(mpd_event_old_health(NULL) == NULL);
    CHECK(mpd_event_new_health(NULL) == NULL);
    CHECK(mpd_event_error(NULL) == NULL);
    mpd_daemon_version v = {1, 2, 3};
    CHECK(!mpd_event_version(NULL, &v));
    CHECK_INT(v.major + v.minor + v.patch, 0);
    CHECK(!mpd_event_version(NULL, NULL));
    CHECK(mpd_event_text(NULL) == NULL);
    CHECK(mpd_event_json(NULL) == NULL);
    mpd_event_free(NULL);

    CHECK(mpd_watch_last_error(NULL) == NULL);
    CHECK(mpd_watch_address(NULL) == NULL);
    CHECK_INT(mpd_watch_commands_sent(NULL), 0);
    CHECK_INT(mpd_watch_listings_sent(NULL), 0);
    CHECK_INT(mpd_watch_daemon_reachable(NULL), -1);
    CHECK_INT(mpd_watch_uevents_active(NULL), -1);
    CHECK(mpd_watch_uevent_error(NULL) == NULL);
    mpd_watch_free(NULL);

    CHECK_RESULT(mpd_watch_new(mpd_sim_address(sim), 0, 0, 0, NULL), MPD_NULL_ARGUMENT);
    CHECK_STR(mpd_last_error(), "out is NULL");
    mpd_event *e = SENTINEL;
    CHECK_RESULT(mpd_watch_next(NULL, 0, &e), MPD_NULL_ARGUMENT);
    CHECK(e == NULL);
    CHECK_STR(mpd_last_error(), "watch is NULL");
    /* A NULL address finds the daemon as the official client does: here
     * there is none at the default addresses (or, on a host with
     * multipathd, there is; either way nothing crashes). */
    mpd_watch *w = SENTINEL;
    mpd_result r = mpd_watch_new(NULL, 0, 0, 200, &w);
    CHECK(r == MPD_OK || r == MPD_CONNECT);
    mpd_watch_free(w);
    CHECK_OK(mpd_watch_new(mpd_sim_address(sim), 0, 0, 0, &w));
    CHECK_RESULT(mpd_watch_next(w, 0, NULL), MPD_NULL_ARGUMENT);
    CHECK_STR(mpd_watch_last_error(w), "out is NULL");
    CHECK_INT(mpd_watch_commands_sent(w), 0); /* nothing was sent */
    mpd_watch_free(w);
}

int main(void)
{
    test_accessors();
    test_frees();

    mpd_sim *sim = NULL;
    CHECK_OK(mpd_sim_start(NULL, 1, 1, 0, &sim));
    mpd_client *c = NULL;
    CHECK_OK(mpd_client_connect(mpd_sim_address(sim), 0, &c));

    test_calls(c, sim);
    /* The last call on the client was mpd_client_remove_map_safely(c, NULL, ...). */
    CHECK_STR(mpd_client_last_error(c), "map is NULL");
    CHECK_STR(mpd_last_error(), "sim is NULL"); /* mpd_sim_checker_pass */

    /* The client still works after all that. */
    test_lookups(c);
    CHECK_STR(mpd_client_last_error(c), "");
    test_watch_nulls(sim);

    /* The functions without pointer arguments never fail. */
    CHECK(mpd_version() != NULL);
    CHECK(mpd_result_str(MPD_NULL_ARGUMENT) != NULL);
    CHECK(mpd_last_error() != NULL);

    mpd_client_free(c);
    mpd_sim_free(sim);
    return checks_done("test_null");
}
