/*
 * A shorter soak of libmpd for valgrind (tests/c/run runs it under
 * memcheck): N commands (argv[1], default 5000) through one client to a
 * simulated daemon started from C, closing the connection every 100
 * commands, with every result freed; memcheck then reports any leak or
 * invalid access. Prints the count of commands and connections.
 */
#include <stdlib.h>

#include "check.h"

int main(int argc, char **argv)
{
    long n = argc > 1 ? atol(argv[1]) : 5000;
    mpd_sim *sim = NULL;
    CHECK_OK(mpd_sim_start("0.9.4", 2, 2, MPD_SIM_IMMEDIATE | MPD_SIM_NO_CHECKER, &sim));
    mpd_client *c = NULL;
    CHECK_OK(mpd_client_connect(mpd_sim_address(sim), 0, &c));
    for (long i = 1; i <= n; i++) {
        switch (i % 5) {
        case 0: {
            mpd_path_list *l = NULL;
            CHECK_OK(mpd_client_list_paths(c, &l));
            mpd_path_list_free(l);
            break;
        }
        case 1: {
            mpd_map_list *l = NULL;
            CHECK_OK(mpd_client_list_maps(c, &l));
            mpd_map_list_free(l);
            break;
        }
        case 2:
            CHECK_OK(mpd_client_fail_path(c, "sda"));
            break;
        case 3:
            CHECK_OK(mpd_client_reinstate_path(c, "sda"));
            break;
        default: {
            mpd_status *s = NULL;
            CHECK_OK(mpd_client_status(c, &s));
            mpd_status_free(s);
        }
        }
        if (i % 100 == 0)
            CHECK_OK(mpd_client_close(c));
    }
    CHECK(mpd_client_commands_sent(c) == (uint64_t)n);
    mpd_client_free(c);
    mpd_sim_free(sim);
    printf("soak: %ld commands over %ld connections\n", n, n / 100 + 1);
    return checks_done("soak");
}
