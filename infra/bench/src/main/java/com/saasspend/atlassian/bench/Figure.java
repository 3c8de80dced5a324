package com.saasspend.atlassian.bench;

/**
 * One line of BENCHMARKS.md's summary table, with the section that explains it. {@code verdict}: met, missed, or
 * "not measured" with what is missing.
 */
public record Figure(String number, String title, String goal, String measured, String verdict, String details) {
    public static String verdict(boolean met) {
        return met ? "met" : "**missed**";
    }
}
