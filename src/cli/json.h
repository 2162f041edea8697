/* json.h - string output for the report writers: JSON strings, TSV fields
 *
 * src/cli. One string writer for every --json report, so escaping is the
 * same everywhere: quotes, backslashes and control bytes are escaped, and
 * bytes that are not valid UTF-8 become \ufffd, so the output is valid
 * JSON whatever a label or a source name holds.
 */
#ifndef HN_CLI_JSON_H
#define HN_CLI_JSON_H

#include <stddef.h>
#include <stdio.h>

/* Write s (NUL-terminated) as a JSON string, quotes included. */
void hn_json_str(FILE *f, const char *s);
/* The same for len bytes (NUL bytes become \u0000). */
void hn_json_strn(FILE *f, const char *s, size_t len);

/* s as one TSV field: TAB, newline, CR and backslash written as \t \n
 * \r \\, so a field never splits a line or a column (mail sources). */
void hn_tsv_field(FILE *f, const char *s);

#endif /* HN_CLI_JSON_H */
