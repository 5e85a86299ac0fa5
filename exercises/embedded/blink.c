/*
 * embedded/blink: a heartbeat LED with a pause button, on bare metal
 *
 * The board has one GPIO port, a block of four 32-bit registers the chip
 * maps at a fixed address (see struct gpio_port below).  An LED hangs on
 * one pin (active high: pin high = LED on) and a push button on another
 * (active low: it pulls the pin to 0 while pressed).  A timer interrupt
 * calls blink_tick() once every millisecond.  Write the two functions:
 *
 *     void blink_init(struct blink *b, struct gpio_port *port,
 *                     unsigned led, unsigned button);
 *     void blink_tick(struct blink *b);
 *
 * blink_init: remember the port and pins in *b; make the LED pin an
 * output and the button pin an input (its moder bit 0), leaving every
 * other pin's mode as it was; turn the LED off.
 *
 * blink_tick: the LED shows a heartbeat with a period of 1000 ms: on for
 * milliseconds 0-99 and 200-299 of each period, off for the rest.  Call
 * number n after blink_init (the first call is n = 0) sets the LED for
 * millisecond n % 1000.  A press of the button pauses the heartbeat (the
 * LED goes off at once and stays off); the next press resumes it, and the
 * tick that counts that press is millisecond 0 again.
 *   - Buttons bounce: for a few milliseconds after it is pressed or
 *     released the contact opens and closes at random.  A press counts on
 *     the 16th tick in a row that reads the button pressed; after that,
 *     the button must read released on 16 ticks in a row before another
 *     press can count.  Holding the button down is one press.
 *   - Change the LED only through bsrr: other code (an interrupt handler)
 *     drives the other pins of the port at any moment, and a
 *     read-modify-write of odr could undo its change.  Never write odr.
 *
 * Firmware rules: no C library (no printf, no malloc, no memset: the file
 * is also built with -ffreestanding -nostdlib and may need nothing from
 * outside), all state in *b (there can be two LEDs), and the code small:
 * .text of the freestanding -Os build at most 256 bytes.
 *
 * Keep struct gpio_port and struct blink as they are: the tests and the
 * board file allocate them.  The tests run on your computer against a
 * simulated register block that behaves like the chip's.
 *
 * Check your work:   workbook check embedded/blink
 * Stuck?             workbook hint embedded/blink
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
	uint32_t history;     /* free for your debouncing */
	uint32_t ms;	      /* where the pattern is, 0 to 999 */
	bool held;	      /* free for your debouncing */
	bool paused;
};

#define PERIOD_MS 1000

void blink_init(struct blink *b, struct gpio_port *port, unsigned led,
		unsigned button);
void blink_tick(struct blink *b);

void blink_init(struct blink *b, struct gpio_port *port, unsigned led,
		unsigned button)
{
	b->port = port;
	b->led = 1u << led;
	b->button = 1u << button;
	b->ms = 0;
	b->paused = false;
	port->moder = b->led; /* the LED pin is an output */
	port->odr = 0;	      /* LED off */
}

void blink_tick(struct blink *b)
{
	if ((b->port->idr & b->button) == 0) /* pressed */
		b->paused = !b->paused;
	if (b->paused) {
		b->port->odr = 0;
		return;
	}
	if (b->ms < 100 || (b->ms >= 200 && b->ms < 300))
		b->port->odr = b->led;
	else
		b->port->odr = 0;
	b->ms = (b->ms + 1) % PERIOD_MS;
}
