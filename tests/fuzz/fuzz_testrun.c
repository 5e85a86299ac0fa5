/*
 * fuzz_testrun: libFuzzer target for what workbook reads back from a test
 * program: the harness's channel records and cmocka's output.  The first
 * byte splits the input between the two.  Whatever a test program prints
 * or writes to the channel, parsing must not crash, and every sub-test it
 * yields has a name.  tests/fuzz/run builds it.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "testrun.h"
#include "verdict.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct exercise_result x;
	struct testrun_channel ch;
	size_t split;

	if (size == 0)
		return 0;
	split = data[0] % (size);
	memset(&x, 0, sizeof(x));
	struct check_result *c = exercise_add_check(&x, "tests", "tests", "test");
	testrun_read_channel((const char *)data + 1, split ? split - 1 : 0,
			     "abc", c, &ch);
	testrun_attach_messages(c, (const char *)data + split, size - split);
	for (size_t i = 0; i < c->nsubtests; i++)
		if (!c->subtests[i].name)
			abort();
	exercise_result_release(&x);
	return 0;
}
