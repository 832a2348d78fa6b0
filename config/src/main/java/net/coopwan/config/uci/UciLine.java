package net.coopwan.config.uci;

/**
 * One logical line of a UCI file. Every line keeps the exact text it was parsed from, terminator
 * included, so the writer reproduces untouched lines byte for byte; a line joined to the next by a
 * trailing backslash is one logical line holding both physical lines.
 */
sealed interface UciLine {

    /** Exact source text including line terminator(s); "" terminator only at the end of a file. */
    String raw();

    /** 1-based line of the first physical line, 0 for a line created by an edit. */
    int line();

    /** A blank line or a comment. */
    record Trivia(String raw, int line, Shape shape) implements UciLine {

        enum Shape {
            BLANK,
            /** {@code #} in column 0: by convention documents the section below it. */
            COMMENT,
            /** {@code #} after leading blanks: by convention part of the section above it. */
            INDENTED_COMMENT
        }

        static Trivia blank() {
            return new Trivia("\n", 0, Shape.BLANK);
        }
    }

    /** {@code package NAME}; kept, otherwise ignored. */
    record Package(String raw, int line, String name) implements UciLine {
    }

    /** {@code config TYPE ['NAME']}; {@code name} is null for an anonymous section. */
    record Header(String raw, int line, String type, String name) implements UciLine {

        static Header create(String type, String name) {
            String raw = "config " + type + (name == null ? "" : " " + UciSyntax.quote(name)) + "\n";
            return new Header(raw, 0, type, name);
        }
    }

    /**
     * {@code option} or {@code list}. {@code indent}, {@code trailer} (blanks and a comment after
     * the value) and {@code eol} are kept apart so a changed value can be rewritten in canonical
     * form without losing the comment at the end of its line.
     */
    record Statement(String raw, int line, UciOption.Kind kind, String name, String value,
                     String indent, String trailer, String eol) implements UciLine {

        static Statement create(String indent, UciOption.Kind kind, String name, String value,
                                String trailer, String eol) {
            String raw = indent + kind.keyword() + ' ' + name + ' ' + UciSyntax.quote(value) + trailer + eol;
            return new Statement(raw, 0, kind, name, value, indent, trailer, eol);
        }

        /** This statement with another value and kind, in canonical form, keeping indent and comment. */
        Statement rewritten(UciOption.Kind newKind, String newValue) {
            return create(indent, newKind, name, newValue, trailer, eol);
        }

        UciOption toOption() {
            return new UciOption(kind, name, value, line);
        }
    }
}
