/*
 * memory/uaf: remove nodes from a linked list without touching freed memory
 *
 * A to-do list keeps its items in a singly linked list of heap nodes, each
 * made with malloc.  Write list_remove_all(), which takes out every node
 * whose value equals `value`:
 *
 *     struct node *list_remove_all(struct node *head, int value);
 *
 * The contract:
 *   - unlink every node holding `value` and free it; keep the other nodes,
 *     in their original order;
 *   - return the new head, which changes when the first node is removed
 *     and is NULL when no node is left (or the list was empty);
 *   - never read or write a node after freeing it.
 *
 * The starter below compiles without a warning and may even seem to work.
 * Look at what the loop does right after free(n).
 *
 * Check your work:   workbook check memory/uaf
 * Stuck?             workbook hint memory/uaf
 */
#include <stdlib.h>

struct node {
	int value;
	struct node *next;
};

struct node *list_remove_all(struct node *head, int value)
{
	struct node *prev = NULL;

	for (struct node *n = head; n != NULL; n = n->next) {
		if (n->value != value) {
			prev = n;
			continue;
		}
		/* Unlink n: whoever pointed at it now points past it. */
		if (prev == NULL)
			head = n->next;
		else
			prev->next = n->next;
		free(n);
	}
	return head;
}
