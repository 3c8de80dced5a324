package com.saasspend.integration.atlassian;

import java.io.IOException;
import java.net.Authenticator;
import java.net.CookieHandler;
import java.net.ProxySelector;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSession;

/**
 * An in-memory HttpClient: answers each request with what {@code answers} gives, records every request (with its
 * timeout), and advances a fake "remaining time" by {@code costMillis} per call, so deadline logic is tested without
 * sleeping.
 */
final class FakeHttpClient extends HttpClient {
    /** One canned answer; {@code ioFailure} set: the call fails as a timeout would. */
    record Answer(int status, String body, Map<String, String> headers, boolean ioFailure) {
        static Answer json(int status, String body) {
            return new Answer(status, body, Map.of(), false);
        }

        static Answer withHeaders(int status, String body, Map<String, String> headers) {
            return new Answer(status, body, headers, false);
        }

        static Answer timeout() {
            return new Answer(0, null, Map.of(), true);
        }
    }

    final List<HttpRequest> requests = new ArrayList<>();
    /** Remaining time each request saw when it was sent. */
    final List<Long> remainingAtSend = new ArrayList<>();
    private final Function<HttpRequest, Answer> answers;
    private final AtomicLong remainingMillis;
    private final long costMillis;

    FakeHttpClient(Function<HttpRequest, Answer> answers, AtomicLong remainingMillis, long costMillis) {
        this.answers = answers;
        this.remainingMillis = remainingMillis;
        this.costMillis = costMillis;
    }

    FakeHttpClient(Function<HttpRequest, Answer> answers) {
        this(answers, new AtomicLong(), 0);
    }

    @Override
    public <T> HttpResponse<T> send(HttpRequest request, HttpResponse.BodyHandler<T> handler) throws IOException {
        requests.add(request);
        remainingAtSend.add(remainingMillis.get());
        remainingMillis.addAndGet(-costMillis);
        Answer answer = answers.apply(request);
        if (answer.ioFailure()) {
            throw new java.net.http.HttpTimeoutException("request timed out");
        }
        @SuppressWarnings("unchecked")
        T body = (T) answer.body();
        return new Response<>(request, answer.status(), body,
                HttpHeaders.of(answer.headers().entrySet().stream().collect(java.util.stream.Collectors.toMap(
                        Map.Entry::getKey, e -> List.of(e.getValue()))), (a, b) -> true));
    }

    private record Response<T>(HttpRequest request, int statusCode, T body, HttpHeaders headers) implements HttpResponse<T> {
        @Override public Optional<HttpResponse<T>> previousResponse() { return Optional.empty(); }
        @Override public Optional<SSLSession> sslSession() { return Optional.empty(); }
        @Override public URI uri() { return request.uri(); }
        @Override public HttpClient.Version version() { return HttpClient.Version.HTTP_1_1; }
    }

    @Override public <T> CompletableFuture<HttpResponse<T>> sendAsync(HttpRequest r, HttpResponse.BodyHandler<T> h) { throw new UnsupportedOperationException(); }
    @Override public <T> CompletableFuture<HttpResponse<T>> sendAsync(HttpRequest r, HttpResponse.BodyHandler<T> h, HttpResponse.PushPromiseHandler<T> p) { throw new UnsupportedOperationException(); }
    @Override public Optional<CookieHandler> cookieHandler() { return Optional.empty(); }
    @Override public Optional<Duration> connectTimeout() { return Optional.empty(); }
    @Override public Redirect followRedirects() { return Redirect.NEVER; }
    @Override public Optional<ProxySelector> proxy() { return Optional.empty(); }
    @Override public SSLContext sslContext() { return null; }
    @Override public SSLParameters sslParameters() { return null; }
    @Override public Optional<Authenticator> authenticator() { return Optional.empty(); }
    @Override public Version version() { return Version.HTTP_1_1; }
    @Override public Optional<Executor> executor() { return Optional.empty(); }
}
