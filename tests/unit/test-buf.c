/* SPDX-License-Identifier: ISC */
/* Unit tests for core/buf.c: reads in network order, underruns consume
 * nothing, nested cursors stay inside their parent's bounds, a peek
 * consumes nothing, buf_since() spans what was read after a mark. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "core/buf.h"

static void
test_reads(void **state)
{
	static const uint8_t	 d[] = { 0x01, 0x02, 0x03, 0x04, 0x05, 0x06,
	    0x07, 0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f };
	struct buf		 b;
	uint8_t			 u8, raw[9];
	uint16_t		 u16;
	uint32_t		 u32;
	uint64_t		 u64;

	buf_init(&b, d, sizeof d);
	assert_int_equal(buf_get_u8(&b, &u8), 0);
	assert_int_equal(u8, 0x01);
	assert_int_equal(buf_get_u16(&b, &u16), 0);
	assert_int_equal(u16, 0x0203);
	assert_int_equal(buf_get_u32(&b, &u32), 0);
	assert_int_equal(u32, 0x04050607);
	assert_int_equal(buf_get(&b, raw, 9), -1);	/* 8 left */
	assert_int_equal(buf_left(&b), 8);
	assert_int_equal(buf_get_u64(&b, &u64), 0);
	assert_true(u64 == 0x08090a0b0c0d0e0fULL);
	assert_int_equal(buf_left(&b), 0);
	assert_int_equal(buf_get_u8(&b, &u8), -1);
	assert_int_equal(buf_get(&b, raw, 2), -1);
	assert_int_equal(buf_get(&b, raw, 0), 0);
	assert_int_equal(buf_skip(&b, 1), -1);
}

static void
test_sub(void **state)
{
	static const uint8_t	 d[] = { 0x00, 0x03, 0xaa, 0xbb, 0xcc, 0xdd };
	struct buf		 b, sub;
	uint16_t		 len, u16;
	uint8_t			 u8;

	buf_init(&b, d, sizeof d);
	assert_int_equal(buf_get_u16(&b, &len), 0);
	assert_int_equal(buf_sub(&b, &sub, len), 0);
	assert_int_equal(buf_left(&sub), 3);
	assert_int_equal(buf_get_u16(&sub, &u16), 0);
	assert_int_equal(u16, 0xaabb);
	assert_int_equal(buf_get_u16(&sub, &u16), -1);	/* not the parent's */
	assert_int_equal(buf_get_u8(&b, &u8), 0);
	assert_int_equal(u8, 0xdd);
	assert_int_equal(buf_sub(&b, &sub, 1), -1);
	assert_int_equal(buf_skip(&b, 0), 0);
	buf_init(&b, d, sizeof d);
	assert_int_equal(buf_skip(&b, 5), 0);
	assert_int_equal(*buf_ptr(&b), 0xdd);
}

static void
test_peek(void **state)
{
	static const uint8_t	 d[] = { 0x7f, 0x80 };
	struct buf		 b;
	uint8_t			 u8 = 0;

	(void)state;
	buf_init(&b, d, sizeof d);
	assert_int_equal(buf_peek_u8(&b, &u8), 0);
	assert_int_equal(u8, 0x7f);
	assert_int_equal(buf_left(&b), 2);
	assert_int_equal(buf_offset(&b), 0);
	assert_int_equal(buf_skip(&b, 1), 0);
	assert_int_equal(buf_peek_u8(&b, &u8), 0);
	assert_int_equal(u8, 0x80);
	assert_int_equal(buf_get_u8(&b, &u8), 0);
	assert_int_equal(buf_offset(&b), 2);
	u8 = 0x11;
	assert_int_equal(buf_peek_u8(&b, &u8), -1);	/* at the end */
	assert_int_equal(u8, 0x11);
	buf_init(&b, d, 0);
	assert_int_equal(buf_peek_u8(&b, &u8), -1);
}

static void
test_since(void **state)
{
	static const uint8_t	 d[] = { 1, 2, 3, 4, 5, 6 };
	struct buf		 b, mark, span, other;
	uint8_t			 raw[6];
	uint16_t		 u16;

	(void)state;
	buf_init(&b, d, sizeof d);
	assert_int_equal(buf_skip(&b, 1), 0);
	mark = b;
	assert_int_equal(buf_get_u16(&b, &u16), 0);
	assert_int_equal(buf_skip(&b, 1), 0);
	assert_int_equal(buf_since(&mark, &b, &span), 0);
	assert_int_equal(buf_left(&span), 3);
	assert_int_equal(buf_get(&span, raw, 3), 0);
	assert_memory_equal(raw, d + 1, 3);
	/* Nothing read since: an empty span. */
	assert_int_equal(buf_since(&b, &b, &span), 0);
	assert_int_equal(buf_left(&span), 0);
	/* A mark after the cursor, or of another buffer, is refused. */
	assert_int_equal(buf_since(&b, &mark, &span), -1);
	buf_init(&other, raw, sizeof raw);
	assert_int_equal(buf_since(&other, &b, &span), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reads),
		cmocka_unit_test(test_sub),
		cmocka_unit_test(test_peek),
		cmocka_unit_test(test_since),
	};
	return (cmocka_run_group_tests(tests, NULL, NULL));
}
