/*
 * The benchmark kernel: mean squared error over n float64 values. The same
 * loop is written in Go in kernel_bench_test.go. Built at benchmark time
 * with clang --target=wasm32 -O2 -nostdlib -Wl,--no-entry.
 */
#define N (1 << 20)

static double A[N], B[N];

__attribute__((export_name("buf_a"))) double *buf_a(void) { return A; }
__attribute__((export_name("buf_b"))) double *buf_b(void) { return B; }

__attribute__((export_name("mse"))) double mse(int n) {
	double s = 0;
	for (int i = 0; i < n; i++) {
		double d = A[i] - B[i];
		s += d * d;
	}
	return s / n;
}
