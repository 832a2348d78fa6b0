package net.coopwan.config.uci;

/** Lexical rules of UCI shared by the parser, the writer and callers that build values. */
public final class UciSyntax {

    private UciSyntax() {
    }

    /**
     * Option and section names: libuci's {@code uci_validate_name}, ASCII letters, digits and
     * {@code _}. Anything else would make {@code uci} itself refuse the file.
     */
    public static boolean isValidName(String s) {
        if (s == null || s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_')) {
                return false;
            }
        }
        return true;
    }

    /** Section types as libuci's {@code uci_validate_type} accepts them: printable ASCII, no blanks. */
    public static boolean isValidType(String s) {
        if (s == null || s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 33 || c > 126) {
                return false;
            }
        }
        return true;
    }

    /** {@code package} names: libuci also allows {@code -} there. */
    static boolean isValidPackageName(String s) {
        return s != null && !s.isEmpty() && isValidName(s.replace('-', '_'));
    }

    /**
     * Values the writer can store so that they read back unchanged: anything but NUL (libuci's
     * strings end there) and line breaks (this parser keeps a value on one line).
     */
    public static boolean isValidValue(String s) {
        if (s == null) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\0' || c == '\n' || c == '\r') {
                return false;
            }
        }
        return true;
    }

    /**
     * Quotes a value as {@code uci export} does: in single quotes, an embedded {@code '} written as
     * {@code '\''} (close, escaped quote, reopen), the shell idiom libuci's parser also reads.
     */
    public static String quote(String value) {
        if (!isValidValue(value)) {
            throw new IllegalArgumentException("a UCI value cannot contain NUL or line breaks");
        }
        return "'" + value.replace("'", "'\\''") + "'";
    }

    /** C {@code isspace}: what libuci skips between words. */
    static boolean isBlank(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == 0x0B || c == '\f';
    }
}
