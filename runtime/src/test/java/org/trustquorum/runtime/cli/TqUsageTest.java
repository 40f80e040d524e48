package org.trustquorum.runtime.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * The CLI tells the truth: every runtime command is in the usage text of {@code ./tq} and in
 * {@code tq --help}, and the exit codes are the documented ones.
 */
class TqUsageTest {
    private static final Path LAUNCHER = Path.of("..", "tq");

    @Test
    void everyRuntimeCommandIsInTheLauncherUsageAndTheHelp() throws Exception {
        String script = Files.readString(LAUNCHER);
        String usage = script.substring(script.indexOf("usage() {"), script.indexOf("\nTXT\n"));
        StringWriter help = new StringWriter();
        CommandLine cl = RuntimeMain.commandLine().setOut(new PrintWriter(help));
        assertEquals(ExitCodes.OK, cl.execute("--help"));
        for (String name : cl.getSubcommands().keySet()) {
            assertTrue(usage.contains("\n  " + name + " "), "./tq usage lists '" + name + "'");
            assertTrue(help.toString().contains("  " + name + " "), "tq --help lists '" + name + "'");
            assertTrue(script.contains(name + "|") || script.contains("|" + name + ")") || script.contains("  " + name + ")"),
                    "./tq dispatches '" + name + "'");
        }
        assertTrue(usage.contains("\n  package ") && usage.contains("\n  tla run ") && usage.contains("\n  --version "), usage);
    }

    @Test
    void exitCodesAreTheDocumentedOnes() {
        CommandLine cl = RuntimeMain.commandLine().setErr(new PrintWriter(new StringWriter()))
                .setOut(new PrintWriter(new StringWriter()));
        assertEquals(ExitCodes.USAGE, cl.execute("no-such-command"));
        assertEquals(ExitCodes.USAGE, RuntimeMain.commandLine().setErr(new PrintWriter(new StringWriter()))
                .execute("certs", "--nodes", "0", "--dir", "x"));
        assertEquals(ExitCodes.USAGE, RuntimeMain.commandLine().setErr(new PrintWriter(new StringWriter()))
                .execute("node", "--config", "/no/such/file.json"));
        // An exception nobody expected is an internal error, whichever command threw it.
        CommandLine withBug = RuntimeMain.commandLine().setErr(new PrintWriter(new StringWriter()));
        withBug.addSubcommand("bug", new CommandLine(new Bug()));
        assertEquals(ExitCodes.INTERNAL_ERROR, withBug.execute("bug"));
    }

    @CommandLine.Command(name = "bug")
    static final class Bug implements java.util.concurrent.Callable<Integer> {
        @Override
        public Integer call() {
            throw new IllegalStateException("a bug");
        }
    }
}
