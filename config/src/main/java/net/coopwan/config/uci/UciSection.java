package net.coopwan.config.uci;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * A read-only view of one {@code config} section of a {@link UciDocument}: its type, name and
 * statements in file order. Lookups apply libuci's semantics: the last {@code option} of a name
 * wins, {@code list} appends, and an {@code option} resets a list.
 */
public final class UciSection {

    private final String type;
    private final String name;
    private final int index;
    private final int line;
    private final List<UciOption> statements;

    UciSection(String type, String name, int index, int line, List<UciOption> statements) {
        this.type = type;
        this.name = name;
        this.index = index;
        this.line = line;
        this.statements = List.copyOf(statements);
    }

    public String type() {
        return type;
    }

    /** The section name, empty for an anonymous section. */
    public Optional<String> name() {
        return Optional.ofNullable(name);
    }

    public boolean anonymous() {
        return name == null;
    }

    /** Position among the document's sections of the same type, from 0. */
    public int index() {
        return index;
    }

    /**
     * How to refer to this section in {@link UciDocument} edits and in messages: its name, or
     * {@code @type[index]} (the {@code uci} command line's notation) when anonymous.
     */
    public String ref() {
        return name != null ? name : "@" + type + "[" + index + "]";
    }

    /** 1-based line of the {@code config} header, 0 if the section was added since parsing. */
    public int line() {
        return line;
    }

    /** Every {@code option} and {@code list} statement in file order, repetitions included. */
    public List<UciOption> statements() {
        return statements;
    }

    /** The statement that decides the option's value: the last one with that name. */
    public Optional<UciOption> option(String optionName) {
        for (int i = statements.size() - 1; i >= 0; i--) {
            if (statements.get(i).name().equals(optionName)) {
                return Optional.of(statements.get(i));
            }
        }
        return Optional.empty();
    }

    /**
     * The option's value; for a list, its values joined by blanks, as {@code uci get} prints it.
     * Note libuci treats {@code option x ''} as absent; this returns it as an empty string.
     */
    public Optional<String> get(String optionName) {
        Optional<UciOption> last = option(optionName);
        if (last.isEmpty()) {
            return Optional.empty();
        }
        if (last.get().kind() == UciOption.Kind.OPTION) {
            return Optional.of(last.get().value());
        }
        return Optional.of(listStatements(optionName).stream().map(UciOption::value).collect(Collectors.joining(" ")));
    }

    /** The values of a list option; a plain {@code option} counts as a one-element list. */
    public List<String> list(String optionName) {
        return listStatements(optionName).stream().map(UciOption::value).toList();
    }

    /** The statements that make up {@link #list(String)}, each with its own line for messages. */
    public List<UciOption> listStatements(String optionName) {
        List<UciOption> out = new ArrayList<>();
        for (UciOption o : statements) {
            if (!o.name().equals(optionName)) {
                continue;
            }
            if (o.kind() == UciOption.Kind.OPTION) {
                out.clear();
            }
            out.add(o);
        }
        return List.copyOf(out);
    }

    @Override
    public String toString() {
        return "config " + type + (name == null ? "" : " '" + name + "'") + " (line " + line + ")";
    }
}
