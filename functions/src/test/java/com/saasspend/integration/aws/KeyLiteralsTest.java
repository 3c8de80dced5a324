package com.saasspend.integration.aws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every key prefix of the table ({@code USER#}, {@code PRODUCTSYNC#}, {@code SEATADJ#}...) is built in {@link TableKeys}
 * and nowhere else: a string literal in production code holding an upper-case word followed by {@code #} is a key
 * part written outside the one place that says what the keys are.
 */
class KeyLiteralsTest {
    private static final Path SOURCES = Path.of("src/main/java");
    /** A Java string literal (escapes included) whose text holds {@code WORD#}: {@code "USER#"}, {@code "DIGEST#%s#%06d"}. */
    private static final Pattern KEY_LITERAL = Pattern.compile("\"(?:[^\"\\\\\\n]|\\\\.)*?\\b[A-Z][A-Z0-9_]*#(?:[^\"\\\\\\n]|\\\\.)*\"");
    @Test
    void keyPrefixesAreBuiltOnlyInTableKeys() throws IOException {
        assertTrue(Files.isDirectory(SOURCES), "run from the functions module: " + SOURCES.toAbsolutePath());
        List<String> found = new ArrayList<>();
        try (Stream<Path> files = Files.walk(SOURCES)) {
            files.filter(f -> f.toString().endsWith(".java"))
                    .filter(f -> !f.getFileName().toString().equals("TableKeys.java"))
                    .forEach(f -> found.addAll(keyLiterals(f)));
        }
        assertEquals(List.of(), found, "key literals outside TableKeys: add a TableKeys method and use it");
    }

    @Test
    void theScanRecognisesKeyLiteralsAndNothingElse() {
        assertEquals(List.of("\"USER#\"", "\"PRODUCTSYNC#%s#GROUPMEMBERS#%s#%04d\"", "\"x TENANT#\""),
                keyLiterals("""
                        String a = "USER#" + id; String b = String.format("PRODUCTSYNC#%s#GROUPMEMBERS#%s#%04d", p, g, 1);
                        Map.of("#c", "checkpoint"); String sep = "#"; String c = "x TENANT#"; String d = "a\\"b#";
                        """));
    }

    /** The file's key literals, as "path:line: literal". */
    private static List<String> keyLiterals(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<String> found = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            for (String literal : keyLiterals(lines.get(i))) {
                found.add(SOURCES.relativize(file) + ":" + (i + 1) + ": " + literal);
            }
        }
        return found;
    }

    private static List<String> keyLiterals(String source) {
        List<String> found = new ArrayList<>();
        Matcher strings = Pattern.compile("\"(?:[^\"\\\\\\n]|\\\\.)*\"").matcher(source);
        while (strings.find()) {
            if (KEY_LITERAL.matcher(strings.group()).matches()) {
                found.add(strings.group());
            }
        }
        return found;
    }
}
