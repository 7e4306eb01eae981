/*
 * mse-c: an example evaluator in C, with no libc, showing that the
 * evaluator ABI is language-neutral.
 *
 * It scores predictions. The task holds N reference values and the
 * submission's output holds N predictions, both little-endian float64. The
 * output is streamed through a fixed 64 KiB buffer, so it can be far larger
 * than the module's memory. The score is 1/(1+MSE); the details are
 * "n=<N> mse=<MSE>" in text.
 */
#include "crucible.h"

CRUCIBLE_ABI_V1

#define CHUNK 8192 /* doubles per read: 64 KiB */

static double task_buf[CHUNK];
static double out_buf[CHUNK];

static void fail(const char *msg) {
	int32_t n = 0;
	while (msg[n]) n++;
	crucible_set_error(msg, n);
}

/* Writes v in decimal with 9 significant digits; returns the length. */
static int format_double(char *p, double v) {
	int n = 0;
	if (v != v) { p[0] = 'N'; p[1] = 'a'; p[2] = 'N'; return 3; }
	if (v < 0) { p[n++] = '-'; v = -v; }
	int exp10 = 0;
	if (v != 0) {
		while (v >= 10) { v /= 10; exp10++; }
		while (v < 1) { v *= 10; exp10--; }
	}
	uint64_t digits = (uint64_t)(v * 1e8 + 0.5);
	if (digits >= 1000000000ULL) { digits /= 10; exp10++; }
	char d[9];
	for (int i = 8; i >= 0; i--) { d[i] = '0' + digits % 10; digits /= 10; }
	p[n++] = d[0];
	p[n++] = '.';
	for (int i = 1; i < 9; i++) p[n++] = d[i];
	p[n++] = 'e';
	if (exp10 < 0) { p[n++] = '-'; exp10 = -exp10; }
	if (exp10 >= 100) p[n++] = '0' + exp10 / 100;
	if (exp10 >= 10) p[n++] = '0' + exp10 / 10 % 10;
	p[n++] = '0' + exp10 % 10;
	return n;
}

static int format_uint(char *p, uint64_t v) {
	char tmp[20];
	int n = 0, m = 0;
	do { tmp[n++] = '0' + v % 10; v /= 10; } while (v);
	while (n) p[m++] = tmp[--n];
	return m;
}

/* The kernel: sum of squared differences of n values. */
static double sum_sq_diff(const double *a, const double *b, int n) {
	double s = 0;
	for (int i = 0; i < n; i++) {
		double d = a[i] - b[i];
		s += d * d;
	}
	return s;
}

CRUCIBLE_EVALUATE int32_t crucible_evaluate(void) {
	int64_t task_size = crucible_input_size(CRUCIBLE_TASK);
	int64_t out_size = crucible_input_size(CRUCIBLE_OUTPUT);
	if (task_size == 0 || task_size % 8 != 0) {
		fail("task must be a non-empty array of little-endian float64 values");
		return 1;
	}
	if (out_size != task_size) {
		fail("output must hold exactly as many float64 values as the task");
		return 1;
	}
	int64_t n = task_size / 8;
	double sum = 0;
	for (int64_t off = 0; off < task_size; off += sizeof task_buf) {
		int32_t want = task_size - off < (int64_t)sizeof task_buf ? (int32_t)(task_size - off) : (int32_t)sizeof task_buf;
		if (crucible_input_read(CRUCIBLE_TASK, off, task_buf, want) != want ||
		    crucible_input_read(CRUCIBLE_OUTPUT, off, out_buf, want) != want) {
			fail("short read");
			return 1;
		}
		for (int i = 0; i < want / 8; i++) {
			double p = out_buf[i];
			if (p != p || p - p != 0) {
				fail("output contains NaN or infinity");
				return 1;
			}
		}
		sum += sum_sq_diff(task_buf, out_buf, want / 8);
	}
	double mse = sum / (double)n;

	char details[64];
	int len = 0;
	details[len++] = 'n'; details[len++] = '=';
	len += format_uint(details + len, (uint64_t)n);
	details[len++] = ' ';
	details[len++] = 'm'; details[len++] = 's'; details[len++] = 'e'; details[len++] = '=';
	len += format_double(details + len, mse);
	crucible_log(details, len);
	crucible_log("\n", 1);
	crucible_set_result(1.0 / (1.0 + mse), details, len);
	return 0;
}
