/*
 * embedded/ring: reference solution.
 *
 * head and tail count every byte ever put and taken; they are never
 * wrapped.  Their difference is the number of bytes inside (unsigned
 * arithmetic makes it right even after the counters overflow), so "empty"
 * (head == tail) and "full" (head - tail == RING_SIZE) are different
 * states and all RING_SIZE slots can be used.  The slot of a counter is
 * its low bits: counter & (RING_SIZE - 1), which is why RING_SIZE is a
 * power of two.
 *
 * With one producer (the UART interrupt: ring_put writes only head) and
 * one consumer (the main loop: ring_get writes only tail), this layout
 * needs no lock on a single-core microcontroller; on a multi-core chip
 * the two counters would also need C11 atomics for ordering.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define RING_SIZE 64 /* bytes; a power of two */

void ring_reset(void);
bool ring_put(uint8_t byte);
bool ring_get(uint8_t *byte);
size_t ring_count(void);

static uint8_t slots[RING_SIZE];
static uint32_t head, tail; /* bytes put and taken, since the reset */

void ring_reset(void)
{
	head = tail = 0;
}

size_t ring_count(void)
{
	return head - tail;
}

bool ring_put(uint8_t byte)
{
	if (head - tail == RING_SIZE)
		return false;
	slots[head & (RING_SIZE - 1)] = byte;
	head++;
	return true;
}

bool ring_get(uint8_t *byte)
{
	if (head == tail)
		return false;
	*byte = slots[tail & (RING_SIZE - 1)];
	tail++;
	return true;
}
