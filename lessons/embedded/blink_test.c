/*
 * Tests for embedded/blink, on the host, against a simulated GPIO port.
 *
 * The port is an ordinary struct gpio_port in memory.  After every call
 * into the learner's code, hardware() does what the chip does: a value
 * written to bsrr sets and clears pins of odr (set wins when both bits of
 * a pin are written), and bsrr reads back as 0.  Before that, the tests
 * check that odr was not written directly: the learner's code must change
 * the LED through bsrr only.  The button is a bit of idr the tests set
 * and clear (active low: 0 = pressed).
 *
 * The starter fails at test_init_keeps_other_pins_modes (it writes moder
 * whole), at the tests that watch odr (it writes odr directly) and at the
 * button tests (no debouncing: every tick that reads "pressed" toggles).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdbool.h>

struct gpio_port {
	volatile uint32_t moder;
	volatile uint32_t idr;
	volatile uint32_t odr;
	volatile uint32_t bsrr;
};

struct blink {
	struct gpio_port *port;
	uint32_t led, button;
	uint32_t history;
	uint32_t ms;
	bool held;
	bool paused;
};

void blink_init(struct blink *b, struct gpio_port *port, unsigned led,
		unsigned button);
void blink_tick(struct blink *b);

#define LED    5
#define BUTTON 13
#define OTHERS 0x8101u /* pins 0, 8 and 15: driven by someone else */

static struct gpio_port port;
static struct blink b;
static unsigned long ticks;  /* for messages */
static uint32_t odr_written; /* what blink_init wrote into odr, if it did */
static bool init_wrote_odr;

/* The chip's side of a bsrr write. */
static void hardware(void)
{
	uint32_t v = port.bsrr;

	port.odr = (port.odr & ~(v >> 16)) | (v & 0xffffu);
	port.bsrr = 0;
}

static void check_odr_untouched(uint32_t before, const char *where)
{
	if (port.odr != before)
		fail_msg("%s wrote odr directly (0x%04x -> 0x%04x): change the "
			 "LED through bsrr only",
			 where, (unsigned)before, (unsigned)port.odr);
}

static void tick(void)
{
	uint32_t before = port.odr;

	blink_tick(&b);
	check_odr_untouched(before, "blink_tick");
	hardware();
	ticks++;
}

static bool led_on(void)
{
	return (port.odr >> LED) & 1;
}

static void button(bool pressed)
{
	if (pressed)
		port.idr &= ~(1u << BUTTON);
	else
		port.idr |= 1u << BUTTON;
}

static bool heartbeat(unsigned long ms)
{
	ms %= 1000;
	return ms < 100 || (ms >= 200 && ms < 300);
}

/* Tick n times expecting the heartbeat from millisecond `from`. */
static void expect_pattern(unsigned long from, unsigned long n)
{
	for (unsigned long i = 0; i < n; i++) {
		tick();
		if (led_on() != heartbeat(from + i))
			fail_msg(
			    "at tick %lu the LED is %s; at millisecond %lu "
			    "of the pattern it should be %s",
			    ticks - 1, led_on() ? "on" : "off",
			    (from + i) % 1000,
			    heartbeat(from + i) ? "on" : "off");
	}
}

static void expect_off(unsigned long n, const char *why)
{
	for (unsigned long i = 0; i < n; i++) {
		tick();
		if (led_on())
			fail_msg("at tick %lu the LED is on: %s", ticks - 1,
				 why);
	}
}

static int setup(void **state)
{
	(void)state;
	port.moder = 0x00a0a000u | (1u << BUTTON); /* pin 13 was an output */
	port.idr = 0xffffu;			   /* button released */
	port.odr = OTHERS | (1u << LED); /* the LED happens to be on */
	port.bsrr = 0;
	ticks = 0;
	uint32_t before = port.odr;
	blink_init(&b, &port, LED, BUTTON);
	/* Reported by test_init_turns_led_off; the other tests go on. */
	init_wrote_odr = port.odr != before;
	odr_written = port.odr;
	port.odr = before;
	hardware();
	return 0;
}

static void test_init_makes_led_an_output(void **state)
{
	(void)state;
	assert_true(port.moder & (1u << LED));
}

static void test_init_makes_button_an_input(void **state)
{
	(void)state;
	assert_false(port.moder & (1u << BUTTON));
}

static void test_init_keeps_other_pins_modes(void **state)
{
	uint32_t others = ~((1u << LED) | (1u << BUTTON));
	(void)state;

	/* Pins 13 and 15 of 0x00a0a000 are not ours; only LED and BUTTON
	 * may change. */
	assert_int_equal(port.moder & others, 0x00a0a000u & others);
}

static void test_init_turns_led_off(void **state)
{
	(void)state;
	if (init_wrote_odr)
		fail_msg("blink_init wrote odr directly (0x%04x -> 0x%04x): "
			 "turn the LED off through bsrr",
			 (unsigned)(OTHERS | (1u << LED)),
			 (unsigned)odr_written);
	assert_false(led_on());
	assert_int_equal(port.odr, OTHERS); /* and nothing else changed */
}

static void test_heartbeat_pattern(void **state)
{
	(void)state;
	button(false);
	expect_pattern(0, 3000);
}

static void test_other_pins_stay_as_they_are(void **state)
{
	uint32_t others = OTHERS;
	(void)state;

	for (int i = 0; i < 1000; i++) {
		if (i == 150) { /* an interrupt handler flips pin 8 */
			port.odr ^= 1u << 8;
			others ^= 1u << 8;
		}
		tick();
		assert_int_equal(port.odr & ~(1u << LED), others);
	}
}

static void test_press_pauses_after_16_ticks(void **state)
{
	(void)state;
	expect_pattern(0, 30);
	button(true);
	/* 15 ticks read "pressed": not yet a press. */
	expect_pattern(30, 15);
	/* The 16th counts: paused, and the LED goes off at once. */
	expect_off(1, "the 16th pressed tick counts as a press and pauses");
	expect_off(500, "paused while the button is held");
	button(false);
	expect_off(2000, "still paused after the release");
}

static void test_second_press_resumes_from_the_start(void **state)
{
	(void)state;
	expect_pattern(0, 450);
	button(true);
	expect_pattern(450, 15);
	expect_off(100, "paused");
	button(false);
	expect_off(300, "paused");
	button(true);
	expect_off(15, "paused until the 16th pressed tick");
	/* The tick that counts the second press is millisecond 0. */
	expect_pattern(0, 1500);
}

static void test_bounce_is_ignored(void **state)
{
	(void)state;
	/* Pressed for 3 ticks, released for 2, and so on: never 16 in a row. */
	for (unsigned long i = 0; i < 400; i++) {
		button(i % 5 < 3);
		tick();
		if (led_on() != heartbeat(i))
			fail_msg(
			    "at tick %lu a bouncing contact changed the "
			    "pattern: the button never read pressed 16 times "
			    "in a row",
			    i);
	}
}

static void test_holding_is_one_press(void **state)
{
	(void)state;
	button(true);
	expect_pattern(0, 15);
	expect_off(5000, "holding the button down is a single press");
}

static void test_short_release_does_not_count(void **state)
{
	(void)state;
	button(true);
	expect_pattern(0, 15);
	expect_off(50, "paused");
	/* Released for only 10 ticks (a bounce), then pressed again for long:
	 * no release was counted, so this is still the first press. */
	button(false);
	expect_off(10, "paused");
	button(true);
	expect_off(100, "a release shorter than 16 ticks is not a release, "
			"so the next press does not count");
}

static void test_two_leds_blink_independently(void **state)
{
	struct gpio_port port2 = {0, 0xffffu, 0, 0};
	struct blink b2;
	(void)state;

	/* A second LED on pin 2 of another port, started 100 ms later: all
	 * state lives in the struct blink, none in static variables. */
	expect_pattern(0, 100);
	blink_init(&b2, &port2, 2, 3);
	port2.odr = (port2.odr & ~(port2.bsrr >> 16)) | (port2.bsrr & 0xffffu);
	for (unsigned long i = 0; i < 2000; i++) {
		tick();
		blink_tick(&b2);
		port2.odr =
		    (port2.odr & ~(port2.bsrr >> 16)) | (port2.bsrr & 0xffffu);
		port2.bsrr = 0;
		assert_int_equal(led_on(), heartbeat(100 + i));
		assert_int_equal((port2.odr >> 2) & 1, heartbeat(i));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup(test_init_makes_led_an_output, setup),
	    cmocka_unit_test_setup(test_init_makes_button_an_input, setup),
	    cmocka_unit_test_setup(test_init_keeps_other_pins_modes, setup),
	    cmocka_unit_test_setup(test_init_turns_led_off, setup),
	    cmocka_unit_test_setup(test_heartbeat_pattern, setup),
	    cmocka_unit_test_setup(test_other_pins_stay_as_they_are, setup),
	    cmocka_unit_test_setup(test_press_pauses_after_16_ticks, setup),
	    cmocka_unit_test_setup(test_second_press_resumes_from_the_start,
				   setup),
	    cmocka_unit_test_setup(test_bounce_is_ignored, setup),
	    cmocka_unit_test_setup(test_holding_is_one_press, setup),
	    cmocka_unit_test_setup(test_short_release_does_not_count, setup),
	    cmocka_unit_test_setup(test_two_leds_blink_independently, setup),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
