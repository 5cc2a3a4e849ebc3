/*
 * libmpd example: list the paths multipathd knows, then fail and
 * reinstate one of them.
 *
 *   cc example.c $(pkg-config --cflags --libs mpd) -o example
 *   sudo ./example sdb
 */
#include <stdio.h>

#include <mpd.h>

/* Optional strings are NULL when the daemon does not know the value. */
static const char *or_dash(const char *s) { return s ? s : "-"; }

int main(int argc, char **argv)
{
    const char *device = argc > 1 ? argv[1] : "sda";
    mpd_client *client = NULL;

    /* NULL: find the daemon as multipathd's own client does; 0: default timeout. */
    mpd_result r = mpd_client_connect(NULL, 0, &client);
    if (r != MPD_OK) {
        /* No client yet: the message is in the thread's last error. */
        fprintf(stderr, "connect: %s: %s\n", mpd_result_str(r), mpd_last_error());
        return 1;
    }

    mpd_path_list *paths = NULL;
    r = mpd_client_list_paths(client, &paths);
    if (r != MPD_OK) {
        fprintf(stderr, "list paths: %s: %s\n", mpd_result_str(r), mpd_client_last_error(client));
        mpd_client_free(client);
        return 1;
    }
    for (size_t i = 0; i < mpd_path_list_len(paths); i++) {
        const mpd_path *p = mpd_path_list_get(paths, i); /* borrowed from the list */
        printf("%-5s %3lld:%-3lld %-7s %-7s %s\n", mpd_path_device(p),
               (long long)mpd_path_major(p), (long long)mpd_path_minor(p),
               or_dash(mpd_path_dm_state(p)),
               or_dash(mpd_path_checker_state(p)), or_dash(mpd_path_map(p)));
    }
    mpd_path_list_free(paths); /* frees the paths and their strings too */

    r = mpd_client_fail_path(client, device);
    if (r == MPD_OK)
        r = mpd_client_reinstate_path(client, device);
    if (r == MPD_OK)
        printf("failed and reinstated %s\n", device);
    else /* e.g. MPD_COMMAND_FAILED for an unknown path, MPD_PERMISSION_DENIED if not root */
        fprintf(stderr, "%s: %s: %s\n", device, mpd_result_str(r), mpd_client_last_error(client));

    mpd_client_free(client);
    return r == MPD_OK ? 0 : 1;
}
