/**
 * Reading and writing OpenWrt UCI files such as {@code /etc/config/coopwan}, keeping everything a
 * person wrote: comments, blank lines, quoting style, unknown sections and options.
 *
 * <p>{@link net.coopwan.config.uci.UciDocument} is an immutable document; edits return a new one in
 * which only the touched lines change, so an unmodified document writes back byte for byte.
 * {@link net.coopwan.config.AtomicFile} replaces the file atomically (temp file, fsync, rename).
 *
 * <p>The syntax follows libuci's parser ({@code file.c}):
 * <ul>
 *   <li>{@code config TYPE ['NAME']}, {@code option NAME 'VALUE'}, {@code list NAME 'VALUE'},
 *       {@code package NAME}, and their one-letter abbreviations {@code c}, {@code o}, {@code l},
 *       {@code p};</li>
 *   <li>a value is a run of unquoted, {@code '...'} and {@code "..."} parts up to the next blank, so
 *       {@code 'a'\''b'} is {@code a'b}; nothing is special inside single quotes; a backslash
 *       outside them takes the next character literally ({@code "a\"b"} is {@code a"b},
 *       {@code "\n"} is {@code n}, as in libuci), and at the end of a line joins the next line;</li>
 *   <li>{@code #} outside quotes starts a comment, even in the middle of a word;</li>
 *   <li>names are {@code [A-Za-z0-9_]+}; a section type is printable ASCII without blanks;</li>
 *   <li>extra arguments are an error, as with libuci's default strict mode, and so is a name
 *       reused for a section of a different type.</li>
 * </ul>
 * Deliberately stricter than libuci, because none of it is needed here and each would otherwise
 * turn a typo into a silently different configuration: a quote must close on its own line (libuci
 * would swallow following lines into a multi-line value), {@code ;} between commands is rejected,
 * {@code package} may only precede the first section, NUL bytes and invalid UTF-8 are rejected.
 *
 * <p>Semantics follow libuci too: a repeated option overrides the earlier one, {@code list} appends
 * to a list and an {@code option} of the same name resets it.
 */
package net.coopwan.config.uci;
