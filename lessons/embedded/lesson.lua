-- embedded: firmware without an operating system (the guide's section 4).
-- A blink state machine over memory-mapped GPIO registers, tested on the
-- host against a simulated port and built freestanding within a byte
-- budget; a ring buffer with static storage.

local function back_to_reading(a)
  if not a.correct then
    return feedback {
      "The reading covers this; have another look before the exercises.",
      go = "reading.md",
    }
  end
end

-- cmocka's fail_msg text lands in the output excerpt, the failing test
-- names in the diagnostics: look in both.
local function seen(r, pattern)
  return r:diag_matches(pattern) or r:output_matches(pattern)
end

local function message_of(r, name)
  for _, c in ipairs(r.checks) do
    if c.name == name or c.kind == name then
      return c.message or ""
    end
  end
  return ""
end

lesson {
  id = "embedded",
  title = "Embedded systems: no operating system, no heap, a few hundred bytes",
  needs = { "intro" },

  page "reading.md",

  quiz {
    id = "figures",
    ask = "For the LED-blinking example, what does the guide give as the size "
      .. "of the Rust binary, and of the run-time MicroPython needs?",
    choices = {
      "Rust about 2 KB; MicroPython about 100 KB",
      "Rust about 200 KB; MicroPython about 1 MB",
      "Both about 2 KB",
    },
    answer = 1,
    explain = "About 2 KB for the whole Rust binary and a few bytes of RAM; "
      .. "about 100 KB for the MicroPython run-time before any of your code. "
      .. "The C blink of this section is about 200 bytes of machine code.",
    on_answer = back_to_reading,
  },

  quiz {
    id = "volatile",
    ask = "Why are the fields of struct gpio_port declared volatile?",
    choices = {
      "So that other threads can read them safely.",
      "So that the compiler performs every read and write in the source, in "
        .. "order, instead of dropping or merging accesses it thinks are redundant.",
      "So that the struct is placed at the right address.",
    },
    answer = 2,
    explain = "A register is not ordinary memory: its value changes on its own "
      .. "(an input) and a write has an effect (an output). Without volatile the "
      .. "optimiser may drop a read it thinks it knows the answer to, or a write "
      .. "nobody reads back. volatile gives no atomicity and no thread safety; "
      .. "the address comes from the pointer, not from the type.",
    on_answer = back_to_reading,
  },

  quiz {
    id = "bsrr",
    ask = "An interrupt handler drives pin 8 of a port; your code turns the LED on "
      .. "pin 5 on with  port->odr |= 1u << 5;  What can go wrong?",
    choices = {
      "Nothing: |= only touches bit 5.",
      "If the interrupt changes pin 8 between the read and the write of odr, "
        .. "the write puts pin 8's old level back.",
      "The compiler refuses to compile |= on a volatile field.",
    },
    answer = 2,
    explain = "|= is a read, an OR and a write. An interrupt in between changes "
      .. "odr, and the write then restores the value read before it. A set/reset "
      .. "register changes only the pins whose bits you write, in one store.",
    on_answer = back_to_reading,
  },

  quiz {
    id = "heap",
    ask = "Why does firmware usually avoid malloc, even when a C library is available?",
    choices = {
      "malloc is slower than static storage.",
      "With static storage, all memory is laid out when the program is linked: "
        .. "no allocation can fail at run time and memory cannot fragment over months.",
      "Microcontrollers have no RAM for a heap.",
    },
    answer = 2,
    explain = "Predictable memory is the point: a device that runs for years "
      .. "cannot risk an allocation failing on day 200 because the heap "
      .. "fragmented. The guide makes the same point about garbage collection: "
      .. "no collector, so memory use is predictable.",
    on_answer = back_to_reading,
  },

  quiz {
    id = "full-or-empty",
    ask = "A ring buffer with 64 slots keeps head and tail as slot numbers from "
      .. "0 to 63, and says it is empty when head == tail. What is the catch?",
    choices = {
      "When all 64 slots are full, head == tail again, so a full buffer looks empty.",
      "It cannot wrap around the end of the array.",
      "It needs a lock even with a single producer and a single consumer.",
    },
    answer = 1,
    explain = "After 64 puts, head has gone round once and equals tail. The usual "
      .. "patch keeps one slot empty (capacity 63); counters that only ever count "
      .. "up, with the slot taken from their low bits, keep both states apart "
      .. "and use all 64.",
    on_answer = back_to_reading,
  },

  exercise {
    id = "blink",
    title = "A heartbeat LED with a pause button, on bare metal",
    file = "exercises/embedded/blink.c",
    solution = "solutions/embedded/blink.c",
    points = 3,
    checks = {
      compiles { werror = true },
      tests "blink_test.c",
      freestanding {},
      size { section = ".text", max = 256 },
      freestanding {
        name = "cortex-m",
        target = "cortex-m3",
        board = "board_cm3.c",
        ldscript = "cm3.ld",
        optional = true, -- needs gcc-arm-none-eabi and qemu-system-arm
      },
    },
    hints = {
      "Start with blink_init: set the LED's bit of moder and clear the button's "
        .. "with one read-modify-write (moder = (moder | led) & ~button), and turn "
        .. "the LED off by writing led << 16 to bsrr. Never assign odr.",
      "In blink_tick, write bsrr every tick: b->led to switch on, b->led << 16 "
        .. "to switch off. Decide on or off from b->ms (0-99 and 200-299 are on), "
        .. "then advance b->ms and wrap it at 1000.",
      "Debounce with history: b->history = b->history << 1 | pressed; then "
        .. "(history & 0xffff) == 0xffff means 16 pressed readings in a row, and "
        .. "== 0 means 16 released ones. Count a press only when it is 0xffff and "
        .. "b->held is false; set held then, clear it on 0.",
      "On a counted press: paused = !paused and ms = 0. While paused, the LED is "
        .. "off and ms does not advance.",
    },
    on_result = function(r)
      if r.passed then
        local size = r:value("size")
        local lines = {
          "The blink runs against the simulated port and builds with no C library.",
        }
        if size then
          lines[#lines + 1] = string.format("Its code is %d bytes: the guide's 2 KB "
            .. "Rust binary also holds the vector table, start-up code and a "
            .. "hardware layer; MicroPython needs about 100 KB before any of it.",
            math.floor(size))
        end
        return feedback(lines)
      end
      if seen(r, "wrote odr directly") then
        return feedback {
          "Your code assigns odr. The tests model an interrupt handler that drives "
            .. "other pins of the same port: any write to odr can undo its changes.",
          hint = "Switch the LED with bsrr: port->bsrr = led to set, led << 16 to clear.",
        }
      end
      if r:diag_matches("test_init_keeps_other_pins_modes") then
        return feedback {
          "blink_init changed the mode of pins that are not yours.",
          hint = "port->moder = (port->moder | led) & ~button;",
        }
      end
      if r:diag_matches("test_bounce_is_ignored")
        or r:diag_matches("test_holding_is_one_press")
        or r:diag_matches("test_short_release_does_not_count") then
        return feedback {
          "The button logic reacts to single readings. A bouncing contact reads "
            .. "pressed and released at random for a few ticks, and a held button "
            .. "reads pressed on every tick.",
          "A press counts once, after 16 pressed readings in a row; then 16 released "
            .. "ones in a row are needed before the next.",
          hint = "Shift each reading into b->history and compare its low 16 bits "
            .. "with 0xffff and 0.",
        }
      end
      if r:failed("freestanding") then
        return feedback {
          "The object needs " .. (message_of(r, "freestanding"):match("needs (.-) from outside") or "a symbol")
            .. " from a library, and the board has none.",
          "gcc can emit memset or memcpy calls by itself, for instance to clear a "
            .. "large struct; a debug printf is the other usual culprit.",
          hint = "Write the loop yourself, and remove printf and any #include of "
            .. "stdio.h, stdlib.h or string.h.",
        }
      end
      if r:failed("size") then
        return feedback {
          "The code does not fit the budget: " .. message_of(r, "size") .. ".",
          "The check's output lists each function's size. Look for code the "
            .. "firmware does not need (tables built at run time, test helpers "
            .. "left in, the same expression written out several times).",
        }
      end
    end,
  },

  exercise {
    id = "ring",
    title = "A receive queue with static storage",
    file = "exercises/embedded/ring.c",
    solution = "solutions/embedded/ring.c",
    points = 2,
    checks = {
      compiles { werror = true },
      tests "ring_test.c",
      sanitize { "address", "undefined" },
      forbid {
        "malloc", "calloc", "realloc", "free",
        reason = "firmware has no heap; the queue's storage is a static array",
      },
      freestanding {},
    },
    hints = {
      "Replace the malloc'd pointer with a static array: static uint8_t "
        .. "slots[RING_SIZE]; It exists from the start and never runs out, and "
        .. "the forbid and freestanding checks want no malloc anyway.",
      "With head and tail as slot numbers 0-63, head == tail means both empty "
        .. "and full. Let them count up without wrapping (uint32_t), and take the "
        .. "slot from the low bits: slots[head & (RING_SIZE - 1)].",
      "Then the count is head - tail (unsigned subtraction stays right when the "
        .. "counters overflow), the queue is empty when that is 0 and full when it "
        .. "is RING_SIZE.",
    },
    on_result = function(r)
      if r.passed then
        return feedback {
          "All 64 slots are usable, the count is right across the wrap, and the "
            .. "storage is fixed when the program is linked.",
          "With one writer per index (the interrupt moves head, the main loop "
            .. "tail), this queue needs no lock on a single-core microcontroller.",
        }
      end
      if r:diag_matches("test_holds_64_bytes") then
        return feedback {
          "The queue refuses the 64th byte: it keeps one slot empty to tell full "
            .. "from empty.",
          hint = "Let head and tail count every byte ever put and taken; their "
            .. "difference is the count, and full is a count of 64.",
        }
      end
      if r:diag_matches("test_count_after_wrap_around")
        or r:diag_matches("test_wraps_around_many_times") then
        return feedback {
          "ring_count goes wrong once the positions wrap: head - tail with head "
            .. "already past the end is negative, and as a size_t that is enormous.",
          hint = "Counters that never wrap avoid the case; or add RING_SIZE before "
            .. "taking the remainder.",
        }
      end
      if r:failed("forbid") then
        return feedback {
          "The queue works, but it takes its storage from the heap.",
          "On a microcontroller there may be no malloc at all, and where there "
            .. "is, an allocation can fail or fragment memory after months of "
            .. "uptime. 64 bytes known at link time cannot.",
          hint = "static uint8_t slots[RING_SIZE]; and no malloc or free anywhere.",
        }
      end
      if r:failed("freestanding") then
        return feedback {
          "The queue works, but the object still needs "
            .. (message_of(r, "freestanding"):match("needs (.-) from outside") or "a library function")
            .. ": on a board without a C library nothing provides it.",
          hint = "A static array gives the same bytes, fixed at link time, with no "
            .. "call at all.",
        }
      end
    end,
  },
}
