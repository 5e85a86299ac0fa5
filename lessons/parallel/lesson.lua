-- parallel: why Python threads do not speed up CPU-bound work (the GIL)
-- and C threads do, measured on the learner's machine; data races, how
-- ThreadSanitizer finds them, and how to share work so that two cores
-- really finish sooner.  Guide sections 1 (performance) and 6
-- (concurrent and parallel systems).

local function back_to_reading(a)
  if not a.correct then
    return feedback {
      "The reading covers this; have another look before the exercises.",
      go = "reading.md",
    }
  end
end

-- Sanitizer reports and failing test messages end up in the diagnostics
-- of the failing check, or in its output excerpt; look in both.
local function seen(r, pattern)
  return r:diag_matches(pattern) or r:output_matches(pattern)
end

local function seen_race(r)
  return seen(r, "data race")
end

-- The speedup check's message says how many cores the N-thread run kept
-- busy when it failed ("kept 1.0 cores busy on average").
local function cores_busy(r)
  for _, c in ipairs(r.checks) do
    if c.kind == "speedup" and c.message then
      local b = c.message:match("kept (%d+%.%d+) cores busy")
      if b then
        return tonumber(b)
      end
    end
  end
  return nil
end

-- The measured figure, or nil when the speedup check could not judge
-- (skipped: one core, or a machine too busy to measure).
local function measured(r)
  for _, c in ipairs(r.checks) do
    if c.kind == "speedup" and c.status == "pass" then
      return c.value
    end
  end
  return nil
end

local NOT_MEASURED = "The speed-up could not be judged here (see the speedup line "
  .. "for why); run the check again on a quieter machine to see the figure."

local function check_message(r, kind)
  for _, c in ipairs(r.checks) do
    if c.kind == kind then
      return c.message or ""
    end
  end
  return ""
end

-- A data race, by ThreadSanitizer: the message names both lines.
local function race_feedback(r, what)
  local msg = check_message(r, "sanitize")
  local lines = {
    "ThreadSanitizer found a data race: " .. msg .. ".",
    what,
  }
  if r:failed("tests") then
    lines[#lines + 1] = "The failing tests are the same race seen from outside: "
      .. "updates that two threads made at the same moment, and one of them lost."
  else
    lines[#lines + 1] = "The tests passed this time, and that proves nothing: a race "
      .. "loses updates only when the threads happen to collide, and TSan reports "
      .. "the unsynchronised accesses whether or not they collided on this run."
  end
  return lines
end

-- A failed speedup: what the figures say about why.
local function speedup_feedback(r, turns, contention)
  local msg = check_message(r, "speedup")
  local busy = cores_busy(r)
  if msg:match("answers differ") then
    return feedback {
      "With 2 threads the program printed a different answer than with 1.",
      "The threads are not each doing their own share exactly once: look for a "
        .. "variable they all update, or shares that overlap or leave a gap.",
    }
  end
  if busy and busy < 1.3 then
    return feedback {
      "The 2-thread run kept only " .. busy .. " core busy on average: the threads "
        .. "took turns instead of running side by side.",
      turns,
      hint = "Hold a lock only for the moment you touch shared data, never while "
        .. "the work runs; and start every thread before you join any.",
    }
  end
  if busy then
    return feedback {
      "Both cores were busy (" .. busy .. " on average), yet 2 threads were not "
        .. "much faster than 1: they spent their time getting in each other's way.",
      contention,
      hint = "Give each thread a private result and combine them once, after pthread_join.",
    }
  end
end

lesson {
  id = "parallel",
  title = "True parallelism: threads that really run at the same time",
  needs = { "memory" },

  page "reading.md",

  quiz {
    id = "gil-threads",
    ask = "On a 4-core machine, a Python program starts 4 threads, each running "
      .. "a pure-Python CPU-bound loop over a quarter of the data. Compared with "
      .. "one thread doing all of it, roughly how long does it take (standard "
      .. "CPython, with its GIL)?",
    choices = {
      "About a quarter of the time.",
      "About half the time: the GIL lets two threads run at once.",
      "About the same time, often a little longer.",
    },
    answer = 3,
    explain = "The global interpreter lock lets one thread execute Python bytecode "
      .. "at a time, so the four threads take turns on one core and the switching "
      .. "adds a little. Threads still help Python programs that wait (network, "
      .. "disk), because the GIL is released while waiting, and code inside C "
      .. "extensions that release it.",
    on_answer = back_to_reading,
  },

  quiz {
    id = "race-passed",
    ask = "ThreadSanitizer reports a data race on a counter, but your totals "
      .. "came out exact in 100 runs in a row. What is true?",
    choices = {
      "The race is harmless: 100 exact runs show the updates never collide.",
      "It is still a bug: the updates can collide on another run, another machine "
        .. "or with another compiler, and a data race is undefined behaviour in C.",
      "ThreadSanitizer reported a false positive; it cannot be trusted for counters.",
    },
    answer = 2,
    explain = "Whether a race loses an update depends on timing: how the threads "
      .. "happen to be scheduled, how busy the machine is, what the optimiser did. "
      .. "TSan reports accesses that nothing orders, whether or not they collided "
      .. "this time, which is why it finds races tests miss. In C a data race is "
      .. "undefined behaviour, so the compiler may also assume it never happens.",
    on_answer = back_to_reading,
  },

  quiz {
    id = "rust-race",
    ask = "In Rust, two threads increment a shared counter declared as a plain "
      .. "integer, with no Mutex and no atomic type. What happens?",
    choices = {
      "It compiles, and the total is sometimes too low, as in C.",
      "It does not compile: the compiler refuses to share the integer mutably "
        .. "between threads.",
      "It compiles, and the runtime adds a lock automatically.",
    },
    answer = 2,
    explain = "Safe Rust allows either many readers or one writer, and only types "
      .. "marked Send and Sync may cross threads. A mutable integer shared by two "
      .. "threads breaks both rules, so the program is rejected; wrapping it in a "
      .. "Mutex or using AtomicU64 makes it compile. That is the guide's \"true "
      .. "parallelism with compile-time data race prevention\".",
    on_answer = back_to_reading,
  },

  quiz {
    id = "contention",
    ask = "Your 2-thread program is barely faster than 1 thread, and both cores "
      .. "were busy the whole time. Each thread adds every result to one shared "
      .. "total with atomic_fetch_add. What is the most likely cause?",
    choices = {
      "The machine has only one real core.",
      "The threads fight over the cache line holding the shared total, and "
        .. "spend their time passing it back and forth instead of working.",
      "Atomic operations are not thread-safe for addition.",
    },
    answer = 2,
    explain = "An atomic add is correct, but a line of memory can be written by one "
      .. "core at a time: each add moves the line from the other core's cache, "
      .. "which costs far more than the addition. Keep a private total per thread "
      .. "and combine them once at the end; then the threads share nothing while "
      .. "they work.",
    on_answer = back_to_reading,
  },

  exercise {
    id = "gil",
    title = "See the GIL: the same loop on Python threads and on C threads",
    file = "exercises/parallel/gil.c",
    solution = "solutions/parallel/gil.c",
    points = 2,
    checks = {
      compiles { werror = true },
      tests "gil_test.c",
      io {
        name = "counts",
        args = { "3", "1000000" },
        stdout = "285714\n",
      },
      speedup {
        -- One core, or a machine too busy to tell: the tests and TSan
        -- still decide, and the check says why it could not measure.
        optional = true,
        threads = 2,
        min = 1.5,
        args = { "240000000" },
        quick_args = { "60000000" },
        python = "gil.py",
        python_args = { "2000000" },
        quick_python_args = { "600000" },
      },
    },
    hints = {
      "Follow count_parallel for 2 threads: it creates thread 0, and then what "
        .. "does it do before it creates thread 1?",
      "pthread_join waits until the thread has finished. Joining inside the same "
        .. "loop that creates the threads means thread 1 is only created once "
        .. "thread 0 is done: the threads run one after the other.",
      "Use two loops: the first creates every thread, the second joins every "
        .. "thread and adds up shares[t].hits.",
    },
    on_result = function(r)
      if r.passed then
        local msg = check_message(r, "speedup")
        if not measured(r) then
          return feedback {
            "The threads overlap and the count is right.",
            "What was measured: " .. msg .. ".",
            NOT_MEASURED,
          }
        end
        local lines = {
          "On this machine: " .. msg .. ".",
          "The C threads run on two cores at once. The Python threads run the same "
            .. "loop one at a time, because only the thread holding the GIL may run "
            .. "Python bytecode.",
        }
        if msg:match("Python half is skipped") then
          lines[#lines + 1] = "Install python3 and check again to see the Python figure beside it."
        end
        return feedback(lines)
      end
      if seen(r, "at most 1 was ever running") then
        return feedback {
          "The count is right, but the threads never ran at the same time: each one "
            .. "finished before the next was created.",
          "That is exactly what the GIL does to Python threads, done by hand.",
          hint = "Create all the threads in one loop, then join them in a second loop.",
        }
      end
      if r:failed("speedup") then
        return speedup_feedback(r,
          "In count_parallel, make sure no pthread_join comes before the last pthread_create.",
          "Each thread should count into its own struct share; the main thread adds "
            .. "them up after joining.")
      end
    end,
  },

  exercise {
    id = "sum",
    title = "Add up a CPU-bound function on every core",
    file = "exercises/parallel/sum.c",
    solution = "solutions/parallel/sum.c",
    points = 3,
    checks = {
      compiles { werror = true },
      tests "sum_test.c",
      sanitize { "thread" },
      speedup {
        -- One core, or a machine too busy to tell: the tests and TSan
        -- still decide, and the check says why it could not measure.
        optional = true,
        driver = "sum_bench.c",
        threads = 2,
        min = 1.5,
        args = { "1500000" },
        quick_args = { "600000" },
      },
    },
    hints = {
      "Which variable do all the threads write? Every thread runs sum_part, and "
        .. "sum_part adds to `total`, one variable shared by all of them.",
      "Locking `total` would make the answer right and the program slow: the threads "
        .. "would queue for the lock a million times. Better to share nothing while "
        .. "the threads run: give each one its own running total.",
      "Add a `uint64_t total;` field to struct part. In sum_part, count into a local "
        .. "variable and store it in p->total at the end. After the join loop, add up "
        .. "parts[t].total; pthread_join makes the thread's writes visible to you.",
    },
    on_result = function(r)
      if r.passed then
        local v = measured(r)
        if not v then
          return feedback { "The totals are right and ThreadSanitizer is silent.", NOT_MEASURED }
        end
        return feedback {
          string.format("2 threads finished %.2f times sooner than 1, with the same total.", v),
          "The threads shared nothing while they ran: each had its own share and its "
            .. "own total, combined once after pthread_join. That is the shape of "
            .. "rayon's par_iter().map().sum() in the guide, written out by hand.",
        }
      end
      if r:failed("sanitize") and seen_race(r) then
        return feedback(race_feedback(r,
          "Every thread runs `total += ...` on the same variable: a load, an add and a "
            .. "store that another thread can interleave with its own."))
      end
      if r:failed("tests") then
        return feedback {
          "Some totals are wrong. If they change from one run to the next, threads are "
            .. "losing each other's updates; if they are always wrong for some n and "
            .. "thread counts, a number at the edge of a share is skipped or counted twice.",
        }
      end
      if r:failed("speedup") then
        return speedup_feedback(r,
          "A mutex held for a whole share, or for each addition, makes the threads "
            .. "queue up: while one holds it, the other waits.",
          "Every thread updates the same total (through a lock or an atomic) for every "
            .. "number, so the cache line holding it bounces between the cores.")
      end
    end,
  },

  exercise {
    id = "counter",
    title = "Count requests from many threads without losing any",
    file = "exercises/parallel/counter.c",
    solution = "solutions/parallel/counter.c",
    points = 2,
    checks = {
      compiles { werror = true },
      tests "counter_test.c",
      sanitize { "thread" },
    },
    hints = {
      "Two threads run s->requests++ at the same moment: each loads the old value, "
        .. "adds one and stores it. How many requests did that count?",
      "Either make each update indivisible (C11 atomics: atomic_long fields and "
        .. "atomic_fetch_add), or make the threads take turns for the few instructions "
        .. "that touch the struct (a pthread_mutex_t in struct stats).",
      "With a mutex: add `pthread_mutex_t lock;` to struct stats, pthread_mutex_init "
        .. "it in stats_new, lock and unlock around the two updates in stats_record and "
        .. "the two loads in stats_read, and pthread_mutex_destroy it in stats_free.",
    },
    on_result = function(r)
      if r.passed then
        return feedback {
          "Every request is counted, and ThreadSanitizer has nothing to report.",
          "In Rust the starter would not compile: a struct shared by threads must be "
            .. "wrapped in a Mutex, or hold atomic fields, before they can write to it.",
        }
      end
      if r:failed("sanitize") and check_message(r, "sanitize"):match("test_reading_while_others_record") then
        return feedback {
          "The updates are safe now, but ThreadSanitizer still sees a race while one "
            .. "thread reads the totals and others record.",
          "stats_read touches the same fields, so it needs the same protection: the "
            .. "lock around its loads, or atomic loads.",
        }
      end
      if r:failed("sanitize") and seen_race(r) then
        return feedback(race_feedback(r,
          "stats_record updates the struct with no lock and no atomic, from several "
            .. "threads at once."))
      end
      if r:failed("tests") and seen(r, "lost") then
        return feedback {
          "Requests were lost: several threads updated the count at the same moment.",
          hint = "A pthread_mutex_t in struct stats, or atomic_long fields.",
        }
      end
    end,
  },

  exercise {
    id = "queue",
    title = "Share uneven work through a queue",
    file = "exercises/parallel/queue.c",
    solution = "solutions/parallel/queue.c",
    points = 3,
    checks = {
      compiles { werror = true },
      tests "queue_test.c",
      sanitize { "thread" },
      speedup {
        -- One core, or a machine too busy to tell: the tests and TSan
        -- still decide, and the check says why it could not measure.
        optional = true,
        driver = "queue_bench.c",
        threads = 2,
        min = 1.5,
        args = { "64", "5000000" },
        quick_args = { "64", "2000000" },
      },
    },
    hints = {
      "Taking a task is two steps: read q->next, then store q->next + 1. What if "
        .. "another thread runs the same two steps in between?",
      "Make taking a task one indivisible step. C11 has exactly that: "
        .. "atomic_fetch_add returns the old value and adds in one go.",
      "Declare `atomic_size_t next;` (include <stdatomic.h>), start it with "
        .. "atomic_init(&q.next, 0), and take a task with "
        .. "size_t i = atomic_fetch_add(&q->next, 1);  Then run the task with no lock held.",
    },
    on_result = function(r)
      if r.passed then
        local v = measured(r)
        if not v then
          return feedback { "Every task runs once and ThreadSanitizer is silent.", NOT_MEASURED }
        end
        return feedback {
          string.format("2 threads finished %.2f times sooner than 1 on work where "
            .. "half the list holds 7/8 of the effort.", v),
          "A fixed split would have given one thread most of the work; the queue keeps "
            .. "both busy until it is empty. rayon does this for you, with work stealing.",
        }
      end
      if r:failed("sanitize") and seen_race(r) then
        return feedback(race_feedback(r,
          "Two threads can read the same q->next: both run that task, and the store "
            .. "that moves the queue on can even move it back."))
      end
      if r:failed("speedup") then
        return speedup_feedback(r,
          "Either a lock is held while a task runs (only taking a task needs it), or "
            .. "the tasks are split in fixed blocks: the list is sorted largest first, "
            .. "so the first block holds most of the work.",
          "Look for shared data touched for every round of a task, not just once per task.")
      end
    end,
  },
}
