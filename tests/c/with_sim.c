/*
 * with_sim: runs a command next to a simulated multipathd.
 *
 * usage: with_sim [--version V] [--nonroot] COMMAND [ARG...]
 *
 * Starts a simulator (2 maps x 2 paths, reinstated paths ready at once)
 * in this process, points MULTIPATH_SOCKET_NAME at it so that a client
 * connecting with the default discovery finds it, runs COMMAND, stops the
 * simulator and exits with COMMAND's status. Used to run the example, and
 * handy for trying C programs by hand.
 */
#define _POSIX_C_SOURCE 200809L
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "mpd.h"

extern char **environ;

int main(int argc, char **argv)
{
    const char *version = NULL;
    uint32_t flags = MPD_SIM_IMMEDIATE;
    int i = 1;
    for (; i < argc && strncmp(argv[i], "--", 2) == 0; i++) {
        if (strcmp(argv[i], "--version") == 0 && i + 1 < argc)
            version = argv[++i];
        else if (strcmp(argv[i], "--nonroot") == 0)
            flags |= MPD_SIM_FORCE_NONROOT;
        else if (strcmp(argv[i], "--") == 0) {
            i++;
            break;
        } else
            break;
    }
    if (i >= argc) {
        fprintf(stderr, "usage: %s [--version V] [--nonroot] COMMAND [ARG...]\n", argv[0]);
        return 2;
    }

    mpd_sim *sim = NULL;
    mpd_result r = mpd_sim_start(version, 2, 2, flags, &sim);
    if (r != MPD_OK) {
        fprintf(stderr, "with_sim: %s: %s\n", mpd_result_str(r), mpd_last_error());
        return 2;
    }
    if (setenv("MULTIPATH_SOCKET_NAME", mpd_sim_address(sim), 1) != 0) {
        perror("with_sim: setenv");
        mpd_sim_free(sim);
        return 2;
    }

    pid_t pid;
    int status = 0;
    int err = posix_spawnp(&pid, argv[i], NULL, NULL, &argv[i], environ);
    if (err != 0) {
        fprintf(stderr, "with_sim: cannot run %s: %s\n", argv[i], strerror(err));
        mpd_sim_free(sim);
        return 2;
    }
    while (waitpid(pid, &status, 0) < 0) {
    }
    mpd_sim_free(sim);
    if (WIFEXITED(status))
        return WEXITSTATUS(status);
    fprintf(stderr, "with_sim: %s was killed by signal %d\n", argv[i], WTERMSIG(status));
    return 2;
}
