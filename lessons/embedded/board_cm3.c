/*
 * The board file for the optional cortex-m check of embedded/blink: a
 * vector table, a reset handler, and a test loop that runs the learner's
 * blink_init and blink_tick on an emulated Cortex-M3 (qemu-system-arm,
 * machine lm3s6965evb) against a GPIO port simulated in RAM, the same way
 * the host tests do.  It reports through ARM semihosting: text with
 * SYS_WRITE0, and the verdict with SYS_EXIT (application exit: qemu exits
 * with status 0; anything else: status 1).
 *
 * Built with arm-none-eabi-gcc -mcpu=cortex-m3 -mthumb -ffreestanding
 * -nostdlib -Os and linked with cm3.ld and libgcc.
 */
#include <stdbool.h>
#include <stdint.h>

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

void reset_handler(void);
void fault_handler(void);

extern uint32_t _sidata[], _sdata[], _edata[], _sbss[], _ebss[], _estack[];

/* Initial stack pointer, reset, NMI, hard fault, and the other faults. */
__attribute__((section(".vectors"),
	       used)) static void (*const vectors[])(void) = {
    (void (*)(void))(uintptr_t)_estack,
    reset_handler,
    fault_handler,
    fault_handler,
    fault_handler,
    fault_handler,
    fault_handler,
};

#define SYS_WRITE0	 0x04
#define SYS_EXIT	 0x18
#define APPLICATION_EXIT 0x20026
#define RUNTIME_ERROR	 0x20023

static int semihost(int op, const void *arg)
{
	register int r0 __asm__("r0") = op;
	register const void *r1 __asm__("r1") = arg;

	__asm__ volatile("bkpt 0xab" : "+r"(r0) : "r"(r1) : "memory");
	return r0;
}

static void say(const char *s)
{
	semihost(SYS_WRITE0, s);
}

static void say_num(unsigned long n)
{
	char buf[12];
	int i = (int)sizeof(buf) - 1;

	buf[i] = '\0';
	do {
		buf[--i] = (char)('0' + n % 10);
		n /= 10;
	} while (n && i > 0);
	say(buf + i);
}

static __attribute__((noreturn)) void finish(bool ok)
{
	semihost(SYS_EXIT, (const void *)(uintptr_t)(ok ? APPLICATION_EXIT
							: RUNTIME_ERROR));
	for (;;)
		;
}

void fault_handler(void)
{
	say("blink: the CPU took a fault (a bad pointer or an illegal "
	    "instruction)\n");
	finish(false);
}

#define LED    5
#define BUTTON 13

static struct gpio_port port; /* in RAM: the simulated register block */
static struct blink b;

static void hardware(void)
{
	uint32_t v = port.bsrr;

	port.odr = (port.odr & ~(v >> 16)) | (v & 0xffffu);
	port.bsrr = 0;
}

static bool heartbeat(unsigned long ms)
{
	ms %= 1000;
	return ms < 100 || (ms >= 200 && ms < 300);
}

/* n ticks; the LED must follow `want` (from ms `from`, or off). */
static bool run(unsigned long n, unsigned long from, bool pattern,
		unsigned long *tick)
{
	for (unsigned long i = 0; i < n; i++, (*tick)++) {
		blink_tick(&b);
		hardware();
		bool on = (port.odr >> LED) & 1;
		bool want = pattern && heartbeat(from + i);
		if (on != want) {
			say("blink: at tick ");
			say_num(*tick);
			say(on ? " the LED is on, expected off\n"
			       : " the LED is off, expected on\n");
			return false;
		}
	}
	return true;
}

void reset_handler(void)
{
	unsigned long tick = 0;
	bool ok;

	for (uint32_t *s = _sidata, *d = _sdata; d < _edata;)
		*d++ = *s++;
	for (uint32_t *d = _sbss; d < _ebss;)
		*d++ = 0;
	port.idr = 0xffffu;
	port.moder = 0x00a0a000u | (1u << BUTTON);
	blink_init(&b, &port, LED, BUTTON);
	hardware();
	ok = !((port.odr >> LED) & 1) && (port.moder & (1u << LED)) &&
	     !(port.moder & (1u << BUTTON));
	if (!ok)
		say("blink: blink_init did not set up the pins\n");
	ok = ok && run(2500, 0, true, &tick);
	port.idr &= ~(1u << BUTTON); /* press */
	ok = ok && run(15, 2500, true, &tick) && run(300, 0, false, &tick);
	port.idr |= 1u << BUTTON; /* release */
	ok = ok && run(100, 0, false, &tick);
	port.idr &= ~(1u << BUTTON); /* press again */
	ok = ok && run(15, 0, false, &tick) && run(1200, 0, true, &tick);
	if (ok) {
		say("blink on an emulated Cortex-M3: ");
		say_num(tick);
		say(" ticks, heartbeat and button as expected\n");
	}
	finish(ok);
}
