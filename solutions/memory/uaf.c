/*
 * memory/uaf: reference solution.
 *
 * `link` points at the pointer that leads to the current node: first at
 * head itself, later at the previous node's next field.  Removing a node
 * is then the same at the front and in the middle: make *link skip it.
 * Nothing reads the node after free, because *link already holds its
 * successor when free runs.
 */
#include <stdlib.h>

struct node {
	int value;
	struct node *next;
};

struct node *list_remove_all(struct node *head, int value)
{
	struct node **link = &head;

	while (*link != NULL) {
		struct node *n = *link;

		if (n->value == value) {
			*link = n->next; /* unlink first ... */
			free(n); /* ... then free; n is not used again */
		} else {
			link = &n->next;
		}
	}
	return head;
}
