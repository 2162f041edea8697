/* mail.h - e-mail reader: raw RFC 5322 / MIME messages to one line of text
 *
 * corpora/ may include src/base and libc only. This
 * reader turns a raw message into the text a spam filter should see: the
 * Subject, optionally other headers, and the readable body, decoded and
 * converted to UTF-8, on ONE line. It never fails on bad input: malformed
 * and truncated messages give whatever text could be read and a flag.
 *
 * Example (a directory of messages sorted into spam/ and ham/):
 *
 *     hn_mail_opts o; hn_mail_reader *r; hn_err err; hn_status st;
 *     const char *label, *text, *src; size_t len; int got;
 *     hn_mail_opts_default(&o);
 *     if (hn_mail_reader_open("corpus", &o, 1, &r, &err) != HN_OK) fail(err.msg);
 *     while ((st = hn_mail_reader_next(r, &label, &text, &len, &src, &got, &err)) == HN_OK && got)
 *         printf("__label__%s %s\n", label, text);
 *     hn_mail_reader_free(r);
 *
 * What the text is made of, in this order, each piece separated by one
 * space (empty pieces leave no extra space):
 *   1. the first Subject header (when include_subject);
 *   2. the values (not the names) of the headers listed in opts.headers,
 *      in the order listed, every occurrence in message order ("Subject"
 *      in the list is ignored when include_subject already gives it);
 *   3. the body: every text part of the MIME tree in order.
 *
 * Headers: a first line "From ..." (an mbox From_ line, as in the
 * SpamAssassin files) is skipped. Fields are unfolded (a line starting
 * with space or tab continues the previous field), names compare without
 * case. RFC 2047 encoded words (=?charset?B?...?= and =?charset?Q?...?=,
 * also "charset*lang") are decoded anywhere in Subject and the listed
 * headers; white space between two adjacent encoded words is dropped.
 *
 * MIME: Content-Type type/subtype and its boundary and charset parameters
 * (quoted or not; RFC 822 comments are not understood). Missing
 * Content-Type means text/plain (message/rfc822 inside multipart/digest).
 *   multipart/alternative  one part: the first text/plain, else the first
 *                          text/html, else the first nested multipart (or
 *                          message/rfc822), else the first other text/x
 *                          part; when the chosen part gives no text the
 *                          next candidate in that order is tried (an empty
 *                          text/plain beside a full text/html is common in
 *                          spam);
 *   multipart/x (others)   every part in order; preamble and epilogue are
 *                          dropped; nesting deeper than 16 is skipped;
 *   message/rfc822         the embedded message: its Subject (when
 *                          include_subject) and its body;
 *   text/html              converted to text when html_to_text (else kept
 *                          as it is, markup included);
 *   text/x (others)        as text/plain (text/enriched, text/x-vcard...),
 *                          also when the part is an attachment;
 *   anything else          skipped without decoding (images, application/x).
 * Content-Transfer-Encoding base64 (characters outside the alphabet are
 * skipped; once the data has ended, at a '=' pad or an empty line, a line
 * with such characters ends the base64 and the rest of the part is kept
 * as text: mailing lists append their footer to base64 parts like that),
 * quoted-printable (soft line breaks; a '=' that starts no valid escape is
 * kept), anything else (7bit, 8bit, binary, unknown) as is.
 *
 * Charsets to UTF-8: UTF-8 and US-ASCII (and no charset) pass through;
 * ISO-8859-1 and Windows-1252 both decode with the Windows-1252 table (as
 * web browsers do: bytes 0x80-0x9F of "Latin-1" mail are cp1252 quotes and
 * the euro sign in practice, never C1 controls); ISO-8859-15 (Latin-9).
 * Aliases match without case and ignoring '-', '_', ':', ' ' (latin1,
 * cp1252, iso8859-1...). Any other declared charset is unknown: its bytes
 * pass through as they are (invalid UTF-8 included; the tokenizer repairs
 * it) and the part is counted in unknown_charset.
 *
 * HTML to text: tags are dropped; block tags (p, div, br, td, li, h1...)
 * become a space, inline tags (b, font, span, a, img...) and comments
 * become nothing, so "V<!-- x -->iag<b>ra</b>" reads "Viagra". A comment
 * without "-->" ends at the next '>'; a tag without '>' hides the rest;
 * '>' inside a quoted attribute value does not end a tag. The contents of
 * <script> and <style> are dropped. Entities: &amp; &lt; &gt; &quot;
 * &apos; &nbsp;, most HTML 4 Latin-1 names (&eacute; &copy; ...) and the
 * common punctuation (&rsquo; &mdash; &hellip; &euro; &trade; ...);
 * &#NNN; and &#xHH; (&#128;-&#159; as cp1252; NUL, surrogates and values
 * past U+10FFFF give U+FFFD); &shy; is dropped; amp, lt, gt, quot and
 * nbsp also without the ';'; an unknown entity stays as written. A '<'
 * that starts no tag ("a < b", "<3") is text. Attribute values (href
 * URLs) are not kept.
 *
 * White space: every run of ASCII white space and control characters
 * (C0 incl. NUL, DEL, and C1 U+0080-U+009F) and of Unicode spaces (U+00A0,
 * U+2000-U+200A, U+2028, U+2029, U+202F, U+205F, U+3000) becomes one ASCII
 * space; there is none at the start or the end. So the text holds no
 * newline and no NUL byte: it is one line. A UTF-8 byte order mark is
 * dropped.
 *
 * Malformed (the *malformed flag and the malformed counter; the text is
 * still everything that could be read):
 *   - a header line that is neither a field ("Name: value") nor a
 *     continuation: the body is taken to start at that line;
 *   - a continuation line before any field;
 *   - the input ends inside the top-level header section without a line
 *     end (truncated mid-header); an unterminated last line there that is
 *     one word without a colon (a cut field name) is dropped;
 *   - a Content-Type without "type/subtype" (read as text/plain);
 *   - multipart without a boundary parameter, or whose boundary never
 *     occurs (the body is read as text/plain), or without the closing
 *     "--boundary--" (the last part runs to the end);
 *   - MIME nesting deeper than 16 (the deeper parts are skipped);
 *   - base64 with characters outside the alphabet (other than white space
 *     and '='), text after the data, or an unpadded incomplete last group
 *     (truncated); RFC 2047 encoded words are decoded leniently and never
 *     make a message malformed.
 *
 * Counters (hn_mail_stats): messages and malformed count messages;
 * truncated counts messages cut at max_bytes; decoded_base64, decoded_qp
 * count decodings of body parts AND of RFC 2047 encoded words (B and Q);
 * html_parts counts text/html parts used; charset_converted counts parts
 * and encoded words converted from Latin-1, cp1252 or Latin-9;
 * unknown_charset counts parts and encoded words with an unknown charset.
 * Only parts whose text is wanted are decoded and counted (skipped
 * attachments and alternatives that were never tried are not).
 *
 * Cost: linear in the message size (times the nesting depth, at most 16);
 * memory a few times the message size. Nothing is shared between calls:
 * hn_mail_to_text is thread-safe; a reader belongs to one thread.
 */
#ifndef HN_CORPORA_MAIL_H
#define HN_CORPORA_MAIL_H

#include <stddef.h>
#include <stdint.h>

#include "src/base/status.h"

typedef struct hn_mail_opts {
    int32_t include_subject; /* [1] */
    char headers[256];       /* extra header names to include, comma-separated, e.g. "From,To";
                              * white space around names is ignored [""] */
    int32_t html_to_text;    /* convert text/html parts to text; 0 keeps the markup [1] */
    int64_t max_bytes;       /* per message, larger input is truncated and counted;
                              * <= 0 means no limit [10 MiB] */
} hn_mail_opts;

/* Fill `o` with the defaults shown in brackets above. */
void hn_mail_opts_default(hn_mail_opts *o);

typedef struct hn_mail_stats {
    int64_t skipped;         /* directory entries not read: links to nothing, loops, devices (each warned) */
    int64_t messages, malformed, truncated, decoded_base64, decoded_qp, html_parts, charset_converted,
        unknown_charset;
} hn_mail_stats;

/* Parse one raw RFC 5322 message (`len` bytes at `msg`, any line endings:
 * CRLF, LF or CR; NUL bytes allowed) into text, as described at the top of
 * this file: "Subject text" + " " + body text, one line, UTF-8 (bytes of
 * unknown charsets left as they are). `o` is read only (NULL = defaults).
 *
 * On HN_OK *out is a malloc'd, NUL-terminated string owned by the caller
 * (free() it), also when it is empty, and *out_len (if out_len is not
 * NULL) its length. Never fails on malformed input: it reads as far as it
 * can and sets *malformed = 1 (else 0; malformed may be NULL). When `st` is
 * not NULL the counters of this message are ADDED to it (so one struct can
 * sum a corpus); messages grows by 1.
 *
 * Returns HN_ERR_NOMEM only (then *out is NULL and *st is unchanged).
 * Thread-safe: no shared state. */
hn_status hn_mail_to_text(const char *msg, size_t len, const hn_mail_opts *o, char **out, size_t *out_len,
                          int *malformed, hn_mail_stats *st);

/* A stream of messages from a directory tree or an mbox file.
 *
 * Directory tree: every regular file is one message (a maildir, or the
 * SpamAssassin corpus). Entries of each directory are visited in byte
 * order (strcmp) depth first, so the order is the same on every machine.
 * Names starting with '.' are skipped. Symbolic links are followed, to
 * files and to directories alike; a link back to a directory being read
 * (a loop), a link to nothing, and other file types (devices, FIFOs) are
 * skipped, warned about and counted in hn_mail_stats.skipped. With label_from_dir the label of a message is the name
 * of its top-level subdirectory under the root (root/spam/2/0001 ->
 * "spam"); files directly in the root have no label and are skipped with
 * a warning through hn_log(). source is the file's path (root + "/" + ...).
 *
 * mbox (path is a file, or "-" for standard input): messages are split on
 * lines starting with "From " (the From_ line itself is not part of the
 * message) and mboxrd quoting is undone (">From " -> "From ", ">>From " ->
 * ">From " at line start). Text before the first From_ line is a message
 * when it is not blank (judged on the max_bytes kept of it), so a file holding one bare message reads as that
 * message. source is "PATH#N", N the 1-based message number. mbox input is
 * streamed: memory holds one message (at most max_bytes of it). */
typedef struct hn_mail_reader hn_mail_reader;

/* Open `path` with options `o` (copied; NULL = defaults). On HN_OK *out is
 * owned by the caller: free it with hn_mail_reader_free. On failure *out is
 * NULL and err says why: HN_ERR_IO "path: reason" (missing, unreadable),
 * HN_ERR_ARG when label_from_dir is set but path is not a directory,
 * HN_ERR_NOMEM. */
hn_status hn_mail_reader_open(const char *path, const hn_mail_opts *o, int label_from_dir, hn_mail_reader **out,
                              hn_err *err);

/* The next message: HN_OK with *got = 1, its text (as hn_mail_to_text
 * gives it; NUL-terminated, *len bytes, may be empty: an empty message is
 * still a record, never silently dropped), *label (NULL unless
 * label_from_dir) and *source; or HN_OK with *got = 0 at the end (and on
 * every later call). text, label and source are borrowed: valid until the
 * next hn_mail_reader_next or hn_mail_reader_free. label, source and len
 * may be NULL when not wanted.
 *
 * Errors: HN_ERR_IO "path: reason" when a file or subdirectory cannot be
 * opened or read, HN_ERR_NOMEM; *got is 0. After HN_ERR_IO the reader may
 * be called again and goes on with the next file (directory) or ends
 * (mbox). Malformed messages are not errors (see the counters). */
hn_status hn_mail_reader_next(hn_mail_reader *r, const char **label, const char **text, size_t *len,
                              const char **source, int *got, hn_err *err);

/* Copy the counters of all messages returned so far into *st. */
void hn_mail_reader_stats(const hn_mail_reader *r, hn_mail_stats *st);

/* Close any open file and free the reader and all it lent. NULL is a
 * no-op. Not thread-safe: one reader per thread. */
void hn_mail_reader_free(hn_mail_reader *r);

#endif /* HN_CORPORA_MAIL_H */
