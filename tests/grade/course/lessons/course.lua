-- A one-lesson course for the grading tests: partial credit per check and
-- hidden checks, in both forms `workbook export --student` removes.
course {
  title = "Grading fixture",
  sections = { "count" },
}
