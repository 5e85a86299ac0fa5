/* Hidden tests for count/count: the edge cases students tend to miss. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

size_t count_char(const char *s, char c);

static void test_empty_string(void **state)
{
	(void)state;
	assert_int_equal(count_char("", 'a'), 0);
}

static void test_counting_the_terminator(void **state)
{
	(void)state;
	/* The zero byte ends the string: it is never counted. */
	assert_int_equal(count_char("abc", '\0'), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_empty_string),
		cmocka_unit_test(test_counting_the_terminator),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
