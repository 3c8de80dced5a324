package com.saasspend.atlassian.bench;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.function.DoubleFunction;

/** Median and spread (min–max) of repeated measurements. */
public record Stats(List<Double> values) {
    public Stats {
        values = List.copyOf(values);
        if (values.isEmpty()) {
            throw new IllegalArgumentException("no measurements");
        }
    }

    public static Stats of(List<? extends Number> values) {
        List<Double> d = new ArrayList<>();
        values.forEach(v -> d.add(v.doubleValue()));
        return new Stats(d);
    }

    public double median() {
        List<Double> s = sorted();
        int n = s.size();
        return n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
    }

    public double min() {
        return sorted().get(0);
    }

    public double max() {
        return sorted().get(values.size() - 1);
    }

    public int runs() {
        return values.size();
    }

    private List<Double> sorted() {
        List<Double> s = new ArrayList<>(values);
        Collections.sort(s);
        return s;
    }

    /** "12.3 (11.9–13.0, 3 runs)" in the given format; a single run or identical runs say so. */
    public String describe(DoubleFunction<String> format) {
        if (runs() == 1) {
            return format.apply(median()) + " (1 run)";
        }
        if (min() == max()) {
            return format.apply(median()) + " (all " + runs() + " runs)";
        }
        return format.apply(median()) + " (" + format.apply(min()) + "–" + format.apply(max()) + ", " + runs() + " runs)";
    }

    public static String fixed(double v, int decimals) {
        return String.format(Locale.ROOT, "%,." + decimals + "f", v);
    }
}
