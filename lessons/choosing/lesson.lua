-- choosing: when to stick with Python, the guide's decision framework,
-- and the habit behind it: profile first, then optimise the one place
-- that matters.

local function back_to_reading(a)
  if not a.correct then
    return feedback {
      "The decision framework in the reading answers this one; have another look.",
      go = "reading.md",
    }
  end
end

lesson {
  id = "choosing",
  title = "Choosing: when to stick with Python, and how to decide",
  needs = { "intro" },

  page "reading.md",

  quiz {
    id = "dashboard",
    ask = "An internal dashboard recomputes yesterday's sales once a night. Its "
      .. "Python version takes four seconds and the team changes it every week. "
      .. "What does the framework suggest?",
    choices = {
      "Rewrite it in Rust: four seconds is slow.",
      "Keep it in Python: performance is not a requirement here, and "
        .. "requirements that change weekly favour Python.",
      "Rewrite the whole thing as a WebAssembly module.",
    },
    answer = 2,
    explain = "Two of the five questions point the same way: performance is "
      .. "not a core requirement (nobody waits on a nightly job), and the "
      .. "requirements keep changing. Developer productivity wins.",
    on_answer = back_to_reading,
  },

  quiz {
    id = "one-endpoint",
    ask = "A Flask application is fast enough except one endpoint that "
      .. "resizes images and uses most of the CPU. What does the guide recommend?",
    choices = {
      "Rewrite the application in a Rust web framework.",
      "Keep the application in Python and move the image code to Rust, "
        .. "called from Python (PyO3).",
      "Add more servers and leave everything as it is.",
    },
    answer = 2,
    explain = "\"Some parts\" is its own answer to the performance question: "
      .. "Python for the application, Rust for the hot part. The guide calls "
      .. "this the hybrid approach and lists Polars, Ruff and cryptography as "
      .. "projects built that way.",
    on_answer = back_to_reading,
  },

  quiz {
    id = "sensor",
    ask = "Firmware for a battery-powered soil sensor: a microcontroller with "
      .. "32 KB of RAM and 256 KB of flash. Which does the framework point to?",
    choices = {
      "Python, through MicroPython.",
      "Rust (or C): no run-time and no garbage collector, a binary of a few KB.",
      "Either: the server can do the work.",
    },
    answer = 2,
    explain = "An embedded, resource-constrained target points to Rust. The "
      .. "guide's blink is about 2 KB; MicroPython needs about 100 KB before any "
      .. "of your code, which does not fit beside 32 KB of RAM comfortably and "
      .. "runs slower and less predictably.",
    on_answer = back_to_reading,
  },

  quiz {
    id = "browser",
    ask = "A CAD tool running in the browser needs a geometry kernel fast enough "
      .. "to update the model while the user drags. What fits?",
    choices = {
      "Python compiled to WebAssembly with Pyodide.",
      "Rust compiled to WebAssembly, called from the page's JavaScript.",
      "A Python server that computes each frame.",
    },
    answer = 2,
    explain = "For the browser the framework says Rust compiled to WebAssembly: "
      .. "small modules at near-native speed. Pyodide brings a Python run-time "
      .. "of 10 MB or more and is too slow for real-time work; a round trip to a "
      .. "server per frame adds network latency.",
    on_answer = back_to_reading,
  },

  quiz {
    id = "cli-tool",
    ask = "You are writing a log-search tool for 300 engineers on Linux and "
      .. "macOS, many of whom have no Python environment set up. What fits best?",
    choices = {
      "A Python script with a requirements.txt.",
      "A compiled tool shipped as a single binary per platform.",
      "A Jupyter notebook.",
    },
    answer = 2,
    explain = "For a command-line tool the framework says Rust: one binary, no "
      .. "dependencies to install, fast start-up, easy to build for each "
      .. "platform. A script is fine for yourself; distributing it means "
      .. "distributing Python.",
    on_answer = back_to_reading,
  },

  quiz {
    id = "python-team",
    ask = "A team of eight Python developers owns a service whose request "
      .. "parser has become a bottleneck. Nobody on the team knows Rust. What "
      .. "does the guide suggest?",
    choices = {
      "Rewrite the service in Rust now: it will be faster.",
      "Stay in Python and bring Rust in gradually, starting with the parser.",
      "Never use Rust in a Python team.",
    },
    answer = 2,
    explain = "A Python team stays in Python and introduces Rust gradually; the "
      .. "switching cost of a rewrite is justified only by a clear need. One "
      .. "measured bottleneck is exactly where to start.",
    on_answer = back_to_reading,
  },

  quiz {
    id = "research",
    ask = "A research project analyses data whose format changes every few "
      .. "days while the questions keep shifting. What does the stability "
      .. "question say?",
    choices = {
      "Rust: a strict type system catches format changes.",
      "Python: exploratory, rapidly changing requirements favour it.",
      "C: it is the fastest.",
    },
    answer = 2,
    explain = "Exploratory and changing fast: Python. Well defined and stable: "
      .. "Rust. Not sure yet: start in Python and optimise with Rust later.",
    on_answer = back_to_reading,
  },

  quiz {
    id = "ml",
    ask = "You need to train an image classifier and publish the experiments "
      .. "so others can reproduce them. Which ecosystem does the guide point to?",
    choices = {
      "Python: PyTorch, TensorFlow, notebooks, and most research code are there.",
      "Rust: its machine-learning libraries are more mature.",
      "C: the libraries are written in C anyway.",
    },
    answer = 1,
    explain = "Machine learning is the guide's first example of a mature Python "
      .. "ecosystem, with the heavy lifting already in C, C++ or Fortran "
      .. "underneath. Rust comes in later, for instance for a production "
      .. "inference server once the model is trained.",
    on_answer = back_to_reading,
  },

  quiz {
    id = "unsure",
    ask = "A start-up's first product: nobody knows yet whether speed will "
      .. "matter. What does the framework recommend?",
    choices = {
      "Start in Rust so you never have to rewrite.",
      "Start in Python, profile once it is used, and rewrite hot spots in Rust "
        .. "if they turn up.",
      "Write it twice and keep the faster one.",
    },
    answer = 2,
    explain = "\"Not sure yet: start with Python, optimise with Rust later.\" The "
      .. "guide's conclusion is the same recipe: start with Python, find the "
      .. "bottlenecks by profiling, rewrite the hot spots, keep the interface "
      .. "in Python.",
    on_answer = back_to_reading,
  },

  quiz {
    id = "amdahl",
    ask = "A profile shows that one function takes 30% of a program's run time. "
      .. "You rewrite it and it becomes 50 times faster. About how much faster "
      .. "is the whole program?",
    choices = { "about 50 times", "about 15 times", "about 1.4 times" },
    answer = 3,
    explain = "The other 70% is untouched: the new run time is 0.7 + 0.3 / 50, "
      .. "about 0.71 of the old, so about 1.4 times faster. A hot spot must take "
      .. "most of the time before rewriting it can pay off much, which is why "
      .. "you profile before you rewrite.",
    on_answer = function(a)
      if not a.correct then
        return feedback {
          "Work it out: 70% of the time is not touched by the rewrite. The "
            .. "\"Measure first\" part of the reading explains it.",
          go = "reading.md",
        }
      end
    end,
  },

  exercise {
    id = "latency",
    title = "Profile a slow report, then make it 10 times faster",
    file = "exercises/choosing/latency.c",
    solution = "solutions/choosing/latency.c",
    points = 3,
    checks = {
      compiles { werror = true },
      io {
        name = "report for 2000 requests",
        args = { "2000" },
        stdout_file = "latency-2000.out",
      },
      io {
        name = "report for 1 request",
        args = { "1" },
        stdout_file = "latency-1.out",
      },
      io {
        name = "usage error",
        stdout = "",
        exit = 2,
      },
      speedup {
        driver = "whole_program.c",
        baseline = "latency_shipped.c",
        label = "the shipped version",
        min = 10,
        args = { "20000" },
        quick_args = { "10000" },
      },
    },
    hints = {
      "Profile before you change anything: build with -O2 -g, then perf record "
        .. "and perf report, or valgrind --tool=callgrind on 5000 requests and "
        .. "callgrind_annotate. One function holds nearly all the time.",
      "sort_latencies is an insertion sort: about n * n / 4 moves for n values, "
        .. "and percentile calls it on a fresh copy of every latency four times. "
        .. "Sorting once with insertion sort still leaves it quadratic.",
      "Sort once with qsort (write a comparator that returns (x > y) - (x < y) "
        .. "for two uint32_t), keep the sorted copy, and read each percentile "
        .. "from it: sorted[rank - 1]. Leave everything else alone.",
    },
    on_result = function(r)
      local x = r:value("speedup")
      if r.passed then
        return feedback {
          string.format("%.0f times faster than the shipped version, with the "
            .. "same report.", x or 10),
          "The language never changed: the fix was an O(n log n) sort in place of "
            .. "four O(n^2) ones, found by profiling rather than guessing.",
          "lessons/choosing/latency.py does the same in Python with one sorted(); "
            .. "it beats the shipped C program, and loses clearly to yours.",
        }
      end
      if r:failed("report for 2000 requests") or r:failed("report for 1 request") then
        return feedback {
          "The report changed. An optimisation must not change the output, not "
            .. "even a digit or a space.",
          "Percentiles are values picked by rank from the sorted latencies: any "
            .. "correct sort gives the same values. Check the rank arithmetic and "
            .. "the comparator (it must order, not just test equality).",
        }
      end
      if r:failed("speedup") and x then
        if x < 2 then
          return feedback {
            string.format("Your version runs at %.1fx the shipped one: the time "
              .. "is still going where it went before.", x),
            "Profile it: the top function in the report is the one to change. "
              .. "Speeding up the random numbers or the printing cannot help; "
              .. "they take a tiny share of the time.",
            hint = "Look at percentile and the function it calls.",
          }
        end
        return feedback {
          string.format("%.1fx: you found the right place, but the program is "
            .. "still quadratic.", x),
          "Sorting once instead of four times saves a factor of about four; the "
            .. "insertion sort itself is what grows with n * n.",
          hint = "Use qsort, which sorts in n log n, and sort once.",
        }
      end
    end,
  },
}
