package net.coopwan.luci.ctl;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import net.coopwan.luci.rpc.RpcMethods;

/**
 * A parsed {@code coopwan ctl} command line.
 *
 * @param socket      --socket PATH, or null
 * @param config      --config FILE, or null
 * @param json        --json: print the raw result
 * @param help        --help
 * @param command     the control socket method to call, one of {@link RpcMethods#NAMES}; null only with help
 * @param params      its params, or null for none
 * @param view        how to print the result: the method, or {@code bond.show} for one bond of {@code bonds}
 * @param bond        the bond {@code bond show} picks from the list, else null
 * @param paramsStdin {@code call METHOD -}: the params are the JSON read from standard input
 */
record CtlArgs(Path socket, Path config, boolean json, boolean help, String command, JsonNode params, String view,
               String bond, boolean paramsStdin) {

    static final String USAGE = String.join("\n",
            "usage: coopwan ctl [--socket PATH | --config FILE] [--json] COMMAND",
            "commands:",
            "  status        hostname, role, version, uptime, uplinks up, front-ends",
            "  uplinks       configured uplinks: NAME DEVICE STATE RX TX",
            "  interfaces    kernel network interfaces",
            "  events [N]    the newest N events (default 50, at most 1000), oldest first",
            "  reload        re-read the configuration file",
            "  version       the daemon's version",
            "  bond list                       bonds: NAME MODE MTU MEMBERS IFINDEX STATE",
            "  bond show NAME                  one bond",
            "  bond create NAME [--mode M] [--mtu N] [--member UPLINK]...",
            "                                  make a bond (modes wrr, adaptive, active-backup)",
            "  bond destroy NAME               remove a bond and its interface",
            "  bond set NAME [--mode M] [--mtu N]",
            "                                  change a bond's mode or MTU",
            "  bond add NAME UPLINK            add a member",
            "  bond remove NAME UPLINK         remove a member",
            "  peers         discovery on the peer link and the routers heard: ADDRESS NONCE WILLING OFFERS",
            "                UPLINK DOWN UP LAST-SEEN ADVERTS; then the paired routers: PEER ADDRESS STATE",
            "                ROLE SESSION LAST-HEARD HANDSHAKE (JSON-RPC method peers)",
            "  pair start ADDRESS              show a pairing code for the router at ADDRESS (valid 5 min)",
            "  pair enter ADDRESS CODE         enter the code shown on the router at ADDRESS",
            "  request PEER                    send this router's offer (its enabled offer sections) to the paired PEER",
            "  pending                         offers from neighbours waiting for approval: PEER RECEIVED OFFERED",
            "  approve PEER TYPE[:PARAM=VALUE,...]...",
            "                                  approve PEER's pending offer: a subset of its types, one value per",
            "                                  offered parameter inside its range, e.g.",
            "                                  approve coop-1a2b emergency:bandwidth_kbps=5000,quota_bytes=1000000,window_ms=1000",
            "  reject PEER [REASON...]         reject PEER's pending offer; PEER is told the reason",
            "  agreements                      persisted agreements: PEER ROLE ENABLED APPROVED BY",
            "  info PEER                       ask the paired PEER for its uplinks and their traffic, wait up to",
            "                                  5 s for the answer: UPLINK TYPE STATE DOWN UP RX/TX AVG/PEAK (last minute)",
            "  emergency                       the emergency connection: this router's own (own uplink, or carried by",
            "                                  a neighbour since when, why, quota, bytes), then the neighbours it",
            "                                  carries: PEER STATE SINCE QUOTA USED CARRIED DROPPED REFUSED REASON",
            "  emergency end PEER              stop carrying PEER's traffic at once; PEER is told",
            "  sharing                         bandwidth sharing: what this router lends to each borrower and borrows",
            "                                  from each sharer, sessions now, rate now and bytes in all, and the totals",
            "  sharing stop PEER               stop lending to PEER: it is offered nothing at once, its moved sessions",
            "                                  drain, its use is refused until resumed (kept across restarts)",
            "  sharing resume PEER             lend to PEER again",
            "  latency                         latency-critical traffic: classification (LC traffic current, LC packets,",
            "                                  connections by rule, ad hoc rule, learned pairs), suppression of other",
            "                                  traffic (state, reason, enforced ceiling, who demands it), duplication",
            "  call METHOD [PARAMS | -]        any control socket method, PARAMS as JSON ('-': read stdin)",
            "options:",
            "  --socket PATH  the daemon's control socket",
            "  --config FILE  take the control socket from this configuration (default /etc/config/coopwan,",
            "                 else the built-in default)",
            "  --json         print the result as JSON, for scripts",
            "exit codes: 0 ok, 1 the daemon answered with an error, 2 usage, 3 cannot reach the daemon");

    /** The subcommands of {@code bond}. */
    static final List<String> BOND_COMMANDS = List.of("list", "show", "create", "destroy", "set", "add", "remove");

    /** The commands, as an error message lists them. */
    static final String COMMANDS = "status, uplinks, interfaces, events, reload, version, bond, peers, pair, request, pending,"
            + " approve, reject, agreements, info, emergency, sharing, latency, call";

    /** How long {@code info PEER} waits for the answer: five resends of the request. */
    static final int INFO_WAIT_MS = 5000;

    static CtlArgs parse(String[] args) throws UsageException {
        Path socket = null;
        Path config = null;
        boolean json = false;
        String command = null;
        String mode = null;
        Integer mtu = null;
        List<String> members = new ArrayList<>();
        List<String> words = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "--socket", "-s" -> socket = Path.of(value(args, ++i, a));
                case "--config", "-c" -> config = Path.of(value(args, ++i, a));
                case "--json", "-j" -> json = true;
                case "--help", "-h", "help" -> {
                    return new CtlArgs(null, null, false, true, null, null, null, null, false);
                }
                case "--mode", "--mtu", "--member" -> {
                    String sub = words.size() > 0 ? words.get(0) : null;
                    if (!"bond".equals(command) || !("create".equals(sub) || "set".equals(sub) && !"--member".equals(a))) {
                        throw new UsageException("option '" + a + "' belongs to "
                                + ("--member".equals(a) ? "bond create" : "bond create and bond set"));
                    }
                    String v = value(args, ++i, a);
                    switch (a) {
                        case "--mode" -> mode = v;
                        case "--mtu" -> mtu = integer(v, "--mtu");
                        default -> members.add(v);
                    }
                }
                default -> {
                    if (command == null) {
                        if (a.startsWith("-")) {
                            throw new UsageException("unknown option '" + a + "'");
                        }
                        if (!List.of("status", "uplinks", "interfaces", "events", "reload", "version", "bond", "peers", "pair", "call",
                                "request", "pending", "approve", "reject", "agreements", "info", "emergency", "sharing",
                                "latency")
                                .contains(a)) {
                            throw new UsageException("unknown command '" + a + "'; commands are " + COMMANDS);
                        }
                        command = a;
                    } else if (a.startsWith("-") && !isNumber(a) && !("call".equals(command) && "-".equals(a))) {
                        throw new UsageException("unknown option '" + a + "'");
                    } else {
                        words.add(a);
                    }
                }
            }
        }
        if (command == null) {
            throw new UsageException("no command given");
        }
        if (socket != null && config != null) {
            throw new UsageException("give either --socket or --config, not both");
        }
        return switch (command) {
            case "bond" -> bond(socket, config, json, words, mode, mtu, members);
            case "call" -> call(socket, config, json, words);
            case "peers" -> {
                if (!words.isEmpty()) {
                    throw new UsageException("unexpected argument '" + words.get(0) + "' after peers");
                }
                yield new CtlArgs(socket, config, json, false, "peers", null, "peers", null, false);
            }
            case "pair" -> pair(socket, config, json, words);
            case "info" -> {
                if (words.size() != 1) {
                    throw new UsageException("usage: coopwan ctl info PEER");
                }
                ObjectNode p = JsonNodeFactory.instance.objectNode();
                p.put("peer", words.get(0));
                p.put("wait_ms", INFO_WAIT_MS);
                yield new CtlArgs(socket, config, json, false, "info.request", p, "info", null, false);
            }
            case "request", "approve", "reject" -> cooperation(socket, config, json, command, words);
            case "emergency" -> emergency(socket, config, json, words);
            case "sharing" -> sharing(socket, config, json, words);
            case "latency" -> {
                if (!words.isEmpty()) {
                    throw new UsageException("unexpected argument '" + words.get(0) + "' after latency");
                }
                yield new CtlArgs(socket, config, json, false, "latency", null, "latency", null, false);
            }
            case "events" -> {
                if (words.size() > 1) {
                    throw new UsageException("unexpected argument '" + words.get(1) + "' after events");
                }
                ObjectNode p = null;
                if (words.size() == 1) {
                    p = JsonNodeFactory.instance.objectNode();
                    p.put("limit", eventCount(words.get(0)));
                }
                yield new CtlArgs(socket, config, json, false, command, p, command, null, false);
            }
            default -> {
                if (!words.isEmpty()) {
                    throw new UsageException("unexpected argument '" + words.get(0) + "' after " + command);
                }
                yield new CtlArgs(socket, config, json, false, command, null, command, null, false);
            }
        };
    }

    private static CtlArgs bond(Path socket, Path config, boolean json, List<String> words, String mode, Integer mtu,
                                List<String> members) throws UsageException {
        if (words.isEmpty()) {
            throw new UsageException("bond needs a subcommand: " + String.join(", ", BOND_COMMANDS));
        }
        String sub = words.get(0);
        List<String> rest = words.subList(1, words.size());
        ObjectNode p = JsonNodeFactory.instance.objectNode();
        return switch (sub) {
            case "list" -> {
                operands(sub, rest, 0, "");
                yield new CtlArgs(socket, config, json, false, "bonds", null, "bonds", null, false);
            }
            case "show" -> {
                operands(sub, rest, 1, " NAME");
                yield new CtlArgs(socket, config, json, false, "bonds", null, "bond.show", rest.get(0), false);
            }
            case "create" -> {
                operands(sub, rest, 1, " NAME [--mode M] [--mtu N] [--member UPLINK]...");
                p.put("name", rest.get(0));
                if (mode != null) {
                    p.put("mode", mode);
                }
                if (mtu != null) {
                    p.put("mtu", mtu);
                }
                if (!members.isEmpty()) {
                    ArrayNode m = p.putArray("members");
                    members.forEach(m::add);
                }
                yield new CtlArgs(socket, config, json, false, "bond.create", p, "bond.create", null, false);
            }
            case "destroy" -> {
                operands(sub, rest, 1, " NAME");
                p.put("name", rest.get(0));
                yield new CtlArgs(socket, config, json, false, "bond.destroy", p, "bond.destroy", null, false);
            }
            case "set" -> {
                operands(sub, rest, 1, " NAME [--mode M] [--mtu N]");
                if (mode == null && mtu == null) {
                    throw new UsageException("bond set " + rest.get(0) + ": give --mode M, --mtu N or both");
                }
                p.put("name", rest.get(0));
                if (mode != null) {
                    p.put("mode", mode);
                }
                if (mtu != null) {
                    p.put("mtu", mtu);
                }
                yield new CtlArgs(socket, config, json, false, "bond.update", p, "bond.update", null, false);
            }
            case "add", "remove" -> {
                operands(sub, rest, 2, " NAME UPLINK");
                p.put("bond", rest.get(0));
                p.put("uplink", rest.get(1));
                String method = "add".equals(sub) ? "bond.member.add" : "bond.member.remove";
                yield new CtlArgs(socket, config, json, false, method, p, method, null, false);
            }
            default -> throw new UsageException("unknown bond subcommand '" + sub + "'; subcommands are "
                    + String.join(", ", BOND_COMMANDS));
        };
    }

    private static CtlArgs pair(Path socket, Path config, boolean json, List<String> words) throws UsageException {
        String sub = words.isEmpty() ? "" : words.get(0);
        ObjectNode p = JsonNodeFactory.instance.objectNode();
        if ("start".equals(sub) && words.size() == 2) {
            p.put("address", words.get(1));
            return new CtlArgs(socket, config, json, false, "pair.start", p, "pair.start", null, false);
        }
        if ("enter".equals(sub) && words.size() >= 3) {
            p.put("address", words.get(1));
            // "1234 5678" typed as two words is one code
            p.put("code", String.join(" ", words.subList(2, words.size())));
            return new CtlArgs(socket, config, json, false, "pair.enter", p, "pair.enter", null, false);
        }
        throw new UsageException("usage: coopwan ctl pair start ADDRESS | coopwan ctl pair enter ADDRESS CODE");
    }

    /** {@code emergency} (method emergency) and {@code emergency end PEER} (method emergency.end, via cli). */
    private static CtlArgs emergency(Path socket, Path config, boolean json, List<String> words) throws UsageException {
        if (words.isEmpty()) {
            return new CtlArgs(socket, config, json, false, "emergency", null, "emergency", null, false);
        }
        if ("end".equals(words.get(0)) && words.size() == 2) {
            ObjectNode p = JsonNodeFactory.instance.objectNode();
            p.put("peer", words.get(1));
            p.put("via", "cli");
            return new CtlArgs(socket, config, json, false, "emergency.end", p, "emergency.end", null, false);
        }
        throw new UsageException("usage: coopwan ctl emergency | coopwan ctl emergency end PEER");
    }

    /** {@code sharing} (method sharing), {@code sharing stop|resume PEER} (methods sharing.stop / sharing.resume, via cli). */
    private static CtlArgs sharing(Path socket, Path config, boolean json, List<String> words) throws UsageException {
        if (words.isEmpty()) {
            return new CtlArgs(socket, config, json, false, "sharing", null, "sharing", null, false);
        }
        if (List.of("stop", "resume").contains(words.get(0)) && words.size() == 2) {
            ObjectNode p = JsonNodeFactory.instance.objectNode();
            p.put("peer", words.get(1));
            p.put("via", "cli");
            String method = "sharing." + words.get(0);
            return new CtlArgs(socket, config, json, false, method, p, method, null, false);
        }
        throw new UsageException("usage: coopwan ctl sharing | coopwan ctl sharing stop PEER | coopwan ctl sharing resume PEER");
    }

    /** {@code request PEER}, {@code approve PEER TYPE[:PARAM=VALUE,...]...}, {@code reject PEER [REASON...]}. */
    private static CtlArgs cooperation(Path socket, Path config, boolean json, String command, List<String> words)
            throws UsageException {
        ObjectNode p = JsonNodeFactory.instance.objectNode();
        switch (command) {
            case "request" -> {
                if (words.size() != 1) {
                    throw new UsageException("usage: coopwan ctl request PEER");
                }
                p.put("peer", words.get(0));
            }
            case "reject" -> {
                if (words.isEmpty()) {
                    throw new UsageException("usage: coopwan ctl reject PEER [REASON...]");
                }
                p.put("peer", words.get(0));
                if (words.size() > 1) {
                    p.put("reason", String.join(" ", words.subList(1, words.size())));
                }
            }
            default -> {
                if (words.size() < 2) {
                    throw new UsageException("usage: coopwan ctl approve PEER TYPE[:PARAM=VALUE,...]...");
                }
                p.put("peer", words.get(0));
                p.put("via", "cli");
                ObjectNode types = p.putObject("types");
                for (String spec : words.subList(1, words.size())) {
                    approval(types, spec);
                }
            }
        }
        return new CtlArgs(socket, config, json, false, command, p, command, null, false);
    }

    /** One {@code TYPE[:PARAM=VALUE,...]} into {@code types}; the daemon judges names, ranges and completeness. */
    private static void approval(ObjectNode types, String spec) throws UsageException {
        int colon = spec.indexOf(':');
        String type = colon < 0 ? spec : spec.substring(0, colon);
        if (type.isEmpty()) {
            throw new UsageException("approve: '" + spec + "' has no type; give TYPE[:PARAM=VALUE,...]");
        }
        if (types.has(type)) {
            throw new UsageException("approve: type " + type + " given twice");
        }
        ObjectNode values = types.putObject(type);
        if (colon < 0 || colon == spec.length() - 1) {
            return;
        }
        for (String pv : spec.substring(colon + 1).split(",", -1)) {
            int eq = pv.indexOf('=');
            if (eq <= 0) {
                throw new UsageException("approve: '" + pv + "' in " + type + " is not PARAM=VALUE");
            }
            String v = pv.substring(eq + 1);
            if (!isNumber(v)) {
                throw new UsageException("approve: " + type + " " + pv.substring(0, eq) + " needs a whole number, got '" + v + "'");
            }
            try {
                values.put(pv.substring(0, eq), Long.parseLong(v));
            } catch (NumberFormatException e) {
                throw new UsageException("approve: " + type + " " + pv.substring(0, eq) + ": " + v + " is out of range");
            }
        }
    }

    private static void operands(String sub, List<String> rest, int n, String synopsis) throws UsageException {
        if (rest.size() != n) {
            throw new UsageException("usage: coopwan ctl bond " + sub + synopsis);
        }
    }

    private static CtlArgs call(Path socket, Path config, boolean json, List<String> words) throws UsageException {
        if (words.isEmpty() || words.size() > 2) {
            throw new UsageException("usage: coopwan ctl call METHOD [PARAMS | -]");
        }
        String method = words.get(0);
        if (!RpcMethods.NAMES.contains(method)) {
            throw new UsageException("unknown method '" + method + "'; methods are " + String.join(", ", RpcMethods.NAMES));
        }
        if (words.size() == 1) {
            return new CtlArgs(socket, config, json, false, method, null, method, null, false);
        }
        if ("-".equals(words.get(1))) {
            return new CtlArgs(socket, config, json, false, method, null, method, null, true);
        }
        return new CtlArgs(socket, config, json, false, method, parseParams(words.get(1)), method, null, false);
    }

    /** PARAMS of {@code call}: a JSON object or array; blank means none. */
    static JsonNode parseParams(String text) throws UsageException {
        if (text.isBlank()) {
            return null;
        }
        JsonNode p;
        try {
            p = net.coopwan.luci.rpc.Json.mapper().readTree(text);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new UsageException("params are not JSON: " + e.getOriginalMessage());
        }
        if (p == null || !(p.isObject() || p.isArray())) {
            throw new UsageException("params must be a JSON object or array");
        }
        return p.isEmpty() ? null : p;
    }

    private static String value(String[] args, int i, String option) throws UsageException {
        if (i >= args.length || args[i].isEmpty()) {
            throw new UsageException(option + " needs a value");
        }
        return args[i];
    }

    private static boolean isNumber(String s) {
        return s.matches("[+-]?\\d+");
    }

    /** Any int; the range is the daemon's rule, and its error says so. */
    private static int integer(String s, String what) throws UsageException {
        if (!isNumber(s)) {
            throw new UsageException(what + " needs a whole number, got '" + s + "'");
        }
        try {
            return Integer.parseInt(s);
        } catch (NumberFormatException e) {
            throw new UsageException(what + ": " + s + " is out of range");
        }
    }

    /** Any int; the range (1-1000) is the daemon's rule, and its error says so. */
    private static int eventCount(String s) throws UsageException {
        if (!isNumber(s)) {
            throw new UsageException("events needs a number, got '" + s + "'");
        }
        try {
            return Integer.parseInt(s);
        } catch (NumberFormatException e) {
            throw new UsageException("events: " + s + " is out of range");
        }
    }
}
