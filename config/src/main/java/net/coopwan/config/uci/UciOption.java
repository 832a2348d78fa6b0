package net.coopwan.config.uci;

import java.util.Objects;

/**
 * One {@code option} or {@code list} statement of a section, as written in the file.
 *
 * @param kind  {@code option} or {@code list}
 * @param name  option name, {@code [A-Za-z0-9_]+}
 * @param value the unquoted value; may be empty
 * @param line  1-based line in the source file, 0 for a statement added or changed since parsing
 */
public record UciOption(Kind kind, String name, String value, int line) {

    public UciOption {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(value, "value");
    }

    public enum Kind {
        OPTION("option"), LIST("list");

        private final String keyword;

        Kind(String keyword) {
            this.keyword = keyword;
        }

        /** The keyword as written in the file. */
        public String keyword() {
            return keyword;
        }
    }
}
