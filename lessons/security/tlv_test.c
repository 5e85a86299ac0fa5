/*
 * Tests for security/tlv: tlv_parse() on good, truncated and oversized
 * input.  The fuzz check then tries far more inputs than these.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#define TLV_MAX_VALUE 64

struct tlv {
	uint8_t type;
	uint16_t len;
	uint8_t value[TLV_MAX_VALUE];
};

int tlv_parse(const uint8_t *buf, size_t len, struct tlv *out, size_t max);

/* The records land in the middle of this array: out[-1] and out[max]
 * are guards that must stay untouched. */
static struct tlv slots[10];
#define GUARD 0x5a

static struct tlv *fresh(void)
{
	memset(slots, GUARD, sizeof(slots));
	return &slots[1];
}

static void guards_untouched(size_t max)
{
	const uint8_t *before = (const uint8_t *)&slots[0];
	const uint8_t *after = (const uint8_t *)&slots[1 + max];

	for (size_t i = 0; i < sizeof(struct tlv); i++)
		if (before[i] != GUARD || after[i] != GUARD)
			fail_msg("tlv_parse wrote outside out[0..%zu]",
				 max - 1);
}

static void test_two_records(void **state)
{
	const uint8_t in[] = {1, 0, 3, 'a', 'b', 'c', 7, 0, 0};
	struct tlv *out = fresh();
	(void)state;

	assert_int_equal(tlv_parse(in, sizeof(in), out, 4), 2);
	assert_int_equal(out[0].type, 1);
	assert_int_equal(out[0].len, 3);
	assert_memory_equal(out[0].value, "abc", 3);
	assert_int_equal(out[1].type, 7);
	assert_int_equal(out[1].len, 0);
	guards_untouched(4);
}

static void test_empty_buffer(void **state)
{
	(void)state;
	assert_int_equal(tlv_parse(NULL, 0, fresh(), 4), 0);
	guards_untouched(4);
}

static void test_big_endian_length(void **state)
{
	uint8_t in[3 + 64] = {9, 0x00, 0x40}; /* length 64: the largest */
	struct tlv *out = fresh();
	(void)state;

	memset(in + 3, 'x', 64);
	assert_int_equal(tlv_parse(in, sizeof(in), out, 1), 1);
	assert_int_equal(out[0].len, 64);
	guards_untouched(1);
}

static void test_truncated_header(void **state)
{
	const uint8_t one[] = {1}, two[] = {1, 0};
	const uint8_t after_record[] = {1, 0, 1, 'a', 2, 0}; /* 2 of 3 bytes */
	(void)state;

	assert_int_equal(tlv_parse(one, sizeof(one), fresh(), 4), -1);
	assert_int_equal(tlv_parse(two, sizeof(two), fresh(), 4), -1);
	assert_int_equal(
	    tlv_parse(after_record, sizeof(after_record), fresh(), 4), -1);
	guards_untouched(4);
}

static void test_truncated_value(void **state)
{
	/* The length says 10; only 4 bytes follow. */
	const uint8_t in[] = {3, 0, 10, 'd', 'a', 't', 'a'};
	(void)state;

	assert_int_equal(tlv_parse(in, sizeof(in), fresh(), 4), -1);
	guards_untouched(4);
}

static void test_oversized_value(void **state)
{
	uint8_t in[3 + 65] = {5, 0x00, 0x41};	 /* 65 bytes: one too many */
	uint8_t huge[3 + 300] = {5, 0x01, 0x2c}; /* 300 bytes, all present */
	(void)state;

	memset(in + 3, 'y', 65);
	memset(huge + 3, 'z', 300);
	assert_int_equal(tlv_parse(in, sizeof(in), fresh(), 4), -1);
	guards_untouched(4);
	assert_int_equal(tlv_parse(huge, sizeof(huge), fresh(), 4), -1);
	guards_untouched(4);
}

static void test_length_beyond_the_buffer(void **state)
{
	/* 0xffff: the largest length a header can claim. */
	const uint8_t in[] = {1, 0xff, 0xff, 'a'};
	(void)state;

	assert_int_equal(tlv_parse(in, sizeof(in), fresh(), 4), -1);
	guards_untouched(4);
}

static void test_too_many_records(void **state)
{
	const uint8_t in[] = {1, 0, 0, 2, 0, 0, 3, 0, 0};
	(void)state;

	assert_int_equal(tlv_parse(in, sizeof(in), fresh(), 2), -1);
	guards_untouched(2);
	assert_int_equal(tlv_parse(in, sizeof(in), fresh(), 3), 3);
	guards_untouched(3);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_two_records),
	    cmocka_unit_test(test_empty_buffer),
	    cmocka_unit_test(test_big_endian_length),
	    cmocka_unit_test(test_truncated_header),
	    cmocka_unit_test(test_truncated_value),
	    cmocka_unit_test(test_oversized_value),
	    cmocka_unit_test(test_length_beyond_the_buffer),
	    cmocka_unit_test(test_too_many_records),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
