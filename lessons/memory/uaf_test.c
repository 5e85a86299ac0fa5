/*
 * Tests for memory/uaf: list_remove_all(head, value).
 *
 * The starter reads n->next after free(n).  A plain run may crash at
 * `tests` (the allocator reuses the freed node's bytes for its own
 * bookkeeping, so n->next is garbage) or may get lucky; `sanitize` always
 * catches it as an AddressSanitizer heap-use-after-free.  A version that
 * unlinks nodes without freeing them passes `tests` and fails `sanitize`
 * with a LeakSanitizer "memory leak" report.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>

/* The same layout as in the exercise file. */
struct node {
	int value;
	struct node *next;
};

struct node *list_remove_all(struct node *head, int value);

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* A list holding values[0..n-1], in order, made of malloc'ed nodes (the
 * function under test frees the ones it removes). */
static struct node *make_list(const int *values, size_t n)
{
	struct node *head = NULL;

	for (size_t i = n; i-- > 0;) {
		struct node *node = malloc(sizeof *node);

		assert_non_null(node);
		node->value = values[i];
		node->next = head;
		head = node;
	}
	return head;
}

static void free_list(struct node *head)
{
	while (head != NULL) {
		struct node *next = head->next;

		free(head);
		head = next;
	}
}

/* Fail unless the list holds exactly want[0..n-1], in order. */
static void assert_list_is(const struct node *head, const int *want, size_t n)
{
	size_t i = 0;

	for (const struct node *p = head; p != NULL; p = p->next, i++) {
		if (i == n)
			fail_msg("the list is longer than the %zu node(s) "
				 "expected; extra value %d",
				 n, p->value);
		if (p->value != want[i])
			fail_msg("node %zu holds %d, expected %d", i, p->value,
				 want[i]);
	}
	if (i != n)
		fail_msg("the list has %zu node(s), expected %zu", i, n);
}

static void test_removes_a_middle_node(void **state)
{
	const int before[] = {1, 2, 3}, after[] = {1, 3};
	struct node *list = make_list(before, COUNT(before));
	(void)state;

	struct node *head = list_remove_all(list, 2);
	assert_ptr_equal(head, list); /* the first node stays the head */
	assert_list_is(head, after, COUNT(after));
	free_list(head);
}

static void test_removes_the_head_node(void **state)
{
	const int before[] = {7, 1, 2}, after[] = {1, 2};
	struct node *list = make_list(before, COUNT(before));
	struct node *second = list->next;
	(void)state;

	struct node *head = list_remove_all(list, 7);
	assert_ptr_equal(head, second); /* the new head is the old 2nd node */
	assert_list_is(head, after, COUNT(after));
	free_list(head);
}

static void test_removes_the_tail_node(void **state)
{
	const int before[] = {1, 2, 9}, after[] = {1, 2};
	struct node *list = make_list(before, COUNT(before));
	(void)state;

	struct node *head = list_remove_all(list, 9);
	assert_list_is(head, after, COUNT(after)); /* last next must be NULL */
	free_list(head);
}

static void test_removes_adjacent_matches(void **state)
{
	const int before[] = {1, 5, 5, 5, 2}, after[] = {1, 2};
	struct node *list = make_list(before, COUNT(before));
	(void)state;

	struct node *head = list_remove_all(list, 5);
	assert_list_is(head, after, COUNT(after));
	free_list(head);
}

static void test_removes_every_node(void **state)
{
	const int before[] = {4, 4, 4};
	struct node *list = make_list(before, COUNT(before));
	(void)state;

	struct node *head = list_remove_all(list, 4);
	assert_null(head); /* nothing left: the head is NULL */
}

static void test_keeps_order_of_remaining_nodes(void **state)
{
	const int before[] = {3, 1, 3, 2, 3, 1}, after[] = {1, 2, 1};
	struct node *list = make_list(before, COUNT(before));
	(void)state;

	struct node *head = list_remove_all(list, 3);
	assert_list_is(head, after, COUNT(after));
	free_list(head);
}

static void test_list_without_match_is_unchanged(void **state)
{
	const int values[] = {1, 2, 3};
	struct node *list = make_list(values, COUNT(values));
	(void)state;

	struct node *head = list_remove_all(list, 8);
	assert_ptr_equal(head, list); /* same head, same nodes */
	assert_list_is(head, values, COUNT(values));
	free_list(head);
}

static void test_empty_list_stays_empty(void **state)
{
	(void)state;

	assert_null(list_remove_all(NULL, 1)); /* NULL in, NULL out */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_removes_a_middle_node),
	    cmocka_unit_test(test_removes_the_head_node),
	    cmocka_unit_test(test_removes_the_tail_node),
	    cmocka_unit_test(test_removes_adjacent_matches),
	    cmocka_unit_test(test_removes_every_node),
	    cmocka_unit_test(test_keeps_order_of_remaining_nodes),
	    cmocka_unit_test(test_list_without_match_is_unchanged),
	    cmocka_unit_test(test_empty_list_stays_empty),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
