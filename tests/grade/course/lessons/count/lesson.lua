-- count: one exercise whose checks carry points (partial credit) and two
-- hidden checks: one written on a single line, one between markers.
lesson {
  id = "count",
  title = "Counting characters",

  page "reading.md",

  quiz {
    id = "nul",
    ask = "What ends a C string?",
    choices = { "a newline", "a zero byte", "its length, stored first" },
    answer = 2,
    explain = "A C string is the bytes up to the first zero byte.",
  },

  exercise {
    id = "count",
    title = "Count one character in a string",
    file = "exercises/count/count.c",
    solution = "solutions/count/count.c",
    points = 4,
    checks = {
      compiles { werror = true, points = 1 },
      tests { file = "count_test.c", points = 2 },
      tests { file = "count_hidden_test.c", name = "edge cases", hidden = true, points = 1 },
      -- hidden {
      sanitize {
        name = "sanitize (hidden)",
        kinds = { "address", "undefined" },
        tests = "count_hidden_test.c",
        hidden = true,
      },
      -- hidden }
    },
    hints = {
      "Walk the string with a pointer until the zero byte.",
      "Count the positions where *p == c.",
    },
  },
}
