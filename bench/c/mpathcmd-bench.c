/*
 * libmpathcmd contender of bench/compare: sends COMMAND to multipathd
 * through Debian's libmpathcmd (mpath_connect / mpath_process_cmd, the
 * calls multipathd's own client and libdmmp use) and times each call.
 *
 *   mpathcmd-bench [--reconnect] [--warmup W] [--seconds S] ITERATIONS COMMAND
 *
 * Default: one connection for all calls. --reconnect: mpath_connect() and
 * mpath_disconnect() around every call, as a one-shot tool does.
 * libmpathcmd 0.9.4 only knows the abstract socket
 * @/org/kernel/linux/storage/multipathd (no environment override before
 * 0.12), so the daemon must listen there.
 *
 * Prints one JSON object (see timing.h) with "reply_bytes" and
 * "peak_rss_kib" added.
 */
#include <errno.h>
#include <sys/types.h> /* mpath_cmd.h uses size_t/ssize_t without including it */
#include <mpath_cmd.h>

#include "timing.h"

/* The reply timeout of multipathd's own client. */
#define TIMEOUT_MS 4000

static const char *prog = "mpathcmd-bench";

static int connect_or_die(void)
{
	int fd = mpath_connect();

	if (fd < 0) {
		fprintf(stderr, "%s: mpath_connect: %s\n", prog, strerror(errno));
		exit(1);
	}
	return fd;
}

/* One call, the reply freed; returns the reply length. */
static size_t call(int fd, const char *cmd)
{
	char *reply = NULL;
	size_t len;

	if (mpath_process_cmd(fd, cmd, &reply, TIMEOUT_MS) != 0 || !reply) {
		fprintf(stderr, "%s: mpath_process_cmd(%s): %s\n", prog, cmd,
			strerror(errno));
		exit(1);
	}
	len = strlen(reply);
	free(reply);
	return len;
}

int main(int argc, char **argv)
{
	struct loop_opts o = { .warmup = 10 };
	int reconnect = 0, fd = -1, i;
	size_t done = 0, reply_bytes = 0, w;
	const char *cmd;
	uint64_t *samples, start, t0, t1;
	char extra[96];

	i = parse_loop_opts(prog, argc, argv, &o, "--reconnect", &reconnect);
	if (argc - i != 2) {
		fprintf(stderr,
			"usage: %s [--reconnect] [--warmup W] [--seconds S] ITERATIONS COMMAND\n",
			prog);
		return 2;
	}
	o.iterations = parse_count(prog, argv[i]);
	cmd = argv[i + 1];
	samples = calloc(o.iterations, sizeof(*samples));
	if (!samples)
		return 1;

	if (!reconnect)
		fd = connect_or_die();
	for (w = 0; w < o.warmup; w++) {
		if (reconnect)
			fd = connect_or_die();
		call(fd, cmd);
		if (reconnect)
			mpath_disconnect(fd);
	}
	start = t1 = now_ns();
	while (!loop_done(&o, done, start, t1)) {
		t0 = now_ns();
		if (reconnect)
			fd = connect_or_die();
		reply_bytes = call(fd, cmd);
		if (reconnect)
			mpath_disconnect(fd);
		t1 = now_ns();
		samples[done++] = t1 - t0;
	}
	if (!reconnect)
		mpath_disconnect(fd);

	snprintf(extra, sizeof(extra), ",\"reply_bytes\":%zu,\"peak_rss_kib\":%ld",
		 reply_bytes, peak_rss_kib());
	print_summary(reconnect ? "libmpathcmd-reconnect" : "libmpathcmd",
		      samples, done, now_ns() - start, extra);
	free(samples);
	return 0;
}
