/*
 * embedded/ring: a receive queue with static storage
 *
 * A serial port (UART) receives bytes whenever the other side sends them,
 * and its interrupt handler must put each byte somewhere at once; the
 * main loop takes them out when it has time.  The classic structure
 * between the two is a ring buffer: a fixed array used in a circle.
 * Write it:
 *
 *     void   ring_reset(void);         empty the queue
 *     bool   ring_put(uint8_t byte);   add a byte at the back; false (and
 *                                      nothing stored) when it is full
 *     bool   ring_get(uint8_t *byte);  take the byte at the front into
 *                                      *byte; false (and *byte untouched)
 *                                      when it is empty
 *     size_t ring_count(void);         how many bytes are inside
 *
 * Bytes come out in the order they went in, and the queue holds up to
 * RING_SIZE (64) bytes: all 64, not 63.  It is used for ever, so its
 * positions wrap around the end of the array millions of times.
 *
 * Firmware rules: the storage is static (a fixed array in this file,
 * allocated when the program is linked); no malloc, no C library at all
 * (the file is also built with -ffreestanding -nostdlib and may need
 * nothing from outside).
 *
 * The starter below has the two classic bugs of a ring buffer, plus a
 * habit from programs that run on an operating system.
 *
 * Check your work:   workbook check embedded/ring
 * Stuck?             workbook hint embedded/ring
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#define RING_SIZE 64 /* bytes; a power of two */

void ring_reset(void);
bool ring_put(uint8_t byte);
bool ring_get(uint8_t *byte);
size_t ring_count(void);

static uint8_t *slots;
static size_t head, tail; /* next slot to write, next slot to read */

void ring_reset(void)
{
	if (!slots)
		slots = malloc(RING_SIZE);
	head = tail = 0;
}

size_t ring_count(void)
{
	return head - tail;
}

bool ring_put(uint8_t byte)
{
	if ((head + 1) % RING_SIZE == tail)
		return false; /* full */
	slots[head] = byte;
	head = (head + 1) % RING_SIZE;
	return true;
}

bool ring_get(uint8_t *byte)
{
	if (head == tail)
		return false; /* empty */
	*byte = slots[tail];
	tail = (tail + 1) % RING_SIZE;
	return true;
}
