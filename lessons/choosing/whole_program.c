/*
 * The speedup check of choosing/latency compares two whole programs: the
 * learner's file (main included) and latency_shipped.c.  Its baseline mode
 * links each with a driver; the programs need nothing from one, so this
 * driver adds nothing to either.
 */
typedef int whole_program_needs_no_driver;
