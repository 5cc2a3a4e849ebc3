/*
 * Timing helpers shared by the C contenders of bench/compare: a monotonic
 * clock in nanoseconds and the summary every contender prints (one JSON
 * object on stdout, the same keys as the Rust and Python contenders).
 */
#ifndef BENCH_TIMING_H
#define BENCH_TIMING_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static inline uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return (x > y) - (x < y);
}

/* The q-quantile (0..1) of sorted samples, nearest rank. */
static inline double quantile_us(const uint64_t *sorted, size_t n, double q)
{
	size_t i = (size_t)(q * (double)(n - 1) + 0.5);

	return (double)sorted[i] / 1000.0;
}

/*
 * Prints the summary of `n` per-call samples (ns) taken in `total_ns` of
 * wall time. `extra` is appended inside the object (",\"key\":value..."),
 * or NULL. Sorts `samples` in place.
 */
static inline void print_summary(const char *contender, uint64_t *samples,
				 size_t n, uint64_t total_ns,
				 const char *extra)
{
	double sum = 0;
	size_t i;

	qsort(samples, n, sizeof(*samples), cmp_u64);
	for (i = 0; i < n; i++)
		sum += (double)samples[i];
	printf("{\"contender\":\"%s\",\"iterations\":%zu,\"total_s\":%.6f,"
	       "\"ops_per_s\":%.1f,\"mean_us\":%.3f,\"min_us\":%.3f,"
	       "\"median_us\":%.3f,\"p90_us\":%.3f,\"p99_us\":%.3f%s}\n",
	       contender, n, (double)total_ns / 1e9,
	       (double)n / ((double)total_ns / 1e9), sum / (double)n / 1000.0,
	       quantile_us(samples, n, 0.0), quantile_us(samples, n, 0.5),
	       quantile_us(samples, n, 0.9), quantile_us(samples, n, 0.99),
	       extra ? extra : "");
}

/*
 * Peak resident set size of this program so far, in KiB: VmHWM of
 * /proc/self/status. (Not getrusage's ru_maxrss: Linux carries that over
 * execve, so a program started by a big Python process would report the
 * parent's peak.) -1 if unknown.
 */
static inline long peak_rss_kib(void)
{
	char line[256];
	long kib = -1;
	FILE *f = fopen("/proc/self/status", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "VmHWM: %ld kB", &kib) == 1)
			break;
	fclose(f);
	return kib;
}

/*
 * The measurement loop's options, shared by the C contenders:
 * [--warmup W] [--seconds S] ITERATIONS. ITERATIONS is the most calls;
 * with --seconds the loop stops once S seconds have passed (after at least
 * MIN_CALLS calls).
 */
#define MIN_CALLS 5

struct loop_opts {
	size_t warmup;
	size_t iterations;
	uint64_t budget_ns; /* 0: no time limit */
};

/* Parses a positive count argument or exits with status 2. */
static inline size_t parse_count(const char *prog, const char *s)
{
	char *end;
	unsigned long v = strtoul(s, &end, 10);

	if (*s == '\0' || *end != '\0' || v == 0) {
		fprintf(stderr, "%s: not a positive count: %s\n", prog, s);
		exit(2);
	}
	return (size_t)v;
}

/* Parses seconds (a positive decimal) into ns or exits with status 2. */
static inline uint64_t parse_seconds(const char *prog, const char *s)
{
	char *end;
	double v = strtod(s, &end);

	if (*s == '\0' || *end != '\0' || !(v > 0)) {
		fprintf(stderr, "%s: not a positive number of seconds: %s\n",
			prog, s);
		exit(2);
	}
	return (uint64_t)(v * 1e9);
}

/*
 * Consumes --warmup W and --seconds S from argv[1..]; returns the index of
 * the first other argument. `*flag_seen` (if not NULL) is set when `flag`
 * appears.
 */
static inline int parse_loop_opts(const char *prog, int argc, char **argv,
				  struct loop_opts *o, const char *flag,
				  int *flag_seen)
{
	int i = 1;

	while (i < argc && argv[i][0] == '-') {
		if (strcmp(argv[i], "--warmup") == 0 && i + 1 < argc) {
			o->warmup = strtoul(argv[i + 1], NULL, 10);
			i += 2;
		} else if (strcmp(argv[i], "--seconds") == 0 && i + 1 < argc) {
			o->budget_ns = parse_seconds(prog, argv[i + 1]);
			i += 2;
		} else if (flag && flag_seen && strcmp(argv[i], flag) == 0) {
			*flag_seen = 1;
			i++;
		} else {
			break;
		}
	}
	return i;
}

/* True when the timed loop, started at `start`, should end after `done` calls. */
static inline int loop_done(const struct loop_opts *o, size_t done,
			    uint64_t start, uint64_t now)
{
	if (done >= o->iterations)
		return 1;
	return o->budget_ns && done >= MIN_CALLS && now - start >= o->budget_ns;
}

#endif
