/*
 * security/tlv: reference solution.
 *
 * Every length is checked against what is really there before it is
 * used: the 3 header bytes against the bytes left, then the value's
 * length against TLV_MAX_VALUE (the room in the record) and against the
 * bytes left after the header.  `left` is computed by subtraction from
 * len, which cannot wrap because pos never passes len; no sum of
 * untrusted numbers is ever compared with anything.
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
		size_t left = len - pos;
		if (n == max || left < 3)
			return -1; /* too many records, or a header cut short */
		size_t vlen = (size_t)buf[pos + 1] << 8 | buf[pos + 2];
		if (vlen > TLV_MAX_VALUE || vlen > left - 3)
			return -1; /* oversized, or a value cut short */
		out[n].type = buf[pos];
		out[n].len = (uint16_t)vlen;
		memcpy(out[n].value, buf + pos + 3, vlen);
		n++;
		pos += 3 + vlen;
	}
	return (int)n;
}
