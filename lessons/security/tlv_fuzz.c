/*
 * The libFuzzer harness for security/tlv.  libFuzzer calls this function
 * with generated inputs, each in a heap buffer of exactly `size` bytes,
 * so under AddressSanitizer any read past the input is caught.  Besides
 * memory errors, the harness checks what the contract promises and
 * aborts, saying why, when a result breaks it.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#define TLV_MAX_VALUE 64
#define MAX_RECORDS   8

struct tlv {
	uint8_t type;
	uint16_t len;
	uint8_t value[TLV_MAX_VALUE];
};

int tlv_parse(const uint8_t *buf, size_t len, struct tlv *out, size_t max);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void broken(const char *why)
{
	fprintf(stderr, "contract broken: %s\n", why);
	abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tlv *out = malloc(MAX_RECORDS * sizeof(*out));
	size_t used = 0;

	if (!out)
		return 0;
	int n = tlv_parse(data, size, out, MAX_RECORDS);
	if (n < -1 || n > MAX_RECORDS)
		broken("tlv_parse returned a count outside -1..max");
	for (int i = 0; i < n; i++) {
		if (out[i].len > TLV_MAX_VALUE)
			broken("a record's len is more than TLV_MAX_VALUE");
		used += 3 + (size_t)out[i].len;
	}
	if (n >= 0 && used != size)
		broken(
		    "the records accepted do not add up to the whole buffer");
	free(out);
	return 0;
}
