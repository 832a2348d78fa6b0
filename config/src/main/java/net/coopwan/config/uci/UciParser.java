package net.coopwan.config.uci;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import net.coopwan.config.ConfigException;

/**
 * Turns UCI text into {@link UciLine}s, following libuci's {@code file.c} word by word (see the
 * package documentation for the few deliberate differences). Not thread-confined state: one
 * instance per parse.
 */
final class UciParser {

    /** A router config is a few KiB; refusing more keeps a wrong path from eating the heap. */
    static final int MAX_BYTES = 1 << 20;

    private final Path file;
    /** Physical lines without terminator ("\r" of "\r\n" removed too). */
    private final List<String> contents = new ArrayList<>();
    /** Terminator of each physical line: "\n", "\r\n" or "" (last line without newline). */
    private final List<String> eols = new ArrayList<>();

    /** Cursor: physical line index and position in it. */
    private int li;
    private int pos;
    /** Set when a word stopped at a {@code #}: the rest of the line is a comment. */
    private boolean commentHit;

    private UciParser(Path file) {
        this.file = file;
    }

    static List<UciLine> parse(byte[] bytes, Path file) throws ConfigException {
        if (bytes.length > MAX_BYTES) {
            throw new ConfigException(file, 0, null, "file is larger than " + MAX_BYTES + " bytes");
        }
        return parse(decode(bytes, file), file);
    }

    static List<UciLine> parse(String text, Path file) throws ConfigException {
        UciParser p = new UciParser(file);
        p.split(text);
        return p.parseLines();
    }

    /** Strict UTF-8, so a value never silently turns into replacement characters. */
    private static String decode(byte[] bytes, Path file) throws ConfigException {
        CharsetDecoder dec = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        try {
            return dec.decode(in).toString();
        } catch (CharacterCodingException e) {
            // decode() leaves the buffer at the start of the bad sequence.
            throw new ConfigException(file, lineOfByte(bytes, in.position()), null, "not valid UTF-8");
        }
    }

    private static int lineOfByte(byte[] bytes, int offset) {
        int line = 1;
        for (int i = 0; i < offset && i < bytes.length; i++) {
            if (bytes[i] == '\n') {
                line++;
            }
        }
        return line;
    }

    private void split(String text) throws ConfigException {
        int start = 0;
        while (start < text.length()) {
            int nl = text.indexOf('\n', start);
            String content;
            String eol;
            if (nl < 0) {
                content = text.substring(start);
                eol = "";
                start = text.length();
            } else {
                content = text.substring(start, nl);
                eol = "\n";
                start = nl + 1;
                if (content.endsWith("\r")) {
                    content = content.substring(0, content.length() - 1);
                    eol = "\r\n";
                }
            }
            if (content.indexOf('\0') >= 0) {
                throw new ConfigException(file, contents.size() + 1, null, "NUL byte in line");
            }
            contents.add(content);
            eols.add(eol);
        }
    }

    private enum Command { CONFIG, OPTION, LIST, PACKAGE }

    private List<UciLine> parseLines() throws ConfigException {
        List<UciLine> out = new ArrayList<>();
        Map<String, UciLine.Header> named = new HashMap<>();
        boolean inSection = false;
        for (int first = 0; first < contents.size(); first = li + 1) {
            li = first;
            pos = 0;
            commentHit = false;
            String content = contents.get(first);
            skipBlanks();
            if (atEol()) {
                out.add(new UciLine.Trivia(raw(first, first), first + 1, UciLine.Trivia.Shape.BLANK));
                continue;
            }
            if (cur() == '#') {
                out.add(new UciLine.Trivia(raw(first, first), first + 1, pos == 0
                        ? UciLine.Trivia.Shape.COMMENT : UciLine.Trivia.Shape.INDENTED_COMMENT));
                continue;
            }
            String indent = content.substring(0, pos);
            Command cmd = command(first + 1);
            // Positional words; an empty one ('' or "") still counts, as in libuci.
            List<String> args = new ArrayList<>();
            int endLine = li;
            int endPos = pos;
            while (!commentHit) {
                skipBlanks();
                if (atEol() || cur() == '#') {
                    break;
                }
                args.add(word());
                endLine = li;
                endPos = pos;
            }
            int line = first + 1;
            String raw = raw(first, li);
            switch (cmd) {
                case CONFIG -> {
                    UciLine.Header h = header(args, line, raw, named);
                    out.add(h);
                    inSection = true;
                }
                case OPTION, LIST -> {
                    if (!inSection) {
                        throw error(line, "'" + cmd.name().toLowerCase() + "' outside a section: no 'config' line before it");
                    }
                    out.add(statement(cmd, args, line, raw, indent, contents.get(endLine).substring(endPos), eols.get(li)));
                }
                case PACKAGE -> {
                    if (inSection) {
                        throw error(line, "'package' after the first section is not supported");
                    }
                    out.add(packageLine(args, line, raw));
                }
            }
        }
        return out;
    }

    private Command command(int line) throws ConfigException {
        // Like libuci's strtok: the command word is taken as is, no quoting.
        String content = contents.get(li);
        int start = pos;
        while (!atEol() && !UciSyntax.isBlank(cur())) {
            pos++;
        }
        String word = content.substring(start, pos);
        return switch (word) {
            case "config", "c" -> Command.CONFIG;
            case "option", "o" -> Command.OPTION;
            case "list", "l" -> Command.LIST;
            case "package", "p" -> Command.PACKAGE;
            default -> throw error(line, "invalid command '" + word + "': expected config, option, list or a # comment");
        };
    }

    private UciLine.Header header(List<String> args, int line, String raw, Map<String, UciLine.Header> named)
            throws ConfigException {
        if (args.isEmpty() || args.get(0).isEmpty()) {
            throw error(line, "'config' without a section type");
        }
        if (args.size() > 2) {
            throw error(line, "too many arguments: expected config TYPE ['NAME']");
        }
        String type = args.get(0);
        if (!UciSyntax.isValidType(type)) {
            throw error(line, "invalid section type '" + type + "': use printable ASCII without blanks");
        }
        String name = args.size() > 1 && !args.get(1).isEmpty() ? args.get(1) : null;
        if (name != null) {
            if (!UciSyntax.isValidName(name)) {
                throw error(line, "invalid section name '" + name + "': only letters, digits and '_' are allowed");
            }
            UciLine.Header prior = named.putIfAbsent(name, new UciLine.Header(raw, line, type, name));
            if (prior != null && !prior.type().equals(type)) {
                throw error(line, "section '" + name + "' of type '" + type
                        + "' reuses the name of the '" + prior.type() + "' section at line " + prior.line());
            }
        }
        return new UciLine.Header(raw, line, type, name);
    }

    private UciLine.Statement statement(Command cmd, List<String> args, int line, String raw, String indent,
                                        String trailer, String eol) throws ConfigException {
        String kw = cmd.name().toLowerCase();
        if (args.isEmpty() || args.get(0).isEmpty()) {
            throw error(line, "'" + kw + "' without a name");
        }
        String name = args.get(0);
        if (!UciSyntax.isValidName(name)) {
            throw error(line, "invalid option name '" + name + "': only letters, digits and '_' are allowed");
        }
        if (args.size() > 2) {
            throw error(line, kw + " '" + name + "': too many arguments (quote a value that contains blanks)");
        }
        String value = args.size() > 1 ? args.get(1) : "";
        UciOption.Kind kind = cmd == Command.LIST ? UciOption.Kind.LIST : UciOption.Kind.OPTION;
        return new UciLine.Statement(raw, line, kind, name, value, indent, trailer, eol);
    }

    private UciLine.Package packageLine(List<String> args, int line, String raw) throws ConfigException {
        if (args.isEmpty() || args.get(0).isEmpty()) {
            throw error(line, "'package' without a name");
        }
        if (args.size() > 1) {
            throw error(line, "too many arguments: expected package NAME");
        }
        if (!UciSyntax.isValidPackageName(args.get(0))) {
            throw error(line, "invalid package name '" + args.get(0) + "'");
        }
        return new UciLine.Package(raw, line, args.get(0));
    }

    /**
     * One word as libuci's {@code parse_str}: unquoted, single- and double-quoted parts glued
     * together up to the next blank; stops (without consuming) at {@code #}.
     */
    private String word() throws ConfigException {
        StringBuilder sb = new StringBuilder();
        while (!atEol() && !UciSyntax.isBlank(cur())) {
            char c = cur();
            switch (c) {
                case '\'' -> {
                    String content = contents.get(li);
                    int close = content.indexOf('\'', pos + 1);
                    if (close < 0) {
                        throw error(li + 1, "unterminated single quote (a value must end on its own line)");
                    }
                    sb.append(content, pos + 1, close);
                    pos = close + 1;
                }
                case '"' -> doubleQuoted(sb);
                case '#' -> {
                    commentHit = true;
                    return sb.toString();
                }
                case ';' -> throw error(li + 1, "';' between commands is not supported: put each on its own line");
                case '\\' -> {
                    pos++;
                    if (atEol()) {
                        if (!continueOnNextLine()) {
                            return sb.toString();
                        }
                    } else {
                        sb.append(cur());
                        pos++;
                    }
                }
                default -> {
                    sb.append(c);
                    pos++;
                }
            }
        }
        return sb.toString();
    }

    private void doubleQuoted(StringBuilder sb) throws ConfigException {
        int openLine = li + 1;
        pos++;
        while (true) {
            if (atEol()) {
                throw error(openLine, "unterminated double quote (a value must end on its own line)");
            }
            char c = cur();
            if (c == '"') {
                pos++;
                return;
            }
            if (c == '\\') {
                pos++;
                if (atEol()) {
                    if (!continueOnNextLine()) {
                        throw error(openLine, "unterminated double quote at end of file");
                    }
                    continue;
                }
                c = cur();
            }
            sb.append(c);
            pos++;
        }
    }

    /** A backslash ended the physical line: the word goes on at the start of the next one. */
    private boolean continueOnNextLine() {
        if (li + 1 >= contents.size()) {
            return false;
        }
        li++;
        pos = 0;
        return true;
    }

    private void skipBlanks() {
        while (!atEol() && UciSyntax.isBlank(cur())) {
            pos++;
        }
    }

    private boolean atEol() {
        return pos >= contents.get(li).length();
    }

    private char cur() {
        return contents.get(li).charAt(pos);
    }

    private String raw(int from, int to) {
        StringBuilder sb = new StringBuilder();
        for (int i = from; i <= to; i++) {
            sb.append(contents.get(i)).append(eols.get(i));
        }
        return sb.toString();
    }

    private ConfigException error(int line, String message) {
        return new ConfigException(file, line, null, message);
    }
}
