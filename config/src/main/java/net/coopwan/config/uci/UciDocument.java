package net.coopwan.config.uci;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

import net.coopwan.config.AtomicFile;
import net.coopwan.config.ConfigException;

/**
 * A parsed UCI file that remembers every byte of it. Immutable: each {@code with...} edit returns a
 * new document in which only the affected lines differ, so comments, blank lines, quoting, unknown
 * sections and unknown options survive a front-end changing one value, and a document that was not
 * edited renders to exactly the bytes it was parsed from.
 *
 * <p>Sections are addressed by a {@link UciSection#ref() ref}: the section name, or
 * {@code @type[index]} for anonymous ones ({@code @type[-1]} is the last). When two sections share
 * a name (libuci would merge them) edits apply to the first.
 *
 * <p>Edits validate names and values and throw {@link IllegalArgumentException} for a missing
 * section or something that cannot be written; whether the result is a usable coopwan
 * configuration is for {@link net.coopwan.config.ConfigLoader#load(UciDocument)} to say, which a
 * front-end should call before {@link #write(Path)}.
 */
public final class UciDocument {

    private final Path file;
    private final List<UciLine> lines;
    private final List<Span> spans;
    private final List<UciSection> sections;

    /**
     * Where a section lives in {@link #lines}: its header, the end of its region (the next header or
     * the end of the file) and its last statement (-1 without one).
     */
    private record Span(int header, int end, int lastStatement) {
    }

    private UciDocument(Path file, List<UciLine> lines) {
        this.file = file;
        this.lines = List.copyOf(lines);
        List<Span> sp = new ArrayList<>();
        List<UciSection> secs = new ArrayList<>();
        Map<String, Integer> perType = new HashMap<>();
        for (int i = 0; i < this.lines.size(); i++) {
            if (!(this.lines.get(i) instanceof UciLine.Header h)) {
                continue;
            }
            int end = i + 1;
            int last = -1;
            List<UciOption> stmts = new ArrayList<>();
            for (; end < this.lines.size() && !(this.lines.get(end) instanceof UciLine.Header); end++) {
                if (this.lines.get(end) instanceof UciLine.Statement s) {
                    stmts.add(s.toOption());
                    last = end;
                }
            }
            int index = perType.merge(h.type(), 1, Integer::sum) - 1;
            sp.add(new Span(i, end, last));
            secs.add(new UciSection(h.type(), h.name(), index, h.line(), stmts));
            i = end - 1;
        }
        this.spans = List.copyOf(sp);
        this.sections = List.copyOf(secs);
    }

    /** Reads and parses FILE; unreadable, oversized or malformed files are {@link ConfigException}s. */
    public static UciDocument read(Path file) throws ConfigException {
        byte[] bytes;
        try {
            if (Files.size(file) > UciParser.MAX_BYTES) {
                throw new ConfigException(file, 0, null, "file is larger than " + UciParser.MAX_BYTES + " bytes");
            }
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new ConfigException(file, 0, null, "cannot read: no such file");
        } catch (AccessDeniedException e) {
            throw new ConfigException(file, 0, null, "cannot read: permission denied");
        } catch (IOException e) {
            throw new ConfigException(file, 0, null, "cannot read: " + e);
        }
        return parse(bytes, file);
    }

    /** Parses UTF-8 bytes; FILE only names the source in messages and may be null. */
    public static UciDocument parse(byte[] bytes, Path file) throws ConfigException {
        return new UciDocument(file, UciParser.parse(bytes, file));
    }

    /** Parses TEXT; FILE only names the source in messages and may be null. */
    public static UciDocument parse(String text, Path file) throws ConfigException {
        return new UciDocument(file, UciParser.parse(text, file));
    }

    /** A document without lines, to build a file from scratch. */
    public static UciDocument empty(Path file) {
        return new UciDocument(file, List.of());
    }

    /** The file this document was read from, for messages; may be null. */
    public Path file() {
        return file;
    }

    /** This document attributed to another file (messages name it); the content is unchanged. */
    public UciDocument withFile(Path newFile) {
        return new UciDocument(newFile, lines);
    }

    public List<UciSection> sections() {
        return sections;
    }

    public List<UciSection> sections(String type) {
        return sections.stream().filter(s -> s.type().equals(type)).toList();
    }

    /** The section with that name, or {@code @type[index]} for the index-th section of a type. */
    public Optional<UciSection> section(String ref) {
        int i = indexOf(ref);
        return i < 0 ? Optional.empty() : Optional.of(sections.get(i));
    }

    /** {@link UciSection#get(String)} of the referenced section. */
    public Optional<String> get(String sectionRef, String option) {
        return section(sectionRef).flatMap(s -> s.get(option));
    }

    /** {@link UciSection#list(String)} of the referenced section; empty when either is missing. */
    public List<String> getList(String sectionRef, String option) {
        return section(sectionRef).map(s -> s.list(option)).orElse(List.of());
    }

    /**
     * Sets {@code option NAME 'VALUE'}. An existing statement of that name is rewritten in place
     * (keeping its indent and end-of-line comment) and any repetitions are dropped; otherwise the
     * option goes after the section's last statement. Setting the value it already has returns this
     * document unchanged, original quoting included.
     */
    public UciDocument withOption(String sectionRef, String name, String value) {
        requireName(name);
        requireValue(value);
        Span sp = span(sectionRef);
        List<Integer> idx = statementIndices(sp, name);
        if (idx.size() == 1) {
            UciLine.Statement st = (UciLine.Statement) lines.get(idx.get(0));
            if (st.kind() == UciOption.Kind.OPTION && st.value().equals(value)) {
                return this;
            }
        }
        List<UciLine> out = new ArrayList<>(lines);
        if (idx.isEmpty()) {
            out.add(insertionPoint(sp), UciLine.Statement.create(indentFor(sp), UciOption.Kind.OPTION, name, value, "", "\n"));
        } else {
            UciLine.Statement first = (UciLine.Statement) lines.get(idx.get(0));
            out.set(idx.get(0), first.rewritten(UciOption.Kind.OPTION, value));
            removeAll(out, idx.subList(1, idx.size()));
        }
        return new UciDocument(file, out);
    }

    /** Removes every statement of that name from the section; no such option is not an error. */
    public UciDocument withoutOption(String sectionRef, String name) {
        Span sp = span(sectionRef);
        List<Integer> idx = statementIndices(sp, name);
        if (idx.isEmpty()) {
            return this;
        }
        List<UciLine> out = new ArrayList<>(lines);
        removeAll(out, idx);
        return new UciDocument(file, out);
    }

    /**
     * Replaces the option with {@code list NAME 'VALUE'} lines, one per value, where the first
     * existing statement of that name was (or after the section's last statement). An empty list
     * removes the option.
     */
    public UciDocument withList(String sectionRef, String name, List<String> values) {
        requireName(name);
        values.forEach(UciDocument::requireValue);
        if (values.isEmpty()) {
            return withoutOption(sectionRef, name);
        }
        Span sp = span(sectionRef);
        List<Integer> idx = statementIndices(sp, name);
        if (idx.size() == values.size()) {
            boolean same = true;
            for (int i = 0; i < idx.size() && same; i++) {
                UciLine.Statement st = (UciLine.Statement) lines.get(idx.get(i));
                same = st.kind() == UciOption.Kind.LIST && st.value().equals(values.get(i));
            }
            if (same) {
                return this;
            }
        }
        List<UciLine> fresh = new ArrayList<>();
        int at;
        if (idx.isEmpty()) {
            at = insertionPoint(sp);
            for (String v : values) {
                fresh.add(UciLine.Statement.create(indentFor(sp), UciOption.Kind.LIST, name, v, "", "\n"));
            }
        } else {
            // The first new line inherits the old first line's indent and end-of-line comment.
            UciLine.Statement first = (UciLine.Statement) lines.get(idx.get(0));
            at = idx.get(0);
            fresh.add(first.rewritten(UciOption.Kind.LIST, values.get(0)));
            for (String v : values.subList(1, values.size())) {
                fresh.add(UciLine.Statement.create(first.indent(), UciOption.Kind.LIST, name, v, "", "\n"));
            }
        }
        List<UciLine> out = new ArrayList<>(lines);
        removeAll(out, idx);
        out.addAll(at, fresh);
        return new UciDocument(file, out);
    }

    /**
     * Appends an empty section, preceded by a blank line as {@code uci} writes them; NAME null or
     * empty makes it anonymous. The type must be a plain name ({@code [A-Za-z0-9_]+}) because
     * headers are written unquoted.
     */
    public UciDocument withSection(String type, String name) {
        if (!UciSyntax.isValidName(type)) {
            throw new IllegalArgumentException("invalid section type '" + type + "': only letters, digits and '_'");
        }
        String n = name == null || name.isEmpty() ? null : name;
        if (n != null) {
            if (!UciSyntax.isValidName(n)) {
                throw new IllegalArgumentException("invalid section name '" + n + "': only letters, digits and '_'");
            }
            if (indexOf(n) >= 0) {
                throw new IllegalArgumentException("a section named '" + n + "' already exists");
            }
        }
        // Before a final blank line, so a file in uci's canonical form keeps ending with one.
        int at = lines.size();
        if (at > 0 && isBlank(lines.get(at - 1))) {
            at--;
        }
        List<UciLine> fresh = new ArrayList<>();
        if (at == 0 || !isBlank(lines.get(at - 1))) {
            fresh.add(UciLine.Trivia.blank());
        }
        fresh.add(UciLine.Header.create(type, n));
        List<UciLine> out = new ArrayList<>(lines);
        out.addAll(at, fresh);
        return new UciDocument(file, out);
    }

    /**
     * Removes a section with everything that belongs to it: the comment block directly above its
     * header and one blank line before that, its statements, and whatever lies between it and the
     * next section's own comment block. After the last section, only indented comments that follow
     * it directly go with it; anything after that (a commented-out example, say) stays.
     */
    public UciDocument withoutSection(String sectionRef) {
        int si = requireSection(sectionRef);
        Span sp = spans.get(si);
        int from = leadStart(sp.header());
        int to;
        if (si + 1 < spans.size()) {
            to = leadStart(spans.get(si + 1).header());
        } else {
            to = Math.max(sp.header(), sp.lastStatement()) + 1;
            while (to < sp.end() && lines.get(to) instanceof UciLine.Trivia t
                    && t.shape() == UciLine.Trivia.Shape.INDENTED_COMMENT) {
                to++;
            }
        }
        List<UciLine> out = new ArrayList<>(lines);
        out.subList(from, to).clear();
        return new UciDocument(file, out);
    }

    /** The file content: exactly the parsed bytes for lines not edited. */
    public String text() {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < lines.size(); i++) {
            String raw = lines.get(i).raw();
            sb.append(raw);
            // Only the last line of a file can lack a newline; an edit may have put lines after it.
            if (i < lines.size() - 1 && !raw.endsWith("\n")) {
                sb.append('\n');
            }
        }
        return sb.toString();
    }

    public byte[] toBytes() {
        return text().getBytes(StandardCharsets.UTF_8);
    }

    /** Replaces TARGET atomically with this document, see {@link AtomicFile#write(Path, byte[])}. */
    public void write(Path target) throws IOException {
        AtomicFile.write(target, toBytes());
    }

    @Override
    public String toString() {
        return "UciDocument[" + (file == null ? "<no file>" : file) + ", " + sections.size() + " sections]";
    }

    // ---- internals ----

    private int indexOf(String ref) {
        Objects.requireNonNull(ref, "section ref");
        if (ref.startsWith("@")) {
            int open = ref.indexOf('[');
            if (open < 2 || !ref.endsWith("]")) {
                return -1;
            }
            String type = ref.substring(1, open);
            int n;
            try {
                n = Integer.parseInt(ref.substring(open + 1, ref.length() - 1));
            } catch (NumberFormatException e) {
                return -1;
            }
            List<Integer> ofType = new ArrayList<>();
            for (int i = 0; i < sections.size(); i++) {
                if (sections.get(i).type().equals(type)) {
                    ofType.add(i);
                }
            }
            int k = n < 0 ? ofType.size() + n : n;
            return k >= 0 && k < ofType.size() ? ofType.get(k) : -1;
        }
        for (int i = 0; i < sections.size(); i++) {
            if (ref.equals(sections.get(i).name().orElse(null))) {
                return i;
            }
        }
        return -1;
    }

    private int requireSection(String ref) {
        int i = indexOf(ref);
        if (i < 0) {
            throw new IllegalArgumentException("no section '" + ref + "'");
        }
        return i;
    }

    private Span span(String ref) {
        return spans.get(requireSection(ref));
    }

    private List<Integer> statementIndices(Span sp, String name) {
        List<Integer> idx = new ArrayList<>();
        for (int i = sp.header() + 1; i < sp.end(); i++) {
            if (lines.get(i) instanceof UciLine.Statement s && s.name().equals(name)) {
                idx.add(i);
            }
        }
        return idx;
    }

    /** After the last statement; in a section without any, after the header and its indented comments. */
    private int insertionPoint(Span sp) {
        if (sp.lastStatement() >= 0) {
            return sp.lastStatement() + 1;
        }
        int at = sp.header() + 1;
        while (at < sp.end() && lines.get(at) instanceof UciLine.Trivia t
                && t.shape() == UciLine.Trivia.Shape.INDENTED_COMMENT) {
            at++;
        }
        return at;
    }

    /** New statements line up with the section's last one; uci's own style is one tab. */
    private String indentFor(Span sp) {
        return sp.lastStatement() >= 0 ? ((UciLine.Statement) lines.get(sp.lastStatement())).indent() : "\t";
    }

    /** Start of a header's lead: the unindented comments directly above it and one blank before. */
    private int leadStart(int header) {
        int from = header;
        while (from > 0 && lines.get(from - 1) instanceof UciLine.Trivia t
                && t.shape() == UciLine.Trivia.Shape.COMMENT) {
            from--;
        }
        if (from > 0 && isBlank(lines.get(from - 1))) {
            from--;
        }
        return from;
    }

    private static boolean isBlank(UciLine l) {
        return l instanceof UciLine.Trivia t && t.shape() == UciLine.Trivia.Shape.BLANK;
    }

    private static void removeAll(List<UciLine> out, List<Integer> ascending) {
        for (int i = ascending.size() - 1; i >= 0; i--) {
            out.remove((int) ascending.get(i));
        }
    }

    private static void requireName(String name) {
        if (!UciSyntax.isValidName(name)) {
            throw new IllegalArgumentException("invalid option name '" + name + "': only letters, digits and '_'");
        }
    }

    private static void requireValue(String value) {
        if (!UciSyntax.isValidValue(value)) {
            throw new IllegalArgumentException("a UCI value cannot contain NUL or line breaks");
        }
    }
}
