/*
 * libdmmp contender of bench/compare: the structured topology of Debian's
 * libdmmp. dmmp_mpath_array_get() connects to multipathd (libmpathcmd),
 * sends "show maps json", parses it with json-c and builds its map / path
 * group / path structs; dmmp_mpath_array_free() frees them. Each timed
 * call is get + free, so a new connection per call is part of the API.
 *
 *   dmmp-bench [--warmup W] [--seconds S] ITERATIONS
 *
 * Prints one JSON object (see timing.h) with the map and path counts of the
 * last call (walked through libdmmp's getters, outside the timing, to check
 * the runs against the other contenders) and "peak_rss_kib".
 */
#include <libdmmp/libdmmp.h>

#include "timing.h"

static const char *prog = "dmmp-bench";

static size_t count_paths(struct dmmp_mpath **mps, uint32_t n_mps)
{
	struct dmmp_path_group **pgs;
	struct dmmp_path **ps;
	uint32_t n_pgs, n_ps, m, g, p;
	size_t paths = 0;

	for (m = 0; m < n_mps; m++) {
		dmmp_path_group_array_get(mps[m], &pgs, &n_pgs);
		for (g = 0; g < n_pgs; g++) {
			dmmp_path_array_get(pgs[g], &ps, &n_ps);
			for (p = 0; p < n_ps; p++)
				if (dmmp_path_blk_name_get(ps[p]))
					paths++;
		}
	}
	return paths;
}

/* One get; exits on failure. */
static void get(struct dmmp_context *ctx, struct dmmp_mpath ***mps,
		uint32_t *n_mps)
{
	int rc = dmmp_mpath_array_get(ctx, mps, n_mps);

	if (rc != DMMP_OK) {
		fprintf(stderr, "%s: dmmp_mpath_array_get: %s (%s)\n", prog,
			dmmp_strerror(rc), dmmp_last_error_msg(ctx));
		exit(1);
	}
}

int main(int argc, char **argv)
{
	struct loop_opts o = { .warmup = 3 };
	struct dmmp_context *ctx;
	struct dmmp_mpath **mps = NULL;
	uint32_t n_mps = 0;
	size_t done = 0, paths, w;
	uint64_t *samples, start, t0, t1;
	char extra[128];
	int i;

	i = parse_loop_opts(prog, argc, argv, &o, NULL, NULL);
	if (argc - i != 1) {
		fprintf(stderr, "usage: %s [--warmup W] [--seconds S] ITERATIONS\n",
			prog);
		return 2;
	}
	o.iterations = parse_count(prog, argv[i]);
	samples = calloc(o.iterations, sizeof(*samples));
	ctx = dmmp_context_new();
	if (!samples || !ctx)
		return 1;
	dmmp_context_log_priority_set(ctx, DMMP_LOG_PRIORITY_ERROR);

	for (w = 0; w < o.warmup; w++) {
		get(ctx, &mps, &n_mps);
		dmmp_mpath_array_free(mps, n_mps);
	}
	start = t1 = now_ns();
	while (!loop_done(&o, done, start, t1)) {
		t0 = now_ns();
		get(ctx, &mps, &n_mps);
		dmmp_mpath_array_free(mps, n_mps);
		t1 = now_ns();
		samples[done++] = t1 - t0;
	}
	/* The check, untimed. */
	get(ctx, &mps, &n_mps);
	paths = count_paths(mps, n_mps);
	snprintf(extra, sizeof(extra),
		 ",\"maps\":%u,\"paths\":%zu,\"peak_rss_kib\":%ld", n_mps, paths,
		 peak_rss_kib());
	dmmp_mpath_array_free(mps, n_mps);
	print_summary("libdmmp", samples, done, t1 - start, extra);
	dmmp_context_free(ctx);
	free(samples);
	return 0;
}
