/* Visible tests for count/count: ordinary strings. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

size_t count_char(const char *s, char c);

static void test_counts_letters(void **state)
{
	(void)state;
	assert_int_equal(count_char("banana", 'a'), 3);
	assert_int_equal(count_char("banana", 'n'), 2);
}

static void test_absent_letter(void **state)
{
	(void)state;
	assert_int_equal(count_char("banana", 'z'), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_counts_letters),
		cmocka_unit_test(test_absent_letter),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
