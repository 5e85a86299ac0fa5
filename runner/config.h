/*
 * config: what the build decides (build/gen/config.c, written by make).
 */
#ifndef WB_CONFIG_H
#define WB_CONFIG_H

/* Where `make install` put the course: $(PREFIX)/share/workbook. */
extern const char wb_datadir[];

#endif
