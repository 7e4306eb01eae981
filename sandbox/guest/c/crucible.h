/*
 * crucible.h: evaluator ABI v1 for C (and anything that can call C).
 *
 * The ABI is specified in docs/EVALUATOR_ABI.md; this header only declares
 * it. It needs no libc: build freestanding with
 *
 *   clang --target=wasm32 -O2 -nostdlib -mbulk-memory \
 *         -Wl,--no-entry -o evaluator.wasm evaluator.c
 *
 * and define exactly one function:
 *
 *   CRUCIBLE_EVALUATE int32_t crucible_evaluate(void) { ... }
 *
 * which reads its inputs with crucible_input_size/crucible_input_read,
 * then either calls crucible_set_result and returns 0, or calls
 * crucible_set_error and returns 1.
 */
#ifndef CRUCIBLE_H
#define CRUCIBLE_H

#include <stddef.h>
#include <stdint.h>

#define CRUCIBLE_IMPORT(name) \
	__attribute__((import_module("crucible"), import_name(name)))

/* Input kinds. */
#define CRUCIBLE_SEED 0   /* 32 bytes, the epoch seed */
#define CRUCIBLE_TASK 1   /* the task bytes */
#define CRUCIBLE_OUTPUT 2 /* the submission's output, possibly very large */

/* Size in bytes of an input. */
CRUCIBLE_IMPORT("input_size") int64_t crucible_input_size(int32_t kind);

/*
 * Copies up to len bytes of an input, starting at offset, into buf.
 * Returns the number of bytes copied: 0 at or past the end. Traps if
 * [buf, buf+len) is outside memory. Costs 10 fuel plus 1 per 8 bytes.
 */
CRUCIBLE_IMPORT("input_read")
int32_t crucible_input_read(int32_t kind, int64_t offset, void *buf, int32_t len);

/*
 * Sets the score, in [0, 1], and optional details (up to the host's output
 * limit, 64 KiB by default). Call it once, then return 0.
 */
CRUCIBLE_IMPORT("set_result")
void crucible_set_result(double score, const void *details, int32_t len);

/* Rejects the submission with a message. Call it once, then return 1. */
CRUCIBLE_IMPORT("set_error") void crucible_set_error(const char *msg, int32_t len);

/* WASI fd_write: writes to fd 1 or 2 go to the evaluation's bounded log. */
typedef struct {
	const void *buf;
	size_t len;
} crucible_ciovec;
__attribute__((import_module("wasi_snapshot_preview1"), import_name("fd_write")))
int32_t crucible_fd_write(int32_t fd, const crucible_ciovec *iovs, size_t n, size_t *written);

static inline void crucible_log(const char *msg, size_t len) {
	crucible_ciovec v = {msg, len};
	size_t written;
	crucible_fd_write(1, &v, 1, &written);
}

/* Declares ABI v1. Exactly one translation unit must include it. */
#define CRUCIBLE_ABI_V1 \
	__attribute__((export_name("crucible_abi_v1"))) void crucible_abi_v1(void) {}

/* Marks the evaluation entry point. */
#define CRUCIBLE_EVALUATE __attribute__((export_name("crucible_evaluate")))

#endif
