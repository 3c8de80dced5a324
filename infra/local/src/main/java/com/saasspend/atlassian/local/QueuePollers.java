package com.saasspend.atlassian.local;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Supplier;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * Daemon threads that each poll one queue until closed: what the local stack's bus rules and SQS event sources share.
 * A receive that fails is logged and tried again a second later; closing gives a delivery under way a few seconds to
 * finish (as Lambda would not be cut off mid-call).
 */
final class QueuePollers implements AutoCloseable {
    private final List<Thread> threads = new ArrayList<>();
    private final AtomicBoolean running = new AtomicBoolean(true);

    /** A thread named {@code name} handing each non-empty batch {@code receive} answers to {@code deliver}. */
    void start(String name, String polled, Supplier<List<Message>> receive, Consumer<List<Message>> deliver) {
        Thread poller = new Thread(() -> {
            while (running.get()) {
                List<Message> messages;
                try {
                    messages = receive.get();
                } catch (RuntimeException e) {
                    if (running.get()) {
                        InvocationLog.info("polling " + polled + " failed: " + e.getMessage());
                        sleep(1000);
                    }
                    continue;
                }
                if (!messages.isEmpty()) {
                    deliver.accept(messages);
                }
            }
        }, name);
        poller.setDaemon(true);
        poller.start();
        threads.add(poller);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        running.set(false);
        long deadline = System.nanoTime() + 5_000_000_000L;
        for (Thread poller : threads) {
            try {
                poller.join(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
