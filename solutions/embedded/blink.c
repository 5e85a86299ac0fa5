/*
 * embedded/blink: reference solution.
 *
 * Three rules make it right on real hardware:
 *   - the LED changes only through BSRR, one store that sets or clears
 *     exactly our pin, so nothing an interrupt does to other pins of the
 *     port between a read and a write can be undone;
 *   - moder is read, changed and written back once, at start-up, before
 *     anything else uses the port;
 *   - the button is debounced with a shift register: each tick shifts in
 *     one reading, and only 16 equal readings in a row (0xffff or 0) count
 *     as a press or a release.
 * No libc, no heap, no static state: everything lives in the struct blink
 * the caller provides, so two LEDs can blink side by side.
 */
#include <stdbool.h>
#include <stdint.h>

struct gpio_port {
	volatile uint32_t moder; /* 0x00  bit n set: pin n is an output */
	volatile uint32_t idr;	 /* 0x04  input levels (read only) */
	volatile uint32_t odr;	 /* 0x08  output levels */
	volatile uint32_t bsrr;	 /* 0x0c  write only: bit n sets pin n,
				    bit n + 16 clears it */
};

struct blink {
	struct gpio_port *port;
	uint32_t led, button; /* pin masks: 1 << pin */
	uint32_t history; /* button readings, newest in bit 0; 1 = pressed */
	uint32_t ms;	  /* where the pattern is, 0 to 999 */
	bool held;	  /* a press was counted, no release yet */
	bool paused;
};

#define PERIOD_MS 1000
#define SETTLED	  0xffffu /* 16 readings */

void blink_init(struct blink *b, struct gpio_port *port, unsigned led,
		unsigned button);
void blink_tick(struct blink *b);

void blink_init(struct blink *b, struct gpio_port *port, unsigned led,
		unsigned button)
{
	b->port = port;
	b->led = 1u << led;
	b->button = 1u << button;
	b->history = 0;
	b->ms = 0;
	b->held = false;
	b->paused = false;
	port->moder = (port->moder | b->led) & ~b->button;
	port->bsrr = b->led << 16; /* off */
}

void blink_tick(struct blink *b)
{
	bool pressed = (b->port->idr & b->button) == 0; /* active low */
	bool on = false;

	b->history = b->history << 1 | pressed;
	if ((b->history & SETTLED) == SETTLED && !b->held) {
		b->held = true;
		b->paused = !b->paused;
		b->ms = 0;
	} else if ((b->history & SETTLED) == 0) {
		b->held = false;
	}
	if (!b->paused) {
		on = b->ms < 100 || (b->ms >= 200 && b->ms < 300);
		if (++b->ms == PERIOD_MS)
			b->ms = 0;
	}
	b->port->bsrr = on ? b->led : b->led << 16;
}
