/*
 * security/tlv: parse length-prefixed records from an untrusted buffer
 *
 * Network protocols and file formats are full of type-length-value
 * records: a type byte, a length, then that many bytes of value.  The
 * length comes from whoever sent the bytes, so it can be anything: more
 * than the buffer holds, more than your record can store.  Parsers that
 * believed such a length gave us Heartbleed.  The function:
 *
 *     int tlv_parse(const uint8_t *buf, size_t len, struct tlv *out,
 *                   size_t max);
 *
 * The format: records one after another until the buffer ends, each
 *     1 byte    type
 *     2 bytes   length of the value, big-endian (high byte first)
 *     length bytes of value
 *
 * The contract:
 *   - fill out[0..n-1] with the records (type, len, a copy of the value)
 *     and return n; an empty buffer holds 0 records;
 *   - return -1, and read nothing outside buf[0..len-1], when the buffer
 *     is malformed: a header or a value cut short by the end of the
 *     buffer (truncated), a value longer than TLV_MAX_VALUE bytes
 *     (oversized), or more than max records;
 *   - never write outside out[0..max-1].
 *
 * The starter believes every length it reads.  The tests try truncated
 * and oversized records; the fuzz check builds your parser with clang's
 * libFuzzer and AddressSanitizer and feeds it hundreds of thousands of
 * generated inputs, from a fixed seed so every run tries the same ones.
 * If one of them makes the parser read or write out of bounds, the check
 * shows you that input in hex.
 *
 * Check your work:   workbook check security/tlv
 * Stuck?             workbook hint security/tlv
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define TLV_MAX_VALUE 64

struct tlv {
	uint8_t type;
	uint16_t len;
	uint8_t value[TLV_MAX_VALUE];
};

int tlv_parse(const uint8_t *buf, size_t len, struct tlv *out, size_t max)
{
	size_t pos = 0, n = 0;

	while (pos < len) {
		if (n == max)
			return -1; /* too many records */
		struct tlv *r = &out[n++];
		r->type = buf[pos];
		r->len = (uint16_t)(buf[pos + 1] << 8 | buf[pos + 2]);
		memcpy(r->value, buf + pos + 3, r->len);
		pos += 3 + (size_t)r->len;
	}
	return (int)n;
}
