package net.coopwan.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

/** The files the OpenWrt package installs exist, parse as shell, and say what procd needs. */
class PackageFilesTest {

    private static final Path MODULE = Path.of("").toAbsolutePath();

    private static int shSyntax(Path script) throws Exception {
        Process p = new ProcessBuilder("sh", "-n", script.toString()).redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        return p.waitFor();
    }

    @Test
    void scriptsAreValidShell() throws Exception {
        for (String f : List.of("files/coopwan", "files/coopwan.init")) {
            assertEquals(0, shSyntax(MODULE.resolve(f)), f);
            assertTrue(Files.isExecutable(MODULE.resolve("files/coopwan")), "launcher is executable");
        }
    }

    /** The JVM flags the launcher would use for CONFIG (java replaced by echo). */
    private static String launcherFlags(Path config) throws Exception {
        ProcessBuilder pb = new ProcessBuilder("sh", MODULE.resolve("files/coopwan").toString(), "run", "--config",
                config.toString(), "--state", "/nonexistent").redirectErrorStream(true);
        pb.environment().put("JAVA", "echo");
        pb.environment().put("COOPWAN_JAR", "/nonexistent.jar");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes());
        assertEquals(0, p.waitFor());
        return out;
    }

    @Test
    void aConcentratorGetsTheFullJitAndALargerHeapARouterC1AndASmallOne(@org.junit.jupiter.api.io.TempDir Path dir)
            throws Exception {
        Path conc = dir.resolve("conc");
        Files.writeString(conc, "config global 'global'\n\toption role 'concentrator'\n");
        String c = launcherFlags(conc);
        assertTrue(c.contains("-Xmx256m") && !c.contains("TieredStopAtLevel"), c);
        Path router = dir.resolve("router");
        Files.writeString(router, "config global 'global'\n\toption role 'router'\n# option role 'concentrator'\n");
        String r = launcherFlags(router);
        assertTrue(r.contains("-Xmx32m") && r.contains("-XX:TieredStopAtLevel=1"), r);
    }

    @Test
    void initScriptRunsInTheForegroundWithReloadAndRespawn() throws Exception {
        String init = Files.readString(MODULE.resolve("files/coopwan.init"));
        assertTrue(init.startsWith("#!/bin/sh /etc/rc.common\n"));
        assertTrue(init.contains("USE_PROCD=1"));
        assertTrue(init.contains("procd_set_param command \"$PROG\" run --config \"$CONFIG\" --state \"$STATE\""));
        assertTrue(init.contains("procd_set_param reload_signal HUP"));
        assertTrue(init.contains("procd_set_param respawn"));
        assertTrue(init.contains("procd_add_reload_trigger \"coopwan\""));
    }

    @Test
    void everyFileTheOpenWrtMakefileCopiesExists() throws Exception {
        String mk = Files.readString(MODULE.resolve("openwrt/Makefile"));
        Matcher m = Pattern.compile("\\$\\(COOPWAN_SRC\\)/(\\S+)").matcher(mk);
        int found = 0;
        while (m.find()) {
            String rel = m.group(1);
            if (rel.startsWith("package/target/")) {
                continue; // built by Maven
            }
            Path p = MODULE.getParent().resolve(rel);
            assertTrue(Files.exists(p), "Makefile copies " + rel + " but " + p + " is missing");
            found++;
        }
        assertEquals(4, found, "paths checked");
        Matcher installs = Pattern.compile("luci-files/(\\S+)").matcher(mk);
        while (installs.find()) {
            Path p = MODULE.resolve("../luci-bridge/files").resolve(installs.group(1));
            assertTrue(Files.exists(p), "Makefile installs " + p);
        }
    }
}
